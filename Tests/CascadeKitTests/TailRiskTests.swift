import Foundation
import Testing
@testable import CascadeKit

@Suite("Tail risk")
struct TailRiskTests {
    @Test("losses 1…100 at 95 %: VaR 95.05 (type 7), ES = mean of 96…100 = 98")
    func hundred() {
        let losses = (1...100).map(Double.init)
        let risk = TailRisk.of(sortedLosses: losses, level: 0.95)
        #expect(risk.level == 0.95)
        // h = 0.95·99 = 94.05 → x[94] + 0.05·(x[95] − x[94]) = 95 + 0.05.
        #expect(isClose(risk.valueAtRisk, 95.05, relative: 1e-14))
        // n(1 − α) = 5 (up to the rounding of 1 − 0.95): the 5 largest.
        #expect(risk.tailCount == 5)
        #expect(risk.expectedShortfall == 98)
        // sd of 96…100 is √2.5; / √5 = √0.5.
        #expect(isClose(risk.expectedShortfallStandardError, 0.5.squareRoot(), relative: 1e-14))
        // Binomial(100, 0.95): 0-based ranks 89 and 99 (exact coverage 0.9826) → [90, 100].
        #expect(risk.valueAtRiskInterval == Interval(lower: 90, upper: 100))
    }

    @Test("a tail count that is not an integer rounds up: 10 losses at 75 % → k = ⌈2.5⌉ = 3")
    func roundsUp() {
        let losses: [Double] = [0, 0, 1, 2, 3, 5, 8, 13, 21, 34]
        let risk = TailRisk.of(sortedLosses: losses, level: 0.75)
        #expect(risk.tailCount == 3)
        #expect(risk.expectedShortfall == (13 + 21 + 34) / 3.0)
        // h = 0.75·9 = 6.75 → 8 + 0.75·5.
        #expect(risk.valueAtRisk == 11.75)
        let mean = 68.0 / 3
        let sd = (((13 - mean) * (13 - mean) + (21 - mean) * (21 - mean) + (34 - mean) * (34 - mean)) / 2).squareRoot()
        #expect(isClose(risk.expectedShortfallStandardError, sd / 3.0.squareRoot(), relative: 1e-14))
        // Too few losses for a 95 % interval of the 75 % quantile: the whole sample.
        #expect(risk.valueAtRiskInterval == Interval(lower: 0, upper: 34))
    }

    @Test("tail counts: exact multiples stay exact, at least one loss, at most all")
    func tailCounts() {
        #expect(TailRisk.tailCount(sampleSize: 100, level: 0.95) == 5)
        #expect(TailRisk.tailCount(sampleSize: 1_000, level: 0.99) == 10)
        #expect(TailRisk.tailCount(sampleSize: 1_000, level: 0.999) == 1)
        #expect(TailRisk.tailCount(sampleSize: 10_000, level: 0.975) == 250)
        #expect(TailRisk.tailCount(sampleSize: 7, level: 0.9) == 1)   // ⌈0.7⌉
        #expect(TailRisk.tailCount(sampleSize: 7, level: 0.8) == 2)   // ⌈1.4⌉
        #expect(TailRisk.tailCount(sampleSize: 7, level: 1) == 1)
        #expect(TailRisk.tailCount(sampleSize: 7, level: 0) == 7)
    }

    @Test("one tail loss: no standard error; empty sample: NaN")
    func degenerate() {
        let one = TailRisk.of(sortedLosses: [1, 2, 3], level: 0.9)
        #expect(one.tailCount == 1 && one.expectedShortfall == 3 && one.expectedShortfallStandardError.isNaN)
        let empty = TailRisk.of(sortedLosses: [], level: 0.9)
        #expect(empty.tailCount == 0 && empty.valueAtRisk.isNaN && empty.expectedShortfall.isNaN)
        #expect(empty.valueAtRiskInterval.lower.isNaN)
    }
}
