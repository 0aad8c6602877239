import Foundation

/// The per-path state of one asset in a block of paths, one 32-byte-aligned buffer per field.
final class AssetLanes {
    let index: Int
    let ladder: LiquidationLadder
    /// The ladder side a falling price liquidates, and the side a rising one does: the longs and
    /// the shorts, or — for an inverse book, held in y = 1/P — the shorts and the longs. The
    /// cursors and keys below are in P: `longCursor` is on ``falling``.
    let falling: LadderSide
    let rising: LadderSide
    /// The side index (0 long, 1 short) of ``falling`` in the path books.
    let fallingBook: Int
    let resolver: CascadeResolver
    let decay: Double
    let schedule: StressSchedule?
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
    /// Time-series buckets of the current step.
    let tradedBucket: LaneBuffer<Int32>
    let fundamentalBucket: LaneBuffer<Int32>
    /// The step's log-return (general models).
    let increment: LaneBuffer<Double>
    /// Liquidated notional in this asset so far.
    let notional: LaneBuffer<Double>
    /// Each path's place on the two sides of the ladder.
    /// (This and the buffers below are manually managed, `capacity` elements each: an array
    /// element passed inout from a class property would pay exclusivity and uniqueness checks on
    /// every cascade.)
    let longCursor: UnsafeMutablePointer<LadderCursor>
    let shortCursor: UnsafeMutablePointer<LadderCursor>
    /// Each path's departures from the ladder (re-inserted and deleveraged positions).
    let books: UnsafeMutablePointer<PathBook>
    /// Number of paths the buffers above and below hold.
    let capacity: Int
    /// Whether liquidations trigger on an index mark price, and over how many past steps its basis
    /// is averaged (0: the index itself).
    let indexMark: Bool
    let markSteps: Int
    /// The last `markSteps` end-of-step impacts of each path (a ring) and their sum.
    let basisRing: [LaneBuffer<Double>]
    let basisSum: LaneBuffer<Double>
    /// Each lane's open cascade and event statistics.
    let cascades: UnsafeMutablePointer<LaneCascades>
    /// The vectors (lanes 4k..<4k+4) in which the current step's pass found a crossing.
    let crossingVectors: UnsafeMutablePointer<Int>
    /// For the i-th of them, the traded price's lowest, peak and drawdown before the pass, at
    /// vectors 3i, 3i + 1 and 3i + 2: the pass updates every lane, and a cascade's lanes take
    /// their extremes back to apply their end-of-step price instead.
    let crossingExtremes: LaneBuffer<Double>
    /// The price band of ``ModelLimits``: ln F stays within [`logBandLow`, `logBandHigh`],
    /// ln F₀ ∓ ``ModelLimits/logPriceBand``.
    let logBandLow: Double
    let logBandHigh: Double
    /// Liquidity withdrawal (nil: off) and its per-path state: the depth multiplier, its lowest
    /// value on the path, the EWMA of squared returns and the last fundamental log-price.
    let withdrawal: LiquidityWithdrawal?
    let withdrawalStep: LiquidityWithdrawal.Step?
    let depthScale: LaneBuffer<Double>
    let minDepthScale: LaneBuffer<Double>
    let realisedVariance: LaneBuffer<Double>
    let previousLogFundamental: LaneBuffer<Double>

    init(index: Int, asset: AssetConfig, config: SimulationConfig, capacity: Int, resolver: CascadeResolver) {
        self.index = index
        let logP0 = Foundation.log(asset.initialPrice)
        logBandLow = logP0 - ModelLimits.logPriceBand
        logBandHigh = logP0 + ModelLimits.logPriceBand
        ladder = asset.ladder
        // The long positions, which a falling price liquidates, are on this ladder side.
        fallingBook = asset.contract.positionSide(ofLadderSide: 0)
        falling = fallingBook == 0 ? asset.ladder.longs : asset.ladder.shorts
        rising = fallingBook == 0 ? asset.ladder.shorts : asset.ladder.longs
        self.resolver = resolver
        decay = asset.impact.decayFactor(stepSeconds: config.stepSeconds)
        schedule = asset.schedule
        func lanes() -> LaneBuffer<Double> { LaneBuffer(lanes: capacity, value: 0) }
        logFundamental = lanes(); impact = lanes(); logTraded = lanes()
        nextLongKey = lanes(); nextShortKey = lanes()
        peakLogTraded = lanes(); drawdownLogTraded = lanes()
        peakLogFundamental = lanes(); drawdownLogFundamental = lanes(); minLogTraded = lanes()
        tradedBucket = LaneBuffer(lanes: capacity, value: 0)
        fundamentalBucket = LaneBuffer(lanes: capacity, value: 0)
        increment = lanes()
        notional = lanes()
        longCursor = .allocate(capacity: capacity)
        longCursor.initialize(repeating: falling.start, count: capacity)
        shortCursor = .allocate(capacity: capacity)
        shortCursor.initialize(repeating: rising.start, count: capacity)
        books = .allocate(capacity: capacity)
        books.initialize(repeating: PathBook(), count: capacity)
        self.capacity = capacity
        if case .index = asset.mechanics.mark { indexMark = true } else { indexMark = false }
        markSteps = asset.mechanics.markWindowSteps(stepSeconds: config.stepSeconds)
        basisRing = (0..<markSteps).map { _ in LaneBuffer(lanes: capacity, value: 0) }
        basisSum = LaneBuffer(lanes: capacity, value: 0)
        cascades = .allocate(capacity: capacity)
        cascades.initialize(repeating: LaneCascades(), count: capacity)
        crossingVectors = .allocate(capacity: (capacity + 3) / 4)
        crossingExtremes = LaneBuffer(lanes: 3 * ((capacity + 3) / 4) * 4, value: 0)
        withdrawal = asset.liquidity
        withdrawalStep = asset.liquidity?.step(seconds: config.stepSeconds)
        let withdrawalLanes = asset.liquidity == nil ? 0 : capacity
        depthScale = LaneBuffer(lanes: withdrawalLanes, value: 1)
        minDepthScale = LaneBuffer(lanes: withdrawalLanes, value: 1)
        realisedVariance = LaneBuffer(lanes: withdrawalLanes, value: 0)
        previousLogFundamental = LaneBuffer(lanes: withdrawalLanes, value: 0)
    }

