/// Philox4x32-10, the counter-based random bit generator of Salmon, Moraes, Dror and Shaw,
/// "Parallel Random Numbers: As Easy as 1, 2, 3" (SC '11), as published in Random123.
///
/// A counter-based generator is a pure function `(key, counter) → 128 random bits`. cascade derives
/// the key from the scenario seed and puts *what the numbers are for* in the counter
/// (step, path, purpose), so the variates a path sees do not depend on how paths are split into
/// chunks, on the number of threads, or on the order in which work is done.
///
/// The implementation is checked against Random123's known-answer vectors (`kat_vectors`) in the
/// tests.
public struct Philox4x32: Sendable, Hashable {
    /// The 64-bit key, as two 32-bit words.
    public var key0: UInt32
    public var key1: UInt32

    @inlinable
    public init(key0: UInt32, key1: UInt32) {
        self.key0 = key0
        self.key1 = key1
    }

    /// A key derived from a 64-bit seed and a 64-bit domain tag, so that different uses of the
    /// same scenario seed (price paths, population, …) get unrelated streams.
    @inlinable
    public init(seed: UInt64, domain: UInt64) {
        let mixed = SplitMix64.mix(seed ^ SplitMix64.mix(domain &+ 0x632B_E59B_D9B4_E019))
        self.init(key0: UInt32(truncatingIfNeeded: mixed), key1: UInt32(truncatingIfNeeded: mixed >> 32))
    }

    /// The 128 output bits for one counter value.
    /// - Complexity: 10 rounds of two 32×32→64-bit multiplications; no state, no allocation.
    @inlinable @inline(__always)
    public func block(_ c0: UInt32, _ c1: UInt32, _ c2: UInt32, _ c3: UInt32) -> SIMD4<UInt32> {
        var x0 = c0, x1 = c1, x2 = c2, x3 = c3
        var k0 = key0, k1 = key1
        for round in 0..<10 {
            if round > 0 {
                k0 &+= 0x9E37_79B9
                k1 &+= 0xBB67_AE85
            }
            let p0 = UInt64(0xD251_1F53) &* UInt64(x0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(x2)
            let y0 = UInt32(truncatingIfNeeded: p1 >> 32) ^ x1 ^ k0
            let y1 = UInt32(truncatingIfNeeded: p1)
            let y2 = UInt32(truncatingIfNeeded: p0 >> 32) ^ x3 ^ k1
            let y3 = UInt32(truncatingIfNeeded: p0)
            x0 = y0; x1 = y1; x2 = y2; x3 = y3
        }
        return SIMD4(x0, x1, x2, x3)
    }
}

extension Philox4x32 {
    /// Four blocks at once: lane l is `block(c0[l], c1[l], c2[l], c3[l])`, computed with vector
    /// multiplies (32×32→64-bit products in 64-bit lanes).
    @inlinable @inline(__always)
    public func blocks(_ c0: SIMD4<UInt32>, _ c1: SIMD4<UInt32>, _ c2: SIMD4<UInt32>, _ c3: SIMD4<UInt32>)
        -> (SIMD4<UInt32>, SIMD4<UInt32>, SIMD4<UInt32>, SIMD4<UInt32>) {
        var x0 = SIMD4<UInt64>(truncatingIfNeeded: c0), x1 = SIMD4<UInt64>(truncatingIfNeeded: c1)
        var x2 = SIMD4<UInt64>(truncatingIfNeeded: c2), x3 = SIMD4<UInt64>(truncatingIfNeeded: c3)
        var k0 = UInt64(key0), k1 = UInt64(key1)
        let low32 = SIMD4<UInt64>(repeating: 0xFFFF_FFFF)
        for round in 0..<10 {
            if round > 0 {
                k0 = (k0 &+ 0x9E37_79B9) & 0xFFFF_FFFF
                k1 = (k1 &+ 0xBB67_AE85) & 0xFFFF_FFFF
            }
            let p0 = x0 &* 0xD251_1F53
            let p1 = x2 &* 0xCD9E_8D57
            let y0 = (p1 &>> 32) ^ x1 ^ SIMD4(repeating: k0)
            let y1 = p1 & low32
            let y2 = (p0 &>> 32) ^ x3 ^ SIMD4(repeating: k1)
            let y3 = p0 & low32
            x0 = y0; x1 = y1; x2 = y2; x3 = y3
        }
        return (SIMD4<UInt32>(truncatingIfNeeded: x0), SIMD4<UInt32>(truncatingIfNeeded: x1),
                SIMD4<UInt32>(truncatingIfNeeded: x2), SIMD4<UInt32>(truncatingIfNeeded: x3))
    }
}

/// SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijective 64-bit mixer, used only to turn
/// seeds and tags into keys.
public enum SplitMix64 {
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
