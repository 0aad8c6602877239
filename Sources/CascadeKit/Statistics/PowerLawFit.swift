import Foundation

/// A continuous power law p(x) = ((α − 1)/x_min)·(x/x_min)^(−α) for x ≥ x_min fitted to binned
/// data, following Y. Virkar and A. Clauset, "Power-law distributions in binned empirical data",
/// Annals of Applied Statistics 8(1), 89–119, 2014.
///
/// Under the model a value above x_min falls in bin [bᵢ, bᵢ₊₁) with probability
/// (bᵢ/x_min)^(1−α) − (bᵢ₊₁/x_min)^(1−α), so with cᵢ observations in bin i and n in the tail the
/// binned log-likelihood is
///
///     L(α) = Σᵢ cᵢ·ln(bᵢ^(1−α) − bᵢ₊₁^(1−α)) − n·ln(x_min^(1−α)),
///
/// maximised over α for every candidate x_min among the bin edges; the x_min kept is the one whose
/// fitted distribution is closest to the data in Kolmogorov–Smirnov distance, measured at the bin
/// edges above it.
public struct PowerLawFit: Sendable, Equatable {
    /// α̂, the maximum-likelihood exponent of the density (> 1) at the chosen x_min.
    public var alpha: Double
    /// 1/√I(α̂), with I(α̂) = −L''(α̂) the observed Fisher information of the binned likelihood
    /// (conditional on x_min; the uncertainty of x_min itself is not included).
    public var alphaStandardError: Double
    /// The chosen x_min: the lower edge of the first bin of the fitted tail.
    public var xmin: Double
    /// n, the number of observations at or above x_min.
    public var tailCount: Int64
    /// The number of observations in all bins.
    public var totalCount: Int64
    /// D = maxₖ |Ŝ(bₖ) − S(bₖ)| over the bin edges bₖ > x_min, where Ŝ(b) is the fraction of the
    /// tail at or above b and S(b) = (b/x_min)^(1−α̂) the fitted one (equivalently, the largest
    /// gap between the binned empirical and fitted distribution functions).
    public var ksDistance: Double
    /// The goodness-of-fit p-value of the semi-parametric bootstrap, or nil when not requested
    /// (bootstrapSamples = 0). Small values (conventionally ≤ 0.1, Clauset, Shalizi and Newman
    /// 2009) reject the power law.
    public var pValue: Double?

    /// The method, in one sentence, for reports.
    public static let method: String = "Binned maximum-likelihood fit of a continuous power law above x_min, with x_min chosen among the bin edges by the smallest Kolmogorov–Smirnov distance (Virkar and Clauset, Annals of Applied Statistics 8(1), 2014), and goodness of fit by the semi-parametric bootstrap of Clauset, Shalizi and Newman (SIAM Review 51(4), 2009) adapted to bins."

