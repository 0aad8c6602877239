/// The auto-deleveraging policy of a scenario (`mechanisms.adl`): who pays (the allocation) and
/// how much is deleveraged (the severity). The venue decides whether and in which order (its
/// ``ADLRanking``); the policy only changes the sharing and the amount. docs/model.md,
/// "Auto-deleveraging policies".
public struct ADLPolicy: Sendable, Equatable {
    /// How the quantity wanted is shared among the eligible opposite positions.
    public enum Allocation: Sendable, Equatable {
        /// The venue's queue, each position closed in full in turn (today's behaviour).
        case queue
        /// The venue's queue, no position closed beyond `cap` of itself in one deleveraging.
        case cappedQueue(cap: Double)
        /// Every winner closes a share by a weight (``ProRataAllocation``).
        case proRata(ProRataAllocation.Weighting)
    }

    /// How much a deleveraging closes.
    public enum Severity: String, Sendable, Equatable, CaseIterable {
        /// Just enough to cover the shortfall the fund could not pay: q = shortfall / |X − P_bk|
        /// (the default, and what cascade has always done).
        case shortfall
        /// The whole quantity of the round's bankrupt closures, as the venues match the bankrupt
        /// order itself against the winners [V: Hyperliquid docs "Auto-deleveraging"; Binance
        /// "Auto-Deleveraging (ADL)"]: what the winners give beyond the shortfall goes back to the
        /// fund, and is the deleveraging's overshoot.
        case position
    }

    public var allocation: Allocation
    public var severity: Severity

    public init(allocation: Allocation = .queue, severity: Severity = .shortfall) {
        self.allocation = allocation
        self.severity = severity
    }

    /// What cascade did before policies could be chosen.
    public static let venue = ADLPolicy()

    /// The allocation's implementation.
    public var allocator: any ADLAllocation {
        switch allocation {
        case .queue: QueueAllocation()
        case let .cappedQueue(cap): QueueAllocation(cap: cap)
        case let .proRata(weighting): ProRataAllocation(weighting: weighting)
        }
    }
}
