import Foundation

/// Simulates a block of paths step by step, with per-path state kept as one contiguous array per
/// field (struct of arrays), so the per-step work runs as plain loops over the block that the
/// compiler vectorises. Only the paths whose price crossed their next liquidation threshold take
/// the scalar ``CascadeResolver``.
///
/// Per step:
/// 1. ``BlockPathGenerator`` adds the exogenous log-return to ln F (vectorised; jumps rare);
/// 2. impact recovers, J ← J·decay, and ln P = ln F + J is compared with each path's next long and
///    short threshold (vectorised, with an any-crossed reduction);
/// 3. only if some path crossed: a scan finds those paths and resolves their cascades;
/// 4. end-of-step extremes and drawdowns (vectorised), and on recorded rows the time-series
///    buckets.
///
/// None of this depends on the number of positions, except the cascades, which cost O(log d) per
/// round for d newly liquidated positions.
struct PathBlockSimulator<Observer: CascadeObserver> {
    let config: SimulationConfig
    let resolver: CascadeResolver
    let decay: Double
    let capacity: Int
    var generator: BlockPathGenerator

    // Per-path state of the block, one array per field.
    var logFundamental: [Double]
    var impact: [Double]
    var logTraded: [Double]
    var longCursor: [Int]
    var shortCursor: [Int]
    var nextLongKey: [Double]
    var nextShortKey: [Double]
    var peakLogTraded: [Double]
    var drawdownLogTraded: [Double]
    var peakLogFundamental: [Double]
    var drawdownLogFundamental: [Double]
    var minLogTraded: [Double]
    var tradedBucket: [Int32]
    var fundamentalBucket: [Int32]
    var notionalBucket: [Int32]
    var fundBucket: [Int32]
    var tallies: [PathTally]

    init(config: SimulationConfig, capacity: Int) {
        self.config = config
        self.capacity = capacity
        resolver = CascadeResolver(ladder: config.ladder, impact: config.impact, maxRounds: config.maxCascadeRounds)
        decay = config.impact.decayFactor(stepSeconds: config.stepSeconds)
        generator = BlockPathGenerator(model: config.priceModel, stepYears: config.stepYears, seed: config.seed,
                                       capacity: capacity)
        logFundamental = Array(repeating: 0, count: capacity)
        impact = logFundamental
        logTraded = logFundamental
        longCursor = Array(repeating: 0, count: capacity)
        shortCursor = longCursor
        nextLongKey = logFundamental
        nextShortKey = logFundamental
        peakLogTraded = logFundamental
        drawdownLogTraded = logFundamental
        peakLogFundamental = logFundamental
        drawdownLogFundamental = logFundamental
        minLogTraded = logFundamental
        tradedBucket = Array(repeating: 0, count: capacity)
        fundamentalBucket = tradedBucket
        notionalBucket = tradedBucket
        fundBucket = tradedBucket
        tallies = Array(repeating: PathTally(insuranceFund: config.insuranceFund), count: capacity)
    }