    /// Advances each path's depth multiplier by the step's return and drawdown
    /// (``LiquidityWithdrawal``).
    func withdrawLiquidity(paths n: Int) {
        guard let w = withdrawal, let step = withdrawalStep else { return }
        for b in 0..<n {
            let x = logFundamental[b]
            let drawdown = 1 - Foundation.exp(-(peakLogTraded[b] - logTraded[b]))
            let next = w.advance(multiplier: depthScale[b], variance: realisedVariance[b], logReturn: x - previousLogFundamental[b],
                                 drawdown: drawdown, step: step)
            depthScale[b] = next.multiplier
            realisedVariance[b] = next.variance
            previousLogFundamental[b] = x
            minDepthScale[b] = Swift.min(minDepthScale[b], next.multiplier)
        }
    }

    /// The depth multiplier of path `b` (1 without withdrawal).
    @inline(__always)
    func depth(_ b: Int) -> Double { withdrawal == nil ? 1 : depthScale[b] }

    deinit {
        books.deinitialize(count: capacity)
        books.deallocate()
        for buffer in [longCursor, shortCursor] {
            buffer.deinitialize(count: capacity)
            buffer.deallocate()
        }
        cascades.deinitialize(count: capacity)
        cascades.deallocate()
        crossingVectors.deallocate()
    }

    /// The mark's log-basis of lane `b` (the averaged impact), for an index mark.
    @inline(__always)
    func markBasis(_ b: Int) -> Double? {
        guard indexMark else { return nil }
        return markSteps == 0 ? 0 : basisSum[b] / Double(markSteps)
    }
}

/// The reductions of one pass over a block: how many vectors have a lane that crossed a
/// threshold (listed in ``AssetLanes/crossingVectors``), and the range of the traded and
/// fundamental log-prices (to size the time-series histograms).
struct PassSummary {
    var crossingVectorCount = 0
    var lowP = SIMD4<Double>(repeating: .infinity)
    var highP = SIMD4<Double>(repeating: -.infinity)
    var lowF = SIMD4<Double>(repeating: .infinity)
    var highF = SIMD4<Double>(repeating: -.infinity)
}

/// Simulates a block of paths step by step, with per-path state kept as one contiguous array per
/// field (struct of arrays), so the per-step work runs as one vector pass over the block. Only
/// the paths whose price crossed their next liquidation threshold take the scalar
/// ``CascadeResolver``.
///
/// Per step and asset:
/// 1. the exogenous log-return: for a single GBM asset generated inside the pass
///    (``BlockPathGenerator``), otherwise by ``AssetPathGenerator`` from the correlated
///    innovations of ``CorrelatedInnovations``;
/// 2. one pass: ln F kept within the price band (``ModelLimits``), impact recovery J ← J·decay,
///    ln P = ln F + J, the threshold check as a vector mask,
///    end-of-step extremes and drawdowns, and the time-series buckets. Lanes that crossed take
///    their extremes back from before the pass (kept per crossing vector): their end-of-step
///    price is known only after their cascade;
/// 3. cascades, only where a threshold was crossed (liquidations in an asset move only that asset);
/// 4. on recorded rows, the time-series histograms.
///
/// None of this depends on the number of positions, except the cascades, which cost a few cache
/// misses per round.
struct PathBlockSimulator<Observer: CascadeObserver> {
    let config: SimulationConfig
    let capacity: Int
    let assets: [AssetLanes]
    /// The fast path: one GBM asset.
    var gbm: BlockPathGenerator?
    var generators: [AssetPathGenerator]
    let innovations: CorrelatedInnovations?
    // Touched only by cascades.
    var notionalBucket: [Int32]
    var fundBucket: [Int32]
    var tallies: [PathTally]
    /// With separate funds (``SimulationConfig/separateFunds``), each asset's fund on each path,
    /// at `b * assets + a`; a path's tally holds the fund of the asset being resolved, for the
    /// length of the resolution. Empty when the assets share the tally's fund.
    var funds: [InsuranceFund]
    /// With separate funds, the lowest total of a path's funds so far.
    var lowestFundTotal: [Double]
    /// Indices of the paths whose threshold was crossed in the current step (one asset).
    var crossing: [Int]
    /// Paths that liquidated in the current step (any asset), each once; and a flag per path.
    var touched: [Int]
    var touchedCount = 0
    var isTouched: [Bool]
    /// The new notional and fund buckets of the touched paths (by position in ``touched``).
    var touchedBuckets: [SIMD2<Int32>]
    /// The cascade events of the simulated paths (when ``SimulationConfig/recordCascadeEvents``),
    /// in the order they ended.
    var events: [CascadeEvent] = []
    /// The liquidation map of the simulated paths, if kept.
    var map: LiquidationMap?
    /// Exact time-series values, if kept (shared by all workers; disjoint paths).
    let exact: ExactTimeSeries?
    /// The bytes of this worker's recorder's price and change histograms per row, as last
    /// reported to a ``RunControl``, and the growth not yet reported.
    var priceBytes: [Int]
    var changeBytes: [Int]
    var unreportedGrowth = 0
    /// Cascade events already reported to a ``RunControl``.
    var reportedEvents = 0
    /// The cross accounts on this block's paths (nil without any).
    let cross: CrossMarginLanes?
    /// Each asset's pass summary of the current step.
    var stepSummaries: [PassSummary]
    /// With cross accounts, each asset's traded-price extremes before the step's pass (lowest,
    /// peak, drawdown): a path whose cross accounts liquidate takes them back and applies its
    /// end-of-step price.
    var savedExtremes: [[LaneBuffer<Double>]]

