/// Generates the fundamental log-price of a block of paths, one step at a time, for
/// ``JumpDiffusionModel``.
///
/// **Diffusion.** Each path has its own ``Xoshiro256Plus`` stream. On even steps the block's
/// streams are advanced twice and Box–Muller turns the two uniforms into two normals: one for this
/// step, one kept for the next (odd) step. The normal of step t of path p is therefore a fixed
/// function of (seed, p, t). The loop runs over the block's arrays with branch-free
/// ``FastMath`` functions, so it vectorises.
///
/// **Jumps.** Each path's jumps come from Philox4x32 with counter (jump index, path, purpose): an
/// exponential gap to the next jump (in steps, mean 1/(λΔt)) and a normal size. A jump at time
/// τ (in steps from the start) belongs to step ⌊τ⌋. The block keeps the earliest pending jump
/// time, so steps without a jump anywhere in the block cost nothing extra.
public struct BlockPathGenerator: Sendable {
    public let step: JumpDiffusionStep
    public let seed: UInt64
    public let capacity: Int
    let jumpGenerator: Philox4x32

    var s0: [UInt64], s1: [UInt64], s2: [UInt64], s3: [UInt64]
    var spareNormal: [Double]
    var nextJumpTime: [Double]
    var jumpIndex: [UInt32]
    var earliestJump: Double = .infinity
    var first = 0
    var count = 0

    public init(model: JumpDiffusionModel, stepYears: Double, seed: UInt64, capacity: Int) {
        self.step = model.discretised(stepYears: stepYears)
        self.seed = seed
        self.capacity = capacity
        jumpGenerator = Philox4x32(seed: seed, domain: UInt64(RandomPurpose.jumps.rawValue))
        s0 = Array(repeating: 0, count: capacity)
        s1 = s0; s2 = s0; s3 = s0
        spareNormal = Array(repeating: 0, count: capacity)
        nextJumpTime = Array(repeating: .infinity, count: capacity)
        jumpIndex = Array(repeating: 0, count: capacity)
    }

    /// Starts the paths `paths` (at most `capacity`) at step 0.
    public mutating func start(paths: Range<Int>) {
        precondition(paths.count <= capacity)
        first = paths.lowerBound
        count = paths.count
        earliestJump = .infinity
        for b in 0..<count {
            let g = Xoshiro256Plus(seed: seed, path: UInt64(first + b))
            s0[b] = g.s0; s1[b] = g.s1; s2[b] = g.s2; s3[b] = g.s3
            jumpIndex[b] = 0
            nextJumpTime[b] = step.jumpsPerStep > 0 ? drawJump(path: first + b, index: 0).gap : .infinity
            earliestJump = min(earliestJump, nextJumpTime[b])
        }
    }

    /// The gap to jump `index` of `path` (in steps) and that jump's log-size.
    @inline(__always)
    func drawJump(path: Int, index: UInt32) -> (gap: Double, size: Double) {
        let p = UInt64(path)
        let w = jumpGenerator.block(index, UInt32(truncatingIfNeeded: p), UInt32(truncatingIfNeeded: p >> 32),
                                    RandomPurpose.jumps.rawValue)
        let gap = -FastMath.log(RandomVariates.uniform32(w[0])) / step.jumpsPerStep
        let z = FastMath.boxMuller(RandomVariates.uniform52(w[1], w[2]), RandomVariates.uniform32(w[3])).0
        return (gap, step.jumpMean + step.jumpStdev * z)
    }

    /// Adds step `t`'s log-return to `logF[0..<count]`.
    public mutating func advance(step t: Int, logF: UnsafeMutableBufferPointer<Double>) {
        let n = count
        let drift = step.driftTerm, scale = step.diffusionScale
        if t & 1 == 0 {
            s0.withUnsafeMutableBufferPointer { a in
            s1.withUnsafeMutableBufferPointer { b in
            s2.withUnsafeMutableBufferPointer { c in
            s3.withUnsafeMutableBufferPointer { d in
            spareNormal.withUnsafeMutableBufferPointer { spare in
                for i in 0..<n {
                    var x0 = a[i], x1 = b[i], x2 = c[i], x3 = d[i]
                    let r1 = x0 &+ x3
                    Xoshiro256Plus.advance(&x0, &x1, &x2, &x3)
                    let r2 = x0 &+ x3
                    Xoshiro256Plus.advance(&x0, &x1, &x2, &x3)
                    a[i] = x0; b[i] = x1; c[i] = x2; d[i] = x3
                    let (z, zNext) = FastMath.boxMuller(Xoshiro256Plus.uniform(r1), Xoshiro256Plus.uniform(r2))
                    spare[i] = zNext
                    logF[i] += drift + scale * z
                }
            }}}}}
        } else {
            spareNormal.withUnsafeBufferPointer { spare in
                for i in 0..<n { logF[i] += drift + scale * spare[i] }
            }
        }
        let end = Double(t + 1)
        if earliestJump < end { applyJumps(before: end, logF: logF) }
    }

    /// Applies every pending jump with time < `end` and draws the next ones.
    mutating func applyJumps(before end: Double, logF: UnsafeMutableBufferPointer<Double>) {
        var earliest = Double.infinity
        for b in 0..<count {
            while nextJumpTime[b] < end {
                let jump = drawJump(path: first + b, index: jumpIndex[b])
                logF[b] += jump.size
                jumpIndex[b] &+= 1
                nextJumpTime[b] += drawJump(path: first + b, index: jumpIndex[b]).gap
            }
            earliest = min(earliest, nextJumpTime[b])
        }
        earliestJump = earliest
    }
}
