import Foundation
import Testing
@testable import CascadeKit

/// The running estimates as paths accumulate: checkpoints, the final row against the whole
/// sample's summary, and the paths a precision needs from its closed form.
@Suite("Convergence")
struct ConvergenceTests {
    @Test("checkpoints are about ten per decade from 10 paths, and end at the last path")
    func checkpoints() {
        #expect(Convergence.checkpoints(paths: 100) == [10, 13, 16, 20, 25, 32, 40, 50, 63, 79, 100])
        #expect(Convergence.checkpoints(paths: 5) == [5])
        #expect(Convergence.checkpoints(paths: 10) == [10])
        #expect(Convergence.checkpoints(paths: 0) == [])
        #expect(Convergence.checkpoints(paths: 1_000_000).count == 51)
    }

    @Test("each row is the mean, interval and share of the paths so far; the last equals the whole sample's")
    func rows() {
        var generator = SplitMix64Stream(seed: 7, stream: 0)
        let liquidated = (0..<400).map { _ in Double(generator.next() % 1_000_000) * 1_000 }
        let badDebt = (0..<400).map { i in i % 7 == 0 ? Double(i) * 10 : 0 }
        let c = Convergence(liquidated: liquidated, badDebt: badDebt, confidence: 0.95)
        #expect(c.rows.map(\.paths) == Convergence.checkpoints(paths: 400))
        for row in c.rows {
            let head = Array(liquidated[..<row.paths])
            let summary = SampleSummary(head, quantileLevels: [])
            let interval = ConfidenceInterval.mean(summary, confidence: 0.95)
            #expect(abs(row.estimates[0] - summary.mean) <= 1e-9 * summary.mean)
            #expect(abs(row.values[0].lower - interval.lower) <= 1e-9 * summary.mean)
            #expect(abs(row.values[0].upper - interval.upper) <= 1e-9 * summary.mean)
            let events = badDebt[..<row.paths].filter { $0 > 0 }.count
            #expect(row.estimates[2] == Double(events) / Double(row.paths))
            #expect(row.values[2] == ConfidenceInterval.wilson(successes: events, trials: row.paths, confidence: 0.95))
        }
    }

    @Test("paths needed for a precision: n = (z·s/(r·mean))², and the half-width reached at n paths")
    func pathsNeeded() throws {
        // Values 0 and 2 alternating: mean 1, sample s = √(n/(n−1)).
        let n = 1_000
        let values = (0..<n).map { Double(2 * ($0 % 2)) }
        let c = Convergence(liquidated: values, badDebt: [Double](repeating: 0, count: n), confidence: 0.95)
        let z = NormalDistribution.quantile(0.975), s = (Double(n) / Double(n - 1)).squareRoot()
        #expect(try #require(c.pathsNeeded(relativeHalfWidth: 0.01)) == ((z * s / 0.01) * (z * s / 0.01)).rounded(.up))
        #expect(abs(c.relativeHalfWidth - z * s / Double(n).squareRoot()) < 1e-12)
        #expect(c.sentence.contains("±1% would need about 38,"), "\(c.sentence)")
        let none = Convergence(liquidated: [0, 0, 0], badDebt: [0, 0, 0], confidence: 0.95)
        #expect(none.pathsNeeded(relativeHalfWidth: 0.01) == nil)
        #expect(none.sentence.contains("no liquidations"))
    }
}
