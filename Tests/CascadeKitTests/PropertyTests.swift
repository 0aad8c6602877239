import Foundation
import Testing
@testable import CascadeKit

/// Properties that hold on every path of every configuration, checked on random configurations.
///
/// Each configuration is a ``PropertyTests/Recipe``: a pure function of one 64-bit seed (drawn
/// from a fixed master seed per property), built with the test's own SplitMix64 rather than the
/// standard library's or the engine's generators, so that it does not change when either does.
/// Every failure prints the seed and the whole recipe. To replay one configuration, run
///
///     CASCADE_PROPERTY_SEED=0x… swift test --filter PropertyTests
///
/// (every property then runs on that seed alone), or build `Recipe(seed:kind:)` in a test.
@Suite("Property tests")
struct PropertyTests {
    // MARK: Seeds

    /// The master seed all configuration seeds are drawn from.
    static let masterSeed: UInt64 = 0x5EED_CA5C_ADE5_2025

    /// `count` configuration seeds for the property `salt` (or the one in CASCADE_PROPERTY_SEED).
    static func seeds(_ salt: UInt64, count: Int) -> [UInt64] {
        if let text = ProcessInfo.processInfo.environment["CASCADE_PROPERTY_SEED"], !text.isEmpty {
            let hex = text.lowercased().hasPrefix("0x")
            if let seed = UInt64(hex ? String(text.dropFirst(2)) : text, radix: hex ? 16 : 10) { return [seed] }
        }
        var random = PropertyRandom(seed: masterSeed ^ (salt &* 0x9E37_79B9_7F4A_7C15))
        return (0..<count).map { _ in random.next() }
    }

    // MARK: 1. Conservation

    /// Per path, for the run and its no-feedback twin:
    ///
    ///     marginLost = counterpartyGains + fundReceipts
    ///     insuranceFundEnd − fund at start = fundReceipts + adlCoveredDeficit + badDebt
    ///
    /// and 0 ≤ insuranceFundMin ≤ min(insuranceFundEnd, fund at start), adlCoveredDeficit ≥ 0,
    /// badDebt ≥ 0 (and bad debt only once the fund was empty: badDebt > 0 ⇒ insuranceFundMin = 0),
    /// fees ≥ 0, no deleveraging where no asset deleverages.
    ///
    /// **Tolerance.** 1e-9 × the largest magnitude involved. The three terms of the first identity
    /// are sums, over rounds and closures, of s·(q·E − q·P_bk), s·(q·E − q·X) and s·(q·X − q·P_bk):
    /// differences of notionals, so their rounding errors are relative to the notionals q·E, q·X
    /// and q·P_bk (≤ 2·q·E), not to the differences — a 100× position's margin is 1% of its
    /// notional. The prefix-sum differences a round's totals come from are computed once and used
    /// in all three, so their error cancels. Each term is thus within n·u·(liquidated notional at
    /// entry + executed) of exact, with u = 1.1e-16 and n the operations per path (rounds plus
    /// closures plus the additions into the totals: at most ~10⁴ here), i.e. ≲ 1e-12 relative
    /// (observed: ≤ 7e-16). The tolerance leaves a factor of ≥ 10³ for that bound, and misses only
    /// a leak smaller than a billionth of the liquidated notional — less than any one position's
    /// margin in these books. The fund identity adds the fund's own balance updates (each within
    /// u of the balance, ≤ the fund at start plus the receipts), so its scale also counts the fund
    /// at start, at the end, the deleveraging cover and the bad debt.
    ///
    /// A path whose prices or money overflowed is reported as the known issue of
    /// ``upwardCascadeOverflow()`` and not checked further (∞ − ∞ has no identity to check).
    @Test("money is conserved on every path", arguments: seeds(1, count: 60))
    func conservation(seed: UInt64) throws {
        let recipe = Recipe(seed: seed, kind: .general)
        let config = try recipe.config()
        let main = SimulationEngine(config: config).run(threads: 1).paths
        let twin = SimulationEngine(config: CascadeAnatomy.twin(of: config)).run(threads: 1).paths
        var check = PropertyCheck(recipe: recipe)
        let deleverages = config.assets.contains { $0.mechanics.deleveraging != nil }
        for (name, r) in [("main", main), ("twin", twin)] {
            for p in 0..<config.paths {
                let where_ = "\(name) path \(p)"
                guard check.expectFinite(r, path: p, where_) else { continue }
                let marginLost = r[.marginLost, p], gains = r[.counterpartyGains, p], receipts = r[.fundReceipts, p]
                let entry = r[.liquidatedLongNotionalAtEntry, p] + r[.liquidatedShortNotionalAtEntry, p]
                let executed = r[.liquidatedLongNotionalExecuted, p] + r[.liquidatedShortNotionalExecuted, p]
                let scale = [marginLost, gains, receipts, entry, executed].map(abs).max()!
                check.expect(abs(marginLost - (gains + receipts)) <= 1e-9 * scale,
                             "\(where_): marginLost \(marginLost) ≠ counterpartyGains \(gains) + fundReceipts \(receipts) "
                                 + "(off by \(marginLost - gains - receipts), scale \(scale))")
                let fundEnd = r[.insuranceFundEnd, p], fundMin = r[.insuranceFundMin, p]
                let covered = r[.adlCoveredDeficit, p], badDebt = r[.badDebt, p]
                let fundScale = max(scale, [config.insuranceFund, fundEnd, covered, badDebt].map(abs).max()!)
                let fundChange = fundEnd - config.insuranceFund
                check.expect(abs(fundChange - (receipts + covered + badDebt)) <= 1e-9 * fundScale,
                             "\(where_): fund change \(fundChange) ≠ fundReceipts \(receipts) + adlCoveredDeficit \(covered) "
                                 + "+ badDebt \(badDebt) (off by \(fundChange - receipts - covered - badDebt), scale \(fundScale))")
                check.expect(fundEnd >= 0 && fundMin >= 0, "\(where_): fund below 0: end \(fundEnd), min \(fundMin)")
                check.expect(fundMin <= fundEnd && fundMin <= config.insuranceFund,
                             "\(where_): insuranceFundMin \(fundMin) above the end \(fundEnd) or the start \(config.insuranceFund)")
                check.expect(covered >= 0 && badDebt >= 0, "\(where_): adlCoveredDeficit \(covered), badDebt \(badDebt)")
                check.expect(badDebt == 0 || fundMin == 0, "\(where_): bad debt \(badDebt) while the fund never fell below \(fundMin)")
                check.expect(r[.liquidationFees, p] >= 0, "\(where_): liquidationFees \(r[.liquidationFees, p])")
                if !deleverages {
                    check.expect(covered == 0 && r[.adlCount, p] == 0 && r[.adlNotional, p] == 0,
                                 "\(where_): deleveraging without a deleveraging venue")
                }
            }
        }
        check.finish()
    }

