import Foundation

/// Resolves the liquidation cascade of one asset on one path within one step (docs/model.md).
///
/// After the exogenous move, with J₀ the impact carried into the step and Q = 0:
///
///     repeat {
///         find live positions liquidatable at the check price      (a prefix of each ladder side,
///             — the traded price F·e^J, or the mark                  plus re-inserted positions)
///         if none: stop
///         decide how much of each to close (all, or a venue's partial amount)
///         Q += forced buys − forced sells, in USD at P = F·e^J    (flow before this round's impact)
///         J  = impact(Q₀ + Q), Q₀ = impact⁻¹(J₀)                 (cumulative, see ``ImpactModel``)
///         X  = F·e^J                                              (the round's execution price)
///         settle each closure at X by the venue's settlement style; the fund takes the receipts,
///         and a shortfall it cannot pay is covered by deleveraging, else it is bad debt
///     } up to `maxRounds` times
///
/// **Cost.** Ladder positions closed in full are summed by prefix sums: O(log d) per round for
/// d of them, under a takeover and — split into bankruptcy-price runs (``LadderSide/runs(_:excluding:logExecution:logSecond:)``)
/// — under Hyperliquid's and dYdX's per-position settlements. One by one: the positions a venue
/// closes in part (asked of the partial rule only for the large ones precomputed per side),
/// positions re-inserted on this path, ladder entries outside the regular bankruptcy-price order
/// under a per-position settlement, and the positions deleveraging takes (from a
/// ``DeleveragingQueue``, O(log n) each).
public struct CascadeResolver: Sendable {
    public let asset: Int
    public let ladder: LiquidationLadder
    public internal(set) var impact: ImpactModel
    public let maxRounds: Int
    public let feeRate: Double
    public let rule: MarginRule
    public let mechanics: LiquidationMechanics
    public let stepSeconds: Double
    /// Ladder indices (per side, ascending) of the positions closed one by one: those the venue
    /// may close partly and, under a per-position settlement, the ladder's irregular entries.
    public let individualEntries: [[Int]]
    /// Whether every closure is settled on its own: a settlement other than takeover on a rule
    /// without the regular bankruptcy-price order (``LadderSide/logRegularFactor``).
    public let settlesEachPosition: Bool
    /// Whether every crossed ladder position is closed in full through the prefix sums (takeover,
    /// no position that may close partly): then a path with an untouched book takes the fast route.
    var aggregatesAll: Bool
    /// The book's contract (``AssetConfig/contract``): an inverse book is held in its reciprocal
    /// form, its cascade resolved in y = 1/P with amounts in the coin, and reported in USD.
    public let contract: ContractType
    /// Whether ``contract`` is inverse.
    public var reciprocal: Bool { contract == .inverse }
    let seed: UInt64
    /// Each side's positions grouped for a ranked auto-deleveraging (nil without one, or unranked).
    let deleveragingIndex: SidePair<DeleveragingIndex?>
    /// Who pays for a deleveraging (``LiquidationMechanics/adl``).
    let allocator: any ADLAllocation
    /// How forced orders reach the book when not all at once (``LiquidationMechanics/disposal``).
    let disposer: (any DisposalPolicy)?

    public init(asset: Int = 0, ladder: LiquidationLadder, impact: ImpactModel, maxRounds: Int,
                mechanics: LiquidationMechanics = .m0, stepSeconds: Double = 60, seed: UInt64 = 0,
                contract: ContractType = .linear) {
        // What works in the coin unchanged: a takeover, a tier step-down, rankings without USD
        // constants. A venue listed with other mechanics (InverseContract.listed) needs more.
        var stepsByTier: Bool {
            switch mechanics.partial {
            case .none, .tierStepDown: true
            case .chunk, .perBlockCap: false
            }
        }
        precondition(contract == .linear || (ladder.rule.settlement == .takeover && stepsByTier
                                             && mechanics.deleveraging != .pnlTimesMarginRatio),
                     "an inverse book is settled by takeover, steps down by tiers and ranks without USD constants")
        self.contract = contract
        self.asset = asset
        self.ladder = ladder
        self.impact = impact
        self.maxRounds = maxRounds
        self.rule = ladder.rule
        self.feeRate = ladder.rule.liquidationFee
        self.mechanics = mechanics
        self.stepSeconds = stepSeconds
        self.seed = seed
        let aggregatesSettlement = Self.aggregatesSettlement(ladder)
        settlesEachPosition = ladder.rule.settlement != .takeover && !aggregatesSettlement
        var candidates: [[Int]] = [[], []]
        if mechanics.partial != .none {
            for (s, side) in [ladder.longs, ladder.shorts].enumerated() {
                for k in 0..<side.count {
                    let p = ladder.positions[side.positionIndex[k]]
                    if Self.mayClosePartly(p, rule: ladder.rule, mechanics: mechanics, stepSeconds: stepSeconds) {
                        candidates[s].append(k)
                    }
                }
            }
        }
        if ladder.rule.settlement != .takeover && aggregatesSettlement {
            for (s, side) in [ladder.longs, ladder.shorts].enumerated() where !side.irregular.isEmpty {
                candidates[s] = Array(Set(candidates[s]).union(side.irregular)).sorted()
            }
        }
        individualEntries = candidates
        if let ranking = mechanics.deleveraging, ranking != .unranked {
            deleveragingIndex = SidePair(long: DeleveragingIndex(side: ladder.longs), short: DeleveragingIndex(side: ladder.shorts))
        } else {
            deleveragingIndex = SidePair(nil)
        }
        aggregatesAll = ladder.rule.settlement == .takeover && candidates[0].isEmpty && candidates[1].isEmpty
        allocator = mechanics.adl.allocator
        disposer = mechanics.disposal.policy(stepSeconds: stepSeconds)
        if disposer != nil { aggregatesAll = false }
    }

