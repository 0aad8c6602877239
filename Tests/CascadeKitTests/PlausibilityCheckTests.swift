import Foundation
import Testing
@testable import CascadeKit

@Suite("Plausibility against reported figures")
struct PlausibilityCheckTests {
    /// Results of `liquidated.count` paths with the given liquidated, long and short notionals.
    static func results(_ liquidated: [Double], long: [Double], short: [Double]) -> PathResults {
        var r = PathResults(paths: liquidated.count, symbols: ["BTCUSDT"])
        for p in liquidated.indices {
            r.set(.liquidatedNotional, nil, p, liquidated[p])
            r.set(.liquidatedLongNotionalExecuted, nil, p, long[p])
            r.set(.liquidatedShortNotionalExecuted, nil, p, short[p])
        }
        return r
    }

    @Test("median, placement, factor and side by hand")
    func byHand() {
        // Medians 3e8 (odd count); long 60 of 100 → 0.6.
        let r = Self.results([5e8, 1e8, 3e8, 2e8, 4e10], long: [10, 20, 10, 10, 10], short: [10, 10, 10, 5, 5])
        let reported = ReportedSection(event: "e", liquidatedNotional: [1e9, 2e9], longShare: 0.9)
        let check = PlausibilityCheck(reported: reported, paths: r)
        #expect(check.median == 3e8 && check.paths == 5)
        #expect(check.placement == .belowWithinTenfold && check.placement.isWithinOrderOfMagnitude)
        #expect(abs(check.factor - 0.3) < 1e-15)
        #expect(check.longShare == 0.6 && check.sideAgrees == true && check.passes)
        // Five values at 95%: no pair of order statistics reaches it, so the widest interval.
        #expect(check.medianInterval == Interval(lower: 1e8, upper: 4e10))
        // Shorts reported: the side disagrees and the check fails though the size is close.
        let shorts = PlausibilityCheck(reported: ReportedSection(event: "e", liquidatedNotional: [1e9, 2e9], longShare: 0.2), paths: r)
        #expect(shorts.sideAgrees == false && !shorts.passes)
        // No side reported: only the size counts.
        #expect(PlausibilityCheck(reported: ReportedSection(event: "e", liquidatedNotional: [1e9, 2e9]), paths: r).sideAgrees == nil)
    }

    @Test("the ends of the order-of-magnitude band are inside it; an even count takes the middle mean")
    func edges() {
        func placement(_ values: [Double]) -> PlausibilityCheck.Placement {
            let zeros = [Double](repeating: 0, count: values.count)
            return PlausibilityCheck(reported: ReportedSection(event: "e", liquidatedNotional: [1e9, 2e9]),
                                     paths: Self.results(values, long: zeros, short: zeros)).placement
        }
        #expect(placement([1e8]) == .belowWithinTenfold)
        #expect(placement([0.99e8]) == .belowTenfold)
        #expect(placement([1e9]) == .inRange && placement([2e9]) == .inRange)
        #expect(placement([2e10]) == .aboveWithinTenfold)
        #expect(placement([2.01e10]) == .aboveTenfold)
        #expect(placement([0, 4e9]) == .inRange)  // (0 + 4e9) / 2 = 2e9
        #expect(PlausibilityCheck.median(sorted: [1, 2, 3, 10]) == 2.5)
        // Nothing liquidated: no long share and no side.
        let none = PlausibilityCheck(reported: ReportedSection(event: "e", liquidatedNotional: [1, 2], longShare: 0.9),
                                     paths: Self.results([0, 0], long: [0, 0], short: [0, 0]))
        #expect(none.longShare.isNaN && none.sideAgrees == nil && none.placement == .belowTenfold && !none.passes)
    }

    @Test("reported: is read by no engine code: a run's per-path results are the same with and without it")
    func engineIgnoresIt() throws {
        let plain = ScenarioText.valid
        let with = plain + "reported:\n  event: a test\n  liquidatedNotional: [1.0e6, 2.0e6]\n  longShare: 0.7\n"
        let a = try ScenarioLoader.load(yaml: plain, file: "a.yaml", directory: ScenarioText.temporaryDirectory())
        let b = try ScenarioLoader.load(yaml: with, file: "b.yaml", directory: ScenarioText.temporaryDirectory())
        #expect(a.scenario.reported == nil && b.scenario.reported?.longShare == 0.7)
        let ra = SimulationEngine(config: a.config).run(threads: 1, chunkSize: 4).paths
        let rb = SimulationEngine(config: b.config).run(threads: 2, chunkSize: 3).paths
        #expect(ra.values.elementsEqual(rb.values) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        // The check's median is the sample median of the column.
        let check = PlausibilityCheck(reported: b.scenario.reported!, paths: rb)
        let sorted = rb.column(.liquidatedNotional).sorted()
        #expect(check.median == PlausibilityCheck.median(sorted: sorted) && sorted.count == b.config.paths)
    }

    @Test("the control: its median, the median per-path excess, and whether it dominates")
    func control() {
        let zeros = [Double](repeating: 0, count: 4)
        let event = Self.results([10, 20, 30, 100], long: zeros, short: zeros)
        let control = Self.results([9, 2, 29, 0], long: zeros, short: zeros)
        let check = PlausibilityCheck(reported: ReportedSection(event: "e", liquidatedNotional: [10, 20]), paths: event, control: control)
        // Control sorted 0, 2, 9, 29 → 5.5; excesses 1, 18, 1, 100 → sorted 1, 1, 18, 100 → 9.5.
        #expect(check.median == 25 && check.controlMedian == 5.5 && check.excessMedian == 9.5)
        #expect(!check.isDominatedByControl)
        let same = PlausibilityCheck(reported: ReportedSection(event: "e", liquidatedNotional: [10, 20]), paths: event, control: event)
        #expect(same.excessMedian == 0 && same.isDominatedByControl)
        #expect(PlausibilityCheck(reported: ReportedSection(event: "e", liquidatedNotional: [10, 20]), paths: event).controlMedian.isNaN)
    }

    @Test("the control is the scenario without its shocks, on the same book")
    func controlScenario() throws {
        let shocked = ScenarioText.valid.replacingOccurrences(of: "        stdev: 0.01\n",
            with: "        stdev: 0.01\n      shocks:\n        - {at: 10m, move: -0.2, over: 5m}\n")
        #expect(shocked != ScenarioText.valid)
        let loaded = try ScenarioLoader.load(yaml: shocked, file: "s.yaml", directory: ScenarioText.temporaryDirectory())
        let assignments = PlausibilityCheck.controlAssignments(for: loaded.scenario)
        #expect(assignments.map(\.description) == ["market.assets.0.shocks=[]"])
        let control = try ScenarioLoader.load(yaml: shocked, file: "s.yaml", directory: ScenarioText.temporaryDirectory(),
                                              overrides: ScenarioOverrides(assignments: assignments))
        #expect(loaded.config.assets[0].schedule != nil && control.config.assets[0].schedule == nil)
        #expect(control.config.assets[0].ladder.positions == loaded.config.assets[0].ladder.positions)
        // Without shocks there is nothing to remove.
        #expect(PlausibilityCheck.controlAssignments(for: control.scenario).isEmpty)
    }
}
