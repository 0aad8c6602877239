import Foundation

/// The report files of a ``PathTrace`` over steps `steps` (a closed range of step indices):
/// `trace.csv` (one row per step × asset), `trace-rounds.csv` (one row per cascade round) and
/// the charts `trace.svg` (traded and fundamental prices) and `trace-liquidations.svg`
/// (liquidated notional per step). Pure: no I/O. Numbers as ``CSVFormat/number(_:)`` writes
/// them; an empty field is undefined (the mark of an asset whose mark is the traded price).
public struct TraceReport: Sendable {
    public let trace: PathTrace
    public let steps: ClosedRange<Int>

    public init(trace: PathTrace, steps: ClosedRange<Int>) {
        precondition(steps.lowerBound >= 0 && steps.upperBound < trace.stepCount)
        self.trace = trace
        self.steps = steps
    }

    /// The whole path.
    public init(trace: PathTrace) {
        self.init(trace: trace, steps: 0...(trace.stepCount - 1))
    }

    /// The files, in the order written (names: ``fileNames``).
    public var files: [(name: String, contents: String)] {
        [("trace.csv", stepsCSV()), ("trace-rounds.csv", roundsCSV()), ("trace.svg", pricesChart()),
         ("trace-liquidations.svg", liquidationsChart())]
    }

    /// The names of the files `cascade trace` writes (besides `manifest.json`).
    public static let fileNames = ["trace.csv", "trace-rounds.csv", "trace.svg", "trace-liquidations.svg"]

    /// The columns of `trace.csv`; the suffix is the unit (`_s` seconds, `_usd` US dollars).
    public static let stepColumns = [
        "step", "time_s", "asset", "fundamentalPrice_usd", "tradedPrice_usd", "markPrice_usd", "impactLog", "impactFraction",
        "cascadeRounds", "liquidatedLongCount", "liquidatedLongNotional_usd", "liquidatedShortCount", "liquidatedShortNotional_usd",
        "partialCloses", "adlCount", "adlQuantity", "adlNotional_usd", "insuranceFund_usd", "pathLiquidatedNotional_usd",
        "pathLiquidations",
    ]

    /// The columns of `trace-rounds.csv`.
    public static let roundColumns = [
        "step", "time_s", "asset", "round", "roundPrice_usd", "executionPrice_usd", "liquidatedLongCount", "liquidatedLongNotional_usd",
        "liquidatedShortCount", "liquidatedShortNotional_usd", "partialCloses",
    ]