    /// - Parameter resolvers: each asset's ``CascadeResolver`` (``CascadeResolver/resolvers(for:)``),
    ///   shared by the workers of a run; built here when nil.
    init(config: SimulationConfig, capacity: Int, map: LiquidationMap? = nil, exact: ExactTimeSeries? = nil,
         resolvers: [CascadeResolver]? = nil) {
        self.map = map
        self.exact = exact
        self.config = config
        self.capacity = capacity
        let resolvers = resolvers ?? CascadeResolver.resolvers(for: config)
        assets = config.assets.enumerated().map {
            AssetLanes(index: $0, asset: $1, config: config, capacity: capacity, resolver: resolvers[$0])
        }
        if config.assets.count == 1, case let .gbm(model) = config.assets[0].model {
            gbm = BlockPathGenerator(model: model, stepYears: config.stepYears, seed: config.seed, capacity: capacity)
            generators = []
            innovations = nil
        } else {
            gbm = nil
            generators = config.assets.enumerated().map { a, asset in
                AssetPathGenerator(model: asset.model, schedule: asset.schedule ?? StressSchedule(shocks: [], steps: config.steps),
                                   stepYears: config.stepYears, seed: config.seed, asset: a, capacity: capacity)
            }
            innovations = CorrelatedInnovations(assets: config.assets.count, capacity: capacity,
                                                cholesky: config.correlationFactor, seed: config.seed)
        }
        notionalBucket = Array(repeating: 0, count: capacity)
        fundBucket = notionalBucket
        tallies = Array(repeating: PathTally(insuranceFund: config.insuranceFund, drawdownLimit: config.fundDrawdownLimit), count: capacity)
        if config.separateFunds, let initial = config.assetFunds {
            let perPath = initial.map { InsuranceFund(initial: $0, drawdownLimit: config.fundDrawdownLimit) }
            funds = Array((0..<capacity).map { _ in perPath }.joined())
            lowestFundTotal = Array(repeating: config.insuranceFund, count: capacity)
        } else {
            funds = []
            lowestFundTotal = []
        }
        crossing = Array(repeating: 0, count: capacity)
        touched = Array(repeating: 0, count: capacity)
        isTouched = Array(repeating: false, count: capacity)
        touchedBuckets = Array(repeating: .zero, count: capacity)
        priceBytes = Array(repeating: 0, count: config.timeSeries.rows)
        changeBytes = priceBytes
        cross = config.crossAccounts.map {
            CrossMarginLanes(book: $0, funding: config.funding, capacity: capacity, procedure: config.crossLiquidation)
        }
        stepSummaries = Array(repeating: PassSummary(), count: config.assets.count)
        savedExtremes = cross == nil ? [] : config.assets.map { _ in
            (0..<3).map { _ in LaneBuffer(lanes: capacity, value: 0) }
        }
    }

    /// Reports the growth of `row`'s histograms since the last report to `control` (in batches of
    /// a megabyte, or all of it when `flush`).
    mutating func reportGrowth(row: Int, prices: Bool, changes: Bool, recorder: TimeSeriesRecorder,
                               control: RunControl, flush: Bool = false) {
        if row < priceBytes.count {
            if prices {
                let bytes = recorder.priceBytes(row: row)
                unreportedGrowth += bytes - priceBytes[row]
                priceBytes[row] = bytes
            }
            if changes {
                let bytes = recorder.changeBytes(row: row)
                unreportedGrowth += bytes - changeBytes[row]
                changeBytes[row] = bytes
            }
        }
        if flush {
            unreportedGrowth += (events.count - reportedEvents) * MemoryLayout<CascadeEvent>.stride
            reportedEvents = events.count
        }
        if unreportedGrowth >= 1 << 20 || (flush && unreportedGrowth != 0) {
            control.record(growth: unreportedGrowth)
            unreportedGrowth = 0
        }
    }

