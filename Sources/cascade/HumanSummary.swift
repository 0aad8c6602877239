import CascadeKit
import Foundation

/// Number formatting for the terminal.
enum Format {
    static func money(_ value: Double) -> String {
        if value.isNaN { return "–" }
        let a = abs(value)
        let (scaled, suffix): (Double, String) = a >= 1e9 ? (value / 1e9, "B") : a >= 1e6 ? (value / 1e6, "M") : a >= 1e3 ? (value / 1e3, "k") : (value, "")
        return "$" + String(format: suffix.isEmpty ? "%.2f" : "%.2f%@", scaled, suffix)
    }

    static func percent(_ value: Double) -> String {
        value.isNaN ? "–" : String(format: "%.2f%%", value * 100)
    }

    static func price(_ value: Double) -> String {
        value.isNaN ? "–" : String(format: "%.2f", value)
    }
}

/// The short human summary `cascade run` prints.
struct HumanSummary {
    let loaded: LoadedScenario
    let builder: ReportBuilder
    let summaries: [(column: PathColumn, summary: SampleSummary)]
    let seconds: Double
    let directory: String
    let files: [String]

    var text: String {
        let c = loaded.config
        let paths = builder.result.paths
        func count(_ m: PathMetric, where test: (Double) -> Bool) -> Int {
            paths.column(m).reduce(0) { test($1) ? $0 + 1 : $0 }
        }
        // The median and 99th percentile, exact, from the ascending sample of one metric.
        func summary(_ m: PathMetric, asset: Int? = nil) -> (mean: Double, standardError: Double, median: Double, p99: Double) {
            let column = PathColumn(m, asset: m.isPerAsset ? (asset ?? 0) : nil)
            let s = summaries.first { $0.column == column }!.summary
            let sorted = RadixSort.sorted(paths.column(column).filter { !$0.isNaN })
            return (s.mean, s.standardError, Quantiles.sorted(sorted, 0.5), Quantiles.sorted(sorted, 0.99))
        }
        let notional = summary(.liquidatedNotional)
        let ddTraded = summary(.maxDrawdownTraded)
        let ddFundamental = summary(.maxDrawdownFundamental)
        let badDebt = summary(.badDebt)
        let badDebtPaths = count(.badDebt) { $0 > 0 }
        let depleted = count(.insuranceFundMin) { $0 <= 0 }
        let liquidatingPaths = count(.liquidations) { $0 > 0 }
        var lines: [String] = []
        lines.append("\(loaded.scenario.name): \(c.paths) paths × \(c.steps) steps of \(TimeSpan(seconds: c.stepSeconds)), "
                     + "\(c.positionCount) positions, open interest \(Format.money(c.openInterest))")
        lines.append("  liquidated notional      mean \(Format.money(notional.mean)) ± \(Format.money(notional.standardError)) (s.e.), "
                     + "median \(Format.money(notional.median)), p99 \(Format.money(notional.p99))")
        lines.append("  paths with liquidations  \(liquidatingPaths) of \(c.paths)")
        if c.assets.count == 1 {
            lines.append("  max drawdown (median)    traded \(Format.percent(ddTraded.median)), fundamental \(Format.percent(ddFundamental.median)); "
                         + "p99 traded \(Format.percent(ddTraded.p99)), fundamental \(Format.percent(ddFundamental.p99))")
        } else {
            for (a, asset) in c.assets.enumerated() {
                let traded = summary(.maxDrawdownTraded, asset: a), fundamental = summary(.maxDrawdownFundamental, asset: a)
                lines.append("  max drawdown \(asset.symbol) (median) traded \(Format.percent(traded.median)), fundamental \(Format.percent(fundamental.median)); "
                             + "p99 traded \(Format.percent(traded.p99)), fundamental \(Format.percent(fundamental.p99))")
            }
        }
        lines.append("  insurance fund           depleted on \(depleted) paths, bad debt on \(badDebtPaths) paths "
                     + "(mean bad debt \(Format.money(badDebt.mean)))")
        let adlPaths = count(.adlCount) { $0 > 0 }
        if adlPaths > 0 {
            let adl = summary(.adlNotional), positions = summary(.adlCount)
            lines.append("  auto-deleveraging        on \(adlPaths) paths: mean \(Format.money(adl.mean)) notional, "
                         + "\(String(format: "%.0f", positions.mean)) positions per path")
        }
        let partialPaths = count(.partialLiquidations) { $0 > 0 }
        if partialPaths > 0 {
            lines.append("  partial liquidations     on \(partialPaths) paths: mean \(String(format: "%.1f", summary(.partialLiquidations).mean)) per path")
        }
        lines.append("  wrote \(files.joined(separator: ", ")) to \(directory)/ in \(String(format: "%.2f", seconds)) s")
        return lines.joined(separator: "\n")
    }
}
