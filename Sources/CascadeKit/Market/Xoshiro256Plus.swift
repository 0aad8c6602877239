/// xoshiro256+ (Blackman and Vigna, "Scrambled linear pseudorandom number generators", 2021):
/// 256 bits of state, period 2²⁵⁶ − 1, a handful of 64-bit shifts, xors and one add per output.
/// Its lowest bits are weak, so cascade uses only the top 52 bits, as its authors recommend for
/// floating-point output.
///
/// The price paths use one xoshiro256+ stream *per path*, seeded from (scenario seed, path) by
/// SplitMix64 and advanced once per step, so the n-th output of path p is the same whichever
/// block, chunk or thread computes it. The streams of a block are stored as four arrays (struct
/// of arrays) and advanced together in one vectorisable loop.
public struct Xoshiro256Plus: RandomNumberGenerator, Sendable, Equatable {
    public var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// The stream of `path` under `seed`: the state is four successive SplitMix64 outputs from a
    /// start that mixes both, never all zero.
    public init(seed: UInt64, path: UInt64) {
        var x = SplitMix64.mix(seed ^ 0x5851_F42D_4C95_7F2D) ^ SplitMix64.mix(path &+ 0x2545_F491_4F6C_DD1D)
        func next() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            return SplitMix64.mix(x)
        }
        s0 = next(); s1 = next(); s2 = next(); s3 = next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    @inlinable @inline(__always)
    public mutating func next() -> UInt64 {
        let result = s0 &+ s3
        Self.advance(&s0, &s1, &s2, &s3)
        return result
    }

    /// The state transition, shared by the scalar generator and the block loops.
    @inlinable @inline(__always)
    public static func advance(_ s0: inout UInt64, _ s1: inout UInt64, _ s2: inout UInt64, _ s3: inout UInt64) {
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
    }

    /// A uniform on (0, 1) from the top 52 bits of an output: (k + ½)·2⁻⁵², built from the bits
    /// directly (1.m − (1 − 2⁻⁵³), exact), so the conversion vectorises.
    @inlinable @inline(__always)
    public static func uniform(_ output: UInt64) -> Double {
        uniform(SIMD4(repeating: output))[0]
    }

    /// Four uniforms at once; see ``uniform(_:)-(UInt64)``.
    @inlinable @inline(__always)
    public static func uniform(_ output: SIMD4<UInt64>) -> SIMD4<Double> {
        unsafeBitCast(0x3FF0_0000_0000_0000 | (output &>> 12), to: SIMD4<Double>.self) - (1 - 0x1p-53)
    }

    /// The state transition on four streams at once (lanes are independent streams).
    @inlinable @inline(__always)
    public static func advance(_ s0: inout SIMD4<UInt64>, _ s1: inout SIMD4<UInt64>,
                               _ s2: inout SIMD4<UInt64>, _ s3: inout SIMD4<UInt64>) {
        let t = s1 &<< 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 &<< 45) | (s3 &>> 19)
    }
}

extension Xoshiro256Plus {
    /// The uniforms of two successive outputs of the streams in lanes 4k..<4k+4, whose states are
    /// held one word per lane buffer; the streams are advanced past both. The draw of one
    /// Box–Muller pair per lane.
    @inline(__always)
    static func twoUniforms(_ s0: LaneBuffer<UInt64>, _ s1: LaneBuffer<UInt64>, _ s2: LaneBuffer<UInt64>,
                            _ s3: LaneBuffer<UInt64>, vector k: Int) -> (SIMD4<Double>, SIMD4<Double>) {
        var x0 = s0.vector(k), x1 = s1.vector(k), x2 = s2.vector(k), x3 = s3.vector(k)
        let r1 = x0 &+ x3
        advance(&x0, &x1, &x2, &x3)
        let r2 = x0 &+ x3
        advance(&x0, &x1, &x2, &x3)
        s0.setVector(k, x0); s1.setVector(k, x1); s2.setVector(k, x2); s3.setVector(k, x3)
        return (uniform(r1), uniform(r2))
    }
}