    /// One vector pass over the block for `lanes` (see step 2 above); `increment(k)` gives the
    /// log-return of lanes 4k..<4k+4, `inverseLogGamma` is the time-series mapping's.
    ///
    /// Static, taking only what it reads: as a method it was handed a copy of the whole
    /// simulator (half a kilobyte, and retains of its buffers) on every step.
    @inline(__always)
    static func pass(_ lanes: AssetLanes, vectors: Int, inverseLogGamma: Double,
                     increment: (Int) -> SIMD4<Double>) -> PassSummary {
        var summary = PassSummary()
        let decay = lanes.decay
        let logF = lanes.logFundamental, j = lanes.impact, logP = lanes.logTraded
        let longKey = lanes.nextLongKey, shortKey = lanes.nextShortKey
        let low = lanes.minLogTraded, peakP = lanes.peakLogTraded, ddP = lanes.drawdownLogTraded
        let peakF = lanes.peakLogFundamental, ddF = lanes.drawdownLogFundamental
        let bucketP = lanes.tradedBucket, bucketF = lanes.fundamentalBucket
        // The price thresholds are compared with: the traded price, or the index mark.
        let indexMark = lanes.indexMark
        let basisSum = lanes.basisSum
        let basisScale = lanes.markSteps == 0 ? 0 : 1 / Double(lanes.markSteps)
        let crossingVectors = lanes.crossingVectors, crossingExtremes = lanes.crossingExtremes
        let bandLow = SIMD4<Double>(repeating: lanes.logBandLow), bandHigh = SIMD4<Double>(repeating: lanes.logBandHigh)
        for k in 0..<vectors {
            let f = FastMath.minimum(FastMath.maximum(logF.vector(k) + increment(k), bandLow), bandHigh)
            logF.setVector(k, f)
            let jk = j.vector(k) * decay
            j.setVector(k, jk)
            let x = f + jk
            logP.setVector(k, x)
            let check = indexMark ? f + basisSum.vector(k) * basisScale : x
            let cross = (check .<= longKey.vector(k)) .| (-check .<= shortKey.vector(k))
            // Rare (a few lanes per step in a block): listed here so that the cascades need not
            // scan the block again.
            if any(cross) {
                let i = summary.crossingVectorCount
                crossingVectors[i] = k
                crossingExtremes.setVector(3 * i, low.vector(k))
                crossingExtremes.setVector(3 * i + 1, peakP.vector(k))
                crossingExtremes.setVector(3 * i + 2, ddP.vector(k))
                summary.crossingVectorCount += 1
            }
            low.setVector(k, FastMath.minimum(low.vector(k), x))
            let pp = FastMath.maximum(peakP.vector(k), x)
            peakP.setVector(k, pp)
            ddP.setVector(k, FastMath.maximum(ddP.vector(k), pp - x))
            let pf = FastMath.maximum(peakF.vector(k), f)
            peakF.setVector(k, pf)
            ddF.setVector(k, FastMath.maximum(ddF.vector(k), pf - f))
            bucketP.setVector(k, LogBucketMapping.buckets(logValues: x, inverseLogGamma: inverseLogGamma))
            bucketF.setVector(k, LogBucketMapping.buckets(logValues: f, inverseLogGamma: inverseLogGamma))
            summary.lowP = FastMath.minimum(summary.lowP, x); summary.highP = FastMath.maximum(summary.highP, x)
            summary.lowF = FastMath.minimum(summary.lowF, f); summary.highF = FastMath.maximum(summary.highF, f)
        }
        return summary
    }

