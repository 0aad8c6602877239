import Foundation

/// One policy of `cascade compare`: a name and the scenario values it sets,
/// `--policy NAME=KEY=VALUE;KEY=VALUE;…` (`--policy venue=` is the scenario as written).
public struct ComparePolicy: Sendable, Equatable {
    public var name: String
    public var assignments: [ScenarioAssignment]

    public init(name: String, assignments: [ScenarioAssignment]) {
        self.name = name
        self.assignments = assignments
    }

    /// The assignments as given, `KEY=VALUE` joined by `;` (empty for none).
    public var overrides: String { assignments.map(\.description).joined(separator: ";") }

    /// Parses `NAME=` followed by zero or more `KEY=VALUE` separated by `;`. A `;` inside `{…}` or
    /// `[…]` belongs to the value. The name is 1–64 characters `A–Z a–z 0–9 . _ -`.
    public init(parsing text: String) throws(ScenarioError) {
        func refuse(_ location: String, _ message: String) -> ScenarioError {
            .invalid(file: "--policy", issues: [ScenarioIssue(location, message)])
        }
        guard let equals = text.firstIndex(of: "=") else {
            throw refuse("", "\(ErrorText.quoted(text)) has no '='; expected NAME=KEY=VALUE;KEY=VALUE;… (or NAME= for the scenario as written)")
        }
        let name = String(text[..<equals])
        guard !name.isEmpty else {
            throw refuse("", "\(ErrorText.quoted(text)) has no name before '='; expected NAME=KEY=VALUE;… with a NAME of letters, digits, '.', '_' or '-'")
        }
        guard name.count <= 64, name.unicodeScalars.allSatisfy(Self.isNameCharacter) else {
            throw refuse("", "\(ErrorText.quoted(name)) is not a policy name; expected 1–64 letters, digits, '.', '_' or '-'")
        }
        var parts: [String] = [], current = "", depth = 0
        for ch in text[text.index(after: equals)...] {
            if ch == "{" || ch == "[" { depth += 1 }
            if ch == "}" || ch == "]" { depth -= 1 }
            if ch == ";" && depth == 0 {
                parts.append(current.trimmingCharacters(in: .whitespaces))
                current = ""
            } else {
                current.append(ch)
            }
        }
        parts.append(current.trimmingCharacters(in: .whitespaces))
        if parts == [""] { parts = [] }
        var assignments: [ScenarioAssignment] = []
        for part in parts {
            guard !part.isEmpty else {
                throw refuse(name, "has an empty assignment between ';'; expected KEY=VALUE;KEY=VALUE;…")
            }
            do {
                assignments.append(try ScenarioAssignment(parsing: part, option: "--policy"))
            } catch {
                throw .invalid(file: "--policy", issues: error.issues.map {
                    ScenarioIssue($0.location.isEmpty ? name : "\(name): \($0.location)", $0.message)
                })
            }
        }
        self.init(name: name, assignments: assignments)
    }

    static func isNameCharacter(_ c: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(c) || ("a"..."z").contains(c) || ("0"..."9").contains(c) || c == "." || c == "_" || c == "-"
    }
}

/// One metric of a comparison: the mean of a per-path column, or the probability of an event,
/// read per path as an indicator (1 where it happened, 0 elsewhere).
public struct ComparedMetric: Sendable, Equatable {
    /// What is estimated from the column.
    public enum Statistic: Sendable, Equatable {
        /// The mean over the paths where the value is defined (not NaN).
        case mean
        /// The share of paths where the value is > 0.
        case probabilityPositive
        /// The share of paths where the value is ≤ 0.
        case probabilityAtMostZero
    }

    /// The name in compare.csv.
    public var name: String
    /// The per-path column it is computed from.
    public var column: PathColumn
    public var statistic: Statistic
    public var description: String
    public var format: AxisFormat

    public init(name: String, column: PathColumn, statistic: Statistic, description: String, format: AxisFormat) {
        self.name = name
        self.column = column
        self.statistic = statistic
        self.description = description
        self.format = format
    }

    public var isProbability: Bool { statistic != .mean }

    /// How its estimates are written for people: probabilities as percentages, means as the
    /// column's metric.
    public var readable: ReadableNumber { isProbability ? .percent : column.metric.readable }

