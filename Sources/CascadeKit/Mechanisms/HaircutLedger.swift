/// One path's auto-deleveraging haircuts, position by position, for the concentration metrics.
///
/// A winner deleveraged of quantity t at the bankrupt closures' bankruptcy price P_bk while the
/// market is at X gives up h = t·|X − P_bk| (USD): the profit it would have had closing at X.
/// Its haircuts add up over the path. The population is the winners eligible at the path's
/// deleveragings: for each asset and side the largest number of winners (positions in profit at
/// the ranking price) counted at one of its deleveragings — those not haircut count as zeros.
///
/// - top-1% share: Σ of the ⌈N/100⌉ largest haircuts / Σ of all;
/// - Gini over N values x₍₁₎ ≤ … ≤ x₍N₎: G = 2·Σ i·x₍ᵢ₎ / (N·Σ x) − (N + 1)/N.
public struct HaircutLedger: Sendable, Equatable {
    /// Haircut per position, keyed by ``key(asset:side:ladderIndex:)``.
    public private(set) var haircuts: [Int: Double] = [:]
    /// The largest count of eligible winners per asset and side (key asset·2 + side).
    public private(set) var eligible: [Int: Int] = [:]
    /// Haircuts beyond the shortfalls they covered (USD).
    public var overshoot = 0.0

    public init() {}

    static func key(asset: Int, side: Int, ladderIndex: Int) -> Int { (asset << 41) | (side << 40) | ladderIndex }

    /// Books a haircut of `amount` USD on a position.
    public mutating func add(_ amount: Double, asset: Int, side: Int, ladderIndex: Int) {
        guard amount > 0 else { return }
        haircuts[Self.key(asset: asset, side: side, ladderIndex: ladderIndex), default: 0] += amount
    }

    /// Notes that a deleveraging of `side` in `asset` saw `winners` eligible winners.
    public mutating func saw(winners: Int, asset: Int, side: Int) {
        eligible[asset * 2 + side] = max(eligible[asset * 2 + side] ?? 0, winners)
    }

    /// Positions haircut.
    public var winnersHaircut: Int { haircuts.count }
    /// The population N (at least the positions haircut).
    public var population: Int { max(eligible.values.reduce(0, +), haircuts.count) }
    /// Σ haircuts (USD), summed in the order of the positions (a dictionary's own order differs
    /// from one instance to the next, and so would the last bits of the sum).
    public var total: Double { haircuts.sorted { $0.key < $1.key }.reduce(0) { $0 + $1.value } }

    /// Mean haircut per winner haircut (USD); NaN without any.
    public var meanHaircut: Double { haircuts.isEmpty ? .nan : total / Double(haircuts.count) }

    /// The haircuts ascending, in a fixed order (a dictionary's order is not).
    var sorted: [Double] { haircuts.sorted { $0.key < $1.key }.map(\.value).sorted() }

    /// Share of the haircuts taken by the top 1% of the population; NaN without any.
    public var topShare: Double {
        let x = sorted
        guard !x.isEmpty else { return .nan }
        let k = min(x.count, max(1, (population + 99) / 100))
        return x.suffix(k).reduce(0, +) / x.reduce(0, +)
    }

    /// Gini coefficient of the haircuts over the population (zeros for winners not haircut); NaN
    /// without any.
    public var gini: Double {
        let x = sorted
        guard !x.isEmpty else { return .nan }
        let n = population, zeros = n - x.count
        var weighted = 0.0, sum = 0.0
        for (k, v) in x.enumerated() {
            weighted += Double(zeros + k + 1) * v
            sum += v
        }
        return 2 * weighted / (Double(n) * sum) - Double(n + 1) / Double(n)
    }
}
