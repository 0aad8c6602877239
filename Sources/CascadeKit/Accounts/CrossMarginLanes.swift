import COpenBLAS
import Foundation

/// The cross accounts' state on a block of paths, and the pruned margin check.
///
/// Each path keeps the prices of its last **epoch** — a dense check of all its live accounts
/// (``AccountMarginMatrix``, several paths per `dgemm`) — and, from it, a **watch list**: the
/// ``watchTarget`` accounts nearest to liquidation, sorted by their safety distance d
/// (``CrossAccountBook/distance(headroom:scale:account:)``), and the **reach** L, the distance of
/// the nearest account left off the list. At a step with largest relative move δ since the epoch
/// (over all assets), an account with d > δ cannot be liquidatable, so the check is exact on the
/// list's prefix with d ≤ δ; when δ reaches L — or funding changed every margin — the path takes a
/// new epoch. The liquidation decisions come only from the exact headroom, so they do not depend
/// on how paths are grouped into epochs (or on threads and chunks).
final class CrossMarginLanes {
    let book: CrossAccountBook
    let matrix: AccountMarginMatrix
    let funding: FundingRule?
    let accounts: Int
    let assets: Int
    let capacity: Int
    /// Accounts kept on a path's watch list.
    let watchTarget: Int
    /// Paths per dense check.
    static let epochColumns = 16
    /// alive[b·accounts + i].
    let alive: UnsafeMutablePointer<Bool>
    /// The prices of each path's last epoch, cumulative funding Φ and the premium summed over the
    /// current funding interval, at b·assets + a.
    var reference: [Double]
    var fundingPerUnit: [Double]
    var premiumSum: [Double]
    /// The live accounts' long and short quantities (for the funding totals), at b·assets + a.
    var longQuantity: [Double]
    var shortQuantity: [Double]
    /// Each path's watch list (account, distance) by distance, and its reach.
    var watch: [[Int32]]
    var watchDistance: [[Double]]
    var reach: [Double]
    var needsEpoch: [Bool]
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
    /// Scratch.
    var headroomScratch: [Double]
    var scaleScratch: [Double]
    var selection: [Int32]
    var selectionDistance: [Double]

    init(book: CrossAccountBook, funding: FundingRule?, capacity: Int) {
        self.book = book
        matrix = AccountMarginMatrix(book: book)
        self.funding = funding
        accounts = book.count
        assets = book.assetCount
        self.capacity = capacity
        watchTarget = min(accounts, max(64, accounts / 32))
        alive = .allocate(capacity: accounts * capacity)
        alive.initialize(repeating: true, count: accounts * capacity)
        reference = Array(repeating: 0, count: capacity * assets)
        fundingPerUnit = reference
        premiumSum = reference
        longQuantity = reference
        shortQuantity = reference
        watch = Array(repeating: [], count: capacity)
        watchDistance = Array(repeating: [], count: capacity)
        reach = Array(repeating: 0, count: capacity)
        needsEpoch = Array(repeating: true, count: capacity)
        liquidated = Array(repeating: 0, count: capacity)
        checks = Array(repeating: 0, count: capacity)
        fundingPaid = checks
        fundingReceived = checks
        crossNotional = reference
        contagionNotional = reference
        headroomScratch = Array(repeating: 0, count: accounts * Self.epochColumns)
        scaleScratch = headroomScratch
        selection = Array(repeating: 0, count: accounts)
        selectionDistance = Array(repeating: 0, count: accounts)
    }

    deinit {
        alive.deinitialize(count: accounts * capacity)
        alive.deallocate()
    }

