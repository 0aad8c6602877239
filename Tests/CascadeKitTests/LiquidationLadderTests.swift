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