    // MARK: 2. Liquidated notional ≤ open interest; counts ≤ positions

    /// Per path: the liquidated long (short) notional at entry ≤ the long (short) side's open
    /// interest at entry, summed over the assets, × (1 + 1e-9). Each position's entry notional is
    /// counted once however it is closed — in full, or in parts (each part q·E of its own; the rest
    /// keeps its entry price) — and deleveraged quantity not at all; the two sides of the
    /// comparison are the same sums added in different orders (ladder prefix sums against the
    /// ladder's totals), within ~n·u of each other.
    ///
    /// Counts: `liquidations` counts *full* closes, and a position is fully closed at most once
    /// (a partial close leaves the rest of the same position), so liquidations ≤ positions.
    /// `partialLiquidations` counts partial-close *events*: every partial rule lets a position be
    /// cut at most once per step (the rest is closed in full within the step — tier step-down and
    /// chunks — or blocked until the next — per-block caps), so it is ≤ positions × steps, and 0
    /// where no asset closes partly. `adlCount` counts deleveraging *takes*, several per position
    /// possible, so no bound but 0 without deleveraging. Something was closed exactly when entry
    /// notional was liquidated, and exactly then is there a first liquidation time.
    @Test("liquidated notional ≤ open interest, and counts ≤ positions", arguments: seeds(2, count: 60))
    func notionalAndCounts(seed: UInt64) throws {
        let recipe = Recipe(seed: seed, kind: .general)
        let config = try recipe.config()
        let r = SimulationEngine(config: config).run(threads: 1).paths
        var check = PropertyCheck(recipe: recipe)
        let longInterest = config.assets.reduce(0) { $0 + $1.ladder.longs.totals(0, $1.ladder.longs.count).entryNotional }
        let shortInterest = config.assets.reduce(0) { $0 + $1.ladder.shorts.totals(0, $1.ladder.shorts.count).entryNotional }
        let positions = Double(config.positionCount)
        let partial = config.assets.contains { $0.mechanics.partial != .none }
        for p in 0..<config.paths {
            let long = r[.liquidatedLongNotionalAtEntry, p], short = r[.liquidatedShortNotionalAtEntry, p]
            check.expect(long >= 0 && long <= longInterest * (1 + 1e-9),
                         "path \(p): liquidated long notional at entry \(long) > long open interest \(longInterest)")
            check.expect(short >= 0 && short <= shortInterest * (1 + 1e-9),
                         "path \(p): liquidated short notional at entry \(short) > short open interest \(shortInterest)")
            let full = r[.liquidations, p], parts = r[.partialLiquidations, p]
            check.expect(full >= 0 && full <= positions, "path \(p): \(full) liquidations of \(positions) positions")
            check.expect(parts >= 0 && parts <= positions * Double(config.steps),
                         "path \(p): \(parts) partial liquidations of \(positions) positions in \(config.steps) steps")
            if !partial { check.expect(parts == 0, "path \(p): \(parts) partial liquidations without a partial rule") }
            check.expect((full + parts > 0) == (long + short > 0),
                         "path \(p): \(full) + \(parts) closures but entry notional \(long + short)")
            check.expect(r[.firstLiquidationTime, p].isNaN == (full + parts == 0),
                         "path \(p): firstLiquidationTime \(r[.firstLiquidationTime, p]) with \(full) + \(parts) closures")
            guard check.expectFinite(r, path: p, "path \(p)") else { continue }
            let executed = r[.liquidatedLongNotionalExecuted, p] + r[.liquidatedShortNotionalExecuted, p]
            check.expect(r[.liquidatedNotional, p] == executed,
                         "path \(p): liquidatedNotional \(r[.liquidatedNotional, p]) ≠ long + short executed \(executed)")
            if config.assets.count > 1 {
                let perAsset = (0..<config.assets.count).reduce(0) { $0 + r[.liquidatedNotional, $1, p] }
                check.expect(abs(perAsset - executed) <= 1e-9 * executed,
                             "path \(p): per-asset liquidated notional \(perAsset) ≠ total \(executed)")
            }
        }
        check.finish()
    }

