import Foundation

/// The statistics of a run that users read as answers, each with its uncertainty: the summary of
/// every per-path metric (mean with a confidence interval, quantiles with order-statistic
/// intervals), probabilities with Wilson intervals, tail risk (VaR, expected shortfall), and the
/// distribution of cascade sizes with a power-law fit. Pure: computed from a ``SimulationResult``.
public struct RunStatistics: Sendable {
    /// One row of summary.csv.
    public struct MetricSummary: Sendable {
        public var column: PathColumn
        public var summary: SampleSummary
        /// Interval for the mean (normal approximation, mean ± z·s/√n).
        public var meanInterval: Interval
        /// Distribution-free interval for each quantile, from order statistics.
        public var quantileIntervals: [Interval]
    }

    /// One row of probabilities.csv: how often an event happened across paths.
    public struct Probability: Sendable {
        public var name: String
        public var description: String
        public var count: Int
        public var paths: Int
        public var estimate: Double { paths > 0 ? Double(count) / Double(paths) : .nan }
        /// Wilson score interval.
        public var interval: Interval
    }

    /// The rows of risk.csv for one quantity.
    public struct Risk: Sendable {
        public var quantity: String
        public var description: String
        public var measures: [TailRisk]
    }

    /// The histogram of cascade-event sizes and the power-law fit of its tail.
    public struct CascadeSizes: Sendable {
        public var histogram: LogBinnedHistogram
        public var fit: PowerLawFit?
        public var events: Int
    }

    public let confidence: Double
    public let quantileLevels: [Double]
    public let metrics: [MetricSummary]
    public let probabilities: [Probability]
    public let risks: [Risk]
    public let cascadeSizes: CascadeSizes?

    /// Bins per decade of the cascade-size histogram.
    public static let sizeBinsPerDecade = 10
    /// Bootstrap samples of the power-law goodness-of-fit test.
    public static let bootstrapSamples = 200

