import Foundation
import Synchronization

/// The result of a run: per-path results and the time-series sketch.
public struct SimulationResult: Sendable {
    public let config: SimulationConfig
    public var paths: PathResults
    public let timeSeries: TimeSeriesRecorder
    /// Every path's time-series values, when ``SimulationConfig/exactTimeSeries``.
    public var exactTimeSeries: ExactTimeSeries? = nil
    /// The cascade events, ordered by path, asset and start, when
    /// ``SimulationConfig/recordCascadeEvents``.
    public var events: [CascadeEvent] = []
    /// The liquidation map summed over paths, when ``SimulationConfig/liquidationMap`` is set.
    public var liquidationMap: LiquidationMap? = nil
    /// The global index of the first path of ``paths`` (a run of a range of paths, a shard,
    /// holds paths firstPath ..< firstPath + paths.paths).
    public var firstPath = 0
    /// With cross accounts, the dense checks' cost: floating-point operations and seconds spent in
    /// `dgemm`, summed over the workers (for `--timings` and the benchmarks).
    public var denseCheck: (flops: Double, seconds: Double)? = nil

    public init(config: SimulationConfig, paths: PathResults, timeSeries: TimeSeriesRecorder) {
        self.config = config
        self.paths = paths
        self.timeSeries = timeSeries
    }
}

extension SimulationResult {
    /// The results of consecutive ranges of paths of one configuration, in order, as one: the
    /// per-path values, the exact series and the events placed by path; the time-series sketch
    /// and the liquidation map added (integer counts and cents, so the sum does not depend on
    /// the split). Equal, value for value, to the run of all their paths at once.
    public static func joining(_ parts: [SimulationResult]) -> SimulationResult {
        precondition(!parts.isEmpty)
        var joiner = SimulationResultJoiner(config: parts[0].config, firstPath: parts[0].firstPath,
                                            paths: parts.reduce(0) { $0 + $1.paths.paths })
        for part in parts { joiner.add(part) }
        return joiner.result()
    }
}

/// Runs a ``SimulationConfig``: paths in chunks, chunks in parallel over worker threads.
///
/// Results are bit-identical for any thread count and chunk size: each path's variates come from
/// (seed, path, step) through Philox, each path's computation is the same sequence of operations
/// whichever chunk holds it, per-path results are stored by path index, and the time-series
/// sketch holds integer counts whose merge does not depend on grouping.
public struct SimulationEngine: Sendable {
    public let config: SimulationConfig

    public init(config: SimulationConfig) {
        self.config = config
    }

    /// The number of worker threads used by default: the active processor count.
    public static var defaultThreads: Int { ProcessInfo.processInfo.activeProcessorCount }

    /// The default paths per chunk for `paths` paths on `threads` threads: about eight chunks per
    /// thread, so that threads stay busy when paths differ in cost (some cascade, some do not),
    /// in multiples of 4 (the SIMD width) between 16 and 1,024. Results do not depend on it.
    public static func automaticChunkSize(paths: Int, threads: Int) -> Int {
        let target = (paths + 8 * max(1, threads) - 1) / (8 * max(1, threads))
        return min(1_024, max(16, (target + 3) / 4 * 4))
    }

    /// The chunks (ranges of paths) of a run, in the order threads take them: `chunkSize` paths
    /// each; with `splitTail`, the last `threads` chunks' worth of paths comes in chunks a
    /// quarter of that size (at least 16 paths, in multiples of 4), so that the threads finish
    /// within about a quarter of a chunk of each other rather than a whole one. Results do not
    /// depend on it.
    public static func chunks(paths: Int, chunkSize: Int, threads: Int, splitTail: Bool) -> [Range<Int>] {
        var chunks: [Range<Int>] = []
        let small = max(16, (chunkSize / 4 + 3) / 4 * 4)
        let tailStart = splitTail && threads > 1 && small < chunkSize ? max(0, paths - threads * chunkSize) : paths
        var lower = 0
        while lower < paths {
            let size = lower < tailStart ? chunkSize : small
            let upper = min(lower + size, lower < tailStart ? tailStart : paths, paths)
            chunks.append(lower..<upper)
            lower = upper
        }
        return chunks
    }

