import Foundation
import Testing
@testable import CascadeKit

/// Every venue preset's cascade, step by step, against a slow literal implementation that knows
/// nothing of ladders, prefix sums, runs, boxes or queues: each round it checks every open
/// position against its own liquidation price, closes what the venue's partial rule says,
/// settles each closure by the venue's settlement, and deleverages by ranking every open
/// opposite position and sorting them (docs/model.md, docs/venues.md). The rules' own formulas
/// (liquidation price, maintenance, the partial rule's decision, ranks) are shared; what the
/// engine does fast is not.
@Suite("Venue presets against a literal oracle")
struct PresetOracleTests {
    /// The literal cascade of one path.
    struct Literal {
        struct Open {
            var side: Side
            var quantity: Double, entry: Double, margin: Double
            var ladderIndex: Int
            var alive = true
            /// Partly closed or partly deleveraged: no longer on the shared ladder.
            var reinserted = false
            var insertion = 0
            var fullUntil = -1.0
            var blockedStep = -1
            var sign: Double { side.sign }
            var liquidationKey = 0.0
        }
        var open: [Open]
        let rule: MarginRule
        let mechanics: LiquidationMechanics
        let impact: ImpactModel
        let stepSeconds: Double
        let seed: UInt64
        var tally: PathTally
        var notional = 0.0
        var insertions = 0
        /// The step's deleveraging queue per side: candidates (position, was re-inserted at the
        /// ranking) in order, and the head.
        var queue: [[(index: Int, live: Bool)]] = [[], []]
        var head = [0, 0]
        var queueStep = [-1, -1]

        init(ladder: LiquidationLadder, mechanics: LiquidationMechanics, impact: ImpactModel, stepSeconds: Double, seed: UInt64,
             fund: Double, drawdownLimit: Double?) {
            rule = ladder.rule
            self.mechanics = mechanics
            self.impact = impact
            self.stepSeconds = stepSeconds
            self.seed = seed
            tally = PathTally(insuranceFund: fund, drawdownLimit: drawdownLimit)
            // Ladder indices only name the positions (and order dYdX's walk and ties).
            var open: [Open] = []
            for (s, side) in [ladder.longs, ladder.shorts].enumerated() {
                for k in 0..<side.count {
                    let h = side.holdings[k]
                    open.append(Open(side: s == 0 ? .long : .short, quantity: h.quantity, entry: h.entryPrice, margin: h.margin,
                                     ladderIndex: k))
                }
            }
            self.open = open
        }

        func liquidationPrice(_ p: Open) -> Double {
            rule.liquidationPrice(side: p.side, quantity: p.quantity, entryPrice: p.entry, margin: p.margin).price
        }

        mutating func step(_ step: Int, path: Int, logF: Double, j0: Double, markBasis: Double?) -> Double {
            let now = Double(step + 1) * stepSeconds
            let startFlow = impact.equivalentFlow(logImpact: j0)
            var j = j0, flow = 0.0, rounds = 0
            var price = Foundation.exp(logF + j)
            while true {
                let checkLog = markBasis.map { logF + $0 } ?? Foundation.log(price)
                let mark = markBasis == nil ? price : Foundation.exp(checkLog)
                var crossed: [Int] = []
                for (i, p) in open.enumerated() where p.alive && p.blockedStep != step {
                    let liquidation = liquidationPrice(p)
                    guard liquidation > 0 else { continue }
                    if p.sign * Foundation.log(liquidation) >= p.sign * checkLog { crossed.append(i) }
                }
                if crossed.isEmpty { break }
                if rounds == 1_000 { break }
                rounds += 1
                var closing: [(index: Int, quantity: Double, until: Double)] = []
                for i in crossed {
                    let p = open[i]
                    let (q, until) = mechanics.partial.closing(sign: p.sign, quantity: p.quantity, entryPrice: p.entry, margin: p.margin,
                                                               rule: rule, price: price, mark: mark, now: now, fullUntil: p.fullUntil,
                                                               stepSeconds: stepSeconds)
                    closing.append((i, q, until))
                    flow += -p.sign * q * price
                }
                j = impact.logImpact(cumulativeFlow: startFlow + flow)
                let x = Foundation.exp(logF + j)
                var receipts = 0.0
                var deficit = [(0.0, 0.0), (0.0, 0.0)]
                for c in closing {
                    var p = open[c.index]
                    let s = p.sign
                    let partialMargin = p.margin - s * c.quantity * (p.entry - x)
                    let full = c.quantity >= p.quantity || partialMargin <= 0
                    let q = full ? p.quantity : c.quantity
                    let marketLoss = s * q * (p.entry - x)
                    if full {
                        let equity = p.margin - marketLoss
                        var receipt = 0.0, consumed = p.margin
                        switch rule.settlement {
                        case .takeover:
                            receipt = equity
                            tally.fees += min(rule.liquidationFee * x * q, max(0, equity))
                        case let .market(backstop):
                            let mm = rule.maintenanceMargin(sign: s, quantity: q, entryPrice: p.entry, margin: p.margin, at: x)
                            if equity >= backstop * mm { consumed = p.margin - equity } else { receipt = equity }
                        case let .cappedFee(rate):
                            if equity > 0 {
                                let fee = min(rate * q * x, equity)
                                receipt = fee
                                consumed = p.margin - (equity - fee)
                                tally.fees += fee
                            } else {
                                receipt = equity
                            }
                        }
                        if receipt < 0 {
                            let b = MarginRule.bankruptcyPrice(sign: s, quantity: q, entryPrice: p.entry, margin: p.margin)
                            deficit[p.side == .long ? 0 : 1].0 += q
                            deficit[p.side == .long ? 0 : 1].1 += q * b
                        }
                        receipts += receipt
                        tally.marginLost += consumed
                        tally.liquidations += 1
                        p.alive = false
                    } else {
                        tally.partialLiquidations += 1
                        tally.marginLost += marketLoss
                        p.quantity -= q
                        p.margin = partialMargin
                        p.fullUntil = c.until
                        if case .perBlockCap = mechanics.partial { p.blockedStep = step }
                        reinsert(&p)
                    }
                    tally.counterpartyGains += marketLoss
                    if p.side == .long { tally.longExecutedNotional += q * x } else { tally.shortExecutedNotional += q * x }
                    notional += q * x
                    open[c.index] = p
                }
                let shortfall = tally.fund.receive(receipts)
                if shortfall > 0 {
                    cover(shortfall, deficit: deficit, execution: x, rankPrice: markBasis == nil ? x : mark, step: step, path: path)
                }
                price = x
            }
            queueStep = [-1, -1]
            return j
        }

