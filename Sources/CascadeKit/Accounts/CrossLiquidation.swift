/// How a liquidatable cross account is closed (docs/venues.md, "Cross accounts").
public enum CrossLiquidation: String, Sendable, Equatable, CaseIterable {
    /// Every position of the account at once: BitMEX's published rule ("all cross margin
    /// positions … liquidated at the same time").
    case account
    /// Positions one at a time, the largest maintenance margin first, until the account is back
    /// above its maintenance margin at the round's price (what it realises and the fee counted):
    /// the reduce-until-compliant procedures of Binance, Bybit, OKX and Hyperliquid, which do not
    /// publish their order (the order is our choice, [E]).
    case position

    /// A preset's procedure: `account` on BitMEX, `position` elsewhere.
    public static func venueDefault(preset: String?) -> CrossLiquidation {
        switch preset {
        case nil, "bitmex": .account
        default: .position
        }
    }
}

/// What is left of a cross account on one path after some of its positions were closed: the
/// closed legs (bits by leg offset) and what the closures added to the wallet (realised PnL,
/// net of funding already paid, less fees).
struct PartialAccount: Sendable, Equatable {
    var closed: UInt64 = 0
    var shift = 0.0
}
