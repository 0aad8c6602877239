import Foundation

/// One maintenance-margin tier (bracket, risk limit): positions whose size falls in
/// (floor, cap] pay maintenance MM = size·rate − deduction and may use at most `maxLeverage`.
/// Size is USD notional, or contracts for venues that tier by quantity. Caps are inclusive, as
/// the venues publish them ("≤ cap": Binance's brackets, Bybit's risk limits, OKX's and BitMEX's
/// tiers): a position of exactly the cap is in the lower tier.
public struct MarginTier: Sendable, Equatable, Codable {
    public var floor: Double
    public var cap: Double
    public var maxLeverage: Double
    public var rate: Double
    /// The maintenance amount ("cum", "deduction") that keeps MM continuous across tiers:
    /// dₙ = dₙ₋₁ + floorₙ·(rateₙ − rateₙ₋₁).
    public var deduction: Double

    public init(floor: Double, cap: Double, maxLeverage: Double, rate: Double, deduction: Double) {
        self.floor = floor
        self.cap = cap
        self.maxLeverage = maxLeverage
        self.rate = rate
        self.deduction = deduction
    }

    /// Tiers from caps, maximum leverages and rates, with deductions by the continuity recursion
    /// (or none, for venues whose whole position uses its tier's rate).
    public static func table(caps: [Double], maxLeverage: [Double], rates: [Double], continuous: Bool = true) -> [MarginTier] {
        var tiers: [MarginTier] = []
        var floor = 0.0, deduction = 0.0, previousRate = rates.first ?? 0
        for i in caps.indices {
            if continuous && i > 0 { deduction += floor * (rates[i] - previousRate) }
            tiers.append(MarginTier(floor: floor, cap: caps[i], maxLeverage: maxLeverage[i], rate: rates[i], deduction: continuous ? deduction : 0))
            floor = caps[i]
            previousRate = rates[i]
        }
        return tiers
    }
}

/// What a venue's tiers are measured on, and when.
public enum TierBasis: Sendable, Equatable {
    /// Notional at the liquidation price: the bracket is the one the position's notional falls in
    /// when the price reaches the liquidation price (Binance USDⓈ-M, Hyperliquid).
    case notionalAtLiquidation
    /// Notional at entry: maintenance margin is fixed when the position opens (Bybit's USDT
    /// contracts).
    case notionalAtEntry
    /// The tier (risk limit) is chosen by the notional at entry, but maintenance margin is that
    /// tier's rate on the current notional (BitMEX).
    case riskLimitAtEntry
    /// Number of contracts of `contractSize` asset units: the tier does not depend on price (OKX).
    case contracts(contractSize: Double)
}

/// How the venue settles a liquidated position at its execution price X, with bankruptcy price
/// P_bk and e = s·q·(X − P_bk), the position's equity after the close.
public enum SettlementStyle: Sendable, Equatable {
    /// The insurance fund takes the position over at the bankruptcy price: the trader loses the
    /// whole margin and the fund receives e (negative: it pays the deficit). A clearance fee is
    /// the part f·q·X of it labelled as fee (Binance, Bybit, OKX, BitMEX; model M0).
    case takeover
    /// Closed at market: the trader keeps e when it is at least `backstop`·MM (Hyperliquid: ⅔),
    /// otherwise the backstop (liquidator vault, here the insurance fund) takes the position over
    /// and receives e.
    case market(backstop: Double)
    /// Closed at market: when e > 0 the fund receives a fee min(rate·q·X, e) and the trader keeps
    /// the rest; when e < 0 the fund pays (dYdX v4).
    case cappedFee(rate: Double)
}

