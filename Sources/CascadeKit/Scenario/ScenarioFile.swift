/// A scenario file as written, decoded strictly (unknown keys and wrong types are errors) but not
/// yet range-checked: ``ScenarioValidator`` does that, and ``ScenarioLoader`` turns the result
/// into a ``SimulationConfig``. Every key is documented in the README's scenario reference.
public struct ScenarioFile: Sendable, Decodable {
    public var name: String
    public var description: String
    public var seed: UInt64
    public var simulation: SimulationSection
    public var market: MarketSection
    public var exchange: ExchangeSection
    public var positions: PositionsSection
    public var impact: ImpactSection
    public var report: ReportSection

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, description, seed, simulation, market, exchange, positions, impact, report
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        seed = try c.decode(UInt64.self, forKey: .seed)
        simulation = try c.decode(SimulationSection.self, forKey: .simulation)
        market = try c.decode(MarketSection.self, forKey: .market)
        exchange = try c.decode(ExchangeSection.self, forKey: .exchange)
        positions = try c.decode(PositionsSection.self, forKey: .positions)
        impact = try c.decode(ImpactSection.self, forKey: .impact)
        report = try c.decodeIfPresent(ReportSection.self, forKey: .report) ?? ReportSection()
    }
}

/// `simulation:` — how many paths, how long, how fine.
public struct SimulationSection: Sendable, Decodable {
    public var paths: Int
    public var horizon: TimeSpan
    public var step: TimeSpan
    /// Most cascade rounds per step (default 1000).
    public var maxCascadeRounds: Int

    enum CodingKeys: String, CodingKey, CaseIterable { case paths, horizon, step, maxCascadeRounds }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        paths = try c.decode(Int.self, forKey: .paths)
        horizon = try c.decode(TimeSpan.self, forKey: .horizon)
        step = try c.decode(TimeSpan.self, forKey: .step)
        maxCascadeRounds = try c.decodeIfPresent(Int.self, forKey: .maxCascadeRounds) ?? 1000
    }
}

/// `market:` — the assets (one for now).
public struct MarketSection: Sendable, Decodable {
    public var assets: [AssetSection]

    enum CodingKeys: String, CodingKey, CaseIterable { case assets }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        assets = try c.decode([AssetSection].self, forKey: .assets)
    }
}

/// `market.assets[i]:` — one asset and its price model.
public struct AssetSection: Sendable, Decodable {
    public var symbol: String
    public var price: Double
    public var model: PriceModelSection

    enum CodingKeys: String, CodingKey, CaseIterable { case symbol, price, model }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        symbol = try c.decode(String.self, forKey: .symbol)
        price = try c.decode(Double.self, forKey: .price)
        model = try c.decode(PriceModelSection.self, forKey: .model)
    }
}

/// `market.assets[i].model:` — the price process.
public struct PriceModelSection: Sendable, Decodable {
    /// The model's name; `gbm` (geometric Brownian motion, optionally with Merton jumps).
    public var type: String
    public var volatility: Double
    /// Annualised drift (default 0).
    public var drift: Double
    public var jumps: JumpsSection?

    public static let types = ["gbm"]

    enum CodingKeys: String, CodingKey, CaseIterable { case type, volatility, drift, jumps }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = try c.decode(String.self, forKey: .type)
        volatility = try c.decode(Double.self, forKey: .volatility)
        drift = try c.decodeIfPresent(Double.self, forKey: .drift) ?? 0
        jumps = try c.decodeIfPresent(JumpsSection.self, forKey: .jumps)
    }
}

/// `…model.jumps:` — Merton jumps.
public struct JumpsSection: Sendable, Decodable {
    public var intensity: Double
    public var mean: Double
    public var stdev: Double

    enum CodingKeys: String, CodingKey, CaseIterable { case intensity, mean, stdev }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        intensity = try c.decode(Double.self, forKey: .intensity)
        mean = try c.decode(Double.self, forKey: .mean)
        stdev = try c.decode(Double.self, forKey: .stdev)
    }
}

/// `exchange:` — the venue's margin rule (flat in model M0) and insurance fund.
public struct ExchangeSection: Sendable, Decodable {
    public var maintenanceMarginRate: Double
    public var liquidationFee: Double
    public var insuranceFund: Double

