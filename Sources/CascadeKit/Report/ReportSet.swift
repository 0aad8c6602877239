import Foundation

/// Every report file of a ``ScenarioRun`` that the scenario's `report.outputs` asks for, as
/// (name, contents) pairs: the CSVs, the SVG charts and `report.html`. Pure: no I/O.
public struct ReportSet: Sendable {
    public let run: ScenarioRun
    public let statistics: RunStatistics
    /// The running estimates as paths accumulate.
    public let convergence: Convergence
    public let files: [(name: String, contents: String)]

    /// Builds the reports of `run`.
    public init(run: ScenarioRun) {
        self.run = run
        let loaded = run.loaded
        let result = run.result
        let config = result.config
        let outputs = loaded.outputs
        let statistics = RunStatistics(result: result, quantileLevels: loaded.quantiles, confidence: loaded.confidence,
                                       riskLevels: loaded.riskLevels, drawdownThresholds: loaded.drawdownThresholds,
                                       twin: run.twin != nil)
        self.statistics = statistics
        let convergence = Convergence(liquidated: result.paths.column(.liquidatedNotional), badDebt: result.paths.column(.badDebt),
                                      confidence: loaded.confidence)
        self.convergence = convergence
        let builder = ReportBuilder(result: result, quantiles: loaded.quantiles)
        var files: [(name: String, contents: String)] = []
        let wantsCharts = outputs.contains("charts")
        let timeSeries = outputs.contains("timeseries") || wantsCharts ? builder.timeSeriesQuantiles() : []

        if outputs.contains("summary") {
            files.append(("summary.csv", statistics.summaryCSV(symbols: config.symbols)))
            files.append(("convergence.csv", convergence.csv()))
        }
        if outputs.contains("paths") { files.append(("paths.csv", builder.pathsCSV(twin: run.twin != nil))) }
        if outputs.contains("timeseries") { files.append(("timeseries.csv", builder.timeSeriesCSV(timeSeries))) }
        if outputs.contains("probabilities") { files.append(("probabilities.csv", statistics.probabilitiesCSV())) }
        if outputs.contains("risk") { files.append(("risk.csv", statistics.riskCSV())) }
        if outputs.contains("cascades") {
            files.append(("cascades.csv", AnatomyReports.eventsCSV(result.events, symbols: config.symbols, stepSeconds: config.stepSeconds)))
            if let sizes = statistics.cascadeSizesCSV() { files.append(("cascade-sizes.csv", sizes)) }
            if let fit = statistics.cascadeFitCSV() { files.append(("cascade-fit.csv", fit)) }
        }
        if outputs.contains("map"), let map = result.liquidationMap {
            files.append(("liquidation-map.csv", AnatomyReports.mapCSV(map, paths: config.paths)))
        }
        if wantsCharts {
            let charts = Self.charts(result: result, statistics: statistics, levels: loaded.quantiles, timeSeries: timeSeries)
                + [("convergence.svg", convergence.chart())]
            files += charts
            files.append(("report.html", Self.html(run: run, statistics: statistics, convergence: convergence, charts: charts,
                                                   exactTimeSeries: builder.timeSeriesIsExact)))
        }
        self.files = files
    }

    /// The first report file holding a non-finite number (`inf`, `-inf`, `nan` as a field or an
    /// attribute value), with its line; nil when there is none — always, for a scenario that
    /// validated (docs/model.md, "Numeric limits"). A safety net: `cascade run` refuses to write
    /// a set where this finds one. Text the scenario wrote itself (a name, a symbol, the
    /// description: `name: NaN` is a name) is not a number.
    public func nonFiniteField() -> (file: String, line: Int)? {
        let scenario = run.loaded.scenario
        var texts = [scenario.name, scenario.description] + scenario.market.assets.map(\.symbol)
        for asset in scenario.market.assets { texts += (asset.model.regimes ?? []).map(\.name) }
        let words = texts.contains { Self.nonFiniteLine($0) != nil }
        for file in files {
            let line = Self.nonFiniteLine(file.contents) { content in
                !words || !Self.holdsOnlyText(content, texts: texts)
            }
            if let line { return (file.name, line) }
        }
        return nil
    }

