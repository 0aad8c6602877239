/// Which tier table of a venue an asset uses.
public enum AssetClass: String, Sendable, CaseIterable, Codable {
    case btc, eth, altcoin

    /// The symbols whose table is known, matched exactly (docs/venues.md, "Symbols"): the
    /// venues' own spellings of the BTC, ETH and SOL perpetuals (the altcoin tables are SOL's on
    /// Binance and Hyperliquid, ADA's on OKX — listed too — and generic elsewhere). Any other
    /// symbol needs `market.assets[i].tierTable`, so that no contract silently gets another's
    /// tiers (ETHFIUSDT is not ETHUSDT, BTCDOMUSDT is not BTCUSDT).
    public static let symbols: [(symbol: String, assetClass: AssetClass)] =
        ["BTCUSDT", "BTCUSDC", "BTCUSD", "BTCUSD_PERP", "XBTUSD", "XBTUSDT", "BTC-USDT-SWAP", "BTC-USD-SWAP", "BTC-USD", "BTC"]
            .map { ($0, .btc) }
        + ["ETHUSDT", "ETHUSDC", "ETHUSD", "ETHUSD_PERP", "ETH-USDT-SWAP", "ETH-USD-SWAP", "ETH-USD", "ETH"].map { ($0, .eth) }
        + ["SOLUSDT", "SOLUSDC", "SOLUSD", "SOL-USDT-SWAP", "SOL-USD", "SOL", "ADAUSDT", "ADA-USDT-SWAP", "ADA-USD", "ADA"]
            .map { ($0, .altcoin) }

    /// The table of `symbol` by ``symbols`` (exact match), or nil when the symbol is not listed.
    public static func of(symbol: String) -> AssetClass? {
        symbols.first { $0.symbol == symbol }?.assetClass
    }
}

/// The price liquidations trigger on.
public enum MarkPriceRule: Sendable, Equatable {
    /// The venue's traded price (impact included as it happens: model M0).
    case last
    /// index + moving average of the basis (traded − index) over `window` seconds. The index is
    /// the fundamental price; a cascade's impact reaches the mark only through the average.
    case index(window: Double)
}

/// A venue's published liquidation rules as a named preset. Every number carries its source in
/// docs/venues.md; [E] there marks estimates.
public struct VenuePreset: Sendable {
    public let name: String
    public let tables: [AssetClass: [MarginTier]]
    public let basis: [AssetClass: TierBasis]
    public let maintenanceFee: Double
    public let liquidationFee: [AssetClass: Double]
    public let settlement: SettlementStyle
    public let partial: PartialLiquidation
    public let mark: MarkPriceRule
    public let adl: ADLRanking
    /// The insurance fund may fall at most this fraction below its peak before ADL takes over
    /// (OKX: 30%); nil: the fund is used down to zero.
    public let fundDrawdownLimit: Double?

    /// The margin rule of an asset of class `assetClass`.
    public func rule(for assetClass: AssetClass) -> MarginRule {
        MarginRule(tiers: tables[assetClass]!, basis: basis[assetClass]!, maintenanceFee: maintenanceFee,
                   liquidationFee: liquidationFee[assetClass]!, settlement: settlement)
    }

    public static func named(_ name: String) -> VenuePreset? { all.first { $0.name == name } }

    public static let names = all.map(\.name)

    /// The six presets (docs/venues.md).
    public static let all: [VenuePreset] = [binance, bybit, okx, bitmex, dydx, hyperliquid]

    static func same<T>(_ value: T) -> [AssetClass: T] { [.btc: value, .eth: value, .altcoin: value] }

    // MARK: Binance USDⓈ-M

