import Foundation
import Testing
@testable import CascadeKit

@Suite("Price model M0")
struct PriceModelTests {
    /// Horizon log-returns of many paths with no positions.
    static func horizonLogReturns(_ model: JumpDiffusionModel, paths: Int, steps: Int, stepSeconds: Double) -> [Double] {
        let config = SimulationConfig(
            seed: 99, paths: paths, steps: steps, stepSeconds: stepSeconds, initialPrice: 100, priceModel: model,
            impact: ImpactModel(shape: .linear, depth: 1, coefficient: 0, recoveryHalfLife: 0),
            insuranceFund: 0, ladder: LiquidationLadder(positions: [], rule: FlatMarginRule(maintenanceMarginRate: 0.01)))
        let result = SimulationEngine(config: config).run(threads: 2, chunkSize: 500)
        return result.paths.column(.finalFundamentalPrice).map { Foundation.log($0 / 100) }
    }

    static func meanAndVariance(_ x: [Double]) -> (Double, Double) {
        let n = Double(x.count)
        let m = x.reduce(0, +) / n
        return (m, x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1))
    }

    @Test("GBM log-returns have mean (μ − σ²/2)T and variance σ²T")
    func gbmMoments() {
        let model = JumpDiffusionModel(drift: 0.3, volatility: 0.8)
        let steps = 48, stepSeconds = 1800.0
        let x = Self.horizonLogReturns(model, paths: 20_000, steps: steps, stepSeconds: stepSeconds)
        let t = Double(steps) * stepSeconds / (365 * 86_400)
        let expectedMean = (0.3 - 0.32) * t
        let expectedVariance = 0.64 * t
        let (mean, variance) = Self.meanAndVariance(x)
        let n = Double(x.count)
        #expect(abs(mean - expectedMean) < 5 * (expectedVariance / n).squareRoot())
        #expect(abs(variance - expectedVariance) < 5 * expectedVariance * (2 / (n - 1)).squareRoot())
    }

    @Test("Merton log-returns have mean (μ − σ²/2 + λμ_J)T and variance (σ² + λ(σ_J² + μ_J²))T")
    func mertonMoments() {
        let jumps = MertonJumps(intensity: 200, mean: -0.03, stdev: 0.02)
        let model = JumpDiffusionModel(drift: 0, volatility: 0.5, jumps: jumps)
        let steps = 96, stepSeconds = 900.0
        let x = Self.horizonLogReturns(model, paths: 40_000, steps: steps, stepSeconds: stepSeconds)
        let t = Double(steps) * stepSeconds / (365 * 86_400)
        let expectedMean = (-0.125 + 200 * -0.03) * t
        let expectedVariance = (0.25 + 200 * (0.0004 + 0.0009)) * t
        // Fourth cumulant of the compound Poisson part, for the variance's standard error:
        // κ₄ = λT·E[Y⁴], E[Y⁴] = μ⁴ + 6μ²σ² + 3σ⁴.
        let m = -0.03, s = 0.02
        let kappa4 = 200 * t * (pow(m, 4) + 6 * m * m * s * s + 3 * pow(s, 4))
        let (mean, variance) = Self.meanAndVariance(x)
        let n = Double(x.count)
        #expect(abs(mean - expectedMean) < 5 * (expectedVariance / n).squareRoot())
        let varianceSE = ((kappa4 + 2 * expectedVariance * expectedVariance) / n).squareRoot()
        #expect(abs(variance - expectedVariance) < 5 * varianceSE)
    }

    @Test("the Poisson jump count inverts its CDF")
    func poissonInversion() {
        let step = JumpDiffusionModel(drift: 0, volatility: 0, jumps: MertonJumps(intensity: 365 * 2, mean: 0, stdev: 0))
            .discretised(stepYears: 1.0 / 365)
        // λΔt = 2: P(0) = e⁻², P(≤1) = 3e⁻², P(≤2) = 5e⁻².
        let e2 = exp(-2.0)
        #expect(isClose(step.noJumpProbability, e2))
        #expect(step.jumpCount(uniform: e2 * 0.999) == 0)
        #expect(step.jumpCount(uniform: e2 * 1.001) == 1)
        #expect(step.jumpCount(uniform: 3 * e2 * 1.001) == 2)
        #expect(step.jumpCount(uniform: 5 * e2 * 1.001) == 3)
        #expect(step.poissonCumulative.last == 1)
    }

    @Test("with zero volatility the price follows the drift exactly")
    func deterministicDrift() {
        let config = TestBooks.config(positions: [], drift: TestBooks.drift(movingBy: 0.99), steps: 10)
        var observer = RecordingObserver()
        _ = SimulationEngine(config: config).trace(path: 0, observer: &observer)
        for (i, logF) in observer.logFundamental.enumerated() {
            #expect(isClose(exp(logF), 100 * pow(0.99, Double(i + 1)), relative: 1e-12))
        }
    }
}
