import Foundation

/// Range checks of a decoded ``ScenarioFile``: every value out of its allowed range becomes one
/// ``ScenarioIssue`` naming the key path, the value and what is allowed. All issues are
/// collected, not only the first.
public enum ScenarioValidator {
    /// The issues of `scenario`; empty when it is valid. Positions files are checked by
    /// ``ScenarioLoader`` (they need the file system).
    public static func issues(in scenario: ScenarioFile) -> [ScenarioIssue] {
        var v = Collector()
        v.require(!isBlank(scenario.name), "name", "is empty or only whitespace; expected a name with a visible character")

        // simulation
        let sim = scenario.simulation
        v.require(sim.paths >= 1, "simulation.paths", "\(sim.paths) is out of range; expected ≥ 1")
        v.require(sim.step.seconds > 0, "simulation.step", "\(sim.step) must be longer than 0s")
        v.require(sim.horizon.seconds > 0, "simulation.horizon", "\(sim.horizon) must be longer than 0s")
        v.require(sim.horizon.seconds <= ModelLimits.horizonSeconds, "simulation.horizon",
                  "\(sim.horizon) is out of range; expected at most 36500d (100 years)\(Self.limitNote)")
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
        if assets.isEmpty {
            v.add("market.assets", "is empty; expected at least one asset")
        }
        var seenSymbols = Set<String>()
        for (i, asset) in assets.enumerated() {
            let base = "market.assets[\(i)]"
            if let problem = symbolProblem(asset.symbol) { v.add("\(base).symbol", problem) }
            if !seenSymbols.insert(asset.symbol).inserted {
                v.add("\(base).symbol", "'\(asset.symbol)' names another asset too; expected unique symbols")
            }
            v.price(asset.price, "\(base).price")
            modelIssues(asset.model, base: "\(base).model", simulation: sim, into: &v)
            for (j, shock) in asset.shocks.enumerated() {
                shockIssues(shock, base: "\(base).shocks[\(j)]", simulation: sim, into: &v)
            }
            if asset.impact == nil && scenario.impact == nil {
                v.add("\(base).impact", "missing; expected the asset's own impact or a top-level impact")
            }
            if let impact = asset.impact { impactIssues(impact, base: "\(base).impact", into: &v) }
        }
        correlationIssues(scenario.market.correlation, assets: assets.count, into: &v)

        // exchange
        let ex = scenario.exchange
        if let preset = ex.preset, VenuePreset.named(preset) == nil {
            v.add("exchange.preset", "'\(preset)' is not a venue preset; expected one of: \(VenuePreset.names.joined(separator: ", "))")
        }
        if let rate = ex.maintenanceMarginRate {
            v.inRange(rate, "exchange.maintenanceMarginRate", lower: 0, upper: 1, upperOpen: true)
        } else if ex.preset == nil {
            v.add("exchange.maintenanceMarginRate", "missing; expected a flat maintenance rate, or a venue preset (exchange.preset)")
        }
        if let fee = ex.liquidationFee {
            v.inRange(fee, "exchange.liquidationFee", lower: 0, upper: 1, upperOpen: true)
        } else if ex.preset == nil {
            v.add("exchange.liquidationFee", "missing; expected the clearance fee rate, or a venue preset (exchange.preset)")
        }
        switch ex.insuranceFund {
        case let .shared(amount):
            v.nonNegative(amount, "exchange.insuranceFund", atMost: ModelLimits.money)
        case let .perAsset(funds):
            let symbols = scenario.market.assets.map(\.symbol)
            for fund in funds {
                let key = "exchange.insuranceFund.\(ErrorText.clipped(fund.symbol))"
                if symbols.contains(fund.symbol) {
                    v.nonNegative(fund.amount, key, atMost: ModelLimits.money)
                } else {
                    v.add(key, "'\(ErrorText.clipped(fund.symbol))' is not an asset of market.assets; expected one fund per asset, keyed by its symbol (\(symbols.joined(separator: ", ")))")
                }
            }
            for symbol in symbols where !funds.contains(where: { $0.symbol == symbol }) {
                v.add("exchange.insuranceFund", "has no fund for asset '\(symbol)'; expected a fund for every asset (\(symbols.joined(separator: ", "))), or one number for a fund they share")
            }
            v.nonNegative(ex.insuranceFund.total, "exchange.insuranceFund (the sum of the funds)", atMost: ModelLimits.money)
        }
        if let mark = ex.markPrice {
            if !["last", "index"].contains(mark.type) {
                v.add("exchange.markPrice.type", "'\(mark.type)' is not allowed; expected last or index")
            } else if mark.type == "last" && mark.window != nil {
                v.add("exchange.markPrice.window", "applies only to type: index")
            }
        }
        if ex.preset == nil {
            if ex.partialLiquidation == true { v.add("exchange.partialLiquidation", "true needs a venue preset whose rule to use; expected exchange.preset") }
            if ex.autoDeleveraging == true { v.add("exchange.autoDeleveraging", "true needs a venue preset whose ranking to use; expected exchange.preset") }
        }
        for (i, asset) in scenario.market.assets.enumerated() {
            let inverse = ScenarioLoader.inverseContract(exchange: ex, asset: asset)
            if let contract = asset.contract, ContractType(rawValue: contract) == nil {
                v.add("market.assets[\(i)].contract", "\(ErrorText.quoted(contract)) is not a contract type; expected linear or inverse")
            } else if asset.contract == ContractType.inverse.rawValue && inverse == nil {
                let listed = InverseContract.listed.map { "\($0.symbol) on \($0.venue)" }.joined(separator: ", ")
                v.add("market.assets[\(i)].contract", "inverse needs a venue preset that lists \(ErrorText.quoted(asset.symbol)) as an inverse contract; expected exchange.preset and a symbol among: \(listed) (docs/venues.md, \"Inverse contracts\")")
            }
            if let inverse {
                if asset.tierTable != nil {
                    v.add("market.assets[\(i)].tierTable", "does not apply to \(inverse.symbol), an inverse contract with its own risk limits; expected no tierTable, or contract: linear")
                }
                if ex.maintenanceMarginRate != nil {
                    v.add("exchange.maintenanceMarginRate", "replaces a linear tier table; it does not apply to \(inverse.symbol) (market.assets[\(i)]), an inverse contract with its own risk limits; expected no override, or market.assets[\(i)].contract: linear")
                }
                continue
            }
            if let table = asset.tierTable, AssetClass(rawValue: table) == nil {
                v.add("market.assets[\(i)].tierTable", "'\(table)' is not a tier table; expected btc, eth or altcoin")
            } else if let preset = ex.preset, VenuePreset.named(preset) != nil, asset.tierTable == nil,
                      AssetClass.of(symbol: asset.symbol) == nil {
                v.add("market.assets[\(i)].symbol", "'\(ErrorText.clipped(asset.symbol))' has no tier table of its own under \(ErrorText.clipped(preset)); expected a listed symbol such as BTCUSDT, ETHUSDT or SOLUSDT (docs/venues.md, \"Symbols\"), or market.assets[\(i)].tierTable: btc, eth or altcoin")
            }
        }
        /// The rule of a symbol, for the leverage limits of the populations.
        func rule(symbol: String?) -> MarginRule? {
            let asset = symbol.flatMap { s in scenario.market.assets.first { $0.symbol == s } } ?? scenario.market.assets.first
            return ScenarioLoader.marginRule(exchange: ex, asset: asset)
        }

        // positions
        let pos = scenario.positions
        if pos.synthetic.isEmpty && pos.file == nil {
            v.add("positions", "has neither 'synthetic' nor 'file'; expected at least one of them")
        }
        let symbols = assets.map(\.symbol)
        for (index, s) in pos.synthetic.enumerated() {
            let base = pos.syntheticPath(index)
            let maximumLeverage = rule(symbol: s.asset)?.maximumLeverage ?? .infinity
            let flat = ex.preset == nil || ex.maintenanceMarginRate != nil
            if let symbol = s.asset {
                if !symbols.contains(symbol) {
                    v.add("\(base).asset", "'\(symbol)' is not an asset of market.assets; expected one of: \(symbols.joined(separator: ", "))")
                }
            } else if assets.count > 1 {
                v.add("\(base).asset", "missing; with several assets each synthetic population names its asset (one of: \(symbols.joined(separator: ", ")))")
            }
            v.require(s.count >= 1 && s.count <= ModelLimits.positions, "\(base).count",
                      "\(s.count) is out of range; expected ≥ 1 and ≤ \(ModelLimits.positions) (positions are indexed by 32-bit numbers)")
            v.positive(s.openInterest, "\(base).openInterest", atMost: ModelLimits.money)
            v.inRange(s.longShare, "\(base).longShare", lower: 0, upper: 1)
            if s.count == 1 && s.longShare > 0 && s.longShare < 1 {
                v.add("\(base).count", "1 position cannot hold both a long share of \(format(s.longShare)) and a short share; expected count ≥ 2 or longShare 0 or 1")
            }
            v.nonNegative(s.entrySpread, "\(base).entrySpread", atMost: 2)
            v.nonNegative(s.size.sigma, "\(base).size.sigma", atMost: 10)
            if s.leverageMix.isEmpty {
                v.add("\(base).leverageMix", "is empty; expected at least one 'leverage: weight' entry")
            }
            var total = 0.0
            for (key, weight) in s.leverageMix.sorted(by: { $0.key < $1.key }) {
                let location = "\(base).leverageMix.\(key)"
                if let leverage = Double(key), leverage.isFinite {
                    if flat && (leverage < 1 || leverage >= maximumLeverage) {
                        v.add(location, "leverage \(key) is out of range; expected ≥ 1 and < \(format(maximumLeverage)) (1 / exchange.maintenanceMarginRate: above it a position opens below maintenance margin)")
                    } else if !flat && (leverage < 1 || leverage > maximumLeverage) {
                        v.add(location, "leverage \(key) is out of range; expected ≥ 1 and ≤ \(format(maximumLeverage)) (the venue's maximum, for its smallest tier)")
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

        accountIssues(scenario, into: &v)
        if let adl = scenario.mechanisms?.adl {
            let venue = scenario.exchange.preset.flatMap(VenuePreset.named)
            adl.issues(venueDeleverages: venue?.adl != nil && scenario.exchange.autoDeleveraging != false, into: &v)
        }
        scenario.mechanisms?.liquidity?.issues(into: &v)
        if let backstop = scenario.mechanisms?.backstop {
            var separate = false
            if case .perAsset = scenario.exchange.insuranceFund, scenario.market.assets.count > 1 { separate = true }
            backstop.issues(separateFunds: separate, into: &v)
        }
        if let disposal = scenario.mechanisms?.disposal {
            let inverse = scenario.market.assets.contains { asset in
                ScenarioLoader.inverseContract(exchange: scenario.exchange, asset: asset) != nil
            }
            disposal.issues(stepSeconds: sim.step.seconds, inverse: inverse, into: &v)
        }

        scenario.reported?.issues(into: &v)

        // impact
        if let impact = scenario.impact { impactIssues(impact, base: "impact", into: &v) }

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
        v.inRange(rep.confidence, "report.confidence", lower: 0.5, upper: 0.9999)
        for (i, level) in rep.riskLevels.enumerated() {
            if !level.isFinite || level <= 0 || level >= 1 {
                v.add("report.riskLevels[\(i)]", "\(format(level)) is out of range; expected > 0 and < 1")
            }
        }
        for (i, x) in rep.drawdownThresholds.enumerated() {
            if !x.isFinite || x <= 0 || x >= 1 {
                v.add("report.drawdownThresholds[\(i)]", "\(format(x)) is out of range; expected a fraction > 0 and < 1")
            }
        }
        return v.issues
    }

    /// `accounts:` and `exchange.funding:`.
    static func accountIssues(_ scenario: ScenarioFile, into v: inout Collector) {
        let assets = scenario.market.assets, ex = scenario.exchange, sim = scenario.simulation
        if let accounts = scenario.accounts {
            if accounts.synthetic == nil && accounts.file == nil {
                v.add("accounts", "has neither 'synthetic' nor 'file'; expected at least one of them")
            }
            if let file = accounts.file {
                if file.isEmpty { v.add("accounts.file", "must not be empty; expected the path of the accounts CSV (account,wallet) relative to the scenario") }
                if scenario.positions.file == nil { v.add("accounts.file", "needs positions.file, whose rows with marginMode cross are the accounts' positions") }
            }
            for (i, asset) in assets.enumerated() where asset.contract == ContractType.inverse.rawValue {
                v.add("market.assets[\(i)].contract", "inverse contracts cannot be held in cross accounts; expected contract: linear with accounts")
            }
            if case .perAsset = ex.insuranceFund {
                v.add("exchange.insuranceFund", "one fund per asset cannot pay a cross account's deficit, which spans assets; expected one number (a shared fund) with accounts")
            }
            if let s = accounts.synthetic {
                let base = "accounts.synthetic"
                v.require(s.count >= 1 && s.count <= 10_000_000, "\(base).count", "\(s.count) is out of range; expected ≥ 1 and ≤ 10000000")
                v.positive(s.openInterest, "\(base).openInterest", atMost: ModelLimits.money)
                v.nonNegative(s.entrySpread, "\(base).entrySpread", atMost: 2)
                v.nonNegative(s.size.sigma, "\(base).size.sigma", atMost: 10)
                let kinds = CrossAccountPopulation.Kind.allCases.map(\.rawValue)
                if s.types.isEmpty { v.add("\(base).types", "is empty; expected at least one of: \(kinds.joined(separator: ", "))") }
                var total = 0.0
                for (name, type) in s.types.sorted(by: { $0.key < $1.key }) {
                    let location = "\(base).types.\(ErrorText.clipped(name))"
                    guard let kind = CrossAccountPopulation.Kind(rawValue: name) else {
                        v.add(location, "'\(ErrorText.clipped(name))' is not an account type; expected one of: \(kinds.joined(separator: ", "))")
                        continue
                    }
                    v.inRange(type.share, "\(location).share", lower: 0, upper: 1)
                    if type.share.isFinite { total += type.share }
                    v.inRange(type.leverage, "\(location).leverage", lower: 1, upper: 200)
                    if let longShare = type.longShare {
                        if kind == .directional {
                            v.inRange(longShare, "\(location).longShare", lower: 0, upper: 1)
                        } else {
                            v.add("\(location).longShare", "applies only to directional accounts")
                        }
                    }
                    if kind == .hedged && assets.count < 2 {
                        v.add(location, "hedged accounts hold a long in one asset and a short in another; expected at least two assets in market.assets")
                    }
                }
                if !s.types.isEmpty && abs(total - 1) > 1e-6 {
                    v.add("\(base).types", "shares add up to \(format(total)); expected them to add up to 1")
                }
            }
        }
        if let mode = ex.crossLiquidation {
            if CrossLiquidation(rawValue: mode) == nil {
                v.add("exchange.crossLiquidation", "\(ErrorText.quoted(mode)) is not allowed; expected account or position")
            } else if scenario.accounts == nil {
                v.add("exchange.crossLiquidation", "applies only with an accounts section")
            }
        }
        if let funding = ex.funding {
            if scenario.accounts == nil {
                v.add("exchange.funding", "is paid by cross accounts only in this version (isolated positions do not pay funding); expected an accounts section, or no funding (docs/model.md, \"Funding\")")
            }
            let step = sim.step.seconds
            if let interval = funding.interval {
                if interval.seconds <= 0 || (step > 0 && stepCount(horizon: interval, step: sim.step) == nil) {
                    v.add("exchange.funding.interval", "\(interval) is not a whole number of steps of \(sim.step); expected a positive multiple of the step")
                }
            } else if ex.preset == nil {
                v.add("exchange.funding.interval", "missing; expected the funding interval (e.g. 8h), or a venue preset whose interval to use")
            }
            switch funding.rate {
            case let .fixed(rate):
                v.inRange(rate, "exchange.funding.rate", lower: -0.1, upper: 0.1)
                if funding.interest != nil { v.add("exchange.funding.interest", "applies only to rate: premium") }
                if funding.cap != nil { v.add("exchange.funding.cap", "applies only to rate: premium") }
            case .premium:
                if let interest = funding.interest { v.inRange(interest, "exchange.funding.interest", lower: -0.01, upper: 0.01) }
                if let cap = funding.cap {
                    if !cap.isFinite || cap <= 0 || cap > 0.1 { v.add("exchange.funding.cap", "\(format(cap)) is out of range; expected > 0 and ≤ 0.1") }
                }
            }
        }
    }

    static func impactIssues(_ im: ImpactSection, base: String, into v: inout Collector) {
        let shapes = ImpactModel.Shape.allCases.map(\.rawValue)
        v.require(shapes.contains(im.model), "\(base).model", "'\(im.model)' is not a known impact model; expected one of: \(shapes.joined(separator: ", "))")
        v.positive(im.depth, "\(base).depth", atMost: ModelLimits.money)
        v.nonNegative(im.coefficient, "\(base).coefficient")
        let c = im.coefficient, range = ModelLimits.impactCoefficient
        if c.isFinite && c != 0 && !range.contains(c) {
            v.add("\(base).coefficient", "\(format(c)) is out of range; expected 0 (no impact) or ≥ \(format(range.lowerBound)) and ≤ \(format(range.upperBound))\(Self.limitNote)")
        }
    }

    static func jumpIssues(_ jumps: JumpsSection?, base: String, simulation sim: SimulationSection, into v: inout Collector) {
        guard let jumps else { return }
        v.nonNegative(jumps.intensity, "\(base).intensity")
        v.symmetric(jumps.mean, "\(base).mean", limit: ModelLimits.jumpSize)
        v.nonNegative(jumps.stdev, "\(base).stdev", atMost: ModelLimits.jumpSize)
        let perStep = jumps.intensity * sim.step.seconds / (365 * 86_400)
        if jumps.intensity.isFinite && perStep > 50 {
            v.add("\(base).intensity", "\(format(jumps.intensity)) per year is \(format(perStep)) expected jumps per step; expected at most 50 per step")
        }
    }

    /// Required keys and ranges of each model type (unknown keys are refused while decoding).
    static func modelIssues(_ m: PriceModelSection, base: String, simulation sim: SimulationSection, into v: inout Collector) {
        guard PriceModelSection.types.contains(m.type) else {
            v.add("\(base).type", "'\(m.type)' is not a known model; expected one of: \(PriceModelSection.types.joined(separator: ", "))")
            return
        }
        func required(_ value: Double?, _ key: String) -> Double? {
            if value == nil { v.add("\(base).\(key)", "missing; model '\(m.type)' requires it") }
            return value
        }
        v.symmetric(m.drift, "\(base).drift", limit: ModelLimits.drift)
        jumpIssues(m.jumps, base: "\(base).jumps", simulation: sim, into: &v)
        switch m.type {
        case "gbm":
            if let vol = required(m.volatility, "volatility") { v.nonNegative(vol, "\(base).volatility", atMost: ModelLimits.volatility) }
        case "studentT":
            if let vol = required(m.volatility, "volatility") { v.nonNegative(vol, "\(base).volatility", atMost: ModelLimits.volatility) }
            if let nu = required(m.degreesOfFreedom, "degreesOfFreedom") {
                v.require(nu.isFinite && nu > 2, "\(base).degreesOfFreedom", "\(format(nu)) is out of range; expected > 2 (the variance is infinite at 2 or fewer)")
            }
        case "garch":
            let innovations = m.innovations ?? "normal"
            if !["normal", "studentT"].contains(innovations) {
                v.add("\(base).innovations", "'\(innovations)' is not allowed; expected normal or studentT")
            }
            if innovations == "studentT", let nu = required(m.degreesOfFreedom, "degreesOfFreedom") {
                v.require(nu.isFinite && nu > 2, "\(base).degreesOfFreedom", "\(format(nu)) is out of range; expected > 2")
            }
            if innovations == "normal" && m.degreesOfFreedom != nil {
                v.add("\(base).degreesOfFreedom", "applies only with innovations: studentT")
            }
            let direct = m.omega != nil || m.beta != nil
            let longRun = m.longRunVolatility != nil || m.persistence != nil
            if direct && longRun {
                v.add(base, "gives both omega/beta and longRunVolatility/persistence; expected one form: omega, alpha, beta — or longRunVolatility, persistence, alpha")
            } else if longRun {
                if let vol = required(m.longRunVolatility, "longRunVolatility") {
                    v.positive(vol, "\(base).longRunVolatility", atMost: ModelLimits.volatility)
                }
                if let p = required(m.persistence, "persistence") { v.inRange(p, "\(base).persistence", lower: 0, upper: 1, upperOpen: true) }
                if let a = required(m.alpha, "alpha") {
                    v.nonNegative(a, "\(base).alpha")
                    if let p = m.persistence, a > p { v.add("\(base).alpha", "\(format(a)) is above the persistence \(format(p)); expected alpha ≤ persistence (beta = persistence − alpha)") }
                }
            } else {
                if let w = required(m.omega, "omega") { v.positive(w, "\(base).omega", atMost: ModelLimits.garchOmega) }
                let a = required(m.alpha, "alpha"), b = required(m.beta, "beta")
                if let a { v.nonNegative(a, "\(base).alpha") }
                if let b { v.nonNegative(b, "\(base).beta") }
                if let a, let b, a + b >= 1 {
                    v.add(base, "alpha + beta = \(format(a + b)); expected < 1 (a stationary variance)")
                }
            }
            if let s = m.startVolatility { v.nonNegative(s, "\(base).startVolatility", atMost: ModelLimits.volatility) }
        case "heston":
            if let x = required(m.kappa, "kappa") { v.within(x, "\(base).kappa", ModelLimits.hestonKappa) }
            if let x = required(m.theta, "theta") { v.within(x, "\(base).theta", ModelLimits.hestonTheta) }
            if let x = required(m.xi, "xi") { v.within(x, "\(base).xi", ModelLimits.hestonXi) }
            if let x = required(m.rho, "rho") { v.inRange(x, "\(base).rho", lower: -1, upper: 1) }
            if let x = required(m.v0, "v0") { v.nonNegative(x, "\(base).v0", atMost: ModelLimits.hestonV0) }
        case "regimeSwitching":
            let regimes = m.regimes ?? []
            if m.regimes == nil { v.add("\(base).regimes", "missing; model 'regimeSwitching' requires it") }
            else if regimes.isEmpty { v.add("\(base).regimes", "is empty; expected at least one regime") }
            var names = Set<String>()
            for (j, r) in regimes.enumerated() {
                let rb = "\(base).regimes[\(j)]"
                if isBlank(r.name) { v.add("\(rb).name", "is empty or only whitespace; expected a name with a visible character") }
                if !names.insert(r.name).inserted { v.add("\(rb).name", "'\(r.name)' names another regime too; expected unique names") }
                v.nonNegative(r.volatility, "\(rb).volatility", atMost: ModelLimits.volatility)
                v.symmetric(r.drift, "\(rb).drift", limit: ModelLimits.drift)
                jumpIssues(r.jumps, base: "\(rb).jumps", simulation: sim, into: &v)
            }
            if let start = m.start {
                if !regimes.contains(where: { $0.name == start }) {
                    v.add("\(base).start", "'\(start)' is not a regime; expected one of: \(regimes.map(\.name).joined(separator: ", "))")
                }
            } else {
                v.add("\(base).start", "missing; model 'regimeSwitching' requires the starting regime's name")
            }
            let period = m.transitionPeriod ?? TimeSpan(seconds: 86_400)
            if period.seconds <= 0 {
                v.add("\(base).transitionPeriod", "\(period) must be longer than 0s")
            } else if sim.step.seconds > 0 && !ModelLimits.regimePeriods.contains(sim.step.seconds / period.seconds) {
                v.add("\(base).transitionPeriod", "\(period) is \(format(sim.step.seconds / period.seconds)) steps' worth of the step \(sim.step); expected a period between 10⁻⁶ and 10⁶ steps\(Self.limitNote)")
            }
            if let p = m.transitions {
                let k = regimes.count
                if p.count != k || p.contains(where: { $0.count != k }) {
                    v.add("\(base).transitions", "is not a \(k)×\(k) matrix; expected one row and one column per regime")
                } else {
                    var valid = true
                    for (i, row) in p.enumerated() {
                        if row.contains(where: { !$0.isFinite || $0 < 0 || $0 > 1 }) {
                            v.add("\(base).transitions[\(i)]", "has an entry outside [0, 1]; expected probabilities")
                            valid = false
                        } else if abs(row.reduce(0, +) - 1) > 1e-9 {
                            v.add("\(base).transitions[\(i)]", "adds up to \(format(row.reduce(0, +))); expected each row to add up to 1")
                            valid = false
                        }
                    }
                    if valid && sim.step.seconds > 0 && period.seconds > 0,
                       let problem = RegimeSwitchingModel.validPerStepTransitions(p, periods: sim.step.seconds / period.seconds) {
                        v.add("\(base).transitions", problem)
                    }
                }
            } else {
                v.add("\(base).transitions", "missing; model 'regimeSwitching' requires it")
            }
        case "replay", "bootstrap":
            if m.file == nil || m.file!.isEmpty { v.add("\(base).file", "missing; expected the path of a CSV file 'timestamp,price' relative to the scenario") }
            if m.type == "bootstrap" {
                if let block = m.blockLength {
                    if block.seconds <= 0 { v.add("\(base).blockLength", "\(block) must be longer than 0s") }
                    else if sim.step.seconds > 0 && stepCount(horizon: block, step: sim.step) == nil {
                        v.add("\(base).blockLength", "\(block) is not a whole number of steps of \(sim.step); expected a multiple of the step")
                    }
                } else {
                    v.add("\(base).blockLength", "missing; model 'bootstrap' requires the block length (e.g. 30m)")
                }
            }
        default: break
        }
    }

    /// A shock is a move (`at`, `move`, optional `over`) or a volatility window (`from`, `to`,
    /// `volatilityMultiplier`), on whole steps within the horizon.
    static func shockIssues(_ shock: ShockSection, base: String, simulation sim: SimulationSection, into v: inout Collector) {
        let isMove = shock.at != nil || shock.move != nil || shock.over != nil
        let isWindow = shock.from != nil || shock.to != nil || shock.volatilityMultiplier != nil
        func onGrid(_ span: TimeSpan, _ key: String, allowZero: Bool) {
            guard sim.step.seconds > 0 else { return }
            if span.seconds == 0 && allowZero { return }
            if span.seconds > sim.horizon.seconds {
                v.add("\(base).\(key)", "\(span) is beyond the horizon \(sim.horizon)")
            } else if stepCount(horizon: span, step: sim.step) == nil {
                v.add("\(base).\(key)", "\(span) is not a whole number of steps of \(sim.step); expected a multiple of the step")
            }
        }
        if isMove && isWindow {
            v.add(base, "mixes a move (at, move, over) with a volatility window (from, to, volatilityMultiplier); expected one kind per shock")
        } else if isMove {
            guard let at = shock.at else { v.add("\(base).at", "missing; a move needs its start time"); return }
            guard let move = shock.move else { v.add("\(base).move", "missing; a move needs its size (e.g. -0.12 for −12%)"); return }
            if !(move.isFinite && move > -1 && move <= ModelLimits.move) {
                v.add("\(base).move", "\(format(move)) is out of range; expected a relative move > -1 and ≤ \(format(ModelLimits.move))")
            }
            onGrid(at, "at", allowZero: true)
            let over = shock.over ?? sim.step
            if shock.over != nil { onGrid(over, "over", allowZero: false) }
            if over.seconds <= 0 { v.add("\(base).over", "\(over) must be longer than 0s") }
            if at.seconds + over.seconds > sim.horizon.seconds + 1e-9 {
                v.add(base, "the move from \(at) over \(over) ends after the horizon \(sim.horizon)")
            }
        } else if isWindow {
            guard let from = shock.from else { v.add("\(base).from", "missing; a volatility window needs its start"); return }
            guard let to = shock.to else { v.add("\(base).to", "missing; a volatility window needs its end"); return }
            guard let k = shock.volatilityMultiplier else { v.add("\(base).volatilityMultiplier", "missing; expected the factor, e.g. 4"); return }
            v.nonNegative(k, "\(base).volatilityMultiplier", atMost: ModelLimits.volatilityMultiplier)
            onGrid(from, "from", allowZero: true)
            onGrid(to, "to", allowZero: false)
            if to.seconds <= from.seconds { v.add("\(base).to", "\(to) is not after from \(from); expected from < to") }
        } else {
            v.add(base, "is empty; expected a move (at, move, over) or a volatility window (from, to, volatilityMultiplier)")
        }
    }

    /// The correlation matrix: required with several assets; square, symmetric, unit diagonal,
    /// entries in [−1, 1], positive definite.
    static func correlationIssues(_ matrix: [[Double]]?, assets k: Int, into v: inout Collector) {
        let key = "market.correlation"
        guard let matrix else {
            if k > 1 { v.add(key, "missing; expected a \(k)×\(k) correlation matrix for the \(k) assets") }
            return
        }
        guard matrix.count == k, matrix.allSatisfy({ $0.count == k }) else {
            v.add(key, "is not a \(k)×\(k) matrix; expected one row and one column per asset, in the order of market.assets")
            return
        }
        var ok = true
        for i in 0..<k {
            if abs(matrix[i][i] - 1) > 1e-12 {
                v.add("\(key)[\(i)][\(i)]", "\(format(matrix[i][i])) is on the diagonal; expected 1")
                ok = false
            }
            for j in 0..<k {
                let x = matrix[i][j]
                if !x.isFinite || x < -1 || x > 1 {
                    v.add("\(key)[\(i)][\(j)]", "\(format(x)) is out of range; expected ≥ -1 and ≤ 1")
                    ok = false
                } else if j > i && abs(x - matrix[j][i]) > 1e-12 {
                    v.add("\(key)[\(i)][\(j)]", "\(format(x)) differs from [\(j)][\(i)] = \(format(matrix[j][i])); expected a symmetric matrix")
                    ok = false
                }
            }
        }
        if ok {
            do {
                _ = try DenseLinearAlgebra.choleskyLower(matrix.flatMap { $0 }, order: k)
            } catch {
                v.add(key, "is \(error); expected a valid correlation matrix")
            }
        }
    }

    /// Appended to refusals at a limit of ``ModelLimits``.
    static let limitNote = " (the model's numeric limit; docs/model.md, \"Numeric limits\")"

    /// Whether `text` is empty or only whitespace (any Unicode whitespace, newlines included).
    static func isBlank(_ text: String) -> Bool {
        text.allSatisfy(\.isWhitespace)
    }

    /// The characters a symbol may have: symbols name CSV columns (`minTradedPrice.SYMBOL`) and
    /// files (`price-fan.SYMBOL.svg`).
    public static let symbolCharacters = "A–Z a–z 0–9 . _ -"

    /// What is wrong with `symbol`, or nil: 1 to 32 characters of ``symbolCharacters``, not
    /// starting with `.`.
    static func symbolProblem(_ symbol: String) -> String? {
        let allowed = "1 to 32 characters \(symbolCharacters), not starting with '.'"
        if symbol.isEmpty { return "is empty; expected \(allowed)" }
        let valid = symbol.utf8.count <= 32 && symbol.first != "."
            && symbol.utf8.allSatisfy { b in
                (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z"))
                    || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "-")
            }
        return valid ? nil : "\(ErrorText.quoted(symbol)) is not a symbol; expected \(allowed)"
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
        // Large whole numbers as 1e+15, not 1000000000000000.0.
        if value == value.rounded() { return String(format: "%.15g", value) }
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

        /// > 0 and at most `limit`, a limit of the model (``ModelLimits``).
        mutating func positive(_ value: Double, _ location: String, atMost limit: Double) {
            if !value.isFinite || value <= 0 { positive(value, location) }
            else if value > limit { add(location, "\(format(value)) is out of range; expected > 0 and ≤ \(format(limit))\(ScenarioValidator.limitNote)") }
        }

        /// ≥ 0 and at most `limit`, a limit of the model (``ModelLimits``).
        mutating func nonNegative(_ value: Double, _ location: String, atMost limit: Double) {
            if !value.isFinite || value < 0 { nonNegative(value, location) }
            else if value > limit { add(location, "\(format(value)) is out of range; expected ≥ 0 and ≤ \(format(limit))\(ScenarioValidator.limitNote)") }
        }

        /// Finite with |value| ≤ `limit`, a limit of the model.
        mutating func symmetric(_ value: Double, _ location: String, limit: Double) {
            if !value.isFinite { finite(value, location) }
            else if Swift.abs(value) > limit { add(location, "\(format(value)) is out of range; expected ≥ -\(format(limit)) and ≤ \(format(limit))\(ScenarioValidator.limitNote)") }
        }

        /// Within `range`, a range of the model.
        mutating func within(_ value: Double, _ location: String, _ range: ClosedRange<Double>) {
            if !value.isFinite { finite(value, location) }
            else if !range.contains(value) { add(location, "\(format(value)) is out of range; expected ≥ \(format(range.lowerBound)) and ≤ \(format(range.upperBound))\(ScenarioValidator.limitNote)") }
        }

        /// A price: > 0 and within ``ModelLimits/price``.
        mutating func price(_ value: Double, _ location: String) {
            if !value.isFinite || value <= 0 { positive(value, location) }
            else { within(value, location, ModelLimits.price) }
        }

        mutating func inRange(_ value: Double, _ location: String, lower: Double, upper: Double, upperOpen: Bool = false) {
            if !value.isFinite { finite(value, location); return }
            let ok = value >= lower && (upperOpen ? value < upper : value <= upper)
            require(ok, location, "\(format(value)) is out of range; expected ≥ \(format(lower)) and \(upperOpen ? "<" : "≤") \(format(upper))")
        }
    }
}
