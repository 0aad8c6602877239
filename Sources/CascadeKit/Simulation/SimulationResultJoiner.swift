/// Puts the results of consecutive ranges of paths of one configuration together, one part at a
/// time, so that a merge holds one part and the whole rather than every part: the per-path
/// values, the exact series and the events placed by path; the time-series sketch and the
/// liquidation map added (integer counts and cents, so the sum does not depend on the split).
/// Equal, value for value, to the run of all their paths at once (``SimulationResult/joining(_:)``
/// is this joiner over a list).
public struct SimulationResultJoiner {
    public let config: SimulationConfig
    /// The whole's first path and its number of paths.
    public let firstPath: Int
    public let total: Int
    private var paths: PathResults
    /// Paths placed so far.
    private var offset = 0
    private var parts = 0
    private var timeSeries: TimeSeriesRecorder
    private var exact: ExactTimeSeries?
    private var events: [CascadeEvent] = []
    private var map: LiquidationMap?
    private var dense: (flops: Double, seconds: Double)?

    public init(config: SimulationConfig, firstPath: Int, paths total: Int) {
        self.config = config
        self.firstPath = firstPath
        self.total = total
        paths = PathResults(uninitializedPaths: total, symbols: config.symbols, separateFunds: config.separateFunds,
                            accounts: config.hasAccounts, mechanisms: config.measuresMechanisms)
        timeSeries = TimeSeriesRecorder(layout: config.timeSeries, assets: config.assets.count)
    }

    /// Adds the next part: it must hold the paths that follow those added so far.
    public mutating func add(_ part: SimulationResult) {
        precondition(part.firstPath == firstPath + offset && offset + part.paths.paths <= total,
                     "the parts are not consecutive ranges of paths")
        precondition(part.paths.columns == paths.columns)
        let n = part.paths.paths, columns = paths.columns.count, total = self.total, offset = self.offset
        paths.values.withUnsafeMutableBufferPointer { whole in
            part.paths.values.withUnsafeBufferPointer { values in
                for c in 0..<columns {
                    (whole.baseAddress! + c * total + offset).update(from: values.baseAddress! + c * n, count: n)
                }
            }
        }
        if parts == 0 {
            timeSeries = part.timeSeries
            map = part.liquidationMap
            dense = part.denseCheck
            if let series = part.exactTimeSeries {
                exact = ExactTimeSeries(columns: series.columns, rows: series.rows, paths: total, firstPath: firstPath)
            }
        } else {
            timeSeries.merge(part.timeSeries)
            if map != nil { map!.merge(part.liquidationMap!) }
            if let d = dense { dense = (d.flops + (part.denseCheck?.flops ?? 0), d.seconds + (part.denseCheck?.seconds ?? 0)) }
        }
        precondition((exact == nil) == (part.exactTimeSeries == nil), "every part or none keeps its exact series")
        if let exact, let series = part.exactTimeSeries { exact.place(series, at: offset) }
        events += part.events
        self.offset += n
        parts += 1
    }

    /// The whole: every path added.
    public func result() -> SimulationResult {
        precondition(offset == total && parts > 0, "not every path was added")
        var result = SimulationResult(config: config, paths: paths, timeSeries: timeSeries)
        result.firstPath = firstPath
        result.exactTimeSeries = exact
        result.events = events.sorted { ($0.path, $0.asset, $0.startStep) < ($1.path, $1.asset, $1.startStep) }
        result.liquidationMap = map
        result.denseCheck = dense
        return result
    }
}