    /// Fits a power law to binned data.
    ///
    /// For each candidate x_min = edges[j] with at least `minimumTailCount` observations at or
    /// above it, spread over at least two bins, α̂ maximises L(α) above (written with s = α − 1
    /// and ratios to x_min: L = −s·Σ cᵢ ln(bᵢ/x_min) + Σ cᵢ ln(1 − e^(−s·ln(bᵢ₊₁/bᵢ))), which
    /// cannot overflow). L is strictly concave in α, so α̂ is unique; it is found by Newton's
    /// method safeguarded by bisection on the bracket α ∈ [1.0001, 10], to 1e−13 relative, and
    /// clamped to the bracket when the maximum lies outside it (its standard error then means
    /// nothing). The kept candidate has the smallest KS distance (the lowest x_min on ties).
    ///
    /// The standard error uses the exact second derivative
    /// L''(α) = −Σᵢ cᵢ wᵢ² e^(−s wᵢ)/(1 − e^(−s wᵢ))² with wᵢ = ln(bᵢ₊₁/bᵢ) (the last term vanishes
    /// for an open last bin), rather than a finite difference.
    ///
    /// The last edge may be +∞ (an open last bin). When it is finite the data are treated as
    /// having an empty overflow bin [last edge, ∞): the model puts mass there and the data none,
    /// which is the exact multinomial likelihood of the binned sample.
    ///
    /// If `bootstrapSamples` > 0 the p-value is computed by the semi-parametric bootstrap of
    /// A. Clauset, C. R. Shalizi and M. E. J. Newman ("Power-law distributions in empirical data",
    /// SIAM Review 51(4), 661–703, 2009, §4.1), adapted to bins as in Virkar and Clauset (2014):
    /// each synthetic data set has the same total count; each of its observations comes, with
    /// probability n_tail/n_total, from the fitted power law above x_min (binned on the same edges,
    /// including the overflow bin) and otherwise from the observed bins below x_min, in proportion
    /// to their counts. Each synthetic set is refitted in full, including the search for x_min, and
    /// p is the fraction of synthetic KS distances ≥ the observed one (synthetic sets with no
    /// admissible x_min are left out; p is nil if every one is). Replicate r draws from a
    /// SplitMix64 stream keyed by (seed, r), so the result depends only on the data, the settings
    /// and `seed`.
    ///
    /// The test has little power against smooth alternatives such as the log-normal when the tail
    /// may be small: the x_min search then retreats to the last few hundred observations, where
    /// any such density is nearly straight on a log-log plot (Clauset, Shalizi and Newman 2009,
    /// §5). A larger `minimumTailCount` (say 5 % of the sample) restores the power, at the cost of
    /// rejecting laws that only hold far out. A large p-value means "not ruled out", not "a power
    /// law".
    ///
    /// - Parameters:
    ///   - edges: counts.count + 1 bin edges, strictly increasing, the first > 0, all finite but
    ///     the last (which may be +∞). For a ``LogBinnedHistogram`` h: `h.edges()` and `h.counts`.
    ///   - counts: observations per bin, ≥ 0.
    ///   - minimumTailCount: the fewest observations a candidate tail must hold.
    ///   - bootstrapSamples: synthetic data sets for the p-value (0: none, pValue = nil). Clauset,
    ///     Shalizi and Newman recommend about 2,500 for p to be accurate to ±0.01.
    ///   - seed: the bootstrap's seed.
    /// - Returns: nil when no candidate x_min has at least `minimumTailCount` observations over at
    ///   least two non-empty bins.
    /// - Complexity: O(m²·I) for the fit, with m bins and I ≲ 60 Newton or bisection steps per candidate (usually under 10); the
    ///   bootstrap adds O(B·(n_total·log m + m²·I)) for B samples: every synthetic observation is
    ///   drawn, so the cost grows with the total count.
    public static func fit(edges: [Double], counts: [Int64], minimumTailCount: Int64 = 50,
                           bootstrapSamples: Int = 0, seed: UInt64 = 1) -> PowerLawFit? {
        precondition(edges.count == counts.count + 1, "\(edges.count) edges for \(counts.count) bins")
        precondition(edges[0] > 0, "the first edge \(edges[0]) is not positive")
        precondition(bootstrapSamples >= 0, "bootstrapSamples \(bootstrapSamples) is negative")
        for i in 0..<counts.count {
            precondition(edges[i].isFinite && edges[i] < edges[i + 1], "edges are not strictly increasing at \(i)")
            precondition(counts[i] >= 0, "count \(counts[i]) of bin \(i) is negative")
        }
        // Work on ln(edges), with an empty overflow bin when the last edge is finite.
        var logEdges = edges.map { Foundation.log($0) }
        var binCounts = counts
        if edges[edges.count - 1].isFinite {
            logEdges.append(.infinity)
            binCounts.append(0)
        }
        let data = BinnedPowerLaw(logEdges: logEdges)
        var workspace = BinnedPowerLaw.Workspace(bins: binCounts.count)
        let minimum = max(1, minimumTailCount)
        guard let best = data.bestFit(counts: binCounts, minimumTailCount: minimum, workspace: &workspace) else {
            return nil
        }
        let total = binCounts.reduce(0, +)
        var result = PowerLawFit(
            alpha: 1 + best.s, alphaStandardError: 1 / best.information.squareRoot(),
            xmin: edges[best.bin], tailCount: best.tailCount, totalCount: total,
            ksDistance: best.ks, pValue: nil)
        if bootstrapSamples > 0 {
            result.pValue = data.bootstrapPValue(
                counts: binCounts, fit: best, total: total, minimumTailCount: minimum,
                samples: bootstrapSamples, seed: seed)
        }
        return result
    }
}

