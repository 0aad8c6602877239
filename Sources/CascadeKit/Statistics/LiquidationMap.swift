import Foundation

/// The bins of a ``LiquidationMap``: execution price relative to the asset's starting price, and
/// the position's leverage.
///
/// Price bin i (i = 0 … 2·halfBins − 1) holds execution prices X with
/// ln(X/P₀) ∈ [(i − halfBins)·w, (i − halfBins + 1)·w), w = `logWidth` (0.01: bins about 1% wide);
/// the first and last bins also take everything beyond them. Leverage buckets are bounded by
/// `leverageEdges` (upper edges, inclusive): with the default [2, 5, 10, 25, 50] the buckets are
/// ≤ 2×, (2×, 5×], (5×, 10×], (10×, 25×], (25×, 50×] and > 50×.
public struct LiquidationMapLayout: Sendable, Equatable {
    public var logWidth: Double
    public var halfBins: Int
    public var leverageEdges: [Double]

    public init(logWidth: Double = 0.01, halfBins: Int = 100, leverageEdges: [Double] = [2, 5, 10, 25, 50]) {
        precondition(logWidth > 0 && halfBins > 0)
        self.logWidth = logWidth
        self.halfBins = halfBins
        self.leverageEdges = leverageEdges
    }

    public var priceBins: Int { 2 * halfBins }
    public var leverageBuckets: Int { leverageEdges.count + 1 }

    /// The price bin of log-ratio ln(X/P₀), clamped to the end bins (before converting to an
    /// integer, so that any ratio — even an infinite one — has a bin).
    @inline(__always)
    public func priceBin(logRatio: Double) -> Int {
        let offset = (logRatio / logWidth).rounded(.down)
        guard offset > -Double(halfBins) else { return 0 }
        guard offset < Double(halfBins) else { return priceBins - 1 }
        return Int(offset) + halfBins
    }

    /// The bounds of price bin `i` for starting price `p0` (the end bins are open: 0 and +∞).
    public func priceRange(bin i: Int, initialPrice p0: Double) -> (low: Double, high: Double) {
        let low = i == 0 ? 0 : p0 * Foundation.exp(Double(i - halfBins) * logWidth)
        let high = i == priceBins - 1 ? Double.infinity : p0 * Foundation.exp(Double(i - halfBins + 1) * logWidth)
        return (low, high)
    }

    /// The bucket of leverage `leverage`.
    public func leverageBucket(_ leverage: Double) -> Int {
        leverageEdges.firstIndex { leverage <= $0 } ?? leverageEdges.count
    }

    /// A bucket's name: `≤2x`, `2-5x`, …, `>50x`.
    public func leverageLabel(_ bucket: Int) -> String {
        func f(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
        if bucket == 0 { return "<=\(f(leverageEdges[0]))x" }
        if bucket == leverageEdges.count { return ">\(f(leverageEdges[bucket - 1]))x" }
        return "\(f(leverageEdges[bucket - 1]))-\(f(leverageEdges[bucket]))x"
    }
}

/// Per-side, per-leverage-bucket prefix sums of quantity over one ladder side, so that the
/// quantity of each bucket in any liquidated range is a difference of two rows: O(B) per round
/// for B buckets, whatever the range's length.
public struct LeverageBucketSums: Sendable {
    public let buckets: Int
    /// sums[k·buckets + b] = Σ q of bucket b over ladder entries 0..<k (count + 1 rows).
    let sums: [Double]
    /// Each entry's bucket.
    public let bucketOf: [UInt8]

    public init(side: LadderSide, positions: [Position], layout: LiquidationMapLayout) {
        buckets = layout.leverageBuckets
        var sums = [Double](repeating: 0, count: (side.count + 1) * buckets)
        var bucketOf = [UInt8](repeating: 0, count: side.count)
        var running = [Double](repeating: 0, count: buckets)
        for k in 0..<side.count {
            let p = positions[side.positionIndex[k]]
            let b = layout.leverageBucket(p.leverage)
            bucketOf[k] = UInt8(b)
            running[b] += p.quantity
            for c in 0..<buckets { sums[(k + 1) * buckets + c] = running[c] }
        }
        self.sums = sums
        self.bucketOf = bucketOf
    }

