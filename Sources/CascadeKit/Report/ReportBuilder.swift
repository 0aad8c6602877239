import Foundation

/// Turns a ``SimulationResult`` into the text of paths.csv and timeseries.csv (summary.csv and
/// the other statistics come from ``RunStatistics``). Pure: no I/O. Every column is documented in
/// the README ("Reports").
public struct ReportBuilder: Sendable {
    public let result: SimulationResult
    /// Quantile levels, ascending.
    public let quantiles: [Double]

    public init(result: SimulationResult, quantiles: [Double]) {
        self.result = result
        self.quantiles = quantiles
    }

    /// `paths.csv`: one row per path, one column per metric. Rows are formatted into byte
    /// buffers in parallel blocks and joined in order.
    public func pathsCSV(twin: Bool = true) -> String {
        let paths = result.paths
        // (column, its position in the results)
        let selected = paths.columns.enumerated().filter { twin || !$0.element.metric.needsTwin }
        let columns = selected.map(\.element)
        let positions = selected.map(\.offset)
        let blockSize = 2_048
        let blocks = (paths.paths + blockSize - 1) / blockSize
        let parts = WorkerSlots<[UInt8]>(count: blocks)
        DispatchQueue.concurrentPerform(iterations: blocks) { block in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(blockSize * columns.count * 20)
            for p in (block * blockSize)..<min((block + 1) * blockSize, paths.paths) {
                CSVFormat.append(Int64(p), to: &bytes)
                for c in positions {
                    bytes.append(UInt8(ascii: ","))
                    CSVFormat.append(paths.values[c * paths.paths + p], to: &bytes)
                }
                bytes.append(UInt8(ascii: "\n"))
            }
            parts[block] = bytes
        }
        let header = Array(((["path"] + columns.map { $0.name(symbols: paths.symbols) }).joined(separator: ",") + "\n").utf8)
        var starts = [header.count]
        for block in 0..<blocks { starts.append(starts[block] + parts[block]!.count) }
        let offsets = starts, total = offsets[blocks]
        // Copied once, straight into the string's storage, the blocks on all threads (the copy
        // is the first touch of tens of megabytes).
        return String(unsafeUninitializedCapacity: total) { text in
            _ = text.initialize(fromContentsOf: header)
            let target = SendablePointer(base: text.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: blocks) { block in
                let part = parts[block]!
                _ = UnsafeMutableBufferPointer(start: target.base + offsets[block], count: part.count).initialize(fromContentsOf: part)
            }
            return total
        }
    }

    /// Whether the time-series quantiles are exact (every path's values were kept) rather than
    /// from the sketch.
    public var timeSeriesIsExact: Bool { result.exactTimeSeries != nil }

    /// The time-series quantiles: result[column][row][level], exact where the run kept every
    /// path's values, otherwise from the sketch (relative error ≤ α).
    public func timeSeriesQuantiles(_ levels: [Double]? = nil) -> [[[Double]]] {
        let levels = levels ?? quantiles
        return result.exactTimeSeries?.quantiles(levels) ?? result.timeSeries.quantiles(levels)
    }

    /// `timeseries.csv`: one row per recorded time, the quantiles across paths of each
    /// ``TimeSeriesColumn``.
    public func timeSeriesCSV(_ precomputed: [[[Double]]]? = nil) -> String {
        let layout = result.timeSeries.layout
        let values = precomputed ?? timeSeriesQuantiles()
        let config = result.config
        let columns = TimeSeriesColumn.layout(assets: config.assets.count)
        var header = ["step", "time"]
        for column in columns {
            header += quantiles.map { "\(column.name(symbols: config.symbols))_\(CSVFormat.quantileName($0))" }
        }
        // Row 0 is the start, where every path has the same, exactly known values.
        func start(_ column: TimeSeriesColumn) -> Double {
            switch column.quantity {
            case .tradedPrice, .fundamentalPrice: config.assets[column.asset!].initialPrice
            case .cumulativeLiquidatedNotional: 0
            case .insuranceFund: config.insuranceFund
            }
        }
        var lines = [header.joined(separator: ",")]
        for row in 0..<layout.rows {
            let step = row * layout.stride
            var fields = [String(step), CSVFormat.number(Double(step) * config.stepSeconds)]
            for (c, column) in columns.enumerated() {
                fields += row == 0 ? quantiles.map { _ in CSVFormat.number(start(column)) }
                                   : values[c][row].map(CSVFormat.number)
            }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
