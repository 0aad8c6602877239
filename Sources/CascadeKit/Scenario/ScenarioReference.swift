/// Every key of the scenario format, with its shape, requirement, unit, rules, meaning and an
/// example: the source of docs/scenarios.md and of the JSON Schema (docs/scenario.schema.json).
///
/// Bounds that come from the model's numeric limits are taken from ``ModelLimits``, and the
/// words a key allows from the types that decode them, so the reference cannot drift from them;
/// `ScenarioReferenceTests` checks the rest (each mapping's keys against the decoder's, and each
/// stated bound against ``ScenarioValidator``).
public enum ScenarioReference {
    typealias K = ScenarioKey
    typealias Bounds = ScenarioKey.Bounds

    /// The keys at the top level of a scenario file.
    public static let root: [ScenarioKey] = [
        K("name", .text, .required, rules: "has a visible character (not only whitespace)",
          meaning: "the scenario's name, shown in reports", example: "flash-crash"),
        K("description", .text, .optional(default: "empty"), meaning: "free text, shown in reports",
          example: "'BTC perpetual on a crash-prone day'"),
        K("seed", .whole(.closed(0, Double(UInt64.max))), .required,
          meaning: "seed of every random stream (paths and synthetic positions): the same seed gives the same bytes", example: "20251010"),
        K("simulation", .section(simulation), .required, meaning: "how many paths, how long, how fine", example: "{paths: 1000, horizon: 1d, step: 1m}"),
        K("market", .section(market), .required, meaning: "the assets, their price models and shocks",
          example: "{assets: [{symbol: BTCUSDT, price: 60000, model: {type: gbm, volatility: 0.8}}]}"),
        K("exchange", .section(exchange), .required, meaning: "the venue's rules: a preset or flat rules, and the insurance fund",
          example: "{preset: binance-usdm, insuranceFund: 1.0e9}"),
        K("positions", .section(positions), .required, meaning: "the isolated positions: a synthetic book and/or a CSV file",
          example: "{synthetic: {count: 10000, openInterest: 1.0e9, longShare: 0.6, leverageMix: {5: 0.5, 20: 0.5}, entrySpread: 0.05, size: {sigma: 1}}}"),
        K("accounts", .section(accounts), .optional(default: nil),
          rules: "one shared insurance fund and linear contracts only",
          meaning: "cross-margined accounts (docs/model.md, \"Cross accounts\")",
          example: "{synthetic: {count: 20000, openInterest: 2.0e9, entrySpread: 0.03, size: {sigma: 1}, types: {directional: {share: 1, leverage: 10}}}}"),
        K("impact", .section(impact), .conditional("unless every asset has its own"),
          meaning: "the price impact of forced flow, for every asset without its own", example: "{model: squareRoot, depth: 5.0e7, recoveryHalfLife: 10m}"),
        K("mechanisms", .section(mechanisms), .optional(default: "the venue's own mechanisms"),
          meaning: "the mechanism lab (docs/model.md, \"Mechanism lab\"): policies replacing the venue's, and the lab's paths.csv columns",
          example: "{adl: {allocation: pro-rata}}"),
        K("report", .section(report), .optional(default: "every report, the default settings"), meaning: "what to write and how",
          example: "{twin: false}"),
        K("reported", .section(reported), .optional(default: nil),
          meaning: "what was reported for the real event the scenario stands for; no engine code reads it: `cascade run` prints the run's median liquidated notional beside it (docs/scenarios.md, \"Plausibility\")",
          example: "{event: '5 August 2024, all venues', liquidatedNotional: [1.0e9, 1.1e9], longShare: 0.85}"),
    ]

