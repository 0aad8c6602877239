/// A traced path's totals over all assets at the end of a step (``PathTrace``), as its run
/// counts them: cumulative from the start, except the fund's balance.
public struct TraceTotals: Sendable, Equatable {
    /// USD liquidated notional so far (cross-account closures included).
    public var liquidatedNotional: Double
    /// Positions liquidated so far.
    public var liquidations: Int
    /// USD notional auto-deleveraged so far.
    public var adlNotional: Double
    /// USD balance of the insurance fund (the sum of the assets' funds when they are separate).
    public var fundBalance: Double

    public init(liquidatedNotional: Double, liquidations: Int, adlNotional: Double, fundBalance: Double) {
        self.liquidatedNotional = liquidatedNotional
        self.liquidations = liquidations
        self.adlNotional = adlNotional
        self.fundBalance = fundBalance
    }
}
