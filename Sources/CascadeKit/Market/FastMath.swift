import CVectorMath

/// Branch-free transcendental functions for the hot loop, written on `SIMD4<Double>` so that each
/// call computes four lanes with vector instructions (libm calls cannot be vectorised, and the
/// compiler's auto-vectoriser gives up on loops over many arrays). They are built from exact
/// series, so no recalled constants are involved; the tests check them against Foundation
/// (relative error below 1e-15). The scalar forms evaluate one lane of the same code, so scalar
/// and vector results are bit-identical.
public enum FastMath {
    public typealias Vector = SIMD4<Double>
    public typealias Bits = SIMD4<UInt64>

    /// 1.5·2⁵²: adding and subtracting it rounds a double of magnitude below 2⁵¹ to the nearest
    /// integer (round-to-nearest mode), using only additions.
    public static let roundingMagic = 6_755_399_441_055_744.0

    /// `a` where `mask` is set, else `b` (one blend instruction).
    @inlinable @inline(__always)
    public static func select(_ mask: SIMDMask<SIMD4<Int64>>, _ a: Vector, _ b: Vector) -> Vector {
        b.replacing(with: a, where: mask)
    }

    /// The lane-wise minimum (inlined; the standard library's generic `pointwiseMin` is not).
    /// For NaN-free lanes.
    @inlinable @inline(__always)
    public static func minimum(_ a: Vector, _ b: Vector) -> Vector { select(b .< a, b, a) }

    /// The lane-wise maximum, for NaN-free lanes.
    @inlinable @inline(__always)
    public static func maximum(_ a: Vector, _ b: Vector) -> Vector { select(b .> a, b, a) }

    /// x rounded to the nearest integer, for |x| < 2⁵¹.
    @inlinable @inline(__always)
    public static func roundSmall(_ x: Vector) -> Vector { (x + roundingMagic) - roundingMagic }

    /// ⌊x⌋ for |x| < 2⁵¹ (no SSE4.1 `roundpd` needed).
    @inlinable @inline(__always)
    public static func floorSmall(_ x: Vector) -> Vector {
        let r = roundSmall(x)
        return select(r .> x, r - 1, r)
    }