    static let simulation: [ScenarioKey] = [
        K("paths", .whole(Bounds(lower: 1)), .required, rules: "the run's memory estimate must fit the limit (`--memory-limit`)",
          meaning: "Monte Carlo paths", example: "1000"),
        K("horizon", .duration, .required, rules: "> 0s, at most 36500d, a whole number of steps",
          meaning: "simulated time", example: "1d"),
        K("step", .duration, .required, rules: "> 0s and ≤ horizon", meaning: "time step", example: "1m"),
        K("maxCascadeRounds", .whole(Bounds(lower: 1)), .optional(default: "1000"),
          meaning: "most cascade rounds resolved within one step; the rest carries to the next step and is counted in roundCapHits",
          example: "1000"),
    ]

    static let market: [ScenarioKey] = [
        K("assets", .list(.section(asset), atLeast: 1), .required, meaning: "the assets", example: "[{symbol: BTCUSDT, price: 60000, model: {type: gbm, volatility: 0.8}}]"),
        K("correlation", .list(.list(.number(.closed(-1, 1)))), .conditional("with ≥ 2 assets"),
          rules: "K×K for K assets, symmetric, unit diagonal, positive definite",
          meaning: "correlation matrix of the assets' normal innovations, in the order of market.assets", example: "[[1, 0.8], [0.8, 1]]"),
    ]

    static let asset: [ScenarioKey] = [
        K("symbol", .text, .required, rules: "1–32 characters \(ScenarioValidator.symbolCharacters), not starting with '.'; unique",
          meaning: "the asset's name; it names report columns (minTradedPrice.BTCUSDT) and files (price-fan.BTCUSDT.svg)", example: "BTCUSDT"),
        K("price", .number(.closed(ModelLimits.price.lowerBound, ModelLimits.price.upperBound)), .required, unit: "USD",
          meaning: "price at time 0", example: "60000"),
        K("model", .model(model), .required, meaning: "the price model (docs/model.md)", example: "{type: gbm, volatility: 0.8}"),
        K("impact", .section(impact), .optional(default: "the top-level impact"), meaning: "this asset's own impact",
          example: "{model: linear, depth: 2.0e7, recoveryHalfLife: 5m}"),
        K("shocks", .list(.section(shock)), .optional(default: "none"),
          meaning: "scheduled stress shocks, the same on every path: moves and volatility windows", example: "[{at: 2h, move: -0.12, over: 10m}]"),
        K("tierTable", .choice(AssetClass.allCases.map(\.rawValue)),
          .conditional("with a preset, when the symbol is not listed in docs/venues.md (\"Symbols\")"),
          rules: "not for an inverse contract", meaning: "which of the preset's tier tables the asset uses", example: "altcoin"),
        K("contract", .choice(ContractType.allCases.map(\.rawValue)),
          .optional(default: "inverse where the preset's venue lists the symbol as an inverse contract (bitmex XBTUSD, bybit BTCUSD), else linear"),
          rules: "inverse only for a listed inverse contract",
          meaning: "linear (USD-margined) or inverse (coin-margined contracts of 1 USD, docs/venues.md, \"Inverse contracts\")", example: "linear"),
    ]

