import Foundation

/// What happened to one asset on a traced path in one step (``PathTrace``): its prices at the end
/// of the step and the liquidations of its cascade. Prices are in USD, notionals in USD at the
/// execution prices.
public struct TraceStep: Sendable, Equatable {
    /// The log of the fundamental (no-feedback) price at the end of the step.
    public var logFundamental = Double.nan
    /// The transient log-impact J at the end of the step, after the cascade: the traded price is
    /// F·e^J.
    public var logImpact = Double.nan
    /// The log of the index mark price at the end of the step, when the asset's mark is an index
    /// (`exchange.markPrice`); nil when the traded price is the mark.
    public var logMark: Double? = nil
    /// Cascade rounds of the step that closed something (the highest round number reported).
    public var rounds = 0
    /// Positions closed in full, by side.
    public var longCount = 0
    public var shortCount = 0
    /// Liquidated notional by side, partial closes included.
    public var longNotional = 0.0
    public var shortNotional = 0.0
    /// Partial closes (the position lives on, smaller).
    public var partialCloses = 0
    /// Auto-deleveraging: positions hit, quantity closed (units of the asset; contracts of 1 USD
    /// for an inverse contract) and its USD notional at the bankruptcy price.
    public var adlCount = 0
    public var adlQuantity = 0.0
    public var adlNotional = 0.0

    public init() {}

    /// The fundamental price F.
    public var fundamentalPrice: Double { Foundation.exp(logFundamental) }
    /// The traded price F·e^J, computed as the engine computes the final traded price.
    public var tradedPrice: Double { Foundation.exp(logFundamental + logImpact) }
    /// The impact as a fraction of the fundamental price, P/F − 1 = e^J − 1.
    public var impactFraction: Double { Foundation.expm1(logImpact) }
    /// The index mark price, if the mark is an index.
    public var markPrice: Double? { logMark.map { Foundation.exp($0) } }
    /// Liquidated notional of both sides, long + short.
    public var liquidatedNotional: Double { longNotional + shortNotional }
}
