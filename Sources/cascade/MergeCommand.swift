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

    @Flag(help: "Also write report.pdf for a run's shards, as cascade run --pdf does (needs Chromium).")
    var pdf = false

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
        var prefixes: [String: [UInt8]] = [:]
        var firstOf: [Bool: String] = [:]  // the first sweep shard (true) and run shard (false) given
        do throws(ShardError) {
            for file in files {
                let bytes = try Self.headerBytes(file)
                let sweep = try ShardResult.format(bytes, file: file) == SweepShardHeader.format
                if firstOf[sweep] == nil { firstOf[sweep] = file }
                prefixes[file] = bytes
            }
        } catch { throw fail(error.description) }
        if let sweep = firstOf[true], let run = firstOf[false] {
            throw fail("\(sweep): is a shard of cascade sweep, and \(run) of cascade run; expected the shards of one run")
        }
        if firstOf[true] != nil {
            try mergeSweep(files: files, started: started)
        } else {
            try mergeRun(files: files, prefixes: prefixes, started: started)
        }
    }

    /// The first bytes of a shard file: the magic line, the header's length and its JSON (all of
    /// the file when it is not a shard, up to 64 KB). The results are read one shard at a time
    /// later, so the merge never holds every file.
    static func headerBytes(_ file: String) throws(ShardError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: file) else { throw ShardError("\(file): cannot be read") }
        defer { try? handle.close() }
        var bytes = [UInt8]((try? handle.read(upToCount: ShardResult.magic.count + 8)) ?? Data())
        if bytes.count == ShardResult.magic.count + 8, bytes.starts(with: ShardResult.magic) {
            let length = bytes.suffix(8).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            if length <= 1 << 20 { bytes += [UInt8]((try? handle.read(upToCount: Int(length))) ?? Data()) }
        }
        return bytes
    }

    /// All of a shard file's bytes.
    static func contents(_ file: String) throws(ShardError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: file) else { throw ShardError("\(file): cannot be read") }
        return [UInt8](data)
    }

    /// Merges the shards of `cascade run --shard` into the run's report set.
    func mergeRun(files: [String], prefixes: [String: [UInt8]], started: Date) throws {
        var headers: [(file: String, header: ShardHeader)] = []
        do throws(ShardError) {
            for file in files { headers.append((file, try ShardResult.header(prefixes[file]!, file: file).header)) }
            headers = try ShardSet.complete(headers)
        } catch { throw fail(error.description) }
        let first = headers[0].header
        var chromium: String? = nil
        if pdf {
            guard let found = PDFPrinter.locate() else { throw fail(PDFPrinter.missing) }
            chromium = found
        }
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
        // One shard at a time: the merge holds the whole and one shard, not every shard.
        var joiner = ScenarioRun.Joiner(loaded: loaded, firstPath: 0, paths: first.paths)
        do throws(ShardError) {
            for (file, header) in headers {
                let bytes = try Self.contents(file)
                guard try ShardResult.header(bytes, file: file).header == header else {
                    throw ShardError("\(file): changed while the merge read it; expected shard results left alone until the merge ends")
                }
                joiner.add(try ShardResult.decode(bytes, file: file, loaded: loaded))
            }
        } catch { throw fail(error.description) }
        let run = joiner.run()
        let directory = URL(fileURLWithPath: out ?? "reports/" + URL(fileURLWithPath: first.scenarioPath).deletingPathExtension().lastPathComponent)
        let staging = try stageReports(in: directory, force: force)
        let reports = ReportSet(run: run)
        if let bad = reports.nonFiniteField() {
            throw fail("internal error: \(bad.file) line \(bad.line) holds a non-finite number; no report was written")
        }
        let binary = try PDFPrinter.reportPDF(reports.files, chromium: chromium, directory: directory)
        var manifest = manifest(kind: "run", scenario: first.scenarioPath, digest: loaded.fileSHA256, started: started)
        manifest.seed = loaded.config.seed
        manifest.paths = loaded.config.paths
        do {
            try staging.commit(reports.files, binary: binary, manifest: manifest)
        } catch { throw fail(error.description) }
        let seconds = Date().timeIntervalSince(started)
        if json {
            print(RunSummaryJSON.text(reports, directory: directory.path, seconds: seconds), terminator: "")
        } else if !quiet {
            print("merged \(headers.count) shards of \(first.paths) paths")
            print(HumanSummary(reports: reports, seconds: seconds, directory: directory.path).text)
        }
    }

    /// Merges the shards of `cascade sweep --shard` into the sweep's report: sweep.csv, its
    /// charts and sweep.html, byte for byte those of the unsplit sweep. The shards hold every
    /// point's metrics, so the scenario file is not read again.
    func mergeSweep(files: [String], started: Date) throws {
        var headers: [(file: String, header: SweepShardHeader)] = []
        var points: [SweepShardPoint] = []
        let axes: [SweepAxis]
        let grid: [[ScenarioAssignment]]
        var contents: [String: [UInt8]] = [:]  // a few hundred bytes a grid point
        do throws(ShardError) {
            for file in files { contents[file] = try Self.contents(file) }
            for file in files { headers.append((file, try SweepShardResult.header(contents[file]!, file: file).header)) }
            headers = try ShardSet.complete(headers)
            for (file, _) in headers { points += try SweepShardResult.decode(contents[file]!, file: file) }
        } catch { throw fail(error.description) }
        let first = headers[0].header
        do {
            axes = first.axes.map { SweepAxis(key: $0.key, values: $0.values) }
            grid = try CascadeKit.Sweep.grid(axes)
        } catch { throw fail("\(headers[0].file): its grid cannot be read: \(error.description); expected a shard of cascade sweep") }
        guard grid.count == points.count, let point0 = points.first else {
            throw fail("\(headers[0].file): its grid has \(grid.count) points, the shards \(points.count); expected the shards of one sweep")
        }
        let report = SweepReport(scenarioName: URL(fileURLWithPath: first.scenarioPath).lastPathComponent, axes: axes,
                                 points: zip(grid, points).map { ($0, $1.values) },
                                 paths: point0.paths, seed: point0.seed, confidence: point0.confidence)
        let directory = URL(fileURLWithPath: out ?? "reports/" + URL(fileURLWithPath: first.scenarioPath).deletingPathExtension().lastPathComponent + "-sweep")
        let staging = try stageReports(in: directory, force: force)
        var manifest = manifest(kind: "sweep", scenario: first.scenarioPath, digest: first.scenarioSHA256, started: started)
        let seeds = Set(points.map(\.seed))
        manifest.seed = seeds.count == 1 ? seeds.first : nil
        manifest.grid = axes.map { ReportManifest.Axis(key: $0.key, values: $0.values) }
        do {
            try staging.commit(report.files, manifest: manifest)
        } catch { throw fail(error.description) }
        let output = SweepOutput(scenario: first.scenarioPath, report: report, seconds: Date().timeIntervalSince(started), directory: directory.path)
        if json {
            print(output.json, terminator: "")
        } else if !quiet {
            print("merged \(headers.count) shards of \(grid.count) grid points")
            print(output.text)
        }
    }
}