    /// The keys of every model type; which belong to which type is ``PriceModelSection/keysByType``.
    static let model: [ScenarioKey] = [
        K("type", .choice(PriceModelSection.types), .required, meaning: "the model; a key of another model is an error", example: "garch"),
        K("drift", .number(.symmetric(ModelLimits.drift)), .optional(default: "0"), unit: "per year",
          meaning: "annualised drift μ (not for heston's variance nor regimeSwitching, whose regimes have their own)", example: "0"),
        K("volatility", .number(.nonNegative(atMost: ModelLimits.volatility)), .conditional("gbm, studentT"), unit: "per √year",
          meaning: "annualised volatility σ", example: "0.8"),
        K("jumps", .section(jumps), .optional(default: "none"), meaning: "Merton jumps (gbm, studentT, garch)",
          example: "{intensity: 50, mean: -0.03, stdev: 0.02}"),
        K("degreesOfFreedom", .number(Bounds(lower: 2, lowerExclusive: true)), .conditional("studentT, and garch with innovations: studentT"),
          meaning: "ν of the Student-t innovations, scaled to unit variance", example: "4"),
        K("innovations", .choice(["normal", "studentT"]), .optional(default: "normal"), meaning: "garch: the innovations' law", example: "studentT"),
        K("omega", .number(.positive(atMost: ModelLimits.garchOmega)), .conditional("garch, in the form omega, alpha, beta"),
          unit: "per-step variance", rules: "alpha + beta < 1", meaning: "garch: the constant ω of σ²ₜ = ω + α·ε²ₜ₋₁ + β·σ²ₜ₋₁", example: "1.0e-8"),
        K("alpha", .number(.nonNegative), .conditional("garch"), rules: "alpha + beta < 1; alpha ≤ persistence",
          meaning: "garch: the reaction α", example: "0.1"),
        K("beta", .number(.nonNegative), .conditional("garch, in the form omega, alpha, beta"), rules: "alpha + beta < 1",
          meaning: "garch: the persistence β", example: "0.85"),
        K("longRunVolatility", .number(.positive(atMost: ModelLimits.volatility)), .conditional("garch, in the form longRunVolatility, persistence, alpha"),
          unit: "per √year", rules: "not with omega or beta", meaning: "garch: the stationary volatility", example: "0.6"),
        K("persistence", .number(Bounds(lower: 0, upper: 1, upperExclusive: true)), .conditional("garch, with longRunVolatility"),
          meaning: "garch: α + β", example: "0.97"),
        K("startVolatility", .number(.nonNegative(atMost: ModelLimits.volatility)), .optional(default: "the long-run volatility"),
          unit: "per √year", meaning: "garch: the volatility at time 0", example: "1.5"),
        K("kappa", .number(.closed(ModelLimits.hestonKappa.lowerBound, ModelLimits.hestonKappa.upperBound)), .conditional("heston"),
          unit: "per year", meaning: "heston: the variance's speed of mean reversion κ", example: "5"),
        K("theta", .number(.closed(ModelLimits.hestonTheta.lowerBound, ModelLimits.hestonTheta.upperBound)), .conditional("heston"),
          unit: "annual variance", meaning: "heston: the long-run variance θ", example: "0.36"),
        K("xi", .number(.closed(ModelLimits.hestonXi.lowerBound, ModelLimits.hestonXi.upperBound)), .conditional("heston"),
          meaning: "heston: the volatility of variance ξ", example: "1.2"),
        K("rho", .number(.closed(-1, 1)), .conditional("heston"), meaning: "heston: the correlation of price and variance ρ", example: "-0.5"),
        K("v0", .number(.nonNegative(atMost: ModelLimits.hestonV0)), .conditional("heston"), unit: "annual variance",
          meaning: "heston: the variance at time 0", example: "0.36"),
        K("regimes", .list(.section(regime), atLeast: 1), .conditional("regimeSwitching"), rules: "names unique",
          meaning: "regimeSwitching: the regimes", example: "[{name: calm, volatility: 0.5}, {name: crash, volatility: 2, drift: -5}]"),
        K("transitions", .list(.list(.number(.closed(0, 1)))), .conditional("regimeSwitching"),
          rules: "K×K for K regimes, each row adding up to 1",
          meaning: "regimeSwitching: transition probabilities over transitionPeriod, row = from", example: "[[0.95, 0.05], [0.5, 0.5]]"),
        K("transitionPeriod", .duration, .optional(default: "1d"), rules: "> 0s; between 10⁻⁶ and 10⁶ steps",
          meaning: "regimeSwitching: the time the transition matrix covers", example: "1d"),
        K("start", .text, .conditional("regimeSwitching"), rules: "a regime's name", meaning: "regimeSwitching: the regime at time 0", example: "calm"),
        K("file", .text, .conditional("replay, bootstrap"),
          meaning: "replay, bootstrap: CSV `timestamp,price`, relative to the scenario file (\"Files a scenario reads\")", example: "prices/btc-2025-10-10.csv"),
        K("blockLength", .duration, .conditional("bootstrap"), rules: "> 0s, a whole number of steps",
          meaning: "bootstrap: the length of the blocks of returns drawn", example: "30m"),
    ]

