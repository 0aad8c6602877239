/// A scenario file as written, decoded strictly (unknown keys and wrong types are errors) but not
/// yet range-checked: ``ScenarioValidator`` does that, and ``ScenarioLoader`` turns the result
/// into a ``SimulationConfig``. Every key is documented in ``ScenarioReference`` (docs/scenarios.md).
public struct ScenarioFile: Sendable, Decodable {
    public var name: String
    public var description: String
    public var seed: UInt64
    public var simulation: SimulationSection
    public var market: MarketSection
    public var exchange: ExchangeSection
    public var positions: PositionsSection
    /// Cross-margined accounts (none: every position is isolated).
    public var accounts: AccountsSection?
    /// Impact of every asset without its own `impact`.
    public var impact: ImpactSection?
    /// The mechanism lab's policies and metrics (none: the venue's own, as always).
    public var mechanisms: MechanismsSection?
    public var report: ReportSection
    /// What was reported for the real event the scenario stands for (read by no engine code).
    public var reported: ReportedSection?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, seed, simulation, market, exchange, positions, accounts, impact, mechanisms, report, reported
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.value(String.self, forKey: .name)
        description = try c.optional(String.self, forKey: .description) ?? ""
        seed = try c.value(UInt64.self, forKey: .seed)
        simulation = try c.value(SimulationSection.self, forKey: .simulation)
        market = try c.value(MarketSection.self, forKey: .market)
        exchange = try c.value(ExchangeSection.self, forKey: .exchange)
        positions = try c.value(PositionsSection.self, forKey: .positions)
        accounts = try c.optional(AccountsSection.self, forKey: .accounts)
        impact = try c.optional(ImpactSection.self, forKey: .impact)
        mechanisms = try c.optional(MechanismsSection.self, forKey: .mechanisms)
        report = try c.optional(ReportSection.self, forKey: .report) ?? ReportSection()
        reported = try c.optional(ReportedSection.self, forKey: .reported)
    }
}

/// `simulation:` — how many paths, how long, how fine.
public struct SimulationSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    public var paths: Int
    public var horizon: TimeSpan
    public var step: TimeSpan
    /// Most cascade rounds per step (default 1000).
    public var maxCascadeRounds: Int

    enum CodingKeys: String, CodingKey, CaseIterable { case paths, horizon, step, maxCascadeRounds }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        paths = try c.value(Int.self, forKey: .paths)
        horizon = try c.value(TimeSpan.self, forKey: .horizon)
        step = try c.value(TimeSpan.self, forKey: .step)
        maxCascadeRounds = try c.optional(Int.self, forKey: .maxCascadeRounds) ?? 1000
    }
}

/// `market:` — the assets and the correlation of their innovations.
public struct MarketSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    public var assets: [AssetSection]
    /// K×K correlation matrix of the assets' normal innovations (required for K > 1).
    public var correlation: [[Double]]?

    enum CodingKeys: String, CodingKey, CaseIterable { case assets, correlation }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        assets = try c.value([AssetSection].self, forKey: .assets)
        correlation = try c.optional([[Double]].self, forKey: .correlation)
    }
}

/// `market.assets[i]:` — one asset: price model, optional own impact, stress shocks.
public struct AssetSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    public var symbol: String
    public var price: Double
    public var model: PriceModelSection
    /// This asset's impact (default: the top-level `impact`).
    public var impact: ImpactSection?
    /// Scheduled moves and volatility multipliers.
    public var shocks: [ShockSection]
    /// Which of the preset's tier tables applies: btc, eth or altcoin (default: from the symbol).
    public var tierTable: String?
    /// `linear` or `inverse` (default: inverse where the preset's venue lists the symbol as an
    /// inverse contract — BitMEX XBTUSD, Bybit BTCUSD — else linear).
    public var contract: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case symbol, price, model, impact, shocks, tierTable, contract }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        symbol = try c.value(String.self, forKey: .symbol)
        price = try c.value(Double.self, forKey: .price)
        model = try c.value(PriceModelSection.self, forKey: .model)
        impact = try c.optional(ImpactSection.self, forKey: .impact)
        shocks = try c.optional([ShockSection].self, forKey: .shocks) ?? []
        tierTable = try c.optional(String.self, forKey: .tierTable)
        contract = try c.optional(String.self, forKey: .contract)
    }
}

