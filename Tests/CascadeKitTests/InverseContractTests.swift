import Foundation
import Testing
@testable import CascadeKit

/// Inverse (coin-margined) contracts in the calculator: the venues' own formulas and worked
/// examples, and the rule's identities (equity = maintenance at the liquidation price, zero at
/// the bankruptcy price) in the coin.
@Suite("Inverse contracts")
struct InverseContractTests {
    let xbtusd = InverseContract.named("XBTUSD", venue: "bitmex")!
    let bybit = InverseContract.named("BTCUSD", venue: "bybit")!

    /// Equity in the coin of an inverse position at price p: M + s·Q·(1/E − 1/p).
    func equity(_ side: Side, q: Double, e: Double, m: Double, at p: Double) -> Double {
        m + side.sign * q * (1 / e - 1 / p)
    }

    @Test("BitMEX: bankruptcy E·L/(L + 1) for a long, E·L/(L − 1) for a short [V contract guide]")
    func bitmexBankruptcy() throws {
        for leverage in [20.0, 100.0] {
            let long: Double = 10_000 * leverage / (leverage + 1)
            let short: Double = 10_000 * leverage / (leverage - 1)
            let lq = try LiquidationCalculator.inverseQuote(contract: xbtusd, side: .long, entry: 10_000, contracts: 100_000,
                                                            margin: 10 / leverage)
            let sq = try LiquidationCalculator.inverseQuote(contract: xbtusd, side: .short, entry: 10_000, contracts: 100_000,
                                                            margin: 10 / leverage)
            #expect(isClose(lq.bankruptcyPrice, long, relative: 1e-14))
            #expect(isClose(sq.bankruptcyPrice, short, relative: 1e-14))
        }
    }

    @Test("BitMEX: the four-step XBTUSD example — 200,000 contracts at 10,000, 1 XBT, funding 0.01% [S 2020-02-24]")
    func bitmexExample() throws {
        // The example uses the taker fee of its day, 0.075% (0.05% now).
        var xbtusd = xbtusd
        #expect(xbtusd.takerFee == 0.0005)
        xbtusd.takerFee = 0.000_75
        let quote = try LiquidationCalculator.inverseQuote(contract: xbtusd, side: .long, entry: 10_000, contracts: 200_000,
                                                           margin: 1, fundingRate: 0.0001)
        // 1) bankruptcy 10,000·20/21; 2) bankruptcy value 200,000/P_bk = 21 XBT;
        // 3) maintenance 0.5% × 20 + (0.075% + 0.01%) × 21 = 0.11785 XBT;
        // 4) liquidation where 1 − 200,000·(1/10,000 − 1/P) = 0.11785.
        #expect(isClose(quote.bankruptcyPrice, 9_523.809_523_809_5, relative: 1e-13))
        #expect(isClose(quote.maintenance, 0.117_85, relative: 1e-13))
        #expect(isClose(quote.liquidationPrice, 200_000 / (20 + 1 - 0.117_85), relative: 1e-13))
        #expect(String(format: "%.2f", quote.liquidationPrice) == "9577.56")
        #expect(quote.leverage == 20 && quote.tier == 0)
        // Funding not paid: only the fee.
        let noFunding = try LiquidationCalculator.inverseQuote(contract: xbtusd, side: .long, entry: 10_000, contracts: 200_000, margin: 1)
        #expect(isClose(noFunding.maintenance, 0.1 + 0.000_75 * 21, relative: 1e-13))
    }