        mutating func reinsert(_ p: inout Open) {
            let liquidation = liquidationPrice(p)
            p.reinserted = true
            p.liquidationKey = liquidation > 0 ? p.sign * Foundation.log(liquidation) : -.infinity
            insertions += 1
            p.insertion = insertions
        }

        mutating func cover(_ shortfall: Double, deficit: [(Double, Double)], execution x: Double, rankPrice: Double, step: Int,
                            path: Int) {
            var covered = 0.0
            if let ranking = mechanics.deleveraging {
                let s = deficit[0].0 >= deficit[1].0 ? 0 : 1
                let q = deficit[s].0
                if q > 0 {
                    let bankruptcy = deficit[s].1 / q
                    let gap = abs(x - bankruptcy)
                    if gap > 0 {
                        let wanted = min(q, shortfall / gap)
                        let done = deleverage(side: 1 - s, quantity: wanted, at: bankruptcy, rankPrice: rankPrice, ranking: ranking,
                                              step: step, path: path)
                        covered = done >= wanted * (1 - 1e-12) ? shortfall : min(shortfall, done * gap)
                    }
                }
            }
            if covered > 0 { tally.fund.recordDeleveraging(covered) }
            if shortfall - covered > 0 { tally.fund.coverRemaining(shortfall - covered) }
        }

        /// Ranks every open position of side `s` at the step's first deleveraging and takes them
        /// in order, skipping what closed since.
        mutating func deleverage(side s: Int, quantity: Double, at price: Double, rankPrice x: Double, ranking: ADLRanking,
                                 step: Int, path: Int) -> Double {
            let side: Side = s == 0 ? .long : .short
            if queueStep[s] != step {
                queueStep[s] = step
                head[s] = 0
                let members = open.indices.filter { open[$0].alive && open[$0].side == side }
                if ranking == .unranked {
                    let onLadder = members.filter { !open[$0].reinserted }.sorted { open[$0].ladderIndex < open[$1].ladderIndex }
                    let live = members.filter { open[$0].reinserted }.sorted {
                        (open[$0].liquidationKey, -open[$0].insertion) > (open[$1].liquidationKey, -open[$1].insertion)
                    }
                    let all = (onLadder + live).map { (index: $0, live: open[$0].reinserted) }
                    if all.isEmpty {
                        queue[s] = []
                    } else {
                        let start = Int(SplitMix64.mix(seed ^ (UInt64(path) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(step) << 1 | UInt64(s)))
                                        % UInt64(all.count))
                        queue[s] = Array(all[start...] + all[..<start])
                    }
                } else {
                    var ranked: [(rank: Double, index: Int)] = []
                    for i in members {
                        let p = open[i]
                        let r = ranking.rank(Holding(quantity: p.quantity, entryPrice: p.entry, margin: p.margin), sign: p.sign, at: x,
                                             rule: rule)
                        if r > -.infinity { ranked.append((r, i)) }
                    }
                    ranked.sort { $0.rank > $1.rank || ($0.rank == $1.rank && open[$0.index].ladderIndex < open[$1.index].ladderIndex) }
                    queue[s] = ranked.map { (index: $0.index, live: open[$0.index].reinserted) }
                }
            }
            var left = quantity
            let sign = side.sign
            while left > 0 && head[s] < queue[s].count {
                let c = queue[s][head[s]]
                var p = open[c.index]
                // A ladder position crossed since the ranking left the queue (its rest, if any,
                // is a new position to the venue); a re-inserted one is found while it is open.
                guard p.alive && (c.live || !p.reinserted) else { head[s] += 1; continue }
                guard p.margin + sign * p.quantity * (price - p.entry) >= 0 else { head[s] += 1; continue }
                let take = min(left, p.quantity)
                left -= take
                tally.deleveragedPositions += 1
                tally.deleveragedNotional += take * price
                let rest = p.quantity - take
                if rest <= 0 {
                    p.alive = false
                    head[s] += 1
                } else {
                    p.margin = p.margin * rest / p.quantity
                    p.quantity = rest
                    p.fullUntil = -1
                    p.blockedStep = -1
                    reinsert(&p)
                    queue[s][head[s]].live = true
                }
                open[c.index] = p
            }
            return quantity - left
        }
    }

