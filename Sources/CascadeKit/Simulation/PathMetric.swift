/// The per-path results cascade reports: one column of `paths.csv` and one row of `summary.csv`
/// each. Money is in USD (the quote currency), prices in USD, times in seconds from the start.
public enum PathMetric: Int, CaseIterable, Sendable {
    case liquidatedNotional
    case liquidatedLongNotionalAtEntry
    case liquidatedShortNotionalAtEntry
    case liquidatedLongNotionalExecuted
    case liquidatedShortNotionalExecuted
    case liquidations
    case maxCascadeRounds
    case roundCapHits
    case priceLimitHits
    case marginLost
    case counterpartyGains
    case fundReceipts
    case liquidationFees
    case minTradedPrice
    case finalTradedPrice
    case finalFundamentalPrice
    case maxDrawdownTraded
    case maxDrawdownFundamental
    case insuranceFundEnd
    case insuranceFundMin
    case badDebt
    case partialLiquidations
    case adlCount
    case adlNotional
    case adlCoveredDeficit
    case firstLiquidationTime
    case cascadeEvents
    case largestCascadeNotional
    case longestCascadeSteps
    case maxOvershoot
    case twinLiquidatedNotional
    case twinBadDebt
    case amplification
    case impactTriggeredShare
    case crossLiquidations
    case crossLiquidatedNotional
    case contagionNotional
    case contagionShare
    case fundingPaid
    case fundingReceived
    case accountChecks
    case adlOvershoot
    case adlWinnersHaircut
    case adlEligibleWinners
    case adlHaircutPerWinner
    case adlTopShare
    case adlGini
    case minDepthShare
    case disposalPendingMax
    case disposalPnL
    case disposalLastHeld
    case vaultPnL
    case vaultMin
    case vaultExhausted

    /// The column name used in the CSV reports.
    public var name: String {
        switch self {
        case .liquidatedNotional: "liquidatedNotional"
        case .liquidatedLongNotionalAtEntry: "liquidatedLongNotionalAtEntry"
        case .liquidatedShortNotionalAtEntry: "liquidatedShortNotionalAtEntry"
        case .liquidatedLongNotionalExecuted: "liquidatedLongNotionalExecuted"
        case .liquidatedShortNotionalExecuted: "liquidatedShortNotionalExecuted"
        case .liquidations: "liquidations"
        case .maxCascadeRounds: "maxCascadeRounds"
        case .roundCapHits: "roundCapHits"
        case .priceLimitHits: "priceLimitHits"
        case .marginLost: "marginLost"
        case .counterpartyGains: "counterpartyGains"
        case .fundReceipts: "fundReceipts"
        case .liquidationFees: "liquidationFees"
        case .minTradedPrice: "minTradedPrice"
        case .finalTradedPrice: "finalTradedPrice"
        case .finalFundamentalPrice: "finalFundamentalPrice"
        case .maxDrawdownTraded: "maxDrawdownTraded"
        case .maxDrawdownFundamental: "maxDrawdownFundamental"
        case .insuranceFundEnd: "insuranceFundEnd"
        case .insuranceFundMin: "insuranceFundMin"
        case .badDebt: "badDebt"
        case .partialLiquidations: "partialLiquidations"
        case .adlCount: "adlCount"
        case .adlNotional: "adlNotional"
        case .adlCoveredDeficit: "adlCoveredDeficit"
        case .firstLiquidationTime: "firstLiquidationTime"
        case .cascadeEvents: "cascadeEvents"
        case .largestCascadeNotional: "largestCascadeNotional"
        case .longestCascadeSteps: "longestCascadeSteps"
        case .maxOvershoot: "maxOvershoot"
        case .twinLiquidatedNotional: "twinLiquidatedNotional"
        case .twinBadDebt: "twinBadDebt"
        case .amplification: "amplification"
        case .impactTriggeredShare: "impactTriggeredShare"
        case .crossLiquidations: "crossLiquidations"
        case .crossLiquidatedNotional: "crossLiquidatedNotional"
        case .contagionNotional: "contagionNotional"
        case .contagionShare: "contagionShare"
        case .fundingPaid: "fundingPaid"
        case .fundingReceived: "fundingReceived"
        case .accountChecks: "accountChecks"
        case .adlOvershoot: "adlOvershoot"
        case .adlWinnersHaircut: "adlWinnersHaircut"
        case .adlEligibleWinners: "adlEligibleWinners"
        case .adlHaircutPerWinner: "adlHaircutPerWinner"
        case .adlTopShare: "adlTopShare"
        case .adlGini: "adlGini"
        case .minDepthShare: "minDepthShare"
        case .disposalPendingMax: "disposalPendingMax"
        case .disposalPnL: "disposalPnL"
        case .disposalLastHeld: "disposalLastHeld"
        case .vaultPnL: "vaultPnL"
        case .vaultMin: "vaultMin"
        case .vaultExhausted: "vaultExhausted"
        }
    }

