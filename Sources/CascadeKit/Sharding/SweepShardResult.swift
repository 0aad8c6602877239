import Foundation

/// The header of a sweep shard: which sweep, and which of its grid points.
public struct SweepShardHeader: Codable, Sendable, Equatable {
    /// One varied key and its values, as `--vary` gave them.
    public struct Axis: Codable, Sendable, Equatable {
        public var key: String
        public var values: [String]
        public init(key: String, values: [String]) {
            self.key = key
            self.values = values
        }
    }

    /// "cascade-sweep-shard/1".
    public var format: String
    public var version: String
    /// The scenario file's absolute path, and SHA-256 of its bytes as read.
    public var scenarioPath: String
    public var scenarioSHA256: String
    public var axes: [Axis]
    /// `--paths` and `--seed` as given (nil: the scenario's own, or the axis's).
    public var pathsOption: Int?
    public var seedOption: UInt64?
    /// The grid's points in all, and this shard's index, count and points.
    public var points: Int
    public var shard: Int
    public var shards: Int
    public var firstPoint: Int
    public var pointCount: Int

    public static let format = "cascade-sweep-shard/1"

    public init(version: String, scenarioPath: String, scenarioSHA256: String, axes: [Axis], pathsOption: Int?, seedOption: UInt64?,
                points: Int, shard: Int, shards: Int, firstPoint: Int, pointCount: Int) {
        self.format = Self.format
        self.version = version
        self.scenarioPath = scenarioPath
        self.scenarioSHA256 = scenarioSHA256
        self.axes = axes
        self.pathsOption = pathsOption
        self.seedOption = seedOption
        self.points = points
        self.shard = shard
        self.shards = shards
        self.firstPoint = firstPoint
        self.pointCount = pointCount
    }
}

extension SweepShardHeader: ShardDescribing {
    public var firstItem: Int { firstPoint }
    public var itemCount: Int { pointCount }
    public var totalItems: Int { points }
    public var identity: [(what: String, value: String, shown: String)] {
        let grid = axes.map { "\($0.key)=\($0.values.joined(separator: ","))" }.joined(separator: " ")
        let options = "--paths \(pathsOption.map(String.init) ?? "–") --seed \(seedOption.map(String.init) ?? "–")"
        return [("cascade version", version, version),
                ("scenario", scenarioPath + "\n" + scenarioSHA256, "\(scenarioPath) (\(scenarioSHA256.prefix(12)))"),
                ("grid", grid, ErrorText.clipped(grid, limit: 80)),
                ("options", options, options),
                ("shard count", String(shards), String(shards))]
    }
    public static var itemName: String { "grid points" }
    public static var writer: String { "cascade sweep --shard" }
}

/// One grid point of a sweep shard: the paths, seed and confidence level it ran with, and its
/// metrics (in the order of ``Sweep/metrics``).
public struct SweepShardPoint: Sendable, Equatable {
    public var paths: Int
    public var seed: UInt64
    public var confidence: Double
    public var values: [SweepValue]

    public init(paths: Int, seed: UInt64, confidence: Double, values: [SweepValue]) {
        self.paths = paths
        self.seed = seed
        self.confidence = confidence
        self.values = values
    }
}

/// A sweep shard's results as one file: `CASCADE-SHARD\n`, the header's length and its JSON
/// (keys sorted), then per grid point its paths, seed, confidence and each metric's estimate and
/// interval, every number by its bits (little-endian) — a merged sweep is byte for byte the
/// unsplit one, and a retried shard writes the same bytes.
public enum SweepShardResult {
    public static func encode(_ points: [SweepShardPoint], header: SweepShardHeader) -> [UInt8] {
        var w = BinaryWriter()
        ShardResult.writeHeader(header, into: &w)
        for point in points {
            w.int(point.paths)
            w.int64(Int64(bitPattern: point.seed))
            w.double(point.confidence)
            w.doubles(point.values.flatMap { [$0.estimate, $0.lower, $0.upper] })
        }
        return w.bytes
    }

    /// The header of a sweep shard's bytes, and where its points start.
    public static func header(_ bytes: [UInt8], file: String) throws(ShardError) -> (header: SweepShardHeader, body: Int) {
        try ShardResult.header(SweepShardHeader.self, format: SweepShardHeader.format, bytes, file: file)
    }

    /// The grid points a sweep shard's file holds.
    public static func decode(_ bytes: [UInt8], file: String) throws(ShardError) -> [SweepShardPoint] {
        let (header, body) = try self.header(bytes, file: file)
        var r = BinaryReader(bytes, offset: body)
        do {
            var points: [SweepShardPoint] = []
            for _ in 0..<header.pointCount {
                let paths = try r.int(), seed = UInt64(bitPattern: try r.int64()), confidence = try r.double()
                let numbers = try r.doubles()
                guard numbers.count == 3 * Sweep.metrics.count else { throw BinaryReader.Truncated() }
                let values = stride(from: 0, to: numbers.count, by: 3).map {
                    SweepValue(estimate: numbers[$0], lower: numbers[$0 + 1], upper: numbers[$0 + 2])
                }
                points.append(SweepShardPoint(paths: paths, seed: seed, confidence: confidence, values: values))
            }
            guard r.isAtEnd else { throw BinaryReader.Truncated() }
            return points
        } catch {
            throw ShardError("\(file): the shard's results are cut short or do not match this version; expected a complete shard result (rerun the shard)")
        }
    }
}