    static let regime: [ScenarioKey] = [
        K("name", .text, .required, rules: "has a visible character; unique", meaning: "the regime's name", example: "crash"),
        K("volatility", .number(.nonNegative(atMost: ModelLimits.volatility)), .required, unit: "per √year", meaning: "annualised volatility", example: "2"),
        K("drift", .number(.symmetric(ModelLimits.drift)), .optional(default: "0"), unit: "per year", meaning: "annualised drift", example: "-5"),
        K("jumps", .section(jumps), .optional(default: "none"), meaning: "Merton jumps in this regime", example: "{intensity: 200, mean: -0.02, stdev: 0.02}"),
    ]

    static let jumps: [ScenarioKey] = [
        K("intensity", .number(.nonNegative), .required, unit: "per year", rules: "at most 50 expected jumps per step",
          meaning: "λ, the expected number of jumps per year", example: "50"),
        K("mean", .number(.symmetric(ModelLimits.jumpSize)), .required, unit: "log return", meaning: "μ_J, the mean log jump", example: "-0.03"),
        K("stdev", .number(.nonNegative(atMost: ModelLimits.jumpSize)), .required, unit: "log return", meaning: "σ_J, the log jumps' standard deviation", example: "0.02"),
        K("compensated", .flag, .optional(default: "false"),
          meaning: "lower the drift by λ(e^(μ_J+σ_J²/2) − 1) so that the expected price grows at the drift", example: "true"),
    ]

    static let shock: [ScenarioKey] = [
        K("at", .duration, .conditional("a move"), rules: "a whole number of steps within the horizon", meaning: "when a move starts", example: "2h"),
        K("move", .number(Bounds(lower: -1, lowerExclusive: true, upper: ModelLimits.move)), .conditional("a move"), unit: "fraction",
          meaning: "the relative move: the price is multiplied by (1 + move), spread evenly over [at, at + over)", example: "-0.12"),
        K("over", .duration, .optional(default: "one step"), rules: "> 0s, a whole number of steps; the move ends within the horizon",
          meaning: "how long a move takes", example: "10m"),
        K("from", .duration, .conditional("a volatility window"), rules: "a whole number of steps within the horizon",
          meaning: "when a volatility window starts", example: "1h"),
        K("to", .duration, .conditional("a volatility window"), rules: "after from, a whole number of steps within the horizon",
          meaning: "when a volatility window ends", example: "3h"),
        K("volatilityMultiplier", .number(.nonNegative(atMost: ModelLimits.volatilityMultiplier)), .conditional("a volatility window"),
          meaning: "multiplies the random part of each return in [from, to) (its convexity term by the square; jumps are not scaled)", example: "4"),
    ]

