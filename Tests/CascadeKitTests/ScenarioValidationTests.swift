import Foundation
import Testing
@testable import CascadeKit

@Suite("Scenario validation")
struct ScenarioValidationTests {
    struct Row: CustomTestStringConvertible, Sendable {
        var change: (String, String)
        var location: String
        var message: String
        var csv: String? = nil
        var prices: String? = nil
        /// A replacement leverage mix, applied after `change`.
        var mix: String? = nil
        var testDescription: String { "\(location): \(message)" }
    }

    /// The model block of the valid scenario, replaced whole by the rows that change the model.
    static let gbmModel = "type: gbm\n        volatility: 0.5\n        drift: 0\n        jumps:\n          intensity: 10\n          mean: -0.02\n          stdev: 0.01"

    /// Each rule: a change to the valid scenario, the key path the message must name, and the text
    /// (what is wrong and what is allowed) it must contain.
    static let rows: [Row] = [
        Row(change: ("volatility: 0.5", "volatilty: 0.5"), location: "market.assets[0].model",
            message: "unknown key 'volatilty' for model 'gbm'; allowed keys: type, volatility, drift, jumps (did you mean 'volatility'?)"),
        Row(change: ("volatility: 0.5", "volatility: 0.5\n        kappa: 2"), location: "market.assets[0].model",
            message: "unknown key 'kappa' for model 'gbm'; allowed keys: type, volatility, drift, jumps"),
        Row(change: ("name: test", "name: test\ncolour: red"), location: "",
            message: "unknown key 'colour'; allowed keys: name, description, seed"),
        Row(change: ("volatility: 0.5", "volatility: -0.2"), location: "market.assets[0].model.volatility",
            message: "-0.2 is negative; expected ≥ 0"),
        Row(change: ("volatility: 0.5", "volatility: .inf"), location: "market.assets[0].model.volatility",
            message: "is not a finite number"),
        Row(change: ("volatility: 0.5", "volatility: high"), location: "market.assets[0].model.volatility",
            message: "expected a number, found 'high'"),
        Row(change: ("{5: 0.5, 20: 0.5}", "{0.5: 0.5, 20: 0.5}"), location: "positions.synthetic.leverageMix.0.5",
            message: "leverage 0.5 is out of range; expected ≥ 1 and < 200"),
        Row(change: ("{5: 0.5, 20: 0.5}", "{5: 0.5, 250: 0.5}"), location: "positions.synthetic.leverageMix.250",
            message: "leverage 250 is out of range; expected ≥ 1 and < 200"),
        Row(change: ("{5: 0.5, 20: 0.5}", "{5: 0.5, 20: 0.4}"), location: "positions.synthetic.leverageMix",
            message: "weights add up to 0.9; expected them to add up to 1"),
        Row(change: ("{5: 0.5, 20: 0.5}", "{5: 1.5, 20: -0.5}"), location: "positions.synthetic.leverageMix.20",
            message: "weight -0.5 is out of range; expected a number ≥ 0"),
        Row(change: ("{5: 0.5, 20: 0.5}", "{five: 1}"), location: "positions.synthetic.leverageMix.five",
            message: "'five' is not a leverage; expected a number ≥ 1 as the key"),
        Row(change: ("paths: 10", "paths: 0"), location: "simulation.paths", message: "0 is out of range; expected ≥ 1"),
        Row(change: ("paths: 10", "paths: many"), location: "simulation.paths", message: "expected a whole number, found 'many'"),
        Row(change: ("step: 1m", "step: 2h"), location: "simulation.step",
            message: "2h is longer than the horizon 1h; expected a step ≤ horizon"),
        Row(change: ("step: 1m", "step: 7m"), location: "simulation.horizon",
            message: "1h is not a whole number of steps of 7m; expected a multiple of the step"),
        Row(change: ("step: 1m", "step: 1 minute"), location: "simulation.step",
            message: "'1 minute' is not a duration; expected a number ≥ 0 and a unit: s, m, h or d"),
        Row(change: ("step: 1m", "step: 0s"), location: "simulation.step", message: "0s must be longer than 0s"),
        Row(change: ("  step: 1m\n", "  step: 1m\n  maxCascadeRounds: 0\n"), location: "simulation.maxCascadeRounds",
            message: "0 is out of range; expected ≥ 1"),
        Row(change: ("  depth: 5000000\n", ""), location: "impact.depth", message: "missing required key"),
        Row(change: ("depth: 5000000", "depth: -5"), location: "impact.depth", message: "-5 is out of range; expected > 0"),
        Row(change: ("depth: 5000000", "depth: 0"), location: "impact.depth", message: "0 is out of range; expected > 0"),
        Row(change: ("coefficient: 1", "coefficient: -1"), location: "impact.coefficient", message: "-1 is negative; expected ≥ 0"),
        Row(change: ("model: squareRoot", "model: cubic"), location: "impact.model",
            message: "'cubic' is not a known impact model; expected one of: linear, squareRoot"),
        Row(change: ("type: gbm", "type: cir"), location: "market.assets[0].model.type",
            message: "'cir' is not a known model; expected one of: gbm, studentT, garch, heston, regimeSwitching, replay, bootstrap"),
        Row(change: ("price: 100000", "price: 0"), location: "market.assets[0].price", message: "0 is out of range; expected > 0"),
        Row(change: ("intensity: 10", "intensity: -1"), location: "market.assets[0].model.jumps.intensity",
            message: "-1 is negative; expected ≥ 0"),
        Row(change: ("stdev: 0.01", "stdev: -0.01"), location: "market.assets[0].model.jumps.stdev",
            message: "-0.01 is negative; expected ≥ 0"),
        Row(change: ("longShare: 0.6", "longShare: 1.5"), location: "positions.synthetic.longShare",
            message: "1.5 is out of range; expected ≥ 0 and ≤ 1"),
        Row(change: ("count: 100", "count: 0"), location: "positions.synthetic.count", message: "0 is out of range; expected ≥ 1"),
        Row(change: ("openInterest: 10000000", "openInterest: -1"), location: "positions.synthetic.openInterest",
            message: "-1 is out of range; expected > 0"),
        Row(change: ("entrySpread: 0.03", "entrySpread: -0.03"), location: "positions.synthetic.entrySpread",
            message: "-0.03 is negative; expected ≥ 0"),
        Row(change: ("sigma: 1", "sigma: -1"), location: "positions.synthetic.size.sigma", message: "-1 is negative; expected ≥ 0"),
        Row(change: ("maintenanceMarginRate: 0.005", "maintenanceMarginRate: 1"), location: "exchange.maintenanceMarginRate",
            message: "1 is out of range; expected ≥ 0 and < 1"),
        Row(change: ("liquidationFee: 0.003", "liquidationFee: -0.1"), location: "exchange.liquidationFee",
            message: "-0.1 is out of range; expected ≥ 0 and < 1"),
        Row(change: ("insuranceFund: 1000000", "insuranceFund: -5"), location: "exchange.insuranceFund",
            message: "-5 is negative; expected ≥ 0"),
        Row(change: ("seed: 1", "seed: -1"), location: "seed", message: "expected a whole number ≥ 0, found '-1'"),
        Row(change: ("assets:\n", "assets:\n    - symbol: ETHUSDT\n      price: 3000\n      model: {type: gbm, volatility: 0.5}\n"),
            location: "market.correlation", message: "missing; expected a 2×2 correlation matrix for the 2 assets"),
        Row(change: ("market:\n  assets:", "market:\n  assets: BTC\n  unused:"), location: "market",
            message: "unknown key 'unused'; allowed keys: assets"),
        Row(change: ("  synthetic:\n", "  unused:\n"), location: "positions",
            message: "unknown key 'unused'; allowed keys: synthetic, file"),
        Row(change: ("recoveryHalfLife: 5m", "recoveryHalfLife: 5m\nreport:\n  quantiles: [0.5, 1.2]"),
            location: "report.quantiles[1]", message: "1.2 is out of range; expected ≥ 0 and ≤ 1"),
        Row(change: ("recoveryHalfLife: 5m", "recoveryHalfLife: 5m\nreport:\n  outputs: [summary, pictures]"),
            location: "report.outputs[1]", message: "'pictures' is not a report; expected one of: summary, paths, timeseries, probabilities, risk, cascades, map, charts"),
        Row(change: ("recoveryHalfLife: 5m", "recoveryHalfLife: 5m\nreport:\n  confidence: 1.5"),
            location: "report.confidence", message: "1.5 is out of range; expected ≥ 0.5 and ≤ 0.9999"),
        Row(change: ("recoveryHalfLife: 5m", "recoveryHalfLife: 5m\nreport:\n  riskLevels: [0.95, 1]"),
            location: "report.riskLevels[1]", message: "1 is out of range; expected > 0 and < 1"),
        Row(change: ("recoveryHalfLife: 5m", "recoveryHalfLife: 5m\nreport:\n  drawdownThresholds: [0, 0.2]"),
            location: "report.drawdownThresholds[0]", message: "0 is out of range; expected a fraction > 0 and < 1"),
        Row(change: ("recoveryHalfLife: 5m", "recoveryHalfLife: 5m\nreport:\n  twin: maybe"),
            location: "report.twin", message: "expected true or false, found 'maybe'"),
        Row(change: ("recoveryHalfLife: 5m", "recoveryHalfLife: 5m\nreport:\n  timeseriesInterval: 90s"),
            location: "report.timeseriesInterval", message: "90s is not a whole number of steps of 1m"),
        Row(change: ("  synthetic:\n", "  file: book.csv\n  synthetic:\n"), location: "positions.file",
            message: "book.csv:3: quantity -1 must be > 0", csv: "side,quantity,entryPrice,leverage\nlong,1,100000,5\nlong,-1,100000,5\n"),
        Row(change: ("  synthetic:\n", "  file: book.csv\n  synthetic:\n"), location: "positions.file",
            message: "book.csv:2: this long is already liquidatable at the initial price 100000 (its liquidation price is",
            csv: "side,quantity,entryPrice,leverage\nlong,1,130000,5\n"),
        Row(change: ("  synthetic:\n", "  file: missing.csv\n  synthetic:\n"), location: "positions.file",
            message: "'missing.csv'"),
        // Price models
        Row(change: (Self.gbmModel, "type: heston\n        kappa: 2\n        xi: 1\n        rho: 0\n        v0: 0.5"),
            location: "market.assets[0].model.theta", message: "missing; model 'heston' requires it"),
        Row(change: (Self.gbmModel, "type: heston\n        kappa: 2\n        theta: 0.5\n        xi: 1\n        rho: -1.5\n        v0: 0.5"),
            location: "market.assets[0].model.rho", message: "-1.5 is out of range; expected ≥ -1 and ≤ 1"),
        Row(change: ("type: gbm", "type: studentT\n        degreesOfFreedom: 2"),
            location: "market.assets[0].model.degreesOfFreedom", message: "2 is out of range; expected > 2"),
        Row(change: (Self.gbmModel, "type: garch\n        omega: 0.000001\n        alpha: 0.3\n        beta: 0.7"),
            location: "market.assets[0].model", message: "alpha + beta = 1; expected < 1"),
        Row(change: (Self.gbmModel, "type: garch\n        omega: 0.000001\n        alpha: 0.1\n        beta: 0.8\n        persistence: 0.9"),
            location: "market.assets[0].model", message: "gives both omega/beta and longRunVolatility/persistence"),
        Row(change: (Self.gbmModel, "type: regimeSwitching\n        regimes: [{name: calm, volatility: 0.3}, {name: crash, volatility: 2}]\n        transitions: [[0.9, 0.2], [0.5, 0.5]]\n        start: calm"),
            location: "market.assets[0].model.transitions[0]", message: "adds up to 1.1; expected each row to add up to 1"),
        Row(change: (Self.gbmModel, "type: regimeSwitching\n        regimes: [{name: calm, volatility: 0.3}]\n        transitions: [[1]]\n        start: panic"),
            location: "market.assets[0].model.start", message: "'panic' is not a regime; expected one of: calm"),
        Row(change: (Self.gbmModel, "type: bootstrap\n        file: prices.csv"),
            location: "market.assets[0].model.blockLength", message: "missing; model 'bootstrap' requires the block length"),
        Row(change: (Self.gbmModel, "type: replay\n        file: prices.csv"),
            location: "market.assets[0].model.file", message: "prices.csv covers 2 steps of 1m; the horizon 1h needs 60",
            csv: nil, prices: "timestamp,price\n0,100\n60,101\n120,99\n"),
        Row(change: (Self.gbmModel, "type: replay\n        file: prices.csv"),
            location: "market.assets[0].model.file", message: "prices.csv:3: price '0' must be a number > 0",
            csv: nil, prices: "timestamp,price\n0,100\n60,0\n"),
        Row(change: (Self.gbmModel, "type: regimeSwitching\n        regimes: [{name: calm, volatility: 0.3}, {name: crash, volatility: 2}]\n        transitions: [[0.9, 0.1], [0.95, 0.05]]\n        start: calm"),
            location: "market.assets[0].model.transitions", message: "has no real logarithm (an eigenvalue is not positive)"),
        // Stress shocks
        Row(change: ("      model:", "      shocks:\n        - {at: 2h, move: -0.1}\n      model:"),
            location: "market.assets[0].shocks[0].at", message: "2h is beyond the horizon 1h"),
        // Found by the libFuzzer target: printing 1e23 days trapped in Int(_:).
        Row(change: ("      model:", "      shocks:\n        - {at: 100000000000000000000000d, move: -0.1}\n      model:"),
            location: "market.assets[0].shocks[0].at", message: "1e+23d is beyond the horizon 1h"),
        Row(change: ("      model:", "      shocks:\n        - {at: 30m, move: -1.5, over: 10m}\n      model:"),
            location: "market.assets[0].shocks[0].move", message: "-1.5 is out of range; expected a relative move > -1"),
        Row(change: ("      model:", "      shocks:\n        - {at: 30m, move: -0.1, over: 45m}\n      model:"),
            location: "market.assets[0].shocks[0]", message: "the move from 30m over 45m ends after the horizon 1h"),
        Row(change: ("      model:", "      shocks:\n        - {from: 30m, to: 10m, volatilityMultiplier: 4}\n      model:"),
            location: "market.assets[0].shocks[0].to", message: "10m is not after from 30m; expected from < to"),
        Row(change: ("      model:", "      shocks:\n        - {at: 30m, move: -0.1, volatilityMultiplier: 4}\n      model:"),
            location: "market.assets[0].shocks[0]", message: "mixes a move (at, move, over) with a volatility window"),
        // Correlation
        Row(change: ("assets:\n", "correlation: [[1, 0.8], [0.7, 1]]\n  assets:\n    - symbol: ETHUSDT\n      price: 3000\n      model: {type: gbm, volatility: 0.5}\n"),
            location: "market.correlation[0][1]", message: "0.8 differs from [1][0] = 0.7; expected a symmetric matrix"),
        Row(change: ("assets:\n", "correlation: [[1, 0.8], [0.8, 0.9]]\n  assets:\n    - symbol: ETHUSDT\n      price: 3000\n      model: {type: gbm, volatility: 0.5}\n"),
            location: "market.correlation[1][1]", message: "0.9 is on the diagonal; expected 1"),
        Row(change: ("assets:\n", "correlation: [[1, 1.2], [1.2, 1]]\n  assets:\n    - symbol: ETHUSDT\n      price: 3000\n      model: {type: gbm, volatility: 0.5}\n"),
            location: "market.correlation[0][1]", message: "1.2 is out of range; expected ≥ -1 and ≤ 1"),
        Row(change: ("assets:\n", "correlation: [[1, 0.9, -0.9], [0.9, 1, 0.9], [-0.9, 0.9, 1]]\n  assets:\n    - symbol: ETHUSDT\n      price: 3000\n      model: {type: gbm, volatility: 0.5}\n    - symbol: SOLUSDT\n      price: 150\n      model: {type: gbm, volatility: 0.5}\n"),
            location: "market.correlation", message: "is not positive definite (leading minor of order 3 is not positive); expected a valid correlation matrix"),
        Row(change: ("assets:\n", "correlation: [[1, 0.8], [0.8, 1]]\n  assets:\n    - symbol: ETHUSDT\n      price: 3000\n      model: {type: gbm, volatility: 0.5}\n"),
            location: "positions.synthetic.asset", message: "missing; with several assets each synthetic population names its asset (one of: ETHUSDT, BTCUSDT)"),
        Row(change: ("    count: 100", "    asset: DOGEUSDT\n    count: 100"),
            location: "positions.synthetic.asset", message: "'DOGEUSDT' is not an asset of market.assets; expected one of: BTCUSDT"),
        // Venue presets and mechanics
        Row(change: ("  maintenanceMarginRate: 0.005\n  liquidationFee: 0.003\n", "  preset: binance\n"),
            location: "exchange.preset", message: "'binance' is not a venue preset; expected one of: binance-usdm, bybit, okx, bitmex, dydx-v4, hyperliquid"),
        Row(change: ("  maintenanceMarginRate: 0.005\n", ""),
            location: "exchange.maintenanceMarginRate", message: "missing; expected a flat maintenance rate, or a venue preset (exchange.preset)"),
        Row(change: ("  liquidationFee: 0.003\n", "  liquidationFee: 0.003\n  markPrice: {type: fair}\n"),
            location: "exchange.markPrice.type", message: "'fair' is not allowed; expected last or index"),
        Row(change: ("  liquidationFee: 0.003\n", "  liquidationFee: 0.003\n  markPrice: {type: last, window: 30s}\n"),
            location: "exchange.markPrice.window", message: "applies only to type: index"),
        Row(change: ("  liquidationFee: 0.003\n", "  liquidationFee: 0.003\n  partialLiquidation: true\n"),
            location: "exchange.partialLiquidation", message: "true needs a venue preset whose rule to use"),
        Row(change: ("  liquidationFee: 0.003\n", "  liquidationFee: 0.003\n  autoDeleveraging: true\n"),
            location: "exchange.autoDeleveraging", message: "true needs a venue preset whose ranking to use"),
        Row(change: ("  maintenanceMarginRate: 0.005\n  liquidationFee: 0.003\n", "  preset: hyperliquid\n  adl: on\n"),
            location: "exchange", message: "unknown key 'adl'"),
        Row(change: ("      model:", "      tierTable: doge\n      model:"),
            location: "market.assets[0].tierTable", message: "'doge' is not a tier table; expected btc, eth or altcoin"),
        // The mechanism lab
        Row(change: ("  insuranceFund: 1000000\n", "  insuranceFund: 1000000\nmechanisms:\n  adl: {allocation: pro-rata}\n"),
            location: "mechanisms.adl", message: "applies only where the venue auto-deleverages; expected exchange.preset of a venue with ADL"),
        Row(change: ("  maintenanceMarginRate: 0.005\n  liquidationFee: 0.003\n  insuranceFund: 1000000\n", "  preset: bybit\n  insuranceFund: 1000000\nmechanisms:\n  adl: {allocation: lottery}\n"),
            location: "mechanisms.adl.allocation", message: "'lottery' is not allowed; expected one of queue, capped-queue, pro-rata, risk-weighted"),
        Row(change: ("  maintenanceMarginRate: 0.005\n  liquidationFee: 0.003\n  insuranceFund: 1000000\n", "  preset: bybit\n  insuranceFund: 1000000\nmechanisms:\n  adl: {allocation: capped-queue}\n"),
            location: "mechanisms.adl.cap", message: "is missing; capped-queue needs the largest fraction of a position one deleveraging takes, > 0 and ≤ 1"),
        Row(change: ("  maintenanceMarginRate: 0.005\n  liquidationFee: 0.003\n  insuranceFund: 1000000\n", "  preset: bybit\n  insuranceFund: 1000000\nmechanisms:\n  adl: {allocation: capped-queue, cap: 1.5}\n"),
            location: "mechanisms.adl.cap", message: "1.5 is out of range; expected a fraction > 0 and ≤ 1"),
        Row(change: ("  maintenanceMarginRate: 0.005\n  liquidationFee: 0.003\n  insuranceFund: 1000000\n", "  preset: bybit\n  insuranceFund: 1000000\nmechanisms:\n  adl: {allocation: pro-rata, cap: 0.5}\n"),
            location: "mechanisms.adl.cap", message: "applies only to allocation: capped-queue"),
        Row(change: ("  maintenanceMarginRate: 0.005\n  liquidationFee: 0.003\n  insuranceFund: 1000000\n", "  preset: bybit\n  insuranceFund: 1000000\nmechanisms:\n  adl: {allocation: risk-weighted, weight: size}\n"),
            location: "mechanisms.adl.weight", message: "'size' is not allowed; expected leverage or pnl-percent"),
        Row(change: ("  maintenanceMarginRate: 0.005\n  liquidationFee: 0.003\n  insuranceFund: 1000000\n", "  preset: bybit\n  insuranceFund: 1000000\nmechanisms:\n  adl: {severity: all}\n"),
            location: "mechanisms.adl.severity", message: "'all' is not allowed; expected shortfall or position"),
        Row(change: ("  maintenanceMarginRate: 0.005\n  liquidationFee: 0.003\n  insuranceFund: 1000000\n", "  preset: bybit\n  insuranceFund: 1000000\nmechanisms:\n  adl: {allocation: queue, order: random}\n"),
            location: "mechanisms.adl", message: "unknown key 'order'"),
        Row(change: ("  insuranceFund: 1000000\n", "  insuranceFund: 1000000\nmechanisms:\n  liquidity: {floor: 0.05}\n"),
            location: "mechanisms.liquidity.normalVolatility", message: "missing"),
        Row(change: ("  insuranceFund: 1000000\n", "  insuranceFund: 1000000\nmechanisms:\n  liquidity: {normalVolatility: 0.6, floor: 0}\n"),
            location: "mechanisms.liquidity.floor", message: "0 is out of range; expected a fraction of the depth > 0 and ≤ 1"),
        Row(change: ("  insuranceFund: 1000000\n", "  insuranceFund: 1000000\nmechanisms:\n  liquidity: {normalVolatility: -1}\n"),
            location: "mechanisms.liquidity.normalVolatility", message: "-1 is out of range; expected an annualised volatility > 0 and ≤ 100"),
        Row(change: ("  insuranceFund: 1000000\n", "  insuranceFund: 1000000\nmechanisms:\n  liquidity: {normalVolatility: 0.6, drawdownSensitivity: -2}\n"),
            location: "mechanisms.liquidity.drawdownSensitivity", message: "-2 is out of range; expected ≥ 0 and ≤ 1000"),
        Row(change: ("  insuranceFund: 1000000\n", "  insuranceFund: 1000000\nmechanisms:\n  liquidity: {normalVolatility: 0.6, recoveryHalfLife: 0s}\n"),
            location: "mechanisms.liquidity.recoveryHalfLife", message: "must be longer than 0s"),
        Row(change: ("  insuranceFund: 1000000\n", "  insuranceFund: 1000000\nmechanisms:\n  disposal: {style: trickle}\n"),
            location: "mechanisms.disposal.style", message: "'trickle' is not allowed; expected immediate, depth-fraction or time-sliced"),
        Row(change: ("  insuranceFund: 1000000\n", "  insuranceFund: 1000000\nmechanisms:\n  disposal: {style: depth-fraction}\n"),
            location: "mechanisms.disposal.fraction", message: "is missing; depth-fraction needs the fraction of the depth the engine may send per step"),
        Row(change: ("  insuranceFund: 1000000\n", "  insuranceFund: 1000000\nmechanisms:\n  disposal: {style: time-sliced, window: 10s}\n"),
            location: "mechanisms.disposal.window", message: "10s is out of range; expected at least one step (simulation.step)"),
        Row(change: ("  insuranceFund: 1000000\n", "  insuranceFund: 1000000\nmechanisms:\n  disposal: {style: immediate, fraction: 0.5}\n"),
            location: "mechanisms.disposal.fraction", message: "applies only to style: depth-fraction"),
        Row(change: ("  insuranceFund: 1000000\n", "  insuranceFund: 1000000\nmechanisms:\n  backstop: {capital: -5}\n"),
            location: "mechanisms.backstop.capital", message: "-5 is out of range; expected USD ≥ 0 and ≤ 1e15"),
        Row(change: ("  insuranceFund: 1000000\n", "  insuranceFund: 1000000\nmechanisms:\n  backstop: {}\n"),
            location: "mechanisms.backstop.capital", message: "missing"),
        Row(change: ("  insuranceFund: 1000000\n", "  insuranceFund: 1000000\nreported: {event: x, liquidatedNotional: [5e8]}\n"),
            location: "reported.liquidatedNotional", message: "has 1 numbers; expected two: the lowest and the highest reported figure (USD)"),
        Row(change: ("  insuranceFund: 1000000\n", "  insuranceFund: 1000000\nreported: {event: x, liquidatedNotional: [2e9, 1e9]}\n"),
            location: "reported.liquidatedNotional", message: "[2000000000, 1000000000] is not ordered; expected the lowest figure first"),
        Row(change: ("  insuranceFund: 1000000\n", "  insuranceFund: 1000000\nreported: {event: x, liquidatedNotional: [0, 1e9]}\n"),
            location: "reported.liquidatedNotional", message: "[0, 1000000000] is out of range; expected USD > 0 and ≤ 1e15"),
        Row(change: ("  insuranceFund: 1000000\n", "  insuranceFund: 1000000\nreported: {event: ' ', liquidatedNotional: [1e9, 2e9]}\n"),
            location: "reported.event", message: "is empty; expected the event and the scope the scenario models"),
        Row(change: ("  insuranceFund: 1000000\n", "  insuranceFund: 1000000\nreported: {event: x, liquidatedNotional: [1e9, 2e9], longShare: 1.5}\n"),
            location: "reported.longShare", message: "1.5 is out of range; expected ≥ 0 and ≤ 1"),
        // Hyperliquid's BTC table allows at most 40× (docs/venues.md).
        Row(change: ("  maintenanceMarginRate: 0.005\n  liquidationFee: 0.003\n", "  preset: hyperliquid\n"),
            location: "positions.synthetic.leverageMix.50", message: "leverage 50 is out of range; expected ≥ 1 and ≤ 40 (the venue's maximum, for its smallest tier)",
            mix: "{5: 0.5, 50: 0.5}"),
    ]

