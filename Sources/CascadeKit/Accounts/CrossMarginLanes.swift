import Foundation

/// The cross accounts' state on a block of paths, and the pruned margin check.
///
/// Each path keeps the prices of its last **epoch** — a dense check of all its live accounts
/// (``AccountMarginMatrix``, several paths per `dgemm`) — and, from it, each account's safety
/// distance d (``CrossAccountBook/distance(headroom:scale:account:)``): the relative move from the
/// epoch's prices it can take before it may be liquidatable. The accounts are kept in **bands**
/// of distance, [0, e₀), then quarter-octaves [e₀·2^((k−1)/4), e₀·2^(k/4)) (e₀ = 0.1%), the
/// nearest ones up to ``storedTarget`` accounts; the distance where the stored bands end is the
/// **reach** L. At a step whose largest relative move since the epoch (over all assets, plus the
/// funding paid since, as a fraction of the price) is δ, an account with d > δ cannot be
/// liquidatable: the bands δ has reached are scanned, and each member with d ≤ δ first meets a
/// signed bound (only adverse moves cost, ``CrossAccountTable/loss(_:prices:reference:funding:referenceFunding:)``),
/// then, if that does not clear it, the exact headroom (a band spans a factor 2^¼, so few members
/// are passed over). A path takes a new epoch when δ reaches L, or when its screens since the
/// epoch outnumber its accounts (then re-checking everything is cheaper than going on). The
/// liquidation decisions come only from the exact headroom, so they do not depend on how paths
/// are grouped into epochs (or on threads and chunks).
final class CrossMarginLanes {
    let book: CrossAccountBook
    let funding: FundingRule?
    let procedure: CrossLiquidation
    let accounts: Int
    let assets: Int
    let capacity: Int
    /// Accounts a path keeps in its bands at most (all of them up to 1,000,000 accounts ×
    /// 16 paths; fewer per path with more), and the screens after which it takes a new epoch.
    let storedTarget: Int
    let checkBudget: Double
    /// The bands: band k holds distances from ``lowerEdge(_:)`` k on, below that of k + 1.
    static let firstEdge = 0.001
    static let bandCount = 64
    /// Paths per dense check.
    static let epochColumns = 32
    /// alive[b·accounts + i].
    let alive: UnsafeMutablePointer<Bool>
    /// modified[b·accounts + i]: some of the account's positions were closed on the path; what
    /// is left is in `partial[b]`.
    let modified: UnsafeMutablePointer<Bool>
    var partial: [[Int32: PartialAccount]]
    /// The prices of each path's last epoch, cumulative funding Φ and the premium summed over the
    /// current funding interval, at b·assets + a.
    var reference: [Double]
    var fundingPerUnit: [Double]
    var premiumSum: [Double]
    /// The live accounts' long and short quantities (for the funding totals), at b·assets + a.
    var longQuantity: [Double]
    var shortQuantity: [Double]
    /// Each path's stored accounts and distances, grouped by band (band k from `bandStart[b][k]`
    /// to `bandStart[b][k + 1]`), the bands its move has reached, its reach and the funding paid
    /// since its epoch as a relative move; whether it needs an epoch, and its screens since one.
    var members: [[Int32]]
    var memberDistance: [[Double]]
    /// Each stored account's headroom at the epoch less its slack (and 1e-9 of its slope).
    var memberMargin: [[Double]]
    /// The funding per unit at each path's epoch, at b·assets + a.
    var referenceFunding: [Double]
    var bandStart: [[Int]]
    var openBands: [Int]
    var reach: [Double]
    var fundingMove: [Double]
    var needsEpoch: [Bool]
    var checksSinceEpoch: [Double]
    /// Per path: accounts liquidated, exact and dense account checks, funding paid and received.
    var liquidated: [Int]
    var checks: [Double]
    var fundingPaid: [Double]
    var fundingReceived: [Double]
    /// Per path and asset: cross accounts' liquidated notional and the part triggered by losses in
    /// other assets.
    var crossNotional: [Double]
    var contagionNotional: [Double]
    /// Dense-check totals of this block's worker: flops and seconds in `dgemm`.
    var denseFlops = 0.0
    var denseSeconds = 0.0
    /// Scratch, `accounts × epochColumns` (headroom, slope) and `accounts` (distances).
    let headroomScratch: UnsafeMutablePointer<Double>
    let scaleScratch: UnsafeMutablePointer<Double>
    let selection: UnsafeMutablePointer<Int32>
    let selectionDistance: UnsafeMutablePointer<Double>
    let selectionMargin: UnsafeMutablePointer<Double>