    // MARK: 3. Feedback deepens the fall when all forced flow goes with the move

    // The argument. With a longs-only book every forced order is a sell (closures, partial or
    // full, of longs; deleveraging would close shorts and there are none), so the cumulative flow
    // of every step is ≤ 0; the impact carried in is J·decay with decay ∈ [0, 1], and
    // g(g⁻¹(J₀) + Q) keeps the sign of its argument: by induction J ≤ 0 at every round and step
    // end (exactly in floating point: sums and products of non-positive numbers stay
    // non-positive). The traded price is F·e^J ≤ F, the twin's traded price is F (same draws,
    // J ≡ 0). Hence, pathwise:
    //
    //   (a) P_t ≤ F_t at every step end: minTradedPrice ≤ the twin's, finalTradedPrice ≤
    //       finalFundamentalPrice — drawdowns *measured from the start price* are ordered;
    //   (b) with x = ln P, f = ln F and D_f = max_t (max_{s≤t} f_s − f_t) the twin's drawdown
    //       reached from the peak s* to t*: D_x ≥ x_{s*} − x_{t*} ≥ x_{s*} − f_{t*}, which is
    //       ≥ D_f when J_{s*} = 0. So the drawdown with feedback is at least the twin's **when the
    //       peak of the twin's deepest fall carries no impact** — it comes no later than the first
    //       liquidation, or at a step whose impact had fully recovered (e.g. the peak is the start,
    //       as on a fundamental path that never rises above it: no volatility, drift ≤ 0, only
    //       downward jumps and shocks). The engine computes both drawdowns in log space as
    //       running max minus value, roundings that are monotone in each operand, and x_{s*} = f_{s*}
    //       exactly when J_{s*} = 0, so the inequality holds bit for bit, not just approximately.
    //
    // Without that condition the ordering fails: after a cascade the fundamental rises to a new
    // peak while the impact is still negative, so the traded peak is lower, and the impact then
    // recovers during the fall — the traded price falls less from its peak than F does
    // (``feedbackCounterexample()``). With full closes only (no partial rule) a position the twin
    // liquidates at a step is liquidated by then with feedback too (the first round's check price,
    // P or the mark F·e^basis with basis ≤ 0, is ≤ F), so the liquidated entry notional and count
    // are at least the twin's.

    /// (b) by construction: longs only, and fundamental paths that never rise.
    @Test("longs only on a non-rising fundamental path: the drawdown with feedback ≥ the twin's",
          arguments: seeds(3, count: 40))
    func feedbackOnFallingPaths(seed: UInt64) throws {
        let recipe = Recipe(seed: seed, kind: .longsOnlyFalling)
        let config = try recipe.config()
        var main = SimulationEngine(config: config).run(threads: 1)
        let twin = SimulationEngine(config: CascadeAnatomy.twin(of: config)).run(threads: 1)
        CascadeAnatomy.attach(twin: twin, to: &main)
        var check = PropertyCheck(recipe: recipe)
        let r = main.paths, t = twin.paths
        for p in 0..<config.paths {
            for a in 0..<config.assets.count {
                let dd = r[.maxDrawdownTraded, a, p], twinDD = t[.maxDrawdownTraded, a, p]
                check.expect(dd >= twinDD, "path \(p) asset \(a): maxDrawdownTraded \(dd) < the twin's \(twinDD)")
                check.expect(twinDD == r[.maxDrawdownFundamental, a, p],
                             "path \(p) asset \(a): the twin's drawdown \(twinDD) ≠ the fundamental's \(r[.maxDrawdownFundamental, a, p])")
                // The twin's drawdown is its fall from the start.
                let fromStart = 1 - t[.minTradedPrice, a, p] / config.assets[a].initialPrice
                check.expect(abs(twinDD - fromStart) <= 1e-12, "path \(p) asset \(a): the fundamental rose (drawdown \(twinDD), from start \(fromStart))")
                let amplification = r[.amplification, a, p]
                check.expect(amplification.isNaN || amplification >= 1, "path \(p) asset \(a): amplification \(amplification) < 1")
            }
            Self.expectOrderedBelowFundamental(main: r, twin: t, path: p, config: config, check: &check)
        }
        check.finish()
    }

