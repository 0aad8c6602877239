/// Which share of a run's paths a shard runs: shard `index` of `count` runs paths
/// ⌊index·P/count⌋ ..< ⌊(index + 1)·P/count⌋ of P, at their global indices (so its random
/// numbers do not depend on the split).
public struct ShardSpec: Sendable, Equatable {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) {
        precondition(count >= 1 && index >= 0 && index < count)
        self.index = index
        self.count = count
    }

    /// This shard's share of `total` items (paths, grid points): ⌊index·total/count⌋ ..<
    /// ⌊(index + 1)·total/count⌋.
    public func range(of total: Int) -> Range<Int> {
        (index * total / count)..<((index + 1) * total / count)
    }

    /// The paths of this shard among `paths`.
    public func range(paths: Int) -> Range<Int> { range(of: paths) }

    /// The environment variables that give a shard's index on the common batch engines, in the
    /// order they are looked for: Kubernetes Indexed Jobs, Slurm job arrays, AWS Batch array jobs.
    public static let indexVariables = ["JOB_COMPLETION_INDEX", "SLURM_ARRAY_TASK_ID", "AWS_BATCH_JOB_ARRAY_INDEX"]

    /// `I/N` (0 ≤ I < N), or `auto/N` with I from the environment (``indexVariables``; with
    /// Slurm, SLURM_ARRAY_TASK_COUNT must equal N when it is set). The error is one line naming
    /// `--shard` and what is allowed.
    public static func parse(_ text: String, environment: [String: String]) -> Result<ShardSpec, ShardSpecError> {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Int(parts[1]), count >= 1, count <= 1_000_000 else {
            return .failure(.init("--shard \(text) is not I/N; expected a shard index and a count such as 3/8 (0 ≤ I < N ≤ 1000000), or auto/N"))
        }
        if parts[0] == "auto" {
            guard let name = indexVariables.first(where: { environment[$0] != nil }), let value = environment[name] else {
                return .failure(.init("--shard auto/\(count): none of \(indexVariables.joined(separator: ", ")) is set; expected a batch engine's array index, or --shard I/\(count)"))
            }
            guard let index = Int(value), index >= 0, index < count else {
                return .failure(.init("--shard auto/\(count): \(name)=\(value) is not a shard index; expected 0 to \(count - 1)"))
            }
            if name == "SLURM_ARRAY_TASK_ID", let tasks = environment["SLURM_ARRAY_TASK_COUNT"], tasks != String(count) {
                return .failure(.init("--shard auto/\(count): SLURM_ARRAY_TASK_COUNT=\(tasks) differs from \(count); expected --array=0-\(count - 1)"))
            }
            return .success(ShardSpec(index: index, count: count))
        }
        guard let index = Int(parts[0]), index >= 0, index < count else {
            return .failure(.init("--shard \(text): \(parts[0]) is not a shard index; expected 0 to \(count - 1)"))
        }
        return .success(ShardSpec(index: index, count: count))
    }
}

/// Why a `--shard` value was refused: one line.
public struct ShardSpecError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