/// The margin rule of a venue for one asset: tiered maintenance margin, how the tier is chosen,
/// and how a liquidation settles. The liquidation price of an isolated position
/// (side s, quantity q, entry E, margin M) solves equity = maintenance margin:
///
///     M + s·q·(P − E) = MM(P),   MM(P) = q·P·(rate_t + fee) − deduction_t   (tier t at P)
///     ⇒ P_liq = (M − s·q·E + deduction_t) / (q·(rate_t + fee − s))
///
/// with the tier chosen where the venue chooses it (``TierBasis``); for a tier fixed at entry,
/// MM = q·E·rate_t − deduction_t is a constant and P_liq = E − s·(M − MM)/q. The bankruptcy price
/// is where equity is zero: P_bk = E − s·M/q.
///
/// A single flat tier with rate m reproduces model M0: P_liq = E(1 ∓ 1/L)/(1 ∓ m).
public struct MarginRule: Sendable, Equatable {
    public var tiers: [MarginTier]
    public var basis: TierBasis
    /// A fee rate added to the maintenance rate (OKX counts the liquidation fee in it).
    public var maintenanceFee: Double
    /// Clearance fee on executed notional, paid to the insurance fund (takeover venues).
    public var liquidationFee: Double
    public var settlement: SettlementStyle
    /// A fee rate on the position's notional at its bankruptcy price, counted in maintenance:
    /// MM += bankruptcyFee·q·max(0, P_bk). Only the reciprocal form of an inverse contract has one
    /// (BitMEX's and Bybit's fee to close at the bankruptcy price, ``InverseMarginRule/reciprocal``);
    /// every linear preset has 0, and then MM is exactly as without it.
    public var bankruptcyFee: Double = 0

    public init(tiers: [MarginTier], basis: TierBasis, maintenanceFee: Double = 0, liquidationFee: Double = 0,
                settlement: SettlementStyle = .takeover, bankruptcyFee: Double = 0) {
        self.tiers = tiers
        self.basis = basis
        self.maintenanceFee = maintenanceFee
        self.liquidationFee = liquidationFee
        self.settlement = settlement
        self.bankruptcyFee = bankruptcyFee
    }

    /// Model M0's rule: one flat maintenance rate m (and leverage below 1/m).
    public init(maintenanceMarginRate m: Double, liquidationFee: Double = 0) {
        self.init(tiers: [MarginTier(floor: 0, cap: .infinity, maxLeverage: m > 0 ? 1 / m : .infinity, rate: m, deduction: 0)],
                  basis: .notionalAtLiquidation, liquidationFee: liquidationFee)
    }

    /// The rate of the first tier (the flat rate of an M0 rule).
    public var maintenanceMarginRate: Double { tiers[0].rate }

    /// The largest leverage any position may have (the first tier's).
    public var maximumLeverage: Double { tiers[0].maxLeverage }

    /// The steepest maintenance per unit of notional, r_max + maintenance fee: no position's
    /// maintenance rises faster than this as its notional grows.
    public var largestMaintenanceSlope: Double { tiers.map(\.rate).max()! + maintenanceFee }

    /// The tier of a position of `size` (notional or contracts, per ``basis``).
    @inlinable
    public func tierIndex(size: Double) -> Int {
        var t = 0
        while t + 1 < tiers.count && size > tiers[t].cap { t += 1 }
        return t
    }

    /// The tier used for a position's maintenance margin at price `price`.
    public func tierIndex(quantity q: Double, entryPrice: Double, at price: Double) -> Int {
        switch basis {
        case .notionalAtLiquidation: tierIndex(size: q * price)
        case .notionalAtEntry, .riskLimitAtEntry: tierIndex(size: q * entryPrice)
        case let .contracts(size): tierIndex(size: q / size)
        }
    }

    /// The largest quantity whose size (per ``basis``, for entry price `entryPrice` and price
    /// `price`) is within tier `t`'s cap: what a step-down to tier t keeps. Exact to the last bit:
    /// the size of the result is ≤ the cap.
    public func largestQuantity(inTier t: Int, entryPrice e: Double, at price: Double) -> Double {
        let cap = tiers[t].cap
        guard cap.isFinite else { return .infinity }
        let size: (Double) -> Double
        switch basis {
        case .notionalAtEntry, .riskLimitAtEntry: size = { $0 * e }
        case .notionalAtLiquidation: size = { $0 * price }
        case let .contracts(contract): size = { $0 / contract }
        }
        var q: Double
        switch basis {
        case let .contracts(contract): q = cap * contract
        case .notionalAtLiquidation: q = cap / price
        default: q = cap / e
        }
        while q > 0 && size(q) > cap { q = q.nextDown }
        return q
    }

