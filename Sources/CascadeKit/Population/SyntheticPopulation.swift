import Foundation

/// A seeded generator of a realistic book of isolated positions around the current price.
///
/// Position i (0-based) is drawn from Philox blocks with counter (k, i, purpose) — k = 0 for the
/// leverage, 1 for the size, 2 + a for the a-th entry draw — so the book does not depend on how
/// (or on how many threads) it is generated:
///
/// - **side**: the first round(count·longShare) positions are longs, the rest shorts (at least
///   one of each side whose share is positive);
/// - **leverage**: from the leverage mix (leverage → weight);
/// - **entry price**: E = P₀·exp(entrySpread·Z), Z ~ N(0, 1). A draw whose liquidation price is
///   already at or beyond P₀ (a long with P_liq ≥ P₀, a short with P_liq ≤ P₀) is **redrawn**:
///   such a position would have been liquidated before the simulation starts, so the book is the
///   one that survives at P₀. High-leverage positions therefore end up with entries close to or
///   on the safe side of P₀, as on a real venue;
/// - **size**: notional ∝ exp(σ·Z′) (log-normal), then every side is scaled so that its notionals
///   add up to exactly its share of the open interest. The median notional is therefore implied:
///   (side open interest / side count)·e^(−σ²/2) in expectation; quantity = notional / E;
/// - **tiers**: a venue allows less leverage on large positions; a drawn leverage above the
///   maximum of the position's tier at entry is lowered to that maximum (``Book/cappedLeverage``
///   counts them, and `cascade validate` reports the count).
public struct SyntheticPopulation: Sendable, Equatable {
    /// Number of positions.
    public var count: Int
    /// Total notional at entry of all positions, longs and shorts together (USD).
    public var openInterest: Double
    /// Fraction of the open interest held by longs, in [0, 1].
    public var longShare: Double
    /// (leverage, weight) pairs; weights add up to 1.
    public var leverageMix: [(leverage: Double, weight: Double)]
    /// σ of ln(E/P₀).
    public var entrySpread: Double
    /// σ of the log-normal notional distribution.
    public var sizeSigma: Double

    /// Redraws allowed per position before generation fails; unreachable for valid scenarios
    /// (each draw is solvent with probability ≥ ½ when leverage < 1/m).
    public static let maximumRedraws = 10_000

    public init(count: Int, openInterest: Double, longShare: Double,
                leverageMix: [(leverage: Double, weight: Double)], entrySpread: Double, sizeSigma: Double) {
        self.count = count
        self.openInterest = openInterest
        self.longShare = longShare
        self.leverageMix = leverageMix
        self.entrySpread = entrySpread
        self.sizeSigma = sizeSigma
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.count == b.count && a.openInterest == b.openInterest && a.longShare == b.longShare
            && a.leverageMix.elementsEqual(b.leverageMix, by: { $0 == $1 })
            && a.entrySpread == b.entrySpread && a.sizeSigma == b.sizeSigma
    }

    /// The number of longs: round(count·longShare), kept ≥ 1 when longShare > 0 and ≤ count − 1
    /// when longShare < 1.
    public var longCount: Int {
        var n = Int((Double(count) * longShare).rounded())
        if longShare > 0 { n = max(n, 1) }
        if longShare < 1 { n = min(n, count - 1) }
        return n
    }

    public enum GenerationError: Error, Equatable, CustomStringConvertible {
        case noSolventEntry(position: Int, leverage: Double)
        /// Some scaled notionals fall below ``ModelLimits/smallestNotional`` or are not finite
        /// (the log-normal sizes spread too far, or a side's share of the open interest is too
        /// small for its number of positions).
        case notionalsOutOfRange
        public var description: String {
            switch self {
            case .notionalsOutOfRange:
                "the position notionals fall outside the model's range (some below 1e-6 USD, or not finite)"
            case let .noSolventEntry(position, leverage):
                "position \(position) (leverage \(leverage)): no solvent entry price in \(SyntheticPopulation.maximumRedraws) draws"
            }
        }
    }

    /// The draws of one position: uniform for the leverage, normal for the size, normal for the
    /// entry (first attempt), for the four positions `items` at once.
    @inline(__always)
    static func draws(_ generator: Philox4x32, items: SIMD4<UInt64>, counter: UInt32)
        -> (uniform: SIMD4<Double>, normal: SIMD4<Double>) {
        let low = SIMD4<UInt32>(truncatingIfNeeded: items), high = SIMD4<UInt32>(truncatingIfNeeded: items &>> 32)
        let (w0, w1, w2, _) = generator.blocks(SIMD4(repeating: counter), low, high,
                                               SIMD4(repeating: RandomPurpose.population.rawValue))
        let u = RandomVariates.uniform52(w0, w1)
        return (u, FastMath.boxMuller(u, RandomVariates.uniform32(w2)).0)
    }

    /// A generated book: the positions and how many leverages were lowered to their tier's maximum.
    public struct Book: Sendable {
        public var positions: [Position]
        public var cappedLeverage: Int
    }

