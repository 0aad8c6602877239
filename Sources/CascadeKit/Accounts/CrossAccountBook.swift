import Foundation

/// One leg of a cross account: a signed quantity of one asset bought or sold at an entry price.
public struct CrossLeg: Sendable, Equatable {
    /// The asset's index in ``SimulationConfig/assets``.
    public var asset: Int
    /// Signed quantity in units of the asset: > 0 long, < 0 short.
    public var quantity: Double
    /// Entry price (USD).
    public var entryPrice: Double

    public init(asset: Int, quantity: Double, entryPrice: Double) {
        self.asset = asset
        self.quantity = quantity
        self.entryPrice = entryPrice
    }
}

/// A cross-margined account: one wallet (collateral, USD) backing positions in one or more
/// linear assets.
public struct CrossAccount: Sendable, Equatable {
    /// Wallet balance (USD): the collateral, before unrealised PnL.
    public var wallet: Double
    /// At most one leg per asset.
    public var legs: [CrossLeg]

    public init(wallet: Double, legs: [CrossLeg]) {
        self.wallet = wallet
        self.legs = legs
    }
}

/// The cross accounts of a run, with what the margin check needs precomputed.
///
/// With prices P (USD, by asset) and the cumulative funding Φ paid per unit held since the start
/// (USD per unit, > 0 when longs paid), account i's **headroom** is
///
///     H = W + Σₐ qₐ·(Pₐ − Eₐ − Φₐ) − Σₐ MMₐ(|qₐ|, Eₐ, Pₐ)
///
/// — margin balance (wallet plus unrealised PnL, less funding paid) minus the total maintenance
/// margin, each leg's maintenance by its asset's tiered rule
/// (``MarginRule/maintenanceMargin(quantity:entryPrice:at:)``). The account is liquidated when
/// H ≤ 0 (docs/model.md, "Cross accounts").
///
/// **Linear form.** Within a tier the maintenance is αₐ·Pₐ + βₐ, so for prices inside every leg's
/// tier band at the initial prices H = cᵢ + Σₐ qₐ(Pₐ − Φₐ) − Σₐ αₐPₐ: one row of a matrix
/// product (``matrix``, built here once for all workers). ``band`` is that band as factors of the
/// initial prices.
///
/// **Safety distance.** A tier table's maintenance has slope at most r_max + fee in the notional
/// and, if discontinuous, jumps of at most `jump` over its whole range; so a relative move of at
/// most δ in every asset from prices P lowers H by at most
/// δ·Σₐ |qₐ|·(1 + r_max,a + fee_a)·Pₐ + Σₐ jumpₐ(|qₐ|) — an account with
/// (H − slack)/S > δ is safe (``distance(headroom:scale:account:)``).
public struct CrossAccountBook: Sendable {
    public let accounts: [CrossAccount]
    public let assetCount: Int
    /// Each asset's margin rule (linear assets only).
    public let rules: [MarginRule]
    /// The linear form of every account, for the dense check.
    public let matrix: AccountMarginMatrix
    /// Per account: the tier bands' intersection, as factors (low, high) of the initial prices.
    let band: [SIMD2<Double>]
    /// Per account: the safety slack of discontinuous tier tables (0 for continuous ones).
    let slack: [Double]
    /// The initial prices.
    public let initialPrices: [Double]
    /// The legs and tiers in flat storage, for the exact headroom.
    let table: CrossAccountTable

