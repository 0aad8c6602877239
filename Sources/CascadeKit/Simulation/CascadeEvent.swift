import Foundation

/// One cascade: a run of consecutive steps in which an asset liquidated on a path.
///
/// It starts at the first round of a step that liquidates and lasts while the following steps keep
/// liquidating; a step without liquidations ends it. Its size is the notional it liquidated at
/// execution prices, and its overshoot the largest end-of-step gap between the traded price and
/// the price without feedback (the fundamental price, which is the no-feedback twin's traded
/// price), |1 − P/F| = |1 − e^J|.
public struct CascadeEvent: Sendable, Equatable {
    public var path: Int
    public var asset: Int
    /// The first step (0-based) of the cascade.
    public var startStep: Int
    /// Number of consecutive liquidating steps.
    public var steps: Int
    /// Cascade rounds over all its steps.
    public var rounds: Int
    /// USD notional liquidated, at execution prices.
    public var liquidatedNotional: Double
    /// Largest |1 − P/F| at the end of its steps.
    public var overshoot: Double
    /// −1 when the price was pushed down (net forced selling), +1 when up, at the largest overshoot.
    public var direction: Int

    public init(path: Int, asset: Int, startStep: Int, steps: Int, rounds: Int, liquidatedNotional: Double,
                overshoot: Double, direction: Int) {
        self.path = path
        self.asset = asset
        self.startStep = startStep
        self.steps = steps
        self.rounds = rounds
        self.liquidatedNotional = liquidatedNotional
        self.overshoot = overshoot
        self.direction = direction
    }
}

/// The cascade being tracked on one lane of a block (one path, one asset), and the path's
/// per-asset event statistics.
struct LaneCascades {
    var open: CascadeEvent? = nil
    var count = 0
    var largest = -Double.infinity
    var longest = 0
    var maxOvershoot = 0.0

    /// A step of `path` ended with `rounds` rounds liquidating `notional` and log-impact `j`
    /// (`sameStep`: more rounds of a step already counted, the cross accounts' within the step).
    /// Returns the cascade that ended before this step, if any.
    mutating func step(path: Int, asset: Int, step: Int, rounds: Int, notional: Double, j: Double,
                       sameStep: Bool = false) -> CascadeEvent? {
        let overshoot = abs(Foundation.expm1(j))
        if overshoot > maxOvershoot { maxOvershoot = overshoot }
        guard rounds > 0 && notional > 0 else { return nil }
        if sameStep, var e = open, e.startStep + e.steps == step + 1 {
            e.rounds += rounds
            e.liquidatedNotional += notional
            if overshoot > e.overshoot { e.overshoot = overshoot; e.direction = j < 0 ? -1 : 1 }
            open = e
            return nil
        }
        if var e = open, e.startStep + e.steps == step {
            e.steps += 1
            e.rounds += rounds
            e.liquidatedNotional += notional
            if overshoot > e.overshoot { e.overshoot = overshoot; e.direction = j < 0 ? -1 : 1 }
            open = e
            return nil
        }
        let ended = close()
        open = CascadeEvent(path: path, asset: asset, startStep: step, steps: 1, rounds: rounds, liquidatedNotional: notional,
                            overshoot: overshoot, direction: j < 0 ? -1 : 1)
        return ended
    }

    /// Ends the open cascade (at the end of the path, or when a gap is seen) and counts it.
    mutating func close() -> CascadeEvent? {
        guard let e = open else { return nil }
        open = nil
        count += 1
        largest = max(largest, e.liquidatedNotional)
        longest = max(longest, e.steps)
        return e
    }
}