    /// Generates the positions at initial price `price` under `rule`, from `seed`.
    public func generate(price: Double, rule: MarginRule, seed: UInt64,
                         threads: Int = SimulationEngine.defaultThreads) throws -> [Position] {
        try generateBook(price: price, rule: rule, seed: seed, threads: threads).positions
    }

    /// Generates the book at initial price `price` under `rule`, from `seed`.
    ///
    /// Two passes, each parallel over chunks of positions: the leverage and size draws (four
    /// positions at a time with vector Philox and Box–Muller), then — once each side's scale to its
    /// open interest is known — the entry draws, which need the final size to know the tier. Each
    /// position depends only on (seed, index), so the book is the same for any thread count.
    /// - Complexity: O(count).
    public func generateBook(price: Double, rule: MarginRule, seed: UInt64,
                             threads: Int = SimulationEngine.defaultThreads) throws -> Book {
        try generateBook(price: price, rule: rule, seed: seed, threads: threads, longs: longCount,
                         sideTargets: [openInterest * longShare, openInterest * (1 - longShare)])
    }

    /// ``generateBook(price:rule:seed:threads:)`` with `longs` longs (the first indices) and each
    /// side's notionals scaled to add up to `sideTargets` (longs, shorts) instead of the open
    /// interest's shares.
    func generateBook(price: Double, rule: MarginRule, seed: UInt64, threads: Int, longs: Int,
                      sideTargets: [Double]) throws -> Book {
        let generator = Philox4x32(seed: seed, domain: UInt64(RandomPurpose.population.rawValue))
        var running = 0.0
        let cumulative = leverageMix.map { running += $0.weight; return running }
        let total = running
        let mix = leverageMix.map(\.leverage)
        let entrySpread = self.entrySpread, sizeSigma = self.sizeSigma, count = self.count
        let chunkSize = 16_384
        let chunks = (count + chunkSize - 1) / chunkSize
        func parallel(_ work: @escaping @Sendable (Int) -> Void) {
            if threads <= 1 || chunks == 1 { for chunk in 0..<chunks { work(chunk) } }
            else { DispatchQueue.concurrentPerform(iterations: chunks, execute: work) }
        }

        // Pass 1: leverage and (unscaled) notional.
        var leverages = [Double](repeating: 0, count: count)
        var notionals = [Double](repeating: 0, count: count)
        leverages.withUnsafeMutableBufferPointer { leverageBuffer in
        notionals.withUnsafeMutableBufferPointer { notionalBuffer in
            let lev = SendablePointer(base: leverageBuffer.baseAddress!)
            let sizes = SendablePointer(base: notionalBuffer.baseAddress!)
            parallel { chunk in
                let end = min((chunk + 1) * chunkSize, count)
                for group in stride(from: chunk * chunkSize, to: end, by: 4) {
                    let items = SIMD4<UInt64>(UInt64(group), UInt64(group + 1), UInt64(group + 2), UInt64(group + 3))
                    let leverageDraw = Self.draws(generator, items: items, counter: 0).uniform * total
                    let sizeDraw = Self.draws(generator, items: items, counter: 1).normal
                    for lane in 0..<min(4, end - group) {
                        lev.base[group + lane] = mix[cumulative.firstIndex(where: { leverageDraw[lane] < $0 }) ?? (mix.count - 1)]
                        sizes.base[group + lane] = Foundation.exp(sizeSigma * sizeDraw[lane])
                    }
                }
            }
        }}
        // Scale each side to its share of the open interest (sums in index order: deterministic).
        var sideNotional = [0.0, 0.0], smallest = [Double.infinity, .infinity], largest = [0.0, 0.0]
        for i in 0..<count {
            let side = i < longs ? 0 : 1
            sideNotional[side] += notionals[i]
            smallest[side] = min(smallest[side], notionals[i])
            largest[side] = max(largest[side], notionals[i])
        }
        let scale = [sideTargets[0] / max(sideNotional[0], .leastNormalMagnitude),
                     sideTargets[1] / max(sideNotional[1], .leastNormalMagnitude)]
        // Every scaled notional must be a finite number of at least ModelLimits.smallestNotional
        // (a σ of a hundred makes e^(σZ) overflow, and the scale then zero: no entry could ever
        // be solvent; a long share of 1e-320 makes the longs' notionals subnormal).
        for side in 0..<2 where side == 0 ? longs > 0 : longs < count {
            guard sideNotional[side].isFinite, smallest[side] * scale[side] >= ModelLimits.smallestNotional,
                  (largest[side] * scale[side]).isFinite else {
                throw GenerationError.notionalsOutOfRange
            }
        }

        // Pass 2: entries, solvent at the start under the venue's rule, and tier leverage caps.
        let placeholder = Position(side: .long, quantity: 0, entryPrice: price, leverage: 1)
        var positions = [Position](repeating: placeholder, count: count)
        var failures = [Int](repeating: .max, count: chunks)
        var capped = [Int](repeating: 0, count: chunks)
        positions.withUnsafeMutableBufferPointer { positionBuffer in
        failures.withUnsafeMutableBufferPointer { failureBuffer in
        capped.withUnsafeMutableBufferPointer { cappedBuffer in
            let out = SendablePointer(base: positionBuffer.baseAddress!)
            let failed = SendablePointer(base: failureBuffer.baseAddress!)
            let cappedCount = SendablePointer(base: cappedBuffer.baseAddress!)
            let leverageValues = leverages, notionalValues = notionals
            parallel { chunk in
                let end = min((chunk + 1) * chunkSize, count)
                for group in stride(from: chunk * chunkSize, to: end, by: 4) {
                    let items = SIMD4<UInt64>(UInt64(group), UInt64(group + 1), UInt64(group + 2), UInt64(group + 3))
                    let entryDraw = Self.draws(generator, items: items, counter: 2).normal
                    for lane in 0..<min(4, end - group) {
                        let i = group + lane
                        let side: Side = i < longs ? .long : .short
                        let notional = notionalValues[i] * scale[i < longs ? 0 : 1]
                        var z = entryDraw[lane]
                        var attempt: UInt32 = 0
                        while true {
                            let entry = price * Foundation.exp(entrySpread * z)
                            let quantity = notional / entry
                            let drawn = rule.allows(leverage: leverageValues[i], quantity: quantity, entryPrice: entry, side: side)
                            let leverage = min(leverageValues[i], drawn.maximum)
                            let position = Position(side: side, quantity: quantity, entryPrice: entry, leverage: leverage)
                            let liquidation = rule.liquidationPrice(of: position)
                            let allowed = leverage == leverageValues[i] ? drawn.allowed
                                : rule.allows(leverage: leverage, quantity: quantity, entryPrice: entry, side: side).allowed
                            if allowed
                                && (side == .long ? liquidation < price : liquidation > price) {
                                out.base[i] = position
                                if leverage < leverageValues[i] { cappedCount.base[chunk] += 1 }
                                break
                            }
                            attempt += 1
                            if attempt == Self.maximumRedraws {
                                failed.base[chunk] = i
                                return
                            }
                            z = Self.draws(generator, items: SIMD4(repeating: UInt64(i)), counter: 2 + attempt).normal[0]
                        }
                    }
                }
            }
        }}}
        if let first = failures.min(), first != .max {
            throw GenerationError.noSolventEntry(position: first, leverage: leverages[first])
        }
        return Book(positions: positions, cappedLeverage: capped.reduce(0, +))
    }
}

