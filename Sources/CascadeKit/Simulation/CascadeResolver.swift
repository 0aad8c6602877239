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
    public let ladder: LiquidationLadder
    public let impact: ImpactModel
    public let maxRounds: Int
    public let feeRate: Double

    public init(ladder: LiquidationLadder, impact: ImpactModel, maxRounds: Int) {
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
    ///   - longCursor, shortCursor: the next live ladder index of each side; advanced.
    ///   - tally: the path's running totals; updated.
    @inlinable
    public func resolve<Observer: CascadeObserver>(
        path: Int, step: Int, logFundamental: Double, startImpact: Double,
        longCursor: inout Int, shortCursor: inout Int, tally: inout PathTally,
        observer: inout Observer
    ) -> Double {
        let longs = ladder.longs, shorts = ladder.shorts
        var j = startImpact
        var flow = 0.0
        var rounds = 0
        while true {
            let logPrice = logFundamental + j
            let newLong = longs.firstSurvivor(from: longCursor, logPrice: logPrice)
            let newShort = shorts.firstSurvivor(from: shortCursor, logPrice: logPrice)
            if newLong == longCursor && newShort == shortCursor { break }
            if rounds == maxRounds {
                tally.roundCapHits += 1
                break
            }
            rounds += 1
            let roundPrice = Foundation.exp(logPrice)
            let closedLongs = longs.totals(longCursor, newLong)
            let closedShorts = shorts.totals(shortCursor, newShort)
            let qLong = closedLongs.quantity, qShort = closedShorts.quantity
            flow += (qShort - qLong) * roundPrice
            j = startImpact + impact.logImpact(cumulativeFlow: flow)
            let execution = Foundation.exp(logFundamental + j)

            if newLong > longCursor {
                tally.fund.settle(execution * qLong - closedLongs.bankruptcyQuantity)
                tally.longEntryNotional += closedLongs.entryNotional
                tally.longExecutedNotional += execution * qLong
                tally.marginLost += closedLongs.margin
                tally.liquidations += newLong - longCursor
                observer.roundClosed(path: path, step: step, round: rounds, side: .long,
                                     range: longCursor..<newLong, roundPrice: roundPrice, executionPrice: execution)
                longCursor = newLong
            }
            if newShort > shortCursor {
                tally.fund.settle(closedShorts.bankruptcyQuantity - execution * qShort)
                tally.shortEntryNotional += closedShorts.entryNotional
                tally.shortExecutedNotional += execution * qShort
                tally.marginLost += closedShorts.margin
                tally.liquidations += newShort - shortCursor
                observer.roundClosed(path: path, step: step, round: rounds, side: .short,
                                     range: shortCursor..<newShort, roundPrice: roundPrice, executionPrice: execution)
                shortCursor = newShort
            }
            tally.fees += feeRate * execution * (qLong + qShort)
        }
        if rounds > 0 {
            if tally.firstLiquidationStep < 0 { tally.firstLiquidationStep = step }
            if rounds > tally.maxRounds { tally.maxRounds = rounds }
        }
        return j
    }
}
