import Foundation

/// Every path's value of every time-series quantity at every recorded row, for runs small enough
/// to keep them: the time-series quantiles are then exact (type 7, like summary.csv) instead of
/// coming from the bounded-memory sketch of ``TimeSeriesRecorder``.
///
/// Workers write disjoint paths, so the shared buffer needs no locking, and the result does not
/// depend on how paths were split among them.
public final class ExactTimeSeries: @unchecked Sendable {
    /// Columns as ``TimeSeriesColumn/layout(assets:)``.
    public let columns: Int
    public let rows: Int
    public let paths: Int
    /// The global index of the first path held (a run of a range of paths holds path p at
    /// p − firstPath).
    public let firstPath: Int
    /// values[(column·rows + row)·paths + path − firstPath]
    let storage: UnsafeMutablePointer<Double>

    /// The most values (paths × rows × columns) kept exactly by default: 8 million, 64 MB.
    public static let defaultLimit = 8_000_000

    public init(columns: Int, rows: Int, paths: Int, firstPath: Int = 0) {
        self.columns = columns
        self.rows = rows
        self.paths = paths
        self.firstPath = firstPath
        let count = columns * rows * paths
        storage = .allocate(capacity: count)
        storage.initialize(repeating: .nan, count: count)
    }

    deinit {
        storage.deallocate()
    }

    /// Whether a run of this shape fits in `limit` values.
    public static func fits(columns: Int, rows: Int, paths: Int, limit: Int = defaultLimit) -> Bool {
        Double(columns) * Double(rows) * Double(paths) <= Double(limit)
    }

    @inline(__always)
    func set(column: Int, row: Int, path: Int, _ value: Double) {
        storage[(column * rows + row) * paths + path - firstPath] = value
    }

    /// Copies `part` (a range of this one's paths, starting `offset` paths in) into its place.
    public func place(_ part: ExactTimeSeries, at offset: Int) {
        precondition(part.columns == columns && part.rows == rows && part.firstPath == firstPath + offset
                     && offset + part.paths <= paths)
        for block in 0..<(columns * rows) {
            (storage + block * paths + offset).update(from: part.storage + block * part.paths, count: part.paths)
        }
    }

    /// Quantiles per row: result[column][row][level], exact (type 7) over the paths.
    ///
    /// - Complexity: O(columns · rows · paths · log paths).
    public func quantiles(_ levels: [Double]) -> [[[Double]]] {
        var result: [[[Double]]] = []
        var scratch = [Double](repeating: 0, count: paths)
        for c in 0..<columns {
            var column: [[Double]] = []
            column.reserveCapacity(rows)
            for r in 0..<rows {
                let base = storage + (c * rows + r) * paths
                var n = 0
                for p in 0..<paths where !base[p].isNaN {
                    scratch[n] = base[p]
                    n += 1
                }
                let sorted = RadixSort.sorted(Array(scratch[0..<n]))
                column.append(levels.map { Quantiles.sorted(sorted, $0) })
            }
            result.append(column)
        }
        return result
    }
}
