import Foundation

/// Range checks of a decoded ``ScenarioFile``: every value out of its allowed range becomes one
/// ``ScenarioIssue`` naming the key path, the value and what is allowed. All issues are
/// collected, not only the first.
public enum ScenarioValidator {
    /// The issues of `scenario`; empty when it is valid. Positions files are checked by
    /// ``ScenarioLoader`` (they need the file system).
    public static func issues(in scenario: ScenarioFile) -> [ScenarioIssue] {
        var v = Collector()
        v.require(!scenario.name.trimmingCharacters(in: .whitespaces).isEmpty, "name", "must not be empty")

        // simulation
        let sim = scenario.simulation
        v.require(sim.paths >= 1, "simulation.paths", "\(sim.paths) is out of range; expected ≥ 1")
        v.require(sim.step.seconds > 0, "simulation.step", "\(sim.step) must be longer than 0s")
        v.require(sim.horizon.seconds > 0, "simulation.horizon", "\(sim.horizon) must be longer than 0s")
        if sim.step.seconds > 0 && sim.horizon.seconds > 0 {
            if sim.step.seconds > sim.horizon.seconds {
                v.add("simulation.step", "\(sim.step) is longer than the horizon \(sim.horizon); expected a step ≤ horizon")
            } else if stepCount(horizon: sim.horizon, step: sim.step) == nil {
                v.add("simulation.horizon", "\(sim.horizon) is not a whole number of steps of \(sim.step); expected a multiple of the step")
            }
        }
        v.require(sim.maxCascadeRounds >= 1, "simulation.maxCascadeRounds", "\(sim.maxCascadeRounds) is out of range; expected ≥ 1")

        // market
        let assets = scenario.market.assets
        if assets.count != 1 {
            v.add("market.assets", "has \(assets.count) assets; expected exactly 1 (several correlated assets come with a later release)")
        }
        for (i, asset) in assets.enumerated() {
            let base = "market.assets[\(i)]"
            v.require(!asset.symbol.isEmpty, "\(base).symbol", "must not be empty")
            v.positive(asset.price, "\(base).price")
            let model = asset.model
            v.require(PriceModelSection.types.contains(model.type), "\(base).model.type",
                      "'\(model.type)' is not a known model; expected one of: \(PriceModelSection.types.joined(separator: ", "))")
            v.nonNegative(model.volatility, "\(base).model.volatility")
            v.finite(model.drift, "\(base).model.drift")
            if let jumps = model.jumps {
                v.nonNegative(jumps.intensity, "\(base).model.jumps.intensity")
                v.finite(jumps.mean, "\(base).model.jumps.mean")
                v.nonNegative(jumps.stdev, "\(base).model.jumps.stdev")
                let perStep = jumps.intensity * sim.step.seconds / (365 * 86_400)
                if jumps.intensity.isFinite && perStep > 50 {
                    v.add("\(base).model.jumps.intensity", "\(format(jumps.intensity)) per year is \(format(perStep)) expected jumps per step; expected at most 50 per step")
                }
            }
        }

        // exchange
        let ex = scenario.exchange
        v.inRange(ex.maintenanceMarginRate, "exchange.maintenanceMarginRate", lower: 0, upper: 1, upperOpen: true)
        v.inRange(ex.liquidationFee, "exchange.liquidationFee", lower: 0, upper: 1, upperOpen: true)
        v.nonNegative(ex.insuranceFund, "exchange.insuranceFund")
        let maximumLeverage = FlatMarginRule(maintenanceMarginRate: ex.maintenanceMarginRate).maximumLeverage

        // positions
        let pos = scenario.positions
        if pos.synthetic == nil && pos.file == nil {
            v.add("positions", "has neither 'synthetic' nor 'file'; expected at least one of them")
        }
        if let s = pos.synthetic {
            let base = "positions.synthetic"
            v.require(s.count >= 1, "\(base).count", "\(s.count) is out of range; expected ≥ 1")
            v.positive(s.openInterest, "\(base).openInterest")
            v.inRange(s.longShare, "\(base).longShare", lower: 0, upper: 1)
            if s.count == 1 && s.longShare > 0 && s.longShare < 1 {
                v.add("\(base).count", "1 position cannot hold both a long share of \(format(s.longShare)) and a short share; expected count ≥ 2 or longShare 0 or 1")
            }
            v.nonNegative(s.entrySpread, "\(base).entrySpread")
            v.nonNegative(s.size.sigma, "\(base).size.sigma")
            if s.leverageMix.isEmpty {
                v.add("\(base).leverageMix", "is empty; expected at least one 'leverage: weight' entry")
            }
            var total = 0.0
            for (key, weight) in s.leverageMix.sorted(by: { $0.key < $1.key }) {
                let location = "\(base).leverageMix.\(key)"
                if let leverage = Double(key), leverage.isFinite {
                    if leverage < 1 || leverage >= maximumLeverage {
                        v.add(location, "leverage \(key) is out of range; expected ≥ 1 and < \(format(maximumLeverage)) (1 / exchange.maintenanceMarginRate: above it a position opens below maintenance margin)")
                    }
                } else {
                    v.add(location, "'\(key)' is not a leverage; expected a number ≥ 1 as the key")
                }
                if !weight.isFinite || weight < 0 {
                    v.add(location, "weight \(format(weight)) is out of range; expected a number ≥ 0")
                } else {
                    total += weight
                }
            }
            if !s.leverageMix.isEmpty && abs(total - 1) > 1e-6 {
                v.add("\(base).leverageMix", "weights add up to \(format(total)); expected them to add up to 1")
            }
        }
        if let file = pos.file, file.isEmpty {
            v.add("positions.file", "must not be empty; expected the path of a CSV file relative to the scenario")
        }

        // impact
        let im = scenario.impact
        let shapes = ImpactModel.Shape.allCases.map(\.rawValue)
        v.require(shapes.contains(im.model), "impact.model", "'\(im.model)' is not a known impact model; expected one of: \(shapes.joined(separator: ", "))")
        v.positive(im.depth, "impact.depth")
        v.nonNegative(im.coefficient, "impact.coefficient")

        // report
        let rep = scenario.report
        for (i, name) in rep.outputs.enumerated() where !ReportSection.outputNames.contains(name) {
            v.add("report.outputs[\(i)]", "'\(name)' is not a report; expected one of: \(ReportSection.outputNames.joined(separator: ", "))")
        }
        for (i, q) in rep.quantiles.enumerated() {
            v.inRange(q, "report.quantiles[\(i)]", lower: 0, upper: 1)
        }
        if let interval = rep.timeseriesInterval, sim.step.seconds > 0 {
            if interval.seconds <= 0 || interval.seconds > sim.horizon.seconds {
                v.add("report.timeseriesInterval", "\(interval) is out of range; expected > 0s and ≤ the horizon \(sim.horizon)")
            } else if stepCount(horizon: interval, step: sim.step) == nil {
                v.add("report.timeseriesInterval", "\(interval) is not a whole number of steps of \(sim.step); expected a multiple of the step")
            }
        }
        v.inRange(rep.timeseriesAccuracy, "report.timeseriesAccuracy", lower: 1e-5, upper: 0.1)
        return v.issues
    }