    /// - Parameter storedTarget: the accounts a path keeps in its bands (default: all up to
    ///   1,000,000 accounts × 16 paths, at least 16,384); the tests lower it to exercise the reach.
    init(book: CrossAccountBook, funding: FundingRule?, capacity: Int, storedTarget: Int? = nil,
         procedure: CrossLiquidation = .account) {
        self.procedure = procedure
        self.book = book
        self.funding = funding
        accounts = book.count
        assets = book.assetCount
        self.capacity = capacity
        self.storedTarget = min(accounts, storedTarget ?? max(16_384, 16_000_000 / max(1, capacity)))
        checkBudget = Double(max(accounts, 1_024))
        alive = .allocate(capacity: accounts * capacity)
        alive.initialize(repeating: true, count: accounts * capacity)
        modified = .allocate(capacity: accounts * capacity)
        modified.initialize(repeating: false, count: accounts * capacity)
        partial = Array(repeating: [:], count: capacity)
        reference = Array(repeating: 0, count: capacity * assets)
        fundingPerUnit = reference
        referenceFunding = reference
        premiumSum = reference
        longQuantity = reference
        shortQuantity = reference
        members = Array(repeating: [], count: capacity)
        memberDistance = Array(repeating: [], count: capacity)
        memberMargin = Array(repeating: [], count: capacity)
        bandStart = Array(repeating: [], count: capacity)
        openBands = Array(repeating: 0, count: capacity)
        reach = Array(repeating: 0, count: capacity)
        fundingMove = reach
        needsEpoch = Array(repeating: true, count: capacity)
        checksSinceEpoch = reach
        liquidated = Array(repeating: 0, count: capacity)
        checks = Array(repeating: 0, count: capacity)
        fundingPaid = checks
        fundingReceived = checks
        crossNotional = reference
        contagionNotional = reference
        headroomScratch = .allocate(capacity: max(1, accounts * Self.epochColumns))
        scaleScratch = .allocate(capacity: max(1, accounts * Self.epochColumns))
        selection = .allocate(capacity: max(1, accounts))
        selectionDistance = .allocate(capacity: max(1, accounts))
        selectionMargin = .allocate(capacity: max(1, accounts))
    }

    deinit {
        alive.deinitialize(count: accounts * capacity)
        alive.deallocate()
        modified.deinitialize(count: accounts * capacity)
        modified.deallocate()
        headroomScratch.deallocate()
        scaleScratch.deallocate()
        selection.deallocate()
        selectionDistance.deallocate()
        selectionMargin.deallocate()
    }

    /// Every account alive and unchecked on the first `n` paths, at the initial prices.
    func reset(paths n: Int) {
        alive.update(repeating: true, count: accounts * n)
        modified.update(repeating: false, count: accounts * n)
        var longs = [Double](repeating: 0, count: assets), shorts = longs
        for account in book.accounts {
            for leg in account.legs {
                if leg.quantity > 0 { longs[leg.asset] += leg.quantity } else { shorts[leg.asset] -= leg.quantity }
            }
        }
        for b in 0..<n {
            for a in 0..<assets {
                reference[b * assets + a] = book.initialPrices[a]
                fundingPerUnit[b * assets + a] = 0
                premiumSum[b * assets + a] = 0
                longQuantity[b * assets + a] = longs[a]
                shortQuantity[b * assets + a] = shorts[a]
                crossNotional[b * assets + a] = 0
                contagionNotional[b * assets + a] = 0
            }
            members[b].removeAll(keepingCapacity: true)
            partial[b].removeAll(keepingCapacity: true)
            memberDistance[b].removeAll(keepingCapacity: true)
            memberMargin[b].removeAll(keepingCapacity: true)
            reach[b] = 0
            fundingMove[b] = 0
            needsEpoch[b] = true
            checksSinceEpoch[b] = 0
            liquidated[b] = 0
            checks[b] = 0
            fundingPaid[b] = 0
            fundingReceived[b] = 0
        }
    }

