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
                    while expected < s.count && s.keys[expected] >= s.sign * x { expected += 1 }
                    #expect(survivor == expected, "\(side) price \(price) start \(start)")
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
            #expect(isClose(s.cumulativeQuantity.last!, members.reduce(0) { $0 + $1.quantity }, relative: 1e-12))
            #expect(isClose(s.cumulativeMargin.last!, members.reduce(0) { $0 + $1.margin }, relative: 1e-12))
            #expect(isClose(s.cumulativeEntryNotional.last!, members.reduce(0) { $0 + $1.entryNotional }, relative: 1e-12))
            #expect(s.keys.last == -.infinity)
        }
    }
}
