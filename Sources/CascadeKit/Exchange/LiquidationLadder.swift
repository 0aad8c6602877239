import Foundation
import CVectorMath

/// A path's place on one ladder side: the index of its next live position and that entry
/// (key and the prefix sums before it).
public struct LadderCursor: Sendable, Equatable {
    public var index: Int
    public var entry: SIMD4<Double>

    /// s·ln(P_liq) of the next live position (−∞ when none is left).
    public var key: Double { entry[0] }
}

/// Sums over a range of ladder entries.
public struct LadderTotals: Sendable, Equatable {
    public static let zero = LadderTotals(quantity: 0, bankruptcyQuantity: 0, entryNotional: 0, margin: 0)

    /// Σ q (asset units).
    public var quantity: Double
    /// Σ q·P_bk.
    public var bankruptcyQuantity: Double
    /// Σ q·E.
    public var entryNotional: Double
    /// Σ M (isolated margin).
    public var margin: Double
}

/// A ladder entry's quantity (asset units), entry price and isolated margin.
public struct Holding: Sendable, Equatable {
    public var quantity: Double
    public var entryPrice: Double
    public var margin: Double
}

/// The positions of one side, in the order a price move liquidates them, with prefix sums.
///
/// Under isolated margin the liquidation condition of a position is a fixed price threshold, so
/// the set of positions a path has liquidated is always a *prefix* of this order: longs fall in
/// decreasing order of liquidation price as the price drops, shorts in increasing order as it
/// rises. A path therefore carries just one index per side, and any sum over a newly liquidated
/// range is a difference of two prefix sums.
///
/// To treat both sides with one comparison, the ladder stores the *key* k = s·ln(P_liq)
/// (s = +1 long, −1 short), sorted in decreasing order, and a position is liquidated at log price
/// x when k ≥ s·x. A sentinel entry with key −∞ that no price reaches ends the ladder.
///
/// **Layout.** Entry i is one 32-byte vector (key, Σq, Σq·P_bk, Σq·E) whose sums run over the
/// entries before i, so the memory the search ends in also holds the sums of the range end: a
/// million-position ladder does not fit in cache, and a cascade round then costs one cache miss
/// (after a hit in the small index levels ``blockKeys`` and ``groupKeys``) instead of one per
/// array. The margin needs no array of its own: the bankruptcy price is where equity
/// M + s·q·(P_bk − E) is zero, so M = s·(q·E − q·P_bk).
public struct LadderSide: Sendable {
    public let side: Side
    /// (key, Σq, Σq·P_bk, Σq·E) for each entry, then the sentinel (count + 1 entries).
    public let entries: [SIMD4<Double>]
    /// Index of each entry in the book's position list.
    public let positionIndex: [Int]
    /// Each entry's quantity, entry price and margin, in ladder order: what auto-deleveraging
    /// ranks, read sequentially rather than through `positionIndex`.
    public let holdings: [Holding]
    /// The key of every 64th entry (entry 64·b for block b), then −∞ past the end: the upper
    /// level of the search in ``survivor(afterLiquidated:target:)`` (small enough to stay in
    /// cache).
    @usableFromInline let blockKeys: [Double]
    /// The key of every 8th entry (entry 8·g for group g), then −∞ past the end: the middle level
    /// of the search (the eight groups of a block are one cache line).
    @usableFromInline let groupKeys: [Double]

    /// The smallest and largest bankruptcy price of the entries of each block of 64 (entries
    /// 64·b ..< 64·(b + 1)): what ``receivedFees(in:excluding:execution:rate:quantity:)`` needs
    /// to settle most rounds without reading the entries.
    let bankruptcyBounds: [SIMD2<Double>]
    /// ln κ for a rule under which a position liquidated in its first tier has P_liq = κ·P_bk
    /// with κ = (1 + s·b)/(1 − s·(r₀ + f)) — a first tier without deduction, maintenance on the
    /// current notional or contracts (not a notional fixed at entry); r₀ its rate, f the
    /// maintenance fee, b the bankruptcy fee — and nil otherwise. Then the ladder's keys order
    /// the bankruptcy prices of its *regular* entries (every entry but ``irregular``), and the
    /// entries of a range beyond a bankruptcy-price threshold are a run the ladder search finds:
    /// what settles fees (``receivedFees(in:excluding:execution:rate:quantity:)``) and the
    /// per-position settlements (``runs(_:excluding:logExecution:logSecond:)``) in a few prefix
    /// sums. For a flat rule (M0) every entry is regular and κ = 1/(1 − s·r).
    let logRegularFactor: Double?
    /// The entries that are not regular (liquidated beyond the first tier, with no positive
    /// bankruptcy price, or — under a market settlement — whose switch price would be), ascending;
    /// empty when ``logRegularFactor`` is nil.
    let irregular: [Int]
    /// ``irregular`` as bits over the ladder (empty when it is).
    let irregularBits: [UInt64]