    /// Computes everything from `result`.
    /// - Parameters:
    ///   - quantileLevels: the quantiles of summary.csv, ascending.
    ///   - riskLevels: VaR and ES levels, ascending.
    ///   - drawdownThresholds: drawdowns whose exceedance probability is reported.
    public init(result: SimulationResult, quantileLevels: [Double], confidence: Double, riskLevels: [Double],
                drawdownThresholds: [Double], twin: Bool) {
        self.confidence = confidence
        self.quantileLevels = quantileLevels
        let paths = result.paths
        // Metrics: one task per column.
        let columns = paths.columns.filter { twin || !$0.metric.needsTwin }
        let slots = WorkerSlots<MetricSummary>(count: columns.count)
        // The sorted columns that tail risk needs too (sorting is most of the work).
        let riskColumns = [PathColumn(.insuranceFundEnd), PathColumn(.badDebt), PathColumn(.liquidatedNotional)]
        let sortedSlots = WorkerSlots<[Double]>(count: columns.count)
        DispatchQueue.concurrentPerform(iterations: columns.count) { i in
            var sorted: [Double] = []
            let summary = SampleSummary(paths.column(columns[i]), quantileLevels: quantileLevels, sorted: &sorted)
            if riskColumns.contains(columns[i]) { sortedSlots[i] = sorted }
            slots[i] = MetricSummary(column: columns[i], summary: summary,
                                     meanInterval: ConfidenceInterval.mean(summary, confidence: confidence),
                                     quantileIntervals: quantileLevels.map {
                                         ConfidenceInterval.quantile(sorted: sorted, level: $0, confidence: confidence)
                                     })
        }
        metrics = columns.indices.map { slots[$0]! }

        // Probabilities.
        let n = paths.paths
        let config = result.config
        var probabilities: [Probability] = []
        func event(_ name: String, _ description: String, _ column: PathColumn, _ test: (Double) -> Bool) {
            let count = paths.column(column).reduce(0) { test($1) ? $0 + 1 : $0 }
            probabilities.append(Probability(name: name, description: description, count: count, paths: n,
                                             interval: ConfidenceInterval.wilson(successes: count, trials: n, confidence: confidence)))
        }
        event("anyLiquidation", "at least one position was liquidated", PathColumn(.liquidations)) { $0 > 0 }
        if config.insuranceFund > 0 {
            event("insuranceFundDepleted", config.separateFunds ? "the insurance funds' total reached zero" : "the insurance fund reached zero",
                  PathColumn(.insuranceFundMin)) { $0 <= 0 }
        }
        if config.separateFunds, let initial = config.assetFunds {
            for (a, symbol) in config.symbols.enumerated() where initial[a] > 0 {
                event("insuranceFundDepleted.\(symbol)", "the insurance fund of \(symbol) reached zero",
                      PathColumn(.insuranceFundMin, asset: a)) { $0 <= 0 }
            }
            for (a, symbol) in config.symbols.enumerated() {
                event("badDebt.\(symbol)", "deficits in \(symbol) were left uncovered by its fund (bad debt > 0)",
                      PathColumn(.badDebt, asset: a)) { $0 > 0 }
            }
        }
        event("badDebt", "deficits were left uncovered (bad debt > 0)", PathColumn(.badDebt)) { $0 > 0 }
        event("autoDeleveraging", "auto-deleveraging closed at least one position", PathColumn(.adlCount)) { $0 > 0 }
        event("partialLiquidation", "a venue closed at least one position in part", PathColumn(.partialLiquidations)) { $0 > 0 }
        event("roundCapHit", "a cascade reached simulation.maxCascadeRounds", PathColumn(.roundCapHits)) { $0 > 0 }
        event("priceLimitHit", "a model price limit bound (the price band or impact saturation; docs/model.md)",
              PathColumn(.priceLimitHits)) { $0 > 0 }
        let symbols = config.symbols
        for a in symbols.indices {
            let suffix = symbols.count > 1 ? ".\(symbols[a])" : ""
            for x in drawdownThresholds {
                let level = CSVFormat.number(x)
                event("tradedDrawdownAbove\(level)\(suffix)", "the traded price fell more than \(level) below its running peak",
                      PathColumn(.maxDrawdownTraded, asset: a)) { $0 > x }
                event("fundamentalDrawdownAbove\(level)\(suffix)",
                      "the fundamental (no-feedback) price fell more than \(level) below its running peak",
                      PathColumn(.maxDrawdownFundamental, asset: a)) { $0 > x }
            }
        }
        self.probabilities = probabilities

        // Tail risk, from the columns sorted above. The fund's loss f₀ − x is non-increasing in
        // its end balance x (rounding is monotone), so the balances in descending order give the
        // losses in ascending order.
        func sortedColumn(_ metric: PathMetric) -> [Double] {
            let i = columns.firstIndex(of: PathColumn(metric))!
            return sortedSlots[i]!
        }
        func risk(_ quantity: String, _ description: String, sortedLosses losses: [Double]) -> Risk {
            Risk(quantity: quantity, description: description,
                 measures: riskLevels.map { TailRisk.of(sortedLosses: losses, level: $0, confidence: confidence) })
        }
        let fund0 = config.insuranceFund
        risks = [
            risk("insuranceFundLoss", "insurance fund at start minus at the horizon (USD; negative: it grew)",
                 sortedLosses: sortedColumn(.insuranceFundEnd).reversed().map { fund0 - $0 }),
            risk("badDebt", "uncovered deficits (USD)", sortedLosses: sortedColumn(.badDebt)),
            risk("liquidatedNotional", "notional liquidated at execution prices (USD)",
                 sortedLosses: sortedColumn(.liquidatedNotional)),
        ]

        // Cascade sizes.
        if config.recordCascadeEvents {
            var histogram = LogBinnedHistogram(binsPerDecade: Self.sizeBinsPerDecade)
            for e in result.events { histogram.add(e.liquidatedNotional) }
            // The tail must hold at least 5% of the cascades (and 50): with fewer, the search for
            // x_min retreats into the extreme tail, where a log-normal looks straight on log-log
            // axes too (Clauset, Shalizi and Newman 2009).
            let minimumTail = max(50, Int64(result.events.count / 20))
            let fit = PowerLawFit.fit(edges: histogram.edges(), counts: histogram.counts, minimumTailCount: minimumTail,
                                      bootstrapSamples: Self.bootstrapSamples, seed: config.seed)
            cascadeSizes = CascadeSizes(histogram: histogram, fit: fit, events: result.events.count)
        } else {
            cascadeSizes = nil
        }
    }

    /// The summary of `column`, if reported.
    public func metric(_ column: PathColumn) -> MetricSummary? { metrics.first { $0.column == column } }

    /// The summary of `metric` (for the first asset if it is per asset).
    public func metric(_ metric: PathMetric) -> MetricSummary? {
        self.metric(PathColumn(metric, asset: metric.isPerAsset ? 0 : nil))
    }

    /// The probability named `name`.
    public func probability(_ name: String) -> Probability? { probabilities.first { $0.name == name } }

    // MARK: CSV

