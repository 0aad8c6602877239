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
}