    /// Whether a per-position settlement of `ladder`'s rule can be summed over runs of the ladder
    /// (``LadderSide/runs(_:excluding:logExecution:logSecond:)``): its regular entries are
    /// ordered by bankruptcy price, and the rule's switch between cases is a bankruptcy-price
    /// threshold for each. For a market close with a backstop β the trader keeps the equity
    /// e = s·q·(X − P_bk) when e ≥ β·MM(X); with maintenance convex in the notional (rates not
    /// decreasing, deductions continuous: MM(N) = maxₜ(N·rₜ − dₜ)) and β·(rₜ + f) < 1 in every
    /// tier, that holds exactly from X = P_bk/(1 − s·β·(r₀ + f)) on for a position whose
    /// notional there is in the first tier (the regular ones).
    static func aggregatesSettlement(_ ladder: LiquidationLadder) -> Bool {
        let rule = ladder.rule
        guard ladder.longs.logRegularFactor != nil, rule.bankruptcyFee == 0 else { return false }
        switch rule.settlement {
        case .takeover, .cappedFee:
            return true
        case let .market(backstop):
            let tiers = rule.tiers
            for t in tiers.indices {
                guard backstop * (tiers[t].rate + rule.maintenanceFee) < 1 else { return false }
                if t > 0 && rule.basis == .notionalAtLiquidation {
                    let continuous = tiers[t].deduction - (tiers[t - 1].deduction + tiers[t].floor * (tiers[t].rate - tiers[t - 1].rate))
                    guard tiers[t].rate >= tiers[t - 1].rate, Swift.abs(continuous) <= 1e-9 * Swift.max(1, tiers[t].deduction) else {
                        return false
                    }
                }
            }
            return true
        }
    }

    /// This resolver with `impact` in place of its own: nothing it precomputed depends on the
    /// impact (the no-feedback twin's resolvers, ``ScenarioRun``).
    func with(impact: ImpactModel) -> CascadeResolver {
        var resolver = self
        resolver.impact = impact
        return resolver
    }

    /// The resolver of each asset of `config`.
    static func resolvers(for config: SimulationConfig) -> [CascadeResolver] {
        config.assets.enumerated().map { index, asset in
            CascadeResolver(asset: index, ladder: asset.ladder, impact: asset.impact, maxRounds: config.maxCascadeRounds,
                            mechanics: asset.mechanics, stepSeconds: config.stepSeconds, seed: config.seed,
                            contract: asset.contract)
        }
    }

    /// Whether the venue may close less than all of `position` when it is liquidated.
    static func mayClosePartly(_ p: Position, rule: MarginRule, mechanics: LiquidationMechanics, stepSeconds: Double) -> Bool {
        mechanics.partial.mayClosePartly(p, rule: rule, stepSeconds: stepSeconds)
    }

    /// One closure of (part of) a position in a round.
    struct Closure {
        var side: Int               // 0 long, 1 short
        var ladderIndex: Int
        var quantity: Double        // closed
        var entryPrice: Double
        var margin: Double          // the position's margin before the closure
        var positionQuantity: Double
        var full: Bool
        var fullUntil: Double
    }

    /// ``resolve(path:step:logFundamental:startImpact:markBasis:longCursor:shortCursor:book:tally:assetNotional:map:observer:)``
    /// without a liquidation map.
    public func resolve<Observer: CascadeObserver>(
        path: Int, step: Int, logFundamental: Double, startImpact: Double, markBasis: Double? = nil,
        longCursor: inout LadderCursor, shortCursor: inout LadderCursor, book: inout PathBook,
        tally: inout PathTally, assetNotional: inout Double, observer: inout Observer
    ) -> Double {
        var none: LiquidationMap? = nil
        return resolve(path: path, step: step, logFundamental: logFundamental, startImpact: startImpact, markBasis: markBasis,
                       longCursor: &longCursor, shortCursor: &shortCursor, book: &book, tally: &tally,
                       assetNotional: &assetNotional, map: &none, observer: &observer)
    }

    /// Runs the cascade of `step` on one path and returns the impact J at its end.
    ///
    /// - Parameters:
    ///   - logFundamental: ln F after the exogenous move.
    ///   - startImpact: J₀, the log-impact after recovery.
    ///   - markBasis: for an index mark price, the averaged basis (the mark is F·e^basis); nil when
    ///     liquidations trigger on the traded price.
    ///   - depthScale: the path's depth multiplier m (``LiquidityWithdrawal``): impact on depth m·D.
    ///   - longCursor, shortCursor: the path's place on each ladder side; advanced.
    ///   - book: the path's re-inserted and deleveraged positions; updated.
    ///   - tally: the path's running totals; updated.
    ///   - assetNotional: the path's liquidated notional in this asset; updated.
    ///   - map: the liquidation map to add the closures to, if one is kept.
    ///
    /// For an inverse book (``reciprocal``) the arguments are the asset's, in P — `longCursor` on
    /// the ladder side that a falling price liquidates, which in y = 1/P is the side of shorts —
    /// and the cascade is resolved in y: ln y = −ln P, and with an odd impact function the impact
    /// in y is −J exactly.
    public func resolve<Observer: CascadeObserver>(
        path: Int, step: Int, logFundamental: Double, startImpact: Double, markBasis: Double? = nil, depthScale: Double = 1,
        longCursor: inout LadderCursor, shortCursor: inout LadderCursor, book: inout PathBook,
        tally: inout PathTally, assetNotional: inout Double, map: inout LiquidationMap?, observer: inout Observer
    ) -> Double {
        if depthScale != 1 {
            // Liquidity withdrawn on this path (``LiquidityWithdrawal``): the cascade on depth m·D.
            var thinner = impact
            thinner.depth *= depthScale
            return with(impact: thinner).resolve(
                path: path, step: step, logFundamental: logFundamental, startImpact: startImpact, markBasis: markBasis,
                longCursor: &longCursor, shortCursor: &shortCursor, book: &book, tally: &tally, assetNotional: &assetNotional,
                map: &map, observer: &observer)
        }
        guard reciprocal else {
            return resolveInUnits(path: path, step: step, logFundamental: logFundamental, startImpact: startImpact,
                                  markBasis: markBasis, longCursor: &longCursor, shortCursor: &shortCursor, book: &book,
                                  tally: &tally, assetNotional: &assetNotional, map: &map, observer: &observer)
        }
        return -resolveInUnits(path: path, step: step, logFundamental: -logFundamental, startImpact: -startImpact,
                               markBasis: markBasis.map { -$0 }, longCursor: &shortCursor, shortCursor: &longCursor,
                               book: &book, tally: &tally, assetNotional: &assetNotional, map: &map, observer: &observer)
    }

