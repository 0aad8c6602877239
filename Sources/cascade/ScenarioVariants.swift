import CascadeKit
import Foundation

/// One scenario run under several sets of assignments — a sweep's grid points, a comparison's
/// policies — on common random numbers: each variant is loaded (and so validated) before any
/// runs, loaded anew when it runs (a loaded book can be ~10 MB: variants are not kept), and one
/// progress bar counts the paths of all.
struct ScenarioVariants {
    let scenario: String
    let overrides: ScenarioOverrideOptions
    let memoryLimit: MemoryLimitOption
    /// Each variant's assignments, and what its error lines end with (naming the variant).
    let variants: [(assignments: [ScenarioAssignment], errorSuffix: String)]

    /// Variant `v`'s scenario, keeping only what per-path metrics need (they do not depend on
    /// cascade events, the liquidation map or the exact time series).
    func load(_ v: Int) throws -> LoadedScenario {
        do {
            var options = overrides.overrides(assignments: variants[v].assignments)
            options.memoryLimit = memoryLimit.bytes
            var loaded = try ScenarioLoader.load(path: scenario, overrides: options)
            loaded.config.recordCascadeEvents = false
            loaded.config.liquidationMap = nil
            loaded.config.exactTimeSeries = false
            return loaded
        } catch {
            let suffix = variants[v].errorSuffix
            throw fail(error.description.split(separator: "\n").map { ErrorText.line($0, suffix: suffix) }.joined(separator: "\n"))
        }
    }

    /// Loads every variant in turn, handing each to `check`; returns the paths all will run
    /// (the twin's counted).
    func validate(_ check: (Int, LoadedScenario) throws -> Void) throws -> Int {
        var work = 0
        for v in variants.indices {
            let loaded = try load(v)
            work += (loaded.twin ? 2 : 1) * loaded.config.paths
            try check(v, loaded)
        }
        return work
    }

    /// Runs every variant in turn, `work` paths in all, handing each run to `each`.
    func run(work: Int, threads: Int, quiet: Bool, _ each: (Int, LoadedScenario, ScenarioRun) throws -> Void) throws {
        let bar = !quiet && isatty(STDERR_FILENO) != 0 ? ProgressBar(label: "paths") : nil
        var done = 0
        for v in variants.indices {
            let loaded = try load(v)
            let offset = done
            var progress: (@Sendable (Int, Int) -> Void)? = nil
            if let bar { progress = { done, _ in bar.update(done: offset + done, total: work) } }
            let control = RunControl(growthLimit: loaded.growthLimit)
            let run = ScenarioRun.execute(loaded, threads: threads, progress: progress, control: control)
            if let reason = control.reason { throw fail(RunStopMessage.text(reason, loaded: loaded)) }
            done += (loaded.twin ? 2 : 1) * loaded.config.paths
            try each(v, loaded, run)
        }
        bar?.finish()
    }
}