    static let exchange: [ScenarioKey] = [
        K("preset", .choice(VenuePreset.names), .optional(default: "model M0's flat rules"),
          meaning: "a venue's rulebook: tiers, fee, settlement, partial liquidation, mark price, ADL (docs/venues.md)", example: "binance-usdm"),
        K("maintenanceMarginRate", .number(Bounds(lower: 0, upper: 1, upperExclusive: true)), .conditional("without a preset"), unit: "fraction of notional",
          rules: "not with an inverse contract's own limits", meaning: "flat maintenance-margin rate m; with a preset it replaces the tier table", example: "0.005"),
        K("liquidationFee", .number(Bounds(lower: 0, upper: 1, upperExclusive: true)), .conditional("without a preset"), unit: "fraction of notional",
          meaning: "clearance fee on executed notional, paid to the insurance fund; with a preset it replaces the venue's", example: "0.003"),
        K("insuranceFund", .either([.number(.nonNegative(atMost: ModelLimits.money)),
                                    .table(key: "asset symbol", .number(.nonNegative(atMost: ModelLimits.money)))]), .required, unit: "USD",
          rules: "a mapping names every asset once, and is not allowed with accounts",
          meaning: "the insurance fund at time 0: one number for a fund all assets share, or one fund per asset", example: "{BTCUSDT: 5.0e8, SOLUSDT: 2.0e7}"),
        K("markPrice", .section(markPrice), .optional(default: "the preset's; else last"),
          meaning: "the price liquidations trigger on", example: "{type: index, window: 30s}"),
        K("partialLiquidation", .flag, .optional(default: "the preset's"), rules: "true needs a preset",
          meaning: "false switches the preset's partial liquidation off", example: "false"),
        K("autoDeleveraging", .flag, .optional(default: "the preset's"), rules: "true needs a preset",
          meaning: "false switches the preset's auto-deleveraging off (uncovered deficits become bad debt)", example: "false"),
        K("funding", .section(funding), .optional(default: "none"), rules: "needs accounts",
          meaning: "perpetual funding paid by the cross accounts (docs/model.md, \"Funding\")", example: "{rate: premium}"),
        K("crossLiquidation", .choice(CrossLiquidation.allCases.map(\.rawValue)), .optional(default: "account on bitmex and without a preset, else position"),
          rules: "needs accounts",
          meaning: "how a liquidatable cross account is closed: every position at once, or one at a time, the largest maintenance margin first",
          example: "position"),
    ]

    static let markPrice: [ScenarioKey] = [
        K("type", .choice(["last", "index"]), .required,
          meaning: "last: the traded price; index: the fundamental price plus the basis (impact) averaged over the window", example: "index"),
        K("window", .duration, .optional(default: "0s"), rules: "only with type: index", meaning: "the basis' averaging window", example: "30s"),
    ]

    static let funding: [ScenarioKey] = [
        K("interval", .duration, .conditional("without a preset (presets: 8h, or 1h on hyperliquid and dydx-v4)"),
          rules: "a positive whole number of steps", meaning: "time between payments", example: "8h"),
        K("rate", .either([.number(.closed(-0.1, 0.1)), .choice(["premium"])]), .required, unit: "fraction of position value per interval",
          meaning: "a fixed rate (> 0: longs pay), or premium: the venue formula from the impact basis", example: "0.0001"),
        K("interest", .number(.closed(-0.01, 0.01)), .optional(default: "the preset's; else 0.01% per 8 hours, scaled to the interval"),
          unit: "per interval", rules: "only with rate: premium", meaning: "the premium formula's interest term", example: "0.0001"),
        K("cap", .number(.positive(atMost: 0.1)), .optional(default: "the preset's; else 0.75% per 8 hours, scaled to the interval"),
          unit: "per interval", rules: "only with rate: premium", meaning: "the premium formula's cap", example: "0.0075"),
    ]

    static let positions: [ScenarioKey] = [
        K("synthetic", .either([.section(synthetic), .list(.section(synthetic), atLeast: 1)]), .conditional("synthetic or file, or both"),
          meaning: "a generated book; with several assets a list of them, one per asset (\"Files a scenario reads\")",
          example: "{count: 10000, openInterest: 1.0e9, longShare: 0.6, leverageMix: {5: 0.5, 20: 0.5}, entrySpread: 0.05, size: {sigma: 1}}"),
        K("file", .text, .conditional("synthetic or file, or both"),
          meaning: "CSV of explicit positions, relative to the scenario file (\"Files a scenario reads\")", example: "positions.csv"),
    ]

