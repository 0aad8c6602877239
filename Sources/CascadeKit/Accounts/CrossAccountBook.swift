/// One leg of a cross account: a signed quantity of one asset bought or sold at an entry price.
public struct CrossLeg: Sendable, Equatable {
    public var asset: Int
    /// Signed: > 0 long, < 0 short.
    public var quantity: Double
    public var entryPrice: Double

    public init(asset: Int, quantity: Double, entryPrice: Double) {
        self.asset = asset
        self.quantity = quantity
        self.entryPrice = entryPrice
    }
}

/// A cross-margined account: one wallet (USD) backing positions in one or more assets.
public struct CrossAccount: Sendable, Equatable {
    public var wallet: Double
    public var legs: [CrossLeg]

    public init(wallet: Double, legs: [CrossLeg]) {
        self.wallet = wallet
        self.legs = legs
    }
}
