import Foundation

/// Merton jumps: a Poisson number of jumps per unit time, each adding a normal log-return.
public struct MertonJumps: Sendable, Equatable {
    /// Expected number of jumps per year (λ).
    public var intensity: Double
    /// Mean of one jump's log-return (μ_J); negative for crash jumps.
    public var mean: Double
    /// Standard deviation of one jump's log-return (σ_J).
    public var stdev: Double

    public init(intensity: Double, mean: Double, stdev: Double) {
        self.intensity = intensity
        self.mean = mean
        self.stdev = stdev
    }
}

/// Model M0 of the fundamental price: geometric Brownian motion in log space with optional
/// Merton jumps.
///
/// Over a step of length Δt (in years, Δt = step / 365 days):
///
///     ln F(t+Δt) − ln F(t) = (μ − σ²/2)·Δt + σ·√Δt·Z + Σ_{k=1..N} Y_k,
///     Z ~ N(0,1),  N ~ Poisson(λΔt),  Y_k ~ N(μ_J, σ_J²)
///
/// The sum of N normal jumps is drawn as N·μ_J + √N·σ_J·Z′ with one more normal Z′, which has
/// exactly the same distribution. The drift is *not* compensated for jumps in M0: with jumps,
/// E[F(t)] = F(0)·exp((μ + λ(e^{μ_J+σ_J²/2} − 1))·t).
public struct JumpDiffusionModel: Sendable, Equatable {
    /// Annualised drift μ of the diffusion part.
    public var drift: Double
    /// Annualised volatility σ of the diffusion part.
    public var volatility: Double
    /// Optional jumps.
    public var jumps: MertonJumps?

    public init(drift: Double, volatility: Double, jumps: MertonJumps? = nil) {
        self.drift = drift
        self.volatility = volatility
        self.jumps = jumps
    }

    /// The per-step constants for a step of `years` years.
    public func discretised(stepYears years: Double) -> JumpDiffusionStep {
        JumpDiffusionStep(model: self, stepYears: years)
    }
}

/// The constants of ``JumpDiffusionModel`` for one step length, laid out for the hot loop.
public struct JumpDiffusionStep: Sendable {
    /// (μ − σ²/2)·Δt
    public let driftTerm: Double
    /// σ·√Δt
    public let diffusionScale: Double
    /// μ_J and σ_J (zero without jumps).
    public let jumpMean: Double
    public let jumpStdev: Double
    /// P(N = 0) = e^{−λΔt}; 1 without jumps, so a uniform is never above it.
    public let noJumpProbability: Double
    /// Cumulative Poisson probabilities P(N ≤ k), k = 0, 1, …, ending at exactly 1.
    public let poissonCumulative: [Double]

    init(model: JumpDiffusionModel, stepYears dt: Double) {
        driftTerm = (model.drift - 0.5 * model.volatility * model.volatility) * dt
        diffusionScale = model.volatility * dt.squareRoot()
        if let jumps = model.jumps, jumps.intensity > 0 {
            let lambda = jumps.intensity * dt
            var cumulative: [Double] = []
            var term = Foundation.exp(-lambda)
            var total = term
            var k = 0.0
            cumulative.append(total)
            // Stop once the remaining tail is below double resolution; the last entry is 1.
            while 1 - total > 1e-16 && cumulative.count < 400 {
                k += 1
                term *= lambda / k
                total += term
                cumulative.append(min(total, 1))
            }
            cumulative[cumulative.count - 1] = 1
            poissonCumulative = cumulative
            noJumpProbability = cumulative[0]
            jumpMean = jumps.mean
            jumpStdev = jumps.stdev
        } else {
            poissonCumulative = [1]
            noJumpProbability = 1
            jumpMean = 0
            jumpStdev = 0
        }
    }

    /// The number of jumps in a step, by inverting the Poisson CDF at the uniform `u`.
    @inlinable
    public func jumpCount(uniform u: Double) -> Int {
        var n = 0
        while u > poissonCumulative[n] { n += 1 }
        return n
    }

    /// One step's log-return given the diffusion normal `z`, the jump-count uniform `u` and the
    /// jump-size normal `zJump`.
    @inlinable @inline(__always)
    public func logReturn(z: Double, uniform u: Double, zJump: Double) -> Double {
        var r = driftTerm + diffusionScale * z
        if u > noJumpProbability {
            let n = Double(jumpCount(uniform: u))
            r += n * jumpMean + n.squareRoot() * jumpStdev * zJump
        }
        return r
    }
}
