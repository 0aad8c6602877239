import Foundation

/// Descriptive statistics of one metric across paths: the row of `summary.csv`.
public struct SampleSummary: Sendable, Equatable {
    /// Number of values (paths where the metric is defined).
    public var count: Int
    public var mean: Double
    /// Sample standard deviation (n − 1 in the denominator).
    public var standardDeviation: Double
    /// Monte Carlo standard error of the mean, s/√n.
    public var standardError: Double
    public var minimum: Double
    public var maximum: Double
    /// Exact quantiles (type 7) at the requested levels, in the same order.
    public var quantiles: [Double]

    /// Summarises `values`, ignoring NaN (an undefined value, such as the first-liquidation time
    /// of a path without liquidations). Sums run in the order given, so the result is
    /// deterministic for a given order.
    public init(_ values: some Sequence<Double>, quantileLevels: [Double]) {
        var sorted: [Double] = []
        self.init(values, quantileLevels: quantileLevels, sorted: &sorted)
    }

    /// ``init(_:quantileLevels:)``, also handing back the defined values in ascending order (for
    /// further order statistics without sorting again).
    public init(_ values: some Sequence<Double>, quantileLevels: [Double], sorted: inout [Double]) {
        let finite = values.filter { !$0.isNaN }
        count = finite.count
        guard count > 0 else {
            mean = .nan; standardDeviation = .nan; standardError = .nan
            minimum = .nan; maximum = .nan
            quantiles = quantileLevels.map { _ in .nan }
            return
        }
        // Two-pass mean and variance: accurate for large money values.
        let m = finite.reduce(0, +) / Double(count)
        mean = m
        if count > 1 {
            let ss = finite.reduce(0) { $0 + ($1 - m) * ($1 - m) }
            standardDeviation = (ss / Double(count - 1)).squareRoot()
            standardError = standardDeviation / Double(count).squareRoot()
        } else {
            standardDeviation = .nan
            standardError = .nan
        }
        let sample = RadixSort.sorted(finite)
        minimum = sample.first!
        maximum = sample.last!
        quantiles = quantileLevels.map { Quantiles.sorted(sample, $0) }
        sorted = sample
    }
}
