/// The direction of a position.
public enum Side: String, Sendable, CaseIterable, Hashable {
    case long
    case short

    /// +1 for a long, −1 for a short.
    @inlinable
    public var sign: Double { self == .long ? 1 : -1 }
}

/// One isolated-margin position: the unit the exchange rules act on.
public struct Position: Sendable, Hashable {
    public var side: Side
    /// Contracts, in units of the asset (e.g. BTC); > 0.
    public var quantity: Double
    /// Average entry price (USD).
    public var entryPrice: Double
    /// Leverage L ≥ 1 at entry: margin = quantity · entryPrice / L.
    public var leverage: Double

    public init(side: Side, quantity: Double, entryPrice: Double, leverage: Double) {
        self.side = side
        self.quantity = quantity
        self.entryPrice = entryPrice
        self.leverage = leverage
    }

    /// Notional at entry, q·E (USD).
    @inlinable
    public var entryNotional: Double { quantity * entryPrice }

    /// Isolated margin M = q·E / L (USD).
    @inlinable
    public var margin: Double { quantity * entryPrice / leverage }
}
