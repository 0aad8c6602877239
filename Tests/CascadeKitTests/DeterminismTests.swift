import Foundation
import Testing
@testable import CascadeKit

@Suite("Determinism")
struct DeterminismTests {
    static func reports(threads: Int, chunkSize: Int, seed: UInt64 = 5) -> [String] {
        let rule = FlatMarginRule(maintenanceMarginRate: 0.005, liquidationFee: 0.003)
        let config = TestBooks.config(
            positions: TestBooks.randomBook(count: 3_000, rule: rule), maintenanceMarginRate: 0.005,
            liquidationFee: 0.003, volatility: 1.0, jumps: MertonJumps(intensity: 1_000, mean: -0.02, stdev: 0.02),
            impact: ImpactModel(shape: .squareRoot, depth: 3e6, coefficient: 1, recoveryHalfLife: 300),
            insuranceFund: 1e5, paths: 103, steps: 120, stepSeconds: 60, seed: seed)
        let result = SimulationEngine(config: config).run(threads: threads, chunkSize: chunkSize)
        let builder = ReportBuilder(result: result, quantiles: [0.01, 0.5, 0.99])
        return [builder.summaryCSV(), builder.pathsCSV(), builder.timeSeriesCSV()]
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

    @Test("a different seed gives different paths")
    func seedMatters() {
        #expect(Self.reports(threads: 2, chunkSize: 16, seed: 6)[1] != Self.reports(threads: 2, chunkSize: 16)[1])
    }
}
