/// One asset of a run: its price process, stress schedule, impact and position book.
public struct AssetConfig: Sendable {
    /// The asset's name, e.g. `BTCUSDT`.
    public var symbol: String
    /// Price at time 0 (fundamental = traded).
    public var initialPrice: Double
    /// Model of the fundamental price.
    public var model: PriceModel
    /// Scheduled moves and volatility multipliers (none: every step unchanged).
    public var schedule: StressSchedule?
    /// Price impact of forced flow in this asset (it moves only this asset).
    public var impact: ImpactModel
    /// The positions in this asset under the venue's margin rule.
    public var ladder: LiquidationLadder
    /// Partial liquidation, mark price and deleveraging (default: model M0).
    public var mechanics: LiquidationMechanics
    /// Depth that withdraws under stress (nil: the depth of `impact` throughout).
    public var liquidity: LiquidityWithdrawal? = nil
    /// Linear (USD-margined) or inverse (coin-margined). An inverse asset's ladder holds each
    /// position in its reciprocal form — side −s, quantity Q (contracts of 1 USD), entry 1/E,
    /// margin in the coin (``InverseMarginRule/reciprocalPosition(side:contracts:entryPrice:margin:)``)
    /// — under the reciprocal rule (``InverseMarginRule/reciprocal``): the engine settles it in
    /// the coin in y = 1/P and reports it in USD (docs/venues.md, "Inverse contracts").
    public var contract: ContractType

    public init(symbol: String, initialPrice: Double, model: PriceModel, schedule: StressSchedule? = nil,
                impact: ImpactModel, ladder: LiquidationLadder, mechanics: LiquidationMechanics = .m0,
                contract: ContractType = .linear) {
        self.symbol = symbol
        self.initialPrice = initialPrice
        self.model = model
        self.schedule = schedule
        self.impact = impact
        self.ladder = ladder
        self.mechanics = mechanics
        self.contract = contract
    }

    /// Open notional at entry, both sides (USD): Σ q·E, or for an inverse book Σ Q (its
    /// contracts are worth 1 USD each).
    public var openInterest: Double {
        switch contract {
        case .linear: ladder.openInterest
        case .inverse: ladder.longs.totals(0, ladder.longs.count).quantity + ladder.shorts.totals(0, ladder.shorts.count).quantity
        }
    }
}

/// How a contract's PnL and margin are denominated.
public enum ContractType: String, Sendable, Equatable, CaseIterable {
    /// USD(T)-margined: PnL = s·q·(P − E) in USD, q in units of the asset.
    case linear
    /// Coin-margined: Q contracts of 1 USD, PnL = s·Q·(1/E − 1/P) in the coin (BitMEX XBTUSD,
    /// Bybit BTCUSD, Binance COIN-M).
    case inverse
}

/// How a book's own units — P and USD for a linear book, y = 1/P and the coin for an inverse one
/// held in its reciprocal form (``InverseMarginRule/reciprocal``) — map to what is reported.
extension ContractType {
    /// The positions' own side (0 long, 1 short) of ladder side `s`: an inverse book holds each
    /// position on the side of the opposite name.
    @inlinable @inline(__always)
    public func positionSide(ofLadderSide s: Int) -> Int { self == .inverse ? 1 - s : s }

    /// A price in the book's units, in USD: P, or 1/y.
    @inlinable @inline(__always)
    public func usdPrice(_ x: Double) -> Double { self == .inverse ? 1 / x : x }

    /// The USD notional of quantity `q` at price `x` in the book's units: q·x, or Q (contracts of
    /// 1 USD).
    @inlinable @inline(__always)
    public func usdNotional(_ q: Double, at x: Double) -> Double { self == .inverse ? q : q * x }

