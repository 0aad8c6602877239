/// `mechanisms:` — the liquidation-mechanism lab (docs/model.md, "Mechanism lab"): policies that
/// replace the venue's own, and the per-path metrics that compare them. Its presence alone adds
/// the lab's columns to paths.csv; without it runs are as they always were.
public struct MechanismsSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    public var adl: ADLSection?
    public var liquidity: LiquiditySection?
    public var disposal: DisposalSection?
    /// `mechanisms.backstop.capital`: the backstop vault's capital per path (USD, ≥ 0).
    public var backstop: BackstopSection?

    enum CodingKeys: String, CodingKey, CaseIterable { case adl, disposal, backstop, liquidity }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        adl = try c.optional(ADLSection.self, forKey: .adl)
        liquidity = try c.optional(LiquiditySection.self, forKey: .liquidity)
        disposal = try c.optional(DisposalSection.self, forKey: .disposal)
        backstop = try c.optional(BackstopSection.self, forKey: .backstop)
    }
}

/// `mechanisms.backstop:` — a vault with its own `capital` (USD per path) that takes every
/// liquidation's receipt and the engine's unwind P&L before the insurance fund; what it cannot
/// pay passes to the fund, then to auto-deleveraging, then to bad debt.
public struct BackstopSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    public var capital: Double

    enum CodingKeys: String, CodingKey, CaseIterable { case capital }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        capital = try c.value(Double.self, forKey: .capital)
    }

    func issues(separateFunds: Bool, into v: inout ScenarioValidator.Collector) {
        if !(capital.isFinite && capital >= 0 && capital <= 1e15) {
            v.add("mechanisms.backstop.capital", "\(ScenarioValidator.format(capital)) is out of range; expected USD ≥ 0 and ≤ 1e15")
        }
        if separateFunds {
            v.add("mechanisms.backstop", "one vault in front of one fund per asset is not modelled; expected exchange.insuranceFund as one number with a backstop")
        }
    }
}

/// `mechanisms.disposal:` — ``DisposalRule``: `style` immediate (default), depth-fraction (with
/// `fraction` of the depth per step, > 0) or time-sliced (with `window`, a duration ≥ the step).
public struct DisposalSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    public var style: String
    public var fraction: Double?
    public var window: TimeSpan?

    enum CodingKeys: String, CodingKey, CaseIterable { case style, fraction, window }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        style = try c.value(String.self, forKey: .style)
        fraction = try c.optional(Double.self, forKey: .fraction)
        window = try c.optional(TimeSpan.self, forKey: .window)
    }

    /// The rule of a validated section.
    var rule: DisposalRule {
        switch style {
        case "depth-fraction": .depthFraction(fraction!)
        case "time-sliced": .timeSliced(window: window!.seconds)
        default: .immediate
        }
    }

    func issues(stepSeconds: Double, inverse: Bool, into v: inout ScenarioValidator.Collector) {
        let base = "mechanisms.disposal"
        let styles = ["immediate", "depth-fraction", "time-sliced"]
        guard styles.contains(style) else {
            v.add("\(base).style", "\(ErrorText.quoted(style)) is not allowed; expected immediate, depth-fraction or time-sliced")
            return
        }
        if inverse && style != "immediate" {
            v.add("\(base).style", "deferred disposal is modelled for linear contracts only; expected immediate with an inverse contract")
        }
        if let fraction {
            if style != "depth-fraction" {
                v.add("\(base).fraction", "applies only to style: depth-fraction")
            } else if !(fraction.isFinite && fraction > 0 && fraction <= 1e6) {
                v.add("\(base).fraction", "\(ScenarioValidator.format(fraction)) is out of range; expected a fraction of the depth per step > 0 and ≤ 1000000")
            }
        } else if style == "depth-fraction" {
            v.add("\(base).fraction", "is missing; depth-fraction needs the fraction of the depth the engine may send per step, > 0")
        }
        if let window {
            if style != "time-sliced" {
                v.add("\(base).window", "applies only to style: time-sliced")
            } else if !(window.seconds >= stepSeconds && window.seconds <= ModelLimits.horizonSeconds) {
                v.add("\(base).window", "\(window) is out of range; expected at least one step (simulation.step) and at most 36500d")
            }
        } else if style == "time-sliced" {
            v.add("\(base).window", "is missing; time-sliced needs the window over which a forced order is sent, at least one step")
        }
    }
}

