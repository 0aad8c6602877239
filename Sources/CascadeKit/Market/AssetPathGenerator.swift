import Foundation
import CVectorMath

/// The log-returns of one asset for a block of paths, for any ``PriceModel``, given the asset's
/// (correlated) normal innovation of each path and step from ``CorrelatedInnovations``.
///
/// Model-specific randomness — variance shocks, chi-square variates, regime moves, bootstrap
/// blocks, jump counts in regimes — comes from a second xoshiro256+ stream per path and asset
/// (``StreamSeeds/auxiliary(seed:asset:)``), Merton jumps from a ``JumpClock``, so every draw is a
/// fixed function of (seed, asset, path, step). The stress schedule's extra drift and volatility
/// multiplier apply as documented in ``StressSchedule``.
struct AssetPathGenerator {
    let model: PriceModel
    let schedule: StressSchedule
    let stepYears: Double
    let seed: UInt64
    let capacity: Int
    var jumps: JumpClock
    /// Auxiliary stream of each lane. This and the other per-lane arrays have the block's lanes
    /// rounded up to a multiple of four: the vector loops also draw for the padding lanes of the
    /// last vector (seeded like any lane, results ignored), which changes no other lane.
    var aux: [Xoshiro256Plus]
    /// GARCH per-step variance h, or Heston annual variance v, per lane.
    var variance: [Double]
    /// Regime index, or bootstrap position, per lane.
    var regime: [Int]
    var position: [Int]
    var first = 0
    var count = 0

    // Per-model constants.
    let heston: HestonConstants?
    let regimeSteps: [[Double]]     // cumulative per-step transition rows
    let regimePoisson: [[Double]]   // cumulative Poisson probabilities of jump counts per regime

    init(model: PriceModel, schedule: StressSchedule, stepYears: Double, seed: UInt64, asset: Int, capacity: Int) {
        self.model = model
        self.schedule = schedule
        self.stepYears = stepYears
        self.seed = seed
        self.capacity = capacity
        let merton: MertonJumps?
        switch model {
        case let .gbm(m): merton = m.jumps
        case let .studentT(m): merton = m.jumps
        case let .garch(m): merton = m.jumps
        default: merton = nil
        }
        jumps = JumpClock(jumps: merton, stepYears: stepYears, seed: seed, asset: asset, capacity: capacity)
        let lanes = (capacity + 3) & ~3
        aux = Array(repeating: Xoshiro256Plus(seed: 0, path: 0), count: lanes)
        variance = Array(repeating: 0, count: lanes)
        regime = Array(repeating: 0, count: lanes)
        position = Array(repeating: 0, count: lanes)
        if case let .heston(h) = model { heston = HestonConstants(h, dt: stepYears) } else { heston = nil }
        if case let .regimeSwitching(r) = model {
            let perStep = RegimeSwitchingModel.perStepTransitions(r.transitions, periods: stepYears * 365 * 86_400 / r.period)
            regimeSteps = perStep.map { row in var total = 0.0; return row.map { total += $0; return total } }
            regimePoisson = r.regimes.map { PoissonTable.cumulative(mean: ($0.jumps?.intensity ?? 0) * stepYears) }
        } else {
            regimeSteps = []
            regimePoisson = []
        }
        auxSeed = StreamSeeds.auxiliary(seed: seed, asset: asset)
    }

    let auxSeed: UInt64

    mutating func start(paths: Range<Int>) {
        first = paths.lowerBound
        count = paths.count
        jumps.start(paths: paths)
        for b in 0..<((count + 3) & ~3) {
            aux[b] = Xoshiro256Plus(seed: auxSeed, path: UInt64(first + b))
            switch model {
            case let .garch(g): variance[b] = g.startVariance
            case let .heston(h): variance[b] = h.v0
            case let .regimeSwitching(r): regime[b] = r.start
            case .bootstrap:
                position[b] = 0
                regime[b] = 0   // steps left in the current block
            default: break
            }
        }
    }

    @inline(__always)
    mutating func uniform(_ b: Int) -> Double { Xoshiro256Plus.uniform(aux[b].next()) }

    @inline(__always)
    mutating func normal(_ b: Int) -> Double { FastMath.boxMuller(uniform(b), uniform(b)).0 }

    /// ``normal(_:)`` of lanes b..<b+4, with one vector Box–Muller instead of four (the same draws
    /// from each lane's stream, the same bits).
    @inline(__always)
    mutating func normals(_ b: Int) -> SIMD4<Double> {
        var u1 = SIMD4<Double>(), u2 = SIMD4<Double>()
        for k in 0..<4 {
            u1[k] = uniform(b + k)
            u2[k] = uniform(b + k)
        }
        return FastMath.boxMuller(u1, u2).0
    }