extension SyntheticPopulation {
    /// The book of an inverse contract under `rule`, at initial price `price` (USD), in its
    /// reciprocal form (``InverseMarginRule/reciprocal``): drawn as a linear book in y = 1/P, at
    /// y₀ = 1/P₀, of value `openInterest`/P₀ in the coin, its long share 1 − `longShare` (the
    /// longs in y are the inverse shorts), with the reciprocal rule's tier caps on leverage and
    /// solvency at the start.
    ///
    /// A position's USD face value is Q = its coin value at entry × E, so a book drawn to
    /// `openInterest`/P₀ of coin value is worth `openInterest` only on average over the entry draws.
    /// Each side's coin value is therefore corrected by the ratio of its target face value to the
    /// drawn one and the book drawn again from the same seed: the sizes scale by that ratio and the
    /// draws repeat, so the second book's face value is the target but for rounding, and for the
    /// few positions whose redraw (a tier cap, solvency) the new size changed — at most four draws.
    public func generateInverseBook(price: Double, rule: InverseMarginRule, seed: UInt64,
                                    threads: Int = SimulationEngine.defaultThreads) throws -> Book {
        var reciprocal = self
        reciprocal.openInterest = openInterest / price
        reciprocal.longShare = 1 - longShare
        // As many inverse longs as a linear book would have (rounding 1 − longShare could differ).
        let longs = count - longCount
        // In y the longs are the inverse shorts.
        let targets = [openInterest * (1 - longShare), openInterest * longShare]
        var coin = [reciprocal.openInterest * reciprocal.longShare, reciprocal.openInterest * (1 - reciprocal.longShare)]
        var book = Book(positions: [], cappedLeverage: 0)
        for draw in 0..<4 {
            book = try reciprocal.generateBook(price: 1 / price, rule: rule.reciprocal, seed: seed, threads: threads, longs: longs,
                                               sideTargets: coin)
            var face = [0.0, 0.0]
            for (i, p) in book.positions.enumerated() { face[i < longs ? 0 : 1] += p.quantity }
            let exact = (0..<2).allSatisfy { face[$0] == targets[$0] || abs(face[$0] - targets[$0]) <= 1e-12 * targets[$0] }
            if exact || draw == 3 { break }
            for side in 0..<2 where face[side] > 0 { coin[side] *= targets[side] / face[side] }
        }
        return book
    }
}
