import Foundation

/// `manifest.json`: what made a report set and what is in it — written last into the set by
/// ``ReportDirectory/Staging/commit(_:manifest:writer:)``, which fills in ``files`` and
/// ``finished``. Its presence also marks a folder as a cascade report, which a later run may
/// replace without `--force`.
public struct ReportManifest: Sendable, Equatable {
    /// One file of the set.
    public struct File: Sendable, Equatable {
        public var name: String
        /// Size in bytes.
        public var bytes: Int
        /// SHA-256 of the file's bytes, 64 lowercase hex digits (as `sha256sum` prints it).
        public var sha256: String
        public init(name: String, bytes: Int, sha256: String) {
            self.name = name
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    /// One key of a sweep's grid and its values, as given to `--vary`.
    public struct Axis: Sendable, Equatable {
        public var key: String
        public var values: [String]
        public init(key: String, values: [String]) {
            self.key = key
            self.values = values
        }
    }

    /// One policy of a comparison: its name and its assignments, `KEY=VALUE` each, as given to
    /// `--policy`.
    public struct Policy: Sendable, Equatable {
        public var name: String
        public var assignments: [String]
        public init(name: String, assignments: [String]) {
            self.name = name
            self.assignments = assignments
        }
    }

    /// The value of the `format` field, naming this layout.
    public static let format = "cascade-report-manifest/1"
    /// The file's name inside a report folder.
    public static let fileName = "manifest.json"

    /// `run`, `sweep` or `compare`.
    public var kind: String
    /// The version of cascade that wrote the set.
    public var version: String?
    /// The command line, program name first.
    public var command: [String]
    /// The scenario file's absolute path.
    public var scenarioPath: String?
    /// SHA-256 of the scenario file's bytes as read.
    public var scenarioSHA256: String?
    /// The random seed (a sweep's, when every point shares it).
    public var seed: UInt64?
    /// Monte Carlo paths (a run's; a sweep gives ``grid``).
    public var paths: Int?
    /// A sweep's grid.
    public var grid: [Axis]?
    /// A comparison's policies, the baseline first.
    public var policies: [Policy]?
    /// When the command started and when the set was complete.
    public var started: Date?
    public var finished: Date?
    /// Every file of the set but the manifest itself, in the order written.
    public var files: [File]

    public init(kind: String = "run", version: String? = nil, command: [String] = [], scenarioPath: String? = nil,
                scenarioSHA256: String? = nil, seed: UInt64? = nil, paths: Int? = nil, grid: [Axis]? = nil,
                policies: [Policy]? = nil, started: Date? = nil, finished: Date? = nil, files: [File] = []) {
        self.kind = kind
        self.version = version
        self.command = command
        self.scenarioPath = scenarioPath
        self.scenarioSHA256 = scenarioSHA256
        self.seed = seed
        self.paths = paths
        self.grid = grid
        self.policies = policies
        self.started = started
        self.finished = finished
        self.files = files
    }

    /// A time as ISO 8601 in UTC with milliseconds: `2025-10-10T21:15:00.250Z`.
    public static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// The manifest as JSON, keys in a fixed order, absent fields left out.
    public var json: String {
        var fields: [(String, String)] = [("format", Self.quote(Self.format)), ("kind", Self.quote(kind))]
        if let version { fields.append(("cascadeVersion", Self.quote(version))) }
        fields.append(("command", "[" + command.map(Self.quote).joined(separator: ", ") + "]"))
        if scenarioPath != nil || scenarioSHA256 != nil {
            var scenario: [String] = []
            if let scenarioPath { scenario.append("\"path\": " + Self.quote(scenarioPath)) }
            if let scenarioSHA256 { scenario.append("\"sha256\": " + Self.quote(scenarioSHA256)) }
            fields.append(("scenario", "{" + scenario.joined(separator: ", ") + "}"))
        }
        if let seed { fields.append(("seed", String(seed))) }
        if let paths { fields.append(("paths", String(paths))) }
        if let grid {
            let axes = grid.map { "    {\"key\": \(Self.quote($0.key)), \"values\": [\($0.values.map(Self.quote).joined(separator: ", "))]}" }
            fields.append(("grid", axes.isEmpty ? "[]" : "[\n" + axes.joined(separator: ",\n") + "\n  ]"))
        }
        if let policies {
            let list = policies.map {
                "    {\"name\": \(Self.quote($0.name)), \"assignments\": [\($0.assignments.map(Self.quote).joined(separator: ", "))]}"
            }
            fields.append(("policies", list.isEmpty ? "[]" : "[\n" + list.joined(separator: ",\n") + "\n  ]"))
        }
        if let started { fields.append(("started", Self.quote(Self.timestamp(started)))) }
        if let finished { fields.append(("finished", Self.quote(Self.timestamp(finished)))) }
        let list = files.map { "    {\"name\": \(Self.quote($0.name)), \"bytes\": \($0.bytes), \"sha256\": \(Self.quote($0.sha256))}" }
        fields.append(("files", list.isEmpty ? "[]" : "[\n" + list.joined(separator: ",\n") + "\n  ]"))
        return "{\n" + fields.map { "  \(Self.quote($0.0)): \($0.1)" }.joined(separator: ",\n") + "\n}\n"
    }

    /// Reads a manifest; nil unless `data` is a JSON object whose `format` is this one's.
    public init?(json data: Data) {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              object["format"] as? String == Self.format else { return nil }
        self.init(kind: object["kind"] as? String ?? "run", version: object["cascadeVersion"] as? String,
                  command: object["command"] as? [String] ?? [])
        if let scenario = object["scenario"] as? [String: Any] {
            scenarioPath = scenario["path"] as? String
            scenarioSHA256 = scenario["sha256"] as? String
        }
        seed = (object["seed"] as? NSNumber).map { $0.uint64Value }
        paths = object["paths"] as? Int
        grid = (object["grid"] as? [[String: Any]])?.map { Axis(key: $0["key"] as? String ?? "", values: $0["values"] as? [String] ?? []) }
        policies = (object["policies"] as? [[String: Any]])?.map {
            Policy(name: $0["name"] as? String ?? "", assignments: $0["assignments"] as? [String] ?? [])
        }
        started = (object["started"] as? String).flatMap(Self.date)
        finished = (object["finished"] as? String).flatMap(Self.date)
        files = (object["files"] as? [[String: Any]] ?? []).compactMap { entry in
            guard let name = entry["name"] as? String else { return nil }
            return File(name: name, bytes: entry["bytes"] as? Int ?? 0, sha256: entry["sha256"] as? String ?? "")
        }
    }

    /// `text` as a JSON string literal.
    static func quote(_ text: String) -> String { JSONText.string(text) }
}
