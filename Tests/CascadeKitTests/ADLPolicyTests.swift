import Foundation
import Testing
@testable import CascadeKit

/// Candidates given by hand, recording what an allocation takes.
struct ListedCandidates: ADLCandidateStream {
    var candidates: [ADLCandidate]
    var produced = 0
    var takes: [Double]

    init(_ candidates: [ADLCandidate]) {
        self.candidates = candidates
        takes = Array(repeating: 0, count: candidates.count)
    }

    /// Winners (or losers) of quantity q with a given leverage or PnL% at x = 100 (shorts).
    init(quantities: [Double], entries: [Double]? = nil, margins: [Double]? = nil) {
        self.init(quantities.indices.map { i in
            ADLCandidate(holding: Holding(quantity: quantities[i], entryPrice: entries?[i] ?? 110, margin: margins?[i] ?? 1e6),
                         sign: -1, price: 100)
        })
    }

    mutating func next() -> ADLCandidate? {
        guard produced < candidates.count else { return nil }
        produced += 1
        return candidates[produced - 1]
    }

    mutating func take(_ quantity: Double, from index: Int) {
        precondition(index < produced && quantity > 0 && quantity <= candidates[index].holding.quantity * (1 + 1e-12))
        takes[index] += quantity
    }
}

@Suite("Auto-deleveraging policies")
struct ADLPolicyTests {
    static func allocate(_ allocation: some ADLAllocation, _ wanted: Double, _ stream: ListedCandidates) -> (Double, [Double]) {
        var s = stream
        let done = allocation.allocate(wanted: wanted, from: &s)
        return (done, s.takes)
    }

