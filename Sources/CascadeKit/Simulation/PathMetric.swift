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
    case marginLost
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
    case firstLiquidationTime

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
        case .marginLost: "marginLost"
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
        case .firstLiquidationTime: "firstLiquidationTime"
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
        case .marginLost: "USD margin lost by liquidated traders"
        case .fundReceipts: "USD net receipts of the insurance fund, Σ s·q·(X − P_bk); marginLost − fundReceipts went to the counterparties"
        case .liquidationFees: "USD clearance fees (part of the fund's receipts; see docs/model.md)"
        case .minTradedPrice: "lowest traded price at the end of a step"
        case .finalTradedPrice: "traded price at the horizon"
        case .finalFundamentalPrice: "fundamental price at the horizon"
        case .maxDrawdownTraded: "largest fall of the traded price from its running peak, as a fraction"
        case .maxDrawdownFundamental: "largest fall of the fundamental price from its running peak, as a fraction"
        case .insuranceFundEnd: "USD insurance fund at the horizon"
        case .insuranceFundMin: "USD insurance fund at its lowest"
        case .badDebt: "USD of deficits the insurance fund could not cover"
        case .firstLiquidationTime: "seconds from the start to the end of the step of the first liquidation; empty if none"
        }
    }
}

/// Per-path results, one contiguous array per metric (struct of arrays), indexed by path.
public struct PathResults: Sendable {
    public let paths: Int
    /// values[metric.rawValue * paths + path]
    public internal(set) var values: [Double]

    public init(paths: Int) {
        self.paths = paths
        self.values = [Double](repeating: .nan, count: paths * PathMetric.allCases.count)
    }

    /// The value of `metric` on path `path`.
    public subscript(metric: PathMetric, path: Int) -> Double {
        values[metric.rawValue * paths + path]
    }

    /// All paths' values of `metric`, in path order.
    public func column(_ metric: PathMetric) -> ArraySlice<Double> {
        values[(metric.rawValue * paths)..<((metric.rawValue + 1) * paths)]
    }
}
