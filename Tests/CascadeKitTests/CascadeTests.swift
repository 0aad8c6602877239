import Foundation
import Testing
@testable import CascadeKit

@Suite("Cascade resolution")
struct CascadeTests {
    let rule = FlatMarginRule(maintenanceMarginRate: 0.005)

    /// A chain of longs, each liquidatable only at the price the previous one's forced sale
    /// produces. The exogenous move (−1%) liquidates the first; each round then liquidates exactly
    /// one more.
    func chain(count: Int, impact: ImpactModel) -> (positions: [Position], roundPrices: [Double]) {
        let logF = log(100.0) + JumpDiffusionModel(drift: TestBooks.drift(movingBy: 0.99), volatility: 0)
            .discretised(stepYears: 60 / (365 * 86_400)).driftTerm
        var positions: [Position] = []
        var flow = 0.0
        var price = exp(logF)   // the price of round 1
        var prices: [Double] = []
        for _ in 0..<count {
            prices.append(price)
            let p = TestBooks.position(.long, liquidationPrice: price * (1 + 1e-7), quantity: 1_000, rule: rule)
            positions.append(p)
            flow -= p.quantity * price
            price = exp(logF + impact.logImpact(cumulativeFlow: flow))
        }
        return (positions, prices)
    }

    @Test("a chain of N positions is liquidated in one step, one per round, in N rounds", arguments: [1, 2, 5, 40])
    func chainReaction(_ n: Int) {
        let impact = ImpactModel(shape: .squareRoot, depth: 5e6, coefficient: 1, recoveryHalfLife: 60)
        let (positions, prices) = chain(count: n, impact: impact)
        let config = TestBooks.config(positions: positions, drift: TestBooks.drift(movingBy: 0.99), impact: impact)
        var observer = RecordingObserver()
        let result = SimulationEngine(config: config).trace(path: 0, observer: &observer)
        #expect(result.paths[.liquidations, 0] == Double(n))
        #expect(result.paths[.maxCascadeRounds, 0] == Double(n))
        #expect(observer.rounds.count == n)
        for (k, round) in observer.rounds.enumerated() {
            #expect(round.step == 0 && round.round == k + 1 && round.range == k..<(k + 1))
            #expect(isClose(round.roundPrice, prices[k], relative: 1e-12))
        }
    }

    @Test("without recovery, forced flow spread over two steps moves the price as the same flow in one step")
    func flowAcrossSteps() {
        // Square-root impact is concave, so it must act on the outstanding flow, not step by step:
        // J after step 1 = impact(Q₀ + Q₁), not impact(Q₀) + impact(Q₁).
        let impact = ImpactModel(shape: .squareRoot, depth: 5e6, coefficient: 1, recoveryHalfLife: 1e15)
        let a = TestBooks.position(.long, liquidationPrice: 99.5, quantity: 1_000, rule: rule)   // goes at step 0
        let b = TestBooks.position(.long, liquidationPrice: 98.5, quantity: 1_000, rule: rule)   // goes at step 1
        let config = TestBooks.config(positions: [a, b], drift: TestBooks.drift(movingBy: 0.99), impact: impact, steps: 2)
        var observer = RecordingObserver()
        let result = SimulationEngine(config: config).trace(path: 0, observer: &observer)
        #expect(result.paths[.liquidations, 0] == 2)
        #expect(observer.rounds.map(\.step) == [0, 1])
        let q0 = -1_000 * observer.rounds[0].roundPrice, q1 = -1_000 * observer.rounds[1].roundPrice
        #expect(isClose(observer.logImpact[0], impact.logImpact(cumulativeFlow: q0)))
        #expect(isClose(observer.logImpact[1], impact.logImpact(cumulativeFlow: q0 + q1), relative: 1e-9))
        // The additive alternative would have moved it further.
        #expect(observer.logImpact[1] > impact.logImpact(cumulativeFlow: q0) + impact.logImpact(cumulativeFlow: q1))
        // And the inverse is exact.
        for j in [-0.03, -1e-6, 0, 2e-4, 0.5] {
            #expect(isClose(impact.logImpact(cumulativeFlow: impact.equivalentFlow(logImpact: j)), j, relative: 1e-14))
        }
    }