    /// A violent path: log-returns with volatility `sigma` per step and a jump of −3% or +3%
    /// one step in 25.
    static func path(_ path: Int, steps: Int, sigma: Double) -> [Double] {
        var random = Xoshiro256Plus(seed: 99, path: UInt64(path))
        var logF = Foundation.log(100_000.0)
        return (0..<steps).map { _ in
            let u1 = max(1e-300, Xoshiro256Plus.uniform(random.next())), u2 = Xoshiro256Plus.uniform(random.next())
            let z = (-2 * Foundation.log(u1)).squareRoot() * Foundation.cos(2 * .pi * u2)
            let jump = Xoshiro256Plus.uniform(random.next())
            logF += sigma * z + (jump < 0.03 ? -0.03 : jump > 0.99 ? 0.03 : 0)
            return logF
        }
    }

    /// 4,000 positions around 100,000 with sizes to tens of millions (tiers, partial closes), up
    /// to 20× leverage, under `preset`'s BTC rule.
    static func ladder(_ preset: VenuePreset, seed: UInt64) throws -> LiquidationLadder {
        let rule = preset.rule(for: .btc)
        let population = SyntheticPopulation(count: 4_000, openInterest: 2e9, longShare: 0.6,
                                             leverageMix: [(2, 0.2), (3, 0.2), (5, 0.25), (10, 0.25), (20, 0.1)],
                                             entrySpread: 0.05, sizeSigma: 2.5)
        return LiquidationLadder(positions: try population.generate(price: 100_000, rule: rule, seed: seed), rule: rule)
    }