    /// Simulates `paths` (at most `capacity` of them), writes their results and records their
    /// time series.
    mutating func simulate(paths: Range<Int>, into results: PathResultsWriter,
                           recorder: inout TimeSeriesRecorder, observer: inout Observer) {
        let n = paths.count
        precondition(n <= capacity)
        let first = paths.lowerBound
        let logP0 = Foundation.log(config.initialPrice)
        let longs = config.ladder.longs, shorts = config.ladder.shorts
        let layout = recorder.layout
        let mapping = layout.mapping
        let initialFundBucket = mapping.bucket(value: config.insuranceFund)
        let initialPriceBucket = mapping.bucket(logValue: logP0)
        generator.start(paths: paths)
        for b in 0..<n {
            logFundamental[b] = logP0
            impact[b] = 0
            logTraded[b] = logP0
            longCursor[b] = 0
            shortCursor[b] = 0
            nextLongKey[b] = longs.keys[0]
            nextShortKey[b] = shorts.keys[0]
            peakLogTraded[b] = logP0
            drawdownLogTraded[b] = 0
            peakLogFundamental[b] = logP0
            drawdownLogFundamental[b] = 0
            minLogTraded[b] = logP0
            tallies[b] = PathTally(insuranceFund: config.insuranceFund)
            notionalBucket[b] = LogBucketMapping.zeroBucket
            fundBucket[b] = initialFundBucket
            tradedBucket[b] = initialPriceBucket
            fundamentalBucket[b] = initialPriceBucket
            recorder.recordNotionalChange(row: 0, from: TimeSeriesRecorder.noBucket, to: LogBucketMapping.zeroBucket)
            recorder.recordFundChange(row: 0, from: TimeSeriesRecorder.noBucket, to: initialFundBucket)
        }
        recorder.recordPrices(row: 0, traded: tradedBucket[0..<n], fundamental: fundamentalBucket[0..<n])
        let decay = self.decay
        let inverseLogGamma = mapping.inverseLogGamma

        for step in 0..<config.steps {
            // 1–2. Exogenous move, recovery, threshold check.
            var anyCrossed = false
            logFundamental.withUnsafeMutableBufferPointer { logF in
                generator.advance(step: step, logF: logF)
                impact.withUnsafeMutableBufferPointer { j in
                logTraded.withUnsafeMutableBufferPointer { logP in
                nextLongKey.withUnsafeBufferPointer { longKey in
                nextShortKey.withUnsafeBufferPointer { shortKey in
                    var crossed = false
                    for b in 0..<n {
                        let jb = j[b] * decay
                        j[b] = jb
                        let x = logF[b] + jb
                        logP[b] = x
                        crossed = crossed || (x <= longKey[b]) || (-x <= shortKey[b])
                    }
                    anyCrossed = crossed
                }}}}
            }

            // 3. Cascades, only where a threshold was crossed.
            if anyCrossed {
                let row = layout.firstRow(afterStep: step)
                for b in 0..<n where logTraded[b] <= nextLongKey[b] || -logTraded[b] <= nextShortKey[b] {
                    let j = resolver.resolve(
                        path: first + b, step: step, logFundamental: logFundamental[b], startImpact: impact[b],
                        longCursor: &longCursor[b], shortCursor: &shortCursor[b], tally: &tallies[b],
                        observer: &observer)
                    impact[b] = j
                    logTraded[b] = logFundamental[b] + j
                    nextLongKey[b] = longs.keys[longCursor[b]]
                    nextShortKey[b] = shorts.keys[shortCursor[b]]
                    let newNotional = mapping.bucket(value: tallies[b].executedNotional)
                    recorder.recordNotionalChange(row: row, from: notionalBucket[b], to: newNotional)
                    notionalBucket[b] = newNotional
                    let newFund = mapping.bucket(value: tallies[b].fund.balance)
                    recorder.recordFundChange(row: row, from: fundBucket[b], to: newFund)
                    fundBucket[b] = newFund
                }
            }

            // 4. End-of-step extremes, drawdowns and time-series buckets.
            logTraded.withUnsafeBufferPointer { logP in
            logFundamental.withUnsafeBufferPointer { logF in
            minLogTraded.withUnsafeMutableBufferPointer { low in
            peakLogTraded.withUnsafeMutableBufferPointer { peakP in
            drawdownLogTraded.withUnsafeMutableBufferPointer { ddP in
            peakLogFundamental.withUnsafeMutableBufferPointer { peakF in
            drawdownLogFundamental.withUnsafeMutableBufferPointer { ddF in
            tradedBucket.withUnsafeMutableBufferPointer { bucketP in
            fundamentalBucket.withUnsafeMutableBufferPointer { bucketF in
                for b in 0..<n {
                    let x = logP[b], f = logF[b]
                    low[b] = min(low[b], x)
                    let pp = max(peakP[b], x)
                    peakP[b] = pp
                    ddP[b] = max(ddP[b], pp - x)
                    let pf = max(peakF[b], f)
                    peakF[b] = pf
                    ddF[b] = max(ddF[b], pf - f)
                    bucketP[b] = LogBucketMapping.bucket(logValue: x, inverseLogGamma: inverseLogGamma)
                    bucketF[b] = LogBucketMapping.bucket(logValue: f, inverseLogGamma: inverseLogGamma)
                }
            }}}}}}}}}
            if (step + 1) % layout.stride == 0 {
                recorder.recordPrices(row: (step + 1) / layout.stride,
                                      traded: tradedBucket[0..<n], fundamental: fundamentalBucket[0..<n])
            }
            if Observer.self != NoCascadeObserver.self {
                for b in 0..<n {
                    observer.stepEnded(path: first + b, step: step, logFundamental: logFundamental[b], logImpact: impact[b])
                }
            }
        }

        for b in 0..<n {
            let t = tallies[b]
            let p = first + b
            results.set(.liquidatedNotional, p, t.executedNotional)
            results.set(.liquidatedLongNotionalAtEntry, p, t.longEntryNotional)
            results.set(.liquidatedShortNotionalAtEntry, p, t.shortEntryNotional)
            results.set(.liquidatedLongNotionalExecuted, p, t.longExecutedNotional)
            results.set(.liquidatedShortNotionalExecuted, p, t.shortExecutedNotional)
            results.set(.liquidations, p, Double(t.liquidations))
            results.set(.maxCascadeRounds, p, Double(t.maxRounds))
            results.set(.roundCapHits, p, Double(t.roundCapHits))
            results.set(.marginLost, p, t.marginLost)
            results.set(.fundReceipts, p, t.fund.netReceipts)
            results.set(.liquidationFees, p, t.fees)
            results.set(.minTradedPrice, p, Foundation.exp(minLogTraded[b]))
            results.set(.finalTradedPrice, p, Foundation.exp(logFundamental[b] + impact[b]))
            results.set(.finalFundamentalPrice, p, Foundation.exp(logFundamental[b]))
            results.set(.maxDrawdownTraded, p, -Foundation.expm1(-drawdownLogTraded[b]))
            results.set(.maxDrawdownFundamental, p, -Foundation.expm1(-drawdownLogFundamental[b]))
            results.set(.insuranceFundEnd, p, t.fund.balance)
            results.set(.insuranceFundMin, p, t.fund.lowest)
            results.set(.badDebt, p, t.fund.badDebt)
            results.set(.firstLiquidationTime, p,
                        t.firstLiquidationStep < 0 ? .nan : Double(t.firstLiquidationStep + 1) * config.stepSeconds)
        }
    }
}

/// Shared write access to a ``PathResults`` buffer. Each worker writes only the paths of its own
/// chunks, so writes never overlap.
struct PathResultsWriter: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>
    let paths: Int

    @inline(__always)
    func set(_ metric: PathMetric, _ path: Int, _ value: Double) {
        base[metric.rawValue * paths + path] = value
    }
}
