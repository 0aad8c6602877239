/// One run of a loaded scenario as `cascade run` and `cascade sweep` do it: the simulation, then
/// (unless `report.twin: false`) its no-feedback twin on the same draws, whose results are
/// attached to the main run's paths (``CascadeAnatomy``).
public struct ScenarioRun: Sendable {
    public let loaded: LoadedScenario
    /// The main run, with the twin columns filled when the twin ran.
    public let result: SimulationResult
    /// The twin's own results, if it ran.
    public let twin: SimulationResult?

    public init(loaded: LoadedScenario, result: SimulationResult, twin: SimulationResult?) {
        self.loaded = loaded
        self.result = result
        self.twin = twin
    }

    /// Runs `loaded`.
    /// - Parameters:
    ///   - progress: called with (paths done, paths in all) from worker threads, the twin's paths
    ///     counting as work too.
    ///   - control: stops the run (and the twin); a stopped run's results are incomplete.
    ///   - paths: the paths to run (a shard; ``joining(_:)`` puts shards together); nil: all.
    public static func execute(_ loaded: LoadedScenario, paths: Range<Int>? = nil, threads: Int = SimulationEngine.defaultThreads,
                               chunkSize: Int? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil,
                               control: RunControl? = nil) -> ScenarioRun {
        let config = loaded.config
        let range = paths ?? 0..<config.paths
        let total = loaded.twin ? 2 * range.count : range.count
        var mainProgress: (@Sendable (Int) -> Void)? = nil
        var twinProgress: (@Sendable (Int) -> Void)? = nil
        if let progress {
            let offset = range.count
            mainProgress = { done in progress(done, total) }
            twinProgress = { done in progress(offset + done, total) }
        }
        // What each asset's cascades need precomputed (partial candidates, deleveraging index),
        // built once: shared by the workers, and by the twin, which differs only in its impact.
        let resolvers = CascadeResolver.resolvers(for: config)
        var result = SimulationEngine(config: config).run(paths: range, threads: threads, chunkSize: chunkSize, progress: mainProgress,
                                                          control: control, resolvers: resolvers)
        var twin: SimulationResult? = nil
        if loaded.twin && control?.isStopped != true {
            let twinConfig = CascadeAnatomy.twin(of: config)
            let twinResolvers = resolvers.enumerated().map { $1.with(impact: twinConfig.assets[$0].impact) }
            let twinResult = SimulationEngine(config: twinConfig)
                .run(paths: range, threads: threads, chunkSize: chunkSize, progress: twinProgress, control: control, resolvers: twinResolvers)
            CascadeAnatomy.attach(twin: twinResult, to: &result)
            twin = twinResult
        }
        return ScenarioRun(loaded: loaded, result: result, twin: twin)
    }

    /// Runs of consecutive ranges of paths of one loaded scenario (shards), in order, as the one
    /// run of all their paths: equal, value for value, to running them at once.
    public static func joining(_ parts: [ScenarioRun]) -> ScenarioRun {
        precondition(!parts.isEmpty)
        var joiner = Joiner(loaded: parts[0].loaded, firstPath: parts[0].result.firstPath,
                            paths: parts.reduce(0) { $0 + $1.result.paths.paths })
        for part in parts { joiner.add(part) }
        return joiner.run()
    }

    /// Puts runs of consecutive ranges of paths together one at a time (a merge then holds one
    /// shard and the whole, not every shard): ``SimulationResultJoiner`` for the run and its twin.
    public struct Joiner {
        public let loaded: LoadedScenario
        private var main: SimulationResultJoiner
        private var twin: SimulationResultJoiner?

        /// For `paths` paths from `firstPath` of `loaded` (with its twin if it has one).
        public init(loaded: LoadedScenario, firstPath: Int, paths: Int) {
            self.loaded = loaded
            main = SimulationResultJoiner(config: loaded.config, firstPath: firstPath, paths: paths)
            twin = loaded.twin ? SimulationResultJoiner(config: CascadeAnatomy.twin(of: loaded.config), firstPath: firstPath, paths: paths) : nil
        }

        /// Adds the next part: the paths that follow those added so far, its twin's if the
        /// scenario has one.
        public mutating func add(_ part: ScenarioRun) {
            precondition((part.twin != nil) == (twin != nil), "every part or none has its twin")
            main.add(part.result)
            if let partTwin = part.twin { twin!.add(partTwin) }
        }

        /// The whole run.
        public func run() -> ScenarioRun {
            ScenarioRun(loaded: loaded, result: main.result(), twin: twin?.result())
        }
    }
}
