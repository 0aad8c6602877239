/// Confidence intervals for the statistics cascade reports: a Monte Carlo mean, a probability
/// (a fraction of paths) and a quantile.
///
/// `confidence` is the nominal coverage 1 − a, strictly between 0 and 1 (0.95 by default).
public enum ConfidenceInterval {
    /// The normal-approximation interval of a Monte Carlo mean:
    ///
    ///     x̄ ± z·s/√n,   z = Φ⁻¹((1 + confidence)/2)
    ///
    /// with s/√n the summary's ``SampleSummary/standardError``. By the central limit theorem its
    /// coverage tends to `confidence` as n grows for any metric with finite variance; it is only
    /// approximate for small n or heavy tails (a metric whose variance is infinite has no valid
    /// interval of this kind).
    ///
    /// - Returns: (NaN, NaN) when the summary has fewer than 2 values (no standard error).
    /// - Complexity: O(1).
    public static func mean(_ summary: SampleSummary, confidence: Double = 0.95) -> Interval {
        precondition(confidence > 0 && confidence < 1, "confidence \(confidence) is not in (0, 1)")
        guard summary.count >= 2 else { return .undefined }
        let half = NormalDistribution.quantile((1 + confidence) / 2) * summary.standardError
        return Interval(lower: summary.mean - half, upper: summary.mean + half)
    }

    /// The Wilson score interval for a binomial proportion (E. B. Wilson, "Probable Inference,
    /// the Law of Succession, and Statistical Inference", JASA 22(158), 209–212, 1927): with
    /// p̂ = successes/trials, n = trials and z = Φ⁻¹((1 + confidence)/2),
    ///
    ///     (p̂ + z²/(2n) ± z·√(p̂(1 − p̂)/n + z²/(4n²))) / (1 + z²/n).
    ///
    /// Unlike p̂ ± z√(p̂(1 − p̂)/n) it stays inside [0, 1] and does not collapse to a point when no
    /// path (or every path) had the event; its coverage is close to nominal even for small n
    /// (Brown, Cai and DasGupta, Statistical Science 16(2), 2001). The lower bound is exactly 0
    /// when successes = 0, the upper exactly 1 when successes = trials.
    ///
    /// - Returns: (NaN, NaN) when trials = 0.
    /// - Complexity: O(1).
    public static func wilson(successes: Int, trials: Int, confidence: Double = 0.95) -> Interval {
        precondition(confidence > 0 && confidence < 1, "confidence \(confidence) is not in (0, 1)")
        precondition(trials >= 0 && successes >= 0 && successes <= trials,
                     "\(successes) successes of \(trials) trials")
        guard trials > 0 else { return .undefined }
        let n = Double(trials)
        let phat = Double(successes) / n
        let z = NormalDistribution.quantile((1 + confidence) / 2)
        let z2 = z * z
        let denominator = 1 + z2 / n
        let center = (phat + z2 / (2 * n)) / denominator
        let half = z * (phat * (1 - phat) / n + z2 / (4 * n * n)).squareRoot() / denominator
        let lower = successes == 0 ? 0 : max(0, center - half)
        let upper = successes == trials ? 1 : min(1, center + half)
        return Interval(lower: lower, upper: upper)
    }

