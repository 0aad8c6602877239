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
}
