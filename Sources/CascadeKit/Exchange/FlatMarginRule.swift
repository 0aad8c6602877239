/// Model M0's exchange rule: one flat maintenance-margin rate for every position.
///
/// A position (side s = ±1, quantity q, entry E, leverage L, isolated margin M = qE/L) is
/// liquidated when its equity falls to the maintenance margin:
///
///     M + s·q·(P − E) ≤ m·q·P
///
/// Solving for P gives the liquidation prices
///
///     long:  P_liq = E·(1 − 1/L) / (1 − m)
///     short: P_liq = E·(1 + 1/L) / (1 + m)
///
/// and the bankruptcy price (equity zero) is P_bk = E ∓ M/q = E·(1 ∓ 1/L).
///
/// Tiers, mark price and venue fee rules come with the venue rulebooks; see docs/model.md.
public struct FlatMarginRule: Sendable, Equatable {
    /// Maintenance-margin rate m, a fraction of notional at the current price (0 ≤ m < 1).
    public var maintenanceMarginRate: Double
    /// Clearance fee f, a fraction of the executed notional, collected by the insurance fund.
    public var liquidationFee: Double

    public init(maintenanceMarginRate: Double, liquidationFee: Double = 0) {
        self.maintenanceMarginRate = maintenanceMarginRate
        self.liquidationFee = liquidationFee
    }

    /// The price at which `position` is liquidated (0 for an unlevered long, which never is).
    @inlinable
    public func liquidationPrice(of position: Position) -> Double {
        liquidationPrice(side: position.side, entryPrice: position.entryPrice, leverage: position.leverage)
    }

    @inlinable
    public func liquidationPrice(side: Side, entryPrice: Double, leverage: Double) -> Double {
        let m = maintenanceMarginRate
        switch side {
        case .long: return entryPrice * (1 - 1 / leverage) / (1 - m)
        case .short: return entryPrice * (1 + 1 / leverage) / (1 + m)
        }
    }

    /// The price at which `position`'s equity is zero.
    @inlinable
    public func bankruptcyPrice(of position: Position) -> Double {
        bankruptcyPrice(side: position.side, entryPrice: position.entryPrice, leverage: position.leverage)
    }

    @inlinable
    public func bankruptcyPrice(side: Side, entryPrice: Double, leverage: Double) -> Double {
        entryPrice * (1 - side.sign / leverage)
    }

    /// Whether `position` meets the liquidation condition at price `price`, evaluated directly
    /// from the margin inequality (not from the liquidation price).
    @inlinable
    public func isLiquidatable(_ position: Position, at price: Double) -> Bool {
        let equity = position.margin + position.side.sign * position.quantity * (price - position.entryPrice)
        return equity <= maintenanceMarginRate * position.quantity * price
    }

    /// The largest leverage a position may have: above 1/m the initial margin is below the
    /// maintenance margin and the position would be liquidatable the moment it opens.
    public var maximumLeverage: Double {
        maintenanceMarginRate > 0 ? 1 / maintenanceMarginRate : .infinity
    }
}
