import Foundation
import Testing
@testable import CascadeKit

/// `exchange.insuranceFund` as one shared fund or one fund per asset: each asset's deficits are
/// paid only by its own fund, the totals are the sums of the funds, and each fund conserves money.
@Suite("Insurance funds per asset")
struct InsuranceFundScopeTests {
    /// Two assets: BTC's 50× longs fall 20% in one minute into a thin book (deficits beyond
    /// bankruptcy); ETH's 2× book never liquidates. `fund` is the `insuranceFund:` value, `exchange`
    /// replaces the flat rule.
    static func twoAssets(fund: String, exchange: String = "  maintenanceMarginRate: 0.005\n  liquidationFee: 0.003\n") -> String {
        """
        name: funds
        seed: 7
        simulation: {paths: 24, horizon: 1h, step: 1m}
        market:
          correlation: [[1, 0], [0, 1]]
          assets:
            - symbol: BTCUSDT
              price: 100000
              model: {type: gbm, volatility: 0.8}
              impact: {model: squareRoot, depth: 2000000, recoveryHalfLife: 10m}
              shocks:
                - {at: 30m, move: -0.2, over: 1m}
            - symbol: ETHUSDT
              price: 3500
              model: {type: gbm, volatility: 0.3}
              impact: {model: squareRoot, depth: 20000000, recoveryHalfLife: 10m}
        exchange:
        \(exchange)  insuranceFund: \(fund)
        positions:
          synthetic:
            - {asset: BTCUSDT, count: 400, openInterest: 200000000, longShare: 0.9, leverageMix: {50: 0.5, 20: 0.5}, entrySpread: 0.01, size: {sigma: 1}}
            - {asset: ETHUSDT, count: 100, openInterest: 10000000, longShare: 0.5, leverageMix: {2: 1}, entrySpread: 0.01, size: {sigma: 1}}
        impact: {model: squareRoot, depth: 5000000, coefficient: 1, recoveryHalfLife: 5m}
        """
    }

    static func run(_ yaml: String) throws -> SimulationResult {
        let loaded = try ScenarioLoader.load(yaml: yaml, file: "t.yaml", directory: URL(fileURLWithPath: "/"))
        return SimulationEngine(config: loaded.config).run(threads: 2, chunkSize: 5)
    }