    /// Simulates `paths` (at most `capacity` of them), writes their results and records their
    /// time series. With a `control`, reports the recorder's growth to it and stops (leaving the
    /// paths' results unwritten) as soon as it is stopped.
    mutating func simulate(paths: Range<Int>, into results: PathResultsWriter,
                           recorder: inout TimeSeriesRecorder, observer: inout Observer, control: RunControl? = nil) {
        let n = paths.count
        precondition(n <= capacity)
        let vectors = (n + 3) >> 2
        let first = paths.lowerBound
        let layout = recorder.layout
        let mapping = layout.mapping
        let initialFundBucket = mapping.bucket(value: config.insuranceFund)
        let inverseLogGamma = config.timeSeries.mapping.inverseLogGamma
        gbm?.start(paths: paths)
        for g in generators.indices { generators[g].start(paths: paths) }
        innovations?.start(paths: paths)
        for (a, lanes) in assets.enumerated() {
            let logP0 = Foundation.log(config.assets[a].initialPrice)
            for buffer in [lanes.logFundamental, lanes.logTraded, lanes.peakLogTraded, lanes.peakLogFundamental,
                           lanes.minLogTraded] { buffer.fill(logP0) }
            for buffer in [lanes.impact, lanes.drawdownLogTraded, lanes.drawdownLogFundamental, lanes.notional] { buffer.fill(0) }
            // Padding lanes never cross a threshold.
            lanes.nextLongKey.fill(-.infinity)
            lanes.nextShortKey.fill(-.infinity)
            let startBucket = mapping.bucket(logValue: logP0)
            lanes.tradedBucket.fill(startBucket)
            lanes.fundamentalBucket.fill(startBucket)
            lanes.basisSum.fill(0)
            for ring in lanes.basisRing { ring.fill(0) }
            if let w = lanes.withdrawal {
                for b in 0..<n {
                    lanes.depthScale[b] = 1
                    lanes.minDepthScale[b] = 1
                    lanes.realisedVariance[b] = w.normalVariance(stepSeconds: config.stepSeconds)
                    lanes.previousLogFundamental[b] = logP0
                }
            }
            for b in 0..<n {
                lanes.books[b].reset()
                lanes.cascades[b] = LaneCascades()
                lanes.longCursor[b] = lanes.falling.start
                lanes.shortCursor[b] = lanes.rising.start
                lanes.nextLongKey[b] = lanes.falling.start.key
                lanes.nextShortKey[b] = lanes.rising.start.key
            }
            recorder.recordPrices(asset: a, row: 0, traded: lanes.tradedBucket.pointer, fundamental: lanes.fundamentalBucket.pointer,
                                  count: n, tradedRange: logP0...logP0, fundamentalRange: logP0...logP0)
            if let exact {
                let p0 = config.assets[a].initialPrice
                for b in 0..<n {
                    exact.set(column: 2 * a, row: 0, path: first + b, p0)
                    exact.set(column: 2 * a + 1, row: 0, path: first + b, p0)
                }
            }
        }
        for b in 0..<n {
            tallies[b] = PathTally(insuranceFund: config.insuranceFund, drawdownLimit: config.fundDrawdownLimit)
            if config.measuresMechanisms { tallies[b].haircuts = HaircutLedger() }
            if let capital = config.vaultCapital { tallies[b].vault = InsuranceFund(initial: capital) }
            if let initial = config.assetFunds, config.separateFunds {
                for a in initial.indices { funds[b * initial.count + a] = InsuranceFund(initial: initial[a], drawdownLimit: config.fundDrawdownLimit) }
                lowestFundTotal[b] = config.insuranceFund
            }
            notionalBucket[b] = LogBucketMapping.zeroBucket
            fundBucket[b] = initialFundBucket
            recorder.recordNotionalChange(row: 0, from: TimeSeriesRecorder.noBucket, to: LogBucketMapping.zeroBucket)
            recorder.recordFundChange(row: 0, from: TimeSeriesRecorder.noBucket, to: initialFundBucket)
            if let exact {
                exact.set(column: 2 * assets.count, row: 0, path: first + b, 0)
                exact.set(column: 2 * assets.count + 1, row: 0, path: first + b, config.insuranceFund)
            }
        }

        cross?.reset(paths: n)
        for step in 0..<config.steps {
            if let control, control.isStopped { return }
            // The row the step's changes count in; when the step ends on a row (`recordRow`), that row.
            let row = layout.firstRow(afterStep: step)
            let recordRow = (step + 1) % layout.stride == 0
            for lanes in assets {
                if recordRow { recorder.prefetchPrices(asset: lanes.index, row: row) }
                if cross != nil { saveExtremes(lanes, vectors: vectors) }
                // 1–2. The exogenous move and the vector pass.
                var summary: PassSummary
                if gbm != nil {
                    // The generator is used in place (`gbm!.…`): a local copy of it would copy
                    // half a kilobyte and retain each of its buffers on every step.
                    gbm!.jumps.apply(step: step, logF: lanes.logFundamental)
                    var stepDrift = gbm!.step.driftTerm, stepScale = gbm!.step.diffusionScale
                    if let schedule = lanes.schedule {
                        let s = schedule.volatilityScale[step]
                        let sigma2dt: Double = stepScale * stepScale
                        let convexity: Double = 0.5 * sigma2dt * (1 - s * s)
                        stepDrift += convexity + schedule.extraDrift[step]
                        stepScale *= s
                    }
                    // Captured as constants (a captured `var` is read from memory at every vector).
                    let drift = stepDrift, scale = stepScale
                    if step & 1 == 0 { gbm!.drawEvenStep(vectors: vectors) }
                    // The closure captures only the normals' buffer, not the generator.
                    let z = gbm!.normals(step: step)
                    summary = Self.pass(lanes, vectors: vectors, inverseLogGamma: inverseLogGamma) {
                        BlockPathGenerator.diffusion(z, vector: $0, drift: drift, scale: scale)
                    }
                } else {
                    let a = lanes.index
                    let normals = innovations!.normals(asset: a, step: step)
                    generators[a].increments(step: step, normals: normals, into: lanes.increment)
                    let increment = lanes.increment
                    summary = Self.pass(lanes, vectors: vectors, inverseLogGamma: inverseLogGamma) { increment.vector($0) }
                }

                // A path at the price band (rare: the pass's range shows it) counts the step.
                if summary.lowF.min() <= lanes.logBandLow || summary.highF.max() >= lanes.logBandHigh {
                    countBandHits(lanes, n: n)
                }

                lanes.withdrawLiquidity(paths: n)
                // 3. Cascades, only where a threshold was crossed.
                if summary.crossingVectorCount > 0 {
                    resolveCrossings(lanes, step: step, n: n, first: first, summary: &summary, observer: &observer)
                }
                stepSummaries[lanes.index] = summary
            }
            // 3′. Cross accounts, over all assets together.
            if cross != nil { resolveCrossAccounts(step: step, n: n, first: first, observer: &observer) }
            for lanes in assets {
                let summary = stepSummaries[lanes.index]
                // The mark's basis average takes in this step's end-of-step impact.
                if lanes.markSteps > 0 {
                    let slot = lanes.basisRing[step % lanes.markSteps]
                    let j = lanes.impact, sum = lanes.basisSum
                    for k in 0..<vectors {
                        sum.setVector(k, sum.vector(k) + j.vector(k) - slot.vector(k))
                        slot.setVector(k, j.vector(k))
                    }
                }

                // 4. Time series.
                if recordRow {
                    recorder.recordPrices(asset: lanes.index, row: row,
                                          traded: lanes.tradedBucket.pointer, fundamental: lanes.fundamentalBucket.pointer, count: n,
                                          tradedRange: summary.lowP.min()...summary.highP.max(),
                                          fundamentalRange: summary.lowF.min()...summary.highF.max())
                    if let exact {
                        for b in 0..<n {
                            exact.set(column: 2 * lanes.index, row: row, path: first + b, Foundation.exp(lanes.logTraded[b]))
                            exact.set(column: 2 * lanes.index + 1, row: row, path: first + b, Foundation.exp(lanes.logFundamental[b]))
                        }
                    }
                }
                if Observer.self != NoCascadeObserver.self {
                    for b in 0..<n {
                        observer.stepEnded(path: first + b, asset: lanes.index, step: step,
                                           logFundamental: lanes.logFundamental[b], logImpact: lanes.impact[b])
                        if let basis = lanes.markBasis(b) {
                            observer.markEnded(path: first + b, asset: lanes.index, step: step, logMark: lanes.logFundamental[b] + basis)
                        }
                    }
                }
            }
            if Observer.self != NoCascadeObserver.self {
                for b in 0..<n {
                    observer.pathStepEnded(path: first + b, step: step, tally: tallies[b], fundBalance: fundBalance(path: b))
                }
            }
            let touchedRow = touchedCount > 0
            if touchedCount > 0 {
                // The totals over all assets changed on the paths that liquidated. Their new
                // buckets first, asking the cache for every count they will change (the row of
                // changes is usually out of cache), so that these misses overlap; then the changes.
                for i in 0..<touchedCount {
                    let b = touched[i]
                    let new = SIMD2(mapping.bucket(value: tallies[b].executedNotional), mapping.bucket(value: fundBalance(path: b)))
                    touchedBuckets[i] = new
                    recorder.prefetchChanges(row: row, notional: (notionalBucket[b], new[0]), fund: (fundBucket[b], new[1]))
                }
                for i in 0..<touchedCount {
                    let b = touched[i]
                    isTouched[b] = false
                    let newNotional = touchedBuckets[i][0]
                    if newNotional != notionalBucket[b] {
                        recorder.recordNotionalChange(row: row, from: notionalBucket[b], to: newNotional)
                        notionalBucket[b] = newNotional
                    }
                    let newFund = touchedBuckets[i][1]
                    if newFund != fundBucket[b] {
                        recorder.recordFundChange(row: row, from: fundBucket[b], to: newFund)
                        fundBucket[b] = newFund
                    }
                }
                touchedCount = 0
            }
            if let exact, recordRow {
                for b in 0..<n {
                    exact.set(column: 2 * assets.count, row: row, path: first + b, tallies[b].executedNotional)
                    exact.set(column: 2 * assets.count + 1, row: row, path: first + b, fundBalance(path: b))
                }
            }
            if let control, recordRow || touchedRow {
                reportGrowth(row: row, prices: recordRow, changes: touchedRow, recorder: recorder, control: control)
            }
        }
        if let control {
            reportGrowth(row: 0, prices: true, changes: true, recorder: recorder, control: control, flush: true)
            if control.isStopped { return }
        }
        writeResults(first: first, n: n, into: results)
    }