    /// The per-path value compared: the column's value, or the event's indicator 0/1 (never NaN:
    /// an undefined value is no event, as probabilities.csv counts it).
    public func value(_ x: Double) -> Double {
        switch statistic {
        case .mean: x
        case .probabilityPositive: x > 0 ? 1 : 0
        case .probabilityAtMostZero: x <= 0 ? 1 : 0
        }
    }
}

extension PathMetric {
    /// Whether `cascade compare` reports the metric's mean (per column, in every policy whose
    /// runs all have the column; see ``PolicyComparison/metrics(columns:symbols:insuranceFund:)``).
    /// A metric that only some runs have (the twin's, the cross accounts') is compared when every
    /// policy has it, and left out otherwise.
    public var isCompared: Bool {
        switch self {
        case .liquidatedNotional, .liquidations, .maxDrawdownTraded, .amplification, .impactTriggeredShare, .badDebt,
             .cascadeEvents, .largestCascadeNotional, .insuranceFundEnd, .adlNotional, .adlCoveredDeficit: true
        case .adlOvershoot, .adlWinnersHaircut, .adlHaircutPerWinner, .adlTopShare, .adlGini, .minDepthShare, .disposalPendingMax,
             .disposalPnL, .disposalLastHeld, .vaultPnL, .vaultExhausted: true
        default: false
        }
    }
}

/// `cascade compare`: several policies — the scenario with different values of some keys — run
/// on **common random numbers** (the same seed and paths, so path i sees the same draws under
/// every policy), each metric reported per policy and as a **paired difference** against the
/// first policy.
///
/// For a metric x and paths i = 1…n, the paired difference of policy B against the first
/// policy A is d_i = x_i(B) − x_i(A), and its estimate and interval are
///
///     d̄ = (1/n) Σ d_i,   d̄ ± z·s_d/√n,   z = Φ⁻¹((1 + confidence)/2),
///
/// with s_d the sample standard deviation of the d_i (n − 1 in the denominator). Because
/// s_d² = s_A² + s_B² − 2·cov(A, B), the interval is narrower than the unpaired one,
/// (x̄_B − x̄_A) ± z·√((s_A² + s_B²)/n), by as much as the policies' outcomes are positively
/// correlated path by path — which they are when the policies see the same draws. For a
/// probability the d_i are differences of indicators (−1, 0 or 1) and the interval is the same
/// normal one, cut to [−1, 1]; each policy's own probability has a Wilson interval, as in
/// probabilities.csv.
///
/// Metrics undefined on some paths (`amplification` when the no-feedback drawdown is 0,
/// `largestCascadeNotional` on a path without a cascade) are averaged over the paths where they
/// are defined; their paired difference is over the paths where they are defined under both
/// policies, so it need not equal the difference of the two means.
///
/// Not covered: intervals are per metric and per policy (no correction for comparing many), and
/// the normal approximation needs enough paths for the mean of d to be near normal (with heavy
/// tails or rare events, few paths give intervals that are too narrow).
public struct PolicyComparison: Sendable {
    /// One policy's per-path values of every metric its run has.
    public struct PolicyPaths: Sendable {
        public var policy: ComparePolicy
        /// The metrics this run can report, in order.
        public var metrics: [ComparedMetric]
        /// Per metric name, the per-path values (``ComparedMetric/value(_:)``), in path order.
        public var values: [String: [Double]]

        public init(policy: ComparePolicy, metrics: [ComparedMetric], values: [String: [Double]]) {
            self.policy = policy
            self.metrics = metrics
            self.values = values
        }

        /// The values of a run: every metric of ``PolicyComparison/metrics(columns:symbols:insuranceFund:)``
        /// over its columns (the twin's only when it ran).
        public init(policy: ComparePolicy, result: SimulationResult, twin: Bool) {
            let paths = result.paths
            let columns = paths.columns.filter { twin || !$0.metric.needsTwin }
            let metrics = PolicyComparison.metrics(columns: columns, symbols: paths.symbols,
                                                   insuranceFund: result.config.insuranceFund > 0)
            var values: [String: [Double]] = [:]
            for m in metrics { values[m.name] = paths.column(m.column).map(m.value) }
            self.init(policy: policy, metrics: metrics, values: values)
        }
    }

