/// Pro-rata deleveraging: every eligible winner gives up a share of its position, by a weight.
///
/// With weights wᵢ (> 0 for winners) and quantities qᵢ, each winner closes
///
///     tᵢ = min(qᵢ, λ·wᵢ),   λ such that Σ tᵢ = wanted (water-filling: a winner whose share
///                            would exceed its position is closed in full, the others share the rest)
///
/// - `quantity` (wᵢ = qᵢ): every winner closes the same fraction λ of its position — the pro-rata
///   rule that T. Chitra shows the unique fair one under his axioms ("Autodeleveraging:
///   Impossibilities and Optimization", arXiv 2512.01112, 2025).
/// - `leverage` (wᵢ = qᵢ·ℓᵢ, ℓ = q·x/(M + PnL)): the more leveraged lose a larger fraction;
/// - `pnlPercent` (wᵢ = qᵢ·PnL%ᵢ): the larger the relative profit, the larger the fraction — the
///   risk weighting of the venues' rankings (PnL% × leverage, docs/venues.md) spread over all
///   winners instead of queued [E: our construction, after Chitra's risk-aware pro-rata].
///
/// Winners are the candidates in profit at the ranking price. If all winners closed in full do not
/// reach the quantity wanted, the other eligible positions (not in profit but able to pay at the
/// bankruptcy price — the venues' queues hold them too, last) share the rest pro rata by quantity.
/// Cost: every candidate of the side, O(n log n) per deleveraging.
public struct ProRataAllocation: ADLAllocation, Equatable {
    public enum Weighting: String, Sendable, Equatable, CaseIterable {
        case quantity
        case leverage
        case pnlPercent
    }

    public let weighting: Weighting

    public init(weighting: Weighting = .quantity) {
        self.weighting = weighting
    }

    /// The weight of winner `c`.
    public func weight(_ c: ADLCandidate) -> Double {
        switch weighting {
        case .quantity: c.holding.quantity
        case .leverage: c.holding.quantity * c.leverage
        case .pnlPercent: c.holding.quantity * c.pnlPercent
        }
    }

    public func allocate<Candidates: ADLCandidateStream>(wanted: Double, from candidates: inout Candidates) -> Double {
        var winners: [(index: Int, quantity: Double, weight: Double)] = []
        var others: [(index: Int, quantity: Double, weight: Double)] = []
        var index = 0
        while let c = candidates.next() {
            let w = c.isWinner ? weight(c) : 0
            if w > 0 && w.isFinite {
                winners.append((index, c.holding.quantity, w))
            } else {
                others.append((index, c.holding.quantity, c.holding.quantity))
            }
            index += 1
        }
        var left = wanted
        for group in [winners, others] where left > 0 && !group.isEmpty {
            let takes = Self.waterFill(left, quantities: group.map(\.quantity), weights: group.map(\.weight))
            for (k, t) in takes.enumerated() where t > 0 {
                candidates.take(t, from: group[k].index)
                left -= t
            }
        }
        return wanted - max(0, left)
    }

    /// tᵢ = min(qᵢ, λ·wᵢ) with Σ tᵢ = min(wanted, Σ qᵢ): the positions in increasing order of
    /// qᵢ/wᵢ are closed in full while λ = (what is left)/(their remaining weight) exceeds qᵢ/wᵢ;
    /// the rest take λ·wᵢ. Ties need no rule: equal ratios get equal treatment.
    static func waterFill(_ wanted: Double, quantities q: [Double], weights w: [Double]) -> [Double] {
        let n = q.count
        let total = q.reduce(0, +)
        if wanted >= total { return q }
        let ratio: [Double] = (0..<n).map { q[$0] / w[$0] }
        let order = (0..<n).sorted { (a: Int, b: Int) -> Bool in ratio[a] < ratio[b] || (ratio[a] == ratio[b] && a < b) }
        var remainingWeight = w.reduce(0, +)
        var left = wanted
        var takes = [Double](repeating: 0, count: n)
        var k = 0
        while k < n {
            let i = order[k]
            let lambda = left / remainingWeight
            guard lambda * w[i] >= q[i] else { break }
            takes[i] = q[i]
            left -= q[i]
            remainingWeight -= w[i]
            k += 1
        }
        if k < n {
            let lambda = left / remainingWeight
            for i in order[k...] { takes[i] = min(q[i], lambda * w[i]) }
        }
        return takes
    }
}
