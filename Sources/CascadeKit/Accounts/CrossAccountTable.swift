/// The cross accounts' legs and tier tables in flat, manually managed storage, for the exact
/// headroom the margin check evaluates millions of times a run (``CrossAccountBook/headroom(account:prices:funding:)``):
/// reading them through the accounts' arrays and the rules' tier arrays retained and released
/// buffers on every leg.
///
/// A leg whose tier does not depend on the current price (tiers chosen at entry, by contracts or
/// by risk limit) has its rate and deduction precomputed (and its whole maintenance when that is
/// on the entry notional); a leg whose tier follows its
/// notional at the price (``TierBasis/notionalAtLiquidation``) looks its tier up in its asset's
/// table: MM = |q|·P·(rₜ + fee) − dₜ, as ``MarginRule/maintenanceMargin(quantity:entryPrice:at:)``.
final class CrossAccountTable: @unchecked Sendable {
    let accounts: Int
    let legCount: Int
    /// Account i's legs are legStart[i]..<legStart[i + 1].
    let legStart: UnsafeMutablePointer<Int>
    let wallet: UnsafeMutablePointer<Double>
    let legAsset: UnsafeMutablePointer<Int>
    let legQuantity: UnsafeMutablePointer<Double>
    let legSize: UnsafeMutablePointer<Double>
    let legEntry: UnsafeMutablePointer<Double>
    /// |q|·(1 + r_max + fee): the most the headroom loses per unit of adverse price move.
    let legScale: UnsafeMutablePointer<Double>
    /// For a leg of fixed tier: its rate + fee and deduction (rate 0 and the maintenance itself
    /// as a negative deduction on the entry notional); NaN rate for a leg whose tier follows the price.
    let legSlope: UnsafeMutablePointer<Double>
    let legConstant: UnsafeMutablePointer<Double>
    /// Asset a's tiers are tierStart[a]..<tierStart[a + 1]: caps, rates + fee, deductions.
    let tierStart: UnsafeMutablePointer<Int>
    let tierCap: UnsafeMutablePointer<Double>
    let tierRate: UnsafeMutablePointer<Double>
    let tierDeduction: UnsafeMutablePointer<Double>

    init(accounts list: [CrossAccount], rules: [MarginRule]) {
        accounts = list.count
        legCount = list.reduce(0) { $0 + $1.legs.count }
        legStart = .allocate(capacity: accounts + 1)
        wallet = .allocate(capacity: max(1, accounts))
        legAsset = .allocate(capacity: max(1, legCount))
        legQuantity = .allocate(capacity: max(1, legCount))
        legSize = .allocate(capacity: max(1, legCount))
        legEntry = .allocate(capacity: max(1, legCount))
        legScale = .allocate(capacity: max(1, legCount))
        legSlope = .allocate(capacity: max(1, legCount))
        legConstant = .allocate(capacity: max(1, legCount))
        let tiers = rules.reduce(0) { $0 + $1.tiers.count }
        let largestSlope = rules.map(\.largestMaintenanceSlope)
        tierStart = .allocate(capacity: rules.count + 1)
        tierCap = .allocate(capacity: max(1, tiers))
        tierRate = .allocate(capacity: max(1, tiers))
        tierDeduction = .allocate(capacity: max(1, tiers))
        var t = 0
        for (a, rule) in rules.enumerated() {
            tierStart[a] = t
            for tier in rule.tiers {
                tierCap[t] = tier.cap
                tierRate[t] = tier.rate + rule.maintenanceFee
                tierDeduction[t] = tier.deduction
                t += 1
            }
        }
        tierStart[rules.count] = t
        var x = 0
        for (i, account) in list.enumerated() {
            legStart[i] = x
            wallet[i] = account.wallet
            for leg in account.legs {
                let rule = rules[leg.asset], size = abs(leg.quantity)
                legAsset[x] = leg.asset
                legQuantity[x] = leg.quantity
                legSize[x] = size
                legEntry[x] = leg.entryPrice
                legScale[x] = size * (1 + largestSlope[leg.asset])
                switch rule.basis {
                case .notionalAtLiquidation:
                    legSlope[x] = .nan
                    legConstant[x] = 0
                case .notionalAtEntry:
                    let tier = rule.tiers[rule.tierIndex(quantity: size, entryPrice: leg.entryPrice, at: leg.entryPrice)]
                    legSlope[x] = 0
                    legConstant[x] = -(size * leg.entryPrice * (tier.rate + rule.maintenanceFee) - tier.deduction)
                default:
                    let tier = rule.tiers[rule.tierIndex(quantity: size, entryPrice: leg.entryPrice, at: leg.entryPrice)]
                    legSlope[x] = tier.rate + rule.maintenanceFee
                    legConstant[x] = tier.deduction
                }
                x += 1
            }
        }
        legStart[accounts] = x
    }

