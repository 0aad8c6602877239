extension Chart {
    /// A histogram: bar `i` spans `edges[i] … edges[i + 1]` and rises to `counts[i]` (a count,
    /// a frequency or a density; the y axis starts at 0).
    ///
    /// `counts` should have one value fewer than `edges`; extra values of either are ignored.
    /// Edges ascend. Open bins are drawn with a dashed outline and a lighter fill:
    /// - a last edge of +∞ is drawn as a bin as wide as the previous one: the same width on a
    ///   linear axis, the same ratio of edges (log-width) on a log axis;
    /// - a first edge of −∞ (or, on a log axis, of 0 or less) is drawn as a bin as wide as the
    ///   next one, in the same sense;
    /// - without such a neighbour, the open bin spans a decade (log axis) or max(1, |finite edge|).
    ///
    /// Bars carry `data-x` and `data-x2` (their edges as given, so `inf` for an open bin),
    /// `data-y` (the count) and, for open bins, `data-open` (`lower` or `upper`). Bins with a
    /// count that is not finite, or with edges that cannot be placed, are skipped.
    ///
    /// - Parameters:
    ///   - edges: The bin edges, ascending.
    ///   - counts: The height of each bin.
    ///   - logX: Whether the x axis is logarithmic (decade ticks).
    ///   - xFormat: How x tick labels are written.
    ///   - yFormat: How y tick labels are written.
    /// - Returns: The SVG document.
    /// - Complexity: O(number of bins).
    public static func histogram(title: String, xLabel: String, yLabel: String, edges: [Double], counts: [Double],
                                 logX: Bool = false, xFormat: AxisFormat = .compact,
                                 yFormat: AxisFormat = .compact) -> String {
        let xScale: ChartAxis.Scale = logX ? .log : .linear
        func isOpenBelow(_ edge: Double) -> Bool { edge == -.infinity || (logX && edge <= 0) }
        /// The far edge of an open bin whose finite edge is `edge`, above it (`upward`) or below,
        /// mirroring the neighbouring bin `neighbour … edge` or `edge … neighbour`.
        func mirrored(_ edge: Double, neighbour: Double?, upward: Bool) -> Double {
            let sign = upward ? 1.0 : -1.0
            if let neighbour, xScale.plottable(neighbour), (edge - neighbour) * sign > 0 {
                return logX ? edge * (edge / neighbour) : edge + (edge - neighbour)
            }
            return logX ? (upward ? edge * 10 : edge / 10) : edge + sign * Swift.max(1, Swift.abs(edge))
        }

        var bars: [(bin: Int, lower: Double, upper: Double, open: String?)] = []
        var xs = ChartAxis.Extent(), ys = ChartAxis.Extent()
        for i in 0..<Swift.max(0, Swift.min(counts.count, edges.count - 1)) where ChartAxis.Scale.linear.plottable(counts[i]) {
            var (lower, upper, open) = (edges[i], edges[i + 1], String?.none)
            if upper == .infinity && xScale.plottable(lower) {
                (upper, open) = (mirrored(lower, neighbour: i > 0 ? edges[i - 1] : nil, upward: true), "upper")
            } else if isOpenBelow(lower) && xScale.plottable(upper) {
                (lower, open) = (mirrored(upper, neighbour: i + 2 < edges.count ? edges[i + 2] : nil, upward: false), "lower")
            }
            guard xScale.plottable(lower), xScale.plottable(upper), lower < upper else { continue }
            bars.append((i, lower, upper, open))
            xs.add(lower)
            xs.add(upper)
            ys.add(counts[i])
        }
        guard !bars.isEmpty else { return SVGWriter.noData(title: title) }

        var svg = SVGWriter(title: title)
        let frame = PlotFrame(x: ChartAxis(extent: xs, scale: xScale, format: xFormat),
                              y: ChartAxis(extent: ys, scale: .linear, format: yFormat, includeZero: true), top: 48)
        frame.drawAxes(&svg, xLabel: xLabel, yLabel: yLabel)
        for bar in bars {
            let (x0, x1) = (frame.px(bar.lower), frame.px(bar.upper))
            let (y0, y1) = (frame.py(0), frame.py(counts[bar.bin]))
            var attributes = [
                ("class", bar.open == nil ? "bar" : "bar open"),
                ("x", SVGWriter.coordinate(x0)), ("y", SVGWriter.coordinate(Swift.min(y0, y1))),
                ("width", SVGWriter.coordinate(x1 - x0)), ("height", SVGWriter.coordinate(Swift.abs(y1 - y0))),
                ("data-x", CSVFormat.number(edges[bar.bin])), ("data-x2", CSVFormat.number(edges[bar.bin + 1])),
                ("data-y", CSVFormat.number(counts[bar.bin])),
            ]
            if let open = bar.open { attributes.append(("data-open", open)) }
            svg.mark("rect", attributes, tooltip: "\(xLabel) \(xFormat.label(edges[bar.bin])) to \(xFormat.label(edges[bar.bin + 1]))"
                     + (bar.open.map { " (\($0))" } ?? "") + ": \(yLabel) \(yFormat.label(counts[bar.bin]))")
        }
        return svg.document()
    }
}