    /// Counts, on each of the first `n` lanes whose fundamental log-price sits at the price band
    /// after the pass, one ``PathTally/priceLimitHits``.
    mutating func countBandHits(_ lanes: AssetLanes, n: Int) {
        let logF = lanes.logFundamental
        for b in 0..<n where logF[b] <= lanes.logBandLow || logF[b] >= lanes.logBandHigh {
            tallies[b].priceLimitHits += 1
        }
    }

    /// Finds the lanes that crossed a threshold, touches each one's next ladder key before
    /// resolving any (with a ladder larger than the cache, these are misses the memory system can
    /// overlap), resolves their cascades and updates their end-of-step extremes and buckets.
    mutating func resolveCrossings(_ lanes: AssetLanes, step: Int, n: Int, first: Int,
                                   summary: inout PassSummary, observer: inout Observer) {
        let logF = lanes.logFundamental, j = lanes.impact, logP = lanes.logTraded
        let longKey = lanes.nextLongKey, shortKey = lanes.nextShortKey
        let longs = lanes.falling, shorts = lanes.rising
        var hits = 0
        let basisScale = lanes.markSteps == 0 ? 0 : 1 / Double(lanes.markSteps)
        for v in 0..<summary.crossingVectorCount {
            let k = lanes.crossingVectors[v]
            let x = lanes.indexMark ? logF.vector(k) + lanes.basisSum.vector(k) * basisScale : logP.vector(k)
            let mask = (x .<= longKey.vector(k)) .| (-x .<= shortKey.vector(k))
            if any(mask) {
                for lane in 0..<4 where mask[lane] && 4 * k + lane < n {
                    let b = 4 * k + lane
                    crossing[hits] = b
                    hits += 1
                    // Back to the extremes before the pass: the end-of-step price comes after the cascade.
                    lanes.minLogTraded[b] = lanes.crossingExtremes[12 * v + lane]
                    lanes.peakLogTraded[b] = lanes.crossingExtremes[12 * v + 4 + lane]
                    lanes.drawdownLogTraded[b] = lanes.crossingExtremes[12 * v + 8 + lane]
                    if x[lane] <= longKey[b] { longs.prefetch(after: lanes.longCursor[b]) } else { shorts.prefetch(after: lanes.shortCursor[b]) }
                }
            }
        }
        let mapping = config.timeSeries.mapping
        for i in 0..<hits {
            let b = crossing[i]
            let jb = resolveLane(lanes, path: b, step: step, first: first, logFundamental: logF[b], startImpact: j[b],
                                 sameStep: false, observer: &observer)
            j[b] = jb
            let x = logF[b] + jb
            logP[b] = x
            // The extremes and bucket of the end-of-step price.
            lanes.minLogTraded[b] = min(lanes.minLogTraded[b], x)
            lanes.peakLogTraded[b] = max(lanes.peakLogTraded[b], x)
            lanes.drawdownLogTraded[b] = max(lanes.drawdownLogTraded[b], lanes.peakLogTraded[b] - x)
            lanes.tradedBucket[b] = mapping.bucket(logValue: x)
            summary.lowP[0] = min(summary.lowP[0], x)
            summary.highP[0] = max(summary.highP[0], x)
        }
    }

