import Foundation
import Testing

/// `cascade run --shard I/N` and `cascade merge`: the merged report set equals the unsplit run's,
/// file for file; shards of different runs, duplicates, gaps and broken files are refused with
/// a line naming the files.
@Suite("cascade run --shard and merge")
struct ShardCommandTests {
    typealias CLI = CommandLineTests
    static let scenario = CLI.root.appendingPathComponent("Scenarios/calm-day.yaml").path

    /// Runs `count` shards of the scenario with `paths` paths into `directory`.
    static func shards(_ count: Int, paths: Int, into directory: URL, seed: String? = nil) throws {
        for i in 0..<count {
            let result = try CLI.cascade(["run", scenario, "--paths", String(paths), "--shard", "\(i)/\(count)", "--out", directory.path, "--quiet",
                                          "--threads", String(1 + i % 2)] + (seed.map { ["--seed", $0] } ?? []))
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    /// The report files of a folder but the manifest: name → bytes; and the manifest's file list.
    static func reportFiles(_ directory: URL) throws -> (files: [String: Data], listed: String) {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) where name != "manifest.json" {
            files[name] = try Data(contentsOf: directory.appendingPathComponent(name))
        }
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("manifest.json"))) as! [String: Any]
        let listed = try JSONSerialization.data(withJSONObject: manifest["files"]!, options: [.sortedKeys])
        return (files, String(decoding: listed, as: UTF8.self))
    }

    @Test("1, 3 and 7 shards merge into the unsplit run's reports, byte for byte")
    func mergeEqualsWhole() throws {
        let work = CLI.temporaryDirectory()
        let whole = work.appendingPathComponent("whole")
        let run = try CLI.cascade(["run", Self.scenario, "--paths", "30", "--out", whole.path, "--quiet"])
        #expect(run.status == 0, "\(run.stderr)")
        let expected = try Self.reportFiles(whole)
        for count in [1, 3, 7] {
            let shards = work.appendingPathComponent("shards-\(count)"), merged = work.appendingPathComponent("merged-\(count)")
            try Self.shards(count, paths: 30, into: shards)
            let merge = try CLI.cascade(["merge", shards.path, "--out", merged.path, "--quiet"])
            #expect(merge.status == 0, "\(merge.stderr)")
            let got = try Self.reportFiles(merged)
            #expect(got.files.keys.sorted() == expected.files.keys.sorted())
            for (name, data) in expected.files { #expect(got.files[name] == data, "\(count) shards: \(name) differs") }
            #expect(got.listed == expected.listed, "\(count) shards: the manifest's file list differs")
        }
        // More shards than paths: the empty shards merge too.
        let many = work.appendingPathComponent("many")
        try Self.shards(5, paths: 3, into: many)
        let merged = try CLI.cascade(["merge", many.path, "--out", work.appendingPathComponent("merged-many").path, "--quiet"])
        #expect(merged.status == 0, "\(merged.stderr)")
    }

    @Test("a retried shard writes the same bytes; auto/N takes the index from the batch engine's environment")
    func idempotentAndAuto() throws {
        let work = CLI.temporaryDirectory()
        let a = work.appendingPathComponent("a"), b = work.appendingPathComponent("b")
        try Self.shards(2, paths: 8, into: a)
        try Self.shards(2, paths: 8, into: b)
        for name in ["shard-0-of-2.cascade", "shard-1-of-2.cascade"] {
            #expect(try Data(contentsOf: a.appendingPathComponent(name)) == Data(contentsOf: b.appendingPathComponent(name)))
        }
        var environment = ProcessInfo.processInfo.environment
        environment["SLURM_ARRAY_TASK_ID"] = "1"
        environment["SLURM_ARRAY_TASK_COUNT"] = "2"
        let auto = work.appendingPathComponent("auto")
        let result = try CLI.cascade(["run", Self.scenario, "--paths", "8", "--shard", "auto/2", "--out", auto.path, "--quiet"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try Data(contentsOf: auto.appendingPathComponent("shard-1-of-2.cascade")) == Data(contentsOf: a.appendingPathComponent("shard-1-of-2.cascade")))
        environment["SLURM_ARRAY_TASK_COUNT"] = "4"
        let wrong = try CLI.cascade(["run", Self.scenario, "--shard", "auto/2", "--out", auto.path], environment: environment)
        #expect(wrong.status != 0 && wrong.stderr.contains("SLURM_ARRAY_TASK_COUNT=4 differs from 2"), "\(wrong.stderr)")
        for bad in ["3/3", "x/2", "1/0", "1"] {
            let refused = try CLI.cascade(["run", Self.scenario, "--shard", bad, "--out", auto.path])
            #expect(refused.status != 0 && refused.stderr.contains("--shard"), "\(bad): \(refused.stderr)")
        }
    }

    @Test("merge refuses duplicates, gaps, shards of other runs and broken files, naming them")
    func refusals() throws {
        let work = CLI.temporaryDirectory()
        let shards = work.appendingPathComponent("s"), other = work.appendingPathComponent("o")
        try Self.shards(3, paths: 9, into: shards)
        try Self.shards(3, paths: 9, into: other, seed: "99")
        let s0 = shards.appendingPathComponent("shard-0-of-3.cascade").path, s1 = shards.appendingPathComponent("shard-1-of-3.cascade").path
        let s2 = shards.appendingPathComponent("shard-2-of-3.cascade").path, o2 = other.appendingPathComponent("shard-2-of-3.cascade").path
        let out = work.appendingPathComponent("out").path
        let duplicate = try CLI.cascade(["merge", s0, s1, s2, s1, "--out", out])
        #expect(duplicate.status == 1 && duplicate.stderr.contains("shard 1/3 is given twice"), "\(duplicate.stderr)")
        let gap = try CLI.cascade(["merge", s0, s2, "--out", out])
        #expect(gap.status == 1 && gap.stderr.contains("shards 1 of 3 are missing"), "\(gap.stderr)")
        let mixed = try CLI.cascade(["merge", s0, s1, o2, "--out", out])
        #expect(mixed.status == 1 && mixed.stderr.contains("\(o2): seed 99 differs"), "\(mixed.stderr)")
        let cut = work.appendingPathComponent("cut.cascade")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: s2))
        try bytes.prefix(bytes.count / 2).write(to: cut)
        let truncated = try CLI.cascade(["merge", s0, s1, cut.path, "--out", out])
        #expect(truncated.status == 1 && truncated.stderr.contains("\(cut.path): the shard's results are cut short"), "\(truncated.stderr)")
        let text = work.appendingPathComponent("notes.cascade")
        try "hello".write(to: text, atomically: true, encoding: .utf8)
        let foreign = try CLI.cascade(["merge", text.path, "--out", out])
        #expect(foreign.status == 1 && foreign.stderr.contains("not a cascade shard result"), "\(foreign.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    static let grid = ["--vary", "market.assets.0.model.volatility=0.3,1.2", "--vary", "impact.depth=20000000,5000000"]

    /// Runs `count` shards of a 2 × 2 sweep of the scenario into `directory`.
    static func sweepShards(_ count: Int, paths: Int, into directory: URL, extra: [String] = []) throws {
        for i in 0..<count {
            let result = try CLI.cascade(["sweep", scenario] + grid + ["--paths", String(paths), "--shard", "\(i)/\(count)", "--out", directory.path,
                                                                      "--quiet", "--threads", String(1 + i % 2)] + extra)
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    @Test("a sweep split into 1, 3 and 7 shards merges into the unsplit sweep's sweep.csv, charts and page, byte for byte")
    func sweepMergeEqualsWhole() throws {
        let work = CLI.temporaryDirectory()
        let whole = work.appendingPathComponent("whole")
        let run = try CLI.cascade(["sweep", Self.scenario] + Self.grid + ["--paths", "6", "--out", whole.path, "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let expected = try Self.reportFiles(whole)
        #expect(expected.files.keys.contains("sweep.csv") && expected.files.keys.contains("sweep.html") && expected.files.count == 14)
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: whole.appendingPathComponent("manifest.json"))) as? [String: Any])
        for count in [1, 3, 7] {  // 7 shards of 4 points: three shards hold none
            let shards = work.appendingPathComponent("shards-\(count)"), merged = work.appendingPathComponent("merged-\(count)")
            try Self.sweepShards(count, paths: 6, into: shards)
            let merge = try CLI.cascade(["merge", shards.path, "--out", merged.path, "--json"])
            #expect(merge.status == 0, "\(merge.stderr)")
            let got = try Self.reportFiles(merged)
            #expect(got.files.keys.sorted() == expected.files.keys.sorted())
            for (name, data) in expected.files { #expect(got.files[name] == data, "\(count) shards: \(name) differs") }
            #expect(got.listed == expected.listed, "\(count) shards: the manifest's file list differs")
            let mine = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: merged.appendingPathComponent("manifest.json"))) as? [String: Any])
            for key in ["kind", "seed", "grid", "scenarioSHA256", "scenarioPath"] {
                let want = try JSONSerialization.data(withJSONObject: [manifest[key] ?? NSNull()], options: [.sortedKeys])
                let have = try JSONSerialization.data(withJSONObject: [mine[key] ?? NSNull()], options: [.sortedKeys])
                #expect(have == want, "\(count) shards: manifest \(key) differs")
            }
            // The JSON printout's points are the unsplit sweep's.
            let a = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
            let b = try #require(try JSONSerialization.jsonObject(with: Data(merge.stdout.utf8)) as? [String: Any])
            #expect(try JSONSerialization.data(withJSONObject: a["points"]!, options: [.sortedKeys])
                    == JSONSerialization.data(withJSONObject: b["points"]!, options: [.sortedKeys]))
        }
    }

    @Test("a retried sweep shard writes the same bytes; a bad point fails its own shard; merge refuses other sweeps and run shards")
    func sweepShardRefusals() throws {
        let work = CLI.temporaryDirectory()
        let a = work.appendingPathComponent("a"), b = work.appendingPathComponent("b"), c = work.appendingPathComponent("c")
        try Self.sweepShards(2, paths: 4, into: a)
        try Self.sweepShards(2, paths: 4, into: b)
        for name in ["shard-0-of-2.cascade", "shard-1-of-2.cascade"] {
            #expect(try Data(contentsOf: a.appendingPathComponent(name)) == Data(contentsOf: b.appendingPathComponent(name)))
        }
        // Point 1 of 0.3,-1 is refused by the shard that holds it, naming the point; the other shard runs.
        let bad = ["sweep", Self.scenario, "--vary", "market.assets.0.model.volatility=0.3,-1", "--paths", "4", "--out", c.path]
        let good = try CLI.cascade(bad + ["--shard", "0/2", "--quiet"])
        #expect(good.status == 0, "\(good.stderr)")
        let refused = try CLI.cascade(bad + ["--shard", "1/2"])
        #expect(refused.status == 1 && refused.stderr.contains("is negative; expected ≥ 0 (at market.assets.0.model.volatility=-1)"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: c.appendingPathComponent("shard-1-of-2.cascade").path))
        // Another sweep's shards (other options, another grid) and a run's shard are refused, naming the files.
        try Self.sweepShards(2, paths: 5, into: c)
        let out = work.appendingPathComponent("out").path
        let a0 = a.appendingPathComponent("shard-0-of-2.cascade").path, c1 = c.appendingPathComponent("shard-1-of-2.cascade").path
        let options = try CLI.cascade(["merge", a0, c1, "--out", out])
        #expect(options.status == 1 && options.stderr.contains("\(c1): options --paths 5 --seed – differs from \(a0)'s --paths 4 --seed –"), "\(options.stderr)")
        let g = work.appendingPathComponent("g")
        let other = try CLI.cascade(["sweep", Self.scenario, "--vary", "impact.depth=1000000,2000000", "--paths", "4", "--shard", "1/2", "--out", g.path, "--quiet"])
        #expect(other.status == 0, "\(other.stderr)")
        let g1 = g.appendingPathComponent("shard-1-of-2.cascade").path
        let grid = try CLI.cascade(["merge", a0, g1, "--out", out])
        #expect(grid.status == 1 && grid.stderr.contains("\(g1): grid impact.depth=1000000,2000000 differs from \(a0)'s"), "\(grid.stderr)")
        let r = work.appendingPathComponent("r")
        try Self.shards(1, paths: 4, into: r)
        let r0 = r.appendingPathComponent("shard-0-of-1.cascade").path
        let mixed = try CLI.cascade(["merge", a0, r0, "--out", out])
        #expect(mixed.status == 1 && mixed.stderr == "error: \(a0): is a shard of cascade sweep, and \(r0) of cascade run; expected the shards of one run\n", "\(mixed.stderr)")
        let missing = try CLI.cascade(["merge", a0, "--out", out])
        #expect(missing.status == 1 && missing.stderr.contains("shards 1 of 2 are missing"), "\(missing.stderr)")
        let cut = work.appendingPathComponent("cut.cascade")
        let bytes = try Data(contentsOf: a.appendingPathComponent("shard-1-of-2.cascade"))
        try bytes.prefix(bytes.count - 9).write(to: cut)
        let truncated = try CLI.cascade(["merge", a0, cut.path, "--out", out])
        #expect(truncated.status == 1 && truncated.stderr.contains("\(cut.path): the shard's results are cut short"), "\(truncated.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }
}
