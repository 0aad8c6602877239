import CascadeKit
import Foundation
import Testing

/// `cascade compare`'s computation: paired differences on common random numbers.
@Suite("policy comparison")
struct PolicyComparisonTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let mean = ComparedMetric(name: "liquidatedNotional", column: PathColumn(.liquidatedNotional), statistic: .mean,
                                     description: "mean liquidated notional", format: .compact)
    static let event = ComparedMetric(name: "anyBadDebt", column: PathColumn(.badDebt), statistic: .probabilityPositive,
                                      description: "probability of any bad debt", format: .percent)

    static func paths(_ name: String, _ assignments: [String] = [], _ values: [String: [Double]],
                      metrics: [ComparedMetric] = [mean, event]) throws -> PolicyComparison.PolicyPaths {
        PolicyComparison.PolicyPaths(policy: ComparePolicy(name: name, assignments: try assignments.map { try ScenarioAssignment(parsing: $0) }),
                                     metrics: metrics, values: values)
    }

    @Test("hand-built columns: the paired difference and its interval are the hand computation")
    func handComputation() throws {
        // d = b − a = [1, 0, 2, 1, 3]: mean 7/5 = 1.4, Σ(d − 1.4)² = 5.2, s² = 5.2/4 = 1.3, s/√n = √0.26.
        let a = [1.0, 2, 3, 4, 10], b = [2.0, 2, 5, 5, 13]
        // Indicators: a has bad debt on paths 1 and 4, b on 0, 1, 3, 4: d = [1, 0, 0, 1, 0], mean 0.4.
        let badA = [0.0, 5, 0, 0, 7], badB = [3.0, 5, 0, 1, 9]
        let runs = [try Self.paths("base", [], ["liquidatedNotional": a, "anyBadDebt": badA.map(Self.event.value)]),
                    try Self.paths("deep", ["impact.depth=2e9"], ["liquidatedNotional": b, "anyBadDebt": badB.map(Self.event.value)])]
        let comparison = PolicyComparison(runs: runs, confidence: 0.95)
        let z = NormalDistribution.quantile(0.975)
        #expect(abs(z - 1.959963984540054) < 1e-12)

        let base = try #require(comparison.row(policy: 0, metric: "liquidatedNotional"))
        #expect(base.estimate == 4 && base.difference == nil && base.differenceInterval == nil)
        let baseHalf = z * (((9.0 + 4 + 1 + 0 + 36) / 4) / 5).squareRoot()
        #expect(abs(base.interval.lower - (4 - baseHalf)) < 1e-12 && abs(base.interval.upper - (4 + baseHalf)) < 1e-12)

        let deep = try #require(comparison.row(policy: 1, metric: "liquidatedNotional"))
        #expect(deep.estimate == 27.0 / 5)
        #expect(deep.difference == 1.4 && deep.pairs == 5)
        let half = z * 0.26.squareRoot()
        let interval = try #require(deep.differenceInterval)
        #expect(abs(interval.lower - (1.4 - half)) < 1e-12 && abs(interval.upper - (1.4 + half)) < 1e-12, "\(interval)")

        // Probabilities: each policy's own estimate with its Wilson interval; the difference of
        // indicators with mean ± z·s/√n, s² = (0.36·2 + 0.16·3)/4 = 0.3.
        let p = try #require(comparison.row(policy: 1, metric: "anyBadDebt"))
        #expect(p.estimate == 0.8 && p.interval == ConfidenceInterval.wilson(successes: 4, trials: 5, confidence: 0.95))
        #expect(p.difference == 0.4)
        let pHalf = z * (0.3 / 5).squareRoot()
        #expect(abs(p.differenceInterval!.lower - (0.4 - pHalf)) < 1e-12 && abs(p.differenceInterval!.upper - min(1, 0.4 + pHalf)) < 1e-12)

        // compare.csv: the header, then one row per policy × metric; the baseline's difference
        // columns are empty.
        let lines = comparison.csv().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "policy,overrides,metric,estimate,lower,upper,difference,differenceLower,differenceUpper")
        #expect(lines.count == 1 + 2 * 2 + 1 && lines.last == "")
        #expect(lines[1] == "base,,liquidatedNotional,4,\(CSVFormat.number(base.interval.lower)),\(CSVFormat.number(base.interval.upper)),,,")
        #expect(lines[3].hasPrefix("deep,impact.depth=2e9,liquidatedNotional,5.4,"), "\(lines[3])")
        #expect(lines[3].hasSuffix(",1.4,\(CSVFormat.number(interval.lower)),\(CSVFormat.number(interval.upper))"), "\(lines[3])")
        // One chart per metric and one of the differences, each well-formed.
        let charts = comparison.charts()
        #expect(charts.map(\.name) == ["compare-liquidatedNotional.svg", "compare-liquidatedNotional-difference.svg",
                                       "compare-anyBadDebt.svg", "compare-anyBadDebt-difference.svg"])
        #expect(charts.allSatisfy { ParsedXML($0.contents).error == nil })
        #expect(charts[1].contents.contains("data-y=\"1.4\""))
    }

    @Test("on correlated outcomes the paired interval is much narrower than the unpaired one, around the same estimate")
    func pairedNarrower() {
        // b follows a path by path, plus a small shift that differs by path.
        let a = (0..<500).map { 1e6 * (1 + sin(Double($0))) }
        let b = a.enumerated().map { i, x in 1.1 * x + 1e4 * cos(Double(i)) }
        let paired = PolicyComparison.pairedDifference(a, b, confidence: 0.95)
        let unpaired = PolicyComparison.unpairedDifference(a, b, confidence: 0.95)
        #expect(abs(paired.estimate - unpaired.estimate) <= 1e-9 * abs(unpaired.estimate))
        #expect(paired.interval.width < unpaired.interval.width / 5, "paired \(paired.interval.width), unpaired \(unpaired.interval.width)")
        // Undefined values (NaN) leave their path out of the pairs.
        var c = b
        c[3] = .nan
        #expect(PolicyComparison.pairedDifference(a, c, confidence: 0.95).pairs == 499)
    }

    @Test("a metric is compared only when every policy has it: the twin's, the fund's, a metric only one run reports")
    func metricsPresentInEveryPolicy() throws {
        let all = PathColumn.layout(assets: 1)
        let withTwin = PolicyComparison.metrics(columns: all, symbols: ["BTCUSDT"], insuranceFund: true).map(\.name)
        #expect(withTwin == ["liquidatedNotional", "liquidations", "maxDrawdownTraded", "insuranceFundEnd", "badDebt",
                             "adlNotional", "adlCoveredDeficit", "cascadeEvents", "largestCascadeNotional", "amplification",
                             "impactTriggeredShare", "insuranceFundDepleted", "anyBadDebt", "autoDeleveraging"])
        let noTwin = PolicyComparison.metrics(columns: all.filter { !$0.metric.needsTwin }, symbols: ["BTCUSDT"], insuranceFund: false)
        #expect(!noTwin.contains { $0.name == "amplification" || $0.name == "insuranceFundDepleted" })
        // Every compared column is a metric marked isCompared (so a new metric joins by that flag).
        #expect(withTwin.count == PathMetric.allCases.filter { $0.isCompared && !$0.isMechanismMetric }.count + 3)
        // The lab's columns join in runs with mechanisms:.
        let lab = PolicyComparison.metrics(columns: PathColumn.layout(assets: 1, mechanisms: true), symbols: ["BTCUSDT"],
                                           insuranceFund: true).map(\.name)
        #expect(lab.count == PathMetric.allCases.filter(\.isCompared).count + 3 && lab.contains("adlGini") && lab.contains("adlOvershoot"))
        // Two assets: the per-asset columns under their symbols.
        let two = PolicyComparison.metrics(columns: PathColumn.layout(assets: 2), symbols: ["BTC", "ETH"], insuranceFund: true).map(\.name)
        #expect(two.contains("maxDrawdownTraded.ETH") && two.contains("liquidatedNotional.BTC") && two.contains("liquidatedNotional"))

        // A metric one policy lacks is left out for all.
        let extra = ComparedMetric(name: "adlNotional", column: PathColumn(.adlNotional), statistic: .mean, description: "", format: .compact)
        let runs = [try Self.paths("a", [], ["liquidatedNotional": [1, 2], "anyBadDebt": [0, 1], "adlNotional": [0, 0]],
                                   metrics: [Self.mean, Self.event, extra]),
                    try Self.paths("b", [], ["liquidatedNotional": [1, 3], "anyBadDebt": [0, 0]])]
        let comparison = PolicyComparison(runs: runs, confidence: 0.9)
        #expect(comparison.metrics.map(\.name) == ["liquidatedNotional", "anyBadDebt"])
        #expect(comparison.rows.allSatisfy { $0.map(\.metric) == ["liquidatedNotional", "anyBadDebt"] })
    }

    @Test("--policy parsing and checks: one line naming the option, the policy and the key",
          arguments: [
              (["base"], "--policy: 'base' has no '='; expected NAME=KEY=VALUE;KEY=VALUE;… (or NAME= for the scenario as written)"),
              (["=impact.depth=1"], "--policy: '=impact.depth=1' has no name before '='; expected NAME=KEY=VALUE;… with a NAME of letters, digits, '.', '_' or '-'"),
              (["a b=impact.depth=1"], "--policy: 'a b' is not a policy name; expected 1–64 letters, digits, '.', '_' or '-'"),
              (["a=", "b=impact.depth"], "--policy: b: 'impact.depth' is not KEY=VALUE"),
              (["a=", "b=impact.depth=1;;impact.coefficient=1"], "--policy: b: has an empty assignment between ';'; expected KEY=VALUE;KEY=VALUE;…"),
              (["a=", "b=impact..depth=1"], "--policy: b: 'impact..depth' is not a key path; expected dotted names such as market.assets.0.model.volatility"),
              (["a="], "--policy: 1 given; expected at least two --policy NAME=KEY=VALUE;… (the first is the baseline)"),
              (["a=", "a=impact.depth=1"], "--policy: a: is the name of two policies; expected unique names"),
              (["a=", "b=simulation.paths=8"], "--policy: b: simulation.paths: sets simulation.paths, which must be the same for every policy (common random numbers); expected --paths for all policies"),
              (["a=", "b=simulation={paths: 8}"], "--policy: b: simulation: sets simulation.paths, which must be the same for every policy (common random numbers); expected --paths for all policies"),
              (["a=seed=3", "b="], "--policy: a: seed: sets seed, which must be the same for every policy (common random numbers); expected --seed for all policies"),
              (["a=", "b=impact.depth=1;impact.depth=2"], "--policy: b: impact.depth: is set twice; expected each key once per policy"),
              (["a=", "b=impact={depth: 1};impact.depth=2"], "--policy: b: impact.depth: overlaps impact; expected keys that do not overlap"),
          ])
    func policyErrors(_ texts: [String], _ message: String) {
        do {
            let policies = try texts.map { text throws(ScenarioError) in try ComparePolicy(parsing: text) }
            try PolicyComparison.check(policies)
            Issue.record("accepted \(texts)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("parsing: NAME= is the scenario as written; ';' inside {…} belongs to the value")
    func policyParsing() throws {
        #expect(try ComparePolicy(parsing: "venue=") == ComparePolicy(name: "venue", assignments: []))
        let p = try ComparePolicy(parsing: "mix-2.b_c=positions.synthetic.leverageMix={2: 0.5; 10: 0.5}; impact.depth=2e9")
        #expect(p.name == "mix-2.b_c" && p.assignments.map(\.key) == ["positions.synthetic.leverageMix", "impact.depth"])
        #expect(p.overrides == "positions.synthetic.leverageMix={2: 0.5; 10: 0.5};impact.depth=2e9")
    }

    @Test("flash-crash, two policies: the paired difference of liquidatedNotional is, to the last bit, the per-path difference of two separate runs")
    func flashCrashMatchesSeparateRuns() throws {
        let scenario = Self.root.appendingPathComponent("Scenarios/flash-crash.yaml").path
        let policies = [try ComparePolicy(parsing: "venue="), try ComparePolicy(parsing: "shallow=impact.depth=5e6")]
        let paths = 12
        // As `cascade compare` runs them: loaded with the policy's assignments, only what the
        // metrics need kept.
        var runs: [PolicyComparison.PolicyPaths] = []
        for policy in policies {
            var loaded = try ScenarioLoader.load(path: scenario, overrides: ScenarioOverrides(paths: paths, assignments: policy.assignments))
            loaded.config.recordCascadeEvents = false
            loaded.config.liquidationMap = nil
            loaded.config.exactTimeSeries = false
            let run = ScenarioRun.execute(loaded, threads: 2)
            runs.append(PolicyComparison.PolicyPaths(policy: policy, result: run.result, twin: run.twin != nil))
        }
        let comparison = PolicyComparison(runs: runs, confidence: 0.95)
        // Two separate runs as `cascade run` would do them (full reports, another thread count).
        let separate = try ["", "impact.depth=5e6"].map { assignment in
            let loaded = try ScenarioLoader.load(path: scenario, overrides: ScenarioOverrides(
                paths: paths, assignments: assignment.isEmpty ? [] : [try ScenarioAssignment(parsing: assignment)]))
            return ScenarioRun.execute(loaded, threads: 1).result.paths
        }
        let d = (0..<paths).map { separate[1][.liquidatedNotional, $0] - separate[0][.liquidatedNotional, $0] }
        let compared = zip(runs[1].values["liquidatedNotional"]!, runs[0].values["liquidatedNotional"]!).map { $0 - $1 }
        #expect(compared.map(\.bitPattern) == d.map(\.bitPattern))
        let row = try #require(comparison.row(policy: 1, metric: "liquidatedNotional"))
        let mean = d.reduce(0, +) / Double(paths)
        #expect(row.difference?.bitPattern == mean.bitPattern, "\(String(describing: row.difference)) vs \(mean)")
        #expect(row.pairs == paths)
        // A shallower book liquidates more here, and clearly so on the same draws.
        #expect(mean > 0 && row.differenceInterval!.lower > 0)
        // The baseline's own estimate is the separate run's mean.
        #expect(comparison.row(policy: 0, metric: "liquidatedNotional")!.estimate
                == SampleSummary(separate[0].column(.liquidatedNotional), quantileLevels: []).mean)
    }
}