    /// One row of compare.csv: a policy's estimate of a metric, and its paired difference against
    /// the first policy (nil for the first).
    public struct Row: Sendable, Equatable {
        public var policy: String
        public var overrides: String
        public var metric: String
        public var estimate: Double
        public var interval: Interval
        public var difference: Double?
        public var differenceInterval: Interval?
        /// The paths with a defined difference (all paths unless the metric is undefined on some).
        public var pairs: Int?
    }

    public let policies: [ComparePolicy]
    /// The metrics every policy has, in the first policy's order.
    public let metrics: [ComparedMetric]
    public let confidence: Double
    public let paths: Int
    /// Per policy, then per metric (in the order of ``metrics``).
    public let rows: [[Row]]

    /// The metrics compared for a run with `columns`: the mean of every column whose metric
    /// ``PathMetric/isCompared``, then the probabilities of probabilities.csv that sweep reports —
    /// the insurance fund depleted (`insuranceFundMin` ≤ 0; only with a fund), any bad debt
    /// (`badDebt` > 0) and auto-deleveraging (`adlCount` > 0). The one list `cascade compare`
    /// uses; a metric counts as present in a comparison when every policy's list has its name.
    public static func metrics(columns: [PathColumn], symbols: [String], insuranceFund: Bool) -> [ComparedMetric] {
        var metrics: [ComparedMetric] = columns.filter(\.metric.isCompared).map { column in
            let percent: Set<PathMetric> = [.maxDrawdownTraded, .impactTriggeredShare]
            return ComparedMetric(name: column.name(symbols: symbols), column: column, statistic: .mean,
                                  description: "mean \(column.name(symbols: symbols)): \(column.metric.summary)",
                                  format: percent.contains(column.metric) ? .percent : .compact)
        }
        let present = Set(columns)
        if insuranceFund && present.contains(PathColumn(.insuranceFundMin)) {
            metrics.append(ComparedMetric(name: "insuranceFundDepleted", column: PathColumn(.insuranceFundMin),
                                          statistic: .probabilityAtMostZero,
                                          description: "probability that the insurance fund is depleted", format: .percent))
        }
        if present.contains(PathColumn(.badDebt)) {
            metrics.append(ComparedMetric(name: "anyBadDebt", column: PathColumn(.badDebt), statistic: .probabilityPositive,
                                          description: "probability of any bad debt", format: .percent))
        }
        if present.contains(PathColumn(.adlCount)) {
            metrics.append(ComparedMetric(name: "autoDeleveraging", column: PathColumn(.adlCount), statistic: .probabilityPositive,
                                          description: "probability of auto-deleveraging", format: .percent))
        }
        return metrics
    }

    /// The paired difference of `b` against `a`, path by path: d̄ and d̄ ± z·s_d/√n over the paths
    /// where both are defined, and that number of paths. (NaN, undefined) with fewer than 2 pairs.
    /// - Complexity: O(n).
    public static func pairedDifference(_ a: [Double], _ b: [Double], confidence: Double)
        -> (estimate: Double, interval: Interval, pairs: Int) {
        precondition(a.count == b.count, "\(a.count) and \(b.count) paths: a paired difference needs the same paths")
        let d = zip(b, a).map { $0 - $1 }
        let summary = SampleSummary(d, quantileLevels: [])
        return (summary.mean, ConfidenceInterval.mean(summary, confidence: confidence), summary.count)
    }

    /// The unpaired difference of the means of `b` and `a`, as independent runs would give it:
    /// (x̄_b − x̄_a) ± z·√(s_a²/n_a + s_b²/n_b). For comparison with ``pairedDifference(_:_:confidence:)``.
    public static func unpairedDifference(_ a: [Double], _ b: [Double], confidence: Double) -> (estimate: Double, interval: Interval) {
        let sa = SampleSummary(a, quantileLevels: []), sb = SampleSummary(b, quantileLevels: [])
        let estimate = sb.mean - sa.mean
        let half = NormalDistribution.quantile((1 + confidence) / 2)
            * (sa.standardError * sa.standardError + sb.standardError * sb.standardError).squareRoot()
        return (estimate, Interval(lower: estimate - half, upper: estimate + half))
    }

