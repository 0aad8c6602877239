import ArgumentParser
import CascadeKit

/// `--paths` and `--seed`, shared by the commands that simulate: they override the scenario file's
/// `simulation.paths` and `seed`.
struct ScenarioOverrideOptions: ParsableArguments {
    // Read as text, unconditionally (so `--paths -3` is a value): see WholeNumber.
    @Option(name: .customLong("paths"), parsing: .unconditional,
            help: ArgumentHelp("Number of paths (overrides simulation.paths).", valueName: "paths"))
    var pathsText: String?

    @Option(name: .customLong("seed"), parsing: .unconditional,
            help: ArgumentHelp("Random seed (overrides seed).", valueName: "seed"))
    var seedText: String?

    var paths: Int? { (try? WholeNumber.parse(pathsText, option: "--paths", atLeast: 1)) ?? nil }
    var seed: UInt64? { (try? WholeNumber.parse(seedText, option: "--seed", atLeast: UInt64(0))) ?? nil }

    func validate() throws {
        try WholeNumber.check(pathsText, option: "--paths", atLeast: 1)
        try WholeNumber.check(seedText, option: "--seed", atLeast: UInt64(0))
    }

    /// The overrides, with `assignments` (scenario values set on the command line) if any.
    func overrides(assignments: [ScenarioAssignment] = []) -> ScenarioOverrides {
        ScenarioOverrides(paths: paths, seed: seed, assignments: assignments)
    }
}
