import Foundation

/// The machine-readable summary `cascade run --json` prints on standard output: the run's shape,
/// every metric's mean with its interval and quantiles, every probability with its interval, tail
/// risk, the power-law fit and the files written. Undefined numbers are `null`.
public enum RunSummaryJSON {
    /// The JSON text for `reports`, written to `directory` in `seconds`.
    public static func text(_ reports: ReportSet, directory: String, seconds: Double) -> String {
        let run = reports.run, s = reports.statistics
        let config = run.result.config
        var metrics: [String: Any] = [:]
        for m in s.metrics {
            var quantiles: [String: Any] = [:]
            for (level, (q, interval)) in zip(s.quantileLevels, zip(m.summary.quantiles, m.quantileIntervals)) {
                quantiles[CSVFormat.quantileName(level)] = ["value": number(q), "ciLow": number(interval.lower), "ciHigh": number(interval.upper)]
            }
            metrics[m.column.name(symbols: config.symbols)] = [
                "count": m.summary.count, "mean": number(m.summary.mean), "stderr": number(m.summary.standardError),
                "ciLow": number(m.meanInterval.lower), "ciHigh": number(m.meanInterval.upper),
                "min": number(m.summary.minimum), "max": number(m.summary.maximum), "quantiles": quantiles,
            ]
        }
        var probabilities: [String: Any] = [:]
        for p in s.probabilities {
            probabilities[p.name] = ["count": p.count, "paths": p.paths, "probability": number(p.estimate),
                                     "ciLow": number(p.interval.lower), "ciHigh": number(p.interval.upper)]
        }
        var risk: [String: Any] = [:]
        for r in s.risks {
            var levels: [String: Any] = [:]
            for t in r.measures {
                levels[CSVFormat.number(t.level)] = ["valueAtRisk": number(t.valueAtRisk), "expectedShortfall": number(t.expectedShortfall),
                                                     "expectedShortfallStderr": number(t.expectedShortfallStandardError),
                                                     "tailCount": t.tailCount]
            }
            risk[r.quantity] = levels
        }
        var object: [String: Any] = [
            "scenario": run.loaded.scenario.name, "file": run.loaded.file, "paths": config.paths, "steps": config.steps,
            "stepSeconds": config.stepSeconds, "seed": config.seed, "positions": config.positionCount,
            "openInterest": config.openInterest, "confidence": s.confidence, "twin": run.twin != nil,
            "seconds": seconds, "directory": directory, "files": reports.files.map(\.name),
            "metrics": metrics, "probabilities": probabilities, "risk": risk,
        ]
        if let sizes = s.cascadeSizes {
            var cascades: [String: Any] = ["events": sizes.events]
            if let f = sizes.fit {
                cascades["powerLaw"] = ["alpha": number(f.alpha), "alphaStderr": number(f.alphaStandardError), "xmin": number(f.xmin),
                                        "tailCount": f.tailCount, "ksDistance": number(f.ksDistance),
                                        "pValue": f.pValue.map(number) ?? NSNull(), "method": PowerLawFit.method]
            } else {
                cascades["powerLaw"] = NSNull()
            }
            object["cascades"] = cascades
        }
        return serialize(object)
    }

    /// A JSON number, or null for NaN and infinities (JSON has neither).
    public static func number(_ x: Double) -> Any { x.isFinite ? x : NSNull() }

    /// Pretty-printed JSON with sorted keys.
    public static func serialize(_ object: Any) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
