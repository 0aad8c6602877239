extension Chart {
    /// A heatmap: a grid of cells, `values[row][column]`, row 0 at the bottom, coloured on a
    /// sequential viridis-like scale (dark purple at the smallest non-zero value, yellow at the
    /// largest) that a colour bar beside the grid explains with its minimum and maximum.
    ///
    /// Cells whose value is 0 are drawn in a neutral grey (shown under the colour bar when there
    /// are any), so that "nothing happened" stands apart from "little happened"; cells that are
    /// not finite are not drawn. The grid has as many columns as the longer of `xLabels` and the
    /// longest row, and as many rows as the longer of `yLabels` and `values`; labels are thinned
    /// when they would overlap. Cells carry `data-row`, `data-column` and `data-value`.
    ///
    /// - Parameters:
    ///   - xLabels: The label of each column (e.g. a leverage bucket), left to right.
    ///   - yLabels: The label of each row (e.g. a price-move bucket), bottom to top.
    ///   - values: The values, `values[row][column]`; rows may be ragged.
    ///   - valueLabel: What the colour encodes, written along the colour bar.
    ///   - valueFormat: How the colour bar's labels are written.
    /// - Returns: The SVG document.
    /// - Complexity: O(number of cells).
    public static func heatmap(title: String, xLabel: String, yLabel: String, xLabels: [String], yLabels: [String],
                               values: [[Double]], valueLabel: String, valueFormat: AxisFormat = .compact) -> String {
        let scale = ChartAxis.Scale.linear
        let columns = Swift.max(xLabels.count, values.map(\.count).max() ?? 0)
        let rows = Swift.max(yLabels.count, values.count)
        var range = ChartAxis.Extent(), anyFinite = false, anyZero = false
        for row in values {
            for v in row where scale.plottable(v) {
                anyFinite = true
                if v == 0 { anyZero = true } else { range.add(v) }
            }
        }
        guard anyFinite else { return SVGWriter.noData(title: title) }

        var svg = SVGWriter(title: title)
        let longest = yLabels.map(SVGWriter.textWidth).max() ?? 0
        let (left, right, top, bottom) = (Swift.min(Swift.max(longest + 40, 60), 240), SVGWriter.width - 110, 48.0,
                                          PlotFrame.defaultBottom)
        let (cellWidth, cellHeight) = ((right - left) / Double(columns), (bottom - top) / Double(rows))
        let (low, high) = range.isEmpty ? (0.0, 0.0) : (range.lower, range.upper)
        func color(_ v: Double) -> String {
            v == 0 ? ChartColors.neutral : ChartColors.sequential(high > low ? (v - low) / (high - low) : 1)
        }

        // Small cells go without the white outline, which would wash them out.
        let cellClass = Swift.min(cellWidth, cellHeight) < 6 ? "cell dense" : "cell"
        svg.open("g", [("class", "cells")])
        for (r, row) in values.enumerated() {
            for (c, v) in row.enumerated() where scale.plottable(v) {
                let where_ = "\(yLabel) \(r < yLabels.count ? yLabels[r] : String(r)), \(xLabel) \(c < xLabels.count ? xLabels[c] : String(c))"
                svg.mark("rect", [
                    ("class", cellClass), ("x", SVGWriter.coordinate(left + Double(c) * cellWidth)),
                    ("y", SVGWriter.coordinate(bottom - Double(r + 1) * cellHeight)),
                    ("width", SVGWriter.coordinate(cellWidth)), ("height", SVGWriter.coordinate(cellHeight)),
                    ("fill", color(v)), ("data-row", String(r)), ("data-column", String(c)),
                    ("data-value", CSVFormat.number(v)),
                ], tooltip: "\(where_): \(valueLabel) \(valueFormat.label(v))")
            }
        }
        svg.close("g")

        // Axes: the frame, then every k-th label so that labels do not overlap.
        svg.open("g", [("class", "axes")])
        let frame = "M\(SVGWriter.coordinate(left)) \(SVGWriter.coordinate(top))V\(SVGWriter.coordinate(bottom))H\(SVGWriter.coordinate(right))"
        svg.element("path", [("class", "axis"), ("d", frame)])
        let widest = xLabels.map(SVGWriter.textWidth).max() ?? 0
        let xEvery = Swift.max(1, Int(((widest + 8) / cellWidth).rounded(.up)))
        for (c, label) in xLabels.enumerated() where c % xEvery == 0 {
            svg.text(label, x: left + (Double(c) + 0.5) * cellWidth, y: bottom + 18, anchor: "middle")
        }
        let yEvery = Swift.max(1, Int((16 / cellHeight).rounded(.up)))
        for (r, label) in yLabels.enumerated() where r % yEvery == 0 {
            svg.text(label, x: left - 8, y: bottom - (Double(r) + 0.5) * cellHeight + 4, anchor: "end")
        }
        svg.text(xLabel, x: (left + right) / 2, y: bottom + 44, anchor: "middle", cssClass: "axis-label")
        svg.text(yLabel, x: 18, y: (top + bottom) / 2, anchor: "middle", cssClass: "axis-label", rotated: true)
        svg.close("g")

        // The colour bar, bottom (minimum) to top (maximum), then the neutral swatch for 0.
        svg.open("g", [("class", "colour-bar")])
        let (barLeft, barTop, barBottom) = (right + 20, top, bottom - (anyZero ? 36 : 0))
        let steps = 48, stepHeight = (barBottom - barTop) / Double(steps)
        for k in 0..<steps {
            svg.element("rect", [
                ("x", SVGWriter.coordinate(barLeft)), ("y", SVGWriter.coordinate(barBottom - Double(k + 1) * stepHeight)),
                ("width", "16"), ("height", SVGWriter.coordinate(stepHeight + 0.3)),
                ("fill", ChartColors.sequential((Double(k) + 0.5) / Double(steps))),
            ])
        }
        svg.text(valueFormat.label(high), x: barLeft + 20, y: barTop + 10)
        svg.text(valueFormat.label(low), x: barLeft + 20, y: barBottom)
        if anyZero {
            svg.element("rect", [("x", SVGWriter.coordinate(barLeft)), ("y", SVGWriter.coordinate(bottom - 16)),
                                 ("width", "16"), ("height", "16"), ("fill", ChartColors.neutral)])
            svg.text(valueFormat.label(0), x: barLeft + 20, y: bottom - 4)
        }
        svg.text(valueLabel, x: SVGWriter.width - 12, y: (barTop + barBottom) / 2, anchor: "middle",
                 cssClass: "axis-label", rotated: true)
        svg.close("g")
        return svg.document()
    }
}