    static let synthetic: [ScenarioKey] = [
        K("asset", .text, .conditional("with ≥ 2 assets"), rules: "a symbol of market.assets", meaning: "the asset of this book", example: "ETHUSDT"),
        K("count", .whole(.closed(1, Double(ModelLimits.positions))), .required, rules: "≥ 2 with both sides",
          meaning: "number of positions", example: "100000"),
        K("openInterest", .number(.positive(atMost: ModelLimits.money)), .required, unit: "USD",
          meaning: "total entry notional of all positions, longs and shorts together", example: "1.0e10"),
        K("longShare", .number(.closed(0, 1)), .required, unit: "fraction", meaning: "share of the open interest held by longs", example: "0.7"),
        K("leverageMix", .table(key: "leverage", .number(.nonNegative)), .required,
          rules: "leverages ≥ 1 and < 1/m (flat rate) or ≤ the venue's maximum (preset); weights add up to 1",
          meaning: "leverage → weight; under a preset each position's leverage is capped at its tier's maximum", example: "{5: 0.3, 10: 0.5, 50: 0.2}"),
        K("entrySpread", .number(.nonNegative(atMost: 2)), .required, meaning: "σ of ln(entry / price)", example: "0.05"),
        K("size", .section(size), .required, meaning: "dispersion of the position notionals", example: "{sigma: 1.5}"),
    ]

    static let size: [ScenarioKey] = [
        K("sigma", .number(.nonNegative(atMost: 10)), .required, meaning: "σ of the log-normal notionals", example: "1.5"),
    ]

    static let accounts: [ScenarioKey] = [
        K("synthetic", .section(syntheticAccounts), .conditional("synthetic or file, or both"), meaning: "generated cross accounts",
          example: "{count: 20000, openInterest: 2.0e9, entrySpread: 0.03, size: {sigma: 1}, types: {directional: {share: 1, leverage: 10}}}"),
        K("file", .text, .conditional("synthetic or file, or both"), rules: "needs positions.file, whose cross rows are the accounts' positions",
          meaning: "the accounts CSV of wallets, `account,wallet` (USD), relative to the scenario file", example: "wallets.csv"),
    ]

    static let syntheticAccounts: [ScenarioKey] = [
        K("count", .whole(.closed(1, 10_000_000)), .required, meaning: "number of accounts", example: "20000"),
        K("openInterest", .number(.positive(atMost: ModelLimits.money)), .required, unit: "USD",
          meaning: "total entry notional of all the accounts' legs", example: "2.0e9"),
        K("entrySpread", .number(.nonNegative(atMost: 2)), .required, meaning: "σ of ln(entry / price) per leg", example: "0.03"),
        K("size", .section(size), .required, meaning: "dispersion of the account notionals", example: "{sigma: 1}"),
        K("types", .namedTable(CrossAccountPopulation.Kind.allCases.map(\.rawValue), .section(accountType)), .required,
          rules: "at least one; shares add up to 1; hedged needs two assets",
          meaning: "directional (long or short asset 0 and one other asset, 60/40), hedged (long one asset, short another), marketMaker (equal notional in every asset, alternately long and short)",
          example: "{directional: {share: 0.7, leverage: 10, longShare: 0.8}, marketMaker: {share: 0.3, leverage: 3}}"),
    ]

    static let accountType: [ScenarioKey] = [
        K("share", .number(.closed(0, 1)), .required, unit: "fraction", meaning: "share of the open interest (and of the accounts)", example: "0.7"),
        K("leverage", .number(.closed(1, 200)), .required, meaning: "notional / wallet", example: "10"),
        K("longShare", .number(.closed(0, 1)), .optional(default: "0.5"), unit: "fraction", rules: "only for directional accounts",
          meaning: "the fraction of directional accounts that are long", example: "0.8"),
    ]