    @Test("BitMEX: risk limits of 200 XBT then 150 XBT steps, a position exactly at the cap in the lower one")
    func bitmexRiskLimits() throws {
        // 200 XBT at 10,000 = 2,000,000 contracts: in limit 1 (inclusive); one contract more: limit 2 (MM 1%).
        let atCap = try LiquidationCalculator.inverseQuote(contract: xbtusd, side: .short, entry: 10_000, contracts: 2_000_000, margin: 20)
        let above = try LiquidationCalculator.inverseQuote(contract: xbtusd, side: .short, entry: 10_000, contracts: 2_000_100, margin: 20)
        #expect(atCap.tier == 0 && above.tier == 1)
        #expect(isClose(atCap.maintenance, 0.005 * 200 + 0.000_5 * 2_000_000 * (1 / 10_000.0 - 20 / 2_000_000.0), relative: 1e-13))
        #expect(isClose(above.maintenance, 0.01 * 200.01 + 0.000_5 * 2_000_100 * (1 / 10_000.0 - 20 / 2_000_100.0), relative: 1e-13))
        // 10× short: liquidation above entry, at equity = maintenance.
        #expect(above.liquidationPrice > 10_000 && above.liquidationPrice < above.bankruptcyPrice)
        #expect(isClose(equity(.short, q: 2_000_100, e: 10_000, m: 20, at: above.liquidationPrice), above.maintenance, relative: 1e-12))
        // Limit 2 allows at most 1/(1% + 0.5%) = 66.66×; 100× is refused there.
        #expect(throws: LiquidationCalculator.Refusal.self) {
            try LiquidationCalculator.inverseQuote(contract: xbtusd, side: .long, entry: 10_000, contracts: 2_000_100, margin: 2.0001)
        }
    }

    @Test("Bybit: 10,000 BTCUSD contracts long at 8,000 on 0.5 BTC — bankruptcy 5,718.57, liquidation 5,739.50 [V help centre]")
    func bybitExample() throws {
        let quote = try LiquidationCalculator.inverseQuote(contract: bybit, side: .long, entry: 8_000, contracts: 10_000, margin: 0.5)
        // The help centre's bankruptcy price nets the 0.075% fee to close: 1.00075·Q/(Q/E + balance).
        #expect(String(format: "%.2f", quote.bankruptcyPrice * 1.000_75) == "5718.57")
        // Maintenance 0.5% × 1.25 BTC + 0.075% × the bankruptcy value; the venue rounds a long's
        // liquidation price up to the 0.5 tick.
        #expect(isClose(quote.maintenance, 0.005 * 1.25 + 0.000_75 * 10_000 / quote.bankruptcyPrice, relative: 1e-13))
        #expect((quote.liquidationPrice * 2).rounded(.up) / 2 == 5_739.5)
        #expect(isClose(equity(.long, q: 10_000, e: 8_000, m: 0.5, at: quote.liquidationPrice), quote.maintenance, relative: 1e-12))
    }

    @Test("Bybit: only the first risk limit (150 BTC) is known; larger positions are refused by name")
    func bybitLimit() throws {
        _ = try LiquidationCalculator.inverseQuote(contract: bybit, side: .short, entry: 100_000, contracts: 15_000_000, margin: 15)
        do {
            _ = try LiquidationCalculator.inverseQuote(contract: bybit, side: .short, entry: 100_000, contracts: 15_000_100, margin: 15)
            Issue.record("accepted a position above the known risk limits")
        } catch {
            #expect(error == .beyondKnownTiers(value: 150.001, cap: 150, coin: "BTC", symbol: "BTCUSD"))
        }
    }

    @Test("a 1× inverse short cannot go bankrupt but is still liquidated far above entry")
    func oneTimesShort() throws {
        let quote = try LiquidationCalculator.inverseQuote(contract: bybit, side: .short, entry: 8_000, contracts: 10_000, margin: 1.25)
        #expect(quote.bankruptcyPrice == .infinity)
        #expect(isClose(quote.liquidationPrice, 10_000 / (1.25 - 1.25 + 0.00625), relative: 1e-12))
        #expect(quote.warnings.contains { $0.contains("cannot go bankrupt") })
    }

    @Test("Binance COIN-M: maintenance on the value at the mark, with the bracket of that value [V FAQ 2021-02-05]")
    func binanceCoinM() {
        // The FAQ: 100 BTCUSD contracts (100 USD each) at a mark of 25,000 are worth 0.4 BTC, in
        // bracket 1 (0.4%): maintenance 0.0016 BTC.
        let tiers = MarginTier.table(caps: [5, 10, .infinity], maxLeverage: [125, 100, 50], rates: [0.004, 0.005, 0.01])
        let rule = InverseMarginRule(tiers: tiers, maintenance: .valueAtLiquidation)
        #expect(isClose(rule.maintenanceMargin(side: .long, contracts: 10_000, entryPrice: 25_000, margin: 0.1, at: 25_000), 0.0016,
                        relative: 1e-13))
        // The liquidation price solves WB + s·Q·(1/E − 1/P) = Q/P·MMR − cum in the bracket of Q/P,
        // also when that bracket is not the one at entry.
        let cases: [(Side, Double, Double, Double)] = [(.long, 10_000, 25_000, 0.05), (.short, 10_000, 25_000, 0.05),
                                                       (.long, 300_000, 30_000, 1.2), (.short, 250_000, 50_000, 0.6)]
        for (side, q, e, m) in cases {
            let (p, t) = rule.liquidationPrice(side: side, contracts: q, entryPrice: e, margin: m)
            #expect(t == rule.tierIndex(value: q / p))
            #expect(isClose(equity(side, q: q, e: e, m: m, at: p), rule.maintenanceMargin(side: side, contracts: q, entryPrice: e, margin: m, at: p),
                            relative: 1e-12, absolute: 1e-15))
        }
        // 300,000 USD long at 30,000 on 1.2 BTC: worth 10 BTC at entry (bracket 2 at the cap), more
        // at the lower liquidation price: bracket 3.
        #expect(rule.liquidationPrice(side: .long, contracts: 300_000, entryPrice: 30_000, margin: 1.2).tier == 2)
    }

    /// The reciprocal form against the inverse rule's own formulas, on random positions of each
    /// maintenance kind: XBTUSD's risk limits with funding, Bybit's BTCUSD, a COIN-M table with
    /// deductions.
    @Test("in y = 1/P an inverse rule is a linear one: same liquidation, bankruptcy, maintenance and tier")
    func reciprocalForm() {
        let coinM = InverseMarginRule(tiers: MarginTier.table(caps: [5, 10, 50, .infinity], maxLeverage: [125, 100, 50, 20],
                                                              rates: [0.004, 0.005, 0.01, 0.025]),
                                      maintenance: .valueAtLiquidation)
        let rules = [xbtusd.rule(fundingRate: 0.0001), xbtusd.rule(fundingRate: -0.0003), bybit.rule(fundingRate: 0), coinM]
        var random = Xoshiro256Plus(seed: 2026, path: 0)
        // 1/x rounds: equal to a few ulps.
        func same(_ a: Double, _ b: Double) -> Bool { a == b || abs(a - b) <= 1e-12 * max(abs(a), abs(b)) }
        for (r, rule) in rules.enumerated() {
            let y = rule.reciprocal
            for _ in 0..<2_000 {
                let side: Side = Xoshiro256Plus.uniform(random.next()) < 0.5 ? .long : .short
                let e = 1_000 * Foundation.exp(5 * Xoshiro256Plus.uniform(random.next()))             // 1,000 to 148,000 USD
                let value = Foundation.exp(10 * Xoshiro256Plus.uniform(random.next()) - 4)           // 0.018 to 403 coin at entry
                let q = value * e
                let leverage = 0.8 + 60 * Xoshiro256Plus.uniform(random.next())
                let m = value / leverage
                let p = InverseMarginRule.reciprocalPosition(side: side, contracts: q, entryPrice: e, margin: m)
                #expect(p.side != side && p.quantity == q && p.entryPrice == 1 / e && same(p.margin, m))
                let s = p.side.sign
                // Bankruptcy: 1/P_bk, and 0 in y where the inverse short has none.
                let bankruptcy = InverseMarginRule.bankruptcyPrice(side: side, contracts: q, entryPrice: e, margin: m)
                let yBankruptcy = MarginRule.bankruptcyPrice(sign: s, quantity: q, entryPrice: 1 / e, margin: m)
                #expect(bankruptcy == .infinity ? yBankruptcy <= 0 : same(1 / bankruptcy, yBankruptcy), "rule \(r): \(bankruptcy) \(yBankruptcy)")
                // Liquidation: 1/P_liq in the same tier; 0 in y where P_liq is +∞.
                let (price, tier) = rule.liquidationPrice(side: side, contracts: q, entryPrice: e, margin: m)
                let (yPrice, yTier) = y.liquidationPrice(side: p.side, quantity: q, entryPrice: 1 / e, margin: m)
                #expect(price == .infinity ? yPrice == 0 : same(1 / price, yPrice), "rule \(r): \(price) vs 1/\(yPrice)")
                #expect(price == .infinity || tier == yTier, "rule \(r): tier \(tier) vs \(yTier)")
                // Maintenance at a few prices, and the liquidation condition on either side of P_liq.
                for at in [e, e * 0.7, e * 1.3] {
                    #expect(same(rule.maintenanceMargin(side: side, contracts: q, entryPrice: e, margin: m, at: at),
                                 y.maintenanceMargin(sign: s, quantity: q, entryPrice: 1 / e, margin: m, at: 1 / at)))
                }
                if price.isFinite && price > 0 {
                    let safe = side == .long ? price * (1 + 1e-9) : price * (1 - 1e-9)
                    let gone = side == .long ? price * (1 - 1e-9) : price * (1 + 1e-9)
                    #expect(!y.isLiquidatable(p, at: 1 / safe) && y.isLiquidatable(p, at: 1 / gone), "rule \(r): around \(price)")
                }
            }
        }
    }

    @Test("the command refuses what does not apply to an inverse contract")
    func commandLine() {
        #expect(InverseContract.named("XBTUSD", venue: "binance-usdm") == nil)
        #expect(InverseContract.named("BTCUSDT", venue: "bybit") == nil)
    }
}