    /// The largest relative move of path `b`'s prices `prices` (by asset) from its epoch's, plus
    /// the funding paid since then as a fraction of the epoch's prices: a bound on what the
    /// headroom lost, in units of the slope S.
    @inline(__always)
    func move(path b: Int, prices: UnsafePointer<Double>) -> Double {
        var delta = 0.0
        for a in 0..<assets { delta = max(delta, abs(prices[a] / reference[b * assets + a] - 1)) }
        return delta + fundingMove[b]
    }

    /// Whether path `b` needs a new epoch before its accounts can be checked at `prices`.
    @inline(__always)
    func needsEpoch(path b: Int, prices: UnsafePointer<Double>) -> Bool {
        needsEpoch[b] || move(path: b, prices: prices) >= reach[b]
    }

    /// Pays funding at the end of an interval on each of the first `n` paths: rate × price per
    /// unit, from each path's premium average (or the fixed rate). `prices` at b·assets + a.
    func payFunding(paths n: Int, prices: [Double], rule: FundingRule) {
        for b in 0..<n {
            var move = 0.0
            for a in 0..<assets {
                let s = b * assets + a
                let rate = rule.rate(averagePremium: premiumSum[s] / Double(rule.intervalSteps))
                premiumSum[s] = 0
                let perUnit = rate * prices[s]
                fundingPerUnit[s] += perUnit
                // Longs pay shorts when the rate is positive.
                let paid = perUnit > 0 ? perUnit * longQuantity[s] : -perUnit * shortQuantity[s]
                let received = perUnit > 0 ? perUnit * shortQuantity[s] : -perUnit * longQuantity[s]
                fundingPaid[b] += paid
                fundingReceived[b] += received
                // Σ q·ΔΦ ≤ Σ |q|·P_ref·max|ΔΦ|/P_ref ≤ S·max|ΔΦ|/P_ref: a move of that size.
                move = max(move, abs(perUnit) / reference[s])
            }
            fundingMove[b] += move
        }
    }

    /// Dense checks of paths `paths` at their prices (`prices` at b·assets + a): each path's
    /// reference prices, bands and reach.
    func epoch(paths list: [Int], prices: [Double]) {
        var start = 0
        let n = accounts, k = assets
        while start < list.count {
            let group = Array(list[start..<min(list.count, start + Self.epochColumns)])
            start += group.count
            let m = group.count
            var p = [Double](repeating: 0, count: k * m), phi = p
            for (j, b) in group.enumerated() {
                for a in 0..<k {
                    p[a * m + j] = prices[b * k + a]
                    phi[a * m + j] = fundingPerUnit[b * k + a]
                }
            }
            let clock = ContinuousClock.now
            book.matrix.evaluatePathMajor(prices: p, funding: phi, columns: m, headroom: headroomScratch, scale: scaleScratch)
            let elapsed = ContinuousClock.now - clock
            denseSeconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            denseFlops += book.matrix.flops(columns: m)
            for (j, b) in group.enumerated() {
                build(path: b, headroom: j * n, prices: prices)
            }
        }
    }