    /// ln(x) for finite x > 0 (normal numbers), four lanes.
    ///
    /// x = 2^e·m with m ∈ [1/√2, √2), ln x = e·ln 2 + 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716,
    /// and atanh(s) = s + s³/3 + … + s²¹/21 (the first omitted term is below 1e-17 relative).
    @inlinable @inline(__always)
    public static func log(_ x: Vector) -> Vector {
        let bits = unsafeBitCast(x, to: Bits.self)
        // The biased exponent as a double by the 2⁵² trick (no int→double conversion), minus 1023.
        var e = unsafeBitCast(Bits(repeating: 0x4330_0000_0000_0000) | ((bits &>> 52) & 0x7FF), to: Vector.self)
            - 4_503_599_627_371_519
        var m = unsafeBitCast((bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000, to: Vector.self)  // [1, 2)
        let large = m .> 1.414_213_562_373_095_1
        m = select(large, m * 0.5, m)
        e = select(large, e + 1, e)
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var p = Vector(repeating: 1.0 / 21)
        p = p * s2 + 1.0 / 19
        p = p * s2 + 1.0 / 17
        p = p * s2 + 1.0 / 15
        p = p * s2 + 1.0 / 13
        p = p * s2 + 1.0 / 11
        p = p * s2 + 1.0 / 9
        p = p * s2 + 1.0 / 7
        p = p * s2 + 1.0 / 5
        p = p * s2 + 1.0 / 3
        p = p * s2 + 1
        // ln 2 split into a high part with trailing zero bits and a low part, so e·ln 2 is exact.
        return e * 0.693_147_180_369_123_816_49 + (2 * s * p + e * 1.908_214_929_270_587_7e-10)
    }

    /// (sin 2πu, cos 2πu) for u ∈ [0, 1), four lanes.
    ///
    /// With v = 4u + ½, q = ⌊v⌋ and r = (v − q − ½)·π/2 ∈ [−π/4, π/4), 2πu = q·π/2 + r (v and q
    /// are exact); sin r and cos r come from their Taylor series to r¹⁷ and r¹⁸, and the quadrant
    /// q mod 4 swaps and negates them.
    @inlinable @inline(__always)
    public static func sinCosTurn(_ u: Vector) -> (sin: Vector, cos: Vector) {
        let v = 4 * u + 0.5
        let q = floorSmall(v)
        let r = (v - q - 0.5) * 1.570_796_326_794_896_6
        let r2 = r * r
        let minusR2 = -r2
        var s = Vector(repeating: 1.0 / 355_687_428_096_000)   // 1/17!
        s = s * minusR2 + 1.0 / 1_307_674_368_000   // 1/15!
        s = s * minusR2 + 1.0 / 6_227_020_800       // 1/13!
        s = s * minusR2 + 1.0 / 39_916_800          // 1/11!
        s = s * minusR2 + 1.0 / 362_880             // 1/9!
        s = s * minusR2 + 1.0 / 5_040               // 1/7!
        s = s * minusR2 + 1.0 / 120                 // 1/5!
        s = s * minusR2 + 1.0 / 6                   // 1/3!
        s = s * minusR2 + 1
        let sinR = r * s
        var c = Vector(repeating: 1.0 / 6_402_373_705_728_000)  // 1/18!
        c = c * minusR2 + 1.0 / 20_922_789_888_000  // 1/16!
        c = c * minusR2 + 1.0 / 87_178_291_200      // 1/14!
        c = c * minusR2 + 1.0 / 479_001_600         // 1/12!
        c = c * minusR2 + 1.0 / 3_628_800           // 1/10!
        c = c * minusR2 + 1.0 / 40_320              // 1/8!
        c = c * minusR2 + 1.0 / 720                 // 1/6!
        c = c * minusR2 + 1.0 / 24                  // 1/4!
        c = c * minusR2 + 0.5                       // 1/2!
        let cosR = 1 - r2 * c
        // q mod 4 in floating point, so the selects stay blends.
        let quadrant = q - 4 * floorSmall(q * 0.25)
        let swap = (quadrant .== 1) .| (quadrant .== 3)
        let sinBase = select(swap, cosR, sinR)
        let cosBase = select(swap, sinR, cosR)
        let sinValue = select(quadrant .>= 2, -sinBase, sinBase)
        let cosValue = select((quadrant .== 1) .| (quadrant .== 2), -cosBase, cosBase)
        return (sinValue, cosValue)
    }

    /// Standard normals from two uniforms on (0, 1) by Box–Muller, four lanes:
    /// ρ = √(−2 ln u₁), returning (ρ cos 2πu₂, ρ sin 2πu₂).
    @inlinable @inline(__always)
    public static func boxMuller(_ u1: Vector, _ u2: Vector) -> (Vector, Vector) {
        let radius = cascade_sqrt4(-2 * log(u1))
        let (s, c) = sinCosTurn(u2)
        return (radius * c, radius * s)
    }

    // MARK: Eight lanes (two vectors side by side)

    /// Box–Muller on two independent vectors: (a₁, a₂, b₁, b₂) exactly as
    /// ``boxMuller(_:_:)-(Vector,Vector)`` gives (a₁, a₂) from (u1a, u2a) and (b₁, b₂) from
    /// (u1b, u2b). The series are long chains of dependent multiply–adds; on eight lanes
    /// (`SIMD8`, two AVX registers) the two chains run side by side and keep the floating-point
    /// units busy where one chain would wait on each result.
    @inlinable @inline(__always)
    public static func boxMuller(_ u1a: Vector, _ u2a: Vector, _ u1b: Vector, _ u2b: Vector)
        -> (Vector, Vector, Vector, Vector) {
        let l = log(SIMD8(lowHalf: u1a, highHalf: u1b))
        let ra = cascade_sqrt4(-2 * l.lowHalf), rb = cascade_sqrt4(-2 * l.highHalf)
        let (sine, cosine) = sinCosTurn(SIMD8(lowHalf: u2a, highHalf: u2b))
        return (ra * cosine.lowHalf, ra * sine.lowHalf, rb * cosine.highHalf, rb * sine.highHalf)
    }

    /// ``log(_:)-(Vector)`` on eight lanes: the same operations in the same order (so the same
    /// bits; a test holds them equal). Swift's generic SIMD code does not compile to vector
    /// instructions, hence the second copy on the concrete type.
    @inlinable @inline(__always)
    public static func log(_ x: SIMD8<Double>) -> SIMD8<Double> {
        typealias V = SIMD8<Double>
        let bits = unsafeBitCast(x, to: SIMD8<UInt64>.self)
        var e = unsafeBitCast(SIMD8<UInt64>(repeating: 0x4330_0000_0000_0000) | ((bits &>> 52) & 0x7FF), to: V.self)
            - 4_503_599_627_371_519
        var m = unsafeBitCast((bits & 0x000F_FFFF_FFFF_FFFF) | 0x3FF0_0000_0000_0000, to: V.self)
        let large = m .> 1.414_213_562_373_095_1
        m = m.replacing(with: m * 0.5, where: large)
        e = e.replacing(with: e + 1, where: large)
        let s = (m - 1) / (m + 1)
        let s2 = s * s
        var p = V(repeating: 1.0 / 21)
        p = p * s2 + 1.0 / 19
        p = p * s2 + 1.0 / 17
        p = p * s2 + 1.0 / 15
        p = p * s2 + 1.0 / 13
        p = p * s2 + 1.0 / 11
        p = p * s2 + 1.0 / 9
        p = p * s2 + 1.0 / 7
        p = p * s2 + 1.0 / 5
        p = p * s2 + 1.0 / 3
        p = p * s2 + 1
        return e * 0.693_147_180_369_123_816_49 + (2 * s * p + e * 1.908_214_929_270_587_7e-10)
    }

    /// ``sinCosTurn(_:)-(Vector)`` on eight lanes, the same operations in the same order.
    @inlinable @inline(__always)
    public static func sinCosTurn(_ u: SIMD8<Double>) -> (sin: SIMD8<Double>, cos: SIMD8<Double>) {
        typealias V = SIMD8<Double>
        @inline(__always) func floorSmall(_ x: V) -> V {
            let r = (x + roundingMagic) - roundingMagic
            return r.replacing(with: r - 1, where: r .> x)
        }
        let v = 4 * u + 0.5
        let q = floorSmall(v)
        let r = (v - q - 0.5) * 1.570_796_326_794_896_6
        let r2 = r * r
        let minusR2 = -r2
        var s = V(repeating: 1.0 / 355_687_428_096_000)
        s = s * minusR2 + 1.0 / 1_307_674_368_000
        s = s * minusR2 + 1.0 / 6_227_020_800
        s = s * minusR2 + 1.0 / 39_916_800
        s = s * minusR2 + 1.0 / 362_880
        s = s * minusR2 + 1.0 / 5_040
        s = s * minusR2 + 1.0 / 120
        s = s * minusR2 + 1.0 / 6
        s = s * minusR2 + 1
        let sinR = r * s
        var c = V(repeating: 1.0 / 6_402_373_705_728_000)
        c = c * minusR2 + 1.0 / 20_922_789_888_000
        c = c * minusR2 + 1.0 / 87_178_291_200
        c = c * minusR2 + 1.0 / 479_001_600
        c = c * minusR2 + 1.0 / 3_628_800
        c = c * minusR2 + 1.0 / 40_320
        c = c * minusR2 + 1.0 / 720
        c = c * minusR2 + 1.0 / 24
        c = c * minusR2 + 0.5
        let cosR = 1 - r2 * c
        let quadrant = q - 4 * floorSmall(q * 0.25)
        let swap = (quadrant .== 1) .| (quadrant .== 3)
        let sinBase = sinR.replacing(with: cosR, where: swap)
        let cosBase = cosR.replacing(with: sinR, where: swap)
        return (sinBase.replacing(with: -sinBase, where: quadrant .>= 2),
                cosBase.replacing(with: -cosBase, where: (quadrant .== 1) .| (quadrant .== 2)))
    }

    // MARK: Scalar forms (one lane of the vector code)

    /// ln(x), as lane 0 of ``log(_:)-(Vector)``.
    @inlinable
    public static func log(_ x: Double) -> Double { log(Vector(repeating: x))[0] }

    /// (sin 2πu, cos 2πu), as lane 0 of ``sinCosTurn(_:)-(Vector)``.
    @inlinable
    public static func sinCosTurn(_ u: Double) -> (sin: Double, cos: Double) {
        let (s, c) = sinCosTurn(Vector(repeating: u))
        return (s[0], c[0])
    }

    /// Two standard normals, as lane 0 of ``boxMuller(_:_:)-(Vector,Vector)``.
    @inlinable
    public static func boxMuller(_ u1: Double, _ u2: Double) -> (Double, Double) {
        let (a, b) = boxMuller(Vector(repeating: u1), Vector(repeating: u2))
        return (a[0], b[0])
    }
}
