/// Counts over a fixed range of log buckets (plus a zero bucket) in a Fenwick (binary indexed)
/// tree, so that both updating a count and finding the value of a given rank cost O(log W) for a
/// range of W buckets. Used to replay the time-series change events, where a running histogram
/// is queried once per row.
struct BucketFenwickTree {
    let lowestBucket: Int32
    private var tree: [Int64]      // 1-based Fenwick array over W buckets
    private(set) var zeroCount: Int64 = 0
    private(set) var total: Int64 = 0
    private let topBit: Int

    /// A tree over the buckets `lowest...highest`.
    init(lowest: Int32, highest: Int32) {
        lowestBucket = lowest
        let width = max(1, Int(highest) - Int(lowest) + 1)
        tree = [Int64](repeating: 0, count: width + 1)
        var bit = 1
        while bit * 2 <= width { bit *= 2 }
        topBit = bit
    }

    mutating func add(_ bucket: Int32, count: Int64) {
        total += count
        if bucket == LogBucketMapping.zeroBucket {
            zeroCount += count
            return
        }
        var i = Int(bucket) - Int(lowestBucket) + 1
        precondition(i >= 1 && i < tree.count, "bucket outside the tree's range")
        while i < tree.count {
            tree[i] += count
            i += i & -i
        }
    }

    /// The represented value of the element of 0-based rank `rank` (< total).
    func value(atRank rank: Int64, mapping: LogBucketMapping) -> Double {
        var remaining = rank - zeroCount
        if remaining < 0 { return 0 }
        // Descend to the largest position whose prefix count is ≤ remaining; the answer is the next.
        var position = 0
        var bit = topBit
        while bit > 0 {
            let next = position + bit
            if next < tree.count && tree[next] <= remaining {
                position = next
                remaining -= tree[next]
            }
            bit >>= 1
        }
        return mapping.representative(lowestBucket + Int32(position))
    }

    /// Type-7 quantiles (see ``Quantiles``) with order statistics replaced by bucket representatives.
    func quantiles(_ levels: [Double], mapping: LogBucketMapping) -> [Double] {
        guard total > 0 else { return levels.map { _ in .nan } }
        return levels.map { level in
            let h = level * Double(total - 1)
            let k = Int64(h.rounded(.down))
            let lower = value(atRank: k, mapping: mapping)
            if Double(k) == h || k + 1 >= total { return lower }
            let upper = value(atRank: k + 1, mapping: mapping)
            return lower + (h - Double(k)) * (upper - lower)
        }
    }
}
