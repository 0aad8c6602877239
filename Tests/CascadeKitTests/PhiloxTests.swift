import Testing
@testable import CascadeKit

@Suite("Philox4x32-10")
struct PhiloxTests {
    /// Random123's kat_vectors, lines "philox4x32 10 …": counter (4 words), key (2), expected (4).
    static let knownAnswers: [([UInt32], [UInt32], [UInt32])] = [
        ([0, 0, 0, 0], [0, 0], [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]),
        ([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff],
         [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd]),
        ([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0],
         [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1]),
    ]

    @Test("matches Random123's known-answer vectors", arguments: 0..<3)
    func knownAnswer(_ i: Int) {
        let (counter, key, expected) = Self.knownAnswers[i]
        let output = Philox4x32(key0: key[0], key1: key[1]).block(counter[0], counter[1], counter[2], counter[3])
        #expect([output[0], output[1], output[2], output[3]] == expected)
    }

    @Test("a stream's n-th word does not depend on what was drawn before it")
    func streamIsAFunctionOfPosition() {
        let g = Philox4x32(seed: 42, domain: 9)
        var a = PhiloxStream(generator: g, item: 5, purpose: .testing)
        var b = PhiloxStream(generator: g, item: 5, purpose: .testing)
        let first = (0..<10).map { _ in a.nextWord() }
        _ = (0..<3).map { _ in b.nextWord() }
        let rest = (3..<10).map { _ in b.nextWord() }
        #expect(Array(first[3...]) == rest)
        var other = PhiloxStream(generator: g, item: 6, purpose: .testing)
        #expect(first != (0..<10).map { _ in other.nextWord() })
    }

    @Test("different seeds and domains give different keys")
    func keysDiffer() {
        let keys = Set([Philox4x32(seed: 1, domain: 1), Philox4x32(seed: 2, domain: 1),
                        Philox4x32(seed: 1, domain: 2), Philox4x32(seed: 0, domain: 0)])
        #expect(keys.count == 4)
    }
}

@Suite("Vector Philox and uniforms")
struct VectorPhiloxTests {
    @Test("four-lane blocks equal the scalar blocks lane by lane")
    func lanesMatchScalar() {
        let g = Philox4x32(seed: 123, domain: 4)
        var stream = PhiloxStream(generator: g, item: 0, purpose: .testing)
        for _ in 0..<200 {
            let c = (0..<4).map { _ in SIMD4<UInt32>(stream.nextWord(), stream.nextWord(), stream.nextWord(), stream.nextWord()) }
            let (a, b, d, e) = g.blocks(c[0], c[1], c[2], c[3])
            for lane in 0..<4 {
                let scalar = g.block(c[0][lane], c[1][lane], c[2][lane], c[3][lane])
                #expect(SIMD4(a[lane], b[lane], d[lane], e[lane]) == scalar)
            }
            let u = RandomVariates.uniform52(a, b), v = RandomVariates.uniform32(d)
            for lane in 0..<4 {
                #expect(u[lane] == RandomVariates.uniform52(a[lane], b[lane]))
                #expect(v[lane] == RandomVariates.uniform32(d[lane]))
            }
        }
    }
}