    /// Path `b`'s bands from the dense values at `offset` in the scratch.
    private func build(path b: Int, headroom offset: Int, prices: [Double]) {
        let k = assets
        var low = Double.infinity, high = 0.0
        for a in 0..<k {
            let ratio = prices[b * k + a] / book.initialPrices[a]
            low = min(low, ratio)
            high = max(high, ratio)
            reference[b * k + a] = prices[b * k + a]
            referenceFunding[b * k + a] = fundingPerUnit[b * k + a]
        }
        var count = 0
        let base = b * accounts
        var sizes = [Int](repeating: 0, count: Self.bandCount)
        let alive = self.alive, modified = self.modified, h0 = headroomScratch + offset, s0 = scaleScratch + offset
        let selection = self.selection, selectionDistance = self.selectionDistance, selectionMargin = self.selectionMargin
        let book = self.book
        prices.withUnsafeBufferPointer { pp in
            fundingPerUnit.withUnsafeBufferPointer { ff in
                let p = pp.baseAddress! + b * k, f = ff.baseAddress! + b * k
                for i in 0..<accounts where alive[base + i] {
                    // The linear form where every leg stays in its initial tier.
                    let within = book.inBand(i, low: low, high: high) && !modified[base + i]
                    let h = within ? h0[i] : self.headroom(i, path: b, prices: p, funding: f)
                    let scale = s0[i]
                    let d = book.distance(headroom: h, scale: scale, account: i)
                    selection[count] = Int32(i)
                    selectionDistance[count] = d
                    // Less a relative 1e-9 of the slope, as the distance, for rounding.
                    selectionMargin[count] = h - book.slack[i] - 1e-9 * scale
                    sizes[Self.band(d)] += 1
                    count += 1
                }
            }
        }
        checks[b] += Double(count)
        // Bands by distance; the nearest ones stored, up to storedTarget accounts (band 0 always).
        var stored = 1, total = sizes[0]
        while stored < Self.bandCount && total + sizes[stored] <= storedTarget {
            total += sizes[stored]
            stored += 1
        }
        reach[b] = stored == Self.bandCount ? .infinity : Self.lowerEdge(stored)
        var start = [Int](repeating: 0, count: stored + 1)
        for k in 0..<stored { start[k + 1] = start[k] + sizes[k] }
        var next = start
        var list = [Int32](repeating: 0, count: total), distances = [Double](repeating: 0, count: total), margins = distances
        for x in 0..<count {
            let k = Self.band(selectionDistance[x])
            guard k < stored else { continue }
            list[next[k]] = selection[x]
            distances[next[k]] = selectionDistance[x]
            margins[next[k]] = selectionMargin[x]
            next[k] += 1
        }
        members[b] = list
        memberDistance[b] = distances
        memberMargin[b] = margins
        bandStart[b] = start
        openBands[b] = 0
        fundingMove[b] = 0
        needsEpoch[b] = false
        checksSinceEpoch[b] = 0
    }

    /// The band of distance `d`: 0 below ``firstEdge``, then 1 + ⌊4·log₂(d/e₀)⌋, the last unbounded.
    @inline(__always)
    static func band(_ d: Double) -> Int {
        guard d >= firstEdge else { return 0 }
        guard d.isFinite else { return bandCount - 1 }
        let x = d / firstEdge
        let m = x.significand
        let quarter = m >= 1.681_792_830_507_429 ? 3 : m >= 1.414_213_562_373_095_1 ? 2 : m >= 1.189_207_115_002_721 ? 1 : 0
        return min(bandCount - 1, 1 + 4 * Int(x.exponent) + quarter)
    }

    /// A lower bound of the distances in band k: e₀·2^((k − 1)/4), less a relative 1e-9 for the
    /// rounding of the constants above (0 for band 0).
    @inline(__always)
    static func lowerEdge(_ k: Int) -> Double {
        k == 0 ? 0 : firstEdge * Foundation.exp2(Double(k - 1) / 4) * (1 - 1e-9)
    }

    /// The accounts of path `b` liquidatable at `prices` (by asset), ascending; nil when the path
    /// needs an epoch first (``needsEpoch(path:prices:)``).
    func liquidatable(path b: Int, prices: UnsafePointer<Double>) -> [Int32]? {
        if needsEpoch[b] { return nil }
        let delta = move(path: b, prices: prices)
        if delta >= reach[b] { return nil }
        // The bands the move has reached.
        let stored = bandStart[b].count - 1
        while openBands[b] < stored && delta >= Self.lowerEdge(openBands[b]) { openBands[b] += 1 }
        let end = bandStart[b][openBands[b]]
        var found: [Int32] = []
        var checked = 0, screened = 0
        let table = book.table, alive = self.alive, base = b * accounts
        members[b].withUnsafeBufferPointer { list in
            memberDistance[b].withUnsafeBufferPointer { distances in
                memberMargin[b].withUnsafeBufferPointer { margins in
                    fundingPerUnit.withUnsafeBufferPointer { ff in
                        reference.withUnsafeBufferPointer { rr in
                            referenceFunding.withUnsafeBufferPointer { rf in
                                let f = ff.baseAddress! + b * assets, r = rr.baseAddress! + b * assets, f0 = rf.baseAddress! + b * assets
                                for x in 0..<end where distances[x] <= delta {
                                    let i = Int(list[x])
                                    guard alive[base + i] else { continue }
                                    // The signed bound first: most candidates moved in their favour.
                                    screened += 1
                                    if margins[x] > table.loss(i, prices: prices, reference: r, funding: f, referenceFunding: f0) { continue }
                                    checked += 1
                                    if headroom(i, path: b, prices: prices, funding: f) <= 0 { found.append(list[x]) }
                                }
                            }
                        }
                    }
                }
            }
        }
        checks[b] += Double(checked)
        // A screen costs about what an exact check does (both read the account's legs).
        checksSinceEpoch[b] += Double(screened)
        // Checking the prefix again and again costs more than a new epoch: take one next step.
        if checksSinceEpoch[b] > checkBudget { needsEpoch[b] = true }
        found.sort()
        return found
    }

