import Foundation
import Testing
@testable import CascadeKit

/// Liquidation prices of the venue presets against worked examples: the venues' own (marked
/// "venue") and ones computed by hand from their published formulas and tables (docs/venues.md).
@Suite("Venue rulebooks")
struct VenueTests {
    struct Example: CustomTestStringConvertible, Sendable {
        var label: String
        var venue: String
        var assetClass: AssetClass
        var side: Side
        var quantity: Double
        var entry: Double
        var margin: Double
        var liquidation: Double
        var tier: Int            // 0-based tier used
        var testDescription: String { "\(venue): \(label)" }
    }

    static let examples: [Example] = [
        // Binance USDⓈ-M, BTCUSDT 2025 brackets; tier at the notional at the liquidation price.
        Example(label: "long 1 BTC @ 60,000, wallet 3,000 (venue example)", venue: "binance-usdm", assetClass: .btc, side: .long,
                quantity: 1, entry: 60_000, margin: 3_000, liquidation: 57_228.92, tier: 0),
        Example(label: "short 1 BTC @ 60,000, wallet 3,000 (venue example)", venue: "binance-usdm", assetClass: .btc, side: .short,
                quantity: 1, entry: 60_000, margin: 3_000, liquidation: 62_749.00, tier: 0),
        Example(label: "long 6 BTC: tier 2 at entry, tier 1 at the liquidation price", venue: "binance-usdm", assetClass: .btc, side: .long,
                quantity: 6, entry: 60_000, margin: 72_000, liquidation: 48_192.77, tier: 0),
        Example(label: "short 4.9 BTC: tier 1 at entry, tier 2 at the liquidation price", venue: "binance-usdm", assetClass: .btc, side: .short,
                quantity: 4.9, entry: 60_000, margin: 58_800, liquidation: 71_702.71, tier: 1),
        // ETHUSDT (brackets since 2025-08-21): $250k at entry, $225.9k at the liquidation price,
        // both in bracket 1 (≤ 300k, 0.40%): LP = 225,000/99.6.
        Example(label: "ETHUSDT long 100 @ 2,500, 10×", venue: "binance-usdm", assetClass: .eth, side: .long,
                quantity: 100, entry: 2_500, margin: 25_000, liquidation: 225_000 / 99.6, tier: 0),
        // SOLUSDT (since 2025-06-26): bracket 2 (50k–400k, 0.65%, cum 75): LP = 134,925/993.5.
        Example(label: "SOLUSDT long 1,000 @ 150, 10×", venue: "binance-usdm", assetClass: .altcoin, side: .long,
                quantity: 1_000, entry: 150, margin: 15_000, liquidation: 134_925 / 993.5, tier: 1),
        // A position of exactly a cap is in the lower bracket: short 5 BTC @ 60,000 = $300k.
        Example(label: "short 5 BTC @ 60,000 = $300k at entry: bracket 1 at entry, 2 at the liquidation price", venue: "binance-usdm",
                assetClass: .btc, side: .short, quantity: 5, entry: 60_000, margin: 60_000, liquidation: 360_300 / 5.025, tier: 1),
        // Bybit: maintenance margin at the entry value; BTCUSDT's first risk limit is now 300k at
        // 0.33% (the venue's 0.5% example is checked with its own rate in `bybitExample`).
        Example(label: "long 1 BTC @ 20,000, 50×: MM 66, LP 20,000 − 334", venue: "bybit", assetClass: .btc, side: .long,
                quantity: 1, entry: 20_000, margin: 400, liquidation: 19_666, tier: 0),
        Example(label: "short 1 BTC @ 20,000, 50×", venue: "bybit", assetClass: .btc, side: .short,
                quantity: 1, entry: 20_000, margin: 400, liquidation: 20_334, tier: 0),
        Example(label: "long 120 BTC @ 20,000, 20×: $2.4M, the third limit (0.56%, deduction 1,710)", venue: "bybit",
                assetClass: .btc, side: .long, quantity: 120, entry: 20_000, margin: 120_000, liquidation: 19_097.75, tier: 2),
        Example(label: "long 101 BTC @ 20,000, 10×: the third limit at entry, kept though lower at the liquidation price", venue: "bybit",
                assetClass: .btc, side: .long, quantity: 101, entry: 20_000, margin: 202_000,
                liquidation: 20_000 - (202_000 - 9_602) / 101.0, tier: 2),
        Example(label: "long 100 BTC @ 20,000 = $2M exactly: the second limit (inclusive cap)", venue: "bybit",
                assetClass: .btc, side: .long, quantity: 100, entry: 20_000, margin: 200_000,
                liquidation: 20_000 - (200_000 - 9_490) / 100.0, tier: 1),
        // OKX: tiers by contracts (0.01 BTC, 100 ADA), fee 0.05% in the maintenance rate, no deduction.
        Example(label: "long 1 BTC (100 contracts) @ 60,000, 20×", venue: "okx", assetClass: .btc, side: .long,
                quantity: 1, entry: 60_000, margin: 3_000, liquidation: 57_000 / 0.9945, tier: 0),
        Example(label: "short 1 BTC @ 60,000, 20×", venue: "okx", assetClass: .btc, side: .short,
                quantity: 1, entry: 60_000, margin: 3_000, liquidation: 63_000 / 1.0055, tier: 0),
        Example(label: "ADA long 1,500 contracts @ 0.40, 10× (tier 1 is up to 1,500 contracts)", venue: "okx", assetClass: .altcoin,
                side: .long, quantity: 150_000, entry: 0.40, margin: 6_000, liquidation: 54_000 / 149_175, tier: 0),
        Example(label: "long 250 BTC (25,000 contracts): tier 2 whatever the price", venue: "okx", assetClass: .btc, side: .long,
                quantity: 250, entry: 60_000, margin: 750_000, liquidation: 14_250_000 / (250 * 0.992), tier: 1),
        Example(label: "long 150 BTC = 15,000 contracts exactly: tier 1 (inclusive cap)", venue: "okx", assetClass: .btc, side: .long,
                quantity: 150, entry: 60_000, margin: 900_000, liquidation: 8_100_000 / 149.175, tier: 0),
        // BitMEX (linear, step risk limits at 100,000 USD/XBT, whole position at the step's rate).
        Example(label: "long 100 BTC @ 100,000, 10×", venue: "bitmex", assetClass: .btc, side: .long,
                quantity: 100, entry: 100_000, margin: 1_000_000, liquidation: 9_000_000 / 99.5, tier: 0),
        Example(label: "long 300 BTC @ 100,000, 10×: second step, 1%", venue: "bitmex", assetClass: .btc, side: .long,
                quantity: 300, entry: 100_000, margin: 3_000_000, liquidation: 27_000_000 / 297, tier: 1),
        Example(label: "short 50 BTC @ 100,000, 20×", venue: "bitmex", assetClass: .btc, side: .short,
                quantity: 50, entry: 100_000, margin: 250_000, liquidation: 5_250_000 / 50.25, tier: 0),
        Example(label: "long 200 BTC = $20M exactly: the base risk limit (inclusive)", venue: "bitmex", assetClass: .btc, side: .long,
                quantity: 200, entry: 100_000, margin: 2_000_000, liquidation: 18_000_000 / 199, tier: 0),
        // dYdX v4: one maintenance fraction per market (large-cap 1.2%, small-cap 5%).
        Example(label: "long 1 BTC @ 50,000, 20×", venue: "dydx-v4", assetClass: .btc, side: .long,
                quantity: 1, entry: 50_000, margin: 2_500, liquidation: 47_500 / 0.988, tier: 0),
        Example(label: "short 1 BTC @ 50,000, 20×", venue: "dydx-v4", assetClass: .btc, side: .short,
                quantity: 1, entry: 50_000, margin: 2_500, liquidation: 52_500 / 1.012, tier: 0),
        Example(label: "long 10 SOL @ 150, 5×", venue: "dydx-v4", assetClass: .altcoin, side: .long,
                quantity: 10, entry: 150, margin: 300, liquidation: 1_200 / 9.5, tier: 0),
        Example(label: "short 10 SOL @ 150, 5×", venue: "dydx-v4", assetClass: .altcoin, side: .short,
                quantity: 10, entry: 150, margin: 300, liquidation: 1_800 / 10.5, tier: 0),
        // Hyperliquid: MMR = 1/(2·max leverage), tier at the notional at mark.
        Example(label: "long 1 BTC @ 100,000, 10×", venue: "hyperliquid", assetClass: .btc, side: .long,
                quantity: 1, entry: 100_000, margin: 10_000, liquidation: 91_139.24, tier: 0),
        Example(label: "short 1 BTC @ 100,000, 10×", venue: "hyperliquid", assetClass: .btc, side: .short,
                quantity: 1, entry: 100_000, margin: 10_000, liquidation: 108_641.98, tier: 0),
        Example(label: "long 2,000 BTC @ 100,000: tier 2 at entry and at the liquidation price", venue: "hyperliquid", assetClass: .btc,
                side: .long, quantity: 2_000, entry: 100_000, margin: 20_000_000, liquidation: 91_346.15, tier: 1),
        Example(label: "short 1,450 BTC @ 100,000, 10×: $145M at entry (tier 1), $157M at the liquidation price (tier 2)",
                venue: "hyperliquid", assetClass: .btc, side: .short, quantity: 1_450, entry: 100_000, margin: 14_500_000,
                liquidation: 161_375_000 / (1_450 * 1.025), tier: 1),
        Example(label: "SOL long 0.6 @ 173.06 (venue-reported 142.05186667)", venue: "hyperliquid", assetClass: .altcoin, side: .long,
                quantity: 0.6, entry: 173.06, margin: 20.735658, liquidation: 142.051_866_67, tier: 0),
    ]

