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
    /// Billions of floating-point operations per second of wall time.
    static let gigaflops = BenchmarkMetric.custom("GFLOP/s", polarity: .prefersLarger, useScalingFactor: false)
}

/// The repository root, from this file's location.
let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func scenario(_ path: String) -> String { repository.appendingPathComponent(path).path }

/// `cascade run SCENARIO --out DIR --quiet`, in process.
func runEndToEnd(_ file: String, output: URL) throws -> Int {
    let loaded = try ScenarioLoader.load(path: file)
    let reports = ReportSet(run: ScenarioRun.execute(loaded))
    try ReportDirectory.write(reports.files, to: output)
    return loaded.config.paths * loaded.config.steps
}

/// A configuration with no positions for path generation alone: 20,000 paths × 1,440 one-minute steps.
func pathsOnly(_ models: [PriceModel], correlation: [[Double]]? = nil) -> SimulationConfig {
    SimulationConfig(
        seed: 1, paths: 20_000, steps: 1_440, stepSeconds: 60,
        assets: models.enumerated().map { i, model in
            AssetConfig(symbol: "A\(i)", initialPrice: 100, model: model,
                        impact: ImpactModel(shape: .linear, depth: 1, coefficient: 0, recoveryHalfLife: 0),
                        ladder: LiquidationLadder(positions: [], rule: FlatMarginRule(maintenanceMarginRate: 0.01)))
        },
        correlationFactor: correlation.map { try! DenseLinearAlgebra.choleskyLower($0.flatMap { $0 }, order: $0.count) },
        insuranceFund: 0)
}

/// One model per price process, with parameters of the bundled scenarios' kind [invented].
func modelCases() -> [(String, SimulationConfig)] {
    let jumps = MertonJumps(intensity: 50, mean: -0.02, stdev: 0.02)
    var samples: [(time: Double, price: Double)] = []
    var price = 100.0
    for i in 0..<10_000 {
        samples.append((Double(i) * 60, price))
        price *= Foundation.exp(0.001 * Foundation.sin(Double(i)))
    }
    let data = try! HistoricalReturns.onGrid(samples, stepSeconds: 60)
    return [
        ("gbm", pathsOnly([.gbm(JumpDiffusionModel(drift: 0, volatility: 0.6, jumps: jumps))])),
        ("studentT", pathsOnly([.studentT(StudentTModel(drift: 0, volatility: 0.6, degreesOfFreedom: 4, jumps: jumps))])),
        ("garch", pathsOnly([.garch(GARCHModel(drift: 0, omega: 1e-9, alpha: 0.05, beta: 0.94, startVariance: 1e-7, jumps: jumps))])),
        ("heston", pathsOnly([.heston(HestonModel(drift: 0, kappa: 3, theta: 0.4, xi: 1, rho: -0.7, v0: 0.4))])),
        ("regimeSwitching", pathsOnly([.regimeSwitching(RegimeSwitchingModel(
            regimes: [Regime(name: "calm", drift: 0, volatility: 0.4), Regime(name: "crash", drift: 0, volatility: 2, jumps: jumps)],
            transitions: [[0.9, 0.1], [0.5, 0.5]], start: 0))])),
        ("bootstrap", pathsOnly([.bootstrap(data, blockSteps: 30)])),
        ("gbm, two correlated assets", pathsOnly([.gbm(JumpDiffusionModel(drift: 0, volatility: 0.6, jumps: jumps)),
                                                  .gbm(JumpDiffusionModel(drift: 0, volatility: 0.8, jumps: jumps))],
                                                 correlation: [[1, 0.8], [0.8, 1]])),
    ]
}

/// Times `work` on the engine of `config` (built outside the measurement) and records the path-steps
/// of `config` per second. The result is freed after the measurement: the engine's work is the
/// run, not giving back its memory.
func measureEngine<Result>(_ config: SimulationConfig, _ benchmark: Benchmark, _ work: (SimulationEngine) -> Result) {
    let engine = SimulationEngine(config: config)
    benchmark.startMeasurement()
    let start = ContinuousClock.now
    let result = work(engine)
    let seconds = (ContinuousClock.now - start) / .seconds(1)
    benchmark.stopMeasurement()
    blackHole(result)
    benchmark.measurement(CascadeMetrics.pathSteps, Int(Double(config.paths * config.steps) / seconds / 1e6))
}

