import Benchmark
import CascadeKit
import Foundation

// The performance workloads of cascade (docs/performance.md). Each runs a scenario end to end as
// `cascade run` does — load (decode, validate, generate the population, sort the ladder),
// simulate, build the three CSV reports and write them — and reports wall time, CPU time, peak
// resident memory and path-steps per second. Run with `make bench` from the repository root.

enum CascadeMetrics {
    /// Millions of path-steps (one path advanced by one step) per second of wall time.
    static let pathSteps = BenchmarkMetric.custom("path-steps/s (M)", polarity: .prefersLarger, useScalingFactor: false)
}

/// The repository root, from this file's location.
let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func scenario(_ path: String) -> String { repository.appendingPathComponent(path).path }

/// `cascade run SCENARIO --out DIR --quiet`, in process.
func runEndToEnd(_ file: String, output: URL) throws -> Int {
    let loaded = try ScenarioLoader.load(path: file)
    let result = SimulationEngine(config: loaded.config).run()
    let builder = ReportBuilder(result: result, quantiles: loaded.quantiles)
    let summaries = builder.summaries()
    try ReportDirectory.write([("summary.csv", builder.summaryCSV(summaries)), ("paths.csv", builder.pathsCSV()),
                               ("timeseries.csv", builder.timeSeriesCSV())], to: output)
    return loaded.config.paths * loaded.config.steps
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, CascadeMetrics.pathSteps],
        timeUnits: .milliseconds,
        warmupIterations: 0,
        maxDuration: .seconds(30),
        maxIterations: 3)
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-benchmarks")

    // One asset, GBM + jumps, 100,000 paths × 1,440 one-minute steps, square-root impact with
    // recovery; 1,000,000, 100,000 and 10,000 isolated positions.
    for (name, file) in [("isolated-1M", "Benchmarks/Scenarios/isolated-1M.yaml"),
                         ("isolated-100k", "Benchmarks/Scenarios/isolated-100k.yaml"),
                         ("isolated-10k", "Benchmarks/Scenarios/isolated-10k.yaml")] {
        Benchmark(name) { benchmark in
            let start = ContinuousClock.now
            let pathSteps = try runEndToEnd(scenario(file), output: output.appendingPathComponent(name))
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            benchmark.measurement(CascadeMetrics.pathSteps, Int(Double(pathSteps) / seconds / 1e6))
        }
    }

    // The same price paths (GBM + jumps, 100,000 × 1,440) alone: no positions, no impact, no
    // reports. The floor set by random-number generation that the engine is measured against.
    Benchmark("pathgen") { benchmark in
        let config = try ScenarioLoader.load(path: scenario("Benchmarks/Scenarios/isolated-10k.yaml")).config
        let engine = SimulationEngine(config: config)
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        blackHole(engine.generateFundamentalPaths())
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        benchmark.stopMeasurement()
        benchmark.measurement(CascadeMetrics.pathSteps, Int(Double(config.paths * config.steps) / seconds / 1e6))
    }

    // The engine alone on isolated-1M with one thread and with all threads: the parallel
    // speed-up (load and reports excluded).
    for threads in [1, SimulationEngine.defaultThreads] {
        Benchmark("engine isolated-1M, 20,000 paths, \(threads) thread\(threads == 1 ? "" : "s")") { benchmark in
            let config = try ScenarioLoader.load(path: scenario("Benchmarks/Scenarios/isolated-1M.yaml"),
                                                 overrides: ScenarioOverrides(paths: 20_000)).config
            let engine = SimulationEngine(config: config)
            benchmark.startMeasurement()
            let start = ContinuousClock.now
            blackHole(engine.run(threads: threads))
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            benchmark.stopMeasurement()
            benchmark.measurement(CascadeMetrics.pathSteps, Int(Double(config.paths * config.steps) / seconds / 1e6))
        }
    }
}
