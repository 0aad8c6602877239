import ArgumentParser
import CascadeKit
import Foundation

struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine the shard results of cascade run --shard into the reports of the whole run.",
        discussion: """
            Reads every shard result given (files, or folders whose *.cascade files are read), checks that they are \
            the shards of one run (one scenario, seed, version and shard count; each shard once; none missing), \
            loads the scenario they ran and writes the report set the unsplit run writes: every report file \
            byte for byte the same (docs/scale-out.md).
            """)

    @Argument(help: "Shard result files, or folders holding them.")
    var shards: [String]

    @Option(help: "Directory for the reports (default: reports/<scenario file name>). It is replaced as a whole.")
    var out: String?

    @Flag(help: "Replace the --out directory even if it is not a cascade report (everything in it is removed).")
    var force = false

    @OptionGroup var memoryLimit: MemoryLimitOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Print a machine-readable summary as JSON on standard output instead of the human one.")
    var json = false

    func validate() throws {
        if shards.isEmpty { throw ValidationError("at least one shard result is required") }
    }

    /// The files named, folders expanded to their *.cascade files (sorted).
    func files() throws -> [String] {
        var files: [String] = []
        for path in shards {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw fail("\(path): no such file; expected a shard result of cascade run --shard")
            }
            if isDirectory.boolValue {
                let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? [])
                    .filter { $0.hasSuffix(".cascade") && !$0.hasPrefix(".") }.sorted()
                if names.isEmpty { throw fail("\(path): holds no shard results (*.cascade)") }
                files += names.map { URL(fileURLWithPath: path).appendingPathComponent($0).path }
            } else {
                files.append(path)
            }
        }
        return files
    }

    func run() throws {
        let started = Date()
        let files = try files()
        var contents: [String: [UInt8]] = [:]
        var headers: [(file: String, header: ShardHeader)] = []
        do {
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw ShardError("\(file): cannot be read")
                }
                let bytes = [UInt8](data)
                headers.append((file, try ShardResult.header(bytes, file: file).header))
                contents[file] = bytes
            }
            headers = try ShardSet.complete(headers)
        } catch let error as ShardError { throw fail(error.description) }
        let first = headers[0].header
        let loaded: LoadedScenario
        do {
            loaded = try ScenarioLoader.load(path: first.scenarioPath,
                                             overrides: ScenarioOverrides(paths: first.paths, seed: first.seed, memoryLimit: memoryLimit.bytes))
        } catch { throw fail(error.description) }
        guard loaded.fileSHA256 == first.scenarioSHA256 else {
            throw fail("\(first.scenarioPath): has changed since the shards ran (SHA-256 \(loaded.fileSHA256?.prefix(12) ?? "–") ≠ \(first.scenarioSHA256.prefix(12))); expected the scenario file the shards ran")
        }
        guard loaded.twin == first.twin, loaded.config.exactTimeSeries == first.exactTimeSeries else {
            throw fail("\(headers[0].file): ran with options (twin, exact time series) this version does not choose for \(first.scenarioPath); expected shards of this version")
        }
        var parts: [ScenarioRun] = []
        do {
            for (file, _) in headers {
                parts.append(try ShardResult.decode(contents[file]!, file: file, loaded: loaded))
                contents[file] = nil
            }
        } catch { throw fail(error.description) }
        let run = ScenarioRun.joining(parts)
        let directory = URL(fileURLWithPath: out ?? "reports/" + URL(fileURLWithPath: first.scenarioPath).deletingPathExtension().lastPathComponent)
        let staging = try stageReports(in: directory, force: force)
        let reports = ReportSet(run: run)
        if let bad = reports.nonFiniteField() {
            throw fail("internal error: \(bad.file) line \(bad.line) holds a non-finite number; no report was written")
        }
        var manifest = manifest(kind: "run", scenario: first.scenarioPath, digest: loaded.fileSHA256, started: started)
        manifest.seed = loaded.config.seed
        manifest.paths = loaded.config.paths
        do {
            try staging.commit(reports.files, manifest: manifest)
        } catch { throw fail(error.description) }
        let seconds = Date().timeIntervalSince(started)
        if json {
            print(RunSummaryJSON.text(reports, directory: directory.path, seconds: seconds), terminator: "")
        } else if !quiet {
            print("merged \(headers.count) shards of \(first.paths) paths")
            print(HumanSummary(reports: reports, seconds: seconds, directory: directory.path).text)
        }
    }
}