/// Times the price paths of `config` alone (no positions, impact or reports) and records their
/// path-steps per second.
func measurePathGeneration(_ config: SimulationConfig, _ benchmark: Benchmark, threads: Int = SimulationEngine.defaultThreads) {
    measureEngine(config, benchmark) { $0.generateFundamentalPaths(threads: threads) }
}

let benchmarks: @Sendable () -> Void = {
    // As the command-line tool does: cascade's own threads, not OpenBLAS's, use the cores.
    DenseLinearAlgebra.useSingleThreadedOpenBLAS()
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .peakMemoryResident, CascadeMetrics.pathSteps],
        timeUnits: .milliseconds,
        warmupIterations: 0,
        maxDuration: .seconds(30),
        maxIterations: 3)
    let output = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-benchmarks")

    // One asset, GBM + jumps, 100,000 paths × 1,440 one-minute steps, square-root impact with
    // recovery; 1,000,000, 100,000 and 10,000 isolated positions.
    // Five correlated assets, 1,000,000 isolated positions and 100,000 cross accounts with funding,
    // 1,000 paths × 1,440 steps; and the same without the accounts (docs/performance.md).
    for name in ["cross-margin", "cross-margin-isolated"] {
        Benchmark(name) { benchmark in
            let start = ContinuousClock.now
            let pathSteps = try runEndToEnd(scenario("Benchmarks/Scenarios/\(name).yaml"), output: output.appendingPathComponent(name))
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            benchmark.measurement(CascadeMetrics.pathSteps, Int(Double(pathSteps) / seconds / 1e6))
        }
    }

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

    // The isolated-1M and isolated-10k days on each venue preset (leverage ≤ 20×, a heavier size
    // tail, a $10M fund: partial closes and auto-deleveraging happen; docs/performance.md).
    for venue in VenuePreset.names {
        for size in ["1M", "10k"] {
            let name = "isolated-\(size)-\(venue)"
            Benchmark(name) { benchmark in
                let start = ContinuousClock.now
                let pathSteps = try runEndToEnd(scenario("Benchmarks/Scenarios/\(name).yaml"), output: output.appendingPathComponent(name))
                let seconds = (ContinuousClock.now - start) / .seconds(1)
                benchmark.measurement(CascadeMetrics.pathSteps, Int(Double(pathSteps) / seconds / 1e6))
            }
        }
    }

    // Scenarios/flash-crash.yaml at 1,000,000 positions and 20,000 paths as `cascade run` runs it
    // by default: every report (charts, report.html) and the no-feedback twin.
    Benchmark("flash-crash-1M-all-reports") { benchmark in
        let start = ContinuousClock.now
        let pathSteps = try runEndToEnd(scenario("Benchmarks/Scenarios/flash-crash-1M-all-reports.yaml"),
                                        output: output.appendingPathComponent("flash-crash-1M-all-reports"))
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        benchmark.measurement(CascadeMetrics.pathSteps, Int(Double(pathSteps) / seconds / 1e6))
    }

    // The same price paths (GBM + jumps, 100,000 × 1,440) alone: no positions, no impact, no
    // reports. The floor set by random-number generation that the engine is measured against.
    Benchmark("pathgen") { benchmark in
        measurePathGeneration(try ScenarioLoader.load(path: scenario("Benchmarks/Scenarios/isolated-10k.yaml")).config,
                              benchmark)
    }

    // The same with one thread: the machine's own speed-up from one thread to all, which bounds
    // the engine's.
    Benchmark("pathgen, 1 thread") { benchmark in
        measurePathGeneration(try ScenarioLoader.load(path: scenario("Benchmarks/Scenarios/isolated-10k.yaml")).config,
                              benchmark, threads: 1)
    }

    // Path generation alone per price model (path-steps per second; for two assets each path-step
    // is two asset-steps).
    for (name, config) in modelCases() {
        Benchmark("pathgen/\(name)") { benchmark in measurePathGeneration(config, benchmark) }
    }

    // One dgemm of the shape the correlated innovations multiply with two assets (the 2×2
    // Cholesky factor by 2 × 16 steps·128 paths, the block of a 2,000-path run on two threads),
    // 10,000 times. Tagged with the OpenBLAS kernel this process loaded (`openblas_get_corename`;
    // the tag shows in the name, "… (openblas kernel: SkylakeX)"), which every benchmark here runs
    // with: Debian's OpenBLAS 0.3.21 takes some AVX-512 CPUs for SSE3 ones unless
    // OPENBLAS_CORETYPE is set (`make bench` sets it; `cascade` re-executes itself, the benchmarks
    // do not), and results under different kernels are different benchmarks.
    Benchmark("dgemm 2×2 by 2×2048",
              configuration: .init(metrics: [.wallClock, .cpuTotal], tags: ["openblas kernel": OpenBLASKernel.corename])) { benchmark in
        let factor = [1, 0, 0.8, 0.6]
        let normals = (0..<(2 * 2_048)).map { Double($0 % 97) / 97 - 0.5 }
        benchmark.startMeasurement()
        for _ in 0..<10_000 { blackHole(DenseLinearAlgebra.multiply(factor, normals, m: 2, k: 2, n: 2_048)) }
        benchmark.stopMeasurement()
    }

    // OpenBLAS's own dgemm peak on this machine, one thread: C = A·B for 2,000 × 2,000 matrices
    // (16 GFLOP an iteration), tagged with the kernel; `gflops` is the rate.
    Benchmark("dgemm 2000² (OpenBLAS peak)",
              configuration: .init(metrics: [.wallClock, CascadeMetrics.gigaflops], tags: ["openblas kernel": OpenBLASKernel.corename],
                                   maxDuration: .seconds(20), maxIterations: 5)) { benchmark in
        let n = 2_000
        let a = (0..<(n * n)).map { Double($0 % 89) / 89 - 0.5 }, b = (0..<(n * n)).map { Double($0 % 83) / 83 - 0.5 }
        let start = ContinuousClock.now
        benchmark.startMeasurement()
        blackHole(DenseLinearAlgebra.multiply(a, b, m: n, k: n, n: n))
        benchmark.stopMeasurement()
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        benchmark.measurement(CascadeMetrics.gigaflops, Int(2 * Double(n * n * n) / seconds / 1e9))
    }

    // The cross-margin dense check as the engine runs it: the headroom and slope of 100,000
    // accounts over 5 assets for a block of 16 paths (two dgemm, 100,000 × 10 by 10 × 16 and
    // 100,000 × 5 by 5 × 16), 20 times an iteration; `gflops` against the peak above.
    Benchmark("cross-margin dense check, 100k accounts × 16 paths",
              configuration: .init(metrics: [.wallClock, CascadeMetrics.gigaflops], tags: ["openblas kernel": OpenBLASKernel.corename],
                                   maxDuration: .seconds(20), maxIterations: 10)) { benchmark in
        let loaded = try ScenarioLoader.load(path: scenario("Benchmarks/Scenarios/cross-margin.yaml"))
        let book = loaded.config.crossAccounts!
        let matrix = book.matrix
        let m = 16, k = book.assetCount
        let prices = (0..<(k * m)).map { book.initialPrices[$0 / m] * (1 + 0.001 * Double($0 % m)) }
        let funding = [Double](repeating: 0, count: k * m)
        var headroom = [Double](repeating: 0, count: book.count * m), slope = headroom
        let start = ContinuousClock.now
        benchmark.startMeasurement()
        for _ in 0..<20 { matrix.evaluatePathMajor(prices: prices, funding: funding, columns: m, headroom: &headroom, scale: &slope) }
        benchmark.stopMeasurement()
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        blackHole(headroom[0] + slope[0])
        benchmark.measurement(CascadeMetrics.gigaflops, Int(20 * matrix.flops(columns: m) / seconds / 1e9))
    }

    // The engine alone on isolated-1M (load and reports excluded): with 20,000 paths, one thread
    // and all threads (the parallel speed-up); with all 100,000 paths, the same paths as
    // `pathgen` (the like-for-like ratio of the engine to path generation).
    let all = SimulationEngine.defaultThreads
    for (label, paths, threads) in [("20,000", 20_000, 1), ("20,000", 20_000, all), ("100,000", 100_000, all)] {
        let name = "engine isolated-1M, \(label) paths, \(threads) thread\(threads == 1 ? "" : "s")"
        Benchmark(name) { benchmark in
            let config = try ScenarioLoader.load(path: scenario("Benchmarks/Scenarios/isolated-1M.yaml"),
                                                 overrides: ScenarioOverrides(paths: paths)).config
            measureEngine(config, benchmark) { $0.run(threads: threads) }
        }
    }
}
