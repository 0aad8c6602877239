extension Chart {
    /// Charts stacked one above the other in one SVG document: each of `charts` (documents from
    /// ``Chart``, 800 × 480 user units) nested as it is, moved down by 480 per chart before it. The
    /// nested charts keep their titles, axes and `data-` attributes.
    ///
    /// - Complexity: O(total length of the charts).
    public static func stacked(title: String, charts: [String]) -> String {
        let width = SVGWriter.coordinate(SVGWriter.width), height = SVGWriter.coordinate(SVGWriter.height * Double(charts.count))
        var text = """
            <svg xmlns="\(SVGWriter.namespace)" class="cascade-chart" viewBox="0 0 \(width) \(height)" \
            width="\(width)" height="\(height)" role="img">
            <title>\(XMLText.escape(title))</title>

            """
        for (i, chart) in charts.enumerated() {
            var body = Substring(chart)
            if body.hasPrefix("<?xml"), let end = body.firstIndex(of: "\n") { body = body[body.index(after: end)...] }
            guard body.hasPrefix("<svg ") else { continue }
            text += "<svg y=\"\(SVGWriter.coordinate(SVGWriter.height * Double(i)))\" " + body.dropFirst("<svg ".count)
        }
        return text + "</svg>\n"
    }
}