/// `market.assets[i].model:` — the price process. Which keys apply depends on `type`; a key
/// another type uses is an error naming the keys of this type.
public struct PriceModelSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    /// `gbm`, `studentT`, `garch`, `heston`, `regimeSwitching`, `replay` or `bootstrap`.
    public var type: String
    public var drift: Double
    public var volatility: Double?
    public var jumps: JumpsSection?
    public var degreesOfFreedom: Double?
    // garch
    public var innovations: String?
    public var omega: Double?
    public var alpha: Double?
    public var beta: Double?
    public var longRunVolatility: Double?
    public var persistence: Double?
    public var startVolatility: Double?
    // heston
    public var kappa: Double?
    public var theta: Double?
    public var xi: Double?
    public var rho: Double?
    public var v0: Double?
    // regimeSwitching
    public var regimes: [RegimeSection]?
    /// Row-stochastic transition probabilities over `transitionPeriod` (default one day).
    public var transitions: [[Double]]?
    public var transitionPeriod: TimeSpan?
    public var start: String?
    // replay, bootstrap
    public var file: String?
    public var blockLength: TimeSpan?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case type, drift, volatility, jumps, degreesOfFreedom, innovations, omega, alpha, beta, longRunVolatility,
             persistence, startVolatility, kappa, theta, xi, rho, v0, regimes, transitions, transitionPeriod, start, file, blockLength
    }

    static var expectation: String { "a mapping with a type and that model's keys" }
    static var plural: String { "mappings with a type and that model's keys" }

    /// The keys each model type accepts.
    public static let keysByType: [String: [String]] = [
        "gbm": ["type", "volatility", "drift", "jumps"],
        "studentT": ["type", "volatility", "drift", "degreesOfFreedom", "jumps"],
        "garch": ["type", "drift", "innovations", "degreesOfFreedom", "omega", "alpha", "beta",
                  "longRunVolatility", "persistence", "startVolatility", "jumps"],
        "heston": ["type", "drift", "kappa", "theta", "xi", "rho", "v0"],
        "regimeSwitching": ["type", "regimes", "transitions", "transitionPeriod", "start"],
        "replay": ["type", "file"],
        "bootstrap": ["type", "file", "blockLength"],
    ]
    public static let types = ["gbm", "studentT", "garch", "heston", "regimeSwitching", "replay", "bootstrap"]

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.value(String.self, forKey: .type)
        // Only the keys of this model type are allowed (a key of another type is an error too).
        if let allowed = Self.keysByType[type] {
            try decoder.rejectUnknownKeys(allowed: allowed, owner: "model '\(type)'")
        } else {
            try decoder.rejectUnknownKeys(CodingKeys.self)
        }
        drift = try c.optional(Double.self, forKey: .drift) ?? 0
        volatility = try c.optional(Double.self, forKey: .volatility)
        jumps = try c.optional(JumpsSection.self, forKey: .jumps)
        degreesOfFreedom = try c.optional(Double.self, forKey: .degreesOfFreedom)
        innovations = try c.optional(String.self, forKey: .innovations)
        omega = try c.optional(Double.self, forKey: .omega)
        alpha = try c.optional(Double.self, forKey: .alpha)
        beta = try c.optional(Double.self, forKey: .beta)
        longRunVolatility = try c.optional(Double.self, forKey: .longRunVolatility)
        persistence = try c.optional(Double.self, forKey: .persistence)
        startVolatility = try c.optional(Double.self, forKey: .startVolatility)
        kappa = try c.optional(Double.self, forKey: .kappa)
        theta = try c.optional(Double.self, forKey: .theta)
        xi = try c.optional(Double.self, forKey: .xi)
        rho = try c.optional(Double.self, forKey: .rho)
        v0 = try c.optional(Double.self, forKey: .v0)
        regimes = try c.optional([RegimeSection].self, forKey: .regimes)
        transitions = try c.optional([[Double]].self, forKey: .transitions)
        transitionPeriod = try c.optional(TimeSpan.self, forKey: .transitionPeriod)
        start = try c.optional(String.self, forKey: .start)
        file = try c.optional(String.self, forKey: .file)
        blockLength = try c.optional(TimeSpan.self, forKey: .blockLength)
    }
}

