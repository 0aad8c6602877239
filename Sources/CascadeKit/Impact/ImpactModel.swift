import Foundation

/// Transient price impact of forced flow.
///
/// The log-impact is a concave function of the *outstanding* net forced flow Q (USD, forced buys
/// minus forced sells), g(Q) = sign(Q)·c·1%·(|Q| / D)^δ, where D is the `depth` (USD of flow that
/// moves the price by 1% when c = 1), c the dimensionless `coefficient` and δ = 1 (linear) or ½
/// (square-root). Within a step, with Q the step's cumulative flow and J₀ the impact carried into
/// it (after recovery, J ← J·2^(−Δt/h) between steps):
///
///     J = g(g⁻¹(J₀) + Q)
///
/// Acting on the total rather than summing per-round or per-step impacts makes the price
/// independent of how the same flow is split into rounds or (without recovery) steps; the square
/// root is concave, so a sum of pieces would over-state impact the finer the split.
///
/// |g| saturates at ``ModelLimits/maximumLogImpact`` (a factor 10⁴): flow beyond the saturating
/// amount moves the price no further, and ``equivalentFlow(logImpact:)`` of a saturated J is the
/// saturating flow.
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

    /// The log-impact of a cumulative net flow `flow` (USD): sign(Q)·min(c·0.01·(|Q|/D)^δ, J_max).
    @inlinable
    public func logImpact(cumulativeFlow flow: Double) -> Double {
        if flow == 0 || coefficient == 0 { return 0 }
        let relative = Swift.abs(flow) / depth
        let size: Double
        switch shape {
        case .linear: size = relative
        case .squareRoot: size = relative.squareRoot()
        }
        let magnitude = Swift.min(coefficient * 0.01 * size, ModelLimits.maximumLogImpact)
        return flow > 0 ? magnitude : -magnitude
    }

    /// The signed flow whose impact is `logImpact`: the inverse of ``logImpact(cumulativeFlow:)``.
    ///
    /// The engine carries impact across steps as J and converts it back to this equivalent
    /// outstanding flow before adding a step's forced flow, so that a flow spread over several
    /// steps without recovery moves the price exactly as the same flow in one step.
    @inlinable
    public func equivalentFlow(logImpact j: Double) -> Double {
        if j == 0 || coefficient == 0 { return 0 }
        let size = Swift.abs(j) / (coefficient * 0.01)
        let relative: Double
        switch shape {
        case .linear: relative = size
        case .squareRoot: relative = size * size
        }
        return j > 0 ? relative * depth : -relative * depth
    }

    /// The factor applied to J at the start of each step of `stepSeconds`: 2^(−Δt/h).
    public func decayFactor(stepSeconds: Double) -> Double {
        recoveryHalfLife <= 0 ? 0 : Foundation.exp2(-stepSeconds / recoveryHalfLife)
    }
}
