import Foundation
import Testing
@testable import CascadeKit

/// Builders of small configurations for tests.
enum TestBooks {
    /// A configuration with the given book and deterministic or random price moves.
    static func config(
        positions: [Position], maintenanceMarginRate: Double = 0.005, liquidationFee: Double = 0,
        price: Double = 100, volatility: Double = 0, drift: Double = 0, jumps: MertonJumps? = nil,
        impact: ImpactModel = ImpactModel(shape: .squareRoot, depth: 1e6, coefficient: 1, recoveryHalfLife: 300),
        insuranceFund: Double = 0, paths: Int = 1, steps: Int = 1, stepSeconds: Double = 60,
        maxRounds: Int = 1000, seed: UInt64 = 1
    ) -> SimulationConfig {
        SimulationConfig(
            seed: seed, paths: paths, steps: steps, stepSeconds: stepSeconds, initialPrice: price,
            priceModel: JumpDiffusionModel(drift: drift, volatility: volatility, jumps: jumps),
            impact: impact, insuranceFund: insuranceFund,
            ladder: LiquidationLadder(positions: positions,
                                      rule: FlatMarginRule(maintenanceMarginRate: maintenanceMarginRate, liquidationFee: liquidationFee)),
            maxCascadeRounds: maxRounds)
    }

    /// The annual drift that moves a zero-volatility price by the factor `factor` per step.
    static func drift(movingBy factor: Double, stepSeconds: Double = 60) -> Double {
        Foundation.log(factor) / (stepSeconds / (365 * 86_400))
    }

    /// A position whose liquidation price under `rule` is exactly `liquidationPrice`.
    static func position(_ side: Side, liquidationPrice: Double, quantity: Double, leverage: Double = 10,
                         rule: FlatMarginRule) -> Position {
        let m = rule.maintenanceMarginRate
        let entry = side == .long
            ? liquidationPrice * (1 - m) / (1 - 1 / leverage)
            : liquidationPrice * (1 + m) / (1 + 1 / leverage)
        return Position(side: side, quantity: quantity, entryPrice: entry, leverage: leverage)
    }

    /// A random book around `price`, solvent there.
    /// A venue preset's BTC rules on a violent path: a crowded long-heavy book at 100,000, high
    /// volatility and frequent jumps, thin depth and a small fund — every flow present.
    static func presetStress(_ venue: String, count: Int, paths: Int, steps: Int, seed: UInt64, bookSeed: UInt64) -> SimulationConfig {
        let preset = VenuePreset.named(venue)!
        let rule = preset.rule(for: .btc)
        let population = SyntheticPopulation(count: count, openInterest: 5e8, longShare: 0.7,
                                             leverageMix: [(2, 0.2), (5, 0.3), (10, 0.3), (20, 0.2)], entrySpread: 0.05, sizeSigma: 2)
        let positions = try! population.generate(price: 100_000, rule: rule, seed: bookSeed)
        var config = TestBooks.config(positions: positions, price: 100_000, volatility: 1.5,
                                      jumps: MertonJumps(intensity: 3_000, mean: -0.03, stdev: 0.03),
                                      impact: ImpactModel(shape: .squareRoot, depth: 3e6, coefficient: 1, recoveryHalfLife: 600),
                                      insuranceFund: 2e5, paths: paths, steps: steps, stepSeconds: 60, seed: seed)
        config.assets[0].ladder = LiquidationLadder(positions: positions, rule: rule)
        config.assets[0].mechanics = LiquidationMechanics(preset: preset)
        config.fundDrawdownLimit = preset.fundDrawdownLimit
        return config
    }

    /// The money identities of path `p` (docs/venues.md): margin lost = counterparty gains + fund
    /// receipts, and the fund's change = receipts + the deficits ADL covered + bad debt, from a
    /// fund of `fund` at the start, to 1e-9 relative (1e-7 of `scale` absolute); no balance below 0.
    static func expectConserved(_ r: PathResults, path p: Int, fund: Double, scale: Double,
                                sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(isClose(r[.marginLost, p], r[.counterpartyGains, p] + r[.fundReceipts, p], relative: 1e-9, absolute: 1e-7 * scale),
                "path \(p): margin \(r[.marginLost, p]) vs \(r[.counterpartyGains, p]) + \(r[.fundReceipts, p])",
                sourceLocation: sourceLocation)
        #expect(isClose(r[.insuranceFundEnd, p] - fund, r[.fundReceipts, p] + r[.adlCoveredDeficit, p] + r[.badDebt, p],
                        relative: 1e-9, absolute: 1e-7 * scale), "path \(p): fund", sourceLocation: sourceLocation)
        #expect(r[.insuranceFundEnd, p] >= 0 && r[.badDebt, p] >= 0 && r[.adlCoveredDeficit, p] >= 0, sourceLocation: sourceLocation)
    }

    static func randomBook(count: Int, price: Double = 100, seed: UInt64 = 3, rule: FlatMarginRule) -> [Position] {
        let population = SyntheticPopulation(
            count: count, openInterest: 1e8, longShare: 0.55,
            leverageMix: [(2, 0.2), (5, 0.3), (10, 0.3), (25, 0.15), (50, 0.05)],
            entrySpread: 0.05, sizeSigma: 1)
        return try! population.generate(price: price, rule: rule, seed: seed)
    }
}

/// Records every round and every step end of traced paths.
struct RecordingObserver: CascadeObserver {
    struct Round: Equatable {
        var path: Int, asset: Int, step: Int, round: Int, side: Side, range: Range<Int>, roundPrice: Double, executionPrice: Double
    }
    var rounds: [Round] = []
    var logFundamental: [Double] = []
    var logImpact: [Double] = []

    mutating func roundClosed(path: Int, asset: Int, step: Int, round: Int, side: Side, range: Range<Int>,
                              roundPrice: Double, executionPrice: Double) {
        rounds.append(Round(path: path, asset: asset, step: step, round: round, side: side, range: range,
                            roundPrice: roundPrice, executionPrice: executionPrice))
    }

    mutating func stepEnded(path: Int, asset: Int, step: Int, logFundamental: Double, logImpact: Double) {
        self.logFundamental.append(logFundamental)
        self.logImpact.append(logImpact)
    }
}

/// Relative closeness for money and prices.
func isClose(_ a: Double, _ b: Double, relative: Double = 1e-12, absolute: Double = 1e-9) -> Bool {
    abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
}