    /// The cascade in the book's own price and settlement currency: P and USD for a linear book,
    /// y = 1/P and the coin for an inverse one (whose amounts go to the tally and the fund in USD
    /// at each round's execution price, ``usd(_:at:)``).
    func resolveInUnits<Observer: CascadeObserver>(
        path: Int, step: Int, logFundamental: Double, startImpact: Double, markBasis: Double?,
        longCursor: inout LadderCursor, shortCursor: inout LadderCursor, book: inout PathBook,
        tally: inout PathTally, assetNotional: inout Double, map: inout LiquidationMap?, observer: inout Observer
    ) -> Double {
        if aggregatesAll && book.isPristine {
            return resolveAggregated(path: path, step: step, logFundamental: logFundamental, startImpact: startImpact,
                                     markBasis: markBasis, longCursor: &longCursor, shortCursor: &shortCursor, book: &book,
                                     tally: &tally, assetNotional: &assetNotional, map: &map, observer: &observer)
        }
        let longs = ladder.longs, shorts = ladder.shorts
        let now = Double(step + 1) * stepSeconds
        var j = startImpact
        var flow = 0.0
        // The impact carried into the step as the outstanding flow that would cause it.
        let startFlow = impact.equivalentFlow(logImpact: startImpact)
        var rounds = 0
        var saturated = false
        var logPrice = logFundamental + j
        var price = Foundation.exp(logPrice)
        var closures: [Closure] = []
        var crossedLive: [LivePosition] = []
        if let disposer, book.inventory.budgetStep != step {
            // The step's budget (once: the cross accounts' flow may resolve the asset again within
            // the step), and what the engine sends of what it holds before anything else.
            book.inventory.budgetStep = step
            book.inventory.budget = disposer.stepBudget(pending: Swift.abs(book.inventory.pending), depth: impact.depth, price: price)
            if book.inventory.pending != 0 {
                let sent = book.inventory.send(adding: 0)
                flow += sent * price
                j = impact.logImpact(cumulativeFlow: startFlow + flow)
                saturated = saturated || Swift.abs(j) >= ModelLimits.maximumLogImpact
                logPrice = logFundamental + j
                price = Foundation.exp(logPrice)
                bookDisposal(book.inventory.commit(delta: 0, sent: sent, at: price), at: price, tally: &tally)
            }
        }
        while true {
            let check = markBasis.map { logFundamental + $0 } ?? logPrice
            let mark = markBasis == nil ? price : Foundation.exp(check)
            let crossLong = longCursor.key >= check || book.topKey(0, step: step) >= check
            let crossShort = shortCursor.key >= -check || book.topKey(1, step: step) >= -check
            if !crossLong && !crossShort { break }
            if rounds == maxRounds {
                tally.roundCapHits += 1
                break
            }
            rounds += 1
            closures.removeAll(keepingCapacity: true)
            // Per side (long, short), on the stack.
            var aggregate = SidePair(LadderTotals.zero)
            var aggregateRange = SidePair(0..<0)
            var aggregateCount = SidePair(0)
            var closedQuantity = SidePair(0.0)
            // Entries of the aggregated ranges that are not in the aggregate (for the map).
            var excluded = SidePair<[Int]>([])
            for s in 0..<2 where s == 0 ? crossLong : crossShort {
                let ladderSide = s == 0 ? longs : shorts
                let sign: Double = s == 0 ? 1 : -1
                // The ladder range newly crossed.
                let first = s == 0 ? longCursor.index : shortCursor.index
                var totals = s == 0 ? ladderSide.advance(&longCursor, logPrice: check) : ladderSide.advance(&shortCursor, logPrice: check)
                let last = s == 0 ? longCursor.index : shortCursor.index
                var count = last - first
                var individual: [Int] = []
                if count > 0 {
                    let range = first..<last
                    let removed = book.removed(s, in: range)
                    if settlesEachPosition {
                        individual = range.filter { !book.isRemoved($0, side: s) }
                        totals = .zero
                        count = 0
                    } else {
                        for k in removed {
                            totals = totals.minus(ladderSide.totals(k, k + 1))
                            count -= 1
                        }
                        // A candidate the venue closes in full stays in the sums (but an irregular
                        // entry under a per-position settlement, which the runs cannot hold).
                        let candidates = individualEntries[s]
                        if !candidates.isEmpty {
                            let lower = LadderSide.lowerBound(candidates, first)
                            let perPosition = rule.settlement != .takeover
                            var i = lower
                            while i < candidates.count && candidates[i] < last {
                                let k = candidates[i]
                                if !book.isRemoved(k, side: s) {
                                    let h = ladderSide.holdings[k]
                                    let c = closure(side: s, ladderIndex: k, quantity: h.quantity, entryPrice: h.entryPrice,
                                                    margin: h.margin, fullUntil: -1, price: price, mark: mark, now: now)
                                    if !c.full || (perPosition && ladderSide.isIrregular(k)) {
                                        totals = totals.minus(ladderSide.totals(k, k + 1))
                                        count -= 1
                                        individual.append(k)
                                        closures.append(c)
                                        closedQuantity[s] += c.quantity
                                    }
                                }
                                i += 1
                            }
                        }
                    }
                    aggregate[s] = totals
                    aggregateRange[s] = range
                    if (map != nil || feeRate > 0 || rule.settlement != .takeover || mechanics.deleveraging != nil)
                        && !settlesEachPosition {
                        excluded[s] = removed + individual
                    }
                    aggregateCount[s] = count
                    closedQuantity[s] += totals.quantity
                }
                if settlesEachPosition {
                    for k in individual {
                        let h = ladderSide.holdings[k]
                        let c = closure(side: s, ladderIndex: k, quantity: h.quantity, entryPrice: h.entryPrice, margin: h.margin,
                                        fullUntil: -1, price: price, mark: mark, now: now)
                        closures.append(c)
                        closedQuantity[s] += c.quantity
                    }
                }
                // Re-inserted positions crossed (not blocked in this step).
                if !book.live[s].isEmpty {
                    crossedLive.removeAll(keepingCapacity: true)
                    if book.takeCrossed(side: s, target: sign * check, step: step, into: &crossedLive) > 0 {
                        for live in crossedLive {
                            let c = closure(side: s, ladderIndex: live.ladderIndex, quantity: live.quantity,
                                            entryPrice: live.entryPrice, margin: live.margin, fullUntil: live.fullUntil,
                                            price: price, mark: mark, now: now)
                            closures.append(c)
                            closedQuantity[s] += c.quantity
                        }
                    }
                }
            }

            let delta = closedQuantity[1] - closedQuantity[0]
            var sent = delta
            if let disposer {
                book.inventory.budget += disposer.budget(forNew: Swift.abs(delta))
                sent = book.inventory.send(adding: delta)
            }
            flow += sent * (reciprocal ? 1 : price)
            j = impact.logImpact(cumulativeFlow: startFlow + flow)
            saturated = saturated || Swift.abs(j) >= ModelLimits.maximumLogImpact
            logPrice = logFundamental + j
            let execution = Foundation.exp(logPrice)
            if disposer != nil {
                bookDisposal(book.inventory.commit(delta: delta, sent: sent, at: execution), at: execution, tally: &tally)
            }

            // Settlement.
            var receipts = 0.0
            var deficit = RoundDeficit()
            for s in 0..<2 where aggregate[s].quantity > 0 {
                let sign: Double = s == 0 ? 1 : -1
                let t = aggregate[s]
                var marginLost = t.margin
                if rule.settlement == .takeover {
                    let receipt = sign * (execution * t.quantity - t.bankruptcyQuantity)
                    receipts += receipt
                    deficit.ranges[s] = aggregateRange[s]
                    deficit.excluded[s] = excluded[s]
                    tally.fees += usd(ladderSide(s).receivedFees(in: aggregateRange[s], excluding: excluded[s], execution: execution,
                                                                 rate: feeRate, quantity: t.quantity), at: execution)
                } else {
                    let settled = settleRuns(side: s, range: aggregateRange[s], excluding: excluded[s], execution: execution,
                                             logExecution: logPrice)
                    receipts += settled.receipts
                    marginLost -= settled.kept
                    tally.fees += settled.fees
                    deficit.individual[s].quantity += settled.deficit.quantity
                    deficit.individual[s].bankruptcyQuantity += settled.deficit.bankruptcyQuantity
                }
                record(tally: &tally, side: s, quantity: t.quantity, execution: execution, entryNotional: t.entryNotional,
                       marginLost: marginLost, marketLoss: sign * (t.entryNotional - execution * t.quantity), count: aggregateCount[s])
                assetNotional += notional(t.quantity, at: execution)
                map?.add(asset: asset, side: s, range: aggregateRange[s], excluding: excluded[s], price: execution)
                observer.roundClosed(path: path, asset: asset, step: step, round: rounds, side: observedSide(s),
                                     range: aggregateRange[s], roundPrice: observedPrice(price),
                                     executionPrice: observedPrice(execution))
                observer.liquidationRecorded(path: path, asset: asset, step: step, round: rounds, side: observedSide(s),
                                             count: aggregateCount[s], notional: notional(t.quantity, at: execution), partial: false,
                                             roundPrice: observedPrice(price), executionPrice: observedPrice(execution))
            }
            for c in closures {
                let sign: Double = c.side == 0 ? 1 : -1
                // A partial close whose loss would take the whole margin closes everything.
                let partialMargin = c.margin - sign * c.quantity * (c.entryPrice - execution)
                let full = c.full || partialMargin <= 0
                let q = full ? c.positionQuantity : c.quantity
                let marketLoss = sign * q * (c.entryPrice - execution)
                if full {
                    // Equity of the position after the close, e = M + s·q·(X − E) = s·q·(X − P_bk).
                    let equity = c.margin - marketLoss
                    var receipt = 0.0, marginConsumed = c.margin
                    switch rule.settlement {
                    case .takeover:
                        receipt = equity
                        tally.fees += usd(min(feeRate * execution * q, max(0, equity)), at: execution)   // only what is left pays the fee
                    case let .market(backstop):
                        let maintenance = rule.maintenanceMargin(sign: sign, quantity: q, entryPrice: c.entryPrice, margin: c.margin,
                                                                 at: execution)
                        if equity >= backstop * maintenance {
                            marginConsumed = c.margin - equity       // the trader keeps the equity
                        } else {
                            receipt = equity                         // the backstop takes it over
                        }
                    case let .cappedFee(rate):
                        if equity > 0 {
                            let fee = min(rate * q * execution, equity)
                            receipt = fee
                            marginConsumed = c.margin - (equity - fee)
                            tally.fees += fee
                        } else {
                            receipt = equity
                        }
                    }
                    if receipt < 0 {
                        deficit.individual[c.side].quantity += q
                        deficit.individual[c.side].bankruptcyQuantity
                            += q * MarginRule.bankruptcyPrice(sign: sign, quantity: q, entryPrice: c.entryPrice, margin: c.margin)
                    }
                    receipts += receipt
                    record(tally: &tally, side: c.side, quantity: q, execution: execution, entryNotional: q * c.entryPrice,
                           marginLost: marginConsumed, marketLoss: marketLoss, count: 1)
                } else {
                    // A partial close: the realised loss comes out of the position's margin and the
                    // rest lives on with a new liquidation price.
                    let remaining = c.positionQuantity - q
                    tally.partialLiquidations += 1
                    record(tally: &tally, side: c.side, quantity: q, execution: execution, entryNotional: q * c.entryPrice,
                           marginLost: marketLoss, marketLoss: marketLoss, count: 0)
                    let side: Side = c.side == 0 ? .long : .short
                    let liquidation = rule.liquidationPrice(side: side, quantity: remaining, entryPrice: c.entryPrice,
                                                            margin: partialMargin).price
                    var blocked = -1
                    if case .perBlockCap = mechanics.partial { blocked = step }
                    book.insert(LivePosition(ladderIndex: c.ladderIndex, quantity: remaining, entryPrice: c.entryPrice,
                                             margin: partialMargin, key: liquidation > 0 ? sign * Foundation.log(liquidation) : -.infinity,
                                             fullUntil: c.fullUntil, blockedStep: blocked),
                                side: c.side)
                }
                assetNotional += notional(q, at: execution)
                map?.add(asset: asset, side: c.side, entry: c.ladderIndex, quantity: q, price: execution)
                observer.positionClosed(path: path, asset: asset, step: step, round: rounds, side: observedSide(c.side),
                                        ladderIndex: c.ladderIndex, quantity: q, full: full, executionPrice: observedPrice(execution))
                observer.liquidationRecorded(path: path, asset: asset, step: step, round: rounds, side: observedSide(c.side),
                                             count: full ? 1 : 0, notional: notional(q, at: execution), partial: !full,
                                             roundPrice: observedPrice(price), executionPrice: observedPrice(execution))
            }
            settle(receipts: receipts, deficit: deficit, execution: execution, logExecution: logPrice,
                   rankPrice: markBasis == nil ? execution : mark, path: path, step: step,
                   longCursor: longCursor, shortCursor: shortCursor, book: &book, tally: &tally, observer: &observer)
            price = execution
        }
        if disposer != nil && book.inventory.pending != 0 {
            tally.pendingNotionalMax = Swift.max(tally.pendingNotionalMax, notional(Swift.abs(book.inventory.pending), at: price))
            tally.lastHeldStep = Swift.max(tally.lastHeldStep, step)
        }
        finish(rounds: rounds, saturated: saturated, step: step, tally: &tally, book: &book)
        return j
    }

