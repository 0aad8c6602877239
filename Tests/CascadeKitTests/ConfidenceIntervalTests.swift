import Foundation
import Testing
@testable import CascadeKit

@Suite("Confidence intervals")
struct ConfidenceIntervalTests {
    @Test("mean: x̄ ± 1.96·s/√n; undefined below two values")
    func meanInterval() {
        let s = SampleSummary([2, 4, 4, 4, 5, 5, 7, 9], quantileLevels: [])
        let ci = ConfidenceInterval.mean(s)
        let half = 1.959963984540054 * (32.0 / 7).squareRoot() / 8.0.squareRoot()
        #expect(isClose(ci.lower, 5 - half, relative: 1e-14) && isClose(ci.upper, 5 + half, relative: 1e-14))
        let ci90 = ConfidenceInterval.mean(s, confidence: 0.9)
        #expect(ci90.lower > ci.lower && ci90.upper < ci.upper)
        let one = ConfidenceInterval.mean(SampleSummary([3], quantileLevels: []))
        #expect(one.lower.isNaN && one.upper.isNaN)
        #expect(ConfidenceInterval.mean(SampleSummary([Double](), quantileLevels: [])).lower.isNaN)
    }

    @Test("Wilson score interval: worked values (computed from Wilson's formula, z = 1.959964)",
          arguments: [
            (0, 10, 0.0, 0.2775327998628892),
            (5, 10, 0.236593090512564, 0.7634069094874361),
            (10, 10, 0.7224672001371107, 1.0),
            (3, 50, 0.02061497034897397, 0.16217091688838173),
            (1, 1000, 0.00017654637062607809, 0.0056425585979579355),
          ])
    func wilson(_ successes: Int, _ trials: Int, _ lower: Double, _ upper: Double) {
        let ci = ConfidenceInterval.wilson(successes: successes, trials: trials)
        // The worked numbers of the brief are to 5 decimals; these references carry full precision.
        #expect(abs(ci.lower - lower) <= 1e-12 && abs(ci.upper - upper) <= 1e-12, "\(successes)/\(trials): \(ci)")
        #expect(abs(ci.lower - lower) <= 5e-6 && abs(ci.upper - upper) <= 5e-6)
    }

    @Test("Wilson: exact 0 and 1 at the ends; undefined without trials")
    func wilsonEnds() {
        #expect(ConfidenceInterval.wilson(successes: 0, trials: 10).lower == 0)
        #expect(abs(ConfidenceInterval.wilson(successes: 0, trials: 10).upper - 0.27753) < 5e-6)
        #expect(ConfidenceInterval.wilson(successes: 10, trials: 10).upper == 1)
        #expect(abs(ConfidenceInterval.wilson(successes: 10, trials: 10).lower - 0.72247) < 5e-6)
        let none = ConfidenceInterval.wilson(successes: 0, trials: 0)
        #expect(none.lower.isNaN && none.upper.isNaN)
    }

    @Test("binomial probabilities (Loader's saddle point) match SciPy and direct sums")
    func binomialProbabilities() {
        #expect(isClose(BinomialDistribution.probability(5, trials: 10, success: 0.5), 252.0 / 1024, relative: 1e-14))
        #expect(isClose(BinomialDistribution.probability(37, trials: 100, success: 0.3), 0.026834456506805795, relative: 1e-13))
        #expect(isClose(BinomialDistribution.probability(5_000_000, trials: 10_000_000, success: 0.5), 0.0002523132458941848, relative: 1e-13))
        #expect(isClose(BinomialDistribution.probability(3, trials: 10_000_000, success: 1e-6), 0.0075666375571136766, relative: 1e-13))
        #expect(isClose(BinomialDistribution.probability(0, trials: 10_000_000, success: 1e-6), 4.539970276325221e-05, relative: 1e-13))
        #expect(isClose(BinomialDistribution.probability(10_000_000, trials: 10_000_000, success: 1 - 1e-8), 0.9048374171288819, relative: 1e-12))
        // Against the naive product formula for small n, every k.
        for n in [1, 2, 7, 30, 61] {
            for p in [0.01, 0.2, 0.5, 0.93] {
                var sum = 0.0
                for k in 0...n {
                    let naive = exp(lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
                                    + Double(k) * log(p) + Double(n - k) * log1p(-p))
                    let value = BinomialDistribution.probability(k, trials: n, success: p)
                    #expect(isClose(value, naive, relative: 1e-12, absolute: 1e-300), "n \(n) p \(p) k \(k)")
                    sum += value
                }
                #expect(abs(sum - 1) <= 1e-14)
                let tails = BinomialTails(trials: n, success: p)
                for k in 0..<n {
                    #expect(abs(tails.cdf(k) + tails.survival(k) - 1) <= 1e-14)
                }
            }
        }
    }