    /// What is left of account i on path `b` after partial closes, if any (the flag spares the
    /// map lookup for the untouched accounts).
    @inline(__always)
    func state(of i: Int, path b: Int) -> PartialAccount? {
        modified[b * accounts + i] ? partial[b][Int32(i)] : nil
    }

    /// Account i's exact headroom on path `b`: of what is left of it there.
    @inline(__always)
    func headroom(_ i: Int, path b: Int, prices: UnsafePointer<Double>, funding: UnsafePointer<Double>) -> Double {
        if let state = state(of: i, path: b) {
            return book.table.headroom(i, prices: prices, funding: funding, closed: state.closed, shift: state.shift)
        }
        return book.table.headroom(i, prices: prices, funding: funding)
    }

    /// Every live account of path `b` liquidatable at `prices`, by the exact headroom (the
    /// unpruned check the tests compare the pruned one with).
    func liquidatableByFullCheck(path b: Int, prices: UnsafePointer<Double>) -> [Int32] {
        var found: [Int32] = []
        fundingPerUnit.withUnsafeBufferPointer { ff in
            let f = ff.baseAddress! + b * assets
            for i in 0..<accounts where alive[b * accounts + i] {
                if headroom(i, path: b, prices: prices, funding: f) <= 0 { found.append(Int32(i)) }
            }
        }
        return found
    }
}

extension CrossMarginLanes {
    /// The legs (offsets within the account) a liquidatable account `i` closes on path `b` at the
    /// round's prices `check`: all that are left under ``CrossLiquidation/account``; under
    /// ``CrossLiquidation/position`` one at a time, the largest maintenance margin at `check`
    /// first (ties by offset), until what is left has a positive headroom with the closed legs'
    /// PnL at `check` (net of funding) and fees realised.
    func plan(account i: Int, path b: Int, check: UnsafePointer<Double>) -> [Int] {
        let table = book.table, first = table.legStart[i], count = table.legStart[i + 1] - first
        let state = state(of: i, path: b) ?? PartialAccount()
        let open = (0..<count).filter { state.closed & (1 << UInt64($0)) == 0 }
        guard procedure == .position, count <= 64, open.count > 1 else { return open }
        let order = open.sorted {
            let m0 = table.maintenance(leg: first + $0, at: check[table.legAsset[first + $0]])
            let m1 = table.maintenance(leg: first + $1, at: check[table.legAsset[first + $1]])
            return m0 != m1 ? m0 > m1 : $0 < $1
        }
        var closing = state
        var chosen: [Int] = []
        let funding = Array(fundingPerUnit[(b * assets)..<((b + 1) * assets)])
        return funding.withUnsafeBufferPointer { ff in
            let f = ff.baseAddress!
            for leg in order.dropLast() {
                let x = first + leg, a = table.legAsset[x], p = check[a]
                closing.closed |= 1 << UInt64(leg)
                closing.shift += table.legQuantity[x] * (p - table.legEntry[x] - f[a]) - table.legSize[x] * p * book.rules[a].liquidationFee
                chosen.append(leg)
                if table.headroom(i, prices: check, funding: f, closed: closing.closed, shift: closing.shift) > 0 { return chosen }
            }
            return open
        }
    }

