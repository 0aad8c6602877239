extension Chart {
    /// Series that show how a metric changes with a swept parameter, each a line with a marker at
    /// every point and, where `lower` and `upper` are given, its confidence interval: whiskers
    /// when a series has at most ``whiskerLimit`` points, a translucent band when it has more.
    ///
    /// Points whose x or y cannot be placed are skipped (and break the line); an interval is drawn
    /// where both its ends are finite. Markers carry `data-series`, `data-x`, `data-y` and, where
    /// there is an interval, `data-lower` and `data-upper`; lines and bands carry the attributes
    /// described at ``Chart``. The y axis is linear and covers the intervals.
    ///
    /// - Parameters:
    ///   - series: The series, each in its own colour.
    ///   - logX: Whether the x axis is logarithmic (decade ticks; x ≤ 0 is skipped).
    ///   - markers: Whether each point has its marker (`circle`); without, the line alone
    ///     carries the values (`data-x`, `data-values`) — for long series.
    ///   - xFormat: How x tick labels are written.
    ///   - yFormat: How y tick labels are written.
    /// - Returns: The SVG document.
    /// - Complexity: O(total number of points).
    public static func lines(title: String, xLabel: String, yLabel: String, series: [LineSeries], logX: Bool = false,
                             markers: Bool = true, xFormat: AxisFormat = .compact, yFormat: AxisFormat = .compact) -> String {
        let xScale: ChartAxis.Scale = logX ? .log : .linear, yScale = ChartAxis.Scale.linear
        var xs = ChartAxis.Extent(), ys = ChartAxis.Extent()
        var plotted: [(runs: [[Int]], intervals: [Int: (lower: Double, upper: Double)])] = []
        for s in series {
            let runs = unbrokenRuns(Swift.min(s.x.count, s.y.count)) { xScale.plottable(s.x[$0]) && yScale.plottable(s.y[$0]) }
            var intervals: [Int: (lower: Double, upper: Double)] = [:]
            for i in runs.joined() {
                xs.add(s.x[i])
                ys.add(s.y[i])
                if let lower = s.lower, let upper = s.upper, i < lower.count, i < upper.count,
                   yScale.plottable(lower[i]), yScale.plottable(upper[i]) {
                    intervals[i] = (lower[i], upper[i])
                    ys.add(lower[i])
                    ys.add(upper[i])
                }
            }
            plotted.append((runs, intervals))
        }
        guard !xs.isEmpty else { return SVGWriter.noData(title: title) }

        var svg = SVGWriter(title: title)
        let legend = series.enumerated().map { SVGWriter.LegendEntry(name: $1.name, color: ChartColors.series($0), mark: .line) }
        let frame = PlotFrame(x: ChartAxis(extent: xs, scale: xScale, format: xFormat),
                              y: ChartAxis(extent: ys, scale: yScale, format: yFormat),
                              top: svg.legend(legend, top: 38) + 10)
        frame.drawAxes(&svg, xLabel: xLabel, yLabel: yLabel)
        for (k, s) in series.enumerated() {
            let (runs, intervals) = plotted[k], color = ChartColors.series(k)
            let points = runs.reduce(0) { $0 + $1.count }
            if points > whiskerLimit, !intervals.isEmpty, let lower = s.lower, let upper = s.upper {
                let bandRuns = unbrokenRuns(Swift.min(s.x.count, s.y.count)) { intervals[$0] != nil }
                drawBand(&svg, frame: frame, x: s.x, lower: lower, upper: upper, runs: bandRuns, color: color,
                         attributes: [("data-series", s.name)])
            } else if !intervals.isEmpty {
                var d = ""
                for i in runs.joined() {
                    guard let interval = intervals[i] else { continue }
                    let x = frame.px(s.x[i]), (y0, y1) = (frame.py(interval.lower), frame.py(interval.upper))
                    d += (d.isEmpty ? "" : " ") + "M\(SVGWriter.coordinate(x)) \(SVGWriter.coordinate(y0))V\(SVGWriter.coordinate(y1))"
                    for y in [y0, y1] { d += " M\(SVGWriter.coordinate(x - 4)) \(SVGWriter.coordinate(y))h8" }
                }
                svg.element("path", [("class", "whisker"), ("d", d), ("stroke", color)])
            }
            drawLine(&svg, frame: frame, x: s.x, y: s.y, runs: runs, color: color, series: s.name)
            for i in runs.joined() where markers {
                var attributes = [
                    ("cx", SVGWriter.coordinate(frame.px(s.x[i]))), ("cy", SVGWriter.coordinate(frame.py(s.y[i]))),
                    ("r", points > 60 ? "2" : "3"), ("fill", color), ("data-series", s.name),
                    ("data-x", CSVFormat.number(s.x[i])), ("data-y", CSVFormat.number(s.y[i])),
                ]
                var tooltip = "\(s.name): \(xLabel) \(xFormat.label(s.x[i])), \(yLabel) \(yFormat.label(s.y[i]))"
                if let interval = intervals[i] {
                    attributes += [("data-lower", CSVFormat.number(interval.lower)), ("data-upper", CSVFormat.number(interval.upper))]
                    tooltip += " [\(yFormat.label(interval.lower)), \(yFormat.label(interval.upper))]"
                }
                svg.mark("circle", attributes, tooltip: tooltip)
            }
        }
        return svg.document()
    }

    /// The most points a series of ``lines(title:xLabel:yLabel:series:logX:xFormat:yFormat:)`` may
    /// have for its intervals to be drawn as whiskers; above it they are a band.
    public static let whiskerLimit = 25
}