    /// Books the engine's P&L on the forced flow it held (``DisposalInventory``) with the fund:
    /// a loss the fund cannot pay is bad debt.
    func bookDisposal(_ pnl: Double, at x: Double, tally: inout PathTally) {
        guard pnl != 0 else { return }
        let amount = usd(pnl, at: x)
        tally.disposalPnL += amount
        tally.settle(amount)
    }

    /// A round's closures of side `s` in `range` but `excluded` (all regular) settled at
    /// execution price X = e^`logExecution` by a per-position settlement, summed over the three
    /// runs of ``LadderSide/runs(_:excluding:logExecution:logSecond:)``; e = s·q·(X − P_bk):
    ///
    /// - market close with backstop β: the backstop takes over (receives e) below the switch
    ///   P_bk = X·(1 − s·β·(r₀ + f)), the trader keeps e beyond it;
    /// - capped fee φ: e ≤ 0 goes to the fund; 0 < e < φ·q·X is all fee; beyond
    ///   P_bk = X·(1 − s·φ), the fee φ·q·X and the trader keeps the rest.
    ///
    /// - Returns: the fund's receipts, the equity the traders keep (out of the margin they
    ///   lose), the fees, and the deficit (the closures with negative receipts).
    func settleRuns(side s: Int, range: Range<Int>, excluding excluded: [Int], execution x: Double, logExecution: Double)
        -> (receipts: Double, kept: Double, fees: Double, deficit: (quantity: Double, bankruptcyQuantity: Double)) {
        let sign: Double = s == 0 ? 1 : -1
        func equity(_ t: LadderTotals) -> Double { sign * (x * t.quantity - t.bankruptcyQuantity) }
        switch rule.settlement {
        case .takeover:
            preconditionFailure("a takeover settles by the aggregate")
        case let .market(backstop):
            let r = ladderSide(s).runs(range, excluding: excluded, logExecution: logExecution,
                                       logSecond: Foundation.log(1 - sign * backstop * (rule.tiers[0].rate + rule.maintenanceFee)))
            return (equity(r.beyond) + equity(r.short), equity(r.rest), 0, (r.beyond.quantity, r.beyond.bankruptcyQuantity))
        case let .cappedFee(rate):
            let r = ladderSide(s).runs(range, excluding: excluded, logExecution: logExecution, logSecond: Foundation.log(1 - sign * rate))
            let partial = equity(r.short), full = rate * x * r.rest.quantity
            return (equity(r.beyond) + partial + full, equity(r.rest) - full, partial + full,
                    (r.beyond.quantity, r.beyond.bankruptcyQuantity))
        }
    }

