import Foundation
import Testing
@testable import CascadeKit

/// Cascade anatomy: events, the liquidation map, the no-feedback twin and exact time series.
@Suite("Cascade anatomy")
struct AnatomyTests {
    let rule = FlatMarginRule(maintenanceMarginRate: 0.005)

    /// A random book on a violent path: many liquidations, both sides, several paths.
    func violentConfig(paths: Int = 24, preset: String? = nil) -> SimulationConfig {
        let rule = preset.map { VenuePreset.named($0)!.rule(for: .btc) } ?? self.rule
        let positions = TestBooks.randomBook(count: 3_000, rule: rule)
        var config = TestBooks.config(positions: positions, volatility: 1.2,
                                      jumps: MertonJumps(intensity: 2_000, mean: -0.02, stdev: 0.03),
                                      impact: ImpactModel(shape: .squareRoot, depth: 3e6, coefficient: 1, recoveryHalfLife: 300),
                                      insuranceFund: 1e5, paths: paths, steps: 240, stepSeconds: 60, seed: 11)
        config.assets[0].ladder = LiquidationLadder(positions: positions, rule: rule)
        if let preset { config.assets[0].mechanics = LiquidationMechanics(preset: VenuePreset.named(preset)!) }
        config.recordCascadeEvents = true
        config.liquidationMap = LiquidationMapLayout()
        return config
    }

    @Test("cascade events: consecutive liquidating steps form one event, a quiet step ends it")
    func events() {
        // The price falls 1% a step without noise or impact; positions fall at steps 0, 1 and 5.
        let price = { (step: Int) in 100 * pow(0.99, Double(step + 1)) }
        let positions = [0, 1, 1, 5].map { TestBooks.position(.long, liquidationPrice: price($0) * 1.001, quantity: 10, rule: rule) }
        var config = TestBooks.config(positions: positions, drift: TestBooks.drift(movingBy: 0.99),
                                      impact: ImpactModel(shape: .linear, depth: 1, coefficient: 0, recoveryHalfLife: 60), steps: 8)
        config.recordCascadeEvents = true
        var observer = NoCascadeObserver()
        let result = SimulationEngine(config: config).trace(path: 0, observer: &observer)
        #expect(result.events.count == 2)
        guard result.events.count == 2 else { return }
        let (a, b) = (result.events[0], result.events[1])
        #expect(a.startStep == 0 && a.steps == 2 && a.rounds == 2)
        #expect(isClose(a.liquidatedNotional, 10 * price(0) + 20 * price(1), relative: 1e-12))
        #expect(b.startStep == 5 && b.steps == 1 && isClose(b.liquidatedNotional, 10 * price(5), relative: 1e-12))
        #expect(a.overshoot == 0 && b.overshoot == 0)
        #expect(result.paths[.cascadeEvents, 0] == 2)
        #expect(result.paths[.longestCascadeSteps, 0] == 2)
        #expect(isClose(result.paths[.largestCascadeNotional, 0], a.liquidatedNotional))
    }

    @Test("events add up to each path's liquidated notional, and are identical for any threads and chunks")
    func eventsAddUp() {
        let config = violentConfig()
        let reference = SimulationEngine(config: config).run(threads: 1, chunkSize: 64)
        for p in 0..<config.paths {
            let events = reference.events.filter { $0.path == p }
            #expect(Double(events.count) == reference.paths[.cascadeEvents, p])
            let sum = events.reduce(0) { $0 + $1.liquidatedNotional }
            #expect(isClose(sum, reference.paths[.liquidatedNotional, p], relative: 1e-9))
            #expect(events.allSatisfy { $0.overshoot <= reference.paths[.maxOvershoot, p] })
            // Events of a path do not overlap and are separated by at least one quiet step.
            for (e, f) in zip(events, events.dropFirst()) { #expect(e.startStep + e.steps < f.startStep) }
        }
        #expect(reference.events.count > config.paths)
        for (threads, chunk) in [(2, 5), (3, 7)] {
            let other = SimulationEngine(config: config).run(threads: threads, chunkSize: chunk)
            #expect(other.events == reference.events)
            #expect(other.liquidationMap!.cents == reference.liquidationMap!.cents)
        }
    }

    @Test("the liquidation map adds up to the liquidated notional by side, with and without partial closes",
          arguments: [nil, "hyperliquid", "dydx-v4"])
    func mapAddsUp(_ preset: String?) {
        let config = violentConfig(preset: preset)
        let result = SimulationEngine(config: config).run(threads: 2)
        let map = result.liquidationMap!
        let layout = map.layout
        for side in 0..<2 {
            var total = 0.0
            for bin in 0..<layout.priceBins {
                for bucket in 0..<layout.leverageBuckets { total += map.total(asset: 0, side: side, priceBin: bin, bucket: bucket) }
            }
            let metric: PathMetric = side == 0 ? .liquidatedLongNotionalExecuted : .liquidatedShortNotionalExecuted
            let expected = result.paths.column(metric).reduce(0, +)
            // Each addition rounds to the cent.
            #expect(abs(total - expected) <= 1e-9 * expected + 0.01 * 1e5, "side \(side): \(total) vs \(expected)")
            #expect(expected > 0)
        }
    }

    @Test("leverage buckets and price bins")
    func layout() {
        let layout = LiquidationMapLayout()
        #expect([1, 2, 3, 5, 7, 10, 20, 25, 50, 100].map(layout.leverageBucket) == [0, 0, 1, 1, 2, 2, 3, 3, 4, 5])
        #expect((0..<layout.leverageBuckets).map(layout.leverageLabel) == ["<=2x", "2-5x", "5-10x", "10-25x", "25-50x", ">50x"])
        #expect(layout.priceBin(logRatio: 0) == 100 && layout.priceBin(logRatio: -0.005) == 99)
        #expect(layout.priceBin(logRatio: -5) == 0 && layout.priceBin(logRatio: 5) == 199)
        let range = layout.priceRange(bin: 99, initialPrice: 100)
        #expect(isClose(range.low, 100 * exp(-0.01)) && range.high == 100)
    }

    @Test("the no-feedback twin: impact off gives amplification 1 and no impact-triggered share")
    func twinOfTwin() {
        var config = violentConfig()
        config.assets[0].impact.coefficient = 0
        var result = SimulationEngine(config: config).run(threads: 2)
        let twin = SimulationEngine(config: CascadeAnatomy.twin(of: config)).run(threads: 2)
        CascadeAnatomy.attach(twin: twin, to: &result)
        for p in 0..<config.paths {
            #expect(result.paths[.twinLiquidatedNotional, p] == result.paths[.liquidatedNotional, p])
            let amplification = result.paths[.amplification, p]
            #expect(amplification.isNaN || amplification == 1)
            let share = result.paths[.impactTriggeredShare, p]
            #expect(share.isNaN || share == 0)
        }
    }

    @Test("a scenario run's twin, on the main run's precomputed resolvers, is the twin engine's own run",
          arguments: ["hyperliquid", "binance-usdm", "dydx-v4"])
    func sharedResolvers(_ preset: String) throws {
        // Partial candidates (Hyperliquid, dYdX: positions of about 1 BTC) and a deleveraging index
        // (Hyperliquid, Binance).
        let loaded = try InverseBookTests.load(InverseBookTests.scenario("  preset: \(preset)\n",
                                                                         symbol: "BTCUSDT"))
        #expect(loaded.twin)
        let run = ScenarioRun.execute(loaded, threads: 2)
        let twin = SimulationEngine(config: CascadeAnatomy.twin(of: loaded.config)).run(threads: 1)
        let shared = try #require(run.twin)
        for metric in PathMetric.allCases where !metric.isAccountMetric && !metric.isMechanismMetric {
            #expect(zip(shared.paths.column(metric), twin.paths.column(metric)).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) },
                    "\(preset) \(metric)")
        }
        #expect(twin.paths.column(.liquidations).reduce(0, +) > 0)
    }