    /// (a) on random noisy paths of longs-only books, every step end traced; and (b) on the paths
    /// where its condition holds.
    @Test("longs only: the traded price never above the fundamental; the drawdown ≥ the twin's where the peak carries no impact",
          arguments: seeds(4, count: 40))
    func feedbackOnNoisyPaths(seed: UInt64) throws {
        let recipe = Recipe(seed: seed, kind: .longsOnly)
        let config = try recipe.config()
        let engine = SimulationEngine(config: config)
        let main = engine.run(threads: 1).paths
        let t = SimulationEngine(config: CascadeAnatomy.twin(of: config)).run(threads: 1).paths
        var check = PropertyCheck(recipe: recipe)
        let assets = config.assets.count
        for p in 0..<config.paths {
            Self.expectOrderedBelowFundamental(main: main, twin: t, path: p, config: config, check: &check)
            var observer = StepObserver(assets: assets)
            _ = engine.trace(path: p, observer: &observer)
            for a in 0..<assets {
                let logF = [Foundation.log(config.assets[a].initialPrice)] + observer.logFundamental[a]
                let logJ = [0.0] + observer.logImpact[a]
                check.expect(logF.count == config.steps + 1, "path \(p) asset \(a): \(logF.count - 1) steps traced")
                if let step = logJ.firstIndex(where: { !($0 <= 0) }) {
                    check.expect(false, "path \(p) asset \(a): log-impact \(logJ[step]) > 0 at the end of step \(step - 1)")
                }
                // The twin's drawdown, and whether its peak carries no impact (see the argument).
                var peak = logF[0], peakFree = true, drawdown = 0.0, condition = true
                for s in logF.indices {
                    if logF[s] > peak { peak = logF[s]; peakFree = logJ[s] == 0 } else if logF[s] == peak { peakFree = peakFree || logJ[s] == 0 }
                    let d = peak - logF[s]
                    if d > drawdown { drawdown = d; condition = peakFree } else if d == drawdown { condition = condition || peakFree }
                }
                let twinDD = t[.maxDrawdownTraded, a, p], dd = main[.maxDrawdownTraded, a, p]
                check.expect(-Foundation.expm1(-drawdown) == twinDD,
                             "path \(p) asset \(a): traced fundamental drawdown \(-Foundation.expm1(-drawdown)) ≠ the twin's \(twinDD)")
                if condition {
                    check.expect(dd >= twinDD, "path \(p) asset \(a): the twin's deepest fall starts at an impact-free peak, "
                                     + "yet maxDrawdownTraded \(dd) < the twin's \(twinDD)")
                }
            }
        }
        check.finish()
    }

    /// The ordering (a) of one path of a longs-only run and its twin, and the twin's identities.
    static func expectOrderedBelowFundamental(main r: PathResults, twin t: PathResults, path p: Int, config: SimulationConfig,
                                              check: inout PropertyCheck) {
        for a in 0..<config.assets.count {
            let where_ = "path \(p) asset \(a)"
            let final = r[.finalTradedPrice, a, p], fundamental = r[.finalFundamentalPrice, a, p]
            check.expect(final <= fundamental, "\(where_): finalTradedPrice \(final) > finalFundamentalPrice \(fundamental)")
            check.expect(r[.minTradedPrice, a, p] <= t[.minTradedPrice, a, p],
                         "\(where_): minTradedPrice \(r[.minTradedPrice, a, p]) > the twin's \(t[.minTradedPrice, a, p])")
            // Same draws: the twin's traded price is the main run's fundamental price.
            check.expect(t[.finalTradedPrice, a, p] == fundamental && t[.finalFundamentalPrice, a, p] == fundamental,
                         "\(where_): the twin's final price \(t[.finalTradedPrice, a, p]) ≠ the fundamental \(fundamental)")
            check.expect(t[.maxDrawdownTraded, a, p] == r[.maxDrawdownFundamental, a, p],
                         "\(where_): the twin's drawdown \(t[.maxDrawdownTraded, a, p]) ≠ the fundamental's \(r[.maxDrawdownFundamental, a, p])")
        }
        if config.assets.allSatisfy({ $0.mechanics.partial == .none }) {
            check.expect(r[.liquidations, p] >= t[.liquidations, p],
                         "path \(p): \(r[.liquidations, p]) liquidations with feedback, \(t[.liquidations, p]) without")
            let entry = r[.liquidatedLongNotionalAtEntry, p], twinEntry = t[.liquidatedLongNotionalAtEntry, p]
            check.expect(entry >= twinEntry - 1e-9 * config.openInterest,
                         "path \(p): liquidated entry notional \(entry) with feedback < \(twinEntry) without")
        }
    }