    /// Σ q of bucket `b` over entries `range`.
    @inline(__always)
    public func quantity(bucket b: Int, in range: Range<Int>) -> Double {
        sums[range.upperBound * buckets + b] - sums[range.lowerBound * buckets + b]
    }
}

/// Liquidated notional by asset, side, execution-price bin and leverage bucket, summed over
/// paths: the liquidation heatmap, computed from the simulated liquidations.
///
/// Amounts are kept as whole cents in 128-bit integers, so sums are exact and do not depend on
/// the order in which paths (or workers) add them: the map is identical for any thread count.
/// Each addition rounds to the cent (an error of at most half a cent per round and bucket). One
/// addition is below 10³⁰ cents within ``ModelLimits`` (10²⁸ USD), so the sums cannot overflow
/// (10³⁸ cents): 64-bit cents (9·10¹⁶ USD) would not hold a large run's sums.
public struct LiquidationMap: Sendable {
    public let layout: LiquidationMapLayout
    public let symbols: [String]
    public let initialPrices: [Double]
    /// Bucket sums of each asset's ladder sides [asset][side].
    let sides: [[LeverageBucketSums]]
    /// Each asset's contract (``AssetConfig/contract``): an inverse book's closures come in y = 1/P,
    /// on the reciprocal ladder side, in contracts of 1 USD.
    let contracts: [ContractType]
    /// cents[((asset·2 + side)·priceBins + priceBin)·buckets + bucket]
    public private(set) var cents: [Int128]

    public init(layout: LiquidationMapLayout, assets: [AssetConfig]) {
        self.layout = layout
        symbols = assets.map(\.symbol)
        initialPrices = assets.map(\.initialPrice)
        contracts = assets.map(\.contract)
        sides = assets.map { a in
            [LeverageBucketSums(side: a.ladder.longs, positions: a.ladder.positions, layout: layout),
             LeverageBucketSums(side: a.ladder.shorts, positions: a.ladder.positions, layout: layout)]
        }
        cents = [Int128](repeating: 0, count: assets.count * 2 * layout.priceBins * layout.leverageBuckets)
    }

    @inline(__always)
    func offset(asset: Int, side: Int, priceBin: Int) -> Int {
        ((asset * 2 + side) * layout.priceBins + priceBin) * layout.leverageBuckets
    }

    @inline(__always)
    static func toCents(_ usd: Double) -> Int128 { Int128((usd * 100).rounded()) }

    /// Adds the ladder entries `range` of `side` (0 long, 1 short) of `asset`, closed at `price`,
    /// leaving out the entries `excluded` (closed on their own or gone).
    /// For an inverse book (`price` in y = 1/P), the cell's offset is that of the position's own
    /// side and of P.
    public mutating func add(asset: Int, side: Int, range: Range<Int>, excluding excluded: [Int] = [], price: Double) {
        guard !range.isEmpty else { return }
        let sums = sides[asset][side]
        let (base, usdPerQuantity) = cell(asset: asset, side: side, price: price)
        if excluded.isEmpty {
            for b in 0..<layout.leverageBuckets {
                let q = sums.quantity(bucket: b, in: range)
                if q > 0 { cents[base + b] += Self.toCents(q * usdPerQuantity) }
            }
        } else {
            var q = (0..<layout.leverageBuckets).map { sums.quantity(bucket: $0, in: range) }
            for k in excluded where range.contains(k) {
                let b = Int(sums.bucketOf[k])
                q[b] -= sums.quantity(bucket: b, in: k..<(k + 1))
            }
            for b in 0..<layout.leverageBuckets where q[b] > 0 {
                cents[base + b] += Self.toCents(q[b] * usdPerQuantity)
            }
        }
    }

    /// Adds `quantity` of ladder entry `entry` of `side` of `asset`, closed on its own at `price`.
    public mutating func add(asset: Int, side: Int, entry: Int, quantity: Double, price: Double) {
        let (base, usdPerQuantity) = cell(asset: asset, side: side, price: price)
        cents[base + Int(sides[asset][side].bucketOf[entry])] += Self.toCents(quantity * usdPerQuantity)
    }

    /// The offset of the cells of a closure of ladder side `side` at `price` (in the book's
    /// units), and the USD notional of one unit of quantity: the price, or 1 for an inverse book
    /// (contracts of 1 USD), whose side and price are flipped back to the position's and to P.
    @inline(__always)
    func cell(asset: Int, side: Int, price: Double) -> (base: Int, usdPerQuantity: Double) {
        let contract = contracts[asset]
        let base = offset(asset: asset, side: contract.positionSide(ofLadderSide: side),
                          priceBin: layout.priceBin(logRatio: Foundation.log(contract.usdPrice(price) / initialPrices[asset])))
        return (base, contract.usdNotional(1, at: price))
    }

    /// Adds cell sums in cents, in the order of ``cents`` (a shard result read back).
    mutating func add(cents other: [Int128]) {
        precondition(other.count == cents.count)
        for i in cents.indices { cents[i] += other[i] }
    }

    /// Adds another map (same layout and assets) into this one.
    public mutating func merge(_ other: LiquidationMap) {
        precondition(other.cents.count == cents.count)
        for i in cents.indices { cents[i] += other.cents[i] }
    }

    /// Total USD in one cell.
    public func total(asset: Int, side: Int, priceBin: Int, bucket: Int) -> Double {
        Double(cents[offset(asset: asset, side: side, priceBin: priceBin) + bucket]) / 100
    }
}
