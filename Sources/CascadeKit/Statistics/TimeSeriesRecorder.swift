/// The quantity a time-series row reports across paths.
public enum TimeSeriesQuantity: Int, CaseIterable, Sendable {
    case tradedPrice
    case fundamentalPrice
    case cumulativeLiquidatedNotional
    case insuranceFund

    public var name: String {
        switch self {
        case .tradedPrice: "tradedPrice"
        case .fundamentalPrice: "fundamentalPrice"
        case .cumulativeLiquidatedNotional: "liquidatedNotional"
        case .insuranceFund: "insuranceFund"
        }
    }
}

/// Which steps the time series records and how precisely.
public struct TimeSeriesLayout: Sendable, Equatable {
    /// A row every `stride` steps; row r is the state at the end of step r·stride (row 0 = start).
    public var stride: Int
    /// Number of rows, 1 + ⌊steps / stride⌋.
    public var rows: Int
    /// Bucket mapping of the quantile sketch.
    public var mapping: LogBucketMapping

    public init(steps: Int, stride: Int, relativeAccuracy: Double) {
        self.stride = stride
        self.rows = 1 + steps / stride
        self.mapping = LogBucketMapping(relativeAccuracy: relativeAccuracy)
    }

    /// The first row at or after the end of step `step` (0-based), i.e. ⌈(step+1)/stride⌉.
    @inlinable
    public func firstRow(afterStep step: Int) -> Int {
        (step + stride) / stride
    }
}

/// Records, for each time-series row, the distribution across paths of the four
/// ``TimeSeriesQuantity`` values, with bounded memory and exact merging.
///
/// - Prices change every step, so each row has a ``LogHistogram`` per price quantity, filled
///   with one count per path.
/// - The cumulative liquidated notional and the insurance fund change only when a path
///   liquidates, so they are recorded as *changes*: (row, old bucket, new bucket) events. A row's
///   histogram is the running sum of all changes up to it, rebuilt once in ``quantiles(_:)``.
///   Memory follows the number of liquidating steps, not paths × steps.
///
/// Everything is an integer count, so the merged result is identical for any split of paths
/// among workers.
public struct TimeSeriesRecorder: Sendable {
    public let layout: TimeSeriesLayout
    @usableFromInline var traded: [LogHistogram]
    @usableFromInline var fundamental: [LogHistogram]
    /// Changes of the stepwise quantities: row, from-bucket (or `noBucket` for the initial value),
    /// to-bucket. One array per quantity.
    @usableFromInline var notionalChanges: [SIMD3<Int32>] = []
    @usableFromInline var fundChanges: [SIMD3<Int32>] = []

    public static let noBucket = Int32.max

    public init(layout: TimeSeriesLayout) {
        self.layout = layout
        traded = Array(repeating: LogHistogram(), count: layout.rows)
        fundamental = Array(repeating: LogHistogram(), count: layout.rows)
    }

    /// Records the price buckets of a block of paths in `row`.
    public mutating func recordPrices(row: Int, traded tradedBuckets: ArraySlice<Int32>, fundamental fundamentalBuckets: ArraySlice<Int32>) {
        traded[row].add(contentsOf: tradedBuckets)
        fundamental[row].add(contentsOf: fundamentalBuckets)
    }

    /// Records that a path's liquidated-notional bucket moved from `from` to `to` as of `row`.
    @inlinable
    public mutating func recordNotionalChange(row: Int, from: Int32, to: Int32) {
        guard row < layout.rows, from != to else { return }
        notionalChanges.append(SIMD3(Int32(row), from, to))
    }

    /// Records that a path's insurance-fund bucket moved from `from` to `to` as of `row`.
    @inlinable
    public mutating func recordFundChange(row: Int, from: Int32, to: Int32) {
        guard row < layout.rows, from != to else { return }
        fundChanges.append(SIMD3(Int32(row), from, to))
    }

    /// Adds another recorder's counts (same layout) into this one.
    public mutating func merge(_ other: TimeSeriesRecorder) {
        precondition(other.layout == layout)
        for r in 0..<layout.rows {
            traded[r].merge(other.traded[r])
            fundamental[r].merge(other.fundamental[r])
        }
        notionalChanges.append(contentsOf: other.notionalChanges)
        fundChanges.append(contentsOf: other.fundChanges)
    }

    /// Quantiles per row: result[quantity][row][level].
    public func quantiles(_ levels: [Double]) -> [[[Double]]] {
        let mapping = layout.mapping
        let tradedQ = traded.map { $0.quantiles(levels, mapping: mapping) }
        let fundamentalQ = fundamental.map { $0.quantiles(levels, mapping: mapping) }
        return [tradedQ, fundamentalQ,
                Self.replay(notionalChanges, rows: layout.rows, levels: levels, mapping: mapping),
                Self.replay(fundChanges, rows: layout.rows, levels: levels, mapping: mapping)]
    }

    /// Rebuilds each row's histogram from the change events (stable counting sort by row, then a
    /// running count in a ``BucketFenwickTree``) and takes its quantiles.
    /// - Complexity: O((E + R·Q)·log W) for E events, R rows, Q levels and W buckets.
    static func replay(_ changes: [SIMD3<Int32>], rows: Int, levels: [Double], mapping: LogBucketMapping) -> [[Double]] {
        var start = [Int](repeating: 0, count: rows + 1)
        var lowest = Int32.max, highest = Int32.min
        for c in changes {
            start[Int(c.x) + 1] += 1
            for b in [c.y, c.z] where b != noBucket && b != LogBucketMapping.zeroBucket {
                lowest = min(lowest, b)
                highest = max(highest, b)
            }
        }
        if lowest > highest { lowest = 0; highest = 0 }
        for r in 0..<rows { start[r + 1] += start[r] }
        var ordered = [SIMD3<Int32>](repeating: .zero, count: changes.count)
        var next = start
        for c in changes {
            ordered[next[Int(c.x)]] = c
            next[Int(c.x)] += 1
        }
        var counts = BucketFenwickTree(lowest: lowest, highest: highest)
        var result: [[Double]] = []
        result.reserveCapacity(rows)
        for r in 0..<rows {
            for i in start[r]..<start[r + 1] {
                let c = ordered[i]
                if c.y != noBucket { counts.add(c.y, count: -1) }
                counts.add(c.z, count: 1)
            }
            result.append(counts.quantiles(levels, mapping: mapping))
        }
        return result
    }
}