    /// Why (b) needs its condition: a longs-only book, a fundamental path that falls 2%
    /// (liquidating the book, J ≈ −0.05), rises 30% to a new peak while the impact is still
    /// there, then falls 25% while it recovers. F falls 25% from its peak; P falls less from its own,
    /// lower, peak — and less than 25% from the start.
    @Test("counterexample: without the condition, feedback can make the drawdown smaller")
    func feedbackCounterexample() throws {
        let rule = FlatMarginRule(maintenanceMarginRate: 0.005)
        let positions = (0..<10).map { k in
            TestBooks.position(.long, liquidationPrice: 99.5 - 0.15 * Double(k), quantity: 1e4, rule: rule)
        }
        var config = TestBooks.config(positions: positions,
                                      impact: ImpactModel(shape: .linear, depth: 2e6, coefficient: 1, recoveryHalfLife: 600),
                                      steps: 120)
        config.assets[0].schedule = StressSchedule(shocks: [.move(relative: -0.02, start: 0, steps: 1),
                                                            .move(relative: 0.30, start: 1, steps: 5),
                                                            .move(relative: -0.25, start: 6, steps: 100)], steps: 120)
        let r = SimulationEngine(config: config).run(threads: 1).paths
        let t = SimulationEngine(config: CascadeAnatomy.twin(of: config)).run(threads: 1).paths
        #expect(r[.liquidations, 0] == 10 && r[.firstLiquidationTime, 0] == 60)
        #expect(isClose(t[.maxDrawdownTraded, 0], 0.25, relative: 1e-9))
        #expect(r[.maxDrawdownTraded, 0] < t[.maxDrawdownTraded, 0] - 0.01)
        // The weaker statements still hold.
        #expect(r[.minTradedPrice, 0] <= t[.minTradedPrice, 0] && r[.finalTradedPrice, 0] <= r[.finalFundamentalPrice, 0])
    }

    // MARK: Upward cascades stay finite

    /// An upward cascade that fed on itself: 100 shorts of 10,000 units with liquidation prices
    /// 100.5, 101, …, 150 (short open interest $114M), linear impact with $1M of 1% depth, no
    /// recovery, liquidation on the index (window 0), and a fundamental price rising 1% a step
    /// without noise. Forced buys enter the flow as q·P with P = F·e^J, so each step adds
    /// c·1%·q·F·e^J/D to J; before impact saturated (``ModelLimits/maximumLogImpact``) J reached
    /// 36 at step 37 and e^J overflowed at step 38, taking prices and money to ±∞. Now J stops at
    /// ln 10⁴, every number stays finite, money is conserved, and the path counts the steps at
    /// the cap.
    @Test("an upward cascade keeps prices and money finite: impact saturates, counted")
    func upwardCascadeSaturates() {
        let rule = FlatMarginRule(maintenanceMarginRate: 0.005)
        let shorts = (0..<100).map { k in
            TestBooks.position(.short, liquidationPrice: 100.5 + 0.5 * Double(k), quantity: 1e4, rule: rule)
        }
        var config = TestBooks.config(positions: shorts, drift: TestBooks.drift(movingBy: 1.01),
                                      impact: ImpactModel(shape: .linear, depth: 1e6, coefficient: 1, recoveryHalfLife: 1e9),
                                      insuranceFund: 1e6, steps: 60)
        config.assets[0].mechanics = LiquidationMechanics(mark: .index(window: 0))
        let r = SimulationEngine(config: config).run(threads: 1).paths
        #expect(r[.liquidations, 0] == 100)
        #expect(r[.finalTradedPrice, 0].isFinite)
        // At the cap, less the recovery of the steps since (a half-life of 10⁹ s: 4·10⁻⁸ a step).
        #expect(isClose(r[.finalTradedPrice, 0], r[.finalFundamentalPrice, 0] * 1e4, relative: 1e-4))
        #expect(r[.priceLimitHits, 0] >= 1)
        #expect(r[.counterpartyGains, 0].isFinite && r[.fundReceipts, 0].isFinite && r[.badDebt, 0].isFinite)
        let marginLost = r[.marginLost, 0], gains = r[.counterpartyGains, 0], receipts = r[.fundReceipts, 0]
        #expect(abs(marginLost - (gains + receipts)) <= 1e-9 * max(abs(gains), abs(receipts)))
        #expect(abs(r[.insuranceFundEnd, 0] - 1e6 - (receipts + r[.adlCoveredDeficit, 0] + r[.badDebt, 0]))
                    <= 1e-9 * max(abs(receipts), r[.badDebt, 0], 1e6))
    }

    // MARK: 4. Determinism

    /// The per-path results of 1 and 2 threads and several chunk sizes (one chunk, chunks of 1
    /// and 7 paths, the automatic chunks with their split tail) are bit-identical, NaNs included;
    /// so are those of tracing single paths.
    @Test("bit-identical per-path results for any threads and chunk size", arguments: seeds(5, count: 30))
    func determinism(seed: UInt64) throws {
        let recipe = Recipe(seed: seed, kind: .general)
        let config = try recipe.config()
        let engine = SimulationEngine(config: config)
        let reference = engine.run(threads: 1, chunkSize: config.paths).paths
        var check = PropertyCheck(recipe: recipe)
        func compare(_ other: PathResults, _ label: String, paths: Range<Int>) {
            for (c, column) in reference.columns.enumerated() {
                for p in paths {
                    let a = reference.values[c * reference.paths + p], b = other.values[c * other.paths + p]
                    check.expect(a.bitPattern == b.bitPattern, "\(label): \(column.name(symbols: config.symbols)) on path \(p): \(b) ≠ \(a)")
                }
            }
        }
        for (threads, chunk) in [(2, 1), (1, 7), (2, nil)] as [(Int, Int?)] {
            compare(engine.run(threads: threads, chunkSize: chunk).paths, "threads \(threads), chunk \(chunk.map(String.init) ?? "auto")",
                    paths: 0..<config.paths)
        }
        var random = PropertyRandom(seed: seed)
        for p in Set([0, config.paths - 1, random.int(0...(config.paths - 1))]) {
            var observer = NoCascadeObserver()
            compare(engine.trace(path: p, observer: &observer).paths, "trace", paths: p..<(p + 1))
        }
        check.finish()
    }
}