/// `…model.regimes[j]:` — one regime of a regime-switching model.
public struct RegimeSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    public var name: String
    public var volatility: Double
    public var drift: Double
    public var jumps: JumpsSection?

    enum CodingKeys: String, CodingKey, CaseIterable { case name, volatility, drift, jumps }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.value(String.self, forKey: .name)
        volatility = try c.value(Double.self, forKey: .volatility)
        drift = try c.optional(Double.self, forKey: .drift) ?? 0
        jumps = try c.optional(JumpsSection.self, forKey: .jumps)
    }
}

/// `…model.jumps:` — Merton jumps.
public struct JumpsSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    public var intensity: Double
    public var mean: Double
    public var stdev: Double
    /// Compensate the drift for the jumps (default false).
    public var compensated: Bool

    enum CodingKeys: String, CodingKey, CaseIterable { case intensity, mean, stdev, compensated }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        intensity = try c.value(Double.self, forKey: .intensity)
        mean = try c.value(Double.self, forKey: .mean)
        stdev = try c.value(Double.self, forKey: .stdev)
        compensated = try c.optional(Bool.self, forKey: .compensated) ?? false
    }
}

/// `market.assets[i].shocks[j]:` — a scheduled move (`at`, `move`, optional `over`) or a
/// volatility window (`from`, `to`, `volatilityMultiplier`).
public struct ShockSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    public var at: TimeSpan?
    public var move: Double?
    public var over: TimeSpan?
    public var from: TimeSpan?
    public var to: TimeSpan?
    public var volatilityMultiplier: Double?

    enum CodingKeys: String, CodingKey, CaseIterable { case at, move, over, from, to, volatilityMultiplier }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        at = try c.optional(TimeSpan.self, forKey: .at)
        move = try c.optional(Double.self, forKey: .move)
        over = try c.optional(TimeSpan.self, forKey: .over)
        from = try c.optional(TimeSpan.self, forKey: .from)
        to = try c.optional(TimeSpan.self, forKey: .to)
        volatilityMultiplier = try c.optional(Double.self, forKey: .volatilityMultiplier)
    }
}

/// `exchange:` — the venue: a preset (`preset: binance-usdm`) with optional overrides, or model
/// M0's flat maintenance rate and fee.
public struct ExchangeSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    public var preset: String?
    public var maintenanceMarginRate: Double?
    public var liquidationFee: Double?
    /// One number: a fund shared by every asset; a mapping of asset symbols to numbers: one
    /// fund per asset.
    public var insuranceFund: InsuranceFundSection
    public var markPrice: MarkPriceSection?
    /// false switches a preset's partial liquidation off.
    public var partialLiquidation: Bool?
    /// false switches a preset's auto-deleveraging off (uncovered deficits are bad debt).
    public var autoDeleveraging: Bool?
    /// Perpetual funding, paid by the cross accounts (none without it).
    public var funding: FundingSection?
    /// How a liquidatable cross account is closed: `account` or `position` (default: the preset's).
    public var crossLiquidation: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case preset, maintenanceMarginRate, liquidationFee, insuranceFund, markPrice, partialLiquidation, autoDeleveraging, funding,
             crossLiquidation
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        preset = try c.optional(String.self, forKey: .preset)
        maintenanceMarginRate = try c.optional(Double.self, forKey: .maintenanceMarginRate)
        liquidationFee = try c.optional(Double.self, forKey: .liquidationFee)
        insuranceFund = try c.value(InsuranceFundSection.self, forKey: .insuranceFund)
        markPrice = try c.optional(MarkPriceSection.self, forKey: .markPrice)
        partialLiquidation = try c.optional(Bool.self, forKey: .partialLiquidation)
        autoDeleveraging = try c.optional(Bool.self, forKey: .autoDeleveraging)
        funding = try c.optional(FundingSection.self, forKey: .funding)
        crossLiquidation = try c.optional(String.self, forKey: .crossLiquidation)
    }
}