    @Test("under a preset a symbol is matched exactly; an unlisted one needs tierTable")
    func symbolTables() throws {
        let preset = ScenarioText.replacing("  maintenanceMarginRate: 0.005\n  liquidationFee: 0.003\n", with: "  preset: binance-usdm\n")
        let prefix = preset.replacingOccurrences(of: "symbol: BTCUSDT", with: "symbol: ETHFIUSDT")
        do {
            _ = try ScenarioLoader.load(yaml: prefix, file: "t.yaml", directory: ScenarioText.temporaryDirectory())
            Issue.record("ETHFIUSDT was given a table")
        } catch {
            #expect(error.description == "t.yaml: market.assets[0].symbol: 'ETHFIUSDT' has no tier table of its own under binance-usdm; "
                    + "expected a listed symbol such as BTCUSDT, ETHUSDT or SOLUSDT (docs/venues.md, \"Symbols\"), or market.assets[0].tierTable: btc, eth or altcoin")
        }
        // Named, it loads with that table; without a preset the symbol needs no table.
        let named = prefix.replacingOccurrences(of: "      model:", with: "      tierTable: altcoin\n      model:")
        let loaded = try ScenarioLoader.load(yaml: named, file: "t.yaml", directory: ScenarioText.temporaryDirectory())
        #expect(loaded.config.assets[0].ladder.rule == VenuePreset.named("binance-usdm")!.rule(for: .altcoin))
        _ = try ScenarioLoader.load(yaml: ScenarioText.valid.replacingOccurrences(of: "symbol: BTCUSDT", with: "symbol: ETHFIUSDT"),
                                    file: "t.yaml", directory: ScenarioText.temporaryDirectory())
    }

    @Test("each broken rule names the key path and what is allowed", arguments: rows)
    func rule(_ row: Row) throws {
        let directory = ScenarioText.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        if let csv = row.csv { try csv.write(to: directory.appendingPathComponent("book.csv"), atomically: true, encoding: .utf8) }
        if let prices = row.prices { try prices.write(to: directory.appendingPathComponent("prices.csv"), atomically: true, encoding: .utf8) }
        var yaml = ScenarioText.replacing(row.change.0, with: row.change.1)
        if let mix = row.mix { yaml = yaml.replacingOccurrences(of: "{5: 0.5, 20: 0.5}", with: mix) }
        do {
            _ = try ScenarioLoader.load(yaml: yaml, file: "test.yaml", directory: directory)
            Issue.record("accepted an invalid scenario")
        } catch {
            let prefix = row.location.isEmpty ? "test.yaml: " : "test.yaml: \(row.location): "
            let lines = error.description.split(separator: "\n").map(String.init)
            #expect(lines.contains { $0.hasPrefix(prefix) && $0.contains(row.message) },
                    "got: \(error.description)")
        }
    }

    @Test("all range problems are reported together")
    func collectsAll() {
        let yaml = ScenarioText.replacing("volatility: 0.5", with: "volatility: -1")
            .replacingOccurrences(of: "depth: 5000000", with: "depth: -1")
        #expect(throws: ScenarioError.self) { try ScenarioLoader.load(yaml: yaml, file: "t.yaml", directory: URL(fileURLWithPath: "/")) }
        do {
            _ = try ScenarioLoader.load(yaml: yaml, file: "t.yaml", directory: URL(fileURLWithPath: "/"))
        } catch {
            #expect(error.issues.map(\.location) == ["market.assets[0].model.volatility", "impact.depth"])
        }
    }

    @Test("syntax errors, empty files and missing files are reported with the file name")
    func unreadable() {
        func message(yaml: String, file: String) -> String {
            do {
                _ = try ScenarioLoader.load(yaml: yaml, file: file, directory: URL(fileURLWithPath: "/"))
                return ""
            } catch { return error.description }
        }
        #expect(message(yaml: "name: [unclosed\nseed: 1", file: "bad.yaml").hasPrefix("bad.yaml: not valid YAML:"))
        #expect(message(yaml: "", file: "empty.yaml").contains("empty.yaml: the file is empty"))
        do {
            _ = try ScenarioLoader.load(path: "/nonexistent/scenario.yaml")
            Issue.record("loaded a missing file")
        } catch {
            #expect(error.description == "/nonexistent/scenario.yaml: no such file")
        }
    }

    @Test("the valid scenario loads, and overrides apply")
    func valid() throws {
        let loaded = try ScenarioLoader.load(yaml: ScenarioText.valid, file: "t.yaml", directory: URL(fileURLWithPath: "/"),
                                             overrides: ScenarioOverrides(paths: 3, seed: 9))
        #expect(loaded.config.paths == 3 && loaded.config.seed == 9)
        #expect(loaded.config.steps == 60 && loaded.config.stepSeconds == 60)
        #expect(loaded.config.assets[0].ladder.positions.count == 100)
        #expect(isClose(loaded.config.assets[0].ladder.openInterest, 1e7, relative: 1e-9))
        #expect(loaded.config.assets[0].impact.recoveryHalfLife == 300)
        #expect(loaded.quantiles == ReportSection.defaultQuantiles)
        do {
            _ = try ScenarioLoader.load(yaml: ScenarioText.valid, file: "t.yaml", directory: URL(fileURLWithPath: "/"),
                                        overrides: ScenarioOverrides(paths: 0))
            Issue.record("accepted --paths 0")
        } catch {
            #expect(error.description == "t.yaml: --paths: 0 is out of range; expected ≥ 1")
        }
    }

    @Test("a venue preset sets the tiers, fee, mark, partial rule, ranking and drawdown limit; overrides replace them")
    func preset() throws {
        func load(_ exchange: String, symbol: String = "BTCUSDT") throws -> SimulationConfig {
            let yaml = ScenarioText.replacing("  maintenanceMarginRate: 0.005\n  liquidationFee: 0.003\n", with: exchange)
                .replacingOccurrences(of: "symbol: BTCUSDT", with: "symbol: \(symbol)")
            return try ScenarioLoader.load(yaml: yaml, file: "t.yaml", directory: URL(fileURLWithPath: "/")).config
        }
        let okx = try load("  preset: okx\n")
        #expect(okx.assets[0].ladder.rule.tiers == VenuePreset.named("okx")!.rule(for: .btc).tiers)
        #expect(okx.assets[0].mechanics.partial == .tierStepDown(tiers: 2, fromTier: 2))
        #expect(okx.assets[0].mechanics.deleveraging == .pnlTimesEffectiveLeverage)
        #expect(okx.assets[0].mechanics.mark == .index(window: 300))
        #expect(okx.fundDrawdownLimit == 0.30)
        // The symbol picks the table; tierTable overrides it.
        let sol = try load("  preset: binance-usdm\n", symbol: "SOLUSDT")
        #expect(sol.assets[0].ladder.rule.tiers == VenuePreset.named("binance-usdm")!.rule(for: .altcoin).tiers)
        #expect(sol.assets[0].ladder.rule.liquidationFee == 0.015)      // SOLUSDT's liquidationFee in exchangeInfo
        let overridden = try load("  preset: okx\n  maintenanceMarginRate: 0.01\n  liquidationFee: 0.002\n  markPrice: {type: last}\n  partialLiquidation: false\n  autoDeleveraging: false\n")
        let rule = overridden.assets[0].ladder.rule
        #expect(rule.tiers.count == 1 && rule.tiers[0].rate == 0.01 && rule.liquidationFee == 0.002)
        #expect(overridden.assets[0].mechanics.mark == .last && overridden.assets[0].mechanics.partial == .none)
        #expect(overridden.assets[0].mechanics.deleveraging == nil && overridden.fundDrawdownLimit == nil)
        // Without a preset: model M0 (traded price, full closes, no deleveraging).
        let flat = try load("  maintenanceMarginRate: 0.005\n  liquidationFee: 0.003\n")
        #expect(flat.assets[0].mechanics == .m0)
    }

    @Test("durations parse and print", arguments: [("30s", 30.0), ("1m", 60), ("4h", 14_400), ("7d", 604_800), ("1.5h", 5_400)])
    func durations(_ text: String, _ seconds: Double) {
        #expect(TimeSpan(parsing: text)?.seconds == seconds)
    }

    @Test("compound durations add up", arguments: [("20h30m", 73_800.0), ("1d12h", 129_600), ("1m30s", 90)])
    func compoundDurations(_ text: String, _ seconds: Double) {
        #expect(TimeSpan(parsing: text)?.seconds == seconds)
    }

    @Test("non-durations are refused", arguments: ["", "5", "m", "-1m", "1 m", "1w", "abc", "1h30", "h1",
                                                   // Finite parts whose total is not: 1e308 days.
                                                   "1" + String(repeating: "0", count: 308) + "d"])
    func notDurations(_ text: String) {
        #expect(TimeSpan(parsing: text) == nil)
    }

    /// Found by the libFuzzer target: a shock at 1e23 days printed through Int(_:), which traps.
    @Test("durations too long for an Int print without trapping")
    func hugeDurations() {
        #expect(TimeSpan(seconds: 1e23 * 86_400).description == "1e+23d")
        #expect(TimeSpan(seconds: 0x1p53 * 86_400).description == "9007199254740992.0d")
        #expect(TimeSpan(seconds: 0x1p52 * 60).description == "4503599627370496m")
        #expect(TimeSpan(seconds: 90).description == "90s" && TimeSpan(seconds: 3_600).description == "1h")
        #expect(TimeSpan(seconds: 1.5).description == "1.5s" && TimeSpan(seconds: 0).description == "0s")
    }
}

