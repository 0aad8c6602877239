/// Builds the text of one self-contained SVG document of fixed size (``width`` × ``height`` user
/// units): the SVG namespace, a `<title>`, an embedded style sheet with generic font families only,
/// and no scripts, links, fonts or images. Every text and attribute value is escaped; coordinates
/// are rounded to 0.01.
struct SVGWriter {
    static let width = 800.0
    static let height = 480.0
    /// The namespace URI, the only URI a chart contains.
    static let namespace = "http://www.w3.org/2000/svg"

    /// Rules scoped to the root's class, so that charts inlined in an HTML page style nothing else.
    private static let style = """
        .cascade-chart text { font-family: sans-serif; font-size: 12px; fill: #222222; }
        .cascade-chart .chart-title { font-size: 16px; font-weight: bold; }
        .cascade-chart .axis-label { font-size: 13px; }
        .cascade-chart .no-data { font-size: 16px; fill: #777777; }
        .cascade-chart .grid { stroke: #e4e4e4; stroke-width: 1; }
        .cascade-chart .axis { stroke: #444444; stroke-width: 1; fill: none; }
        .cascade-chart .line { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
        .cascade-chart .whisker { fill: none; stroke-width: 1.2; }
        .cascade-chart .band { stroke: none; }
        .cascade-chart .bar { fill: #0072B2; fill-opacity: 0.8; stroke: #ffffff; stroke-width: 0.5; }
        .cascade-chart .bar.open { fill-opacity: 0.35; stroke: #0072B2; stroke-dasharray: 4 2; }
        .cascade-chart .cell { stroke: #ffffff; stroke-width: 0.5; }
        .cascade-chart .cell.dense { stroke: none; }
        """

    /// A key of the legend: a name and how its series is drawn.
    struct LegendEntry {
        enum Mark { case line, point, area(opacity: Double) }
        var name: String
        var color: String
        var mark: Mark
    }

    let title: String
    private var content = ""

    /// A document whose `<title>` and visible heading are `title`.
    init(title: String) {
        self.title = title
        text(title, x: Self.width / 2, y: 26, anchor: "middle", cssClass: "chart-title")
    }

    /// The complete document.
    func document() -> String {
        let size = "0 0 \(Self.coordinate(Self.width)) \(Self.coordinate(Self.height))"
        return """
            <svg xmlns="\(Self.namespace)" class="cascade-chart" viewBox="\(size)" \
            width="\(Self.coordinate(Self.width))" height="\(Self.coordinate(Self.height))" role="img">
            <title>\(XMLText.escape(title))</title>
            <style>
            \(Self.style)
            </style>
            <rect x="0" y="0" width="\(Self.coordinate(Self.width))" height="\(Self.coordinate(Self.height))" fill="#ffffff"/>

            """ + content + "</svg>\n"
    }

    /// A document with the title and the words "no data" in the middle.
    static func noData(title: String) -> String {
        var svg = SVGWriter(title: title)
        svg.text("no data", x: width / 2, y: height / 2, anchor: "middle", cssClass: "no-data")
        return svg.document()
    }

    /// Appends `<name attributes…/>`, or `<name attributes…>text</name>` when `text` is given.
    mutating func element(_ name: String, _ attributes: [(String, String)], text: String? = nil) {
        content += "<" + name + Self.attributes(attributes)
        if let text { content += ">" + XMLText.escape(text) + "</" + name + ">\n" } else { content += "/>\n" }
    }

    /// Appends a mark `<name attributes…><title>tooltip</title></name>`: browsers show the
    /// title when the pointer rests on the mark (no script needed).
    mutating func mark(_ name: String, _ attributes: [(String, String)], tooltip: String) {
        content += "<" + name + Self.attributes(attributes) + "><title>" + XMLText.escape(tooltip) + "</title></" + name + ">\n"
    }

    /// Appends the start tag of a group or other container; close it with ``close(_:)``.
    mutating func open(_ name: String, _ attributes: [(String, String)] = []) {
        content += "<" + name + Self.attributes(attributes) + ">\n"
    }

    mutating func close(_ name: String) { content += "</" + name + ">\n" }

    /// Appends a text element; `anchor` is `start`, `middle` or `end`; `rotated` turns it a quarter
    /// turn anticlockwise about (x, y), for vertical axis labels.
    mutating func text(_ string: String, x: Double, y: Double, anchor: String = "start",
                       cssClass: String? = nil, rotated: Bool = false) {
        var attributes = [("x", Self.coordinate(x)), ("y", Self.coordinate(y)), ("text-anchor", anchor)]
        if let cssClass { attributes.append(("class", cssClass)) }
        if rotated {
            attributes.append(("transform", "rotate(-90 \(Self.coordinate(x)) \(Self.coordinate(y)))"))
        }
        element("text", attributes, text: string)
    }

    /// Draws the legend in rows under the title, starting at `top`, and returns the y just below
    /// it (`top` itself when there are no entries).
    mutating func legend(_ entries: [LegendEntry], top: Double, left: Double = 76) -> Double {
        guard !entries.isEmpty else { return top }
        let rowHeight = 18.0, maxX = Self.width - 24
        var x = left, y = top
        for entry in entries {
            let width = 24 + Self.textWidth(entry.name) + 18
            if x > left && x + width > maxX { x = left; y += rowHeight }
            let middle = y + rowHeight / 2
            switch entry.mark {
            case .line:
                element("path", [("d", "M\(Self.coordinate(x)) \(Self.coordinate(middle))h18"), ("class", "line"),
                                 ("stroke", entry.color)])
            case .point:
                element("circle", [("cx", Self.coordinate(x + 9)), ("cy", Self.coordinate(middle)), ("r", "3.5"),
                                   ("fill", entry.color)])
            case .area(let opacity):
                element("rect", [("x", Self.coordinate(x)), ("y", Self.coordinate(middle - 6)), ("width", "18"),
                                 ("height", "12"), ("fill", entry.color), ("fill-opacity", Self.coordinate(opacity))])
            }
            text(entry.name, x: x + 24, y: middle + 4)
            x += width
        }
        return y + rowHeight
    }

    /// A rough width of `string` in the 12 px sans-serif of labels, for layout.
    static func textWidth(_ string: String) -> Double { Double(string.count) * 6.6 }

    /// A coordinate rounded to 0.01, written like a CSV number.
    static func coordinate(_ value: Double) -> String { CSVFormat.number((value * 100).rounded() / 100) }

    /// Numbers separated by spaces, each written with ``CSVFormat/number(_:)`` (the text of a
    /// `data-values`-style attribute).
    static func list(_ values: [Double]) -> String { values.map(CSVFormat.number).joined(separator: " ") }

    /// The `d` attribute of a path through the points of each segment (one subpath per segment;
    /// `closed` closes each, for areas). Segments with no points are left out.
    static func pathData(_ segments: [[(x: Double, y: Double)]], closed: Bool = false) -> String {
        var d = ""
        for segment in segments where !segment.isEmpty {
            for (i, p) in segment.enumerated() {
                d += (i == 0 ? (d.isEmpty ? "M" : " M") : " L") + coordinate(p.x) + " " + coordinate(p.y)
            }
            if closed { d += " Z" }
        }
        return d
    }

    private static func attributes(_ attributes: [(String, String)]) -> String {
        attributes.map { " " + $0.0 + "=\"" + XMLText.escape($0.1) + "\"" }.joined()
    }
}
