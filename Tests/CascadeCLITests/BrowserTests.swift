import Foundation
import Testing

/// The report pages opened in a real browser (headless Chromium, Debian's chromium, which
/// `make test-deps` installs): each loads without errors, lays out every chart with a non-zero
/// size, is not blank in a screenshot and prints to PDF (Tests/Browser/check-pages.py); and
/// `cascade run --pdf` writes report.pdf, listed in the manifest.
@Suite("Report pages in headless Chromium")
struct BrowserTests {
    typealias CLI = CommandLineTests

    @Test("report.html, sweep.html and compare.html load, lay out their charts, are not blank and print to PDF")
    func pages() throws {
        let work = CLI.temporaryDirectory()
        let scenario = CLI.root.appendingPathComponent("Scenarios/calm-day.yaml").path
        let run = work.appendingPathComponent("run"), sweep = work.appendingPathComponent("sweep")
        let compare = work.appendingPathComponent("compare")
        let commands = [
            ["run", scenario, "--paths", "40", "--out", run.path, "--quiet", "--pdf"],
            ["sweep", scenario, "--vary", "impact.depth=20000000,5000000", "--paths", "8", "--out", sweep.path, "--quiet"],
            ["compare", scenario, "--policy", "venue=", "--policy", "shallow=impact.depth=5000000", "--paths", "8",
             "--out", compare.path, "--quiet"],
        ]
        for command in commands {
            let result = try CLI.cascade(command)
            try #require(result.status == 0, "\(command[0]): \(result.stderr)")
        }
        let pdf = try Data(contentsOf: run.appendingPathComponent("report.pdf"))
        #expect(pdf.starts(with: Array("%PDF".utf8)) && pdf.count > 10_000)
        let manifest = try String(contentsOf: run.appendingPathComponent("manifest.json"), encoding: .utf8)
        #expect(manifest.contains("\"report.pdf\""))

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.currentDirectoryURL = CLI.root
        process.arguments = ["python3", "Tests/Browser/check-pages.py", run.appendingPathComponent("report.html").path,
                             sweep.appendingPathComponent("sweep.html").path, compare.appendingPathComponent("compare.html").path]
        let errors = Pipe(), output = Pipe()
        process.standardError = errors
        process.standardOutput = output
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let lines = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "check-pages.py (needs Debian's chromium; make test-deps installs it): \(message)")
        #expect(lines.split(separator: "\n").count == 3, "\(lines)")
    }

    @Test("--pdf without Chromium is refused at once with one line, nothing written; --pdf with --shard is refused")
    func pdfRefusals() throws {
        let work = CLI.temporaryDirectory()
        let scenario = CLI.root.appendingPathComponent("Scenarios/calm-day.yaml").path
        var environment = ProcessInfo.processInfo.environment
        environment["CASCADE_CHROMIUM"] = "/nonexistent/chromium"
        let out = work.appendingPathComponent("never")
        let missing = try CLI.cascade(["run", scenario, "--paths", "4", "--out", out.path, "--pdf"], environment: environment)
        #expect(missing.status == 1 && missing.stderr.hasPrefix("error: --pdf needs Chromium") && missing.stderr.split(separator: "\n").count == 1,
                "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let shard = try CLI.cascade(["run", scenario, "--shard", "0/2", "--out", out.path, "--pdf"])
        #expect(shard.status != 0 && shard.stderr.contains("--pdf and --shard"), "\(shard.stderr)")
    }
}