    @Test("the no-feedback twin of a chain: one position falls to the move, the rest to impact")
    func twinOfChain() {
        let impact = ImpactModel(shape: .squareRoot, depth: 5e6, coefficient: 1, recoveryHalfLife: 1e9)
        let positions = CascadeTests().chain(count: 5, impact: impact).positions
        var config = TestBooks.config(positions: positions, drift: TestBooks.drift(movingBy: 0.99), impact: impact)
        config.recordCascadeEvents = true
        var result = SimulationEngine(config: config).run(threads: 1)
        let twin = SimulationEngine(config: CascadeAnatomy.twin(of: config)).run(threads: 1)
        #expect(twin.paths[.liquidations, 0] == 1 && result.paths[.liquidations, 0] == 5)
        CascadeAnatomy.attach(twin: twin, to: &result)
        let entries = positions.map(\.entryNotional)
        #expect(isClose(result.paths[.impactTriggeredShare, 0], 1 - entries[0] / entries.reduce(0, +), relative: 1e-12))
        // The fundamental price fell 1%; the traded price further.
        let fundamental = result.paths[.maxDrawdownFundamental, 0]
        #expect(isClose(fundamental, 0.01, relative: 1e-9))
        #expect(isClose(result.paths[.amplification, 0], result.paths[.maxDrawdownTraded, 0] / fundamental, relative: 1e-12))
        #expect(result.paths[.amplification, 0] > 1)
        #expect(result.events.count == 1 && result.events[0].rounds == 5 && result.events[0].direction == -1)
        // One step: the overshoot is the end-of-step gap |1 − P/F|.
        let gap = abs(result.paths[.finalTradedPrice, 0] / result.paths[.finalFundamentalPrice, 0] - 1)
        #expect(isClose(result.events[0].overshoot, gap, relative: 1e-9))
    }

    @Test("exact time series: the last row's quantiles are the quantiles of the paths' final values")
    func exactTimeSeries() {
        var config = violentConfig(paths: 37)
        config.exactTimeSeries = true
        let result = SimulationEngine(config: config).run(threads: 2, chunkSize: 8)
        let exact = result.exactTimeSeries!
        let levels = [0.01, 0.25, 0.5, 0.9, 1]
        let q = exact.quantiles(levels)
        let last = config.timeSeries.rows - 1
        func expected(_ metric: PathMetric) -> [Double] {
            let sorted = RadixSort.sorted(Array(result.paths.column(metric)))
            return levels.map { Quantiles.sorted(sorted, $0) }
        }
        #expect(q[0][last] == expected(.finalTradedPrice))
        #expect(q[1][last] == expected(.finalFundamentalPrice))
        #expect(q[2][last] == expected(.liquidatedNotional))
        #expect(q[3][last] == expected(.insuranceFundEnd))
        #expect(q[0][0] == levels.map { _ in 100 })
        // The sketch agrees within its relative accuracy (0.1%) where both are defined.
        let sketch = result.timeSeries.quantiles(levels)
        for r in stride(from: 0, to: config.timeSeries.rows, by: 17) {
            for (i, _) in levels.enumerated() where q[0][r][i] > 0 {
                #expect(abs(sketch[0][r][i] / q[0][r][i] - 1) <= 0.0011, "row \(r)")
            }
        }
        // And does not depend on the split into workers.
        let other = SimulationEngine(config: config).run(threads: 1, chunkSize: 37)
        #expect(other.exactTimeSeries!.quantiles(levels) == q)
    }
}
