import ArgumentParser
import CascadeKit

/// `--paths` and `--seed`, shared by the commands that simulate: they override the scenario file's
/// `simulation.paths` and `seed`.
struct ScenarioOverrideOptions: ParsableArguments {
    @Option(help: "Number of paths (overrides simulation.paths).")
    var paths: Int?

    @Option(help: "Random seed (overrides seed).")
    var seed: UInt64?

    /// The overrides, with `assignments` (scenario values set on the command line) if any.
    func overrides(assignments: [ScenarioAssignment] = []) -> ScenarioOverrides {
        ScenarioOverrides(paths: paths, seed: seed, assignments: assignments)
    }
}