// MARK: - Configurations

extension PropertyTests {
    /// A random configuration, a pure function of its seed and kind.
    struct Recipe: CustomStringConvertible {
        enum Kind: String {
            /// Anything: books of both sides, any venue and mechanics, any price path.
            case general
            /// Longs-only books (every forced order a sell), any price path.
            case longsOnly
            /// Longs-only books on fundamental paths that never rise: no volatility, drift ≤ 0,
            /// jumps of fixed negative size, downward shocks only.
            case longsOnlyFalling
        }

        struct Asset {
            /// A venue preset's rules for `assetClass`, or nil for the flat M0 rule below.
            var venue: String?
            var assetClass: AssetClass
            var maintenanceMarginRate: Double
            var liquidationFee: Double
            var price: Double
            var population: SyntheticPopulation
            var bookSeed: UInt64
            var mechanics: LiquidationMechanics
            var impact: ImpactModel
            var model: JumpDiffusionModel
            var shocks: [StressSchedule.Shock]
        }

        var seed: UInt64
        var kind: Kind
        var paths: Int
        var steps: Int
        var stepSeconds: Double
        var insuranceFund: Double
        var fundDrawdownLimit: Double?
        var maxCascadeRounds: Int
        /// Correlation of two assets' innovations (nil: independent).
        var correlation: Double?
        var assets: [Asset]

        init(seed: UInt64, kind: Kind) {
            self.seed = seed
            self.kind = kind
            var random = PropertyRandom(seed: seed)
            paths = random.int(12...36)
            steps = random.int(100...300)
            stepSeconds = random.pick([1, 15, 60, 60, 300])
            insuranceFund = random.chance(0.25) ? 0 : random.logUniform(1e3, 1e8)
            fundDrawdownLimit = random.chance(0.2) ? random.uniform(0.1, 0.6) : nil
            maxCascadeRounds = random.pick([1, 2, 5, 1_000, 1_000, 1_000])
            let count = random.chance(0.3) ? 2 : 1
            correlation = count == 2 && random.chance(0.7) ? random.uniform(-0.9, 0.95) : nil
            var assets: [Asset] = []
            for _ in 0..<count {
                assets.append(Self.asset(&random, kind: kind, steps: steps))
            }
            // A preset's drawdown limit goes with its rules, as `TestBooks.presetStress` does.
            if let venue = assets.first?.venue, let limit = VenuePreset.named(venue)!.fundDrawdownLimit, random.chance(0.5) {
                fundDrawdownLimit = limit
            }
            self.assets = assets
        }

