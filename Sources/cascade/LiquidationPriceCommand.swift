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

    @Option(help: "The symbol; chooses the BTC, ETH or altcoin tier table (default BTCUSDT).")
    var symbol: String = "BTCUSDT"

    @Option(help: "long or short.")
    var side: String

    @Option(help: "Entry price (USD).")
    var entry: Double

    @Option(help: "Quantity in asset units.")
    var quantity: Double

    @Option(help: "Leverage (margin = notional / leverage).")
    var leverage: Double?

    @Option(help: "Isolated margin (USD), instead of --leverage.")
    var margin: Double?

    @Flag(help: "Print {\"liquidationPrice\": …, \"bankruptcyPrice\": …, \"tier\": …} as JSON.")
    var json = false

    func validate() throws {
        guard VenuePreset.named(venue) != nil else {
            throw ValidationError("--venue '\(venue)' is not a venue; expected one of: \(VenuePreset.names.joined(separator: ", "))")
        }
        guard Side(rawValue: side) != nil else { throw ValidationError("--side '\(side)' is not allowed; expected long or short") }
        guard entry.isFinite && entry > 0 else { throw ValidationError("--entry \(entry) is out of range; expected > 0") }
        guard quantity.isFinite && quantity > 0 else { throw ValidationError("--quantity \(quantity) is out of range; expected > 0") }
        switch (leverage, margin) {
        case (nil, nil), (.some, .some):
            throw ValidationError("give exactly one of --leverage and --margin")
        case let (l?, nil):
            guard l.isFinite && l >= 1 else { throw ValidationError("--leverage \(l) is out of range; expected ≥ 1") }
        case let (nil, m?):
            guard m.isFinite && m > 0 else { throw ValidationError("--margin \(m) is out of range; expected > 0") }
        }
    }

    func run() throws {
        let preset = VenuePreset.named(venue)!
        let assetClass = AssetClass.of(symbol: symbol)
        let rule = preset.rule(for: assetClass)
        let s = Side(rawValue: side)!
        let m = margin ?? quantity * entry / leverage!
        let (price, tier) = rule.liquidationPrice(side: s, quantity: quantity, entryPrice: entry, margin: m)
        let bankruptcy = max(0, MarginRule.bankruptcyPrice(sign: s.sign, quantity: quantity, entryPrice: entry, margin: m))
        let limit = rule.allows(leverage: quantity * entry / m, quantity: quantity, entryPrice: entry)
        if json {
            print("{\"liquidationPrice\": \(CSVFormat.number(price)), \"bankruptcyPrice\": \(CSVFormat.number(bankruptcy)), \"tier\": \(tier + 1)}")
            return
        }
        let t = rule.tiers[tier]
        print("\(preset.name) \(symbol) (\(assetClass.rawValue) table): \(s.rawValue) \(quantity) @ \(Format.price(entry)), margin \(Format.money(m))")
        print("  liquidation price  \(price > 0 ? Format.price(price) : "none (the margin covers the whole notional)")")
        print("  bankruptcy price   \(Format.price(bankruptcy))")
        print("  tier \(tier + 1): maintenance rate \(Format.percent(t.rate)), deduction \(Format.money(t.deduction)), max leverage \(CSVFormat.number(t.maxLeverage))×")
        if !limit.allowed {
            print("  note: \(CSVFormat.number(quantity * entry / m))× is above this size's maximum leverage \(CSVFormat.number(limit.maximum))× on \(preset.name)")
        }
    }
}