    @Test("order-statistic ranks: classical tables and an exact reference (SciPy's binomial CDF)",
          arguments: [
            // n, p, confidence, lower, upper (0-based), exact coverage
            (10, 0.5, 0.95, 1, 8, 0.978515625),           // [X(2), X(9)], the classical table value
            (100, 0.5, 0.95, 39, 60, 0.9647997997822952), // [X(40), X(61)]
            (6, 0.5, 0.95, 0, 5, 0.96875),                // (min, max), 1 − 2/64
            (50, 0.9, 0.95, 40, 49, 0.9703082890880885),
            (100, 0.95, 0.95, 89, 99, 0.9826070607121812),
            (300, 0.99, 0.95, 289, 299, 0.950694262223382), // upper tail p^n = 0.049 > 0.025: the lower side takes the rest
            (123_456, 0.25, 0.9, 30_613, 31_114, 0.9003315917850566),
            (10_000_000, 0.5, 0.95, 4_996_900, 5_003_099, 0.9500387929673899),
            (10_000_000, 0.999, 0.95, 9_989_803, 9_990_195, 0.950120375465999),
            (10_000_000, 1e-6, 0.95, 3, 17, 0.9753864068872448),
            (10_000_000, 0.01, 0.99, 99_189, 100_811, 0.9900491215685823),
          ])
    func ranks(_ n: Int, _ p: Double, _ confidence: Double, _ lower: Int, _ upper: Int, _ coverage: Double) throws {
        let r = try #require(ConfidenceInterval.orderStatisticRanks(count: n, level: p, confidence: confidence))
        #expect(r.lower == lower && r.upper == upper, "n \(n) p \(p): \(r)")
        #expect(abs(r.coverage - coverage) <= 1e-10)
        #expect(r.coverage >= confidence)
    }

    @Test("too few values for the coverage: the whole sample, (minimum, maximum)")
    func widestAvailable() {
        // Median of 5 at 95 %: even (min, max) covers only 1 − 2/32 = 0.9375.
        #expect(ConfidenceInterval.orderStatisticRanks(count: 5, level: 0.5, confidence: 0.95) == nil)
        #expect(ConfidenceInterval.orderStatisticRanks(count: 100, level: 0.99, confidence: 0.95) == nil)
        #expect(ConfidenceInterval.orderStatisticRanks(count: 1, level: 0.5, confidence: 0.5) == nil)
        let x: [Double] = [3, 1, 4, 1, 5].sorted()
        #expect(ConfidenceInterval.quantile(sorted: x, level: 0.5) == Interval(lower: 1, upper: 5))
        #expect(ConfidenceInterval.quantile(sorted: x, level: 0) == Interval(lower: 1, upper: 5))
        #expect(ConfidenceInterval.quantile(sorted: x, level: 1) == Interval(lower: 1, upper: 5))
        let empty = ConfidenceInterval.quantile(sorted: [Double](), level: 0.5)
        #expect(empty.lower.isNaN && empty.upper.isNaN)
        // The interval reads the order statistics of the ranks.
        let y = (1...100).map(Double.init)
        #expect(ConfidenceInterval.quantile(sorted: y, level: 0.5) == Interval(lower: 40, upper: 61))
        #expect(ConfidenceInterval.quantile(sorted: y[...], level: 0.5) == Interval(lower: 40, upper: 61))
    }

    /// Empirical coverage over 2,000 replications of Uniform(0, 1) samples, whose p-quantile is p.
    /// The exact coverage c of the chosen order statistics is between 0.95 and 0.971 for these
    /// cases; the count of covering replications is Binomial(2000, c), with standard deviation
    /// √(c(1 − c)/2000) ≤ 0.0049. The check is |empirical − c| ≤ 4.5σ (a false alarm about once in
    /// 150,000 runs) and, as asked, 0.93 ≤ empirical ≤ 0.99 (c ± 4.5σ stays inside it). Fixed seeds:
    /// the outcome is the same on every run.
    @Test("order-statistic intervals cover the true quantile at the nominal rate",
          arguments: [(50, 0.5), (50, 0.9), (1000, 0.5), (1000, 0.9)])
    func coverage(_ n: Int, _ p: Double) throws {
        let replications = 2_000
        let exact = try #require(ConfidenceInterval.orderStatisticRanks(count: n, level: p, confidence: 0.95)).coverage
        var covered = 0
        var sample = [Double](repeating: 0, count: n)
        for r in 0..<replications {
            var stream = SplitMix64Stream(seed: 20_250_101 &+ UInt64(n), stream: UInt64(r))
            for i in 0..<n { sample[i] = stream.uniform() }
            sample.sort()
            if ConfidenceInterval.quantile(sorted: sample, level: p).contains(p) { covered += 1 }
        }
        let empirical = Double(covered) / Double(replications)
        let sigma = (exact * (1 - exact) / Double(replications)).squareRoot()
        #expect(abs(empirical - exact) <= 4.5 * sigma, "n \(n) p \(p): \(empirical) vs exact \(exact)")
        #expect(empirical >= 0.93 && empirical <= 0.99)
    }
}
