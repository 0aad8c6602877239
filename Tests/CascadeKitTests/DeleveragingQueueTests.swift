import Foundation
import Testing
@testable import CascadeKit

/// The auto-deleveraging queue (``DeleveragingQueue`` over a ``DeleveragingIndex``) against the
/// literal definition: rank every open opposite position at the ranking price and sort them,
/// higher rank first, ties by lower ladder index.
@Suite("Deleveraging queue")
struct DeleveragingQueueTests {
    /// A book under `preset`'s BTC rule with many exact ties: every 7th position is a copy of the
    /// one before it (same size, entry and margin, so the same rank).
    static func book(_ preset: String, seed: UInt64) -> (MarginRule, LiquidationLadder) {
        let rule = VenuePreset.named(preset)!.rule(for: .btc)
        let population = SyntheticPopulation(count: 6_000, openInterest: 3e9, longShare: 0.5,
                                             leverageMix: [(2, 0.2), (3, 0.2), (5, 0.25), (10, 0.25), (20, 0.1)],
                                             entrySpread: 0.08, sizeSigma: 2)
        var positions = try! population.generate(price: 100_000, rule: rule, seed: seed)
        for i in stride(from: 7, to: positions.count, by: 7) { positions[i] = positions[i - 1] }
        return (rule, LiquidationLadder(positions: positions, rule: rule))
    }

    /// What the queue gives, taken to the end.
    static func drain(_ resolver: CascadeResolver, side s: Int, cursor: Int, price: Double, ranking: ADLRanking,
                      book: PathBook, step: Int = 3) -> [Int] {
        var queue = DeleveragingQueue()
        let ladderSide = s == 0 ? resolver.ladder.longs : resolver.ladder.shorts
        resolver.startQueue(&queue, side: s, ladderSide: ladderSide, cursor: cursor, marketPrice: price, ranking: ranking,
                            path: 5, step: step, book: book)
        var order: [Int] = []
        while let c = resolver.next(&queue, side: s, ranking: ranking, book: book) {
            order.append(c.live ? -1 - c.ladderIndex : c.ladderIndex)
            if !c.live { #expect(c.holding == ladderSide.holdings[c.ladderIndex]) }
            queue.advance()
        }
        return order
    }

    /// A path's book with some ladder entries deleveraged away and some re-inserted positions.
    static func pathBook(_ ladder: LiquidationLadder, side s: Int, cursor: Int, seed: UInt64) -> PathBook {
        var book = PathBook()
        let side = s == 0 ? ladder.longs : ladder.shorts
        var random = Xoshiro256Plus(seed: seed, path: 1)
        for _ in 0..<200 {
            book.remove(ladderIndex: Int(random.next() % UInt64(side.count)), side: s, count: side.count)
        }
        // Re-inserted: the rest of a few removed or already crossed entries, with half the size.
        for k in [0, 1, cursor / 2, side.count - 1] where k < cursor || book.isRemoved(k, side: s) {
            let h = side.holdings[k]
            book.insert(LivePosition(ladderIndex: k, quantity: h.quantity / 2, entryPrice: h.entryPrice, margin: h.margin / 2,
                                     key: side.key(k), fullUntil: -1, blockedStep: -1), side: s)
        }
        return book
    }

    @Test("a ranked queue is a full sort of the open opposite positions, ties included",
          arguments: [("binance-usdm", ADLRanking.pnlTimesMarginRatio), ("bybit", .pnlTimesEffectiveLeverage),
                      ("okx", .pnlTimesEffectiveLeverage), ("bitmex", .pnlTimesEffectiveLeverage),
                      ("hyperliquid", .markOverEntryTimesLeverage), ("binance-usdm", .markOverEntryTimesLeverage)])
    func rankedOrder(_ preset: String, _ ranking: ADLRanking) {
        let (rule, ladder) = Self.book(preset, seed: 21)
        let resolver = CascadeResolver(ladder: ladder, impact: ImpactModel(shape: .linear, depth: 1e9, coefficient: 0, recoveryHalfLife: 0),
                                       maxRounds: 10, mechanics: LiquidationMechanics(deleveraging: ranking))
        var ties = 0
        for s in 0..<2 {
            let side = s == 0 ? ladder.longs : ladder.shorts
            let sign = side.sign
            for (i, factor) in [0.7, 0.93, 0.99, 1.0, 1.01, 1.07, 1.4].enumerated() {
                let x = 100_000 * factor
                let cursor = i * side.count / 20
                let book = Self.pathBook(ladder, side: s, cursor: cursor, seed: UInt64(i))
                // The literal queue: every open position with equity at x, sorted.
                var candidates: [(rank: Double, key: Int)] = []
                for k in cursor..<side.count where !book.isRemoved(k, side: s) {
                    let r = ranking.rank(side.holdings[k], sign: sign, at: x, rule: rule)
                    if r > -.infinity { candidates.append((r, k)) }
                }
                for p in book.live[s] {
                    let r = ranking.rank(Holding(quantity: p.quantity, entryPrice: p.entryPrice, margin: p.margin), sign: sign, at: x, rule: rule)
                    if r > -.infinity { candidates.append((r, p.ladderIndex)) }
                }
                let live = Set(book.live[s].map(\.ladderIndex))
                let expected = candidates.sorted { $0.rank > $1.rank || ($0.rank == $1.rank && $0.key < $1.key) }
                    .map { live.contains($0.key) ? -1 - $0.key : $0.key }
                ties += zip(candidates.map(\.rank).sorted().dropFirst(), candidates.map(\.rank).sorted()).filter { $0 == $1 }.count
                let actual = Self.drain(resolver, side: s, cursor: cursor, price: x, ranking: ranking, book: book)
                #expect(actual == expected, "side \(s), price \(x): \(actual.count) vs \(expected.count) candidates")
                #expect(expected.count > 100)
            }
        }
        #expect(ties > 1_000)
    }

    @Test("an unranked queue is the open positions in ladder order, then the re-inserted, rotated")
    func unrankedOrder() {
        let (_, ladder) = Self.book("dydx-v4", seed: 4)
        let resolver = CascadeResolver(ladder: ladder, impact: ImpactModel(shape: .linear, depth: 1e9, coefficient: 0, recoveryHalfLife: 0),
                                       maxRounds: 10, mechanics: LiquidationMechanics(deleveraging: .unranked), seed: 77)
        for s in 0..<2 {
            let side = s == 0 ? ladder.longs : ladder.shorts
            for (i, cursor) in [0, 17, side.count / 3, side.count - 1].enumerated() {
                let book = Self.pathBook(ladder, side: s, cursor: cursor, seed: UInt64(10 + i))
                for step in [0, 1, 200] {
                    let candidates = (cursor..<side.count).filter { !book.isRemoved($0, side: s) } + book.live[s].map { -1 - $0.ladderIndex }
                    let start = Int(SplitMix64.mix(77 ^ (UInt64(5) &* 0x9E37_79B9_7F4A_7C15) ^ (UInt64(step) << 1 | UInt64(s)))
                                    % UInt64(candidates.count))
                    let expected = Array(candidates[start...] + candidates[..<start])
                    let actual = Self.drain(resolver, side: s, cursor: cursor, price: 100_000, ranking: .unranked, book: book, step: step)
                    #expect(actual == expected, "side \(s), cursor \(cursor), step \(step)")
                }
            }
        }
    }
}