    /// ``gamma(_:shape:)`` of lanes b..<b+4: every lane's first candidate from one vector
    /// Box–Muller; a lane whose candidate is rejected (a few percent) goes on alone. Each lane
    /// draws exactly what the one-lane method draws, in the same order, so the results are the same.
    mutating func gammas(_ b: Int, shape a: Double) -> SIMD4<Double> {
        let d = a - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        let x = normals(b)
        var result = SIMD4<Double>()
        for k in 0..<4 {
            let v0 = 1 + c * x[k]
            if v0 > 0 {
                let v = v0 * v0 * v0
                if accepts(candidate: x[k], v: v, uniform: uniform(b + k), d: d) {
                    result[k] = d * v
                    continue
                }
            }
            result[k] = gamma(b + k, shape: a)
        }
        return result
    }

    /// Marsaglia and Tsang's acceptance of the candidate d·v (v = (1 + c·x)³) given the uniform
    /// u, with their squeeze first: u < 1 − 0.0331·x⁴ implies the full test and decides ~98% of
    /// the candidates without its two logarithms.
    @inline(__always)
    func accepts(candidate x: Double, v: Double, uniform u: Double, d: Double) -> Bool {
        let x2 = x * x
        if u < 1 - 0.0331 * (x2 * x2) { return true }
        return Foundation.log(u) < 0.5 * x * x + d - d * v + d * Foundation.log(v)
    }

    /// Gamma(a, 1) for a ≥ 1 by Marsaglia and Tsang's method ("A simple method for generating
    /// gamma variables", 2000).
    mutating func gamma(_ b: Int, shape a: Double) -> Double {
        let d = a - 1.0 / 3, c = 1 / (9 * d).squareRoot()
        while true {
            let x = normal(b)
            let v0 = 1 + c * x
            if v0 <= 0 { continue }
            let v = v0 * v0 * v0
            if accepts(candidate: x, v: v, uniform: uniform(b), d: d) { return d * v }
        }
    }

