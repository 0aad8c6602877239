import Foundation
import Testing
@testable import CascadeKit

@Suite("Backstop vault")
struct BackstopVaultTests {
    static func config(vault: Double?, fund: Double, disposal: DisposalRule = .immediate) -> SimulationConfig {
        let flat = FlatMarginRule(maintenanceMarginRate: 0.005, liquidationFee: 0.003)
        var config = TestBooks.config(
            positions: TestBooks.randomBook(count: 1_000, seed: 8, rule: flat), maintenanceMarginRate: 0.005,
            liquidationFee: 0.003, volatility: 1.0, jumps: MertonJumps(intensity: 3_000, mean: -0.03, stdev: 0.04),
            impact: ImpactModel(shape: .squareRoot, depth: 2e6, coefficient: 1, recoveryHalfLife: 600),
            insuranceFund: fund, paths: 12, steps: 200, stepSeconds: 60, seed: 17)
        config.assets[0].mechanics = LiquidationMechanics(deleveraging: .pnlTimesEffectiveLeverage, disposal: disposal)
        config.measuresMechanisms = true
        config.vaultCapital = vault
        return config
    }

    @Test("a vault that never runs out books exactly what the fund booked, and the fund is untouched")
    func vaultReplacesFund() {
        let without = SimulationEngine(config: Self.config(vault: nil, fund: 1e12)).run(threads: 2, chunkSize: 5).paths
        let with = SimulationEngine(config: Self.config(vault: 1e12, fund: 3e5)).run(threads: 2, chunkSize: 5).paths
        for p in 0..<12 {
            #expect(with[.vaultPnL, p] == without[.insuranceFundEnd, p] - 1e12)
            #expect(with[.vaultExhausted, p] == 0 && with[.insuranceFundEnd, p] == 3e5 && with[.fundReceipts, p] == 0)
            #expect(with[.liquidatedNotional, p] == without[.liquidatedNotional, p])
        }
        #expect(with.column(.vaultPnL).contains { $0 != 0 })
    }

    @Test("a small vault fails, its losses pass to the fund and then to deleveraging; money is conserved",
          arguments: [DisposalRule.immediate, .depthFraction(0.02)])
    func vaultFails(_ disposal: DisposalRule) {
        let engine = SimulationEngine(config: Self.config(vault: 2e4, fund: 5e4, disposal: disposal))
        let r = engine.run(threads: 2, chunkSize: 5).paths
        let again = engine.run(threads: 1, chunkSize: 12).paths
        #expect(r.values.elementsEqual(again.values) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        var failed = 0
        for p in 0..<12 {
            let scale = 1e8
            // The fund's identity, with what the vault passed on among its receipts.
            #expect(isClose(r[.insuranceFundEnd, p] - 5e4, r[.fundReceipts, p] + r[.adlCoveredDeficit, p] + r[.badDebt, p],
                            relative: 1e-9, absolute: 1e-9 * scale))
            // The traders' margin: counterparties + the vault's receipts (its P&L plus what it passed
            // on, which is −fundReceipts) − the engine's P&L on held flow.
            #expect(isClose(r[.marginLost, p], r[.counterpartyGains, p] + r[.vaultPnL, p] + r[.fundReceipts, p] - r[.disposalPnL, p],
                            relative: 1e-9, absolute: 1e-9 * scale))
            #expect(r[.vaultMin, p] >= 0 && r[.vaultPnL, p] >= -2e4)
            if r[.vaultExhausted, p] == 1 {
                failed += 1
                #expect(r[.vaultMin, p] == 0)
            }
        }
        #expect(failed > 0)
        #expect(r.column(.adlCoveredDeficit).contains { $0 > 0 })
    }
}
