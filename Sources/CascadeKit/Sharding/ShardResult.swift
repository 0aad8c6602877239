import Foundation

/// The header of a shard result: what ran, and which paths.
public struct ShardHeader: Codable, Sendable, Equatable {
    /// "cascade-shard/1".
    public var format: String
    /// The version of cascade that wrote it.
    public var version: String
    /// The scenario file's absolute path, and SHA-256 of its bytes as read.
    public var scenarioPath: String
    public var scenarioSHA256: String
    public var seed: UInt64
    /// The run's paths in all, and this shard's index, count and paths.
    public var paths: Int
    public var shard: Int
    public var shards: Int
    public var firstPath: Int
    public var pathCount: Int
    /// Whether the twin ran (its results follow the main run's), and whether the time series
    /// are exact (every path's values) rather than sketched.
    public var twin: Bool
    public var exactTimeSeries: Bool

    public static let format = "cascade-shard/1"

    public init(format: String = ShardHeader.format, version: String, scenarioPath: String, scenarioSHA256: String, seed: UInt64,
                paths: Int, shard: Int, shards: Int, firstPath: Int, pathCount: Int, twin: Bool, exactTimeSeries: Bool) {
        self.format = format
        self.version = version
        self.scenarioPath = scenarioPath
        self.scenarioSHA256 = scenarioSHA256
        self.seed = seed
        self.paths = paths
        self.shard = shard
        self.shards = shards
        self.firstPath = firstPath
        self.pathCount = pathCount
        self.twin = twin
        self.exactTimeSeries = exactTimeSeries
    }
}

extension ShardHeader: ShardDescribing {
    public var firstItem: Int { firstPath }
    public var itemCount: Int { pathCount }
    public var totalItems: Int { paths }
    public var identity: [(what: String, value: String, shown: String)] {
        [("cascade version", version, version),
         ("scenario", scenarioPath + "\n" + scenarioSHA256, "\(scenarioPath) (\(scenarioSHA256.prefix(12)))"),
         ("seed", String(seed), String(seed)),
         ("paths", String(paths), String(paths)),
         ("shard count", String(shards), String(shards)),
         ("options (twin, exact time series)", "\(twin), \(exactTimeSeries)", "\(twin), \(exactTimeSeries)")]
    }
    public static var itemName: String { "paths" }
    public static var writer: String { "cascade run --shard" }
}

