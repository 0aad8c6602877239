import CascadeKit
import Foundation
import Testing

/// End-to-end checks of the `cascade` executable: exit status, messages, and which files exist
/// afterwards.
@Suite("cascade command line")
struct CommandLineTests {
    /// The repository's root, from this file's location.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The built executable, next to the test bundle.
    static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("cascade").path)
                && directory.path != "/" {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("cascade")
    }

    struct Outcome { var status: Int32; var stdout: String; var stderr: String }

    static func cascade(_ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
                       stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-cli-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("run writes every report for a bundled scenario, and --json is a machine summary")
    func runWritesReports() throws {
        let out = Self.temporaryDirectory().appendingPathComponent("reports")
        let scenario = Self.root.appendingPathComponent("Scenarios/flash-crash.yaml").path
        let result = try Self.cascade(["run", scenario, "--paths", "16", "--out", out.path, "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        // One summary row per paths.csv column (twin columns included).
        let paths = try String(contentsOf: out.appendingPathComponent("paths.csv"), encoding: .utf8)
        let columns = paths.split(separator: "\n")[0].split(separator: ",").count - 1
        #expect(columns == PathMetric.allCases.filter { !$0.isAccountMetric && !$0.isMechanismMetric }.count)
        for (name, rows) in [("summary.csv", 1 + columns), ("paths.csv", 1 + 16), ("timeseries.csv", 1 + 1441)] {
            let text = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
            #expect(text.split(separator: "\n").count == rows, "\(name)")
        }
        for name in ["probabilities.csv", "risk.csv", "cascades.csv", "cascade-sizes.csv", "cascade-fit.csv", "liquidation-map.csv",
                     "price-fan.svg", "insurance-fund.svg", "liquidated-notional.svg", "cascade-sizes.svg", "liquidation-map.svg",
                     "report.html"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name)")
        }
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(json?["paths"] as? Int == 16 && json?["scenario"] as? String == "flash-crash")
        let metrics = json?["metrics"] as? [String: Any]
        let notional = metrics?["liquidatedNotional"] as? [String: Any]
        #expect(notional?["mean"] is Double && notional?["ciLow"] is Double && notional?["ciHigh"] is Double)
        #expect((json?["probabilities"] as? [String: Any])?["badDebt"] != nil)
        #expect(result.stderr.isEmpty, "no progress bar when standard error is not a terminal")
        // manifest.json: this run, and every file with its size.
        let manifest = try #require(ReportManifest(json: try Data(contentsOf: out.appendingPathComponent("manifest.json"))))
        #expect(manifest.kind == "run" && manifest.version == "0.1.0" && manifest.paths == 16 && manifest.seed != nil)
        let digest = SHA256.hex(of: try Data(contentsOf: URL(fileURLWithPath: scenario)))
        #expect(manifest.scenarioPath == scenario && manifest.scenarioSHA256 == digest)
        #expect(Array(manifest.command.dropFirst()) == ["run", scenario, "--paths", "16", "--out", out.path, "--json"])
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).filter { $0 != "manifest.json" }
        #expect(Set(manifest.files.map(\.name)) == Set(names))
        for file in manifest.files {
            let size = try FileManager.default.attributesOfItem(atPath: out.appendingPathComponent(file.name).path)[.size] as? Int
            #expect(size == file.bytes, "\(file.name)")
        }
    }

    /// Every file of `directory` with its bytes.
    static func snapshot(_ directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            files[name] = try Data(contentsOf: directory.appendingPathComponent(name))
        }
        return files
    }

    @Test("Ctrl-C or SIGTERM while simulating: exit 130 within moments, one line, the previous report byte-identical, no staging folder",
          arguments: [SIGINT, SIGTERM])
    func interrupted(signal: Int32) throws {
        let parent = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: parent) }
        let out = parent.appendingPathComponent("reports")
        let scenario = Self.root.appendingPathComponent("Scenarios/flash-crash.yaml").path
        let first = try Self.cascade(["run", scenario, "--paths", "40", "--out", out.path, "--quiet"])
        #expect(first.status == 0, "\(first.stderr)")
        let before = try Self.snapshot(out)

        let process = Process()
        process.executableURL = Self.executable
        process.arguments = ["run", scenario, "--paths", "20000", "--out", out.path, "--quiet"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        // It is simulating once its staging folder exists.
        let staging = ".reports.cascade-partial.\(process.processIdentifier)."
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline,
              !(try FileManager.default.contentsOfDirectory(atPath: parent.path)).contains(where: { $0.hasPrefix(staging) }) {
            usleep(20_000)
        }
        #expect(process.isRunning, "the run ended before it could be interrupted")
        usleep(200_000)
        let sent = Date()
        kill(process.processIdentifier, signal)
        while process.isRunning && Date().timeIntervalSince(sent) < 10 { usleep(5_000) }
        let took = Date().timeIntervalSince(sent)
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .exit && process.terminationStatus == 130)
        #expect(took < 2, "took \(took) s")
        #expect(stderr == "cascade: interrupted; \(out.path) left as it was\n", "\(stderr)")
        #expect(try Self.snapshot(out) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path) == ["reports"])
    }

    @Test("--out refuses a folder that is not a cascade report unless --force; a path under a file is one readable line")
    func outSafety() throws {
        let parent = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: parent) }
        let mine = parent.appendingPathComponent("mine")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try "keep me\n".write(to: mine.appendingPathComponent("notes.txt"), atomically: false, encoding: .utf8)
        let scenario = Self.root.appendingPathComponent("Scenarios/calm-day.yaml").path
        let sweep = ["sweep", scenario, "--vary", "impact.depth=20000000,5000000", "--paths", "4", "--out", mine.path]
        for command in [["run", scenario, "--paths", "4", "--out", mine.path], sweep] {
            let refused = try Self.cascade(command)
            #expect(refused.status == 1)
            #expect(refused.stderr == "error: \(mine.path) is not a cascade report (it holds notes.txt); "
                    + "pass --force to replace it and everything in it, or choose another --out\n", "\(refused.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: mine.path) == ["notes.txt"])
        }
        let forced = try Self.cascade(sweep + ["--force", "--quiet"])
        #expect(forced.status == 0, "\(forced.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: mine.path)
        #expect(!names.contains("notes.txt") && names.contains("manifest.json") && names.contains("sweep.csv"))
        // Now it is a report: a run replaces it without --force.
        let again = try Self.cascade(["run", scenario, "--paths", "4", "--out", mine.path, "--quiet"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: mine.path)).contains("sweep.csv"))

        let file = parent.appendingPathComponent("afile")
        try "x".write(to: file, atomically: false, encoding: .utf8)
        for command in [["run", scenario, "--paths", "4", "--out", file.appendingPathComponent("sub").path],
                        ["sweep", scenario, "--vary", "impact.depth=5000000", "--paths", "4", "--out", file.appendingPathComponent("sub").path]] {
            let under = try Self.cascade(command)
            #expect(under.status == 1)
            #expect(under.stderr == "error: \(file.path)/sub: cannot be created: \(file.path) is a file, not a folder\n", "\(under.stderr)")
        }
        let onFile = try Self.cascade(["run", scenario, "--paths", "4", "--out", file.path])
        #expect(onFile.status == 1 && onFile.stderr == "error: \(file.path): is a file, not a folder\n", "\(onFile.stderr)")
        #expect(try String(contentsOf: file, encoding: .utf8) == "x")
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).sorted() == ["afile", "mine"])
    }

    @Test("with OpenBLAS's threads stopped at start-up (no OPENBLAS_NUM_THREADS), a correlated run gives the same reports")
    func openBLASThreadsStopped() throws {
        // btc-eth-correlated uses a Cholesky factor and one dgemm per block of steps.
        let scenario = Self.root.appendingPathComponent("Scenarios/btc-eth-correlated.yaml").path
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_NUM_THREADS"] = nil
        let stopped = Self.temporaryDirectory(), chosen = Self.temporaryDirectory()
        let first = try Self.cascade(["run", scenario, "--paths", "64", "--out", stopped.path, "--quiet"], environment: environment)
        environment["OPENBLAS_NUM_THREADS"] = "2"
        let second = try Self.cascade(["run", scenario, "--paths", "64", "--out", chosen.path, "--quiet"], environment: environment)
        #expect(first.status == 0 && second.status == 0, "\(first.stderr)\(second.stderr)")
        for name in ["summary.csv", "paths.csv", "timeseries.csv"] {
            let a = try Data(contentsOf: stopped.appendingPathComponent(name))
            let b = try Data(contentsOf: chosen.appendingPathComponent(name))
            #expect(!a.isEmpty && a == b, "\(name)")
        }
    }

    /// The `openblas kernel: NAME (…)` line `run --timings` prints, and the kernel's name.
    static func kernelLine(_ stderr: String) -> (line: String, name: String)? {
        guard let line = stderr.split(separator: "\n").first(where: { $0.hasPrefix("openblas kernel: ") }) else { return nil }
        return (String(line), String(line.dropFirst("openblas kernel: ".count).prefix { $0 != " " }))
    }

    #if arch(x86_64) || arch(i386)
    static let x86 = true
    #else
    static let x86 = false
    #endif

    @Test("without OPENBLAS_CORETYPE, cascade runs the OpenBLAS kernel this CPU supports (re-executing itself if need be) and names it",
          .enabled(if: OpenBLASKernel.recommendedCoreType != nil,
                   "this CPU has neither AVX-512 (F, CD, DQ, BW, VL) nor AVX2 with FMA: there is no better OpenBLAS kernel to ask for"))
    func openBLASKernelRecommended() throws {
        let recommended = try #require(OpenBLASKernel.recommendedCoreType)
        var environment = ProcessInfo.processInfo.environment
        environment[OpenBLASKernel.coreTypeVariable] = nil
        environment[OpenBLASKernel.reexecGuardVariable] = nil
        let out = Self.temporaryDirectory().appendingPathComponent("kernel")
        let scenario = Self.root.appendingPathComponent("Scenarios/btc-eth-correlated.yaml").path
        let arguments = ["run", scenario, "--paths", "8", "--out", out.path, "--quiet", "--timings"]
        let result = try Self.cascade(arguments, environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let kernel = try #require(Self.kernelLine(result.stderr), "\(result.stderr)")
        #expect(!OpenBLASKernel.isWeaker(kernel.name, than: recommended), "recommended \(recommended): \(kernel.line)")
        #expect(kernel.line.hasSuffix(" (OPENBLAS_CORETYPE set by cascade)") || kernel.line.hasSuffix(" (detected)"), "\(kernel.line)")
        // A re-execution keeps the arguments: the manifest records the command as given.
        let manifest = try #require(ReportManifest(json: try Data(contentsOf: out.appendingPathComponent("manifest.json"))))
        #expect(Array(manifest.command.dropFirst()) == arguments)
    }

    @Test("a user's OPENBLAS_CORETYPE stands, even a weaker kernel: Prescott is run and named as the user's choice",
          .enabled(if: x86, "Prescott is an x86 kernel"))
    func openBLASKernelUserChoice() throws {
        var environment = ProcessInfo.processInfo.environment
        environment[OpenBLASKernel.coreTypeVariable] = "Prescott"
        environment[OpenBLASKernel.reexecGuardVariable] = nil
        let scenario = Self.root.appendingPathComponent("Scenarios/flash-crash.yaml").path
        let result = try Self.cascade(["run", scenario, "--paths", "8", "--out", Self.temporaryDirectory().appendingPathComponent("kernel").path,
                                       "--quiet", "--timings"], environment: environment)
        #expect(result.status == 0, "\(result.stderr)")
        let kernel = try #require(Self.kernelLine(result.stderr), "\(result.stderr)")
        #expect(kernel.line == "openblas kernel: Prescott (OPENBLAS_CORETYPE from the environment)")
    }

    @Test("sweep writes one row per grid point and a chart per metric; a bad key names it")
    func sweep() throws {
        let out = Self.temporaryDirectory().appendingPathComponent("sweep")
        let scenario = Self.root.appendingPathComponent("Scenarios/calm-day.yaml").path
        let result = try Self.cascade(["sweep", scenario, "--vary", "market.assets.0.model.volatility=0.3,0.9",
                                       "--vary", "impact.depth=20000000,5000000", "--paths", "8", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        let csv = try String(contentsOf: out.appendingPathComponent("sweep.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.count == 1 + 4)
        #expect(lines[0].hasPrefix("market.assets.0.model.volatility,impact.depth,liquidatedNotional,"))
        #expect(lines[1].hasPrefix("0.3,20000000,") && lines[4].hasPrefix("0.9,5000000,"))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("sweep-liquidatedNotional.svg").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("sweep.html").path))
        let manifest = try #require(ReportManifest(json: try Data(contentsOf: out.appendingPathComponent("manifest.json"))))
        #expect(manifest.kind == "sweep" && manifest.paths == nil && manifest.scenarioSHA256?.count == 64)
        #expect(manifest.grid == [.init(key: "market.assets.0.model.volatility", values: ["0.3", "0.9"]),
                                  .init(key: "impact.depth", values: ["20000000", "5000000"])])
        #expect(manifest.files.map(\.name).contains("sweep.csv"))

        let bad = try Self.cascade(["sweep", scenario, "--vary", "market.assets.0.model.volatility=0.3,-1", "--paths", "8",
                                    "--out", Self.temporaryDirectory().appendingPathComponent("never").path])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("market.assets[0].model.volatility: -1 is negative; expected ≥ 0 (at market.assets.0.model.volatility=-1)"),
                "\(bad.stderr)")
        let missing = try Self.cascade(["sweep", scenario, "--vary", "market.assetz.0.price=1", "--paths", "8"])
        #expect(missing.status != 0 && missing.stderr.contains("market has no key 'assetz'"), "\(missing.stderr)")
    }

    @Test("sweep refuses a key varied twice, or one --paths or --seed overrides: one error line, status 1, nothing written",
          arguments: [
              (["--vary", "impact.depth=1e7,2e7", "--vary", "impact.depth=3e7", "--json"],
               "error: --vary: impact.depth: is varied by two --vary options; expected each key in one --vary with all its values"),
              (["--vary", "impact.depth=1e7,2e7", "--vary", "impact.depth=3e7"],
               "error: --vary: impact.depth: is varied by two --vary options; expected each key in one --vary with all its values"),
              (["--vary", "simulation.paths=4,8", "--paths", "4"],
               "error: --vary: simulation.paths: is varied but --paths sets it at every point; expected --vary simulation.paths or --paths, not both"),
              (["--vary", "seed=1,2", "--seed", "3", "--paths", "4", "--json"],
               "error: --vary: seed: is varied but --seed sets it at every point; expected --vary seed or --seed, not both"),
          ])
    func sweepRefusals(_ options: [String], _ message: String) throws {
        let out = Self.temporaryDirectory().appendingPathComponent("never")
        let scenario = Self.root.appendingPathComponent("Scenarios/calm-day.yaml").path
        let result = try Self.cascade(["sweep", scenario] + options + ["--out", out.path])
        #expect(result.status == 1)
        #expect(result.stderr == message + "\n", "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("compare writes compare.csv (one row per policy × metric), charts, compare.html and a compare manifest; --json")
    func compare() throws {
        let out = Self.temporaryDirectory().appendingPathComponent("compare")
        let scenario = Self.root.appendingPathComponent("Scenarios/calm-day.yaml").path
        let arguments = ["compare", scenario, "--policy", "venue=", "--policy", "shallow=impact.depth=5000000;impact.coefficient=1",
                         "--paths", "8", "--seed", "7", "--out", out.path]
        let result = try Self.cascade(arguments + ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let csv = try String(contentsOf: out.appendingPathComponent("compare.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n").map(String.init)
        #expect(lines[0] == "policy,overrides,metric,estimate,lower,upper,difference,differenceLower,differenceUpper")
        let venue = lines.dropFirst().filter { $0.hasPrefix("venue,,") }
        let shallow = lines.dropFirst().filter { $0.hasPrefix("shallow,impact.depth=5000000;impact.coefficient=1,") }
        #expect(venue.count >= 10 && venue.count == shallow.count && lines.count == 1 + 2 * venue.count)
        #expect(venue.allSatisfy { $0.hasSuffix(",,,") } && shallow.allSatisfy { !$0.hasSuffix(",,,") })
        #expect(venue.first?.hasPrefix("venue,,liquidatedNotional,") == true)
        #expect(venue.contains { $0.hasPrefix("venue,,anyBadDebt,") } && venue.contains { $0.hasPrefix("venue,,maxDrawdownTraded,") })
        for name in ["compare.html", "compare-liquidatedNotional.svg", "compare-liquidatedNotional-difference.svg"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(name).path), "\(name)")
        }
        let manifest = try #require(ReportManifest(json: try Data(contentsOf: out.appendingPathComponent("manifest.json"))))
        #expect(manifest.kind == "compare" && manifest.paths == 8 && manifest.seed == 7)
        #expect(manifest.policies == [.init(name: "venue", assignments: []),
                                      .init(name: "shallow", assignments: ["impact.depth=5000000", "impact.coefficient=1"])])
        #expect(Set(manifest.files.map(\.name)) == Set(try FileManager.default.contentsOfDirectory(atPath: out.path)).subtracting(["manifest.json"]))
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(json?["baseline"] as? String == "venue" && json?["paths"] as? Int == 8)
        let policies = json?["policies"] as? [[String: Any]]
        let notional = (policies?[1]["metrics"] as? [String: Any])?["liquidatedNotional"] as? [String: Any]
        #expect(notional?["difference"] is Double && notional?["differenceCiLow"] is Double)
        // The terminal table, replacing the report.
        let table = try Self.cascade(arguments)
        #expect(table.status == 0 && table.stdout.contains("shallow") && table.stdout.contains("Δ"), "\(table.stdout)")
    }

    @Test("compare refuses a bad --policy with one error line, status 1, no output folder",
          arguments: [
              (["--policy", "venue", "--policy", "b=impact.depth=1e6"],
               "error: --policy: 'venue' has no '='; expected NAME=KEY=VALUE;KEY=VALUE;… (or NAME= for the scenario as written)"),
              (["--policy", "a=", "--policy", "a=impact.depth=1e6"], "error: --policy: a: is the name of two policies; expected unique names"),
              (["--policy", "a="], "error: --policy: 1 given; expected at least two --policy NAME=KEY=VALUE;… (the first is the baseline)"),
              ([], "error: --policy: 0 given; expected at least two --policy NAME=KEY=VALUE;… (the first is the baseline)"),
              (["--policy", "a=", "--policy", "b=impact.dpth=1e6"],
               "error: SCENARIO: impact: unknown key 'dpth'; allowed keys: model, depth, coefficient, recoveryHalfLife (did you mean 'depth'?) (policy b)"),
              (["--policy", "a=", "--policy", "b=impact.depth=-1"], "error: SCENARIO: impact.depth: -1 is out of range; expected > 0 (policy b)"),
              (["--policy", "a=", "--policy", "b=simulation.paths=8", "--paths", "4"],
               "error: --policy: b: simulation.paths: sets simulation.paths, which must be the same for every policy (common random numbers); expected --paths for all policies"),
              (["--policy", "a=seed=1", "--policy", "b="],
               "error: --policy: a: seed: sets seed, which must be the same for every policy (common random numbers); expected --seed for all policies"),
          ])
    func compareRefusals(_ options: [String], _ message: String) throws {
        let parent = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: parent) }
        let out = parent.appendingPathComponent("never")
        let scenario = Self.root.appendingPathComponent("Scenarios/calm-day.yaml").path
        let result = try Self.cascade(["compare", scenario] + options + ["--paths", "4", "--out", out.path])
        #expect(result.status == 1)
        #expect(result.stderr == message.replacingOccurrences(of: "SCENARIO", with: scenario) + "\n", "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: parent.path).isEmpty)
    }

    @Test("validate refuses an alias bomb and a duplicate key at once, with one error line and status 1")
    func hostileYAML() throws {
        let directory = Self.temporaryDirectory()
        var bomb = "laughs:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for i in 1..<9 { bomb += "  l\(i): &l\(i) [" + Array(repeating: "*l\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        let original = try String(contentsOf: Self.root.appendingPathComponent("Scenarios/calm-day.yaml"), encoding: .utf8)
        let cases = [
            ("bomb.yaml", bomb + "  ? *l8\n  : 1\n" + original, "laughs.l4[7]: the alias *l3 (line 6, column 47) expands to more than 100000 values; expected at most 100000 values with aliases expanded"),
            ("duplicate.yaml", original.replacingOccurrences(of: "{2: 0.30,", with: "{'2': 0.0, 2: 0.30,"),
             "positions.synthetic.leverageMix: key '2' appears twice (line 42, column 19 and line 42, column 29); expected each key once (keys compare as text: 2 and '2' are the same key)"),
        ]
        for (name, text, message) in cases {
            let file = directory.appendingPathComponent(name)
            try text.write(to: file, atomically: true, encoding: .utf8)
            let start = ContinuousClock.now
            let result = try Self.cascade(["validate", file.path])
            #expect(ContinuousClock.now - start < .seconds(10))
            #expect(result.status == 1)
            #expect(result.stderr == "error: \(file.path): \(message)\n", "\(result.stderr)")
        }
    }

    @Test("an invalid scenario exits non-zero, names file, key and allowed values, and writes nothing")
    func invalidScenario() throws {
        let directory = Self.temporaryDirectory()
        let original = try String(contentsOf: Self.root.appendingPathComponent("Scenarios/calm-day.yaml"), encoding: .utf8)
        let broken = original.replacingOccurrences(of: "volatility: 0.4", with: "volatility: -0.4")
        #expect(broken != original)
        let file = directory.appendingPathComponent("broken.yaml")
        try broken.write(to: file, atomically: true, encoding: .utf8)
        let out = directory.appendingPathComponent("out")
        for command in [["run", file.path, "--out", out.path], ["validate", file.path]] {
            let result = try Self.cascade(command)
            #expect(result.status != 0)
            #expect(result.stderr.contains("error: \(file.path): market.assets[0].model.volatility: -0.4 is negative; expected ≥ 0"),
                    "\(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("a missing scenario file exits non-zero with its name")
    func missingFile() throws {
        let result = try Self.cascade(["run", "/nonexistent/x.yaml", "--out", "/tmp/never-written"])
        #expect(result.status != 0)
        #expect(result.stderr.contains("error: /nonexistent/x.yaml: no such file"))
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written"))
    }

    @Test("bad options are refused before anything runs")
    func badOptions() throws {
        let scenario = Self.root.appendingPathComponent("Scenarios/calm-day.yaml").path
        let threads = try Self.cascade(["run", scenario, "--threads", "0"])
        #expect(threads.status != 0 && threads.stderr.contains("--threads 0 is out of range; expected ≥ 1"))
        // Negative values are values (argument-parser alone takes `-3` for an option), each one line.
        for (arguments, message) in [(["--paths", "0"], "--paths 0 is out of range; expected ≥ 1"),
                                      (["--paths", "-3"], "--paths -3 is out of range; expected ≥ 1"),
                                      (["--seed", "-1"], "--seed -1 is out of range; expected ≥ 0"),
                                      (["--threads", "-2"], "--threads -2 is out of range; expected ≥ 1"),
                                      (["--chunk-size", "-1"], "--chunk-size -1 is out of range; expected ≥ 1"),
                                      (["--paths", "many"], "--paths 'many' is not a whole number; expected ≥ 1")] {
            let result = try Self.cascade(["run", scenario, "--out", "/tmp/never-written"] + arguments)
            #expect(result.status == 1 && result.stderr == "error: \(message)\n", "\(arguments): \(result.stderr)")
        }
        let sweep = try Self.cascade(["sweep", scenario, "--vary", "impact.depth=1e6", "--paths", "-3", "--out", "/tmp/never-written"])
        #expect(sweep.status == 1 && sweep.stderr == "error: --paths -3 is out of range; expected ≥ 1\n", "\(sweep.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never-written"))
    }

    @Test("liquidation-price: worked example with its warning in --json; refusals are one line with status 1")
    func liquidationPrice() throws {
        let base = ["liquidation-price", "--venue", "binance-usdm", "--side", "long", "--entry", "60000", "--quantity", "6"]
        let json = try Self.cascade(base + ["--margin", "72000", "--json"])
        #expect(json.status == 0 && json.stdout.hasPrefix("{\"liquidationPrice\": 48192.77108433735"))
        #expect(json.stdout.contains("\"warnings\": [\"the tier at the liquidation price (1) is not the tier at entry (2)\"]"))
        for (arguments, message) in [
            (["--leverage", "150"], "leverage 150× is above binance-usdm's maximum 100× for a position of this size (tier 2); the venue would not open it"),
            (["--leverage", "5", "--symbol", "BTCDOMUSDT"], "--symbol 'BTCDOMUSDT' has no tier table of its own; expected a listed symbol such as BTCUSDT, ETHUSDT or SOLUSDT (docs/venues.md, \"Symbols\"), or --tier-table btc, eth or altcoin"),
            (["--leverage", "5", "--tier-table", "doge"], "--tier-table 'doge' is not a tier table; expected btc, eth or altcoin"),
            (["--leverage", "0.5"], "--leverage 0.5 is out of range; expected ≥ 1"),
        ] {
            let result = try Self.cascade(base + arguments)
            #expect(result.status == 1 && result.stderr == "error: \(message)\n" && result.stdout.isEmpty, "\(arguments): \(result.stderr)")
        }
    }

    @Test("liquidation-price on an inverse contract: contracts and a margin in the coin; refusals name the option")
    func inverseLiquidationPrice() throws {
        let base = ["liquidation-price", "--venue", "bitmex", "--symbol", "XBTUSD", "--side", "long", "--entry", "10000", "--quantity", "200000"]
        // Maintenance 0.5% × 20 + (0.05% taker + 0.01% funding) × 21 = 0.1126 XBT; 200,000/(21 − 0.1126).
        let json = try Self.cascade(base + ["--margin", "1", "--funding-rate", "0.0001", "--json"])
        #expect(json.status == 0 && json.stdout.hasPrefix("{\"contract\": \"inverse\", \"coin\": \"XBT\", \"liquidationPrice\": 9575.1505"),
                "\(json.stdout)")
        let text = try Self.cascade(base + ["--leverage", "20"])
        #expect(text.status == 0 && text.stdout.contains("bankruptcy price   9523.81"), "\(text.stdout)")
        for (arguments, message) in [
            (["--leverage", "20", "--tier-table", "btc"], "--tier-table does not apply to XBTUSD, an inverse contract with its own risk limits"),
            (["--leverage", "101"], "leverage 101× is above bitmex's maximum 100× for a position of this size (tier 1); the venue would not open it"),
            (["--leverage", "20", "--funding-rate", "0.5"], "--funding-rate 0.5 is out of range; expected a fraction between -0.1 and 0.1"),
        ] {
            let result = try Self.cascade(base + arguments)
            #expect(result.status == 1 && result.stderr == "error: \(message)\n" && result.stdout.isEmpty, "\(arguments): \(result.stderr)")
        }
        let linear = try Self.cascade(["liquidation-price", "--venue", "bitmex", "--symbol", "XBTUSDT", "--side", "long", "--entry", "10000",
                                       "--quantity", "2", "--leverage", "20", "--funding-rate", "0.0001"])
        #expect(linear.status == 1 && linear.stderr.contains("--funding-rate applies only to an inverse contract"), "\(linear.stderr)")
    }

    @Test("validate checks every file given and reports every problem of each, then exits 1")
    func validateSeveral() throws {
        let directory = Self.temporaryDirectory()
        let original = try String(contentsOf: Self.root.appendingPathComponent("Scenarios/calm-day.yaml"), encoding: .utf8)
        let broken = original.replacingOccurrences(of: "volatility: 0.4", with: "volatility: -0.4")
            .replacingOccurrences(of: "paths: ", with: "paths: 0 #")
        #expect(broken != original)
        let bad = directory.appendingPathComponent("broken.yaml"), missing = directory.appendingPathComponent("missing.yaml")
        try broken.write(to: bad, atomically: true, encoding: .utf8)
        let good = Self.root.appendingPathComponent("Scenarios/calm-day.yaml").path
        let result = try Self.cascade(["validate", bad.path, good, missing.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("\(good): valid"))
        #expect(result.stderr.contains("error: \(bad.path): simulation.paths: 0 is out of range; expected ≥ 1"), "\(result.stderr)")
        #expect(result.stderr.contains("error: \(bad.path): market.assets[0].model.volatility: -0.4 is negative; expected ≥ 0"))
        #expect(result.stderr.contains(missing.path))
        #expect(result.stderr.hasSuffix("2 of 3 scenario files are invalid\n"))
        let valid = try Self.cascade(["validate", good, Self.root.appendingPathComponent("Scenarios/flash-crash.yaml").path])
        #expect(valid.status == 0 && valid.stderr.isEmpty)
    }

    @Test("init writes a starter that validates, refuses to overwrite, and refuses a bad venue with nothing written")
    func initStarter() throws {
        let directory = Self.temporaryDirectory()
        let file = directory.appendingPathComponent("starter.yaml")
        let made = try Self.cascade(["init", "--venue", "hyperliquid", "--assets", "3", file.path])
        #expect(made.status == 0, "\(made.stderr)")
        let check = try Self.cascade(["validate", file.path])
        #expect(check.status == 0 && check.stdout.contains("\(file.path): valid") && check.stdout.contains("venue: hyperliquid"))
        let again = try Self.cascade(["init", file.path])
        #expect(again.status == 1 && again.stderr == "error: \(file.path): exists; expected a new file name, or --force to replace it\n")
        #expect(try Self.cascade(["init", "--force", file.path]).status == 0)
        let other = directory.appendingPathComponent("other.yaml")
        let bad = try Self.cascade(["init", "--venue", "binance", other.path])
        #expect(bad.status == 1 && bad.stderr.hasPrefix("error: --venue: 'binance' is not a venue preset; expected one of: binance-usdm"))
        #expect(!FileManager.default.fileExists(atPath: other.path))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["starter.yaml"])
        let printed = try Self.cascade(["init", "--assets", "2"])
        #expect(printed.status == 0 && printed.stdout.contains("correlation:") && printed.stdout.contains("maintenanceMarginRate"))
    }

    @Test("validate accepts the bundled scenarios")
    func validateBundled() throws {
        for name in ["calm-day", "flash-crash"] {
            let result = try Self.cascade(["validate", Self.root.appendingPathComponent("Scenarios/\(name).yaml").path])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            #expect(result.stdout.contains("valid"))
        }
    }

    @Test("plausibility prints a row per reported scenario with its control, and skips the rest with a note")
    func plausibility() throws {
        let directory = Self.temporaryDirectory()
        let calm = Self.root.appendingPathComponent("Scenarios/calm-day.yaml")
        let text = try String(contentsOf: calm, encoding: .utf8)
            + "reported:\n  event: a test\n  liquidatedNotional: [1.0e6, 2.0e6]\n  longShare: 0.7\n"
        let file = directory.appendingPathComponent("reported.yaml")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let result = try Self.cascade(["plausibility", file.path, calm.path, "--paths", "3", "--threads", "1"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 3 && lines[0].hasPrefix("| scenario | reported |") && lines[2].hasPrefix("| `reported.yaml` | $1.00M–$2.00M | "),
                "\(result.stdout)")
        #expect(result.stderr == "\(calm.path): no reported: section; skipped\n")
        let bad = try Self.cascade(["plausibility", directory.appendingPathComponent("missing.yaml").path])
        #expect(bad.status == 1 && bad.stderr.contains("missing.yaml"))
        // The schema the command prints is the committed one.
        let schema = try Self.cascade(["schema"])
        let committed = try String(contentsOf: Self.root.appendingPathComponent("docs/scenario.schema.json"), encoding: .utf8)
        #expect(schema.status == 0 && schema.stdout == committed)
    }
}
