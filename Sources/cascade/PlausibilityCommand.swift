import ArgumentParser
import CascadeKit
import Foundation

struct Plausibility: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Set scenarios tied to real events beside what was reported (their reported: section).",
        discussion: """
            Runs each scenario and its control (the same scenario without its shocks, on the same draws) and prints \
            one Markdown table row per scenario: the reported range, the median liquidated notional with its \
            interval, where it falls (within an order of magnitude: between a tenth of the lowest and ten times the \
            highest figure), the long share, the control's median and the median excess over the control \
            (docs/scenarios.md, "Plausibility"). A check, not a fit: nothing is tuned to it. Scenarios without \
            reported: are skipped with a note.
            """)

    @Argument(help: "The scenario files (YAML).")
    var scenarios: [String]

    @OptionGroup var overrides: ScenarioOverrideOptions
    @OptionGroup var threads: WorkerThreadsOption
    @OptionGroup var memoryLimit: MemoryLimitOption

    func validate() throws {
        if scenarios.isEmpty { throw ValidationError("at least one scenario file is required") }
    }

    func run() throws {
        // Every file and its control is loaded (and so validated) before anything runs: variant
        // 0 the scenario, variant 1 its control, on common random numbers.
        var runs: [(file: String, variants: ScenarioVariants, reported: ReportedSection)] = []
        for scenario in scenarios {
            let loaded = try ScenarioVariants(scenario: scenario, overrides: overrides, memoryLimit: memoryLimit,
                                              variants: [([], "")]).load(0)
            guard let reported = loaded.scenario.reported else {
                FileHandle.standardError.write(Data("\(scenario): no reported: section; skipped\n".utf8))
                continue
            }
            let variants = ScenarioVariants(scenario: scenario, overrides: overrides, memoryLimit: memoryLimit,
                                            variants: [([], ""), (PlausibilityCheck.controlAssignments(for: loaded.scenario),
                                                                  " (its control: the shocks removed)")])
            _ = try variants.load(1)
            runs.append((scenario, variants, reported))
        }
        guard !runs.isEmpty else { return }
        print("| scenario | reported | median [95% interval] | against the reported range | long share (reported) | control: no shocks | median excess over the control |")
        print("|---|---|---|---|---|---|---|")
        for run in runs {
            let loaded = try run.variants.load(0)
            let event = SimulationEngine(config: loaded.config).run(threads: threads.count).paths
            let control = SimulationEngine(config: try run.variants.load(1).config).run(threads: threads.count).paths
            let check = PlausibilityCheck(reported: run.reported, paths: event, control: control, confidence: loaded.confidence)
            let name = URL(fileURLWithPath: run.file).lastPathComponent
            let factor = check.factor == 1 ? "" : String(format: " (×%.2g)", check.factor)
            let share = (check.longShare.isNaN ? "–" : Format.percent(check.longShare))
                + (check.reportedLongShare.map { " (\(Format.percent($0)))" } ?? "")
                + (check.sideAgrees == false ? ", other side" : "")
            let row = [
                "`\(name)`",
                "\(Format.money(check.reportedLow))–\(Format.money(check.reportedHigh))",
                "\(Format.money(check.median)) [\(Format.money(check.medianInterval.lower)), \(Format.money(check.medianInterval.upper))]",
                check.placement.rawValue + factor,
                share,
                Format.money(check.controlMedian) + (check.isDominatedByControl ? " (≥ half the run)" : ""),
                Format.money(check.excessMedian),
            ]
            print("| " + row.joined(separator: " | ") + " |")
        }
    }
}
