import CascadeKit
import Foundation

/// What `cascade sweep` (and `cascade merge` of sweep shards) prints once the report is written:
/// the points as JSON (`--json`), or one line per point.
struct SweepOutput {
    let scenario: String
    let report: SweepReport
    let seconds: Double
    let directory: String

    /// The `--json` object: the scenario, keys, seconds, folder, and each point's values and
    /// metrics with their intervals.
    var json: String {
        let object: [String: Any] = [
            "scenario": scenario, "keys": report.axes.map(\.key), "seconds": seconds, "directory": directory,
            "points": report.points.map { point -> [String: Any] in
                var metrics: [String: Any] = [:]
                for (m, v) in zip(CascadeKit.Sweep.metrics, point.values) {
                    metrics[m.name] = ["estimate": RunSummaryJSON.number(v.estimate), "ciLow": RunSummaryJSON.number(v.lower),
                                       "ciHigh": RunSummaryJSON.number(v.upper)]
                }
                return ["values": Dictionary(uniqueKeysWithValues: point.assignments.map { ($0.key, $0.value) }), "metrics": metrics]
            },
        ]
        return RunSummaryJSON.serialize(object)
    }

    /// The human summary: a heading line, one line per point, and where the files went.
    var text: String {
        var lines = ["sweep of \(scenario): \(report.points.count) points in \(String(format: "%.1f", seconds)) s"]
        for point in report.points {
            let keys = point.assignments.map(\.description).joined(separator: " ")
            let v = point.values
            lines.append("  \(keys): liquidated \(Format.money(v[0].estimate)) ± \(Format.money((v[0].upper - v[0].lower) / 2)), "
                         + "drawdown \(Format.percent(v[2].estimate)), P(fund depleted) \(Format.percent(v[6].estimate))")
        }
        lines.append("  wrote sweep.csv, \(report.charts.count) charts and sweep.html to \(directory)/")
        return lines.joined(separator: "\n")
    }
}
