import Foundation
import Testing
@testable import CascadeKit

/// The numeric envelope (``ModelLimits``): the engine's two price caps, the refusals at the
/// validator's limits, and runs at the edge of what is accepted staying finite.
@Suite("Model limits")
struct ModelLimitsTests {
    @Test("the literal limits are ln 10⁹ and ln 10⁴")
    func literals() {
        #expect(ModelLimits.logPriceBand == Foundation.log(1e9))
        #expect(ModelLimits.maximumLogImpact == Foundation.log(1e4))
    }

    @Test("impact saturates at ln 10⁴ and the saturated impact maps back to the saturating flow",
          arguments: [ImpactModel.Shape.linear, .squareRoot])
    func saturation(shape: ImpactModel.Shape) {
        let impact = ImpactModel(shape: shape, depth: 1, coefficient: 1, recoveryHalfLife: 60)
        let cap = ModelLimits.maximumLogImpact
        #expect(impact.logImpact(cumulativeFlow: -1e30) == -cap)
        #expect(impact.logImpact(cumulativeFlow: 1e30) == cap)
        #expect(impact.logImpact(cumulativeFlow: .greatestFiniteMagnitude) == cap)
        // Below saturation the formula is unchanged: c·0.01·(|Q|/D)^δ.
        let small = shape == .linear ? 50.0 : 2_500.0
        #expect(impact.logImpact(cumulativeFlow: -small) == -0.5)
        // The flow equivalent to the cap is the flow at which g reaches it.
        let saturating = impact.equivalentFlow(logImpact: cap)
        #expect(saturating.isFinite && saturating > 0)
        #expect(isClose(impact.logImpact(cumulativeFlow: saturating), cap, relative: 1e-12))
    }

    /// A longs-only book under a 1-dollar linear depth: the first liquidation saturates impact.
    static func thinBook(steps: Int = 30) -> SimulationConfig {
        let rule = FlatMarginRule(maintenanceMarginRate: 0.005, liquidationFee: 0.003)
        var positions = TestBooks.randomBook(count: 400, price: 100, seed: 9, rule: rule).filter { $0.side == .long }
        positions += [TestBooks.position(.long, liquidationPrice: 99.5, quantity: 1_000, rule: rule)]
        return TestBooks.config(positions: positions, liquidationFee: 0.003, price: 100, volatility: 0.8,
                                drift: TestBooks.drift(movingBy: 0.999),
                                impact: ImpactModel(shape: .linear, depth: 1, coefficient: 1, recoveryHalfLife: 600),
                                insuranceFund: 1e4, paths: 16, steps: steps)
    }

    @Test("a 1-dollar book runs to finite results: the traded price stops at the saturation, counted")
    func thinBookIsFinite() {
        let config = Self.thinBook()
        let result = SimulationEngine(config: config).run(threads: 2, chunkSize: 5)
        let p = result.paths
        for path in 0..<p.paths {
            // Every column but the twin's (no twin here) and those undefined without a liquidation.
            for column in p.columns where !column.metric.needsTwin && column.metric != .firstLiquidationTime
                && column.metric != .largestCascadeNotional && column.metric != .longestCascadeSteps {
                let value = p[column.metric, column.asset, path]
                #expect(value.isFinite, "\(column.metric) on path \(path) is \(value)")
            }
            #expect(p[.priceLimitHits, path] >= 1, "path \(path)")
            // The traded price is at most a factor 10⁴ below the fundamental price (its running low).
            #expect(p[.minTradedPrice, path] >= config.assets[0].initialPrice * 1e-9 * 1e-4 * (1 - 1e-12))
            // Money is still conserved.
            let lost = p[.marginLost, path], gains = p[.counterpartyGains, path], receipts = p[.fundReceipts, path]
            #expect(isClose(lost, gains + receipts, relative: 1e-9, absolute: 1e-6))
        }
    }

    @Test("the fundamental price stops at its band, a factor 10⁹ from the start, and counts each step there")
    func priceBand() {
        let rule = FlatMarginRule(maintenanceMarginRate: 0.005, liquidationFee: 0)
        let positions = [TestBooks.position(.short, liquidationPrice: 150, quantity: 1, rule: rule)]
        // ln F rises by 5 per step: past the band (20.7) after five steps, then stays there.
        var config = TestBooks.config(positions: positions, price: 100, drift: 5 / (60 / (365 * 86_400.0)),
                                      impact: ImpactModel(shape: .squareRoot, depth: 1e6, coefficient: 0, recoveryHalfLife: 0),
                                      paths: 3, steps: 10)
        config.timeSeries = TimeSeriesLayout(steps: 10, stride: 1, relativeAccuracy: 0.001)
        let p = SimulationEngine(config: config).run(threads: 1).paths
        for path in 0..<3 {
            #expect(isClose(p[.finalFundamentalPrice, path], 100 * 1e9, relative: 1e-12))
            // Steps 5…10 end at the band (5·5 = 25 > 20.7 from step 5 on): six of ten.
            #expect(p[.priceLimitHits, path] == 6)
        }
        // The same the other way.
        config.assets[0].model = .gbm(JumpDiffusionModel(drift: -5 / (60 / (365 * 86_400.0)), volatility: 0))
        let down = SimulationEngine(config: config).run(threads: 1).paths
        #expect(isClose(down[.finalFundamentalPrice, 0], 100 * 1e-9, relative: 1e-12))
        #expect(down[.priceLimitHits, 0] == 6)
        #expect(down[.maxDrawdownFundamental, 0] == -Foundation.expm1(-ModelLimits.logPriceBand))
    }

