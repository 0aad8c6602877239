import Foundation

/// Sums over a range of ladder entries.
public struct LadderTotals: Sendable, Equatable {
    /// Σ q (asset units).
    public var quantity: Double
    /// Σ q·P_bk.
    public var bankruptcyQuantity: Double
    /// Σ q·E.
    public var entryNotional: Double
    /// Σ M (isolated margin).
    public var margin: Double
}

/// The positions of one side, in the order a price move liquidates them, with prefix sums.
///
/// Under isolated margin the liquidation condition of a position is a fixed price threshold, so
/// the set of positions a path has liquidated is always a *prefix* of this order: longs fall in
/// decreasing order of liquidation price as the price drops, shorts in increasing order as it
/// rises. A path therefore carries just one index per side, and any sum over a newly liquidated
/// range is a difference of two prefix sums.
///
/// To treat both sides with one comparison, the ladder stores the *key* k = s·ln(P_liq)
/// (s = +1 long, −1 short), sorted in decreasing order, and a position is liquidated at log price
/// x when k ≥ s·x. A sentinel entry with key −∞ that no price reaches ends the ladder.
///
/// **Layout.** Entry i is one 32-byte vector (key, Σq, Σq·P_bk, Σq·E) whose sums run over the
/// entries before i, so one cache line serves both the search and the sums of a range end: a
/// million-position ladder does not fit in cache, and a cascade round then costs two or three
/// cache misses instead of one per array. The margin needs no array of its own: the bankruptcy
/// price is where equity M + s·q·(P_bk − E) is zero, so M = s·(q·E − q·P_bk).
public struct LadderSide: Sendable {
    public let side: Side
    /// (key, Σq, Σq·P_bk, Σq·E) for each entry, then the sentinel (count + 1 entries).
    public let entries: [SIMD4<Double>]
    /// Index of each entry in the book's position list.
    public let positionIndex: [Int]

    /// Number of positions on this side.
    public var count: Int { positionIndex.count }

    /// +1 for longs, −1 for shorts.
    public var sign: Double { side.sign }

    init(side: Side, positions: [Position], indices: [Int], rule: FlatMarginRule) {
        self.side = side
        let s = side.sign
        var order: [(key: Double, index: Int)] = indices.map { i in
            (s * Foundation.log(rule.liquidationPrice(of: positions[i])), i)
        }
        // Decreasing key; ties by position index so the order is fully determined.
        order.sort { $0.key != $1.key ? $0.key > $1.key : $0.index < $1.index }
        var entries: [SIMD4<Double>] = []
        entries.reserveCapacity(order.count + 1)
        var sums = SIMD4<Double>.zero
        for entry in order {
            let p = positions[entry.index]
            entries.append(SIMD4(entry.key, sums[1], sums[2], sums[3]))
            sums += SIMD4(0, p.quantity, p.quantity * rule.bankruptcyPrice(of: p), p.entryNotional)
        }
        entries.append(SIMD4(-.infinity, sums[1], sums[2], sums[3]))
        self.entries = entries
        positionIndex = order.map(\.index)
    }

    /// The key s·ln(P_liq) of entry `index` (−∞ for the sentinel at `count`).
    @inlinable @inline(__always)
    public func key(_ index: Int) -> Double { entries[index][0] }

    /// The first index at or after `start` whose position survives log price `logPrice`
    /// (so positions `start..<result` are liquidated there).
    ///
    /// - Complexity: O(log d) where d is the number of newly liquidated positions (galloping
    ///   search), O(1) when none is.
    @inlinable
    public func firstSurvivor(from start: Int, logPrice: Double) -> Int {
        let target = sign * logPrice
        return entries.withUnsafeBufferPointer { e in
            if !(e[start][0] >= target) { return start }
            // Gallop: e[low] is liquidated; find a high that survives (the sentinel does).
            var low = start
            var stride = 1
            var high = min(start + 1, count)
            while high < count && e[high][0] >= target {
                low = high
                stride &*= 2
                high = min(low + stride, count)
            }
            // Invariant: e[low] liquidated, e[high] survives (or is the sentinel).
            while high - low > 1 {
                let mid = low + (high - low) / 2
                if e[mid][0] >= target { low = mid } else { high = mid }
            }
            return high
        }
    }

    /// The sums over entries `lower..<upper`.
    @inline(__always)
    public func totals(_ lower: Int, _ upper: Int) -> LadderTotals {
        let d = entries[upper] - entries[lower]
        return LadderTotals(quantity: d[1], bankruptcyQuantity: d[2], entryNotional: d[3],
                            margin: sign * (d[3] - d[2]))
    }
}

/// A book of isolated positions prepared for the engine: each side as a ``LadderSide``.
public struct LiquidationLadder: Sendable {
    public let positions: [Position]
    public let rule: FlatMarginRule
    public let longs: LadderSide
    public let shorts: LadderSide

    public init(positions: [Position], rule: FlatMarginRule) {
        self.positions = positions
        self.rule = rule
        var longIndices: [Int] = []
        var shortIndices: [Int] = []
        for (i, p) in positions.enumerated() {
            if p.side == .long { longIndices.append(i) } else { shortIndices.append(i) }
        }
        longs = LadderSide(side: .long, positions: positions, indices: longIndices, rule: rule)
        shorts = LadderSide(side: .short, positions: positions, indices: shortIndices, rule: rule)
    }

    /// The ladder of one side.
    @inlinable
    public subscript(side: Side) -> LadderSide { side == .long ? longs : shorts }

    /// Total open notional at entry, both sides (USD).
    public var openInterest: Double {
        longs.totals(0, longs.count).entryNotional + shorts.totals(0, shorts.count).entryNotional
    }
}