    /// Runs all paths.
    /// - Parameters:
    ///   - threads: worker threads (≥ 1).
    ///   - chunkSize: paths per chunk, the unit of work a thread takes at a time (≥ 1); nil:
    ///     ``automaticChunkSize(paths:threads:)``, with the last chunks split (see
    ///     ``chunks(paths:chunkSize:threads:splitTail:)``).
    ///   - progress: called after each chunk with the number of paths done so far (from worker
    ///     threads, so it must be thread-safe).
    ///   - control: stops the run when cancelled or when the time series and cascade events grow
    ///     past its limit; the result of a stopped run is incomplete (check `control.reason`).
    public func run(threads: Int = SimulationEngine.defaultThreads, chunkSize: Int? = nil,
                    progress: (@Sendable (Int) -> Void)? = nil, control: RunControl? = nil) -> SimulationResult {
        run(paths: 0..<config.paths, threads: threads, chunkSize: chunkSize, progress: progress, control: control,
            resolvers: CascadeResolver.resolvers(for: config))
    }

    /// Runs the paths `range` only (a shard), each exactly as the whole run would: a path's
    /// variates depend on its global index, not on which paths run with it. The result holds
    /// those paths (``SimulationResult/firstPath``); ``SimulationResult/joining(_:)`` puts
    /// consecutive ranges together into the whole run's result.
    public func run(paths range: Range<Int>, threads: Int = SimulationEngine.defaultThreads, chunkSize: Int? = nil,
                    progress: (@Sendable (Int) -> Void)? = nil, control: RunControl? = nil) -> SimulationResult {
        run(paths: range, threads: threads, chunkSize: chunkSize, progress: progress, control: control,
            resolvers: CascadeResolver.resolvers(for: config))
    }