    /// The ladder side of side index `s` (0 long, 1 short).
    @inline(__always)
    func ladderSide(_ s: Int) -> LadderSide { s == 0 ? ladder.longs : ladder.shorts }

    /// An amount in the book's settlement currency at execution price `x`, in USD.
    @inline(__always)
    func usd(_ amount: Double, at x: Double) -> Double { contract.usd(amount, at: x) }

    /// The USD notional of quantity `q` at price `x`.
    @inline(__always)
    func notional(_ q: Double, at x: Double) -> Double { contract.usdNotional(q, at: x) }

    /// The side an observer is told of: the position's own (an inverse book's ladder holds it on
    /// the reciprocal side, where its entry index still refers).
    @inline(__always)
    func observedSide(_ s: Int) -> Side { contract.positionSide(ofLadderSide: s) == 0 ? .long : .short }

    /// A price in the book's units as the observer is told of it, in USD.
    @inline(__always)
    func observedPrice(_ x: Double) -> Double { contract.usdPrice(x) }

    /// How much of a crossed position to close now, at round price `price` (time `now`).
    func closure(side s: Int, ladderIndex: Int, quantity q: Double, entryPrice e: Double, margin m: Double,
                 fullUntil: Double, price: Double, mark: Double, now: Double) -> Closure {
        let (closed, until) = mechanics.partial.closing(sign: s == 0 ? 1 : -1, quantity: q, entryPrice: e, margin: m, rule: rule,
                                                        price: price, mark: mark, now: now, fullUntil: fullUntil,
                                                        stepSeconds: stepSeconds)
        return Closure(side: s, ladderIndex: ladderIndex, quantity: closed, entryPrice: e, margin: m, positionQuantity: q,
                       full: closed >= q, fullUntil: until)
    }