    /// Number of positions on this side.
    public var count: Int { positionIndex.count }

    /// +1 for longs, −1 for shorts.
    public var sign: Double { side.sign }

    /// The key s·x that liquidates at log price x (k ≥ s·x): a negation rather than a multiply by
    /// ±1, one cycle less on every cascade round's chain.
    @inlinable @inline(__always)
    func target(logPrice: Double) -> Double { side == .long ? logPrice : -logPrice }

    init(side: Side, positions: [Position], indices: [Int], rule: FlatMarginRule) {
        self.side = side
        let s = side.sign
        // Decreasing key, ties by position index: sort ~orderedBits(key) ascending, stably,
        // starting from increasing index.
        let liquidation = indices.map { rule.liquidationPrice(of: positions[$0]) }
        var logLiquidation = liquidation
        let vectors = logLiquidation.count / 4
        logLiquidation.withUnsafeMutableBufferPointer { x in
            let raw = UnsafeMutableRawPointer(x.baseAddress!)
            for k in 0..<vectors {
                let v = raw.loadUnaligned(fromByteOffset: 32 * k, as: SIMD4<Double>.self)
                raw.storeBytes(of: FastMath.log(v), toByteOffset: 32 * k, as: SIMD4<Double>.self)
            }
            for i in (4 * vectors)..<x.count { x[i] = FastMath.log(x[i]) }
        }
        // A liquidation price of 0 (an unlevered long) never triggers: key −∞.
        var sortKeys = zip(liquidation, logLiquidation).map { price, logPrice in
            ~RadixSort.orderedBits(price > 0 ? s * logPrice : -.infinity)
        }
        var order = indices.map { UInt32($0) }
        RadixSort.sort(&sortKeys, payloads: &order)
        var entries: [SIMD4<Double>] = []
        entries.reserveCapacity(order.count + 1)
        var holdings: [Holding] = []
        holdings.reserveCapacity(order.count)
        var sums = SIMD4<Double>.zero
        // Regular entries (logRegularFactor): liquidated in the first tier at a positive price.
        let regularRule = rule.basis != .notionalAtEntry && rule.tiers[0].deduction == 0
        var marketSwitch = 0.0
        if case let .market(backstop) = rule.settlement, rule.basis == .notionalAtLiquidation, s < 0 {
            marketSwitch = 1 / (1 - s * backstop * (rule.tiers[0].rate + rule.maintenanceFee))
        }
        var irregular: [Int] = []
        positions.withUnsafeBufferPointer { positions in
        order.withUnsafeBufferPointer { order in
            // The positions are read in ladder order, scattered over the book: ask for each one a
            // few iterations before it is needed, so that the cache misses overlap.
            let n = order.count, ahead = 16
            for i in 0..<n {
                if i + ahead < n { cascade_prefetch(positions.baseAddress! + Int(order[i + ahead])) }
                let p = positions[Int(order[i])]
                if regularRule {
                    let b = rule.bankruptcyPrice(of: p)
                    var regular = b > 0 && rule.liquidatesInFirstTier(side: side, quantity: p.quantity, entryPrice: p.entryPrice,
                                                                      margin: p.margin)
                    // A short's switch price B/(1 − s·β·(r₀ + f)) under a market settlement must be
                    // in the first tier too (a long's is below its liquidation price).
                    if regular && marketSwitch > 0 && p.quantity * b * marketSwitch > rule.tiers[0].cap { regular = false }
                    if !regular { irregular.append(i) }
                }
                holdings.append(Holding(quantity: p.quantity, entryPrice: p.entryPrice, margin: p.margin))
                entries.append(SIMD4(RadixSort.double(orderedBits: ~sortKeys[i]), sums[1], sums[2], sums[3]))
                sums += SIMD4(0, p.quantity, p.quantity * rule.bankruptcyPrice(of: p), p.entryNotional)
            }
        }}
        entries.append(SIMD4(-.infinity, sums[1], sums[2], sums[3]))
        self.entries = entries
        self.holdings = holdings
        let blocks = order.count >> 6 + 1
        blockKeys = (0...(blocks + 1)).map { b in b << 6 < order.count ? entries[b << 6][0] : -.infinity }
        groupKeys = (0...(8 * blocks + 8)).map { g in g << 3 < order.count ? entries[g << 3][0] : -.infinity }
        positionIndex = order.map { Int($0) }
        bankruptcyBounds = stride(from: 0, to: holdings.count, by: 64).map { start in
            var bounds = SIMD2<Double>(.infinity, -.infinity)
            for h in holdings[start..<min(start + 64, holdings.count)] {
                let b = MarginRule.bankruptcyPrice(sign: s, quantity: h.quantity, entryPrice: h.entryPrice, margin: h.margin)
                bounds = SIMD2(min(bounds[0], b), max(bounds[1], b))
            }
            return bounds
        }
        if regularRule {
            logRegularFactor = Foundation.log(1 + s * rule.bankruptcyFee) - Foundation.log(1 - s * (rule.tiers[0].rate + rule.maintenanceFee))
            self.irregular = irregular
            var bits = [UInt64](repeating: 0, count: irregular.isEmpty ? 0 : (order.count + 64) / 64)
            for k in irregular { bits[k >> 6] |= 1 << UInt64(k & 63) }
            irregularBits = bits
        } else {
            logRegularFactor = nil
            self.irregular = []
            irregularBits = []
        }
    }

