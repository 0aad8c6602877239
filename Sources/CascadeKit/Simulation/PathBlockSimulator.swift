import Foundation

/// Simulates a block of paths step by step, with per-path state kept as one contiguous array per
/// field (struct of arrays), so the per-step price update and the threshold check are plain
/// loops over the block. Only the paths whose price crossed their next liquidation threshold
/// take the scalar ``CascadeResolver``.
///
/// Per path and step the common case costs: one Philox block (the path's variates for that step
/// depend only on seed, path and step), one log-return, one recovery multiplication and two
/// comparisons: the cost does not grow with the number of positions.
struct PathBlockSimulator<Observer: CascadeObserver> {
    let config: SimulationConfig
    let resolver: CascadeResolver
    let kernel: JumpDiffusionStep
    let decay: Double
    let generator: Philox4x32
    let capacity: Int

    // Per-path state of the block, one array per field.
    var logFundamental: [Double]
    var impact: [Double]
    var longCursor: [Int]
    var shortCursor: [Int]
    var nextLongKey: [Double]
    var nextShortKey: [Double]
    var peakLogTraded: [Double]
    var drawdownLogTraded: [Double]
    var peakLogFundamental: [Double]
    var drawdownLogFundamental: [Double]
    var minLogTraded: [Double]
    var notionalBucket: [Int32]
    var fundBucket: [Int32]
    var tallies: [PathTally]
    var triggered: [Int]

    init(config: SimulationConfig, capacity: Int) {
        self.config = config
        self.capacity = capacity
        resolver = CascadeResolver(ladder: config.ladder, impact: config.impact, maxRounds: config.maxCascadeRounds)
        kernel = config.priceModel.discretised(stepYears: config.stepYears)
        decay = config.impact.decayFactor(stepSeconds: config.stepSeconds)
        generator = Philox4x32(seed: config.seed, domain: UInt64(RandomPurpose.priceInnovation.rawValue))
        logFundamental = Array(repeating: 0, count: capacity)
        impact = Array(repeating: 0, count: capacity)
        longCursor = Array(repeating: 0, count: capacity)
        shortCursor = Array(repeating: 0, count: capacity)
        nextLongKey = Array(repeating: 0, count: capacity)
        nextShortKey = Array(repeating: 0, count: capacity)
        peakLogTraded = Array(repeating: 0, count: capacity)
        drawdownLogTraded = Array(repeating: 0, count: capacity)
        peakLogFundamental = Array(repeating: 0, count: capacity)
        drawdownLogFundamental = Array(repeating: 0, count: capacity)
        minLogTraded = Array(repeating: 0, count: capacity)
        notionalBucket = Array(repeating: 0, count: capacity)
        fundBucket = Array(repeating: 0, count: capacity)
        tallies = Array(repeating: PathTally(insuranceFund: config.insuranceFund), count: capacity)
        triggered = Array(repeating: 0, count: capacity)
    }

    /// Simulates `paths` (at most `capacity` of them), writes their results and records their
    /// time series.
    mutating func simulate(paths: Range<Int>, into results: PathResultsWriter,
                           recorder: inout TimeSeriesRecorder, observer: inout Observer) {
        let n = paths.count
        precondition(n <= capacity)
        let logP0 = Foundation.log(config.initialPrice)
        let longs = config.ladder.longs, shorts = config.ladder.shorts
        let layout = recorder.layout
        let mapping = layout.mapping
        let initialFundBucket = mapping.bucket(value: config.insuranceFund)
        for b in 0..<n {
            logFundamental[b] = logP0
            impact[b] = 0
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
            recorder.recordPrices(row: 0, logTraded: logP0, logFundamental: logP0)
            recorder.recordNotionalChange(row: 0, from: TimeSeriesRecorder.noBucket, to: LogBucketMapping.zeroBucket)
            recorder.recordFundChange(row: 0, from: TimeSeriesRecorder.noBucket, to: initialFundBucket)
        }
        let purpose = RandomPurpose.priceInnovation.rawValue
        let first = paths.lowerBound
        let kernel = self.kernel, decay = self.decay, generator = self.generator

        for step in 0..<config.steps {
            let counter = UInt32(truncatingIfNeeded: step)
            // 1. Recovery of impact, exogenous move, threshold check.
            var triggeredCount = 0
            logFundamental.withUnsafeMutableBufferPointer { logF in
            impact.withUnsafeMutableBufferPointer { j in
            nextLongKey.withUnsafeBufferPointer { longKey in
            nextShortKey.withUnsafeBufferPointer { shortKey in
            triggered.withUnsafeMutableBufferPointer { hit in
                for b in 0..<n {
                    let path = UInt64(first + b)
                    let w = generator.block(counter, UInt32(truncatingIfNeeded: path),
                                            UInt32(truncatingIfNeeded: path >> 32), purpose)
                    let (z, zJump) = RandomVariates.normalPair(w[0], w[1], w[2])
                    let u = RandomVariates.uniform32(w[3])
                    logF[b] += kernel.logReturn(z: z, uniform: u, zJump: zJump)
                    j[b] *= decay
                    let logPrice = logF[b] + j[b]
                    if logPrice <= longKey[b] || -logPrice <= shortKey[b] {
                        hit[triggeredCount] = b
                        triggeredCount += 1
                    }
                }
            }}}}}

            // 2. Cascades, only where a threshold was crossed.
            let row = layout.firstRow(afterStep: step)
            for i in 0..<triggeredCount {
                let b = triggered[i]
                impact[b] = resolver.resolve(
                    path: first + b, step: step, logFundamental: logFundamental[b], startImpact: impact[b],
                    longCursor: &longCursor[b], shortCursor: &shortCursor[b], tally: &tallies[b],
                    observer: &observer)
                nextLongKey[b] = longs.keys[longCursor[b]]
                nextShortKey[b] = shorts.keys[shortCursor[b]]
                let newNotional = mapping.bucket(value: tallies[b].executedNotional)
                recorder.recordNotionalChange(row: row, from: notionalBucket[b], to: newNotional)
                notionalBucket[b] = newNotional
                let newFund = mapping.bucket(value: tallies[b].fund.balance)
                recorder.recordFundChange(row: row, from: fundBucket[b], to: newFund)
                fundBucket[b] = newFund
            }

            // 3. End-of-step extremes and drawdowns.
            for b in 0..<n {
                let logPrice = logFundamental[b] + impact[b]
                if logPrice < minLogTraded[b] { minLogTraded[b] = logPrice }
                if logPrice > peakLogTraded[b] { peakLogTraded[b] = logPrice }
                let ddTraded = peakLogTraded[b] - logPrice
                if ddTraded > drawdownLogTraded[b] { drawdownLogTraded[b] = ddTraded }
                let logF = logFundamental[b]
                if logF > peakLogFundamental[b] { peakLogFundamental[b] = logF }
                let ddFundamental = peakLogFundamental[b] - logF
                if ddFundamental > drawdownLogFundamental[b] { drawdownLogFundamental[b] = ddFundamental }
                observer.stepEnded(path: first + b, step: step, logFundamental: logF, logImpact: impact[b])
            }
            if (step + 1) % layout.stride == 0 {
                let r = (step + 1) / layout.stride
                for b in 0..<n {
                    recorder.recordPrices(row: r, logTraded: logFundamental[b] + impact[b],
                                          logFundamental: logFundamental[b])
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
