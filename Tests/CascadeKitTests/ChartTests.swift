import Foundation
import Testing
@testable import CascadeKit

@Suite("Chart axes")
struct ChartAxisTests {
    @Test("linear ticks are 1-2-5 multiples covering the data, computed exactly", arguments: [
        (0.0, 1.0, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (0, 97, [0, 20, 40, 60, 80, 100]),
        (3, 97, [0, 20, 40, 60, 80, 100]),
        (1.9, 10.1, [0, 2, 4, 6, 8, 10, 12]),
        (-3.2, 7.9, [-4, -2, 0, 2, 4, 6, 8]),
        (0, 0.07, [0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07]),
        (99_500, 100_300, [99_400, 99_600, 99_800, 100_000, 100_200, 100_400]),
        (1.2e9, 4.9e9, [1e9, 2e9, 3e9, 4e9, 5e9]),
    ] as [(Double, Double, [Double])])
    func linearTicks(_ a: Double, _ b: Double, _ expected: [Double]) {
        #expect(ChartAxis.niceTicks(a, b) == expected)
    }

    @Test("log ticks are powers of ten around the data, every k-th decade beyond ten", arguments: [
        (3.0, 3e6, [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7]),
        (0.02, 0.5, [0.01, 0.1, 1]),
        (1, 1000, [1, 10, 100, 1000]),
        (5, 5, [1, 10]),
        (1000, 1000, [100, 1000, 10_000]),
        (1, 1e30, [1, 1e3, 1e6, 1e9, 1e12, 1e15, 1e18, 1e21, 1e24, 1e27, 1e30]),
    ] as [(Double, Double, [Double])])
    func logTicks(_ a: Double, _ b: Double, _ expected: [Double]) {
        #expect(ChartAxis.decadeTicks(a, b) == expected)
    }

    @Test("a tight axis keeps the data's extent and the ticks inside it; a loose one ends at ticks")
    func tightAxis() {
        var extent = ChartAxis.Extent()
        extent.add(3600)
        extent.add(0)
        let tight = ChartAxis(extent: extent, scale: .linear, tight: true)
        #expect(tight.lower == 0 && tight.upper == 3600 && tight.ticks == [0, 1000, 2000, 3000])
        let loose = ChartAxis(extent: extent, scale: .linear)
        #expect(loose.lower == 0 && loose.upper == 4000 && loose.ticks == [0, 1000, 2000, 3000, 4000])
        #expect(tight.fraction(1800) == 0.5 && loose.fraction(1000) == 0.25)
    }

    @Test("degenerate extents still give an axis with a span")
    func degenerateExtents() {
        var single = ChartAxis.Extent()
        single.add(5)
        let axis = ChartAxis(extent: single, scale: .linear)
        #expect(axis.lower < 5 && axis.upper > 5)
        var zero = ChartAxis.Extent()
        zero.add(0)
        #expect(ChartAxis(extent: zero, scale: .linear, includeZero: true).ticks.first == 0)
        #expect(ChartAxis(extent: ChartAxis.Extent(), scale: .log).ticks == [1, 10])
        var huge = ChartAxis.Extent()
        huge.add(-1e300)
        huge.add(1e300)
        #expect(ChartAxis(extent: huge, scale: .linear).ticks.allSatisfy { $0.isFinite })
        var wide = ChartAxis.Extent()
        wide.add(1e-250)
        wide.add(1e250)
        #expect(ChartAxis(extent: wide, scale: .log).ticks.allSatisfy { $0.isFinite && $0 > 0 })
    }

    @Test("tick labels are compact, or percentages", arguments: [
        (0.0, AxisFormat.compact, "0"), (950, .compact, "950"), (1200, .compact, "1.2k"), (100_000, .compact, "100k"),
        (3.4e6, .compact, "3.4M"), (5e9, .compact, "5B"), (2.5e12, .compact, "2.5T"), (-1500, .compact, "-1.5k"),
        (0.25, .compact, "0.25"), (0.001, .compact, "0.001"), (2e-6, .compact, "2e-6"), (1e15, .compact, "1e15"),
        (0.05, .percent, "5%"), (0.125, .percent, "12.5%"), (1, .percent, "100%"), (.nan, .compact, ""),
    ] as [(Double, AxisFormat, String)])
    func labels(_ value: Double, _ format: AxisFormat, _ expected: String) {
        #expect(format.label(value) == expected)
    }

    @Test("text is escaped for XML and characters XML forbids are dropped")
    func escaping() {
        #expect(XMLText.escape("a<b & \"c\" 'd'>\u{1}\te") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\te")
        #expect(XMLText.escape("€ — naïve") == "€ — naïve")
    }

    @Test("the sequential scale runs from viridis' dark purple to its yellow")
    func sequentialColors() {
        #expect(ChartColors.sequential(0) == "#440154")
        #expect(ChartColors.sequential(1) == "#fde725")
        #expect(ChartColors.sequential(.nan) == "#440154")
        #expect(ChartColors.sequential(2) == "#fde725")
        #expect(ChartColors.sequential(0.5) == "#21908c")
    }
}

/// The chart kinds and the kinds of input each is tried with.
enum ChartSample: String, CaseIterable, Sendable {
    case fan, histogram, logHistogram, logLog, heatmap, lines, linesBand, linesLogX

