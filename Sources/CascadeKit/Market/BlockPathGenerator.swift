/// Generates the fundamental log-price of a block of paths, one step at a time, for geometric
/// Brownian motion with Merton jumps — the fast path for a single GBM asset.
///
/// **Diffusion.** Each path has its own ``Xoshiro256Plus`` stream. On even steps the block's
/// streams are advanced twice and Box–Muller turns the two uniforms into two normals: one for this
/// step, one kept for the next (odd) step. The normal of step t of path p is therefore a fixed
/// function of (seed, p, t), whatever block the path is in. The loop works on four paths at a time
/// (`SIMD4`) with the branch-free ``FastMath`` functions.
///
/// **Jumps** come from a ``JumpClock``.
public struct BlockPathGenerator {
    public let step: JumpDiffusionStep
    public let seed: UInt64
    public let capacity: Int
    var jumps: JumpClock

    let s0: LaneBuffer<UInt64>, s1: LaneBuffer<UInt64>, s2: LaneBuffer<UInt64>, s3: LaneBuffer<UInt64>
    let spareNormal: LaneBuffer<Double>
    /// The current even step's normals, from ``drawEvenStep(vectors:)``.
    let normal: LaneBuffer<Double>
    var first = 0
    var count = 0

    public init(model: JumpDiffusionModel, stepYears: Double, seed: UInt64, capacity: Int, asset: Int = 0) {
        self.step = model.discretised(stepYears: stepYears)
        self.seed = StreamSeeds.innovation(seed: seed, asset: asset)
        self.capacity = capacity
        jumps = JumpClock(jumps: model.jumps, stepYears: stepYears, seed: seed, asset: asset, capacity: capacity)
        s0 = LaneBuffer(lanes: capacity, value: 1)
        s1 = LaneBuffer(lanes: capacity, value: 0)
        s2 = LaneBuffer(lanes: capacity, value: 0)
        s3 = LaneBuffer(lanes: capacity, value: 0)
        spareNormal = LaneBuffer(lanes: capacity, value: 0)
        normal = LaneBuffer(lanes: capacity, value: 0)
    }

    /// Starts the paths `paths` (at most `capacity`) at step 0.
    public mutating func start(paths: Range<Int>) {
        precondition(paths.count <= capacity)
        first = paths.lowerBound
        count = paths.count
        for b in 0..<count {
            let g = Xoshiro256Plus(seed: seed, path: UInt64(first + b))
            s0[b] = g.s0; s1[b] = g.s1; s2[b] = g.s2; s3[b] = g.s3
        }
        jumps.start(paths: paths)
    }

    /// The normal z of lanes 4k..<4k+4 on an even step (advancing their streams twice and keeping
    /// the pair's second normal for the next, odd, step).
    @inline(__always)
    func evenStepNormal(vector k: Int) -> SIMD4<Double> {
        let (u1, u2) = Xoshiro256Plus.twoUniforms(s0, s1, s2, s3, vector: k)
        let (z, zNext) = FastMath.boxMuller(u1, u2)
        spareNormal.setVector(k, zNext)
        return z
    }

    /// Draws an even step's normals for the first `vectors` vectors of lanes into ``normal``
    /// (and the next odd step's into the spare), as ``evenStepNormal(vector:)`` would, but two
    /// vectors at a time: Box–Muller is long chains of dependent multiply–adds,
    /// and two independent chains side by side keep the floating-point units busy where one
    /// waits on each result. Same numbers, bit for bit.
    @inline(__always)
    func drawEvenStep(vectors: Int) {
        var k = 0
        while k + 2 <= vectors {
            let (ua1, ua2) = Xoshiro256Plus.twoUniforms(s0, s1, s2, s3, vector: k)
            let (ub1, ub2) = Xoshiro256Plus.twoUniforms(s0, s1, s2, s3, vector: k + 1)
            let (za, za2, zb, zb2) = FastMath.boxMuller(ua1, ua2, ub1, ub2)
            normal.setVector(k, za); spareNormal.setVector(k, za2)
            normal.setVector(k + 1, zb); spareNormal.setVector(k + 1, zb2)
            k += 2
        }
        if k < vectors { normal.setVector(k, evenStepNormal(vector: k)) }
    }

    /// The buffer holding step `t`'s normals: ``normal`` on an even step (once
    /// ``drawEvenStep(vectors:)`` has drawn them), on an odd one the spare the even step before it
    /// kept.
    @inline(__always)
    func normals(step t: Int) -> LaneBuffer<Double> { t & 1 == 0 ? normal : spareNormal }

    /// The diffusion increment `drift + scale·z` of lanes 4k..<4k+4, from their normals in
    /// `normals`: one expression for every caller (this generator and the engine's pass), so that
    /// all of them give the same bits.
    @inline(__always)
    static func diffusion(_ normals: LaneBuffer<Double>, vector k: Int, drift: Double, scale: Double) -> SIMD4<Double> {
        drift + scale * normals.vector(k)
    }

