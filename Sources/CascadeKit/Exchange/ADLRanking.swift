/// How auto-deleveraging orders the opposite positions it closes: every open opposite position is
/// in the queue, profitable ones first in the venue's order, losing ones after them (Binance ranks
/// them last, BitMEX by PnL% ÷ effective leverage) — so a deficit is not booked as bad debt while
/// a counterparty could still cover it. docs/venues.md, "ADL".
public enum ADLRanking: String, Sendable, Equatable {
    /// PnL% × margin ratio (Binance: PnL% = max(0, uPnL)/max(1, margin), margin ratio =
    /// MM/(margin + uPnL), 0 when that equity is not positive). A losing position ranks 0: last,
    /// but in the queue.
    case pnlTimesMarginRatio
    /// PnL% × effective leverage when PnL% > 0, PnL% ÷ effective leverage otherwise (BitMEX:
    /// PnL% = s·(X − E)/E, effective leverage = X/|X − P_bk|; Bybit, OKX and Hyperliquid rank by
    /// profit and leverage too).
    case pnlTimesEffectiveLeverage
    /// Hyperliquid's published sorting index, (mark / entry) × (notional at the mark / account
    /// value), for positions in profit [V: docs "Auto-deleveraging", read 2026-12-06]; a short's
    /// price ratio is entry / mark [E: the index is written for a long, and mark / entry would
    /// put the least profitable shorts first]. Losing positions, whose order the docs do not
    /// give, follow every profitable one, by the same index [E].
    case markOverEntryTimesLeverage
    /// No ranking: opposite positions in a fixed pseudo-random order (dYdX v4).
    case unranked

    /// The rank of an opposite position `h` of side sign `sign` at the ranking price `x` under
    /// `rule` (higher goes first; ties by ladder index), or −∞ when it cannot be ranked (its
    /// equity at x is gone: it is due for liquidation, not deleveraging).
    @inlinable
    public func rank(_ h: Holding, sign: Double, at x: Double, rule: MarginRule) -> Double {
        let pnl = sign * h.quantity * (x - h.entryPrice)
        let equity = h.margin + pnl
        guard equity > 0 else { return -.infinity }
        switch self {
        case .unranked:
            return 0
        case .pnlTimesMarginRatio:
            guard pnl > 0 else { return 0 }
            let maintenance = rule.maintenanceMargin(sign: sign, quantity: h.quantity, entryPrice: h.entryPrice, margin: h.margin, at: x)
            return pnl / max(1, h.margin) * (maintenance / equity)
        case .markOverEntryTimesLeverage:
            let ratio = sign > 0 ? x / h.entryPrice : h.entryPrice / x
            let index = ratio * (h.quantity * x / equity)
            return pnl > 0 ? index : -1 / index
        case .pnlTimesEffectiveLeverage:
            let bankruptcy = MarginRule.bankruptcyPrice(sign: sign, quantity: h.quantity, entryPrice: h.entryPrice, margin: h.margin)
            let pnlPercent = sign * (x - h.entryPrice) / h.entryPrice
            let leverage = x / abs(x - bankruptcy)
            return pnlPercent > 0 ? pnlPercent * leverage : pnlPercent / leverage
        }
    }

    /// A bound on the rank at `x` of every holding of side sign `sign` in `box`: at least the
    /// ``rank(_:sign:at:rule:)`` of each (+∞ when a holding's equity at x may be near zero, or a
    /// rule's tiers have negative deductions). Each ranking is monotone in E, B = E − s·M/q,
    /// m = M/q and q separately, so the bound is the rank's expression at the box's worst corner,
    /// widened by 10⁻⁹ relative against rounding (the bound only decides what to look at; the
    /// order comes from the exact ranks):
    ///
    /// - PnL% × effective leverage: g/E ≤ max s·(x − E)/E, x/|x − B| ≤ x/u_min with
    ///   u = s·(x − B) = equity/q; losers g/E·u/x ≤ (max g/E)·u_min/x.
    /// - Hyperliquid's index: ratio ≤ x/E_low (long) or E_high/x (short), q·x/equity = x/u;
    ///   losers −u/(ratio·x) ≤ −u_min/(ratio_max·x).
    /// - PnL% × margin ratio: pnl/max(1, M) · MM/equity ≤ (g/u)·(MM/q)/m, with MM/q at most
    ///   P·(the highest rate up to the tier of the box's largest size + fee) plus the bankruptcy
    ///   fee per unit; losers rank 0.
    public func upperBound(_ box: HoldingBox, sign: Double, at x: Double, rule: MarginRule) -> Double {
        let long = sign > 0
        // Equity per unit, smallest over the box: s·(x − B).
        let equityLow = long ? x - box.bankruptcyHigh : box.bankruptcyLow - x
        let bound: Double
        switch self {
        case .unranked:
            return 0
        case .pnlTimesEffectiveLeverage:
            let entry = long ? box.entryLow : box.entryHigh
            let pnlPercent = sign * (x - entry) / entry
            if pnlPercent > 0 {
                guard equityLow > 0 else { return .infinity }
                bound = pnlPercent * (x / equityLow)
            } else {
                bound = pnlPercent * (Swift.max(0, equityLow) / x)
            }
        case .markOverEntryTimesLeverage:
            let ratio = long ? x / box.entryLow : box.entryHigh / x
            let profitable = long ? x > box.entryLow : box.entryHigh > x
            if profitable {
                guard equityLow > 0 else { return .infinity }
                bound = ratio * (x / equityLow)
            } else {
                bound = -Swift.max(0, equityLow) / (ratio * x)
            }
        case .pnlTimesMarginRatio:
            let gain = long ? x - box.entryLow : box.entryHigh - x
            guard gain > 0 else { return 0 }
            guard equityLow > 0, box.marginPerUnitLow > 0 else { return .infinity }
            var rate = 0.0
            let top = rule.tierIndex(quantity: box.quantityHigh, entryPrice: box.entryHigh, at: x)
            for t in 0...top {
                guard rule.tiers[t].deduction >= 0 else { return .infinity }
                rate = Swift.max(rate, rule.tiers[t].rate)
            }
            let price = rule.basis == .notionalAtEntry ? box.entryHigh : x
            let maintenance = price * (rate + rule.maintenanceFee) + rule.bankruptcyFee * Swift.max(0, box.bankruptcyHigh)
            bound = gain / equityLow * (maintenance / box.marginPerUnitLow)
        }
        return bound + Swift.abs(bound) * 1e-9
    }
}