    enum Input: String, CaseIterable, Sendable {
        case typical, empty, allNaN, someNonFinite, awkwardText

        var title: String { self == .awkwardText ? "Price <&> \"quoted\" 'single' & more" : "Price" }
        var label: String { self == .awkwardText ? "a<b & c>\"d\"'e'" : "label" }
        /// Whether nothing can be plotted.
        var isEmpty: Bool { self == .empty || self == .allNaN }

        /// `base` changed as this input asks: emptied, all NaN, or with NaN and ±∞ at some places.
        func values(_ base: [Double]) -> [Double] {
            switch self {
            case .typical, .awkwardText: base
            case .empty: []
            case .allNaN: base.map { _ in .nan }
            case .someNonFinite:
                base.enumerated().map { i, v in [3: .nan, 7: .infinity, 11: -.infinity][i] ?? v }
            }
        }

        /// Abscissae: with a NaN at index 9 when values are non-finite.
        func xs(_ base: [Double]) -> [Double] {
            switch self {
            case .someNonFinite: base.enumerated().map { $0 == 9 ? .nan : $1 }
            case .empty: []
            default: base
            }
        }
    }

    func svg(_ input: Input) -> String {
        let (title, label) = (input.title, input.label)
        let t = (0..<30).map { Double($0) * 60 }
        switch self {
        case .fan:
            let x = input.xs(t)
            func band(_ name: String, _ width: Double) -> FanBand {
                FanBand(label: name, lower: input.values(t.map { 100 - width - $0 / 600 }),
                        upper: input.values(t.map { 100 + width - $0 / 900 }))
            }
            return Chart.fan(title: title, xLabel: label, yLabel: label, x: x, groups: [
                FanGroup(name: label + " with feedback", bands: [band("5–95 %", 6), band("25–75 %", 2)],
                         median: input.values(t.map { 100 - $0 / 700 })),
                FanGroup(name: "fundamental", bands: [band("5–95 %", 4)], median: input.values(t.map { _ in 100 })),
            ])
        case .histogram, .logHistogram:
            let edges = input.xs([1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, .infinity])
            let counts = input.values([5, 9, 0, 2.5, 1, 0.25, 3, 4, 2, 1, 0, 7, 1e-3])
            return Chart.histogram(title: title, xLabel: label, yLabel: label, edges: edges, counts: counts,
                                   logX: self == .logHistogram)
        case .logLog:
            let x = input.xs((1...20).map { Double($0 * $0) })
            return Chart.logLog(title: title, xLabel: label, yLabel: label, series: [
                PointSeries(name: label, x: x, y: input.values(x.map { 1 / $0 })),
                PointSeries(name: "fit", x: x, y: input.values(x.map { 2 / $0 }), style: .line),
            ])
        case .heatmap:
            let values: [[Double]] = (0..<4).map { (r: Int) -> [Double] in
                input.values((0..<13).map { (c: Int) -> Double in Double((r * 7 + c * 3) % 5) * 1e6 })
            }
            return Chart.heatmap(title: title, xLabel: label, yLabel: label,
                                 xLabels: (0..<13).map { "\(label) \($0)" }, yLabels: (0..<4).map { "row \($0) \(label)" },
                                 values: input == .empty ? [] : values, valueLabel: label)
        case .lines, .linesBand, .linesLogX:
            let n = self == .linesBand ? 40 : 14
            let x = input.xs((1...n).map { Double($0) * 0.5 })
            let y = input.values(x.map { 0.1 * $0 })
            return Chart.lines(title: title, xLabel: label, yLabel: label, series: [
                LineSeries(name: label, x: x, y: y, lower: y.map { $0 - 0.05 }, upper: y.map { $0 + 0.05 }),
                LineSeries(name: "no interval", x: x, y: input.values(x.map { 0.2 * $0 })),
            ], logX: self == .linesLogX, yFormat: .percent)
        }
    }
}

@Suite("Charts")
struct ChartTests {
    /// The parsed chart, after checking it is well-formed.
    private func parse(_ svg: String) throws -> ParsedXML {
        let xml = ParsedXML(svg)
        try #require(xml.error == nil, "\(xml.error ?? "")\n\(svg)")
        return xml
    }