/// The computations of ``PowerLawFit`` on one set of bin edges (given by their logarithms; the
/// last is +∞), shared by the fit and every bootstrap refit.
struct BinnedPowerLaw: Sendable {
    /// ln bᵢ for i = 0…m; the last is +∞.
    let logEdges: [Double]
    /// wᵢ = ln(bᵢ₊₁/bᵢ) for i = 0..<m; the last is +∞.
    let widths: [Double]

    /// The smallest and largest s = α − 1 considered.
    static let sBracket = (lower: 1e-4, upper: 9.0)

    init(logEdges: [Double]) {
        self.logEdges = logEdges
        widths = (0..<(logEdges.count - 1)).map { logEdges[$0 + 1] - logEdges[$0] }
    }

    /// Scratch arrays reused across fits.
    struct Workspace {
        /// Observations in bins ≥ i (m + 1 entries).
        var tail: [Int64]
        /// Non-empty bins ≥ i (m + 1 entries).
        var nonEmpty: [Int]

        init(bins: Int) {
            tail = [Int64](repeating: 0, count: bins + 1)
            nonEmpty = [Int](repeating: 0, count: bins + 1)
        }
    }

    /// The fit at one candidate: first bin of the tail, ŝ = α̂ − 1, −L''(ŝ), KS distance, n.
    struct Candidate: Sendable {
        var bin: Int
        var s: Double
        var information: Double
        var ks: Double
        var tailCount: Int64
    }

    /// The candidate with the smallest KS distance, or nil when none qualifies.
    ///
    /// - Complexity: O(m²·I).
    func bestFit(counts: [Int64], minimumTailCount: Int64, workspace: inout Workspace) -> Candidate? {
        let m = counts.count
        workspace.tail[m] = 0
        workspace.nonEmpty[m] = 0
        for i in stride(from: m - 1, through: 0, by: -1) {
            workspace.tail[i] = workspace.tail[i + 1] + counts[i]
            workspace.nonEmpty[i] = workspace.nonEmpty[i + 1] + (counts[i] > 0 ? 1 : 0)
        }
        var best: Candidate?
        for j in 0..<m where workspace.tail[j] >= minimumTailCount && workspace.nonEmpty[j] >= 2 {
            let candidate = fit(from: j, counts: counts, tail: workspace.tail)
            if best == nil || candidate.ks < best!.ks { best = candidate }
        }
        return best
    }

    /// The maximum-likelihood s = α − 1 for the tail from bin j, with −L''(s) and the KS distance.
    ///
    /// With A = Σ_{i≥j} cᵢ ln(bᵢ/b_j): L'(s) = −A + Σ cᵢ wᵢ e^(−s wᵢ)/(1 − e^(−s wᵢ)) (decreasing),
    /// L''(s) = −Σ cᵢ wᵢ² e^(−s wᵢ)/(1 − e^(−s wᵢ))². Newton steps that leave the bracket known to
    /// hold the root are replaced by bisection.
    func fit(from j: Int, counts: [Int64], tail: [Int64]) -> Candidate {
        let m = counts.count
        let base = logEdges[j]
        var a = 0.0
        for i in (j + 1)..<m where counts[i] > 0 { a += Double(counts[i]) * (logEdges[i] - base) }

        func derivatives(_ s: Double) -> (first: Double, second: Double) {
            var first = -a, second = 0.0
            for i in j..<m where counts[i] > 0 && widths[i].isFinite {
                let c = Double(counts[i]), w = widths[i]
                let e = Foundation.exp(-s * w)
                let oneMinus = -Foundation.expm1(-s * w)
                first += c * w * e / oneMinus
                second -= c * w * w * (e / oneMinus) / oneMinus
            }
            return (first, second)
        }

        var lo = Self.sBracket.lower, hi = Self.sBracket.upper
        var s: Double
        var d = derivatives(lo)
        if d.first <= 0 {
            s = lo
        } else {
            d = derivatives(hi)
            if d.first >= 0 {
                s = hi
            } else {
                // Start from the continuous estimate n/A, which over-estimates s a little.
                s = min(max(Double(tail[j]) / a, lo), hi)
                for _ in 0..<200 {
                    d = derivatives(s)
                    if d.first > 0 { lo = s } else { hi = s }
                    var next = s - d.first / d.second
                    if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
                    let done = abs(next - s) <= 1e-13 * s
                    s = next
                    if done || hi - lo <= 1e-15 * s { break }
                }
                d = derivatives(s)
            }
        }

        // KS distance at the edges above b_j (the open end, where both are 0, is skipped).
        let n = Double(tail[j])
        var ks = 0.0
        for k in (j + 1)..<m {
            let empirical = Double(tail[k]) / n
            let fitted = Foundation.exp(-s * (logEdges[k] - base))
            ks = max(ks, abs(empirical - fitted))
        }
        return Candidate(bin: j, s: s, information: -d.second, ks: ks, tailCount: tail[j])
    }

