import Foundation
import Testing
@testable import CascadeKit

@Suite("Fast math and xoshiro256+")
struct FastMathTests {
    @Test("log agrees with Foundation to 1e-15 relative (2e-16 absolute near 1)")
    func logAccuracy() {
        var stream = PhiloxStream(generator: Philox4x32(seed: 1, domain: 1), item: 0, purpose: .testing)
        var worst = 0.0
        for i in 0..<200_000 {
            let x = i < 100_000 ? stream.uniform() : exp(60 * (stream.uniform() - 0.5))
            let exact = Foundation.log(x)
            let error = abs(FastMath.log(x) - exact) / max(abs(exact), 1)
            worst = max(worst, error)
        }
        #expect(worst < 1e-15, "worst error \(worst)")
        for x in [1.0, 2.0, 0.5, 0x1p-52, 1.414_213_562_373_095_1, 1.414_213_562_373_095_2, 1e300, 1e-300] {
            #expect(abs(FastMath.log(x) - Foundation.log(x)) <= 1e-15 * max(1, abs(Foundation.log(x))), "\(x)")
        }
    }

    @Test("sin and cos of 2πu agree with Foundation to 1e-15")
    func sinCosAccuracy() {
        var stream = PhiloxStream(generator: Philox4x32(seed: 2, domain: 1), item: 0, purpose: .testing)
        var worst = 0.0
        var samples = (0..<200_000).map { _ in stream.uniform() }
        samples += [0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875, 1 - 0x1p-53, 0x1p-53]
        for u in samples {
            let (s, c) = FastMath.sinCosTurn(u)
            // Reference on the reduced turn v = u − round(u) ∈ [−½, ½] (exact), so that rounding
            // 2π·v costs at most π·2⁻⁵³ in the reference itself.
            let v = u - u.rounded()
            worst = max(worst, abs(s - sin(2 * .pi * v)), abs(c - cos(2 * .pi * v)))
        }
        #expect(worst < 1e-15, "worst error \(worst)")
    }

    @Test("the eight-lane log, sin/cos and paired Box–Muller give the four-lane bits exactly")
    func eightLanesMatchFourLanes() {
        var stream = PhiloxStream(generator: Philox4x32(seed: 3, domain: 1), item: 0, purpose: .testing)
        for round in 0..<20_000 {
            let u = (0..<16).map { _ in round < 10_000 ? stream.uniform() : exp(60 * (stream.uniform() - 0.5)) }
            let a = SIMD4(u[0], u[1], u[2], u[3]), b = SIMD4(u[4], u[5], u[6], u[7])
            let c = SIMD4(u[8], u[9], u[10], u[11]).replacing(with: 0.5, where: SIMD4(u[8], u[9], u[10], u[11]) .>= 1)
            let d = SIMD4(u[12], u[13], u[14], u[15]).replacing(with: 0.25, where: SIMD4(u[12], u[13], u[14], u[15]) .>= 1)
            let log8 = FastMath.log(SIMD8(lowHalf: a, highHalf: b))
            #expect(log8.lowHalf == FastMath.log(a) && log8.highHalf == FastMath.log(b))
            let turn8 = FastMath.sinCosTurn(SIMD8(lowHalf: c, highHalf: d))
            let (sc, cc) = FastMath.sinCosTurn(c), (sd, cd) = FastMath.sinCosTurn(d)
            #expect(turn8.sin.lowHalf == sc && turn8.cos.lowHalf == cc && turn8.sin.highHalf == sd && turn8.cos.highHalf == cd)
            if round < 10_000 {
                let pair = FastMath.boxMuller(a, c, b, d)
                let first = FastMath.boxMuller(a, c), second = FastMath.boxMuller(b, d)
                #expect(pair.0 == first.0 && pair.1 == first.1 && pair.2 == second.0 && pair.3 == second.1)
            }
        }
    }

    @Test("xoshiro256+ from state (1, 2, 3, 4) gives the reference outputs")
    func xoshiroKnownAnswer() {
        // Reference: the published algorithm run independently (Python, 64-bit arithmetic).
        var g = Xoshiro256Plus(seed: 0, path: 0)
        g.s0 = 1; g.s1 = 2; g.s2 = 3; g.s3 = 4
        let expected: [UInt64] = [0x5, 0xc00000000007, 0xc00018000007, 0x8001600018040302, 0x8061900024040305, 0xc0617014120f0583]
        #expect((0..<6).map { _ in g.next() } == expected)
    }

    @Test("xoshiro uniforms are strictly inside (0, 1), and paths get different streams")
    func xoshiroUniforms() {
        #expect(Xoshiro256Plus.uniform(0) == 0x1p-53)
        #expect(Xoshiro256Plus.uniform(.max) == 1 - 0x1p-53)
        var a = Xoshiro256Plus(seed: 9, path: 0), b = Xoshiro256Plus(seed: 9, path: 1)
        #expect(a.next() != b.next())
        #expect(Xoshiro256Plus(seed: 9, path: 0) == Xoshiro256Plus(seed: 9, path: 0))
    }

    @Test("Box–Muller on xoshiro uniforms: moments and a Kolmogorov–Smirnov test")
    func normals() {
        var g = Xoshiro256Plus(seed: 4, path: 4)
        var z: [Double] = []
        for _ in 0..<100_000 {
            let (a, b) = FastMath.boxMuller(Xoshiro256Plus.uniform(g.next()), Xoshiro256Plus.uniform(g.next()))
            z += [a, b]
        }
        let n = Double(z.count)
        let mean = z.reduce(0, +) / n
        let variance = z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n
        let kurtosis = z.reduce(0) { $0 + pow($1 - mean, 4) } / n / (variance * variance)
        #expect(abs(mean) < 5 / n.squareRoot())
        #expect(abs(variance - 1) < 5 * (2 / n).squareRoot())
        #expect(abs(kurtosis - 3) < 5 * (24 / n).squareRoot())
        z.sort()
        var d = 0.0
        for (i, x) in z.enumerated() {
            let cdf = 0.5 * erfc(-x / 2.0.squareRoot())
            d = max(d, abs(cdf - Double(i) / n), abs(cdf - Double(i + 1) / n))
        }
        #expect(d < 1.95 / n.squareRoot(), "KS statistic \(d)")
    }
}