    @Test("every chart is well-formed SVG with its title, whatever the data and the text",
          arguments: ChartSample.allCases, ChartSample.Input.allCases)
    func wellFormed(_ sample: ChartSample, _ input: ChartSample.Input) throws {
        let svg = sample.svg(input)
        let xml = try parse(svg)
        let root = try #require(xml.elements.first)
        #expect(root.name == "svg" && root.attributes["xmlns"] == SVGWriter.namespace)
        #expect(root.attributes["viewBox"] == "0 0 800 480")
        #expect(xml.elements("title").first?.text == input.title)
        #expect(xml.elements("text").contains { $0.text == input.title })
        let saysNoData = xml.elements("text").contains { $0.text == "no data" }
        #expect(saysNoData == input.isEmpty)
        let marks = xml.elements.filter { $0.attributes.keys.contains { $0.hasPrefix("data-") } }
        #expect(marks.isEmpty == input.isEmpty)
        if !input.isEmpty {
            #expect(xml.elements("text").contains { $0.text == input.label })
        }
        // Nothing non-finite is written: not in geometry, not in plotted values.
        let geometry = ["x", "y", "cx", "cy", "r", "width", "height", "d", "transform", "data-y", "data-value",
                        "data-values", "data-lower", "data-upper"]
        for element in xml.elements {
            for key in geometry {
                guard let value = element.attributes[key]?.lowercased() else { continue }
                #expect(!value.contains("nan") && !value.contains("inf"), "\(element.name) \(key)=\(value)")
                #expect(!value.contains("  ") && value.first != " " && value.last != " ", "\(key)=\(value)")
            }
        }
    }

    @Test("charts contain no scripts, links or URIs but the SVG namespace",
          arguments: ChartSample.allCases, ChartSample.Input.allCases)
    func selfContained(_ sample: ChartSample, _ input: ChartSample.Input) {
        let svg = sample.svg(input).lowercased()
        for banned in ["<script", "href", "src=", "url(", "@import", "<image", "<foreignobject", "<!entity", "<!doctype"] {
            #expect(!svg.contains(banned), "\(banned)")
        }
        #expect(svg.components(separatedBy: "http").count == 2)
        #expect(svg.contains("xmlns=\"\(SVGWriter.namespace)\""))
        #expect(svg.contains("font-family: sans-serif;"))
    }

    @Test("histogram bars carry the counts and edges exactly; heights are proportional; open bins as wide as their neighbour",
          arguments: [false, true])
    func histogramData(_ logX: Bool) throws {
        let edges: [Double] = logX ? [0, 1, 10, 100, 1000, .infinity] : [-.infinity, 0, 0.5, 1, 1.5, .infinity]
        let counts: [Double] = [3, 0.1, 7.5, .nan, 2e-3]
        let svg = Chart.histogram(title: "Sizes", xLabel: "USD", yLabel: "paths", edges: edges, counts: counts, logX: logX)
        let bars = try parse(svg).elements("rect", with: "data-y")
        let drawn = [0, 1, 2, 4]
        #expect(bars.map { $0.attributes["data-y"] } == drawn.map { CSVFormat.number(counts[$0]) })
        #expect(bars.map { $0.number("data-y") } == drawn.map { counts[$0] })
        #expect(bars.map { $0.attributes["data-x"] } == drawn.map { CSVFormat.number(edges[$0]) })
        #expect(bars.map { $0.attributes["data-x2"] } == drawn.map { CSVFormat.number(edges[$0 + 1]) })
        #expect(bars.map { $0.attributes["data-open"] } == ["lower", nil, nil, "upper"])
        let width = bars.map { $0.number("width")! }, height = bars.map { $0.number("height")! }
        #expect(abs(width[0] - width[1]) <= 0.02 && abs(width[3] - width[2]) <= 0.02, "open bins: \(width)")
        for i in 1..<drawn.count {
            let expected = height[0] * counts[drawn[i]] / counts[0]
            #expect(abs(height[i] - expected) <= 0.02, "bar \(i): \(height[i]) vs \(expected)")
        }
    }

