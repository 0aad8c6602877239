import Foundation
import Testing
@testable import CascadeKit

@Suite("Liquidity withdrawal")
struct LiquidityWithdrawalTests {
    static let withdrawal = LiquidityWithdrawal(floor: 0.05, volatilitySensitivity: 0.3, drawdownSensitivity: 1,
                                                normalVolatility: 0.5, volatilityWindow: 900, recoveryHalfLife: 600)

    @Test("depth falls at once to its target and returns with the recovery half-life")
    func closedForm() {
        let w = Self.withdrawal
        let step = w.step(seconds: 60)
        let year = LiquidityWithdrawal.secondsPerYear
        // A return whose EWMA update makes the realised volatility exactly 3σ₀ from v = 0:
        // v = (1 − λ)·r² = 9σ₀²·Δt/year.
        let lambda = exp2(-60.0 / 900)
        let r = (9 * 0.25 * 60 / year / (1 - lambda)).squareRoot()
        let fall = w.advance(multiplier: 1, variance: 0, logReturn: -r, drawdown: 0.1, step: step)
        #expect(abs(fall.variance - 9 * 0.25 * 60 / year) < 1e-18)
        #expect(abs(fall.multiplier - exp(-0.3 * 2) * 0.9) < 1e-12)
        // Calm again (normal variance, no drawdown): target 1, approached by 1 − 2^(−Δt/h).
        let back = w.advance(multiplier: 0.5, variance: w.normalVariance(stepSeconds: 60), logReturn: 0, drawdown: 0, step: step)
        #expect(abs(back.multiplier - (0.5 + 0.5 * (1 - exp2(-60.0 / 600)))) < 1e-12)
        // The floor binds.
        let floor = w.advance(multiplier: 1, variance: 0, logReturn: 0, drawdown: 0.99, step: step)
        #expect(floor.multiplier == 0.05)
    }

    /// A crash-prone book, with or without withdrawal.
    static func config(_ withdrawal: LiquidityWithdrawal?) -> SimulationConfig {
        let flat = FlatMarginRule(maintenanceMarginRate: 0.005, liquidationFee: 0.003)
        var config = TestBooks.config(
            positions: TestBooks.randomBook(count: 1_000, seed: 4, rule: flat), maintenanceMarginRate: 0.005,
            liquidationFee: 0.003, volatility: 1.0, jumps: MertonJumps(intensity: 2_000, mean: -0.03, stdev: 0.03),
            impact: ImpactModel(shape: .squareRoot, depth: 5e6, coefficient: 1, recoveryHalfLife: 600),
            insuranceFund: 1e6, paths: 16, steps: 240, stepSeconds: 60, seed: 11)
        config.assets[0].liquidity = withdrawal
        config.measuresMechanisms = true
        return config
    }

    @Test("with no sensitivity the depth never moves: every value equals the run without withdrawal")
    func offEqualsToday() {
        var still = Self.withdrawal
        still.volatilitySensitivity = 0
        still.drawdownSensitivity = 0
        let with = SimulationEngine(config: Self.config(still)).run(threads: 2, chunkSize: 5).paths
        let without = SimulationEngine(config: Self.config(nil)).run(threads: 2, chunkSize: 5).paths
        #expect(with.values.elementsEqual(without.values) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        #expect(with.column(.minDepthShare).allSatisfy { $0 == 1 })
    }

    @Test("withdrawal thins the book on crash paths and deepens their cascades; deterministic over threads")
    func withdrawalDeepens() {
        let engine = SimulationEngine(config: Self.config(Self.withdrawal))
        let with = engine.run(threads: 2, chunkSize: 3).paths
        let again = engine.run(threads: 1, chunkSize: 16).paths
        #expect(with.values.elementsEqual(again.values) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        let without = SimulationEngine(config: Self.config(nil)).run(threads: 2, chunkSize: 5).paths
        #expect(with.column(.minDepthShare).allSatisfy { $0 >= 0.05 && $0 < 1 })
        let mean = { (r: PathResults) in r.column(.liquidatedNotional).reduce(0, +) / 16 }
        #expect(mean(with) > mean(without) && mean(without) > 0)
        let drawdown = { (r: PathResults) in r.column(.maxDrawdownTraded).reduce(0, +) }
        #expect(drawdown(with) > drawdown(without))
    }
}