    /// Compares `runs`, the first being the baseline. Every run must have the same number of paths.
    public init(runs: [PolicyPaths], confidence: Double) {
        precondition(!runs.isEmpty, "a comparison needs a policy")
        let n = runs[0].values.values.first?.count ?? 0
        precondition(runs.allSatisfy { $0.values.values.allSatisfy { $0.count == n } }, "every policy must have the same paths")
        self.confidence = confidence
        paths = n
        policies = runs.map(\.policy)
        let names = runs.dropFirst().map { Set($0.metrics.map(\.name)) }
        let metrics = runs[0].metrics.filter { m in names.allSatisfy { $0.contains(m.name) } }
        self.metrics = metrics
        let baseline = runs[0]
        rows = runs.enumerated().map { k, run in
            metrics.map { m in
                let x = run.values[m.name]!
                let estimate: Double, interval: Interval
                if m.isProbability {
                    let count = x.reduce(0) { $1 > 0 ? $0 + 1 : $0 }
                    estimate = n > 0 ? Double(count) / Double(n) : .nan
                    interval = ConfidenceInterval.wilson(successes: count, trials: n, confidence: confidence)
                } else {
                    let summary = SampleSummary(x, quantileLevels: [])
                    estimate = summary.mean
                    interval = ConfidenceInterval.mean(summary, confidence: confidence)
                }
                var row = Row(policy: run.policy.name, overrides: run.policy.overrides, metric: m.name, estimate: estimate,
                              interval: interval)
                if k > 0 {
                    let d = Self.pairedDifference(baseline.values[m.name]!, x, confidence: confidence)
                    row.difference = d.estimate
                    // A difference of probabilities lies in [−1, 1]; the normal interval need not.
                    row.differenceInterval = m.isProbability
                        ? Interval(lower: max(-1, d.interval.lower), upper: min(1, d.interval.upper)) : d.interval
                    row.pairs = d.pairs
                }
                return row
            }
        }
    }

    /// The row of `policy` (by position) for the metric named `metric`.
    public func row(policy: Int, metric: String) -> Row? { rows[policy].first { $0.metric == metric } }

    // MARK: Files

    /// The header of compare.csv.
    public static let csvHeader = ["policy", "overrides", "metric", "estimate", "lower", "upper", "difference", "differenceLower",
                                   "differenceUpper"]