    @Test("histogram: counts and edges of different lengths use the bins that have both")
    func histogramMismatch() throws {
        let svg = Chart.histogram(title: "t", xLabel: "x", yLabel: "y", edges: [0, 1, 2], counts: [1, 2, 3, 4], logX: false)
        #expect(try parse(svg).elements("rect", with: "data-y").map { $0.number("data-y") } == [1, 2])
        let none = Chart.histogram(title: "t", xLabel: "x", yLabel: "y", edges: [5], counts: [1], logX: true)
        #expect(none.contains(">no data<"))
    }

    @Test("fan bands and medians carry their input values exactly, skipping non-finite ones")
    func fanData() throws {
        let n = 25
        var x = (0..<n).map { Double($0) * 0.1 }
        x[12] = .nan
        let lower = (0..<n).map { 100 - Double($0) / 3 }, upper = (0..<n).map { i in i == 5 ? .infinity : 101 + Double(i) / 7 }
        let inner = FanBand(label: "25–75 %", lower: lower.map { $0 + 0.3 }, upper: upper.map { $0 - 0.3 })
        var median = lower.map { $0 + 0.5 }
        median[20] = .nan
        let groups = [
            FanGroup(name: "traded (with feedback)", bands: [FanBand(label: "5–95 %", lower: lower, upper: upper), inner],
                     median: median),
            FanGroup(name: "fundamental (without feedback)", bands: [FanBand(label: "5–95 %", lower: lower, upper: upper)],
                     median: Array(median.prefix(10))),
        ]
        let xml = try parse(Chart.fan(title: "Price", xLabel: "time", yLabel: "USD", x: x, groups: groups))
        let bands = xml.elements("path", with: "data-band"), lines = xml.elements("path", with: "data-values")
            .filter { $0.attributes["data-band"] == nil }
        #expect(bands.count == 3 && lines.count == 2)
        let drawnBands = groups.flatMap { g in g.bands.map { (g.name, $0) } }
        for (element, (name, band)) in zip(bands, drawnBands) {
            let kept = (0..<n).filter { $0 != 12 && band.upper[$0].isFinite }
            let runs = [Array(0..<5), Array(6..<12), Array(13..<n)]
            #expect(element.attributes["data-series"] == name && element.attributes["data-band"] == band.label)
            #expect(element.numbers("data-x") == kept.map { x[$0] })
            #expect(element.numbers("data-lower") == kept.map { band.lower[$0] })
            #expect(element.numbers("data-upper") == kept.map { band.upper[$0] })
            #expect(element.attributes["data-upper"] == kept.map { CSVFormat.number(band.upper[$0]) }.joined(separator: " "))
            #expect(element.numbers("data-values") == runs.flatMap { $0.map { band.upper[$0] } + $0.reversed().map { band.lower[$0] } })
            #expect(element.attributes["d"]?.components(separatedBy: "M").count == 4, "three closed stretches")
        }
        let medianKept = (0..<n).filter { $0 != 12 && $0 != 20 }
        #expect(lines[0].numbers("data-values") == medianKept.map { median[$0] })
        #expect(lines[0].numbers("data-x") == medianKept.map { x[$0] })
        #expect(lines[1].numbers("data-values") == Array(median.prefix(10)))
        #expect(lines.map { $0.attributes["data-series"] } == groups.map(\.name))
        #expect(Set(bands.compactMap { $0.attributes["fill"] }).count == 2, "one colour per group")
    }

    @Test("log-log charts skip non-positive pairs and carry the others exactly")
    func logLogData() throws {
        let x: [Double] = [1, 10, 100, 0, -5, 1000, .nan, 3.7e9], y: [Double] = [1, 0.5, 0.1, 1, 1, 0.01, 1, 2e-12]
        let svg = Chart.logLog(title: "Tail", xLabel: "size", yLabel: "P(X > x)", series: [
            PointSeries(name: "empirical", x: x, y: y),
            PointSeries(name: "power law", x: [1, 1e10], y: [1, 1e-15], style: .line),
        ])
        let xml = try parse(svg)
        let points = xml.elements("circle", with: "data-x")
        #expect(points.map { $0.number("data-x")! } == [1, 10, 100, 1000, 3.7e9])
        #expect(points.map { $0.number("data-y")! } == [1, 0.5, 0.1, 0.01, 2e-12])
        let line = try #require(xml.elements(where: "data-series", is: "power law").first)
        #expect(line.name == "path" && line.numbers("data-values") == [1, 1e-15] && line.numbers("data-x") == [1, 1e10])
        // Decade ticks from 1e-15 to 1e10 (every third decade is labelled when more than ten).
        #expect(xml.elements("text").contains { $0.text == "1e-15" })
        #expect(xml.elements("text").contains { $0.text == "10B" })
    }

