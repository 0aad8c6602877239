import Foundation
import Testing
@testable import CascadeKit

@Suite("Disposal of forced orders")
struct DisposalTests {
    @Test("the engine's inventory: held flow at its average price, P&L when it leaves, netting, the horizon")
    func inventory() {
        var i = DisposalInventory()
        i.budget = 4
        // 10 units of forced sells at 100: 4 sent, 6 held at 100.
        let sent = i.send(adding: -10)
        #expect(sent == -4 && i.budget == 0)
        #expect(i.commit(delta: -10, sent: sent, at: 100) == 0 && i.pending == -6 && i.cost == -600)
        // Next step: 3 more sells taken over at 90, 5 sent (old first, at the average 100 → −50
        // on the 5 at 90 by average cost over all 9 held: a = (−600 − 270)/−9 = 96.67).
        i.budget = 5
        let next = i.send(adding: -3)
        #expect(next == -5)
        let pnl = i.commit(delta: -3, sent: next, at: 90)
        #expect(abs(pnl - 5 * (90 - 870.0 / 9)) < 1e-9 && i.pending == -4)
        // Forced buys net against the held sells at 80: 4 netted, realising 4·(80 − a).
        i.budget = 0
        let netted = i.send(adding: 6)
        #expect(netted == 0)
        let average = i.cost / i.pending
        let flip = i.commit(delta: 6, sent: 0, at: 80)
        #expect(abs(flip - 4 * (80 - average)) < 1e-9 && i.pending == 2 && i.cost == 160)
        // At the horizon, the 2 held buys (the engine is short 2 taken over at 80) valued at 70: +20.
        #expect(abs(i.markToMarket(at: 70) - 20) < 1e-12 && i.pending == 0)
        // Nothing held and all sent: exactly 0, nothing booked.
        var fresh = DisposalInventory()
        let all = fresh.send(adding: 7.3)
        #expect(fresh.commit(delta: 7.3, sent: all, at: 101.7) == 0 && fresh.pending == 0)
    }

    static func config(_ disposal: DisposalRule, jumps: MertonJumps, depth: Double) -> SimulationConfig {
        let flat = FlatMarginRule(maintenanceMarginRate: 0.005, liquidationFee: 0.003)
        var config = TestBooks.config(
            positions: TestBooks.randomBook(count: 1_000, seed: 6, rule: flat), maintenanceMarginRate: 0.005,
            liquidationFee: 0.003, volatility: 1.0, jumps: jumps,
            impact: ImpactModel(shape: .squareRoot, depth: depth, coefficient: 1, recoveryHalfLife: 600),
            insuranceFund: 5e5, paths: 12, steps: 200, stepSeconds: 60, seed: 13)
        config.assets[0].mechanics = LiquidationMechanics(deleveraging: .pnlTimesEffectiveLeverage, disposal: disposal)
        config.measuresMechanisms = true
        return config
    }

    @Test("disposal at a depth fraction that never binds equals immediate disposal exactly")
    func fractionOneIsImmediate() {
        let gentle = MertonJumps(intensity: 500, mean: -0.01, stdev: 0.01)
        let immediate = SimulationEngine(config: Self.config(.immediate, jumps: gentle, depth: 5e8)).run(threads: 2, chunkSize: 5).paths
        let fraction = SimulationEngine(config: Self.config(.depthFraction(1), jumps: gentle, depth: 5e8)).run(threads: 2, chunkSize: 5).paths
        #expect(fraction.column(.disposalPendingMax).allSatisfy { $0 == 0 })
        #expect(immediate.column(.liquidatedNotional).reduce(0, +) > 0)
        #expect(fraction.values.elementsEqual(immediate.values) { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }

    @Test("deferred disposal conserves money, holds flow on violent paths, and is deterministic",
          arguments: [DisposalRule.depthFraction(0.02), .timeSliced(window: 600)])
    func deferred(_ rule: DisposalRule) {
        let violent = MertonJumps(intensity: 3_000, mean: -0.03, stdev: 0.04)
        let engine = SimulationEngine(config: Self.config(rule, jumps: violent, depth: 2e6))
        let r = engine.run(threads: 2, chunkSize: 5).paths
        let again = engine.run(threads: 1, chunkSize: 12).paths
        #expect(r.values.elementsEqual(again.values) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        var held = 0
        for p in 0..<12 {
            let scale = 1e8
            // The fund: change = receipts (with the engine's P&L) + deleveraged + bad debt.
            #expect(isClose(r[.insuranceFundEnd, p] - 5e5, r[.fundReceipts, p] + r[.adlCoveredDeficit, p] + r[.badDebt, p],
                            relative: 1e-9, absolute: 1e-9 * scale))
            // The traders: margin lost = counterparties' gains + the fund's receipts from closures.
            #expect(isClose(r[.marginLost, p], r[.counterpartyGains, p] + r[.fundReceipts, p] - r[.disposalPnL, p],
                            relative: 1e-9, absolute: 1e-9 * scale))
            if r[.disposalPendingMax, p] > 0 { held += 1 }
        }
        #expect(held > 0)
    }
}
