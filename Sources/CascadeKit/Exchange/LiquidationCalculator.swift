/// The calculator behind `cascade liquidation-price`: the liquidation and bankruptcy prices of one
/// isolated position under a venue preset, by the engine's own margin rule — strict where the
/// venue is strict. A position the venue would not open (a leverage above its tier's maximum,
/// or one already liquidatable at entry) and a symbol without a table of its own are refusals;
/// what the venue accepts but a reader should know is a warning.
public enum LiquidationCalculator {
    /// Why a position is refused.
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        /// The symbol is not in ``AssetClass/symbols`` and no table was named.
        case unknownSymbol(String)
        /// The leverage is above the maximum of the tier the position's size falls in at entry.
        case aboveMaximumLeverage(leverage: Double, maximum: Double, tier: Int, venue: String)
        /// Equity at entry (the margin) is at or below the maintenance margin at entry.
        case liquidatableAtEntry(margin: Double, maintenance: Double)
        /// An inverse position worth more (coin, at entry) than the largest risk limit known.
        case beyondKnownTiers(value: Double, cap: Double, coin: String, symbol: String)

        public var description: String {
            switch self {
            case let .unknownSymbol(symbol):
                "--symbol '\(ErrorText.clipped(symbol))' has no tier table of its own; expected a listed symbol such as BTCUSDT, "
                    + "ETHUSDT or SOLUSDT (docs/venues.md, \"Symbols\"), or --tier-table btc, eth or altcoin"
            case let .aboveMaximumLeverage(leverage, maximum, tier, venue):
                "leverage \(CSVFormat.number(leverage))× is above \(venue)'s maximum \(CSVFormat.number(maximum))× for a position "
                    + "of this size (tier \(tier + 1)); the venue would not open it"
            case let .liquidatableAtEntry(margin, maintenance):
                "the position is liquidatable at entry: its margin \(CSVFormat.number(margin)) is not above its maintenance "
                    + "margin \(CSVFormat.number(maintenance)); the venue would not open it"
            case let .beyondKnownTiers(value, cap, coin, symbol):
                "the position is worth \(CSVFormat.number(value)) \(coin) at entry, above the largest \(symbol) risk limit known "
                    + "here (\(CSVFormat.number(cap)) \(coin); docs/venues.md, \"Inverse contracts\")"
            }
        }
    }

    /// A position's prices under a venue's rule.
    public struct Quote: Sendable, Equatable {
        public var assetClass: AssetClass
        public var rule: MarginRule
        /// 0 when the position cannot be liquidated (a long whose margin covers its notional).
        public var liquidationPrice: Double
        public var bankruptcyPrice: Double
        /// The tier (0-based) used for the liquidation price, and the tier at entry.
        public var tier: Int
        public var tierAtEntry: Int
        /// Leverage q·E/M.
        public var leverage: Double
        /// What the venue accepts but a reader should know, one sentence each.
        public var warnings: [String]
    }

    /// The quote of a position of `side`, `quantity` (asset units) at `entry` with isolated
    /// `margin` (USD) on `venue`, the tier table chosen by `tierTable` or else by the exact
    /// `symbol`.
    public static func quote(venue: VenuePreset, symbol: String, tierTable: AssetClass?, side: Side, entry: Double,
                             quantity: Double, margin: Double) throws(Refusal) -> Quote {
        guard let assetClass = tierTable ?? AssetClass.of(symbol: symbol) else { throw .unknownSymbol(symbol) }
        let rule = venue.rule(for: assetClass)
        let leverage = quantity * entry / margin
        let tierAtEntry = rule.tierIndex(quantity: quantity, entryPrice: entry, at: entry)
        let maximum = rule.tiers[tierAtEntry].maxLeverage
        if leverage > maximum {
            throw .aboveMaximumLeverage(leverage: leverage, maximum: maximum, tier: tierAtEntry, venue: venue.name)
        }
        let maintenance = rule.maintenanceMargin(quantity: quantity, entryPrice: entry, at: entry)
        if margin <= maintenance { throw .liquidatableAtEntry(margin: margin, maintenance: maintenance) }
        let (price, tier) = rule.liquidationPrice(side: side, quantity: quantity, entryPrice: entry, margin: margin)
        let bankruptcy = max(0, MarginRule.bankruptcyPrice(sign: side.sign, quantity: quantity, entryPrice: entry, margin: margin))
        var warnings: [String] = []
        if leverage < 1 {
            warnings.append("the margin is larger than the notional (leverage \(CSVFormat.number(leverage))× < 1×)"
                            + (side == .long ? ": this long cannot be liquidated or go bankrupt" : ""))
        }
        if price > 0 && tier != tierAtEntry {
            warnings.append("the tier at the liquidation price (\(tier + 1)) is not the tier at entry (\(tierAtEntry + 1))")
        }
        if let tierTable, AssetClass.of(symbol: symbol) != tierTable {
            warnings.append("\(ErrorText.clipped(symbol)) uses the \(tierTable.rawValue) table as --tier-table says, "
                            + "not a table of its own")
        }
        return Quote(assetClass: assetClass, rule: rule, liquidationPrice: price, bankruptcyPrice: bankruptcy, tier: tier,
                     tierAtEntry: tierAtEntry, leverage: leverage, warnings: warnings)
    }

    /// A quote for an inverse contract: prices in USD, margin and maintenance in the coin.
    public struct InverseQuote: Sendable, Equatable {
        public var contract: InverseContract
        public var rule: InverseMarginRule
        /// +∞ for a short that cannot be liquidated or go bankrupt.
        public var liquidationPrice: Double
        public var bankruptcyPrice: Double
        /// Maintenance margin (coin) and the tier (0-based; by the value at entry).
        public var maintenance: Double
        public var tier: Int
        /// (Q·contract value / E) / margin.
        public var leverage: Double
        public var warnings: [String]
    }

    /// The quote of `contracts` contracts of the inverse `contract` at `entry` (USD) with isolated
    /// `margin` (coin), counting `fundingRate` where the venue counts funding in maintenance.
    public static func inverseQuote(contract: InverseContract, side: Side, entry: Double, contracts: Double, margin: Double,
                                    fundingRate: Double = 0) throws(Refusal) -> InverseQuote {
        let rule = contract.rule(fundingRate: fundingRate)
        let q = contracts * contract.contractValue
        let value = q / entry
        if let last = rule.tiers.last, value > last.cap {
            throw .beyondKnownTiers(value: value, cap: last.cap, coin: contract.coin, symbol: contract.symbol)
        }
        let tier = rule.tierIndex(value: value)
        let leverage = value / margin
        if leverage > rule.tiers[tier].maxLeverage {
            throw .aboveMaximumLeverage(leverage: leverage, maximum: rule.tiers[tier].maxLeverage, tier: tier, venue: contract.venue)
        }
        let maintenance = rule.maintenanceMargin(side: side, contracts: q, entryPrice: entry, margin: margin, at: entry)
        if margin <= maintenance { throw .liquidatableAtEntry(margin: margin, maintenance: maintenance) }
        let (price, _) = rule.liquidationPrice(side: side, contracts: q, entryPrice: entry, margin: margin)
        var warnings: [String] = []
        if leverage <= 1 && side == .short {
            warnings.append("the margin covers the position's value at entry (leverage \(CSVFormat.number(leverage))×, at most 1×): this short cannot go bankrupt")
        }
        return InverseQuote(contract: contract, rule: rule, liquidationPrice: price,
                            bankruptcyPrice: InverseMarginRule.bankruptcyPrice(side: side, contracts: q, entryPrice: entry, margin: margin),
                            maintenance: maintenance, tier: tier, leverage: leverage, warnings: warnings)
    }
}