    static let impact: [ScenarioKey] = [
        K("model", .choice(ImpactModel.Shape.allCases.map(\.rawValue)), .required, meaning: "the shape of impact in the outstanding forced flow",
          example: "squareRoot"),
        K("depth", .number(.positive(atMost: ModelLimits.money)), .required, unit: "USD per 1%",
          meaning: "net flow that moves the price 1% (with coefficient 1)", example: "5.0e7"),
        K("coefficient", .number(.nonNegative), .optional(default: "1"),
          rules: "0 (no impact) or between \(ScenarioValidator.format(ModelLimits.impactCoefficient.lowerBound)) and \(ScenarioValidator.format(ModelLimits.impactCoefficient.upperBound))",
          meaning: "dimensionless scale c of impact", example: "1"),
        K("recoveryHalfLife", .duration, .required, meaning: "half-life of transient impact; 0s: full recovery each step", example: "10m"),
    ]

    static let mechanisms: [ScenarioKey] = [
        K("adl", .section(adl), .optional(default: "the venue's queue"), rules: "needs a preset that auto-deleverages",
          meaning: "who pays for a deleveraging (docs/model.md, \"Mechanism lab: auto-deleveraging policies\")", example: "{allocation: risk-weighted, weight: leverage}"),
        K("disposal", .section(disposal), .optional(default: "immediate"), rules: "linear contracts only",
          meaning: "how forced orders reach the book (docs/model.md, \"Disposal\")", example: "{style: depth-fraction, fraction: 0.25}"),
        K("backstop", .section(backstop), .optional(default: "no vault"), rules: "one shared insurance fund",
          meaning: "a backstop vault in front of the insurance fund (docs/model.md, \"Backstop vault\")", example: "{capital: 3.0e8}"),
        K("liquidity", .section(liquidity), .optional(default: "off"),
          meaning: "depth withdrawn under stress (docs/model.md, \"Liquidity withdrawal\"; the defaults are estimates)", example: "{normalVolatility: 0.5}"),
    ]

    static let adl: [ScenarioKey] = [
        K("allocation", .choice(ADLSection.allocations), .optional(default: "queue"),
          meaning: "queue: the venue's ranked queue; capped-queue: at most cap of a position per deleveraging; pro-rata: every winner the same fraction; risk-weighted: by weight",
          example: "pro-rata"),
        K("weight", .choice(ADLSection.weights.keys.sorted()), .optional(default: "leverage"), rules: "only with allocation: risk-weighted",
          meaning: "risk-weighted's weight per unit of quantity", example: "pnl-percent"),
        K("cap", .number(.positive(atMost: 1)), .conditional("capped-queue"), unit: "fraction", rules: "only with allocation: capped-queue",
          meaning: "the largest fraction of a position one deleveraging takes", example: "0.5"),
        K("severity", .choice(["shortfall", "position"]), .optional(default: "shortfall"),
          meaning: "shortfall: deleverage what the shortfall needs; position: the whole bankrupt quantity, the excess refilling the fund", example: "position"),
    ]

    static let disposal: [ScenarioKey] = [
        K("style", .choice(["immediate", "depth-fraction", "time-sliced"]), .required,
          meaning: "immediate; depth-fraction: at most fraction of the depth per step; time-sliced: 1/k of what the engine holds per step", example: "depth-fraction"),
        K("fraction", .number(.positive(atMost: 1_000_000)), .conditional("depth-fraction"), unit: "of the depth per step",
          rules: "only with style: depth-fraction", meaning: "the share of the book's depth the engine may send per step", example: "0.25"),
        K("window", .duration, .conditional("time-sliced"), rules: "only with style: time-sliced; at least one step, at most 36500d",
          meaning: "the window over which a forced order is sent", example: "10m"),
    ]

    static let backstop: [ScenarioKey] = [
        K("capital", .number(.nonNegative(atMost: ModelLimits.money)), .required, unit: "USD per path",
          meaning: "the vault's capital: it books every liquidation's receipt and the unwind's P&L before the insurance fund", example: "3.0e8"),
    ]