/// `mechanisms.liquidity:` — ``LiquidityWithdrawal``, for every asset: `normalVolatility`
/// (annualised, required), `floor` (default 0.05), `volatilitySensitivity` (0.3),
/// `drawdownSensitivity` (1), `volatilityWindow` (15m), `recoveryHalfLife` (10m). The defaults
/// are the estimates of docs/model.md, "Liquidity withdrawal".
public struct LiquiditySection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    public var normalVolatility: Double
    public var floor: Double?
    public var volatilitySensitivity: Double?
    public var drawdownSensitivity: Double?
    public var volatilityWindow: TimeSpan?
    public var recoveryHalfLife: TimeSpan?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case normalVolatility, floor, volatilitySensitivity, drawdownSensitivity, volatilityWindow, recoveryHalfLife
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        normalVolatility = try c.value(Double.self, forKey: .normalVolatility)
        floor = try c.optional(Double.self, forKey: .floor)
        volatilitySensitivity = try c.optional(Double.self, forKey: .volatilitySensitivity)
        drawdownSensitivity = try c.optional(Double.self, forKey: .drawdownSensitivity)
        volatilityWindow = try c.optional(TimeSpan.self, forKey: .volatilityWindow)
        recoveryHalfLife = try c.optional(TimeSpan.self, forKey: .recoveryHalfLife)
    }

    /// The withdrawal of a validated section.
    var withdrawal: LiquidityWithdrawal {
        LiquidityWithdrawal(floor: floor ?? 0.05, volatilitySensitivity: volatilitySensitivity ?? 0.3,
                            drawdownSensitivity: drawdownSensitivity ?? 1, normalVolatility: normalVolatility,
                            volatilityWindow: volatilityWindow?.seconds ?? 900, recoveryHalfLife: recoveryHalfLife?.seconds ?? 600)
    }

    func issues(into v: inout ScenarioValidator.Collector) {
        let base = "mechanisms.liquidity"
        func fmt(_ x: Double) -> String { ScenarioValidator.format(x) }
        if !(normalVolatility.isFinite && normalVolatility > 0 && normalVolatility <= 100) {
            v.add("\(base).normalVolatility", "\(fmt(normalVolatility)) is out of range; expected an annualised volatility > 0 and ≤ 100")
        }
        if let floor, !(floor > 0 && floor <= 1) {
            v.add("\(base).floor", "\(fmt(floor)) is out of range; expected a fraction of the depth > 0 and ≤ 1")
        }
        for (key, value) in [("volatilitySensitivity", volatilitySensitivity), ("drawdownSensitivity", drawdownSensitivity)] {
            if let value, !(value.isFinite && value >= 0 && value <= 1000) {
                v.add("\(base).\(key)", "\(fmt(value)) is out of range; expected ≥ 0 and ≤ 1000")
            }
        }
        for (key, span) in [("volatilityWindow", volatilityWindow), ("recoveryHalfLife", recoveryHalfLife)] {
            if let span, !(span.seconds > 0) { v.add("\(base).\(key)", "\(span) must be longer than 0s") }
        }
    }
}

/// `mechanisms.adl:` — ``ADLPolicy``: `allocation` (queue, capped-queue, pro-rata,
/// risk-weighted), `weight` for risk-weighted (leverage or pnl-percent), `cap` for the capped
/// queue, and `severity` (shortfall or position).
public struct ADLSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    public var allocation: String?
    public var weight: String?
    public var cap: Double?
    public var severity: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case allocation, weight, cap, severity }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        allocation = try c.optional(String.self, forKey: .allocation)
        weight = try c.optional(String.self, forKey: .weight)
        cap = try c.optional(Double.self, forKey: .cap)
        severity = try c.optional(String.self, forKey: .severity)
    }

    static let allocations = ["queue", "capped-queue", "pro-rata", "risk-weighted"]
    static let weights = ["leverage": ProRataAllocation.Weighting.leverage, "pnl-percent": .pnlPercent]

    /// The policy of a validated section.
    var policy: ADLPolicy {
        var policy = ADLPolicy()
        switch allocation ?? "queue" {
        case "capped-queue": policy.allocation = .cappedQueue(cap: cap!)
        case "pro-rata": policy.allocation = .proRata(.quantity)
        case "risk-weighted": policy.allocation = .proRata(Self.weights[weight ?? "leverage"]!)
        default: policy.allocation = .queue
        }
        policy.severity = severity.flatMap(ADLPolicy.Severity.init(rawValue:)) ?? .shortfall
        return policy
    }

    /// The problems of the section, for a scenario whose venue deleverages or not.
    func issues(venueDeleverages: Bool, into v: inout ScenarioValidator.Collector) {
        let base = "mechanisms.adl"
        if !venueDeleverages {
            v.add(base, "applies only where the venue auto-deleverages; expected exchange.preset of a venue with ADL (binance-usdm, bybit, okx, bitmex, hyperliquid, dydx-v4) and exchange.autoDeleveraging not false")
        }
        let name = allocation ?? "queue"
        if !Self.allocations.contains(name) {
            v.add("\(base).allocation", "\(ErrorText.quoted(name)) is not allowed; expected one of \(Self.allocations.joined(separator: ", "))")
        }
        if let weight {
            if name != "risk-weighted" {
                v.add("\(base).weight", "applies only to allocation: risk-weighted")
            } else if Self.weights[weight] == nil {
                v.add("\(base).weight", "\(ErrorText.quoted(weight)) is not allowed; expected leverage or pnl-percent")
            }
        }
        if let cap {
            if name != "capped-queue" {
                v.add("\(base).cap", "applies only to allocation: capped-queue")
            } else if !(cap > 0 && cap <= 1) {
                v.add("\(base).cap", "\(ScenarioValidator.format(cap)) is out of range; expected a fraction > 0 and ≤ 1")
            }
        } else if name == "capped-queue" {
            v.add("\(base).cap", "is missing; capped-queue needs the largest fraction of a position one deleveraging takes, > 0 and ≤ 1")
        }
        if let severity, ADLPolicy.Severity(rawValue: severity) == nil {
            v.add("\(base).severity", "\(ErrorText.quoted(severity)) is not allowed; expected shortfall or position")
        }
    }
}
