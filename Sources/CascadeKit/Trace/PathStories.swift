/// A few paths of a run told step by step in `report.html` ("The story of a few paths"): the
/// path with the median, the 99th-percentile and the largest liquidated notional, and the one
/// whose insurance fund ended lowest (the largest fund loss: every path starts with the same
/// fund), each traced (``PathTrace``).
///
/// The choice depends on the per-path results only, never on shards or threads: a quantile q of
/// n paths is the nearest-rank order statistic, rank ⌈q·n⌉ (from 1) in ascending order, and ties
/// go to the lowest path index. A path chosen for several reasons is traced once.
///
/// - Complexity: O(n log n) to choose, and at most four traced paths (each the cost of one path
///   of the run, plus preparing the book once per trace).
public struct PathStories: Sendable {
    /// One chosen path: why (e.g. "median liquidated notional"), and its trace.
    public struct Story: Sendable {
        public let path: Int
        public let reasons: [String]
        public let trace: PathTrace
    }

    public let stories: [Story]

    /// The reasons and their order.
    public static let reasons = ["median liquidated notional", "99th-percentile liquidated notional", "largest liquidated notional",
                                 "lowest insurance fund at the end"]

    /// Chooses the paths of `results` (per-path values of a whole run, path 0 first) and traces
    /// each with `config`.
    public init(results: PathResults, config: SimulationConfig) {
        stories = Self.choose(results).map { choice in
            Story(path: choice.path, reasons: choice.reasons, trace: PathTrace.record(config: config, path: choice.path).trace)
        }
    }

    /// The chosen paths, each once, in the order of their first reason, with their reasons.
    public static func choose(_ results: PathResults) -> [(path: Int, reasons: [String])] {
        let n = results.paths
        guard n > 0 else { return [] }
        let notional = Array(results.column(.liquidatedNotional))
        let fund = Array(results.column(.insuranceFundEnd))
        var picks: [Int] = []
        for q in [0.5, 0.99, 1.0] {
            let rank = Swift.min(n, Swift.max(1, Int((q * Double(n)).rounded(.up))))
            picks.append(orderStatistic(notional, rank: rank))
        }
        picks.append(orderStatistic(fund, rank: 1))
        var chosen: [(path: Int, reasons: [String])] = []
        for (reason, path) in zip(reasons, picks) {
            if let i = chosen.firstIndex(where: { $0.path == path }) {
                chosen[i].reasons.append(reason)
            } else {
                chosen.append((path, [reason]))
            }
        }
        return chosen
    }

    /// The lowest index among the paths whose value is the `rank`-th smallest of `values`
    /// (from 1; NaN counts as the largest).
    static func orderStatistic(_ values: [Double], rank: Int) -> Int {
        func key(_ v: Double) -> Double { v.isNaN ? .infinity : v }
        let sorted = values.indices.sorted { (key(values[$0]), $0) < (key(values[$1]), $1) }
        let value = key(values[sorted[rank - 1]])
        return sorted.first { key(values[$0]) == value }!
    }
}