        static func asset(_ random: inout PropertyRandom, kind: Kind, steps: Int) -> Asset {
            let venue: String? = random.chance(0.3) ? nil : random.pick(VenuePreset.names)
            let assetClass = random.pick(AssetClass.allCases)
            let maintenance = random.uniform(0.002, 0.02)
            let fee = random.chance(0.5) ? 0 : random.uniform(0, 0.005)
            var price = 100.0
            if venue != nil {
                switch assetClass {
                case .btc: price = 100_000
                case .eth: price = 3_000
                case .altcoin: price = random.logUniform(0.5, 200)
                }
            }
            // The book: counts 1–2,000 (log-uniform), either or both sides, a mix of leverages
            // (for the flat rule below its maximum 1/m, which would leave no margin above
            // maintenance), entries around the price, log-normal sizes.
            let positionCount = Int(random.logUniform(1, 2_001).rounded(.down))
            let longShare: Double = kind == .general ? random.pick([0, 1, random.uniform(0.05, 0.95), random.uniform(0.05, 0.95)]) : 1
            var leverages: [Double] = [1, 2, 3, 5, 10, 20, 25, 50, 75, 100, 125]
            if venue == nil { leverages = leverages.filter { $0 < 0.95 / maintenance } }
            var mix: [(leverage: Double, weight: Double)] = []
            for _ in 0..<random.int(1...4) {
                let leverage = random.pick(leverages)
                if !mix.contains(where: { $0.leverage == leverage }) { mix.append((leverage, random.uniform(0.1, 1))) }
            }
            let total = mix.reduce(0) { $0 + $1.weight }
            mix = mix.map { ($0.leverage, $0.weight / total) }
            let population = SyntheticPopulation(count: positionCount, openInterest: random.logUniform(1e6, 3e9), longShare: longShare,
                                                 leverageMix: mix, entrySpread: random.uniform(0, 0.1),
                                                 sizeSigma: random.uniform(0, 2.5))
            // Mechanics: the preset's, or partial closes, mark and deleveraging drawn independently.
            var mechanics: LiquidationMechanics
            if let venue, random.chance(0.5) {
                mechanics = LiquidationMechanics(preset: VenuePreset.named(venue)!)
            } else {
                let partial: PartialLiquidation = switch random.int(0...4) {
                case 0: .none
                case 1: .tierStepDown(tiers: 1, fromTier: 1)
                case 2: .tierStepDown(tiers: 2, fromTier: 2)
                case 3: .chunk(threshold: random.logUniform(1e4, 1e6), fraction: random.uniform(0.1, 0.5),
                               cooldown: random.pick([0, 30, 600]))
                default: .perBlockCap(fraction: random.uniform(0.05, 0.3), notional: random.logUniform(1e4, 1e6),
                                      blockSeconds: random.pick([1, 5]))
                }
                let mark: MarkPriceRule = random.chance(0.5) ? .last : .index(window: random.pick([0, 30, 300]))
                let ranking: ADLRanking? = random.chance(0.4) ? nil
                    : random.pick([ADLRanking.pnlTimesMarginRatio, .pnlTimesEffectiveLeverage, .unranked])
                mechanics = LiquidationMechanics(partial: partial, mark: mark, deleveraging: ranking)
            }
            let impact = ImpactModel(shape: random.pick(ImpactModel.Shape.allCases), depth: random.logUniform(1e5, 1e8),
                                     coefficient: random.pick([0, 0.3, 1, 1, 3]),
                                     recoveryHalfLife: random.pick([0, 30, 300, 3_000, 1e9]))
            // The price path: GBM with jumps and stress shocks.
            var model: JumpDiffusionModel
            var shocks: [StressSchedule.Shock] = []
            if kind == .longsOnlyFalling {
                let jumps = random.chance(0.8)
                    ? MertonJumps(intensity: random.logUniform(1e3, 1e5), mean: random.uniform(-0.05, -0.002), stdev: 0)
                    : nil
                model = JumpDiffusionModel(drift: random.chance(0.5) ? 0 : -random.uniform(0, 50), volatility: 0, jumps: jumps)
                for _ in 0..<random.int(1...3) {
                    shocks.append(.move(relative: -random.uniform(0.01, 0.3), start: random.int(0...(steps - 1)), steps: random.int(1...30)))
                }
            } else {
                let jumps = random.chance(0.6)
                    ? MertonJumps(intensity: random.logUniform(100, 2e4), mean: random.uniform(-0.05, 0.03),
                                  stdev: random.uniform(0, 0.05), compensated: random.chance(0.3))
                    : nil
                model = JumpDiffusionModel(drift: random.uniform(-5, 5), volatility: random.pick([0, random.uniform(0.1, 2.5)]), jumps: jumps)
                if random.chance(0.6) {
                    for _ in 0..<random.int(1...3) {
                        let start = random.int(0...(steps - 1))
                        if random.chance(0.7) {
                            shocks.append(.move(relative: random.uniform(-0.35, 0.25), start: start, steps: random.int(1...30)))
                        } else {
                            shocks.append(.volatility(multiplier: random.uniform(0.5, 4), from: start, to: start + random.int(1...60)))
                        }
                    }
                }
            }
            return Asset(venue: venue, assetClass: assetClass, maintenanceMarginRate: maintenance, liquidationFee: fee, price: price,
                         population: population, bookSeed: random.next(), mechanics: mechanics, impact: impact, model: model,
                         shocks: shocks)
        }

        /// The rule of `asset`: the preset's for its class, or the flat M0 rule.
        static func rule(_ asset: Asset) -> MarginRule {
            asset.venue.map { VenuePreset.named($0)!.rule(for: asset.assetClass) }
                ?? MarginRule(maintenanceMarginRate: asset.maintenanceMarginRate, liquidationFee: asset.liquidationFee)
        }

        func config() throws -> SimulationConfig {
            let configs = try assets.enumerated().map { a, asset in
                let rule = Self.rule(asset)
                let positions = try asset.population.generate(price: asset.price, rule: rule, seed: asset.bookSeed, threads: 1)
                return AssetConfig(symbol: "\(asset.assetClass.rawValue.uppercased())\(a)", initialPrice: asset.price,
                                   model: .gbm(asset.model),
                                   schedule: asset.shocks.isEmpty ? nil : StressSchedule(shocks: asset.shocks, steps: steps),
                                   impact: asset.impact, ladder: LiquidationLadder(positions: positions, rule: rule),
                                   mechanics: asset.mechanics)
            }
            let factor = correlation.map { [1, 0, $0, (1 - $0 * $0).squareRoot()] }
            var config = SimulationConfig(seed: seed, paths: paths, steps: steps, stepSeconds: stepSeconds, assets: configs,
                                          correlationFactor: factor, insuranceFund: insuranceFund, maxCascadeRounds: maxCascadeRounds)
            config.fundDrawdownLimit = fundDrawdownLimit
            return config
        }

