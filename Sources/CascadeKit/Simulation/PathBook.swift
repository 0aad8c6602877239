/// A position that lives outside the shared ladder on one path: the rest of a partly liquidated
/// position, or one reduced by deleveraging. Only a few exist per path, so they are kept in a
/// small sorted list per side.
public struct LivePosition: Sendable, Equatable {
    /// The position's entry in its side's ladder.
    public var ladderIndex: Int
    public var quantity: Double
    public var entryPrice: Double
    public var margin: Double
    /// s·ln(P_liq) of what is left.
    public var key: Double
    /// Until this time (seconds), a liquidation takes the whole position (a venue's cooldown).
    public var fullUntil: Double
    /// The step in which it may not be liquidated again (a per-step cap was reached); −1: none.
    public var blockedStep: Int
}

/// One path's departures from the shared ladder for one asset: positions re-inserted after a
/// partial liquidation (per side, sorted by key, largest first) and ladder entries deleveraged
/// away (per side, a bit set over the ladder, allocated at the first removal). Empty on most
/// paths; costs nothing then.
public struct PathBook: Sendable {
    public var live = SidePair<[LivePosition]>([])
    /// Removed ladder entries of each side as bits (empty: none removed).
    var removedBits = SidePair<[UInt64]>([])
    public private(set) var removedCount = SidePair(0)
    /// The auto-deleveraging queue of each side in the current step (``DeleveragingQueue``),
    /// released at the end of the step.
    var adl = SidePair(DeleveragingQueue())
    /// The forced flow the liquidation engine still holds (``DisposalPolicy``).
    public var inventory = DisposalInventory()

    public init() {}

    public mutating func reset() {
        live[0].removeAll(keepingCapacity: true)
        live[1].removeAll(keepingCapacity: true)
        if removedCount[0] > 0 { removedBits[0].removeAll() }
        if removedCount[1] > 0 { removedBits[1].removeAll() }
        removedCount = SidePair(0)
        inventory = DisposalInventory()
        releaseQueues()
    }

    /// Ends the deleveraging queues (at the end of a step that used them), keeping their storage.
    mutating func releaseQueues() {
        for s in 0..<2 where adl[s].step >= 0 { adl[s].release() }
    }

    /// Whether the path has neither re-inserted nor deleveraged positions (it follows the shared
    /// ladder exactly).
    @inline(__always)
    public var isPristine: Bool {
        live.long.isEmpty && live.short.isEmpty && removedCount.long == 0 && removedCount.short == 0
    }

    /// The largest key among the live positions of `side` that may be liquidated in `step`.
    @inline(__always)
    public func topKey(_ side: Int, step: Int) -> Double {
        for p in live[side] where p.blockedStep != step { return p.key }
        return -.infinity
    }

    /// Inserts `position` keeping the list sorted by key, largest first (after those of equal key).
    public mutating func insert(_ position: LivePosition, side: Int) {
        var low = 0, high = live[side].count
        live[side].withUnsafeBufferPointer { list in
            while low < high {
                let mid = (low + high) / 2
                if list[mid].key < position.key { high = mid } else { low = mid + 1 }
            }
        }
        live[side].insert(position, at: low)
    }

    /// Inserts `positions` as ``insert(_:side:)`` would one after the other, in one merge:
    /// ordered by key, largest first, after the list's own of equal key and in their given order
    /// among themselves. O(list + k log k) instead of O(list · k).
    public mutating func insert(contentsOf positions: [LivePosition], side: Int) {
        guard positions.count > 1 else {
            if let p = positions.first { insert(p, side: side) }
            return
        }
        let added = positions.enumerated().sorted { a, b in
            a.element.key > b.element.key || (a.element.key == b.element.key && a.offset < b.offset)
        }.map(\.element)
        let old = live[side]
        var merged: [LivePosition] = []
        merged.reserveCapacity(old.count + added.count)
        var i = 0, k = 0
        while i < old.count || k < added.count {
            if k == added.count || (i < old.count && old[i].key >= added[k].key) {
                merged.append(old[i])
                i += 1
            } else {
                merged.append(added[k])
                k += 1
            }
        }
        live[side] = merged
    }

    /// Moves the live positions of `side` with key ≥ `target` that are not blocked in `step` to
    /// `crossed` (in the list's order) and returns how many. They are a prefix of the list: the
    /// cost is that prefix, not the list.
    mutating func takeCrossed(side: Int, target: Double, step: Int, into crossed: inout [LivePosition]) -> Int {
        var end = 0
        while end < live[side].count && live[side][end].key >= target { end += 1 }
        guard end > 0 else { return 0 }
        var kept = 0
        for i in 0..<end {
            let p = live[side][i]
            if p.blockedStep == step {
                live[side][kept] = p
                kept += 1
            } else {
                crossed.append(p)
            }
        }
        live[side].removeSubrange(kept..<end)
        return end - kept
    }

    /// Marks ladder entry `index` of `side` (a ladder of `count` entries) as gone.
    public mutating func remove(ladderIndex index: Int, side: Int, count: Int) {
        if removedBits[side].isEmpty { removedBits[side] = [UInt64](repeating: 0, count: (count + 64) / 64) }
        let bit = UInt64(1) << UInt64(index & 63)
        if removedBits[side][index >> 6] & bit == 0 {
            removedBits[side][index >> 6] |= bit
            removedCount[side] += 1
        }
    }

    /// Whether ladder entry `index` of `side` is gone.
    @inline(__always)
    public func isRemoved(_ index: Int, side: Int) -> Bool {
        removedCount[side] > 0 && removedBits[side][index >> 6] & (UInt64(1) << UInt64(index & 63)) != 0
    }

    /// The removed ladder indices of `side` in `range`, ascending.
    public func removed(_ side: Int, in range: Range<Int>) -> [Int] {
        guard removedCount[side] > 0, !range.isEmpty else { return [] }
        var result: [Int] = []
        let words = removedBits[side]
        var word = range.lowerBound >> 6
        while word <= (range.upperBound - 1) >> 6 {
            var bits = words[word]
            while bits != 0 {
                let index = word << 6 + bits.trailingZeroBitCount
                if range.contains(index) { result.append(index) }
                bits &= bits - 1
            }
            word += 1
        }
        return result
    }
}