    /// Writes step `t`'s log-return of each lane into `increment` (the correlated normals of the
    /// step in `normals`).
    mutating func increments(step t: Int, normals z: UnsafeMutablePointer<Double>, into increment: LaneBuffer<Double>) {
        let extra = schedule.extraDrift[t], s = schedule.volatilityScale[t]
        let dt = stepYears
        switch model {
        case let .gbm(m):
            let compensation = m.jumps.map { $0.compensated ? $0.compensator : 0 } ?? 0
            let drift = (m.drift - compensation - 0.5 * s * s * m.volatility * m.volatility) * dt + extra
            let scale = s * m.volatility * dt.squareRoot()
            for b in 0..<count { increment[b] = drift + scale * z[b] }
        case let .studentT(m):
            let nu = m.degreesOfFreedom
            let compensation = m.jumps.map { $0.compensated ? $0.compensator : 0 } ?? 0
            let drift = (m.drift - compensation - 0.5 * s * s * m.volatility * m.volatility) * dt + extra
            let scale = s * m.volatility * dt.squareRoot() * ((nu - 2) / nu).squareRoot()
            // Four lanes at a time (the draws of each lane are those of the one-lane method).
            for b in stride(from: 0, to: count, by: 4) {
                let chiSquare = 2 * gammas(b, shape: nu / 2)
                for k in 0..<4 { increment[b + k] = drift + scale * z[b + k] / (chiSquare[k] / nu).squareRoot() }
            }
        case let .garch(g):
            let tScale = g.degreesOfFreedom.map { (($0 - 2) / $0).squareRoot() }
            // Student-t shocks' gamma variates four lanes at a time (each lane's draws as one at a time).
            var gammaQuad = SIMD4<Double>()
            for b in 0..<count {
                var shock = z[b]
                if let nu = g.degreesOfFreedom, let unit = tScale {
                    if b & 3 == 0 { gammaQuad = gammas(b, shape: nu / 2) }
                    shock = shock / (2 * gammaQuad[b & 3] / nu).squareRoot() * unit
                }
                let h = variance[b]
                let epsilon = s * h.squareRoot() * shock
                increment[b] = g.drift * dt - 0.5 * s * s * h + epsilon + extra
                // Capped (``ModelLimits/garchStepVariance``): a Student-t draw or a large volatility
                // multiplier could otherwise feed the recursion without bound.
                variance[b] = Swift.min(g.omega + g.alpha * epsilon * epsilon + g.beta * h, ModelLimits.garchStepVariance)
            }
        case let .heston(h):
            let c = heston!
            // Four lanes at a time as vectors, with each lane's draws in the one-lane order (the
            // variance shock's normal, then its uniform) and the same operations: the same bits.
            for b in stride(from: 0, to: count, by: 4) {
                let v = SIMD4(variance[b], variance[b + 1], variance[b + 2], variance[b + 3])
                let shocks = normals(b)
                var u = SIMD4<Double>()
                for k in 0..<4 { u[k] = uniform(b + k) }
                let next = c.nextVariances(v, normals: shocks, uniforms: u)
                for k in 0..<4 { variance[b + k] = next[k] }
                let convexity = -0.5 * s * s * (0.5 * v + 0.5 * next) * dt
                let shock = SIMD4(z[b], z[b + 1], z[b + 2], z[b + 3])
                let random = c.k0 + (c.k1 + 0.5 * 0.5 * dt) * v + (c.k2 + 0.5 * 0.5 * dt) * next
                    + cascade_sqrt4(c.k3 * v + c.k4 * next) * shock
                let value = h.drift * dt + convexity + s * random + extra
                for k in 0..<4 { increment[b + k] = value[k] }
            }
        case let .regimeSwitching(r):
            for b in 0..<count {
                let current = r.regimes[regime[b]]
                var value = (current.drift - 0.5 * s * s * current.volatility * current.volatility) * dt
                    + s * current.volatility * dt.squareRoot() * z[b] + extra
                if let j = current.jumps, j.intensity > 0 {
                    let n = PoissonTable.draw(regimePoisson[regime[b]], uniform: uniform(b))
                    if n > 0 { value += Double(n) * j.mean + Double(n).squareRoot() * j.stdev * normal(b) }
                }
                increment[b] = value
                // Move to the next regime by the per-step transition row.
                let u = uniform(b)
                let row = regimeSteps[regime[b]]
                var next = row.count - 1
                for (i, cumulative) in row.enumerated() where u < cumulative { next = i; break }
                regime[b] = next
            }
        case let .replay(data):
            let value = s * data.returns[t] + extra
            for b in 0..<count { increment[b] = value }
        case let .bootstrap(data, blockSteps):
            let n = data.returns.count
            for b in 0..<count {
                if regime[b] == 0 {
                    // A new block: a uniform start, circular.
                    position[b] = min(Int(uniform(b) * Double(n)), n - 1)
                    regime[b] = blockSteps
                }
                increment[b] = s * data.returns[position[b]] + extra
                position[b] = (position[b] + 1) % n
                regime[b] -= 1
            }
        }
        jumps.apply(step: t, logF: increment)
    }
}

/// Andersen's QE constants for one step of a ``HestonModel``.
struct HestonConstants {
    let model: HestonModel
    let dt: Double
    let decay: Double            // e^(−κΔ)
    let k0, k1, k2, k3, k4: Double

    init(_ h: HestonModel, dt: Double) {
        model = h
        self.dt = dt
        decay = Foundation.exp(-h.kappa * dt)
        let gamma1 = 0.5, gamma2 = 0.5
        k0 = -h.rho * h.kappa * h.theta * dt / h.xi
        k1 = gamma1 * dt * (h.kappa * h.rho / h.xi - 0.5) - h.rho / h.xi
        k2 = gamma2 * dt * (h.kappa * h.rho / h.xi - 0.5) + h.rho / h.xi
        k3 = gamma1 * dt * (1 - h.rho * h.rho)
        k4 = gamma2 * dt * (1 - h.rho * h.rho)
    }

    /// The variance after one step from v by the QE scheme (switching at ψ_c = 1.5), for one
    /// lane: the definition that ``nextVariances(_:normals:uniforms:)``, which the engine runs, is
    /// tested bit for bit against.
    func nextVariance(_ v: Double, normal zv: Double, uniform u: Double) -> Double {
        let h = model
        let m = h.theta + (v - h.theta) * decay
        let s2 = v * h.xi * h.xi * decay * (1 - decay) / h.kappa
            + h.theta * h.xi * h.xi * (1 - decay) * (1 - decay) / (2 * h.kappa)
        let psi = s2 / (m * m)
        if psi <= 1.5 {
            let inverse = 2 / psi
            let b2 = inverse - 1 + (inverse * (inverse - 1)).squareRoot()
            let a = m / (1 + b2)
            let x = b2.squareRoot() + zv
            return a * x * x
        } else {
            return exponentialBranch(psi: psi, mean: m, uniform: u)
        }
    }

