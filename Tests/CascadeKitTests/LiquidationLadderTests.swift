import Foundation
import Testing
@testable import CascadeKit

@Suite("Liquidation ladder")
struct LiquidationLadderTests {
    let rule = FlatMarginRule(maintenanceMarginRate: 0.005)

    @Test("firstSurvivor agrees with a direct scan of the liquidation condition")
    func agreesWithScan() {
        let positions = TestBooks.randomBook(count: 3_000, rule: rule)
        let ladder = LiquidationLadder(positions: positions, rule: rule)
        for side in Side.allCases {
            let s = ladder[side]
            for price in stride(from: 60.0, through: 140.0, by: 0.73) {
                let x = log(price)
                for start in [0, s.count / 3, s.count - 1, s.count] {
                    let survivor = s.firstSurvivor(from: start, logPrice: x)
                    var expected = start
                    while expected < s.count && s.key(expected) >= s.sign * x { expected += 1 }
                    #expect(survivor == expected, "\(side) price \(price) start \(start)")
                }
            }
        }
    }

    @Test("the three-level search finds the survivor at every distance and alignment")
    func searchAtEveryDistance() {
        let positions = TestBooks.randomBook(count: 5_000, rule: rule)
        let ladder = LiquidationLadder(positions: positions, rule: rule)
        for side in Side.allCases {
            let s = ladder[side]
            for start in stride(from: 0, to: s.count, by: 13) {
                for distance in [1, 2, 3, 7, 8, 9, 15, 16, 17, 56, 63, 64, 65, 71, 128, 129, 500, 1_000, 4_999] {
                    let end = min(start + distance, s.count - 1)
                    // Targets exactly at a key (ties liquidate) and just beyond it.
                    for target in [s.key(end), s.key(end).nextDown] {
                        let survivor = s.firstSurvivor(from: start, logPrice: s.sign * target)
                        var expected = start
                        while expected < s.count && s.key(expected) >= target { expected += 1 }
                        #expect(survivor == expected, "\(side) start \(start) distance \(distance)")
                    }
                }
            }
        }
    }

    @Test("the order is the order of liquidation and prefix sums add up the book")
    func orderAndSums() {
        let positions = TestBooks.randomBook(count: 2_000, rule: rule)
        let ladder = LiquidationLadder(positions: positions, rule: rule)
        #expect(ladder.longs.count + ladder.shorts.count == positions.count)
        for side in Side.allCases {
            let s = ladder[side]
            let liq = s.positionIndex.map { rule.liquidationPrice(of: positions[$0]) }
            // Longs: decreasing liquidation price; shorts: increasing.
            for i in 1..<liq.count {
                #expect(side == .long ? liq[i] <= liq[i - 1] : liq[i] >= liq[i - 1])
            }
            let members = s.positionIndex.map { positions[$0] }
            #expect(members.allSatisfy { $0.side == side })
            let all = s.totals(0, s.count)
            #expect(isClose(all.quantity, members.reduce(0) { $0 + $1.quantity }, relative: 1e-12))
            #expect(isClose(all.margin, members.reduce(0) { $0 + $1.margin }, relative: 1e-9))
            #expect(isClose(all.entryNotional, members.reduce(0) { $0 + $1.entryNotional }, relative: 1e-12))
            #expect(s.key(s.count) == -.infinity)
            // A middle range: sums of its members, margin included.
            let range = (s.count / 3)..<(s.count / 2)
            let part = s.totals(range.lowerBound, range.upperBound)
            let slice = range.map { positions[s.positionIndex[$0]] }
            #expect(isClose(part.margin, slice.reduce(0) { $0 + $1.margin }, relative: 1e-6))
            #expect(isClose(part.bankruptcyQuantity, slice.reduce(0) { $0 + $1.quantity * rule.bankruptcyPrice(of: $1) }, relative: 1e-9))
        }
    }
}

/// The received-fee sums of a round against the literal per-position oracle.
@Suite("Received clearance fees")
struct ReceivedFeeTests {
    /// Σ min(f·q·X, max(0, s·q·(X − P_bk))) over `range` minus `excluded`, one position at a time.
    static func oracle(_ side: LadderSide, _ range: Range<Int>, excluding excluded: [Int], x: Double, f: Double) -> Double {
        range.filter { !excluded.contains($0) }.reduce(0.0) { sum, k in
            let h = side.holdings[k]
            let b = MarginRule.bankruptcyPrice(sign: side.sign, quantity: h.quantity, entryPrice: h.entryPrice, margin: h.margin)
            return sum + min(f * h.quantity * x, max(0, side.sign * h.quantity * (x - b)))
        }
    }

