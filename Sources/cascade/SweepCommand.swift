import ArgumentParser
import CascadeKit
import Foundation

struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario over a grid of values of some of its keys, on the same random draws.",
        discussion: """
            Each --vary KEY=V1,V2,… names a scenario key path (dotted names, list items by index, e.g. \
            market.assets.0.model.volatility, impact.depth, positions.synthetic.leverageMix) and its values; several \
            --vary make a grid; --paths and --seed apply at every point. Every grid point uses the same seed, so every \
            path sees the same random draws at every point (common random numbers): differences between points are \
            the effect of the keys, not noise. \
            Writes sweep.csv (one row per point: the key risk metrics with their confidence intervals), one chart per \
            metric against the first key, and sweep.html.
            """)

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(name: .customLong("vary"), help: "KEY=V1,V2,… (repeat for a grid).")
    var vary: [String] = []

    /// --paths and --seed apply at every point.
    @OptionGroup var overrides: ScenarioOverrideOptions

    @Option(help: "Directory for the reports (default: reports/<scenario file name>-sweep). It is replaced as a whole.")
    var out: String?

    @Flag(help: "Replace the --out directory even if it is not a cascade report (everything in it is removed).")
    var force = false

    @OptionGroup var threads: WorkerThreadsOption

    @OptionGroup var memoryLimit: MemoryLimitOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Print the sweep as JSON on standard output instead of the table.")
    var json = false

    @Option(help: ArgumentHelp("Run only shard I of N of the grid points (I/N, or auto/N with I from JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or AWS_BATCH_JOB_ARRAY_INDEX) and write its result to --out (a folder; default reports/<scenario file name>-sweep-shards) for cascade merge. Each shard checks only its own points.",
                               valueName: "I/N"))
    var shard: String?

    func validate() throws {
        if vary.isEmpty { throw ValidationError("at least one --vary KEY=V1,V2,… is required") }
        if let shard, case let .failure(error) = ShardSpec.parse(shard, environment: ProcessInfo.processInfo.environment) {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        let axes: [SweepAxis]
        let grid: [[ScenarioAssignment]]
        do {
            axes = try vary.map { text throws(ScenarioError) in try SweepAxis(parsing: text) }
            try CascadeKit.Sweep.refuseOverridden(axes, paths: overrides.paths != nil, seed: overrides.seed != nil)
            grid = try CascadeKit.Sweep.grid(axes)
        } catch { throw fail(error.description) }
        let started = Date()
        var spec: ShardSpec? = nil
        if let shard, case let .success(parsed) = ShardSpec.parse(shard, environment: ProcessInfo.processInfo.environment) { spec = parsed }
        let share = spec?.range(of: grid.count) ?? grid.indices
        let variants = ScenarioVariants(
            scenario: scenario, overrides: overrides, memoryLimit: memoryLimit,
            variants: grid[share].map { assignments in
                let point = assignments.map { "\(ErrorText.clipped($0.key, limit: 40))=\(ErrorText.clipped($0.value, limit: 40))" }
                    .joined(separator: " ")
                return (assignments, " (at \(point))")
            })
        // Validate every point before running any, keeping only what the report needs of them.
        var firstPoint: (paths: Int, seed: UInt64, confidence: Double, digest: String?)? = nil
        var seeds = Set<UInt64>()
        let work = try variants.validate { _, loaded in
            seeds.insert(loaded.config.seed)
            if firstPoint == nil { firstPoint = (loaded.config.paths, loaded.config.seed, loaded.confidence, loaded.fileSHA256) }
        }
        if let spec { return try runShard(spec, axes: axes, points: share, of: grid.count, variants: variants, work: work, digest: firstPoint?.digest) }
        let directory = URL(fileURLWithPath: out ?? "reports/" + URL(fileURLWithPath: scenario).deletingPathExtension().lastPathComponent + "-sweep")
        let staging = try stageReports(in: directory, force: force)
        var points: [SweepReport.Point] = []
        try variants.run(work: work, threads: threads.count, quiet: quiet) { v, loaded, run in
            let statistics = RunStatistics(result: run.result, quantileLevels: [0.5], confidence: loaded.confidence,
                                           riskLevels: loaded.riskLevels, drawdownThresholds: [], twin: run.twin != nil)
            points.append((grid[v], CascadeKit.Sweep.measure(statistics)))
        }
        let seconds = Date().timeIntervalSince(started)
        let report = SweepReport(scenarioName: URL(fileURLWithPath: scenario).lastPathComponent, axes: axes, points: points,
                                 paths: firstPoint!.paths, seed: firstPoint!.seed, confidence: firstPoint!.confidence)
        var manifest = manifest(kind: "sweep", scenario: scenario, digest: firstPoint!.digest, started: started)
        manifest.seed = seeds.count == 1 ? seeds.first : nil
        manifest.grid = axes.map { ReportManifest.Axis(key: $0.key, values: $0.values) }
        do {
            try staging.commit(report.files, manifest: manifest)
        } catch { throw fail(error.description) }
        let output = SweepOutput(scenario: scenario, report: report, seconds: seconds, directory: directory.path)
        if json {
            print(output.json, terminator: "")
        } else if !quiet {
            print(output.text)
        }
    }

    /// Runs shard `spec`'s grid points (`points` of `total`) and writes its result file.
    func runShard(_ spec: ShardSpec, axes: [SweepAxis], points: Range<Int>, of total: Int, variants: ScenarioVariants, work: Int,
                  digest: String?) throws {
        let directory = URL(fileURLWithPath: out ?? "reports/" + URL(fileURLWithPath: scenario).deletingPathExtension().lastPathComponent + "-sweep-shards")
        var results: [SweepShardPoint] = []
        try variants.run(work: work, threads: threads.count, quiet: quiet) { _, loaded, run in
            let statistics = RunStatistics(result: run.result, quantileLevels: [0.5], confidence: loaded.confidence,
                                           riskLevels: loaded.riskLevels, drawdownThresholds: [], twin: run.twin != nil)
            results.append(SweepShardPoint(paths: loaded.config.paths, seed: loaded.config.seed, confidence: loaded.confidence,
                                           values: CascadeKit.Sweep.measure(statistics)))
        }
        // A shard without points has loaded nothing: hash the file as the loader does.
        guard let sha = digest ?? FileManager.default.contents(atPath: scenario).map({ data in
            data.withUnsafeBytes { SHA256.hex(of: $0) }
        }) else { throw fail("\(scenario): cannot be read") }
        let header = SweepShardHeader(version: Cascade.configuration.version, scenarioPath: URL(fileURLWithPath: scenario).standardizedFileURL.path,
                                      scenarioSHA256: sha, axes: axes.map { .init(key: $0.key, values: $0.values) },
                                      pathsOption: overrides.paths, seedOption: overrides.seed, points: total,
                                      shard: spec.index, shards: spec.count, firstPoint: points.lowerBound, pointCount: points.count)
        let bytes = SweepShardResult.encode(results, header: header)
        let file = try writeShard(bytes, spec: spec, in: directory)
        if !quiet {
            print("sweep shard \(spec.index)/\(spec.count): grid points \(points.lowerBound)..<\(points.upperBound) of \(total) → \(file.path) (\(bytes.count) bytes)")
        }
    }
}
