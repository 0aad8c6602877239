import Foundation

/// A seeded generator of a realistic book of isolated positions around the current price.
///
/// Position i (0-based) is drawn from its own Philox stream (seed, i), so the book does not
/// depend on how it is generated:
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
///   (side open interest / side count)·e^(−σ²/2) in expectation; quantity = notional / E.
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
        public var description: String {
            switch self {
            case let .noSolventEntry(position, leverage):
                "position \(position) (leverage \(leverage)): no solvent entry price in \(SyntheticPopulation.maximumRedraws) draws"
            }
        }
    }

    /// Generates the positions at initial price `price` under `rule`, from `seed`.
    ///
    /// Positions are drawn in parallel over `threads` threads; each comes from its own stream, so
    /// the book is the same for any thread count.
    /// - Complexity: O(count), one Philox stream per position.
    public func generate(price: Double, rule: FlatMarginRule, seed: UInt64,
                         threads: Int = SimulationEngine.defaultThreads) throws -> [Position] {
        let generator = Philox4x32(seed: seed, domain: UInt64(RandomPurpose.population.rawValue))
        let longs = longCount
        var running = 0.0
        let cumulative = leverageMix.map { running += $0.weight; return running }
        let total = running
        let mix = leverageMix.map(\.leverage)
        let entrySpread = self.entrySpread, sizeSigma = self.sizeSigma
        let placeholder = Position(side: .long, quantity: 0, entryPrice: price, leverage: 1)
        var positions = [Position](repeating: placeholder, count: count)
        var notionals = [Double](repeating: 0, count: count)
        let chunkSize = 16_384
        let chunks = (count + chunkSize - 1) / chunkSize
        // The first failing position of each chunk (Int.max when none), so the error reported
        // does not depend on scheduling.
        var failures = [Int](repeating: .max, count: chunks)
        positions.withUnsafeMutableBufferPointer { positionBuffer in
        notionals.withUnsafeMutableBufferPointer { notionalBuffer in
        failures.withUnsafeMutableBufferPointer { failureBuffer in
            let out = SendablePointer(base: positionBuffer.baseAddress!)
            let sizes = SendablePointer(base: notionalBuffer.baseAddress!)
            let failed = SendablePointer(base: failureBuffer.baseAddress!)
            let work: @Sendable (Int) -> Void = { chunk in
                for i in (chunk * chunkSize)..<min((chunk + 1) * chunkSize, count) {
                    var stream = PhiloxStream(generator: generator, item: UInt64(i), purpose: .population)
                    let side: Side = i < longs ? .long : .short
                    let u = stream.uniform() * total
                    let leverage = mix[cumulative.firstIndex(where: { u < $0 }) ?? (mix.count - 1)]
                    var entry = 0.0
                    var solvent = false
                    for _ in 0..<Self.maximumRedraws {
                        entry = price * Foundation.exp(entrySpread * stream.normal())
                        let liquidation = rule.liquidationPrice(side: side, entryPrice: entry, leverage: leverage)
                        if side == .long ? liquidation < price : liquidation > price {
                            solvent = true
                            break
                        }
                    }
                    if !solvent {
                        failed.base[chunk] = i
                        return
                    }
                    let notional = Foundation.exp(sizeSigma * stream.normal())
                    sizes.base[i] = notional
                    out.base[i] = Position(side: side, quantity: notional / entry, entryPrice: entry, leverage: leverage)
                }
            }
            if threads <= 1 || chunks == 1 {
                for chunk in 0..<chunks { work(chunk) }
            } else {
                DispatchQueue.concurrentPerform(iterations: chunks, execute: work)
            }
        }}}
        if let first = failures.min(), first != .max {
            throw GenerationError.noSolventEntry(position: first, leverage: positions[first].leverage)
        }
        // Scale each side to its share of the open interest (sums in index order: deterministic).
        var sideNotional = [0.0, 0.0]
        for i in 0..<count { sideNotional[i < longs ? 0 : 1] += notionals[i] }
        let scale = [openInterest * longShare / max(sideNotional[0], .leastNormalMagnitude),
                     openInterest * (1 - longShare) / max(sideNotional[1], .leastNormalMagnitude)]
        for i in positions.indices {
            positions[i].quantity *= scale[i < longs ? 0 : 1]
        }
        return positions
    }
}