    static let liquidity: [ScenarioKey] = [
        K("normalVolatility", .number(.positive(atMost: ModelLimits.volatility)), .required, unit: "per √year",
          meaning: "σ₀, the volatility at which books are normal", example: "0.5"),
        K("floor", .number(.positive(atMost: 1)), .optional(default: "0.05"), unit: "fraction of the depth", meaning: "the least depth left", example: "0.05"),
        K("volatilitySensitivity", .number(.nonNegative(atMost: 1000)), .optional(default: "0.3"),
          meaning: "a in e^(−a·max(0, σ̂/σ₀ − 1))", example: "0.3"),
        K("drawdownSensitivity", .number(.nonNegative(atMost: 1000)), .optional(default: "1"), meaning: "b in (1 − b·drawdown)", example: "1"),
        K("volatilityWindow", .duration, .optional(default: "15m"), rules: "> 0s", meaning: "the window of the realised volatility σ̂", example: "15m"),
        K("recoveryHalfLife", .duration, .optional(default: "10m"), rules: "> 0s", meaning: "the half-life of the depth's recovery", example: "10m"),
    ]

    static let report: [ScenarioKey] = [
        K("outputs", .list(.choice(ReportSection.outputNames)), .optional(default: "all"),
          meaning: "which reports to write; charts are the SVG charts and report.html", example: "[summary, paths]"),
        K("quantiles", .list(.number(.closed(0, 1))), .optional(default: ReportSection.defaultQuantiles.map { ScenarioValidator.format($0) }.joined(separator: ", ")),
          meaning: "quantile levels of summary.csv, timeseries.csv and the fan charts", example: "[0.05, 0.5, 0.95]"),
        K("timeseriesInterval", .duration, .optional(default: "one step"), rules: "> 0s, a whole number of steps, ≤ horizon",
          meaning: "time between rows of timeseries.csv", example: "5m"),
        K("timeseriesAccuracy", .number(.closed(1e-5, 0.1)), .optional(default: "0.001"),
          meaning: "relative accuracy α of the time-series quantile sketch, when the run is too large for exact quantiles", example: "0.001"),
        K("confidence", .number(.closed(0.5, 0.9999)), .optional(default: "0.95"), meaning: "confidence level of every interval in the reports", example: "0.99"),
        K("riskLevels", .list(.number(Bounds(lower: 0, lowerExclusive: true, upper: 1, upperExclusive: true))),
          .optional(default: ReportSection.defaultRiskLevels.map { ScenarioValidator.format($0) }.joined(separator: ", ")),
          meaning: "levels of value at risk and expected shortfall in risk.csv", example: "[0.95, 0.99]"),
        K("drawdownThresholds", .list(.number(Bounds(lower: 0, lowerExclusive: true, upper: 1, upperExclusive: true))),
          .optional(default: ReportSection.defaultDrawdownThresholds.map { ScenarioValidator.format($0) }.joined(separator: ", ")),
          unit: "fraction", meaning: "drawdowns whose probability probabilities.csv reports", example: "[0.1, 0.2, 0.3]"),
        K("twin", .flag, .optional(default: "true"),
          meaning: "run the no-feedback twin (same draws, impact off) for the anatomy columns; it doubles the simulation time", example: "false"),
    ]

    static let reported: [ScenarioKey] = [
        K("event", .text, .required, rules: "has a visible character", meaning: "the event and the scope the scenario models",
          example: "'12–13 March 2020, BitMEX XBTUSD'"),
        K("liquidatedNotional", .list(.number(.positive(atMost: ModelLimits.money)), atLeast: 2, atMost: 2), .required, unit: "USD",
          rules: "the lowest figure first", meaning: "the lowest and the highest liquidated notional reported for that scope", example: "[7.0e8, 1.6e9]"),
        K("longShare", .number(.closed(0, 1)), .optional(default: "not reported"), unit: "fraction",
          meaning: "the share of the reported liquidated notional that was long", example: "0.9"),
    ]
}
