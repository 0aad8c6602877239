import Foundation
import Testing
@testable import CascadeKit

@Suite("Power-law fit")
struct PowerLawFitTests {
    /// n Pareto(α, x_min = 1) values by inverse CDF, x = u^(−1/(α − 1)), from a fixed SplitMix64 stream.
    static func pareto(alpha: Double, count: Int, seed: UInt64) -> LogBinnedHistogram {
        var h = LogBinnedHistogram(binsPerDecade: 10)
        var stream = SplitMix64Stream(seed: seed, stream: 0)
        for _ in 0..<count { h.add(pow(stream.uniform(), -1 / (alpha - 1))) }
        return h
    }

    /// n log-normal values exp(σZ), Z = Φ⁻¹(u), from a fixed SplitMix64 stream.
    static func logNormal(sigma: Double, count: Int, seed: UInt64) -> LogBinnedHistogram {
        var h = LogBinnedHistogram(binsPerDecade: 10)
        var stream = SplitMix64Stream(seed: seed, stream: 0)
        for _ in 0..<count { h.add(exp(sigma * NormalDistribution.quantile(stream.uniform()))) }
        return h
    }

    @Test("two bins, the last open: α̂ solves 10^(1−α) = c₁/(c₀ + c₁) exactly")
    func twoBins() throws {
        let fit = try #require(PowerLawFit.fit(edges: [1, 10, .infinity], counts: [90, 10]))
        // L = 90 ln(1 − t) + 10 ln t with t = 10^(1−α): t = 0.1, α = 2.
        #expect(isClose(fit.alpha, 2, relative: 1e-12))
        #expect(fit.xmin == 1 && fit.tailCount == 100 && fit.totalCount == 100 && fit.pValue == nil)
        #expect(fit.ksDistance <= 1e-12)    // the fitted survival at 10 is exactly the observed 10 %
        // −L''(α) = 90·(ln 10)²·t/(1 − t)² at t = 0.1.
        let information = 90 * log(10.0) * log(10.0) * 0.1 / 0.81
        #expect(isClose(fit.alphaStandardError, 1 / information.squareRoot(), relative: 1e-10))
    }

    @Test("a finite last edge implies an empty overflow bin: 100 ln(1 − t) + 10 ln t, t = 1/11")
    func overflowBin() throws {
        let fit = try #require(PowerLawFit.fit(edges: [1, 10, 100], counts: [90, 10]))
        #expect(isClose(fit.alpha, 1 + log10(11.0), relative: 1e-12))
    }

    /// α̂ has standard error ≈ (α − 1)/√n ≈ 0.011 here; 3 SE is a two-sided 0.3 % test. With
    /// 10 bins per decade the loss of information from binning is small (Virkar and Clauset 2014).
    @Test("exact Pareto(2.5) samples binned 10 per decade: α within 3 SE, x_min ≤ 2")
    func recoversPareto() throws {
        let h = Self.pareto(alpha: 2.5, count: 20_000, seed: 11)
        let fit = try #require(PowerLawFit.fit(edges: h.edges(), counts: h.counts))
        #expect(abs(fit.alpha - 2.5) <= 3 * fit.alphaStandardError, "\(fit)")
        #expect(fit.xmin <= 2)
        #expect(fit.totalCount == 20_000 && fit.tailCount >= 50 && fit.tailCount <= 20_000)
        #expect(fit.alphaStandardError > 0.005 && fit.alphaStandardError < 0.05)
    }

    /// Under the null the bootstrap p-value is roughly uniform, so a Pareto sample has p > 0.1 nine
    /// times in ten over seeds (seeds 11…16 give 0.16, 0.62, 0.76, 0.30, 0.36, 0.04 with 50
    /// samples); seed 11 was fixed before looking, and the test is deterministic.
    ///
    /// Both fits require at least 1,000 tail observations (5 % of the sample). With the default
    /// minimum of 50 the x_min search retreats to the top ~1 % of a log-normal, where its local
    /// exponent 1 + ln x/σ² changes too little over a few hundred values to be detected (this
    /// sample then gives p ≈ 0.8: the known weakness of the test against log-normals, Clauset,
    /// Shalizi and Newman 2009, §5). Over the top 5 % the curvature of a σ = 1 log-normal is
    /// plain, and p ≤ 0.02 for every seed tried (12…15, σ = 1 and 2).
    @Test("bootstrap goodness of fit: Pareto p > 0.1, log-normal p lower")
    func bootstrap() throws {
        let pareto = Self.pareto(alpha: 2.5, count: 20_000, seed: 11)
        let logNormal = Self.logNormal(sigma: 1, count: 20_000, seed: 12)
        let a = try #require(PowerLawFit.fit(edges: pareto.edges(), counts: pareto.counts,
                                             minimumTailCount: 1_000, bootstrapSamples: 100))
        let b = try #require(PowerLawFit.fit(edges: logNormal.edges(), counts: logNormal.counts,
                                             minimumTailCount: 1_000, bootstrapSamples: 100))
        let pa = try #require(a.pValue), pb = try #require(b.pValue)
        #expect(pa > 0.1, "Pareto: \(a)")
        #expect(pb < pa, "log-normal: \(b)")
        #expect(pb <= 0.05, "log-normal: \(b)")
    }

    @Test("fewer than minimumTailCount observations, or a single non-empty bin: nil")
    func tooFew() {
        let h = Self.pareto(alpha: 2.5, count: 49, seed: 3)
        #expect(PowerLawFit.fit(edges: h.edges(), counts: h.counts) == nil)
        #expect(PowerLawFit.fit(edges: h.edges(), counts: h.counts, minimumTailCount: 49) != nil)
        #expect(PowerLawFit.fit(edges: [1, 2, 4], counts: [500, 0]) == nil)
        #expect(PowerLawFit.fit(edges: [1], counts: []) == nil)
        #expect(PowerLawFit.fit(edges: [1, 2, 4], counts: [0, 0]) == nil)
    }

    @Test("the same seed gives the same result; the fit itself does not depend on the seed")
    func deterministic() throws {
        let h = Self.logNormal(sigma: 1.5, count: 5_000, seed: 5)
        let first = try #require(PowerLawFit.fit(edges: h.edges(), counts: h.counts, bootstrapSamples: 30, seed: 42))
        let second = try #require(PowerLawFit.fit(edges: h.edges(), counts: h.counts, bootstrapSamples: 30, seed: 42))
        #expect(first == second)
        let other = try #require(PowerLawFit.fit(edges: h.edges(), counts: h.counts, bootstrapSamples: 30, seed: 43))
        let none = try #require(PowerLawFit.fit(edges: h.edges(), counts: h.counts))
        #expect(other.alpha == first.alpha && other.xmin == first.xmin && other.ksDistance == first.ksDistance)
        #expect(none.pValue == nil && none.alpha == first.alpha)
    }

    @Test("the method is one sentence naming its sources")
    func method() {
        #expect(PowerLawFit.method.contains("Virkar and Clauset") && PowerLawFit.method.contains("Clauset, Shalizi and Newman"))
        #expect(PowerLawFit.method.hasSuffix(".") && PowerLawFit.method.filter { $0 == "." }.count == 1)
    }
}
