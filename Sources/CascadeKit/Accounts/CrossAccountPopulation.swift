import Foundation

/// A seeded generator of cross-margined accounts over several assets, by a mix of account types.
///
/// Each type has a share of the open interest (Σ q·E over all legs, USD) and a leverage
/// (the account's notional at entry over its wallet); account counts are split in the same
/// shares, so the types' accounts have the same mean size. Asset 0 is the "major" (BTC in the
/// bundled scenarios):
///
/// - **directional**: long (with probability `longShare`) or short in asset 0 (60% of the
///   account's notional) and in one other asset (40%, assets 1, 2, … in turn) — the funds and
///   traders long BTC and ETH together;
/// - **hedged**: long one asset and short another, half the notional each (the pair rotates
///   over the assets); needs two assets;
/// - **marketMaker**: an equal notional in every asset, alternately long and short (near flat:
///   exactly flat in notional at entry with an even number of assets).
///
/// Account i (0-based) draws from Philox blocks with counter (i, draw, ·, purpose): draw 0 the
/// side (uniform) and size (normal; log-normal notional with σ `sizeSigma`, then every type
/// scaled to add up to its share exactly), draw 1 + t the entry normals of attempt t:
/// Eₐ = P₀ₐ·exp(entrySpread·Z). An account already liquidatable at the initial prices is drawn
/// again (as ``SyntheticPopulation`` does for positions); the book is the same for any thread
/// count.
public struct CrossAccountPopulation: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case directional, hedged, marketMaker
    }

    /// One account type's share of open interest and leverage.
    public struct TypeShare: Sendable, Equatable {
        public var kind: Kind
        public var share: Double
        public var leverage: Double
        /// For directional accounts: the fraction that are long.
        public var longShare: Double

        public init(kind: Kind, share: Double, leverage: Double, longShare: Double = 0.5) {
            self.kind = kind
            self.share = share
            self.leverage = leverage
            self.longShare = longShare
        }
    }

    public var count: Int
    public var openInterest: Double
    public var types: [TypeShare]
    public var entrySpread: Double
    public var sizeSigma: Double

    public init(count: Int, openInterest: Double, types: [TypeShare], entrySpread: Double, sizeSigma: Double) {
        self.count = count
        self.openInterest = openInterest
        self.types = types
        self.entrySpread = entrySpread
        self.sizeSigma = sizeSigma
    }

    public enum GenerationError: Error, Equatable, CustomStringConvertible {
        /// Account `index` of type `kind` stayed liquidatable at the initial prices after every redraw.
        case insolvent(index: Int, kind: Kind)
        public var description: String {
            switch self {
            case let .insolvent(index, kind):
                "\(kind.rawValue) account \(index) is liquidatable at the initial prices after \(CrossAccountPopulation.maximumRedraws) draws of its entries; lower that type's leverage or entrySpread"
            }
        }
    }

    public static let maximumRedraws = 1_000

    /// The number of accounts of each type (in ``types`` order): round(count·share), the last
    /// type taking the rest.
    public var typeCounts: [Int] {
        var counts = types.map { Int((Double(count) * $0.share).rounded()) }
        if !counts.isEmpty { counts[counts.count - 1] = max(0, count - counts.dropLast().reduce(0, +)) }
        return counts
    }

    /// The accounts and their types, at initial prices `prices` under each asset's `rules`.
    public func generate(prices: [Double], rules: [MarginRule], seed: UInt64) throws(GenerationError) -> (accounts: [CrossAccount], kinds: [Kind]) {
        let k = prices.count
        let generator = Philox4x32(seed: seed, domain: UInt64(RandomPurpose.accounts.rawValue))
        func block(_ i: Int, _ draw: Int) -> SIMD4<UInt32> {
            generator.block(UInt32(truncatingIfNeeded: i), UInt32(truncatingIfNeeded: i >> 32), UInt32(draw),
                            RandomPurpose.accounts.rawValue)
        }
        var kinds: [Kind] = []
        var typeOf: [Int] = []
        for (t, n) in typeCounts.enumerated() {
            kinds += Array(repeating: types[t].kind, count: n)
            typeOf += Array(repeating: t, count: n)
        }
        // Sizes, then each type scaled to its share.
        var notional = [Double](repeating: 0, count: count)
        var long = [Bool](repeating: true, count: count)
        var typeTotal = [Double](repeating: 0, count: types.count)
        for i in 0..<count {
            let w = block(i, 0)
            let u = RandomVariates.uniform52(w[0], w[1])
            let z = FastMath.boxMuller(u, RandomVariates.uniform32(w[2])).0
            notional[i] = Foundation.exp(sizeSigma * z)
            long[i] = RandomVariates.uniform32(w[3]) < types[typeOf[i]].longShare
            typeTotal[typeOf[i]] += notional[i]
        }
        var accounts: [CrossAccount] = []
        accounts.reserveCapacity(count)
        let zero = [Double](repeating: 0, count: k)
        for i in 0..<count {
            let type = types[typeOf[i]]
            let size = notional[i] * openInterest * type.share / typeTotal[typeOf[i]]
            let weights = Self.legWeights(kind: type.kind, account: i, assets: k, long: long[i])
            var attempt = 0
            while true {
                var legs: [CrossLeg] = []
                for a in 0..<k where weights[a] != 0 {
                    let w = block(i, 1 + attempt * k + a)
                    let z = FastMath.boxMuller(RandomVariates.uniform52(w[0], w[1]), RandomVariates.uniform32(w[2])).0
                    let entry = prices[a] * Foundation.exp(entrySpread * z)
                    legs.append(CrossLeg(asset: a, quantity: weights[a] * size / entry, entryPrice: entry))
                }
                let account = CrossAccount(wallet: size / type.leverage, legs: legs)
                let h = prices.withUnsafeBufferPointer { p in
                    zero.withUnsafeBufferPointer { z in
                        CrossAccountBook.headroom(account, rules: rules, prices: p.baseAddress!, funding: z.baseAddress!)
                    }
                }
                if h > 0 {
                    accounts.append(account)
                    break
                }
                attempt += 1
                if attempt == Self.maximumRedraws { throw .insolvent(index: i, kind: type.kind) }
            }
        }
        return (accounts, kinds)
    }

    /// The signed share of account `i`'s notional in each asset (see the type descriptions).
    static func legWeights(kind: Kind, account i: Int, assets k: Int, long: Bool) -> [Double] {
        var w = [Double](repeating: 0, count: k)
        let sign: Double = long ? 1 : -1
        switch kind {
        case .directional:
            if k == 1 {
                w[0] = sign
            } else {
                w[0] = 0.6 * sign
                w[1 + i % (k - 1)] = 0.4 * sign
            }
        case .hedged:
            precondition(k >= 2, "hedged accounts need two assets")
            let u = i % k, v = (u + 1 + (i / k) % (k - 1)) % k
            w[u] = 0.5
            w[v] = -0.5
        case .marketMaker:
            for a in 0..<k { w[a] = (a + i) % 2 == 0 ? 1 / Double(k) : -1 / Double(k) }
        }
        return w
    }
}