    @Test("the liquidation map sums beyond 64-bit cents exactly, and every ratio has a bin")
    func mapRange() {
        let layout = LiquidationMapLayout()
        #expect(layout.priceBin(logRatio: -.infinity) == 0)
        #expect(layout.priceBin(logRatio: .infinity) == layout.priceBins - 1)
        #expect(layout.priceBin(logRatio: -1e300) == 0)
        #expect(layout.priceBin(logRatio: 0) == layout.halfBins)
        #expect(layout.priceBin(logRatio: -0.005) == layout.halfBins - 1)
        let rule = FlatMarginRule(maintenanceMarginRate: 0.005, liquidationFee: 0)
        let ladder = LiquidationLadder(positions: [Position(side: .long, quantity: 1e12, entryPrice: 1e3, leverage: 2)], rule: rule)
        let asset = AssetConfig(symbol: "X", initialPrice: 1e3, model: .gbm(JumpDiffusionModel(drift: 0, volatility: 0)),
                                impact: ImpactModel(shape: .linear, depth: 1, recoveryHalfLife: 0), ladder: ladder)
        var map = LiquidationMap(layout: layout, assets: [asset])
        // 10¹⁵ USD a closure, 100 of them: 10¹⁹ cents each, past Int64's 9.2·10¹⁸.
        for _ in 0..<100 { map.add(asset: 0, side: 0, range: 0..<1, price: 1e3) }
        #expect(map.total(asset: 0, side: 0, priceBin: layout.halfBins, bucket: 0) == 1e17)
    }

    @Test("a chart over values closer than any axis can divide stays finite")
    func degenerateAxis() {
        for (low, high) in [(0.0, 1e-320), (5e-324, 1e-323), (1.0, 1.0 + 1e-15), (0.0, 0.0)] {
            var extent = ChartAxis.Extent()
            extent.add(low)
            extent.add(high)
            let axis = ChartAxis(extent: extent, scale: .linear)
            #expect(axis.lower < axis.upper)
            #expect(axis.fraction(low).isFinite && axis.fraction(high).isFinite, "\(low) … \(high)")
            #expect(axis.ticks.allSatisfy { $0.isFinite })
        }
    }

    @Test("the report check finds a non-finite field or attribute, and not words that contain one")
    func nonFiniteScan() {
        #expect(ReportSet.nonFiniteLine("a,b\n1,inf,2\n") == 2)
        #expect(ReportSet.nonFiniteLine("x\ny\nz,-inf") == 3)
        #expect(ReportSet.nonFiniteLine("<circle cx=\"nan\" cy=\"1\"/>") == 1)
        #expect(ReportSet.nonFiniteLine("NaN") == 1)
        #expect(ReportSet.nonFiniteLine("1,+Inf\n") == 1)
        #expect(ReportSet.nonFiniteLine("insurance fund,infinitely,nano,banana,information\n1,2,3\n") == nil)
        #expect(ReportSet.nonFiniteLine("") == nil)
        // A line a caller does not count (text the scenario wrote) is skipped, and the scan goes on.
        #expect(ReportSet.nonFiniteLine("name,NaN\n1,2\n3,inf\n") { $0 != "name,NaN" } == 3)
        #expect(ReportSet.holdsOnlyText("<title>cascade — NaN</title>", texts: ["NaN"]))
        #expect(!ReportSet.holdsOnlyText("NaN,nan", texts: ["NaN"]))
    }

    struct Refusal: CustomTestStringConvertible, Sendable {
        var change: (String, String)
        var location: String
        var message: String
        var testDescription: String { "\(location): \(message)" }
    }