    /// A distribution-free confidence interval for the `p`-quantile ξ_p of a continuous
    /// distribution, from order statistics of an ascending sample.
    ///
    /// For 1-based order statistics X₍₁₎ ≤ … ≤ X₍ₙ₎ and B ~ Bin(n, p),
    /// P(X₍ₗ₊₁₎ ≤ ξ_p ≤ X₍ᵤ₊₁₎) = P(l + 1 ≤ B ≤ u) = 1 − F(l) − G(u), with F(k) = P(B ≤ k) and
    /// G(k) = P(B > k) (W. J. Conover, Practical Nonparametric Statistics, 3rd ed., 1999, §3.2;
    /// H. A. David and H. N. Nagaraja, Order Statistics, 3rd ed., 2003, §7.1). So the interval is
    /// [sorted[l], sorted[u]] with 0-based ranks l < u chosen with equal tails: l is the largest
    /// rank with F(l) ≤ a/2 and u the smallest with G(u) ≤ a/2 (a = 1 − confidence), giving
    /// coverage ≥ confidence (usually somewhat above it, as B is discrete). When the sample is too
    /// small for one tail — even the minimum (or maximum) leaves more than a/2 outside — that side
    /// takes the extreme order statistic and the other side gets the rest of the budget
    /// a − F(0) (or a − G(n − 1)).
    ///
    /// The binomial probabilities are exact (Loader's saddle-point formula, see
    /// `BinomialDistribution`), with no normal approximation, for any n.
    ///
    /// - Returns: the widest available interval, (minimum, maximum), when no pair of order
    ///   statistics reaches `confidence` (for example the median of fewer than 6 values at 95 %,
    ///   or p so close to 0 or 1 that n is too small to bracket it), including p ≤ 0 or p ≥ 1;
    ///   (NaN, NaN) for an empty sample or NaN p. The coverage is then below `confidence`.
    /// - Complexity: O(√(n·p(1 − p)) + log n) time and memory for the binomial tails, plus two
    ///   element accesses (O(1) for random-access collections); the sample is not read otherwise.
    public static func quantile(sorted: some RandomAccessCollection<Double>, level p: Double,
                                confidence: Double = 0.95) -> Interval {
        precondition(confidence > 0 && confidence < 1, "confidence \(confidence) is not in (0, 1)")
        let n = sorted.count
        guard n > 0, !p.isNaN else { return .undefined }
        let base = sorted.startIndex
        let (l, u) = orderStatisticRanks(count: n, level: p, confidence: confidence).map { ($0.lower, $0.upper) }
            ?? (0, n - 1)
        return Interval(lower: sorted[sorted.index(base, offsetBy: l)],
                        upper: sorted[sorted.index(base, offsetBy: u)])
    }

    /// The 0-based ranks (l, u) of ``quantile(sorted:level:confidence:)`` and their exact coverage
    /// 1 − F(l) − G(u), or nil when no pair reaches `confidence` (or p ∉ (0, 1), or n = 0).
    ///
    /// - Complexity: O(√(n·p(1 − p)) + log n).
    static func orderStatisticRanks(count n: Int, level p: Double, confidence: Double)
        -> (lower: Int, upper: Int, coverage: Double)? {
        guard n > 0, p > 0, p < 1 else { return nil }
        let tails = BinomialTails(trials: n, success: p)
        let a = 1 - confidence

        // The largest rank in 0..<n with F(rank) ≤ budget (F increases), by bisection.
        func largestLower(within budget: Double) -> Int? {
            guard tails.cdf(0) <= budget else { return nil }
            var good = 0, bad = n        // F(good) ≤ budget; `bad` is past the end or F(bad) > budget
            while bad - good > 1 {
                let mid = good + (bad - good) / 2
                if tails.cdf(mid) <= budget { good = mid } else { bad = mid }
            }
            return good
        }
        // The smallest rank in 0..<n with G(rank) ≤ budget (G decreases), by bisection.
        func smallestUpper(within budget: Double) -> Int? {
            guard tails.survival(n - 1) <= budget else { return nil }
            var good = n - 1, bad = -1   // G(good) ≤ budget; `bad` is before the start or G(bad) > budget
            while good - bad > 1 {
                let mid = bad + (good - bad) / 2
                if tails.survival(mid) <= budget { good = mid } else { bad = mid }
            }
            return good
        }

        var lower = largestLower(within: a / 2)
        var upper = smallestUpper(within: a / 2)
        switch (lower, upper) {
        case (nil, nil):
            return nil
        case (nil, _):
            lower = 0
            upper = smallestUpper(within: a - tails.cdf(0))
        case (_, nil):
            upper = n - 1
            lower = largestLower(within: a - tails.survival(n - 1))
        default:
            break
        }
        guard let l = lower, let u = upper, l < u else { return nil }
        return (l, u, 1 - tails.cdf(l) - tails.survival(u))
    }
}
