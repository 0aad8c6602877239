/// The price process of one asset: each case is documented in docs/model.md with its formulas.
///
/// All models produce the log-return of the fundamental price over one step; the stress
/// schedule of the asset (``StressSchedule``) then adds its deterministic moves and scales the
/// random part of the return.
public enum PriceModel: Sendable {
    /// Geometric Brownian motion with optional Merton jumps.
    case gbm(JumpDiffusionModel)
    /// Student-t innovations scaled to the target volatility, with optional Merton jumps.
    case studentT(StudentTModel)
    /// GARCH(1,1) volatility clustering with normal or Student-t innovations.
    case garch(GARCHModel)
    /// Heston stochastic volatility, discretised with Andersen's QE scheme.
    case heston(HestonModel)
    /// Markov switching between regimes with their own volatility, drift and jumps.
    case regimeSwitching(RegimeSwitchingModel)
    /// Historical log-returns replayed as they happened (the same path on every path).
    case replay(HistoricalReturns)
    /// Historical log-returns resampled in blocks of consecutive steps.
    case bootstrap(HistoricalReturns, blockSteps: Int)

    /// The model's name in a scenario file.
    public var name: String {
        switch self {
        case .gbm: "gbm"
        case .studentT: "studentT"
        case .garch: "garch"
        case .heston: "heston"
        case .regimeSwitching: "regimeSwitching"
        case .replay: "replay"
        case .bootstrap: "bootstrap"
        }
    }

    /// Whether the model draws a correlated normal innovation per step (the ones correlated
    /// across assets); replay and bootstrap take their returns from data.
    public var usesInnovations: Bool {
        switch self {
        case .replay, .bootstrap: false
        default: true
        }
    }
}

/// Student-t innovations: the log-return is (μ − σ²/2)Δt + σ√Δt·T·√((ν − 2)/ν) with T ~ t_ν, so
/// the innovation has unit variance and the return the target volatility σ, but fat tails
/// (excess kurtosis 6/(ν − 4) for ν > 4). T = Z/√(χ²_ν/ν) with Z the asset's (correlated)
/// normal innovation and χ²_ν = 2·Gamma(ν/2) drawn by Marsaglia and Tsang's method.
public struct StudentTModel: Sendable, Equatable {
    public var drift: Double
    public var volatility: Double
    /// ν > 2.
    public var degreesOfFreedom: Double
    public var jumps: MertonJumps?

    public init(drift: Double, volatility: Double, degreesOfFreedom: Double, jumps: MertonJumps? = nil) {
        self.drift = drift
        self.volatility = volatility
        self.degreesOfFreedom = degreesOfFreedom
        self.jumps = jumps
    }
}

/// GARCH(1,1) on the simulation step: with per-step variance h,
///
///     r_t = μΔt − h_t/2 + ε_t,   ε_t = √h_t·z_t,   h_{t+1} = ω + α·ε_t² + β·h_t
///
/// z_t unit-variance normal or Student-t. The long-run per-step variance is ω/(1 − α − β).
/// Scenario files may give ω, α, β directly (ω as a per-step variance) or the long-run annual
/// volatility, the persistence α + β and α.
public struct GARCHModel: Sendable, Equatable {
    public var drift: Double
    /// ω, α, β of the per-step recursion.
    public var omega: Double
    public var alpha: Double
    public var beta: Double
    /// Per-step variance at the start.
    public var startVariance: Double
    /// nil for normal innovations, else ν > 2 of unit-variance Student-t innovations.
    public var degreesOfFreedom: Double?
    public var jumps: MertonJumps?

    public init(drift: Double, omega: Double, alpha: Double, beta: Double, startVariance: Double,
                degreesOfFreedom: Double? = nil, jumps: MertonJumps? = nil) {
        self.drift = drift
        self.omega = omega
        self.alpha = alpha
        self.beta = beta
        self.startVariance = startVariance
        self.degreesOfFreedom = degreesOfFreedom
        self.jumps = jumps
    }

    /// ω/(1 − α − β), the stationary per-step variance.
    public var longRunVariance: Double { omega / (1 - alpha - beta) }
}

/// Heston stochastic volatility (annualised parameters):
///
///     d ln S = (μ − v/2)dt + √v dW₁,   dv = κ(θ − v)dt + ξ√v dW₂,   d⟨W₁, W₂⟩ = ρ dt
///
/// discretised with Andersen's quadratic-exponential (QE) scheme ("Efficient Simulation of the
/// Heston Stochastic Volatility Model", 2008): v is drawn from a moment-matched quadratic-normal
/// or exponential-mixture law, so it is never negative and its conditional mean and variance
/// are exact at any step length; ln S uses the scheme's central discretisation (γ₁ = γ₂ = ½).
/// QE rather than full-truncation Euler because stress tests use coarse steps and high ξ, where
/// Euler is biased and spends long stretches at v = 0.
public struct HestonModel: Sendable, Equatable {
    public var drift: Double
    /// κ, mean reversion per year.
    public var kappa: Double
    /// θ, long-run variance (annual).
    public var theta: Double
    /// ξ, volatility of variance.
    public var xi: Double
    /// ρ, correlation of the price and variance shocks.
    public var rho: Double
    /// v₀, variance at the start (annual).
    public var v0: Double

    public init(drift: Double, kappa: Double, theta: Double, xi: Double, rho: Double, v0: Double) {
        self.drift = drift
        self.kappa = kappa
        self.theta = theta
        self.xi = xi
        self.rho = rho
        self.v0 = v0
    }
}

/// One regime of a ``RegimeSwitchingModel``.
public struct Regime: Sendable, Equatable {
    public var name: String
    public var drift: Double
    public var volatility: Double
    public var jumps: MertonJumps?

    public init(name: String, drift: Double, volatility: Double, jumps: MertonJumps? = nil) {
        self.name = name
        self.drift = drift
        self.volatility = volatility
        self.jumps = jumps
    }
}

/// Markov regime switching: in regime r the step's log-return is that of GBM with the regime's
/// drift and volatility plus its Poisson jumps; at the end of each step the regime moves by the
/// per-step transition matrix P_step = P^(Δ/T) for the matrix P given over a period T (one day by
/// default), computed as exp((Δ/T)·log P). Not every stochastic matrix has such a root (for two
/// regimes the two leaving probabilities must add up to less than 1); scenarios without one are
/// refused.
public struct RegimeSwitchingModel: Sendable, Equatable {
    public var regimes: [Regime]
    /// Row-stochastic transition probabilities over `period`.
    public var transitions: [[Double]]
    /// Seconds the transition matrix covers.
    public var period: Double
    /// Index of the regime at the start.
    public var start: Int

    public init(regimes: [Regime], transitions: [[Double]], period: Double = 86_400, start: Int) {
        self.regimes = regimes
        self.transitions = transitions
        self.period = period
        self.start = start
    }
}
