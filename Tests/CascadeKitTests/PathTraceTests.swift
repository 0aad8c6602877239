import Foundation
import Testing
@testable import CascadeKit

/// A traced path (``PathTrace``) tells the same story as the run's row of that path: the totals
/// the trace was told of, round by round, equal the run's per-path results exactly.
@Suite("Path traces")
struct PathTraceTests {
    /// Bundled scenarios with a seed and paths that liquidate on every path: a plain book
    /// (calm-day), a venue preset with an index mark (binance-flash-crash) and one with partial
    /// closes and auto-deleveraging (hyperliquid-october-2025-adl).
    static let scenarios: [(file: String, paths: Int)] = [
        ("calm-day.yaml", 3), ("binance-flash-crash.yaml", 3), ("hyperliquid-october-2025-adl.yaml", 3),
    ]

    static func load(_ file: String, paths: Int) throws -> LoadedScenario {
        let path = ScenarioReferenceTests.root.appendingPathComponent("Scenarios/\(file)").path
        return try ScenarioLoader.load(path: path, overrides: ScenarioOverrides(paths: paths))
    }

    @Test("each traced path's totals equal the run's row of that path", arguments: scenarios.map(\.file))
    func totalsMatchTheRun(_ file: String) throws {
        let paths = Self.scenarios.first { $0.file == file }!.paths
        let loaded = try Self.load(file, paths: paths)
        let run = ScenarioRun.execute(loaded, threads: 2)
        let results = run.result.paths
        let config = loaded.config
        var liquidatedSomewhere = false
        for p in 0..<paths {
            let (trace, _) = PathTrace.record(config: config, path: p)
            let notional = results[.liquidatedNotional, nil, p]
            liquidatedSomewhere = liquidatedSomewhere || notional > 0
            // Exact: the trace sums each side's reported notionals in the order the engine adds
            // them to the path's tally, and the run's value is long + short.
            #expect(trace.liquidatedNotional == notional, "\(file) path \(p)")
            #expect(trace.longNotional == results[.liquidatedLongNotionalExecuted, nil, p], "\(file) path \(p)")
            #expect(trace.shortNotional == results[.liquidatedShortNotionalExecuted, nil, p], "\(file) path \(p)")
            #expect(Double(trace.liquidations) == results[.liquidations, nil, p], "\(file) path \(p)")
            #expect(trace.adlNotional == results[.adlNotional, nil, p], "\(file) path \(p)")
            // The per-step values summed step by step: the same terms in another grouping, so
            // equal within rounding only.
            let stepSum = (0..<trace.stepCount).reduce(0.0) { $0 + trace.liquidatedNotional(step: $1) }
            #expect(isClose(stepSum, notional, relative: 1e-12), "\(file) path \(p): \(stepSum) vs \(notional)")
            #expect(trace.steps.reduce(0) { $0 + $1.longCount + $1.shortCount } == trace.liquidations)
            #expect(Double(trace.steps.reduce(0) { $0 + $1.partialCloses }) == results[.partialLiquidations, nil, p])
            #expect(Double(trace.steps.reduce(0) { $0 + $1.adlCount }) == results[.adlCount, nil, p])
            // The rounds hold the same liquidations as the steps.
            #expect(trace.rounds.reduce(0) { $0 + $1.longCount + $1.shortCount } == trace.liquidations)
            #expect(trace.rounds.map(\.round).max() ?? 0 == Int(results[.maxCascadeRounds, nil, p]), "\(file) path \(p)")
            // The path's totals at the end of the last step: the run's.
            let last = try #require(trace.totals.last)
            #expect(trace.totals.count == config.steps)
            #expect(last.liquidatedNotional == notional)
            #expect(last.fundBalance == results[.insuranceFundEnd, nil, p], "\(file) path \(p)")
            for a in config.assets.indices {
                let end = trace.step(config.steps - 1, asset: a)
                #expect(end.tradedPrice == results[.finalTradedPrice, a, p], "\(file) path \(p) asset \(a)")
                #expect(end.fundamentalPrice == results[.finalFundamentalPrice, a, p], "\(file) path \(p) asset \(a)")
                let lowest = (0..<config.steps).map { trace.step($0, asset: a).tradedPrice }.min()!
                #expect(lowest == results[.minTradedPrice, a, p], "\(file) path \(p) asset \(a)")
            }
        }
        #expect(liquidatedSomewhere, "\(file): the test needs a path that liquidates")
    }