    /// `compare.csv`: one row per policy × metric, the policy's estimate with its interval, then
    /// its paired difference against the first policy with its interval (empty for the first).
    public func csv() -> String {
        var lines = [Self.csvHeader.joined(separator: ",")]
        for policyRows in rows {
            for r in policyRows {
                var fields = [CSVFormat.quoted(r.policy), CSVFormat.quoted(r.overrides), CSVFormat.quoted(r.metric),
                              CSVFormat.number(r.estimate), CSVFormat.number(r.interval.lower), CSVFormat.number(r.interval.upper)]
                if let d = r.difference, let i = r.differenceInterval {
                    fields += [CSVFormat.number(d), CSVFormat.number(i.lower), CSVFormat.number(i.upper)]
                } else {
                    fields += ["", "", ""]
                }
                lines.append(fields.joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Per metric, `compare-METRIC.svg` (each policy's estimate and interval side by side, at x =
    /// the policy's position) and, with two policies or more, `compare-METRIC-difference.svg`
    /// (each later policy's paired difference against the first, with its interval).
    public func charts() -> [(name: String, contents: String)] {
        let xLabel = "policy (" + policies.enumerated().map { "\($0) = \($1.name)" }.joined(separator: ", ") + ")"
        var charts: [(name: String, contents: String)] = []
        for (m, metric) in metrics.enumerated() {
            let own = rows.enumerated().map { k, policyRows in
                let r = policyRows[m]
                return LineSeries(name: r.policy, x: [Double(k)], y: [r.estimate], lower: [r.interval.lower], upper: [r.interval.upper])
            }
            charts.append(("compare-\(metric.name).svg",
                           Chart.lines(title: metric.description, xLabel: xLabel, yLabel: metric.name, series: own,
                                       yFormat: metric.format)))
            guard rows.count > 1 else { continue }
            let differences = rows.enumerated().dropFirst().map { k, policyRows in
                let r = policyRows[m]
                return LineSeries(name: "\(r.policy) − \(policies[0].name)", x: [Double(k)], y: [r.difference ?? .nan],
                                  lower: [r.differenceInterval?.lower ?? .nan], upper: [r.differenceInterval?.upper ?? .nan])
            }
            charts.append(("compare-\(metric.name)-difference.svg",
                           Chart.lines(title: "paired difference against \(policies[0].name): \(metric.name)", xLabel: xLabel,
                                       yLabel: "Δ \(metric.name)", series: differences, yFormat: metric.format)))
        }
        return charts
    }

    /// `compare.html`: what was compared, a table of every row, and the charts.
    public func html(title: String, seed: UInt64, charts: [(name: String, contents: String)]) -> String {
        let level = Int((confidence * 100).rounded())
        var page = HTMLReport(title: title)
        page.addParagraph("\(policies.count) policies on common random numbers: \(paths) paths each, seed \(seed) for every policy, "
                          + "so path i sees the same random draws under every policy. Differences are paired, path by path, "
                          + "against the first policy (\(policies[0].name)): the mean of x_i(policy) − x_i(\(policies[0].name)) "
                          + "with its \(level)% interval, mean ± z·sd/√n — narrower than the difference of two independent "
                          + "runs' intervals when the policies' outcomes move together path by path.")
        page.addTable(caption: "Policies", header: ["policy", "overrides"],
                      rows: policies.map { [$0.name, $0.overrides.isEmpty ? "(the scenario as written)" : $0.overrides] })
        var table: [[HTMLReport.Cell]] = []
        for policyRows in rows {
            for (r, m) in zip(policyRows, metrics) {
                let format = m.readable
                var cells: [HTMLReport.Cell] = [HTMLReport.Cell(r.policy), HTMLReport.Cell(r.metric), .number(r.estimate, format),
                                                .interval(r.interval.lower, r.interval.upper, format)]
                if let d = r.difference, let i = r.differenceInterval {
                    cells += [.number(d, format), .interval(i.lower, i.upper, format)]
                } else {
                    cells += ["", ""]
                }
                table.append(cells)
            }
        }
        page.addTable(caption: "Estimates and paired differences (\(level)% intervals; hover a number for every digit; compare.csv has them all)",
                      header: ["policy", "metric", "estimate", "interval", "difference vs \(policies[0].name)", "interval"],
                      cells: table)
        for chart in charts {
            let difference = chart.name.hasSuffix("-difference.svg")
            page.addFigure(caption: (difference
                ? "Each policy's paired difference from \(policies[0].name), path by path, with its \(level)% interval: an interval "
                    + "clear of zero is a difference the paths show, not noise."
                : "Each policy's estimate with its \(level)% interval, side by side on the same random draws.") + " (\(chart.name))",
                           svg: chart.contents)
        }
        return page.render()
    }

    /// Refuses what cannot be compared: fewer than two policies, a name given twice, a policy
    /// that sets the paths or the seed (every policy must run on the same draws: `--paths`,
    /// `--seed`), and a policy that sets a key twice or one key inside another.
    public static func check(_ policies: [ComparePolicy]) throws(ScenarioError) {
        func refuse(_ location: String, _ message: String) -> ScenarioError {
            .invalid(file: "--policy", issues: [ScenarioIssue(location, message)])
        }
        guard policies.count >= 2 else {
            throw refuse("", "\(policies.count) given; expected at least two --policy NAME=KEY=VALUE;… (the first is the baseline)")
        }
        var seen: Set<String> = []
        for policy in policies {
            guard seen.insert(policy.name).inserted else {
                throw refuse(policy.name, "is the name of two policies; expected unique names")
            }
            for (j, assignment) in policy.assignments.enumerated() {
                let key = Sweep.canonical(assignment.key)
                for fixed in [["simulation", "paths"], ["seed"]] where fixed.starts(with: key) {
                    throw refuse("\(policy.name): \(ErrorText.clipped(assignment.key))",
                                 "sets \(fixed.joined(separator: ".")), which must be the same for every policy (common random numbers); "
                                 + "expected --\(fixed.last!) for all policies")
                }
                for earlier in policy.assignments[..<j] {
                    let a = Sweep.canonical(earlier.key)
                    if a.starts(with: key) || key.starts(with: a) {
                        throw refuse("\(policy.name): \(ErrorText.clipped(assignment.key))",
                                     a == key ? "is set twice; expected each key once per policy"
                                              : "overlaps \(ErrorText.clipped(earlier.key)); expected keys that do not overlap")
                    }
                }
            }
        }
    }
}
