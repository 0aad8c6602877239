import Foundation

/// A mergeable histogram of positive values over fixed logarithmic bins: b bins per decade,
/// bin i = [10^(i/b), 10^((i+1)/b)) for every integer i, so the bins are the same in every
/// histogram with the same b and counts simply add.
///
/// Counts are 64-bit integers, so merging is exact, commutative and associative: histograms
/// filled on any number of threads and merged in any order are equal (`==`). The storage is
/// canonical — ``counts`` runs from the lowest to the highest non-empty bin — so equality compares
/// contents, not history. Values that are not positive (0, negatives, NaN) are only counted in
/// ``nonPositive``.
///
/// Intended as the input of ``PowerLawFit`` (binned data, Virkar and Clauset 2014) and for
/// reporting distributions that span many decades (liquidated notional per path).
public struct LogBinnedHistogram: Sendable, Equatable {
    /// b, the number of bins per factor of 10.
    public let binsPerDecade: Int
    /// The index i of the bin counted by `counts[0]` (0 when empty).
    public private(set) var lowestBin: Int = 0
    /// Counts of bins lowestBin, lowestBin + 1, …; the first and last are non-zero (or the array is
    /// empty).
    public private(set) var counts: [Int64] = []
    /// Number of values ≤ 0 or NaN.
    public private(set) var nonPositive: Int64 = 0

    /// An empty histogram with `binsPerDecade` bins per decade (1…10,000).
    public init(binsPerDecade: Int = 20) {
        precondition(binsPerDecade >= 1 && binsPerDecade <= 10_000, "binsPerDecade \(binsPerDecade) is not in 1...10000")
        self.binsPerDecade = binsPerDecade
    }

    /// The lower edge of bin i: 10^(i/b), computed as `pow(10, Double(i)/Double(b))`. Bin
    /// membership is decided against exactly these values, so ``edges()`` and ``bin(of:)`` agree
    /// to the last bit (decades are exact: 10^2 = 100).
    ///
    /// - Complexity: O(1): one `pow`.
    public func edge(_ bin: Int) -> Double {
        Foundation.pow(10, Double(bin) / Double(binsPerDecade))
    }

    /// The bin of a positive finite value: the i with edge(i) ≤ x < edge(i + 1). Starts from
    /// ⌊b·log₁₀ x⌋ and corrects it by comparing x with the computed edges, so a value exactly on
    /// an edge goes to the bin above, whatever the rounding of log₁₀. +∞ goes to the bin of the
    /// largest finite double.
    ///
    /// - Complexity: O(1): one `log10` and two or three `pow`.
    public func bin(of value: Double) -> Int {
        precondition(value > 0, "\(value) is not positive")
        let x = value.isFinite ? value : .greatestFiniteMagnitude
        var i = Int((Foundation.log10(x) * Double(binsPerDecade)).rounded(.down))
        while x < edge(i) { i -= 1 }
        while x >= edge(i + 1) { i += 1 }
        return i
    }

    /// Adds `count` ≥ 0 observations of `value`.
    ///
    /// - Complexity: O(1) amortised when the bin is inside the current range or above it; O(width)
    ///   when the range grows downwards (the width is at most about 633·b bins: all doubles).
    public mutating func add(_ value: Double, count: Int64 = 1) {
        precondition(count >= 0, "count \(count) is negative")
        guard count > 0 else { return }
        guard value > 0 else {
            nonPositive += count
            return
        }
        addToBin(bin(of: value), count: count)
    }

    /// Adds `count` > 0 to bin `i`, growing the range to include it.
    private mutating func addToBin(_ i: Int, count: Int64) {
        if counts.isEmpty {
            lowestBin = i
            counts = [count]
            return
        }
        if i < lowestBin {
            counts.insert(contentsOf: repeatElement(0, count: lowestBin - i), at: 0)
            lowestBin = i
        } else if i >= lowestBin + counts.count {
            counts.append(contentsOf: repeatElement(0, count: i - lowestBin - counts.count + 1))
        }
        counts[i - lowestBin] += count
    }

    /// Adds every count of `other` (which must have the same ``binsPerDecade``). Exact and
    /// order-independent: a.merge(b) gives the same histogram as b.merge(a), and merging is
    /// associative.
    ///
    /// - Complexity: O(width of `other`) plus O(width) when the range grows.
    public mutating func merge(_ other: LogBinnedHistogram) {
        precondition(other.binsPerDecade == binsPerDecade,
                     "cannot merge \(other.binsPerDecade) bins per decade into \(binsPerDecade)")
        nonPositive += other.nonPositive
        guard !other.counts.isEmpty else { return }
        guard !counts.isEmpty else {
            lowestBin = other.lowestBin
            counts = other.counts
            return
        }
        // Extend to the union of both ranges (both ends of `other` are non-zero), then add.
        addToBin(other.lowestBin, count: other.counts[0])
        addToBin(other.lowestBin + other.counts.count - 1, count: 0)
        let offset = other.lowestBin - lowestBin
        for i in 1..<other.counts.count {
            counts[offset + i] += other.counts[i]
        }
    }

    /// Number of values added: Σ counts + nonPositive.
    ///
    /// - Complexity: O(width).
    public var total: Int64 { counts.reduce(nonPositive, +) }

    /// The counts.count + 1 bin edges: edges()[i] = edge(lowestBin + i), so bin lowestBin + i is
    /// [edges()[i], edges()[i + 1]) = [10^((lowestBin + i)/b), 10^((lowestBin + i + 1)/b)). An empty
    /// histogram has the single edge 10^0 = 1.
    ///
    /// - Complexity: O(width) `pow` calls.
    public func edges() -> [Double] {
        (0...counts.count).map { edge(lowestBin + $0) }
    }
}