    static let binance = VenuePreset(
        name: "binance-usdm",
        tables: [
            .btc: MarginTier.table(
                caps: [300_000, 800_000, 3_000_000, 12_000_000, 70_000_000, 100_000_000, 230_000_000, 480_000_000,
                       600_000_000, 800_000_000, 1_200_000_000, .infinity],
                maxLeverage: [150, 100, 75, 50, 25, 20, 10, 5, 4, 3, 2, 1],
                rates: [0.004, 0.005, 0.0065, 0.01, 0.02, 0.025, 0.05, 0.10, 0.125, 0.15, 0.25, 0.50]),
            // ETHUSDT since 2025-08-21 and SOLUSDT since 2025-06-26, complete [S: freqtrade's
            // binance_leverage_tiers.json, refreshed weekly from GET /fapi/v1/leverageBracket; copy
            // of 2026-03-26]. The top bracket's cap (1.2B, 400M) is ∞ here.
            .eth: MarginTier.table(
                caps: [300_000, 800_000, 3_000_000, 12_000_000, 50_000_000, 65_000_000, 150_000_000, 320_000_000,
                       400_000_000, 530_000_000, 800_000_000, .infinity],
                maxLeverage: [150, 100, 75, 50, 25, 20, 10, 5, 4, 3, 2, 1],
                rates: [0.004, 0.005, 0.0065, 0.01, 0.02, 0.025, 0.05, 0.10, 0.125, 0.15, 0.25, 0.50]),
            .altcoin: MarginTier.table(
                caps: [50_000, 400_000, 1_000_000, 4_000_000, 8_000_000, 40_000_000, 80_000_000, 100_000_000,
                       200_000_000, .infinity],
                maxLeverage: [100, 75, 50, 25, 20, 10, 5, 4, 2, 1],
                rates: [0.005, 0.0065, 0.01, 0.02, 0.025, 0.05, 0.10, 0.125, 0.25, 0.50]),
        ],
        basis: same(.notionalAtLiquidation), maintenanceFee: 0,
        // The per-symbol liquidationFee of GET /fapi/v1/exchangeInfo: BTCUSDT 1.25% (captures of
        // 2024-03-28 and 2026-09-15), ETHUSDT 1.25% and SOLUSDT 1.5% (2024-03-28) [S].
        liquidationFee: [.btc: 0.0125, .eth: 0.0125, .altcoin: 0.015],
        settlement: .takeover, partial: .none, mark: .index(window: 30), adl: .pnlTimesMarginRatio,
        fundDrawdownLimit: nil)

    // MARK: Bybit (USDT perpetual)

    static let bybit = VenuePreset(
        name: "bybit",
        tables: [
            // BTCUSDT: a first tier of 300k at 150× and 0.33% [S: risk-limit API captures of 2026],
            // then the 20 tiers of the "Margin Parameters" page [V, undated] (the captures' tiers 2
            // and 3, deductions 510 and 1,710, agree with them). The venue's table now runs to 35
            // tiers (1× at 60%); the tiers above 80M were not found, so the last one here is open.
            .btc: MarginTier.table(
                caps: [300_000, 2_000_000, 2_600_000, 3_200_000, 3_800_000, 4_400_000, 5_000_000, 5_600_000, 8_500_000,
                       10_000_000, 14_000_000, 20_000_000, 28_000_000, 38_000_000, 50_000_000, 55_000_000, 60_000_000,
                       65_000_000, 70_000_000, 75_000_000, .infinity],
                maxLeverage: [150, 100, 90, 80, 75, 70, 65, 55, 50, 45, 40, 35, 30, 25, 20, 19, 18, 17, 16, 15, 14],
                rates: [0.0033, 0.005, 0.0056, 0.0063, 0.0067, 0.0071, 0.0077, 0.0091, 0.01, 0.013, 0.015, 0.016, 0.02,
                        0.025, 0.029, 0.03, 0.035, 0.036, 0.038, 0.04, 0.045]),
            .eth: MarginTier.table(caps: [1_000_000, 2_000_000, 4_000_000, .infinity], maxLeverage: [100, 50, 33, 25],
                                   rates: [0.005, 0.01, 0.015, 0.02]),
            .altcoin: MarginTier.table(caps: [200_000, 500_000, 1_000_000, .infinity], maxLeverage: [50, 33, 25, 20],
                                       rates: [0.01, 0.015, 0.02, 0.025]),
        ],
        basis: same(.notionalAtEntry), maintenanceFee: 0, liquidationFee: same(0),
        settlement: .takeover, partial: .tierStepDown(tiers: 1, fromTier: 1), mark: .index(window: 300),
        adl: .pnlTimesEffectiveLeverage, fundDrawdownLimit: nil)

    // MARK: OKX (USDT swap; tiers in contracts)

    static func okxTable(firstCap: Double, step: Double) -> [MarginTier] {
        // Up to firstCap, 2·firstCap, 4·firstCap contracts (inclusive caps), then + step per tier;
        // MMR 0.5%, 0.75%, 1% then +0.5%; IMR 1.33%, 2%, 2.5% then +0.5% (max leverage 1/IMR).
        // The whole position pays its tier's rate.
        var caps = [firstCap, 2 * firstCap, 4 * firstCap]
        var rates = [0.005, 0.0075, 0.01]
        var imr = [0.0133, 0.02, 0.025]
        for i in 1...5 {
            caps.append(4 * firstCap + Double(i) * step)
            rates.append(0.01 + 0.005 * Double(i))
            imr.append(0.025 + 0.005 * Double(i))
        }
        caps[caps.count - 1] = .infinity
        return MarginTier.table(caps: caps, maxLeverage: imr.map { ($0 < 0.0134 ? 75 : (1 / $0 * 100).rounded(.down) / 100) },
                                rates: rates, continuous: false)
    }

