import Foundation

/// Merton jumps: a Poisson number of jumps per unit time, each adding a normal log-return.
public struct MertonJumps: Sendable, Equatable {
    /// Expected number of jumps per year (λ).
    public var intensity: Double
    /// Mean of one jump's log-return (μ_J); negative for crash jumps.
    public var mean: Double
    /// Standard deviation of one jump's log-return (σ_J).
    public var stdev: Double
    /// Whether the drift is compensated for the jumps, so that E[F(t)] = F(0)·e^(μt): the
    /// diffusion drift is lowered by λ(e^(μ_J + σ_J²/2) − 1).
    public var compensated: Bool

    public init(intensity: Double, mean: Double, stdev: Double, compensated: Bool = false) {
        self.intensity = intensity
        self.mean = mean
        self.stdev = stdev
        self.compensated = compensated
    }

    /// λ(e^(μ_J + σ_J²/2) − 1): the expected relative price change per year from jumps.
    public var compensator: Double { intensity * (Foundation.exp(mean + 0.5 * stdev * stdev) - 1) }
}

/// Model M0 of the fundamental price: geometric Brownian motion in log space with optional
/// Merton jumps.
///
/// Over a step of length Δt (in years, Δt = step / 365 days):
///
///     ln F(t+Δt) − ln F(t) = (μ − σ²/2)·Δt + σ·√Δt·Z + Σ_{k=1..N} Y_k,
///     Z ~ N(0,1),  N ~ Poisson(λΔt),  Y_k ~ N(μ_J, σ_J²)
///
/// Jumps arrive as a Poisson process: each path's jump times are the running sums of exponential
/// gaps with mean 1/λ (so the number in a step is exactly Poisson(λΔt)), each jump with its own
/// normal size; see ``JumpClock``. By default the drift is *not* compensated for jumps: then
/// E[F(t)] = F(0)·exp((μ + λ(e^{μ_J+σ_J²/2} − 1))·t); with `jumps.compensated` it is, and
/// E[F(t)] = F(0)·e^(μt).
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
    /// Expected jumps per step, λ·Δt (0 without jumps).
    public let jumpsPerStep: Double
    /// μ_J and σ_J (zero without jumps).
    public let jumpMean: Double
    public let jumpStdev: Double

    init(model: JumpDiffusionModel, stepYears dt: Double) {
        let compensation = model.jumps.map { $0.compensated ? $0.compensator : 0 } ?? 0
        driftTerm = (model.drift - compensation - 0.5 * model.volatility * model.volatility) * dt
        diffusionScale = model.volatility * dt.squareRoot()
        if let jumps = model.jumps, jumps.intensity > 0 {
            jumpsPerStep = jumps.intensity * dt
            jumpMean = jumps.mean
            jumpStdev = jumps.stdev
        } else {
            jumpsPerStep = 0
            jumpMean = 0
            jumpStdev = 0
        }
    }
}
