import Foundation

/// Resolves the liquidation cascade of one path within one step (model M0; docs/model.md).
///
/// After the exogenous move, with J₀ the impact carried into the step and Q = 0:
///
///     repeat {
///         find live positions liquidatable at P = F·e^J      (a prefix of each ladder side)
///         if none: stop
///         Q += forced buys − forced sells, in USD at P       (flow before this round's impact)
///         J  = J₀ + impact(Q)                                 (cumulative, see ``ImpactModel``)
///         X  = F·e^J                                          (the round's execution price)
///         each closed position: trader loses margin M; fund receives s·q·(X − P_bk)
///     } up to `maxRounds` times
///
/// Each round touches only the newly liquidated ladder range, and every sum over it comes from
/// prefix sums, so a round costs O(log d) for d newly liquidated positions.
public struct CascadeResolver: Sendable {
    public let asset: Int
    public let ladder: LiquidationLadder
    public let impact: ImpactModel
    public let maxRounds: Int
    public let feeRate: Double

    public init(asset: Int = 0, ladder: LiquidationLadder, impact: ImpactModel, maxRounds: Int) {
        self.asset = asset
        self.ladder = ladder
        self.impact = impact
        self.maxRounds = maxRounds
        self.feeRate = ladder.rule.liquidationFee
    }

    /// Runs the cascade of `step` on one path and returns the impact J at its end.
    ///
    /// - Parameters:
    ///   - logFundamental: ln F after the exogenous move.
    ///   - startImpact: J₀, the log-impact after recovery.
    ///   - longCursor, shortCursor: the path's place on each ladder side; advanced.
    ///   - tally: the path's running totals; updated.
    ///   - assetNotional: the path's liquidated notional in this asset; updated.
    @inline(__always)
    public func resolve<Observer: CascadeObserver>(
        path: Int, step: Int, logFundamental: Double, startImpact: Double,
        longCursor: inout LadderCursor, shortCursor: inout LadderCursor, tally: inout PathTally,
        assetNotional: inout Double, observer: inout Observer
    ) -> Double {
        let longs = ladder.longs, shorts = ladder.shorts
        var j = startImpact
        var flow = 0.0
        var rounds = 0
        var logPrice = logFundamental + j
        var price = Foundation.exp(logPrice)
        while longCursor.key >= logPrice || shortCursor.key >= -logPrice {
            if rounds == maxRounds {
                tally.roundCapHits += 1
                break
            }
            rounds += 1
            let firstLong = longCursor.index, firstShort = shortCursor.index
            let closedLongs = longs.advance(&longCursor, logPrice: logPrice)
            let closedShorts = shorts.advance(&shortCursor, logPrice: logPrice)
            let qLong = closedLongs.quantity, qShort = closedShorts.quantity
            flow += (qShort - qLong) * price
            j = startImpact + impact.logImpact(cumulativeFlow: flow)
            logPrice = logFundamental + j
            let execution = Foundation.exp(logPrice)

            if longCursor.index > firstLong {
                tally.fund.settle(execution * qLong - closedLongs.bankruptcyQuantity)
                tally.longEntryNotional += closedLongs.entryNotional
                tally.longExecutedNotional += execution * qLong
                tally.marginLost += closedLongs.margin
                tally.liquidations += longCursor.index - firstLong
                assetNotional += execution * qLong
                observer.roundClosed(path: path, asset: asset, step: step, round: rounds, side: .long,
                                     range: firstLong..<longCursor.index, roundPrice: price, executionPrice: execution)
            }
            if shortCursor.index > firstShort {
                tally.fund.settle(closedShorts.bankruptcyQuantity - execution * qShort)
                tally.shortEntryNotional += closedShorts.entryNotional
                tally.shortExecutedNotional += execution * qShort
                tally.marginLost += closedShorts.margin
                tally.liquidations += shortCursor.index - firstShort
                assetNotional += execution * qShort
                observer.roundClosed(path: path, asset: asset, step: step, round: rounds, side: .short,
                                     range: firstShort..<shortCursor.index, roundPrice: price, executionPrice: execution)
            }
            tally.fees += feeRate * execution * (qLong + qShort)
            // The next round starts at this round's execution price.
            price = execution
        }
        if rounds > 0 {
            if tally.firstLiquidationStep < 0 { tally.firstLiquidationStep = step }
            if rounds > tally.maxRounds { tally.maxRounds = rounds }
        }
        return j
    }
}
