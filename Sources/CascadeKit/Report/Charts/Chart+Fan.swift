import Foundation

extension Chart {
    /// A fan chart: for each group, nested translucent bands (quantile ranges across paths) and a
    /// median line over a common x (time), each group in its own colour — e.g. the traded price
    /// with feedback against the fundamental price without it.
    ///
    /// A band is drawn where x and both of its curves are plottable; bands of a group share its
    /// colour and translucency, so nested bands darken towards the middle. The legend names the
    /// groups and, in grey, the band labels of the first group that has bands. Axes are linear;
    /// the x axis spans exactly the plotted x values.
    ///
    /// - Parameters:
    ///   - x: The abscissae shared by every curve (e.g. time in seconds).
    ///   - groups: The quantities to draw; bands listed from the outermost to the innermost.
    ///   - xFormat: How x tick labels are written.
    ///   - yFormat: How y tick labels are written.
    /// - Returns: The SVG document.
    /// - Complexity: O(total number of values).
    public static func fan(title: String, xLabel: String, yLabel: String, x: [Double], groups: [FanGroup],
                           xFormat: AxisFormat = .compact, yFormat: AxisFormat = .compact) -> String {
        let scale = ChartAxis.Scale.linear
        var xs = ChartAxis.Extent(), ys = ChartAxis.Extent()
        var bands: [(group: Int, band: FanBand, runs: [[Int]])] = []
        var medians: [(group: Int, median: [Double], runs: [[Int]])] = []
        for (g, group) in groups.enumerated() {
            for band in group.bands {
                let (lower, upper) = (band.lower, band.upper)
                let runs = unbrokenRuns(Swift.min(x.count, lower.count, upper.count)) {
                    scale.plottable(x[$0]) && scale.plottable(lower[$0]) && scale.plottable(upper[$0])
                }
                for i in runs.joined() { xs.add(x[i]); ys.add(lower[i]); ys.add(upper[i]) }
                bands.append((g, band, runs))
            }
            if let median = group.median {
                let runs = unbrokenRuns(Swift.min(x.count, median.count)) { scale.plottable(x[$0]) && scale.plottable(median[$0]) }
                for i in runs.joined() { xs.add(x[i]); ys.add(median[i]) }
                medians.append((g, median, runs))
            }
        }
        guard !xs.isEmpty else { return SVGWriter.noData(title: title) }

        var svg = SVGWriter(title: title)
        var legend = groups.enumerated().map { g, group in
            SVGWriter.LegendEntry(name: group.name, color: ChartColors.series(g),
                                  mark: group.median == nil ? .area(opacity: bandOpacity) : .line)
        }
        let bandLabels = groups.first { !$0.bands.isEmpty }?.bands.map(\.label) ?? []
        for (k, label) in bandLabels.enumerated() where !label.isEmpty {
            let opacity = 1 - Foundation.pow(1 - bandOpacity, Double(k + 1))
            legend.append(SVGWriter.LegendEntry(name: label, color: "#555555", mark: .area(opacity: opacity)))
        }
        let top = svg.legend(legend, top: 38) + 10
        let frame = PlotFrame(x: ChartAxis(extent: xs, scale: scale, format: xFormat, tight: true),
                              y: ChartAxis(extent: ys, scale: scale, format: yFormat), top: top)
        frame.drawAxes(&svg, xLabel: xLabel, yLabel: yLabel)
        for (g, band, runs) in bands where !runs.isEmpty {
            drawBand(&svg, frame: frame, x: x, lower: band.lower, upper: band.upper, runs: runs,
                     color: ChartColors.series(g), attributes: [("data-series", groups[g].name), ("data-band", band.label)])
        }
        for (g, median, runs) in medians where !runs.isEmpty {
            drawLine(&svg, frame: frame, x: x, y: median, runs: runs, color: ChartColors.series(g), series: groups[g].name)
        }
        return svg.document()
    }
}
