import ArgumentParser
import CascadeKit

/// `--max-memory`, shared by the commands that load a scenario: the memory a run may use.
struct MemoryLimitOption: ParsableArguments {
    @Option(name: .customLong("max-memory"),
            help: "Memory the run may use, e.g. 8G or 512M (default: 80% of this machine's memory). Scenarios that would need more are refused.")
    var text: String?

    /// The limit in bytes, or nil for the default.
    var bytes: Double? { text.flatMap(MemoryEstimate.parse) }

    func validate() throws {
        if let text, MemoryEstimate.parse(text) == nil {
            throw ValidationError("--max-memory \(text) is not a size; expected a number of bytes with an optional unit K, M, G or T (e.g. 8G, 512M)")
        }
    }
}
