/// A run set beside what was reported for the real event its scenario stands for (the scenario's
/// `reported:` section): is the median liquidated notional within an order of magnitude of the
/// reported range, and do the liquidations fall on the reported side?
///
/// This is a check of plausibility, not a fit: nothing in a scenario is tuned to pass it, and a
/// miss is a finding about the model (docs/scenarios.md).
///
/// - The median is the sample median of `liquidatedNotional` over paths (the mean of the two
///   middle values for an even count), with its distribution-free order-statistic interval.
/// - Within an order of magnitude: low / 10 ≤ median ≤ high × 10, for the reported range
///   [low, high].
/// - The long share is Σ long / Σ (long + short) of the executed liquidated notional over all
///   paths; it is on the reported side when both are ≥ 0.5 or both are < 0.5.
/// - The control is the same scenario without its shocks, on the same draws (same seed, same
///   book): what the book liquidates with no event at all. Its median, and the median over
///   paths of the event run's excess over it, say how much of the run the event explains; a
///   control that liquidates half as much as the event or more makes the comparison
///   ``isDominatedByControl``.
public struct PlausibilityCheck: Sendable, Equatable {
    /// Where the median falls against the reported range [low, high].
    public enum Placement: String, Sendable, Equatable {
        /// low ≤ median ≤ high.
        case inRange = "in the reported range"
        /// low / 10 ≤ median < low.
        case belowWithinTenfold = "below, within an order of magnitude"
        /// high < median ≤ high × 10.
        case aboveWithinTenfold = "above, within an order of magnitude"
        /// median < low / 10.
        case belowTenfold = "more than ten times below"
        /// median > high × 10.
        case aboveTenfold = "more than ten times above"

        /// Whether the median lies within an order of magnitude of the range.
        public var isWithinOrderOfMagnitude: Bool { self != .belowTenfold && self != .aboveTenfold }
    }

    /// The reported range (USD).
    public let reportedLow: Double, reportedHigh: Double
    /// The reported long share, if any.
    public let reportedLongShare: Double?
    /// The median liquidated notional over paths (USD).
    public let median: Double
    /// Its order-statistic interval at ``confidence``.
    public let medianInterval: Interval
    public let confidence: Double
    /// Σ long / Σ (long + short) executed liquidated notional (NaN when nothing was liquidated).
    public let longShare: Double
    /// The number of paths.
    public let paths: Int
    /// The control's median liquidated notional (NaN without a control).
    public let controlMedian: Double
    /// The median over paths of (event − control) liquidated notional (NaN without a control).
    public let excessMedian: Double

    /// The check of `reported` against a run's per-path results.
    public init(reported: ReportedSection, paths results: PathResults, control: PathResults? = nil, confidence: Double = 0.95) {
        let range = reported.range
        reportedLow = range.low
        reportedHigh = range.high
        reportedLongShare = reported.longShare
        self.confidence = confidence
        let sorted = results.column(.liquidatedNotional).sorted()
        paths = sorted.count
        median = Self.median(sorted: sorted)
        medianInterval = ConfidenceInterval.quantile(sorted: sorted, level: 0.5, confidence: confidence)
        let long = results.column(.liquidatedLongNotionalExecuted).reduce(0, +)
        let short = results.column(.liquidatedShortNotionalExecuted).reduce(0, +)
        longShare = long + short > 0 ? long / (long + short) : .nan
        if let control {
            let event = results.column(.liquidatedNotional), base = control.column(.liquidatedNotional)
            precondition(event.count == base.count, "the control has \(base.count) paths, the run \(event.count)")
            controlMedian = Self.median(sorted: base.sorted())
            excessMedian = Self.median(sorted: zip(event, base).map { $0 - $1 }.sorted())
        } else {
            controlMedian = .nan
            excessMedian = .nan
        }
    }

    /// The assignments that make a scenario's control: every asset's shocks removed.
    public static func controlAssignments(for scenario: ScenarioFile) -> [ScenarioAssignment] {
        scenario.market.assets.indices.filter { !scenario.market.assets[$0].shocks.isEmpty }
            .map { ScenarioAssignment(path: ["market", "assets", String($0), "shocks"], value: "[]") }
    }

    /// Whether the control (no shocks) liquidates at least half the event run's median: then
    /// the book, not the event, makes most of the liquidations.
    public var isDominatedByControl: Bool { controlMedian >= median / 2 }

    /// The sample median of sorted values (NaN when empty).
    static func median(sorted: [Double]) -> Double {
        let n = sorted.count
        if n == 0 { return .nan }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }

    /// Where the median falls.
    public var placement: Placement {
        if median < reportedLow / 10 { return .belowTenfold }
        if median < reportedLow { return .belowWithinTenfold }
        if median <= reportedHigh { return .inRange }
        if median <= reportedHigh * 10 { return .aboveWithinTenfold }
        return .aboveTenfold
    }

    /// The median over the nearest end of the reported range (1 inside it).
    public var factor: Double {
        median < reportedLow ? median / reportedLow : median > reportedHigh ? median / reportedHigh : 1
    }

    /// Whether the simulated liquidations fall on the reported side (nil: no side reported, or
    /// nothing liquidated).
    public var sideAgrees: Bool? {
        guard let reported = reportedLongShare, !longShare.isNaN else { return nil }
        return (reported >= 0.5) == (longShare >= 0.5)
    }

    /// Whether the run passes: within an order of magnitude, and on the reported side when one is
    /// reported.
    public var passes: Bool { placement.isWithinOrderOfMagnitude && sideAgrees != false }
}
