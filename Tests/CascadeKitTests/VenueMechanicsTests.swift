import Foundation
import Testing
@testable import CascadeKit

/// Records the individually handled closures and the deleveragings of traced paths.
struct MechanicsObserver: CascadeObserver {
    struct Closed: Equatable { var step: Int; var side: Side; var ladderIndex: Int; var quantity: Double; var full: Bool; var price: Double }
    struct Deleveraged: Equatable { var step: Int; var side: Side; var ladderIndex: Int; var quantity: Double; var price: Double }
    var closed: [Closed] = []
    var deleveraged: [Deleveraged] = []
    var rounds: [(step: Int, round: Int)] = []

    mutating func roundClosed(path: Int, asset: Int, step: Int, round: Int, side: Side, range: Range<Int>,
                              roundPrice: Double, executionPrice: Double) {
        rounds.append((step, round))
    }
    mutating func stepEnded(path: Int, asset: Int, step: Int, logFundamental: Double, logImpact: Double) {}
    mutating func positionClosed(path: Int, asset: Int, step: Int, round: Int, side: Side, ladderIndex: Int,
                                 quantity: Double, full: Bool, executionPrice: Double) {
        closed.append(Closed(step: step, side: side, ladderIndex: ladderIndex, quantity: quantity, full: full, price: executionPrice))
        rounds.append((step, round))
    }
    mutating func deleveraged(path: Int, asset: Int, step: Int, side: Side, ladderIndex: Int, quantity: Double, price: Double) {
        deleveraged.append(Deleveraged(step: step, side: side, ladderIndex: ladderIndex, quantity: quantity, price: price))
    }
}

@Suite("Venue mechanics")
struct VenueMechanicsTests {
    /// One asset with `positions` under `rule` and `mechanics`; the price falls by `factor` per
    /// step with no noise; impact off unless given.
    static func config(_ positions: [Position], rule: MarginRule, mechanics: LiquidationMechanics, factor: Double,
                       steps: Int = 10, fund: Double = 0, impact: ImpactModel? = nil, price: Double? = nil) -> SimulationConfig {
        // The path starts at `price`, by default the first position's entry price.
        var config = TestBooks.config(positions: positions, price: price ?? positions[0].entryPrice, drift: TestBooks.drift(movingBy: factor),
                                      impact: impact ?? ImpactModel(shape: .linear, depth: 1, coefficient: 0, recoveryHalfLife: 60),
                                      insuranceFund: fund, steps: steps)
        config.assets[0].ladder = LiquidationLadder(positions: positions, rule: rule)
        config.assets[0].mechanics = mechanics
        return config
    }

    static func trace(_ config: SimulationConfig) -> (PathResults, MechanicsObserver) {
        var observer = MechanicsObserver()
        let result = SimulationEngine(config: config).trace(path: 0, observer: &observer)
        return (result.paths, observer)
    }

    /// A long that gaps far below bankruptcy, and profitable shorts to deleverage.
    static let gapBook: [Position] = [
        Position(side: .long, quantity: 5, entryPrice: 100, leverage: 10),            // bankruptcy 90
        Position(side: .short, quantity: 2, entryPrice: 110, leverage: 2),
        Position(side: .short, quantity: 2, entryPrice: 105, leverage: 10),
        Position(side: .short, quantity: 2, entryPrice: 120, leverage: 5),
        Position(side: .short, quantity: 2, entryPrice: 101, leverage: 20),
    ]