    @Test("line charts: markers carry x, y and their interval; whiskers for few points, a band for many",
          arguments: [5, 40])
    func linesData(_ n: Int) throws {
        let x = (1...n).map { Double($0) * 0.25 }
        var y = x.map { 1 / $0 }
        y[2] = .nan
        let lower = y.map { $0 * 0.9 }, upper = y.enumerated().map { $0 == 1 ? .nan : $1 * 1.1 }
        let svg = Chart.lines(title: "Fund depletion", xLabel: "leverage", yLabel: "probability", series: [
            LineSeries(name: "p(depleted)", x: x, y: y, lower: lower, upper: upper),
        ], logX: true, yFormat: .percent)
        let xml = try parse(svg)
        let kept = (0..<n).filter { $0 != 2 }
        let markers = xml.elements("circle", with: "data-y")
        #expect(markers.map { $0.number("data-x")! } == kept.map { x[$0] })
        #expect(markers.map { $0.number("data-y")! } == kept.map { y[$0] })
        #expect(markers.map { $0.number("data-lower") } == kept.map { $0 == 1 ? nil : lower[$0] })
        #expect(markers.map { $0.number("data-upper") } == kept.map { $0 == 1 ? nil : upper[$0] })
        let line = try #require(xml.elements("path", with: "data-values").first { $0.attributes["class"] == "line" })
        #expect(line.numbers("data-values") == kept.map { y[$0] })
        let band = xml.elements("path").first { $0.attributes["class"] == "band" }
        let whiskers = xml.elements("path").first { $0.attributes["class"] == "whisker" }
        #expect((band != nil) == (n > Chart.whiskerLimit) && (whiskers != nil) == (n <= Chart.whiskerLimit))
        if let band {
            let withInterval = kept.filter { $0 != 1 }
            #expect(band.numbers("data-lower") == withInterval.map { lower[$0] })
            #expect(band.numbers("data-upper") == withInterval.map { upper[$0] })
        }
        #expect(xml.elements("text").contains { $0.text.hasSuffix("%") })
    }

    @Test("heatmap cells carry row, column and value; zero is neutral; the scale spans min … max")
    func heatmapData() throws {
        let values: [[Double]] = [[0, 1, 2, .nan], [3, 0, 4e6], [5e6, 6, 7, 8, 9]]
        let svg = Chart.heatmap(title: "Liquidations", xLabel: "leverage", yLabel: "drawdown",
                                xLabels: ["1x", "2x", "5x", "10x"], yLabels: ["-1%", "-5%", "-10%"], values: values,
                                valueLabel: "liquidated USD")
        let xml = try parse(svg)
        let cells = xml.elements("rect", with: "data-value")
        var expected: [(Int, Int, Double)] = []
        for (r, row) in values.enumerated() { for (c, v) in row.enumerated() where v.isFinite { expected.append((r, c, v)) } }
        #expect(cells.count == expected.count)
        for (cell, (r, c, v)) in zip(cells, expected) {
            #expect(cell.attributes["data-row"] == String(r) && cell.attributes["data-column"] == String(c))
            #expect(cell.attributes["data-value"] == CSVFormat.number(v) && cell.number("data-value") == v)
            #expect((cell.attributes["fill"] == ChartColors.neutral) == (v == 0))
        }
        #expect(cells.first { $0.number("data-value") == 1 }?.attributes["fill"] == ChartColors.sequential(0))
        #expect(cells.first { $0.number("data-value") == 5e6 }?.attributes["fill"] == ChartColors.sequential(1))
        let texts = xml.elements("text").map(\.text)
        #expect(texts.contains("5M") && texts.contains("1") && texts.contains("liquidated USD") && texts.contains("10x"))
        // Cells stay inside the plot: row 0 at the bottom, above the x labels.
        let bottom = cells.filter { $0.attributes["data-row"] == "0" }.map { $0.number("y")! + $0.number("height")! }
        #expect(bottom.allSatisfy { abs($0 - PlotFrame.defaultBottom) <= 0.02 })
    }

    @Test("a series of 20,000 points is drawn quickly and reads back whole")
    func largeInput() throws {
        let n = 20_000
        let x = (0..<n).map(Double.init), y = x.map { $0.squareRoot() }
        let clock = ContinuousClock()
        var svg = ""
        let elapsed = clock.measure {
            svg = Chart.lines(title: "big", xLabel: "x", yLabel: "y", series: [LineSeries(name: "s", x: x, y: y)])
        }
        #expect(elapsed < .seconds(10), "\(elapsed)")
        let markers = try parse(svg).elements("circle", with: "data-y")
        #expect(markers.count == n && markers.last?.number("data-y") == y.last)
    }
}