    /// The bankruptcy price E − s·M/q of entry `index`.
    @inline(__always)
    func bankruptcyPrice(_ index: Int) -> Double {
        let h = holdings[index]
        return MarginRule.bankruptcyPrice(sign: sign, quantity: h.quantity, entryPrice: h.entryPrice, margin: h.margin)
    }

    /// The smallest and largest bankruptcy price over `range`.
    ///
    /// - Complexity: O(range/64 + 128).
    func bankruptcyBounds(_ range: Range<Int>) -> SIMD2<Double> {
        var bounds = SIMD2<Double>(.infinity, -.infinity)
        var k = range.lowerBound
        while k < range.upperBound {
            if k & 63 == 0 && k + 64 <= range.upperBound {
                let block = bankruptcyBounds[k >> 6]
                bounds = SIMD2(min(bounds[0], block[0]), max(bounds[1], block[1]))
                k += 64
            } else {
                let b = bankruptcyPrice(k)
                bounds = SIMD2(min(bounds[0], b), max(bounds[1], b))
                k += 1
            }
        }
        return bounds
    }

    /// The clearance fees a takeover at execution price X actually receives from the entries of
    /// `range` other than `excluded`, whose quantities add up to `quantity`: Σ min(f·q·X, max(0, e))
    /// with e = s·q·(X − P_bk) the equity left — the fee comes out of what is left of the margin,
    /// so a position closed past its bankruptcy price pays none.
    ///
    /// - Complexity: for a flat rule, two ladder searches and prefix sums (plus the excluded
    ///   entries); otherwise O(range/64 + 128) when every entry pays the whole fee or none does (the bounds
    ///   of the range's bankruptcy prices decide), else O(range).
    func receivedFees(in range: Range<Int>, excluding excluded: [Int], execution x: Double, rate f: Double,
                      quantity: Double) -> Double {
        guard f > 0, !range.isEmpty, quantity > 0 else { return 0 }
        func fee(_ k: Int) -> Double {
            let q = holdings[k].quantity
            return min(f * q * x, max(0, sign * q * (x - bankruptcyPrice(k))))
        }
        if let logFactor = logRegularFactor {
            // P_bk ≥ X (no fee) ⟺ P_liq at or beyond κ·X; s·(X − P_bk) ≥ f·X (the whole fee) ⟺
            // P_liq short of κ·X·(1 − s·f). In key terms both runs are what the ladder search
            // finds for those log prices; a position within an ulp of either threshold pays a
            // fee continuous there, so the split costs nothing in accuracy. Irregular entries
            // pay their own fee instead of what the runs count for them.
            let logX = Foundation.log(x)
            let zeroTarget = target(logPrice: logX + logFactor)
            let fullTarget = target(logPrice: logX + Foundation.log(1 - sign * f) + logFactor)
            let first = range.lowerBound, last = range.upperBound
            let firstIrregular = irregular.isEmpty ? 0 : Self.lowerBound(irregular, first)
            let hasIrregular = firstIrregular < irregular.count && irregular[firstIrregular] < last
            /// What the runs split at `paying` and `full` count for entry k.
            func counted(_ k: Int, paying: Int, full: Int) -> Double {
                let q = holdings[k].quantity
                return k < paying ? 0 : k < full ? sign * q * (x - bankruptcyPrice(k)) : f * q * x
            }
            func corrected(_ total: Double, paying: Int, full: Int) -> Double {
                var total = total
                var i = firstIrregular
                while i < irregular.count && irregular[i] < last {
                    let k = irregular[i]
                    if !excluded.contains(k) { total += fee(k) - counted(k, paying: paying, full: full) }
                    i += 1
                }
                return total
            }
            if !(key(first) >= fullTarget) {                                // every position pays in full
                let total = f * x * quantity
                return hasIrregular ? max(0, corrected(total, paying: first, full: first)) : total
            }
            if key(last - 1) >= zeroTarget {                                // none has equity left
                return hasIrregular ? max(0, corrected(0, paying: last, full: last)) : 0
            }
            let paying = runEnd(from: first, to: last, target: zeroTarget)
            let full = runEnd(from: paying, to: last, target: fullTarget)
            let part = totals(paying, full), whole = totals(full, last)
            var total = sign * (x * part.quantity - part.bankruptcyQuantity) + f * x * whole.quantity
            for k in excluded where range.contains(k) {
                total -= isIrregular(k) ? counted(k, paying: paying, full: full) : fee(k)
            }
            if hasIrregular { total = corrected(total, paying: paying, full: full) }
            return max(0, total)
        }
        let bounds = bankruptcyBounds(range)
        if side == .long {
            if x - f * x >= bounds[1] { return f * x * quantity }
            if x <= bounds[0] { return 0 }
        } else {
            if x + f * x <= bounds[0] { return f * x * quantity }
            if x >= bounds[1] { return 0 }
        }
        var total = 0.0
        for k in range { total += fee(k) }
        for k in excluded where range.contains(k) { total -= fee(k) }
        return max(0, total)
    }