    deinit {
        for p in [wallet, legQuantity, legSize, legEntry, legScale, legSlope, legConstant, tierCap, tierRate, tierDeduction] { p.deallocate() }
        legStart.deallocate()
        legAsset.deallocate()
        tierStart.deallocate()
    }

    /// Account i's headroom W + Σ q·(P − E − Φ) − Σ MM at `prices` with funding `funding`.
    @inline(__always)
    func headroom(_ i: Int, prices: UnsafePointer<Double>, funding: UnsafePointer<Double>) -> Double {
        var h = wallet[i]
        for x in legStart[i]..<legStart[i + 1] {
            let a = legAsset[x], p = prices[a]
            h += legQuantity[x] * (p - legEntry[x] - funding[a])
            h -= maintenance(leg: x, at: p)
        }
        return h
    }

    /// The headroom of account i after some of its legs were closed: the legs whose bit (leg
    /// offset within the account) is set in `closed` left out, `shift` added to the wallet.
    func headroom(_ i: Int, prices: UnsafePointer<Double>, funding: UnsafePointer<Double>, closed: UInt64, shift: Double) -> Double {
        var h = wallet[i] + shift
        let first = legStart[i]
        for x in first..<legStart[i + 1] where closed & (1 << UInt64(x - first)) == 0 {
            let a = legAsset[x], p = prices[a]
            h += legQuantity[x] * (p - legEntry[x] - funding[a])
            h -= maintenance(leg: x, at: p)
        }
        return h
    }

    /// Leg x's maintenance margin at price `p`.
    @inline(__always)
    func maintenance(leg x: Int, at p: Double) -> Double {
        let slope = legSlope[x]
        if slope.isNaN {
            let a = legAsset[x], n = legSize[x] * p
            var t = tierStart[a]
            let last = tierStart[a + 1] - 1
            while t < last && n > tierCap[t] { t += 1 }
            return legSize[x] * p * tierRate[t] - tierDeduction[t]
        }
        return slope == 0 ? -legConstant[x] : legSize[x] * p * slope - legConstant[x]
    }

    /// A bound on what account i's headroom lost since prices `reference` and funding
    /// `referenceFunding`: Σ over legs of |q|(1 + r_max + fee)·(the adverse move: the fall for a
    /// long, the rise for a short) + |q|·|ΔΦ|. Maintenance never falls as the notional grows and
    /// rises at most (r_max + fee) per unit of it, so a move in a leg's favour loses nothing
    /// (tier jumps are in the book's slack).
    @inline(__always)
    func loss(_ i: Int, prices: UnsafePointer<Double>, reference: UnsafePointer<Double>,
              funding: UnsafePointer<Double>, referenceFunding: UnsafePointer<Double>) -> Double {
        var loss = 0.0
        for x in legStart[i]..<legStart[i + 1] {
            let a = legAsset[x]
            let move = legQuantity[x] > 0 ? reference[a] - prices[a] : prices[a] - reference[a]
            loss += legScale[x] * max(0, move) + legSize[x] * abs(funding[a] - referenceFunding[a])
        }
        return loss
    }
}