        var description: String {
            var lines = ["replay: CASCADE_PROPERTY_SEED=0x\(String(seed, radix: 16)) swift test --filter PropertyTests "
                             + "(or PropertyTests.Recipe(seed: 0x\(String(seed, radix: 16)), kind: .\(kind.rawValue)))",
                         "configuration: \(paths) paths × \(steps) steps of \(stepSeconds) s; fund \(insuranceFund), drawdown limit "
                             + "\(fundDrawdownLimit.map { "\($0)" } ?? "none"), ≤ \(maxCascadeRounds) rounds/step, correlation "
                             + "\(correlation.map { "\($0)" } ?? "none")"]
            for (a, asset) in assets.enumerated() {
                let rule = asset.venue.map { "\($0) \(asset.assetClass.rawValue)" }
                    ?? "flat m = \(asset.maintenanceMarginRate), fee \(asset.liquidationFee)"
                let p = asset.population
                lines.append("asset \(a): \(rule), price \(asset.price); book of \(p.count) (open interest \(p.openInterest), long share "
                                 + "\(p.longShare), leverage \(p.leverageMix.map { "\($0.leverage)×: \($0.weight)" }), entry spread "
                                 + "\(p.entrySpread), size σ \(p.sizeSigma), seed 0x\(String(asset.bookSeed, radix: 16))); \(asset.mechanics); "
                                 + "\(asset.impact); \(asset.model); shocks \(asset.shocks)")
            }
            return lines.joined(separator: "\n")
        }
    }
}

// MARK: - Support

/// SplitMix64 (Steele, Lea and Flood, 2014) with the few draws the recipes need, all defined
/// here so that a seed gives the same configuration on any toolchain.
struct PropertyRandom {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }
    mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }
    mutating func logUniform(_ low: Double, _ high: Double) -> Double { Foundation.exp(uniform(Foundation.log(low), Foundation.log(high))) }
    mutating func chance(_ p: Double) -> Bool { uniform() < p }
    mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    mutating func pick<T>(_ values: [T]) -> T { values[int(0...(values.count - 1))] }
}

/// Records the failures of one configuration with its seed and recipe: the first few in full,
/// then how many more (a broken property would otherwise report every path).
struct PropertyCheck {
    let recipe: PropertyTests.Recipe
    var failures = 0
    static let shown = 5
    /// The paths whose results overflowed, and the columns that did on the first of them.
    var nonFinite: [String] = []
    var nonFiniteColumns = ""

    init(recipe: PropertyTests.Recipe) { self.recipe = recipe }

    mutating func expect(_ condition: Bool, _ message: @autoclosure () -> String,
                         sourceLocation: SourceLocation = #_sourceLocation) {
        guard !condition else { return }
        failures += 1
        if failures <= Self.shown {
            Issue.record("seed 0x\(String(recipe.seed, radix: 16)): \(message())\n\(recipe)", sourceLocation: sourceLocation)
        }
    }

    /// Columns that are empty (NaN) where nothing happened, or without the twin.
    static let mayBeEmpty: Set<PathMetric> = [.firstLiquidationTime, .largestCascadeNotional, .longestCascadeSteps,
                                               .twinLiquidatedNotional, .twinBadDebt, .amplification, .impactTriggeredShare]

    /// Whether every other column of path `p` is finite; if not, the path is noted and recorded
    /// (once per configuration) as a failure by ``finish(sourceLocation:)``.
    mutating func expectFinite(_ r: PathResults, path p: Int, _ label: String) -> Bool {
        let bad = r.columns.indices.filter { c in
            !Self.mayBeEmpty.contains(r.columns[c].metric) && !r.values[c * r.paths + p].isFinite
        }
        guard !bad.isEmpty else { return true }
        if nonFinite.isEmpty {
            nonFiniteColumns = bad.map { r.columns[$0].name(symbols: r.symbols) }.joined(separator: ", ")
        }
        nonFinite.append(label)
        return false
    }

    func finish(sourceLocation: SourceLocation = #_sourceLocation) {
        if !nonFinite.isEmpty {
            let message = "seed 0x\(String(recipe.seed, radix: 16)): \(nonFinite.count) paths not checked, their results not finite "
                + "(\(nonFinite.prefix(3).joined(separator: ", "))…; on the first: \(nonFiniteColumns))\n\(recipe)"
            // Every accepted configuration runs to finite results (docs/model.md, "Numeric limits").
            Issue.record("\(message)", sourceLocation: sourceLocation)
        }
        if failures > Self.shown {
            Issue.record("seed 0x\(String(recipe.seed, radix: 16)): \(failures - Self.shown) more failures", sourceLocation: sourceLocation)
        }
    }
}

/// Records every asset's fundamental log-price and log-impact at the end of every step of a
/// traced path.
struct StepObserver: CascadeObserver {
    var logFundamental: [[Double]]
    var logImpact: [[Double]]

    init(assets: Int) {
        logFundamental = Array(repeating: [], count: assets)
        logImpact = Array(repeating: [], count: assets)
    }

    mutating func roundClosed(path: Int, asset: Int, step: Int, round: Int, side: Side, range: Range<Int>,
                              roundPrice: Double, executionPrice: Double) {}

    mutating func stepEnded(path: Int, asset: Int, step: Int, logFundamental: Double, logImpact: Double) {
        self.logFundamental[asset].append(logFundamental)
        self.logImpact[asset].append(logImpact)
    }
}
