import Foundation
import Testing
@testable import CascadeKit

/// A run split into consecutive ranges of paths (shards), each run on its own and put together
/// again, equals the run of all paths at once: every report file, byte for byte.
@Suite("Shards put together")
struct ShardJoinTests {
    /// (name, scenario text): flat rules, a venue preset with ADL and partial liquidation, and
    /// cross accounts with funding.
    static let scenarios: [(String, String)] = [
        ("flat", ScenarioText.valid),
        ("preset", ScenarioText.replacing("  maintenanceMarginRate: 0.005\n  liquidationFee: 0.003\n", with: "  preset: binance-usdm\n")),
        ("accounts", (try? String(contentsOf: ScenarioReferenceTests.root.appendingPathComponent("Tests/Fixtures/ReferenceProbes/accounts-and-policies.yaml"),
                                  encoding: .utf8)) ?? ""),
    ]

    /// The report files of `loaded` run at once, and run as `splits` shards put together.
    static func reports(_ loaded: LoadedScenario, splits: [Int]) -> (whole: [(name: String, contents: String)], joined: [(name: String, contents: String)]) {
        let whole = ScenarioRun.execute(loaded, threads: 2)
        var bounds = [0] + splits + [loaded.config.paths]
        bounds = Array(Set(bounds)).sorted()
        let parts = zip(bounds, bounds.dropFirst()).enumerated().map { i, range in
            ScenarioRun.execute(loaded, paths: range.0..<range.1, threads: 1 + i % 2)
        }
        return (ReportSet(run: whole).files, ReportSet(run: ScenarioRun.joining(parts)).files)
    }

    @Test("every report file is the same, split into 1, 3 and 7 shards, with and without the twin, exact and sketched",
          arguments: [0, 1, 2])
    func byteIdentical(_ index: Int) throws {
        let (name, text) = Self.scenarios[index]
        #expect(!text.isEmpty)
        for twin in [true, false] {
            for exact in [true, false] {
                var yaml = text.replacingOccurrences(of: "  paths: 10\n", with: "  paths: 23\n")
                    .replacingOccurrences(of: "  paths: 4\n", with: "  paths: 23\n")
                if !twin { yaml += (yaml.contains("\nreport:") ? "" : "report:\n") + "  twin: false\n" }
                var loaded = try ScenarioLoader.load(yaml: yaml, file: "\(name).yaml", directory: ScenarioText.temporaryDirectory())
                #expect(loaded.config.paths == 23 && loaded.twin == twin)
                loaded.config.exactTimeSeries = exact
                for splits in [[Int](), [5, 17], [1, 2, 6, 11, 12, 20]] {
                    let (whole, joined) = Self.reports(loaded, splits: splits)
                    #expect(whole.map(\.name) == joined.map(\.name))
                    for (a, b) in zip(whole, joined) {
                        #expect(a.contents == b.contents, "\(name), twin \(twin), exact \(exact), splits \(splits): \(a.name) differs")
                    }
                }
            }
        }
    }

    @Test("a shard holds its paths at their global index: the same values as the whole run's rows")
    func shardRows() throws {
        let loaded = try ScenarioLoader.load(yaml: ScenarioText.valid, file: "t.yaml", directory: ScenarioText.temporaryDirectory())
        let whole = SimulationEngine(config: loaded.config).run(threads: 2).paths
        let shard = SimulationEngine(config: loaded.config).run(paths: 4..<9, threads: 1)
        #expect(shard.firstPath == 4 && shard.paths.paths == 5)
        for column in whole.columns {
            let a = Array(Array(whole.column(column))[4..<9]), b = Array(shard.paths.column(column))
            #expect(a.elementsEqual(b) { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(column)")
        }
    }

    @Test("a shard needs the memory of its share of the paths, not of all of them")
    func shardMemory() throws {
        let directory = ScenarioText.temporaryDirectory()
        let whole = ScenarioOverrides(paths: 10_000_000, memoryLimit: 4e9)
        #expect(throws: ScenarioError.self) { try ScenarioLoader.load(yaml: ScenarioText.valid, file: "t.yaml", directory: directory, overrides: whole) }
        var shard = whole
        shard.shard = ShardSpec(index: 3, count: 10_000)
        let loaded = try ScenarioLoader.load(yaml: ScenarioText.valid, file: "t.yaml", directory: directory, overrides: shard)
        #expect(loaded.config.paths == 10_000_000 && loaded.memory.total < 4e9)
        #expect(ShardSpec(index: 3, count: 10_000).range(paths: 10_000_000) == 3_000..<4_000)
    }
}
