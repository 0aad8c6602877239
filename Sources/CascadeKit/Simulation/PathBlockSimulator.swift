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

    // Per-path state of the block, one buffer per field, four paths per vector.
    let logFundamental: LaneBuffer<Double>
    let impact: LaneBuffer<Double>
    let logTraded: LaneBuffer<Double>
    let nextLongKey: LaneBuffer<Double>
    let nextShortKey: LaneBuffer<Double>
    let peakLogTraded: LaneBuffer<Double>
    let drawdownLogTraded: LaneBuffer<Double>
    let peakLogFundamental: LaneBuffer<Double>
    let drawdownLogFundamental: LaneBuffer<Double>
    let minLogTraded: LaneBuffer<Double>
    /// Time-series buckets of the current step (32-bit integers in the low half of each lane).
    let tradedBucket: LaneBuffer<UInt64>
    let fundamentalBucket: LaneBuffer<UInt64>
    // Touched only by cascades.
    var longCursor: [LadderCursor]
    var shortCursor: [LadderCursor]
    var notionalBucket: [Int32]
    var fundBucket: [Int32]
    var tallies: [PathTally]
    /// Indices of the paths whose threshold was crossed in the current step.
    var crossing: [Int]
    /// Receives the prefetching loads so they are not optimised away; never read.
    var prefetchSink = 0.0

    init(config: SimulationConfig, capacity: Int) {
        self.config = config
        self.capacity = capacity
        resolver = CascadeResolver(ladder: config.ladder, impact: config.impact, maxRounds: config.maxCascadeRounds)
        decay = config.impact.decayFactor(stepSeconds: config.stepSeconds)
        generator = BlockPathGenerator(model: config.priceModel, stepYears: config.stepYears, seed: config.seed,
                                       capacity: capacity)
        func lanes() -> LaneBuffer<Double> { LaneBuffer(lanes: capacity, value: 0) }
        logFundamental = lanes(); impact = lanes(); logTraded = lanes()
        nextLongKey = lanes(); nextShortKey = lanes()
        peakLogTraded = lanes(); drawdownLogTraded = lanes()
        peakLogFundamental = lanes(); drawdownLogFundamental = lanes(); minLogTraded = lanes()
        tradedBucket = LaneBuffer(lanes: capacity, value: 0)
        fundamentalBucket = LaneBuffer(lanes: capacity, value: 0)
        longCursor = Array(repeating: config.ladder.longs.start, count: capacity)
        shortCursor = Array(repeating: config.ladder.shorts.start, count: capacity)
        notionalBucket = Array(repeating: 0, count: capacity)
        fundBucket = notionalBucket
        tallies = Array(repeating: PathTally(insuranceFund: config.insuranceFund), count: capacity)
        crossing = Array(repeating: 0, count: capacity)
    }

    /// Simulates `paths` (at most `capacity` of them), writes their results and records their
    /// time series.
    mutating func simulate(paths: Range<Int>, into results: PathResultsWriter,
                           recorder: inout TimeSeriesRecorder, observer: inout Observer) {
        let n = paths.count
        precondition(n <= capacity)
        let vectors = (n + 3) >> 2
        let first = paths.lowerBound
        let logP0 = Foundation.log(config.initialPrice)
        let longs = config.ladder.longs, shorts = config.ladder.shorts
        let layout = recorder.layout
        let mapping = layout.mapping
        let initialFundBucket = mapping.bucket(value: config.insuranceFund)
        generator.start(paths: paths)
        for buffer in [logFundamental, logTraded, peakLogTraded, peakLogFundamental, minLogTraded] { buffer.fill(logP0) }
        for buffer in [impact, drawdownLogTraded, drawdownLogFundamental] { buffer.fill(0) }
        // Padding lanes never cross a threshold.
        nextLongKey.fill(-.infinity)
        nextShortKey.fill(-.infinity)
        tradedBucket.fill(UInt64(UInt32(bitPattern: mapping.bucket(logValue: logP0))))
        fundamentalBucket.fill(UInt64(UInt32(bitPattern: mapping.bucket(logValue: logP0))))
        for b in 0..<n {
            longCursor[b] = longs.start
            shortCursor[b] = shorts.start
            nextLongKey[b] = longs.start.key
            nextShortKey[b] = shorts.start.key
            tallies[b] = PathTally(insuranceFund: config.insuranceFund)
            notionalBucket[b] = LogBucketMapping.zeroBucket
            fundBucket[b] = initialFundBucket
            recorder.recordNotionalChange(row: 0, from: TimeSeriesRecorder.noBucket, to: LogBucketMapping.zeroBucket)
            recorder.recordFundChange(row: 0, from: TimeSeriesRecorder.noBucket, to: initialFundBucket)
        }
        recorder.recordPrices(row: 0, traded: tradedBucket.pointer, fundamental: fundamentalBucket.pointer, count: n,
                              tradedRange: logP0...logP0, fundamentalRange: logP0...logP0)
        let decay = self.decay
        let inverseLogGamma = mapping.inverseLogGamma
        let logF = logFundamental, j = impact, logP = logTraded, longKey = nextLongKey, shortKey = nextShortKey
        let low = minLogTraded, peakP = peakLogTraded, ddP = drawdownLogTraded
        let peakF = peakLogFundamental, ddF = drawdownLogFundamental
        let bucketP = tradedBucket, bucketF = fundamentalBucket

        for step in 0..<config.steps {
            // 1. Jumps due in this step (rare), then one pass over the block: diffusion, impact
            //    recovery, threshold check, end-of-step extremes, drawdowns and time-series
            //    buckets. Lanes that crossed a threshold keep their old extremes here: their
            //    end-of-step price is known only after their cascade (step 2).
            generator.applyJumps(step: step, logF: logF)
            var crossed = SIMDMask<SIMD4<Int64>>(repeating: false)
            var lowP = SIMD4<Double>(repeating: .infinity), highP = -lowP, lowF = lowP, highF = -lowP
            let evenStep = step & 1 == 0
            for k in 0..<vectors {
                // A loop-invariant choice: the compiler unswitches it.
                let increment = evenStep ? generator.evenStepDiffusion(vector: k) : generator.oddStepDiffusion(vector: k)
                let f = logF.vector(k) + increment
                logF.setVector(k, f)
                let jk = j.vector(k) * decay
                j.setVector(k, jk)
                let x = f + jk
                logP.setVector(k, x)
                let cross = (x .<= longKey.vector(k)) .| (-x .<= shortKey.vector(k))
                crossed .|= cross
                low.setVector(k, FastMath.select(cross, low.vector(k), FastMath.minimum(low.vector(k), x)))
                let pp = FastMath.select(cross, peakP.vector(k), FastMath.maximum(peakP.vector(k), x))
                peakP.setVector(k, pp)
                ddP.setVector(k, FastMath.select(cross, ddP.vector(k), FastMath.maximum(ddP.vector(k), pp - x)))
                let pf = FastMath.maximum(peakF.vector(k), f)
                peakF.setVector(k, pf)
                ddF.setVector(k, FastMath.maximum(ddF.vector(k), pf - f))
                bucketP.setVector(k, LogBucketMapping.buckets(logValues: x, inverseLogGamma: inverseLogGamma))
                bucketF.setVector(k, LogBucketMapping.buckets(logValues: f, inverseLogGamma: inverseLogGamma))
                lowP = FastMath.minimum(lowP, x); highP = FastMath.maximum(highP, x)
                lowF = FastMath.minimum(lowF, f); highF = FastMath.maximum(highF, f)
            }

            // 2. Cascades, only where a threshold was crossed.
            if any(crossed) {
                // Find the crossing paths vector by vector, and touch each one's next ladder
                // entry before resolving any: with a ladder larger than the cache, these are
                // cache misses, and issuing them together lets the memory system overlap them.
                var hits = 0
                for k in 0..<vectors {
                    let x = logP.vector(k)
                    let mask = (x .<= longKey.vector(k)) .| (-x .<= shortKey.vector(k))
                    if any(mask) {
                        for lane in 0..<4 where mask[lane] && 4 * k + lane < n {
                            let b = 4 * k + lane
                            crossing[hits] = b
                            hits += 1
                            prefetchSink += logP[b] <= longKey[b] ? longs.probe(after: longCursor[b]) : shorts.probe(after: shortCursor[b])
                        }
                    }
                }
                let row = layout.firstRow(afterStep: step)
                for i in 0..<hits {
                    let b = crossing[i]
                    let jb = resolver.resolve(
                        path: first + b, step: step, logFundamental: logF[b], startImpact: j[b],
                        longCursor: &longCursor[b], shortCursor: &shortCursor[b], tally: &tallies[b],
                        observer: &observer)
                    j[b] = jb
                    let x = logF[b] + jb
                    logP[b] = x
                    longKey[b] = longCursor[b].key
                    shortKey[b] = shortCursor[b].key
                    // The extremes and bucket of the end-of-step price, skipped in step 1.
                    low[b] = min(low[b], x)
                    peakP[b] = max(peakP[b], x)
                    ddP[b] = max(ddP[b], peakP[b] - x)
                    bucketP[b] = UInt64(UInt32(bitPattern: mapping.bucket(logValue: x)))
                    lowP[0] = min(lowP[0], x)
                    highP[0] = max(highP[0], x)
                    let newNotional = mapping.bucket(value: tallies[b].executedNotional)
                    recorder.recordNotionalChange(row: row, from: notionalBucket[b], to: newNotional)
                    notionalBucket[b] = newNotional
                    let newFund = mapping.bucket(value: tallies[b].fund.balance)
                    recorder.recordFundChange(row: row, from: fundBucket[b], to: newFund)
                    fundBucket[b] = newFund
                }
            }

            // 3. Time series.
            if (step + 1) % layout.stride == 0 {
                recorder.recordPrices(row: (step + 1) / layout.stride,
                                      traded: bucketP.pointer, fundamental: bucketF.pointer, count: n,
                                      tradedRange: lowP.min()...highP.max(), fundamentalRange: lowF.min()...highF.max())
            }
            if Observer.self != NoCascadeObserver.self {
                for b in 0..<n {
                    observer.stepEnded(path: first + b, step: step, logFundamental: logF[b], logImpact: j[b])
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
            results.set(.minTradedPrice, p, Foundation.exp(low[b]))
            results.set(.finalTradedPrice, p, Foundation.exp(logF[b] + j[b]))
            results.set(.finalFundamentalPrice, p, Foundation.exp(logF[b]))
            results.set(.maxDrawdownTraded, p, -Foundation.expm1(-ddP[b]))
            results.set(.maxDrawdownFundamental, p, -Foundation.expm1(-ddF[b]))
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
