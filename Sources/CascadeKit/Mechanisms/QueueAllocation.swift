/// The venues' queue: candidates in the venue's order, each closed in full (or, with a cap, at
/// most `cap` of it) until the quantity wanted is reached — the last one taken only in part.
///
/// Without a cap this is what Binance, Bybit, OKX, BitMEX and Hyperliquid do: the ranked
/// counterparties are closed one after the other against the bankrupt order [V: docs/venues.md,
/// "ADL"]. The capped queue (no position loses more than `cap` of itself in one deleveraging; the
/// queue goes deeper instead) is a lab policy after the "capped" allocations of T. Chitra,
/// "Autodeleveraging: Impossibilities and Optimization", arXiv 2512.01112 (2025) [E: our reading].
public struct QueueAllocation: ADLAllocation, Equatable {
    /// The largest fraction of a candidate's quantity one deleveraging takes (1: the whole).
    public let cap: Double

    public init(cap: Double = 1) {
        precondition(cap > 0 && cap <= 1, "a queue cap is a fraction in (0, 1]")
        self.cap = cap
    }

    public func allocate<Candidates: ADLCandidateStream>(wanted: Double, from candidates: inout Candidates) -> Double {
        var left = wanted
        var index = 0
        while left > 0, let c = candidates.next() {
            let limit = cap == 1 ? c.holding.quantity : cap * c.holding.quantity
            let take = min(left, limit)
            left -= take
            candidates.take(take, from: index)
            index += 1
        }
        return wanted - left
    }
}