/// `exchange.insuranceFund:` — the starting balance (USD) of one fund that every asset shares
/// (`insuranceFund: 5.0e8`), or of one fund per asset, keyed by the assets' symbols
/// (`insuranceFund: {BTCUSDT: 5.0e8, SOLUSDT: 2.0e7}`): an asset's deficits are then paid only
/// by its own fund, as on venues that keep funds apart (Binance for some contracts, Bybit's
/// isolated pools, dYdX's isolated markets).
public enum InsuranceFundSection: Sendable, Decodable, Equatable, ScenarioValue {
    case shared(Double)
    /// (symbol, starting balance) in the order written.
    case perAsset([Fund])

    public struct Fund: Sendable, Equatable {
        public var symbol: String
        public var amount: Double
    }

    static var expectation: String { "a number (one shared fund) or a mapping of asset symbols to numbers (one fund per asset)" }
    static var plural: String { "numbers or mappings of asset symbols to numbers" }

    public init(from decoder: any Decoder) throws {
        if let mapping = try? decoder.container(keyedBy: AnyCodingKey.self) {
            self = .perAsset(try mapping.allKeys.map { Fund(symbol: $0.stringValue, amount: try mapping.value(Double.self, forKey: $0)) })
        } else {
            self = .shared(try decoder.singleValueContainer().decode(Double.self))
        }
    }

    /// The sum of the starting balances (USD).
    public var total: Double {
        switch self {
        case let .shared(amount): amount
        case let .perAsset(funds): funds.reduce(0) { $0 + $1.amount }
        }
    }
}

/// `exchange.markPrice:` — `type: last` (the traded price) or `type: index` with a `window`.
public struct MarkPriceSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    public var type: String
    public var window: TimeSpan?

    enum CodingKeys: String, CodingKey, CaseIterable { case type, window }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.value(String.self, forKey: .type)
        window = try c.optional(TimeSpan.self, forKey: .window)
    }
}

/// `positions:` — a synthetic population and/or a CSV file of explicit positions.
public struct PositionsSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    /// One synthetic population (a mapping) or one per asset (a list of mappings with `asset`).
    public var synthetic: [SyntheticSection]
    /// Whether `synthetic` was written as a list (for key paths in messages).
    public var syntheticIsList: Bool
    /// Path of a CSV file `side,quantity,entryPrice,leverage[,asset]`, relative to the scenario file.
    public var file: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case synthetic, file }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        // A list or a single mapping: look at the node's kind first, so errors inside either
        // form are reported as they are.
        if c.contains(.synthetic), (try? c.nestedUnkeyedContainer(forKey: .synthetic)) != nil {
            synthetic = try c.value([SyntheticSection].self, forKey: .synthetic)
            syntheticIsList = true
        } else if let one = try c.optional(SyntheticSection.self, forKey: .synthetic, reported: SyntheticPopulations.self) {
            synthetic = [one]
            syntheticIsList = false
        } else {
            synthetic = []
            syntheticIsList = false
        }
        file = try c.optional(String.self, forKey: .file)
    }

    /// The key path of the i-th synthetic population.
    public func syntheticPath(_ i: Int) -> String {
        syntheticIsList ? "positions.synthetic[\(i)]" : "positions.synthetic"
    }
}

/// `positions.synthetic:` — parameters of ``SyntheticPopulation``.
public struct SyntheticSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    /// The asset's symbol (required with several assets).
    public var asset: String?
    public var count: Int
    public var openInterest: Double
    public var longShare: Double
    /// Leverage → weight, as written (keys are text in YAML).
    public var leverageMix: [String: Double]
    public var entrySpread: Double
    public var size: SizeSection

    enum CodingKeys: String, CodingKey, CaseIterable { case asset, count, openInterest, longShare, leverageMix, entrySpread, size }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        asset = try c.optional(String.self, forKey: .asset)
        count = try c.value(Int.self, forKey: .count)
        openInterest = try c.value(Double.self, forKey: .openInterest)
        longShare = try c.value(Double.self, forKey: .longShare)
        leverageMix = try c.value([String: Double].self, forKey: .leverageMix)
        entrySpread = try c.value(Double.self, forKey: .entrySpread)
        size = try c.value(SizeSection.self, forKey: .size)
    }
}