    /// One line on what the column holds (the README's report reference repeats these).
    public var summary: String {
        switch self {
        case .liquidatedNotional: "USD notional of all liquidations at their execution prices (both sides)"
        case .liquidatedLongNotionalAtEntry: "USD notional of liquidated longs at their entry prices, q·E"
        case .liquidatedShortNotionalAtEntry: "USD notional of liquidated shorts at their entry prices, q·E"
        case .liquidatedLongNotionalExecuted: "USD notional of liquidated longs at execution prices, q·X"
        case .liquidatedShortNotionalExecuted: "USD notional of liquidated shorts at execution prices, q·X"
        case .liquidations: "number of positions liquidated"
        case .maxCascadeRounds: "largest number of cascade rounds in one step"
        case .roundCapHits: "steps whose cascade stopped at simulation.maxCascadeRounds"
        case .priceLimitHits: "asset-steps at which a model price limit bound: the fundamental price at its band (a factor 1e9 from the start) or the impact saturated (a factor 1e4)"
        case .marginLost: "USD margin lost by liquidated traders"
        case .counterpartyGains: "USD gained by the counterparties of the forced orders, Σ s·q·(E − X)"
        case .fundReceipts: "USD net receipts of the insurance fund; marginLost = counterpartyGains + fundReceipts"
        case .liquidationFees: "USD clearance fees (part of the fund's receipts; see docs/model.md)"
        case .minTradedPrice: "lowest traded price at the end of a step"
        case .finalTradedPrice: "traded price at the horizon"
        case .finalFundamentalPrice: "fundamental price at the horizon"
        case .maxDrawdownTraded: "largest fall of the traded price from its running peak, as a fraction"
        case .maxDrawdownFundamental: "largest fall of the fundamental price from its running peak, as a fraction"
        case .insuranceFundEnd: "USD insurance fund at the horizon"
        case .insuranceFundMin: "USD insurance fund at its lowest"
        case .badDebt: "USD of deficits nobody covered"
        case .partialLiquidations: "partial closes of positions (venues that liquidate large positions in parts)"
        case .adlCount: "positions auto-deleveraged (fully or partly)"
        case .adlNotional: "USD notional closed by auto-deleveraging, at the bankruptcy price"
        case .adlCoveredDeficit: "USD of deficits covered by auto-deleveraging"
        case .firstLiquidationTime: "seconds from the start to the end of the step of the first liquidation; empty if none"
        case .cascadeEvents: "cascade events: runs of consecutive steps with liquidations (per asset)"
        case .largestCascadeNotional: "USD liquidated notional of the path's largest cascade event; empty if none"
        case .longestCascadeSteps: "steps of the path's longest cascade event; empty if none"
        case .maxOvershoot: "largest gap between the traded price and the no-feedback price at the end of a step, |1 − P/F|"
        case .twinLiquidatedNotional: "USD liquidated notional of the no-feedback twin (same draws, impact off); empty without the twin"
        case .twinBadDebt: "USD bad debt of the no-feedback twin; empty without the twin"
        case .amplification: "maxDrawdownTraded / the twin's drawdown (the fundamental price's); empty when that is 0"
        case .impactTriggeredShare: "share of liquidated entry notional beyond the twin's: 1 − twin/main, clamped to [0, 1]"
        case .crossLiquidations: "cross accounts liquidated (each closed whole)"
        case .crossLiquidatedNotional: "USD notional of the cross accounts' closures at execution prices"
        case .contagionNotional: "USD notional of cross closures in an asset whose own loss was less than half the account's: triggered by other assets"
        case .contagionShare: "contagionNotional / liquidatedNotional: the share of the liquidated notional triggered by losses in other assets; empty when nothing was liquidated"
        case .fundingPaid: "USD funding paid by the cross accounts"
        case .fundingReceived: "USD funding received by the cross accounts"
        case .accountChecks: "cross-account margin checks (dense and exact) on the path"
        case .adlOvershoot: "USD taken from winners by auto-deleveraging beyond the shortfalls it covered (severity position)"
        case .adlWinnersHaircut: "positions auto-deleveraged on the path (each counted once)"
        case .adlEligibleWinners: "winners (positions in profit) eligible at the path's deleveragings: per asset and side the most seen at one"
        case .adlHaircutPerWinner: "USD mean haircut per position deleveraged, t·|X − P_bk| summed over the path; empty without ADL"
        case .adlTopShare: "share of the path's haircuts taken by the top 1% of the eligible winners; empty without ADL"
        case .adlGini: "Gini coefficient of the haircuts over the eligible winners (zeros for those not deleveraged); empty without ADL"
        case .minDepthShare: "lowest depth multiplier of liquidity withdrawal on the path, over the assets (1 without withdrawal)"
        case .disposalPendingMax: "USD notional of forced flow the liquidation engine still held at the end of a step, the most on the path (0 with immediate disposal)"
        case .disposalPnL: "USD P&L of the liquidation engine on the forced flow it held, booked by the backstop vault if any, else the fund (what is left at the horizon valued at the final traded price)"
        case .disposalLastHeld: "seconds from the start to the end of the last step at which the engine still held forced flow: when the unwind ended (0 if it never held any)"
        case .vaultPnL: "USD P&L of the backstop vault at the horizon (balance − capital; empty without mechanisms.backstop)"
        case .vaultMin: "USD lowest balance of the backstop vault (empty without mechanisms.backstop)"
        case .vaultExhausted: "1 if the backstop vault's capital ran out on the path (its losses then passed to the fund and ADL), else 0; its mean is the probability"
        }
    }
}

