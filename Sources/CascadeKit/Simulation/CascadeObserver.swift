/// Receives the details of a simulated path that the aggregate results leave out: every round of
/// every cascade and the prices at the end of every step. Used by tests and tracing; the engine's
/// production path uses ``NoCascadeObserver``, whose empty methods compile away.
///
/// Sides are the positions' own and prices are in USD. For an inverse asset
/// (``AssetConfig/contract``) the ladder holds each position on the side of the opposite name (its
/// reciprocal form), so a `range` or `ladderIndex` of a long refers to `ladder.shorts` and the
/// reverse.
public protocol CascadeObserver {
    /// A round of the cascade of `asset` in `step` closed the ladder entries `range` of `side` at
    /// `executionPrice`; `roundPrice` is the traded price at which they were found liquidatable.
    mutating func roundClosed(path: Int, asset: Int, step: Int, round: Int, side: Side, range: Range<Int>,
                              roundPrice: Double, executionPrice: Double)
    /// The state of `asset` on a path at the end of `step`, after its cascade.
    mutating func stepEnded(path: Int, asset: Int, step: Int, logFundamental: Double, logImpact: Double)
    /// A position handled on its own (partly or fully closed; see ``CascadeResolver``): `quantity`
    /// of ladder entry `ladderIndex` of `side` at `executionPrice`.
    mutating func positionClosed(path: Int, asset: Int, step: Int, round: Int, side: Side, ladderIndex: Int,
                                 quantity: Double, full: Bool, executionPrice: Double)
    /// Auto-deleveraging closed `quantity` of ladder entry `ladderIndex` of `side` at `price`.
    mutating func deleveraged(path: Int, asset: Int, step: Int, side: Side, ladderIndex: Int, quantity: Double, price: Double)
    /// The path's totals counted liquidations of `side` closed in round `round` (after its
    /// ``roundClosed(path:asset:step:round:side:range:roundPrice:executionPrice:)`` or
    /// ``positionClosed(path:asset:step:round:side:ladderIndex:quantity:full:executionPrice:)``):
    /// `count` positions closed in full (0 for a partial close, `partial`) of USD `notional` at
    /// `executionPrice`, found liquidatable at `roundPrice` (USD) — exactly what ``PathTally``
    /// adds to the liquidated notional, in the same order. For a range, the count and notional
    /// leave out its entries closed on their own (reported by `positionClosed`) or closed before.
    /// Closures of cross accounts (`accounts:`) are not reported here (they are in the tally of
    /// ``pathStepEnded(path:step:tally:fundBalance:)``).
    mutating func liquidationRecorded(path: Int, asset: Int, step: Int, round: Int, side: Side, count: Int, notional: Double,
                                      partial: Bool, roundPrice: Double, executionPrice: Double)
    /// The log of the index mark price of `asset` (USD) at the end of `step`, for an asset whose
    /// mark is an index (`exchange.markPrice`); after its ``stepEnded(path:asset:step:logFundamental:logImpact:)``.
    mutating func markEnded(path: Int, asset: Int, step: Int, logMark: Double)
    /// The path's totals over all assets at the end of `step`, after every asset's
    /// ``stepEnded(path:asset:step:logFundamental:logImpact:)``: its tally (cumulative
    /// liquidations, notional, deleveraging, …) and the balance of its insurance fund (the sum of
    /// its assets' funds when they are separate), USD.
    mutating func pathStepEnded(path: Int, step: Int, tally: PathTally, fundBalance: Double)
}

extension CascadeObserver {
    @inlinable @inline(__always)
    public mutating func positionClosed(path: Int, asset: Int, step: Int, round: Int, side: Side, ladderIndex: Int,
                                        quantity: Double, full: Bool, executionPrice: Double) {}
    @inlinable @inline(__always)
    public mutating func deleveraged(path: Int, asset: Int, step: Int, side: Side, ladderIndex: Int, quantity: Double, price: Double) {}
    @inlinable @inline(__always)
    public mutating func liquidationRecorded(path: Int, asset: Int, step: Int, round: Int, side: Side, count: Int, notional: Double,
                                             partial: Bool, roundPrice: Double, executionPrice: Double) {}
    @inlinable @inline(__always)
    public mutating func markEnded(path: Int, asset: Int, step: Int, logMark: Double) {}
    @inlinable @inline(__always)
    public mutating func pathStepEnded(path: Int, step: Int, tally: PathTally, fundBalance: Double) {}
}

/// An observer that records nothing.
public struct NoCascadeObserver: CascadeObserver {
    public init() {}
    @inlinable @inline(__always)
    public mutating func roundClosed(path: Int, asset: Int, step: Int, round: Int, side: Side, range: Range<Int>,
                                     roundPrice: Double, executionPrice: Double) {}
    @inlinable @inline(__always)
    public mutating func stepEnded(path: Int, asset: Int, step: Int, logFundamental: Double, logImpact: Double) {}
}