    @Test("each asset's fund pays only its own deficits; totals are the funds' sums")
    func separate() throws {
        let shared = try Self.run(Self.twoAssets(fund: "1.0e12"))
        let apart = try Self.run(Self.twoAssets(fund: "{BTCUSDT: 0, ETHUSDT: 1.0e12}"))
        #expect(!shared.config.separateFunds && apart.config.separateFunds)
        #expect(apart.config.assetFunds == [0, 1e12] && apart.config.insuranceFund == 1e12)
        let s = shared.paths, r = apart.paths
        var deficits = 0
        for p in 0..<r.paths {
            // The funds do not change the cascade under flat rules (no deleveraging).
            #expect(r[.liquidatedNotional, p].bitPattern == s[.liquidatedNotional, p].bitPattern)
            #expect(r[.fundReceipts, p] == r[.fundReceipts, 0, p] + r[.fundReceipts, 1, p])
            // A shared fund of 1e12 covers every deficit; BTC's own empty fund covers none.
            #expect(s[.badDebt, p] == 0)
            #expect(r[.badDebt, 1, p] == 0 && r[.insuranceFundEnd, 1, p] == 1e12 + r[.fundReceipts, 1, p])
            #expect(r[.badDebt, p] == r[.badDebt, 0, p] + r[.badDebt, 1, p])
            #expect(r[.insuranceFundEnd, p] == r[.insuranceFundEnd, 0, p] + r[.insuranceFundEnd, 1, p])
            // Each fund: balance − initial = receipts + bad debt (no deleveraging here).
            for (a, initial) in [0.0, 1e12].enumerated() {
                let scale = max(1, abs(r[.fundReceipts, a, p]))
                #expect(isClose(r[.insuranceFundEnd, a, p] - initial, r[.fundReceipts, a, p] + r[.badDebt, a, p],
                                relative: 1e-12, absolute: 1e-9 * scale))
                #expect(r[.insuranceFundMin, a, p] >= 0 && r[.insuranceFundMin, a, p] <= initial)
            }
            // The lowest total lies between the sum of the funds' lows and the start and end totals.
            #expect(r[.insuranceFundMin, p] <= min(1e12, r[.insuranceFundEnd, p]))
            #expect(r[.insuranceFundMin, p] >= r[.insuranceFundMin, 0, p] + r[.insuranceFundMin, 1, p])
            // What the shared fund paid, BTC's own fund books as bad debt.
            if r[.badDebt, 0, p] > 0 {
                deficits += 1
                #expect(isClose(s[.insuranceFundEnd, p], 1e12 + s[.fundReceipts, p], relative: 1e-15))
            }
        }
        #expect(deficits > 0)
        // The report has a column per fund, and a depletion probability per fund.
        let names = r.columns.map { $0.name(symbols: r.symbols) }
        for name in ["insuranceFundEnd.BTCUSDT", "insuranceFundMin.ETHUSDT", "badDebt.BTCUSDT", "fundReceipts.ETHUSDT",
                     "adlCoveredDeficit.BTCUSDT"] {
            #expect(names.contains(name))
        }
        #expect(!s.columns.map { $0.name(symbols: s.symbols) }.contains("badDebt.BTCUSDT"))
        let statistics = RunStatistics(result: apart, quantileLevels: [0.5], confidence: 0.95, riskLevels: [0.99],
                                       drawdownThresholds: [], twin: false)
        #expect(statistics.probabilities.contains { $0.name == "insuranceFundDepleted.ETHUSDT" && $0.count == 0 })
        #expect(statistics.probabilities.contains { $0.name == "badDebt.BTCUSDT" && $0.count == deficits })
    }

    @Test("with auto-deleveraging, each fund's shortfall is covered in its own asset and money is conserved per fund")
    func deleveragingPerFund() throws {
        let apart = try Self.run(Self.twoAssets(fund: "{BTCUSDT: 1000, ETHUSDT: 5.0e7}", exchange: "  preset: binance-usdm\n"))
        let r = apart.paths
        var deleveraged = 0
        for p in 0..<r.paths {
            for (a, initial) in [1000.0, 5e7].enumerated() {
                let scale = max(1, abs(r[.fundReceipts, a, p]))
                #expect(isClose(r[.insuranceFundEnd, a, p] - initial,
                                r[.fundReceipts, a, p] + r[.adlCoveredDeficit, a, p] + r[.badDebt, a, p],
                                relative: 1e-12, absolute: 1e-9 * scale))
            }
            #expect(r[.adlCoveredDeficit, 1, p] == 0)
            if r[.adlCoveredDeficit, 0, p] > 0 { deleveraged += 1 }
            #expect(r[.adlCoveredDeficit, p] == r[.adlCoveredDeficit, 0, p] + r[.adlCoveredDeficit, 1, p])
        }
        #expect(deleveraged > 0)
    }

    @Test("a one-asset mapping is the shared fund, to the bit")
    func oneAsset() throws {
        let number = try Self.run(ScenarioText.valid)
        let mapping = try Self.run(ScenarioText.replacing("insuranceFund: 1000000", with: "insuranceFund: {BTCUSDT: 1000000}"))
        #expect(!mapping.config.separateFunds)
        #expect(number.paths.columns == mapping.paths.columns)
        #expect(number.paths.values.map(\.bitPattern) == mapping.paths.values.map(\.bitPattern))
    }

    @Test("bad fund mappings name the key and what is allowed", arguments: [
        ("{BTCUSDT: 1.0e6, SOLUSDT: 5}", "exchange.insuranceFund.SOLUSDT",
         "'SOLUSDT' is not an asset of market.assets; expected one fund per asset, keyed by its symbol (BTCUSDT, ETHUSDT)"),
        ("{BTCUSDT: 1.0e6}", "exchange.insuranceFund",
         "has no fund for asset 'ETHUSDT'; expected a fund for every asset (BTCUSDT, ETHUSDT), or one number for a fund they share"),
        ("{BTCUSDT: -1, ETHUSDT: 5}", "exchange.insuranceFund.BTCUSDT", "-1 is negative; expected ≥ 0"),
        ("{BTCUSDT: lots, ETHUSDT: 5}", "exchange.insuranceFund.BTCUSDT", "expected a number, found 'lots'"),
        ("[1, 2]", "exchange.insuranceFund",
         "expected a number (one shared fund) or a mapping of asset symbols to numbers (one fund per asset)"),
    ])
    func refused(_ fund: String, _ location: String, _ message: String) {
        do {
            _ = try ScenarioLoader.load(yaml: Self.twoAssets(fund: fund), file: "t.yaml", directory: URL(fileURLWithPath: "/"))
            Issue.record("accepted insuranceFund: \(fund)")
        } catch {
            let lines = error.description.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.hasPrefix("t.yaml: \(location): ") && $0.contains(message) }, "got: \(error.description)")
        }
    }
}