    /// Resolves the isolated cascade of `lanes` on path `b` from impact `startImpact` (the step's
    /// own, or — `sameStep` — after the cross accounts' flow moved it again within the step): the
    /// resolver, the path's fund and totals, the cascade statistics and the next thresholds.
    /// Returns the impact at the cascade's end.
    mutating func resolveLane(_ lanes: AssetLanes, path b: Int, step: Int, first: Int, logFundamental: Double,
                              startImpact: Double, sameStep: Bool, observer: inout Observer) -> Double {
        touch(path: b)
        let before = lanes.notional[b]
        var notional = before
        // With separate funds, the asset's own fund pays its deficits.
        let fundSlot = funds.isEmpty ? -1 : b * assets.count + lanes.index
        if fundSlot >= 0 {
            tallies[b].fund = funds[fundSlot]
            tallies[b].fund.watch()
        }
        let jb = lanes.resolver.resolve(
            path: first + b, step: step, logFundamental: logFundamental, startImpact: startImpact, markBasis: lanes.markBasis(b),
            depthScale: lanes.depth(b), longCursor: &lanes.longCursor[b], shortCursor: &lanes.shortCursor[b], book: &lanes.books[b],
            tally: &tallies[b], assetNotional: &notional, map: &map, observer: &observer)
        if fundSlot >= 0 {
            funds[fundSlot] = tallies[b].fund
            // Only this fund moved: the total's low is the others' balances plus its low.
            var others = 0.0
            for a in assets.indices where a != lanes.index { others += funds[b * assets.count + a].balance }
            lowestFundTotal[b] = min(lowestFundTotal[b], others + tallies[b].fund.lowestSinceWatch)
        }
        lanes.notional[b] = notional
        if let ended = lanes.cascades[b].step(path: first + b, asset: lanes.index, step: step, rounds: tallies[b].lastRounds,
                                              notional: notional - before, j: jb, sameStep: sameStep),
           config.recordCascadeEvents {
            events.append(ended)
        }
        // The next thresholds: the ladder's and those of positions re-inserted on this path.
        lanes.nextLongKey[b] = max(lanes.longCursor[b].key, lanes.books[b].topKey(lanes.fallingBook, step: step + 1))
        lanes.nextShortKey[b] = max(lanes.shortCursor[b].key, lanes.books[b].topKey(1 - lanes.fallingBook, step: step + 1))
        // Forced flow the engine still holds is sent next step: the path is resolved then.
        if lanes.books[b].inventory.pending != 0 { lanes.nextLongKey[b] = .infinity }
        return jb
    }

    /// Values the forced flow the engine still holds on path `b` at each asset's final traded
    /// price, the P&L booked by the fund that pays for the asset (``DisposalInventory``).
    mutating func closeInventories(path b: Int) {
        for lanes in assets where lanes.books[b].inventory.pending != 0 {
            let x = Foundation.exp(lanes.logTraded[b])
            let pnl = lanes.books[b].inventory.markToMarket(at: x)
            guard pnl != 0 else { continue }
            tallies[b].disposalPnL += pnl
            if funds.isEmpty {
                tallies[b].settle(pnl)
            } else {
                funds[b * assets.count + lanes.index].settle(pnl)
            }
        }
    }

    /// Lists path `b` among the paths that liquidated in this step (once).
    @inline(__always)
    mutating func touch(path b: Int) {
        if !isTouched[b] {
            isTouched[b] = true
            touched[touchedCount] = b
            touchedCount += 1
        }
    }

    /// The balance of path `b`'s fund, or the total of its assets' funds.
    func fundBalance(path b: Int) -> Double {
        if funds.isEmpty { return tallies[b].fund.balance }
        var total = 0.0
        for a in assets.indices { total += funds[b * assets.count + a].balance }
        return total
    }

    /// The fund totals of path `b` over its assets' funds.
    func fundTotals(path b: Int) -> (netReceipts: Double, balance: Double, lowest: Double, badDebt: Double, deleveraged: Double) {
        if funds.isEmpty {
            let f = tallies[b].fund
            return (f.netReceipts, f.balance, f.lowest, f.badDebt, f.deleveraged)
        }
        var total = (netReceipts: 0.0, balance: 0.0, lowest: lowestFundTotal[b], badDebt: 0.0, deleveraged: 0.0)
        for a in assets.indices {
            let f = funds[b * assets.count + a]
            total.netReceipts += f.netReceipts
            total.balance += f.balance
            total.badDebt += f.badDebt
            total.deleveraged += f.deleveraged
        }
        return total
    }

