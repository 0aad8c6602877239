import Foundation
import Testing
@testable import CascadeKit

/// Cross-margined accounts: the dense check against a plain loop, the pruned check against the
/// full one, contagion between assets, conservation, funding, determinism and the scenario keys.
@Suite("Cross accounts")
struct CrossAccountTests {
    static let btcRule = VenuePreset.named("binance-usdm")!.rule(for: .btc)
    static let flat = FlatMarginRule(maintenanceMarginRate: 0.01, liquidationFee: 0.005)

    /// Assets at `prices` with GBM of `volatility`, the shocks given per asset, a small isolated
    /// book per asset, and the accounts.
    static func config(accounts: [CrossAccount], prices: [Double], rule: MarginRule = flat, volatility: Double = 0,
                       shocks: [[StressSchedule.Shock]] = [], isolated: [[Position]]? = nil,
                       depth: Double = 1e6, paths: Int = 4, steps: Int = 20, funding: FundingRule? = nil,
                       fund: Double = 1e6, seed: UInt64 = 7) -> SimulationConfig {
        let assets = prices.enumerated().map { a, price in
            let book = isolated?[a] ?? [Position(side: .long, quantity: 1, entryPrice: price, leverage: 2),
                                        Position(side: .short, quantity: 1, entryPrice: price, leverage: 2)]
            let schedule = a < shocks.count && !shocks[a].isEmpty ? StressSchedule(shocks: shocks[a], steps: steps) : nil
            return AssetConfig(symbol: "A\(a)", initialPrice: price,
                               model: .gbm(JumpDiffusionModel(drift: 0, volatility: volatility)), schedule: schedule,
                               impact: ImpactModel(shape: .squareRoot, depth: depth, coefficient: 1, recoveryHalfLife: 3600),
                               ladder: LiquidationLadder(positions: book, rule: rule))
        }
        var config = SimulationConfig(seed: seed, paths: paths, steps: steps, stepSeconds: 60, assets: assets,
                                      insuranceFund: fund)
        config.crossAccounts = CrossAccountBook(accounts: accounts, rules: prices.map { _ in rule }, initialPrices: prices)
        config.funding = funding
        return config
    }

    static func randomAccounts(count: Int, prices: [Double], rules: [MarginRule], seed: UInt64) -> [CrossAccount] {
        let population = CrossAccountPopulation(
            count: count, openInterest: 5e8,
            types: [.init(kind: .directional, share: 0.5, leverage: 12, longShare: 0.6),
                    .init(kind: .hedged, share: 0.3, leverage: 6), .init(kind: .marketMaker, share: 0.2, leverage: 3)],
            entrySpread: 0.03, sizeSigma: 1.5)
        return try! population.generate(prices: prices, rules: rules, seed: seed).accounts
    }

    @Test("dgemm headroom and slope equal a plain loop, and the exact headroom within the tiers")
    func denseEqualsLoop() {
        let prices = [100_000.0, 3_500, 150]
        let rules = prices.map { _ in Self.btcRule }
        let accounts = Self.randomAccounts(count: 157, prices: prices, rules: rules, seed: 3)
        let book = CrossAccountBook(accounts: accounts, rules: rules, initialPrices: prices)
        let matrix = book.matrix
        let m = 7
        var rng = SplitMix64Stream(seed: 11, stream: 0)
        var p = [Double](repeating: 0, count: 3 * m), phi = p
        for a in 0..<3 {
            for j in 0..<m {
                p[a * m + j] = prices[a] * (1 + 0.004 * (rng.uniform() - 0.5))
                phi[a * m + j] = prices[a] * 1e-4 * (rng.uniform() - 0.5)
            }
        }
        let naive = matrix.evaluateNaively(prices: p, funding: phi, columns: m)
        var h = [Double](repeating: 0, count: book.count * m), s = h, hT = h, sT = h
        matrix.evaluate(prices: p, funding: phi, columns: m, headroom: &h, scale: &s)
        matrix.evaluatePathMajor(prices: p, funding: phi, columns: m, headroom: &hT, scale: &sT)
        var inBand = 0
        for i in 0..<book.count {
            for j in 0..<m {
                let scale = book.accounts[i].wallet * 10
                #expect(isClose(h[i * m + j], naive.headroom[i * m + j], relative: 1e-12, absolute: 1e-9 * scale))
                #expect(isClose(hT[j * book.count + i], naive.headroom[i * m + j], relative: 1e-12, absolute: 1e-9 * scale))
                #expect(isClose(s[i * m + j], naive.scale[i * m + j], relative: 1e-12))
                #expect(isClose(sT[j * book.count + i], naive.scale[i * m + j], relative: 1e-12))
                let column = (0..<3).map { p[$0 * m + j] }, f = (0..<3).map { phi[$0 * m + j] }
                let ratios = (0..<3).map { column[$0] / prices[$0] }
                if book.inBand(i, low: ratios.min()!, high: ratios.max()!) {
                    inBand += 1
                    let exact = book.headroom(account: i, prices: column, funding: f)
                    #expect(isClose(exact, naive.headroom[i * m + j], relative: 1e-10, absolute: 1e-8 * scale))
                }
            }
        }
        #expect(inBand > book.count * m / 2)
    }

