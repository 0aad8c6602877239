import Foundation

/// Turns a ``SimulationResult`` into the text of cascade's CSV reports. Pure: no I/O.
/// Every column is documented in the README ("Reports").
public struct ReportBuilder: Sendable {
    public let result: SimulationResult
    /// Quantile levels, ascending.
    public let quantiles: [Double]

    public init(result: SimulationResult, quantiles: [Double]) {
        self.result = result
        self.quantiles = quantiles
    }

    /// The summary of every ``PathMetric`` across paths, computed in parallel (one metric per
    /// task; each is a deterministic function of its column).
    public func summaries() -> [(metric: PathMetric, summary: SampleSummary)] {
        let metrics = PathMetric.allCases
        let slots = WorkerSlots<SampleSummary>(count: metrics.count)
        let paths = result.paths, levels = quantiles
        DispatchQueue.concurrentPerform(iterations: metrics.count) { i in
            slots[i] = SampleSummary(paths.column(metrics[i]), quantileLevels: levels)
        }
        return metrics.enumerated().map { ($0.element, slots[$0.offset]!) }
    }

    /// `summary.csv`: one row per metric with count, mean, standard deviation, standard error,
    /// min, the quantiles and max across paths.
    public func summaryCSV(_ summaries: [(metric: PathMetric, summary: SampleSummary)]? = nil) -> String {
        var lines = [(["metric", "count", "mean", "stddev", "stderr", "min"]
            + quantiles.map(CSVFormat.quantileName) + ["max"]).joined(separator: ",")]
        for (metric, s) in summaries ?? self.summaries() {
            let fields = [metric.name, String(s.count), CSVFormat.number(s.mean), CSVFormat.number(s.standardDeviation),
                          CSVFormat.number(s.standardError), CSVFormat.number(s.minimum)]
                + s.quantiles.map(CSVFormat.number) + [CSVFormat.number(s.maximum)]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `paths.csv`: one row per path, one column per metric. Rows are formatted into byte
    /// buffers in parallel blocks and joined in order.
    public func pathsCSV() -> String {
        let metrics = PathMetric.allCases
        let paths = result.paths
        let blockSize = 8_192
        let blocks = (paths.paths + blockSize - 1) / blockSize
        let parts = WorkerSlots<[UInt8]>(count: blocks)
        DispatchQueue.concurrentPerform(iterations: blocks) { block in
            var bytes: [UInt8] = []
            bytes.reserveCapacity(blockSize * metrics.count * 20)
            for p in (block * blockSize)..<min((block + 1) * blockSize, paths.paths) {
                bytes.append(contentsOf: String(p).utf8)
                for m in metrics {
                    bytes.append(UInt8(ascii: ","))
                    bytes.append(contentsOf: CSVFormat.number(paths[m, p]).utf8)
                }
                bytes.append(UInt8(ascii: "\n"))
            }
            parts[block] = bytes
        }
        var bytes = Array(((["path"] + metrics.map(\.name)).joined(separator: ",") + "\n").utf8)
        bytes.reserveCapacity((0..<blocks).reduce(bytes.count) { $0 + parts[$1]!.count })
        for block in 0..<blocks { bytes.append(contentsOf: parts[block]!) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `timeseries.csv`: one row per recorded time, the quantiles across paths of each
    /// ``TimeSeriesQuantity``.
    public func timeSeriesCSV() -> String {
        let layout = result.timeSeries.layout
        let values = result.timeSeries.quantiles(quantiles)
        var header = ["step", "time"]
        for quantity in TimeSeriesQuantity.allCases {
            header += quantiles.map { "\(quantity.name)_\(CSVFormat.quantileName($0))" }
        }
        var lines = [header.joined(separator: ",")]
        // Row 0 is the start, where every path has the same, exactly known values.
        let config = result.config
        let start: [TimeSeriesQuantity: Double] = [.tradedPrice: config.initialPrice, .fundamentalPrice: config.initialPrice,
                                                   .cumulativeLiquidatedNotional: 0, .insuranceFund: config.insuranceFund]
        for row in 0..<layout.rows {
            let step = row * layout.stride
            var fields = [String(step), CSVFormat.number(Double(step) * config.stepSeconds)]
            for quantity in TimeSeriesQuantity.allCases {
                fields += row == 0 ? quantiles.map { _ in CSVFormat.number(start[quantity]!) }
                                   : values[quantity.rawValue][row].map(CSVFormat.number)
            }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