    /// The fund settles a round's net receipts; a shortfall it cannot pay goes to
    /// ``coverShortfall(_:deficit:execution:logExecution:rankPrice:path:step:longCursor:shortCursor:book:tally:observer:)``.
    @inline(__always)
    func settle<Observer: CascadeObserver>(
        receipts: Double, deficit: RoundDeficit, execution: Double, logExecution: Double,
        rankPrice: Double, path: Int, step: Int, longCursor: LadderCursor, shortCursor: LadderCursor, book: inout PathBook,
        tally: inout PathTally, observer: inout Observer
    ) {
        let shortfall = tally.receive(usd(receipts, at: execution))
        if shortfall > 0 {
            coverShortfall(shortfall, deficit: deficit, execution: execution, logExecution: logExecution, rankPrice: rankPrice, path: path, step: step,
                           longCursor: longCursor, shortCursor: shortCursor, book: &book, tally: &tally, observer: &observer)
        }
    }

    /// The end of a step's cascade: its round count and first-liquidation bookkeeping, a
    /// ``PathTally/priceLimitHits`` if the impact saturated, and the deleveraging queues freed.
    @inline(__always)
    func finish(rounds: Int, saturated: Bool, step: Int, tally: inout PathTally, book: inout PathBook) {
        tally.lastRounds = rounds
        if saturated { tally.priceLimitHits += 1 }
        if rounds > 0 {
            if tally.firstLiquidationStep < 0 { tally.firstLiquidationStep = step }
            if rounds > tally.maxRounds { tally.maxRounds = rounds }
        }
        book.releaseQueues()
    }

    /// A round's shortfall the fund could not pay: deleveraging (if the venue has it) against the
    /// side opposite the larger deficit, at that deficit's bankruptcy price; the rest is bad debt.
    func coverShortfall<Observer: CascadeObserver>(
        _ shortfall: Double, deficit round: RoundDeficit, execution: Double, logExecution: Double,
        rankPrice: Double, path: Int, step: Int, longCursor: LadderCursor, shortCursor: LadderCursor, book: inout PathBook,
        tally: inout PathTally, observer: inout Observer
    ) {
        var covered = 0.0, beyond = 0.0
        if let ranking = mechanics.deleveraging {
            var deficit = round.individual
            for s in 0..<2 where !round.ranges[s].isEmpty {
                let t = ladderSide(s).underwater(round.ranges[s], excluding: round.excluded[s], execution: execution,
                                                 logExecution: logExecution)
                deficit[s].quantity += t.quantity
                deficit[s].bankruptcyQuantity += t.bankruptcyQuantity
            }
            let s = deficit[0].quantity >= deficit[1].quantity ? 0 : 1
            let q = deficit[s].quantity
            if q > 0 {
                let bankruptcy = deficit[s].bankruptcyQuantity / q
                let gap = abs(execution - bankruptcy)
                if gap > 0 {
                    // The shortfall in the book's settlement currency (the coin of an inverse book).
                    let needed = min(q, (reciprocal ? shortfall * execution : shortfall) / gap)
                    let wanted = mechanics.adl.severity == .position ? q : needed
                    let done = deleverage(against: 1 - s, quantity: wanted, at: bankruptcy, marketPrice: rankPrice,
                                          gap: gap, execution: execution, ranking: ranking, path: path, step: step, longCursor: longCursor,
                                          shortCursor: shortCursor, book: &book, tally: &tally, observer: &observer)
                    // All that was needed closed: the shortfall is covered exactly.
                    covered = done >= needed * (1 - 1e-12) ? shortfall : min(shortfall, usd(done * gap, at: execution))
                    // Haircuts beyond the shortfall (a whole-position severity) go back to the fund.
                    if done > needed { beyond = max(0, usd(done * gap, at: execution) - covered) }
                }
            }
        }
        if covered > 0 || beyond > 0 { tally.fund.recordDeleveraging(covered, beyondShortfall: beyond) }
        if beyond > 0 { tally.haircuts?.overshoot += beyond }
        if shortfall - covered > 0 { tally.fund.coverRemaining(shortfall - covered) }
    }