    @Test("each preset's engine gives the literal per-position results, with and without ADL",
          arguments: VenuePreset.names, [true, false])
    func againstLiteral(_ name: String, _ withADL: Bool) throws {
        let preset = VenuePreset.named(name)!
        let ladder = try Self.ladder(preset, seed: 5)
        var mechanics = LiquidationMechanics(preset: preset)
        if !withADL { mechanics.deleveraging = nil }
        let impact = ImpactModel(shape: .squareRoot, depth: 2e7, coefficient: 1, recoveryHalfLife: 300)
        let stepSeconds = 60.0, steps = 240, fund = 2e5
        let resolver = CascadeResolver(ladder: ladder, impact: impact, maxRounds: 1_000, mechanics: mechanics,
                                       stepSeconds: stepSeconds, seed: 17)
        let window = mechanics.markWindowSteps(stepSeconds: stepSeconds)
        let index: Bool = { if case .index = mechanics.mark { return true } else { return false } }()
        let decay = impact.decayFactor(stepSeconds: stepSeconds)
        var totals = (liquidations: 0, partial: 0, deleveraged: 0)
        for path in 0..<6 {
            let fundamental = Self.path(path, steps: steps, sigma: 0.004)
            var literal = Literal(ladder: ladder, mechanics: mechanics, impact: impact, stepSeconds: stepSeconds, seed: 17,
                                  fund: fund, drawdownLimit: preset.fundDrawdownLimit)
            var long = ladder.longs.start, short = ladder.shorts.start
            var book = PathBook(), tally = PathTally(insuranceFund: fund, drawdownLimit: preset.fundDrawdownLimit)
            var notional = 0.0, j = 0.0, literalJ = 0.0
            var ring = [Double](repeating: 0, count: max(1, window)), literalRing = ring
            var observer = NoCascadeObserver()
            for step in 0..<steps {
                j *= decay
                literalJ *= decay
                // The mark's basis: the mean of the last `window` end-of-step impacts.
                let basis: Double? = index ? (window == 0 ? 0 : ring.reduce(0, +) / Double(window)) : nil
                let literalBasis: Double? = index ? (window == 0 ? 0 : literalRing.reduce(0, +) / Double(window)) : nil
                j = resolver.resolve(path: path, step: step, logFundamental: fundamental[step], startImpact: j, markBasis: basis,
                                     longCursor: &long, shortCursor: &short, book: &book, tally: &tally, assetNotional: &notional,
                                     observer: &observer)
                literalJ = literal.step(step, path: path, logF: fundamental[step], j0: literalJ, markBasis: literalBasis)
                if window > 0 {
                    ring[step % window] = j
                    literalRing[step % window] = literalJ
                }
                #expect(isClose(j, literalJ, relative: 1e-9, absolute: 1e-13), "\(name) path \(path) step \(step): J \(j) vs \(literalJ)")
                #expect(tally.liquidations == literal.tally.liquidations, "\(name) path \(path) step \(step)")
            }
            let t = tally, u = literal.tally
            #expect(t.liquidations == u.liquidations && t.partialLiquidations == u.partialLiquidations
                    && t.deleveragedPositions == u.deleveragedPositions,
                    "\(name) path \(path): \(t.liquidations)/\(u.liquidations) \(t.partialLiquidations)/\(u.partialLiquidations) \(t.deleveragedPositions)/\(u.deleveragedPositions)")
            let scale = ladder.openInterest
            for (metric, a, b) in [("marginLost", t.marginLost, u.marginLost), ("counterpartyGains", t.counterpartyGains, u.counterpartyGains),
                                   ("fees", t.fees, u.fees), ("fund", t.fund.balance, u.fund.balance),
                                   ("receipts", t.fund.netReceipts, u.fund.netReceipts), ("badDebt", t.fund.badDebt, u.fund.badDebt),
                                   ("deleveraged", t.fund.deleveraged, u.fund.deleveraged),
                                   ("deleveragedNotional", t.deleveragedNotional, u.deleveragedNotional),
                                   ("longExecuted", t.longExecutedNotional, u.longExecutedNotional),
                                   ("shortExecuted", t.shortExecutedNotional, u.shortExecutedNotional),
                                   ("notional", notional, literal.notional)] {
                #expect(isClose(a, b, relative: 1e-9, absolute: 1e-12 * scale), "\(name) path \(path) \(metric): \(a) vs \(b)")
            }
            totals.liquidations += t.liquidations
            totals.partial += t.partialLiquidations
            totals.deleveraged += t.deleveragedPositions
        }
        // The paths reach what the preset has: liquidations everywhere, partial closes under a
        // partial rule, deleveraging when it is on.
        #expect(totals.liquidations > 500, "\(totals)")
        if preset.partial != .none { #expect(totals.partial > 0, "\(name): no partial close") }
        if withADL { #expect(totals.deleveraged > 0, "\(name): no deleveraging") } else { #expect(totals.deleveraged == 0) }
    }

    @Test("each preset's run is bit-identical on 1 and 2 threads, for any chunks", arguments: VenuePreset.names)
    func threads(_ name: String) throws {
        let preset = VenuePreset.named(name)!
        let ladder = try Self.ladder(preset, seed: 8)
        var config = TestBooks.config(positions: [Position(side: .long, quantity: 1, entryPrice: 100_000, leverage: 2)],
                                      price: 100_000, volatility: 1.5, jumps: MertonJumps(intensity: 3_000, mean: -0.03, stdev: 0.03),
                                      impact: ImpactModel(shape: .squareRoot, depth: 2e7, coefficient: 1, recoveryHalfLife: 300),
                                      insuranceFund: 2e5, paths: 24, steps: 200, stepSeconds: 60, seed: 6)
        config.assets[0].ladder = ladder
        config.assets[0].mechanics = LiquidationMechanics(preset: preset)
        config.fundDrawdownLimit = preset.fundDrawdownLimit
        let one = SimulationEngine(config: config).run(threads: 1).paths
        let two = SimulationEngine(config: config).run(threads: 2, chunkSize: 5).paths
        for metric in PathMetric.allCases where !metric.isAccountMetric && !metric.isMechanismMetric {
            let a = one.column(metric), b = two.column(metric)
            #expect(zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(name) \(metric)")
        }
        #expect(one.column(.liquidations).reduce(0, +) > 100)
        #expect(one.column(.adlCount).reduce(0, +) > 0, "\(name): no deleveraging")
    }
}
