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

    @Test("jumps per step are Poisson(λΔt): frequencies of 0, 1, 2, 3 jumps within 5 standard errors")
    func poissonJumpCounts() {
        // Zero volatility and fixed jump size 0.01: each step's log-return is exactly 0.01·N.
        let lambdaDt = 0.5
        let model = JumpDiffusionModel(drift: 0, volatility: 0, jumps: MertonJumps(intensity: lambdaDt * 365, mean: 0.01, stdev: 0))
        var generator = BlockPathGenerator(model: model, stepYears: 1.0 / 365, seed: 5, capacity: 1_000)
        var counts = [Int](repeating: 0, count: 6)
        var total = 0
        for block in 0..<10 {
            generator.start(paths: (block * 1_000)..<((block + 1) * 1_000))
            var logF = [Double](repeating: 0, count: 1_000)
            for step in 0..<20 {
                let before = logF
                logF.withUnsafeMutableBufferPointer { generator.advance(step: step, logF: $0) }
                for (a, b) in zip(before, logF) {
                    counts[min(5, Int(((b - a) / 0.01).rounded()))] += 1
                    total += 1
                }
            }
        }
        var pmf = exp(-lambdaDt)
        for k in 0..<4 {
            let observed = Double(counts[k]) / Double(total)
            #expect(abs(observed - pmf) < 5 * (pmf * (1 - pmf) / Double(total)).squareRoot(), "P(N = \(k))")
            pmf *= lambdaDt / Double(k + 1)
        }
    }

    @Test("a path's price does not depend on the block it is generated in")
    func blockIndependence() {
        let model = JumpDiffusionModel(drift: 0.1, volatility: 0.9, jumps: MertonJumps(intensity: 5_000, mean: -0.01, stdev: 0.02))
        func finalLogs(blockSize: Int) -> [Double] {
            var generator = BlockPathGenerator(model: model, stepYears: 1.0 / 8_760, seed: 77, capacity: blockSize)
            var result: [Double] = []
            for start in stride(from: 0, to: 30, by: blockSize) {
                let paths = start..<min(start + blockSize, 30)
                generator.start(paths: paths)
                var logF = [Double](repeating: 0, count: paths.count)
                for step in 0..<25 { logF.withUnsafeMutableBufferPointer { generator.advance(step: step, logF: $0) } }
                result += logF
            }
            return result
        }
        let reference = finalLogs(blockSize: 30)
        #expect(finalLogs(blockSize: 1) == reference)
        #expect(finalLogs(blockSize: 7) == reference)
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