    @Test("liquidation prices and tiers of worked examples", arguments: examples)
    func workedExample(_ e: Example) {
        let rule = VenuePreset.named(e.venue)!.rule(for: e.assetClass)
        let (price, tier) = rule.liquidationPrice(side: e.side, quantity: e.quantity, entryPrice: e.entry, margin: e.margin)
        // Venue examples are quoted to the cent: compare to half a cent (relative 1e-8 for tiny prices).
        #expect(abs(price - e.liquidation) <= max(0.005, 1e-8 * e.liquidation), "\(price) vs \(e.liquidation)")
        #expect(tier == e.tier)
        let position = Position(side: e.side, quantity: e.quantity, entryPrice: e.entry, leverage: e.quantity * e.entry / e.margin)
        // The condition switches at the computed price.
        let inside = e.side == .long ? price * (1 + 1e-9) : price * (1 - 1e-9)
        let beyond = e.side == .long ? price * (1 - 1e-9) : price * (1 + 1e-9)
        #expect(!rule.isLiquidatable(position, at: inside))
        #expect(rule.isLiquidatable(position, at: beyond))
        #expect(rule.bankruptcyPrice(of: position) == e.entry - e.side.sign * e.margin / e.quantity)
    }

    @Test("Bybit's help-centre example with the rate it states: long 1 BTC @ 20,000 at 50×, MMR 0.5% → 19,700")
    func bybitExample() {
        let rule = MarginRule(tiers: [MarginTier(floor: 0, cap: .infinity, maxLeverage: 100, rate: 0.005, deduction: 0)],
                              basis: .notionalAtEntry)
        #expect(rule.liquidationPrice(side: .long, quantity: 1, entryPrice: 20_000, margin: 400).price == 19_700)
        #expect(rule.liquidationPrice(side: .short, quantity: 1, entryPrice: 20_000, margin: 400).price == 20_300)
    }