    /// The QE scheme's draw for ψ > 1.5: zero with probability p, else exponential.
    @inline(__always)
    func exponentialBranch(psi: Double, mean m: Double, uniform u: Double) -> Double {
        let p = (psi - 1) / (psi + 1)
        let beta = (1 - p) / m
        return u <= p ? 0 : Foundation.log((1 - p) / (1 - u)) / beta
    }

    /// ``nextVariance(_:normal:uniform:)`` of four lanes: the quadratic branch as vectors (the
    /// same operations lane by lane, so the same bits), the exponential one lane by lane where ψ > 1.5.
    @inline(__always)
    func nextVariances(_ v: SIMD4<Double>, normals zv: SIMD4<Double>, uniforms u: SIMD4<Double>) -> SIMD4<Double> {
        let h = model
        let m = h.theta + (v - h.theta) * decay
        let s2 = v * h.xi * h.xi * decay * (1 - decay) / h.kappa
            + h.theta * h.xi * h.xi * (1 - decay) * (1 - decay) / (2 * h.kappa)
        let psi = s2 / (m * m)
        let inverse = 2 / psi
        let b2 = inverse - 1 + cascade_sqrt4(inverse * (inverse - 1))
        let a = m / (1 + b2)
        let x = cascade_sqrt4(b2) + zv
        var result = a * x * x
        for k in 0..<4 where !(psi[k] <= 1.5) {
            result[k] = exponentialBranch(psi: psi[k], mean: m[k], uniform: u[k])
        }
        return result
    }
}

/// Cumulative Poisson probabilities for drawing jump counts by inversion.
enum PoissonTable {
    static func cumulative(mean: Double) -> [Double] {
        guard mean > 0 else { return [1] }
        var term = Foundation.exp(-mean), total = term
        var table = [total]
        var k = 0.0
        while 1 - total > 1e-16 && table.count < 400 {
            k += 1
            term *= mean / k
            total += term
            table.append(min(total, 1))
        }
        table[table.count - 1] = 1
        return table
    }

    static func draw(_ table: [Double], uniform u: Double) -> Int {
        var n = 0
        while u > table[n] { n += 1 }
        return n
    }
}

extension RegimeSwitchingModel {
    /// The per-step transition matrix P^t = exp(t · log P) for `periods` t = step / period. Tiny
    /// negative entries from rounding are clipped and rows renormalised;
    /// ``validPerStepTransitions(_:periods:)`` reports a matrix without a valid root.
    static func perStepTransitions(_ p: [[Double]], periods: Double) -> [[Double]] {
        let n = p.count
        var result = matrixExp(matrixLog(p)!.map { $0.map { $0 * periods } })
        for i in 0..<n {
            for j in 0..<n { result[i][j] = max(result[i][j], 0) }
            let total = result[i].reduce(0, +)
            for j in 0..<n { result[i][j] /= total }
        }
        return result
    }

    /// nil if P has a per-step root with non-negative entries (to rounding), else a message.
    static func validPerStepTransitions(_ p: [[Double]], periods: Double) -> String? {
        guard let log = matrixLog(p) else {
            return "has no real logarithm (an eigenvalue is not positive), so no per-step matrix reproduces it; expected regimes that persist over the transition period (for two regimes, leaving probabilities adding up to less than 1), or a shorter transitionPeriod"
        }
        let root = matrixExp(log.map { $0.map { $0 * periods } })
        if let worst = root.flatMap({ $0 }).min(), worst < -1e-9 {
            return "has no per-step root with non-negative probabilities (an entry would be \(worst)); expected a matrix that a continuous-time chain can produce"
        }
        return nil
    }

    /// log P by inverse scaling and squaring: square roots (Denman–Beavers iteration) until P is
    /// close to the identity, the Mercator series there, then multiplied back by 2^k. nil when
    /// the square roots do not converge to a real matrix (a non-positive eigenvalue).
    static func matrixLog(_ p: [[Double]]) -> [[Double]]? {
        let n = p.count
        let identity = (0..<n).map { i in (0..<n).map { j in i == j ? 1.0 : 0.0 } }
        var a = p
        var roots = 0
        func distance(_ m: [[Double]]) -> Double {
            (0..<n).map { i in (0..<n).reduce(0) { $0 + abs(m[i][$1] - identity[i][$1]) } }.max() ?? 0
        }
        while distance(a) > 0.25 {
            guard roots < 40, let root = squareRoot(a) else { return nil }
            a = root
            roots += 1
        }
        var x = a
        for i in 0..<n { x[i][i] -= 1 }                // X = A − I, ‖X‖ ≤ 0.25
        var term = x, result = x
        for k in 2...80 {
            term = multiply(term, x)
            let sign: Double = k % 2 == 0 ? -1 : 1
            for i in 0..<n { for j in 0..<n { result[i][j] += sign * term[i][j] / Double(k) } }
        }
        let scale = Foundation.exp2(Double(roots))
        return result.map { $0.map { $0 * scale } }
    }

