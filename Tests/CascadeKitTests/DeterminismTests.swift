import Foundation
import Testing
@testable import CascadeKit

@Suite("Determinism")
struct DeterminismTests {
    static func reports(threads: Int, chunkSize: Int?, seed: UInt64 = 5, paths: Int = 103) -> [String] {
        let rule = FlatMarginRule(maintenanceMarginRate: 0.005, liquidationFee: 0.003)
        let config = TestBooks.config(
            positions: TestBooks.randomBook(count: 3_000, rule: rule), maintenanceMarginRate: 0.005,
            liquidationFee: 0.003, volatility: 1.0, jumps: MertonJumps(intensity: 1_000, mean: -0.02, stdev: 0.02),
            impact: ImpactModel(shape: .squareRoot, depth: 3e6, coefficient: 1, recoveryHalfLife: 300),
            insuranceFund: 1e5, paths: paths, steps: 120, stepSeconds: 60, seed: seed)
        let result = SimulationEngine(config: config).run(threads: threads, chunkSize: chunkSize)
        return Self.reportTexts(result, quantiles: [0.01, 0.5, 0.99])
    }

    /// summary.csv (with its intervals), paths.csv and timeseries.csv of `result`.
    static func reportTexts(_ result: SimulationResult, quantiles: [Double]) -> [String] {
        let statistics = RunStatistics(result: result, quantileLevels: quantiles, confidence: 0.95, riskLevels: [0.99],
                                       drawdownThresholds: [0.1], twin: false)
        let builder = ReportBuilder(result: result, quantiles: quantiles)
        return [statistics.summaryCSV(symbols: result.config.symbols), builder.pathsCSV(), builder.timeSeriesCSV()]
    }

    @Test("byte-identical reports with 1 and 2 threads and any chunk size")
    func threadAndChunkIndependence() {
        let reference = Self.reports(threads: 1, chunkSize: 256)
        #expect(reference[1].split(separator: "\n").count == 104)
        for (threads, chunk) in [(2, 256), (2, 1), (2, 7), (1, 13), (3, 50), (2, 103)] {
            let other = Self.reports(threads: threads, chunkSize: chunk)
            #expect(other == reference, "threads \(threads), chunk \(chunk)")
        }
    }

    @Test("venue mechanics (partial closes, deleveraging, index mark) are identical for any threads and chunks",
          arguments: ["hyperliquid", "okx", "dydx-v4"])
    func venueIndependence(_ venue: String) {
        let config = TestBooks.presetStress(venue, count: 2_000, paths: 37, steps: 90, seed: 8, bookSeed: 3)
        func csv(_ threads: Int, _ chunk: Int?) -> String {
            let result = SimulationEngine(config: config).run(threads: threads, chunkSize: chunk)
            return ReportBuilder(result: result, quantiles: [0.5]).pathsCSV()
        }
        let reference = csv(1, 64)
        #expect(reference.contains(",") && reference.split(separator: "\n").count == 38)
        for (threads, chunk) in [(2, 1), (2, 5), (3, 16), (2, nil)] as [(Int, Int?)] {
            #expect(csv(threads, chunk) == reference, "threads \(threads), chunk \(String(describing: chunk))")
        }
        // The run exercised what it claims to: deleveraging happened somewhere.
        let result = SimulationEngine(config: config).run(threads: 2)
        #expect(result.paths.column(.adlCount).reduce(0, +) > 0)
    }

    @Test("automatic chunks: about eight per thread, multiples of 4 from 16 to 1,024")
    func automaticChunks() {
        #expect(SimulationEngine.automaticChunkSize(paths: 500, threads: 2) == 32)
        #expect(SimulationEngine.automaticChunkSize(paths: 2_000, threads: 2) == 128)
        #expect(SimulationEngine.automaticChunkSize(paths: 20_000, threads: 2) == 1_024)
        #expect(SimulationEngine.automaticChunkSize(paths: 1, threads: 1) == 16)
    }

