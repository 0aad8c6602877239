import Foundation

/// Perpetual funding: every ``intervalSteps`` steps each open position pays
/// rate × (its quantity) × (the traded price), longs to shorts when the rate is positive.
///
/// The rate is either fixed (a schedule of one rate) or the venue's premium formula
/// (docs/venues.md, "Funding"), with the premium the traded price against the index — in this
/// model the impact basis, e^J − 1 — averaged over the interval's steps:
///
///     rate = clamp(premium + clamp(interest − premium, −0.05%, +0.05%), −cap, +cap)
///
/// (Binance's, Bybit's and OKX's form; the interest term is 0.01% per 8 hours on all three.)
public struct FundingRule: Sendable, Equatable {
    public enum Rate: Sendable, Equatable {
        /// The same rate at every interval (a fraction of the position's value).
        case fixed(Double)
        /// The premium formula with this interest rate per interval and cap.
        case premium(interest: Double, cap: Double)
    }

    /// Steps between payments (≥ 1); a payment falls at the end of steps intervalSteps − 1,
    /// 2·intervalSteps − 1, …
    public var intervalSteps: Int
    public var rate: Rate

    public init(intervalSteps: Int, rate: Rate) {
        precondition(intervalSteps >= 1)
        self.intervalSteps = intervalSteps
        self.rate = rate
    }

    /// The clamp of the interest term around the premium (0.05%).
    public static let interestClamp = 0.0005

    /// Whether a payment falls at the end of `step`.
    @inline(__always)
    public func pays(afterStep step: Int) -> Bool { (step + 1) % intervalSteps == 0 }

    /// The rate of an interval whose average premium is `premium`.
    public func rate(averagePremium premium: Double) -> Double {
        switch rate {
        case let .fixed(r): return r
        case let .premium(interest, cap):
            let r = premium + min(max(interest - premium, -Self.interestClamp), Self.interestClamp)
            return min(max(r, -cap), cap)
        }
    }

    /// Whether the rate depends on the premium (then the engine averages e^J − 1 over the steps).
    public var usesPremium: Bool { if case .premium = rate { true } else { false } }

    /// A venue preset's funding interval (seconds) and premium-formula defaults (interest per
    /// interval, cap per interval), docs/venues.md "Funding": 8 hours on Binance, Bybit, OKX and
    /// BitMEX (interest 0.01%, caps: BTC ±0.375% on Bybit, OKX and BitMEX, ±0.3% on Binance's
    /// BTCUSDT); hourly on Hyperliquid (interest 0.01%/8 per hour, cap 4% per hour) and dYdX v4
    /// (interest 0, cap 0.6% per hour, [E] from its 4.8%-per-8-hours large-cap parameter).
    public static func venueDefaults(preset: String) -> (intervalSeconds: Double, interest: Double, cap: Double)? {
        switch preset {
        case "binance-usdm": (8 * 3600, 0.0001, 0.003)
        case "bybit", "okx", "bitmex": (8 * 3600, 0.0001, 0.00375)
        case "hyperliquid": (3600, 0.0001 / 8, 0.04)
        case "dydx-v4": (3600, 0, 0.006)
        default: nil
        }
    }

    /// Defaults without a preset: the premium formula's interest 0.01% per 8 hours and cap 0.75%
    /// per 8 hours, scaled to the interval.
    public static func genericDefaults(intervalSeconds: Double) -> (interest: Double, cap: Double) {
        (0.0001 * intervalSeconds / 28_800, 0.0075 * intervalSeconds / 28_800)
    }
}
