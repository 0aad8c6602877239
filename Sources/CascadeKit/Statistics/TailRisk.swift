/// Value at risk and expected shortfall of a loss distribution at one level, from a Monte Carlo
/// sample, with their sampling uncertainty.
///
/// Losses are oriented so that larger is worse (a liquidated notional, a fund deficit).
public struct TailRisk: Sendable, Equatable {
    /// α, the level (e.g. 0.99): VaR_α is exceeded with probability about 1 − α.
    public var level: Double
    /// VaR_α, the α-quantile of the losses (type 7, as ``Quantiles/sorted(_:_:)``).
    public var valueAtRisk: Double
    /// Distribution-free confidence interval of VaR_α from order statistics
    /// (``ConfidenceInterval/quantile(sorted:level:confidence:)``).
    public var valueAtRiskInterval: Interval
    /// ES_α, the mean of the k = ⌈n(1 − α)⌉ largest losses (``tailCount``).
    public var expectedShortfall: Double
    /// s_k/√k, with s_k the sample standard deviation (k − 1 in the denominator) of the k largest
    /// losses; NaN when k < 2.
    public var expectedShortfallStandardError: Double
    /// k = ⌈n(1 − α)⌉, the number of losses averaged by ``expectedShortfall``.
    public var tailCount: Int

    /// The tail risk of an ascending sample of losses at level α.
    ///
    /// - VaR_α = Quantiles.sorted(losses, α): linear interpolation between order statistics
    ///   (Hyndman and Fan's type 7, like every quantile cascade reports).
    /// - ES_α = (1/k) Σ_{i=n−k+1}^{n} X₍ᵢ₎ with k = ⌈n(1 − α)⌉ (clamped to 1…n): the mean of the k
    ///   largest losses. This is the discrete (order-statistic) estimator of expected shortfall,
    ///   ES_α = (1/(1 − α)) ∫_α^1 VaR_u du, which is consistent for it and coherent
    ///   (C. Acerbi and D. Tasche, "On the coherence of expected shortfall", Journal of Banking and
    ///   Finance 26(7), 1487–1503, 2002; their estimator with ⌊n(1 − α)⌋ differs by one order
    ///   statistic at most, and by nothing when n(1 − α) is an integer). n(1 − α) within 1e−9
    ///   (relative) of an integer counts as that integer, so that 5 % of 100 losses is 5 losses
    ///   although 1 − 0.95 is not exactly 0.05 in binary.
    /// - The standard error of ES_α is s_k/√k, treating the k tail losses as an i.i.d. sample. It
    ///   ignores the randomness of the threshold (VaR_α) that selects them and so understates the
    ///   uncertainty: the estimator's asymptotic variance is
    ///   [Var(L | L > VaR_α) + α(ES_α − VaR_α)²] / (n(1 − α)) (Brazauskas, Jones, Puri and
    ///   Zitikis, Journal of Statistical Planning and Inference 138(11), 2008), of which s_k²/k
    ///   estimates the first term only. With infinite variance beyond VaR (a power-law tail with
    ///   exponent ≤ 3) no standard error is meaningful.
    /// - The VaR interval is ``ConfidenceInterval/quantile(sorted:level:confidence:)`` of the
    ///   losses at α: exact binomial order statistics, coverage ≥ `confidence`, or (minimum,
    ///   maximum) when the sample is too small.
    ///
    /// An empty sample gives NaN everywhere and tailCount = 0.
    ///
    /// - Parameters:
    ///   - sortedLosses: the losses in ascending order, no NaN.
    ///   - level: α in [0, 1].
    ///   - confidence: nominal coverage of the VaR interval, in (0, 1).
    /// - Complexity: O(k) for ES and its error (two passes over the tail), plus
    ///   O(√(n·α(1 − α)) + log n) for the VaR interval.
    public static func of(sortedLosses: [Double], level: Double, confidence: Double = 0.95) -> TailRisk {
        precondition(level >= 0 && level <= 1, "level \(level) is not in [0, 1]")
        assert(zip(sortedLosses, sortedLosses.dropFirst()).allSatisfy { $0 <= $1 }, "losses are not in ascending order")
        let n = sortedLosses.count
        guard n > 0 else {
            return TailRisk(level: level, valueAtRisk: .nan, valueAtRiskInterval: .undefined,
                            expectedShortfall: .nan, expectedShortfallStandardError: .nan, tailCount: 0)
        }
        let k = tailCount(sampleSize: n, level: level)
        let tail = sortedLosses[(n - k)...]
        var sum = 0.0
        for x in tail { sum += x }
        let es = sum / Double(k)
        var standardError = Double.nan
        if k >= 2 {
            var squares = 0.0
            for x in tail { squares += (x - es) * (x - es) }
            standardError = (squares / Double(k - 1)).squareRoot() / Double(k).squareRoot()
        }
        return TailRisk(
            level: level,
            valueAtRisk: Quantiles.sorted(sortedLosses, level),
            valueAtRiskInterval: ConfidenceInterval.quantile(sorted: sortedLosses, level: level, confidence: confidence),
            expectedShortfall: es,
            expectedShortfallStandardError: standardError,
            tailCount: k)
    }

    /// k = ⌈n(1 − α)⌉ clamped to 1…n, with n(1 − α) within 1e−9 (relative) of an integer taken as
    /// that integer.
    static func tailCount(sampleSize n: Int, level: Double) -> Int {
        let exact = Double(n) * (1 - level)
        let nearest = exact.rounded()
        let k = abs(exact - nearest) <= 1e-9 * max(1, exact) ? nearest : exact.rounded(.up)
        return min(n, max(1, Int(k)))
    }
}
