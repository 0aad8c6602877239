import Dispatch
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

    /// Whether the quantity is recorded per asset (the prices).
    public var isPerAsset: Bool { self == .tradedPrice || self == .fundamentalPrice }
}

/// A quantity of `timeseries.csv`, for one asset (prices) or over all assets.
public struct TimeSeriesColumn: Hashable, Sendable {
    public var quantity: TimeSeriesQuantity
    public var asset: Int?

    /// The columns of a run with `assets` assets: each asset's traded and fundamental price, then
    /// the liquidated notional and the insurance fund.
    public static func layout(assets: Int) -> [TimeSeriesColumn] {
        (0..<assets).flatMap { a in [TimeSeriesColumn(quantity: .tradedPrice, asset: a),
                                     TimeSeriesColumn(quantity: .fundamentalPrice, asset: a)] }
            + [TimeSeriesColumn(quantity: .cumulativeLiquidatedNotional, asset: nil),
               TimeSeriesColumn(quantity: .insuranceFund, asset: nil)]
    }

    /// The CSV name stem: the quantity, then `.SYMBOL` for a price of a multi-asset run.
    public func name(symbols: [String]) -> String {
        guard let asset, symbols.count > 1 else { return quantity.name }
        return "\(quantity.name).\(symbols[asset])"
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
/// ``TimeSeriesQuantity`` values, with memory bounded by rows × bucket range (never by the number
/// of paths) and exact merging.
///
/// - Prices change every step, so each row has a ``LogHistogram`` per price quantity, filled with
///   one count per path.
/// - The cumulative liquidated notional and the insurance fund change only when a path
///   liquidates, so each row holds the *changes* of that row: −1 in the bucket a path leaves, +1
///   in the bucket it enters. A row's distribution is the running sum of the changes up to it,
///   rebuilt once in ``quantiles(_:)``. Recording costs nothing on steps without liquidations.
///
/// Everything is an integer count, so the merged result is identical for any split of paths
/// among workers.
public struct TimeSeriesRecorder: Sendable {
    public let layout: TimeSeriesLayout
    public let assets: Int
    /// [asset][row]
    @usableFromInline var traded: [[LogHistogram]]
    @usableFromInline var fundamental: [[LogHistogram]]
    @usableFromInline var notionalChanges: [LogHistogram]
    @usableFromInline var fundChanges: [LogHistogram]

    /// "No bucket": the value a path had before its first recording.
    public static let noBucket = Int32.max

    public init(layout: TimeSeriesLayout, assets: Int = 1) {
        self.layout = layout
        self.assets = assets
        let rows = Array(repeating: LogHistogram(), count: layout.rows)
        traded = Array(repeating: rows, count: assets)
        fundamental = traded
        notionalChanges = rows
        fundChanges = rows
    }

    /// Records the price buckets of `count` paths in `row`, given the lowest and highest
    /// log-price of each quantity.
    public mutating func recordPrices(asset: Int = 0, row: Int, traded tradedBuckets: UnsafePointer<Int32>,
                                      fundamental fundamentalBuckets: UnsafePointer<Int32>, count: Int,
                                      tradedRange: ClosedRange<Double>, fundamentalRange: ClosedRange<Double>) {
        let m = layout.mapping
        traded[asset][row].add(tradedBuckets, count: count,
                               low: m.bucket(logValue: tradedRange.lowerBound), high: m.bucket(logValue: tradedRange.upperBound))
        fundamental[asset][row].add(fundamentalBuckets, count: count,
                                    low: m.bucket(logValue: fundamentalRange.lowerBound), high: m.bucket(logValue: fundamentalRange.upperBound))
    }

    /// Asks the cache for the price histograms of `row` ahead of ``recordPrices(asset:row:traded:fundamental:count:tradedRange:fundamentalRange:)``:
    /// each row is a separate allocation, last touched a whole block of paths ago.
    @inline(__always)
    func prefetchPrices(asset: Int, row: Int) {
        let traded = traded[asset][row].prefetchTarget, fundamental = fundamental[asset][row].prefetchTarget
        traded.prefetchCounts(limit: 512)
        fundamental.prefetchCounts(limit: 512)
    }

    /// Asks the cache for the counts that changes of a path's notional and fund buckets in `row`
    /// (old, new) would touch, ahead of ``recordNotionalChange(row:from:to:)`` and
    /// ``recordFundChange(row:from:to:)``.
    @inline(__always)
    func prefetchChanges(row: Int, notional: (Int32, Int32), fund: (Int32, Int32)) {
        guard row < layout.rows else { return }
        let notionalCounts = notionalChanges[row].prefetchTarget, fundCounts = fundChanges[row].prefetchTarget
        notionalCounts.prefetch(notional.0)
        notionalCounts.prefetch(notional.1)
        fundCounts.prefetch(fund.0)
        fundCounts.prefetch(fund.1)
    }

    /// Records that a path's liquidated-notional bucket moved from `from` (or ``noBucket``) to
    /// `to` as of `row`.
    @inlinable
    public mutating func recordNotionalChange(row: Int, from: Int32, to: Int32) {
        guard row < layout.rows, from != to else { return }
        if from != Self.noBucket { notionalChanges[row].add(from, count: -1) }
        notionalChanges[row].add(to, count: 1)
    }

    /// Records that a path's insurance-fund bucket moved from `from` (or ``noBucket``) to `to` as
    /// of `row`.
    @inlinable
    public mutating func recordFundChange(row: Int, from: Int32, to: Int32) {
        guard row < layout.rows, from != to else { return }
        if from != Self.noBucket { fundChanges[row].add(from, count: -1) }
        fundChanges[row].add(to, count: 1)
    }

    /// The bytes of the price histograms of `row` (every asset).
    func priceBytes(row: Int) -> Int {
        var total = 0
        for a in 0..<assets { total += traded[a][row].counts.count + fundamental[a][row].counts.count }
        return 4 * total
    }

    /// The bytes of the change histograms (notional and fund) of `row`.
    func changeBytes(row: Int) -> Int {
        4 * (notionalChanges[row].counts.count + fundChanges[row].counts.count)
    }

    /// Adds another recorder's counts (same layout) into this one.
    public mutating func merge(_ other: TimeSeriesRecorder) {
        merge([other])
    }

    /// Adds other recorders' counts (same layout) into this one, with the rows shared among
    /// `threads` threads. The counts are integers, so the result does not depend on the order or
    /// the split.
    ///
    /// Merge into a recorder that no other variable shares: each row is then added to in place
    /// (a shared one copies its rows first).
    public mutating func merge(_ others: [TimeSeriesRecorder], threads: Int = 1) {
        precondition(others.allSatisfy { $0.layout == layout && $0.assets == assets })
        guard !others.isEmpty else { return }
        for a in 0..<assets {
            Self.merge(&traded[a], others.map { $0.traded[a] }, threads: threads)
            Self.merge(&fundamental[a], others.map { $0.fundamental[a] }, threads: threads)
        }
        Self.merge(&notionalChanges, others.map(\.notionalChanges), threads: threads)
        Self.merge(&fundChanges, others.map(\.fundChanges), threads: threads)
    }

    /// Adds each of `others`' rows into the same row of `rows`, in slices of rows on `threads`
    /// threads (each row is its own histogram, so the slices never touch the same memory).
    static func merge(_ rows: inout [LogHistogram], _ others: [[LogHistogram]], threads: Int) {
        let count = rows.count
        let slices = threads > 1 ? min(count, 8 * threads) : 1
        rows.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let target = SendablePointer(base: base)
            let work: @Sendable (Int) -> Void = { slice in
                for r in (slice * count / slices)..<((slice + 1) * count / slices) {
                    for other in others { target.base[r].merge(other[r]) }
                }
            }
            if slices == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: slices, execute: work) }
        }
    }

    /// Quantiles per row: result[column][row][level], columns as in ``TimeSeriesColumn/layout(assets:)``.
    public func quantiles(_ levels: [Double]) -> [[[Double]]] {
        let mapping = layout.mapping
        // One task per column (traded and fundamental price of each asset, notional, fund).
        let columns = 2 * assets + 2
        let slots = WorkerSlots<[[Double]]>(count: columns)
        DispatchQueue.concurrentPerform(iterations: columns) { c in
            switch c {
            case 2 * assets: slots[c] = Self.accumulate(notionalChanges, levels: levels, mapping: mapping)
            case 2 * assets + 1: slots[c] = Self.accumulate(fundChanges, levels: levels, mapping: mapping)
            default:
                let rows = c.isMultiple(of: 2) ? traded[c / 2] : fundamental[c / 2]
                slots[c] = rows.map { $0.quantiles(levels, mapping: mapping) }
            }
        }
        return (0..<columns).map { slots[$0]! }
    }

    /// Each row's distribution as the running sum of the change histograms up to it, and its
    /// quantiles. The running counts are kept over the union of all rows' ranges together with
    /// sums per block of 256 buckets, so finding a rank walks blocks first: O(W/256 + 256) per
    /// row instead of O(W).
    static func accumulate(_ changes: [LogHistogram], levels: [Double], mapping: LogBucketMapping) -> [[Double]] {
        var lowest = Int.max, highest = Int.min
        for row in changes where !row.counts.isEmpty {
            lowest = min(lowest, Int(row.lowestBucket))
            highest = max(highest, Int(row.lowestBucket) + row.counts.count - 1)
        }
        if lowest > highest { lowest = 0; highest = 0 }
        let width = highest - lowest + 1
        var counts = [Int64](repeating: 0, count: width)
        var blockSums = [Int64](repeating: 0, count: (width >> 8) + 1)
        var zeros: Int64 = 0, total: Int64 = 0
        var result: [[Double]] = []
        result.reserveCapacity(changes.count)
        for row in changes {
            zeros += row.zeroCount
            total += row.zeroCount
            let offset = Int(row.lowestBucket) - lowest
            for (i, c) in row.counts.enumerated() where c != 0 {
                counts[offset + i] += Int64(c)
                blockSums[(offset + i) >> 8] += Int64(c)
                total += Int64(c)
            }
            // The value of the element of rank k (0-based), for ascending k.
            var block = 0, index = 0, below = zeros
            func value(atRank k: Int64) -> Double {
                if k < zeros { return 0 }
                while block < blockSums.count && below + blockSums[block] <= k {
                    below += blockSums[block]
                    block += 1
                    index = block << 8
                }
                var running = below
                var i = max(index, block << 8)
                while i < width - 1 && running + counts[i] <= k {
                    running += counts[i]
                    i += 1
                }
                return mapping.representative(Int32(lowest + i))
            }
            guard total > 0 else {
                result.append(levels.map { _ in .nan })
                continue
            }
            result.append(levels.map { level in
                let h = level * Double(total - 1)
                let k = Int64(h.rounded(.down))
                let lower = value(atRank: k)
                if Double(k) == h || k + 1 >= total { return lower }
                let upper = value(atRank: k + 1)
                return lower + (h - Double(k)) * (upper - lower)
            })
        }
        return result
    }
}
