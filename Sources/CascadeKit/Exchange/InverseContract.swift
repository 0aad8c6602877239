/// An inverse (coin-margined) perpetual a venue lists, with its margin rule: what
/// `cascade liquidation-price` uses for these symbols. Quantities are contracts of
/// `contractValue` USD; margins are in the coin.
public struct InverseContract: Sendable, Equatable {
    public var venue: String
    public var symbol: String
    /// The coin the contract is margined and settled in.
    public var coin: String
    /// USD face value of one contract.
    public var contractValue: Double
    /// The taker fee counted in the maintenance margin (the fee to close at the bankruptcy price).
    public var takerFee: Double
    /// Tiers in coin; the maintenance rule's close fee is ``takerFee`` (plus a funding rate where
    /// the venue counts it, given by the user).
    public var tiers: [MarginTier]
    /// Whether the venue counts the next funding payment in the maintenance margin (BitMEX).
    public var countsFunding: Bool

    /// The rule with `fundingRate` (the next funding the position pays, a fraction; 0 if none)
    /// counted where the venue counts it.
    public func rule(fundingRate: Double) -> InverseMarginRule {
        InverseMarginRule(tiers: tiers, maintenance: .entryValue(closeFee: takerFee + (countsFunding ? fundingRate : 0)))
    }

    /// The listed inverse contracts. The simulation runs an inverse book in the coin
    /// (``InverseMarginRule/reciprocal``), which works unchanged for a takeover settlement, a tier
    /// step-down and rankings without USD constants — BitMEX's and Bybit's mechanics; a venue with
    /// others (Binance COIN-M's margin-ratio ranking, whose max(1, margin) is in USD) needs them
    /// converted first (`CascadeResolver` refuses it).
    public static let listed: [InverseContract] = [
        // XBTUSD: 1 USD contracts, risk limit 200 XBT then steps of 150 XBT [S: BitMEX instrument
        // data in ccxt's fixture, 2026-05-21], MM 0.5% and IM 1% at the base, each step +0.5%
        // [V: BitMEX risk-limit examples]; maintenance 0.5% × entry value + (taker fee + funding)
        // × bankruptcy value [S: 2020 guide and BitMEX support]; taker fee 0.05%, the instrument's
        // `takerFee` [S: BitMEX `GET /instrument?symbol=XBTUSD` response of 2024-11-24, kept as
        // test data in nautilus_trader; an account's fee tier may differ]. It was 0.075% in
        // 2018–2020 (BitMEX's fee page of 2019 [V]).
        InverseContract(venue: "bitmex", symbol: "XBTUSD", coin: "XBT", contractValue: 1, takerFee: 0.0005,
                        tiers: VenuePreset.bitmexTable(baseLimit: 200, step: 150, baseMM: 0.005, baseIM: 0.01), countsFunding: true),
        // BTCUSD (inverse perpetual): 1 USD contracts; first risk limit 150 BTC at MMR 0.5%, IMR 1%,
        // 100× [V: Bybit v5 API "Get Risk Limit" example, 2022-12-26]; the higher limits were not
        // found, so a larger position is refused. Maintenance: MMR × entry value + the fee to close
        // at the bankruptcy price at 0.075% [V: Bybit help centre inverse liquidation example].
        InverseContract(venue: "bybit", symbol: "BTCUSD", coin: "BTC", contractValue: 1, takerFee: 0.00075,
                        tiers: [MarginTier(floor: 0, cap: 150, maxLeverage: 100, rate: 0.005, deduction: 0)], countsFunding: false),
    ]

    /// The inverse contract `symbol` on `venue`, if it is one.
    public static func named(_ symbol: String, venue: String) -> InverseContract? {
        listed.first { $0.symbol == symbol && $0.venue == venue }
    }
}