    /// ``run(paths:threads:chunkSize:progress:control:)`` with each asset's resolver given (built
    /// for this configuration, or one whose precomputed tables do, ``CascadeResolver/with(impact:)``).
    func run(paths range: Range<Int>, threads: Int, chunkSize: Int?, progress: (@Sendable (Int) -> Void)?, control: RunControl?,
             resolvers: [CascadeResolver]) -> SimulationResult {
        precondition(range.lowerBound >= 0 && range.upperBound <= config.paths, "paths \(range) are not within 0..<\(config.paths)")
        if range.isEmpty {
            // A shard with no paths (more shards than paths): nothing recorded, nothing counted.
            var empty = SimulationResult(config: config,
                                         paths: PathResults(paths: 0, symbols: config.symbols, separateFunds: config.separateFunds,
                                                            accounts: config.hasAccounts, mechanisms: config.measuresMechanisms),
                                         timeSeries: TimeSeriesRecorder(layout: config.timeSeries, assets: config.assets.count))
            empty.firstPath = range.lowerBound
            if config.exactTimeSeries {
                empty.exactTimeSeries = ExactTimeSeries(columns: TimeSeriesColumn.layout(assets: config.assets.count).count,
                                                        rows: config.timeSeries.rows, paths: 0, firstPath: range.lowerBound)
            }
            let assets = config.assets
            empty.liquidationMap = config.liquidationMap.map { LiquidationMap(layout: $0, assets: assets) }
            return empty
        }
        let automatic = chunkSize == nil
        let chunkSize = chunkSize ?? Self.automaticChunkSize(paths: range.count, threads: threads)
        precondition(threads >= 1 && chunkSize >= 1)
        let totalPaths = range.count
        let chunks = Self.chunks(paths: totalPaths, chunkSize: chunkSize, threads: threads, splitTail: automatic)
            .map { ($0.lowerBound + range.lowerBound)..<($0.upperBound + range.lowerBound) }
        let chunkCount = chunks.count
        let workers = max(1, min(threads, chunkCount))
        var results = PathResults(uninitializedPaths: totalPaths, symbols: config.symbols, separateFunds: config.separateFunds,
                                 accounts: config.hasAccounts, mechanisms: config.measuresMechanisms)
        let layout = results.layout
        let recorders = WorkerSlots<TimeSeriesRecorder>(count: workers)
        let eventSlots = WorkerSlots<[CascadeEvent]>(count: workers)
        let mapSlots = WorkerSlots<LiquidationMap?>(count: workers)
        let denseSlots = WorkerSlots<(flops: Double, seconds: Double)>(count: workers)
        // Shared, read-only bucket sums; each worker's copy gets its own counts on first write.
        let assetConfigs = self.config.assets
        let mapPrototype = self.config.liquidationMap.map { LiquidationMap(layout: $0, assets: assetConfigs) }
        let exact = self.config.exactTimeSeries
            ? ExactTimeSeries(columns: TimeSeriesColumn.layout(assets: assetConfigs.count).count,
                              rows: self.config.timeSeries.rows, paths: totalPaths, firstPath: range.lowerBound)
            : nil
        let nextChunk = Atomic<Int>(0)
        let pathsDone = Atomic<Int>(0)
        let config = self.config
        results.values.withUnsafeMutableBufferPointer { buffer in
            let writer = PathResultsWriter(base: buffer.baseAddress!, layout: layout, firstPath: range.lowerBound)
            let work: @Sendable (Int) -> Void = { worker in
                var simulator = PathBlockSimulator<NoCascadeObserver>(config: config, capacity: min(chunkSize, totalPaths),
                                                                       map: mapPrototype, exact: exact, resolvers: resolvers)
                var recorder = TimeSeriesRecorder(layout: config.timeSeries, assets: config.assets.count)
                var observer = NoCascadeObserver()
                while true {
                    if let control, control.isStopped { break }
                    let chunk = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
                    if chunk >= chunkCount { break }
                    let paths = chunks[chunk]
                    writer.clear(paths: paths)
                    simulator.simulate(paths: paths, into: writer, recorder: &recorder, observer: &observer, control: control)
                    let done = pathsDone.wrappingAdd(paths.count, ordering: .relaxed).newValue
                    progress?(done)
                }
                recorders[worker] = recorder
                eventSlots[worker] = simulator.events
                mapSlots[worker] = simulator.map
                denseSlots[worker] = (simulator.cross?.denseFlops ?? 0, simulator.cross?.denseSeconds ?? 0)
            }
            if workers == 1 {
                work(0)
            } else {
                DispatchQueue.concurrentPerform(iterations: workers, execute: work)
            }
        }
        // Taken out of its slot, worker 0's recorder is the only owner of its rows: the others
        // are added to them in place, rows split among the threads.
        var merged = recorders[0]!
        recorders[0] = nil
        merged.merge((1..<workers).map { recorders[$0]! }, threads: threads)
        var result = SimulationResult(config: config, paths: results, timeSeries: merged)
        result.firstPath = range.lowerBound
        result.exactTimeSeries = exact
        if config.recordCascadeEvents {
            // Per path the events are found in order; across workers, order by path.
            result.events = (0..<workers).flatMap { eventSlots[$0]! }.sorted {
                ($0.path, $0.asset, $0.startStep) < ($1.path, $1.asset, $1.startStep)
            }
        }
        if var map = mapSlots[0]! {
            for w in 1..<workers { map.merge(mapSlots[w]!!) }
            result.liquidationMap = map
        }
        if config.hasAccounts {
            result.denseCheck = (0..<workers).reduce((flops: 0.0, seconds: 0.0)) {
                ($0.flops + denseSlots[$1]!.flops, $0.seconds + denseSlots[$1]!.seconds)
            }
        }
        return result
    }

    /// Simulates the single path `path` exactly as ``run(threads:chunkSize:progress:)`` would, and
    /// reports its details to `observer`.
    public func trace<Observer: CascadeObserver>(path: Int, observer: inout Observer) -> SimulationResult {
        var single = config
        single.paths = path + 1
        var results = PathResults(paths: path + 1, symbols: config.symbols, separateFunds: config.separateFunds,
                                 accounts: config.hasAccounts, mechanisms: config.measuresMechanisms)
        let layout = results.layout
        var recorder = TimeSeriesRecorder(layout: config.timeSeries, assets: config.assets.count)
        var events: [CascadeEvent] = []
        var map: LiquidationMap? = nil
        results.values.withUnsafeMutableBufferPointer { buffer in
            let writer = PathResultsWriter(base: buffer.baseAddress!, layout: layout)
            var simulator = PathBlockSimulator<Observer>(
                config: single, capacity: 1, map: config.liquidationMap.map { LiquidationMap(layout: $0, assets: config.assets) })
            simulator.simulate(paths: path..<(path + 1), into: writer, recorder: &recorder, observer: &observer)
            events = simulator.events
            map = simulator.map
        }
        var result = SimulationResult(config: single, paths: results, timeSeries: recorder)
        result.events = events
        result.liquidationMap = map
        return result
    }
}

