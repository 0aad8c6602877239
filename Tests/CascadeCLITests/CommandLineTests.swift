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

    static func cascade(_ arguments: [String], in directory: URL? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
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

    @Test("run writes the three reports for a bundled scenario")
    func runWritesReports() throws {
        let out = Self.temporaryDirectory().appendingPathComponent("reports")
        let scenario = Self.root.appendingPathComponent("Scenarios/flash-crash.yaml").path
        let result = try Self.cascade(["run", scenario, "--paths", "16", "--out", out.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("flash-crash: 16 paths × 1440 steps"))
        for (name, rows) in [("summary.csv", 1 + 25), ("paths.csv", 1 + 16), ("timeseries.csv", 1 + 1441)] {
            let text = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
            #expect(text.split(separator: "\n").count == rows, "\(name)")
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
        let paths = try Self.cascade(["run", scenario, "--paths", "0", "--out", "/tmp/never-written"])
        #expect(paths.status != 0 && paths.stderr.contains("--paths: 0 is out of range; expected ≥ 1"))
    }

    @Test("validate accepts the bundled scenarios")
    func validateBundled() throws {
        for name in ["calm-day", "flash-crash"] {
            let result = try Self.cascade(["validate", Self.root.appendingPathComponent("Scenarios/\(name).yaml").path])
            #expect(result.status == 0, "\(name): \(result.stderr)")
            #expect(result.stdout.contains("valid"))
        }
    }
}
