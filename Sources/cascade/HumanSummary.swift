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
    let seconds: Double
    let directory: String
    let files: [String]

    var text: String {
        let c = loaded.config
        let paths = builder.result.paths
        func column(_ m: PathMetric) -> [Double] { Array(paths.column(m)) }
        func mean(_ m: PathMetric) -> SampleSummary { SampleSummary(column(m), quantileLevels: [0.5, 0.99]) }
        let notional = mean(.liquidatedNotional)
        let ddTraded = mean(.maxDrawdownTraded)
        let ddFundamental = mean(.maxDrawdownFundamental)
        let badDebtPaths = column(.badDebt).filter { $0 > 0 }.count
        let depleted = column(.insuranceFundMin).filter { $0 <= 0 }.count
        let liquidatingPaths = column(.liquidations).filter { $0 > 0 }.count
        var lines: [String] = []
        lines.append("\(loaded.scenario.name): \(c.paths) paths × \(c.steps) steps of \(TimeSpan(seconds: c.stepSeconds)), "
                     + "\(c.ladder.positions.count) positions, open interest \(Format.money(c.ladder.openInterest))")
        lines.append("  liquidated notional      mean \(Format.money(notional.mean)) ± \(Format.money(notional.standardError)) (s.e.), "
                     + "median \(Format.money(notional.quantiles[0])), p99 \(Format.money(notional.quantiles[1]))")
        lines.append("  paths with liquidations  \(liquidatingPaths) of \(c.paths)")
        lines.append("  max drawdown (median)    traded \(Format.percent(ddTraded.quantiles[0])), fundamental \(Format.percent(ddFundamental.quantiles[0])); "
                     + "p99 traded \(Format.percent(ddTraded.quantiles[1])), fundamental \(Format.percent(ddFundamental.quantiles[1]))")
        lines.append("  insurance fund           depleted on \(depleted) paths, bad debt on \(badDebtPaths) paths "
                     + "(mean bad debt \(Format.money(mean(.badDebt).mean)))")
        lines.append("  wrote \(files.joined(separator: ", ")) to \(directory)/ in \(String(format: "%.2f", seconds)) s")
        return lines.joined(separator: "\n")
    }
}