    @Test("with cross accounts, the trace's path totals are the run's; the per-asset liquidations leave the cross closures out")
    func crossAccounts() throws {
        let loaded = try Self.load("cross-margin-contagion.yaml", paths: 2)
        let run = ScenarioRun.execute(loaded, threads: 2)
        let results = run.result.paths
        for p in 0..<2 {
            let (trace, _) = PathTrace.record(config: loaded.config, path: p)
            let last = try #require(trace.totals.last)
            #expect(last.liquidatedNotional == results[.liquidatedNotional, nil, p], "path \(p)")
            #expect(Double(last.liquidations) == results[.liquidations, nil, p], "path \(p)")
            #expect(last.fundBalance == results[.insuranceFundEnd, nil, p], "path \(p)")
            let cross = results[.crossLiquidatedNotional, nil, p]
            #expect(isClose(trace.liquidatedNotional + cross, last.liquidatedNotional, relative: 1e-9),
                    "path \(p): \(trace.liquidatedNotional) + \(cross) vs \(last.liquidatedNotional)")
            for a in loaded.config.assets.indices {
                #expect(trace.step(loaded.config.steps - 1, asset: a).tradedPrice == results[.finalTradedPrice, a, p])
            }
        }
    }

    @Test("the trace's files: a row per step and asset within the range, a row per round, two charts")
    func reportFiles() throws {
        let loaded = try Self.load("binance-flash-crash.yaml", paths: 2)
        let (trace, _) = PathTrace.record(config: loaded.config, path: 1)
        let busiest = (0..<trace.stepCount).max { trace.liquidatedNotional(step: $0) < trace.liquidatedNotional(step: $1) }!
        let range = max(0, busiest - 5)...min(trace.stepCount - 1, busiest + 5)
        let report = TraceReport(trace: trace, steps: range)
        let files = Dictionary(uniqueKeysWithValues: report.files.map { ($0.name, $0.contents) })
        #expect(Set(files.keys) == ["trace.csv", "trace-rounds.csv", "trace.svg", "trace-liquidations.svg"])
        let rows = try #require(files["trace.csv"]).split(separator: "\n")
        #expect(rows[0] == Substring(TraceReport.stepColumns.joined(separator: ",")))
        #expect(rows.count == 1 + range.count * loaded.config.assets.count)
        // The first row is the range's first step; the notional columns add up to the steps'.
        let first = rows[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(first[0] == Substring(String(range.lowerBound)) && first.count == TraceReport.stepColumns.count)
        // binance-usdm marks on an index: the mark column is filled.
        #expect(!first[5].isEmpty)
        let rounds = try #require(files["trace-rounds.csv"]).split(separator: "\n")
        #expect(rounds.count == 1 + trace.rounds.filter { range.contains($0.step) }.count && rounds.count > 1)
        var roundNotional = 0.0
        for row in rounds.dropFirst() {
            let f = row.split(separator: ",", omittingEmptySubsequences: false)
            roundNotional += Double(f[7])! + Double(f[9])!
        }
        let stepNotional = range.reduce(0.0) { $0 + trace.liquidatedNotional(step: $1) }
        #expect(isClose(roundNotional, stepNotional, relative: 1e-12))
        #expect(try #require(files["trace.svg"]).contains("fundamental (no feedback)"))
        #expect(try #require(files["trace-liquidations.svg"]).hasPrefix("<svg"))
    }

    /// Results of `notional.count` paths with these liquidated notionals and final funds.
    static func results(notional: [Double], fund: [Double]) -> PathResults {
        var r = PathResults(paths: notional.count, symbols: ["X"])
        for (p, (n, f)) in zip(notional, fund).enumerated() {
            r.set(.liquidatedNotional, nil, p, n)
            r.set(.insuranceFundEnd, nil, p, f)
        }
        return r
    }

    @Test("stories: median, p99 and largest by nearest rank, lowest fund; ties to the lowest index; a path chosen once", arguments: [
        // Distinct values: n = 4, median rank ⌈2⌉ = 2 → value 2 (path 0); p99 rank ⌈3.96⌉ = 4 → 9 (path 2).
        ([2.0, 5, 9, 1], [10.0, 8, 9, 10], [(0, [0]), (2, [1, 2]), (1, [3])]),
        // Ties: every notional 0 → path 0 for all three; fund ties at 7 → path 1 (lowest index).
        ([0.0, 0, 0, 0], [9.0, 7, 7, 8], [(0, [0, 1, 2]), (1, [3])]),
        // n = 5: median rank ⌈2.5⌉ = 3 → value 3 (path 4); p99 and largest tied between paths 1
        // and 3 → 1; lowest fund on path 3.
        ([1.0, 6, 2, 6, 3], [5.0, 5, 5, 4, 5], [(4, [0]), (1, [1, 2]), (3, [3])]),
        // One path.
        ([4.0], [1.0], [(0, [0, 1, 2, 3])]),
    ] as [([Double], [Double], [(Int, [Int])])])
    func choosesStories(_ notional: [Double], _ fund: [Double], _ expected: [(Int, [Int])]) {
        let chosen = PathStories.choose(Self.results(notional: notional, fund: fund))
        #expect(chosen.map(\.path) == expected.map(\.0), "\(notional) \(fund)")
        #expect(chosen.map(\.reasons) == expected.map { $0.1.map { PathStories.reasons[$0] } }, "\(notional) \(fund)")
    }

    @Test("report.html tells the story of the chosen paths, each traced to the run's totals")
    func reportStories() throws {
        let reports = ReportSetTests.reports
        let html = try #require(ReportSetTests.file("report.html"))
        #expect(html.contains("<h2>The story of a few paths</h2>"))
        let run = reports.run
        let stories = PathStories(results: run.result.paths, config: run.result.config)
        #expect(!stories.stories.isEmpty && stories.stories.count <= 4)
        #expect(stories.stories.flatMap(\.reasons).count == 4)
        for story in stories.stories {
            #expect(story.trace.liquidatedNotional == run.result.paths[.liquidatedNotional, nil, story.path])
            #expect(html.contains("<title>Path \(story.path)</title>"), "path \(story.path)")
        }
        // The largest story is the path of the largest notional.
        let notional = Array(run.result.paths.column(.liquidatedNotional))
        let largest = try #require(stories.stories.first { $0.reasons.contains("largest liquidated notional") })
        #expect(notional[largest.path] == notional.max())
    }
}