    enum CodingKeys: String, CodingKey, CaseIterable { case maintenanceMarginRate, liquidationFee, insuranceFund }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maintenanceMarginRate = try c.decode(Double.self, forKey: .maintenanceMarginRate)
        liquidationFee = try c.decode(Double.self, forKey: .liquidationFee)
        insuranceFund = try c.decode(Double.self, forKey: .insuranceFund)
    }
}

/// `positions:` — a synthetic population and/or a CSV file of explicit positions.
public struct PositionsSection: Sendable, Decodable {
    public var synthetic: SyntheticSection?
    /// Path of a CSV file `side,quantity,entryPrice,leverage`, relative to the scenario file.
    public var file: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case synthetic, file }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        synthetic = try c.decodeIfPresent(SyntheticSection.self, forKey: .synthetic)
        file = try c.decodeIfPresent(String.self, forKey: .file)
    }
}

/// `positions.synthetic:` — parameters of ``SyntheticPopulation``.
public struct SyntheticSection: Sendable, Decodable {
    public var count: Int
    public var openInterest: Double
    public var longShare: Double
    /// Leverage → weight, as written (keys are text in YAML).
    public var leverageMix: [String: Double]
    public var entrySpread: Double
    public var size: SizeSection

    enum CodingKeys: String, CodingKey, CaseIterable { case count, openInterest, longShare, leverageMix, entrySpread, size }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        count = try c.decode(Int.self, forKey: .count)
        openInterest = try c.decode(Double.self, forKey: .openInterest)
        longShare = try c.decode(Double.self, forKey: .longShare)
        leverageMix = try c.decode([String: Double].self, forKey: .leverageMix)
        entrySpread = try c.decode(Double.self, forKey: .entrySpread)
        size = try c.decode(SizeSection.self, forKey: .size)
    }
}

/// `positions.synthetic.size:` — dispersion of position sizes.
public struct SizeSection: Sendable, Decodable {
    /// σ of the log-normal distribution of position notionals.
    public var sigma: Double

    enum CodingKeys: String, CodingKey, CaseIterable { case sigma }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sigma = try c.decode(Double.self, forKey: .sigma)
    }
}

/// `impact:` — the price impact of forced flow.
public struct ImpactSection: Sendable, Decodable {
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
        model = try c.decode(String.self, forKey: .model)
        depth = try c.decode(Double.self, forKey: .depth)
        coefficient = try c.decodeIfPresent(Double.self, forKey: .coefficient) ?? 1
        recoveryHalfLife = try c.decode(TimeSpan.self, forKey: .recoveryHalfLife)
    }
}

/// `report:` — what to write. Optional; every key has a default.
public struct ReportSection: Sendable, Decodable {
    /// The report files to write: `summary`, `paths`, `timeseries` (default: all three).
    public var outputs: [String]
    /// Quantile levels in [0, 1] for summary.csv and timeseries.csv.
    public var quantiles: [Double]
    /// Time between time-series rows (default: one step).
    public var timeseriesInterval: TimeSpan?
    /// Relative accuracy α of the time-series quantiles (default 0.001).
    public var timeseriesAccuracy: Double

    public static let outputNames = ["summary", "paths", "timeseries"]
    public static let defaultQuantiles = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]

    enum CodingKeys: String, CodingKey, CaseIterable { case outputs, quantiles, timeseriesInterval, timeseriesAccuracy }

    public init() {
        outputs = Self.outputNames
        quantiles = Self.defaultQuantiles
        timeseriesInterval = nil
        timeseriesAccuracy = 0.001
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        outputs = try c.decodeIfPresent([String].self, forKey: .outputs) ?? Self.outputNames
        quantiles = try c.decodeIfPresent([Double].self, forKey: .quantiles) ?? Self.defaultQuantiles
        timeseriesInterval = try c.decodeIfPresent(TimeSpan.self, forKey: .timeseriesInterval)
        timeseriesAccuracy = try c.decodeIfPresent(Double.self, forKey: .timeseriesAccuracy) ?? 0.001
    }
}