    /// Every account alive and unchecked on the first `n` paths, at the initial prices.
    func reset(paths n: Int) {
        alive.update(repeating: true, count: accounts * n)
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
            watch[b].removeAll(keepingCapacity: true)
            watchDistance[b].removeAll(keepingCapacity: true)
            reach[b] = 0
            needsEpoch[b] = true
            liquidated[b] = 0
            checks[b] = 0
            fundingPaid[b] = 0
            fundingReceived[b] = 0
        }
    }

    /// The largest relative move of path `b`'s prices `prices` (by asset) from its epoch's.
    @inline(__always)
    func move(path b: Int, prices: UnsafePointer<Double>) -> Double {
        var delta = 0.0
        for a in 0..<assets { delta = max(delta, abs(prices[a] / reference[b * assets + a] - 1)) }
        return delta
    }

    /// Pays funding at the end of an interval on each of the first `n` paths: rate × price per
    /// unit, from each path's premium average (or the fixed rate). `prices` at b·assets + a.
    func payFunding(paths n: Int, prices: [Double], rule: FundingRule) {
        for b in 0..<n {
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
            }
            needsEpoch[b] = true
        }
    }

    /// Dense checks of paths `paths` at their prices (`prices` at b·assets + a): each path's
    /// reference prices, watch list and reach.
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
            headroomScratch.withUnsafeMutableBufferPointer { h in
                scaleScratch.withUnsafeMutableBufferPointer { s in
                    matrix.evaluatePathMajor(prices: p, funding: phi, columns: m, headroom: h.baseAddress!, scale: s.baseAddress!)
                }
            }
            let elapsed = ContinuousClock.now - clock
            denseSeconds += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
            denseFlops += matrix.flops(columns: m)
            for (j, b) in group.enumerated() {
                build(path: b, headroom: j * n, prices: prices)
            }
        }
    }

    /// Path `b`'s watch list from the dense values at `offset` in the scratch.
    private func build(path b: Int, headroom offset: Int, prices: [Double]) {
        let k = assets
        var low = Double.infinity, high = 0.0
        for a in 0..<k {
            let ratio = prices[b * k + a] / book.initialPrices[a]
            low = min(low, ratio)
            high = max(high, ratio)
            reference[b * k + a] = prices[b * k + a]
        }
        var count = 0
        let base = b * accounts
        prices.withUnsafeBufferPointer { pp in
            fundingPerUnit.withUnsafeBufferPointer { ff in
                let p = pp.baseAddress! + b * k, f = ff.baseAddress! + b * k
                for i in 0..<accounts where alive[base + i] {
                    var h = headroomScratch[offset + i]
                    if !book.inBand(i, low: low, high: high) {
                        h = book.headroom(account: i, prices: p, funding: f)
                    }
                    selection[count] = Int32(i)
                    selectionDistance[count] = book.distance(headroom: h, scale: scaleScratch[offset + i], account: i)
                    count += 1
                }
            }
        }
        checks[b] += Double(count)
        // Every account at distance 0 is on the list, so that the reach is positive.
        var zeros = 0
        for x in 0..<count where selectionDistance[x] <= 0 { zeros += 1 }
        let keep = min(count, max(watchTarget, zeros + 1))
        if keep < count {
            Self.select(smallest: keep, indices: &selection, distances: &selectionDistance, count: count)
            // The reach: the smallest distance left off the list.
            var r = Double.infinity
            for x in keep..<count { r = min(r, selectionDistance[x]) }
            reach[b] = r
        } else {
            reach[b] = .infinity
        }
        var order = Array(0..<keep)
        order.sort { (selectionDistance[$0], selection[$0]) < (selectionDistance[$1], selection[$1]) }
        watch[b] = order.map { selection[$0] }
        watchDistance[b] = order.map { selectionDistance[$0] }
        needsEpoch[b] = false
    }

    /// Moves the `k` smallest distances (ties by index) to the front (quickselect; median-of-three
    /// pivots).
    static func select(smallest k: Int, indices: inout [Int32], distances: inout [Double], count: Int) {
        var lo = 0, hi = count - 1
        func less(_ x: Int, _ y: Int) -> Bool { (distances[x], indices[x]) < (distances[y], indices[y]) }
        func swap(_ x: Int, _ y: Int) { indices.swapAt(x, y); distances.swapAt(x, y) }
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if less(mid, lo) { swap(mid, lo) }
            if less(hi, lo) { swap(hi, lo) }
            if less(hi, mid) { swap(hi, mid) }
            swap(mid, hi)
            var store = lo
            for x in lo..<hi where less(x, hi) {
                swap(x, store)
                store += 1
            }
            swap(store, hi)
            if store == k { return }
            if store < k { lo = store + 1 } else { hi = store - 1 }
        }
    }

    /// The accounts of path `b` liquidatable at `prices` (by asset), ascending; nil when the path
    /// needs an epoch first (its move reached the reach, or funding was paid).
    func liquidatable(path b: Int, prices: UnsafePointer<Double>) -> [Int32]? {
        if needsEpoch[b] { return nil }
        let delta = move(path: b, prices: prices)
        if delta >= reach[b] { return nil }
        var found: [Int32] = []
        let list = watch[b], distances = watchDistance[b]
        var checked = 0
        fundingPerUnit.withUnsafeBufferPointer { ff in
            let f = ff.baseAddress! + b * assets
            var x = 0
            while x < list.count && distances[x] <= delta {
                let i = Int(list[x])
                if alive[b * accounts + i] {
                    checked += 1
                    if book.headroom(account: i, prices: prices, funding: f) <= 0 { found.append(list[x]) }
                }
                x += 1
            }
        }
        checks[b] += Double(checked)
        found.sort()
        return found
    }

    /// Every live account of path `b` liquidatable at `prices`, by the exact headroom (the
    /// unpruned check the tests compare the pruned one with).
    func liquidatableByFullCheck(path b: Int, prices: UnsafePointer<Double>) -> [Int32] {
        var found: [Int32] = []
        fundingPerUnit.withUnsafeBufferPointer { ff in
            let f = ff.baseAddress! + b * assets
            for i in 0..<accounts where alive[b * accounts + i] {
                if book.headroom(account: i, prices: prices, funding: f) <= 0 { found.append(Int32(i)) }
            }
        }
        return found
    }
}

