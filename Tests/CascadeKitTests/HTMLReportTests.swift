import Foundation
import Testing
@testable import CascadeKit

@Suite("HTML report")
struct HTMLReportTests {
    static let awkward = "a<b & c>\"d\"'e' — naïve €"

    /// A report with every kind of block, two charts among them.
    static func sample() -> (html: String, figures: [String]) {
        let fan = Chart.fan(title: "Price", xLabel: "time (s)", yLabel: "USD", x: [0, 60, 120], groups: [
            FanGroup(name: "traded", bands: [FanBand(label: "5–95 %", lower: [99, 97, 95], upper: [101, 102, 104])],
                     median: [100, 99.5, 99]),
        ])
        let histogram = Chart.histogram(title: awkward, xLabel: "USD", yLabel: "paths", edges: [1, 10, 100, .infinity],
                                        counts: [3, 1, 0.5], logX: true)
        var report = HTMLReport(title: "flash-crash " + awkward)
        report.addHeading("Summary " + awkward)
        report.addParagraph("5,000 paths. " + awkward)
        report.addTable(caption: "Metrics " + awkward, header: ["metric", "p95 " + awkward],
                        rows: [["liquidated", "1200000"], [awkward, "5%"], ["ragged"]])
        report.addFigure(caption: "Price " + awkward, svg: fan)
        report.addFigure(caption: "Sizes", svg: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + histogram)
        return (report.render(), [fan, histogram])
    }

    @Test("the page is an HTML5 document that parses as XML, with every text escaped")
    func wellFormed() throws {
        let (html, _) = Self.sample()
        #expect(html.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"))
        #expect(html.contains("<meta charset=\"utf-8\"/>"))
        let xml = ParsedXML(html)
        try #require(xml.error == nil, "\(xml.error ?? "")")
        #expect(xml.elements.first?.name == "html")
        #expect(xml.elements("title").first?.text == "flash-crash " + Self.awkward)
        #expect(xml.elements("h1").first?.text == "flash-crash " + Self.awkward)
        #expect(xml.elements("h2").first?.text == "Summary " + Self.awkward)
        #expect(xml.elements("p").first?.text == "5,000 paths. " + Self.awkward)
        #expect(xml.elements("caption").first?.text == "Metrics " + Self.awkward)
        #expect(xml.elements("th").map(\.text) == ["metric", "p95 " + Self.awkward])
        #expect(xml.elements("td").map(\.text) == ["liquidated", "1200000", Self.awkward, "5%", "ragged"])
        #expect(xml.elements("td").map { $0.attributes["class"] } == [nil, "num", nil, "num", nil])
        #expect(xml.elements("figcaption").map(\.text) == ["Price " + Self.awkward, "Sizes"])
        #expect(html.contains("<td>a&lt;b &amp; c&gt;&quot;d&quot;&apos;e&apos; — naïve €</td>"))
        #expect(!html.contains(Self.awkward), "raw text never reaches the page")
    }

    @Test("each figure's SVG is inlined once, as given, without its XML declaration")
    func figuresInlined() throws {
        let (html, figures) = Self.sample()
        for svg in figures {
            #expect(html.components(separatedBy: svg).count == 2)
        }
        #expect(!html.contains("<?xml"))
        let xml = ParsedXML(html)
        #expect(xml.elements("svg").count == 2 && xml.elements("figure").count == 2)
        #expect(xml.elements("rect", with: "data-y").map { $0.number("data-y") } == [3, 1, 0.5])
    }

    @Test("the page has inline CSS only: no scripts, links, external fonts or images, no URI but the SVG namespace")
    func selfContained() {
        let (html, figures) = Self.sample()
        let text = html.lowercased()
        for banned in ["<script", "href", "src=", "url(", "@import", "@font-face", "<link", "<img", "<iframe", "<object"] {
            #expect(!text.contains(banned), "\(banned)")
        }
        #expect(text.components(separatedBy: "http").count == figures.count + 1)
        #expect(text.components(separatedBy: "http://www.w3.org/2000/svg").count == figures.count + 1)
        #expect(text.contains("<style>"))
    }

    @Test("an empty report is a valid page with its title")
    func emptyReport() throws {
        let html = HTMLReport(title: "").render()
        let xml = ParsedXML(html)
        try #require(xml.error == nil, "\(xml.error ?? "")")
        #expect(xml.elements("body").count == 1 && xml.elements("h1").first?.text == "")
    }
}