    /// `summary.csv`: per metric, count, mean with its standard deviation, standard error and
    /// confidence interval, min, each quantile with its interval, and max.
    public func summaryCSV(symbols: [String]) -> String {
        var header = ["metric", "count", "mean", "stddev", "stderr", "ciLow", "ciHigh", "min"]
        for q in quantileLevels {
            let name = CSVFormat.quantileName(q)
            header += [name, "\(name)_ciLow", "\(name)_ciHigh"]
        }
        header.append("max")
        var lines = [header.joined(separator: ",")]
        for m in metrics {
            let s = m.summary
            var fields = [m.column.name(symbols: symbols), String(s.count), CSVFormat.number(s.mean),
                          CSVFormat.number(s.standardDeviation), CSVFormat.number(s.standardError),
                          CSVFormat.number(m.meanInterval.lower), CSVFormat.number(m.meanInterval.upper),
                          CSVFormat.number(s.minimum)]
            for (q, interval) in zip(s.quantiles, m.quantileIntervals) {
                fields += [CSVFormat.number(q), CSVFormat.number(interval.lower), CSVFormat.number(interval.upper)]
            }
            fields.append(CSVFormat.number(s.maximum))
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `probabilities.csv`: per event, the paths where it happened, the estimate and its Wilson
    /// interval.
    public func probabilitiesCSV() -> String {
        var lines = ["event,count,paths,probability,ciLow,ciHigh,description"]
        for p in probabilities {
            lines.append([p.name, String(p.count), String(p.paths), CSVFormat.number(p.estimate),
                          CSVFormat.number(p.interval.lower), CSVFormat.number(p.interval.upper),
                          CSVFormat.quoted(p.description)].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `risk.csv`: value at risk and expected shortfall of each quantity at each level, with
    /// intervals.
    public func riskCSV() -> String {
        var lines = ["quantity,level,valueAtRisk,valueAtRiskCiLow,valueAtRiskCiHigh,expectedShortfall,expectedShortfallStderr,"
                     + "expectedShortfallCiLow,expectedShortfallCiHigh,tailCount"]
        let z = NormalDistribution.quantile((1 + confidence) / 2)
        for r in risks {
            for t in r.measures {
                lines.append([r.quantity, CSVFormat.number(t.level), CSVFormat.number(t.valueAtRisk),
                              CSVFormat.number(t.valueAtRiskInterval.lower), CSVFormat.number(t.valueAtRiskInterval.upper),
                              CSVFormat.number(t.expectedShortfall), CSVFormat.number(t.expectedShortfallStandardError),
                              CSVFormat.number(t.expectedShortfall - z * t.expectedShortfallStandardError),
                              CSVFormat.number(t.expectedShortfall + z * t.expectedShortfallStandardError),
                              String(t.tailCount)].joined(separator: ","))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `cascade-sizes.csv`: the log-binned histogram of cascade sizes (USD liquidated per event):
    /// bin edges, count, and density count/(events·width).
    public func cascadeSizesCSV() -> String? {
        guard let sizes = cascadeSizes else { return nil }
        var lines = ["binLow,binHigh,count,density"]
        let edges = sizes.histogram.edges()
        let total = Double(sizes.histogram.total)
        for (i, count) in sizes.histogram.counts.enumerated() where count > 0 {
            let low = edges[i], high = edges[i + 1]
            lines.append([CSVFormat.number(low), CSVFormat.number(high), String(count),
                          CSVFormat.number(Double(count) / (total * (high - low)))].joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `cascade-fit.csv`: the power-law fit of the cascade-size tail (one row, or a row saying
    /// why there is none), with the method.
    public func cascadeFitCSV() -> String? {
        guard let sizes = cascadeSizes else { return nil }
        var lines = ["alpha,alphaStderr,xmin,tailCount,events,ksDistance,pValue,method"]
        if let f = sizes.fit {
            lines.append([CSVFormat.number(f.alpha), CSVFormat.number(f.alphaStandardError), CSVFormat.number(f.xmin),
                          String(f.tailCount), String(sizes.events), CSVFormat.number(f.ksDistance),
                          f.pValue.map(CSVFormat.number) ?? "", CSVFormat.quoted(PowerLawFit.method)].joined(separator: ","))
        } else {
            lines.append(",,,,\(sizes.events),,," + CSVFormat.quoted("no fit: fewer than 50 cascades in any tail; " + PowerLawFit.method))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension PathMetric {
    /// Whether the metric comes from the no-feedback twin (empty when it did not run).
    public var needsTwin: Bool {
        switch self {
        case .twinLiquidatedNotional, .twinBadDebt, .amplification, .impactTriggeredShare: true
        default: false
        }
    }
}
