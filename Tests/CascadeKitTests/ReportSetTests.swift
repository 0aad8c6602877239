import Foundation
import Testing
@testable import CascadeKit

/// The full report set of a run: every file present, well-formed, and every plotted value equal
/// to the CSV it comes from.
@Suite("Report set")
struct ReportSetTests {
    /// The test scenario on a violent day, small enough to run in a second.
    static let reports: ReportSet = {
        let yaml = ScenarioText.valid
            .replacingOccurrences(of: "volatility: 0.5", with: "volatility: 1.5")
            .replacingOccurrences(of: "paths: 10", with: "paths: 120")
            .replacingOccurrences(of: "count: 100", with: "count: 2000")
            .replacingOccurrences(of: "depth: 5000000", with: "depth: 500000")
            .replacingOccurrences(of: "intensity: 10", with: "intensity: 3000")
        let loaded = try! ScenarioLoader.load(yaml: yaml, file: "t.yaml", directory: URL(fileURLWithPath: "/"))
        return ReportSet(run: ScenarioRun.execute(loaded, threads: 2))
    }()

    static func file(_ name: String) -> String? { reports.files.first { $0.name == name }?.contents }

    /// Rows of a CSV as dictionaries (no quoted commas in the files read here).
    static func rows(_ csv: String) -> [[String: String]] {
        let lines = csv.split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            return Dictionary(uniqueKeysWithValues: zip(header, fields))
        }
    }

    static func numbers(_ list: String?) -> [Double] { (list ?? "").split(separator: " ").map { Double($0)! } }

    @Test("every output is written; SVG and HTML are well-formed and self-contained")
    func files() {
        let names = Set(Self.reports.files.map(\.name))
        for name in ["summary.csv", "paths.csv", "timeseries.csv", "probabilities.csv", "risk.csv", "cascades.csv", "cascade-sizes.csv",
                     "cascade-fit.csv", "liquidation-map.csv", "price-fan.svg", "insurance-fund.svg", "liquidated-notional.svg",
                     "cascade-sizes.svg", "liquidation-map.svg", "report.html"] {
            #expect(names.contains(name), "\(name) missing")
        }
        for (name, text) in Self.reports.files where name.hasSuffix(".svg") || name.hasSuffix(".html") {
            #expect(ParsedXML(text).error == nil, "\(name): \(ParsedXML(text).error ?? "")")
            #expect(!text.contains("<script") && !text.contains("href=") && !text.contains("src="), "\(name)")
        }
        let html = Self.file("report.html")!
        for (name, text) in Self.reports.files where name.hasSuffix(".svg") {
            #expect(html.contains(text.replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", with: "")
                .prefix(200)), "\(name) not inlined")
        }
    }

    @Test("the price fan plots timeseries.csv: the medians and the outer bands")
    func fanMatchesTimeSeries() {
        let rows = Self.rows(Self.file("timeseries.csv")!)
        let svg = ParsedXML(Self.file("price-fan.svg")!)
        let medians = svg.elements("path", with: "data-values").filter { $0.attributes["class"] == "line" }
        #expect(medians.count == 2)
        let traded = rows.map { Double($0["tradedPrice_p50"]!)! }, fundamental = rows.map { Double($0["fundamentalPrice_p50"]!)! }
        #expect(Self.numbers(medians[0].attributes["data-values"]) == traded)
        #expect(Self.numbers(medians[1].attributes["data-values"]) == fundamental)
        let outer = svg.elements(where: "data-band", is: "p1–p99").first { $0.attributes["data-series"]?.hasPrefix("traded") == true }
        #expect(Self.numbers(outer?.attributes["data-lower"]) == rows.map { Double($0["tradedPrice_p1"]!)! })
        #expect(Self.numbers(outer?.attributes["data-upper"]) == rows.map { Double($0["tradedPrice_p99"]!)! })
    }

    @Test("the histogram counts paths.csv's liquidated notional; cascade sizes and the map plot their CSVs")
    func chartsMatchCSVs() {
        let paths = Self.rows(Self.file("paths.csv")!)
        let notional = paths.map { Double($0["liquidatedNotional"]!)! }
        let bars = ParsedXML(Self.file("liquidated-notional.svg")!).elements("rect", with: "data-y")
        #expect(bars.reduce(0) { $0 + Double($1.attributes["data-y"]!)! } == Double(paths.count))
        for bar in bars {
            let low = Double(bar.attributes["data-x"]!)!, high = Double(bar.attributes["data-x2"]!)!
            let isLast = bar.attributes["data-x2"] == bars.last!.attributes["data-x2"]
            let inside = notional.filter { $0 >= low && ($0 < high || (isLast && $0 <= high)) }.count
            #expect(Double(inside) == Double(bar.attributes["data-y"]!)!)
        }
        let sizes = Self.rows(Self.file("cascade-sizes.csv")!)
        let points = ParsedXML(Self.file("cascade-sizes.svg")!).elements("circle", with: "data-y")
        #expect(points.map { Double($0.attributes["data-y"]!)! } == sizes.map { Double($0["density"]!)! })
        // The heatmap's cells are the map's mean notional per (price bin, side and leverage).
        let map = Self.rows(Self.file("liquidation-map.csv")!)
        let cells = ParsedXML(Self.file("liquidation-map.svg")!).elements("rect", with: "data-value")
        let plotted = cells.map { Double($0.attributes["data-value"]!)! }.filter { $0 != 0 }.sorted()
        #expect(plotted == map.map { Double($0["meanNotional"]!)! }.sorted())
    }

    @Test("intervals contain their estimates; probabilities agree with paths.csv")
    func intervals() {
        for row in Self.rows(Self.file("summary.csv")!) where row["mean"] != "" && row["ciLow"] != "" {
            let mean = Double(row["mean"]!)!, low = Double(row["ciLow"]!)!, high = Double(row["ciHigh"]!)!
            #expect(low <= mean && mean <= high, "\(row["metric"]!)")
            let p50 = Double(row["p50"]!)!, pl = Double(row["p50_ciLow"]!)!, ph = Double(row["p50_ciHigh"]!)!
            #expect(pl <= p50 && p50 <= ph, "\(row["metric"]!)")
        }
        let paths = Self.rows(Self.file("paths.csv")!)
        for row in Self.rows(Self.file("probabilities.csv")!) {
            let p = Double(row["probability"]!)!, low = Double(row["ciLow"]!)!, high = Double(row["ciHigh"]!)!
            #expect(low <= p && p <= high, "\(row["event"]!)")
            #expect(Int(row["paths"]!)! == paths.count)
        }
        let depleted = paths.filter { Double($0["insuranceFundMin"]!)! <= 0 }.count
        #expect(Self.rows(Self.file("probabilities.csv")!).first { $0["event"] == "insuranceFundDepleted" }?["count"] == String(depleted))
        // Tail risk: ES ≥ VaR at every level.
        for row in Self.rows(Self.file("risk.csv")!) {
            #expect(Double(row["expectedShortfall"]!)! >= Double(row["valueAtRisk"]!)!, "\(row["quantity"]!) \(row["level"]!)")
        }
        // The twin ran: its columns are filled.
        #expect(paths.allSatisfy { $0["twinLiquidatedNotional"] != "" })
    }

    @Test("a volatility sweep on common random numbers: with longs only and a falling shock, less depth never liquidates less, path by path")
    func sweepMonotone() throws {
        let yaml = ScenarioText.valid
            .replacingOccurrences(of: "longShare: 0.6", with: "longShare: 1")
            .replacingOccurrences(of: "      model:", with: "      shocks:\n        - {at: 10m, move: -0.08, over: 5m}\n      model:")
            .replacingOccurrences(of: "count: 100", with: "count: 3000")
        var previous: PathResults? = nil
        for depth in ["20000000", "5000000", "1000000", "200000"] {
            let loaded = try ScenarioLoader.load(yaml: yaml, file: "t.yaml", directory: URL(fileURLWithPath: "/"),
                                                 overrides: ScenarioOverrides(assignments: [try ScenarioAssignment(parsing: "impact.depth=\(depth)")]))
            let paths = SimulationEngine(config: loaded.config).run(threads: 2).paths
            if let previous {
                for p in 0..<paths.paths {
                    #expect(paths[.liquidations, p] >= previous[.liquidations, p], "depth \(depth), path \(p)")
                    let entry = paths[.liquidatedLongNotionalAtEntry, p], before = previous[.liquidatedLongNotionalAtEntry, p]
                    #expect(entry >= before * (1 - 1e-12), "depth \(depth), path \(p)")
                    #expect(paths[.minTradedPrice, p] <= previous[.minTradedPrice, p] * (1 + 1e-12), "depth \(depth), path \(p)")
                }
            }
            previous = paths
        }
        // And the points really differ: the shallowest book liquidated more in total.
        #expect(previous!.column(.liquidations).reduce(0, +) > 0)
    }

    @Test("sweep grid and CSV: every combination, last key fastest, metrics with intervals")
    func sweepGrid() throws {
        let axes = [try SweepAxis(parsing: "impact.depth=1e6,2e6"),
                    try SweepAxis(parsing: "positions.synthetic.leverageMix={2: 0.5, 10: 0.5},{5: 1}")]
        #expect(axes[1].values == ["{2: 0.5, 10: 0.5}", "{5: 1}"])
        let grid = try Sweep.grid(axes)
        #expect(grid.map { $0.map(\.value) } == [["1e6", "{2: 0.5, 10: 0.5}"], ["1e6", "{5: 1}"], ["2e6", "{2: 0.5, 10: 0.5}"], ["2e6", "{5: 1}"]])
        let values = Sweep.measure(Self.reports.statistics)
        #expect(values.count == Sweep.metrics.count)
        let csv = Sweep.csv(axes: axes, points: grid.map { ($0, values) })
        let lines = csv.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[0].hasPrefix("impact.depth,positions.synthetic.leverageMix,liquidatedNotional,liquidatedNotional_ciLow"))
        #expect(lines[1].hasPrefix("1e6,\"{2: 0.5, 10: 0.5}\","))
        let charts = Sweep.charts(axes: axes, points: grid.map { ($0, values) })
        #expect(charts.count == Sweep.metrics.count && charts.allSatisfy { ParsedXML($0.contents).error == nil })
        #expect(throws: ScenarioError.self) { try SweepAxis(parsing: "impact.depth=") }
        #expect(throws: ScenarioError.self) { try SweepAxis(parsing: "=1,2") }
    }
}
