import Foundation

/// One axis of a chart: its scale, its domain (widened to round tick values) and its ticks.
struct ChartAxis {
    /// How data values map to positions along the axis.
    enum Scale {
        case linear, log

        /// Whether `value` can be placed on this scale: finite and within ±10³⁰⁰ on a linear
        /// scale, within 10⁻²⁵⁰ … 10²⁵⁰ on a log scale (so that spans and tick values stay finite).
        func plottable(_ value: Double) -> Bool {
            switch self {
            case .linear: value.isFinite && Swift.abs(value) <= 1e300
            case .log: value.isFinite && value >= 1e-250 && value <= 1e250
            }
        }
    }

    /// The smallest and largest of the plottable values added to it.
    struct Extent {
        private(set) var lower = Double.infinity
        private(set) var upper = -Double.infinity
        var isEmpty: Bool { lower > upper }

        mutating func add(_ value: Double) {
            lower = Swift.min(lower, value)
            upper = Swift.max(upper, value)
        }
    }

    let scale: Scale
    let format: AxisFormat
    /// The ends of the axis.
    let lower: Double, upper: Double
    /// Tick values, ascending, within `lower … upper`.
    let ticks: [Double]

    /// An axis covering `extent` (values the caller checked with `scale.plottable`), with
    /// 1-2-5 ticks on a linear scale and decade ticks on a log scale. The axis is widened to the
    /// ticks just outside the data, unless `tight` (linear scales only), which keeps the data's
    /// extent and the ticks inside it. An empty extent gives 0…1 (linear) or 1…10 (log); a single
    /// value is widened around it.
    init(extent: Extent, scale: Scale, format: AxisFormat = .compact, includeZero: Bool = false, tight: Bool = false) {
        self.scale = scale
        self.format = format
        var a = extent.isEmpty ? (scale == .log ? 1 : 0) : extent.lower
        var b = extent.isEmpty ? (scale == .log ? 10 : 1) : extent.upper
        switch scale {
        case .linear:
            // A span too small to divide by (a single value, or values differing by less than
            // 10⁻¹² relative or 10⁻³⁰⁰ absolute, e.g. subnormal numbers) is widened around its
            // middle, so that positions and ticks stay finite.
            if !(b - a > 1e-300 && b - a > 1e-12 * Swift.max(Swift.abs(a), Swift.abs(b))) {
                let m = a + (b - a) / 2
                let d = Swift.max(Swift.abs(m) * 0.1, 1e-300)
                (a, b) = Swift.abs(m) < 1e-290 ? (0, 1) : (m - d, m + d)
            }
            if includeZero { (a, b) = (Swift.min(a, 0), Swift.max(b, 0)) }
            let ticks = Self.niceTicks(a, b)
            if tight {
                let slack = (b - a) * 1e-9
                (lower, upper, self.ticks) = (a, b, ticks.filter { $0 >= a - slack && $0 <= b + slack })
            } else {
                (lower, upper, self.ticks) = (ticks[0], ticks[ticks.count - 1], ticks)
            }
        case .log:
            ticks = Self.decadeTicks(a, b)
            (lower, upper) = (ticks[0], ticks[ticks.count - 1])
        }
    }

    /// Where `value` lies along the axis: 0 at the lower end of the domain, 1 at the upper end.
    func fraction(_ value: Double) -> Double {
        switch scale {
        case .linear: (value - lower) / (upper - lower)
        case .log: (log10(value) - log10(lower)) / (log10(upper) - log10(lower))
        }
    }

    /// The label of a tick.
    func label(_ value: Double) -> String { format.label(value) }

    /// Ticks at whole multiples of the smallest step 1, 2 or 5 × 10ᵏ that spans `a … b` in at most
    /// `maxIntervals` intervals; the first tick is at or below `a`, the last at or above `b`.
    /// Ticks are computed as integer × 10ᵏ (or integer / 10⁻ᵏ), so 0.6 is the double nearest 0.6,
    /// not 3 × 0.2. Requires finite `a < b` with a finite span.
    static func niceTicks(_ a: Double, _ b: Double, maxIntervals: Int = 7) -> [Double] {
        guard a < b, (b - a).isFinite else { return [a, b] }
        let start = Int(log10((b - a) / Double(maxIntervals)).rounded(.down))
        for exponent in start...(start + 2) {
            for mantissa in [1.0, 2, 5] {
                let step = mantissa * power10(exponent)
                let first = (a / step + 1e-9).rounded(.down), last = (b / step - 1e-9).rounded(.up)
                guard last - first <= Double(maxIntervals) else { continue }
                return stride(from: first, through: last, by: 1).map { k in
                    exponent >= 0 ? k * mantissa * power10(exponent) : k * mantissa / power10(-exponent)
                }
            }
        }
        return [a, b]
    }

    /// Ticks at powers of ten from the one at or below `a` to the one at or above `b` (at least one
    /// decade; every second, third, … decade when they would be more than ten). Requires
    /// 0 < `a` ≤ `b`.
    static func decadeTicks(_ a: Double, _ b: Double) -> [Double] {
        var low = Int(log10(a).rounded(.down)), high = Int(log10(b).rounded(.up))
        // log10 of a value near a power of ten may be off by one ulp: correct against exact powers.
        if power10(low + 1) <= a { low += 1 }
        if power10(low) > a { low -= 1 }
        if power10(high - 1) >= b { high -= 1 }
        if power10(high) < b { high += 1 }
        if low == high { (low, high) = (low - 1, high + 1) }
        let step = (high - low + 9) / 10
        high = low + step * ((high - low + step - 1) / step)
        return stride(from: low, through: high, by: step).map(power10)
    }

    /// 10ᵏ: exact for |k| ≤ 22 (10⁻ᵏ as the correctly rounded quotient 1 / 10ᵏ).
    static func power10(_ k: Int) -> Double {
        if Swift.abs(k) > 22 { return pow(10, Double(k)) }
        var p = 1.0
        for _ in 0..<Swift.abs(k) { p *= 10 }
        return k >= 0 ? p : 1 / p
    }
}
