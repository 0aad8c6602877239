import Foundation

/// How the tick labels of a chart axis (or a heatmap's colour bar) are written.
public enum AxisFormat: Sendable, Hashable {
    /// Compact numbers with a thousands suffix: 950, 1.2k, 3.4M, 5B, 2T; below 0.001 and from
    /// 10¹⁵ on, a mantissa and a power of ten (`2e-6`, `1e15`). For money, counts and prices.
    case compact
    /// Fractions as percentages: 0.05 → `5%`, 0.125 → `12.5%`.
    case percent

    /// The label of `value`; empty for NaN or ±∞.
    func label(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        switch self {
        case .compact: return Self.compact(value)
        case .percent: return Self.compact(value * 100) + "%"
        }
    }

    private static func compact(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = Swift.abs(value)
        if magnitude < 1e-3 || magnitude >= 1e15 {
            var exponent = Int(log10(magnitude).rounded(.down))
            var mantissa = value / ChartAxis.power10(exponent)
            if Swift.abs(mantissa) >= 9.9995 { exponent += 1; mantissa /= 10 }
            if Swift.abs(mantissa) < 1 { exponent -= 1; mantissa *= 10 }
            return decimal(mantissa) + "e" + String(exponent)
        }
        for (unit, suffix) in [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")] where magnitude >= unit {
            return decimal(value / unit) + suffix
        }
        return decimal(value)
    }

    /// `value` with the fewest decimals (at most three) that keep it, written like CSV numbers.
    private static func decimal(_ value: Double) -> String {
        var rounded = value
        for digits in 0...3 {
            let scale = ChartAxis.power10(digits)
            rounded = (value * scale).rounded() / scale
            if Swift.abs(rounded - value) <= 1e-9 * Swift.max(1, Swift.abs(value)) { break }
        }
        return CSVFormat.number(rounded)
    }
}
