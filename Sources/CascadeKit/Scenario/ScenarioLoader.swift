import Foundation
import Yams

/// Command-line values that replace the scenario's own.
public struct ScenarioOverrides: Sendable, Equatable {
    public var paths: Int?
    public var seed: UInt64?
    /// Values put into the scenario before it is decoded (``ScenarioAssignment``).
    public var assignments: [ScenarioAssignment]
    /// The memory (bytes) a run may use (`--max-memory`); nil: ``MemoryEstimate/defaultLimit``.
    public var memoryLimit: Double?
    /// The shard this process runs (`--shard`): the memory needed is its share of the paths'.
    public var shard: ShardSpec?
    public init(paths: Int? = nil, seed: UInt64? = nil, assignments: [ScenarioAssignment] = [], memoryLimit: Double? = nil,
                shard: ShardSpec? = nil) {
        self.paths = paths
        self.seed = seed
        self.assignments = assignments
        self.memoryLimit = memoryLimit
        self.shard = shard
    }
}

/// A scenario that passed every check, with the engine configuration built from it.
public struct LoadedScenario: Sendable {
    /// The scenario file's path as given.
    public let file: String
    public let scenario: ScenarioFile
    public var config: SimulationConfig
    /// Report quantile levels, ascending and without duplicates.
    public let quantiles: [Double]
    /// Which report files to write.
    public let outputs: Set<String>
    /// Confidence level of the reports' intervals.
    public var confidence: Double { scenario.report.confidence }
    /// Levels of VaR and expected shortfall, ascending.
    public var riskLevels: [Double] { Array(Set(scenario.report.riskLevels)).sorted() }
    /// Drawdown thresholds of probabilities.csv, ascending.
    public var drawdownThresholds: [Double] { Array(Set(scenario.report.drawdownThresholds)).sorted() }
    /// Whether the no-feedback twin runs.
    public var twin: Bool { scenario.report.twin }
    /// Positions read from the CSV file and generated synthetically.
    public let filePositions: Int
    public let syntheticPositions: Int
    /// Synthetic positions whose leverage was lowered to their tier's maximum.
    public let cappedLeverage: Int
    /// The run's estimated memory, and the limit it was checked against (bytes).
    public let memory: MemoryEstimate
    public let memoryLimit: Double

    /// The bytes the structures that grow with the data (the time-series sketch, cascade
    /// events) may take during the run: what the limit leaves beyond the rest of the estimate
    /// (whose floor holds a nominal sketch), and at least a quarter of the limit.
    public var growthLimit: Int {
        Int(Swift.max(memoryLimit - memory.total + MemoryEstimate.sketchAllowance, memoryLimit / 4).rounded(.down))
    }
    /// SHA-256 of the scenario file's bytes as read (loaded from a file; nil from text).
    public internal(set) var fileSHA256: String? = nil
}

/// Reads, decodes and validates a scenario file, then builds its ``SimulationConfig``: the one
/// way from a file on disk to the engine. Data flows one way: file → ``ScenarioFile`` →
/// issues or ``LoadedScenario``.
public enum ScenarioLoader {
    /// Loads the scenario at `path`.
    public static func load(path: String, overrides: ScenarioOverrides = .init()) throws(ScenarioError) -> LoadedScenario {
        let url = URL(fileURLWithPath: path)
        let text: String
        do { text = try TextFile.read(url, maximumBytes: YAMLPrescan.Limits().maximumBytes) } catch {
            switch error {
            case .missing: throw .unreadable(file: path, reason: "no such file")
            case .directory: throw .unreadable(file: path, reason: "is a directory; expected a scenario file (YAML)")
            case .tooLarge: throw .unreadable(file: path, reason: "\(error); expected a scenario file of at most \(TextFile.size(YAMLPrescan.Limits().maximumBytes))")
            default: throw .unreadable(file: path, reason: "\(error); expected a scenario file (YAML, UTF-8)")
            }
        }
        var loaded = try load(yaml: text, file: path, directory: url.deletingLastPathComponent(), overrides: overrides)
        // The text is the file's bytes, validated as UTF-8 (a byte-order mark kept).
        var bytes = text
        loaded.fileSHA256 = bytes.withUTF8 { SHA256.hex(of: UnsafeRawBufferPointer($0)) }
        return loaded
    }

