import Foundation
import Testing
@testable import CascadeKit

/// Inverse books in the engine: held in y = 1/P (``InverseMarginRule/reciprocal``), settled in
/// the coin, reported in USD. Checked against a literal computation in P with the inverse rule's
/// own formulas, against the general route, and for conservation and determinism on every path.
@Suite("Inverse books")
struct InverseBookTests {
    static let xbtusd = InverseContract.named("XBTUSD", venue: "bitmex")!
    static let rule = xbtusd.rule(fundingRate: 0)

    /// An inverse position as the venue states it: Q contracts of 1 USD at E, margin M in the coin.
    struct Holding { var side: Side; var contracts: Double; var entry: Double; var margin: Double }

    /// `count` inverse positions around 100,000 USD: sizes to 150 XBT, leverage 2× to 50×.
    static func book(count: Int, seed: UInt64) -> [Holding] {
        var random = Xoshiro256Plus(seed: seed, path: 0)
        func uniform() -> Double { Xoshiro256Plus.uniform(random.next()) }
        return (0..<count).map { _ in
            let side: Side = uniform() < 0.6 ? .long : .short
            let entry = 100_000 * Foundation.exp(0.1 * (uniform() - 0.5))
            let value = Foundation.exp(8 * uniform() - 3)                      // 0.05 to 150 XBT
            let leverage = 2 + 48 * uniform()
            return Holding(side: side, contracts: value * entry, entry: entry, margin: value / leverage)
        }
    }

    /// What one step's cascade closes, by the literal rules in P: the positions whose inverse
    /// liquidation price the round's price reaches, the forced flow in USD (Q a contract), the
    /// impact on the cumulative flow, and each closure's equity M + s·Q·(1/E − 1/X) coin going to
    /// the fund, every coin amount valued at the round's execution price X.
    struct Literal {
        var alive: [Bool]
        var liquidations = 0
        var marginLost = 0.0, counterpartyGains = 0.0, receipts = 0.0
        var longExecuted = 0.0, shortExecuted = 0.0, notional = 0.0
        var rounds = 0

        init(count: Int) { alive = Array(repeating: true, count: count) }

        mutating func step(_ book: [Holding], logF: Double, j0: Double, impact: ImpactModel) -> Double {
            let startFlow = impact.equivalentFlow(logImpact: j0)
            var j = j0, flow = 0.0
            var price = Foundation.exp(logF + j)
            while true {
                var closed: [Int] = []
                for (i, h) in book.enumerated() where alive[i] {
                    let liquidation = InverseBookTests.rule.liquidationPrice(side: h.side, contracts: h.contracts, entryPrice: h.entry,
                                                                             margin: h.margin).price
                    if h.side == .long ? price <= liquidation : price >= liquidation { closed.append(i) }
                }
                if closed.isEmpty { break }
                rounds += 1
                for i in closed { flow += book[i].side == .long ? -book[i].contracts : book[i].contracts }
                j = impact.logImpact(cumulativeFlow: startFlow + flow)
                let x = Foundation.exp(logF + j)
                for i in closed {
                    let h = book[i], s = h.side.sign
                    let pnl = s * h.contracts * (1 / h.entry - 1 / x)      // coin
                    marginLost += h.margin * x
                    counterpartyGains += -pnl * x
                    receipts += (h.margin + pnl) * x
                    if h.side == .long { longExecuted += h.contracts } else { shortExecuted += h.contracts }
                    notional += h.contracts
                    liquidations += 1
                    alive[i] = false
                }
                price = x
            }
            return j
        }
    }

