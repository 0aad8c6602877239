import Foundation

/// Transient price impact of forced flow (model M0).
///
/// Within a step, the log-impact is a function of the step's *cumulative* net forced flow Q (USD,
/// forced buys minus forced sells):
///
///     J = J₀ + sign(Q)·c·1%·(|Q| / D)^δ
///
/// where J₀ is the impact carried into the step (after recovery), D the `depth` (USD of flow that
/// moves the price by 1% when c = 1), c the dimensionless `coefficient` and δ = 1 (linear) or
/// ½ (square-root). Between steps J decays by the recovery half-life h: J ← J·2^(−Δt/h).
///
/// Using the cumulative flow rather than a sum of per-round impacts makes the end-of-step price
/// independent of how the cascade splits into rounds (the square root is concave, so a per-round
/// sum would over-state impact the more rounds there are).
public struct ImpactModel: Sendable, Equatable {
    /// The shape of impact in the size of the flow.
    public enum Shape: String, Sendable, CaseIterable {
        case linear
        case squareRoot
    }

    public var shape: Shape
    /// USD of net flow that moves the price by 1% (times `coefficient`).
    public var depth: Double
    /// Dimensionless scale c; 0 switches impact off.
    public var coefficient: Double
    /// Seconds for half of the transient impact to recover; 0 means full recovery every step.
    public var recoveryHalfLife: Double

    public init(shape: Shape, depth: Double, coefficient: Double = 1, recoveryHalfLife: Double) {
        self.shape = shape
        self.depth = depth
        self.coefficient = coefficient
        self.recoveryHalfLife = recoveryHalfLife
    }

    /// The log-impact of a cumulative net flow `flow` (USD): sign(Q)·c·0.01·(|Q|/D)^δ.
    @inlinable
    public func logImpact(cumulativeFlow flow: Double) -> Double {
        if flow == 0 || coefficient == 0 { return 0 }
        let relative = Swift.abs(flow) / depth
        let size: Double
        switch shape {
        case .linear: size = relative
        case .squareRoot: size = relative.squareRoot()
        }
        let magnitude = coefficient * 0.01 * size
        return flow > 0 ? magnitude : -magnitude
    }

    /// The factor applied to J at the start of each step of `stepSeconds`: 2^(−Δt/h).
    public func decayFactor(stepSeconds: Double) -> Double {
        recoveryHalfLife <= 0 ? 0 : Foundation.exp2(-stepSeconds / recoveryHalfLife)
    }
}
