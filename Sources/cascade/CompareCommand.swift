import ArgumentParser
import CascadeKit
import Foundation

struct Compare: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario under several policies on the same random draws and report paired differences.",
        discussion: """
            Each --policy NAME=KEY=VALUE;KEY=VALUE;… names a policy and the scenario key paths it sets (dotted names, \
            list items by index, e.g. impact.depth, market.assets.0.model.volatility); NAME= alone is the scenario as \
            written. Every policy runs with the same seed and paths (common random numbers), so path i sees the same \
            draws under every policy; --paths and --seed apply to all, and no policy may set simulation.paths or seed. \
            The first policy is the baseline: for every metric, each later policy's paired difference is the mean of \
            x_i(policy) − x_i(baseline) over the paths i, with its interval mean ± z·sd/√n. \
            Writes compare.csv (one row per policy and metric), charts and compare.html.
            """)

    @Argument(help: "The scenario file (YAML).")
    var scenario: String

    @Option(name: .customLong("policy"), help: "NAME=KEY=VALUE;KEY=VALUE;… (NAME= for the scenario as written); at least two, the first is the baseline.")
    var policyTexts: [String] = []

    /// --paths and --seed apply to every policy.
    @OptionGroup var overrides: ScenarioOverrideOptions

    @Option(help: "Directory for the reports (default: reports/<scenario file name>-compare). It is replaced as a whole.")
    var out: String?

    @Flag(help: "Replace the --out directory even if it is not a cascade report (everything in it is removed).")
    var force = false

    @OptionGroup var threads: WorkerThreadsOption

    @OptionGroup var memoryLimit: MemoryLimitOption

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    @Flag(help: "Print the comparison as JSON on standard output instead of the table.")
    var json = false

    func run() throws {
        let policies: [ComparePolicy]
        do {
            policies = try policyTexts.map { text throws(ScenarioError) in try ComparePolicy(parsing: text) }
            try PolicyComparison.check(policies)
        } catch { throw fail(error.description) }
        let started = Date()
        let variants = ScenarioVariants(scenario: scenario, overrides: overrides, memoryLimit: memoryLimit,
                                        variants: policies.map { ($0.assignments, " (policy \($0.name))") })
        // Validate every policy before running any.
        var first: (paths: Int, seed: UInt64, confidence: Double, digest: String?)? = nil
        let work = try variants.validate { v, loaded in
            if let first, first.paths != loaded.config.paths || first.seed != loaded.config.seed {
                throw fail("--policy: \(policies[v].name): runs \(loaded.config.paths) paths with seed \(loaded.config.seed), "
                           + "\(policies[0].name) \(first.paths) with seed \(first.seed); expected the same paths and seed for every policy")
            }
            if first == nil { first = (loaded.config.paths, loaded.config.seed, loaded.confidence, loaded.fileSHA256) }
        }
        let common = first!
        let directory = URL(fileURLWithPath: out ?? "reports/" + URL(fileURLWithPath: scenario).deletingPathExtension().lastPathComponent + "-compare")
        let staging = try stageReports(in: directory, force: force)
        var runs: [PolicyComparison.PolicyPaths] = []
        try variants.run(work: work, threads: threads.count, quiet: quiet) { v, _, run in
            runs.append(PolicyComparison.PolicyPaths(policy: policies[v], result: run.result, twin: run.twin != nil))
        }
        let seconds = Date().timeIntervalSince(started)
        let comparison = PolicyComparison(runs: runs, confidence: common.confidence)
        let charts = comparison.charts()
        let html = comparison.html(title: "cascade compare — \(URL(fileURLWithPath: scenario).lastPathComponent)", seed: common.seed,
                                   charts: charts)
        let files = [("compare.csv", comparison.csv())] + charts + [("compare.html", html)]
        var manifest = manifest(kind: "compare", scenario: scenario, digest: common.digest, started: started)
        manifest.seed = common.seed
        manifest.paths = common.paths
        manifest.policies = policies.map { ReportManifest.Policy(name: $0.name, assignments: $0.assignments.map(\.description)) }
        do {
            try staging.commit(files, manifest: manifest)
        } catch { throw fail(error.description) }
        if json {
            print(RunSummaryJSON.serialize(jsonObject(comparison, seconds: seconds, seed: common.seed, directory: directory.path)),
                  terminator: "")
        } else if !quiet {
            print(table(comparison, seconds: seconds, seed: common.seed, directory: directory.path, charts: charts.count))
        }
    }

    func jsonObject(_ comparison: PolicyComparison, seconds: Double, seed: UInt64, directory: String) -> [String: Any] {
        [
            "scenario": scenario, "seed": seed, "paths": comparison.paths, "confidence": comparison.confidence, "seconds": seconds,
            "directory": directory, "baseline": comparison.policies[0].name,
            "policies": zip(comparison.policies, comparison.rows).map { policy, rows -> [String: Any] in
                var metrics: [String: Any] = [:]
                for r in rows {
                    var entry: [String: Any] = ["estimate": RunSummaryJSON.number(r.estimate),
                                                "ciLow": RunSummaryJSON.number(r.interval.lower),
                                                "ciHigh": RunSummaryJSON.number(r.interval.upper)]
                    if let d = r.difference, let i = r.differenceInterval {
                        entry["difference"] = RunSummaryJSON.number(d)
                        entry["differenceCiLow"] = RunSummaryJSON.number(i.lower)
                        entry["differenceCiHigh"] = RunSummaryJSON.number(i.upper)
                    }
                    metrics[r.metric] = entry
                }
                return ["name": policy.name, "overrides": policy.assignments.map(\.description), "metrics": metrics]
            },
        ]
    }

    /// The terminal table: per headline metric, each policy's estimate ± half its interval and its
    /// paired difference against the baseline with its interval.
    func table(_ comparison: PolicyComparison, seconds: Double, seed: UInt64, directory: String, charts: Int) -> String {
        let level = Int((comparison.confidence * 100).rounded())
        var lines = ["compare of \(scenario): \(comparison.policies.count) policies × \(comparison.paths) paths, seed \(seed) "
                     + "(common random numbers), in \(String(format: "%.1f", seconds)) s; \(level)% intervals, "
                     + "differences paired against \(comparison.policies[0].name)"]
        let width = max(8, comparison.policies.map(\.name.count).max() ?? 0)
        for name in ["liquidatedNotional", "maxDrawdownTraded", "badDebt", "insuranceFundDepleted", "anyBadDebt"] {
            guard let m = comparison.metrics.firstIndex(where: { $0.name == name }) else { continue }
            let metric = comparison.metrics[m]
            let percent = metric.format == AxisFormat.percent
            func shown(_ x: Double) -> String {
                x < 0 ? "-" + shown(-x) : percent ? Format.percent(x) : Format.money(x)
            }
            lines.append("  \(metric.name)")
            for rows in comparison.rows {
                let r = rows[m]
                var line = "    " + r.policy.padding(toLength: width, withPad: " ", startingAt: 0)
                    + "  \(shown(r.estimate)) [\(shown(r.interval.lower)), \(shown(r.interval.upper))]"
                if let d = r.difference, let i = r.differenceInterval {
                    line += "   Δ \(d > 0 ? "+" : "")\(shown(d)) [\(shown(i.lower)), \(shown(i.upper))]"
                }
                lines.append(line)
            }
        }
        lines.append("  wrote compare.csv (\(comparison.metrics.count) metrics), \(charts) charts and compare.html to \(directory)/")
        return lines.joined(separator: "\n")
    }
}
