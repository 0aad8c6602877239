import Foundation

/// The memory a run will need, estimated from the scenario before anything large is allocated,
/// so that `cascade validate` and `cascade run` refuse a scenario that would not fit instead of
/// aborting part-way (or being killed) trying to allocate it.
///
/// The parts are calibrated against the peak resident size measured with `/usr/bin/time -v` on
/// the bundled scenarios at 10⁴–4·10⁶ positions and 2·10³–10⁵ paths (December 2026): about
/// 130 bytes per position to build the book (170 with the liquidation map's per-leverage sums),
/// 4 KB per path (results of the run and its twin, paths.csv's text, the statistics' sorted
/// copies, cascade events), every path's time-series values when they are kept exact, and a
/// floor for the program and the time-series sketch. It is an estimate, within about 30% of the
/// measurements; the sketch and the cascade events grow with the data and are watched during
/// the run (``RunControl``), so the estimate need not bound them.
public struct MemoryEstimate: Sendable, Equatable {
    /// One part of the estimate: what it is and its bytes.
    public struct Part: Sendable, Equatable {
        public var name: String
        public var bytes: Double
    }

    public var parts: [Part]

    /// The whole estimate in bytes.
    public var total: Double { parts.reduce(0) { $0 + $1.bytes } }

    /// Bytes per position of the book (positions, both ladder sides, their sort).
    public static let bytesPerPosition = 130.0
    /// Bytes per position of the liquidation map's per-leverage prefix sums.
    public static let bytesPerMappedPosition = 40.0
    /// Bytes per path of the results, reports and statistics.
    public static let bytesPerPath = 4_096.0
    /// The program, its libraries and the nominal time-series sketch.
    public static let floor = 64.0 * 1_048_576
    /// The part of ``floor`` that is the nominal sketch: during the run the sketch and the
    /// cascade events may take this much, and what the limit leaves beyond the estimate
    /// (``RunControl``). The bundled scenarios' sketches and events take 10–60 MB at 20–2,000
    /// paths and about 110 MB at 20,000 (both runs, two threads).
    public static let sketchAllowance = 32.0 * 1_048_576

    /// The estimate for a run of `paths` paths of `steps` steps with `positions` positions in
    /// all, over `assets` assets, `rows` time-series rows (exact values kept if `exactTimeSeries`),
    /// the liquidation map if `map`, and `dataSteps` steps of historical price data on the grid.
    /// The cross accounts' part: the book and its dense matrices (about 150 + 48·K bytes an
    /// account for K assets) and, per worker thread and chunk of c paths (the automatic chunk
    /// size, ``SimulationEngine/automaticChunkSize(paths:threads:)``), a live flag per
    /// account and path, the dense check's scratch (two 16-path blocks of headroom and slope and
    /// the distances: 268 bytes an account) and each path's distance bands (12 bytes for each of
    /// at most max(16,384, 16,000,000/c) accounts).
    public static func accounts(_ count: Int, assets: Int, paths: Int, threads: Int) -> Part {
        let n = Double(count), chunk = Double(min(paths, SimulationEngine.automaticChunkSize(paths: paths, threads: threads)))
        let perAccount = 150 + 48 * Double(assets)
        let bands = 12 * min(n, max(16_384, 16e6 / chunk)) * chunk
        let perWorker = n * (chunk + 268) + bands
        return Part(name: "\(count) cross accounts", bytes: n * perAccount + Double(max(1, threads)) * perWorker)
    }

    public static func of(paths: Int, positions: Int, assets: Int, rows: Int, exactTimeSeries: Bool, map: Bool,
                          dataSteps: Int = 0, fileBytes: Int = 0) -> MemoryEstimate {
        var parts = [Part(name: "program and time-series sketch (at least; it grows with the data)", bytes: floor)]
        parts.append(Part(name: "\(positions) positions", bytes: Double(positions) * (bytesPerPosition + (map ? bytesPerMappedPosition : 0))))
        parts.append(Part(name: "\(paths) paths' results and reports", bytes: Double(paths) * bytesPerPath))
        if exactTimeSeries {
            let columns = Double(TimeSeriesColumn.layout(assets: assets).count)
            parts.append(Part(name: "exact time series", bytes: 8 * columns * Double(rows) * Double(paths)))
        }
        if dataSteps > 0 { parts.append(Part(name: "historical prices on the step grid", bytes: 24 * Double(dataSteps))) }
        if fileBytes > 0 { parts.append(Part(name: "input files", bytes: 2 * Double(fileBytes))) }
        return MemoryEstimate(parts: parts)
    }

    /// The memory this machine lets the process use: the physical memory, or the control
    /// group's limit where one is set and lower.
    public static let machineBytes: Double = {
        var total = Double(ProcessInfo.processInfo.physicalMemory)
        for file in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? String(contentsOfFile: file, encoding: .utf8),
               let limit = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0 {
                total = min(total, limit)
            }
        }
        return total
    }()

    /// The default limit of a run: 80% of ``machineBytes`` (the rest for the system and the
    /// estimate's error).
    public static var defaultLimit: Double { 0.8 * machineBytes }

    /// Bytes as a reader writes them: `512 MB`, `1.5 GB`, `8 TB`.
    public static func describe(_ bytes: Double) -> String {
        let units: [(Double, String)] = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")]
        for (size, name) in units where bytes >= size {
            let value = bytes / size
            return (value >= 100 ? String(format: "%.0f", value) : String(format: "%.3g", value)) + " " + name
        }
        return String(format: "%.0f B", bytes)
    }

    /// Parses a size such as `8G`, `512M`, `2.5GB`, `1000000` (bytes); nil when it is not one.
    public static func parse(_ text: String) -> Double? {
        var t = text.trimmingCharacters(in: .whitespaces).uppercased()
        if t.hasSuffix("B") { t.removeLast() }
        let factors: [Character: Double] = ["K": 1e3, "M": 1e6, "G": 1e9, "T": 1e12]
        var factor = 1.0
        if let last = t.last, let f = factors[last] { factor = f; t.removeLast() }
        guard !t.isEmpty, t.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), let value = Double(t), value > 0 else { return nil }
        return value * factor
    }
}
