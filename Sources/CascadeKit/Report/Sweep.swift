import Foundation

/// One varied key of a sweep and its values: `--vary KEY=V1,V2,…`.
public struct SweepAxis: Sendable, Equatable {
    public var key: String
    public var values: [String]

    /// Parses `KEY=V1,V2,…`; commas inside `{…}` or `[…]` belong to the value (`--vary
    /// positions.synthetic.leverageMix={2: 0.5, 10: 0.5},{10: 1}`).
    public init(parsing text: String) throws(ScenarioError) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw .invalid(file: "--vary", issues: [ScenarioIssue("", "\(ErrorText.quoted(text)) is not KEY=V1,V2,…")])
        }
        key = String(text[..<equals])
        var values: [String] = [], current = "", depth = 0
        for ch in text[text.index(after: equals)...] {
            if ch == "{" || ch == "[" { depth += 1 }
            if ch == "}" || ch == "]" { depth -= 1 }
            if ch == "," && depth == 0 {
                values.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(ch)
            }
        }
        values.append(current.trimmingCharacters(in: .whitespaces))
        guard !values.contains(where: \.isEmpty) else {
            throw .invalid(file: "--vary", issues: [ScenarioIssue(ErrorText.clipped(key), "\(ErrorText.quoted(text)) has an empty value; expected KEY=V1,V2,…")])
        }
        self.values = values
        _ = try ScenarioAssignment(parsing: "\(key)=\(values[0])")
    }

    public init(key: String, values: [String]) {
        self.key = key
        self.values = values
    }
}

/// A sweep's risk metric at one grid point: an estimate with its confidence interval.
public struct SweepValue: Sendable, Equatable {
    public var estimate: Double
    public var lower: Double
    public var upper: Double
}

/// Volatility (or any key) sweeps: the same scenario run at every point of a grid of values,
/// each point on the **same random draws** — the seed, and so every path's innovations, jumps
/// and synthetic positions, are the same at every point (common random numbers). Differences
/// between points are then the effect of the varied keys, not Monte Carlo noise: path by path,
/// a change that can only make things worse does (tested).
public enum Sweep {
    /// The risk metrics of sweep.csv, in order.
    public static let metrics: [(name: String, description: String, format: AxisFormat)] = [
        ("liquidatedNotional", "mean liquidated notional per path (USD)", .compact),
        ("liquidations", "mean positions liquidated per path", .compact),
        ("maxDrawdownTraded", "mean largest fall of the traded price", .percent),
        ("amplification", "mean drawdown amplification against the no-feedback twin", .compact),
        ("impactTriggeredShare", "mean share of liquidations triggered by impact", .percent),
        ("badDebt", "mean bad debt per path (USD)", .compact),
        ("insuranceFundDepleted", "probability that the insurance fund is depleted", .percent),
        ("anyBadDebt", "probability of any bad debt", .percent),
        ("autoDeleveraging", "probability of auto-deleveraging", .percent),
        ("insuranceFundLossES", "expected shortfall of the insurance-fund loss at the highest risk level (USD)", .compact),
        ("cascadeEvents", "mean cascade events per path", .compact),
        ("largestCascadeNotional", "mean size of a path's largest cascade (USD)", .compact),
    ]

    /// How metric `m` of ``metrics`` is written for people.
    public static func readable(_ m: Int) -> ReadableNumber {
        let metric = metrics[m]
        if let path = PathMetric.allCases.first(where: { $0.name == metric.name }) { return path.readable }
        return metric.format == .percent ? .percent : .money
    }

    /// The grid of assignments: every combination of the axes' values, the last axis varying
    /// fastest. Two axes of the same key (or one inside the other's) are refused: the later
    /// would silently win at every point (``refuseOverlaps(_:)``).
    public static func grid(_ axes: [SweepAxis]) throws(ScenarioError) -> [[ScenarioAssignment]] {
        try refuseOverlaps(axes)
        var points: [[ScenarioAssignment]] = [[]]
        for axis in axes {
            var next: [[ScenarioAssignment]] = []
            for point in points {
                for value in axis.values {
                    next.append(point + [try ScenarioAssignment(parsing: "\(axis.key)=\(value)")])
                }
            }
            points = next
        }
        return points
    }

    /// A key path as the scenario resolves it: list indices as numbers (`assets.00` and
    /// `assets.0` are one item).
    static func canonical(_ key: String) -> [String] {
        key.split(separator: ".", omittingEmptySubsequences: false).map { part in Int(part).map(String.init) ?? String(part) }
    }

    /// Refuses two axes that set the same key, or one a key inside the other's
    /// (`simulation` and `simulation.paths`).
    public static func refuseOverlaps(_ axes: [SweepAxis]) throws(ScenarioError) {
        for (j, later) in axes.enumerated() {
            for earlier in axes[..<j] {
                let a = canonical(earlier.key), b = canonical(later.key)
                if a == b {
                    throw .invalid(file: "--vary", issues: [ScenarioIssue(ErrorText.clipped(later.key), "is varied by two --vary options; expected each key in one --vary with all its values")])
                }
                if a.starts(with: b) || b.starts(with: a) {
                    let (outer, inner) = a.count < b.count ? (earlier.key, later.key) : (later.key, earlier.key)
                    throw .invalid(file: "--vary", issues: [ScenarioIssue(ErrorText.clipped(inner), "is inside \(ErrorText.clipped(outer)), which another --vary sets; expected keys that do not overlap")])
                }
            }
        }
    }

