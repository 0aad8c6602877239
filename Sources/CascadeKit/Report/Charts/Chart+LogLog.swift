extension Chart {
    /// A chart with both axes logarithmic (decade ticks), for heavy tails and power laws: e.g. the
    /// complementary distribution of cascade sizes as dots with a fitted power law as a line.
    ///
    /// Pairs with a value that is not finite and positive are skipped. Dots carry `data-series`,
    /// `data-x` and `data-y`; lines carry `data-series`, `data-x` and `data-values`.
    ///
    /// - Parameters:
    ///   - series: The series, each drawn as dots or as a line in its own colour.
    ///   - xFormat: How x tick labels are written.
    ///   - yFormat: How y tick labels are written.
    /// - Returns: The SVG document.
    /// - Complexity: O(total number of pairs).
    public static func logLog(title: String, xLabel: String, yLabel: String, series: [PointSeries],
                              xFormat: AxisFormat = .compact, yFormat: AxisFormat = .compact) -> String {
        let scale = ChartAxis.Scale.log
        var xs = ChartAxis.Extent(), ys = ChartAxis.Extent()
        let runs = series.map { s in
            unbrokenRuns(Swift.min(s.x.count, s.y.count)) { scale.plottable(s.x[$0]) && scale.plottable(s.y[$0]) }
        }
        for (s, runs) in zip(series, runs) {
            for i in runs.joined() { xs.add(s.x[i]); ys.add(s.y[i]) }
        }
        guard !xs.isEmpty else { return SVGWriter.noData(title: title) }

        var svg = SVGWriter(title: title)
        let legend = series.enumerated().map { k, s in
            SVGWriter.LegendEntry(name: s.name, color: ChartColors.series(k), mark: s.style == .line ? .line : .point)
        }
        let frame = PlotFrame(x: ChartAxis(extent: xs, scale: scale, format: xFormat),
                              y: ChartAxis(extent: ys, scale: scale, format: yFormat),
                              top: svg.legend(legend, top: 38) + 10)
        frame.drawAxes(&svg, xLabel: xLabel, yLabel: yLabel)
        for (k, s) in series.enumerated() {
            let color = ChartColors.series(k)
            switch s.style {
            case .line:
                drawLine(&svg, frame: frame, x: s.x, y: s.y, runs: runs[k], color: color, series: s.name)
            case .points:
                for i in runs[k].joined() {
                    svg.mark("circle", [
                        ("cx", SVGWriter.coordinate(frame.px(s.x[i]))), ("cy", SVGWriter.coordinate(frame.py(s.y[i]))),
                        ("r", "2.5"), ("fill", color), ("fill-opacity", "0.8"), ("data-series", s.name),
                        ("data-x", CSVFormat.number(s.x[i])), ("data-y", CSVFormat.number(s.y[i])),
                    ], tooltip: "\(s.name): \(xLabel) \(xFormat.label(s.x[i])), \(yLabel) \(yFormat.label(s.y[i]))")
                }
            }
        }
        return svg.document()
    }
}
