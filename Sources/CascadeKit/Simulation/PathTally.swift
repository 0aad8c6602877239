/// The running totals of one path that change only when it liquidates.
public struct PathTally: Sendable {
    public var fund: InsuranceFund
    public var longEntryNotional = 0.0
    public var shortEntryNotional = 0.0
    public var longExecutedNotional = 0.0
    public var shortExecutedNotional = 0.0
    public var liquidations = 0
    public var maxRounds = 0
    public var roundCapHits = 0
    /// Asset-steps at which a price limit of ``ModelLimits`` bound: the fundamental price at its
    /// band, or the impact saturated.
    public var priceLimitHits = 0
    public var marginLost = 0.0
    /// What the counterparties of the forced orders gained: Σ s·q·(E − X).
    public var counterpartyGains = 0.0
    public var fees = 0.0
    public var partialLiquidations = 0
    public var deleveragedPositions = 0
    public var deleveragedNotional = 0.0
    /// The path's haircuts by position, kept only when the scenario measures them
    /// (`mechanisms:`).
    public var haircuts: HaircutLedger? = nil
    /// Deferred disposal: the largest USD notional the engine held at the end of a step, and the
    /// engine's P&L on the flow it held (booked by the fund).
    public var pendingNotionalMax = 0.0
    public var disposalPnL = 0.0
    /// Cascade rounds of the last resolved step (set by ``CascadeResolver``).
    public var lastRounds = 0
    /// Step of the first liquidation, or −1.
    public var firstLiquidationStep = -1

    public init(insuranceFund: Double, drawdownLimit: Double? = nil) {
        fund = InsuranceFund(initial: insuranceFund, drawdownLimit: drawdownLimit)
    }

    /// Liquidated notional at execution prices, both sides.
    public var executedNotional: Double { longExecutedNotional + shortExecutedNotional }
}