    @Test("the formula with a maintenance amount: Binance's isolated ETH example (10%, cum 135,365)")
    func maintenanceAmount() {
        let rule = MarginRule(tiers: [MarginTier(floor: 0, cap: .infinity, maxLeverage: 10, rate: 0.10, deduction: 135_365)],
                              basis: .notionalAtLiquidation)
        let price = rule.liquidationPrice(side: .long, quantity: 3_683.979, entryPrice: 1_456.84, margin: 1_535_443.01).price
        #expect(abs(price - 1_114.78) < 0.005)
    }

    @Test("deductions follow dₙ = dₙ₋₁ + floorₙ·(rateₙ − rateₙ₋₁), making maintenance continuous")
    func deductions() {
        let btc = VenuePreset.named("binance-usdm")!.tables[.btc]!
        for (d, expected) in zip(btc.map(\.deduction), [0.0, 300, 1_500, 12_000, 132_000, 482_000, 2_982_000, 14_482_000]) {
            #expect(abs(d - expected) < 1e-6)
        }
        let bybit = VenuePreset.named("bybit")!.tables[.btc]!
        // 510 and 1,710 are what Bybit's risk-limit API reports for tiers 2 and 3 (2026).
        for (d, expected) in zip(bybit.map(\.deduction), [0.0, 510, 1_710, 3_530, 4_810, 6_330, 8_970, 15_970, 21_010]) {
            #expect(abs(d - expected) < 1e-6)
        }
        let hl = VenuePreset.named("hyperliquid")!.tables[.btc]!
        #expect(hl[1].deduction == 1_875_000)
        for preset in VenuePreset.all {
            for (_, table) in preset.tables {
                for t in 1..<table.count where table[t].deduction != 0 || table[t - 1].deduction != 0 {
                    let floor = table[t].floor
                    let below = floor * table[t - 1].rate - table[t - 1].deduction
                    let above = floor * table[t].rate - table[t].deduction
                    #expect(abs(below - above) < 1e-6 * max(1, floor), "\(preset.name) tier \(t)")
                }
            }
        }
    }

