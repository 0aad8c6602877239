/// The insurance fund of one path, with auto-deleveraging cover and bad debt.
///
/// Each liquidation hands the fund a receipt r: positive when the position was closed better than
/// bankruptcy (or a fee was charged), negative when the fund must cover a deficit. The fund pays
/// deficits down to its floor — zero, or (for a venue that deleverages when the fund falls a
/// given fraction below its peak) (1 − limit)·peak. What it does not pay is the *shortfall*: the
/// engine covers it by auto-deleveraging where the venue does (``recordDeleveraging(_:)``), then
/// from the rest of the fund, and books what is still uncovered as **bad debt**. Later surpluses
/// refill the fund but do not retire bad debt or undo deleveraging. Hence, always:
///
///     balance − initial = Σ receipts + deleveraged + badDebt,    balance ≥ 0.
public struct InsuranceFund: Sendable, Equatable {
    /// The balance at the start (USD).
    public private(set) var initial: Double
    /// The current balance (USD, ≥ 0).
    public private(set) var balance: Double
    /// The lowest and highest balance so far.
    public private(set) var lowest: Double
    public private(set) var peak: Double
    /// The lowest balance since the last ``watch()`` (the start, before any).
    public private(set) var lowestSinceWatch: Double
    /// Deficits nobody covered, in total (USD, ≥ 0).
    public private(set) var badDebt: Double
    /// Deficits covered by auto-deleveraging profitable traders, in total (USD, ≥ 0).
    public private(set) var deleveraged: Double
    /// Sum of all receipts (USD; negative where the fund paid more than it received).
    public private(set) var netReceipts: Double
    /// The fraction below its peak the fund may fall before deleveraging (nil: down to zero).
    public let drawdownLimit: Double?

    public init(initial: Double, drawdownLimit: Double? = nil) {
        self.initial = initial
        balance = initial
        lowest = initial
        peak = initial
        lowestSinceWatch = initial
        badDebt = 0
        deleveraged = 0
        netReceipts = 0
        self.drawdownLimit = drawdownLimit
    }

    /// The balance the fund pays deficits down to before deleveraging.
    public var floor: Double { drawdownLimit.map { peak * (1 - $0) } ?? 0 }

    /// Books one receipt (negative: a deficit to cover) and returns the shortfall the fund did not
    /// pay (0 for a receipt it could absorb).
    @inline(__always)
    public mutating func receive(_ receipt: Double) -> Double {
        netReceipts += receipt
        if receipt >= 0 {
            balance += receipt
            peak = max(peak, balance)
            return 0
        }
        let pay = min(-receipt, max(0, balance - floor))
        balance -= pay
        lowest = min(lowest, balance)
        lowestSinceWatch = min(lowestSinceWatch, balance)
        return -receipt - pay
    }

    /// Starts watching for a new low: ``lowestSinceWatch`` is the balance now. (With several
    /// funds on a path, the lowest of their total is found from the one fund a cascade touches.)
    public mutating func watch() {
        lowestSinceWatch = balance
    }

    /// Records that deleveraging covered `amount` of a shortfall.
    public mutating func recordDeleveraging(_ amount: Double) {
        deleveraged += amount
    }

    /// Records that deleveraging covered `amount` of a shortfall and took `beyond` more from the
    /// winners (a whole-position severity, ``ADLPolicy/Severity/position``), which the fund keeps.
    public mutating func recordDeleveraging(_ amount: Double, beyondShortfall beyond: Double) {
        deleveraged += amount + beyond
        guard beyond > 0 else { return }
        balance += beyond
        peak = max(peak, balance)
    }

    /// Covers what is left of a shortfall from the fund's remaining balance (below its floor) and
    /// books the rest as bad debt.
    public mutating func coverRemaining(_ shortfall: Double) {
        let pay = min(shortfall, balance)
        balance -= pay
        lowest = min(lowest, balance)
        lowestSinceWatch = min(lowestSinceWatch, balance)
        badDebt += shortfall - pay
    }

    /// Books one receipt with no deleveraging: deficits beyond the balance become bad debt.
    public mutating func settle(_ receipt: Double) {
        let shortfall = receive(receipt)
        if shortfall > 0 { coverRemaining(shortfall) }
    }
}
