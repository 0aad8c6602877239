import Foundation

/// Numbers written for people (report pages, the terminal): `$2.08B`, `97,150`, `1.6%`, `×1.42`,
/// `3h 20m`. The CSVs keep every digit; a page puts the exact value beside the readable one (in
/// `title` and `data-value`).
public enum ReadableNumber: Sendable, Hashable {
    /// US dollars: three significant digits with a suffix from thousands on (`$2.08B`, `$975M`,
    /// `$12.4k`), cents below a thousand (`$512.30`).
    case money
    /// A count or other whole quantity: digits grouped by thousands (`97,150`); one decimal
    /// when it is a mean (`3.4`).
    case count
    /// A price: grouped whole units from 1,000 on (`97,150`), two decimals from 1 (`1.25`),
    /// four significant digits below (`0.04321`).
    case price
    /// A fraction as a percentage: one decimal from 1% (`1.6%`, `23.7%`), two significant
    /// digits below (`0.042%`), `0%` for zero.
    case percent
    /// A multiplier: `×1.42`.
    case ratio
    /// A duration in seconds: `45s`, `12m 30s`, `3h 20m`, `2d 4h`.
    case duration
    /// Anything else: four significant digits (`0.1234`, `1.235e+06`).
    case plain

    /// `value` written this way; `–` for NaN, `∞`/`−∞` for infinities.
    public func text(_ value: Double) -> String {
        if value.isNaN { return "–" }
        if value.isInfinite { return value > 0 ? "∞" : "−∞" }
        let sign = value < 0 ? "−" : ""
        let a = abs(value)
        switch self {
        case .money:
            for (unit, suffix) in [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")] where a >= unit * 0.9995 {
                return sign + "$" + Self.significant(a, 3, unit: unit) + suffix
            }
            return sign + "$" + String(format: "%.2f", a)
        case .count:
            if a == a.rounded() { return sign + Self.grouped(a) }
            return sign + (a >= 1_000 ? Self.grouped(a.rounded()) : String(format: "%.1f", a))
        case .price:
            if a >= 1_000 { return sign + Self.grouped(a.rounded()) }
            if a >= 1 { return sign + String(format: "%.2f", a) }
            return sign + (a == 0 ? "0" : Self.significant(a, 4))
        case .percent:
            let p = a * 100
            if p == 0 { return "0%" }
            return sign + (p >= 1 ? String(format: "%.1f", p) : Self.significant(p, 2)) + "%"
        case .ratio:
            return sign + "×" + String(format: a >= 100 ? "%.0f" : "%.2f", a)
        case .duration:
            let s = Int(a.rounded())
            let (d, h, m, sec) = (s / 86_400, s % 86_400 / 3_600, s % 3_600 / 60, s % 60)
            let text = d > 0 ? "\(d)d \(h)h" : h > 0 ? "\(h)h \(m)m" : m > 0 ? (sec > 0 ? "\(m)m \(sec)s" : "\(m)m") : "\(sec)s"
            return sign + text
        case .plain:
            return String(format: "%.4g", value)
        }
    }

    /// `x / unit` (x ≥ 0) to `digits` significant digits, without an exponent (`2.08`, `975`,
    /// `0.042`). Rounded half away from zero on `x` itself, divided by `unit / 10^decimals` (exact
    /// for the units used), so 2,075,000,000 in billions is 2.08, not the 2.07 that rounding the
    /// binary 2.0749999… would give.
    static func significant(_ x: Double, _ digits: Int, unit: Double = 1) -> String {
        if x == 0 { return "0" }
        let scaled = x / unit
        let magnitude = Int(floor(log10(scaled)))
        var decimals = max(0, digits - 1 - magnitude)
        func rounded(_ d: Int) -> Double { (x / (unit / pow(10, Double(d)))).rounded(.toNearestOrAwayFromZero) / pow(10, Double(d)) }
        // Rounding may carry into another digit (9.996 → 10.0): write one decimal fewer.
        if decimals > 0, Int(floor(log10(rounded(decimals)))) > magnitude { decimals -= 1 }
        return String(format: "%.\(decimals)f", rounded(decimals))
    }

    /// A whole number with its digits grouped by thousands with commas.
    static func grouped(_ x: Double) -> String {
        let digits = String(format: "%.0f", x)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return out
    }
}

extension PathMetric {
    /// How this metric is written for people (``ReadableNumber``).
    public var readable: ReadableNumber {
        switch self {
        case .liquidatedNotional, .liquidatedLongNotionalAtEntry, .liquidatedShortNotionalAtEntry, .liquidatedLongNotionalExecuted,
             .liquidatedShortNotionalExecuted, .marginLost, .counterpartyGains, .fundReceipts, .liquidationFees, .insuranceFundEnd,
             .insuranceFundMin, .badDebt, .adlNotional, .adlCoveredDeficit, .largestCascadeNotional, .twinLiquidatedNotional,
             .twinBadDebt, .crossLiquidatedNotional, .contagionNotional, .fundingPaid, .fundingReceived, .adlOvershoot,
             .adlWinnersHaircut, .adlHaircutPerWinner, .disposalPendingMax, .disposalPnL, .vaultPnL, .vaultMin:
            return .money
        case .minTradedPrice, .finalTradedPrice, .finalFundamentalPrice:
            return .price
        case .maxDrawdownTraded, .maxDrawdownFundamental, .impactTriggeredShare, .contagionShare, .adlTopShare, .minDepthShare,
             .maxOvershoot, .vaultExhausted:
            return .percent
        case .amplification:
            return .ratio
        case .firstLiquidationTime, .disposalLastHeld:
            return .duration
        case .liquidations, .maxCascadeRounds, .roundCapHits, .priceLimitHits, .partialLiquidations, .adlCount, .cascadeEvents,
             .longestCascadeSteps, .crossLiquidations, .accountChecks, .adlEligibleWinners:
            return .count
        case .adlGini:
            return .plain
        }
    }
}
