import Foundation

/// Liquidity that withdraws under stress (`mechanisms.liquidity`): the book's depth D is scaled
/// per path by a multiplier m ∈ [floor, 1] that falls at once when realised volatility or the
/// drawdown rise, and comes back with a half-life once they ease. Off by default.
///
/// Each step of Δt seconds, with r the fundamental's log-return and dd the traded price's
/// drawdown from its running peak (a fraction):
///
///     v  ← λ·v + (1 − λ)·r²,   λ = 2^(−Δt / volatilityWindow)       (EWMA of r², v₀ = σ₀²·Δt/year)
///     σ̂  = √(v · year / Δt)                                          (annualised)
///     m* = max(floor, exp(−a · max(0, σ̂/σ₀ − 1)) · max(0, 1 − b·dd))
///     m  ← m*                          if m* < m   (market makers pull quotes at once)
///     m  ← m + (m* − m)·(1 − 2^(−Δt / recoveryHalfLife))   otherwise (they come back)
///
/// and every cascade of the step uses depth m·D (J = g(Q/m) for both impact shapes).
///
/// **Calibration** [E: estimates, documented with their sources in docs/model.md]: depth fell
/// by more than 90% on 10 October 2025 (Kaiko/CoinDesk reports relayed in docs/model.md) and to
/// under 1% of the morning's E-mini depth on 6 May 2010 (CFTC–SEC report, 30 September 2010);
/// floor 0.05 for BTC/ETH, a ≈ 0.3, b ≈ 1, recovery half-life ≈ 10 minutes. No published
/// elasticity of crypto depth to volatility was found: the form is ours.
public struct LiquidityWithdrawal: Sendable, Equatable {
    /// The lowest multiplier m (> 0, ≤ 1).
    public var floor: Double
    /// a: how fast depth falls with realised volatility beyond normal (≥ 0).
    public var volatilitySensitivity: Double
    /// b: how fast depth falls with the drawdown (≥ 0).
    public var drawdownSensitivity: Double
    /// σ₀: the annualised volatility at which depth is normal (> 0).
    public var normalVolatility: Double
    /// The half-life of the EWMA of squared returns (seconds, > 0).
    public var volatilityWindow: Double
    /// The half-life of depth's return towards its target (seconds, > 0).
    public var recoveryHalfLife: Double

    public static let secondsPerYear = 365.0 * 86_400

    public init(floor: Double, volatilitySensitivity: Double, drawdownSensitivity: Double, normalVolatility: Double,
                volatilityWindow: Double, recoveryHalfLife: Double) {
        self.floor = floor
        self.volatilitySensitivity = volatilitySensitivity
        self.drawdownSensitivity = drawdownSensitivity
        self.normalVolatility = normalVolatility
        self.volatilityWindow = volatilityWindow
        self.recoveryHalfLife = recoveryHalfLife
    }

    /// The variance v₀ of a normal step of `stepSeconds`.
    public func normalVariance(stepSeconds: Double) -> Double {
        normalVolatility * normalVolatility * stepSeconds / Self.secondsPerYear
    }

    /// The per-step constants: λ, the recovery fraction 1 − 2^(−Δt/h), and year/Δt.
    public struct Step: Sendable {
        public let lambda: Double
        public let recovery: Double
        public let annualise: Double
    }

    public func step(seconds: Double) -> Step {
        Step(lambda: exp2(-seconds / volatilityWindow), recovery: 1 - exp2(-seconds / recoveryHalfLife),
             annualise: Self.secondsPerYear / seconds)
    }

    /// One step: the new (multiplier, variance) from the old ones, the step's log-return and the
    /// drawdown.
    @inline(__always)
    public func advance(multiplier m: Double, variance v: Double, logReturn r: Double, drawdown dd: Double,
                        step: Step) -> (multiplier: Double, variance: Double) {
        let variance = step.lambda * v + (1 - step.lambda) * r * r
        let sigma = (variance * step.annualise).squareRoot()
        let excess = Swift.max(0, sigma / normalVolatility - 1)
        let target = Swift.max(floor, exp(-volatilitySensitivity * excess) * Swift.max(0, 1 - drawdownSensitivity * dd))
        let next = target < m ? target : m + (target - m) * step.recovery
        return (next, variance)
    }
}
