/// How much of a liquidatable position a venue closes at once, and the decision itself: given a
/// crossed position, the quantity to close now and until when a later liquidation of the rest
/// takes it whole. The cascade resolver asks; the rule answers (docs/venues.md, "Partial closes").
public enum PartialLiquidation: Sendable, Equatable {
    /// The whole position.
    case none
    /// A position in tier t ≥ `fromTier` (0-based) is reduced to the cap of tier t − `tiers`;
    /// if the rest still fails that tier's requirement at the mark, and that tier is still
    /// ≥ `fromTier`, it is reduced `tiers` tiers further, and so on. A position that meets no
    /// reachable tier's requirement is liquidated in full at once. Bybit and BitMEX (`tiers` 1,
    /// `fromTier` 1) so reduce to the highest lower tier whose requirement the rest meets and
    /// take over only if none does; OKX (2, 2) repeats its two-tier reductions and closes in full
    /// only when the rest fails in tier 1 or 2. If the rest becomes liquidatable again in the
    /// same step (the forced order's impact moved the price), it goes in full.
    case tierStepDown(tiers: Int, fromTier: Int)
    /// Positions above `threshold` notional are reduced by `fraction` in one order; for
    /// `cooldown` seconds after that, liquidation takes the whole position (Hyperliquid).
    case chunk(threshold: Double, fraction: Double, cooldown: Double)
    /// At most `fraction` of a position and at most `notional` USD per block of `blockSeconds`;
    /// what is left stays liquidatable for the next block (dYdX v4).
    case perBlockCap(fraction: Double, notional: Double, blockSeconds: Double)

    /// What to close now of a crossed position (side sign `sign`, quantity `q`, entry `e`, margin
    /// `m`) at the round's price `price` and the mark `mark` (the price the venue checks margin
    /// at; the traded price when it has no mark), at time `now` (seconds from the start), in steps
    /// of `stepSeconds`. Until `fullUntil` (a time set by an earlier partial close of the same
    /// position) the whole position goes.
    ///
    /// - Returns: the quantity to close (≤ q; q closes it in full) and the new `fullUntil`.
    public func closing(sign: Double, quantity q: Double, entryPrice e: Double, margin m: Double, rule: MarginRule,
                        price: Double, mark: Double, now: Double, fullUntil: Double, stepSeconds: Double)
        -> (quantity: Double, fullUntil: Double) {
        var closed = q
        var until = fullUntil
        guard now > fullUntil else { return (closed, until) }
        switch self {
        case .none: break
        case let .tierStepDown(tiers, fromTier):
            var tier = rule.tierIndex(quantity: q, entryPrice: e, at: mark)
            guard tier >= fromTier else { break }
            // The rest's equity at the mark is the position's: the closed part's loss at the mark
            // comes out of the same margin.
            let equity = m + sign * q * (mark - e)
            while tier >= fromTier && tier > 0 {
                tier = max(0, tier - max(1, tiers))
                let keep = rule.largestQuantity(inTier: tier, entryPrice: e, at: mark)
                guard keep > 0 && keep < q else { break }
                // The rest's margin: all of it, less the closed part's loss at the mark.
                let restMargin = m + sign * (q - keep) * (mark - e)
                if equity > rule.maintenanceMargin(sign: sign, quantity: keep, entryPrice: e, margin: restMargin, at: mark) {
                    closed = q - keep
                    until = now + stepSeconds * 0.5    // the rest, if liquidatable again this step, goes in full
                    break
                }
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
    /// resolver keeps out of its prefix sums). Exact for tiers fixed at entry or by contracts;
    /// for a tier, chunk or cap by the notional at the time, the notional at the larger of the
    /// liquidation and entry prices is given a factor-2 margin for the price to move further.
    public func mayClosePartly(_ p: Position, rule: MarginRule, stepSeconds: Double) -> Bool {
        let (liquidation, tier) = rule.liquidationPrice(side: p.side, quantity: p.quantity, entryPrice: p.entryPrice, margin: p.margin)
        let notional = p.quantity * max(liquidation, p.entryPrice)
        switch self {
        case .none: return false
        case let .tierStepDown(_, fromTier):
            // A tier fixed at entry or by contracts is the one the step-down starts from; a tier by
            // the notional at the mark may be higher than at the liquidation price.
            guard rule.basis == .notionalAtLiquidation else { return tier >= fromTier }
            return tier >= fromTier || rule.tierIndex(size: notional) >= fromTier
        case let .chunk(threshold, _, _): return notional > threshold * 0.5
        case let .perBlockCap(fraction, cap, blockSeconds):
            return LiquidationMechanics.closableInStep(notional: notional * 2, fraction: fraction, cap: cap,
                                                       blockSeconds: blockSeconds, stepSeconds: stepSeconds) < notional * 2
        }
    }
}
