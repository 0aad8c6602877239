/// One round of a cascade on a traced path (``PathTrace``): the positions found liquidatable at
/// `roundPrice` and closed at `executionPrice`, after the impact of their own flow. Prices in USD,
/// notionals in USD at the execution price.
public struct TraceRound: Sendable, Equatable {
    public var step: Int
    public var asset: Int
    /// The round's number within the step's cascade, from 1.
    public var round: Int
    public var roundPrice: Double
    public var executionPrice: Double
    /// Positions closed in full, by side.
    public var longCount = 0
    public var shortCount = 0
    /// Liquidated notional by side, partial closes included.
    public var longNotional = 0.0
    public var shortNotional = 0.0
    /// Partial closes in the round.
    public var partialCloses = 0

    public init(step: Int, asset: Int, round: Int, roundPrice: Double, executionPrice: Double) {
        self.step = step
        self.asset = asset
        self.round = round
        self.roundPrice = roundPrice
        self.executionPrice = executionPrice
    }
}
