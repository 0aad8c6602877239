import Foundation

/// The ranges of a group of holdings that an ADL rank depends on: entry price E, bankruptcy price
/// B = E − s·M/q, margin per unit m = M/q and quantity q. ``ADLRanking/upperBound(_:sign:at:rule:)``
/// bounds the rank of every holding in the box from them.
public struct HoldingBox: Sendable, Equatable {
    public var entryLow: Double
    public var entryHigh: Double
    public var bankruptcyLow: Double
    public var bankruptcyHigh: Double
    public var marginPerUnitLow: Double
    public var quantityHigh: Double

    /// The box of no holding.
    public static let empty = HoldingBox(entryLow: .infinity, entryHigh: -.infinity, bankruptcyLow: .infinity,
                                         bankruptcyHigh: -.infinity, marginPerUnitLow: .infinity, quantityHigh: -.infinity)

    public init(entryLow: Double, entryHigh: Double, bankruptcyLow: Double, bankruptcyHigh: Double,
                marginPerUnitLow: Double, quantityHigh: Double) {
        self.entryLow = entryLow
        self.entryHigh = entryHigh
        self.bankruptcyLow = bankruptcyLow
        self.bankruptcyHigh = bankruptcyHigh
        self.marginPerUnitLow = marginPerUnitLow
        self.quantityHigh = quantityHigh
    }

    /// Widens the box to hold `h`, a holding of side sign `sign`.
    public mutating func include(_ h: Holding, sign: Double) {
        let b = MarginRule.bankruptcyPrice(sign: sign, quantity: h.quantity, entryPrice: h.entryPrice, margin: h.margin)
        entryLow = min(entryLow, h.entryPrice)
        entryHigh = max(entryHigh, h.entryPrice)
        bankruptcyLow = min(bankruptcyLow, b)
        bankruptcyHigh = max(bankruptcyHigh, b)
        marginPerUnitLow = min(marginPerUnitLow, h.margin / h.quantity)
        quantityHigh = max(quantityHigh, h.quantity)
    }

    /// Widens the box to hold `other`.
    public mutating func include(_ other: HoldingBox) {
        entryLow = min(entryLow, other.entryLow)
        entryHigh = max(entryHigh, other.entryHigh)
        bankruptcyLow = min(bankruptcyLow, other.bankruptcyLow)
        bankruptcyHigh = max(bankruptcyHigh, other.bankruptcyHigh)
        marginPerUnitLow = min(marginPerUnitLow, other.marginPerUnitLow)
        quantityHigh = max(quantityHigh, other.quantityHigh)
    }
}

/// One ladder side's positions grouped for auto-deleveraging: the venue's queue is taken from it
/// best first, exactly in the order a full sort of the side by rank would give (ties by ladder
/// index), at a cost that grows with the positions taken rather than the side's size.
///
/// The entries are ordered by margin per notional M/(q·E) (the inverse of the opening leverage),
/// and each run of ``fanout`` leaves by entry price; a leaf holds ``leafSize`` consecutive
/// entries of that order, and each level above groups ``fanout`` boxes of the one below. Every
/// ranking of ``ADLRanking`` is monotone in E, B, m and q separately, so the rank at the
/// ranking price of a box's corner bounds the rank of everything in it
/// (``ADLRanking/upperBound(_:sign:at:rule:)``), and grouping by leverage and entry price keeps
/// those boxes tight. A ``DeleveragingQueue`` expands boxes best bound first (branch and bound):
/// a position is taken only when its exact rank is at least every unexpanded box's bound.
///
/// Memory: 28 bytes per position (its holding and ladder index, in this order) plus 48 bytes
/// per 32 positions for the boxes.
public struct DeleveragingIndex: Sendable {
    /// Entries per leaf box.
    public static let leafSize = 32
    /// Boxes of a level per box of the level above.
    public static let fanout = 32

    /// +1 for longs, −1 for shorts.
    public let sign: Double
    /// The ladder index of each entry, in the index's order.
    let ladderIndex: [Int32]
    /// Each entry's holding, in the index's order.
    let holdings: [Holding]
    /// `levels[0]`: a box per leaf; `levels[l]`: a box per ``fanout`` boxes of `levels[l − 1]`.
    /// The last level has at most ``fanout`` boxes.
    let levels: [[HoldingBox]]

    /// The index of `side`.
    public init(side: LadderSide) {
        let s = side.sign
        sign = s
        let n = side.count
        let holdings = side.holdings
        // Order: M/(q·E) ascending (stable: ties keep ladder order), then each run of
        // leafSize·fanout entries by entry price.
        var keys = holdings.map { RadixSort.orderedBits($0.margin / ($0.quantity * $0.entryPrice)) }
        var order = (0..<n).map { UInt32($0) }
        RadixSort.sort(&keys, payloads: &order)
        let run = Self.leafSize * Self.fanout
        var start = 0
        while start < n {
            let end = min(n, start + run)
            var runKeys = order[start..<end].map { RadixSort.orderedBits(holdings[Int($0)].entryPrice) }
            var runOrder = Array(order[start..<end])
            RadixSort.sort(&runKeys, payloads: &runOrder)
            order.replaceSubrange(start..<end, with: runOrder)
            start = end
        }
        ladderIndex = order.map { Int32($0) }
        let ordered = order.map { holdings[Int($0)] }
        self.holdings = ordered
        var leaves: [HoldingBox] = []
        leaves.reserveCapacity((n + Self.leafSize - 1) / Self.leafSize)
        for first in stride(from: 0, to: n, by: Self.leafSize) {
            var box = HoldingBox.empty
            for h in ordered[first..<min(n, first + Self.leafSize)] { box.include(h, sign: s) }
            leaves.append(box)
        }
        var levels = [leaves]
        while levels[levels.count - 1].count > Self.fanout {
            let below = levels[levels.count - 1]
            levels.append(stride(from: 0, to: below.count, by: Self.fanout).map { first in
                var box = HoldingBox.empty
                for b in below[first..<min(below.count, first + Self.fanout)] { box.include(b) }
                return box
            })
        }
        self.levels = levels
    }

    /// The entries of box `box` of level `level`: leaves of the level below, or entries.
    @inline(__always)
    func children(level: Int, box: Int) -> Range<Int> {
        let count = level == 0 ? holdings.count : levels[level - 1].count
        let width = level == 0 ? Self.leafSize : Self.fanout
        return (box * width)..<min(count, (box + 1) * width)
    }
}
