import Benchmark
import CascadeKit
import Foundation

/// Throughput of the simulation, in path-steps (one path advanced by one step) per second.
/// Custom metrics report the best and typical run through the usual percentiles.
enum CascadeMetrics {
    static let pathSteps = BenchmarkMetric.custom("path-steps/s (M)", polarity: .prefersLarger, useScalingFactor: false)
}

/// The bundled flash-crash scenario with `paths` paths, loaded once.
func flashCrash(paths: Int) -> SimulationConfig {
    let file = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Scenarios/flash-crash.yaml").path
    do {
        return try ScenarioLoader.load(path: file, overrides: ScenarioOverrides(paths: paths)).config
    } catch {
        fatalError("cannot load \(file): \(error)")
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, CascadeMetrics.pathSteps],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(20),
        maxIterations: 5)

    // The whole engine on the bundled flash-crash scenario (100,000 positions, 1,440 one-minute
    // steps), all cores: price paths, cascades and the time-series sketch.
    Benchmark("engine/flash-crash 512 paths") { benchmark in
        let config = flashCrash(paths: 512)
        let engine = SimulationEngine(config: config)
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        let result = engine.run()
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        benchmark.stopMeasurement()
        blackHole(result)
        benchmark.measurement(CascadeMetrics.pathSteps, Int(Double(config.paths * config.steps) / seconds / 1e6))
    }

    // The same on one thread, for the parallel speed-up.
    Benchmark("engine/flash-crash 512 paths, 1 thread") { benchmark in
        let config = flashCrash(paths: 512)
        let engine = SimulationEngine(config: config)
        benchmark.startMeasurement()
        let start = ContinuousClock.now
        let result = engine.run(threads: 1)
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        benchmark.stopMeasurement()
        blackHole(result)
        benchmark.measurement(CascadeMetrics.pathSteps, Int(Double(config.paths * config.steps) / seconds / 1e6))
    }

    // Loading the scenario: decoding, validation, population generation and sorting.
    Benchmark("setup/flash-crash scenario load") { benchmark in
        blackHole(flashCrash(paths: 1))
    }
}