    /// The semi-parametric bootstrap p-value (see ``PowerLawFit/fit(edges:counts:minimumTailCount:bootstrapSamples:seed:)``).
    ///
    /// - Complexity: O(samples·(total·log m + m²·I)), the samples split among the cores.
    func bootstrapPValue(counts: [Int64], fit: Candidate, total: Int64, minimumTailCount: Int64,
                         samples: Int, seed: UInt64) -> Double? {
        let m = counts.count, j = fit.bin
        // Survival of the fitted law at the edges of the tail bins: S_k for k = j…m (S_j = 1, S_m = 0).
        let survival = (j...m).map { Foundation.exp(-fit.s * (logEdges[$0] - logEdges[j])) }
        // Cumulative observed counts below x_min: below[k] = Σ_{i<k} cᵢ for k = 0…j.
        var cumulative = [Int64](repeating: 0, count: j + 1)
        for k in 0..<j { cumulative[k + 1] = cumulative[k] + counts[k] }
        let below = cumulative
        let belowTotal = UInt64(below[j])

        // Samples are independent (each its own stream): split among the cores, each with its
        // own workspace; the counts add up to the same p-value on any number of threads.
        let threads = max(1, min(samples, ProcessInfo.processInfo.activeProcessorCount))
        let tallies = WorkerSlots<(valid: Int, atLeast: Int)>(count: threads)
        let data = self
        let work: @Sendable (Int) -> Void = { t in
            var workspace = Workspace(bins: m)
            var synthetic = [Int64](repeating: 0, count: m)
            var valid = 0, atLeast = 0
            for r in stride(from: t, to: samples, by: threads) {
                var stream = SplitMix64Stream(seed: seed, stream: UInt64(r))
                for i in 0..<m { synthetic[i] = 0 }
                for _ in 0..<total {
                    let pick = stream.below(UInt64(total))
                    if pick < belowTotal {
                        // An observed value below x_min: the bin k with below[k] ≤ pick < below[k + 1].
                        let target = Int64(pick)
                        var lo = 0, hi = j           // below[lo] ≤ target < below[hi]
                        while hi - lo > 1 {
                            let mid = (lo + hi) / 2
                            if below[mid] <= target { lo = mid } else { hi = mid }
                        }
                        synthetic[lo] += 1
                    } else {
                        // A power-law value: the bin k with S_(k+1) < u ≤ S_k.
                        let u = stream.uniform()
                        var lo = 0, hi = m - j       // survival[lo] ≥ u > survival[hi]
                        while hi - lo > 1 {
                            let mid = (lo + hi) / 2
                            if survival[mid] >= u { lo = mid } else { hi = mid }
                        }
                        synthetic[j + lo] += 1
                    }
                }
                if let refit = data.bestFit(counts: synthetic, minimumTailCount: minimumTailCount, workspace: &workspace) {
                    valid += 1
                    if refit.ks >= fit.ks { atLeast += 1 }
                }
            }
            tallies[t] = (valid, atLeast)
        }
        if threads == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: threads, execute: work) }
        let valid = (0..<threads).reduce(0) { $0 + tallies[$1]!.valid }
        let atLeast = (0..<threads).reduce(0) { $0 + tallies[$1]!.atLeast }
        return valid > 0 ? Double(atLeast) / Double(valid) : nil
    }
}