/// One slot per worker thread, each written by its own worker only.
final class WorkerSlots<Value>: @unchecked Sendable {
    private var slots: [Value?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    subscript(index: Int) -> Value? {
        get { slots[index] }
        set { slots[index] = newValue }
    }
}

extension SimulationEngine {
    /// Generates the fundamental price paths alone — no positions, no impact, no reports — and
    /// returns each path's final fundamental price of the first asset. The same generators and
    /// parallel layout as ``run(threads:chunkSize:progress:)``: the floor the engine's cost is
    /// measured against.
    public func generateFundamentalPaths(threads: Int = SimulationEngine.defaultThreads, chunkSize: Int = 1024) -> [Double] {
        let config = self.config
        let totalPaths = config.paths
        let chunks = Self.chunks(paths: totalPaths, chunkSize: chunkSize, threads: threads, splitTail: true)
        let chunkCount = chunks.count
        let workers = max(1, min(threads, chunkCount))
        var finals = [Double](repeating: 0, count: totalPaths)
        let nextChunk = Atomic<Int>(0)
        finals.withUnsafeMutableBufferPointer { buffer in
            let out = SendablePointer(base: buffer.baseAddress!)
            let work: @Sendable (Int) -> Void = { _ in
                let capacity = min(chunkSize, totalPaths)
                let assets = config.assets.count
                var gbm: BlockPathGenerator? = nil
                var generators: [AssetPathGenerator] = []
                var innovations: CorrelatedInnovations? = nil
                if assets == 1, case let .gbm(model) = config.assets[0].model, config.assets[0].schedule == nil {
                    gbm = BlockPathGenerator(model: model, stepYears: config.stepYears, seed: config.seed, capacity: capacity)
                } else {
                    generators = config.assets.enumerated().map { a, asset in
                        AssetPathGenerator(model: asset.model, schedule: asset.schedule ?? StressSchedule(shocks: [], steps: config.steps),
                                           stepYears: config.stepYears, seed: config.seed, asset: a, capacity: capacity)
                    }
                    innovations = CorrelatedInnovations(assets: assets, capacity: capacity,
                                                        cholesky: config.correlationFactor, seed: config.seed)
                }
                let logF = (0..<assets).map { _ in LaneBuffer<Double>(lanes: capacity, value: 0) }
                let increment = LaneBuffer<Double>(lanes: capacity, value: 0)
                while true {
                    let chunk = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
                    if chunk >= chunkCount { break }
                    let paths = chunks[chunk]
                    let vectors = (paths.count + 3) >> 2
                    gbm?.start(paths: paths)
                    for g in generators.indices { generators[g].start(paths: paths) }
                    innovations?.start(paths: paths)
                    for a in 0..<assets { logF[a].fill(Foundation.log(config.assets[a].initialPrice)) }
                    for step in 0..<config.steps {
                        if gbm != nil {
                            gbm!.advance(step: step, logF: logF[0])
                        } else {
                            for a in 0..<assets {
                                generators[a].increments(step: step, normals: innovations!.normals(asset: a, step: step), into: increment)
                                for k in 0..<vectors { logF[a].setVector(k, logF[a].vector(k) + increment.vector(k)) }
                            }
                        }
                    }
                    for b in 0..<paths.count { out.base[paths.lowerBound + b] = Foundation.exp(logF[0][b]) }
                }
            }
            if workers == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: workers, execute: work) }
        }
        return finals
    }
}

/// A pointer shared by workers that write disjoint elements.
struct SendablePointer<Element>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Element>
}
