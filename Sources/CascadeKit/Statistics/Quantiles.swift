/// Exact sample quantiles.
public enum Quantiles {
    /// The `level`-quantile of ascending `sorted` values by linear interpolation between order
    /// statistics: with h = level·(n − 1), x_⌊h⌋ + (h − ⌊h⌋)(x_⌊h⌋+1 − x_⌊h⌋) (Hyndman and Fan's
    /// type 7, the default of R and NumPy). NaN for an empty sample.
    public static func sorted(_ sorted: some RandomAccessCollection<Double>, _ level: Double) -> Double {
        let n = sorted.count
        guard n > 0 else { return .nan }
        let h = level * Double(n - 1)
        let k = Int(h.rounded(.down))
        let base = sorted.startIndex
        let lower = sorted[sorted.index(base, offsetBy: k)]
        if k + 1 >= n { return lower }
        let upper = sorted[sorted.index(base, offsetBy: k + 1)]
        return lower + (h - Double(k)) * (upper - lower)
    }
}