extension PathMetric {
    /// Whether the metric is reported for each asset (prices) rather than over all assets.
    public var isPerAsset: Bool {
        switch self {
        case .minTradedPrice, .finalTradedPrice, .finalFundamentalPrice, .maxDrawdownTraded, .maxDrawdownFundamental,
             .maxOvershoot, .amplification: true
        default: false
        }
    }
}

extension PathMetric {
    /// Whether the metric is the cross accounts' (a column only in runs with cross accounts).
    public var isAccountMetric: Bool {
        switch self {
        case .crossLiquidations, .crossLiquidatedNotional, .contagionNotional, .contagionShare, .fundingPaid, .fundingReceived,
             .accountChecks: true
        default: false
        }
    }

    /// Whether an account metric is also reported for each asset of a multi-asset run.
    public var isAccountMetricPerAsset: Bool {
        self == .crossLiquidatedNotional || self == .contagionNotional || self == .contagionShare
    }
}

extension PathMetric {
    /// Whether the metric is the mechanism lab's (a column only in runs with `mechanisms:`).
    public var isMechanismMetric: Bool {
        switch self {
        case .adlOvershoot, .adlWinnersHaircut, .adlEligibleWinners, .adlHaircutPerWinner, .adlTopShare, .adlGini,
             .minDepthShare, .disposalPendingMax, .disposalPnL, .disposalLastHeld, .vaultPnL, .vaultMin, .vaultExhausted: true
        default: false
        }
    }
}

extension PathMetric {
    /// Whether the metric is a fund's: reported also for each asset's own fund when the assets
    /// keep their funds apart (``SimulationConfig/assetFunds``).
    public var isPerFund: Bool {
        switch self {
        case .fundReceipts, .insuranceFundEnd, .insuranceFundMin, .badDebt, .adlCoveredDeficit: true
        default: false
        }
    }
}

/// A column of `paths.csv`: a metric over all assets (`asset` nil) or for one asset.
public struct PathColumn: Hashable, Sendable {
    public var metric: PathMetric
    public var asset: Int?

    public init(_ metric: PathMetric, asset: Int? = nil) {
        self.metric = metric
        self.asset = asset
    }

