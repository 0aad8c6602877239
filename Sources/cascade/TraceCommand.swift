import ArgumentParser
import CascadeKit
import Foundation

/// `cascade trace`: the story of one path — re-simulated exactly as a run simulates it — step by
/// step and round by round (``PathTrace``, ``TraceReport``).
struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Trace one path of a scenario: prices, cascade rounds and liquidations step by step (trace.csv, trace-rounds.csv, charts).")

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    // Whole numbers read as text (so `--path -1` is a value): see WholeNumber.
    @Option(name: .customLong("path"), parsing: .unconditional,
            help: ArgumentHelp("The path to trace, 0 ≤ I < paths (the scenario's simulation.paths or --paths).", valueName: "I"))
    var pathText: String

    @Option(name: .customLong("from"), parsing: .unconditional,
            help: ArgumentHelp("The first step written (default 0).", valueName: "STEP"))
    var fromText: String?

    @Option(name: .customLong("to"), parsing: .unconditional,
            help: ArgumentHelp("The last step written, included (default the last step).", valueName: "STEP"))
    var toText: String?

    @OptionGroup var overrides: ScenarioOverrideOptions

    @Option(help: "Directory for the trace (default: reports/<scenario file name>-trace-<I>). It is replaced as a whole.")
    var out: String?

    @Flag(help: "Replace the --out directory even if it is not a cascade report (everything in it is removed).")
    var force = false

    @OptionGroup var memoryLimit: MemoryLimitOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        try WholeNumber.check(pathText, option: "--path", atLeast: 0)
        try WholeNumber.check(fromText, option: "--from", atLeast: 0)
        try WholeNumber.check(toText, option: "--to", atLeast: 0)
    }

    func run() throws {
        let started = Date()
        let loaded: LoadedScenario
        do {
            var options = overrides.overrides()
            options.memoryLimit = memoryLimit.bytes
            loaded = try ScenarioLoader.load(path: scenario, overrides: options)
        } catch { throw fail(error.description) }
        let config = loaded.config
        // Checked against the scenario before anything is written.
        let path = (try? WholeNumber.parse(pathText, option: "--path", atLeast: 0)) ?? 0
        guard path < config.paths else {
            throw fail("--path \(path) is out of range; expected 0 ≤ I < \(config.paths) (the scenario's paths)")
        }
        let from = (try? WholeNumber.parse(fromText, option: "--from", atLeast: 0)) ?? nil
        let to = (try? WholeNumber.parse(toText, option: "--to", atLeast: 0)) ?? nil
        for (option, value) in [("--from", from), ("--to", to)] {
            if let value, value >= config.steps {
                throw fail("\(option) \(value) is out of range; expected 0 ≤ STEP < \(config.steps) (the scenario's steps)")
            }
        }
        let first = from ?? 0, last = to ?? config.steps - 1
        guard first <= last else { throw fail("--from \(first) is after --to \(last); expected --from ≤ --to") }

        let name = URL(fileURLWithPath: scenario).deletingPathExtension().lastPathComponent
        let directory = URL(fileURLWithPath: out ?? "reports/\(name)-trace-\(path)")
        let staging = try stageReports(in: directory, force: force)
        let (trace, _) = PathTrace.record(config: config, path: path)
        let report = TraceReport(trace: trace, steps: first...last)
        var manifest = manifest(kind: "trace", scenario: scenario, digest: loaded.fileSHA256, started: started)
        manifest.seed = config.seed
        manifest.paths = config.paths
        do {
            try staging.commit(report.files, manifest: manifest)
        } catch { throw fail(error.description) }
        if !quiet {
            // The path's own totals (cross-account closures included), as its run counts them.
            let end = trace.totals.last
            print("path \(path) of \(config.paths) (seed \(config.seed)): \(ReadableNumber.count.text(Double(end?.liquidations ?? trace.liquidations))) liquidations, "
                  + "\(Format.money(end?.liquidatedNotional ?? trace.liquidatedNotional)) liquidated over the path"
                  + (end.map { ", fund \(Format.money($0.fundBalance)) at the end" } ?? "")
                  + "; steps \(first)…\(last) of 0…\(config.steps - 1) → \(directory.path)")
        }
    }
}
