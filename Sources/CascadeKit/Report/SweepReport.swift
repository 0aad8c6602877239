import Foundation

/// A sweep's report files, from its grid points: `sweep.csv` (one row per point, every metric
/// with its interval), one chart per metric against the first key, and `sweep.html`. One
/// builder for `cascade sweep` and for `cascade merge` of sweep shards, so both write the same
/// bytes.
public struct SweepReport: Sendable {
    /// A grid point: its assignments and its metrics (in the order of ``Sweep/metrics``).
    public typealias Point = (assignments: [ScenarioAssignment], values: [SweepValue])

    /// The scenario file's name (its last path component), for the page's title.
    public var scenarioName: String
    public var axes: [SweepAxis]
    public var points: [Point]
    /// The first point's paths, seed and confidence level (the page states them).
    public var paths: Int
    public var seed: UInt64
    public var confidence: Double

    public init(scenarioName: String, axes: [SweepAxis], points: [Point], paths: Int, seed: UInt64, confidence: Double) {
        self.scenarioName = scenarioName
        self.axes = axes
        self.points = points
        self.paths = paths
        self.seed = seed
        self.confidence = confidence
    }

    /// The charts: `sweep-<metric>.svg`, one per metric.
    public var charts: [(name: String, contents: String)] { Sweep.charts(axes: axes, points: points) }

    /// Every file of the report, name → contents, in the order they are listed.
    public var files: [(name: String, contents: String)] {
        let charts = self.charts
        var page = HTMLReport(title: "cascade sweep — \(scenarioName)")
        page.addParagraph("\(points.count) grid points over \(axes.map(\.key).joined(separator: " × ")), "
                          + "\(paths) paths each, seed \(seed) at every point "
                          + "(common random numbers). Whiskers are \(Int((confidence * 100).rounded()))% confidence intervals.")
        var rows: [[HTMLReport.Cell]] = []
        for point in points {
            rows.append(point.assignments.map { HTMLReport.Cell($0.value) }
                        + point.values.enumerated().map { m, v in HTMLReport.Cell.number(v.estimate, Sweep.readable(m)) })
        }
        page.addTable(caption: "Grid points (hover a number for every digit; sweep.csv has them and the intervals)",
                      header: axes.map(\.key) + Sweep.metrics.map(\.name), cells: rows)
        for (m, chart) in charts.enumerated() {
            page.addFigure(caption: "\(Sweep.metrics[m].description) at each grid point, against \(axes[0].key)"
                           + (axes.count > 1 ? ", one line per value of the other keys" : "")
                           + ". Whiskers are \(Int((confidence * 100).rounded()))% intervals; every point uses the same random draws, "
                           + "so the slope between points is the effect of the key, not noise. (\(chart.name))", svg: chart.contents)
        }
        return [("sweep.csv", Sweep.csv(axes: axes, points: points))] + charts + [("sweep.html", page.render())]
    }
}