    /// Maintenance margin of a position at price `price`, without the ``bankruptcyFee`` term (which
    /// needs the position's side and margin: ``maintenanceMargin(sign:quantity:entryPrice:margin:at:)``).
    public func maintenanceMargin(quantity q: Double, entryPrice: Double, at price: Double) -> Double {
        let tier = tiers[tierIndex(quantity: q, entryPrice: entryPrice, at: price)]
        switch basis {
        case .notionalAtEntry: return q * entryPrice * (tier.rate + maintenanceFee) - tier.deduction
        default: return q * price * (tier.rate + maintenanceFee) - tier.deduction
        }
    }

    /// Maintenance margin at `price` of a position of side sign `s`, quantity q, entry E and
    /// margin M, with the ``bankruptcyFee`` term bankruptcyFee·q·max(0, E − s·M/q).
    @inlinable
    public func maintenanceMargin(sign s: Double, quantity q: Double, entryPrice e: Double, margin m: Double,
                                  at price: Double) -> Double {
        let base = maintenanceMargin(quantity: q, entryPrice: e, at: price)
        guard bankruptcyFee != 0 else { return base }
        return base + bankruptcyFeeTerm(sign: s, quantity: q, entryPrice: e, margin: m)
    }

    /// The ``bankruptcyFee`` term of maintenance, bankruptcyFee·q·max(0, E − s·M/q): a constant of
    /// the position (0 on linear rules).
    @inlinable
    public func bankruptcyFeeTerm(sign s: Double, quantity q: Double, entryPrice e: Double, margin m: Double) -> Double {
        bankruptcyFee == 0 ? 0 : bankruptcyFee * q * Swift.max(0, Self.bankruptcyPrice(sign: s, quantity: q, entryPrice: e, margin: m))
    }

    /// The liquidation price and the tier used for it, for a position with margin `margin`;
    /// price 0 when the position cannot be liquidated (a long whose margin covers its notional).
    public func liquidationPrice(side: Side, quantity q: Double, entryPrice e: Double, margin m: Double) -> (price: Double, tier: Int) {
        let s = side.sign
        let feeTerm = bankruptcyFeeTerm(sign: s, quantity: q, entryPrice: e, margin: m)
        func solve(_ t: Int) -> Double { solvedPrice(tier: t, sign: s, quantity: q, entryPrice: e, margin: m, feeTerm: feeTerm) }
        switch basis {
        case .notionalAtEntry:
            let t = tierIndex(size: q * e)
            let mm = q * e * (tiers[t].rate + maintenanceFee) - tiers[t].deduction + feeTerm
            return (max(0, e - s * (m - mm) / q), t)
        case let .contracts(size):
            let t = tierIndex(size: q / size)
            return (max(0, solve(t)), t)
        case .riskLimitAtEntry:
            let t = tierIndex(size: q * e)
            return (max(0, solve(t)), t)
        case .notionalAtLiquidation:
            // The tier whose notional range holds q·P_liq: exactly one is consistent because MM is
            // continuous in the notional.
            var fallback = (price: 0.0, tier: 0)
            for t in tiers.indices {
                let p = solve(t)
                guard p > 0 else { continue }
                let notional = q * p
                if notional > tiers[t].floor && notional <= tiers[t].cap { return (p, t) }
                if fallback.price == 0 { fallback = (p, t) }
            }
            return fallback
        }
    }

    /// The price at which equity meets tier `t`'s maintenance on the current notional (or
    /// contracts): P = (M − s·q·E + dₜ − b) / (q·(rₜ + f − s)), b the bankruptcy-fee term.
    @inline(__always)
    func solvedPrice(tier t: Int, sign s: Double, quantity q: Double, entryPrice e: Double, margin m: Double,
                     feeTerm: Double) -> Double {
        let tier = tiers[t]
        return (m - s * q * e + tier.deduction - feeTerm) / (q * (tier.rate + maintenanceFee - s))
    }

