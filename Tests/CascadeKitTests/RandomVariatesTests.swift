import Foundation
import Testing
@testable import CascadeKit

/// Statistical checks of the variates at fixed seeds. Tolerances are 5 standard errors of the
/// statistic (a false alarm about once in 1.7 million runs), never hand-tuned.
@Suite("Random variates")
struct RandomVariatesTests {
    static func normals(_ n: Int, seed: UInt64) -> [Double] {
        let g = Philox4x32(seed: seed, domain: 77)
        var values: [Double] = []
        values.reserveCapacity(n)
        var counter: UInt32 = 0
        while values.count < n {
            let w = g.block(counter, 0, 0, RandomPurpose.testing.rawValue)
            let (a, b) = RandomVariates.normalPair(w[0], w[1], w[2])
            values.append(a)
            if values.count < n { values.append(b) }
            counter += 1
        }
        return values
    }

    @Test("normal variates have mean 0, variance 1, skewness 0 and kurtosis 3")
    func normalMoments() {
        let n = 400_000
        let z = Self.normals(n, seed: 11)
        let N = Double(n)
        let mean = z.reduce(0, +) / N
        let m2 = z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / N
        let m3 = z.reduce(0) { $0 + pow($1 - mean, 3) } / N
        let m4 = z.reduce(0) { $0 + pow($1 - mean, 4) } / N
        // Standard errors under normality: mean 1/√n, variance √(2/n), skewness √(6/n), kurtosis √(24/n).
        #expect(abs(mean) < 5 / N.squareRoot())
        #expect(abs(m2 - 1) < 5 * (2 / N).squareRoot())
        #expect(abs(m3 / pow(m2, 1.5)) < 5 * (6 / N).squareRoot())
        #expect(abs(m4 / (m2 * m2) - 3) < 5 * (24 / N).squareRoot())
    }

    @Test("normal variates pass a Kolmogorov–Smirnov test against Φ")
    func kolmogorovSmirnov() {
        let n = 100_000
        let z = Self.normals(n, seed: 12).sorted()
        var d = 0.0
        for (i, x) in z.enumerated() {
            let cdf = 0.5 * erfc(-x / 2.0.squareRoot())
            d = max(d, abs(cdf - Double(i) / Double(n)), abs(cdf - Double(i + 1) / Double(n)))
        }
        // Critical value at α = 0.001: 1.95/√n.
        #expect(d < 1.95 / Double(n).squareRoot(), "KS statistic \(d)")
    }

    @Test("the two normals of a Box–Muller pair are uncorrelated")
    func pairIsUncorrelated() {
        let z = Self.normals(200_000, seed: 13)
        var sum = 0.0
        for i in stride(from: 0, to: z.count, by: 2) { sum += z[i] * z[i + 1] }
        let pairs = Double(z.count / 2)
        #expect(abs(sum / pairs) < 5 / pairs.squareRoot())
    }

    @Test("uniforms stay strictly inside (0, 1)")
    func uniformBounds() {
        #expect(RandomVariates.uniform52(0, 0) > 0)
        #expect(RandomVariates.uniform52(.max, .max) < 1)
        #expect(RandomVariates.uniform32(0) > 0)
        #expect(RandomVariates.uniform32(.max) < 1)
        let extreme = RandomVariates.normalPair(0, 0, 0).0
        #expect(extreme.isFinite && abs(extreme) > 8)
    }
}