    /// Adds step `t`'s log-return to the first `count` lanes of `logF` (whose padding lanes are
    /// computed too and must be ignored): its jumps first, then the diffusion.
    mutating func advance(step t: Int, logF: LaneBuffer<Double>) {
        jumps.apply(step: t, logF: logF)
        let vectors = (count + 3) >> 2
        let drift = step.driftTerm, scale = step.diffusionScale
        if t & 1 == 0 { drawEvenStep(vectors: vectors) }
        let z = normals(step: t)
        for k in 0..<vectors { logF.setVector(k, logF.vector(k) + Self.diffusion(z, vector: k, drift: drift, scale: scale)) }
    }

    /// The same on a plain buffer of `count` values (for callers outside the engine).
    public mutating func advance(step t: Int, logF: UnsafeMutableBufferPointer<Double>) {
        let lanes = LaneBuffer<Double>(lanes: count, value: 0)
        for b in 0..<count { lanes[b] = logF[b] }
        advance(step: t, logF: lanes)
        for b in 0..<count { logF[b] = lanes[b] }
    }
}

/// Seeds of the per-path streams of each asset and purpose. Asset 0's innovation stream uses the
/// scenario seed itself.
public enum StreamSeeds {
    /// The seed of asset `asset`'s innovation streams (xoshiro256+ per path).
    public static func innovation(seed: UInt64, asset: Int) -> UInt64 {
        asset == 0 ? seed : SplitMix64.mix(seed &+ 0xA076_1D64_78BD_642F &* UInt64(asset))
    }

    /// The seed of asset `asset`'s auxiliary streams (model-specific draws: variance shocks,
    /// chi-square variates, regime moves, bootstrap blocks).
    public static func auxiliary(seed: UInt64, asset: Int) -> UInt64 {
        SplitMix64.mix(seed ^ 0xE703_7ED1_A0B4_28DB &+ UInt64(asset) &* 0x8EBC_6AF0_9C88_C6E3)
    }
}

/// Merton jumps as a Poisson process per path. Each path's jumps come from Philox4x32 with counter
/// (jump index, path, purpose) under a key for (seed, asset): an exponential gap to the next jump
/// (in steps, mean 1/(λΔt)) and a normal size. A jump at time τ (in steps from the start) belongs
/// to step ⌊τ⌋, so the number in a step is exactly Poisson(λΔt). The block keeps its earliest
/// pending jump time, so steps without a jump anywhere in the block cost nothing extra.
struct JumpClock {
    let jumpsPerStep: Double
    let mean: Double
    let stdev: Double
    let generator: Philox4x32
    var nextJumpTime: [Double]
    var jumpIndex: [UInt32]
    var earliest: Double = .infinity
    var first = 0
    var count = 0

    init(jumps: MertonJumps?, stepYears: Double, seed: UInt64, asset: Int, capacity: Int) {
        jumpsPerStep = (jumps?.intensity ?? 0) * stepYears
        mean = jumps?.mean ?? 0
        stdev = jumps?.stdev ?? 0
        generator = Philox4x32(seed: seed, domain: UInt64(RandomPurpose.jumps.rawValue) | (UInt64(asset) << 8))
        nextJumpTime = Array(repeating: .infinity, count: capacity)
        jumpIndex = Array(repeating: 0, count: capacity)
    }

    mutating func start(paths: Range<Int>) {
        first = paths.lowerBound
        count = paths.count
        earliest = .infinity
        for b in 0..<count {
            jumpIndex[b] = 0
            nextJumpTime[b] = jumpsPerStep > 0 ? draw(path: first + b, index: 0).gap : .infinity
            earliest = min(earliest, nextJumpTime[b])
        }
    }

    /// The gap before jump `index` of `path` (in steps) and that jump's log-size.
    @inline(__always)
    func draw(path: Int, index: UInt32) -> (gap: Double, size: Double) {
        let p = UInt64(path)
        let w = generator.block(index, UInt32(truncatingIfNeeded: p), UInt32(truncatingIfNeeded: p >> 32),
                                RandomPurpose.jumps.rawValue)
        let gap = -FastMath.log(RandomVariates.uniform32(w[0])) / jumpsPerStep
        let z = FastMath.boxMuller(RandomVariates.uniform52(w[1], w[2]), RandomVariates.uniform32(w[3])).0
        return (gap, mean + stdev * z)
    }

    /// Adds the jumps that fall in step `t` (times in [t, t + 1)) to `logF` and draws the next
    /// ones. Free when no jump in the block is due.
    @inline(__always)
    mutating func apply(step t: Int, logF: LaneBuffer<Double>) {
        let end = Double(t + 1)
        if earliest < end { apply(before: end, logF: logF) }
    }

    mutating func apply(before end: Double, logF: LaneBuffer<Double>) {
        var next = Double.infinity
        for b in 0..<count {
            while nextJumpTime[b] < end {
                logF[b] += draw(path: first + b, index: jumpIndex[b]).size
                jumpIndex[b] &+= 1
                nextJumpTime[b] += draw(path: first + b, index: jumpIndex[b]).gap
            }
            next = min(next, nextJumpTime[b])
        }
        earliest = next
    }
}