    /// ``resolve(path:step:logFundamental:startImpact:markBasis:longCursor:shortCursor:book:tally:assetNotional:observer:)``
    /// when every crossed position is closed in full under a takeover and the path has no
    /// re-inserted or deleveraged positions — the common case, with nothing but prefix sums per
    /// round. Computes exactly what the general routine computes, in the same order.
    @inline(__always)
    func resolveAggregated<Observer: CascadeObserver>(
        path: Int, step: Int, logFundamental: Double, startImpact: Double, markBasis: Double?,
        longCursor: inout LadderCursor, shortCursor: inout LadderCursor, book: inout PathBook,
        tally: inout PathTally, assetNotional: inout Double, map: inout LiquidationMap?, observer: inout Observer
    ) -> Double {
        let longs = ladder.longs, shorts = ladder.shorts
        let startFlow = impact.equivalentFlow(logImpact: startImpact)
        var j = startImpact
        var flow = 0.0
        var rounds = 0
        var saturated = false
        var logPrice = logFundamental + j
        var price = Foundation.exp(logPrice)
        let hasMark = markBasis != nil
        let markLog = logFundamental + (markBasis ?? 0)
        while true {
            let check = hasMark ? markLog : logPrice
            if !(longCursor.key >= check || shortCursor.key >= -check) { break }
            if rounds == maxRounds {
                tally.roundCapHits += 1
                break
            }
            rounds += 1
            let firstLong = longCursor.index, firstShort = shortCursor.index
            let closed = SidePair(long: longs.advance(&longCursor, logPrice: check), short: shorts.advance(&shortCursor, logPrice: check))
            let count = SidePair(long: longCursor.index - firstLong, short: shortCursor.index - firstShort)
            flow += (closed.short.quantity - closed.long.quantity) * (reciprocal ? 1 : price)
            j = impact.logImpact(cumulativeFlow: startFlow + flow)
            saturated = saturated || Swift.abs(j) >= ModelLimits.maximumLogImpact
            logPrice = logFundamental + j
            let execution = Foundation.exp(logPrice)
            var receipts = 0.0
            var deficit = RoundDeficit()
            for s in 0..<2 {
                let t = s == 0 ? closed.long : closed.short
                guard t.quantity > 0 else { continue }
                let sign: Double = s == 0 ? 1 : -1
                let receipt = sign * (execution * t.quantity - t.bankruptcyQuantity)
                receipts += receipt
                record(tally: &tally, side: s, quantity: t.quantity, execution: execution, entryNotional: t.entryNotional,
                       marginLost: t.margin, marketLoss: sign * (t.entryNotional - execution * t.quantity),
                       count: s == 0 ? count.long : count.short)
                let range = s == 0 ? firstLong..<longCursor.index : firstShort..<shortCursor.index
                deficit.ranges[s] = range
                tally.fees += usd(ladderSide(s).receivedFees(in: range, excluding: [], execution: execution, rate: feeRate,
                                                             quantity: t.quantity), at: execution)
                assetNotional += notional(t.quantity, at: execution)
                map?.add(asset: asset, side: s, range: range, price: execution)
                observer.roundClosed(path: path, asset: asset, step: step, round: rounds, side: observedSide(s),
                                     range: range, roundPrice: observedPrice(price), executionPrice: observedPrice(execution))
                observer.liquidationRecorded(path: path, asset: asset, step: step, round: rounds, side: observedSide(s),
                                             count: s == 0 ? count.long : count.short, notional: notional(t.quantity, at: execution),
                                             partial: false, roundPrice: observedPrice(price), executionPrice: observedPrice(execution))
            }
            settle(receipts: receipts, deficit: deficit, execution: execution, logExecution: logPrice,
                   rankPrice: hasMark ? Foundation.exp(markLog) : execution, path: path, step: step,
                   longCursor: longCursor, shortCursor: shortCursor, book: &book, tally: &tally, observer: &observer)
            price = execution
        }
        finish(rounds: rounds, saturated: saturated, step: step, tally: &tally, book: &book)
        return j
    }

    /// Adds one closure (or an aggregate of them) of `quantity` at `execution` to the path's
    /// totals, which are in USD: an inverse book's coin amounts at P = 1/y, its notionals Q (its
    /// contracts are worth 1 USD each), its sides the positions' own (the ladder holds them on the
    /// reciprocal side).
    @inline(__always)
    func record(tally: inout PathTally, side: Int, quantity: Double, execution: Double, entryNotional: Double,
                marginLost: Double, marketLoss: Double, count: Int) {
        let side = contract.positionSide(ofLadderSide: side)
        let entryNotional = reciprocal ? quantity : entryNotional
        let executedNotional = notional(quantity, at: execution)
        let marginLost = usd(marginLost, at: execution), marketLoss = usd(marketLoss, at: execution)
        if side == 0 {
            tally.longEntryNotional += entryNotional
            tally.longExecutedNotional += executedNotional
        } else {
            tally.shortEntryNotional += entryNotional
            tally.shortExecutedNotional += executedNotional
        }
        tally.marginLost += marginLost
        tally.counterpartyGains += marketLoss
        tally.liquidations += count
    }

    /// Closes up to `quantity` of the opposite positions of side `s` (0 long, 1 short) at
    /// `price` (the liquidated positions' bankruptcy price), shared among them by the scenario's
    /// ``ADLAllocation`` from the venue's queue ranked at `marketPrice`; `gap` = |X − P_bk| prices
    /// each winner's haircut for the ledger. Returns the quantity closed.
    ///
    /// The ranking uses the market price of the step's first deleveraging, and the step's later
    /// deleveragings continue its queue (``DeleveragingQueue``: exact, best first, at a cost that
    /// grows with the positions taken, not with the side) — unless the allocation took from
    /// positions behind the queue's head (pro rata), which ranks anew at the next one.
    func deleverage<Observer: CascadeObserver>(
        against s: Int, quantity: Double, at price: Double, marketPrice: Double, gap: Double, execution: Double,
        ranking: ADLRanking, path: Int, step: Int, longCursor: LadderCursor, shortCursor: LadderCursor, book: inout PathBook,
        tally: inout PathTally, observer: inout Observer
    ) -> Double {
        let cursor = s == 0 ? longCursor.index : shortCursor.index
        // The queue, taken out of the book while the book is read and changed alongside it.
        var queue = book.adl[s]
        book.adl[s] = DeleveragingQueue()
        if queue.step != step {
            startQueue(&queue, side: s, ladderSide: ladderSide(s), cursor: cursor, marketPrice: marketPrice, ranking: ranking,
                       path: path, step: step, book: book)
            if tally.haircuts != nil {
                tally.haircuts!.saw(winners: winners(side: s, cursor: cursor, at: queue.price, book: book), asset: asset, side: s)
            }
        }
        let done = withUnsafeMutablePointer(to: &book) { book in
            withUnsafeMutablePointer(to: &tally) { tally in
                withUnsafeMutablePointer(to: &observer) { observer in
                    var stream = DeleveragingStream(resolver: self, side: s, price: price, gap: gap, execution: execution,
                                                    cursor: cursor, ranking: ranking, path: path, step: step, queue: queue,
                                                    book: book, tally: tally, observer: observer)
                    let done = allocator.allocate(wanted: quantity, from: &stream)
                    queue = stream.finish()
                    return done
                }
            }
        }
        book.adl[s] = queue
        return done
    }

    /// The winners of side `s` at price `x`: open positions in profit there (ladder entries from
    /// `cursor` not removed, and the re-inserted ones). O(side) — only for the haircut ledger.
    func winners(side s: Int, cursor: Int, at x: Double, book: PathBook) -> Int {
        let holdings = ladderSide(s).holdings
        let sign: Double = s == 0 ? 1 : -1
        var count = 0
        for k in cursor..<holdings.count where sign * (x - holdings[k].entryPrice) > 0 && !book.isRemoved(k, side: s) {
            count += 1
        }
        for p in book.live[s] where sign * (x - p.entryPrice) > 0 { count += 1 }
        return count
    }

