/// The margin rule of an **inverse** (coin-margined) perpetual: BitMEX XBTUSD, Bybit BTCUSD,
/// Binance COIN-M. A position is Q contracts of a fixed USD face value (Q in USD), its margin M
/// and PnL are in the coin:
///
///     PnL = s·Q·(1/E − 1/P)   (coin),   position value = Q/P   (coin)
///
/// In the reciprocal price y = 1/P an inverse position is a linear one of the opposite side:
/// PnL = −s·Q·(y − y_E). Hence, with y_E = 1/E,
///
///     bankruptcy   y_bk  = y_E + s·M/Q                 (long: P_bk = E·L/(L + 1), L = Q·y_E/M)
///     liquidation  y_liq = y_E + s·(M − MM)/Q
///
/// and a price of 0 or below in y means the position has none (a 1× short cannot go bankrupt).
/// Tiers (risk limits) are in coin. Maintenance MM (coin) is one of:
/// - ``Maintenance/entryValue(closeFee:)``: rate_t·Q/E + closeFee·Q/P_bk, the tier by the value at
///   entry — BitMEX ("maintenance margin = MM% × entry value + (taker fee + funding) × bankruptcy
///   value" [S: "How to BitMEX: calculate liquidation price on XBTUSD", 2020-02-24, and BitMEX's
///   support on r/BitMEX, 2020-03-09]) and Bybit (MMR × entry value + the fee to close at the
///   bankruptcy price [V: Bybit help centre, inverse liquidation example]).
/// - ``Maintenance/valueAtLiquidation``: Q/P·rate_t − cum_t with the tier of the value Q/P at the
///   liquidation price — Binance COIN-M [V: "How to calculate liquidation price of COIN-M futures
///   contracts", 2021-02-05].
public struct InverseMarginRule: Sendable, Equatable {
    public enum Maintenance: Sendable, Equatable {
        /// rate·(value at entry) + closeFee·(value at the bankruptcy price).
        case entryValue(closeFee: Double)
        /// rate·(value at the price) − deduction, in the tier of that value.
        case valueAtLiquidation
    }

    /// Tiers by position value in coin.
    public var tiers: [MarginTier]
    public var maintenance: Maintenance

    public init(tiers: [MarginTier], maintenance: Maintenance) {
        self.tiers = tiers
        self.maintenance = maintenance
    }

    /// This rule in the reciprocal price y = 1/P, as a linear ``MarginRule`` whose amounts are in
    /// the coin: the inverse position (side s, Q contracts, entry E, margin M) is the linear
    /// position ``reciprocalPosition(side:contracts:entryPrice:margin:)`` = (side −s, quantity Q,
    /// entry 1/E, margin M) of it, with PnL −s·Q·(y − 1/E) = s·Q·(1/E − 1/P). Its liquidation and
    /// bankruptcy prices are 1/P_liq and 1/P_bk (0 where the inverse position has none, P = +∞),
    /// its maintenance margin at y = 1/P is this rule's at P, and its tier is this rule's:
    ///
    /// - ``Maintenance/entryValue(closeFee:)``: rate_t·q·e + closeFee·q·y_bk with the tier of the
    ///   value at entry q·e — basis `.notionalAtEntry` with ``MarginRule/bankruptcyFee``, no
    ///   deduction;
    /// - ``Maintenance/valueAtLiquidation``: q·y·rate_t − cum_t with the tier of q·y — basis
    ///   `.notionalAtLiquidation`.
    ///
    /// Everything that is linear in the price — the ladder's prefix sums, a takeover's receipt
    /// s'·(y·q − q·y_bk), auto-deleveraging at the bankruptcy price — then holds for an inverse
    /// book in the coin, with y for the price; only the forced flow in USD is Q (contracts), not
    /// q·y. Tested against this rule's own formulas (`InverseContractTests`).
    public var reciprocal: MarginRule {
        switch maintenance {
        case let .entryValue(closeFee):
            let undeducted = tiers.map { tier -> MarginTier in
                var tier = tier
                tier.deduction = 0
                return tier
            }
            return MarginRule(tiers: undeducted, basis: .notionalAtEntry, bankruptcyFee: closeFee)
        case .valueAtLiquidation:
            return MarginRule(tiers: tiers, basis: .notionalAtLiquidation)
        }
    }

