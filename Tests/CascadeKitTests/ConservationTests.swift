import Foundation
import Testing
@testable import CascadeKit

/// No money is created or lost: for every closed position, margin lost = mark-to-market loss at
/// the execution price + the fund's receipt; over a path, the fund's change = Σ receipts + bad
/// debt, and bad debt is exactly what the fund could not pay.
@Suite("Conservation of money")
struct ConservationTests {
    struct Ledger {
        var receipts = 0.0
        var marginLost = 0.0
        var fund: InsuranceFund
        var positionsChecked = 0
    }

    /// Replays a traced path position by position from the observer's rounds.
    static func ledger(config: SimulationConfig, rounds: [RecordingObserver.Round]) -> Ledger {
        let rule = config.assets[0].ladder.rule
        var ledger = Ledger(fund: InsuranceFund(initial: config.insuranceFund))
        for round in rounds {
            var roundReceipt = 0.0
            for k in round.range {
                let p = config.assets[0].ladder.positions[config.assets[0].ladder[round.side].positionIndex[k]]
                let x = round.executionPrice
                let loss = p.side.sign * p.quantity * (p.entryPrice - x)          // trader's loss at X
                let receipt = p.side.sign * p.quantity * (x - rule.bankruptcyPrice(of: p))
                #expect(isClose(p.margin, loss + receipt, relative: 1e-9, absolute: 1e-6 * p.entryNotional),
                        "position \(k): margin \(p.margin) vs loss \(loss) + receipt \(receipt)")
                roundReceipt += receipt
                ledger.marginLost += p.margin
                ledger.positionsChecked += 1
            }
            ledger.receipts += roundReceipt
            ledger.fund.settle(roundReceipt)   // a round's closures execute at one price: netted
        }
        return ledger
    }

    @Test("per position, per path and in the fund's balance, on random books", arguments: [UInt64(1), 2, 3])
    func randomBooks(seed: UInt64) {
        let rule = FlatMarginRule(maintenanceMarginRate: 0.005, liquidationFee: 0.003)
        let positions = TestBooks.randomBook(count: 1_500, seed: seed, rule: rule)
        let config = TestBooks.config(
            positions: positions, maintenanceMarginRate: 0.005, liquidationFee: 0.003, volatility: 1.2,
            jumps: MertonJumps(intensity: 3_000, mean: -0.02, stdev: 0.03),
            impact: ImpactModel(shape: .squareRoot, depth: 2e6, coefficient: 1, recoveryHalfLife: 600),
            insuranceFund: 2e5, paths: 12, steps: 200, stepSeconds: 120, seed: seed)
        let engine = SimulationEngine(config: config)
        let all = engine.run(threads: 2, chunkSize: 5)
        var checked = 0, withBadDebt = 0
        for path in 0..<config.paths {
            var observer = RecordingObserver()
            let traced = engine.trace(path: path, observer: &observer)
            let ledger = Self.ledger(config: config, rounds: observer.rounds)
            let r = traced.paths
            // The traced path is the same path the parallel run computed.
            for metric in PathMetric.allCases where !metric.isAccountMetric && !metric.isMechanismMetric {
                let a = r[metric, path], b = all.paths[metric, path]
                #expect(a == b || (a.isNaN && b.isNaN), "\(metric.name) on path \(path)")
            }
            let scale = config.assets[0].ladder.openInterest
            #expect(isClose(r[.marginLost, path], ledger.marginLost, relative: 1e-9, absolute: 1e-9 * scale))
            #expect(isClose(r[.fundReceipts, path], ledger.receipts, relative: 1e-9, absolute: 1e-9 * scale))
            // Fund change = receipts + bad debt; bad debt = what the fund could not pay.
            #expect(isClose(r[.insuranceFundEnd, path] - config.insuranceFund,
                            r[.fundReceipts, path] + r[.badDebt, path], relative: 1e-9, absolute: 1e-9 * scale))
            #expect(isClose(r[.badDebt, path], ledger.fund.badDebt, relative: 1e-9, absolute: 1e-9 * scale))
            #expect(r[.insuranceFundEnd, path] >= 0 && r[.insuranceFundMin, path] >= 0)
            checked += ledger.positionsChecked
            if r[.badDebt, path] > 0 { withBadDebt += 1 }
        }
        #expect(checked > 500)       // the book really was liquidated
        #expect(withBadDebt > 0)     // and deficits beyond the fund really occurred
    }

    @Test("a hand-built deficit: to the cent")
    func handBuiltDeficit() {
        // One long of 10 units at 100, 10×: margin 100, bankruptcy 90. The price gaps to 80.
        // The fund (50) receives 10·(X − 90) < 0 where X = 80·e^J after the sale's impact.
        let rule = FlatMarginRule(maintenanceMarginRate: 0.005)
        let p = Position(side: .long, quantity: 10, entryPrice: 100, leverage: 10)
        let impact = ImpactModel(shape: .linear, depth: 8_000, coefficient: 1, recoveryHalfLife: 60)
        let config = TestBooks.config(positions: [p], drift: TestBooks.drift(movingBy: 0.8), impact: impact, insuranceFund: 50)
        let r = SimulationEngine(config: config).run(threads: 1).paths
        // Flow −10·80 = −800 USD → J = −0.01·800/8000 = −0.001 → X = 80·e^−0.001.
        let x = 80 * exp(-0.001)
        let receipt = 10 * (x - 90)
        #expect(isClose(r[.fundReceipts, 0], receipt, relative: 1e-12))
        #expect(r[.insuranceFundEnd, 0] == 0)
        #expect(isClose(r[.badDebt, 0], -receipt - 50, relative: 1e-12))
        #expect(r[.marginLost, 0] == 100)
        #expect(isClose(r[.liquidatedLongNotionalExecuted, 0], 10 * x, relative: 1e-12))
        #expect(r[.liquidatedLongNotionalAtEntry, 0] == 1_000)
        #expect(rule.bankruptcyPrice(of: p) == 90)
    }
}