    static func close(_ a: [Double], _ b: [Double], tolerance: Double = 1e-12) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) < tolerance }
    }

    @Test("the queue closes whole positions in order, the last in part; the capped queue at most cap of each")
    func queues() {
        let book = ListedCandidates(quantities: [2, 2, 2])
        let (done, takes) = Self.allocate(QueueAllocation(), 5, book)
        #expect(done == 5 && takes == [2, 2, 1])
        let (cappedDone, capped) = Self.allocate(QueueAllocation(cap: 0.5), 2.5, book)
        #expect(cappedDone == 2.5 && capped == [1, 1, 0.5])
        // Not enough under the cap: 3 of 5, the rest is the caller's (bad debt).
        let (short, shortTakes) = Self.allocate(QueueAllocation(cap: 0.5), 5, book)
        #expect(short == 3 && shortTakes == [1, 1, 1])
    }

    @Test("pro rata: every winner the same fraction; ties equal")
    func proRata() {
        let (done, takes) = Self.allocate(ProRataAllocation(), 5, ListedCandidates(quantities: [1, 2, 3, 4]))
        #expect(done == 5 && Self.close(takes, [0.5, 1, 1.5, 2]))
        let (_, ties) = Self.allocate(ProRataAllocation(), 1, ListedCandidates(quantities: [2, 2]))
        #expect(ties == [0.5, 0.5])
    }

    @Test("risk-weighted by leverage water-fills: a share beyond the position closes it, the rest shares the remainder")
    func leverageWeighted() {
        // Shorts at x = 100 entered at 110 (PnL 10/unit): margins set the leverage q·x/(M + PnL).
        // q = 1, 1, 2 with leverage 10, 2, 1 → weights 10, 2, 2. Wanted 2: λ = 2/14 would give the
        // first 10/7 > 1, so it closes in full; the rest (1) is shared by weights 2 and 2: 0.5 each.
        let q = [1.0, 1, 2]
        let leverage = [10.0, 2, 1]
        let margins = q.indices.map { q[$0] * 100 / leverage[$0] - q[$0] * 10 }
        let book = ListedCandidates(quantities: q, margins: margins)
        #expect(Self.close(book.candidates.map(\.leverage), leverage))
        let (done, takes) = Self.allocate(ProRataAllocation(weighting: .leverage), 2, book)
        #expect(abs(done - 2) < 1e-12 && Self.close(takes, [1, 0.5, 0.5]))
    }

    @Test("risk-weighted by PnL%: losers come only after every winner is closed")
    func pnlWeighted() {
        // Entries 120, 110 (PnL% 1/6 and 1/11 at 100) and a loser at 90.
        let book = ListedCandidates(quantities: [1, 1, 4], entries: [120, 110, 90])
        let (_, takes) = Self.allocate(ProRataAllocation(weighting: .pnlPercent), 0.5, book)
        // λ·(1/6) + λ·(1/11) = 0.5 → λ = 0.5 / (17/66) = 33/17.
        let lambda = 0.5 / (1.0 / 6 + 1.0 / 11)
        #expect(Self.close(takes, [lambda / 6, lambda / 11, 0]))
        // A deficit larger than all winners: both closed, the loser takes the rest (1 of 4).
        let (done, all) = Self.allocate(ProRataAllocation(weighting: .pnlPercent), 3, book)
        #expect(done == 3 && Self.close(all, [1, 1, 1]))
        // Larger than every eligible position: all closed, 6 of 10 done.
        let (most, everything) = Self.allocate(ProRataAllocation(), 10, book)
        #expect(most == 6 && everything == [1, 1, 4])
    }

    @Test("haircut concentration: Gini and top-1% share over the eligible winners")
    func concentration() {
        var ledger = HaircutLedger()
        ledger.add(30, asset: 0, side: 1, ladderIndex: 0)
        ledger.add(30, asset: 0, side: 1, ladderIndex: 1)
        ledger.add(15, asset: 0, side: 1, ladderIndex: 2)
        ledger.saw(winners: 4, asset: 0, side: 1)
        // Sorted 0, 15, 30, 30: G = 2·(2·15 + 3·30 + 4·30)/(4·75) − 5/4 = 0.35.
        #expect(abs(ledger.gini - 0.35) < 1e-12)
        #expect(abs(ledger.topShare - 0.4) < 1e-12)
        #expect(ledger.population == 4 && ledger.winnersHaircut == 3 && abs(ledger.meanHaircut - 25) < 1e-12)
        var equal = HaircutLedger()
        for k in 0..<200 { equal.add(2, asset: 0, side: 0, ladderIndex: k) }
        #expect(abs(equal.gini) < 1e-12 && abs(equal.topShare - 0.01) < 1e-12)   // top 1% = 2 of 200
        #expect(HaircutLedger().gini.isNaN && HaircutLedger().topShare.isNaN)
    }

    // MARK: Through the engine

    /// The gap book of ``VenueMechanicsTests``: a long of 5 @ 100, 10× (bankruptcy 90) gaps to
    /// 75; four profitable shorts of 2 each. Shortfall (fund 0) 5 × 15 = 75, at 90.
    static func run(_ policy: ADLPolicy, fund: Double = 0) -> (PathResults, MechanicsObserver) {
        var config = VenueMechanicsTests.config(VenueMechanicsTests.gapBook, rule: MarginRule(maintenanceMarginRate: 0.005),
                                                mechanics: LiquidationMechanics(deleveraging: .pnlTimesEffectiveLeverage, adl: policy),
                                                factor: 0.75, steps: 1, fund: fund)
        config.measuresMechanisms = true
        return VenueMechanicsTests.trace(config)
    }

    @Test("pro rata through the engine: each short gives 1.25 units at 90, haircuts equal")
    func proRataEngine() {
        let (r, observer) = Self.run(ADLPolicy(allocation: .proRata(.quantity)))
        #expect(observer.deleveraged.count == 4)
        #expect(observer.deleveraged.allSatisfy { abs($0.quantity - 1.25) < 1e-12 && abs($0.price - 90) < 1e-9 })
        #expect(abs(r[.adlCoveredDeficit, 0] - 75) < 1e-9 && r[.badDebt, 0] == 0)
        #expect(abs(r[.adlHaircutPerWinner, 0] - 18.75) < 1e-9 && r[.adlWinnersHaircut, 0] == 4)
        #expect(abs(r[.adlGini, 0]) < 1e-9 && abs(r[.adlTopShare, 0] - 0.25) < 1e-9 && r[.adlOvershoot, 0] == 0)
    }

    @Test("the queue through the engine: 2, 2, 1 units; Gini 0.35 over the 4 winners; same as without the lab")
    func queueEngine() {
        let (r, observer) = Self.run(.venue)
        #expect(Self.close(observer.deleveraged.map(\.quantity), [2, 2, 1], tolerance: 1e-12))
        #expect(abs(r[.adlGini, 0] - 0.35) < 1e-9 && abs(r[.adlTopShare, 0] - 0.4) < 1e-9 && r[.adlEligibleWinners, 0] == 4)
        var plain = VenueMechanicsTests.config(VenueMechanicsTests.gapBook, rule: MarginRule(maintenanceMarginRate: 0.005),
                                               mechanics: LiquidationMechanics(deleveraging: .pnlTimesEffectiveLeverage),
                                               factor: 0.75, steps: 1)
        plain.measuresMechanisms = false
        let (p, plainObserver) = VenueMechanicsTests.trace(plain)
        #expect(plainObserver.deleveraged == observer.deleveraged)
        for metric in PathMetric.allCases where !metric.isAccountMetric && !metric.isMechanismMetric {
            #expect(p[metric, 0] == r[metric, 0] || (p[metric, 0].isNaN && r[metric, 0].isNaN), "\(metric.name)")
        }
    }

    @Test("the capped queue leaves what the caps cannot cover as bad debt")
    func cappedEngine() {
        let (r, observer) = Self.run(ADLPolicy(allocation: .cappedQueue(cap: 0.25)))
        #expect(observer.deleveraged.count == 4 && observer.deleveraged.allSatisfy { abs($0.quantity - 0.5) < 1e-12 })
        #expect(abs(r[.adlCoveredDeficit, 0] - 30) < 1e-9 && abs(r[.badDebt, 0] - 45) < 1e-9)
    }

    @Test("severity position closes the whole bankrupt quantity; the haircut beyond the shortfall refills the fund")
    func positionSeverity() {
        // Fund 30 pays 30 of the 75; the shortfall 45 needs 3 units; the position severity closes 5.
        let (shortfall, s) = Self.run(.venue, fund: 30)
        #expect(Self.close(s.deleveraged.map(\.quantity), [2, 1], tolerance: 1e-12))
        #expect(shortfall[.insuranceFundEnd, 0] == 0 && abs(shortfall[.adlCoveredDeficit, 0] - 45) < 1e-9)
        #expect(shortfall[.adlOvershoot, 0] == 0)
        let (position, p) = Self.run(ADLPolicy(severity: .position), fund: 30)
        #expect(Self.close(p.deleveraged.map(\.quantity), [2, 2, 1], tolerance: 1e-12))
        #expect(abs(position[.insuranceFundEnd, 0] - 30) < 1e-9 && abs(position[.adlOvershoot, 0] - 30) < 1e-9)
        #expect(abs(position[.adlCoveredDeficit, 0] - 75) < 1e-9 && position[.badDebt, 0] == 0)
        // The fund's identity: change = receipts + deleveraged + bad debt.
        #expect(abs(position[.insuranceFundEnd, 0] - 30 - (position[.fundReceipts, 0] + position[.adlCoveredDeficit, 0])) < 1e-9)
    }

    @Test("every policy conserves money on random books, and the winners pay exactly what deleveraging covers",
          arguments: [ADLPolicy.venue, ADLPolicy(allocation: .cappedQueue(cap: 0.3)), ADLPolicy(allocation: .proRata(.quantity)),
                      ADLPolicy(allocation: .proRata(.leverage)), ADLPolicy(allocation: .proRata(.pnlPercent), severity: .position)])
    func conservation(_ policy: ADLPolicy) {
        let flat = FlatMarginRule(maintenanceMarginRate: 0.005, liquidationFee: 0.003)
        let positions = TestBooks.randomBook(count: 800, seed: 5, rule: flat)
        var config = TestBooks.config(
            positions: positions, maintenanceMarginRate: 0.005, liquidationFee: 0.003, volatility: 1.2,
            jumps: MertonJumps(intensity: 3_000, mean: -0.03, stdev: 0.04),
            impact: ImpactModel(shape: .squareRoot, depth: 2e6, coefficient: 1, recoveryHalfLife: 600),
            insuranceFund: 1e5, paths: 10, steps: 150, stepSeconds: 120, seed: 9)
        config.assets[0].mechanics = LiquidationMechanics(deleveraging: .pnlTimesEffectiveLeverage, adl: policy)
        config.measuresMechanisms = true
        let engine = SimulationEngine(config: config)
        let one = engine.run(threads: 1, chunkSize: 10).paths, two = engine.run(threads: 2, chunkSize: 3).paths
        for c in one.columns {
            let a = Array(one.column(c)), b = Array(two.column(c))
            #expect(a.elementsEqual(b) { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(c.metric.name): \(a) vs \(b)")
        }
        var deleveraged = 0
        for p in 0..<config.paths {
            let scale = config.assets[0].ladder.openInterest
            #expect(isClose(one[.insuranceFundEnd, p] - config.insuranceFund,
                            one[.fundReceipts, p] + one[.adlCoveredDeficit, p] + one[.badDebt, p], relative: 1e-9, absolute: 1e-9 * scale))
            #expect(one[.insuranceFundEnd, p] >= 0)
            let covered = one[.adlCoveredDeficit, p]
            if covered > 0 {
                deleveraged += 1
                let haircuts = one[.adlHaircutPerWinner, p] * one[.adlWinnersHaircut, p]
                #expect(isClose(haircuts, covered, relative: 1e-9, absolute: 1e-6), "path \(p): haircuts \(haircuts) vs covered \(covered)")
                #expect(one[.adlGini, p] >= 0 && one[.adlGini, p] <= 1 && one[.adlTopShare, p] > 0 && one[.adlTopShare, p] <= 1)
            }
        }
        #expect(deleveraged > 0)
    }
}

@Suite("Path book")
struct PathBookBatchTests {
    @Test("inserting many at once equals inserting them one by one, ties included")
    func batchInsert() {
        var rng = SplitMix64Stream(state: 7)
        func position(_ i: Int) -> LivePosition {
            LivePosition(ladderIndex: i, quantity: 1, entryPrice: 100, margin: 10, key: Double(rng.next() % 20) / 4,
                         fullUntil: -1, blockedStep: -1)
        }
        var one = PathBook(), many = PathBook()
        for i in 0..<30 {
            let p = position(i)
            one.insert(p, side: 1)
            many.insert(p, side: 1)
        }
        let added = (30..<130).map(position)
        for p in added { one.insert(p, side: 1) }
        many.insert(contentsOf: added, side: 1)
        #expect(one.live[1] == many.live[1])
        #expect(one.live[1].map(\.ladderIndex) != (0..<130).map { $0 })   // the order really mixed them
    }
}
