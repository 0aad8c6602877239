import ArgumentParser
import CascadeKit

/// `--threads`, shared by the commands that simulate.
struct WorkerThreadsOption: ParsableArguments {
    // Read as text, unconditionally (so `--threads -2` is a value): see WholeNumber.
    @Option(name: .customLong("threads"), parsing: .unconditional,
            help: ArgumentHelp("Worker threads (default: the number of cores). Results do not depend on it.", valueName: "threads"))
    var threadsText: String?

    /// The threads to use.
    var count: Int { ((try? WholeNumber.parse(threadsText, option: "--threads", atLeast: 1)) ?? nil) ?? SimulationEngine.defaultThreads }

    func validate() throws {
        try WholeNumber.check(threadsText, option: "--threads", atLeast: 1)
    }
}
