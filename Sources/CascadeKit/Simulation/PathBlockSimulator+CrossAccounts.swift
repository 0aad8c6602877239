import Foundation

/// The cross accounts' part of a step (``CrossMarginLanes``), after every asset's exogenous move
/// and isolated cascades:
///
/// 1. funding: the premium of the step (e^J − 1) is summed; at the end of an interval each path
///    pays it (``CrossMarginLanes/payFunding(paths:prices:rule:)``), which changes every margin;
/// 2. the pruned check finds the liquidatable accounts at the traded prices;
/// 3. on a path with some, rounds over all assets together: the accounts' closures (whole, or
///    position by position, ``CrossLiquidation``) are forced flow in each asset they hold (J = g(g⁻¹(J) + Q) per asset, as in ``CascadeResolver``), they
///    are settled at the round's execution prices, the isolated positions the new prices cross
///    are resolved by the asset's resolver (from the new impact), and the accounts are checked
///    again at the resulting prices — until no account is liquidatable.
extension PathBlockSimulator {
    /// Keeps `lanes`' traded-price extremes from before the step's pass.
    func saveExtremes(_ lanes: AssetLanes, vectors: Int) {
        let saved = savedExtremes[lanes.index]
        for (buffer, copy) in zip([lanes.minLogTraded, lanes.peakLogTraded, lanes.drawdownLogTraded], saved) {
            copy.pointer.update(from: buffer.pointer, count: 4 * vectors)
        }
    }

    mutating func resolveCrossAccounts(step: Int, n: Int, first: Int, observer: inout Observer) {
        guard let cross else { return }
        let k = assets.count
        var prices = [Double](repeating: 0, count: n * k)
        for b in 0..<n {
            for a in 0..<k { prices[b * k + a] = Foundation.exp(assets[a].logTraded[b]) }
        }
        if let rule = cross.funding {
            if rule.usesPremium {
                for b in 0..<n {
                    for a in 0..<k { cross.premiumSum[b * k + a] += Foundation.expm1(assets[a].impact[b]) }
                }
            }
            if rule.pays(afterStep: step) { cross.payFunding(paths: n, prices: prices, rule: rule) }
        }
        var due: [Int] = []
        prices.withUnsafeBufferPointer { p in
            for b in 0..<n where cross.needsEpoch(path: b, prices: p.baseAddress! + b * k) {
                due.append(b)
            }
        }
        if !due.isEmpty { cross.epoch(paths: due, prices: prices) }
        for b in 0..<n {
            let found = prices.withUnsafeBufferPointer { cross.liquidatable(path: b, prices: $0.baseAddress! + b * k) }
            guard let found else { preconditionFailure("a path checked at this step needs no new epoch") }
            if !found.isEmpty { resolveCrossPath(b, step: step, first: first, accounts: found, observer: &observer) }
        }
    }

    /// The rounds of path `b` starting with `accounts` liquidatable (step 3 above).
    mutating func resolveCrossPath(_ b: Int, step: Int, first: Int, accounts initial: [Int32], observer: inout Observer) {
        guard let cross else { return }
        let k = assets.count
        touch(path: b)
        if tallies[b].firstLiquidationStep < 0 { tallies[b].firstLiquidationStep = step }
        var list = initial
        var rounds = 0
        var moved = [Bool](repeating: false, count: k)
        var check = (0..<k).map { Foundation.exp(assets[$0].logTraded[b]) }
        let notionalBefore = (0..<k).map { cross.crossNotional[b * k + $0] }
        while !list.isEmpty {
            if rounds == config.maxCascadeRounds {
                tallies[b].roundCapHits += 1
                break
            }
            rounds += 1
            // What each account closes (all of it, or positions until it is above maintenance).
            let plans = check.withUnsafeBufferPointer { c in list.map { cross.plan(account: Int($0), path: b, check: c.baseAddress!) } }
            var flow = [Double](repeating: 0, count: k)
            for (i, legs) in zip(list, plans) {
                let account = cross.book.accounts[Int(i)]
                for x in legs { flow[account.legs[x].asset] -= account.legs[x].quantity * check[account.legs[x].asset] }
            }
            var execution = check
            for a in 0..<k where flow[a] != 0 {
                let lanes = assets[a]
                var impact = config.assets[a].impact
                if lanes.withdrawal != nil { impact.depth *= lanes.depth(b) }
                let j = impact.logImpact(cumulativeFlow: impact.equivalentFlow(logImpact: lanes.impact[b]) + flow[a])
                lanes.impact[b] = j
                lanes.logTraded[b] = lanes.logFundamental[b] + j
                execution[a] = Foundation.exp(lanes.logTraded[b])
                moved[a] = true
            }
            check.withUnsafeBufferPointer { c in
                for (i, legs) in zip(list, plans) {
                    cross.settle(account: Int(i), path: b, legs: legs, check: c.baseAddress!, execution: execution,
                                 tally: &tallies[b]) { a, x in assets[a].notional[b] += x }
                }
            }
            // The isolated positions the accounts' flow pushed across their thresholds.
            for a in 0..<k where flow[a] != 0 {
                let lanes = assets[a]
                let x = lanes.markBasis(b).map { lanes.logFundamental[b] + $0 } ?? lanes.logTraded[b]
                if x <= lanes.nextLongKey[b] || -x <= lanes.nextShortKey[b] {
                    let j = resolveLane(lanes, path: b, step: step, first: first, logFundamental: lanes.logFundamental[b],
                                        startImpact: lanes.impact[b], sameStep: true, observer: &observer)
                    lanes.impact[b] = j
                    lanes.logTraded[b] = lanes.logFundamental[b] + j
                }
            }
            for a in 0..<k { check[a] = Foundation.exp(assets[a].logTraded[b]) }
            let next = check.withUnsafeBufferPointer { cross.liquidatable(path: b, prices: $0.baseAddress!) }
            if let next {
                list = next
            } else {
                var prices = [Double](repeating: 0, count: cross.capacity * k)
                for a in 0..<k { prices[b * k + a] = check[a] }
                cross.epoch(paths: [b], prices: prices)
                list = check.withUnsafeBufferPointer { cross.liquidatable(path: b, prices: $0.baseAddress!) } ?? []
            }
        }
        let mapping = config.timeSeries.mapping
        for a in 0..<k where moved[a] {
            let lanes = assets[a]
            let added = cross.crossNotional[b * k + a] - notionalBefore[a]
            if let ended = lanes.cascades[b].step(path: first + b, asset: a, step: step, rounds: rounds, notional: added,
                                                  j: lanes.impact[b], sameStep: true),
               config.recordCascadeEvents {
                events.append(ended)
            }
            // The extremes from before the pass, and the end-of-step price.
            let x = lanes.logTraded[b]
            let saved = savedExtremes[a]
            let peak = max(saved[1][b], x)
            lanes.minLogTraded[b] = min(saved[0][b], x)
            lanes.peakLogTraded[b] = peak
            lanes.drawdownLogTraded[b] = max(saved[2][b], peak - x)
            lanes.tradedBucket[b] = mapping.bucket(logValue: x)
            stepSummaries[a].lowP[0] = min(stepSummaries[a].lowP[0], x)
            stepSummaries[a].highP[0] = max(stepSummaries[a].highP[0], x)
        }
    }
}