    /// The linear position in y = 1/P that the inverse position (side, Q contracts at `e` USD,
    /// margin M coin) is under ``reciprocal``: side −s, quantity Q, entry 1/E, leverage (Q/E)/M.
    public static func reciprocalPosition(side: Side, contracts q: Double, entryPrice e: Double, margin m: Double) -> Position {
        reciprocalPosition(side: side, contracts: q, entryPrice: e, leverage: q / e / m)
    }

    /// The same for a position opened at leverage L (margin (Q/E)/L coin), keeping L exactly.
    public static func reciprocalPosition(side: Side, contracts q: Double, entryPrice e: Double, leverage: Double) -> Position {
        Position(side: side == .long ? .short : .long, quantity: q, entryPrice: 1 / e, leverage: leverage)
    }

    /// The tier of a position worth `value` coin.
    public func tierIndex(value: Double) -> Int {
        var t = 0
        while t + 1 < tiers.count && value > tiers[t].cap { t += 1 }
        return t
    }

    /// 1/P_bk = y_E + s·M/Q: the reciprocal bankruptcy price (≤ 0: none).
    public static func reciprocalBankruptcy(sign s: Double, contracts q: Double, entryPrice e: Double, margin m: Double) -> Double {
        1 / e + s * m / q
    }

    /// The bankruptcy price (USD), or +∞ where there is none (a short whose margin covers its value
    /// at entry).
    public static func bankruptcyPrice(side: Side, contracts q: Double, entryPrice e: Double, margin m: Double) -> Double {
        let y = reciprocalBankruptcy(sign: side.sign, contracts: q, entryPrice: e, margin: m)
        return y > 0 ? 1 / y : .infinity
    }

    /// Maintenance margin (coin) of the position at price `price`.
    public func maintenanceMargin(side: Side, contracts q: Double, entryPrice e: Double, margin m: Double, at price: Double) -> Double {
        switch maintenance {
        case let .entryValue(closeFee):
            let tier = tiers[tierIndex(value: q / e)]
            let yBankruptcy = max(0, Self.reciprocalBankruptcy(sign: side.sign, contracts: q, entryPrice: e, margin: m))
            return tier.rate * q / e + closeFee * q * yBankruptcy
        case .valueAtLiquidation:
            let tier = tiers[tierIndex(value: q / price)]
            return q / price * tier.rate - tier.deduction
        }
    }

    /// The liquidation price (USD; +∞ for a short that cannot be liquidated, 0 for none) and the
    /// tier used.
    public func liquidationPrice(side: Side, contracts q: Double, entryPrice e: Double, margin m: Double) -> (price: Double, tier: Int) {
        let s = side.sign, yE = 1 / e
        func price(_ y: Double) -> Double { y > 0 ? 1 / y : .infinity }
        switch maintenance {
        case .entryValue:
            let mm = maintenanceMargin(side: side, contracts: q, entryPrice: e, margin: m, at: e)
            return (price(yE + s * (m - mm) / q), tierIndex(value: q / e))
        case .valueAtLiquidation:
            // m + s·q·(y_E − y) = q·y·rate − d  ⇒  y = (m + s·q·y_E + d) / (q·(rate + s)); the tier
            // whose value range holds q·y (one is consistent: MM is continuous in the value).
            var fallback: (price: Double, tier: Int)? = nil
            for t in tiers.indices {
                let tier = tiers[t]
                let y = (m + s * q * yE + tier.deduction) / (q * (tier.rate + s))
                guard y > 0 else { continue }
                let value = q * y
                if value > tier.floor && value <= tier.cap { return (1 / y, t) }
                if fallback == nil { fallback = (1 / y, t) }
            }
            return fallback ?? (side == .long ? 0 : .infinity, 0)
        }
    }
}