    /// One row per step × asset: the step's end (time_s = (step + 1)·Δt), the prices, the
    /// cascade's rounds and liquidations, and the path's fund and cumulative totals (over all
    /// assets: the same on each asset's row of a step).
    public func stepsCSV() -> String {
        var lines = [Self.stepColumns.joined(separator: ",")]
        let n = CSVFormat.number
        for s in steps {
            let totals = s < trace.totals.count ? trace.totals[s] : nil
            for (a, symbol) in trace.symbols.enumerated() {
                let t = trace.step(s, asset: a)
                let fields: [String] = [
                    String(s), n(Double(s + 1) * trace.stepSeconds), symbol, n(t.fundamentalPrice), n(t.tradedPrice),
                    t.markPrice.map(n) ?? "", n(t.logImpact), n(t.impactFraction), String(t.rounds),
                    String(t.longCount), n(t.longNotional), String(t.shortCount), n(t.shortNotional), String(t.partialCloses),
                    String(t.adlCount), n(t.adlQuantity), n(t.adlNotional),
                    totals.map { n($0.fundBalance) } ?? "", totals.map { n($0.liquidatedNotional) } ?? "",
                    totals.map { String($0.liquidations) } ?? "",
                ]
                lines.append(fields.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One row per cascade round within the steps.
    public func roundsCSV() -> String {
        var lines = [Self.roundColumns.joined(separator: ",")]
        let n = CSVFormat.number
        for r in trace.rounds where steps.contains(r.step) {
            let fields: [String] = [
                String(r.step), n(Double(r.step + 1) * trace.stepSeconds), trace.symbols[r.asset], String(r.round),
                n(r.roundPrice), n(r.executionPrice), String(r.longCount), n(r.longNotional), String(r.shortCount),
                n(r.shortNotional), String(r.partialCloses),
            ]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The end of each step, in seconds.
    var times: [Double] { steps.map { Double($0 + 1) * trace.stepSeconds } }

    /// The charts' time axis: hours from two hours of steps on, minutes from two minutes, else
    /// seconds (the CSVs keep seconds).
    var timeUnit: (label: String, seconds: Double) {
        let span = Double(steps.count) * trace.stepSeconds
        return span >= 7_200 ? ("time (hours)", 3_600) : span >= 120 ? ("time (minutes)", 60) : ("time (s)", 1)
    }

    /// The end of each step in the charts' time unit.
    var chartTimes: [Double] { times.map { $0 / timeUnit.seconds } }

    /// The most bars the liquidations chart draws: steps are grouped into at most this many
    /// bins of whole steps (a bar a step wide would be thinner than a pixel over a day of minutes).
    public static let barLimit = 240

    /// The traded price and the fundamental (no-feedback) price of each asset at the end of each
    /// step.
    public func pricesChart(title: String? = nil) -> String {
        var series: [LineSeries] = []
        let x = chartTimes
        // The fundamental first, so that the traded price is drawn over it where they agree.
        for (a, symbol) in trace.symbols.enumerated() {
            let prefix = trace.symbols.count > 1 ? symbol + " " : ""
            series.append(LineSeries(name: prefix + "fundamental (no feedback)", x: x,
                                     y: steps.map { trace.step($0, asset: a).fundamentalPrice }))
            series.append(LineSeries(name: prefix + "traded", x: x, y: steps.map { trace.step($0, asset: a).tradedPrice }))
        }
        return Chart.lines(title: title ?? "Path \(trace.path): traded and fundamental price", xLabel: timeUnit.label,
                           yLabel: "price (USD)", series: series, markers: steps.count <= Self.markerLimit)
    }

    /// The liquidated notional over all assets, as bars: per step, or per bin of whole steps
    /// when there are more than ``barLimit`` steps (each bar the sum of its steps). Bins without
    /// liquidations have no bar (but the first and the last, of height 0, which keep the time
    /// axis that of the prices).
    public func liquidationsChart(title: String? = nil) -> String {
        let width = (steps.count + Self.barLimit - 1) / Self.barLimit
        let bins = stride(from: steps.lowerBound, to: steps.upperBound, by: max(width, 1)).map { $0..<min($0 + max(width, 1), steps.upperBound) }
        let unit = timeUnit.seconds
        let edges = [Double(steps.lowerBound) * trace.stepSeconds / unit] + bins.map { Double($0.upperBound) * trace.stepSeconds / unit }
        let sums = bins.enumerated().map { i, bin -> Double in
            let v = bin.reduce(0.0) { $0 + trace.liquidatedNotional(step: $1) }
            return v == 0 && i != 0 && i != bins.count - 1 ? Double.nan : v
        }
        let per = width > 1 ? "per \(TimeSpan(seconds: Double(width) * trace.stepSeconds))" : "per step"
        return Chart.histogram(title: title ?? "Path \(trace.path): liquidated notional \(per)", xLabel: timeUnit.label,
                               yLabel: "liquidated notional (USD)", edges: edges, counts: sums)
    }

    /// The most steps whose prices and fund are drawn with a marker at each point; beyond, the
    /// lines alone carry the values.
    public static let markerLimit = 200

    /// The insurance fund's balance at the end of each step.
    public func fundChart(title: String? = nil) -> String {
        let y = steps.map { $0 < trace.totals.count ? trace.totals[$0].fundBalance : .nan }
        return Chart.lines(title: title ?? "Path \(trace.path): insurance fund", xLabel: timeUnit.label, yLabel: "fund (USD)",
                           series: [LineSeries(name: "insurance fund", x: chartTimes, y: y)], markers: steps.count <= Self.markerLimit)
    }
}