    @Test("the flat table's headroom equals the margin rules' on every preset", arguments: VenuePreset.names)
    func tableEqualsRules(venue: String) {
        let preset = VenuePreset.named(venue)!
        let prices = [100_000.0, 3_500, 150]
        let rules = [preset.rule(for: .btc), preset.rule(for: .eth), preset.rule(for: .altcoin)]
        let accounts = Self.randomAccounts(count: 300, prices: prices, rules: rules, seed: 5)
        let book = CrossAccountBook(accounts: accounts, rules: rules, initialPrices: prices)
        var rng = SplitMix64Stream(seed: 8, stream: 1)
        for i in 0..<book.count {
            let p = prices.map { $0 * (0.6 + 0.8 * rng.uniform()) }, f = prices.map { $0 * 1e-3 * (rng.uniform() - 0.5) }
            let fast = book.headroom(account: i, prices: p, funding: f)
            let literal = p.withUnsafeBufferPointer { pp in
                f.withUnsafeBufferPointer { CrossAccountBook.headroom(accounts[i], rules: rules, prices: pp.baseAddress!, funding: $0.baseAddress!) }
            }
            #expect(fast == literal, "\(venue) account \(i)")
        }
    }

    @Test("every distance lies at or above its band's lower edge, and below the next band's")
    func bandEdges() {
        var rng = SplitMix64Stream(seed: 4, stream: 2)
        var distances = [0, 1e-12, 0.000_999_999, 0.001, 0.002, 0.004, 0.5, 1, 1e6, .infinity]
        for k in 0..<64 { distances.append(0.001 * Foundation.exp2(Double(k) / 4)) }
        for _ in 0..<20_000 { distances.append(Foundation.exp2(-12 + 20 * rng.uniform())) }
        for d in distances {
            let k = CrossMarginLanes.band(d)
            #expect(d >= CrossMarginLanes.lowerEdge(k), "\(d) in band \(k)")
            if k + 1 < CrossMarginLanes.bandCount { #expect(d < CrossMarginLanes.lowerEdge(k + 1) / (1 - 2e-9), "\(d) in band \(k)") }
        }
    }

    @Test("the pruned check finds exactly the accounts the full check finds", arguments: [UInt64(1), 2, 3])
    func prunedNeverMisses(seed: UInt64) {
        let prices = [100_000.0, 3_500, 150]
        let rules = prices.map { _ in Self.btcRule }
        let accounts = Self.randomAccounts(count: 600, prices: prices, rules: rules, seed: seed)
        let book = CrossAccountBook(accounts: accounts, rules: rules, initialPrices: prices)
        let paths = 5
        // A path keeps only its nearest 150 accounts, so that the reach is met too.
        let lanes = CrossMarginLanes(book: book, funding: FundingRule(intervalSteps: 40, rate: .fixed(0.002)), capacity: paths,
                                     storedTarget: 150)
        lanes.reset(paths: paths)
        var rng = SplitMix64Stream(seed: seed, stream: 100)
        var current = (0..<paths).flatMap { _ in prices }
        var found = 0, epochs = 0, checks = 0.0
        for step in 0..<400 {
            for b in 0..<paths {
                for a in 0..<3 {
                    // Heavy-tailed moves: mostly 0.3%, sometimes 3%.
                    let size = rng.uniform() < 0.05 ? 0.03 : 0.003
                    current[b * 3 + a] *= Foundation.exp(size * (rng.uniform() * 2 - 1.05))
                }
            }
            if (step + 1) % 40 == 0 { lanes.payFunding(paths: paths, prices: current, rule: lanes.funding!) }
            let due = (0..<paths).filter { b in
                current.withUnsafeBufferPointer { lanes.needsEpoch(path: b, prices: $0.baseAddress! + b * 3) }
            }
            epochs += due.count
            if !due.isEmpty { lanes.epoch(paths: due, prices: current) }
            for b in 0..<paths {
                let pruned = current.withUnsafeBufferPointer { lanes.liquidatable(path: b, prices: $0.baseAddress! + b * 3) }
                let full = current.withUnsafeBufferPointer { lanes.liquidatableByFullCheck(path: b, prices: $0.baseAddress! + b * 3) }
                #expect(pruned == full, "step \(step), path \(b)")
                for i in full { lanes.alive[b * book.count + Int(i)] = false }
                found += full.count
            }
        }
        checks = lanes.checks.reduce(0, +)
        #expect(found > 50, "the walk liquidates accounts (\(found))")
        #expect(epochs > paths, "the walk takes new epochs (\(epochs))")
        #expect(lanes.reach.prefix(paths).contains { $0.isFinite }, "some paths keep only part of their accounts")
        #expect(checks < 0.5 * Double(book.count * paths * 400), "the check is pruned (\(checks))")
    }

    @Test("an account liquidated by a loss in one asset closes its position in the other and moves that price")
    func contagion() {
        // Long 1M USD of each asset on a 200k wallet (10×): a −30% gap in asset 0 liquidates it.
        let account = CrossAccount(wallet: 2e5, legs: [CrossLeg(asset: 0, quantity: 1e4, entryPrice: 100),
                                                       CrossLeg(asset: 1, quantity: 1e4, entryPrice: 100)])
        // An isolated long in asset 1 liquidated at 99.5: only the cross account's selling reaches it.
        let isolated = TestBooks.position(.long, liquidationPrice: 99.5, quantity: 100, leverage: 20, rule: Self.flat)
        let config = Self.config(accounts: [account], prices: [100, 100], shocks: [[.move(relative: -0.3, start: 3, steps: 1)], []],
                                 isolated: [[Position(side: .long, quantity: 1, entryPrice: 100, leverage: 2)], [isolated]],
                                 paths: 2, steps: 10)
        let r = SimulationEngine(config: config).run(threads: 1).paths
        for p in 0..<2 {
            #expect(r[.crossLiquidations, nil, p] == 1)
            #expect(r[.contagionNotional, 0, p] == 0)
            #expect(r[.contagionNotional, 1, p] > 9e5)
            #expect(r[.contagionNotional, 1, p] == r[.crossLiquidatedNotional, 1, p])
            #expect(isClose(r[.contagionShare, 1, p], r[.contagionNotional, 1, p] / r[.liquidatedNotional, 1, p]))
            #expect(r[.contagionShare, 1, p] > 0.5 && r[.contagionShare, 1, p] < 1, "the isolated long's closure is not counted")
            #expect(r[.contagionShare, 0, p] == 0)
            #expect(r[.finalTradedPrice, 1, p] < 99.5, "the closure in asset 1 moved its price")
            #expect(isClose(r[.finalFundamentalPrice, 1, p], 100))
            #expect(r[.liquidations, nil, p] == 3, "two legs and the isolated long in asset 1")
            #expect(r[.firstLiquidationTime, nil, p] == 240)
            TestBooks.expectConserved(r, path: p, fund: 1e6, scale: 2e6)
        }
        // Without the account, asset 1 does not move and its isolated long survives.
        var alone = config
        alone.crossAccounts = CrossAccountBook(accounts: [], rules: [Self.flat, Self.flat], initialPrices: [100, 100])
        let s = SimulationEngine(config: alone).run(threads: 1).paths
        #expect(isClose(s[.finalTradedPrice, 1, 0], 100))
        #expect(s[.liquidations, nil, 0] == 0)
    }

    @Test("a position-by-position liquidation closes the largest maintenance first and stops once compliant")
    func positionByPosition() {
        // Long 1M USD of each asset on a 120k wallet; a −11% gap in asset 0 takes the headroom to
        // 120,000 − 110,000 − 18,900 < 0. Closing asset 1's position (the larger maintenance,
        // 10,000 against 8,900) leaves 120,000 − 110,000 − 8,900 > 0: the rest stays open.
        let noFee = FlatMarginRule(maintenanceMarginRate: 0.01, liquidationFee: 0)
        let account = CrossAccount(wallet: 1.2e5, legs: [CrossLeg(asset: 0, quantity: 1e4, entryPrice: 100),
                                                         CrossLeg(asset: 1, quantity: 1e4, entryPrice: 100)])
        var config = Self.config(accounts: [account], prices: [100, 100], rule: noFee,
                                 shocks: [[.move(relative: -0.11, start: 3, steps: 1)], []], depth: 1e9, paths: 1, steps: 6)
        config.crossLiquidation = .position
        let r = SimulationEngine(config: config).run(threads: 1).paths
        #expect(r[.crossLiquidations, nil, 0] == 0, "the account stays open")
        #expect(r[.partialLiquidations, nil, 0] == 1)
        #expect(r[.crossLiquidatedNotional, 0, 0] == 0)
        #expect(r[.crossLiquidatedNotional, 1, 0] > 9.9e5)
        #expect(r[.contagionNotional, 1, 0] == r[.crossLiquidatedNotional, 1, 0], "asset 1 was closed for asset 0's loss")
        TestBooks.expectConserved(r, path: 0, fund: 1e6, scale: 2e6)
        config.crossLiquidation = .account
        let whole = SimulationEngine(config: config).run(threads: 1).paths
        #expect(whole[.crossLiquidations, nil, 0] == 1)
        #expect(whole[.crossLiquidatedNotional, 0, 0] > 8.8e5)
    }

    @Test("money is conserved on every path of a random cross and isolated book, for any threads and chunks",
          arguments: ["binance-usdm", "hyperliquid", "dydx-v4"], [CrossLiquidation.account, .position])
    func conservationAndDeterminism(venue: String, procedure: CrossLiquidation) {
        let prices = [100_000.0, 3_500]
        let rule = VenuePreset.named(venue)!.rule(for: .btc)
        let accounts = Self.randomAccounts(count: 800, prices: prices, rules: [rule, rule], seed: 9)
        let isolated = prices.map { price in
            try! SyntheticPopulation(count: 500, openInterest: 2e8, longShare: 0.6, leverageMix: [(5, 0.5), (20, 0.5)],
                                     entrySpread: 0.03, sizeSigma: 1).generate(price: price, rule: rule, seed: 4)
        }
        var config = Self.config(accounts: accounts, prices: prices, rule: rule, volatility: 1.5,
                                 shocks: [[.move(relative: -0.1, start: 30, steps: 5)], []], isolated: isolated,
                                 depth: 3e6, paths: 9, steps: 120,
                                 funding: FundingRule(intervalSteps: 30, rate: .premium(interest: 1e-4, cap: 0.0075)), fund: 3e5)
        config.correlationFactor = try! DenseLinearAlgebra.choleskyLower([1, 0.8, 0.8, 1], order: 2)
        config.crossLiquidation = procedure
        let one = SimulationEngine(config: config).run(threads: 1, chunkSize: 9)
        let two = SimulationEngine(config: config).run(threads: 2, chunkSize: 4)
        #expect(one.paths.values.elementsEqual(two.paths.values) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        let r = one.paths
        var liquidated = 0.0
        for p in 0..<config.paths {
            TestBooks.expectConserved(r, path: p, fund: 3e5, scale: 5e8)
            liquidated += r[.crossLiquidations, nil, p]
            #expect(isClose(r[.liquidatedNotional, nil, p], r[.liquidatedNotional, 0, p] + r[.liquidatedNotional, 1, p], relative: 1e-12))
            #expect(r[.crossLiquidatedNotional, nil, p] <= r[.liquidatedNotional, nil, p] * (1 + 1e-12))
            #expect(r[.fundingPaid, nil, p] > 0 || r[.fundingReceived, nil, p] > 0)
        }
        #expect(liquidated > 0)
        // Closing a position frees its maintenance and pays its fee: where the fee exceeds the
        // maintenance rate (Binance's 1.25% against 0.40%), no partial close can restore an account.
        if procedure == .position && venue != "binance-usdm" {
            #expect((0..<config.paths).reduce(0.0) { $0 + r[.partialLiquidations, nil, $1] } > 0, "some accounts close in part")
        }
    }

    @Test("funding moves money between the sides and shifts the liquidation price by Φ/(1 − r)")
    func fundingConservesAndShifts() {
        // One long and one short account of equal size in a flat market: what one pays the other gets.
        let long = CrossAccount(wallet: 5e4, legs: [CrossLeg(asset: 0, quantity: 100, entryPrice: 100)])
        let short = CrossAccount(wallet: 5e4, legs: [CrossLeg(asset: 0, quantity: -100, entryPrice: 100)])
        let config = Self.config(accounts: [long, short], prices: [100], paths: 2, steps: 48,
                                 funding: FundingRule(intervalSteps: 8, rate: .fixed(0.001)))
        let r = SimulationEngine(config: config).run(threads: 1).paths
        #expect(isClose(r[.fundingPaid, nil, 0], 6 * 0.001 * 100 * 100, relative: 1e-12))
        #expect(isClose(r[.fundingPaid, nil, 0], r[.fundingReceived, nil, 0], relative: 1e-12))
        // A single-leg long: W + q(P − E − Φ) − r·q·P = 0 at P* = (q(E + Φ) − W)/(q(1 − r)).
        let book = CrossAccountBook(accounts: [long], rules: [Self.flat], initialPrices: [100])
        for phi in [0.0, 0.5, 2.0] {
            let star = (100 * (100 + phi) - 5e4) / (100 * (1 - 0.01))
            #expect(abs(book.headroom(account: 0, prices: [star], funding: [phi])) < 1e-9)
            let shift = star - (100 * 100 - 5e4) / (100 * (1 - 0.01))
            #expect(isClose(shift, phi / (1 - 0.01), relative: 1e-12))
        }
    }

    @Test("a crowded long book in a flat market liquidates through funding alone")
    func fundingAloneLiquidates() {
        let accounts = (0..<20).map { i in
            CrossAccount(wallet: 1e4 * (1 + Double(i) / 10) + 500, legs: [CrossLeg(asset: 0, quantity: 1e3, entryPrice: 100)])
        }
        let funded = Self.config(accounts: accounts, prices: [100], depth: 1e9, paths: 2, steps: 240,
                                 funding: FundingRule(intervalSteps: 60, rate: .fixed(0.03)))
        let r = SimulationEngine(config: funded).run(threads: 1).paths
        // Each hour costs 3% of 100k USD: after four hours, 12,000 USD — more than the headroom
        // (wallet − 1,000 maintenance) of the accounts with wallets 10,500, 11,500 and 12,500.
        #expect(r[.crossLiquidations, nil, 0] == 3)
        #expect(r[.fundingPaid, nil, 0] > 0)
        #expect(isClose(r[.finalFundamentalPrice, 0, 0], 100))
        var unfunded = funded
        unfunded.funding = nil
        #expect(SimulationEngine(config: unfunded).run(threads: 1).paths[.crossLiquidations, nil, 0] == 0)
    }

    @Test("the scenario keys: a synthetic mix, a CSV book, and their errors")
    func scenarioKeys() throws {
        let accountsSection = [
            "accounts:", "  synthetic:", "    count: 50", "    openInterest: 10000000", "    entrySpread: 0.02",
            "    size: {sigma: 1}", "    types:", "      directional: {share: 0.6, leverage: 5, longShare: 0.8}",
            "      marketMaker: {share: 0.4, leverage: 2}", "positions:", "",
        ].joined(separator: "\n")
        let twoAssets = ScenarioText.replacing("positions:\n", with: accountsSection)
            .replacingOccurrences(of: "  insuranceFund: 1000000\n", with: "  insuranceFund: 1000000\n  funding: {interval: 8h, rate: 0.0001}\n")
        let loaded = try ScenarioLoader.load(yaml: twoAssets, file: "t.yaml", directory: URL(fileURLWithPath: "/"))
        #expect(loaded.config.crossAccounts?.count == 50)
        #expect(loaded.config.funding == FundingRule(intervalSteps: 480, rate: .fixed(0.0001)))

        func problems(_ yaml: String, directory: URL = URL(fileURLWithPath: "/")) -> String {
            do {
                _ = try ScenarioLoader.load(yaml: yaml, file: "t.yaml", directory: directory)
                return ""
            } catch { return error.description }
        }
        #expect(problems(twoAssets.replacingOccurrences(of: "marketMaker: {share: 0.4", with: "hedged: {share: 0.4"))
            .contains("accounts.synthetic.types.hedged: hedged accounts hold a long in one asset and a short in another"))
        #expect(problems(twoAssets.replacingOccurrences(of: "share: 0.6", with: "share: 0.7"))
            .contains("accounts.synthetic.types: shares add up to 1.1; expected them to add up to 1"))
        #expect(problems(ScenarioText.replacing("  insuranceFund: 1000000\n", with: "  insuranceFund: 1000000\n  funding: {interval: 8h, rate: premium}\n"))
            .contains("exchange.funding: is paid by cross accounts only"))
        #expect(problems(twoAssets.replacingOccurrences(of: "rate: 0.0001", with: "rate: fast"))
            .contains("exchange.funding.rate"))
        #expect(problems(twoAssets.replacingOccurrences(of: "interval: 8h", with: "interval: 90s"))
            .contains("exchange.funding.interval: 90s is not a whole number of steps"))

        // A CSV book: isolated rows as before, cross rows grouped into accounts with their wallets.
        let directory = ScenarioText.temporaryDirectory()
        try """
        side,quantity,entryPrice,leverage,asset,account,marginMode
        long,1,100000,10,BTCUSDT,a1,isolated
        long,2,99000,,BTCUSDT,a2,cross
        short,1,99500,,BTCUSDT,a3,cross
        """.write(to: directory.appendingPathComponent("book.csv"), atomically: true, encoding: .utf8)
        try "account,wallet\na2,40000\na3,30000\n".write(to: directory.appendingPathComponent("wallets.csv"), atomically: true, encoding: .utf8)
        let syntheticBlock = ["  synthetic:", "    count: 100", "    openInterest: 10000000", "    longShare: 0.6",
                              "    leverageMix: {5: 0.5, 20: 0.5}", "    entrySpread: 0.03", "    size:", "      sigma: 1", ""]
            .joined(separator: "\n")
        let csvScenario = ScenarioText.replacing(syntheticBlock, with: "  file: book.csv\naccounts:\n  file: wallets.csv\n")
        let csv = try ScenarioLoader.load(yaml: csvScenario, file: "t.yaml", directory: directory)
        #expect(csv.config.assets[0].ladder.positions.count == 1)
        #expect(csv.config.crossAccounts?.accounts == [
            CrossAccount(wallet: 40000, legs: [CrossLeg(asset: 0, quantity: 2, entryPrice: 99000)]),
            CrossAccount(wallet: 30000, legs: [CrossLeg(asset: 0, quantity: -1, entryPrice: 99500)]),
        ])
        try "account,wallet\na2,40000\n".write(to: directory.appendingPathComponent("wallets.csv"), atomically: true, encoding: .utf8)
        #expect(problems(csvScenario, directory: directory).contains("positions.file: book.csv:4:"))
        try "account,wallet\na2,40000\na3,10\n".write(to: directory.appendingPathComponent("wallets.csv"), atomically: true, encoding: .utf8)
        let insolvent = problems(csvScenario, directory: directory)
        #expect(insolvent.contains("accounts.file: wallets.csv:3: this account is already liquidatable"), "\(insolvent)")
        #expect(problems(csvScenario.replacingOccurrences(of: "accounts:\n  file: wallets.csv\n", with: ""), directory: directory)
            .contains("positions.file: book.csv:3: a cross position needs its account's wallet"))
    }
}
