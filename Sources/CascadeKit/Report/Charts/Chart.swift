/// SVG charts of simulation results: self-contained documents (no scripts, fonts, images or links)
/// of 800 × 480 user units, with a title, axes with round tick values, axis labels and a legend.
///
/// Each function returns the SVG text. NaN and ±∞ (and, on a log axis, values ≤ 0) are skipped:
/// they are neither plotted nor written; lines and bands break where a value is skipped. When
/// nothing can be plotted, the chart is a valid SVG document saying "no data". Arrays that should
/// have one value per x but differ in length are cut to the shortest.
///
/// Every mark carries its data in `data-` attributes, numbers written with
/// ``CSVFormat/number(_:)``, so that plotted values can be compared with the CSV reports text
/// for text:
/// - dots and markers (`circle`): `data-series` (the series' name), `data-x` and `data-y`;
/// - histogram bars (`rect` with class `bar`): `data-x` and `data-x2` (the bin's edges) and
///   `data-y` (its count);
/// - lines (`path` with class `line`): `data-series`, `data-x` and `data-values`, the x and y
///   values of the plotted points, separated by spaces, in order;
/// - bands (`path` with class `band`): `data-series`, `data-band` (fan bands), `data-x`,
///   `data-lower` and `data-upper` (in x order), and `data-values`, the y values of the outline
///   in drawing order: along the upper curve, then back along the lower one (for each unbroken
///   stretch);
/// - heatmap cells (`rect` with class `cell`): `data-row`, `data-column` and `data-value`.
///
/// Tick labels are compact (1.2k, 3.4M, 5B) or percentages, chosen by ``AxisFormat``.
public enum Chart {
    /// The translucency of each band of a fan (or of an interval band).
    static let bandOpacity = 0.2

    /// The runs of consecutive indices `0..<count` at which `plottable` holds: the unbroken
    /// stretches of a line or band.
    static func unbrokenRuns(_ count: Int, where plottable: (Int) -> Bool) -> [[Int]] {
        var runs: [[Int]] = [], current: [Int] = []
        for i in 0..<Swift.max(count, 0) {
            if plottable(i) {
                current.append(i)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// A band between `lower` and `upper` over the runs `runs` of indices into `x`, with its data
    /// attributes (see ``Chart``).
    static func drawBand(_ svg: inout SVGWriter, frame: PlotFrame, x: [Double], lower: [Double], upper: [Double],
                         runs: [[Int]], color: String, attributes: [(String, String)]) {
        var outline: [[(x: Double, y: Double)]] = [], values: [Double] = []
        for run in runs {
            let order = run + run.reversed()
            outline.append(order.enumerated().map { k, i in (frame.px(x[i]), frame.py(k < run.count ? upper[i] : lower[i])) })
            values += order.enumerated().map { k, i in k < run.count ? upper[i] : lower[i] }
        }
        let indices = Array(runs.joined())
        svg.mark("path", [("class", "band"), ("d", SVGWriter.pathData(outline, closed: true)), ("fill", color),
                          ("fill-opacity", SVGWriter.coordinate(bandOpacity))] + attributes + [
            ("data-x", SVGWriter.list(indices.map { x[$0] })),
            ("data-lower", SVGWriter.list(indices.map { lower[$0] })),
            ("data-upper", SVGWriter.list(indices.map { upper[$0] })),
            ("data-values", SVGWriter.list(values)),
        ], tooltip: attributes.filter { $0.0 == "data-series" || $0.0 == "data-band" }.map(\.1).joined(separator: ", "))
    }

    /// A line through (x[i], y[i]) over the runs `runs`, with its data attributes.
    static func drawLine(_ svg: inout SVGWriter, frame: PlotFrame, x: [Double], y: [Double], runs: [[Int]],
                         color: String, series: String) {
        let indices = Array(runs.joined())
        svg.mark("path", [
            ("class", "line"), ("d", SVGWriter.pathData(runs.map { $0.map { (frame.px(x[$0]), frame.py(y[$0])) } })),
            ("stroke", color), ("data-series", series),
            ("data-x", SVGWriter.list(indices.map { x[$0] })), ("data-values", SVGWriter.list(indices.map { y[$0] })),
        ], tooltip: series)
    }
}