    @Test("deleveraging closes profitable opposite positions in the ranking's order, at the bankruptcy price",
          arguments: [ADLRanking.pnlTimesEffectiveLeverage, .pnlTimesMarginRatio, .markOverEntryTimesLeverage])
    func deleveragingOrder(_ ranking: ADLRanking) {
        let rule = MarginRule(maintenanceMarginRate: 0.005)
        // One step of −25%: the long (liquidation 90.45, bankruptcy 90) executes at 75.
        let config = Self.config(Self.gapBook, rule: rule, mechanics: LiquidationMechanics(deleveraging: ranking),
                                 factor: 0.75, steps: 1)
        let (results, observer) = Self.trace(config)
        let x = 75.0
        // Expected ranks, computed here from the published formulas.
        func rank(_ p: Position) -> Double {
            let pnl = p.quantity * (p.entryPrice - x)
            let bankruptcy = p.entryPrice * (1 + 1 / p.leverage)
            switch ranking {
            case .pnlTimesEffectiveLeverage: return (p.entryPrice - x) / p.entryPrice * (x / (bankruptcy - x))
            case .markOverEntryTimesLeverage:
                // Hyperliquid's index, a short's price ratio entry / mark: (E/x)·(q·x / (M + pnl)).
                return p.entryPrice / x * (p.quantity * x / (p.margin + pnl))
            default:
                let equity = p.margin + pnl
                return pnl / max(1, p.margin) * (0.005 * p.quantity * x / equity)
            }
        }
        let shorts = config.assets[0].ladder.shorts
        let expectedOrder = (0..<shorts.count).sorted { rank(Self.gapBook[shorts.positionIndex[$0]]) > rank(Self.gapBook[shorts.positionIndex[$1]]) }
        // The shortfall 5·(90 − 75) = 75 is covered by closing 5 units (its whole quantity) at 90.
        #expect(observer.deleveraged.map(\.ladderIndex) == Array(expectedOrder.prefix(3)))
        #expect(zip(observer.deleveraged.map(\.quantity), [2.0, 2, 1]).allSatisfy { abs($0 - $1) < 1e-9 } && observer.deleveraged.count == 3)
        #expect(observer.deleveraged.allSatisfy { abs($0.price - 90) < 1e-9 })
        #expect(abs(results[.adlCoveredDeficit, 0] - 75) < 1e-9)
        #expect(results[.badDebt, 0] == 0)
        #expect(results[.adlCount, 0] == 3)
        #expect(abs(results[.adlNotional, 0] - 450) < 1e-9)
    }