    @Test("regular orders (the ladder's own search, irregular entries apart) and fixed tiers (block bounds) equal the oracle",
          arguments: ["flat", "binance-usdm", "bybit", "okx"])
    func againstOracle(_ rules: String) {
        let rule = rules == "flat" ? MarginRule(maintenanceMarginRate: 0.005, liquidationFee: 0.003)
            : VenuePreset.named(rules)!.rule(for: .btc)
        // Sizes to a few million: under the venues' tiers some positions are liquidated beyond
        // the first tier (irregular: their own fee, not the runs').
        let positions = TestBooks.randomBook(count: 3_000, price: 100, rule: MarginRule(maintenanceMarginRate: 0.005))
        let ladder = LiquidationLadder(positions: positions, rule: rule)
        // Bybit's maintenance is fixed at entry: no regular order, the fee is summed per block.
        #expect((ladder.longs.logRegularFactor == nil) == (rules == "bybit"))
        if rules == "binance-usdm" || rules == "okx" { #expect(!ladder.longs.irregular.isEmpty && !ladder.shorts.irregular.isEmpty) }
        if rules == "flat" { #expect(ladder.longs.irregular.isEmpty && ladder.shorts.irregular.isEmpty) }
        var random = SplitMix64Stream(state: 7)
        var checked = 0
        for _ in 0..<400 {
            for side in [ladder.longs, ladder.shorts] where side.count > 2 {
                let a = Int(random.next() % UInt64(side.count - 1)), b = a + 1 + Int(random.next() % UInt64(min(200, side.count - a - 1) + 1))
                let range = a..<min(b, side.count)
                // An execution price around the range's liquidation prices, ±3%.
                let liquidation = Foundation.exp(side.sign * side.key(range.lowerBound))
                let x = liquidation * (0.97 + 0.06 * Double(random.next() % 1_000) / 1_000)
                var excluded = random.next() % 3 == 0 ? [range.lowerBound + Int(random.next() % UInt64(range.count))] : []
                // Sometimes an irregular entry of the range is excluded too.
                if random.next() % 2 == 0, let k = side.irregular.first(where: { range.contains($0) && !excluded.contains($0) }) {
                    excluded.append(k)
                }
                let quantity = range.filter { !excluded.contains($0) }.reduce(0.0) { $0 + side.holdings[$1].quantity }
                for f in [0.003, 0.0125] {
                    let fast = side.receivedFees(in: range, excluding: excluded, execution: x, rate: f, quantity: quantity)
                    let slow = Self.oracle(side, range, excluding: excluded, x: x, f: f)
                    #expect(abs(fast - slow) <= 1e-9 * max(1, f * x * quantity), "\(rules) \(range) x \(x) f \(f): \(fast) vs \(slow)")
                    checked += 1
                }
            }
        }
        #expect(checked > 1_000)
    }

    @Test("the underwater sums of a range (the closures a deficit counts) equal the entries' own test",
          arguments: ["flat", "binance-usdm", "bybit", "okx", "hyperliquid"])
    func underwater(_ rules: String) {
        let rule = rules == "flat" ? MarginRule(maintenanceMarginRate: 0.005, liquidationFee: 0.003)
            : VenuePreset.named(rules)!.rule(for: .btc)
        let positions = TestBooks.randomBook(count: 3_000, price: 100, rule: MarginRule(maintenanceMarginRate: 0.005))
        let ladder = LiquidationLadder(positions: positions, rule: rule)
        var random = SplitMix64Stream(state: 11)
        var checked = 0, some = 0
        for _ in 0..<300 {
            for side in [ladder.longs, ladder.shorts] where side.count > 2 {
                let a = Int(random.next() % UInt64(side.count - 1))
                let range = a..<min(side.count, a + 1 + Int(random.next() % 300))
                let liquidation = Foundation.exp(side.sign * side.key(range.lowerBound))
                // Not on a grid: a grid point such as 0.995 (1 − r for a flat 0.5%) puts X on a
                // bankruptcy price to the last bits, where the ladder's logarithms and the entry's
                // own test may part (a position with zero equity, counted or not).
                let x = liquidation * (0.9 + 0.2 * Double(random.next() >> 11) / 0x1p53)
                var excluded = random.next() % 2 == 0 ? [range.lowerBound + Int(random.next() % UInt64(range.count))] : []
                if let k = side.irregular.first(where: { range.contains($0) && !excluded.contains($0) }) { excluded.append(k) }
                let fast = side.underwater(range, excluding: excluded, execution: x, logExecution: Foundation.log(x))
                var quantity = 0.0, bankruptcyQuantity = 0.0
                for k in range where !excluded.contains(k) {
                    let h = side.holdings[k]
                    let b = MarginRule.bankruptcyPrice(sign: side.sign, quantity: h.quantity, entryPrice: h.entryPrice, margin: h.margin)
                    if side.sign * (x - b) < 0 { quantity += h.quantity; bankruptcyQuantity += h.quantity * b }
                }
                #expect(isClose(fast.quantity, quantity, relative: 1e-9, absolute: 1e-9), "\(rules) \(range) x \(x)")
                #expect(isClose(fast.bankruptcyQuantity, bankruptcyQuantity, relative: 1e-9, absolute: 1e-7), "\(rules) \(range) x \(x)")
                checked += 1
                if quantity > 0 { some += 1 }
            }
        }
        #expect(checked > 400 && some > 50 && some < checked - 50, "\(some) of \(checked)")
    }
}
