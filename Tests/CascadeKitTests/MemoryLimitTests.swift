import Foundation
import Testing
@testable import CascadeKit

/// Memory: the estimate `validate` makes before anything large is allocated, the refusals it
/// gives, and the run-time stop when the growing structures outgrow the limit.
@Suite("Memory limits")
struct MemoryLimitTests {
    static func load(_ text: String, limit: Double, paths: Int? = nil, files: [String: String] = [:]) throws(ScenarioError) -> LoadedScenario {
        let directory = ScenarioText.temporaryDirectory()
        for (name, contents) in files { try! contents.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return try ScenarioLoader.load(yaml: text, file: "t.yaml", directory: directory,
                                       overrides: ScenarioOverrides(paths: paths, memoryLimit: limit))
    }

    @Test("sizes parse and print as a reader writes them")
    func sizes() {
        #expect(MemoryEstimate.parse("8G") == 8e9)
        #expect(MemoryEstimate.parse("512m") == 512e6)
        #expect(MemoryEstimate.parse("2.5GB") == 2.5e9)
        #expect(MemoryEstimate.parse("1000") == 1000)
        for bad in ["", "-1G", "G", "1.2.3M", "1e9", "0", "8 X"] { #expect(MemoryEstimate.parse(bad) == nil, "\(bad)") }
        #expect(MemoryEstimate.describe(8e12) == "8 TB")
        #expect(MemoryEstimate.describe(1.5e9) == "1.5 GB")
        #expect(MemoryEstimate.describe(512e6) == "512 MB")
    }

    @Test("the estimate grows with positions and paths, and counts exact time series")
    func estimate() throws {
        let small = try Self.load(ScenarioText.valid, limit: 1e12)
        let more = try Self.load(ScenarioText.replacing("count: 100", with: "count: 100000"), limit: 1e12)
        #expect(isClose(more.memory.total - small.memory.total, 99_900 * (MemoryEstimate.bytesPerPosition + MemoryEstimate.bytesPerMappedPosition)))
        let paths = try Self.load(ScenarioText.valid, limit: 1e12, paths: 1_000)
        // 1,000 paths × 61 rows × 4 columns fit the exact series: 8 bytes each.
        #expect(isClose(paths.memory.total - small.memory.total, 990 * MemoryEstimate.bytesPerPath + 8 * 4 * 61 * 990))
    }

    @Test("a run that would not fit is refused before anything is allocated, naming the key")
    func refusals() {
        let cases: [(text: String, paths: Int?, location: String)] = [
            (ScenarioText.valid, 1_000_000_000_000, "--paths"),
            (ScenarioText.replacing("paths: 10", with: "paths: 1000000000000"), nil, "simulation.paths"),
            (ScenarioText.replacing("count: 100", with: "count: 2000000000"), nil, "positions.synthetic.count"),
        ]
        for c in cases {
            do {
                _ = try Self.load(c.text, limit: 16e9, paths: c.paths)
                Issue.record("accepted \(c.location)")
            } catch {
                #expect(error.issues.count == 1)
                #expect(error.issues.first?.location == c.location, "\(error)")
                #expect(error.issues.first?.message.contains("more than the limit of 16 GB (--max-memory)") == true, "\(error)")
            }
        }
    }

    @Test("a price file reaching the year 9999 is refused, not put on a 33 GB grid")
    func farTimestamp() {
        let text = ScenarioText.replacing(ScenarioValidationTests.gbmModel, with: "type: bootstrap\n        file: prices.csv\n        blockLength: 5m")
        var prices = "timestamp,price\n"
        for k in 0..<200 { prices += "\(1_700_000_000 + 60 * k),\(100 + k % 7)\n" }
        prices += "253402300000,100\n"
        do {
            _ = try Self.load(text, limit: 8e9, files: ["prices.csv": prices])
            Issue.record("accepted")
        } catch {
            let issue = error.issues.first
            #expect(issue?.location == "market.assets[0].model.file")
            #expect(issue?.message.contains("prices.csv: the data spans") == true, "\(error)")
            #expect(issue?.message.contains("to 9999-12-31") == true, "\(error)")
        }
    }

    @Test("a run whose sketch outgrows the limit stops within a step and says why; a cancelled run stops too")
    func runtimeStop() throws {
        let loaded = try Self.load(ScenarioText.replacing("paths: 10", with: "paths: 64"), limit: 1e12)
        let tight = RunControl(growthLimit: 10_000)
        _ = ScenarioRun.execute(loaded, threads: 2, control: tight)
        #expect(tight.reason == .memory(limit: 10_000))
        let free = RunControl()
        _ = ScenarioRun.execute(loaded, threads: 2, control: free)
        #expect(free.reason == nil)
        #expect(free.grownBytes > 10_000)
        let cancelled = RunControl()
        cancelled.cancel()
        _ = ScenarioRun.execute(loaded, threads: 2, control: cancelled)
        #expect(cancelled.reason == .cancelled)
    }

    @Test("a control that never stops changes no result")
    func controlIsTransparent() throws {
        let loaded = try Self.load(ScenarioText.replacing("paths: 10", with: "paths: 37"), limit: 1e12)
        let plain = ScenarioRun.execute(loaded, threads: 2, chunkSize: 8)
        let controlled = ScenarioRun.execute(loaded, threads: 2, chunkSize: 8, control: RunControl())
        #expect(plain.result.paths.values.map(\.bitPattern) == controlled.result.paths.values.map(\.bitPattern))
    }
}
