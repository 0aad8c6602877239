import CVectorMath

/// Integer counts (32-bit per bucket) over the buckets of a ``LogBucketMapping``, stored densely over the range of
/// buckets seen, plus a count of exact zeros.
///
/// Counts are signed so that a histogram can also hold *changes* (a value leaving one bucket and
/// entering another); a histogram used for quantiles has no negative count.
public struct LogHistogram: Sendable, Equatable {
    /// Largest number of dense buckets; values beyond it are clamped into the edge bucket.
    /// With α = 0.0001 this spans a factor of e^200 between the smallest and largest value.
    public static let maximumWidth = 1 << 20

    public private(set) var lowestBucket: Int32 = 0
    public private(set) var counts: [Int32] = [] {
        // Every change of the counts passes here (no `oldValue`, so mutations stay in place),
        // and the storage is hot in the cache then.
        didSet { storageAddress = counts.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) } }
    }
    public private(set) var zeroCount: Int64 = 0
    /// Where `counts` keeps its elements, for ``prefetchTarget``: kept up to date by `counts`'
    /// observer (0 before the first count).
    private var storageAddress: UInt = 0

    public init() {}

    /// A histogram with these counts (as ``lowestBucket``, ``counts`` and ``zeroCount`` give
    /// them): a shard result read back.
    init(lowestBucket: Int32, counts: [Int32], zeroCount: Int64) {
        self.lowestBucket = lowestBucket
        self.counts = counts
        self.zeroCount = zeroCount
    }

    /// Equal counts over the same range; where they are stored does not matter.
    public static func == (a: LogHistogram, b: LogHistogram) -> Bool {
        a.lowestBucket == b.lowestBucket && a.zeroCount == b.zeroCount && a.counts == b.counts
    }

    /// Total of all counts.
    public var total: Int64 { counts.reduce(zeroCount) { $0 + Int64($1) } }

    /// Adds `count` to `bucket` (which may be ``LogBucketMapping/zeroBucket``).
    public mutating func add(_ bucket: Int32, count: Int32 = 1) {
        if bucket == LogBucketMapping.zeroBucket {
            zeroCount += Int64(count)
            return
        }
        var offset = Int(bucket) - Int(lowestBucket)
        if offset < 0 || offset >= counts.count {
            offset = grow(toInclude: bucket)
        }
        counts[offset] += count
    }

    /// Adds one count for each of `count` buckets (none of them the zero bucket), all within
    /// `low...high`: the range is grown once for the whole batch, then counted in a tight loop.
    public mutating func add(_ buckets: UnsafePointer<Int32>, count: Int, low: Int32, high: Int32) {
        guard count > 0 else { return }
        if counts.isEmpty {
            // The first batch sets a range with room for the rest: three times its own spread.
            let spread = Int(high) - Int(low) + 16
            lowestBucket = Int32(max(Int(low) - spread, Int(Int32.min) + 1))
            counts = [Int32](repeating: 0, count: min(3 * spread, Self.maximumWidth))
        }
        if Int(low) < Int(lowestBucket) || Int(high) >= Int(lowestBucket) + counts.count {
            _ = grow(toInclude: low)
            _ = grow(toInclude: high)
        }
        let base = Int(lowestBucket), width = counts.count
        let fits = Int(low) >= base && Int(high) < base + width
        counts.withUnsafeMutableBufferPointer { c in
            if fits {
                for i in 0..<count { c[Int(buckets[i]) &- base] &+= 1 }
            } else {
                // Only beyond maximumWidth: clamp into the edge buckets.
                for i in 0..<count {
                    c[min(max(Int(buckets[i]) - base, 0), width - 1)] &+= 1
                }
            }
        }
    }

    /// Where the counts are, for prefetching only: a copy of the storage's address kept beside
    /// the counts, so that neither the storage's header (on a cold row, a cache miss of its own,
    /// which `withUnsafeBufferPointer` would wait for to read the count) nor its reference count
    /// (which holding a reference to the storage while prefetching would increment — a write to
    /// the header) is touched. Read it into a local before prefetching: it is a plain value, so
    /// no reference to the storage lives across the prefetches.
    @inline(__always)
    var prefetchTarget: PrefetchTarget { PrefetchTarget(address: storageAddress, lowestBucket: lowestBucket) }

    /// The address of a histogram's counts and its lowest bucket, as plain values: see
    /// ``prefetchTarget``. Were the address stale (or, before the first count, 0: a low address
    /// no mapping uses is prefetched instead), a prefetch would fetch a useless line, never fault.
    struct PrefetchTarget {
        let address: UInt
        let lowestBucket: Int32

        /// The address of the first count.
        @inline(__always)
        var countsAddress: UnsafeRawPointer { UnsafeRawPointer(bitPattern: address == 0 ? 64 : address)! }

        /// Asks the cache for the storage's header and the first `limit` buckets' counts, without
        /// waiting for them (nor reading the header to know how many there are: prefetching past
        /// the end is harmless): issued a while before the counts are added to, the misses overlap
        /// with other work.
        @inline(__always)
        func prefetchCounts(limit: Int) {
            let base = countsAddress
            cascade_prefetch(base - 32)
            var offset = 0
            while offset < 4 * limit { cascade_prefetch(base + offset); offset += 64 }
        }

        /// Asks the cache for the storage's header and the count of `bucket` (only the header if
        /// the bucket is below the dense range or beyond any possible one).
        @inline(__always)
        func prefetch(_ bucket: Int32) {
            let offset = Int(bucket) &- Int(lowestBucket)
            let base = countsAddress
            cascade_prefetch(base - 32)
            if offset >= 0 && offset < LogHistogram.maximumWidth { cascade_prefetch(base + 4 * offset) }
        }
    }

    /// Extends the dense range to include `bucket` (with slack, so growth is amortised) and returns
    /// the bucket's offset, clamped to the edge when the range would exceed ``maximumWidth``.
    @usableFromInline
    mutating func grow(toInclude bucket: Int32) -> Int {
        if counts.isEmpty {
            lowestBucket = bucket - 32
            counts = [Int32](repeating: 0, count: 64)
            return 32
        }
        let low = Int(lowestBucket), high = low + counts.count  // [low, high)
        let b = Int(bucket)
        var newLow = low, newHigh = high
        if b < low { newLow = max(b - (high - low) - 16, high - Self.maximumWidth) }
        if b >= high { newHigh = min(b + (high - low) + 16, newLow + Self.maximumWidth) }
        if newLow != low || newHigh != high { reallocate(low: newLow, high: newHigh) }
        return min(max(b, newLow), newHigh - 1) - newLow
    }

    /// Moves the counts into a new dense range [`newLow`, `newHigh`), which contains the current one.
    mutating func reallocate(low newLow: Int, high newHigh: Int) {
        let low = Int(lowestBucket)
        var resized = [Int32](repeating: 0, count: newHigh - newLow)
        resized.withUnsafeMutableBufferPointer { dst in
            counts.withUnsafeBufferPointer { src in
                for i in 0..<src.count { dst[i + low - newLow] = src[i] }
            }
        }
        counts = resized
        lowestBucket = Int32(newLow)
    }

    /// Adds every count of `other` into this histogram: one range extension, then a dense add.
    public mutating func merge(_ other: LogHistogram) {
        zeroCount += other.zeroCount
        guard !other.counts.isEmpty else { return }
        if counts.isEmpty {
            lowestBucket = other.lowestBucket
            counts = other.counts
            return
        }
        let otherLow = Int(other.lowestBucket), otherHigh = otherLow + other.counts.count  // [low, high)
        let low = Int(lowestBucket), high = low + counts.count
        if otherLow < low || otherHigh > high {
            // One new range for the union (without the slack of growth: merges mostly come last),
            // unless it would exceed maximumWidth, where growth clamps.
            let newLow = min(low, otherLow), newHigh = max(high, otherHigh)
            if newHigh - newLow <= Self.maximumWidth {
                reallocate(low: newLow, high: newHigh)
            } else {
                _ = grow(toInclude: Int32(otherLow))
                _ = grow(toInclude: Int32(otherHigh - 1))
            }
        }
        let base = Int(lowestBucket), width = counts.count
        let offset = otherLow - base
        counts.withUnsafeMutableBufferPointer { c in
            other.counts.withUnsafeBufferPointer { o in
                if offset >= 0 && offset + o.count <= width {
                    // The other range lies inside this one: a dense, vectorisable add.
                    let target = c.baseAddress! + offset, source = o.baseAddress!
                    for i in 0..<o.count { target[i] &+= source[i] }
                } else {
                    // Only beyond maximumWidth: clamp into the edge buckets.
                    for i in 0..<o.count where o[i] != 0 {
                        c[min(max(offset + i, 0), width - 1)] &+= o[i]
                    }
                }
            }
        }
    }

    /// Quantiles with the same definition as ``Quantiles/sorted(_:_:)`` (linear interpolation
    /// between order statistics, "type 7"), each order statistic replaced by its bucket's
    /// representative: within relative error α of the exact result. `levels` must be ascending.
    public func quantiles(_ levels: [Double], mapping: LogBucketMapping) -> [Double] {
        let n = total
        guard n > 0 else { return levels.map { _ in .nan } }
        // The k-th smallest value (0-based), walking the buckets once for all levels.
        var results: [Double] = []
        results.reserveCapacity(levels.count)
        var cursor = BucketCursor(histogram: self)
        for level in levels {
            let h = level * Double(n - 1)
            let k = Int64(h.rounded(.down))
            let lower = cursor.value(atRank: k, mapping: mapping)
            if Double(k) == h || k + 1 >= n {
                results.append(lower)
            } else {
                let upper = cursor.value(atRank: k + 1, mapping: mapping)
                results.append(lower + (h - Double(k)) * (upper - lower))
            }
        }
        return results
    }
}

/// Walks a histogram in increasing value order to find values by rank; ranks must not decrease.
struct BucketCursor {
    let histogram: LogHistogram
    var index = -1            // -1: the zero bucket
    var below: Int64 = 0      // count before the current bucket

    init(histogram: LogHistogram) { self.histogram = histogram }

    mutating func value(atRank rank: Int64, mapping: LogBucketMapping) -> Double {
        while true {
            let count = index < 0 ? histogram.zeroCount : Int64(histogram.counts[index])
            if rank < below + count {
                return index < 0 ? 0 : mapping.representative(histogram.lowestBucket + Int32(index))
            }
            below += count
            index += 1
            if index >= histogram.counts.count {
                // Rank beyond the total cannot happen for rank < n; return the top bucket.
                index = histogram.counts.count - 1
                return mapping.representative(histogram.lowestBucket + Int32(index))
            }
        }
    }
}