    /// Closes legs `legs` (offsets) of account `i` on path `b`, each at its asset's execution price
    /// `execution[a]`, after the check found the account liquidatable at `check`, and books them.
    ///
    /// When they are all that is left, the account is closed: with W′ = W + what earlier partial
    /// closures added, and the sums over the legs closed now,
    ///
    ///     equity e = W′ + Σ q·(X − E − Φ)                        (wallet net of funding, at X)
    ///     fee      = Σ |q|·X·fee_a                                (each asset's liquidation fee)
    ///     takeover: the fund receives e (a deficit when e < 0); the trader keeps nothing
    ///     otherwise: the fund receives e when e ≤ 0, else min(e, fee); the trader keeps the rest
    ///     margin lost = W′ − Σ q·Φ − kept = counterparty gains Σ q·(E − X) + fund receipt
    ///
    /// Otherwise (a partial close) each leg realises q·(X − E − Φ) into the wallet and pays its
    /// fee |q|·X·fee_a to the fund: margin lost = q·(E − X) + fee = counterparty gains + receipt.
    /// A deficit the fund cannot pay is bad debt (cross-account deficits are not deleveraged).
    /// Each closed leg whose asset's own loss since the start is less than half the account's
    /// loss over its open legs counts as contagion (triggered by losses in other assets).
    func settle(account i: Int, path b: Int, legs: [Int], check: UnsafePointer<Double>, execution: [Double],
                tally: inout PathTally, assetNotional: (Int, Double) -> Void) {
        let account = book.accounts[i]
        let phi = b * assets
        var state = state(of: i, path: b) ?? PartialAccount()
        let open = (0..<account.legs.count).filter { state.closed & (1 << UInt64($0)) == 0 }
        let final = legs.count == open.count
        // Contagion: each open leg's own loss of headroom since the start, at the check prices.
        var losses = [Double](repeating: 0, count: account.legs.count)
        var totalLoss = 0.0
        for x in open {
            let leg = account.legs[x], a = leg.asset, q = leg.quantity, rule = book.rules[a]
            let p0 = book.initialPrices[a], p = check[a]
            losses[x] = -(q * (p - p0) - q * fundingPerUnit[phi + a]
                          - (rule.maintenanceMargin(quantity: abs(q), entryPrice: leg.entryPrice, at: p)
                             - rule.maintenanceMargin(quantity: abs(q), entryPrice: leg.entryPrice, at: p0)))
            totalLoss += losses[x]
        }
        var equity = account.wallet + state.shift, fee = 0.0, fundingTotal = 0.0, counterparty = 0.0
        var partialFees = 0.0
        for x in legs {
            let leg = account.legs[x], a = leg.asset, q = leg.quantity, rule = book.rules[a]
            let price = execution[a]
            let pnl = q * (price - leg.entryPrice - fundingPerUnit[phi + a])
            let legFee = abs(q) * price * rule.liquidationFee
            equity += pnl
            fundingTotal += q * fundingPerUnit[phi + a]
            fee += legFee
            counterparty += q * (leg.entryPrice - price)
            let notional = abs(q) * price
            if q > 0 {
                tally.longEntryNotional += q * leg.entryPrice
                tally.longExecutedNotional += notional
            } else {
                tally.shortEntryNotional -= q * leg.entryPrice
                tally.shortExecutedNotional += notional
            }
            crossNotional[phi + a] += notional
            if losses[x] < 0.5 * totalLoss { contagionNotional[phi + a] += notional }
            assetNotional(a, notional)
            if q > 0 { longQuantity[phi + a] -= q } else { shortQuantity[phi + a] += q }
            state.closed |= 1 << UInt64(x)
            if !final {
                state.shift += pnl - legFee
                partialFees += legFee
            }
        }
        tally.liquidations += legs.count
        tally.counterpartyGains += counterparty
        if !final {
            // The fund takes the fees; the trader keeps the rest of the account.
            tally.fees += partialFees
            tally.marginLost += counterparty + partialFees
            _ = tally.fund.receive(partialFees)
            tally.partialLiquidations += 1
            modified[b * accounts + i] = true
            partial[b][Int32(i)] = state
            return
        }
        let takeover = book.rules[0].settlement == .takeover
        let receipt = takeover || equity <= 0 ? equity : min(equity, fee)
        let kept = equity - receipt
        tally.fees += min(fee, max(0, equity))
        tally.marginLost += account.wallet + state.shift - fundingTotal - kept
        let shortfall = tally.fund.receive(receipt)
        if shortfall > 0 { tally.fund.coverRemaining(shortfall) }
        alive[b * accounts + i] = false
        liquidated[b] += 1
    }
}
