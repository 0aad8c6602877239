import Foundation

/// Deterministic stress shocks of one asset, the same on every path.
///
/// - A **move** of m (e.g. −0.12 for −12%) starting at time a over a duration d adds
///   ln(1 + m)/n to the log-return of each of the n = d/Δ steps in [a, a + d).
/// - A **volatility multiplier** k over [from, to) multiplies the random part of each step's
///   log-return in the window by k (and its convexity correction by k², so the expected price is
///   unchanged); overlapping windows multiply. Jumps are not scaled.
public struct StressSchedule: Sendable, Equatable {
    /// A scheduled shock.
    public enum Shock: Sendable, Equatable {
        /// Move the price by the factor (1 + move) over `steps` steps starting at step `start`.
        case move(relative: Double, start: Int, steps: Int)
        /// Multiply the random part of the returns of steps `from..<to` by `multiplier`.
        case volatility(multiplier: Double, from: Int, to: Int)
    }

    /// Extra deterministic log-return per step.
    public let extraDrift: [Double]
    /// Multiplier of the random part per step.
    public let volatilityScale: [Double]

    public init(shocks: [Shock], steps: Int) {
        var drift = [Double](repeating: 0, count: steps)
        var scale = [Double](repeating: 1, count: steps)
        for shock in shocks {
            switch shock {
            case let .move(relative, start, count):
                let perStep = Foundation.log(1 + relative) / Double(count)
                for s in start..<min(start + count, steps) { drift[s] += perStep }
            case let .volatility(multiplier, from, to):
                for s in from..<min(to, steps) { scale[s] *= multiplier }
            }
        }
        extraDrift = drift
        volatilityScale = scale
    }

    /// Whether the schedule changes nothing.
    public var isEmpty: Bool { extraDrift.allSatisfy { $0 == 0 } && volatilityScale.allSatisfy { $0 == 1 } }
}

