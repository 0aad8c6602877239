import ArgumentParser
import CascadeKit
import Foundation

/// `cascade liquidation-price`: the liquidation and bankruptcy prices of one isolated position
/// under a venue preset, by the same code the engine uses.
struct LiquidationPrice: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "liquidation-price",
        abstract: "Liquidation and bankruptcy prices of an isolated position under a venue's rules.")

    @Option(help: "The venue preset: \(VenuePreset.names.joined(separator: ", ")).")
    var venue: String

    @Option(help: "The symbol, matched exactly against the listed ones (docs/venues.md, \"Symbols\"); chooses the BTC, ETH or altcoin tier table (default BTCUSDT).")
    var symbol: String = "BTCUSDT"

    @Option(name: .customLong("tier-table"), help: "btc, eth or altcoin: the tier table to use, for a symbol that is not listed.")
    var tierTable: String?

    @Option(help: "long or short.")
    var side: String

    @Option(help: "Entry price (USD).")
    var entry: Double

    @Option(help: "Quantity in asset units; for an inverse contract (XBTUSD on bitmex, BTCUSD on bybit), contracts.")
    var quantity: Double

    @Option(help: "Leverage (margin = notional / leverage).")
    var leverage: Double?

    @Option(help: "Isolated margin (USD; in the coin for an inverse contract), instead of --leverage.")
    var margin: Double?

    @Option(name: .customLong("funding-rate"), help: "For an inverse contract on a venue that counts it in maintenance (BitMEX): the next funding rate the position pays, a fraction (default 0: none).")
    var fundingRate: Double?

    @Flag(help: "Print {\"liquidationPrice\": …, \"bankruptcyPrice\": …, \"tier\": …, \"warnings\": […]} as JSON.")
    var json = false

    func validate() throws {
        guard VenuePreset.named(venue) != nil else {
            throw fail("--venue '\(venue)' is not a venue; expected one of: \(VenuePreset.names.joined(separator: ", "))")
        }
        if let tierTable, AssetClass(rawValue: tierTable) == nil {
            throw fail("--tier-table '\(tierTable)' is not a tier table; expected btc, eth or altcoin")
        }
        guard Side(rawValue: side) != nil else { throw fail("--side '\(side)' is not allowed; expected long or short") }
        guard entry.isFinite && entry > 0 else { throw fail("--entry \(entry) is out of range; expected > 0") }
        guard quantity.isFinite && quantity > 0 else { throw fail("--quantity \(quantity) is out of range; expected > 0") }
        if let fundingRate {
            guard InverseContract.named(symbol, venue: venue)?.countsFunding == true else {
                throw fail("--funding-rate applies only to an inverse contract whose venue counts funding in maintenance (XBTUSD on bitmex)")
            }
            guard fundingRate.isFinite && abs(fundingRate) < 0.1 else { throw fail("--funding-rate \(fundingRate) is out of range; expected a fraction between -0.1 and 0.1") }
        }
        switch (leverage, margin) {
        case (nil, nil), (.some, .some):
            throw fail("give exactly one of --leverage and --margin")
        case let (l?, nil):
            guard l.isFinite && l >= 1 else { throw fail("--leverage \(l) is out of range; expected ≥ 1") }
        case let (nil, m?):
            guard m.isFinite && m > 0 else { throw fail("--margin \(m) is out of range; expected > 0") }
        }
    }

    func run() throws {
        let preset = VenuePreset.named(venue)!
        let s = Side(rawValue: side)!
        if let contract = InverseContract.named(symbol, venue: venue) {
            if tierTable != nil { throw fail("--tier-table does not apply to \(symbol), an inverse contract with its own risk limits") }
            return try inverse(contract, side: s)
        }
        let m = margin ?? quantity * entry / leverage!
        let quote: LiquidationCalculator.Quote
        do {
            quote = try LiquidationCalculator.quote(venue: preset, symbol: symbol, tierTable: tierTable.flatMap(AssetClass.init(rawValue:)),
                                                    side: s, entry: entry, quantity: quantity, margin: m)
        } catch { throw fail(error.description) }
        let price = quote.liquidationPrice
        if json {
            let warnings = quote.warnings.map(JSONText.string).joined(separator: ", ")
            print("{\"liquidationPrice\": \(CSVFormat.number(price)), \"bankruptcyPrice\": \(CSVFormat.number(quote.bankruptcyPrice)), "
                  + "\"tier\": \(quote.tier + 1), \"tierAtEntry\": \(quote.tierAtEntry + 1), \"table\": \"\(quote.assetClass.rawValue)\", "
                  + "\"leverage\": \(CSVFormat.number(quote.leverage)), \"warnings\": [\(warnings)]}")
            return
        }
        let t = quote.rule.tiers[quote.tier]
        print("\(preset.name) \(symbol) (\(quote.assetClass.rawValue) table): \(s.rawValue) \(quantity) @ \(Format.price(entry)), margin \(Format.money(m))")
        print("  liquidation price  \(price > 0 ? Format.price(price) : "none (the margin covers the whole notional)")")
        print("  bankruptcy price   \(Format.price(quote.bankruptcyPrice))")
        print("  tier \(quote.tier + 1): maintenance rate \(Format.percent(t.rate)), deduction \(Format.money(t.deduction)), max leverage \(CSVFormat.number(t.maxLeverage))×")
        for warning in quote.warnings { print("  warning: \(warning)") }
    }

    /// The inverse route: contracts, margin in the coin.
    func inverse(_ contract: InverseContract, side s: Side) throws {
        let m = margin ?? quantity * contract.contractValue / entry / leverage!
        let quote: LiquidationCalculator.InverseQuote
        do {
            quote = try LiquidationCalculator.inverseQuote(contract: contract, side: s, entry: entry, contracts: quantity, margin: m,
                                                           fundingRate: fundingRate ?? 0)
        } catch { throw fail(error.description) }
        func number(_ x: Double) -> String { x.isFinite ? CSVFormat.number(x) : "null" }
        if json {
            let warnings = quote.warnings.map(JSONText.string).joined(separator: ", ")
            print("{\"contract\": \"inverse\", \"coin\": \"\(contract.coin)\", \"liquidationPrice\": \(number(quote.liquidationPrice)), "
                  + "\"bankruptcyPrice\": \(number(quote.bankruptcyPrice)), \"maintenanceMargin\": \(number(quote.maintenance)), "
                  + "\"tier\": \(quote.tier + 1), \"leverage\": \(CSVFormat.number(quote.leverage)), \"warnings\": [\(warnings)]}")
            return
        }
        let t = quote.rule.tiers[quote.tier]
        func price(_ x: Double) -> String { x.isFinite ? Format.price(x) : "none" }
        print("\(venue) \(contract.symbol) (inverse, \(contract.contractValue == 1 ? "1 USD" : "\(CSVFormat.number(contract.contractValue)) USD") contracts): "
              + "\(s.rawValue) \(CSVFormat.number(quantity)) @ \(Format.price(entry)), margin \(CSVFormat.number(m)) \(contract.coin)")
        print("  liquidation price  \(price(quote.liquidationPrice))")
        print("  bankruptcy price   \(price(quote.bankruptcyPrice))")
        print("  maintenance margin \(CSVFormat.number(quote.maintenance)) \(contract.coin) (risk limit \(quote.tier + 1): \(Format.percent(t.rate)) of the value at entry, "
              + "max leverage \(CSVFormat.number(t.maxLeverage))×, plus the fee to close at the bankruptcy price)")
        for warning in quote.warnings { print("  warning: \(warning)") }
    }
}
