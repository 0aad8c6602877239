import ArgumentParser
import CascadeKit
import Foundation

@main
struct Cascade: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cascade",
        abstract: "Monte Carlo stress tests of cascading liquidations on leveraged perpetual futures.",
        version: "0.1.0",
        subcommands: [Run.self, Sweep.self, Init.self, Compare.self, Validate.self, Merge.self, Trace.self, Plausibility.self, Schema.self,
                      LiquidationPrice.self]
    )

    static func main() {
        // First of all: if OpenBLAS loaded a kernel weaker than this CPU supports (Debian's 0.3.21
        // takes some AVX-512 CPUs for SSE3 ones, ~4× slower), run again with OPENBLAS_CORETYPE set,
        // which OpenBLAS reads only when it loads. A value the user set stands.
        OpenBLASKernel.reexecWithRecommendedKernelIfWeaker()
        // cascade parallelises over paths itself; OpenBLAS's own worker threads would busy-wait on
        // the cores that load the scenario (unless OPENBLAS_NUM_THREADS says otherwise).
        DenseLinearAlgebra.useSingleThreadedOpenBLAS()
        Interruption.install()
        main(nil)
    }
}

/// Prints a scenario error to standard error, one line per issue, and exits with status 1.
func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data((message.split(separator: "\n").map { "error: \($0)" }.joined(separator: "\n") + "\n").utf8))
    return ExitCode(1)
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check scenario files without running them.",
        discussion: """
            Checks every file given, one after the other, and reports every problem of each (one line per problem, \
            naming the file and the key); exits with status 1 if any file is invalid.
            """)

    @Argument(help: "The scenario files (YAML).")
    var scenarios: [String]

    @OptionGroup var memoryLimit: MemoryLimitOption

    func validate() throws {
        if scenarios.isEmpty { throw ValidationError("at least one scenario file is required") }
    }

    func run() throws {
        var invalid = 0
        for scenario in scenarios {
            do {
                let loaded = try ScenarioLoader.load(path: scenario, overrides: ScenarioOverrides(memoryLimit: memoryLimit.bytes))
                describe(loaded, file: scenario)
            } catch {
                _ = fail(error.description)
                invalid += 1
            }
        }
        if invalid > 0 {
            if scenarios.count > 1 {
                FileHandle.standardError.write(Data("\(invalid) of \(scenarios.count) scenario files are invalid\n".utf8))
            }
            throw ExitCode(1)
        }
    }

    /// What a valid scenario will run.
    func describe(_ loaded: LoadedScenario, file scenario: String) {
        let c = loaded.config
        print("\(scenario): valid")
        print("  \(loaded.scenario.name): \(c.paths) paths × \(c.steps) steps of \(TimeSpan(seconds: c.stepSeconds))")
        for asset in c.assets {
            let contract = asset.contract == .inverse ? ", inverse (contracts of 1 USD, margined in the coin)" : ""
            print("  \(asset.symbol)\(contract): model \(asset.model.name), \(asset.ladder.positions.count) positions, "
                  + "open interest \(Format.money(asset.openInterest))"
                  + (asset.schedule == nil ? "" : ", with stress shocks"))
        }
        print("  positions: \(c.positionCount) (\(loaded.syntheticPositions) synthetic, \(loaded.filePositions) from file)")
        if let book = c.crossAccounts {
            let legs = book.accounts.reduce(0) { $0 + $1.legs.count }
            let notional = book.accounts.reduce(0.0) { $0 + $1.legs.reduce(0.0) { $0 + abs($1.quantity) * $1.entryPrice } }
            print("  cross accounts: \(book.count) (\(legs) positions, open interest \(Format.money(notional)))"
                  + (c.funding.map { ", funding every \($0.intervalSteps) steps" } ?? ""))
        }
        if let preset = loaded.scenario.exchange.preset { print("  venue: \(preset)") }
        print("  memory: about \(MemoryEstimate.describe(loaded.memory.total)) (limit \(MemoryEstimate.describe(loaded.memoryLimit)))")
        if loaded.cappedLeverage > 0 {
            print("  \(loaded.cappedLeverage) synthetic positions had their leverage lowered to their tier's maximum")
        }
        for s in loaded.scenario.positions.synthetic {
            let longs = SyntheticPopulation(count: s.count, openInterest: s.openInterest, longShare: s.longShare,
                                            leverageMix: [], entrySpread: 0, sizeSigma: 0).longCount
            let perLong = longs > 0 ? s.openInterest * s.longShare / Double(longs) : 0
            print("  synthetic\(s.asset.map { " \($0)" } ?? "") median long notional ≈ \(Format.money(perLong * Foundation.exp(-s.size.sigma * s.size.sigma / 2)))")
        }
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario and write its reports (CSV, SVG charts, report.html).")

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @OptionGroup var overrides: ScenarioOverrideOptions

    @Option(help: "Directory for the reports (default: reports/<scenario file name>). It is replaced as a whole.")
    var out: String?

    @Flag(help: "Replace the --out directory even if it is not a cascade report (everything in it is removed).")
    var force = false

    @OptionGroup var threads: WorkerThreadsOption

    @OptionGroup var memoryLimit: MemoryLimitOption

    // Read as text, unconditionally (so `--chunk-size -1` is a value): see WholeNumber.
    @Option(name: .customLong("chunk-size"), parsing: .unconditional,
            help: ArgumentHelp("Paths per unit of work (default: about 8 chunks per thread, 16 to 1024). Results do not depend on it.",
                               valueName: "chunk-size"))
    var chunkSizeText: String?

    var chunkSize: Int? { (try? WholeNumber.parse(chunkSizeText, option: "--chunk-size", atLeast: 1)) ?? nil }

    @Flag(help: "Print nothing but errors (no progress bar, no summary).")
    var quiet = false

    @Flag(help: "Print a machine-readable summary as JSON on standard output instead of the human one.")
    var json = false

    @Flag(help: "Print the time each phase took (load, simulate, reports, write) and the OpenBLAS kernel in use to standard error.")
    var timings = false

    @Flag(help: "Also write report.pdf: report.html printed by headless Chromium (CASCADE_CHROMIUM, or chromium on the PATH); refused at once when there is none.")
    var pdf = false

    @Option(help: ArgumentHelp("Run only shard I of N (I/N, or auto/N with I from JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or AWS_BATCH_JOB_ARRAY_INDEX) and write its result to --out (a folder; default reports/<scenario file name>-shards) for cascade merge.",
                               valueName: "I/N"))
    var shard: String?

    func validate() throws {
        try WholeNumber.check(chunkSizeText, option: "--chunk-size", atLeast: 1)
        if let shard, case let .failure(error) = ShardSpec.parse(shard, environment: ProcessInfo.processInfo.environment) {
            throw ValidationError(error.description)
        }
        if shard != nil && pdf {
            throw ValidationError("--pdf and --shard: a shard writes no report.html; pass --pdf to cascade merge instead")
        }
    }

    func run() throws {
        let started = Date()
        let loaded: LoadedScenario
        var spec: ShardSpec? = nil
        if let shard, case let .success(parsed) = ShardSpec.parse(shard, environment: ProcessInfo.processInfo.environment) { spec = parsed }
        do {
            var options = overrides.overrides()
            options.memoryLimit = memoryLimit.bytes
            options.shard = spec
            loaded = try ScenarioLoader.load(path: scenario, overrides: options)
        } catch { throw fail(error.description) }
        if let spec { return try runShard(spec, loaded: loaded) }
        var chromium: String? = nil
        if pdf {
            guard let found = PDFPrinter.locate() else { throw fail(PDFPrinter.missing) }
            guard loaded.outputs.contains("charts") else {
                throw fail("--pdf prints report.html, which \(scenario) does not write (report.outputs leaves out charts); add charts or run without --pdf")
            }
            chromium = found
        }
        var phases: [(String, Double)] = [("load", Date().timeIntervalSince(started))]
        var mark = Date()
        func phase(_ name: String) {
            phases.append((name, Date().timeIntervalSince(mark)))
            mark = Date()
        }
        let directory = URL(fileURLWithPath: out ?? "reports/" + URL(fileURLWithPath: scenario).deletingPathExtension().lastPathComponent)
        let staging = try stageReports(in: directory, force: force)
        let bar = !quiet && isatty(STDERR_FILENO) != 0 ? ProgressBar() : nil
        var progress: (@Sendable (Int, Int) -> Void)? = nil
        if let bar { progress = { done, total in bar.update(done: done, total: total) } }
        let control = RunControl(growthLimit: loaded.growthLimit)
        let run = ScenarioRun.execute(loaded, threads: threads.count, chunkSize: chunkSize,
                                      progress: progress, control: control)
        bar?.finish()
        if let reason = control.reason { throw fail(RunStopMessage.text(reason, loaded: loaded)) }
        phase("simulate")
        let simulated = Date().timeIntervalSince(started)
        let reports = ReportSet(run: run)
        phase("reports")
        if let bad = reports.nonFiniteField() {
            throw fail("\(scenario): internal error: \(bad.file) line \(bad.line) holds a non-finite number; no report was written "
                       + "(please report this, with the scenario)")
        }
        phase("check")
        let binary = try PDFPrinter.reportPDF(reports.files, chromium: chromium, directory: directory)
        if !binary.isEmpty { phase("pdf") }
        var manifest = manifest(kind: "run", scenario: scenario, digest: loaded.fileSHA256, started: started)
        manifest.seed = loaded.config.seed
        manifest.paths = loaded.config.paths
        do {
            try staging.commit(reports.files, binary: binary, manifest: manifest)
        } catch { throw fail(error.description) }
        phase("write")
        if timings {
            let text = phases.map { String(format: "%@ %.3f s", $0.0, $0.1) }.joined(separator: ", ")
            FileHandle.standardError.write(Data("timings: \(text)\nopenblas kernel: \(OpenBLASKernel.summary)\n".utf8))
            if let cross = CrossCheckSummary(run.result) {
                FileHandle.standardError.write(Data((cross.line(simulateSeconds: phases[1].1) + "\n").utf8))
            }
        }
        if json {
            print(RunSummaryJSON.text(reports, directory: directory.path, seconds: simulated), terminator: "")
        } else if !quiet {
            print(HumanSummary(reports: reports, seconds: simulated, directory: directory.path).text)
            if !binary.isEmpty { print("  wrote report.pdf (report.html printed by \(chromium!))") }
        }
    }

    /// Runs shard `spec` of the paths and writes its result file (written beside its name and
    /// renamed over it: never half a file; a retried shard writes the same bytes).
    func runShard(_ spec: ShardSpec, loaded: LoadedScenario) throws {
        let directory = URL(fileURLWithPath: out ?? "reports/" + URL(fileURLWithPath: scenario).deletingPathExtension().lastPathComponent + "-shards")
        let range = spec.range(paths: loaded.config.paths)
        let bar = !quiet && isatty(STDERR_FILENO) != 0 ? ProgressBar() : nil
        var progress: (@Sendable (Int, Int) -> Void)? = nil
        if let bar { progress = { done, total in bar.update(done: done, total: total) } }
        let control = RunControl(growthLimit: loaded.growthLimit)
        let run = ScenarioRun.execute(loaded, paths: range, threads: threads.count, chunkSize: chunkSize, progress: progress, control: control)
        bar?.finish()
        if let reason = control.reason { throw fail(RunStopMessage.text(reason, loaded: loaded)) }
        let header = ShardHeader(format: ShardHeader.format, version: Cascade.configuration.version,
                                 scenarioPath: URL(fileURLWithPath: scenario).standardizedFileURL.path,
                                 scenarioSHA256: loaded.fileSHA256 ?? "", seed: loaded.config.seed, paths: loaded.config.paths,
                                 shard: spec.index, shards: spec.count, firstPath: range.lowerBound, pathCount: range.count,
                                 twin: loaded.twin, exactTimeSeries: loaded.config.exactTimeSeries)
        let bytes = ShardResult.encode(run, header: header)
        let file = try writeShard(bytes, spec: spec, in: directory)
        if !quiet {
            print("shard \(spec.index)/\(spec.count): paths \(range.lowerBound)..<\(range.upperBound) of \(loaded.config.paths) → \(file.path) (\(bytes.count) bytes)")
        }
    }
}