    /// Whether `line`, with every occurrence of `texts` removed, holds no non-finite token.
    static func holdsOnlyText(_ line: String, texts: [String]) -> Bool {
        var content = line
        for t in texts.sorted(by: { $0.count > $1.count }) where !t.isEmpty {
            content = content.replacingOccurrences(of: t, with: " ")
            content = content.replacingOccurrences(of: XMLText.escape(t), with: " ")
        }
        return nonFiniteLine(content) == nil
    }

    /// The 1-based line of the first `inf` or `nan` token in `text` (case-insensitive, with an
    /// optional sign), delimited by a field or attribute boundary, on a line whose text `counts`
    /// accepts; nil when there is none.
    static func nonFiniteLine(_ text: String, counts: (String) -> Bool = { _ in true }) -> Int? {
        var text = text
        return text.withUTF8 { bytes -> Int? in
            let n = bytes.count
            @inline(__always) func lower(_ b: UInt8) -> UInt8 { b | 0x20 }
            @inline(__always) func boundary(_ b: UInt8) -> Bool {
                b == UInt8(ascii: ",") || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\n") || b == UInt8(ascii: " ")
                    || b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "=") || b == UInt8(ascii: "\r")
            }
            var i = 0, line = 1, counted = 0   // `line` is the line of byte `counted`
            while i + 2 < n {
                let c = lower(bytes[i])
                if (c == UInt8(ascii: "i") && lower(bytes[i + 1]) == UInt8(ascii: "n") && lower(bytes[i + 2]) == UInt8(ascii: "f"))
                    || (c == UInt8(ascii: "n") && lower(bytes[i + 1]) == UInt8(ascii: "a") && lower(bytes[i + 2]) == UInt8(ascii: "n")) {
                    var start = i
                    if start > 0 && (bytes[start - 1] == UInt8(ascii: "-") || bytes[start - 1] == UInt8(ascii: "+")) { start -= 1 }
                    let before = start == 0 || boundary(bytes[start - 1])
                    let after = i + 3 == n || boundary(bytes[i + 3])
                    if before && after {
                        while counted < i { if bytes[counted] == UInt8(ascii: "\n") { line += 1 }; counted += 1 }
                        var lineStart = i
                        while lineStart > 0 && bytes[lineStart - 1] != UInt8(ascii: "\n") { lineStart -= 1 }
                        while i < n && bytes[i] != UInt8(ascii: "\n") { i += 1 }
                        if counts(String(decoding: UnsafeBufferPointer(rebasing: bytes[lineStart..<i]), as: UTF8.self)) { return line }
                        // Not this line: go on after it.
                        continue
                    }
                }
                i += 1
            }
            return nil
        }
    }

    /// The names a run may write (for removing a previous run's files that this run does not
    /// write), for assets `symbols`.
    public static func knownNames(symbols: [String]) -> [String] {
        var names = ["summary.csv", "paths.csv", "timeseries.csv", "probabilities.csv", "risk.csv", "cascades.csv",
                     "cascade-sizes.csv", "cascade-fit.csv", "liquidation-map.csv", "liquidated-notional.svg",
                     "cascade-sizes.svg", "insurance-fund.svg", "report.html", "price-fan.svg", "liquidation-map.svg",
                     "convergence.csv", "convergence.svg", "report.pdf"]
        if symbols.count > 1 {
            for s in symbols { names += ["price-fan.\(s).svg", "liquidation-map.\(s).svg"] }
        }
        return names
    }

    static func charts(result: SimulationResult, statistics: RunStatistics, levels: [Double],
                       timeSeries: [[[Double]]]) -> [(name: String, contents: String)] {
        let config = result.config
        let symbols = config.symbols
        func perAsset(_ base: String, _ a: Int) -> String { symbols.count > 1 ? "\(base).\(symbols[a]).svg" : "\(base).svg" }
        var charts: [(name: String, contents: String)] = []
        for a in symbols.indices {
            charts.append((perAsset("price-fan", a), RunCharts.priceFan(config: config, asset: a, levels: levels, quantiles: timeSeries)))
        }
        charts.append(("insurance-fund.svg", RunCharts.insuranceFund(config: config, levels: levels, quantiles: timeSeries)))
        charts.append(("liquidated-notional.svg", RunCharts.liquidatedNotional(paths: result.paths)))
        if let sizes = statistics.cascadeSizes { charts.append(("cascade-sizes.svg", RunCharts.cascadeSizes(sizes))) }
        if let map = result.liquidationMap {
            for a in symbols.indices {
                charts.append((perAsset("liquidation-map", a), RunCharts.liquidationMap(map, asset: a, paths: config.paths)))
            }
        }
        return charts
    }

    /// `report.html`: the key numbers with their intervals, the probabilities, tail risk, the
    /// power-law fit and every chart, in one self-contained page.
    static func html(run: ScenarioRun, statistics: RunStatistics, convergence: Convergence, charts: [(name: String, contents: String)],
                     exactTimeSeries: Bool) -> String {
        let loaded = run.loaded
        let config = run.result.config
        let percent = Int((statistics.confidence * 100).rounded())
        var page = HTMLReport(title: "cascade — \(loaded.scenario.name)")
        if !loaded.scenario.description.isEmpty { page.addParagraph(loaded.scenario.description) }
        page.addParagraph("\(ReadableNumber.count.text(Double(config.paths))) paths × \(ReadableNumber.count.text(Double(config.steps))) steps of \(TimeSpan(seconds: config.stepSeconds)), "
                          + "\(ReadableNumber.count.text(Double(config.positionCount))) positions, open interest \(Self.money(config.openInterest)), seed \(config.seed). "
                          + "Intervals are \(percent)% confidence intervals: means by the normal approximation, probabilities by "
                          + "Wilson's score interval, quantiles from order statistics. "
                          + (run.twin != nil ? "The no-feedback twin runs the same draws with impact switched off. " : "")
                          + "Time-series quantiles are " + (exactTimeSeries ? "exact." : "from a quantile sketch with relative error ≤ \(config.timeSeries.mapping.relativeAccuracy)."))
        if let limits = statistics.probability("priceLimitHit"), limits.count > 0 {
            page.addParagraph("Model limits: on \(limits.count) of \(config.paths) paths a price limit of the model bound "
                              + "(the fundamental price reached its band, a factor 10⁹ from the start, or the impact saturated at a "
                              + "factor 10⁴); there the results are shaped by these caps, not by the market (priceLimitHits in paths.csv).")
        }
        let key: [PathMetric] = [.liquidatedNotional, .liquidations, .maxDrawdownTraded, .maxDrawdownFundamental, .amplification,
                                 .impactTriggeredShare, .cascadeEvents, .largestCascadeNotional, .maxOvershoot, .insuranceFundEnd,
                                 .badDebt, .adlNotional]
        var rows: [[HTMLReport.Cell]] = []
        for metric in key {
            guard let m = statistics.metric(metric) else { continue }
            let format = metric.readable
            let median = statistics.quantileLevels.firstIndex(of: 0.5).map { m.summary.quantiles[$0] } ?? .nan
            rows.append([HTMLReport.Cell(metric.name), .number(m.summary.mean, format),
                         .interval(m.meanInterval.lower, m.meanInterval.upper, format), .number(median, format),
                         .number(Double(m.summary.count), .count)])
        }
        page.addTable(caption: "Key metrics across paths (hover a number for every digit; full table: summary.csv)",
                      header: ["metric", "mean", "\(percent)% interval", "median", "paths"], cells: rows)
        page.addParagraph(convergence.sentence + " (convergence.csv, convergence.svg)")
        page.addTable(caption: "Probabilities (probabilities.csv)", header: ["event", "probability", "\(percent)% interval", "paths"],
                      cells: statistics.probabilities.map {
                          [HTMLReport.Cell($0.description), .number($0.estimate, .percent),
                           .interval($0.interval.lower, $0.interval.upper, .percent),
                           HTMLReport.Cell("\(ReadableNumber.count.text(Double($0.count))) of \(ReadableNumber.count.text(Double($0.paths)))")]
                      })
        var riskRows: [[HTMLReport.Cell]] = []
        for r in statistics.risks {
            for t in r.measures {
                riskRows.append([HTMLReport.Cell(r.quantity), .number(t.level, .percent), .number(t.valueAtRisk, .money),
                                 .number(t.expectedShortfall, .money), .number(t.expectedShortfallStandardError, .money)])
            }
        }
        page.addTable(caption: "Tail risk in USD (risk.csv)", header: ["quantity", "level", "VaR", "expected shortfall", "ES std. error"],
                      cells: riskRows)
        if let sizes = statistics.cascadeSizes {
            if let fit = sizes.fit {
                page.addParagraph("Cascade sizes: \(sizes.events) cascades. Above x_min = \(Self.money(fit.xmin)) (\(fit.tailCount) cascades) "
                                  + "the sizes fit a power law with exponent α = \(String(format: "%.3f", fit.alpha)) ± "
                                  + "\(String(format: "%.3f", fit.alphaStandardError)); KS distance \(String(format: "%.4f", fit.ksDistance))"
                                  + (fit.pValue.map { String(format: ", goodness-of-fit p = %.3f", $0) + ($0 < 0.1 ? " (a power law is not plausible at the 10% level)" : " (a power law is plausible)") } ?? "")
                                  + ". Method: \(PowerLawFit.method)")
            } else {
                page.addParagraph("Cascade sizes: \(sizes.events) cascades — too few in any tail for a power-law fit.")
            }
        }
        for chart in charts { page.addFigure(caption: RunCharts.caption(chart.name, confidence: statistics.confidence), svg: chart.contents) }
        addStories(to: &page, run: run)
        return page.render()
    }

    /// "The story of a few paths" (``PathStories``): per chosen path, its traded and fundamental
    /// prices, its liquidated notional per step and its fund, one stacked chart.
    static func addStories(to page: inout HTMLReport, run: ScenarioRun) {
        let stories = PathStories(results: run.result.paths, config: run.result.config)
        guard !stories.stories.isEmpty else { return }
        page.addHeading("The story of a few paths")
        page.addParagraph("Single paths re-simulated step by step exactly as the run simulated them (cascade trace SCENARIO --path I "
                          + "writes the same story as CSV): the paths with the median, the 99th-percentile and the largest liquidated "
                          + "notional, and the one whose insurance fund ended lowest (quantiles by nearest rank, ties to the lowest path "
                          + "index). In each: the traded price with feedback against the fundamental (no-feedback) price, the notional "
                          + "liquidated in each step, and the insurance fund.")
        for story in stories.stories {
            let trace = story.trace, report = TraceReport(trace: trace)
            let summary = "path \(story.path) — \(story.reasons.joined(separator: ", ")): "
                + "\(Self.money(trace.totals.last?.liquidatedNotional ?? 0)) liquidated in \(ReadableNumber.count.text(Double(trace.totals.last?.liquidations ?? 0))) liquidations"
                + (trace.totals.last.map { ", fund \(Self.money($0.fundBalance)) at the end" } ?? "")
            let chart = Chart.stacked(title: "Path \(story.path)", charts: [
                report.pricesChart(title: "Path \(story.path): traded and fundamental price"),
                report.liquidationsChart(),
                report.fundChart(title: "Path \(story.path): insurance fund"),
            ])
            page.addFigure(caption: summary, svg: chart)
        }
    }

    static func money(_ value: Double) -> String { ReadableNumber.money.text(value) }
}
