import Foundation

/// What the cross accounts' margin checks cost in a run, for `cascade run --timings` and the
/// benchmarks: account-checks (dense and exact), the share of the accounts checked per path-step
/// after pruning, and the dense check's `dgemm` rate.
public struct CrossCheckSummary: Sendable {
    /// Account checks over all paths.
    public var checks: Double
    /// Accounts × paths × steps: what an unpruned check would do.
    public var possible: Double
    /// Floating-point operations and seconds in `dgemm`.
    public var denseFlops: Double
    public var denseSeconds: Double

    public init?(_ result: SimulationResult) {
        guard let book = result.config.crossAccounts, let dense = result.denseCheck else { return nil }
        checks = result.paths.column(.accountChecks).reduce(0, +)
        possible = Double(book.count) * Double(result.config.paths) * Double(result.config.steps)
        denseFlops = dense.flops
        denseSeconds = dense.seconds
    }

    /// The share of account-steps checked.
    public var checkedShare: Double { possible > 0 ? checks / possible : 0 }

    /// The dense check's rate in GFLOP/s (over the workers' summed time).
    public var gigaflops: Double { denseSeconds > 0 ? denseFlops / denseSeconds / 1e9 : 0 }

    /// One line: `cross accounts: 1.2e9 checks (3.4% of account-steps), 5.6e8/s; dgemm 1.2 GFLOP in 0.5 s, 2.4 GFLOP/s`.
    public func line(simulateSeconds: Double) -> String {
        String(format: "cross accounts: %.3g checks (%.2f%% of account-steps), %.3g checks/s; dgemm %.3g GFLOP in %.3f s, %.2f GFLOP/s per thread",
               checks, 100 * checkedShare, simulateSeconds > 0 ? checks / simulateSeconds : 0, denseFlops / 1e9, denseSeconds, gigaflops)
    }
}