    /// Each value past a limit of the model, refused by name with the limit.
    static let refusals: [Refusal] = [
        Refusal(change: ("price: 100000", "price: 1e13"), location: "market.assets[0].price",
                message: "10000000000000 is out of range; expected ≥ 1e-12 and ≤ 1000000000000"),
        Refusal(change: ("price: 100000", "price: 1e-13"), location: "market.assets[0].price",
                message: "1e-13 is out of range; expected ≥ 1e-12 and ≤ 1000000000000"),
        Refusal(change: ("volatility: 0.5", "volatility: 1000"), location: "market.assets[0].model.volatility",
                message: "1000 is out of range; expected ≥ 0 and ≤ 100"),
        Refusal(change: ("drift: 0", "drift: -1e7"), location: "market.assets[0].model.drift",
                message: "-10000000 is out of range; expected ≥ -1000000 and ≤ 1000000"),
        Refusal(change: ("mean: -0.02", "mean: -11"), location: "market.assets[0].model.jumps.mean",
                message: "-11 is out of range; expected ≥ -10 and ≤ 10"),
        Refusal(change: ("stdev: 0.01", "stdev: 1e300"), location: "market.assets[0].model.jumps.stdev",
                message: "expected ≥ 0 and ≤ 10"),
        Refusal(change: ("openInterest: 10000000", "openInterest: 1e16"), location: "positions.synthetic.openInterest",
                message: "1e+16 is out of range; expected > 0 and ≤ 1e+15"),
        Refusal(change: ("count: 100", "count: 1000000000000"), location: "positions.synthetic.count",
                message: "1000000000000 is out of range; expected ≥ 1 and ≤ 2147483647"),
        Refusal(change: ("insuranceFund: 1000000", "insuranceFund: 1e300"), location: "exchange.insuranceFund",
                message: "expected ≥ 0 and ≤ 1e+15"),
        Refusal(change: ("depth: 5000000", "depth: 1e16"), location: "impact.depth",
                message: "expected > 0 and ≤ 1e+15"),
        Refusal(change: ("coefficient: 1", "coefficient: 1e-320"), location: "impact.coefficient",
                message: "expected 0 (no impact) or ≥ 1e-06 and ≤ 1000000"),
        Refusal(change: ("coefficient: 1", "coefficient: 1e7"), location: "impact.coefficient",
                message: "expected 0 (no impact) or ≥ 1e-06 and ≤ 1000000"),
        Refusal(change: ("horizon: 1h", "horizon: 40000d"), location: "simulation.horizon",
                message: "40000d is out of range; expected at most 36500d (100 years)"),
        Refusal(change: ("entrySpread: 0.03", "entrySpread: 3"), location: "positions.synthetic.entrySpread",
                message: "3 is out of range; expected ≥ 0 and ≤ 2"),
        Refusal(change: ("sigma: 1", "sigma: 11"), location: "positions.synthetic.size.sigma",
                message: "11 is out of range; expected ≥ 0 and ≤ 10"),
        // A side's share too small for its positions: notionals below 1e-6 USD (a long share of
        // 1e-320 once wrote an infinite density into cascade-sizes.csv).
        Refusal(change: ("longShare: 0.6", "longShare: 1e-320"), location: "positions.synthetic",
                message: "make some notionals smaller than 1e-6 USD or not finite"),
        Refusal(change: ("openInterest: 10000000", "openInterest: 1e-5"), location: "positions.synthetic",
                message: "make some notionals smaller than 1e-6 USD or not finite"),
    ]

    @Test("values past the model's numeric limits are refused naming the key and the limit", arguments: refusals)
    func refusal(_ row: Refusal) {
        let text = ScenarioText.replacing(row.change.0, with: row.change.1)
        do {
            _ = try ScenarioLoader.load(yaml: text, file: "t.yaml", directory: ScenarioText.temporaryDirectory())
            Issue.record("accepted \(row.change.1)")
        } catch {
            let match = error.issues.first { $0.location == row.location && $0.message.contains(row.message) }
            #expect(match != nil, "\(error.description)")
            #expect(error.issues.allSatisfy { !$0.message.contains("\n") })
        }
    }

    @Test("the edge values themselves are accepted and run to finite reports")
    func edgesRun() throws {
        let edges: [(String, String)] = [
            ("volatility: 0.5", "volatility: 100"), ("drift: 0", "drift: -1000000"),
            ("mean: -0.02", "mean: -10"), ("price: 100000", "price: 1e12"), ("price: 100000", "price: 1e-12"),
            ("openInterest: 10000000", "openInterest: 1e15"), ("depth: 5000000", "depth: 1e-300"),
            ("coefficient: 1", "coefficient: 1e6"),
        ]
        for (original, replacement) in edges {
            var loaded = try ScenarioLoader.load(yaml: ScenarioText.replacing(original, with: replacement), file: "t.yaml",
                                                 directory: ScenarioText.temporaryDirectory(),
                                                 overrides: ScenarioOverrides(paths: 6))
            loaded.config.liquidationMap = LiquidationMapLayout()
            let run = ScenarioRun.execute(loaded, threads: 2)
            let reports = ReportSet(run: run)
            for file in reports.files where file.name.hasSuffix(".csv") || file.name.hasSuffix(".svg") {
                let fields = file.contents.split(whereSeparator: { ",\n\"= ".contains($0) })
                #expect(!fields.contains { ["inf", "-inf", "nan", "-nan"].contains($0.lowercased()) },
                        "\(replacement): \(file.name) has a non-finite number")
            }
        }
    }
}