    /// The columns of a run with `assets` assets: every metric over all assets, then for each
    /// asset its price metrics (and, with several assets, its liquidated notional, and with
    /// `separateFunds` its fund's metrics). With one asset its price metrics stand in for the
    /// totals, under the plain names.
    public static func layout(assets: Int, separateFunds: Bool = false, accounts: Bool = false,
                              mechanisms: Bool = false) -> [PathColumn] {
        let metrics = PathMetric.allCases.filter { (accounts || !$0.isAccountMetric) && (mechanisms || !$0.isMechanismMetric) }
        if assets == 1 { return metrics.map { PathColumn($0, asset: $0.isPerAsset ? 0 : nil) } }
        var columns = metrics.filter { !$0.isPerAsset }.map { PathColumn($0) }
        for a in 0..<assets {
            columns.append(PathColumn(.liquidatedNotional, asset: a))
            if accounts { columns += metrics.filter(\.isAccountMetricPerAsset).map { PathColumn($0, asset: a) } }
            columns += PathMetric.allCases.filter(\.isPerAsset).map { PathColumn($0, asset: a) }
            if separateFunds { columns += PathMetric.allCases.filter(\.isPerFund).map { PathColumn($0, asset: a) } }
        }
        return columns
    }

    /// The CSV name: the metric, then `.SYMBOL` for a per-asset column of a multi-asset run.
    public func name(symbols: [String]) -> String {
        guard let asset, symbols.count > 1 else { return metric.name }
        return "\(metric.name).\(symbols[asset])"
    }
}

/// Per-path results, one contiguous array per column (struct of arrays), indexed by path.
public struct PathResults: Sendable {
    public let paths: Int
    public let columns: [PathColumn]
    public let symbols: [String]
    let index: [PathColumn: Int]
    /// values[column * paths + path]
    public internal(set) var values: [Double]

    public init(paths: Int, symbols: [String], separateFunds: Bool = false, accounts: Bool = false, mechanisms: Bool = false) {
        self.init(uninitializedPaths: paths, symbols: symbols, separateFunds: separateFunds, accounts: accounts,
                  mechanisms: mechanisms)
        values.withUnsafeMutableBufferPointer { $0.initialize(repeating: .nan) }
    }

    /// Results whose values are not yet set: whoever creates them sets every value (the engine's
    /// workers NaN-fill the paths of each chunk before simulating it, so the memory is first
    /// touched by the threads, in parallel, and while it is in their cache).
    init(uninitializedPaths paths: Int, symbols: [String], separateFunds: Bool = false, accounts: Bool = false,
         mechanisms: Bool = false) {
        self.paths = paths
        self.symbols = symbols
        columns = PathColumn.layout(assets: symbols.count, separateFunds: separateFunds, accounts: accounts, mechanisms: mechanisms)
        index = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        let count = paths * columns.count
        values = [Double](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
    }

    /// The shape of the results without their values.
    struct Layout {
        let paths: Int
        let assets: Int
        let columns: [PathColumn]
    }

    /// The shape of the results without their values.
    var layout: Layout { Layout(paths: paths, assets: symbols.count, columns: columns) }

    /// The position of `column` among ``columns``.
    public func position(of column: PathColumn) -> Int? { index[column] }

    /// The value of `metric` on path `path`: over all assets, or for the first asset for a
    /// per-asset metric.
    public subscript(metric: PathMetric, path: Int) -> Double {
        self[metric, metric.isPerAsset ? 0 : nil, path]
    }

    /// The value of `metric` for `asset` (nil: over all assets) on path `path`.
    public subscript(metric: PathMetric, asset: Int?, path: Int) -> Double {
        values[index[PathColumn(metric, asset: asset)]! * paths + path]
    }

    /// Sets the value of `metric` for `asset` (nil: over all assets) on path `path`.
    public mutating func set(_ metric: PathMetric, _ asset: Int?, _ path: Int, _ value: Double) {
        values[index[PathColumn(metric, asset: asset)]! * paths + path] = value
    }

    /// All paths' values of a column, in path order.
    public func column(_ column: PathColumn) -> ArraySlice<Double> {
        let c = index[column]!
        return values[(c * paths)..<((c + 1) * paths)]
    }

    /// All paths' values of `metric` (for the first asset if it is per asset).
    public func column(_ metric: PathMetric) -> ArraySlice<Double> {
        column(PathColumn(metric, asset: metric.isPerAsset ? 0 : nil))
    }
}