    @Test("a cascade of an inverse book, step by step, is the literal one in P and the coin")
    func literalOracle() {
        let book = Self.book(count: 3_000, seed: 11)
        let positions = book.map { InverseMarginRule.reciprocalPosition(side: $0.side, contracts: $0.contracts, entryPrice: $0.entry,
                                                                         margin: $0.margin) }
        let ladder = LiquidationLadder(positions: positions, rule: Self.rule.reciprocal)
        let impact = ImpactModel(shape: .squareRoot, depth: 5e6, coefficient: 1, recoveryHalfLife: 120)
        let resolver = CascadeResolver(ladder: ladder, impact: impact, maxRounds: 1_000, contract: .inverse)
        #expect(resolver.aggregatesAll && resolver.reciprocal)
        var general = resolver
        general.aggregatesAll = false
        // In P the longs fall with the price: in y they are the shorts.
        struct State { var falling: LadderCursor; var rising: LadderCursor; var book = PathBook(); var tally: PathTally; var notional = 0.0; var j = 0.0 }
        func start() -> State { State(falling: ladder.shorts.start, rising: ladder.longs.start, tally: PathTally(insuranceFund: 1e12)) }
        var fast = start(), slow = start()
        var literal = Literal(count: book.count), literalJ = 0.0
        var observer = NoCascadeObserver()
        var logF = Foundation.log(100_000.0)
        let decay = impact.decayFactor(stepSeconds: 60)
        for step in 0..<120 {
            // Down 12% in 40 steps, then up 25%: both sides liquidate.
            logF += step < 40 ? -0.0032 : 0.0028
            fast.j *= decay; slow.j *= decay; literalJ *= decay
            fast.j = resolver.resolve(path: 0, step: step, logFundamental: logF, startImpact: fast.j, longCursor: &fast.falling,
                                      shortCursor: &fast.rising, book: &fast.book, tally: &fast.tally,
                                      assetNotional: &fast.notional, observer: &observer)
            slow.j = general.resolve(path: 0, step: step, logFundamental: logF, startImpact: slow.j, longCursor: &slow.falling,
                                     shortCursor: &slow.rising, book: &slow.book, tally: &slow.tally,
                                     assetNotional: &slow.notional, observer: &observer)
            literalJ = literal.step(book, logF: logF, j0: literalJ, impact: impact)
            #expect(fast.j == slow.j && fast.falling == slow.falling && fast.rising == slow.rising, "step \(step)")
            #expect(isClose(fast.j, literalJ, relative: 1e-9, absolute: 1e-15), "step \(step): J \(fast.j) vs \(literalJ)")
            #expect(fast.tally.liquidations == literal.liquidations, "step \(step)")
        }
        let t = fast.tally
        #expect(t.liquidations > 1_000 && t.liquidations < book.count)
        #expect(literal.longExecuted > 0 && literal.shortExecuted > 0)
        for (name, value, expected) in [("marginLost", t.marginLost, literal.marginLost),
                                        ("counterpartyGains", t.counterpartyGains, literal.counterpartyGains),
                                        ("fund receipts", t.fund.netReceipts, literal.receipts),
                                        ("long executed", t.longExecutedNotional, literal.longExecuted),
                                        ("short executed", t.shortExecutedNotional, literal.shortExecuted),
                                        ("long entry", t.longEntryNotional, literal.longExecuted),
                                        ("notional", fast.notional, literal.notional)] {
            #expect(isClose(value, expected, relative: 1e-9), "\(name): \(value) vs \(expected)")
        }
        // The general route computes exactly what the aggregated one does.
        let u = slow.tally
        #expect(t.marginLost == u.marginLost && t.counterpartyGains == u.counterpartyGains && t.fund.netReceipts == u.fund.netReceipts)
        #expect(t.longExecutedNotional == u.longExecutedNotional && t.shortEntryNotional == u.shortEntryNotional && fast.notional == slow.notional)
        // Money is conserved in USD as in the coin: every closure's amounts are valued at its price.
        #expect(isClose(t.marginLost, t.counterpartyGains + t.fund.netReceipts, relative: 1e-12))
    }