    @Test("a round cap leaves the rest of the chain for the next step")
    func roundCap() {
        let impact = ImpactModel(shape: .squareRoot, depth: 5e6, coefficient: 1, recoveryHalfLife: 1e9)
        let (positions, _) = chain(count: 10, impact: impact)
        let config = TestBooks.config(positions: positions, drift: TestBooks.drift(movingBy: 0.99), impact: impact,
                                      steps: 3, maxRounds: 4)
        var observer = RecordingObserver()
        let result = SimulationEngine(config: config).trace(path: 0, observer: &observer)
        #expect(result.paths[.roundCapHits, 0] >= 1)
        #expect(result.paths[.maxCascadeRounds, 0] == 4)
        #expect(observer.rounds.filter { $0.step == 0 }.count == 4)
        #expect(result.paths[.liquidations, 0] == 10)
    }

    @Test("the same forced flow in one round or in several ends the step at the same price",
          arguments: [ImpactModel.Shape.squareRoot, .linear])
    func flowSplitInvariance(_ shape: ImpactModel.Shape) {
        let impact = ImpactModel(shape: shape, depth: 5e6, coefficient: 1, recoveryHalfLife: 60)
        // Several rounds: a chain of three.
        let (chained, prices) = chain(count: 3, impact: impact)
        let totalFlow = zip(chained, prices).reduce(0.0) { $0 + $1.0.quantity * $1.1 }
        // One round: a single long with the same USD flow at the first round's price.
        let single = TestBooks.position(.long, liquidationPrice: prices[0] * (1 + 1e-7),
                                        quantity: totalFlow / prices[0], rule: rule)
        func endPrice(_ positions: [Position]) -> (price: Double, rounds: Double) {
            let config = TestBooks.config(positions: positions, drift: TestBooks.drift(movingBy: 0.99), impact: impact)
            let r = SimulationEngine(config: config).run(threads: 1)
            return (r.paths[.finalTradedPrice, 0], r.paths[.maxCascadeRounds, 0])
        }
        let many = endPrice(chained), one = endPrice([single])
        #expect(many.rounds == 3 && one.rounds == 1)
        #expect(isClose(many.price, one.price, relative: 1e-12), "\(many.price) vs \(one.price)")
    }

    @Test("impact is a function of the cumulative flow: sign, scale and shape")
    func impactFunction() {
        let sqrt = ImpactModel(shape: .squareRoot, depth: 4e7, coefficient: 1, recoveryHalfLife: 60)
        #expect(isClose(sqrt.logImpact(cumulativeFlow: -4e7), -0.01))
        #expect(isClose(sqrt.logImpact(cumulativeFlow: 1.6e8), 0.02))
        let linear = ImpactModel(shape: .linear, depth: 4e7, coefficient: 0.5, recoveryHalfLife: 60)
        #expect(isClose(linear.logImpact(cumulativeFlow: 8e7), 0.01))
        #expect(linear.logImpact(cumulativeFlow: 0) == 0)
        #expect(isClose(sqrt.decayFactor(stepSeconds: 60), 0.5))
        #expect(ImpactModel(shape: .linear, depth: 1, recoveryHalfLife: 0).decayFactor(stepSeconds: 60) == 0)
    }

    @Test("without impact, each path liquidates exactly the positions its fundamental path crossed")
    func noImpactLiquidatesCrossedPositions() {
        let positions = TestBooks.randomBook(count: 2_000, rule: rule)
        let config = TestBooks.config(
            positions: positions, volatility: 1.5,
            jumps: MertonJumps(intensity: 2_000, mean: -0.01, stdev: 0.02),
            impact: ImpactModel(shape: .squareRoot, depth: 1e6, coefficient: 0, recoveryHalfLife: 60),
            paths: 40, steps: 300, stepSeconds: 300)
        let engine = SimulationEngine(config: config)
        let ladder = config.assets[0].ladder
        var anyLiquidated = 0
        for path in 0..<config.paths {
            var observer = RecordingObserver()
            _ = engine.trace(path: path, observer: &observer)
            var liquidated = Set<Int>()
            for round in observer.rounds {
                for k in round.range { liquidated.insert(ladder[round.side].positionIndex[k]) }
            }
            let lowest = observer.logFundamental.min()!, highest = observer.logFundamental.max()!
            var crossed = Set<Int>()
            for (i, p) in positions.enumerated() {
                let logLiq = log(rule.liquidationPrice(of: p))
                if p.side == .long ? logLiq >= lowest : logLiq <= highest { crossed.insert(i) }
            }
            #expect(liquidated == crossed, "path \(path)")
            #expect(observer.logImpact.allSatisfy { $0 == 0 })
            anyLiquidated += liquidated.count
        }
        #expect(anyLiquidated > 1_000)   // the test exercises liquidations, not an empty set
    }

