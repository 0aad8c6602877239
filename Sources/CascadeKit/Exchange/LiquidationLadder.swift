import Foundation

/// The positions of one side, in the order a price move liquidates them, with prefix sums.
///
/// Under isolated margin the liquidation condition of a position is a fixed price threshold, so
/// the set of positions a path has liquidated is always a *prefix* of this order: longs fall in
/// decreasing order of liquidation price as the price drops, shorts in increasing order as it
/// rises. A path therefore carries just one index per side, and any sum over a newly liquidated
/// range (quantity, bankruptcy-weighted quantity, entry notional, margin) is a difference of two
/// prefix sums.
///
/// To treat both sides with one comparison, the ladder stores the *key* k = s·ln(P_liq)
/// (s = +1 long, −1 short), sorted in decreasing order, and a position is liquidated at log price
/// x when k ≥ s·x. The array ends with a sentinel −∞ that no price reaches.
public struct LadderSide: Sendable {
    public let side: Side
    /// s·ln(P_liq) in liquidation order, then one −∞ sentinel (count + 1 entries).
    public let keys: [Double]
    /// Index of each entry in the book's position list.
    public let positionIndex: [Int]
    /// Prefix sums (count + 1 entries, starting at 0) of q, q·P_bk, q·E and M = qE/L.
    public let cumulativeQuantity: [Double]
    public let cumulativeBankruptcyQuantity: [Double]
    public let cumulativeEntryNotional: [Double]
    public let cumulativeMargin: [Double]

    /// Number of positions on this side.
    public var count: Int { positionIndex.count }

    /// +1 for longs, −1 for shorts.
    public var sign: Double { side.sign }

    init(side: Side, positions: [Position], indices: [Int], rule: FlatMarginRule) {
        self.side = side
        let s = side.sign
        var entries: [(key: Double, index: Int)] = indices.map { i in
            (s * Foundation.log(rule.liquidationPrice(of: positions[i])), i)
        }
        // Decreasing key; ties by position index so the order is fully determined.
        entries.sort { $0.key != $1.key ? $0.key > $1.key : $0.index < $1.index }
        keys = entries.map(\.key) + [-.infinity]
        positionIndex = entries.map(\.index)
        var q = [0.0], qb = [0.0], qe = [0.0], m = [0.0]
        q.reserveCapacity(entries.count + 1)
        qb.reserveCapacity(entries.count + 1)
        qe.reserveCapacity(entries.count + 1)
        m.reserveCapacity(entries.count + 1)
        for entry in entries {
            let p = positions[entry.index]
            q.append(q.last! + p.quantity)
            qb.append(qb.last! + p.quantity * rule.bankruptcyPrice(of: p))
            qe.append(qe.last! + p.entryNotional)
            m.append(m.last! + p.margin)
        }
        cumulativeQuantity = q
        cumulativeBankruptcyQuantity = qb
        cumulativeEntryNotional = qe
        cumulativeMargin = m
    }

    /// The first index at or after `start` whose position survives log price `logPrice`
    /// (so positions `start..<result` are liquidated there).
    ///
    /// - Complexity: O(log d) where d is the number of newly liquidated positions (galloping
    ///   search), O(1) when none is.
    @inlinable
    public func firstSurvivor(from start: Int, logPrice: Double) -> Int {
        let target = sign * logPrice
        return keys.withUnsafeBufferPointer { k in
            if !(k[start] >= target) { return start }
            // Gallop: k[low] is liquidated; find a high that survives (the sentinel does).
            var low = start
            var stride = 1
            var high = min(start + 1, count)
            while high < count && k[high] >= target {
                low = high
                stride &*= 2
                high = min(low + stride, count)
            }
            // Invariant: k[low] liquidated, k[high] survives (or is the sentinel).
            while high - low > 1 {
                let mid = low + (high - low) / 2
                if k[mid] >= target { low = mid } else { high = mid }
            }
            return high
        }
    }

    /// Sum of `prefix` over the range `lower..<upper`.
    @inlinable
    public func sum(_ prefix: [Double], _ lower: Int, _ upper: Int) -> Double {
        prefix[upper] - prefix[lower]
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
        longs.cumulativeEntryNotional[longs.count] + shorts.cumulativeEntryNotional[shorts.count]
    }
}