    /// Whether ``liquidationPrice(side:quantity:entryPrice:margin:)`` finds a positive price in
    /// the first tier for this position — for a tier by the notional at liquidation, the first
    /// tier's own test (not a fallback to it), without trying the other tiers.
    public func liquidatesInFirstTier(side: Side, quantity q: Double, entryPrice e: Double, margin m: Double) -> Bool {
        guard basis == .notionalAtLiquidation else {
            let solved = liquidationPrice(side: side, quantity: q, entryPrice: e, margin: m)
            return solved.tier == 0 && solved.price > 0
        }
        let feeTerm = bankruptcyFeeTerm(sign: side.sign, quantity: q, entryPrice: e, margin: m)
        let price = solvedPrice(tier: 0, sign: side.sign, quantity: q, entryPrice: e, margin: m, feeTerm: feeTerm)
        return price > 0 && q * price > tiers[0].floor && q * price <= tiers[0].cap
    }

    @inlinable
    public func liquidationPrice(of position: Position) -> Double {
        liquidationPrice(side: position.side, quantity: position.quantity, entryPrice: position.entryPrice,
                         margin: position.margin).price
    }

    /// The liquidation price of a position of leverage `leverage` (margin = notional/leverage);
    /// independent of the quantity for a flat rule.
    public func liquidationPrice(side: Side, entryPrice: Double, leverage: Double, quantity: Double = 1) -> Double {
        liquidationPrice(side: side, quantity: quantity, entryPrice: entryPrice, margin: quantity * entryPrice / leverage).price
    }

    /// The price at which `position`'s equity is zero: E − s·M/q.
    @inlinable
    public func bankruptcyPrice(of position: Position) -> Double {
        Self.bankruptcyPrice(sign: position.side.sign, quantity: position.quantity, entryPrice: position.entryPrice,
                             margin: position.margin)
    }

    /// The price at which a position of side sign s (+1 long, −1 short), quantity q, entry price E
    /// and isolated margin M has zero equity: E − s·M/q. It does not depend on the venue's tiers.
    @inlinable @inline(__always)
    public static func bankruptcyPrice(sign s: Double, quantity q: Double, entryPrice e: Double, margin m: Double) -> Double {
        e - s * m / q
    }

    @inlinable
    public func bankruptcyPrice(side: Side, entryPrice: Double, leverage: Double) -> Double {
        entryPrice * (1 - side.sign / leverage)
    }

    /// Whether `position` meets the liquidation condition at `price`, from the margin inequality.
    public func isLiquidatable(_ position: Position, at price: Double) -> Bool {
        let equity = position.margin + position.side.sign * position.quantity * (price - position.entryPrice)
        return equity <= maintenanceMargin(sign: position.side.sign, quantity: position.quantity, entryPrice: position.entryPrice,
                                           margin: position.margin, at: price)
    }

    /// The largest leverage allowed for a position of `quantity` at `entryPrice` (its tier's at
    /// entry), and whether `leverage` is allowed: at most that, and with initial margin above the
    /// maintenance margin at entry (counting the ``bankruptcyFee`` term of a position of `side`).
    public func allows(leverage: Double, quantity: Double, entryPrice: Double, side: Side = .long) -> (allowed: Bool, maximum: Double) {
        let tier = tiers[tierIndex(quantity: quantity, entryPrice: entryPrice, at: entryPrice)]
        let initial = quantity * entryPrice / leverage
        let maintenance = maintenanceMargin(sign: side.sign, quantity: quantity, entryPrice: entryPrice, margin: initial, at: entryPrice)
        return (leverage >= 1 && leverage <= tier.maxLeverage && initial > maintenance, tier.maxLeverage)
    }
}

/// Model M0's flat rule under its original name.
public typealias FlatMarginRule = MarginRule