    @Test("the traded price's lowest, peak and drawdown are those of its end-of-step prices, cascades included, in any chunking")
    func tradedExtremesFollowEndOfStepPrices() {
        // A path traced alone (one lane) and the same path in chunks of 7 and 64 must all equal
        // the extremes recomputed from the prices at the end of each step.
        let rule = FlatMarginRule(maintenanceMarginRate: 0.005, liquidationFee: 0.003)
        let config = TestBooks.config(
            positions: TestBooks.randomBook(count: 3_000, rule: rule), maintenanceMarginRate: 0.005,
            liquidationFee: 0.003, volatility: 1.0, jumps: MertonJumps(intensity: 1_000, mean: -0.02, stdev: 0.02),
            impact: ImpactModel(shape: .squareRoot, depth: 3e6, coefficient: 1, recoveryHalfLife: 300),
            insuranceFund: 1e5, paths: 23, steps: 120, stepSeconds: 60, seed: 5)
        let engine = SimulationEngine(config: config)
        let runs = [engine.run(threads: 2, chunkSize: 7), engine.run(threads: 1, chunkSize: 64)]
        var sides = Set<Side>()
        for path in 0..<config.paths {
            var observer = RecordingObserver()
            let traced = engine.trace(path: path, observer: &observer)
            sides.formUnion(observer.rounds.map(\.side))
            var low = log(config.assets[0].initialPrice), peak = low, drawdown = 0.0
            for (f, j) in zip(observer.logFundamental, observer.logImpact) {
                let x = f + j
                low = min(low, x)
                peak = max(peak, x)
                drawdown = max(drawdown, peak - x)
            }
            for result in runs {
                #expect(result.paths[.minTradedPrice, path] == exp(low), "path \(path)")
                #expect(result.paths[.maxDrawdownTraded, path] == -expm1(-drawdown), "path \(path)")
            }
            #expect(traced.paths[.minTradedPrice, path] == exp(low))
        }
        // Cascades of both sides: a short squeeze ends above the price the pass saw.
        #expect(sides == [.long, .short])
    }

    @Test("a path that cascades keeps the extremes of its end-of-step price, not of the price its cascade started from",
          arguments: [Side.long, .short])
    func crossingLanesKeepEndOfStepExtremes(_ side: Side) {
        // A short whose liquidation price is below the start is squeezed by a fall (the forced
        // buying lifts the price above the start); a long whose liquidation price is above it is
        // sold by a rise. The vector pass sees a new low (or high) that the end of the step does
        // not keep: the crossing lane must take its extremes back before its cascade.
        let rule = FlatMarginRule(maintenanceMarginRate: 0.005)
        let position = TestBooks.position(side, liquidationPrice: side == .short ? 99 : 101, quantity: 20_000, rule: rule)
        let impact = ImpactModel(shape: .squareRoot, depth: 1e6, coefficient: 1, recoveryHalfLife: 300)
        let config = TestBooks.config(positions: [position], drift: TestBooks.drift(movingBy: side == .short ? 0.995 : 1.005),
                                      impact: impact, paths: 6)
        let engine = SimulationEngine(config: config)
        var observer = RecordingObserver()
        let traced = engine.trace(path: 0, observer: &observer)
        #expect(observer.rounds.count == 1 && observer.rounds.first?.side == side)
        let end = exp(observer.logFundamental[0] + observer.logImpact[0])
        let passed = observer.rounds[0].roundPrice
        // The step's move alone made a new extreme; the cascade took the price back past the start.
        if side == .short { #expect(passed < 100 && end > 100) } else { #expect(passed > 100 && end < 100) }
        // Six identical paths: one lane alone, vectors of four lanes, and a vector with padding.
        let start = exp(log(100.0))   // the start price as the engine's log-prices give it back
        for result in [traced, engine.run(threads: 1, chunkSize: 4), engine.run(threads: 2, chunkSize: 6)] {
            for path in 0..<result.paths.paths {
                #expect(result.paths[.minTradedPrice, path] == min(start, end))
                #expect(isClose(result.paths[.maxDrawdownTraded, path], side == .short ? 0 : 1 - end / 100))
            }
        }
    }
}
