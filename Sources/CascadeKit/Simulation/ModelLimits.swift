import Foundation

/// The numeric envelope of the model: the ranges `cascade validate` accepts for the quantities
/// whose size the arithmetic depends on, and the two caps the engine applies to prices. Inside it
/// every quantity the engine computes is a finite double, so every accepted scenario runs to a
/// finite result (docs/model.md, "Numeric limits").
///
/// The limits are far outside any market: they exist so that a mistyped or swept value gives
/// either a refusal naming the key and the limit, or a finite run — never an overflow, a NaN, a
/// trap converting a non-finite number, or a search that cannot end.
///
/// - The **price band**: the fundamental log-price stays within ±``logPriceBand`` of its
///   start, ln(F/F₀) ∈ [−ln 10⁹, ln 10⁹]. A step that would take it further ends at the band.
/// - **Impact saturation**: |J| ≤ ``maximumLogImpact`` = ln 10⁴, so forced flow moves the traded
///   price at most a factor 10,000 away from the fundamental price; flow beyond the saturating
///   amount moves it no further (as if the book were infinitely deep past a 99.99% move).
///
/// With prices of at most 10¹² USD and money of at most 10¹⁵ USD, a traded price lies within
/// [10⁻²⁵, 10²⁵] USD and one closure's notional below 10²⁸ USD. Each asset-step at which the
/// band or the saturation bound is counted in the `priceLimitHits` column of paths.csv, so a
/// result shaped by these caps rather than by the market is never silent.
public enum ModelLimits {
    /// ln 10⁹: the fundamental price stays within a factor 10⁹ of its starting price. (Written
    /// as a literal, so that the hot loops read a constant; a test holds it equal to ln 10⁹.)
    public static let logPriceBand: Double = 20.72326583694641
    /// ln 10⁴: the largest |log-impact| of forced flow (a literal; a test holds it to ln 10⁴).
    public static let maximumLogImpact: Double = 9.210340371976184

    /// Prices (USD) a scenario may start from, and entry prices of positions.
    public static let price: ClosedRange<Double> = 1e-12...1e12
    /// The largest amount of money (USD) in one input: open interest, one position's notional,
    /// a positions file's total, the insurance fund, the impact depth.
    public static let money = 1e15
    /// The smallest notional (USD) of one position, synthetic or from a file: a millionth of a
    /// dollar. Below it a position's notional, its liquidations and the cascade-size bins they
    /// fall in approach the subnormal doubles, where a density (count per bin width) overflows.
    public static let smallestNotional = 1e-6
    /// The largest annualised volatility (10,000% a year), of any model.
    public static let volatility = 100.0
    /// The largest |annualised drift| (10⁶ a year is −114 in log-price per hour: a crash regime's
    /// drift is about 10³).
    public static let drift = 1e6
    /// The largest |mean| and standard deviation of one jump's log-size (e^±10).
    public static let jumpSize = 10.0
    /// The largest volatility multiplier of a stress window.
    public static let volatilityMultiplier = 1_000.0
    /// The largest relative stress move (+10⁶, a factor 1,000,001).
    public static let move = 1e6
    /// The largest horizon, in seconds (100 years of 365 days).
    public static let horizonSeconds = 100 * 365 * 86_400.0
    /// Impact coefficients other than 0 must lie in this range.
    public static let impactCoefficient: ClosedRange<Double> = 1e-6...1e6
    /// The largest per-step variance of GARCH (a per-step standard deviation of 10): the
    /// variance recursion is capped here (a Student-t draw can otherwise feed it without bound).
    public static let garchStepVariance = 100.0
    /// GARCH's ω (per-step variance) and the volatilities of its long-run and start forms.
    public static let garchOmega = 1.0
    /// Heston's parameters: κ, θ, ξ and v₀ (annual variances) in these ranges.
    public static let hestonKappa: ClosedRange<Double> = 1e-4...1e4
    public static let hestonTheta: ClosedRange<Double> = 1e-8...100
    public static let hestonXi: ClosedRange<Double> = 1e-4...100
    public static let hestonV0 = 100.0
    /// Regime switching: the step as a fraction of the transition period.
    public static let regimePeriods: ClosedRange<Double> = 1e-6...1e6
    /// The most positions of one asset (the ladder's indices are 32-bit).
    public static let positions = Int(Int32.max)
}