    /// Loads a scenario from YAML text; `file` names it in messages and `directory` resolves
    /// relative positions files.
    public static func load(yaml: String, file: String, directory: URL,
                            overrides: ScenarioOverrides = .init()) throws(ScenarioError) -> LoadedScenario {
        var scenario = try decode(yaml: yaml, file: file, assignments: overrides.assignments)
        if let paths = overrides.paths { scenario.simulation.paths = paths }
        if let seed = overrides.seed { scenario.seed = seed }
        var issues = ScenarioValidator.issues(in: scenario)
        if overrides.paths != nil {
            issues = issues.map { $0.location == "simulation.paths" ? ScenarioIssue("--paths", $0.message) : $0 }
        }
        guard issues.isEmpty else { throw .invalid(file: file, issues: issues) }

        let sim = scenario.simulation
        let steps = ScenarioValidator.stepCount(horizon: sim.horizon, step: sim.step)!
        let assets = scenario.market.assets
        let symbols = assets.map(\.symbol)
        let rules = assets.map { marginRule(exchange: scenario.exchange, asset: $0)! }
        let inverseContracts = assets.map { inverseContract(exchange: scenario.exchange, asset: $0) }
        // The memory the run needs, before anything large is allocated.
        let memoryLimit = overrides.memoryLimit ?? MemoryEstimate.defaultLimit
        let memory = try estimateMemory(scenario, steps: steps, directory: directory, file: file,
                                        limit: memoryLimit, pathsFromOverride: overrides.paths != nil,
                                        limitIsDefault: overrides.memoryLimit == nil,
                                        runPaths: overrides.shard.map { $0.range(paths: sim.paths).count })
        var positionsByAsset = [[Position]](repeating: [], count: assets.count)
        var fromFile = 0
        var crossRows: [PositionsCSV.Row] = []
        var cappedLeverage = 0
        if let relative = scenario.positions.file {
            // With a flat rule leverage must stay below 1/m; a preset's tiers are checked per row.
            let flat = scenario.exchange.preset == nil || scenario.exchange.maintenanceMarginRate != nil
            let loaded = try loadPositionsFile(relative, directory: directory, scenarioFile: file, rules: rules,
                                               assets: assets, inverse: inverseContracts.map { $0 != nil },
                                               flatMaximumLeverage: flat ? rules[0].maximumLeverage : .infinity)
            for (position, asset) in loaded.isolated { positionsByAsset[asset].append(position) }
            fromFile = loaded.isolated.count
            crossRows = loaded.cross
        }
        var synthetic = 0
        for (index, s) in scenario.positions.synthetic.enumerated() {
            let asset = s.asset.flatMap { symbols.firstIndex(of: $0) } ?? 0
            let mix = s.leverageMix.map { (leverage: Double($0.key)!, weight: $0.value) }.sorted { $0.leverage < $1.leverage }
            let population = SyntheticPopulation(count: s.count, openInterest: s.openInterest, longShare: s.longShare,
                                                 leverageMix: mix, entrySpread: s.entrySpread, sizeSigma: s.size.sigma)
            // The first population uses the scenario seed itself; the others a seed of their own.
            let seed = index == 0 ? scenario.seed : SplitMix64.mix(scenario.seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
            do {
                let book = try inverseContracts[asset].map { contract in
                    try population.generateInverseBook(price: assets[asset].price, rule: contract.rule(fundingRate: 0), seed: seed)
                } ?? population.generateBook(price: assets[asset].price, rule: rules[asset], seed: seed)
                if positionsByAsset[asset].isEmpty { positionsByAsset[asset] = book.positions } else { positionsByAsset[asset] += book.positions }
                cappedLeverage += book.cappedLeverage
            } catch SyntheticPopulation.GenerationError.notionalsOutOfRange {
                throw .invalid(file: file, issues: [ScenarioIssue(scenario.positions.syntheticPath(index), "size.sigma \(ScenarioValidator.format(s.size.sigma)), longShare \(ScenarioValidator.format(s.longShare)) and openInterest \(ScenarioValidator.format(s.openInterest)) over \(s.count) positions make some notionals smaller than 1e-6 USD or not finite; expected a smaller sigma, a long share nearer 0.5, more open interest or fewer positions\(ScenarioValidator.limitNote)")])
            } catch {
                throw .invalid(file: file, issues: [ScenarioIssue(scenario.positions.syntheticPath(index), "\(error); reduce entrySpread or the leverage")])
            }
            synthetic += s.count
        }

        // An inverse contract's book must stay within the risk limits that are known (Bybit's
        // BTCUSD: only the first, 150 BTC).
        for a in assets.indices {
            guard let contract = inverseContracts[a], let cap = rules[a].tiers.last?.cap, cap.isFinite,
                  let largest = positionsByAsset[a].lazy.map(\.entryNotional).max(), largest > cap else { continue }
            throw .invalid(file: file, issues: [ScenarioIssue("market.assets[\(a)].symbol", "\(contract.symbol) on \(contract.venue): a position worth \(ScenarioValidator.format(largest)) \(contract.coin) at entry is beyond the known risk limits (up to \(ScenarioValidator.format(cap)) \(contract.coin)); expected smaller positions (in positions.file, or from positions.synthetic with a smaller size.sigma or openInterest or more positions), or contract: linear")])
        }

        var assetConfigs: [AssetConfig] = []
        for (a, asset) in assets.enumerated() {
            let base = "market.assets[\(a)]"
            let model = try priceModel(asset.model, base: "\(base).model", simulation: sim, steps: steps,
                                       directory: directory, scenarioFile: file,
                                       maximumGridSteps: Int(Swift.min((memoryLimit - memory.total) / 24, 1e12)))
            let shocks: [StressSchedule.Shock] = asset.shocks.map { shock in
                let step = sim.step.seconds
                if let at = shock.at, let move = shock.move {
                    return .move(relative: move, start: Int((at.seconds / step).rounded()),
                                 steps: Int(((shock.over?.seconds ?? step) / step).rounded()))
                }
                return .volatility(multiplier: shock.volatilityMultiplier!, from: Int((shock.from!.seconds / step).rounded()),
                                   to: Int((shock.to!.seconds / step).rounded()))
            }
            let impactSection = asset.impact ?? scenario.impact!
            assetConfigs.append(AssetConfig(
                symbol: asset.symbol, initialPrice: asset.price, model: model,
                schedule: shocks.isEmpty ? nil : StressSchedule(shocks: shocks, steps: steps),
                impact: ImpactModel(shape: ImpactModel.Shape(rawValue: impactSection.model)!, depth: impactSection.depth,
                                    coefficient: impactSection.coefficient,
                                    recoveryHalfLife: impactSection.recoveryHalfLife.seconds),
                ladder: LiquidationLadder(positions: positionsByAsset[a], rule: rules[a]),
                mechanics: mechanics(exchange: scenario.exchange, mechanisms: scenario.mechanisms),
                contract: inverseContracts[a] == nil ? .linear : .inverse))
        }
        let correlationFactor: [Double]? = scenario.market.correlation.flatMap { matrix in
            assets.count > 1 ? try? DenseLinearAlgebra.choleskyLower(matrix.flatMap { $0 }, order: assets.count) : nil
        }
        let stride = scenario.report.timeseriesInterval.map { ScenarioValidator.stepCount(horizon: $0, step: sim.step)! } ?? 1
        var config = SimulationConfig(
            seed: scenario.seed, paths: sim.paths, steps: steps, stepSeconds: sim.step.seconds,
            assets: assetConfigs, correlationFactor: correlationFactor,
            insuranceFund: scenario.exchange.insuranceFund.total, maxCascadeRounds: sim.maxCascadeRounds,
            timeSeries: TimeSeriesLayout(steps: steps, stride: stride, relativeAccuracy: scenario.report.timeseriesAccuracy))
        if case let .perAsset(funds) = scenario.exchange.insuranceFund, assets.count > 1 {
            config.assetFunds = assets.map { asset in funds.first { $0.symbol == asset.symbol }!.amount }
        }
        config.fundDrawdownLimit = scenario.exchange.preset.flatMap { VenuePreset.named($0)?.fundDrawdownLimit }
        if scenario.exchange.autoDeleveraging == false { config.fundDrawdownLimit = nil }
        config.measuresMechanisms = scenario.mechanisms != nil
        config.vaultCapital = scenario.mechanisms?.backstop?.capital
        if let liquidity = scenario.mechanisms?.liquidity {
            for a in config.assets.indices { config.assets[a].liquidity = liquidity.withdrawal }
        }
        try loadAccounts(scenario, file: file, directory: directory, crossRows: crossRows, rules: rules, into: &config)
        let outputs = Set(scenario.report.outputs)
        config.recordCascadeEvents = !outputs.isDisjoint(with: ["cascades", "charts"])
        config.liquidationMap = outputs.isDisjoint(with: ["map", "charts"]) ? nil : LiquidationMapLayout()
        config.exactTimeSeries = !outputs.isDisjoint(with: ["timeseries", "charts"])
            && ExactTimeSeries.fits(columns: TimeSeriesColumn.layout(assets: assetConfigs.count).count,
                                    rows: config.timeSeries.rows, paths: config.paths)
        return LoadedScenario(file: file, scenario: scenario, config: config,
                              quantiles: Array(Set(scenario.report.quantiles)).sorted(),
                              outputs: outputs,
                              filePositions: fromFile, syntheticPositions: synthetic, cappedLeverage: cappedLeverage,
                              memory: memory, memoryLimit: memoryLimit)
    }

    /// The cross accounts (`accounts:`) and funding (`exchange.funding:`) of a validated scenario.
    static func loadAccounts(_ scenario: ScenarioFile, file: String, directory: URL, crossRows: [PositionsCSV.Row],
                             rules: [MarginRule], into config: inout SimulationConfig) throws(ScenarioError) {
        let prices = scenario.market.assets.map(\.price)
        let symbols = scenario.market.assets.map(\.symbol)
        if let first = crossRows.first, scenario.accounts?.file == nil {
            throw .invalid(file: file, issues: [ScenarioIssue("positions.file", "\(ErrorText.clipped(scenario.positions.file ?? "")):\(first.line): a cross position needs its account's wallet; expected accounts.file, the accounts CSV (account,wallet)")])
        }
        if let section = scenario.accounts {
            var accounts: [CrossAccount] = []
            if let relative = section.file {
                let url = relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : directory.appendingPathComponent(relative)
                let text: String
                do { text = try TextFile.read(url) } catch {
                    throw .invalid(file: file, issues: [ScenarioIssue("accounts.file", "\(ErrorText.quoted(relative)) (\(ErrorText.path(url.path, limit: 80))): \(error); expected a CSV file relative to the scenario")])
                }
                let wallets: [(account: String, wallet: Double, line: Int)]
                do { wallets = try AccountsCSV.parse(text) } catch {
                    throw .invalid(file: file, issues: [ScenarioIssue("accounts.file", "\(ErrorText.clipped(relative)):\(error.location): \(error.message)")])
                }
                var ids: [String] = []
                do {
                    let joined = try AccountsCSV.crossAccounts(rows: crossRows, wallets: wallets) { symbol in
                        symbol.map { symbols.firstIndex(of: $0) } ?? (symbols.count == 1 ? 0 : nil)
                    }
                    accounts = joined.accounts
                    ids = joined.ids
                } catch {
                    let name = error.file == .accounts ? relative : scenario.positions.file ?? ""
                    throw .invalid(file: file, issues: [ScenarioIssue(error.file == .accounts ? "accounts.file" : "positions.file", "\(ErrorText.clipped(name)):\(error.line): \(error.message)")])
                }
                let zero = [Double](repeating: 0, count: prices.count)
                for (i, account) in accounts.enumerated() {
                    let h = prices.withUnsafeBufferPointer { p in
                        zero.withUnsafeBufferPointer { z in CrossAccountBook.headroom(account, rules: rules, prices: p.baseAddress!, funding: z.baseAddress!) }
                    }
                    if !(h > 0) {
                        throw .invalid(file: file, issues: [ScenarioIssue("accounts.file", "\(ErrorText.clipped(relative)):\(wallets.first { $0.account == ids[i] }?.line ?? 0): this account is already liquidatable at the initial prices (margin balance minus maintenance \(ScenarioValidator.format(h)) USD); expected an account that is solvent at the start")])
                    }
                }
            }
            if let s = section.synthetic {
                let types = CrossAccountPopulation.Kind.allCases.compactMap { kind in
                    s.types[kind.rawValue].map {
                        CrossAccountPopulation.TypeShare(kind: kind, share: $0.share, leverage: $0.leverage, longShare: $0.longShare ?? 0.5)
                    }
                }
                let population = CrossAccountPopulation(count: s.count, openInterest: s.openInterest, types: types,
                                                        entrySpread: s.entrySpread, sizeSigma: s.size.sigma)
                do {
                    accounts += try population.generate(prices: prices, rules: rules,
                                                        seed: SplitMix64.mix(scenario.seed ^ 0x00AC_C0C7_5EED)).accounts
                } catch {
                    throw .invalid(file: file, issues: [ScenarioIssue("accounts.synthetic", error.description)])
                }
            }
            config.crossAccounts = CrossAccountBook(accounts: accounts, rules: rules, initialPrices: prices)
            config.crossLiquidation = scenario.exchange.crossLiquidation.flatMap(CrossLiquidation.init(rawValue:))
                ?? CrossLiquidation.venueDefault(preset: scenario.exchange.preset)
        }
        if let f = scenario.exchange.funding {
            let venue = scenario.exchange.preset.flatMap { FundingRule.venueDefaults(preset: $0) }
            let interval = f.interval?.seconds ?? venue!.intervalSeconds
            let generic = FundingRule.genericDefaults(intervalSeconds: interval)
            let rate: FundingRule.Rate
            switch f.rate {
            case let .fixed(r): rate = .fixed(r)
            case .premium:
                rate = .premium(interest: f.interest ?? venue?.interest ?? generic.interest, cap: f.cap ?? venue?.cap ?? generic.cap)
            }
            config.funding = FundingRule(intervalSteps: Int((interval / config.stepSeconds).rounded()), rate: rate)
        }
    }

    /// The margin rule of `asset` (nil when the exchange section is invalid): the preset's table for
    /// the asset's class, with the scenario's overrides; or model M0's flat rule.
    static func marginRule(exchange ex: ExchangeSection, asset: AssetSection?) -> MarginRule? {
        if let inverse = inverseContract(exchange: ex, asset: asset) {
            // Funding is not simulated: none counted in maintenance.
            var rule = inverse.rule(fundingRate: 0).reciprocal
            if let fee = ex.liquidationFee { rule.liquidationFee = fee }
            return rule
        }
        guard let name = ex.preset else {
            guard let rate = ex.maintenanceMarginRate else { return nil }
            return MarginRule(maintenanceMarginRate: rate, liquidationFee: ex.liquidationFee ?? 0)
        }
        guard let preset = VenuePreset.named(name) else { return nil }
        guard let assetClass = asset?.tierTable.flatMap(AssetClass.init(rawValue:)) ?? AssetClass.of(symbol: asset?.symbol ?? "")
        else { return nil }
        var rule = preset.rule(for: assetClass)
        if let rate = ex.maintenanceMarginRate {
            rule.tiers = [MarginTier(floor: 0, cap: .infinity, maxLeverage: rate > 0 ? 1 / rate : .infinity, rate: rate, deduction: 0)]
        }
        if let fee = ex.liquidationFee { rule.liquidationFee = fee }
        return rule
    }

    /// The inverse contract `asset` is under the exchange section: the one the preset's venue lists
    /// for its symbol (BitMEX XBTUSD, Bybit BTCUSD), unless `contract: linear` says otherwise.
    static func inverseContract(exchange ex: ExchangeSection, asset: AssetSection?) -> InverseContract? {
        guard let asset, asset.contract != ContractType.linear.rawValue, let venue = ex.preset else { return nil }
        return InverseContract.named(asset.symbol, venue: venue)
    }

    /// The liquidation mechanics of the exchange section: the preset's, with the overrides.
    static func mechanics(exchange ex: ExchangeSection, mechanisms: MechanismsSection? = nil) -> LiquidationMechanics {
        var m = ex.preset.flatMap(VenuePreset.named).map(LiquidationMechanics.init(preset:)) ?? .m0
        if let mark = ex.markPrice {
            m.mark = mark.type == "last" ? .last : .index(window: mark.window?.seconds ?? 0)
        }
        if ex.partialLiquidation == false { m.partial = .none }
        if ex.autoDeleveraging == false { m.deleveraging = nil }
        if let adl = mechanisms?.adl { m.adl = adl.policy }
        if let disposal = mechanisms?.disposal { m.disposal = disposal.rule }
        return m
    }

    /// The engine's model for a validated model section (reading data files where needed).
    /// The run's ``MemoryEstimate``; throws, naming the key that asks for the most, when it is
    /// over `limit`. Counts the positions file's lines (an upper bound on its rows) without
    /// parsing it, and refuses a file larger than a quarter of the limit unread.
    static func estimateMemory(_ scenario: ScenarioFile, steps: Int, directory: URL, file: String, limit: Double,
                               pathsFromOverride: Bool, limitIsDefault: Bool, runPaths: Int? = nil) throws(ScenarioError) -> MemoryEstimate {
        let sim = scenario.simulation
        // The paths this process holds results for: a shard's share, else all. (Whether the time
        // series are exact depends on all the paths, which the merge holds.)
        let held = runPaths ?? sim.paths
        var positions = scenario.positions.synthetic.reduce(0) { $0 + $1.count }
        var fileBytes = 0
        if let relative = scenario.positions.file {
            let url = relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : directory.appendingPathComponent(relative)
            if let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber {
                if size.doubleValue * 2 > limit / 2 {
                    throw .invalid(file: file, issues: [ScenarioIssue("positions.file", "'\(relative)' is \(MemoryEstimate.describe(size.doubleValue)), more than this run's memory limit of \(MemoryEstimate.describe(limit)) allows for input files; expected a smaller file, or a higher --max-memory")])
                }
                if let data = FileManager.default.contents(atPath: url.path) {
                    fileBytes = data.count
                    positions += data.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 } + 1
                }
            }
        }
        let outputs = Set(scenario.report.outputs)
        let stride = scenario.report.timeseriesInterval.map { ScenarioValidator.stepCount(horizon: $0, step: sim.step)! } ?? 1
        let rows = 1 + steps / stride
        let columns = TimeSeriesColumn.layout(assets: scenario.market.assets.count).count
        let exact = !outputs.isDisjoint(with: ["timeseries", "charts"])
            && ExactTimeSeries.fits(columns: columns, rows: rows, paths: sim.paths)
        var estimate = MemoryEstimate.of(paths: held, positions: positions, assets: scenario.market.assets.count, rows: rows,
                                         exactTimeSeries: exact, map: !outputs.isDisjoint(with: ["map", "charts"]),
                                         fileBytes: fileBytes)
        if let accounts = scenario.accounts {
            var count = accounts.synthetic?.count ?? 0
            if let relative = accounts.file {
                let url = relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : directory.appendingPathComponent(relative)
                if let data = FileManager.default.contents(atPath: url.path) {
                    count += data.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 } + 1
                }
            }
            estimate.parts.append(MemoryEstimate.accounts(count, assets: scenario.market.assets.count, paths: held,
                                                          threads: SimulationEngine.defaultThreads))
        }
        if estimate.total > limit {
            let largest = estimate.parts.max { $0.bytes < $1.bytes }!
            let key: String
            let advice: String
            if largest.bytes == MemoryEstimate.floor {
                key = "--max-memory"
                advice = "a limit of at least \(MemoryEstimate.describe(estimate.total))"
            } else if largest.name.hasSuffix("cross accounts") {
                key = scenario.accounts?.synthetic != nil ? "accounts.synthetic.count" : "accounts.file"
                advice = "fewer accounts"
            } else if largest.name.hasSuffix("positions") {
                key = scenario.positions.file != nil && scenario.positions.synthetic.isEmpty ? "positions.file"
                    : scenario.positions.syntheticPath(0) + ".count"
                advice = "fewer positions"
            } else {
                key = pathsFromOverride ? "--paths" : "simulation.paths"
                advice = "fewer paths (split a large run into shards)"
            }
            let parts = estimate.parts.filter { $0.bytes >= 1e6 }.map { "\($0.name) \(MemoryEstimate.describe($0.bytes))" }
            throw .invalid(file: file, issues: [ScenarioIssue(key, "the run needs about \(MemoryEstimate.describe(estimate.total)) of memory (\(parts.joined(separator: ", "))), more than the limit of \(MemoryEstimate.describe(limit))\(limitIsDefault ? " (80% of this machine's memory; --max-memory sets it)" : " (--max-memory)"); expected \(advice)")])
        }
        return estimate
    }

    static func priceModel(_ m: PriceModelSection, base: String, simulation sim: SimulationSection, steps: Int,
                           directory: URL, scenarioFile: String, maximumGridSteps: Int = .max) throws(ScenarioError) -> PriceModel {
        let dt = sim.step.seconds / (365 * 86_400)
        let jumps = m.jumps.map { MertonJumps(intensity: $0.intensity, mean: $0.mean, stdev: $0.stdev, compensated: $0.compensated) }
        switch m.type {
        case "gbm":
            return .gbm(JumpDiffusionModel(drift: m.drift, volatility: m.volatility!, jumps: jumps))
        case "studentT":
            return .studentT(StudentTModel(drift: m.drift, volatility: m.volatility!, degreesOfFreedom: m.degreesOfFreedom!, jumps: jumps))
        case "garch":
            let nu = (m.innovations ?? "normal") == "studentT" ? m.degreesOfFreedom : nil
            let omega: Double, alpha = m.alpha!, beta: Double
            if let longRun = m.longRunVolatility, let persistence = m.persistence {
                beta = persistence - alpha
                omega = longRun * longRun * dt * (1 - persistence)
            } else {
                omega = m.omega!
                beta = m.beta!
            }
            let longRunVariance = omega / (1 - alpha - beta)
            let start = Swift.min(m.startVolatility.map { $0 * $0 * dt } ?? longRunVariance, ModelLimits.garchStepVariance)
            return .garch(GARCHModel(drift: m.drift, omega: omega, alpha: alpha, beta: beta, startVariance: start,
                                     degreesOfFreedom: nu, jumps: jumps))
        case "heston":
            return .heston(HestonModel(drift: m.drift, kappa: m.kappa!, theta: m.theta!, xi: m.xi!, rho: m.rho!, v0: m.v0!))
        case "regimeSwitching":
            let regimes = m.regimes!.map { r in
                Regime(name: r.name, drift: r.drift, volatility: r.volatility,
                       jumps: r.jumps.map { MertonJumps(intensity: $0.intensity, mean: $0.mean, stdev: $0.stdev) })
            }
            return .regimeSwitching(RegimeSwitchingModel(regimes: regimes, transitions: m.transitions!,
                                                         period: m.transitionPeriod?.seconds ?? 86_400,
                                                         start: regimes.firstIndex { $0.name == m.start! }!))
        default: // replay, bootstrap
            let relative = m.file!
            let url = relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : directory.appendingPathComponent(relative)
            let text: String
            do { text = try TextFile.read(url) } catch {
                throw .invalid(file: scenarioFile, issues: [ScenarioIssue("\(base).file", "\(ErrorText.quoted(relative)) (\(ErrorText.path(url.path, limit: 80))): \(error); expected a CSV file 'timestamp,price' relative to the scenario")])
            }
            let data: HistoricalReturns
            do {
                data = try HistoricalReturns.onGrid(try HistoricalReturns.parse(text), stepSeconds: sim.step.seconds,
                                                    maximumSteps: maximumGridSteps)
            } catch let error as HistoricalReturns.LineError {
                throw .invalid(file: scenarioFile, issues: [ScenarioIssue("\(base).file", "\(ErrorText.clipped(relative)):\(error.location): \(error.message)")])
            } catch let error as HistoricalReturns.GridError {
                throw .invalid(file: scenarioFile, issues: [ScenarioIssue("\(base).file", "\(ErrorText.clipped(relative)): \(error.message)")])
            } catch {
                throw .invalid(file: scenarioFile, issues: [ScenarioIssue("\(base).file", "\(ErrorText.clipped(relative)): \(error)")])
            }
            if m.type == "replay" {
                guard data.returns.count >= steps else {
                    throw .invalid(file: scenarioFile, issues: [ScenarioIssue("\(base).file", "\(ErrorText.clipped(relative)) covers \(data.returns.count) steps of \(sim.step); the horizon \(sim.horizon) needs \(steps); expected data at least as long as the horizon")])
                }
                return .replay(data)
            }
            let blockSteps = ScenarioValidator.stepCount(horizon: m.blockLength!, step: sim.step)!
            guard data.returns.count >= blockSteps else {
                throw .invalid(file: scenarioFile, issues: [ScenarioIssue("\(base).blockLength", "\(m.blockLength!) is \(blockSteps) steps but \(ErrorText.clipped(relative)) has only \(data.returns.count); expected a block no longer than the data")])
            }
            return .bootstrap(data, blockSteps: blockSteps)
        }
    }

    /// Decodes YAML into a ``ScenarioFile``, turning Yams' and Codable's errors into messages that
    /// name the key path and quote the offending value.
    public static func decode(yaml: String, file: String, assignments: [ScenarioAssignment] = []) throws(ScenarioError) -> ScenarioFile {
        var node: Node
        // Refuse what Yams would hang on, drop or merge silently before it sees the text.
        do { try YAMLPrescan.check(yaml) } catch {
            switch error {
            case let .syntax(message): throw .syntax(file: file, message: message)
            case let .issue(issue): throw .invalid(file: file, issues: [issue])
            case let .tooLarge(bytes, limit):
                throw .unreadable(file: file, reason: "\(TextFile.Failure.tooLarge(bytes: bytes, limit: limit)); expected a scenario file of at most \(TextFile.size(limit))")
            }
        }
        do {
            guard let composed = try Yams.compose(yaml: yaml) else {
                throw ScenarioError.invalid(file: file, issues: [ScenarioIssue("", "the file is empty; expected a scenario mapping with name, seed, simulation, market, exchange, positions and impact")])
            }
            node = composed
        } catch let error as ScenarioError {
            throw error
        } catch {
            throw .syntax(file: file, message: syntaxMessage(error))
        }
        guard node.mapping != nil else {
            throw .invalid(file: file, issues: [ScenarioIssue("", "expected a mapping of scenario keys at the top level")])
        }
        for assignment in assignments { node = try assignment.apply(to: node, file: file) }
        // Every problem of the structure: after each, the value at fault is set aside
        // (DecodingRepair) and decoding goes on, until it succeeds or a problem cannot be set
        // aside. Problems inside a value set aside are the repair's, not the file's: not reported.
        var issues: [ScenarioIssue] = []
        var setAside: [[String]] = []
        while true {
            let problem: (issue: ScenarioIssue, path: [String]?, unknownKey: String?)
            do {
                let scenario = try YAMLDecoder().decode(ScenarioFile.self, from: node)
                if issues.isEmpty { return scenario }
                break
            } catch let error as DecodingProblem {
                problem = (error.issue, error.path, error.unknownKey)
            } catch let error as DecodingError {
                problem = (issue(for: error, in: node), faultPath(of: error), nil)
            } catch let issue as ScenarioIssue {
                problem = (issue, nil, nil)
            } catch {
                problem = (ScenarioIssue("", "\(error)"), nil, nil)
            }
            if let path = problem.path, setAside.contains(where: { path.starts(with: $0) }) { break }
            issues.append(problem.issue)
            guard issues.count < maximumDecodingIssues, let path = problem.path else { break }
            if let key = problem.unknownKey, let repaired = DecodingRepair.dropping(key, at: path, in: node) {
                node = repaired
                setAside.append(path + [key])
            } else if problem.unknownKey == nil, let repaired = DecodingRepair.replacing(at: path, in: node) {
                node = repaired.node
                // A model's type decides which keys it may have: what follows inside it is the repair's.
                setAside.append(repaired.replaced.last == "type" ? Array(repaired.replaced.dropLast()) : repaired.replaced)
            } else {
                break
            }
        }
        if issues.count >= maximumDecodingIssues {
            issues.append(ScenarioIssue("", "more problems may follow; fix these \(maximumDecodingIssues) first"))
        }
        throw .invalid(file: file, issues: issues)
    }

    /// The most structural problems reported for one file.
    static let maximumDecodingIssues = 50

    /// The path of the value a decoding error is about (for a missing key, the key's).
    static func faultPath(of error: DecodingError) -> [String]? {
        switch error {
        case let .keyNotFound(key, context): return DecodingProblem.segments(context.codingPath) + [key.stringValue]
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .dataCorrupted(context):
            return DecodingProblem.segments(context.codingPath)
        @unknown default: return nil
        }
    }

    /// `line:column: problem` of a Yams error, without the snippet of the file (or, for
    /// duplicate keys, the whole file) that its description carries.
    static func syntaxMessage(_ error: any Error) -> String {
        guard let error = error as? YamlError else { return "\(type(of: error))" }
        switch error {
        case let .scanner(_, problem, mark, _), let .parser(_, problem, mark, _), let .composer(_, problem, mark, _):
            return "\(mark.line):\(mark.column): \(problem)"
        case let .reader(problem, _, _, _):
            return problem
        case let .duplicatedKeysInMapping(duplicates, context):
            return "\(context.mark.line):\(context.mark.column): duplicate keys \(duplicates.map { ErrorText.quoted($0) }.joined(separator: ", "))"
        case .no, .memory, .writer, .emitter, .representer, .dataCouldNotBeDecoded:
            return "\(error)"
        }
    }

    static func issue(for error: DecodingError, in root: Node) -> ScenarioIssue {
        switch error {
        case let .keyNotFound(key, context):
            return ScenarioIssue(KeyPath.render(context.codingPath, appending: key.stringValue), "missing required key")
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            let found = describe(node(at: context.codingPath, in: root))
            return ScenarioIssue(context.codingPath, "expected \(expectation(for: type)), found \(found)")
        case let .dataCorrupted(context):
            let found = describe(node(at: context.codingPath, in: root))
            return ScenarioIssue(context.codingPath, "\(context.debugDescription) (found \(found))")
        @unknown default:
            return ScenarioIssue("", "\(error)")
        }
    }

    /// How a Swift type reads in a message.
    static func expectation(for type: Any.Type) -> String {
        if let value = type as? any ScenarioValue.Type { return value.expectation }
        if type == Double.self { return "a number" }
        if type == Int.self { return "a whole number" }
        if type == UInt64.self { return "a whole number ≥ 0" }
        if type == String.self { return "text" }
        if type == Bool.self { return "true or false" }
        let name = String(describing: type)
        if name.contains("Array") || name.contains("Sequence") { return "a list" }
        return "a mapping of keys to values"
    }

    static func node(at path: [any CodingKey], in root: Node) -> Node? {
        ScenarioAssignment.value(at: DecodingProblem.segments(path)[...], in: root)
    }

    static func describe(_ node: Node?) -> String {
        guard let node else { return "nothing" }
        switch node {
        case let .scalar(scalar):
            if scalar.string == "~" || scalar.string == "null" || scalar.string.isEmpty { return "null" }
            return ErrorText.quoted(scalar.string)
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    static func loadPositionsFile(_ relative: String, directory: URL, scenarioFile: String,
                                  rules: [MarginRule], assets: [AssetSection], inverse: [Bool],
                                  flatMaximumLeverage: Double) throws(ScenarioError) -> (isolated: [(Position, Int)], cross: [PositionsCSV.Row]) {
        let url = relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : directory.appendingPathComponent(relative)
        let text: String
        do { text = try TextFile.read(url) } catch {
            throw .invalid(file: scenarioFile, issues: [ScenarioIssue("positions.file", "\(ErrorText.quoted(relative)) (\(ErrorText.path(url.path, limit: 80))): \(error); expected a CSV file relative to the scenario")])
        }
        let rows: [PositionsCSV.Row]
        do { rows = try PositionsCSV.parse(text, maximumLeverage: flatMaximumLeverage) } catch {
            throw .invalid(file: scenarioFile, issues: [ScenarioIssue("positions.file", "\(ErrorText.clipped(relative)):\(error.location): \(error.message)")])
        }
        let symbols = assets.map(\.symbol)
        var issues: [ScenarioIssue] = []
        var result: [(Position, Int)] = []
        var cross: [PositionsCSV.Row] = []
        var fileNotional = 0.0
        for row in rows {
            let asset: Int
            if let symbol = row.asset {
                guard let index = symbols.firstIndex(of: symbol) else {
                    issues.append(ScenarioIssue("positions.file", "\(ErrorText.clipped(relative)):\(row.line): asset \(ErrorText.quoted(symbol)) is not in market.assets; expected one of: \(symbols.joined(separator: ", "))"))
                    continue
                }
                asset = index
            } else if assets.count > 1 {
                issues.append(ScenarioIssue("positions.file", "\(ErrorText.clipped(relative)):\(row.line): no asset; with several assets the header must be 'side,quantity,entryPrice,leverage,asset'"))
                break
            } else {
                asset = 0
            }
            if row.isCross {
                // A cross account's leg: its margin is the account's wallet (accounts.file).
                let notional = row.position.entryNotional
                if !ModelLimits.price.contains(row.position.entryPrice) || notional > ModelLimits.money
                    || !(notional >= ModelLimits.smallestNotional) {
                    issues.append(ScenarioIssue("positions.file", "\(ErrorText.clipped(relative)):\(row.line): entry price \(ScenarioValidator.format(row.position.entryPrice)) and notional \(ScenarioValidator.format(notional)) are out of range; expected an entry price ≥ 1e-12 and ≤ 1e12 and a notional ≥ 1e-6 and ≤ 1e+15"))
                } else if inverse[asset] {
                    issues.append(ScenarioIssue("positions.file", "\(ErrorText.clipped(relative)):\(row.line): \(symbols[asset]) is an inverse contract, which cross accounts cannot hold; expected marginMode isolated"))
                } else {
                    fileNotional += notional
                    cross.append(row)
                }
                if issues.count == 20 { break }
                continue
            }
            // An inverse asset's row is Q contracts (USD) at E with leverage L, margin Q/E/L coin: in
            // its reciprocal form for the reciprocal rule, at y₀ = 1/P₀ (messages give P).
            let isInverse = inverse[asset]
            let position = isInverse
                ? InverseMarginRule.reciprocalPosition(side: row.position.side, contracts: row.position.quantity,
                                                       entryPrice: row.position.entryPrice, leverage: row.position.leverage)
                : row.position
            let price = isInverse ? 1 / assets[asset].price : assets[asset].price
            let rule = rules[asset]
            let limit = rule.allows(leverage: position.leverage, quantity: position.quantity, entryPrice: position.entryPrice,
                                    side: position.side)
            if !limit.allowed && position.leverage > limit.maximum {
                issues.append(ScenarioIssue("positions.file", "\(ErrorText.clipped(relative)):\(row.line): leverage \(ScenarioValidator.format(position.leverage)) is above the venue's maximum \(ScenarioValidator.format(limit.maximum)) for a position of this size"))
                continue
            }
            // The USD notional: quantity × entryPrice, or an inverse contract's Q contracts of 1 USD.
            let notional = isInverse ? row.position.quantity : row.position.entryNotional
            if !ModelLimits.price.contains(row.position.entryPrice) || notional > ModelLimits.money
                || !(notional >= ModelLimits.smallestNotional) {
                let what = isInverse ? "contracts (USD)" : "notional"
                let expected = isInverse ? "contracts" : "a notional quantity × entryPrice"
                issues.append(ScenarioIssue("positions.file", "\(relative):\(row.line): entry price \(ScenarioValidator.format(row.position.entryPrice)) and \(what) \(ScenarioValidator.format(notional)) are out of range; expected an entry price ≥ 1e-12 and ≤ 1e12 and \(expected) ≥ 1e-6 and ≤ 1e+15\(ScenarioValidator.limitNote)"))
                continue
            }
            fileNotional += notional
            let liq = rule.liquidationPrice(of: position)
            if rule.isLiquidatable(position, at: price) || !(position.side == .long ? liq < price : liq > price) {
                let shown = isInverse ? (liq > 0 ? 1 / liq : .infinity) : liq
                issues.append(ScenarioIssue("positions.file", "\(ErrorText.clipped(relative)):\(row.line): this \(row.position.side.rawValue) is already liquidatable at the initial price \(ScenarioValidator.format(assets[asset].price)) (its liquidation price is \(ScenarioValidator.format(shown))); expected a position that is solvent at the start"))
            }
            result.append((position, asset))
            if issues.count == 20 { break }
        }
        if issues.isEmpty && fileNotional > ModelLimits.money {
            issues.append(ScenarioIssue("positions.file", "\(relative): the positions' notionals add up to \(ScenarioValidator.format(fileNotional)); expected at most 1e+15\(ScenarioValidator.limitNote)"))
        }
        guard issues.isEmpty else { throw .invalid(file: scenarioFile, issues: issues) }
        return (result, cross)
    }
}
