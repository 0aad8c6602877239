/// How the liquidation engine sends forced orders to the book (`mechanisms.disposal`): all at
/// once (the default, and what cascade always did), or at most a budget per step, the rest held
/// by the engine and sent in later steps (docs/model.md, "Disposal of forced orders").
///
/// The engine takes every liquidated position over at the round's execution price X, as today
/// (the traders' and the fund's settlement are unchanged), and holds what it may not yet send:
/// a signed pending flow F (forced buys − sells, units of the asset). Sending f of it at a later
/// execution price X′ gives the engine −f·(X′ − a), with a the average price it took the pending
/// flow over at; the fund books that P&L (a loss it cannot pay is bad debt). At the horizon what
/// is still pending is valued at the final traded price.
public protocol DisposalPolicy: Sendable {
    /// The quantity the engine may send in a step that starts holding |F| = `pending`, with the
    /// book's depth `depth` (USD, after any liquidity withdrawal) at price `price`.
    func stepBudget(pending: Double, depth: Double, price: Double) -> Double
    /// What a new forced quantity `quantity` (> 0) adds to the step's budget.
    func budget(forNew quantity: Double) -> Double
}

/// At most `fraction` of the book's depth D per step (the liquidation engine's throughput):
/// fraction·D/P units a step. A fraction large enough never to bind is immediate disposal.
public struct DepthFractionDisposal: DisposalPolicy, Equatable {
    public let fraction: Double

    public init(fraction: Double) { self.fraction = fraction }

    public func stepBudget(pending: Double, depth: Double, price: Double) -> Double { fraction * depth / price }
    public func budget(forNew quantity: Double) -> Double { 0 }
}

/// Time-sliced over a window of k steps: each step the engine may send 1/k of what it holds at
/// the step's start, and 1/k of each new forced quantity — what it holds decays by (1 − 1/k) a
/// step (half-life ≈ 0.69·k steps) [E: exponential slicing, our simplification of a TWAP].
public struct TimeSlicedDisposal: DisposalPolicy, Equatable {
    /// k ≥ 1.
    public let slices: Double

    public init(slices: Double) { self.slices = slices }

    public func stepBudget(pending: Double, depth: Double, price: Double) -> Double { pending / slices }
    public func budget(forNew quantity: Double) -> Double { quantity / slices }
}

/// The forced flow the engine holds on one path in one asset, and this step's budget.
public struct DisposalInventory: Sendable, Equatable {
    /// Pending flow F (buys > 0, sells < 0; units of the asset).
    public private(set) var pending = 0.0
    /// Σ of the pending flow's quantities times the prices the engine took them over at: the
    /// average price is a = cost / F.
    public private(set) var cost = 0.0
    /// The quantity the engine may still send in this step.
    public var budget = Double.infinity
    /// The step the budget is for (−1: none yet).
    public var budgetStep = -1

    public init() {}

    /// What goes to the book of the pending flow F and a round's new forced flow Δ: F + Δ, at
    /// most the budget (which it uses up).
    public mutating func send(adding delta: Double) -> Double {
        let total = pending + delta
        let sent = total > 0 ? Swift.min(total, budget) : Swift.max(total, -budget)
        budget -= Swift.abs(sent)
        return sent
    }

    /// Books a round at its execution price `x`: the engine takes Δ over and sends `sent`, both
    /// at x. Returns the engine's P&L: on every part of the pending flow that left, its change
    /// times (x − a). With nothing pending and everything sent it is exactly 0.
    public mutating func commit(delta: Double, sent: Double, at x: Double) -> Double {
        if pending == 0 && sent == delta { return 0 }
        return move(by: delta, at: x) + move(by: -sent, at: x)
    }

    /// Changes the pending flow by `d` at price `x`: away from zero it adds at cost x; toward
    /// zero it realises the P&L of the part that left, its signed change c times (x − a) (the
    /// engine took the forced flow over at a and executes it at x), the rest (past zero) adds.
    mutating func move(by d: Double, at x: Double) -> Double {
        guard d != 0 else { return 0 }
        if pending == 0 || (pending > 0) == (d > 0) {
            pending += d
            cost += d * x
            return 0
        }
        let closing = Swift.abs(d) >= Swift.abs(pending) ? -pending : d
        let average = cost / pending
        let pnl = closing * (x - average)
        if closing == -pending {
            pending = 0
            cost = 0
        } else {
            pending += closing
            cost += closing * average
        }
        let rest = d - closing
        if rest != 0 {
            pending += rest
            cost += rest * x
        }
        return pnl
    }

    /// Values what is still pending at `x` (the horizon) and empties it: the engine's P&L.
    public mutating func markToMarket(at x: Double) -> Double {
        move(by: -pending, at: x)
    }
}

/// The disposal of a scenario (`mechanisms.disposal`), as configuration.
public enum DisposalRule: Sendable, Equatable {
    case immediate
    case depthFraction(Double)
    /// Over `window` seconds (k = window / step slices).
    case timeSliced(window: Double)

    /// The policy for steps of `stepSeconds`; nil for immediate disposal.
    public func policy(stepSeconds: Double) -> (any DisposalPolicy)? {
        switch self {
        case .immediate: nil
        case let .depthFraction(f): DepthFractionDisposal(fraction: f)
        case let .timeSliced(window): TimeSlicedDisposal(slices: Swift.max(1, window / stepSeconds))
        }
    }
}
