import Testing
@testable import CascadeKit

@Suite("Flat maintenance-margin rule")
struct FlatMarginRuleTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var side: Side, entry: Double, leverage: Double, rate: Double
        var liquidation: Double, bankruptcy: Double
        var testDescription: String { "\(side) \(leverage)× at \(entry), m = \(rate)" }
    }

    /// Worked numbers from the formulas P_liq = E(1 ∓ 1/L)/(1 ∓ m), P_bk = E(1 ∓ 1/L), computed by hand.
    static let cases: [Case] = [
        // Long 10× at 60,000, m 0.5%: 60,000·0.9/0.995 = 54,271.3567…; bankruptcy 54,000.
        Case(side: .long, entry: 60_000, leverage: 10, rate: 0.005, liquidation: 54_271.356_783_919_6, bankruptcy: 54_000),
        // Short 10× at 60,000, m 0.5%: 60,000·1.1/1.005 = 65,671.6417…; bankruptcy 66,000.
        Case(side: .short, entry: 60_000, leverage: 10, rate: 0.005, liquidation: 65_671.641_791_044_8, bankruptcy: 66_000),
        // Long 50× at 20,000, m 0.5%: 20,000·0.98/0.995 = 19,698.4924…
        Case(side: .long, entry: 20_000, leverage: 50, rate: 0.005, liquidation: 19_698.492_462_311_56, bankruptcy: 19_600),
        // Short 100× at 3,000, m 0.4%: 3,000·1.01/1.004 = 3,017.9282…
        Case(side: .short, entry: 3_000, leverage: 100, rate: 0.004, liquidation: 3_017.928_286_852_59, bankruptcy: 3_030),
        // Long 2× at 100, m 1%: 100·0.5/0.99 = 50.5050…
        Case(side: .long, entry: 100, leverage: 2, rate: 0.01, liquidation: 50.505_050_505_050_5, bankruptcy: 50),
        // Long 1× never liquidates: liquidation price 0.
        Case(side: .long, entry: 100, leverage: 1, rate: 0.01, liquidation: 0, bankruptcy: 0),
        // Short 1× at 100, m 0: liquidated at 200 = bankruptcy.
        Case(side: .short, entry: 100, leverage: 1, rate: 0, liquidation: 200, bankruptcy: 200),
    ]

    @Test("liquidation and bankruptcy prices match the closed forms", arguments: cases)
    func prices(_ c: Case) {
        let rule = FlatMarginRule(maintenanceMarginRate: c.rate)
        let p = Position(side: c.side, quantity: 1.5, entryPrice: c.entry, leverage: c.leverage)
        #expect(isClose(rule.liquidationPrice(of: p), c.liquidation, relative: 1e-12))
        #expect(isClose(rule.bankruptcyPrice(of: p), c.bankruptcy, relative: 1e-12))
    }

    @Test("the margin inequality switches exactly at the liquidation price", arguments: cases)
    func conditionAgreesWithPrice(_ c: Case) {
        let rule = FlatMarginRule(maintenanceMarginRate: c.rate)
        let p = Position(side: c.side, quantity: 2, entryPrice: c.entry, leverage: c.leverage)
        let liq = rule.liquidationPrice(of: p)
        guard liq > 0 else { return }
        let inside = c.side == .long ? liq * (1 + 1e-9) : liq * (1 - 1e-9)
        let beyond = c.side == .long ? liq * (1 - 1e-9) : liq * (1 + 1e-9)
        #expect(!rule.isLiquidatable(p, at: inside))
        #expect(rule.isLiquidatable(p, at: beyond))
        // At bankruptcy the equity is exactly zero.
        let b = rule.bankruptcyPrice(of: p)
        #expect(abs(p.margin + c.side.sign * p.quantity * (b - p.entryPrice)) < 1e-9 * p.entryNotional)
    }

    @Test("maximum leverage is 1/m")
    func maximumLeverage() {
        #expect(FlatMarginRule(maintenanceMarginRate: 0.005).maximumLeverage == 200)
        #expect(FlatMarginRule(maintenanceMarginRate: 0).maximumLeverage == .infinity)
    }
}

@Suite("Insurance fund")
struct InsuranceFundTests {
    @Test("deficits beyond the balance become bad debt; surpluses refill the fund")
    func badDebtAccounting() {
        var fund = InsuranceFund(initial: 100)
        fund.settle(50)     // 150
        fund.settle(-120)   // 30
        #expect(fund.balance == 30 && fund.badDebt == 0)
        fund.settle(-80)    // pays 30, 50 uncovered
        #expect(fund.balance == 0 && fund.badDebt == 50 && fund.lowest == 0)
        fund.settle(20)     // refills, bad debt stays
        #expect(fund.balance == 20 && fund.badDebt == 50)
        #expect(fund.netReceipts == -130)
        #expect(fund.balance - fund.initial == fund.netReceipts + fund.badDebt)
    }
}
