import Foundation

/// The binomial distribution Bin(n, p): probabilities accurate to about 1e−15 relative for any n
/// that fits in an `Int`, and tail probabilities over the range where the mass lies.
///
/// Used by ``ConfidenceInterval/quantile(sorted:level:confidence:)`` to choose order statistics.
enum BinomialDistribution {
    /// P(B = k) for B ~ Bin(n, p), by Loader's saddle-point expansion (C. Loader, "Fast and
    /// Accurate Computation of Binomial Probabilities", 2000; the algorithm of R's `dbinom`):
    ///
    ///     P(B = k) = exp(δ(n) − δ(k) − δ(n − k) − D(k, np) − D(n − k, nq)) · √(n / (2π k (n − k)))
    ///
    /// for 0 < k < n, with q = 1 − p, δ the error of Stirling's formula (``stirlingError(_:)``)
    /// and D(x, m) = x ln(x/m) + m − x (``deviance(_:_:)``). Every term is O(1) whatever n, so
    /// there is no cancellation between huge log-gamma values (ln Γ(10⁷) ≈ 1.5e8 would lose
    /// eight digits). k = 0 and k = n are qⁿ and pⁿ, computed as exp(n·ln q) or exp(−D(n, nq) − np)
    /// (and symmetrically) so that small p loses nothing either.
    ///
    /// - Complexity: O(1): a handful of logarithms and one exponential.
    static func probability(_ k: Int, trials n: Int, success p: Double) -> Double {
        precondition(n >= 0 && p >= 0 && p <= 1)
        guard k >= 0 && k <= n else { return 0 }
        let q = 1 - p
        if p == 0 { return k == 0 ? 1 : 0 }
        if q == 0 { return k == n ? 1 : 0 }
        let nd = Double(n)
        if k == 0 {
            if n == 0 { return 1 }
            return exp(p < 0.1 ? -deviance(nd, nd * q) - nd * p : nd * log(q))
        }
        if k == n {
            return exp(q < 0.1 ? -deviance(nd, nd * p) - nd * q : nd * log(p))
        }
        let x = Double(k), y = Double(n - k)
        let lc = stirlingError(nd) - stirlingError(x) - stirlingError(y)
            - deviance(x, nd * p) - deviance(y, nd * q)
        let lf = log(2 * Double.pi) + log(x) + log1p(-x / nd)
        return exp(lc - 0.5 * lf)
    }

    /// δ(n) = ln Γ(n + 1) − (n + ½) ln n + n − ½ ln(2π), the error of Stirling's formula, for
    /// integer n ≥ 1: directly from `lgamma` for n ≤ 15 (absolute error ≈ 1e−15), else from its
    /// asymptotic series 1/(12n) − 1/(360n³) + 1/(1260n⁵) − 1/(1680n⁷) + 1/(1188n⁹), truncated as
    /// in Loader (2000) so that the error stays below 1e−16.
    static func stirlingError(_ n: Double) -> Double {
        if n <= 15 {
            return lgamma(n + 1) - (n + 0.5) * log(n) + n - 0.91893853320467274178
        }
        let s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188
        let nn = n * n
        if n > 500 { return (s0 - s1 / nn) / n }
        if n > 80 { return (s0 - (s1 - s2 / nn) / nn) / n }
        if n > 35 { return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n }
        return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n
    }

    /// D(x, m) = x ln(x/m) + m − x ≥ 0, the deviance term of Loader (2000). When x and m are
    /// within 10 % of each other it is summed as the series (x − m)v + 2x Σ_{j≥1} v^(2j+1)/(2j + 1)
    /// with v = (x − m)/(x + m) (from ln(x/m) = 2 artanh v), which avoids the cancellation of the
    /// direct formula.
    static func deviance(_ x: Double, _ m: Double) -> Double {
        if abs(x - m) < 0.1 * (x + m) {
            var v = (x - m) / (x + m)
            var s = (x - m) * v
            if abs(s) < Double.leastNormalMagnitude { return s }
            var ej = 2 * x * v
            v *= v
            for j in 1..<1000 {
                ej *= v
                let next = s + ej / Double(2 * j + 1)
                if next == s { return next }
                s = next
            }
            return s
        }
        return x * log(x / m) + m - x
    }
}

/// The tail probabilities of Bin(n, p) over the window of outcomes that carries its mass: every
/// outcome whose probability is at least 1e−30 times that of the mode. The mass outside the
/// window is below about 1e−29 and is treated as 0.
///
/// The probability of the mode comes from ``BinomialDistribution/probability(_:trials:success:)``;
/// its neighbours follow from the ratio P(k + 1)/P(k) = (n − k)p / ((k + 1)q), whose rounding
/// accumulates to about 1e−16 × (window width) relative — below 1e−11 even for n = 10⁷.
struct BinomialTails {
    /// The smallest outcome in the window.
    let first: Int
    /// F(first + i) = P(B ≤ first + i), summed from the left (no cancellation in the lower tail).
    private let lower: [Double]
    /// G(first + i) = P(B > first + i), summed from the right (no cancellation in the upper tail).
    private let upper: [Double]

    /// - Complexity: O(√(n p (1 − p)) + 1) time and memory (two arrays of the window's size): the
    ///   window spans about ±12 standard deviations around the mode.
    init(trials n: Int, success p: Double) {
        precondition(n >= 0 && p > 0 && p < 1)
        let q = 1 - p
        let mode = min(n, Int((Double(n) + 1) * p))
        let atMode = BinomialDistribution.probability(mode, trials: n, success: p)
        let cut = atMode * 1e-30
        // Down from the mode to the first outcome that still carries mass …
        var k = mode, v = atMode
        while k > 0 {
            let next = v * (Double(k) / Double(n - k + 1) * (q / p))
            if !(next >= cut) { break }
            k -= 1
            v = next
        }
        first = k
        // … then up through the mode to the last, storing the probabilities.
        var mass = [Double]()
        mass.reserveCapacity(2 * (mode - first) + 64)
        mass.append(v)
        while k < n {
            let next = v * (Double(n - k) / Double(k + 1) * (p / q))
            if k >= mode && !(next >= cut) { break }
            k += 1
            v = next
            mass.append(v)
        }
        // Tails: G from the right, then F in place from the left.
        var survival = [Double](repeating: 0, count: mass.count)
        var sum = 0.0
        for i in stride(from: mass.count - 1, through: 0, by: -1) {
            survival[i] = sum
            sum += mass[i]
        }
        sum = 0
        for i in 0..<mass.count {
            sum += mass[i]
            mass[i] = sum
        }
        lower = mass
        upper = survival
    }

    /// The largest outcome in the window.
    var last: Int { first + lower.count - 1 }

    /// F(k) = P(B ≤ k): 0 below the window, the window's total (1 up to rounding) above it.
    func cdf(_ k: Int) -> Double {
        if k < first { return 0 }
        return lower[min(k - first, lower.count - 1)]
    }

    /// G(k) = P(B > k) = 1 − F(k), without cancellation: 1 below the window, 0 above it.
    func survival(_ k: Int) -> Double {
        if k < first { return 1 }
        if k > last { return 0 }
        return upper[k - first]
    }
}