    /// The first index in `start..<end` whose key is below `target` (`end` if none is): where the
    /// run of entries at or beyond a threshold that begins at `start` ends.
    @inline(__always)
    func runEnd(from start: Int, to end: Int, target: Double) -> Int {
        start < end && key(start) >= target ? min(survivor(afterLiquidated: start, target: target), end) : start
    }

    /// Whether entry `k` is in ``irregular``.
    @inline(__always)
    func isIrregular(_ k: Int) -> Bool {
        !irregularBits.isEmpty && irregularBits[k >> 6] & (1 << UInt64(k & 63)) != 0
    }

    /// The first place in `sorted` whose value is at least `value`.
    static func lowerBound(_ sorted: [Int], _ value: Int) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < value { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The entries of `range` other than `excluded` — all regular — in three runs by bankruptcy
    /// price, in ladder order: those at or beyond X (s·(X − P_bk) ≤ 0: no equity left), then
    /// those at or beyond X·e^`logSecond` (with `logSecond` = ln(1 − s·g): equity short of g·X),
    /// then the rest. Needs ``logRegularFactor``.
    ///
    /// - Complexity: two ladder searches, prefix sums, and O(1) per excluded entry.
    func runs(_ range: Range<Int>, excluding excluded: [Int], logExecution logX: Double, logSecond: Double)
        -> (beyond: LadderTotals, short: LadderTotals, rest: LadderTotals) {
        let logFactor = logRegularFactor!
        let first = range.lowerBound, last = range.upperBound
        let zeroTarget = target(logPrice: logX + logFactor)
        let secondTarget = target(logPrice: logX + logSecond + logFactor)
        let a = runEnd(from: first, to: last, target: zeroTarget)
        let b = runEnd(from: a, to: last, target: secondTarget)
        var beyond = totals(first, a), short = totals(a, b), rest = totals(b, last)
        for k in excluded where range.contains(k) {
            let entry = totals(k, k + 1)
            if k < a { beyond = beyond.minus(entry) } else if k < b { short = short.minus(entry) } else { rest = rest.minus(entry) }
        }
        return (beyond, short, rest)
    }

    /// The sums over the entries of `range` other than `excluded` closed at X with negative
    /// equity (s·(X − P_bk) < 0): what a round's closures cost the fund beyond their margin, the
    /// deficit deleveraging covers. X = e^`logExecution`.
    ///
    /// - Complexity: with ``logRegularFactor``, one ladder search and prefix sums, plus the
    ///   excluded and irregular entries of the range; otherwise O(range/64 + 128) when the
    ///   range's bankruptcy prices are all on one side of X, else O(range).
    func underwater(_ range: Range<Int>, excluding excluded: [Int], execution x: Double, logExecution logX: Double) -> LadderTotals {
        guard !range.isEmpty else { return .zero }
        func isUnderwater(_ k: Int) -> Bool { sign * (x - bankruptcyPrice(k)) < 0 }
        guard let logFactor = logRegularFactor else {
            // The range's bankruptcy prices all on one side of X: all of it or none (less the
            // excluded), from the block bounds; otherwise entry by entry.
            let bounds = bankruptcyBounds(range)
            let all = side == .long ? x < bounds[0] : x > bounds[1]
            let none = side == .long ? x >= bounds[1] : x <= bounds[0]
            if none { return .zero }
            var total = LadderTotals.zero
            if all {
                total = totals(range.lowerBound, range.upperBound)
                for k in excluded where range.contains(k) { total = total.minus(totals(k, k + 1)) }
                return total
            }
            for k in range where isUnderwater(k) && !excluded.contains(k) { total = total.plus(totals(k, k + 1)) }
            return total
        }
        let first = range.lowerBound, last = range.upperBound
        let zeroTarget = target(logPrice: logX + logFactor)
        let split = runEnd(from: first, to: last, target: zeroTarget)
        var total = totals(first, split)
        for k in excluded where k >= first && k < split { total = total.minus(totals(k, k + 1)) }
        var i = irregular.isEmpty ? 0 : Self.lowerBound(irregular, first)
        while i < irregular.count && irregular[i] < last {
            let k = irregular[i]
            if !excluded.contains(k) {
                if k < split { total = total.minus(totals(k, k + 1)) }
                if isUnderwater(k) { total = total.plus(totals(k, k + 1)) }
            }
            i += 1
        }
        return total
    }

    /// The key s·ln(P_liq) of entry `index` (−∞ for the sentinel at `count`).
    @inlinable @inline(__always)
    public func key(_ index: Int) -> Double { entries[index][0] }

    /// The first index at or after `start` whose position survives log price `logPrice`
    /// (so positions `start..<result` are liquidated there).
    ///
    /// - Complexity: O(log d) where d is the number of newly liquidated positions (galloping
    ///   search), O(1) when none is.
    @inlinable
    public func firstSurvivor(from start: Int, logPrice: Double) -> Int {
        let target = self.target(logPrice: logPrice)
        if !(key(start) >= target) { return start }
        return survivor(afterLiquidated: start, target: target)
    }

    /// The first index after `start` (whose position is known to be liquidated) with key < `target`.
    ///
    /// Three levels, so that a long jump costs one cache miss that waits for another at most: the
    /// next entry is checked first (most rounds from a fresh crossing close a few positions);
    /// beyond it the search gallops over ``blockKeys`` (every 64th key, in cache), counts the
    /// liquidated among the eight ``groupKeys`` of the block it lands in (one cache line), and
    /// then among the eight entries of one group (four adjacent lines, fetched together) — whose
    /// sums are what the caller reads next. A binary search over the million-entry ladder would
    /// wait for a miss at every step.
    @inlinable
    func survivor(afterLiquidated start: Int, target: Double) -> Int {
        let n = count
        if start + 1 >= n { return n }
        return entries.withUnsafeBufferPointer { e in
            if !(e[start + 1][0] >= target) { return start + 1 }
            return blockKeys.withUnsafeBufferPointer { blocks in
            groupKeys.withUnsafeBufferPointer { groups in
                // Block b starts at entry 64·b; blocks[b] is its key (−∞ from the sentinel on).
                var block = (start + 1) >> 6 + 1
                if blocks[block] >= target {
                    // Gallop over the blocks to one whose first key survives.
                    var low = block, stride = 1
                    var high = block + 1
                    while blocks[high] >= target {
                        low = high
                        stride &*= 2
                        high = min(low + stride, blocks.count - 1)
                    }
                    while high - low > 1 {
                        let mid = low + (high - low) / 2
                        if blocks[mid] >= target { low = mid } else { high = mid }
                    }
                    block = high
                }
                // Every entry up to 64·(block − 1) (and up to `start` + 1) is liquidated, and
                // entry 64·block survives. Keys descend, so the liquidated ones are a prefix:
                // the first group whose first key survives is 8·(block − 1) + 1 plus the number
                // of liquidated first keys among the seven groups after 8·(block − 1) — counted
                // without branches (a scan's exit, at a random place, was a mispredicted branch
                // per search), the seven loads on one or two cache lines.
                let groupBase = (block - 1) << 3
                var group = groupBase + 1
                for m in 1...7 { group &+= groups[groupBase &+ m] >= target ? 1 : 0 }
                // Likewise the survivor is the first of entries 8·(group − 1) + 1 ... 8·group
                // (the last survives) with a surviving key; past the end, the sentinel's key
                // (−∞) is read instead.
                let entryBase = (group - 1) << 3
                var i = entryBase + 1
                for m in 1...7 { i &+= e[min(entryBase &+ m, n)][0] >= target ? 1 : 0 }
                return i
            }}
        }
    }

    /// Asks the cache for the memory a round from `cursor` reads first — the next entry (its key,
    /// and the sums a short advance needs) — without waiting for it. Issued for many
    /// paths at once, their cache misses overlap.
    @inline(__always)
    public func prefetch(after cursor: LadderCursor) {
        let i = min(cursor.index + 1, count)
        entries.withUnsafeBufferPointer { cascade_prefetch($0.baseAddress! + i) }
    }

    /// A path's place on this side at the start: nothing liquidated.
    public var start: LadderCursor { LadderCursor(index: 0, entry: entries[0]) }

    /// Moves `cursor` past every position liquidated at log price `logPrice` and returns their
    /// sums (zero when none is).
    ///
    /// The cursor carries its entry, so the sums need only the entry where the search stops,
    /// which the search has just read: a round costs the search's memory accesses and nothing
    /// more.
    @inline(__always)
    public func advance(_ cursor: inout LadderCursor, logPrice: Double) -> LadderTotals {
        let target = self.target(logPrice: logPrice)
        guard cursor.entry[0] >= target else { return .zero }
        let index = survivor(afterLiquidated: cursor.index, target: target)
        let entry = entries[index]
        let d = entry - cursor.entry
        cursor = LadderCursor(index: index, entry: entry)
        return LadderTotals(quantity: d[1], bankruptcyQuantity: d[2], entryNotional: d[3], margin: sign * (d[3] - d[2]))
    }

    /// The sums over entries `lower..<upper`.
    @inline(__always)
    public func totals(_ lower: Int, _ upper: Int) -> LadderTotals {
        let d = entries[upper] - entries[lower]
        return LadderTotals(quantity: d[1], bankruptcyQuantity: d[2], entryNotional: d[3],
                            margin: sign * (d[3] - d[2]))
    }
}

/// A book of isolated positions prepared for the engine: each side as a ``LadderSide``.
public struct LiquidationLadder: Sendable {
    public let positions: [Position]
    public let rule: FlatMarginRule
    public let longs: LadderSide
    public let shorts: LadderSide

    public init(positions: [Position], rule: FlatMarginRule) {
        self.positions = positions
        self.rule = rule
        let longCount = positions.reduce(0) { $1.side == .long ? $0 + 1 : $0 }
        var longIndices: [Int] = [], shortIndices: [Int] = []
        longIndices.reserveCapacity(longCount)
        shortIndices.reserveCapacity(positions.count - longCount)
        for (i, p) in positions.enumerated() {
            if p.side == .long { longIndices.append(i) } else { shortIndices.append(i) }
        }
        // The two sides are independent: build them on two threads.
        let sides = WorkerSlots<LadderSide>(count: 2)
        let indices = [longIndices, shortIndices]
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            sides[i] = LadderSide(side: i == 0 ? .long : .short, positions: positions, indices: indices[i], rule: rule)
        }
        longs = sides[0]!
        shorts = sides[1]!
    }

    /// The ladder of one side.
    @inlinable
    public subscript(side: Side) -> LadderSide { side == .long ? longs : shorts }

    /// Total open notional at entry, both sides (USD).
    public var openInterest: Double {
        longs.totals(0, longs.count).entryNotional + shorts.totals(0, shorts.count).entryNotional
    }
}
