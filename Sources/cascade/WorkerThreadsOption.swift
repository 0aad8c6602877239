import ArgumentParser
import CascadeKit

/// `--threads`, shared by the commands that simulate.
struct WorkerThreadsOption: ParsableArguments {
    @Option(help: "Worker threads (default: the number of cores). Results do not depend on it.")
    var threads: Int?

    /// The threads to use.
    var count: Int { threads ?? SimulationEngine.defaultThreads }

    func validate() throws {
        if let threads, threads < 1 { throw ValidationError("--threads \(threads) is out of range; expected ≥ 1") }
    }
}
