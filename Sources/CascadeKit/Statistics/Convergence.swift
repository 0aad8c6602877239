import Foundation

/// How the headline estimates settle as paths accumulate (in path order, 0, 1, 2, …): at
/// checkpoints about ten per decade of paths (10, 13, 16, 20, 25, …) and at the last path, the
/// running mean of the liquidated notional and of the bad debt with their normal-approximation
/// intervals (mean ± z·s/√n, s the sample standard deviation so far), and the running share of
/// paths with bad debt with its Wilson interval. Paths are taken in index order, so the rows do
/// not depend on threads, chunks or shards.
///
/// ``pathsNeeded(relativeHalfWidth:)`` turns the observed standard error into the paths a given
/// precision would need: n = (z·s / (r·|x̄|))², the n at which the interval's half-width is r
/// times the mean — an estimate from this run's s, itself uncertain for heavy tails.
public struct Convergence: Sendable {
    /// One checkpoint: the paths so far and, per quantity, (estimate, lower, upper).
    public struct Row: Sendable, Equatable {
        public var paths: Int
        public var values: [Interval]
        public var estimates: [Double]
    }

    /// The quantities, in column order: name, description, how they are written for people.
    public static let quantities: [(name: String, description: String, readable: ReadableNumber)] = [
        ("liquidatedNotional", "mean liquidated notional per path (USD)", .money),
        ("badDebt", "mean bad debt per path (USD)", .money),
        ("anyBadDebt", "share of paths with bad debt", .percent),
    ]

    public let confidence: Double
    public let rows: [Row]
    /// The sample standard deviation and mean of the liquidated notional over every path.
    public let liquidatedMean: Double
    public let liquidatedStandardDeviation: Double
    public let paths: Int

    /// The checkpoints for `paths` paths: round(10^(k/10)) from 10 on, and `paths`.
    public static func checkpoints(paths: Int) -> [Int] {
        var points: [Int] = []
        var k = 10
        while true {
            let n = Int(pow(10, Double(k) / 10).rounded())
            if n >= paths { break }
            if points.last != n { points.append(n) }
            k += 1
        }
        if paths > 0 { points.append(paths) }
        return points
    }

    public init(liquidated: some Collection<Double>, badDebt: some Collection<Double>, confidence: Double) {
        precondition(liquidated.count == badDebt.count)
        self.confidence = confidence
        let z = NormalDistribution.quantile((1 + confidence) / 2)
        let checkpoints = Self.checkpoints(paths: liquidated.count)
        // Welford's running mean and sum of squared deviations, NaN values skipped.
        var n = [0, 0], mean = [0.0, 0.0], m2 = [0.0, 0.0], events = 0
        var rows: [Row] = []
        var next = 0
        for (i, (x, b)) in zip(liquidated, badDebt).enumerated() {
            for (q, v) in [x, b].enumerated() where !v.isNaN {
                n[q] += 1
                let delta = v - mean[q]
                mean[q] += delta / Double(n[q])
                m2[q] += delta * (v - mean[q])
            }
            if !b.isNaN && b > 0 { events += 1 }
            if next < checkpoints.count && i + 1 == checkpoints[next] {
                var values: [Interval] = [], estimates: [Double] = []
                for q in 0..<2 {
                    estimates.append(n[q] > 0 ? mean[q] : .nan)
                    if n[q] >= 2 {
                        let half = z * (m2[q] / Double(n[q] - 1)).squareRoot() / Double(n[q]).squareRoot()
                        values.append(Interval(lower: mean[q] - half, upper: mean[q] + half))
                    } else {
                        values.append(.undefined)
                    }
                }
                estimates.append(Double(events) / Double(i + 1))
                values.append(ConfidenceInterval.wilson(successes: events, trials: i + 1, confidence: confidence))
                rows.append(Row(paths: i + 1, values: values, estimates: estimates))
                next += 1
            }
        }
        self.rows = rows
        paths = liquidated.count
        liquidatedMean = n[0] > 0 ? mean[0] : .nan
        liquidatedStandardDeviation = n[0] >= 2 ? (m2[0] / Double(n[0] - 1)).squareRoot() : .nan
    }

    /// The paths at which the mean liquidated notional's interval would be ±`r` (a fraction) of
    /// the mean; nil when the mean is 0 or undefined (no precision relative to zero).
    public func pathsNeeded(relativeHalfWidth r: Double) -> Double? {
        guard liquidatedMean.isFinite, liquidatedMean != 0, liquidatedStandardDeviation.isFinite else { return nil }
        let z = NormalDistribution.quantile((1 + confidence) / 2)
        let n = (z * liquidatedStandardDeviation / (r * abs(liquidatedMean)))
        return (n * n).rounded(.up)
    }

    /// The half-width of the final interval of the mean liquidated notional, relative to it.
    public var relativeHalfWidth: Double {
        guard let last = rows.last, !last.values[0].lower.isNaN, liquidatedMean != 0 else { return .nan }
        return (last.values[0].upper - last.values[0].lower) / 2 / abs(liquidatedMean)
    }

    /// The sentence the summary prints: the precision reached and the paths ±1% would need.
    public var sentence: String {
        let level = Int((confidence * 100).rounded())
        guard let needed = pathsNeeded(relativeHalfWidth: 0.01), relativeHalfWidth.isFinite else {
            return "Convergence: no liquidations on any path, so no relative precision of the mean liquidated notional."
        }
        return "Convergence: with \(ReadableNumber.count.text(Double(paths))) paths the mean liquidated notional is known to "
            + "±\(ReadableNumber.percent.text(relativeHalfWidth)) (\(level)% interval); ±1% would need about "
            + "\(ReadableNumber.count.text(needed)) paths and ±5% about \(ReadableNumber.count.text(pathsNeeded(relativeHalfWidth: 0.05)!))."
    }

    /// `convergence.csv`: paths, then per quantity its running estimate and interval.
    public func csv() -> String {
        var header = ["paths"]
        for q in Self.quantities { header += [q.name, "\(q.name)_ciLow", "\(q.name)_ciHigh"] }
        var lines = [header.joined(separator: ",")]
        for row in rows {
            var fields = [String(row.paths)]
            for (e, i) in zip(row.estimates, row.values) { fields += [CSVFormat.number(e), CSVFormat.number(i.lower), CSVFormat.number(i.upper)] }
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `convergence.svg`: the running mean of the liquidated notional and its interval against
    /// the paths (log scale).
    public func chart() -> String {
        Chart.lines(title: "Mean liquidated notional as paths accumulate", xLabel: "paths", yLabel: "mean liquidated notional (USD)",
                    series: [LineSeries(name: "running mean", x: rows.map { Double($0.paths) }, y: rows.map { $0.estimates[0] },
                                        lower: rows.map { $0.values[0].lower }, upper: rows.map { $0.values[0].upper })],
                    logX: true)
    }
}
