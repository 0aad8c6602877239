import CVectorMath
import Foundation

/// Maps positive values to logarithmic buckets with a guaranteed relative accuracy, as in
/// DDSketch (Masson, Rim and Lee, "DDSketch: A Fast and Fully-Mergeable Quantile Sketch with
/// Relative-Error Guarantees", VLDB 2019).
///
/// With γ = (1 + α)/(1 − α), bucket i holds the values in (γ^(i−1), γ^i] and is represented by
/// 2γ^i/(γ + 1), which is within relative error α of every value in the bucket. Counts per bucket
/// are integers, so merging histograms is exact and independent of the order and grouping of the
/// merges: quantiles computed this way do not depend on thread count or chunking.
public struct LogBucketMapping: Sendable, Equatable {
    /// The bucket that holds exact zeros.
    public static let zeroBucket = Int32.min

    /// α: every represented value is within this relative error of the true value.
    public let relativeAccuracy: Double
    public let gamma: Double
    public let logGamma: Double
    public let inverseLogGamma: Double

    public init(relativeAccuracy: Double) {
        precondition(relativeAccuracy > 0 && relativeAccuracy < 1)
        self.relativeAccuracy = relativeAccuracy
        gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy)
        logGamma = Foundation.log(gamma)
        inverseLogGamma = 1 / logGamma
    }

    /// The bucket of a value given by its natural logarithm (no `log` call: prices are
    /// simulated in log space). Clamped to ±2³⁰ so extreme values cannot overflow.
    @inlinable @inline(__always)
    public func bucket(logValue: Double) -> Int32 {
        Self.bucket(logValue: logValue, inverseLogGamma: inverseLogGamma)
    }

    /// The same as a static function of 1/ln γ.
    @inlinable @inline(__always)
    public static func bucket(logValue: Double, inverseLogGamma: Double) -> Int32 {
        buckets(logValues: SIMD4(repeating: logValue), inverseLogGamma: inverseLogGamma)[0]
    }

    /// The buckets of four values given by their logarithms (branch-free, for the engine's vector
    /// loops): ⌈ln x / ln γ⌉, clamped to ±2³⁰.
    @inlinable @inline(__always)
    public static func buckets(logValues: SIMD4<Double>, inverseLogGamma: Double) -> SIMD4<Int32> {
        let raw = FastMath.maximum(SIMD4(repeating: -1_073_741_824), FastMath.minimum(SIMD4(repeating: 1_073_741_824), logValues * inverseLogGamma))
        return cascade_ceil_int4(raw)
    }

    /// The bucket of a value ≥ 0 (zero has its own bucket).
    @inlinable
    public func bucket(value: Double) -> Int32 {
        value > 0 ? bucket(logValue: Foundation.log(value)) : Self.zeroBucket
    }

    /// The value that represents bucket `index`.
    @inlinable
    public func representative(_ index: Int32) -> Double {
        index == Self.zeroBucket ? 0 : 2 * Foundation.exp(Double(index) * logGamma) / (gamma + 1)
    }
}
