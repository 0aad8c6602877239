/// The plotting rectangle of a chart with its two axes: maps data to SVG coordinates and draws
/// the grid, the axes, their ticks and labels.
struct PlotFrame {
    static let defaultLeft = 76.0
    static let defaultRight = SVGWriter.width - 24
    static let defaultBottom = SVGWriter.height - 56

    let x: ChartAxis
    let y: ChartAxis
    let left: Double, top: Double, right: Double, bottom: Double

    init(x: ChartAxis, y: ChartAxis, top: Double, left: Double = defaultLeft, right: Double = defaultRight,
         bottom: Double = defaultBottom) {
        (self.x, self.y, self.left, self.top, self.right, self.bottom) = (x, y, left, top, right, bottom)
    }

    /// The horizontal coordinate of data value `value`.
    func px(_ value: Double) -> Double { left + x.fraction(value) * (right - left) }

    /// The vertical coordinate of data value `value` (up is larger).
    func py(_ value: Double) -> Double { bottom - y.fraction(value) * (bottom - top) }

    /// Grid lines at the ticks, the two axis lines, tick labels and the axis labels.
    func drawAxes(_ svg: inout SVGWriter, xLabel: String, yLabel: String) {
        svg.open("g", [("class", "axes")])
        for tick in x.ticks {
            let p = SVGWriter.coordinate(px(tick))
            svg.element("path", [("class", "grid"), ("d", "M\(p) \(SVGWriter.coordinate(top))V\(SVGWriter.coordinate(bottom))")])
            svg.text(x.label(tick), x: px(tick), y: bottom + 18, anchor: "middle")
        }
        for tick in y.ticks {
            let p = SVGWriter.coordinate(py(tick))
            svg.element("path", [("class", "grid"), ("d", "M\(SVGWriter.coordinate(left)) \(p)H\(SVGWriter.coordinate(right))")])
            svg.text(y.label(tick), x: left - 8, y: py(tick) + 4, anchor: "end")
        }
        let corner = "M\(SVGWriter.coordinate(left)) \(SVGWriter.coordinate(top))V\(SVGWriter.coordinate(bottom))H\(SVGWriter.coordinate(right))"
        svg.element("path", [("class", "axis"), ("d", corner)])
        svg.text(xLabel, x: (left + right) / 2, y: bottom + 44, anchor: "middle", cssClass: "axis-label")
        svg.text(yLabel, x: 18, y: (top + bottom) / 2, anchor: "middle", cssClass: "axis-label", rotated: true)
        svg.close("g")
    }
}
