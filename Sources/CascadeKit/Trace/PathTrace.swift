/// The story of one path: every step's prices and liquidations per asset, every cascade round,
/// and the path's totals and insurance fund at the end of each step — recorded as a
/// ``CascadeObserver`` while ``SimulationEngine/trace(path:observer:)`` re-simulates the path
/// exactly as a run does (every variate is a function of seed, asset, path and step).
///
/// What it records is what the engine reports through the observer; nothing is recomputed:
/// - per step and asset (``TraceStep``): fundamental, traded and (index) mark prices, the impact,
///   the rounds, the liquidated count and notional by side, partial closes, auto-deleveraging;
/// - per round (``TraceRound``): the round and execution prices, count and notional by side;
/// - per step (``TraceTotals``): the path's cumulative liquidated notional and count, ADL notional
///   and the fund's balance, from the path's own tally.
///
/// The sums of the liquidations it was told of, per side in the order reported
/// (``liquidatedNotional``), are the run's `liquidatedNotional` of the path exactly (same terms,
/// same order) — but for cross-account closures (`accounts:`), which are only in
/// ``totals``. ADL is reported per step, not per round.
///
/// - Complexity: O(steps × assets) memory for the steps, plus one entry per round that closed
///   something.
public struct PathTrace: CascadeObserver, Sendable {
    /// The traced path's index.
    public let path: Int
    public let symbols: [String]
    public let contracts: [ContractType]
    public let stepCount: Int
    public let stepSeconds: Double
    /// Step `s` of asset `a` at `s * symbols.count + a`.
    public private(set) var steps: [TraceStep]
    /// The rounds that closed something, in the order they happened.
    public private(set) var rounds: [TraceRound] = []
    /// The path's totals at the end of each step.
    public private(set) var totals: [TraceTotals] = []
    /// Liquidated notional by position side over the path, summed in the order reported.
    public private(set) var longNotional = 0.0
    public private(set) var shortNotional = 0.0
    /// Positions liquidated in full over the path, as reported.
    public private(set) var liquidations = 0
    /// USD notional auto-deleveraged over the path, summed in the order reported (as the run
    /// sums its `adlNotional`).
    public private(set) var adlNotional = 0.0

    /// An empty trace of path `path` of `config`.
    public init(config: SimulationConfig, path: Int) {
        self.path = path
        symbols = config.symbols
        contracts = config.assets.map(\.contract)
        stepCount = config.steps
        stepSeconds = config.stepSeconds
        steps = Array(repeating: TraceStep(), count: config.steps * config.assets.count)
        totals.reserveCapacity(config.steps)
    }

    /// Traces path `path` of `config`; also returns the path's result: rows 0…`path`, of which
    /// only row `path` is simulated (as the run writes it), so its memory grows with `path`
    /// (``SimulationEngine/trace(path:observer:)``).
    public static func record(config: SimulationConfig, path: Int) -> (trace: PathTrace, result: SimulationResult) {
        precondition(path >= 0 && path < config.paths, "path \(path) is not within 0..<\(config.paths)")
        var trace = PathTrace(config: config, path: path)
        let result = SimulationEngine(config: config).trace(path: path, observer: &trace)
        return (trace, result)
    }

    /// Step `step` of asset `asset`.
    public func step(_ step: Int, asset: Int) -> TraceStep { steps[step * symbols.count + asset] }

    /// Liquidated notional over the path, long + short, each side summed in the order reported —
    /// as the run sums its `liquidatedNotional`.
    public var liquidatedNotional: Double { longNotional + shortNotional }

    /// The USD liquidated notional of `step`, over all assets.
    public func liquidatedNotional(step: Int) -> Double {
        var total = 0.0
        for a in symbols.indices { total += steps[step * symbols.count + a].liquidatedNotional }
        return total
    }

    // MARK: CascadeObserver

    public mutating func roundClosed(path: Int, asset: Int, step: Int, round: Int, side: Side, range: Range<Int>,
                                     roundPrice: Double, executionPrice: Double) {}

    public mutating func stepEnded(path: Int, asset: Int, step: Int, logFundamental: Double, logImpact: Double) {
        let i = step * symbols.count + asset
        steps[i].logFundamental = logFundamental
        steps[i].logImpact = logImpact
    }

    public mutating func markEnded(path: Int, asset: Int, step: Int, logMark: Double) {
        steps[step * symbols.count + asset].logMark = logMark
    }

    public mutating func liquidationRecorded(path: Int, asset: Int, step: Int, round: Int, side: Side, count: Int,
                                             notional: Double, partial: Bool, roundPrice: Double, executionPrice: Double) {
        let i = step * symbols.count + asset
        steps[i].rounds = max(steps[i].rounds, round)
        if let last = rounds.last, last.step == step, last.asset == asset, last.round == round {} else {
            rounds.append(TraceRound(step: step, asset: asset, round: round, roundPrice: roundPrice, executionPrice: executionPrice))
        }
        let r = rounds.count - 1
        if partial {
            steps[i].partialCloses += 1
            rounds[r].partialCloses += 1
        }
        liquidations += count
        if side == .long {
            longNotional += notional
            steps[i].longCount += count
            steps[i].longNotional += notional
            rounds[r].longCount += count
            rounds[r].longNotional += notional
        } else {
            shortNotional += notional
            steps[i].shortCount += count
            steps[i].shortNotional += notional
            rounds[r].shortCount += count
            rounds[r].shortNotional += notional
        }
    }

    public mutating func deleveraged(path: Int, asset: Int, step: Int, side: Side, ladderIndex: Int, quantity: Double, price: Double) {
        let i = step * symbols.count + asset
        steps[i].adlCount += 1
        steps[i].adlQuantity += quantity
        // The engine's notional, contract.usdNotional at the price in the book's units: q·P for
        // a linear contract (the USD price is that price), Q for an inverse one.
        let notional = contracts[asset].usdNotional(quantity, at: price)
        steps[i].adlNotional += notional
        adlNotional += notional
    }

    public mutating func pathStepEnded(path: Int, step: Int, tally: PathTally, fundBalance: Double) {
        totals.append(TraceTotals(liquidatedNotional: tally.executedNotional, liquidations: tally.liquidations,
                                  adlNotional: tally.deleveragedNotional, fundBalance: fundBalance))
    }
}