@Suite("Scenario assignments")
struct ScenarioAssignmentTests {
    func load(_ assignments: [String]) throws -> LoadedScenario {
        try ScenarioLoader.load(yaml: ScenarioText.valid, file: "t.yaml", directory: URL(fileURLWithPath: "/"),
                                overrides: ScenarioOverrides(assignments: assignments.map { try ScenarioAssignment(parsing: $0) }))
    }

    @Test("values go in at dotted key paths with list indices, as YAML")
    func apply() throws {
        let loaded = try load(["market.assets.0.model.volatility=1.5", "impact.depth=2000000", "impact.recoveryHalfLife=30m",
                               "positions.synthetic.leverageMix={2: 0.5, 10: 0.5}", "impact.coefficient=0.5"])
        guard case let .gbm(model) = loaded.config.assets[0].model else { Issue.record("not gbm"); return }
        #expect(model.volatility == 1.5)
        #expect(loaded.config.assets[0].impact.depth == 2_000_000 && loaded.config.assets[0].impact.recoveryHalfLife == 1_800)
        #expect(loaded.config.assets[0].impact.coefficient == 0.5)
        #expect(Set(loaded.config.assets[0].ladder.positions.map(\.leverage)).isSubset(of: [2, 10]))
    }

    @Test("bad key paths and values are reported like any scenario error", arguments: [
        ("market.assets.3.model.volatility=1", "market.assets.3", "market.assets is a list of 1; expected an index from 0 to 0"),
        ("market.asset.0.price=1", "market.asset", "market has no key 'asset'; it has: assets"),
        ("impact.depth.value=1", "impact.depth.value", "impact.depth is a single value, not a mapping or list"),
        ("market.assets.0.model.volatility=-1", "market.assets[0].model.volatility", "-1 is negative; expected ≥ 0"),
        ("impact.depthh=5", "impact", "unknown key 'depthh'"),
    ])
    func errors(_ assignment: String, _ location: String, _ message: String) throws {
        do {
            _ = try load([assignment])
            Issue.record("accepted \(assignment)")
        } catch {
            let text = (error as? ScenarioError)?.description ?? "\(error)"
            #expect(text.contains("t.yaml: \(location): \(message)"), "got: \(text)")
        }
    }

    @Test("KEY=VALUE syntax")
    func syntax() {
        #expect(throws: ScenarioError.self) { try ScenarioAssignment(parsing: "impact.depth") }
        #expect(throws: ScenarioError.self) { try ScenarioAssignment(parsing: "impact..depth=1") }
        #expect((try? ScenarioAssignment(parsing: "a.b=c=d"))?.value == "c=d")
    }
}