/// Why a shard result could not be read or merged: one line each, naming the files.
public struct ShardError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A shard's results as one file: `CASCADE-SHARD\n`, the header's length and its JSON (keys
/// sorted), then the main run's results and the twin's, each: the per-path values by column,
/// the time-series sketch's counts, the exact series (if kept), the cascade events and the
/// liquidation map's cents. Every number is written by its bits (little-endian): a shard read
/// back is the run that wrote it, and a retried shard writes the same bytes.
public enum ShardResult {
    public static let magic = Array("CASCADE-SHARD\n".utf8)

    /// The file of `run`, a shard described by `header`.
    public static func encode(_ run: ScenarioRun, header: ShardHeader) -> [UInt8] {
        var w = BinaryWriter()
        writeHeader(header, into: &w)
        write(run.result, into: &w)
        if let twin = run.twin { write(twin, into: &w) }
        return w.bytes
    }

    /// The magic line, then the header's length and its JSON (keys sorted).
    static func writeHeader<Header: Encodable>(_ header: Header, into w: inout BinaryWriter) {
        w.raw(magic)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = Array((try? encoder.encode(header)) ?? Data())
        w.int(json.count)
        w.raw(json)
    }

    static func write(_ result: SimulationResult, into w: inout BinaryWriter) {
        w.int(result.paths.columns.count)
        w.doubles(result.paths.values)
        let ts = result.timeSeries
        for histogram in ts.traded.joined() { write(histogram, into: &w) }
        for histogram in ts.fundamental.joined() { write(histogram, into: &w) }
        for histogram in ts.notionalChanges { write(histogram, into: &w) }
        for histogram in ts.fundChanges { write(histogram, into: &w) }
        if let exact = result.exactTimeSeries {
            w.int(1)
            w.doubles(UnsafeBufferPointer(start: exact.storage, count: exact.columns * exact.rows * exact.paths))
        } else {
            w.int(0)
        }
        w.int(result.events.count)
        for e in result.events {
            w.int(e.path); w.int(e.asset); w.int(e.startStep); w.int(e.steps); w.int(e.rounds)
            w.double(e.liquidatedNotional); w.double(e.overshoot); w.int(e.direction)
        }
        if let map = result.liquidationMap {
            w.int(map.cents.count)
            for c in map.cents { w.int128(c) }
        } else {
            w.int(-1)
        }
    }

    static func write(_ h: LogHistogram, into w: inout BinaryWriter) {
        w.int32(h.lowestBucket)
        w.int64(h.zeroCount)
        w.int32s(h.counts)
    }

    /// The header's JSON of a shard file's bytes, and where its results start.
    static func headerJSON(_ bytes: [UInt8], file: String) throws(ShardError) -> (json: Data, body: Int) {
        guard bytes.starts(with: magic) else { throw ShardError("\(file): not a cascade shard result (it does not start with CASCADE-SHARD)") }
        var r = BinaryReader(bytes, offset: magic.count)
        guard let n = try? r.count(width: 1) else {
            throw ShardError("\(file): the shard's header cannot be read; expected a complete shard result (rerun the shard)")
        }
        return (Data(bytes[r.offset..<(r.offset + n)]), r.offset + n)
    }

    /// The format a shard file names in its header: ``ShardHeader/format`` (a run's shard),
    /// ``SweepShardHeader/format`` (a sweep's), or another (a version's this one cannot read).
    public static func format(_ bytes: [UInt8], file: String) throws(ShardError) -> String {
        struct Format: Decodable { var format: String }
        let (json, _) = try headerJSON(bytes, file: file)
        guard let format = try? JSONDecoder().decode(Format.self, from: json) else {
            throw ShardError("\(file): the shard's header cannot be read; expected a complete shard result (rerun the shard)")
        }
        return format.format
    }

    /// The header of a run's shard file, and where its results start.
    public static func header(_ bytes: [UInt8], file: String) throws(ShardError) -> (header: ShardHeader, body: Int) {
        try header(ShardHeader.self, format: ShardHeader.format, bytes, file: file)
    }

    /// The header of type `type` (written as format `format`) of a shard file, and where its
    /// results start.
    static func header<Header: Decodable>(_ type: Header.Type, format: String, _ bytes: [UInt8], file: String) throws(ShardError)
        -> (header: Header, body: Int) {
        let found = try self.format(bytes, file: file)
        guard found == format else {
            throw ShardError("\(file): format \(found) is not \(format); expected a shard written by this version of cascade")
        }
        let (json, body) = try headerJSON(bytes, file: file)
        guard let header = try? JSONDecoder().decode(Header.self, from: json) else {
            throw ShardError("\(file): the shard's header cannot be read; expected a complete shard result (rerun the shard)")
        }
        return (header, body)
    }

    /// The run a shard file holds, for `loaded` (the scenario it ran, loaded with the same paths
    /// and seed).
    public static func decode(_ bytes: [UInt8], file: String, loaded: LoadedScenario) throws(ShardError) -> ScenarioRun {
        let (header, body) = try self.header(bytes, file: file)
        var r = BinaryReader(bytes, offset: body)
        do {
            let range = header.firstPath..<(header.firstPath + header.pathCount)
            let result = try read(config: loaded.config, range: range, from: &r)
            let twin = header.twin ? try read(config: CascadeAnatomy.twin(of: loaded.config), range: range, from: &r) : nil
            guard r.isAtEnd else { throw BinaryReader.Truncated() }
            return ScenarioRun(loaded: loaded, result: result, twin: twin)
        } catch {
            throw ShardError("\(file): the shard's results are cut short or do not match its scenario; expected a complete shard result (rerun the shard)")
        }
    }

    static func read(config: SimulationConfig, range: Range<Int>, from r: inout BinaryReader) throws -> SimulationResult {
        var paths = PathResults(uninitializedPaths: range.count, symbols: config.symbols, separateFunds: config.separateFunds,
                                accounts: config.hasAccounts, mechanisms: config.measuresMechanisms)
        guard try r.int() == paths.columns.count else { throw BinaryReader.Truncated() }
        let values = try r.doubles()
        guard values.count == paths.values.count else { throw BinaryReader.Truncated() }
        paths.values = values
        var ts = TimeSeriesRecorder(layout: config.timeSeries, assets: config.assets.count)
        for a in 0..<ts.assets { for row in 0..<ts.layout.rows { ts.traded[a][row] = try histogram(&r) } }
        for a in 0..<ts.assets { for row in 0..<ts.layout.rows { ts.fundamental[a][row] = try histogram(&r) } }
        for row in 0..<ts.layout.rows { ts.notionalChanges[row] = try histogram(&r) }
        for row in 0..<ts.layout.rows { ts.fundChanges[row] = try histogram(&r) }
        var result = SimulationResult(config: config, paths: paths, timeSeries: ts)
        result.firstPath = range.lowerBound
        if try r.int() == 1 {
            let exact = ExactTimeSeries(columns: TimeSeriesColumn.layout(assets: config.assets.count).count,
                                        rows: config.timeSeries.rows, paths: range.count, firstPath: range.lowerBound)
            let stored = try r.doubles()
            guard stored.count == exact.columns * exact.rows * exact.paths else { throw BinaryReader.Truncated() }
            stored.withUnsafeBufferPointer { exact.storage.update(from: $0.baseAddress!, count: stored.count) }
            result.exactTimeSeries = exact
        }
        let events = try r.count(width: 64)
        result.events.reserveCapacity(events)
        for _ in 0..<events {
            result.events.append(CascadeEvent(path: try r.int(), asset: try r.int(), startStep: try r.int(), steps: try r.int(),
                                              rounds: try r.int(), liquidatedNotional: try r.double(), overshoot: try r.double(),
                                              direction: try r.int()))
        }
        let cents = try r.int()
        if cents >= 0 {
            guard let layout = config.liquidationMap else { throw BinaryReader.Truncated() }
            var map = LiquidationMap(layout: layout, assets: config.assets)
            guard cents == map.cents.count else { throw BinaryReader.Truncated() }
            var values = [Int128](repeating: 0, count: cents)
            for i in 0..<cents { values[i] = try r.int128() }
            map.add(cents: values)
            result.liquidationMap = map
        }
        return result
    }

    static func histogram(_ r: inout BinaryReader) throws -> LogHistogram {
        let lowest = try r.int32(), zero = try r.int64(), counts = try r.int32s()
        return LogHistogram(lowestBucket: lowest, counts: counts, zeroCount: zero)
    }
}