    /// Refuses an axis that an option would override at every point: `--vary simulation.paths`
    /// with `--paths`, `--vary seed` with `--seed` (every point would run alike).
    public static func refuseOverridden(_ axes: [SweepAxis], paths: Bool, seed: Bool) throws(ScenarioError) {
        for axis in axes {
            let key = canonical(axis.key)
            if paths && key == ["simulation", "paths"] {
                throw .invalid(file: "--vary", issues: [ScenarioIssue(axis.key, "is varied but --paths sets it at every point; expected --vary simulation.paths or --paths, not both")])
            }
            if seed && key == ["seed"] {
                throw .invalid(file: "--vary", issues: [ScenarioIssue(axis.key, "is varied but --seed sets it at every point; expected --vary seed or --seed, not both")])
            }
        }
    }

    /// The metrics of one run, in the order of ``metrics``.
    public static func measure(_ statistics: RunStatistics) -> [SweepValue] {
        let z = NormalDistribution.quantile((1 + statistics.confidence) / 2)
        func mean(_ metric: PathMetric) -> SweepValue {
            guard let m = statistics.metric(metric) else { return SweepValue(estimate: .nan, lower: .nan, upper: .nan) }
            return SweepValue(estimate: m.summary.mean, lower: m.meanInterval.lower, upper: m.meanInterval.upper)
        }
        func probability(_ name: String) -> SweepValue {
            guard let p = statistics.probability(name) else { return SweepValue(estimate: .nan, lower: .nan, upper: .nan) }
            return SweepValue(estimate: p.estimate, lower: p.interval.lower, upper: p.interval.upper)
        }
        let es: SweepValue = {
            guard let t = statistics.risks.first(where: { $0.quantity == "insuranceFundLoss" })?.measures.last else {
                return SweepValue(estimate: .nan, lower: .nan, upper: .nan)
            }
            return SweepValue(estimate: t.expectedShortfall, lower: t.expectedShortfall - z * t.expectedShortfallStandardError,
                              upper: t.expectedShortfall + z * t.expectedShortfallStandardError)
        }()
        return [mean(.liquidatedNotional), mean(.liquidations), mean(.maxDrawdownTraded), mean(.amplification),
                mean(.impactTriggeredShare), mean(.badDebt), probability("insuranceFundDepleted"), probability("badDebt"),
                probability("autoDeleveraging"), es, mean(.cascadeEvents), mean(.largestCascadeNotional)]
    }

    /// `sweep.csv`: one row per grid point, the varied keys' values, then each metric with its
    /// interval.
    public static func csv(axes: [SweepAxis], points: [(assignments: [ScenarioAssignment], values: [SweepValue])]) -> String {
        var header = axes.map(\.key)
        for m in metrics { header += [m.name, "\(m.name)_ciLow", "\(m.name)_ciHigh"] }
        var lines = [header.map(CSVFormat.quoted).joined(separator: ",")]
        for point in points {
            var fields = point.assignments.map { CSVFormat.quoted($0.value) }
            for v in point.values { fields += [CSVFormat.number(v.estimate), CSVFormat.number(v.lower), CSVFormat.number(v.upper)] }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One chart per metric against the first varied key (numeric values on the x axis, else
    /// the values' positions), one series per combination of the other keys.
    public static func charts(axes: [SweepAxis], points: [(assignments: [ScenarioAssignment], values: [SweepValue])])
        -> [(name: String, contents: String)] {
        guard let first = axes.first else { return [] }
        let numeric = first.values.allSatisfy { Double($0) != nil }
        func x(_ value: String) -> Double { numeric ? Double(value)! : Double(first.values.firstIndex(of: value)!) }
        // Series keyed by the other keys' values, in grid order.
        var order: [String] = []
        var groups: [String: [Int]] = [:]
        for (i, point) in points.enumerated() {
            let label = point.assignments.dropFirst().map(\.description).joined(separator: ", ")
            if groups[label] == nil { order.append(label) }
            groups[label, default: []].append(i)
        }
        return metrics.enumerated().map { m, metric in
            let series = order.map { label -> LineSeries in
                let idx = groups[label]!
                return LineSeries(name: label.isEmpty ? metric.name : label, x: idx.map { x(points[$0].assignments[0].value) },
                                  y: idx.map { points[$0].values[m].estimate }, lower: idx.map { points[$0].values[m].lower },
                                  upper: idx.map { points[$0].values[m].upper })
            }
            let xLabel = numeric ? first.key : "\(first.key) (0 = \(first.values[0]), …)"
            return ("sweep-\(metric.name).svg", Chart.lines(title: metric.description, xLabel: xLabel, yLabel: metric.name,
                                                             series: series, yFormat: metric.format))
        }
    }
}