    /// - Precondition: every leg's asset is in `0..<rules.count`, quantities non-zero, prices > 0.
    public init(accounts: [CrossAccount], rules: [MarginRule], initialPrices: [Double]) {
        let k = rules.count
        self.accounts = accounts
        self.assetCount = k
        self.rules = rules
        self.initialPrices = initialPrices
        let n = accounts.count
        // Row-major n × 2K [q | −α] (α the maintenance's slope in the price at the initial tier),
        // n × K |q|·(1 + r_max + fee) (the headroom's largest slope), and n: W − Σ q·E + Σ β.
        var coefficients = [Double](repeating: 0, count: n * 2 * k)
        var scales = [Double](repeating: 0, count: n * k)
        var constants = [Double](repeating: 0, count: n)
        var band = [SIMD2<Double>](repeating: SIMD2(0, .infinity), count: n)
        var slack = [Double](repeating: 0, count: n)
        let ruleSlope = rules.map(\.largestMaintenanceSlope)
        let jumps = rules.map(Self.largestJumps)
        for (i, account) in accounts.enumerated() {
            var c = account.wallet
            for leg in account.legs {
                let a = leg.asset, q = leg.quantity, size = abs(q), rule = rules[a]
                coefficients[i * 2 * k + a] += q
                c -= q * leg.entryPrice
                let p0 = initialPrices[a]
                let tier = rule.tiers[rule.tierIndex(quantity: size, entryPrice: leg.entryPrice, at: p0)]
                switch rule.basis {
                case .notionalAtEntry:
                    c -= size * leg.entryPrice * (tier.rate + rule.maintenanceFee) - tier.deduction
                case .notionalAtLiquidation:
                    coefficients[i * 2 * k + k + a] -= size * (tier.rate + rule.maintenanceFee)
                    c += tier.deduction
                    // The prices at which the notional stays in this tier (≤ cap, > floor).
                    let low = tier.floor / (size * p0), high = tier.cap / (size * p0)
                    band[i] = SIMD2(max(band[i][0], low), min(band[i][1], high))
                default:
                    coefficients[i * 2 * k + k + a] -= size * (tier.rate + rule.maintenanceFee)
                    c += tier.deduction
                }
                scales[i * k + a] += size * (1 + ruleSlope[a])
                slack[i] += jumps[a]
            }
            constants[i] = c
        }
        matrix = AccountMarginMatrix(accounts: n, assets: k, headroomCoefficients: coefficients,
                                     scaleCoefficients: scales, constants: constants)
        self.band = band
        self.slack = slack
        table = CrossAccountTable(accounts: accounts, rules: rules)
    }

    /// Number of accounts.
    public var count: Int { accounts.count }

    /// The sum of a tier table's upward jumps of maintenance at tier boundaries (0 when the
    /// deductions make it continuous), for a safety slack. Per unit of nothing: an absolute USD
    /// bound valid for any position size, since a jump at cap c is c·(rₜ₊₁ − rₜ) − (dₜ₊₁ − dₜ).
    static func largestJumps(_ rule: MarginRule) -> Double {
        var total = 0.0
        for t in rule.tiers.indices.dropLast() {
            let cap = rule.tiers[t].cap
            guard cap.isFinite else { continue }
            let below = cap * rule.tiers[t].rate - rule.tiers[t].deduction
            let above = cap * rule.tiers[t + 1].rate - rule.tiers[t + 1].deduction
            total += max(0, above - below)
        }
        return total
    }

    /// The exact headroom H of account `i` at prices `prices` (by asset, USD) with cumulative
    /// funding `funding` per unit (by asset), and the wallet net of funding.
    @inline(__always)
    public func headroom(account i: Int, prices: UnsafePointer<Double>, funding: UnsafePointer<Double>) -> Double {
        table.headroom(i, prices: prices, funding: funding)
    }

    /// The headroom of `account` under `rules` (see the type's description).
    public static func headroom(_ account: CrossAccount, rules: [MarginRule], prices: UnsafePointer<Double>,
                                funding: UnsafePointer<Double>) -> Double {
        var h = account.wallet
        for leg in account.legs {
            let p = prices[leg.asset]
            h += leg.quantity * (p - leg.entryPrice - funding[leg.asset])
            h -= rules[leg.asset].maintenanceMargin(quantity: abs(leg.quantity), entryPrice: leg.entryPrice, at: p)
        }
        return h
    }

    /// The relative move (in every asset) the account can take before it may be liquidatable:
    /// (H − slack)/S, lowered by a relative 1e-9 of S for rounding; 0 when that is not positive.
    @inline(__always)
    public func distance(headroom h: Double, scale s: Double, account i: Int) -> Double {
        guard s > 0 else { return h > slack[i] ? .infinity : 0 }
        return max(0, (h - slack[i]) / s - 1e-9)
    }

    /// Whether prices whose ratios to the initial prices lie in [`low`, `high`] keep account `i`
    /// in its initial tiers (so the linear form is exact).
    @inline(__always)
    func inBand(_ i: Int, low: Double, high: Double) -> Bool { band[i][0] < low && high <= band[i][1] }
}
