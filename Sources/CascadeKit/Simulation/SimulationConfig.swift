/// Everything the engine needs for a run, already validated: the engine never sees a scenario
/// file. Built by ``ScenarioLoader`` or directly (tests, benchmarks).
public struct SimulationConfig: Sendable {
    /// Seed of all random streams.
    public var seed: UInt64
    /// Number of Monte Carlo paths (≥ 1).
    public var paths: Int
    /// Number of steps per path (≥ 1).
    public var steps: Int
    /// Length of one step in seconds.
    public var stepSeconds: Double
    /// Price of the asset at time 0 (fundamental = traded).
    public var initialPrice: Double
    /// Model of the fundamental price.
    public var priceModel: JumpDiffusionModel
    /// Price impact of forced flow.
    public var impact: ImpactModel
    /// Insurance fund at time 0 (USD).
    public var insuranceFund: Double
    /// The position book under the venue's margin rule.
    public var ladder: LiquidationLadder
    /// Most cascade rounds resolved within one step; what is left carries to the next step.
    public var maxCascadeRounds: Int
    /// What the time series records.
    public var timeSeries: TimeSeriesLayout

    public init(
        seed: UInt64, paths: Int, steps: Int, stepSeconds: Double, initialPrice: Double,
        priceModel: JumpDiffusionModel, impact: ImpactModel, insuranceFund: Double,
        ladder: LiquidationLadder, maxCascadeRounds: Int = 1000, timeSeries: TimeSeriesLayout? = nil
    ) {
        self.seed = seed
        self.paths = paths
        self.steps = steps
        self.stepSeconds = stepSeconds
        self.initialPrice = initialPrice
        self.priceModel = priceModel
        self.impact = impact
        self.insuranceFund = insuranceFund
        self.ladder = ladder
        self.maxCascadeRounds = maxCascadeRounds
        self.timeSeries = timeSeries ?? TimeSeriesLayout(steps: steps, stride: 1, relativeAccuracy: 0.001)
    }

    /// One step as a fraction of a year of 365 days: Δt in the price model.
    public var stepYears: Double { stepSeconds / (365 * 86_400) }

    /// The horizon in seconds.
    public var horizonSeconds: Double { Double(steps) * stepSeconds }
}