    /// Starts the deleveraging queue of side `s` for `step`: every open position of the side
    /// with equity left at the ranking price `x` (the venue's mark), by rank — or, unranked, all
    /// open positions in ladder order, then the re-inserted ones, rotated to a pseudo-random
    /// start fixed per path, step and side.
    func startQueue(_ queue: inout DeleveragingQueue, side s: Int, ladderSide: LadderSide, cursor: Int, marketPrice x: Double,
                    ranking: ADLRanking, path: Int, step: Int, book: PathBook) {
        queue.release()
        queue.step = step
        queue.price = x
        queue.cursor = cursor
        let n = ladderSide.count
        if ranking == .unranked {
            // Every opposite position qualifies (dYdX does not rank by profit).
            queue.unranked = true
            queue.removedAtRanking = book.removed(s, in: cursor..<n)
            queue.liveIndices = book.live[s].map(\.ladderIndex)
            let ladderCount = n - cursor - queue.removedAtRanking.count
            queue.count = ladderCount + queue.liveIndices.count
            if queue.count > 0 {
                queue.start = Int(SplitMix64.mix(seed ^ (UInt64(path) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(step) << 1 | UInt64(s)))
                                  % UInt64(queue.count))
                queue.startWalk()
            }
            return
        }
        queue.unranked = false
        let sign: Double = s == 0 ? 1 : -1
        for p in book.live[s] {
            let value = ranking.rank(Holding(quantity: p.quantity, entryPrice: p.entryPrice, margin: p.margin), sign: sign, at: x, rule: rule)
            if value > -.infinity { queue.push(.init(value: value, key: p.ladderIndex, live: true)) }
        }
        let index = deleveragingIndex[s]!
        let top = index.levels.count - 1
        for (b, box) in index.levels[top].enumerated() {
            queue.push(.init(value: ranking.upperBound(box, sign: sign, at: x, rule: rule), key: Self.boxKey(level: top, box: b),
                             live: false))
        }
    }

    /// The heap key of box `box` of level `level` of a ``DeleveragingIndex``: negative, so that a
    /// box comes before a position of the same value.
    @inline(__always)
    static func boxKey(level: Int, box: Int) -> Int { -1 - (level << 40 | box) }

    /// The candidate at the head of `queue` (expanding boxes until a position is there), or nil
    /// when the queue is exhausted; with a ladder position's holding.
    func next(_ queue: inout DeleveragingQueue, side s: Int, ranking: ADLRanking, book: PathBook)
        -> (ladderIndex: Int, live: Bool, holding: Holding)? {
        if queue.unranked {
            guard queue.taken < queue.count else { return nil }
            let c = queue.walkHead()
            return (c.ladderIndex, c.live, c.live ? Holding(quantity: 0, entryPrice: 0, margin: 0) : ladderSide(s).holdings[c.ladderIndex])
        }
        let index = deleveragingIndex[s]!
        let sign = index.sign, x = queue.price
        while let top = queue.heap.first {
            if top.key >= 0 {
                return (top.key, top.live, top.live ? Holding(quantity: 0, entryPrice: 0, margin: 0) : index.holdings[Int(top.entry)])
            }
            queue.popTop()
            let code = -1 - top.key
            let level = code >> 40, box = code & ((1 << 40) - 1)
            let members = index.children(level: level, box: box)
            if level == 0 {
                let start = queue.runs.count
                for e in members {
                    let k = Int(index.ladderIndex[e])
                    guard k >= queue.cursor, !book.isRemoved(k, side: s) else { continue }
                    let value = ranking.rank(index.holdings[e], sign: sign, at: x, rule: rule)
                    if value > -.infinity { queue.runs.append(.init(value: value, key: k, entry: Int32(e))) }
                }
                queue.pushRun(from: start)
            } else {
                let below = index.levels[level - 1]
                for c in members {
                    queue.push(.init(value: ranking.upperBound(below[c], sign: sign, at: x, rule: rule),
                                     key: Self.boxKey(level: level - 1, box: c), live: false))
                }
            }
        }
        return nil
    }

}

extension LadderTotals {
    func minus(_ other: LadderTotals) -> LadderTotals {
        LadderTotals(quantity: quantity - other.quantity, bankruptcyQuantity: bankruptcyQuantity - other.bankruptcyQuantity,
                     entryNotional: entryNotional - other.entryNotional, margin: margin - other.margin)
    }

    func plus(_ other: LadderTotals) -> LadderTotals {
        LadderTotals(quantity: quantity + other.quantity, bankruptcyQuantity: bankruptcyQuantity + other.bankruptcyQuantity,
                     entryNotional: entryNotional + other.entryNotional, margin: margin + other.margin)
    }
}

/// A round's deficit: per side, the closures settled with a negative receipt — their quantity
/// and Σ q·P_bk — which deleveraging covers at their bankruptcy price. Those settled one by one
/// are summed as they are; the ladder ranges settled together are kept and summed
/// (``LadderSide/underwater(_:excluding:execution:logExecution:)``) only when the fund cannot pay.
struct RoundDeficit {
    var individual = SidePair((quantity: 0.0, bankruptcyQuantity: 0.0))
    var ranges = SidePair(0..<0)
    var excluded = SidePair<[Int]>([])
}

/// Two values, one per side (0 long, 1 short), stored inline (no heap allocation, unlike a
/// two-element array).
public struct SidePair<Value> {
    public var long: Value
    public var short: Value

    @inlinable @inline(__always)
    public init(_ value: Value) {
        long = value
        short = value
    }

    @inlinable @inline(__always)
    public init(long: Value, short: Value) {
        self.long = long
        self.short = short
    }

    @inlinable @inline(__always)
    public subscript(side: Int) -> Value {
        get { side == 0 ? long : short }
        // In place, so that mutating an array element does not copy it.
        _modify { if side == 0 { yield &long } else { yield &short } }
    }
}

extension SidePair: Sendable where Value: Sendable {}