    /// horizon / step when it is a whole number (to 1e-9 relative), else nil.
    public static func stepCount(horizon: TimeSpan, step: TimeSpan) -> Int? {
        let ratio = horizon.seconds / step.seconds
        let whole = ratio.rounded()
        guard whole >= 1, abs(ratio - whole) <= 1e-9 * whole, whole < Double(Int32.max) else { return nil }
        return Int(whole)
    }

    /// A number as a user would write it: `0.005`, `60000`, `8000000000`.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? ".inf" : "-.inf" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    struct Collector {
        var issues: [ScenarioIssue] = []

        mutating func add(_ location: String, _ message: String) {
            issues.append(ScenarioIssue(location, message))
        }

        mutating func require(_ condition: Bool, _ location: String, _ message: @autoclosure () -> String) {
            if !condition { add(location, message()) }
        }

        mutating func finite(_ value: Double, _ location: String) {
            require(value.isFinite, location, "\(format(value)) is not a finite number")
        }

        mutating func positive(_ value: Double, _ location: String) {
            if !value.isFinite { finite(value, location) }
            else { require(value > 0, location, "\(format(value)) is out of range; expected > 0") }
        }

        mutating func nonNegative(_ value: Double, _ location: String) {
            if !value.isFinite { finite(value, location) }
            else { require(value >= 0, location, "\(format(value)) is negative; expected ≥ 0") }
        }

        mutating func inRange(_ value: Double, _ location: String, lower: Double, upper: Double, upperOpen: Bool = false) {
            if !value.isFinite { finite(value, location); return }
            let ok = value >= lower && (upperOpen ? value < upper : value <= upper)
            require(ok, location, "\(format(value)) is out of range; expected ≥ \(format(lower)) and \(upperOpen ? "<" : "≤") \(format(upper))")
        }
    }
}
