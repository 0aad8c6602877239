/// A self-contained HTML5 report page: a title, then paragraphs, tables and figures (inline SVG,
/// typically from ``Chart``) in the order they were added.
///
/// The page has inline CSS only and no scripts, links, external fonts or images, so it can be
/// opened offline and mailed as one file. It is also well-formed XML (XHTML-compatible: every
/// element closed, every text escaped), so it can be checked with an XML parser.
///
/// ```swift
/// var report = HTMLReport(title: "flash-crash")
/// report.addParagraph("5,000 paths, seed 1.")
/// report.addFigure(caption: "Price", svg: Chart.fan(title: "Price", xLabel: "s", yLabel: "USD",
///                                                   x: times, groups: groups))
/// let html = report.render()
/// ```
public struct HTMLReport: Sendable {
    /// A table cell: its text, and for a number written for reading the exact value (kept in
    /// the cell's `title`, shown on hovering, and in `data-value`; an interval in `data-lower`
    /// and `data-upper`).
    public struct Cell: Sendable, Equatable, ExpressibleByStringLiteral {
        public var text: String
        public var exact: [(name: String, value: Double)]

        public init(_ text: String) {
            self.text = text
            exact = []
        }

        public init(stringLiteral text: String) { self.init(text) }

        /// `value` written as `format`, exact value kept.
        public static func number(_ value: Double, _ format: ReadableNumber) -> Cell {
            var cell = Cell(value.isNaN ? "" : format.text(value))
            if !value.isNaN { cell.exact = [("value", value)] }
            return cell
        }

        /// `[lower, upper]` written as `format`, exact bounds kept.
        public static func interval(_ lower: Double, _ upper: Double, _ format: ReadableNumber) -> Cell {
            if lower.isNaN && upper.isNaN { return Cell("") }
            var cell = Cell("[\(format.text(lower)), \(format.text(upper))]")
            cell.exact = [("lower", lower), ("upper", upper)]
            return cell
        }

        public static func == (a: Cell, b: Cell) -> Bool {
            a.text == b.text && a.exact.map(\.name) == b.exact.map(\.name) && a.exact.map(\.value) == b.exact.map(\.value)
        }
    }

    private enum Block: Sendable {
        case heading(String)
        case paragraph(String)
        case table(caption: String, header: [String], rows: [[Cell]])
        case figure(caption: String, svg: String)
    }

    /// The page's title, also its top heading.
    public var title: String
    private var blocks: [Block] = []

    /// An empty report titled `title`.
    public init(title: String) {
        self.title = title
    }

    /// Adds a section heading.
    public mutating func addHeading(_ text: String) {
        blocks.append(.heading(text))
    }

    /// Adds a paragraph of plain text (escaped; not markup).
    public mutating func addParagraph(_ text: String) {
        blocks.append(.paragraph(text))
    }

    /// Adds a table with a caption and a header row; cells are plain text (escaped). Cells that
    /// read as numbers are right-aligned. Rows may have a different number of cells than the header.
    public mutating func addTable(caption: String, header: [String], rows: [[String]]) {
        blocks.append(.table(caption: caption, header: header, rows: rows.map { row in row.map { Cell($0) } }))
    }

    /// Adds a table whose cells may be numbers written for reading (``Cell/number(_:_:)``),
    /// right-aligned, with their exact values in `title` and `data-` attributes.
    public mutating func addTable(caption: String, header: [String], cells: [[Cell]]) {
        blocks.append(.table(caption: caption, header: header, rows: cells))
    }

    /// Adds a figure: `svg` inlined as it is (an `<?xml …?>` declaration at its start is removed,
    /// as it may not appear inside a page) with a caption under it.
    ///
    /// The SVG is trusted markup: pass a document from ``Chart`` or one that likewise has no
    /// scripts or external references, as the page's guarantees are only as good as its figures.
    public mutating func addFigure(caption: String, svg: String) {
        blocks.append(.figure(caption: caption, svg: svg))
    }

    /// The page, as UTF-8 text.
    public func render() -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(XMLText.escape(title))</title>
            <style>
            \(Self.style)
            </style>
            </head>
            <body>
            <h1>\(XMLText.escape(title))</h1>

            """
        for block in blocks {
            switch block {
            case .heading(let text):
                html += "<h2>\(XMLText.escape(text))</h2>\n"
            case .paragraph(let text):
                html += "<p>\(XMLText.escape(text))</p>\n"
            case .table(let caption, let header, let rows):
                html += "<table>\n<caption>\(XMLText.escape(caption))</caption>\n"
                if !header.isEmpty {
                    html += "<thead><tr>" + header.map { "<th>\(XMLText.escape($0))</th>" }.joined() + "</tr></thead>\n"
                }
                html += "<tbody>\n"
                for row in rows {
                    html += "<tr>" + row.map(Self.cell).joined() + "</tr>\n"
                }
                html += "</tbody>\n</table>\n"
            case .figure(let caption, let svg):
                html += "<figure>\n\(Self.inlinable(svg))\n<figcaption>\(XMLText.escape(caption))</figcaption>\n</figure>\n"
            }
        }
        return html + "</body>\n</html>\n"
    }

    private static let style = """
        body { font-family: sans-serif; color: #222222; max-width: 60em; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
        h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em; }
        table { border-collapse: collapse; margin: 1em 0; font-size: 0.9em; }
        caption { text-align: left; font-weight: bold; padding-bottom: 0.3em; }
        th, td { border-bottom: 1px solid #dddddd; padding: 0.25em 0.7em; text-align: left; }
        th { border-bottom: 2px solid #888888; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        figure { margin: 1.5em 0; }
        figure svg { width: 100%; height: auto; max-width: 800px; display: block; }
        figcaption { font-size: 0.9em; color: #555555; margin-top: 0.3em; }
        """

    private static func cell(_ cell: Cell) -> String {
        let text = cell.text
        if !cell.exact.isEmpty {
            let exact = cell.exact.map { CSVFormat.number($0.value) }
            let data = cell.exact.map { " data-\($0.name)=\"\(CSVFormat.number($0.value))\"" }.joined()
            let title = exact.count == 1 ? exact[0] : "[" + exact.joined(separator: ", ") + "]"
            return "<td class=\"num\" title=\"\(XMLText.escape(title))\"\(data)>" + XMLText.escape(text) + "</td>"
        }
        let numeric = Double(text) != nil || (text.hasSuffix("%") && Double(text.dropLast()) != nil)
        return (numeric ? "<td class=\"num\">" : "<td>") + XMLText.escape(text) + "</td>"
    }

    /// `svg` without a leading XML declaration or whitespace.
    private static func inlinable(_ svg: String) -> String {
        var text = Substring(svg).drop { $0.isWhitespace }
        if text.hasPrefix("<?xml"), let end = text.firstRange(of: "?>") {
            text = text[end.upperBound...].drop { $0.isWhitespace }
        }
        return String(text)
    }
}
