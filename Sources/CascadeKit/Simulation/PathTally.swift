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
    /// The last step at whose end the engine still held forced flow (−1: never).
    public var lastHeldStep = -1
    /// The backstop vault (`mechanisms.backstop`), first to book the liquidations' receipts and
    /// the engine's P&L; what it cannot pay passes to the fund (its ``InsuranceFund/badDebt``
    /// counts what it passed on). nil: the fund books them, as always.
    public var vault: InsuranceFund? = nil
    /// Cascade rounds of the last resolved step (set by ``CascadeResolver``).
    public var lastRounds = 0
    /// Step of the first liquidation, or −1.
    public var firstLiquidationStep = -1

    public init(insuranceFund: Double, drawdownLimit: Double? = nil) {
        fund = InsuranceFund(initial: insuranceFund, drawdownLimit: drawdownLimit)
    }

    /// Books `receipt` (USD; negative: a deficit) with the vault, if any, then the fund, and
    /// returns the shortfall neither paid (for deleveraging, else bad debt).
    @inline(__always)
    public mutating func receive(_ receipt: Double) -> Double {
        guard vault != nil else { return fund.receive(receipt) }
        let unpaid = vault!.receive(receipt)
        guard unpaid > 0 else { return 0 }
        vault!.coverRemaining(unpaid)
        return fund.receive(-unpaid)
    }

    /// Books `receipt` with no deleveraging: what neither the vault nor the fund pays is bad debt.
    public mutating func settle(_ receipt: Double) {
        let shortfall = receive(receipt)
        if shortfall > 0 { fund.coverRemaining(shortfall) }
    }

    /// Liquidated notional at execution prices, both sides.
    public var executedNotional: Double { longExecutedNotional + shortExecutedNotional }
}
