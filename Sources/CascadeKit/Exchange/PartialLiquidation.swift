/// How much of a liquidatable position a venue closes at once, and the decision itself: given a
/// crossed position, the quantity to close now and until when a later liquidation of the rest
/// takes it whole. The cascade resolver asks; the rule answers (docs/venues.md, "Partial closes").
public enum PartialLiquidation: Sendable, Equatable {
    /// The whole position.
    case none
    /// Positions in tier `fromTier` (0-based) or above are reduced by `tiers` tiers — closing the
    /// part above the cap of the lower tier — and liquidated in full only if that does not restore
    /// maintenance margin (Bybit, BitMEX: one tier from the second; OKX: two tiers from the third).
    case tierStepDown(tiers: Int, fromTier: Int)
    /// Positions above `threshold` notional are reduced by `fraction` in one order; for
    /// `cooldown` seconds after that, liquidation takes the whole position (Hyperliquid).
    case chunk(threshold: Double, fraction: Double, cooldown: Double)
    /// At most `fraction` of a position and at most `notional` USD per block of `blockSeconds`;
    /// what is left stays liquidatable for the next block (dYdX v4).
    case perBlockCap(fraction: Double, notional: Double, blockSeconds: Double)

    /// What to close now of a crossed position (quantity `q`, entry `e`, margin `m`) at the
    /// round's price `price`, at time `now` (seconds from the start), in steps of `stepSeconds`.
    /// Until `fullUntil` (a time set by an earlier partial close of the same position) the whole
    /// position goes.
    ///
    /// - Returns: the quantity to close (≤ q; q closes it in full) and the new `fullUntil`.
    public func closing(quantity q: Double, entryPrice e: Double, margin m: Double, rule: MarginRule,
                        price: Double, now: Double, fullUntil: Double, stepSeconds: Double)
        -> (quantity: Double, fullUntil: Double) {
        var closed = q
        var until = fullUntil
        guard now > fullUntil else { return (closed, until) }
        switch self {
        case .none: break
        case let .tierStepDown(tiers, fromTier):
            let tier = rule.tierIndex(quantity: q, entryPrice: e, at: price)
            if tier >= fromTier {
                // Close down to the cap of the tier `tiers` lower; in full if still short this step.
                let target = rule.tiers[max(0, tier - tiers)].cap
                let keep: Double
                switch rule.basis {
                case let .contracts(size): keep = (target - 1) * size
                case .notionalAtEntry, .riskLimitAtEntry: keep = target * (1 - 1e-9) / e
                case .notionalAtLiquidation: keep = target * (1 - 1e-9) / price
                }
                if keep > 0 && keep < q { closed = q - keep }
                until = now + stepSeconds * 0.5    // the rest, if still liquidatable this step, goes in full
            }
        case let .chunk(threshold, fraction, cooldown):
            if q * price > threshold {
                closed = fraction * q
                until = now + cooldown
            }
        case let .perBlockCap(fraction, cap, blockSeconds):
            let notional = q * price
            let closable = LiquidationMechanics.closableInStep(notional: notional, fraction: fraction, cap: cap,
                                                               blockSeconds: blockSeconds, stepSeconds: stepSeconds)
            if closable < notional * (1 - 1e-12) { closed = q * closable / notional }
        }
        return (closed, until)
    }

    /// Whether the rule may close less than all of `p` when it is liquidated (the positions the
    /// resolver keeps out of its prefix sums).
    public func mayClosePartly(_ p: Position, rule: MarginRule, stepSeconds: Double) -> Bool {
        let (liquidation, tier) = rule.liquidationPrice(side: p.side, quantity: p.quantity, entryPrice: p.entryPrice, margin: p.margin)
        let notional = p.quantity * max(liquidation, p.entryPrice)
        switch self {
        case .none: return false
        case let .tierStepDown(_, fromTier): return tier >= fromTier || rule.tierIndex(size: notional) >= fromTier
        case let .chunk(threshold, _, _): return notional > threshold * 0.5
        case let .perBlockCap(fraction, cap, blockSeconds):
            return LiquidationMechanics.closableInStep(notional: notional * 2, fraction: fraction, cap: cap,
                                                       blockSeconds: blockSeconds, stepSeconds: stepSeconds) < notional * 2
        }
    }
}