    @Test("every preset has a table for BTC, ETH and an altcoin, and symbols map to classes")
    func coverage() {
        #expect(VenuePreset.names == ["binance-usdm", "bybit", "okx", "bitmex", "dydx-v4", "hyperliquid"])
        for preset in VenuePreset.all {
            for c in AssetClass.allCases { #expect(preset.tables[c]?.isEmpty == false, "\(preset.name) \(c)") }
        }
        #expect(AssetClass.of(symbol: "BTCUSDT") == .btc && AssetClass.of(symbol: "XBTUSD") == .btc)
        #expect(AssetClass.of(symbol: "ETH-USD") == .eth && AssetClass.of(symbol: "SOLUSDT") == .altcoin)
        // Exact matches only: a prefix is another contract, and case matters.
        for other in ["ETHFIUSDT", "BTCDOMUSDT", "btcusdt", "DOGEUSDT", "BTCUSDT ", ""] { #expect(AssetClass.of(symbol: other) == nil, "\(other)") }
        #expect(Set(AssetClass.symbols.map(\.symbol)).count == AssetClass.symbols.count)
    }

    static let binance = VenuePreset.named("binance-usdm")!

    @Test("the calculator refuses what the venue would not open, and an unlisted symbol, by name")
    func calculatorRefusals() {
        func refusal(symbol: String = "BTCUSDT", table: AssetClass? = nil, quantity: Double, margin: Double)
            -> LiquidationCalculator.Refusal? {
            do {
                _ = try LiquidationCalculator.quote(venue: Self.binance, symbol: symbol, tierTable: table, side: .long, entry: 100_000,
                                                    quantity: quantity, margin: margin)
                return nil
            } catch { return error }
        }
        // 200× on a $100k position: tier 1 allows 150×.
        #expect(refusal(quantity: 1, margin: 500) == .aboveMaximumLeverage(leverage: 200, maximum: 150, tier: 0, venue: "binance-usdm"))
        // 150× on $500k: tier 2 ($300k–800k) allows 100×.
        #expect(refusal(quantity: 5, margin: 500_000 / 150.0)
                == .aboveMaximumLeverage(leverage: 150, maximum: 100, tier: 1, venue: "binance-usdm"))
        // 150× is allowed at $100k, and is above maintenance (0.4% < 1/150), so it quotes.
        #expect(refusal(quantity: 1, margin: 100_000 / 150.0) == nil)
        // Liquidatable at entry: a table whose maintenance at entry exceeds the margin (dYdX's
        // small-cap 5% at 20× is refused as above the maximum 10×; at 10× it quotes).
        let dydx = VenuePreset.named("dydx-v4")!
        #expect(throws: LiquidationCalculator.Refusal.aboveMaximumLeverage(leverage: 20, maximum: 10, tier: 0, venue: "dydx-v4")) {
            try LiquidationCalculator.quote(venue: dydx, symbol: "SOL-USD", tierTable: nil, side: .short, entry: 100, quantity: 10, margin: 50)
        }
        let okx = VenuePreset.named("okx")!
        // OKX counts a fee rate in maintenance: 0.5% + 0.05% at 75× leaves margin 1.33% > 0.55%; a
        // margin of 0.5% of the notional (200×) is refused first for its leverage.
        #expect(throws: LiquidationCalculator.Refusal.self) {
            try LiquidationCalculator.quote(venue: okx, symbol: "BTC-USDT-SWAP", tierTable: nil, side: .long, entry: 100_000,
                                            quantity: 1, margin: 500)
        }
        #expect(refusal(symbol: "ETHFIUSDT", quantity: 1, margin: 10_000) == .unknownSymbol("ETHFIUSDT"))
        #expect(refusal(symbol: "ETHFIUSDT", table: .altcoin, quantity: 0.01, margin: 100) == nil)
        #expect(LiquidationCalculator.Refusal.unknownSymbol("X").description.contains("--tier-table btc, eth or altcoin"))
    }

    @Test("a position liquidatable at entry is refused: margin not above maintenance")
    func calculatorLiquidatableAtEntry() {
        // A rule whose maximum leverage exceeds 1/MMR: 100× allowed, MMR 2% > 1%.
        let odd = VenuePreset(name: "odd", tables: VenuePreset.same([MarginTier(floor: 0, cap: .infinity, maxLeverage: 100, rate: 0.02, deduction: 0)]),
                              basis: VenuePreset.same(.notionalAtLiquidation), maintenanceFee: 0, liquidationFee: VenuePreset.same(0),
                              settlement: .takeover, partial: .none, mark: .last, adl: .unranked, fundDrawdownLimit: nil)
        #expect(throws: LiquidationCalculator.Refusal.liquidatableAtEntry(margin: 1_000, maintenance: 2_000)) {
            try LiquidationCalculator.quote(venue: odd, symbol: "BTCUSDT", tierTable: nil, side: .long, entry: 100_000, quantity: 1, margin: 1_000)
        }
    }

    @Test("the calculator's warnings: leverage below 1, a tier crossing, a table named for an unlisted symbol")
    func calculatorWarnings() throws {
        let below = try LiquidationCalculator.quote(venue: Self.binance, symbol: "BTCUSDT", tierTable: nil, side: .long, entry: 60_000,
                                                    quantity: 1, margin: 120_000)
        #expect(below.liquidationPrice == 0 && below.bankruptcyPrice == 0 && below.leverage == 0.5)
        #expect(below.warnings == ["the margin is larger than the notional (leverage 0.5× < 1×): this long cannot be liquidated or go bankrupt"])
        // Binance's tier crossing (docs/venues.md): long 6 BTC @ 60,000, margin 72,000 is tier 2 at
        // entry and tier 1 at its liquidation price 48,192.77.
        let crossing = try LiquidationCalculator.quote(venue: Self.binance, symbol: "BTCUSDT", tierTable: nil, side: .long, entry: 60_000,
                                                       quantity: 6, margin: 72_000)
        #expect(abs(crossing.liquidationPrice - 48_192.77) < 0.005 && crossing.tier == 0 && crossing.tierAtEntry == 1)
        #expect(crossing.warnings == ["the tier at the liquidation price (1) is not the tier at entry (2)"])
        let named = try LiquidationCalculator.quote(venue: Self.binance, symbol: "DOGEUSDT", tierTable: .altcoin, side: .short,
                                                    entry: 0.2, quantity: 10_000, margin: 200)
        #expect(named.warnings == ["DOGEUSDT uses the altcoin table as --tier-table says, not a table of its own"])
    }

    @Test("tier leverage limits: Binance allows 150× below 300k, 100× to 800k")
    func leverageLimits() {
        let rule = VenuePreset.named("binance-usdm")!.rule(for: .btc)
        #expect(rule.allows(leverage: 150, quantity: 2, entryPrice: 100_000).allowed)
        #expect(!rule.allows(leverage: 150, quantity: 5, entryPrice: 100_000).allowed)
        #expect(rule.allows(leverage: 150, quantity: 5, entryPrice: 100_000).maximum == 100)
    }

    /// Hyperliquid positions with the liquidation prices the exchange reported (October 2024, when
    /// BTC and ETH allowed 50×, MMR 1%, and SOL and DOGE 20×, MMR 2.5%), as recorded in
    /// freqtrade's `tests/exchange/test_hyperliquid.py` [S]. The tables have changed since, so the
    /// rate of the time is given explicitly; the formula is the preset's.
    @Test("Hyperliquid: exchange-reported liquidation prices (tables of October 2024)", arguments: [
        (Side.long, 0.00077, 62_739.0, 24.137992, 0.01, 31_708.03843631),
        (Side.short, 0.00069, 68_595.0, 23.64871, 0.01, 101_849.99354),
        (Side.long, 0.0329, 2_545.5, 20.909894, 0.01, 1_929.23322895),
        (Side.short, 351.0, 0.14333, 25.136807, 0.025, 0.20970228),
    ])
    func hyperliquidReported(_ side: Side, _ quantity: Double, _ entry: Double, _ margin: Double, _ rate: Double, _ reported: Double) {
        let preset = VenuePreset.named("hyperliquid")!.rule(for: .btc)
        var rule = preset
        rule.tiers = [MarginTier(floor: 0, cap: .infinity, maxLeverage: 1 / (2 * rate), rate: rate, deduction: 0)]
        let price = rule.liquidationPrice(side: side, quantity: quantity, entryPrice: entry, margin: margin).price
        // The exchange rounds margins and prices internally: agreement to 1e-7.
        #expect(abs(price - reported) <= 1e-7 * reported, "\(price) vs \(reported)")
    }

    @Test("BitMEX's own risk-limit example: 180 XBT pays 0.5% maintenance; 230 XBT steps up to 1%")
    func bitmexRiskLimitStep() {
        // bitmex.com/app/riskLimitsExamples: base limit 200 XBT, step 150 XBT. At the preset's
        // 100,000 USD/XBT [E]: 18M and 23M USD of position value.
        let rule = VenuePreset.named("bitmex")!.rule(for: .btc)
        let small = rule.maintenanceMargin(quantity: 180, entryPrice: 100_000, at: 100_000)
        let large = rule.maintenanceMargin(quantity: 230, entryPrice: 100_000, at: 100_000)
        #expect(abs(small - 0.90 * 100_000) < 1e-6)          // 0.90 XBT
        #expect(abs(large - 0.01 * 230 * 100_000) < 1e-6)    // 1.00% of 230 XBT
        #expect(rule.tierIndex(quantity: 230, entryPrice: 100_000, at: 100_000) == 1)
    }

    /// dYdX's own examples [V]: the docs' isolated ETH short (dydxprotocol/v4-documentation,
    /// docs/pages/concepts/trading/liquidations.mdx @ df2cc99, also on dYdX's help centre), and
    /// the maintenance requirement of the protocol's TestIsLiquidatable (v4-chain
    /// protocol/x/clob/keeper/liquidations_test.go @ 84d4664, 2026-03-04).
    @Test("dYdX's docs: short 3 ETH @ 3,000 on 1,000 of equity, MMF 5% → 3,174.60; MMR of 0.1 BTC @ 50,000 at 10% is 500")
    func dydxExamples() {
        // p' = (e − s·p)/(|s|·MMF − s) = 10,000/3.15. The preset's small-cap fraction is the
        // example's 5%; its large-cap ETH fraction is 1.2%.
        let rule = VenuePreset.named("dydx-v4")!.rule(for: .altcoin)
        #expect(rule.maintenanceMarginRate == 0.05)
        let (price, tier) = rule.liquidationPrice(side: .short, quantity: 3, entryPrice: 3_000, margin: 1_000)
        #expect(abs(price - 10_000 / 3.15) < 1e-9 && tier == 0)
        #expect(String(format: "%.2f", price) == "3174.60")
        // "Remaining equity would be 5% of the notional: $476.2."
        #expect(abs((1_000 + 3 * (3_000 - price)) - 0.05 * 3 * price) < 1e-9)
        #expect(String(format: "%.1f", 0.05 * 3 * price) == "476.2")
        // TestIsLiquidatable: 0.1 BTC at 50,000 with MMF 10% requires 500 USDC; 499 of collateral
        // is liquidatable. (At exactly 500 dYdX is not — TNC < MMR strictly — where the model, at
        // that single price, liquidates: docs/venues.md, dYdX.)
        var tenPercent = rule
        tenPercent.tiers = [MarginTier(floor: 0, cap: .infinity, maxLeverage: 5, rate: 0.10, deduction: 0)]
        #expect(abs(tenPercent.maintenanceMargin(quantity: 0.1, entryPrice: 50_000, at: 50_000) - 500) < 1e-9)
        let position = Position(side: .long, quantity: 0.1, entryPrice: 50_000, leverage: 5_000 / 499.0)
        #expect(tenPercent.isLiquidatable(position, at: 50_000))
        #expect(!tenPercent.isLiquidatable(Position(side: .long, quantity: 0.1, entryPrice: 50_000, leverage: 5_000 / 501.0), at: 50_000))
    }
}
