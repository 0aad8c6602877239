import Foundation
import Testing
@testable import CascadeKit

/// The report folder writer: a folder always holds one complete set from one run — the new one
/// or the previous one, untouched — and what dead runs left beside it is cleaned up.
@Suite("Report directory")
struct ReportDirectoryTests {
    static let fm = FileManager.default

    /// Every entry of `directory` with its bytes (files only; folders marked).
    static func snapshot(_ directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try fm.contentsOfDirectory(atPath: directory.path) {
            let url = directory.appendingPathComponent(name)
            var isDirectory: ObjCBool = false
            _ = fm.fileExists(atPath: url.path, isDirectory: &isDirectory)
            files[name] = isDirectory.boolValue ? Data("<folder>".utf8) : try Data(contentsOf: url)
        }
        return files
    }

    /// The hidden entries of `parent` (staging, moved-aside or discarded folders).
    static func hidden(in parent: URL) throws -> [String] {
        try fm.contentsOfDirectory(atPath: parent.path).filter { $0.hasPrefix(".") }.sorted()
    }

    /// The PID of a process that has exited.
    static func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        #expect(!ReportDirectory.isAlive(process.processIdentifier))
        return process.processIdentifier
    }

    static func makeFolder(_ url: URL, files: [String: String]) throws {
        try fm.createDirectory(at: url, withIntermediateDirectories: true)
        for (name, text) in files { try text.write(to: url.appendingPathComponent(name), atomically: false, encoding: .utf8) }
    }

    struct DiskFull: Error, CustomStringConvertible { var description: String { "No space left on device" } }

    @Test("a new folder, with its missing parents: the files and manifest.json, nothing hidden beside it")
    func newFolder() throws {
        let root = ScenarioText.temporaryDirectory()
        defer { try? Self.fm.removeItem(at: root) }
        let target = root.appendingPathComponent("a/b/reports")
        try ReportDirectory.write([("summary.csv", "a\n"), ("paths.csv", "b\n")], to: target)
        #expect(try Self.fm.contentsOfDirectory(atPath: target.path).sorted() == ["manifest.json", "paths.csv", "summary.csv"])
        #expect(try String(contentsOf: target.appendingPathComponent("paths.csv"), encoding: .utf8) == "b\n")
        #expect(try Self.hidden(in: target.deletingLastPathComponent()).isEmpty)
        // An empty report is an empty file.
        try ReportDirectory.write([("summary.csv", "")], to: target)
        #expect(try Data(contentsOf: target.appendingPathComponent("summary.csv")).isEmpty)
    }

    @Test("replacing a report: the folder holds only the new set (files of the old one that the new one lacks are gone)")
    func replacesReport() throws {
        let root = ScenarioText.temporaryDirectory()
        defer { try? Self.fm.removeItem(at: root) }
        let target = root.appendingPathComponent("reports")
        try ReportDirectory.write([("summary.csv", "a\n"), ("paths.csv", "b\n")], to: target)
        try ReportDirectory.write([("summary.csv", "c\n")], to: target)
        #expect(try Self.fm.contentsOfDirectory(atPath: target.path).sorted() == ["manifest.json", "summary.csv"])
        #expect(try String(contentsOf: target.appendingPathComponent("summary.csv"), encoding: .utf8) == "c\n")
        #expect(try Self.hidden(in: root).isEmpty)
    }

    @Test("the exchange swaps two folders in one step, and replacing a report uses it")
    func exchange() throws {
        let root = ScenarioText.temporaryDirectory()
        defer { try? Self.fm.removeItem(at: root) }
        let a = root.appendingPathComponent("a"), b = root.appendingPathComponent("b")
        try Self.makeFolder(a, files: ["risk.csv": "from a"])
        try Self.makeFolder(b, files: ["paths.csv": "from b"])
        #expect(ReportDirectory.exchangePaths(a.path, b.path) == 0, "\(String(cString: strerror(errno)))")
        #expect(try Self.fm.contentsOfDirectory(atPath: a.path) == ["paths.csv"] && Self.fm.contentsOfDirectory(atPath: b.path) == ["risk.csv"])
        var calls = 0
        try ReportDirectory.stage(a, force: false, exchange: { calls += 1; return ReportDirectory.exchangePaths($0, $1) })
            .commit([("summary.csv", "c\n")])
        #expect(calls == 1 && Self.fm.fileExists(atPath: a.appendingPathComponent("summary.csv").path))
        #expect(try Self.hidden(in: root).isEmpty)
    }

    @Test("without an atomic exchange (EINVAL) the two-rename fallback replaces the report as well")
    func fallbackReplaces() throws {
        let root = ScenarioText.temporaryDirectory()
        defer { try? Self.fm.removeItem(at: root) }
        let target = root.appendingPathComponent("reports")
        try ReportDirectory.write([("summary.csv", "a\n"), ("paths.csv", "b\n")], to: target)
        var calls = 0
        let staging = try ReportDirectory.stage(target, force: false, exchange: { _, _ in
            calls += 1
            errno = EINVAL
            return -1
        })
        try staging.commit([("summary.csv", "c\n")])
        #expect(calls == 1)
        #expect(try Self.fm.contentsOfDirectory(atPath: target.path).sorted() == ["manifest.json", "summary.csv"])
        #expect(try Self.hidden(in: root).isEmpty)
    }

    @Test("a failure writing any file, the manifest included, leaves the old set byte-identical and no staging folder")
    func failureLeavesOldSet() throws {
        let root = ScenarioText.temporaryDirectory()
        defer { try? Self.fm.removeItem(at: root) }
        let target = root.appendingPathComponent("reports")
        try ReportDirectory.write([("summary.csv", "old summary\n"), ("paths.csv", "old paths\n")], to: target)
        let before = try Self.snapshot(target)
        for failing in ["paths.csv", "manifest.json"] {
            var written: [String] = []
            let writer: ReportDirectory.FileWriter = { contents, path in
                let name = URL(fileURLWithPath: path).lastPathComponent
                if name == failing { throw DiskFull() }
                try ReportDirectory.writeFile(contents, path)
                written.append(name)
            }
            #expect {
                try ReportDirectory.write([("summary.csv", "new\n"), ("paths.csv", "new\n"), ("risk.csv", "new\n")],
                                          to: target, writer: writer)
            } throws: { error in
                "\(error)" == "\(target.path)/\(failing): cannot be written (No space left on device); \(target.path) is left as it was"
            }
            #expect(written == (failing == "paths.csv" ? ["summary.csv"] : ["summary.csv", "paths.csv", "risk.csv"]))
            #expect(try Self.snapshot(target) == before, "\(failing)")
            #expect(try Self.hidden(in: root).isEmpty, "\(failing)")
        }
        // Into a new folder: nothing is left, not even the parents made for it.
        let fresh = root.appendingPathComponent("x/y")
        #expect(throws: ReportDirectory.WriteError.self) {
            try ReportDirectory.write([("summary.csv", "new\n")], to: fresh, writer: { _, _ in throw DiskFull() })
        }
        #expect(try Self.fm.contentsOfDirectory(atPath: root.path) == ["reports"])
    }

    @Test("staging and moved-aside folders of dead processes are removed; a live process's are kept, and other targets' too")
    func staleFoldersRemoved() throws {
        let root = ScenarioText.temporaryDirectory()
        defer { try? Self.fm.removeItem(at: root) }
        let target = root.appendingPathComponent("reports")
        try ReportDirectory.write([("summary.csv", "a\n")], to: target)
        let dead = try Self.deadPID()
        let stale = [".reports.cascade-partial.\(dead).1a2b", ".reports.cascade-old.\(dead).3c4d", ".reports.cascade-discard.\(dead).5e6f"]
        let live = [".reports.cascade-partial.\(getpid()).7a8b", ".reports.cascade-partial.1.9c0d"]   // this process; init
        let other = [".others.cascade-partial.\(dead).1a2b"]
        for name in stale + live + other {
            try Self.makeFolder(root.appendingPathComponent(name), files: ["paths.csv": String(repeating: "x", count: 1000)])
        }
        try ReportDirectory.write([("summary.csv", "b\n")], to: target)
        #expect(try Self.hidden(in: root) == (live + other).sorted())
        #expect(try String(contentsOf: target.appendingPathComponent("summary.csv"), encoding: .utf8) == "b\n")
    }

    @Test("a run that died between the fallback's two renames: the next one puts the old set back first")
    func recoversMovedAsideSet() throws {
        let root = ScenarioText.temporaryDirectory()
        defer { try? Self.fm.removeItem(at: root) }
        let target = root.appendingPathComponent("reports")
        let dead = try Self.deadPID()
        try Self.makeFolder(root.appendingPathComponent(".reports.cascade-old.\(dead).1111"), files: ["summary.csv": "older\n"])
        try Self.makeFolder(root.appendingPathComponent(".reports.cascade-partial.\(dead).2222"), files: ["summary.csv": "half\n"])
        try Self.fm.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -3600)],
                                  ofItemAtPath: root.appendingPathComponent(".reports.cascade-old.\(dead).1111").path)
        try Self.makeFolder(root.appendingPathComponent(".reports.cascade-old.\(dead).3333"), files: ["summary.csv": "previous\n"])
        // Staging alone restores the newest moved-aside set; giving up leaves it in place.
        try ReportDirectory.stage(target).discard()
        #expect(try String(contentsOf: target.appendingPathComponent("summary.csv"), encoding: .utf8) == "previous\n")
        #expect(try Self.hidden(in: root).isEmpty)
    }

    @Test("earlier versions' .NAME.TOKEN.partial files inside the target are removed")
    func legacyPartialsRemoved() throws {
        let root = ScenarioText.temporaryDirectory()
        defer { try? Self.fm.removeItem(at: root) }
        let target = root.appendingPathComponent("reports")
        try Self.makeFolder(target, files: ["summary.csv": "a\n", ".paths.csv.1A2B3C4D.partial": String(repeating: "x", count: 4096)])
        // A folder of an earlier version (no manifest) is a report; its partial files go even if the run gives up.
        try ReportDirectory.stage(target).discard()
        #expect(try Self.fm.contentsOfDirectory(atPath: target.path) == ["summary.csv"])
        #expect(ReportDirectory.isLegacyPartial(".report.html.DEADBEEF.partial"))
        #expect(!ReportDirectory.isLegacyPartial(".report.html.partial") && !ReportDirectory.isLegacyPartial("notes.partial"))
    }

    @Test("a folder that is not a report is refused without force (and left alone), replaced with it")
    func nonReportRefused() throws {
        let root = ScenarioText.temporaryDirectory()
        defer { try? Self.fm.removeItem(at: root) }
        // Files cascade does not write; a report's name on a folder; a report plus a file its manifest does not list.
        let cases: [(String, (URL) throws -> Void, String)] = [
            ("notes", { try Self.makeFolder($0, files: ["notes.txt": "mine\n", "summary.csv": "a\n"]) }, "notes.txt"),
            ("folder", { try Self.makeFolder($0.appendingPathComponent("paths.csv"), files: ["keep": "x"]) }, "paths.csv/"),
            ("extra", { url in
                try ReportDirectory.write([("summary.csv", "a\n")], to: url)
                try "mine\n".write(to: url.appendingPathComponent("analysis.ipynb"), atomically: false, encoding: .utf8)
            }, "analysis.ipynb"),
        ]
        for (name, make, stranger) in cases {
            let target = root.appendingPathComponent(name)
            try make(target)
            let before = try Self.snapshot(target)
            #expect {
                try ReportDirectory.write([("summary.csv", "new\n")], to: target)
            } throws: { error in
                let e = error as! ReportDirectory.WriteError
                return e.kind == .notAReport && e.strangers == [stranger] && e.description == "\(target.path): is not a cascade report (it holds \(stranger))"
            }
            #expect(try Self.snapshot(target) == before, "\(name)")
            try ReportDirectory.write([("summary.csv", "new\n")], to: target, force: true)
            #expect(try Self.fm.contentsOfDirectory(atPath: target.path).sorted() == ["manifest.json", "summary.csv"], "\(name)")
        }
        #expect(try Self.hidden(in: root).isEmpty)
        // A report of an earlier version (known names only, no manifest), an empty folder, a sweep, a compare: reports.
        for (name, files) in [("legacy", ["summary.csv": "a\n", "price-fan.ETHUSDT.svg": "<svg/>"]), ("empty", [:]),
                              ("sweep", ["sweep.csv": "a\n", "sweep-badDebt.svg": "<svg/>", "sweep.html": "<html/>"]),
                              ("compare", ["compare.csv": "a\n", "compare-badDebt-difference.svg": "<svg/>", "compare.html": "<html/>"])] {
            let target = root.appendingPathComponent(name)
            try Self.makeFolder(target, files: files)
            try ReportDirectory.write([("summary.csv", "new\n")], to: target)
            #expect(try Self.fm.contentsOfDirectory(atPath: target.path).sorted() == ["manifest.json", "summary.csv"], "\(name)")
        }
    }

    @Test("a file, a path under a file, and / are refused with a readable reason")
    func badTargets() throws {
        let root = ScenarioText.temporaryDirectory()
        defer { try? Self.fm.removeItem(at: root) }
        let file = root.appendingPathComponent("afile")
        try "x".write(to: file, atomically: false, encoding: .utf8)
        for (target, message) in [(file, "\(file.path): is a file, not a folder"),
                                  (file.appendingPathComponent("sub/dir"), "\(file.path)/sub/dir: cannot be created: \(file.path) is a file, not a folder"),
                                  (URL(fileURLWithPath: "/"), "/: cannot be a report folder")] {
            #expect {
                try ReportDirectory.write([("summary.csv", "new\n")], to: target, force: true)
            } throws: { error in
                "\(error)" == message
            }
        }
        #expect(try String(contentsOf: file, encoding: .utf8) == "x")
        #expect(try Self.fm.contentsOfDirectory(atPath: root.path) == ["afile"])
    }

    @Test("through a symbolic link, the folder it points to is replaced and the link kept")
    func symbolicLink() throws {
        let root = ScenarioText.temporaryDirectory()
        defer { try? Self.fm.removeItem(at: root) }
        let real = root.appendingPathComponent("real"), link = root.appendingPathComponent("link")
        try ReportDirectory.write([("summary.csv", "a\n")], to: real)
        try Self.fm.createSymbolicLink(atPath: link.path, withDestinationPath: "real")
        try ReportDirectory.write([("paths.csv", "b\n")], to: link)
        #expect(try Self.fm.destinationOfSymbolicLink(atPath: link.path) == "real")
        #expect(try Self.fm.contentsOfDirectory(atPath: real.path).sorted() == ["manifest.json", "paths.csv"])
    }

    @Test("the manifest lists every file with its real size and SHA-256, and the scenario's SHA-256")
    func manifest() throws {
        let root = ScenarioText.temporaryDirectory()
        defer { try? Self.fm.removeItem(at: root) }
        let scenario = root.appendingPathComponent("s.yaml")
        try ScenarioText.valid.write(to: scenario, atomically: false, encoding: .utf8)
        let loaded = try ScenarioLoader.load(path: scenario.path)
        let scenarioDigest = SHA256.hex(of: try Data(contentsOf: scenario))
        #expect(loaded.fileSHA256 == scenarioDigest)
        let reports = ReportSet(run: ScenarioRun.execute(loaded, threads: 2))
        let target = root.appendingPathComponent("reports")
        let started = Date(timeIntervalSince1970: 1_760_130_900.25)
        let given = ReportManifest(kind: "run", version: "9.9.9", command: ["cascade", "run", scenario.path, "--out", "\"odd\" \\ name"],
                                   scenarioPath: scenario.path, scenarioSHA256: loaded.fileSHA256, seed: loaded.config.seed,
                                   paths: loaded.config.paths, started: started)
        let returned = try ReportDirectory.write(reports.files, to: target, manifest: given)
        let data = try Data(contentsOf: target.appendingPathComponent("manifest.json"))
        let read = try #require(ReportManifest(json: data))
        // Times are written to the millisecond.
        #expect(abs(read.started!.timeIntervalSince(started)) < 0.001)
        #expect(abs(read.finished!.timeIntervalSince(returned.finished!)) < 0.001 && returned.finished! >= started)
        var timeless = read
        timeless.started = returned.started
        timeless.finished = returned.finished
        #expect(timeless == returned)
        #expect(read.version == "9.9.9" && read.command == given.command && read.seed == 1 && read.paths == 10)
        #expect(read.scenarioSHA256 == scenarioDigest && read.scenarioPath == scenario.path)
        #expect(ReportManifest.timestamp(started) == "2025-10-10T21:15:00.250Z")
        let names = try Self.fm.contentsOfDirectory(atPath: target.path).filter { $0 != "manifest.json" }
        #expect(Set(read.files.map(\.name)) == Set(names) && read.files.count == reports.files.count)
        for file in read.files {
            let bytes = try Data(contentsOf: target.appendingPathComponent(file.name))
            #expect(file.bytes == bytes.count && file.sha256 == SHA256.hex(of: bytes), "\(file.name)")
        }
        // A manifest is valid JSON by any reader.
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(object?["format"] as? String == ReportManifest.format && (object?["files"] as? [Any])?.count == reports.files.count)
        // A sweep's gives its grid.
        let sweep = ReportManifest(kind: "sweep", grid: [.init(key: "impact.depth", values: ["1e6", "2e6"])])
        #expect(ReportManifest(json: Data(sweep.json.utf8)) == sweep)
        // A compare's gives its policies, assignments as given.
        let compare = ReportManifest(kind: "compare", seed: 7, paths: 100,
                                     policies: [.init(name: "venue", assignments: []),
                                                .init(name: "deep", assignments: ["impact.depth=2e9", "positions.synthetic.leverageMix={2: 1}"])])
        #expect(ReportManifest(json: Data(compare.json.utf8)) == compare)
    }

    @Test("hidden names parse back, names with dots included")
    func hiddenNames() {
        let name = ReportDirectory.HiddenName(target: "flash.crash", kind: .partial, pid: 4242, token: "ab12")
        #expect(name.text == ".flash.crash.cascade-partial.4242.ab12")
        #expect(ReportDirectory.HiddenName(parsing: name.text) == name)
        #expect(ReportDirectory.HiddenName(parsing: ".x.cascade-bogus.1.a") == nil && ReportDirectory.HiddenName(parsing: ".x.1.a") == nil)
    }
}