    /// An amount in the book's settlement currency at price `x`, in USD: itself, or coin at 1/y.
    @inlinable @inline(__always)
    public func usd(_ amount: Double, at x: Double) -> Double { self == .inverse ? amount / x : amount }
}

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
    /// The assets (at least one).
    public var assets: [AssetConfig]
    /// Lower Cholesky factor (row-major K×K) of the assets' correlation matrix; nil for one asset
    /// or independent assets.
    public var correlationFactor: [Double]?
    /// Insurance fund at time 0 (USD): the one fund all assets share, or the sum of
    /// ``assetFunds``.
    public var insuranceFund: Double
    /// With several assets, each asset's own fund at time 0 (USD, by asset): an asset's deficits
    /// are paid only by its fund. nil: one fund, ``insuranceFund``, shared by all assets.
    public var assetFunds: [Double]? = nil {
        didSet { if let assetFunds { insuranceFund = assetFunds.reduce(0, +) } }
    }
    /// The fraction below its peak the fund may fall before deleveraging (nil: down to zero).
    public var fundDrawdownLimit: Double? = nil
    /// Most cascade rounds resolved within one step; what is left carries to the next step.
    public var maxCascadeRounds: Int
    /// What the time series records.
    public var timeSeries: TimeSeriesLayout
    /// Whether the time series also keeps every path's values, for exact quantiles
    /// (``ExactTimeSeries``); otherwise only the bounded-memory sketch.
    public var exactTimeSeries = false
    /// Whether the run keeps the list of every cascade event (``CascadeEvent``); the per-path
    /// event statistics are kept in any case.
    public var recordCascadeEvents = false
    /// The bins of the liquidation map to keep, if any (``LiquidationMap``).
    public var liquidationMap: LiquidationMapLayout? = nil
    /// The cross-margined accounts (nil: every position is isolated, in the assets' ladders).
    public var crossAccounts: CrossAccountBook? = nil
    /// Perpetual funding, paid by the cross accounts (nil: none).
    public var funding: FundingRule? = nil
    /// How a liquidatable cross account is closed.
    public var crossLiquidation: CrossLiquidation = .account

    /// Whether the run has cross accounts (and reports their columns).
    public var hasAccounts: Bool { crossAccounts != nil }
    /// Whether the run measures the mechanism lab's metrics (a `mechanisms:` section): the
    /// haircut ledger per path and the lab's columns of paths.csv.
    public var measuresMechanisms = false
    /// The backstop vault's capital per path (USD; nil: no vault, the fund books everything).
    public var vaultCapital: Double? = nil

    public init(seed: UInt64, paths: Int, steps: Int, stepSeconds: Double, assets: [AssetConfig],
                correlationFactor: [Double]? = nil, insuranceFund: Double, maxCascadeRounds: Int = 1000,
                timeSeries: TimeSeriesLayout? = nil) {
        precondition(!assets.isEmpty)
        self.seed = seed
        self.paths = paths
        self.steps = steps
        self.stepSeconds = stepSeconds
        self.assets = assets
        self.correlationFactor = correlationFactor
        self.insuranceFund = insuranceFund
        self.maxCascadeRounds = maxCascadeRounds
        self.timeSeries = timeSeries ?? TimeSeriesLayout(steps: steps, stride: 1, relativeAccuracy: 0.001)
    }

    /// One GBM asset (model M0).
    public init(
        seed: UInt64, paths: Int, steps: Int, stepSeconds: Double, initialPrice: Double,
        priceModel: JumpDiffusionModel, impact: ImpactModel, insuranceFund: Double,
        ladder: LiquidationLadder, maxCascadeRounds: Int = 1000, timeSeries: TimeSeriesLayout? = nil
    ) {
        self.init(seed: seed, paths: paths, steps: steps, stepSeconds: stepSeconds,
                  assets: [AssetConfig(symbol: "ASSET", initialPrice: initialPrice, model: .gbm(priceModel),
                                       impact: impact, ladder: ladder)],
                  insuranceFund: insuranceFund, maxCascadeRounds: maxCascadeRounds, timeSeries: timeSeries)
    }

    /// One step as a fraction of a year of 365 days: Δt in the price models.
    public var stepYears: Double { stepSeconds / (365 * 86_400) }

    /// The horizon in seconds.
    public var horizonSeconds: Double { Double(steps) * stepSeconds }

    /// Whether each asset has a fund of its own (``assetFunds``, with more than one asset).
    public var separateFunds: Bool { assetFunds != nil && assets.count > 1 }

    /// The asset symbols, in order.
    public var symbols: [String] { assets.map(\.symbol) }

    /// All positions of all assets.
    public var positionCount: Int { assets.reduce(0) { $0 + $1.ladder.positions.count } }

    /// Total open notional at entry, all assets, both sides (USD).
    public var openInterest: Double { assets.reduce(0) { $0 + $1.openInterest } }
}