    @Test("automatic chunks with the tail split give the same reports as one thread")
    func splitTailIndependence() {
        // 300 paths on 2 threads: automatic chunks of 20, the last 40 paths in chunks of 16, 16, 8.
        #expect(SimulationEngine.chunks(paths: 300, chunkSize: 20, threads: 2, splitTail: true).suffix(3)
                == [260..<276, 276..<292, 292..<300])
        let reference = Self.reports(threads: 1, chunkSize: 256, paths: 300)
        #expect(reference[1].split(separator: "\n").count == 301)
        #expect(Self.reports(threads: 2, chunkSize: nil, paths: 300) == reference)
    }

    @Test("chunks cover every path once, in order; the tail is split in quarters when asked",
          arguments: [(100_000, 1_024, 2), (500, 32, 2), (20, 16, 2), (5_000, 1_024, 3), (1_000, 1_024, 1), (7, 4, 2)])
    func chunkPartition(_ paths: Int, _ chunkSize: Int, _ threads: Int) {
        for split in [false, true] {
            let chunks = SimulationEngine.chunks(paths: paths, chunkSize: chunkSize, threads: threads, splitTail: split)
            #expect(chunks.first?.lowerBound == 0 && chunks.last?.upperBound == paths)
            #expect(zip(chunks, chunks.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
            #expect(chunks.allSatisfy { !$0.isEmpty && $0.count <= chunkSize })
            let small = max(16, (chunkSize / 4 + 3) / 4 * 4)
            if split && threads > 1 && small < chunkSize {
                // The last `threads` chunks' worth of paths is in chunks of at most `small`.
                let tail = chunks.filter { $0.lowerBound >= max(0, paths - threads * chunkSize) }
                #expect(tail.reduce(0) { $0 + $1.count } == min(paths, threads * chunkSize))
                #expect(tail.allSatisfy { $0.count <= small })
            } else {
                #expect(chunks.dropLast().allSatisfy { $0.count == chunkSize })
            }
        }
        // The benchmark's layout: 95 chunks of 1,024, one of 672 up to the tail, eight of 256.
        let bench = SimulationEngine.chunks(paths: 100_000, chunkSize: 1_024, threads: 2, splitTail: true)
        #expect(bench.count == 104 && bench[95] == 97_280..<97_952 && bench[96] == 97_952..<98_208)
    }

    @Test("a different seed gives different paths")
    func seedMatters() {
        #expect(Self.reports(threads: 2, chunkSize: 16, seed: 6)[1] != Self.reports(threads: 2, chunkSize: 16)[1])
    }
}

@Suite("Determinism of every price model")
struct ModelDeterminismTests {
    static func reports(threads: Int, chunkSize: Int) -> [String] {
        let rule = FlatMarginRule(maintenanceMarginRate: 0.005, liquidationFee: 0.003)
        let models: [PriceModel] = [
            .gbm(JumpDiffusionModel(drift: 0, volatility: 0.9, jumps: MertonJumps(intensity: 900, mean: -0.02, stdev: 0.02))),
            .studentT(StudentTModel(drift: 0, volatility: 0.8, degreesOfFreedom: 4)),
            .garch(GARCHModel(drift: 0, omega: 1e-7, alpha: 0.1, beta: 0.85, startVariance: 4e-6, degreesOfFreedom: 6)),
            .heston(HestonModel(drift: 0, kappa: 2, theta: 0.5, xi: 1, rho: -0.6, v0: 0.6)),
            .regimeSwitching(RegimeSwitchingModel(
                regimes: [Regime(name: "calm", drift: 0, volatility: 0.4),
                          Regime(name: "crash", drift: -2, volatility: 2, jumps: MertonJumps(intensity: 5_000, mean: -0.01, stdev: 0.01))],
                transitions: [[0.7, 0.3], [0.5, 0.5]], start: 0)),
        ]
        let correlation = (0..<5).map { i in (0..<5).map { j in i == j ? 1.0 : 0.5 } }
        let config = SimulationConfig(
            seed: 17, paths: 45, steps: 90, stepSeconds: 60,
            assets: models.enumerated().map { i, model in
                AssetConfig(symbol: "A\(i)", initialPrice: 100, model: model,
                            schedule: StressSchedule(shocks: [.move(relative: -0.05, start: 30, steps: 5),
                                                              .volatility(multiplier: 3, from: 40, to: 60)], steps: 90),
                            impact: ImpactModel(shape: .squareRoot, depth: 2e6, coefficient: 1, recoveryHalfLife: 300),
                            ladder: LiquidationLadder(positions: TestBooks.randomBook(count: 400, seed: UInt64(i), rule: rule), rule: rule))
            },
            correlationFactor: try! DenseLinearAlgebra.choleskyLower(correlation.flatMap { $0 }, order: 5),
            insuranceFund: 1e4)
        let result = SimulationEngine(config: config).run(threads: threads, chunkSize: chunkSize)
        return DeterminismTests.reportTexts(result, quantiles: [0.05, 0.5, 0.95])
    }

    @Test("several correlated assets with every model: byte-identical reports for any threads and chunks")
    func identicalAcrossSchedules() {
        let reference = Self.reports(threads: 1, chunkSize: 64)
        #expect(reference[1].split(separator: "\n").first!.contains("minTradedPrice.A4"))
        #expect(reference[0].contains("liquidatedNotional.A3,"))
        for (threads, chunk) in [(2, 64), (2, 1), (2, 7), (1, 13)] {
            #expect(Self.reports(threads: threads, chunkSize: chunk) == reference, "threads \(threads), chunk \(chunk)")
        }
    }
}
