/// What a venue does beyond its margin rule when a position becomes liquidatable: how much of it
/// is closed, which price triggers it, and who covers what the insurance fund cannot. Model M0 is
/// the default: full liquidation on the traded price, bad debt when the fund is empty.
public struct LiquidationMechanics: Sendable, Equatable {
    public var partial: PartialLiquidation
    public var mark: MarkPriceRule
    /// The ranking of auto-deleveraging; nil: no deleveraging (uncovered deficits are bad debt).
    public var deleveraging: ADLRanking?
    /// Who pays for a deleveraging and how much it closes (`mechanisms.adl`; the venue's queue
    /// by default).
    public var adl: ADLPolicy
    /// How forced orders reach the book (`mechanisms.disposal`; all at once by default).
    public var disposal: DisposalRule

    public init(partial: PartialLiquidation = .none, mark: MarkPriceRule = .last, deleveraging: ADLRanking? = nil,
                adl: ADLPolicy = .venue, disposal: DisposalRule = .immediate) {
        self.partial = partial
        self.mark = mark
        self.deleveraging = deleveraging
        self.adl = adl
        self.disposal = disposal
    }

    /// Model M0.
    public static let m0 = LiquidationMechanics()

    /// A venue preset's mechanics.
    public init(preset: VenuePreset) {
        self.init(partial: preset.partial, mark: preset.mark, deleveraging: preset.adl)
    }

    /// Past end-of-step impacts averaged into the mark's basis, for steps of `stepSeconds`: 0 for
    /// the traded price or a zero window (the index itself), else ⌈window/step⌉ (at most 600).
    public func markWindowSteps(stepSeconds: Double) -> Int {
        guard case let .index(window) = mark, window > 0 else { return 0 }
        return min(600, max(1, Int((window / stepSeconds).rounded(.up))))
    }

    /// Notional a per-block cap lets a venue close from a position of notional `notional` within
    /// one step of `stepSeconds` (dYdX v4: per block at most `fraction` of the position but at
    /// least min($1,000, position), and at most `cap`).
    public static func closableInStep(notional: Double, fraction: Double, cap: Double, blockSeconds: Double,
                                      stepSeconds: Double) -> Double {
        let blocks = max(1, Int((stepSeconds / blockSeconds).rounded(.down)))
        var remaining = notional
        for _ in 0..<blocks where remaining > 0 {
            let close = min(remaining, cap, max(fraction * remaining, min(1_000, remaining)))
            remaining -= close
        }
        return notional - remaining
    }
}