    static let okx = VenuePreset(
        name: "okx",
        tables: [.btc: okxTable(firstCap: 15_000, step: 60_000), .eth: okxTable(firstCap: 25_000, step: 100_000),
                 .altcoin: okxTable(firstCap: 1_500, step: 6_000)],
        basis: [.btc: .contracts(contractSize: 0.01), .eth: .contracts(contractSize: 0.1),
                .altcoin: .contracts(contractSize: 100)],
        maintenanceFee: 0.0005, liquidationFee: same(0.0005),
        settlement: .takeover, partial: .tierStepDown(tiers: 2, fromTier: 2), mark: .index(window: 300),
        adl: .pnlTimesEffectiveLeverage, fundDrawdownLimit: 0.30)

    // MARK: BitMEX (step risk limits, no deduction)

    static func bitmexTable(baseLimit: Double, step: Double, baseMM: Double, baseIM: Double) -> [MarginTier] {
        let steps = 0..<8
        return MarginTier.table(
            caps: steps.map { $0 == 7 ? .infinity : baseLimit + Double($0) * step },
            maxLeverage: steps.map { ((1 / (baseIM + Double($0) * baseMM)) * 100).rounded(.down) / 100 },
            rates: steps.map { baseMM + Double($0) * baseMM }, continuous: false)
    }

    static let bitmex = VenuePreset(
        name: "bitmex",
        tables: [
            // XBTUSD: base risk limit 200 XBT, step 150 XBT, MM 0.5%, IM 1%, at 100,000 USD/XBT [E].
            .btc: bitmexTable(baseLimit: 20_000_000, step: 15_000_000, baseMM: 0.005, baseIM: 0.01),
            // ETHUSDT (linear): risk limit and step 1M USDT, MM 0.5%, IM 1% [S: ccxt's BitMEX
            // instrument fixture, 2026-05-21].
            .eth: bitmexTable(baseLimit: 1_000_000, step: 1_000_000, baseMM: 0.005, baseIM: 0.01),
            .altcoin: bitmexTable(baseLimit: 40_000, step: 40_000, baseMM: 0.01, baseIM: 0.02),
        ],
        basis: same(.riskLimitAtEntry), maintenanceFee: 0, liquidationFee: same(0),
        settlement: .takeover, partial: .tierStepDown(tiers: 1, fromTier: 1), mark: .index(window: 0),
        adl: .pnlTimesEffectiveLeverage, fundDrawdownLimit: nil)

    // MARK: dYdX v4 (one IMF/MMF per market)

    static let dydx = VenuePreset(
        name: "dydx-v4",
        tables: [
            .btc: [MarginTier(floor: 0, cap: .infinity, maxLeverage: 50, rate: 0.012, deduction: 0)],
            .eth: [MarginTier(floor: 0, cap: .infinity, maxLeverage: 50, rate: 0.012, deduction: 0)],
            .altcoin: [MarginTier(floor: 0, cap: .infinity, maxLeverage: 10, rate: 0.05, deduction: 0)],
        ],
        basis: same(.notionalAtLiquidation), maintenanceFee: 0, liquidationFee: same(0),
        settlement: .cappedFee(rate: 0.015), partial: .perBlockCap(fraction: 0.10, notional: 100_000, blockSeconds: 1),
        mark: .index(window: 0), adl: .unranked, fundDrawdownLimit: nil)

    // MARK: Hyperliquid (MMR = 1/(2·max leverage))

    static func hyperliquidTable(firstCap: Double, leverages: [Double]) -> [MarginTier] {
        MarginTier.table(caps: [firstCap, .infinity], maxLeverage: leverages, rates: leverages.map { 1 / (2 * $0) })
    }

    static let hyperliquid = VenuePreset(
        name: "hyperliquid",
        tables: [.btc: hyperliquidTable(firstCap: 150_000_000, leverages: [40, 20]),
                 .eth: hyperliquidTable(firstCap: 100_000_000, leverages: [25, 15]),
                 .altcoin: hyperliquidTable(firstCap: 70_000_000, leverages: [20, 10])],
        basis: same(.notionalAtLiquidation), maintenanceFee: 0, liquidationFee: same(0),
        settlement: .market(backstop: 2.0 / 3), partial: .chunk(threshold: 100_000, fraction: 0.2, cooldown: 30),
        mark: .index(window: 150), adl: .markOverEntryTimesLeverage, fundDrawdownLimit: nil)
}