    /// BitMEX's rules on an XBTUSD book on a violent path: step-downs, a small fund, deleveraging.
    static func stress(paths: Int) throws -> SimulationConfig {
        let preset = VenuePreset.named("bitmex")!
        let population = SyntheticPopulation(count: 3_000, openInterest: 5e8, longShare: 0.7,
                                             leverageMix: [(2, 0.2), (5, 0.3), (10, 0.3), (20, 0.2)], entrySpread: 0.05, sizeSigma: 2)
        let book = try population.generateInverseBook(price: 100_000, rule: rule, seed: 9)
        var config = TestBooks.config(positions: [Position(side: .long, quantity: 1, entryPrice: 100_000, leverage: 2)],
                                      price: 100_000, volatility: 1.5, jumps: MertonJumps(intensity: 3_000, mean: -0.03, stdev: 0.03),
                                      impact: ImpactModel(shape: .squareRoot, depth: 3e6, coefficient: 1, recoveryHalfLife: 600),
                                      insuranceFund: 2e5, paths: paths, steps: 120, stepSeconds: 60, seed: 4)
        config.assets[0].ladder = LiquidationLadder(positions: book.positions, rule: rule.reciprocal)
        config.assets[0].contract = .inverse
        config.assets[0].mechanics = LiquidationMechanics(preset: preset)
        config.liquidationMap = LiquidationMapLayout()
        return config
    }

    @Test("an inverse book under BitMEX's rules conserves money on every path, for any threads and chunks")
    func conservation() throws {
        let config = try Self.stress(paths: 16)
        // The book's face value is the open interest asked for (its first draw had 494.5M: a few
        // large positions carry the value-weighted mean of E/P₀).
        #expect(isClose(config.openInterest, 5e8, relative: 1e-9), "\(config.openInterest)")
        let run = SimulationEngine(config: config).run(threads: 2, chunkSize: 5)
        let r = run.paths
        var deleveraged = 0.0, partial = 0.0, liquidated = 0.0
        for p in 0..<16 {
            TestBooks.expectConserved(r, path: p, fund: 2e5, scale: 5e8)
            #expect(r[.liquidatedNotional, p] <= config.openInterest * (1 + 1e-12))
            deleveraged += r[.adlCount, p]
            partial += r[.partialLiquidations, p]
            liquidated += r[.liquidatedNotional, p]
        }
        #expect(r.column(.liquidations).reduce(0, +) > 100)
        #expect(deleveraged > 0 && partial > 0, "ADL \(deleveraged), partial \(partial)")
        // The liquidation map holds the liquidated notional in USD, by the positions' own sides.
        let map = try #require(run.liquidationMap)
        let mapped = map.cents.reduce(Int128(0), +)
        #expect(isClose(Double(mapped) / 100, liquidated, relative: 1e-6), "\(Double(mapped) / 100) vs \(liquidated)")
        // Bit-identical for another thread count and chunk size.
        let again = SimulationEngine(config: config).run(threads: 1, chunkSize: 3).paths
        for metric in [PathMetric.liquidatedNotional, .marginLost, .fundReceipts, .badDebt, .adlCoveredDeficit, .finalTradedPrice] {
            #expect(r.column(metric) == again.column(metric), "\(metric)")
        }
    }

    /// The test scenario (100 positions of about 1 BTC at 100,000) under `exchange`, its asset
    /// `symbol` with the extra asset keys `keys`.
    static func scenario(_ exchange: String, symbol: String, keys: String = "", openInterest: String = "10000000") -> String {
        ScenarioText.replacing("  maintenanceMarginRate: 0.005\n  liquidationFee: 0.003\n", with: exchange)
            .replacingOccurrences(of: "    - symbol: BTCUSDT\n", with: "    - symbol: \(symbol)\n" + keys)
            .replacingOccurrences(of: "openInterest: 10000000", with: "openInterest: \(openInterest)")
    }

    static func load(_ yaml: String) throws(ScenarioError) -> LoadedScenario {
        try ScenarioLoader.load(yaml: yaml, file: "t.yaml", directory: ScenarioText.temporaryDirectory())
    }

    static func message(_ yaml: String) -> String {
        do { _ = try load(yaml); return "" } catch { return error.description }
    }

