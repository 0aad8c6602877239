/// The insurance fund of one path, with its bad debt.
///
/// Each liquidation hands the fund a receipt r = s·q·(X − P_bk) (X the execution price): positive
/// when the position was closed better than bankruptcy, negative when the fund must cover a
/// deficit. The fund never goes below zero: the part of a deficit it cannot pay is **bad debt**
/// (in M0 nobody covers it; auto-deleveraging comes with the venue rulebooks). Later surpluses refill
/// the fund but do not retire bad debt already incurred. Hence, always:
///
///     balance − initial = Σ receipts + badDebt,    balance ≥ 0.
public struct InsuranceFund: Sendable, Equatable {
    /// The balance at the start (USD).
    public private(set) var initial: Double
    /// The current balance (USD, ≥ 0).
    public private(set) var balance: Double
    /// The lowest balance so far.
    public private(set) var lowest: Double
    /// Deficits the fund could not cover, in total (USD, ≥ 0).
    public private(set) var badDebt: Double
    /// Sum of all receipts (USD; negative where the fund paid more than it received).
    public private(set) var netReceipts: Double

    public init(initial: Double) {
        self.initial = initial
        self.balance = initial
        self.lowest = initial
        self.badDebt = 0
        self.netReceipts = 0
    }

    /// Books one receipt (negative: a deficit to cover).
    public mutating func settle(_ receipt: Double) {
        netReceipts += receipt
        if receipt >= 0 {
            balance += receipt
        } else if balance >= -receipt {
            balance += receipt
        } else {
            badDebt += -receipt - balance
            balance = 0
        }
        if balance < lowest { lowest = balance }
    }
}
