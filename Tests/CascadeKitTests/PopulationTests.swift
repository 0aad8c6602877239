import Foundation
import Testing
@testable import CascadeKit

@Suite("Synthetic population")
struct PopulationTests {
    let rule = FlatMarginRule(maintenanceMarginRate: 0.005)
    let mix: [(leverage: Double, weight: Double)] = [(5, 0.15), (10, 0.30), (25, 0.25), (50, 0.20), (100, 0.10)]

    func generate(count: Int = 20_000, spread: Double = 0.08, seed: UInt64 = 1) -> [Position] {
        let population = SyntheticPopulation(count: count, openInterest: 1e9, longShare: 0.6, leverageMix: mix,
                                             entrySpread: spread, sizeSigma: 1.2)
        return try! population.generate(price: 50_000, rule: rule, seed: seed)
    }

    @Test("every position is solvent at the initial price, even at high leverage and a wide spread")
    func solventAtStart() {
        let book = generate(spread: 0.3)
        for p in book {
            #expect(!rule.isLiquidatable(p, at: 50_000))
            let liq = rule.liquidationPrice(of: p)
            #expect(p.side == .long ? liq < 50_000 : liq > 50_000)
        }
    }

    @Test("open interest, long share and count are exact")
    func totals() {
        let book = generate()
        #expect(book.count == 20_000)
        let long = book.filter { $0.side == .long }.reduce(0) { $0 + $1.entryNotional }
        let short = book.filter { $0.side == .short }.reduce(0) { $0 + $1.entryNotional }
        #expect(isClose(long, 6e8, relative: 1e-9))
        #expect(isClose(short, 4e8, relative: 1e-9))
        #expect(book.filter { $0.side == .long }.count == 12_000)
    }

    @Test("leverage frequencies follow the mix within 5 standard errors")
    func leverageMix() {
        let book = generate()
        let n = Double(book.count)
        for (leverage, weight) in mix {
            let share = Double(book.filter { $0.leverage == leverage }.count) / n
            #expect(abs(share - weight) < 5 * (weight * (1 - weight) / n).squareRoot(), "\(leverage)×")
        }
    }

    @Test("entries are spread log-normally around the price when nothing is redrawn")
    func entrySpread() {
        // At 5× with a 2% spread, redraws are vanishingly rare: ln(E/P₀) ~ N(0, 0.02²).
        let population = SyntheticPopulation(count: 20_000, openInterest: 1e9, longShare: 0.5, leverageMix: [(5, 1)],
                                             entrySpread: 0.02, sizeSigma: 1)
        let x = try! population.generate(price: 100, rule: rule, seed: 4).map { log($0.entryPrice / 100) }
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        let sd = (x.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)).squareRoot()
        #expect(abs(mean) < 5 * 0.02 / n.squareRoot())
        #expect(abs(sd - 0.02) < 5 * 0.02 / (2 * n).squareRoot())
    }

    @Test("the same seed gives the same book; another seed another")
    func seeded() {
        #expect(generate(count: 500) == generate(count: 500))
        #expect(generate(count: 500) != generate(count: 500, seed: 2))
        // A position does not depend on how many are generated.
        #expect(Array(generate(count: 500).prefix(10)).map(\.entryPrice) == Array(generate(count: 800).prefix(10)).map(\.entryPrice))
    }
}

@Suite("Positions CSV")
struct PositionsCSVTests {
    @Test("reads valid rows, skipping comments and blank lines")
    func valid() throws {
        let text = "# a book\nside,quantity,entryPrice,leverage\nlong,0.5,61250,20\n\nshort, 2 ,59800,5\r\n"
        let rows = try PositionsCSV.parse(text, maximumLeverage: 200)
        #expect(rows.map(\.line) == [3, 5])
        #expect(rows[0].position == Position(side: .long, quantity: 0.5, entryPrice: 61_250, leverage: 20))
        #expect(rows[1].position == Position(side: .short, quantity: 2, entryPrice: 59_800, leverage: 5))
    }

    static let malformed: [(String, Int, String)] = [
        ("side,qty,entryPrice,leverage\nlong,1,1,1\n", 1, "the first line must be the header 'side,quantity,entryPrice,leverage'"),
        ("side,quantity,entryPrice,leverage\nlong,1,100\n", 2, "expected 4 fields"),
        ("side,quantity,entryPrice,leverage\nbuy,1,100,2\n", 2, "side 'buy' is not allowed; expected long or short"),
        ("side,quantity,entryPrice,leverage\nlong,abc,100,2\n", 2, "quantity 'abc' is not a finite number"),
        ("side,quantity,entryPrice,leverage\nlong,1,100,2\nlong,-3,100,2\n", 3, "quantity -3 must be > 0"),
        ("side,quantity,entryPrice,leverage\nshort,1,0,2\n", 2, "entryPrice 0 must be > 0"),
        ("side,quantity,entryPrice,leverage\nlong,1,100,0.5\n", 2, "leverage 0.5 is out of range; expected ≥ 1 and < 200"),
        ("side,quantity,entryPrice,leverage\nlong,1,100,250\n", 2, "leverage 250 is out of range; expected ≥ 1 and < 200"),
        ("", 1, "the file is empty"),
        ("side,quantity,entryPrice,leverage\n", 1, "no positions after the header"),
    ]

    @Test("malformed rows are reported with their line and what is allowed", arguments: 0..<malformed.count)
    func malformedRow(_ i: Int) {
        let (text, line, message) = Self.malformed[i]
        #expect {
            _ = try PositionsCSV.parse(text, maximumLeverage: 200)
        } throws: { error in
            guard let e = error as? PositionsCSV.LineError else { return false }
            return e.line == line && e.message.contains(message)
        }
    }
}
