import Foundation
import Yams

/// Command-line values that replace the scenario's own.
public struct ScenarioOverrides: Sendable, Equatable {
    public var paths: Int?
    public var seed: UInt64?
    public init(paths: Int? = nil, seed: UInt64? = nil) {
        self.paths = paths
        self.seed = seed
    }
}

/// A scenario that passed every check, with the engine configuration built from it.
public struct LoadedScenario: Sendable {
    /// The scenario file's path as given.
    public let file: String
    public let scenario: ScenarioFile
    public let config: SimulationConfig
    /// Report quantile levels, ascending and without duplicates.
    public let quantiles: [Double]
    /// Which report files to write.
    public let outputs: Set<String>
    /// Positions read from the CSV file and generated synthetically.
    public let filePositions: Int
    public let syntheticPositions: Int
}

/// Reads, decodes and validates a scenario file, then builds its ``SimulationConfig``: the one
/// way from a file on disk to the engine. Data flows one way: file → ``ScenarioFile`` →
/// issues or ``LoadedScenario``.
public enum ScenarioLoader {
    /// Loads the scenario at `path`.
    public static func load(path: String, overrides: ScenarioOverrides = .init()) throws(ScenarioError) -> LoadedScenario {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(file: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw .unreadable(file: path, reason: "is a directory, expected a scenario file") }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw .unreadable(file: path, reason: "cannot be read as UTF-8 text (\(error.localizedDescription))")
        }
        return try load(yaml: text, file: path, directory: url.deletingLastPathComponent(), overrides: overrides)
    }

    /// Loads a scenario from YAML text; `file` names it in messages and `directory` resolves
    /// relative positions files.
    public static func load(yaml: String, file: String, directory: URL,
                            overrides: ScenarioOverrides = .init()) throws(ScenarioError) -> LoadedScenario {
        var scenario = try decode(yaml: yaml, file: file)
        if let paths = overrides.paths { scenario.simulation.paths = paths }
        if let seed = overrides.seed { scenario.seed = seed }
        var issues = ScenarioValidator.issues(in: scenario)
        if overrides.paths != nil {
            issues = issues.map { $0.location == "simulation.paths" ? ScenarioIssue("--paths", $0.message) : $0 }
        }
        guard issues.isEmpty else { throw .invalid(file: file, issues: issues) }

        let asset = scenario.market.assets[0]
        let rule = FlatMarginRule(maintenanceMarginRate: scenario.exchange.maintenanceMarginRate,
                                  liquidationFee: scenario.exchange.liquidationFee)
        var positions: [Position] = []
        var fromFile = 0
        if let relative = scenario.positions.file {
            let loaded = try loadPositionsFile(relative, directory: directory, scenarioFile: file,
                                               rule: rule, price: asset.price)
            positions += loaded
            fromFile = loaded.count
        }
        var synthetic = 0
        if let s = scenario.positions.synthetic {
            let mix = s.leverageMix.map { (leverage: Double($0.key)!, weight: $0.value) }.sorted { $0.leverage < $1.leverage }
            let population = SyntheticPopulation(count: s.count, openInterest: s.openInterest, longShare: s.longShare,
                                                 leverageMix: mix, entrySpread: s.entrySpread, sizeSigma: s.size.sigma)
            do {
                positions += try population.generate(price: asset.price, rule: rule, seed: scenario.seed)
            } catch {
                throw .invalid(file: file, issues: [ScenarioIssue("positions.synthetic", "\(error); reduce entrySpread or the leverage")])
            }
            synthetic = s.count
        }

        let sim = scenario.simulation
        let steps = ScenarioValidator.stepCount(horizon: sim.horizon, step: sim.step)!
        let stride = scenario.report.timeseriesInterval.map { ScenarioValidator.stepCount(horizon: $0, step: sim.step)! } ?? 1
        let model = asset.model
        let config = SimulationConfig(
            seed: scenario.seed,
            paths: sim.paths,
            steps: steps,
            stepSeconds: sim.step.seconds,
            initialPrice: asset.price,
            priceModel: JumpDiffusionModel(
                drift: model.drift, volatility: model.volatility,
                jumps: model.jumps.map { MertonJumps(intensity: $0.intensity, mean: $0.mean, stdev: $0.stdev) }),
            impact: ImpactModel(shape: ImpactModel.Shape(rawValue: scenario.impact.model)!,
                                depth: scenario.impact.depth, coefficient: scenario.impact.coefficient,
                                recoveryHalfLife: scenario.impact.recoveryHalfLife.seconds),
            insuranceFund: scenario.exchange.insuranceFund,
            ladder: LiquidationLadder(positions: positions, rule: rule),
            maxCascadeRounds: sim.maxCascadeRounds,
            timeSeries: TimeSeriesLayout(steps: steps, stride: stride, relativeAccuracy: scenario.report.timeseriesAccuracy))
        return LoadedScenario(file: file, scenario: scenario, config: config,
                              quantiles: Array(Set(scenario.report.quantiles)).sorted(),
                              outputs: Set(scenario.report.outputs),
                              filePositions: fromFile, syntheticPositions: synthetic)
    }

    /// Decodes YAML into a ``ScenarioFile``, turning Yams' and Codable's errors into messages that
    /// name the key path and quote the offending value.
    public static func decode(yaml: String, file: String) throws(ScenarioError) -> ScenarioFile {
        let node: Node
        do {
            guard let composed = try Yams.compose(yaml: yaml) else {
                throw ScenarioError.invalid(file: file, issues: [ScenarioIssue("", "the file is empty; expected a scenario mapping with name, seed, simulation, market, exchange, positions and impact")])
            }
            node = composed
        } catch let error as ScenarioError {
            throw error
        } catch {
            throw .syntax(file: file, message: "\(error)".replacingOccurrences(of: "\n", with: " "))
        }
        guard node.mapping != nil else {
            throw .invalid(file: file, issues: [ScenarioIssue("", "expected a mapping of scenario keys at the top level")])
        }
        do {
            return try YAMLDecoder().decode(ScenarioFile.self, from: node)
        } catch let issue as ScenarioIssue {
            throw .invalid(file: file, issues: [issue])
        } catch let error as DecodingError {
            throw .invalid(file: file, issues: [issue(for: error, in: node)])
        } catch {
            throw .invalid(file: file, issues: [ScenarioIssue("", "\(error)")])
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
        if type == Double.self { return "a number" }
        if type == Int.self { return "a whole number" }
        if type == UInt64.self { return "a whole number ≥ 0" }
        if type == String.self { return "text" }
        let name = String(describing: type)
        if name.contains("Array") || name.contains("Sequence") { return "a list" }
        return "a mapping of keys to values"
    }

    static func node(at path: [any CodingKey], in root: Node) -> Node? {
        var current: Node? = root
        for key in path {
            guard let n = current else { return nil }
            if let index = key.intValue, let sequence = n.sequence {
                current = index < sequence.count ? sequence[index] : nil
            } else {
                current = n.mapping?[Node(key.stringValue)]
            }
        }
        return current
    }

    static func describe(_ node: Node?) -> String {
        guard let node else { return "nothing" }
        switch node {
        case let .scalar(scalar):
            if scalar.string == "~" || scalar.string == "null" || scalar.string.isEmpty { return "null" }
            return "'\(scalar.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    static func loadPositionsFile(_ relative: String, directory: URL, scenarioFile: String,
                                  rule: FlatMarginRule, price: Double) throws(ScenarioError) -> [Position] {
        let url = relative.hasPrefix("/") ? URL(fileURLWithPath: relative) : directory.appendingPathComponent(relative)
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            let reason = FileManager.default.fileExists(atPath: url.path) ? "cannot be read as UTF-8 text" : "no such file"
            throw .invalid(file: scenarioFile, issues: [ScenarioIssue("positions.file", "'\(relative)' (\(url.path)): \(reason); expected a CSV file relative to the scenario")])
        }
        let rows: [(position: Position, line: Int)]
        do { rows = try PositionsCSV.parse(text, maximumLeverage: rule.maximumLeverage) } catch {
            throw .invalid(file: scenarioFile, issues: [ScenarioIssue("positions.file", "\(relative):\(error.line): \(error.message)")])
        }
        var issues: [ScenarioIssue] = []
        for (position, line) in rows where rule.isLiquidatable(position, at: price) || !(position.side == .long
            ? rule.liquidationPrice(of: position) < price : rule.liquidationPrice(of: position) > price) {
            let liq = rule.liquidationPrice(of: position)
            issues.append(ScenarioIssue("positions.file", "\(relative):\(line): this \(position.side.rawValue) is already liquidatable at the initial price \(ScenarioValidator.format(price)) (its liquidation price is \(ScenarioValidator.format(liq))); expected a position that is solvent at the start"))
            if issues.count == 20 { break }
        }
        guard issues.isEmpty else { throw .invalid(file: scenarioFile, issues: issues) }
        return rows.map(\.position)
    }
}
