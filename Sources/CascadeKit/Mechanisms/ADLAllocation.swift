/// One opposite position that auto-deleveraging may take from, as an ``ADLAllocation`` sees it:
/// its holding and what it is worth at the ranking price (the venue's mark at the step's first
/// deleveraging). Amounts are in the book's units (USD and P for a linear book).
public struct ADLCandidate: Sendable, Equatable {
    /// Quantity (units of the asset, > 0), entry price and margin.
    public var holding: Holding
    /// +1 for a long, −1 for a short.
    public var sign: Double
    /// The ranking price x.
    public var price: Double

    public init(holding: Holding, sign: Double, price: Double) {
        self.holding = holding
        self.sign = sign
        self.price = price
    }

    /// Unrealised PnL at x: s·q·(x − E).
    public var pnl: Double { sign * holding.quantity * (price - holding.entryPrice) }
    /// Whether the position is a winner: in profit at x.
    public var isWinner: Bool { pnl > 0 }
    /// PnL% at x: s·(x − E)/E.
    public var pnlPercent: Double { sign * (price - holding.entryPrice) / holding.entryPrice }
    /// Effective leverage at x: q·x / (M + PnL); +∞ when that equity is not positive.
    public var leverage: Double {
        let equity = holding.margin + pnl
        return equity > 0 ? holding.quantity * price / equity : .infinity
    }
}

/// The eligible opposite positions of one deleveraging, in the venue's order (its ranking, or
/// dYdX's pseudo-random one), produced one at a time. Eligible: still open, and with equity left
/// when closed at the deficit's bankruptcy price (it can pay its part).
public protocol ADLCandidateStream {
    /// The next candidate in the venue's order, or nil when there is none. Moving on leaves the
    /// previous candidate where it was unless it was taken from.
    mutating func next() -> ADLCandidate?
    /// Closes `quantity` (0 < quantity ≤ its quantity) of the `index`-th candidate produced
    /// (0-based) at the deficit's bankruptcy price.
    mutating func take(_ quantity: Double, from index: Int)
}

/// Who pays for a deficit that auto-deleveraging covers: how the quantity wanted is shared among
/// the eligible opposite positions (docs/model.md, "Auto-deleveraging policies"). Each policy is
/// one small type; the resolver asks it once per deleveraging and applies what it takes.
public protocol ADLAllocation: Sendable {
    /// Takes up to `wanted` (> 0, units of the asset) from `candidates`; returns the quantity
    /// taken (less than `wanted` only when the candidates run out or a cap binds).
    func allocate<Candidates: ADLCandidateStream>(wanted: Double, from candidates: inout Candidates) -> Double
}