    @Test("a preset's inverse symbol is simulated as inverse; contract: linear keeps the linear proxy")
    func scenarioContract() throws {
        let inverse = try Self.load(Self.scenario("  preset: bitmex\n", symbol: "XBTUSD")).config
        #expect(inverse.assets[0].contract == .inverse)
        #expect(inverse.assets[0].ladder.rule == Self.xbtusd.rule(fundingRate: 0).reciprocal)
        #expect(isClose(inverse.openInterest, 1e7, relative: 1e-9), "\(inverse.openInterest)")
        // Every position is a reciprocal one: entry 1/E near 1/100,000, solvent at the start in y.
        let y0 = 1 / 100_000.0
        for p in inverse.assets[0].ladder.positions {
            #expect(p.entryPrice > y0 * 0.8 && p.entryPrice < y0 * 1.25)
            let liquidation = inverse.assets[0].ladder.rule.liquidationPrice(of: p)
            #expect(p.side == .long ? liquidation < y0 : liquidation > y0)
        }
        let bybit = try Self.load(Self.scenario("  preset: bybit\n", symbol: "BTCUSD")).config
        #expect(bybit.assets[0].contract == .inverse)
        let linear = try Self.load(Self.scenario("  preset: bitmex\n", symbol: "XBTUSD", keys: "      contract: linear\n")).config
        #expect(linear.assets[0].contract == .linear && isClose(linear.openInterest, 1e7, relative: 1e-12))
        #expect(linear.assets[0].ladder.rule == VenuePreset.named("bitmex")!.rule(for: .btc))
        // Linear symbols stay linear under the same venue; an explicit `linear` changes nothing.
        #expect(try Self.load(Self.scenario("  preset: bitmex\n", symbol: "XBTUSDT")).config.assets[0].contract == .linear)
        #expect(try Self.load(Self.scenario("  preset: binance-usdm\n", symbol: "BTCUSDT", keys: "      contract: linear\n"))
            .config.assets[0].contract == .linear)
        // It runs, conserving money.
        var config = inverse
        config.paths = 4
        let r = SimulationEngine(config: config).run(threads: 1).paths
        for p in 0..<4 {
            #expect(isClose(r[.marginLost, p], r[.counterpartyGains, p] + r[.fundReceipts, p], relative: 1e-9, absolute: 1e-6))
        }
    }

    @Test("an inverse book has as many longs as a linear one, and its face value on each side")
    func sides() throws {
        for (count, share) in [(3, 0.5), (5, 0.7), (101, 0.55)] {
            let population = SyntheticPopulation(count: count, openInterest: 1e6, longShare: share,
                                                 leverageMix: [(5, 1)], entrySpread: 0.05, sizeSigma: 1)
            let book = try population.generateInverseBook(price: 100_000, rule: Self.rule, seed: 3).positions
            // The inverse longs are the shorts in y.
            let longs = book.filter { $0.side == .short }
            #expect(longs.count == population.longCount, "\(count), \(share)")
            #expect(isClose(longs.reduce(0) { $0 + $1.quantity }, 1e6 * share, relative: 1e-9))
            #expect(isClose(book.reduce(0) { $0 + $1.quantity }, 1e6, relative: 1e-9))
        }
    }

    @Test("inverse is refused where no venue lists the symbol as one, and what does not apply to it is named")
    func scenarioRefusals() {
        let listed = "XBTUSD on bitmex, BTCUSD on bybit"
        #expect(Self.message(Self.scenario("  preset: binance-usdm\n", symbol: "BTCUSDT", keys: "      contract: inverse\n"))
                == "t.yaml: market.assets[0].contract: inverse needs a venue preset that lists 'BTCUSDT' as an inverse contract; "
                + "expected exchange.preset and a symbol among: \(listed) (docs/venues.md, \"Inverse contracts\")")
        #expect(Self.message(Self.scenario("  maintenanceMarginRate: 0.005\n  liquidationFee: 0\n", symbol: "XBTUSD",
                                           keys: "      contract: inverse\n"))
                .hasPrefix("t.yaml: market.assets[0].contract: inverse needs a venue preset"))
        #expect(Self.message(Self.scenario("  preset: bitmex\n", symbol: "XBTUSD", keys: "      contract: coin\n"))
                == "t.yaml: market.assets[0].contract: 'coin' is not a contract type; expected linear or inverse")
        #expect(Self.message(Self.scenario("  preset: bitmex\n", symbol: "XBTUSD", keys: "      tierTable: btc\n"))
                == "t.yaml: market.assets[0].tierTable: does not apply to XBTUSD, an inverse contract with its own risk limits; "
                + "expected no tierTable, or contract: linear")
        #expect(Self.message(Self.scenario("  preset: bitmex\n  maintenanceMarginRate: 0.01\n", symbol: "XBTUSD"))
                .hasPrefix("t.yaml: exchange.maintenanceMarginRate: replaces a linear tier table; it does not apply to XBTUSD"))
        // Bybit's BTCUSD: only the first risk limit (150 BTC) is known; a book beyond it is refused.
        let large = Self.message(Self.scenario("  preset: bybit\n", symbol: "BTCUSD", openInterest: "10000000000"))
        #expect(large.hasPrefix("t.yaml: market.assets[0].symbol: BTCUSD on bybit: a position worth ")
                && large.contains("BTC at entry is beyond the known risk limits (up to 150 BTC)"), "\(large)")
    }

    @Test("a positions file's rows of an inverse asset are contracts at E with leverage L, margin Q/E/L in the coin")
    func positionsFile() throws {
        let directory = ScenarioText.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try "side,quantity,entryPrice,leverage\nlong,200000,10000,20\nshort,50000,10500,5\n"
            .write(to: directory.appendingPathComponent("book.csv"), atomically: true, encoding: .utf8)
        let yaml = Self.scenario("  preset: bitmex\n", symbol: "XBTUSD")
            .replacingOccurrences(of: "price: 100000", with: "price: 10000")
            .replacingOccurrences(of: "positions:\n  synthetic:", with: "positions:\n  file: book.csv\n  synthetic:")
        let config = try ScenarioLoader.load(yaml: yaml, file: "t.yaml", directory: directory).config
        #expect(config.assets[0].contract == .inverse)
        let fromFile = config.assets[0].ladder.positions.filter { $0.quantity == 200_000 || $0.quantity == 50_000 }
        #expect(fromFile.count == 2)
        // BitMEX's 20× long of 200,000 contracts at 10,000: 1 XBT of margin, bankruptcy 10,000·20/21.
        let long = try #require(fromFile.first { $0.quantity == 200_000 })
        #expect(long.side == .short && long.entryPrice == 1 / 10_000.0 && isClose(long.margin, 1, relative: 1e-14))
        let bankruptcy = MarginRule.bankruptcyPrice(sign: long.side.sign, quantity: long.quantity, entryPrice: long.entryPrice,
                                                    margin: long.margin)
        #expect(isClose(1 / bankruptcy, 10_000 * 20 / 21.0, relative: 1e-12))
        // The row's leverage is kept exactly (Q/E/(Q/E/L) is an ulp above 100 here, which the
        // venue's 100× maximum would refuse), and its leverage bucket with it.
        try "side,quantity,entryPrice,leverage\nlong,2857986,24388.3,100\n"
            .write(to: directory.appendingPathComponent("book.csv"), atomically: true, encoding: .utf8)
        let hundred = try ScenarioLoader.load(yaml: yaml.replacingOccurrences(of: "price: 10000", with: "price: 24400"),
                                              file: "t.yaml", directory: directory).config
        #expect(hundred.assets[0].ladder.positions.contains { $0.quantity == 2_857_986 && $0.leverage == 100 })
        // A row liquidatable at the start is refused with its liquidation price in USD.
        try "side,quantity,entryPrice,leverage\nlong,200000,10600,50\n"
            .write(to: directory.appendingPathComponent("book.csv"), atomically: true, encoding: .utf8)
        do {
            _ = try ScenarioLoader.load(yaml: yaml, file: "t.yaml", directory: directory)
            Issue.record("an insolvent inverse row loaded")
        } catch {
            #expect(error.description.contains("book.csv:2: this long is already liquidatable at the initial price 10000 (its liquidation price is 10"),
                    "\(error.description)")
        }
    }
}