    @Test("unranked deleveraging (dYdX) takes opposite positions in ladder order from a pseudo-random start")
    func unrankedDeleveraging() {
        let config = Self.config(Self.gapBook, rule: MarginRule(maintenanceMarginRate: 0.005),
                                 mechanics: LiquidationMechanics(deleveraging: .unranked), factor: 0.75, steps: 1)
        let (results, observer) = Self.trace(config)
        let indices = observer.deleveraged.map(\.ladderIndex)
        #expect(indices.count == 3)
        for (a, b) in zip(indices, indices.dropFirst()) { #expect(b == (a + 1) % 4) }
        #expect(abs(results[.adlCoveredDeficit, 0] - 75) < 1e-9 && results[.badDebt, 0] == 0)
    }

    @Test("deleveraging reaches losing counterparties after the profitable ones, and skips one it would bankrupt",
          arguments: [ADLRanking.pnlTimesEffectiveLeverage, .pnlTimesMarginRatio, .markOverEntryTimesLeverage])
    func losingCounterparties(_ ranking: ADLRanking) {
        // A long of 5 at 100, 10× (bankruptcy 90) gaps to 75: a deficit of 5 × 15 = 75, covered
        // at 90. Shorts: 2 @ 80 at 5× (profitable at 75; equity at 90: 32 − 20 = 12), 2 @ 70 at 2×
        // (losing; equity at 90: 70 − 40 = 30), 2 @ 72 at 20× (losing, still open at 75, but its
        // equity at 90 would be 7.2 − 36 < 0: skipped). BitMEX ranks the losers by PnL% ÷
        // effective leverage (−0.0286 for @70, −0.00033 for @72), Binance ranks them 0 (last,
        // ladder order), Hyperliquid's index puts them after the profitable ones (−1/2.33 for @70,
        // −1/120 for @72).
        let book = [Position(side: .long, quantity: 5, entryPrice: 100, leverage: 10),
                    Position(side: .short, quantity: 2, entryPrice: 80, leverage: 5),
                    Position(side: .short, quantity: 2, entryPrice: 70, leverage: 2),
                    Position(side: .short, quantity: 2, entryPrice: 72, leverage: 20)]
        let config = Self.config(book, rule: MarginRule(maintenanceMarginRate: 0.005), mechanics: LiquidationMechanics(deleveraging: ranking),
                                 factor: 0.75, steps: 1, price: 100)
        let (results, observer) = Self.trace(config)
        let shorts = config.assets[0].ladder.shorts
        let entries = observer.deleveraged.map { shorts.holdings[$0.ladderIndex].entryPrice }
        #expect(entries == [80, 70], "\(entries)")
        #expect(observer.deleveraged.allSatisfy { abs($0.price - 90) < 1e-9 && abs($0.quantity - 2) < 1e-9 })
        #expect(abs(results[.adlCoveredDeficit, 0] - 60) < 1e-9)       // 4 units × 15
        #expect(abs(results[.badDebt, 0] - 15) < 1e-9)
        // The ranks themselves.
        let effective = ADLRanking.pnlTimesEffectiveLeverage
        let at70 = Holding(quantity: 2, entryPrice: 70, margin: 70), at72 = Holding(quantity: 2, entryPrice: 72, margin: 7.2)
        #expect(abs(effective.rank(at70, sign: -1, at: 75, rule: MarginRule(maintenanceMarginRate: 0.005)) - (-5.0 / 70) / 2.5) < 1e-12)
        #expect(abs(effective.rank(at72, sign: -1, at: 75, rule: MarginRule(maintenanceMarginRate: 0.005)) - (-3.0 / 72) / 125) < 1e-9)
        #expect(ADLRanking.pnlTimesMarginRatio.rank(at70, sign: -1, at: 75, rule: MarginRule(maintenanceMarginRate: 0.005)) == 0)
    }

    @Test("without enough opposite positions the rest of the shortfall is bad debt; without deleveraging all of it")
    func deleveragingCapacity() {
        let book = [Self.gapBook[0], Self.gapBook[1]]   // 2 units of shorts for a 5-unit shortfall
        let with = Self.trace(Self.config(book, rule: MarginRule(maintenanceMarginRate: 0.005),
                                          mechanics: LiquidationMechanics(deleveraging: .pnlTimesEffectiveLeverage), factor: 0.75, steps: 1)).0
        #expect(abs(with[.adlCoveredDeficit, 0] - 30) < 1e-9)     // 2 units × (90 − 75)
        #expect(abs(with[.badDebt, 0] - 45) < 1e-9)
        let without = Self.trace(Self.config(book, rule: MarginRule(maintenanceMarginRate: 0.005), mechanics: .m0, factor: 0.75, steps: 1)).0
        #expect(abs(without[.badDebt, 0] - 75) < 1e-9 && without[.adlCount, 0] == 0)
    }

    @Test("tier step-down: a tier-2 position is cut to tier 1's cap, and liquidated in full only later")
    func tierStepDown() {
        let tiers = MarginTier.table(caps: [1_000_000, .infinity], maxLeverage: [100, 50], rates: [0.005, 0.01])
        let rule = MarginRule(tiers: tiers, basis: .notionalAtEntry)
        let long = Position(side: .long, quantity: 15, entryPrice: 100_000, leverage: 20)     // $1.5M: tier 2
        // Small steps (−0.1%), so that the price does not overshoot the first liquidation price by
        // more than the step-down frees.
        let factor = 0.999, steps = 300
        func price(_ step: Int) -> Double { 100_000 * pow(factor, Double(step + 1)) }
        let config = Self.config([long], rule: rule, mechanics: LiquidationMechanics(partial: .tierStepDown(tiers: 1, fromTier: 1)),
                                 factor: factor, steps: steps)
        let (results, observer) = Self.trace(config)
        #expect(observer.closed.count == 2)
        guard observer.closed.count == 2 else { return }
        let first = observer.closed[0], second = observer.closed[1]
        // Tier 2: MM = 1.5M·1% − 5,000 = 10,000; LP = E − (M − MM)/q = 100,000 − 65,000/15.
        let lp1 = 100_000 - (75_000 - 10_000) / 15.0
        let step1 = (0..<steps).first { price($0) <= lp1 }!
        #expect(first.step == step1 && !first.full)
        // Caps are inclusive: the rest is exactly tier 1's cap, $1M at entry (10 BTC).
        let keep = 1_000_000 / 100_000.0
        #expect(rule.tierIndex(size: keep * 100_000) == 0)
        #expect(abs(first.quantity - (15 - keep)) < 1e-9)
        // The rest (tier 1 at entry) keeps the margin less the realised loss.
        let x1 = price(step1)
        let margin2 = 75_000 - (15 - keep) * (100_000 - x1)
        let lp2 = 100_000 - (margin2 - keep * 100_000 * 0.005) / keep
        #expect(lp2 < x1)
        let step2 = (0..<steps).first { price($0) <= lp2 }!
        #expect(step2 > step1)
        #expect(second.step == step2 && second.full && abs(second.quantity - keep) < 1e-9)
        #expect(results[.partialLiquidations, 0] == 1 && results[.liquidations, 0] == 1)
    }

    /// What `preset`'s partial rule closes of a long of `quantity` at `entry` whose equity at the
    /// mark `mark` is `equity`.
    static func stepDown(_ preset: String, quantity: Double, entry: Double, mark: Double, equity: Double) -> Double {
        let venue = VenuePreset.named(preset)!
        let margin = equity - quantity * (mark - entry)
        return venue.partial.closing(sign: 1, quantity: quantity, entryPrice: entry, margin: margin, rule: venue.rule(for: .btc),
                                     price: mark, mark: mark, now: 60, fullUntil: -1, stepSeconds: 60).quantity
    }

    @Test("Bybit steps down to the highest lower risk limit whose requirement the rest meets, several at once, else takes over",
          arguments: [(20_000.0, 6.0), (15_000, 12), (12_000, 18), (9_000, 35), (500, 38)])
    func bybitStepDown(_ equity: Double, _ closed: Double) {
        // BTCUSDT: 38 BTC at 100,000 is $3.8M, the fifth risk limit (cap 3.8M inclusive, 0.67%,
        // deduction 4,810): MM = 25,460 − 4,810 = 20,650, so every equity here is liquidatable.
        // The rest's requirement in the limit below (32 BTC, $3.2M, 0.63%): 20,160 − 3,530 =
        // 16,630; then 26 BTC (0.56%): 14,560 − 1,710 = 12,850; 20 BTC (0.5%): 10,000 − 510 =
        // 9,490; 3 BTC ($300k, 0.33%): 990. Deductions by Bybit's formula (510 and 1,710 as the
        // venue's API reports them).
        let rule = VenuePreset.named("bybit")!.rule(for: .btc)
        #expect(rule.tierIndex(size: 3_800_000) == 4)
        for (quantity, mm) in [(38.0, 20_650.0), (32, 16_630), (26, 12_850), (20, 9_490), (3, 990)] {
            #expect(abs(rule.maintenanceMargin(quantity: quantity, entryPrice: 100_000, at: 99_000) - mm) < 1e-6, "\(quantity)")
        }
        #expect(abs(Self.stepDown("bybit", quantity: 38, entry: 100_000, mark: 99_000, equity: equity) - closed) < 1e-9)
    }

    @Test("BitMEX steps the risk limit down as far as needed; below the base limit's requirement it takes over",
          arguments: [(400_000.0, 150.0), (200_000, 300), (50_000, 500)])
    func bitmexStepDown(_ equity: Double, _ closed: Double) {
        // 500 BTC at 100,000 = $50M: the third risk limit (cap $50M inclusive), MM 1.5% of value.
        // Limits $35M (1%) and $20M (0.5%) need 350,000 and 100,000 at the mark 100,000.
        let rule = VenuePreset.named("bitmex")!.rule(for: .btc)
        #expect(rule.tierIndex(size: 50_000_000) == 2 && rule.tiers[2].rate == 0.015)
        #expect(abs(Self.stepDown("bitmex", quantity: 500, entry: 100_000, mark: 100_000, equity: equity) - closed) < 1e-9)
    }

    @Test("OKX reduces two tiers at a time while the rest fails, and closes in full only when tier 1 or 2 fails",
          arguments: [(2_000.0, 2_000_000.0, 800.0), (2_000, 1_000_000, 1_700), (2_000, 200_000, 2_000),
                      (500, 100_000, 350), (500, 50_000, 500), (250, 60_000, 250)])
    func okxStepDown(_ quantity: Double, _ equity: Double, _ closed: Double) {
        // Tiers in contracts of 0.01 BTC, caps 15k, 30k, 60k, 120k, 180k, 240k, …; MMR 0.5%, 0.75%,
        // 1%, 1.5%, 2%, 2.5% plus the 0.05% fee. 2,000 BTC (200k contracts) is tier 6: two tiers
        // down is tier 4 (1,200 BTC, MM 1,200·100,000·1.55% = 1.86M), then tier 2 (300 BTC, 0.8%:
        // 240,000), below which it closes in full. 500 BTC (tier 3) goes to tier 1 (150 BTC,
        // 0.55%: 82,500). 250 BTC is tier 2: no reduction, in full.
        let rule = VenuePreset.named("okx")!.rule(for: .btc)
        #expect(rule.tierIndex(size: 15_000) == 0 && rule.tierIndex(size: 15_001) == 1)
        #expect(abs(Self.stepDown("okx", quantity: quantity, entry: 100_000, mark: 100_000, equity: equity) - closed) < 1e-9)
    }

    @Test("a position of exactly a tier's cap is in the lower tier (Binance and Bybit publish caps as ≤)")
    func inclusiveCaps() {
        let binance = VenuePreset.named("binance-usdm")!.rule(for: .btc)
        #expect(binance.tierIndex(size: 300_000) == 0 && binance.tierIndex(size: 300_000.0.nextUp) == 1)
        #expect(binance.allows(leverage: 150, quantity: 3, entryPrice: 100_000).allowed)
        let bybit = VenuePreset.named("bybit")!.rule(for: .btc)
        #expect(bybit.tierIndex(size: 2_000_000) == 1 && bybit.tierIndex(size: 2_000_000.0.nextUp) == 2)
        // What a step-down keeps is within the cap to the last bit.
        for price in [99_999.0, 100_000, 61_234.5678] {
            let keep = binance.largestQuantity(inTier: 0, entryPrice: price, at: price)
            #expect(keep * price <= 300_000 && keep.nextUp * price > 300_000)
        }
    }

    @Test("chunked liquidation (Hyperliquid): 20% of a large position; what is still liquidatable within the cooldown goes in full")
    func chunkThenFullWithinCooldown() {
        // A flat rate: closing 20% at market leaves the rest's equity/notional unchanged, so it is
        // still liquidatable in the same step — inside the cooldown, hence closed in full.
        let rule = MarginRule(maintenanceMarginRate: 0.0125)
        let long = Position(side: .long, quantity: 5, entryPrice: 100_000, leverage: 10)     // $500k > $100k
        let mechanics = LiquidationMechanics(partial: .chunk(threshold: 100_000, fraction: 0.2, cooldown: 30))
        let (_, observer) = Self.trace(Self.config([long], rule: rule, mechanics: mechanics, factor: 0.985, steps: 20))
        #expect(observer.closed.count == 2)
        guard observer.closed.count == 2 else { return }
        let first = observer.closed[0], second = observer.closed[1]
        #expect(!first.full && abs(first.quantity - 1) < 1e-12)        // 20% of 5
        #expect(second.step == first.step && second.full && abs(second.quantity - 4) < 1e-12)
    }

    @Test("chunked liquidation: after the cooldown a new liquidation is another 20% chunk, within it the whole rest",
          arguments: [30.0, 600.0])
    func chunkCooldown(_ cooldown: Double) {
        // Tiers make the chunk bring the rest to a lower maintenance rate, so it survives the step.
        let tiers = MarginTier.table(caps: [450_000, .infinity], maxLeverage: [50, 20], rates: [0.005, 0.02])
        let rule = MarginRule(tiers: tiers, basis: .notionalAtEntry)
        let long = Position(side: .long, quantity: 5, entryPrice: 100_000, leverage: 10)     // $500k: tier 2
        let mechanics = LiquidationMechanics(partial: .chunk(threshold: 100_000, fraction: 0.2, cooldown: cooldown))
        let (_, observer) = Self.trace(Self.config([long], rule: rule, mechanics: mechanics, factor: 0.9995, steps: 400))
        #expect(observer.closed.count >= 2)
        guard observer.closed.count >= 2 else { return }
        let first = observer.closed[0], second = observer.closed[1]
        #expect(!first.full && abs(first.quantity - 1) < 1e-12)
        #expect(second.step > first.step)
        if Double(second.step - first.step) * 60 <= cooldown {
            #expect(second.full && abs(second.quantity - 4) < 1e-12)
        } else {
            #expect(!second.full && abs(second.quantity - 0.8) < 1e-12)
        }
        // Both branches are exercised by the two cooldowns.
        #expect((Double(second.step - first.step) * 60 <= cooldown) == (cooldown == 600))
    }

    @Test("a per-block cap spreads a large liquidation over steps (dYdX: $100k per one-second block)")
    func perBlockCap() {
        let rule = MarginRule(maintenanceMarginRate: 0.012)
        let long = Position(side: .long, quantity: 200, entryPrice: 100_000, leverage: 20)   // $20M
        let mechanics = LiquidationMechanics(partial: .perBlockCap(fraction: 0.1, notional: 100_000, blockSeconds: 1))
        let (results, observer) = Self.trace(Self.config([long], rule: rule, mechanics: mechanics, factor: 0.995, steps: 30))
        // 60 blocks of at most $100k: at most $6M per one-minute step.
        #expect(observer.closed.count >= 4)
        let steps = observer.closed.map(\.step)
        #expect(Set(steps).count == steps.count)                        // at most one closure per step
        for c in observer.closed.dropLast() { #expect(!c.full && c.quantity * c.price <= 6_000_000 * (1 + 1e-9)) }
        #expect(abs(observer.closed.reduce(0) { $0 + $1.quantity } - 200) < 1e-9)
        #expect(results[.liquidations, 0] == 1)
    }

    @Test("market settlement keeps the trader's equity above ⅔ of maintenance, else the backstop takes it (Hyperliquid)",
          arguments: [(0.91, true), (0.905, false)])
    func marketSettlement(_ factor: Double, _ traderKeeps: Bool) {
        let rule = VenuePreset.named("hyperliquid")!.rule(for: .btc)
        let long = Position(side: .long, quantity: 1, entryPrice: 100_000, leverage: 10)     // LP 91,139.24
        let (results, _) = Self.trace(Self.config([long], rule: rule, mechanics: .m0, factor: factor, steps: 1, fund: 1_000))
        let x = 100_000 * factor
        let equity = 10_000 - (100_000 - x)
        if traderKeeps {
            #expect(abs(results[.marginLost, 0] - (10_000 - equity)) < 1e-6)
            #expect(results[.fundReceipts, 0] == 0)
        } else {
            #expect(abs(results[.marginLost, 0] - 10_000) < 1e-6)
            #expect(abs(results[.fundReceipts, 0] - equity) < 1e-6)
        }
    }

    @Test("capped fee, dYdX's case with the surplus below the cap: 1 BTC long, USDC −49,450, filled at 49,925")
    func cappedFeeAllSurplus() {
        // docs/venues.md, D2a: bankruptcy 49,450; fill 49,925; surplus 475 < 1.5%·49,925 = 748.88,
        // so the fee is the whole surplus and the trader keeps nothing.
        let rule = VenuePreset.named("dydx-v4")!.rule(for: .btc)                           // MMF 1.2%
        let long = Position(side: .long, quantity: 1, entryPrice: 50_000, leverage: 50_000 / 550.0)  // margin 550
        let (results, _) = Self.trace(Self.config([long], rule: rule, mechanics: .m0, factor: 0.9985, steps: 1))
        #expect(abs(results[.fundReceipts, 0] - 475) < 1e-9)
        #expect(abs(results[.liquidationFees, 0] - 475) < 1e-9)
        #expect(abs(results[.marginLost, 0] - 550) < 1e-9)
        #expect(abs(results[.counterpartyGains, 0] - 75) < 1e-9)
    }

    @Test("a hand-built ledger: surplus, deficit, fund, deleveraging and bad debt, to the cent")
    func ledger() {
        let rule = MarginRule(maintenanceMarginRate: 0.005)
        let book = [
            Position(side: .long, quantity: 5, entryPrice: 100, leverage: 10),              // M 50, P_bk 90
            Position(side: .long, quantity: 10, entryPrice: 80, leverage: 800 / 52.0),      // M 52, P_bk 74.8, P_liq 75.18
            Position(side: .short, quantity: 2, entryPrice: 110, leverage: 2),              // the only counterparty
        ]
        let config = Self.config(book, rule: rule, mechanics: LiquidationMechanics(deleveraging: .pnlTimesEffectiveLeverage),
                                 factor: 0.75, steps: 1, fund: 30)
        let (r, observer) = Self.trace(config)
        // Both longs go in one round at X = 75: receipts 5·(75 − 90) = −75 and 10·(75 − 74.8) = +2.
        #expect(r[.liquidations, 0] == 2)
        #expect(abs(r[.marginLost, 0] - 102) < 1e-9)
        #expect(abs(r[.counterpartyGains, 0] - 175) < 1e-9)                 // 5·25 + 10·5
        #expect(abs(r[.fundReceipts, 0] - -73) < 1e-9)
        // The fund pays its 30; the other 43 go to deleveraging at the bankruptcy price of the
        // closure that lost them, the first long's 90 (the second closed with equity left and
        // lost the fund nothing): the short's 2 units cover 2·(90 − 75) = 30, the other 13 are
        // bad debt.
        let bankruptcy = 90.0
        #expect(observer.deleveraged.count == 1 && abs(observer.deleveraged[0].quantity - 2) < 1e-12)
        #expect(abs(observer.deleveraged[0].price - bankruptcy) < 1e-9)
        #expect(abs(r[.adlCoveredDeficit, 0] - 30) < 1e-9)
        #expect(abs(r[.adlNotional, 0] - 2 * bankruptcy) < 1e-9)
        #expect(abs(r[.badDebt, 0] - 13) < 1e-9)
        #expect(r[.insuranceFundEnd, 0] == 0 && r[.insuranceFundMin, 0] == 0)
        // The identities.
        #expect(abs(r[.marginLost, 0] - (r[.counterpartyGains, 0] + r[.fundReceipts, 0])) < 1e-9)
        #expect(abs((r[.insuranceFundEnd, 0] - 30) - (r[.fundReceipts, 0] + r[.adlCoveredDeficit, 0] + r[.badDebt, 0])) < 1e-9)
    }

    @Test("capped fee: the fund takes min(1.5%·notional, surplus) and the trader keeps the rest (dYdX)")
    func cappedFee() {
        let rule = VenuePreset.named("dydx-v4")!.rule(for: .altcoin)                       // MMF 5%
        let long = Position(side: .long, quantity: 10, entryPrice: 150, leverage: 5)         // margin 300, LP 126.3158
        let (results, _) = Self.trace(Self.config([long], rule: rule, mechanics: .m0, factor: 0.84, steps: 1))
        // X = 126: equity 300 − 240 = 60; fee min(0.015·1,260, 60) = 18.9; the trader keeps 41.1.
        #expect(abs(results[.fundReceipts, 0] - 18.9) < 1e-9)
        #expect(abs(results[.liquidationFees, 0] - 18.9) < 1e-9)
        #expect(abs(results[.marginLost, 0] - (300 - 41.1)) < 1e-9)
    }

    @Test("an index mark price keeps impact out of the same step's liquidations; a window lets it in a step later")
    func indexMark() {
        let impact = ImpactModel(shape: .squareRoot, depth: 5e6, coefficient: 1, recoveryHalfLife: 1e9)
        // The chain of the cascade tests: each position just beyond the next one's impact.
        let chain6 = CascadeTests().chain(count: 6, impact: impact).positions
        let rule = CascadeTests().rule
        func rounds(_ mark: MarkPriceRule, steps: Int, chain: [Position]? = nil) -> (liquidations: Double, perStep: [Int: Int]) {
            let chain = chain ?? chain6
            var config = Self.config(chain, rule: rule, mechanics: LiquidationMechanics(mark: mark), factor: 0.99,
                                     steps: steps, impact: impact, price: 100)
            config.assets[0].ladder = LiquidationLadder(positions: chain, rule: rule)
            let (results, observer) = Self.trace(config)
            var perStep: [Int: Int] = [:]
            for r in observer.rounds { perStep[r.step, default: 0] = max(perStep[r.step, default: 0], r.round) }
            return (results[.liquidations, 0], perStep)
        }
        let last = rounds(.last, steps: 1)
        #expect(last.liquidations == 6 && last.perStep[0] == 6)
        // The index itself: only the exogenous move triggers; one round, one position.
        let index = rounds(.index(window: 0), steps: 1)
        #expect(index.liquidations == 1 && index.perStep[0] == 1)
        // A second −1% step reaches part of a longer chain. With a two-step window the averaged
        // basis carries step 0's impact into step 1's mark, so more positions go than on the plain
        // index (and fewer than on the traded price, which cascades through all of them).
        let long = CascadeTests().chain(count: 100, impact: impact).positions
        let plain = rounds(.index(window: 0), steps: 2, chain: long), windowed = rounds(.index(window: 120), steps: 2, chain: long)
        #expect(plain.perStep[0] == 1 && windowed.perStep[0] == 1)
        #expect(plain.perStep[1] == 1 && windowed.perStep[1] == 1)
        #expect(windowed.liquidations > plain.liquidations && plain.liquidations > 2)
        #expect(rounds(.last, steps: 2, chain: long).liquidations == 100)
    }

    @Test("mark windows in steps: 0 s is the index, 30 s on one-minute steps one step, 5 minutes five (docs/venues.md)",
          arguments: [(0.0, 60.0, 0), (30, 60, 1), (300, 60, 5), (150, 60, 3), (60, 60, 1), (30, 1, 30), (1e9, 60, 600)])
    func markWindows(_ window: Double, _ step: Double, _ steps: Int) {
        #expect(LiquidationMechanics(mark: .index(window: window)).markWindowSteps(stepSeconds: step) == steps)
        #expect(LiquidationMechanics(mark: .last).markWindowSteps(stepSeconds: step) == 0)
    }

    @Test("money is conserved with every flow present, under every preset", arguments: VenuePreset.names)
    func conservation(_ venue: String) {
        let preset = VenuePreset.named(venue)!
        // 3,000 positions: enough large ones that each step-down venue reduces some (a reduction
        // needs the rest to meet a lower tier's requirement at the mark, which a −3% jump past
        // the liquidation price often denies: then the position is taken over whole).
        let config = TestBooks.presetStress(venue, count: 3_000, paths: 16, steps: 120, seed: 4, bookSeed: 9)
        let r = SimulationEngine(config: config).run(threads: 2, chunkSize: 5).paths
        var deleveraged = 0.0, partial = 0.0
        for p in 0..<16 {
            TestBooks.expectConserved(r, path: p, fund: 2e5, scale: 5e8)
            deleveraged += r[.adlCount, p]
            partial += r[.partialLiquidations, p]
        }
        #expect(r.column(.liquidations).reduce(0, +) > 100)
        // A small fund against a violent path: every venue deleverages, and those with a partial
        // rule close some positions partly.
        #expect(deleveraged > 0)
        if preset.partial == .none { #expect(partial == 0) } else { #expect(partial > 0) }
    }

    @Test("a takeover's clearance fee counts only what is left of the margin to pay it",
          arguments: [(0.0125, 0.953, 0.3), (0.003, 0.953, 0.003 * 95.3), (0.0125, 0.9042, 0.42), (0.0125, 0.85, 0.0)])
    func receivedFees(_ fee: Double, _ factor: Double, _ expected: Double) {
        // Longs at 100 of 20×, 10× and 5× (bankruptcy 95, 90, 80; MMR 0.5%: liquidation 95.48,
        // 90.45, 80.40), one step to 100·factor, no impact. At 95.3 only the 20× goes, with 0.3 of
        // equity left: a 1.25% fee (1.19) takes just that; a 0.3% fee (0.2859) is paid in full.
        // At 90.42 the 10× leaves 0.42 and the 20× is past bankruptcy (no fee); at 85 both are.
        let rule = MarginRule(maintenanceMarginRate: 0.005, liquidationFee: fee)
        let book = [20.0, 10, 5].map { Position(side: .long, quantity: 1, entryPrice: 100, leverage: $0) }
        let results = Self.trace(Self.config(book, rule: rule, mechanics: .m0, factor: factor, steps: 1, fund: 1e6)).0
        #expect(abs(results[.liquidationFees, 0] - expected) < 1e-9, "\(results[.liquidationFees, 0])")
    }

    @Test("the aggregated fast route computes exactly what the general routine computes",
          arguments: [ADLRanking?.none, .pnlTimesMarginRatio])
    func fastRoute(_ ranking: ADLRanking?) {
        let rule = MarginRule(maintenanceMarginRate: 0.005, liquidationFee: 0.003)
        let positions = TestBooks.randomBook(count: 4_000, rule: rule)
        let ladder = LiquidationLadder(positions: positions, rule: rule)
        let impact = ImpactModel(shape: .squareRoot, depth: 2e6, coefficient: 1, recoveryHalfLife: 300)
        let mechanics = LiquidationMechanics(mark: .last, deleveraging: ranking)
        let fast = CascadeResolver(ladder: ladder, impact: impact, maxRounds: 50, mechanics: mechanics)
        var general = fast
        general.aggregatesAll = false
        #expect(fast.aggregatesAll)
        struct State { var long: LadderCursor; var short: LadderCursor; var book = PathBook(); var tally: PathTally; var notional = 0.0; var j = 0.0 }
        func start() -> State { State(long: ladder.longs.start, short: ladder.shorts.start, tally: PathTally(insuranceFund: 5e4)) }
        var a = start(), b = start()
        var observer = NoCascadeObserver()
        var logF = log(100.0)
        for step in 0..<400 {
            // A deterministic zig-zag with a crash in the middle.
            logF += (step % 7 < 4 ? -0.004 : 0.003) + (step == 200 ? -0.08 : 0)
            a.j *= 0.87; b.j *= 0.87
            a.j = fast.resolve(path: 0, step: step, logFundamental: logF, startImpact: a.j, longCursor: &a.long, shortCursor: &a.short,
                               book: &a.book, tally: &a.tally, assetNotional: &a.notional, observer: &observer)
            b.j = general.resolve(path: 0, step: step, logFundamental: logF, startImpact: b.j, longCursor: &b.long, shortCursor: &b.short,
                                  book: &b.book, tally: &b.tally, assetNotional: &b.notional, observer: &observer)
            #expect(a.j == b.j && a.long == b.long && a.short == b.short, "step \(step)")
        }
        let t = a.tally, u = b.tally
        #expect(t.liquidations == u.liquidations && t.liquidations > 500)
        #expect(t.marginLost == u.marginLost && t.counterpartyGains == u.counterpartyGains && t.fees == u.fees)
        #expect(t.fund.balance == u.fund.balance && t.fund.badDebt == u.fund.badDebt && t.fund.netReceipts == u.fund.netReceipts)
        #expect(t.deleveragedPositions == u.deleveragedPositions && t.deleveragedNotional == u.deleveragedNotional)
        #expect(t.longExecutedNotional == u.longExecutedNotional && t.shortEntryNotional == u.shortEntryNotional)
        #expect(a.notional == b.notional && t.maxRounds == u.maxRounds)
        if ranking != nil { #expect(t.deleveragedPositions > 0) } else { #expect(t.fund.badDebt > 0) }
    }
}