extension AccountMarginMatrix {
    /// ``evaluate(prices:funding:columns:headroom:scale:)`` with the results path-major (column j's
    /// accounts contiguous, account i of column j at j·n + i), as the watch lists are built per
    /// path: H′ = [P − Φ ; P]ᵀ·[Q | −A]ᵀ + 1·cᵀ.
    func evaluatePathMajor(prices: [Double], funding: [Double], columns m: Int,
                           headroom: UnsafeMutablePointer<Double>, scale: UnsafeMutablePointer<Double>) {
        let k = assets, n = accounts
        guard n > 0, m > 0 else { return }
        // [P − Φ ; P]ᵀ, m × 2K, and Pᵀ, m × K.
        var left = [Double](repeating: 0, count: m * 2 * k), pricesT = [Double](repeating: 0, count: m * k)
        for j in 0..<m {
            for a in 0..<k {
                left[j * 2 * k + a] = prices[a * m + j] - funding[a * m + j]
                left[j * 2 * k + k + a] = prices[a * m + j]
                pricesT[j * k + a] = prices[a * m + j]
            }
        }
        constants.withUnsafeBufferPointer { c in
            for j in 0..<m { (headroom + j * n).update(from: c.baseAddress!, count: n) }
        }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(2 * k),
                    1, left, Int32(2 * k), headroomCoefficients, Int32(2 * k), 1, headroom, Int32(n))
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                    1, pricesT, Int32(k), scaleCoefficients, Int32(k), 0, scale, Int32(n))
    }
}

extension CrossMarginLanes {
    /// Closes account `i` on path `b` whole, every leg at its asset's execution price
    /// `execution[a]`, after the check found it liquidatable at `check` (by asset), and books it:
    ///
    ///     equity e = W + Σ q·(X − E − Φ)                         (wallet net of funding, at X)
    ///     fee      = Σ |q|·X·fee_a                                (each asset's liquidation fee)
    ///     takeover: the fund receives e (a deficit when e < 0); the trader keeps nothing
    ///     otherwise: the fund receives e when e ≤ 0, else min(e, fee); the trader keeps the rest
    ///     margin lost = W − Σ q·Φ − kept = counterparty gains Σ q·(E − X) + fund receipt
    ///
    /// A deficit the fund cannot pay is bad debt (cross-account deficits are not deleveraged).
    /// Each leg's closure whose asset's own loss since the start is less than half the account's
    /// whole loss of headroom counts as contagion (triggered by losses in other assets).
    func close(account i: Int, path b: Int, check: UnsafePointer<Double>, execution: [Double], tally: inout PathTally,
               assetNotional: (Int, Double) -> Void) {
        let account = book.accounts[i]
        let phi = b * assets
        var equity = account.wallet, fee = 0.0, fundingTotal = 0.0, counterparty = 0.0
        var losses = [Double](repeating: 0, count: account.legs.count)
        var totalLoss = 0.0
        for (x, leg) in account.legs.enumerated() {
            let a = leg.asset, q = leg.quantity, rule = book.rules[a]
            let price = execution[a]
            equity += q * (price - leg.entryPrice - fundingPerUnit[phi + a])
            fundingTotal += q * fundingPerUnit[phi + a]
            fee += abs(q) * price * rule.liquidationFee
            counterparty += q * (leg.entryPrice - price)
            let p0 = book.initialPrices[a], p = check[a]
            let loss = -(q * (p - p0) - q * fundingPerUnit[phi + a]
                         - (rule.maintenanceMargin(quantity: abs(q), entryPrice: leg.entryPrice, at: p)
                            - rule.maintenanceMargin(quantity: abs(q), entryPrice: leg.entryPrice, at: p0)))
            losses[x] = loss
            totalLoss += loss
            let notional = abs(q) * price
            if q > 0 {
                tally.longEntryNotional += q * leg.entryPrice
                tally.longExecutedNotional += notional
            } else {
                tally.shortEntryNotional -= q * leg.entryPrice
                tally.shortExecutedNotional += notional
            }
            crossNotional[phi + a] += notional
            assetNotional(a, notional)
            if q > 0 { longQuantity[phi + a] -= q } else { shortQuantity[phi + a] += q }
        }
        for (x, leg) in account.legs.enumerated() where losses[x] < 0.5 * totalLoss {
            contagionNotional[phi + leg.asset] += abs(leg.quantity) * execution[leg.asset]
        }
        let takeover = book.rules[0].settlement == .takeover
        let receipt = takeover || equity <= 0 ? equity : min(equity, fee)
        let kept = equity - receipt
        tally.fees += min(fee, max(0, equity))
        tally.marginLost += account.wallet - fundingTotal - kept
        tally.counterpartyGains += counterparty
        tally.liquidations += account.legs.count
        let shortfall = tally.fund.receive(receipt)
        if shortfall > 0 { tally.fund.coverRemaining(shortfall) }
        alive[b * accounts + i] = false
        liquidated[b] += 1
    }
}