    mutating func writeResults(first: Int, n: Int, into results: PathResultsWriter) {
        for b in 0..<n {
            closeInventories(path: b)
            let t = tallies[b]
            let p = first + b
            let fund = fundTotals(path: b)
            results.set(.liquidatedNotional, nil, p, t.executedNotional)
            results.set(.liquidatedLongNotionalAtEntry, nil, p, t.longEntryNotional)
            results.set(.liquidatedShortNotionalAtEntry, nil, p, t.shortEntryNotional)
            results.set(.liquidatedLongNotionalExecuted, nil, p, t.longExecutedNotional)
            results.set(.liquidatedShortNotionalExecuted, nil, p, t.shortExecutedNotional)
            results.set(.liquidations, nil, p, Double(t.liquidations))
            results.set(.maxCascadeRounds, nil, p, Double(t.maxRounds))
            results.set(.roundCapHits, nil, p, Double(t.roundCapHits))
            results.set(.priceLimitHits, nil, p, Double(t.priceLimitHits))
            results.set(.marginLost, nil, p, t.marginLost)
            results.set(.counterpartyGains, nil, p, t.counterpartyGains)
            results.set(.fundReceipts, nil, p, fund.netReceipts)
            results.set(.liquidationFees, nil, p, t.fees)
            results.set(.insuranceFundEnd, nil, p, fund.balance)
            results.set(.insuranceFundMin, nil, p, fund.lowest)
            results.set(.badDebt, nil, p, fund.badDebt)
            results.set(.partialLiquidations, nil, p, Double(t.partialLiquidations))
            results.set(.adlCount, nil, p, Double(t.deleveragedPositions))
            results.set(.adlNotional, nil, p, t.deleveragedNotional)
            results.set(.adlCoveredDeficit, nil, p, fund.deleveraged)
            if let ledger = t.haircuts {
                results.set(.adlOvershoot, nil, p, ledger.overshoot)
                results.set(.adlWinnersHaircut, nil, p, Double(ledger.winnersHaircut))
                results.set(.adlEligibleWinners, nil, p, Double(ledger.population))
                results.set(.adlHaircutPerWinner, nil, p, ledger.meanHaircut)
                results.set(.adlTopShare, nil, p, ledger.topShare)
                results.set(.adlGini, nil, p, ledger.gini)
                results.set(.minDepthShare, nil, p, assets.reduce(1) { $1.withdrawal == nil ? $0 : min($0, $1.minDepthScale[b]) })
                results.set(.disposalPendingMax, nil, p, t.pendingNotionalMax)
                results.set(.disposalPnL, nil, p, t.disposalPnL)
                results.set(.disposalLastHeld, nil, p, t.lastHeldStep < 0 ? 0 : Double(t.lastHeldStep + 1) * config.stepSeconds)
                if let vault = t.vault {
                    results.set(.vaultPnL, nil, p, vault.balance - vault.initial)
                    results.set(.vaultMin, nil, p, vault.lowest)
                    results.set(.vaultExhausted, nil, p, vault.lowest <= 0 ? 1 : 0)
                }
            }
            if !funds.isEmpty {
                for a in assets.indices {
                    let f = funds[b * assets.count + a]
                    results.set(.fundReceipts, a, p, f.netReceipts)
                    results.set(.insuranceFundEnd, a, p, f.balance)
                    results.set(.insuranceFundMin, a, p, f.lowest)
                    results.set(.badDebt, a, p, f.badDebt)
                    results.set(.adlCoveredDeficit, a, p, f.deleveraged)
                }
            }
            results.set(.firstLiquidationTime, nil, p,
                        t.firstLiquidationStep < 0 ? .nan : Double(t.firstLiquidationStep + 1) * config.stepSeconds)
            var eventCount = 0, largest = -Double.infinity, longest = 0
            for lanes in assets {
                if let ended = lanes.cascades[b].close(), config.recordCascadeEvents { events.append(ended) }
                let c = lanes.cascades[b]
                eventCount += c.count
                largest = max(largest, c.largest)
                longest = max(longest, c.longest)
                results.set(.maxOvershoot, lanes.index, p, c.maxOvershoot)
            }
            if let cross {
                results.set(.crossLiquidations, nil, p, Double(cross.liquidated[b]))
                results.set(.fundingPaid, nil, p, cross.fundingPaid[b])
                results.set(.fundingReceived, nil, p, cross.fundingReceived[b])
                results.set(.accountChecks, nil, p, cross.checks[b])
                var total = 0.0, contagion = 0.0
                for a in assets.indices {
                    total += cross.crossNotional[b * assets.count + a]
                    contagion += cross.contagionNotional[b * assets.count + a]
                    if assets.count > 1 {
                        let liquidated = assets[a].notional[b], share = cross.contagionNotional[b * assets.count + a]
                        results.set(.crossLiquidatedNotional, a, p, cross.crossNotional[b * assets.count + a])
                        results.set(.contagionNotional, a, p, share)
                        results.set(.contagionShare, a, p, liquidated > 0 ? share / liquidated : .nan)
                    }
                }
                results.set(.crossLiquidatedNotional, nil, p, total)
                results.set(.contagionNotional, nil, p, contagion)
                results.set(.contagionShare, nil, p, t.executedNotional > 0 ? contagion / t.executedNotional : .nan)
            }
            results.set(.cascadeEvents, nil, p, Double(eventCount))
            results.set(.largestCascadeNotional, nil, p, eventCount > 0 ? largest : .nan)
            results.set(.longestCascadeSteps, nil, p, eventCount > 0 ? Double(longest) : .nan)
            for lanes in assets {
                let a = lanes.index
                if assets.count > 1 { results.set(.liquidatedNotional, a, p, lanes.notional[b]) }
                results.set(.minTradedPrice, a, p, Foundation.exp(lanes.minLogTraded[b]))
                results.set(.finalTradedPrice, a, p, Foundation.exp(lanes.logFundamental[b] + lanes.impact[b]))
                results.set(.finalFundamentalPrice, a, p, Foundation.exp(lanes.logFundamental[b]))
                results.set(.maxDrawdownTraded, a, p, -Foundation.expm1(-lanes.drawdownLogTraded[b]))
                results.set(.maxDrawdownFundamental, a, p, -Foundation.expm1(-lanes.drawdownLogFundamental[b]))
            }
        }
    }
}

/// Shared write access to a ``PathResults`` buffer. Each worker writes only the paths of its own
/// chunks, so writes never overlap.
struct PathResultsWriter: @unchecked Sendable {
    let base: UnsafeMutablePointer<Double>
    let paths: Int
    let assets: Int
    let columns: Int
    /// The global index of the results' first path: a run of a range of paths (a shard) holds
    /// path p at row p − firstPath.
    let firstPath: Int
    /// Column position by metric and asset (asset + 1; 0 for "all assets"); −1 where none.
    let table: [Int]

    /// A writer into `base`, the ``PathResults/values`` of `layout` (which only gives the shape:
    /// holding a second reference to the values while writing through `base` would make the
    /// array copy them).
    init(base: UnsafeMutablePointer<Double>, layout: PathResults.Layout, firstPath: Int = 0) {
        self.base = base
        self.firstPath = firstPath
        self.paths = layout.paths
        self.assets = layout.assets
        self.columns = layout.columns.count
        var table = [Int](repeating: -1, count: PathMetric.allCases.count * (assets + 1))
        for (position, column) in layout.columns.enumerated() {
            table[column.metric.rawValue * (assets + 1) + (column.asset.map { $0 + 1 } ?? 0)] = position
        }
        self.table = table
    }

    /// Sets every column of paths `range` to NaN (no value).
    func clear(paths range: Range<Int>) {
        for c in 0..<columns {
            (base + c * paths + range.lowerBound - firstPath).initialize(repeating: .nan, count: range.count)
        }
    }

    @inline(__always)
    func set(_ metric: PathMetric, _ asset: Int?, _ path: Int, _ value: Double) {
        let position = table[metric.rawValue * (assets + 1) + (asset.map { $0 + 1 } ?? 0)]
        precondition(position >= 0, "no column for \(metric) of asset \(String(describing: asset))")
        base[position * paths + path - firstPath] = value
    }
}