/// `positions.synthetic.size:` — dispersion of position sizes.
public struct SizeSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    /// σ of the log-normal distribution of position notionals.
    public var sigma: Double

    enum CodingKeys: String, CodingKey, CaseIterable { case sigma }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sigma = try c.value(Double.self, forKey: .sigma)
    }
}

/// `impact:` — the price impact of forced flow.
public struct ImpactSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    /// `linear` or `squareRoot`.
    public var model: String
    public var depth: Double
    /// Default 1.
    public var coefficient: Double
    public var recoveryHalfLife: TimeSpan

    enum CodingKeys: String, CodingKey, CaseIterable { case model, depth, coefficient, recoveryHalfLife }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.value(String.self, forKey: .model)
        depth = try c.value(Double.self, forKey: .depth)
        coefficient = try c.optional(Double.self, forKey: .coefficient) ?? 1
        recoveryHalfLife = try c.value(TimeSpan.self, forKey: .recoveryHalfLife)
    }
}

/// `report:` — what to write. Optional; every key has a default.
public struct ReportSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    /// The reports to write (default: all of ``outputNames``).
    public var outputs: [String]
    /// Quantile levels in [0, 1] for summary.csv and timeseries.csv.
    public var quantiles: [Double]
    /// Time between time-series rows (default: one step).
    public var timeseriesInterval: TimeSpan?
    /// Relative accuracy α of the time-series quantile sketch (default 0.001).
    public var timeseriesAccuracy: Double
    /// Confidence level of every interval in the reports (default 0.95).
    public var confidence: Double
    /// Levels of value at risk and expected shortfall in risk.csv (default 0.95, 0.99).
    public var riskLevels: [Double]
    /// Drawdowns whose probability probabilities.csv reports (default 10%, 20%, 30%).
    public var drawdownThresholds: [Double]
    /// Whether to run the no-feedback twin (default true).
    public var twin: Bool

    public static let outputNames = ["summary", "paths", "timeseries", "probabilities", "risk", "cascades", "map", "charts"]
    public static let defaultQuantiles = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]
    public static let defaultRiskLevels = [0.95, 0.99]
    public static let defaultDrawdownThresholds = [0.1, 0.2, 0.3]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case outputs, quantiles, timeseriesInterval, timeseriesAccuracy, confidence, riskLevels, drawdownThresholds, twin
    }

    public init() {
        outputs = Self.outputNames
        quantiles = Self.defaultQuantiles
        timeseriesInterval = nil
        timeseriesAccuracy = 0.001
        confidence = 0.95
        riskLevels = Self.defaultRiskLevels
        drawdownThresholds = Self.defaultDrawdownThresholds
        twin = true
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        outputs = try c.optional([String].self, forKey: .outputs) ?? Self.outputNames
        quantiles = try c.optional([Double].self, forKey: .quantiles) ?? Self.defaultQuantiles
        timeseriesInterval = try c.optional(TimeSpan.self, forKey: .timeseriesInterval)
        timeseriesAccuracy = try c.optional(Double.self, forKey: .timeseriesAccuracy) ?? 0.001
        confidence = try c.optional(Double.self, forKey: .confidence) ?? 0.95
        riskLevels = try c.optional([Double].self, forKey: .riskLevels) ?? Self.defaultRiskLevels
        drawdownThresholds = try c.optional([Double].self, forKey: .drawdownThresholds) ?? Self.defaultDrawdownThresholds
        twin = try c.optional(Bool.self, forKey: .twin) ?? true
    }
}

/// What `positions.synthetic` holds, for messages: one population or a list of them.
enum SyntheticPopulations: ScenarioValue {
    static var expectation: String { "a mapping (keys: \(SyntheticSection.keyList)), or a list of them, one per asset" }
    static var plural: String { "synthetic populations" }
}
