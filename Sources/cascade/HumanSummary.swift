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
    let reports: ReportSet
    let seconds: Double
    let directory: String

    var text: String {
        let run = reports.run, stats = reports.statistics
        let c = run.result.config
        let percent = Int((stats.confidence * 100).rounded())
        func m(_ metric: PathMetric, asset: Int? = nil) -> RunStatistics.MetricSummary? {
            stats.metric(PathColumn(metric, asset: metric.isPerAsset ? (asset ?? 0) : nil))
        }
        func quantile(_ s: RunStatistics.MetricSummary, _ level: Double) -> Double {
            stats.quantileLevels.firstIndex(of: level).map { s.summary.quantiles[$0] } ?? .nan
        }
        func probability(_ name: String) -> String {
            guard let p = stats.probability(name) else { return "–" }
            return "\(Format.percent(p.estimate)) [\(Format.percent(p.interval.lower)), \(Format.percent(p.interval.upper))]"
        }
        var lines: [String] = []
        lines.append("\(run.loaded.scenario.name): \(c.paths) paths × \(c.steps) steps of \(TimeSpan(seconds: c.stepSeconds)), "
                     + "\(c.positionCount) positions, open interest \(Format.money(c.openInterest))")
        if let n = m(.liquidatedNotional) {
            lines.append("  liquidated notional      mean \(Format.money(n.summary.mean)) [\(Format.money(n.meanInterval.lower)), "
                         + "\(Format.money(n.meanInterval.upper))] (\(percent)% CI), median \(Format.money(quantile(n, 0.5))), "
                         + "p99 \(Format.money(quantile(n, 0.99)))")
        }
        lines.append("  paths with liquidations  \(stats.probability("anyLiquidation")?.count ?? 0) of \(c.paths)")
        lines.append("  " + reports.convergence.sentence.replacingOccurrences(of: "Convergence: ", with: "precision                "))
        for (a, asset) in c.assets.enumerated() {
            guard let traded = m(.maxDrawdownTraded, asset: a), let fundamental = m(.maxDrawdownFundamental, asset: a) else { continue }
            let name = c.assets.count == 1 ? "max drawdown (median)   " : "max drawdown \(asset.symbol) (median)"
            var line = "  \(name) traded \(Format.percent(quantile(traded, 0.5))), without feedback \(Format.percent(quantile(fundamental, 0.5)))"
                + "; p99 traded \(Format.percent(quantile(traded, 0.99))), without \(Format.percent(quantile(fundamental, 0.99)))"
            if let amplification = m(.amplification, asset: a), amplification.summary.count > 0 {
                line += "; amplification ×\(String(format: "%.2f", amplification.summary.mean))"
            }
            lines.append(line)
        }
        if let share = m(.impactTriggeredShare), share.summary.count > 0 {
            lines.append("  triggered by impact      \(Format.percent(share.summary.mean)) of liquidated notional (mean over paths that liquidated)")
        }
        if c.separateFunds {
            for (a, asset) in c.assets.enumerated() {
                let label = "fund \(asset.symbol) depleted".padding(toLength: 23, withPad: " ", startingAt: 0)
                lines.append("  \(label)  \(probability("insuranceFundDepleted.\(asset.symbol)")); bad debt \(probability("badDebt.\(asset.symbol)"))"
                             + (stats.metric(PathColumn(.badDebt, asset: a)).map { ", mean \(Format.money($0.summary.mean))" } ?? ""))
            }
        } else {
            lines.append("  insurance fund depleted  \(probability("insuranceFundDepleted")); any bad debt \(probability("badDebt"))"
                         + (m(.badDebt).map { ", mean \(Format.money($0.summary.mean))" } ?? ""))
        }
        if let adl = stats.probability("autoDeleveraging"), adl.count > 0, let notional = m(.adlNotional), let count = m(.adlCount) {
            lines.append("  auto-deleveraging        \(probability("autoDeleveraging")): mean \(Format.money(notional.summary.mean)) notional, "
                         + "\(String(format: "%.0f", count.summary.mean)) positions per path")
        }
        if let partial = stats.probability("partialLiquidation"), partial.count > 0, let count = m(.partialLiquidations) {
            lines.append("  partial liquidations     on \(partial.count) paths: mean \(String(format: "%.1f", count.summary.mean)) per path")
        }
        if c.hasAccounts, let accounts = m(.crossLiquidations), let notional = m(.crossLiquidatedNotional) {
            var line = "  cross accounts           mean \(String(format: "%.1f", accounts.summary.mean)) of \(c.crossAccounts!.count) liquidated per path, "
                + "\(Format.money(notional.summary.mean)) notional"
            if c.assets.count > 1 {
                let shares = c.assets.indices.compactMap { a -> String? in
                    guard let s = stats.metric(PathColumn(.contagionShare, asset: a)), s.summary.count > 0 else { return nil }
                    return "\(c.assets[a].symbol) \(Format.percent(s.summary.mean))"
                }
                if !shares.isEmpty { line += "; contagion share (liquidations triggered by other assets): " + shares.joined(separator: ", ") }
            }
            lines.append(line)
            if c.funding != nil, let paid = m(.fundingPaid), let received = m(.fundingReceived) {
                lines.append("  funding                  mean \(Format.money(paid.summary.mean)) paid, \(Format.money(received.summary.mean)) received by the accounts per path")
            }
        }
        if let limits = stats.probability("priceLimitHit"), limits.count > 0 {
            lines.append("  model price limits       reached on \(limits.count) of \(c.paths) paths (priceLimitHits in paths.csv): there "
                         + "the price sat at the model's band or impact saturated (docs/model.md, \"Numeric limits\")")
        }
        if let sizes = stats.cascadeSizes {
            var line = "  cascades                 \(sizes.events) events"
            if let fit = sizes.fit {
                let alpha = "α = \(String(format: "%.2f", fit.alpha)) ± \(String(format: "%.2f", fit.alphaStandardError))"
                if let p = fit.pValue, p < 0.1 {
                    line += "; the tail is not a plausible power law (best fit above \(Format.money(fit.xmin)): \(alpha), "
                        + String(format: "goodness-of-fit p = %.2f)", p)
                } else {
                    line += "; tail above \(Format.money(fit.xmin)) consistent with a power law, \(alpha)"
                        + (fit.pValue.map { String(format: " (goodness-of-fit p = %.2f)", $0) } ?? "")
                }
            }
            lines.append(line)
        }
        if let reported = run.loaded.scenario.reported {
            let check = PlausibilityCheck(reported: reported, paths: run.result.paths, confidence: stats.confidence)
            var line = "  reported for the event   \(Format.money(check.reportedLow))–\(Format.money(check.reportedHigh))"
                + (check.reportedLongShare.map { ", \(Format.percent($0)) long" } ?? "") + " (\(reported.event)); "
                + "median here \(Format.money(check.median)) [\(Format.money(check.medianInterval.lower)), \(Format.money(check.medianInterval.upper))]: "
                + check.placement.rawValue
            if !check.longShare.isNaN { line += "; \(Format.percent(check.longShare)) long" }
            if check.sideAgrees == false { line += ", on the other side" }
            lines.append(line)
        }
        lines.append("  wrote \(reports.files.count) files (\(reports.files.filter { $0.name.hasSuffix(".csv") }.count) CSV"
                     + (reports.files.contains { $0.name == "report.html" } ? ", charts and report.html" : "")
                     + ") to \(directory)/ in \(String(format: "%.2f", seconds)) s")
        return lines.joined(separator: "\n")
    }
}