    /// The principal square root by the Denman–Beavers iteration, or nil if it fails.
    static func squareRoot(_ a: [[Double]]) -> [[Double]]? {
        let n = a.count
        var y = a
        var z = (0..<n).map { i in (0..<n).map { j in i == j ? 1.0 : 0.0 } }
        for _ in 0..<100 {
            guard let yInverse = inverse(y), let zInverse = inverse(z) else { return nil }
            let nextY = (0..<n).map { i in (0..<n).map { j in 0.5 * (y[i][j] + zInverse[i][j]) } }
            let nextZ = (0..<n).map { i in (0..<n).map { j in 0.5 * (z[i][j] + yInverse[i][j]) } }
            let change = (0..<n).flatMap { i in (0..<n).map { j in abs(nextY[i][j] - y[i][j]) } }.max() ?? 0
            y = nextY
            z = nextZ
            if !(change.isFinite) { return nil }
            if change < 1e-15 { break }
        }
        // A real principal root squares back to A.
        let back = multiply(y, y)
        let error = (0..<n).flatMap { i in (0..<n).map { j in abs(back[i][j] - a[i][j]) } }.max() ?? 0
        return error < 1e-9 ? y : nil
    }

    /// The inverse by Gauss–Jordan elimination with partial pivoting, or nil if singular.
    static func inverse(_ a: [[Double]]) -> [[Double]]? {
        let n = a.count
        var m = a, inv = (0..<n).map { i in (0..<n).map { j in i == j ? 1.0 : 0.0 } }
        for col in 0..<n {
            let pivot = (col..<n).max { abs(m[$0][col]) < abs(m[$1][col]) }!
            guard abs(m[pivot][col]) > 1e-300 else { return nil }
            m.swapAt(col, pivot)
            inv.swapAt(col, pivot)
            let d = m[col][col]
            for j in 0..<n { m[col][j] /= d; inv[col][j] /= d }
            for row in 0..<n where row != col {
                let f = m[row][col]
                if f != 0 {
                    for j in 0..<n { m[row][j] -= f * m[col][j]; inv[row][j] -= f * inv[col][j] }
                }
            }
        }
        return inv
    }

    static func matrixExp(_ a: [[Double]]) -> [[Double]] {
        let n = a.count
        let norm = a.map { $0.reduce(0) { $0 + abs($1) } }.max() ?? 0
        var squarings = 0
        var scaled = a
        if norm > 0.5 {
            squarings = Int(Foundation.log2(norm / 0.5).rounded(.up))
            let factor = Foundation.exp2(-Double(squarings))
            scaled = a.map { $0.map { $0 * factor } }
        }
        var result = (0..<n).map { i in (0..<n).map { j in i == j ? 1.0 : 0.0 } }
        var term = result
        for k in 1...30 {
            term = multiply(term, scaled).map { $0.map { $0 / Double(k) } }
            for i in 0..<n { for j in 0..<n { result[i][j] += term[i][j] } }
        }
        for _ in 0..<squarings { result = multiply(result, result) }
        return result
    }

    static func multiply(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        let n = a.count
        return (0..<n).map { i in (0..<n).map { j in (0..<n).reduce(0.0) { $0 + a[i][$1] * b[$1][j] } } }
    }

    /// The stationary distribution π (π·P = π) of a row-stochastic matrix, by power iteration.
    public static func stationary(_ p: [[Double]]) -> [Double] {
        let n = p.count
        var pi = [Double](repeating: 1 / Double(n), count: n)
        for _ in 0..<100_000 {
            var next = [Double](repeating: 0, count: n)
            for i in 0..<n { for j in 0..<n { next[j] += pi[i] * p[i][j] } }
            let change = zip(next, pi).reduce(0) { $0 + abs($1.0 - $1.1) }
            pi = next
            if change < 1e-15 { break }
        }
        return pi
    }
}
