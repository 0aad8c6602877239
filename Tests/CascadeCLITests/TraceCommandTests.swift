import Foundation
import Testing

/// `cascade trace`: writes the story of one path, the same path a run simulates; bad options are
/// one line naming the option and what is allowed, with status 1 and nothing written.
@Suite("cascade trace")
struct TraceCommandTests {
    typealias CLI = CommandLineTests
    static let scenario = CLI.root.appendingPathComponent("Scenarios/calm-day.yaml").path

    @Test("trace writes trace.csv, trace-rounds.csv, the charts and a manifest; the path ends where the run's does")
    func writesFiles() throws {
        let work = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let run = work.appendingPathComponent("run"), trace = work.appendingPathComponent("trace")
        let ran = try CLI.cascade(["run", Self.scenario, "--paths", "4", "--out", run.path, "--quiet"])
        #expect(ran.status == 0, "\(ran.stderr)")
        let traced = try CLI.cascade(["trace", Self.scenario, "--paths", "4", "--path", "2", "--out", trace.path])
        #expect(traced.status == 0, "\(traced.stderr)")
        #expect(traced.stdout.hasPrefix("path 2 of 4 (seed 7): "), "\(traced.stdout)")
        let names = try FileManager.default.contentsOfDirectory(atPath: trace.path).sorted()
        #expect(names == ["manifest.json", "trace-liquidations.svg", "trace-rounds.csv", "trace.csv", "trace.svg"])
        let manifest = try String(contentsOf: trace.appendingPathComponent("manifest.json"), encoding: .utf8)
        #expect(manifest.contains("\"kind\": \"trace\""), "\(manifest)")

        // One row per step (one asset); the last row's traded price and the path's totals are
        // the run's paths.csv values for path 2, written the same way.
        let rows = try String(contentsOf: trace.appendingPathComponent("trace.csv"), encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 1 + 1440)
        let header = rows[0].split(separator: ",").map(String.init)
        let last = rows[rows.count - 1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let paths = try String(contentsOf: run.appendingPathComponent("paths.csv"), encoding: .utf8).split(separator: "\n")
        let columns = paths[0].split(separator: ",").map(String.init)
        let row = paths[3].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        #expect(row[0] == "2")
        func runValue(_ name: String) -> String { row[columns.firstIndex(of: name)!] }
        func traceValue(_ name: String) -> String { last[header.firstIndex(of: name)!] }
        #expect(traceValue("tradedPrice_usd") == runValue("finalTradedPrice"))
        #expect(traceValue("fundamentalPrice_usd") == runValue("finalFundamentalPrice"))
        #expect(traceValue("pathLiquidatedNotional_usd") == runValue("liquidatedNotional"))
        #expect(traceValue("pathLiquidations") == runValue("liquidations"))
        #expect(traceValue("insuranceFund_usd") == runValue("insuranceFundEnd"))

        // --from/--to keep the rows of those steps; the rounds file keeps their rounds.
        let part = work.appendingPathComponent("part")
        let partial = try CLI.cascade(["trace", Self.scenario, "--paths", "4", "--path", "2", "--from", "10", "--to", "19",
                                       "--out", part.path, "--quiet"])
        #expect(partial.status == 0 && partial.stdout.isEmpty, "\(partial.stderr)")
        let partRows = try String(contentsOf: part.appendingPathComponent("trace.csv"), encoding: .utf8).split(separator: "\n")
        #expect(partRows.count == 1 + 10)
        #expect(partRows[1].hasPrefix("10,") && partRows[10].hasPrefix("19,"))
        #expect(Array(partRows[1...]) == Array(rows[11...20]))
        let rounds = try String(contentsOf: part.appendingPathComponent("trace-rounds.csv"), encoding: .utf8).split(separator: "\n")
        for r in rounds.dropFirst() {
            let step = Int(r.split(separator: ",")[0])!
            #expect((10...19).contains(step))
        }
    }

    @Test("bad options are one line naming the option; status 1; nothing written", arguments: [
        (["--path", "4"], "error: --path 4 is out of range; expected 0 ≤ I < 4 (the scenario's paths)"),
        (["--path", "-1"], "error: --path -1 is out of range; expected ≥ 0"),
        (["--path", "x"], "error: --path 'x' is not a whole number; expected ≥ 0"),
        (["--path", "0", "--from", "1440"], "error: --from 1440 is out of range; expected 0 ≤ STEP < 1440 (the scenario's steps)"),
        (["--path", "0", "--to", "5000"], "error: --to 5000 is out of range; expected 0 ≤ STEP < 1440 (the scenario's steps)"),
        (["--path", "0", "--from", "-2"], "error: --from -2 is out of range; expected ≥ 0"),
        (["--path", "0", "--from", "20", "--to", "10"], "error: --from 20 is after --to 10; expected --from ≤ --to"),
    ])
    func refusals(_ arguments: [String], _ message: String) throws {
        let work = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let out = work.appendingPathComponent("trace")
        let result = try CLI.cascade(["trace", Self.scenario, "--paths", "4", "--out", out.path] + arguments)
        #expect(result.status == 1)
        #expect(result.stderr == message + "\n", "\(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: work.path).isEmpty)
    }
}
