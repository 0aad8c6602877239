import COpenBLAS

/// The normal innovations of all assets for a block of paths, correlated across assets.
///
/// For each asset, each path has its own xoshiro256+ stream (seeded from (seed, asset, path))
/// that gives independent standard normals ε by Box–Muller, two steps per pair. Every
/// `stepsPerBatch` steps the block draws the next batch of ε for all assets, paths and steps as a
/// K × N matrix (N = steps × padded paths) and multiplies it by the lower Cholesky factor L of the
/// correlation matrix with **one** `cblas_dgemm`: Z = L·E, so Cov(Z) = L·Lᵀ = the correlation.
/// With one asset there is nothing to correlate and E is used as it is.
///
/// Every column of the product goes through the same kernel (the padded path count keeps N a
/// multiple of 8), so a path's innovations do not depend on the block it is in.
final class CorrelatedInnovations {
    let assets: Int
    let lanes: Int              // paths per step, padded to a multiple of 8
    let stepsPerBatch: Int
    let cholesky: [Double]?     // row-major K×K, nil for one asset
    let seeds: [UInt64]
    /// ε and Z, each K × (stepsPerBatch·lanes), row-major; 32-byte aligned.
    let independent: UnsafeMutablePointer<Double>
    let correlated: UnsafeMutablePointer<Double>
    /// Per asset, the four xoshiro state words of each lane.
    var state: [LaneBuffer<UInt64>]
    var batchStart = -1
    var first = 0
    var count = 0

    init(assets: Int, capacity: Int, stepsPerBatch: Int = 16, cholesky: [Double]?, seed: UInt64) {
        precondition(stepsPerBatch % 2 == 0)
        self.assets = assets
        self.lanes = max(8, (capacity + 7) & ~7)
        self.stepsPerBatch = stepsPerBatch
        self.cholesky = assets > 1 ? cholesky : nil
        seeds = (0..<assets).map { StreamSeeds.innovation(seed: seed, asset: $0) }
        let size = assets * stepsPerBatch * lanes
        independent = UnsafeMutableRawPointer.allocate(byteCount: size * 8, alignment: 32).bindMemory(to: Double.self, capacity: size)
        independent.initialize(repeating: 0, count: size)
        correlated = UnsafeMutableRawPointer.allocate(byteCount: size * 8, alignment: 32).bindMemory(to: Double.self, capacity: size)
        correlated.initialize(repeating: 0, count: size)
        state = (0..<(4 * assets)).map { _ in LaneBuffer(lanes: capacity, value: 0) }
    }

    deinit {
        independent.deallocate()
        correlated.deallocate()
    }

    func start(paths: Range<Int>) {
        first = paths.lowerBound
        count = paths.count
        batchStart = -1
        for a in 0..<assets {
            for b in 0..<lanes where b < state[4 * a].count {
                let g = Xoshiro256Plus(seed: seeds[a], path: UInt64(first + min(b, max(count - 1, 0))))
                state[4 * a][b] = g.s0; state[4 * a + 1][b] = g.s1; state[4 * a + 2][b] = g.s2; state[4 * a + 3][b] = g.s3
            }
        }
    }

    /// The normals of asset `asset` for step `t` (one per lane; lanes past the block's paths are
    /// padding). Draws the next batch when `t` leaves the current one; steps must not decrease.
    func normals(asset: Int, step t: Int) -> UnsafeMutablePointer<Double> {
        if batchStart < 0 || t >= batchStart + stepsPerBatch {
            batchStart = t - t % stepsPerBatch
            drawBatch()
        }
        let matrix = cholesky == nil ? independent : correlated
        return matrix + (asset * stepsPerBatch + (t - batchStart)) * lanes
    }

    private func drawBatch() {
        let vectors = (count + 3) >> 2
        for a in 0..<assets {
            let s0 = state[4 * a], s1 = state[4 * a + 1], s2 = state[4 * a + 2], s3 = state[4 * a + 3]
            for pair in stride(from: 0, to: stepsPerBatch, by: 2) {
                let even = UnsafeMutableRawPointer(independent + (a * stepsPerBatch + pair) * lanes)
                let odd = UnsafeMutableRawPointer(independent + (a * stepsPerBatch + pair + 1) * lanes)
                for k in 0..<vectors {
                    let (u1, u2) = Xoshiro256Plus.twoUniforms(s0, s1, s2, s3, vector: k)
                    let (z1, z2) = FastMath.boxMuller(u1, u2)
                    even.storeBytes(of: z1, toByteOffset: 32 * k, as: SIMD4<Double>.self)
                    odd.storeBytes(of: z2, toByteOffset: 32 * k, as: SIMD4<Double>.self)
                }
            }
        }
        if let l = cholesky {
            let k = Int32(assets), n = Int32(stepsPerBatch * lanes)
            l.withUnsafeBufferPointer { factor in
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, k, n, k,
                            1, factor.baseAddress, k, independent, n, 0, correlated, n)
            }
        }
    }
}
