import Foundation
import Testing
@testable import CascadeKit

/// Hostile and malformed input: every problem is one bounded error line naming the file, the key
/// path and what is allowed — never a crash, a hang or a silent default.
@Suite("Scenario hardening")
struct ScenarioHardeningTests {
    struct Row: CustomTestStringConvertible, Sendable {
        /// A change to ``ScenarioText/valid``.
        var change: (String, String)
        /// The exact key path and message of the error line (the line is `test.yaml: LOCATION: MESSAGE`).
        var location: String
        var message: String
        /// Files written next to the scenario: name → contents.
        var files: [String: Data] = [:]
        /// Directories made next to the scenario.
        var directories: [String] = []
        var testDescription: String { "\(location): \(message)" }

        /// The error line the row expects.
        var line: String { location.isEmpty ? "test.yaml: \(message)" : "test.yaml: \(location): \(message)" }
    }

    /// The whole `market:` section of ``ScenarioText/valid``.
    static let marketSection: String = {
        let text = ScenarioText.valid
        return String(text[text.range(of: "market:\n")!.lowerBound..<text.range(of: "exchange:\n")!.lowerBound])
    }()

    /// The lines of the error loading `row`'s scenario, or nil if it loads.
    static func errorLines(_ row: Row) throws -> [String]? {
        let directory = ScenarioText.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, data) in row.files { try data.write(to: directory.appendingPathComponent(name)) }
        for name in row.directories {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        do {
            _ = try ScenarioLoader.load(yaml: ScenarioText.replacing(row.change.0, with: row.change.1), file: "test.yaml",
                                        directory: directory)
            return nil
        } catch {
            // Files' directories differ per run: "(/…/book.csv)" reads "(/DIR/book.csv)".
            return error.description.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                line.replacingOccurrences(of: #"\(/[^)]*/(book|prices)\.csv\)"#, with: "(/DIR/$1.csv)", options: .regularExpression)
            }
        }
    }

    static func check(_ row: Row) throws {
        guard let lines = try errorLines(row) else { Issue.record("accepted: \(row.change.1)"); return }
        #expect(lines == [row.line], "got: \(lines)")
        #expect(lines.allSatisfy { $0.unicodeScalars.count <= ErrorText.lineLimit })
    }

    static let mix = "{5: 0.5, 20: 0.5}"
    static let keyExpectation = "expected keys that are single values such as names or numbers"

    static let jumps = "jumps:\n          intensity: 10\n          mean: -0.02\n          stdev: 0.01"
    static let gbm = "type: gbm\n        volatility: 0.5\n        drift: 0\n        \(jumps)"
    static let replay = "type: replay\n        file: prices.csv"
    static let book = "  synthetic:\n"
    static let withBook = "  file: book.csv\n  synthetic:\n"
    static let header = "side,quantity,entryPrice,leverage\n"

    // MARK: 3 — bounded, escaped lines

    static let long = String(repeating: "x", count: 500)
    static let clipped = String(repeating: "x", count: 60) + "…"

    static let boundRows: [Row] = [
        Row(change: ("name: test", "name: test\n\(long): 1"), location: "",
            message: "unknown key '\(clipped)'; allowed keys: name, description, seed, simulation, market, exchange, positions, accounts, impact, mechanisms, report, reported"),
        Row(change: ("name: test", "name: test\n\"a\\0b\\nc\": 1"), location: "",
            message: "unknown key 'a\\0b\\nc'; allowed keys: name, description, seed, simulation, market, exchange, positions, accounts, impact, mechanisms, report, reported"),
        Row(change: ("step: 1m", "step: \"1m\\t\(long)\""), location: "simulation.step",
            message: "'1m\\t" + String(repeating: "x", count: 56) + "…' is not a duration; expected a number ≥ 0 and a unit: s, m, h or d (e.g. 30s, 1m, 4h, 7d)"),
        Row(change: ("  maintenanceMarginRate: 0.005\n  liquidationFee: 0.003\n", "  preset: \(long)\n"), location: "exchange.preset",
            message: "'\(clipped)' is not a venue preset; expected one of: binance-usdm, bybit, okx, bitmex, dydx-v4, hyperliquid"),
        Row(change: ("type: gbm", "type: \"gbm\\r\\u001B[2J\""), location: "market.assets[0].model.type",
            message: "'gbm\\r\\u{1B}[2J' is not a known model; expected one of: gbm, studentT, garch, heston, regimeSwitching, replay, bootstrap"),
        Row(change: (mix, "{5: 0.5, 20: 0.5, \(long): 0}"), location: "positions.synthetic.leverageMix." + String(repeating: "x", count: 68) + "…",
            message: "'\(clipped)' is not a leverage; expected a number ≥ 1 as the key"),
    ]

    @Test("quoted values are cut and escaped, and every line stays short", arguments: boundRows)
    func bounds(_ row: Row) throws { try Self.check(row) }

    @Test("error text: quoting, escaping and the line bound")
    func errorText() {
        #expect(ErrorText.quoted("a\u{0}b\n\tc\r\u{1B}\u{202E}") == "'a\\0b\\n\\tc\\r\\u{1B}\\u{202E}'")
        #expect(ErrorText.quoted(String(repeating: "é", count: 61)) == "'" + String(repeating: "é", count: 60) + "…'")
        #expect(ErrorText.quoted(String(repeating: "y", count: 60)) == "'" + String(repeating: "y", count: 60) + "'")
        #expect(ErrorText.clipped("\u{0}\u{0}\u{0}", limit: 5) == "\\0\\0…")
        let line = ErrorText.line(String(repeating: "z", count: 1000), suffix: " (at k=v)")
        #expect(line.unicodeScalars.count == ErrorText.lineLimit && line.hasSuffix("z… (at k=v)"), "\(line.unicodeScalars.count)")
        #expect(ErrorText.shorteningQuotes("x '\(Self.long)' y 'short'") == "x '\(Self.clipped)' y 'short'")
        #expect(ErrorText.path("/tmp/" + Self.long + "/s.yaml").hasPrefix("…") && ErrorText.path("/tmp/" + Self.long + "/s.yaml").hasSuffix("x/s.yaml"))
        let error = ScenarioError.invalid(file: "f\nname.yaml", issues: [ScenarioIssue("a\nb", "c\nd")])
        #expect(error.description == "f\\nname.yaml: a\\nb: c\\nd")
    }

    // MARK: 1, 2 — mapping keys, aliases, nesting, syntax

    static let keyRows: [Row] = [
        Row(change: (mix, "{'2': 0.0, 2: 0.3, 20: 0.7}"), location: "positions.synthetic.leverageMix",
            message: "key '2' appears twice (line 29, column 19 and line 29, column 29); expected each key once (keys compare as text: 2 and '2' are the same key)"),
        Row(change: (mix, "{5: 0.5, 20: 0.5, 5: 0}"), location: "positions.synthetic.leverageMix",
            message: "key '5' appears twice (line 29, column 19 and line 29, column 36); expected each key once"),
        Row(change: ("seed: 1\n", "seed: 1\nseed: 2\n"), location: "",
            message: "key 'seed' appears twice (line 3, column 1 and line 4, column 1); expected each key once"),
        Row(change: ("name: test\n", "name: test\n[a, b]: 1\n"), location: "",
            message: "a list is used as a key (line 2, column 1); \(keyExpectation)"),
        Row(change: ("name: test\n", "name: test\n? {a: 1}\n: 1\n"), location: "",
            message: "a mapping is used as a key (line 2, column 3); \(keyExpectation)"),
        Row(change: (mix, "{5: 0.5, 20: 0.5, [1]: 0.5}"), location: "positions.synthetic.leverageMix",
            message: "a list is used as a key (line 29, column 36); \(keyExpectation)"),
        Row(change: (mix, "{5: 0.5, 20: 0.5, {a: 1}: 0.5}"), location: "positions.synthetic.leverageMix",
            message: "a mapping is used as a key (line 29, column 36); \(keyExpectation)"),
        Row(change: ("description: a small scenario for tests", "description: &d [a, b]\nx:\n  *d : 1"), location: "x",
            message: "the alias *d (a list) is used as a key (line 4, column 3); \(keyExpectation)"),
        Row(change: ("description: a small scenario for tests", "description: &k seed\n*k : 2"), location: "",
            message: "key 'seed' appears twice (line 3, column 1 and line 4, column 1); expected each key once"),
        Row(change: ("seed: 1", "*k : 1"), location: "",
            message: "the alias *k (line 3, column 1) has no anchor &k before it; expected an alias to an anchor defined earlier"),
        Row(change: ("seed: 1", "seed: *nope"), location: "seed",
            message: "the alias *nope (line 3, column 7) has no anchor &nope before it; expected an alias to an anchor defined earlier"),
        Row(change: ("name: test", "name: test\n<<: 5"), location: "<<",
            message: "a single value is a merge key's value (line 2, column 5); expected a mapping, an alias to one or a list of them"),
        Row(change: ("name: test", "name: test\n<<: [{a: 1}, 5]"), location: "<<[1]",
            message: "a single value is in a merge key's list (line 2, column 14); expected mappings or aliases to mappings"),
        Row(change: ("name: test", "name: " + String(repeating: "[", count: 70) + String(repeating: "]", count: 70)), location: "name" + String(repeating: "[0]", count: 32) + "…",
            message: "nests deeper than 64 levels (line 1, column 70); expected at most 64 levels of mappings and lists"),
    ]

    @Test("mapping keys are single values and unique; aliases resolve; nesting is bounded", arguments: keyRows)
    func keys(_ row: Row) throws { try Self.check(row) }

    /// A "billion laughs" of `levels` levels: each anchor a list of ten aliases to the one before.
    static func bomb(levels: Int) -> String {
        var text = "  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for i in 1..<levels {
            text += "  l\(i): &l\(i) [" + Array(repeating: "*l\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        return text
    }

    @Test("a billion-laughs alias bomb is refused at once, as a key and as a value")
    func aliasBomb() throws {
        let bomb = Self.bomb(levels: 9)
        let asKey = "laughs:\n\(bomb)  ? *l8\n  : 1\n" + ScenarioText.valid
        let asValue = "laughs:\n\(bomb)" + ScenarioText.valid.replacingOccurrences(of: "description: a small scenario for tests", with: "description: *l8")
        let expected = "test.yaml: laughs.l4[7]: the alias *l3 (line 6, column 47) expands to more than 100000 values; expected at most 100000 values with aliases expanded"
        for yaml in [asKey, asValue] {
            let start = ContinuousClock.now
            #expect(throws: ScenarioError.self) { try ScenarioLoader.decode(yaml: yaml, file: "test.yaml") }
            do { _ = try ScenarioLoader.decode(yaml: yaml, file: "test.yaml") } catch { #expect(error.description == expected) }
            #expect(ContinuousClock.now - start < .seconds(2))
        }
        // Under the bound, an alias to a large list used as a key is still refused, without hashing it.
        let small = "laughs:\n\(Self.bomb(levels: 4))  ? *l3\n  : 1\n" + ScenarioText.valid
        do {
            _ = try ScenarioLoader.decode(yaml: small, file: "test.yaml")
            Issue.record("accepted an alias to a list as a key")
        } catch {
            #expect(error.description == "test.yaml: laughs: the alias *l3 (a list) is used as a key (line 6, column 5); \(Self.keyExpectation)")
        }
        // Aliases to scalars and mappings that stay small are fine, and so is a merge key.
        let fine = ScenarioText.replacing("  step: 1m", with: "  step: &step 1m")
            .replacingOccurrences(of: "recoveryHalfLife: 5m", with: "recoveryHalfLife: *step")
            .replacingOccurrences(of: "impact:\n  model: squareRoot\n  depth: 5000000\n",
                                  with: "base: &base\n  model: squareRoot\n  depth: 5000000\nimpact:\n  <<: *base\n")
        do {
            _ = try ScenarioLoader.decode(yaml: fine, file: "test.yaml")
            Issue.record("accepted the unknown key 'base'")
        } catch {
            #expect(error.description == "test.yaml: unknown key 'base'; allowed keys: name, description, seed, simulation, market, exchange, positions, accounts, impact, mechanisms, report, reported (did you mean 'name'?)")
        }
        let merged = try ScenarioLoader.load(yaml: fine.replacingOccurrences(of: "base: &base\n  model: squareRoot\n  depth: 5000000\nimpact:\n  <<: *base\n",
                                                                             with: "impact:\n  <<: {model: squareRoot, depth: 5000000}\n"),
                                             file: "test.yaml", directory: URL(fileURLWithPath: "/"))
        #expect(merged.config.assets[0].impact.depth == 5_000_000 && merged.config.assets[0].impact.recoveryHalfLife == 60)
    }

    @Test("syntax errors are one line with line:column and the problem, never Yams' snippet or the file")
    func syntax() {
        func message(_ yaml: String) -> String {
            do { _ = try ScenarioLoader.decode(yaml: yaml, file: "bad.yaml"); return "" } catch { return error.description }
        }
        #expect(message("name: [unclosed\nseed: 1\n") == "bad.yaml: not valid YAML: 2:5: did not find expected ',' or ']'")
        #expect(message("name: a\n  seed: 1\n") == "bad.yaml: not valid YAML: 2:7: mapping values are not allowed in this context")
        #expect(message("name: te\u{0}st\n") == "bad.yaml: not valid YAML: 1:9: control characters are not allowed (U+0000)")
        #expect(message(ScenarioText.valid + "---\nname: again\n") == "bad.yaml: not valid YAML: 38:1: a second YAML document starts here; expected one scenario per file")
        #expect(message("a: 'b\n") == "bad.yaml: not valid YAML: 2:1: found unexpected end of stream")
        let large = "description: " + String(repeating: "x", count: 4 * 1024 * 1024) + "\n"
        #expect(message(large) == "bad.yaml: is \(large.utf8.count) bytes, larger than the limit of 4.0 MiB; expected a scenario file of at most 4.0 MiB")
    }

    @Test("a --vary value is prescanned like the file: duplicate keys and bad syntax name the key")
    func assignmentValues() {
        func message(_ text: String) -> String {
            do {
                _ = try ScenarioLoader.load(yaml: ScenarioText.valid, file: "t.yaml", directory: URL(fileURLWithPath: "/"),
                                            overrides: ScenarioOverrides(assignments: [try ScenarioAssignment(parsing: text)]))
                return ""
            } catch { return error.description }
        }
        #expect(message("positions.synthetic.leverageMix={2: 0.5, '2': 0.5}")
                == "t.yaml: positions.synthetic.leverageMix: key '2' appears twice (line 1, column 2 of the value and line 1, column 10 of the value); expected each key once (keys compare as text: 2 and '2' are the same key)")
        #expect(message("impact.depth=[1") == "t.yaml: impact.depth: '[1' is not a YAML value (2:1: did not find expected ',' or ']')")
        #expect(message("positions.synthetic.leverageMix={[1]: 1}")
                == "t.yaml: positions.synthetic.leverageMix: a list is used as a key (line 1, column 2 of the value); \(Self.keyExpectation)")
    }

    // MARK: 4 — wrong types name what the key expects

    static let simulation = "simulation:\n  paths: 10\n  horizon: 1h\n  step: 1m"
    static let reportSection = "recoveryHalfLife: 5m\nreport:\n  "

    static let typeRows: [Row] = [
        Row(change: ("seed: 1", "seed: [7]"), location: "seed", message: "expected a whole number ≥ 0, found a list"),
        Row(change: ("seed: 1", "seed: {a: 1}"), location: "seed", message: "expected a whole number ≥ 0, found a mapping"),
        Row(change: ("seed: 1", "seed: ~"), location: "seed", message: "expected a whole number ≥ 0, found null"),
        Row(change: ("seed: 1", "seed: 1.5"), location: "seed", message: "expected a whole number ≥ 0, found '1.5'"),
        Row(change: ("paths: 10", "paths: [10]"), location: "simulation.paths", message: "expected a whole number, found a list"),
        Row(change: ("price: 100000", "price: {usd: 1}"), location: "market.assets[0].price", message: "expected a number, found a mapping"),
        Row(change: ("volatility: 0.5", "volatility: [0.5]"), location: "market.assets[0].model.volatility", message: "expected a number, found a list"),
        Row(change: ("name: test", "name: [test]"), location: "name", message: "expected text, found a list"),
        Row(change: ("symbol: BTCUSDT", "symbol: {a: b}"), location: "market.assets[0].symbol", message: "expected text, found a mapping"),
        Row(change: ("step: 1m", "step: [1m]"), location: "simulation.step", message: "expected a duration like 30s, 1m, 4h or 7d, found a list"),
        Row(change: ("step: 1m", "step:"), location: "simulation.step", message: "expected a duration like 30s, 1m, 4h or 7d, found null"),
        Row(change: (simulation, "simulation: 5"), location: "simulation",
            message: "expected a mapping (keys: paths, horizon, step, maxCascadeRounds), found '5'"),
        Row(change: ("assets:\n", "assets:\n    - 5\n"), location: "market.assets[0]",
            message: "expected a mapping (keys: symbol, price, model, impact, shocks, tierTable, contract), found '5'"),
        Row(change: (marketSection, "market:\n  assets: {a: 1}\n"), location: "market.assets",
            message: "expected a list of mappings (keys: symbol, price, model, impact, shocks, tierTable, contract), found a mapping"),
        Row(change: ("      model:\n        type: gbm\n        volatility: 0.5\n        drift: 0\n        \(jumps)", "      model: gbm"),
            location: "market.assets[0].model", message: "expected a mapping with a type and that model's keys, found 'gbm'"),
        Row(change: (jumps, "jumps: 5"), location: "market.assets[0].model.jumps",
            message: "expected a mapping (keys: intensity, mean, stdev, compensated), found '5'"),
        Row(change: ("      model:", "      shocks: [5]\n      model:"), location: "market.assets[0].shocks[0]",
            message: "expected a mapping (keys: at, move, over, from, to, volatilityMultiplier), found '5'"),
        Row(change: ("      model:", "      shocks: {at: 1m}\n      model:"), location: "market.assets[0].shocks",
            message: "expected a list of mappings (keys: at, move, over, from, to, volatilityMultiplier), found a mapping"),
        Row(change: ("  insuranceFund: 1000000", "  insuranceFund: 1000000\n  markPrice: last"), location: "exchange.markPrice",
            message: "expected a mapping (keys: type, window), found 'last'"),
        Row(change: ("  insuranceFund: 1000000", "  insuranceFund: 1000000\n  partialLiquidation: [false]"), location: "exchange.partialLiquidation",
            message: "expected true or false, found a list"),
        Row(change: ("assets:\n", "correlation: [1, 0]\n  assets:\n"), location: "market.correlation[0]",
            message: "expected a list of numbers, found '1'"),
        Row(change: ("assets:\n", "correlation: 1\n  assets:\n"), location: "market.correlation",
            message: "expected a list of lists of numbers, found '1'"),
        Row(change: (mix, "[5, 20]"), location: "positions.synthetic.leverageMix",
            message: "expected a mapping of keys to numbers, found a list"),
        Row(change: (mix, "{5: [0.5], 20: 0.5}"), location: "positions.synthetic.leverageMix.5",
            message: "expected a number, found a list"),
        Row(change: ("    size:\n      sigma: 1", "    size: 1"), location: "positions.synthetic.size",
            message: "expected a mapping (keys: sigma), found '1'"),
        Row(change: ("  synthetic:\n    count: 100\n    openInterest: 10000000\n    longShare: 0.6\n    leverageMix: {5: 0.5, 20: 0.5}\n    entrySpread: 0.03\n    size:\n      sigma: 1",
                     "  synthetic: 5"), location: "positions.synthetic",
            message: "expected a mapping (keys: asset, count, openInterest, longShare, leverageMix, entrySpread, size), or a list of them, one per asset, found '5'"),
        Row(change: ("positions:\n  synthetic:\n    count: 100\n    openInterest: 10000000\n    longShare: 0.6\n    leverageMix: {5: 0.5, 20: 0.5}\n    entrySpread: 0.03\n    size:\n      sigma: 1",
                     "positions: [1]"), location: "positions",
            message: "expected a mapping (keys: synthetic, file), found a list"),
        Row(change: ("impact:\n  model: squareRoot\n  depth: 5000000\n  coefficient: 1\n  recoveryHalfLife: 5m", "impact: 5"), location: "impact",
            message: "expected a mapping (keys: model, depth, coefficient, recoveryHalfLife), found '5'"),
        Row(change: ("recoveryHalfLife: 5m", "recoveryHalfLife: 5m\nreport: [summary]"), location: "report",
            message: "expected a mapping (keys: outputs, quantiles, timeseriesInterval, timeseriesAccuracy, confidence, riskLevels, drawdownThresholds, twin), found a list"),
        Row(change: ("recoveryHalfLife: 5m", reportSection + "outputs: summary"), location: "report.outputs",
            message: "expected a list of text values, found 'summary'"),
        Row(change: ("recoveryHalfLife: 5m", reportSection + "quantiles: 0.5"), location: "report.quantiles",
            message: "expected a list of numbers, found '0.5'"),
        Row(change: ("recoveryHalfLife: 5m", reportSection + "quantiles: [0.5, [1]]"), location: "report.quantiles[1]",
            message: "expected a number, found a list"),
        Row(change: ("recoveryHalfLife: 5m", reportSection + "twin: [true]"), location: "report.twin",
            message: "expected true or false, found a list"),
        Row(change: ("type: gbm\n        volatility: 0.5\n        drift: 0\n        \(jumps)", "type: regimeSwitching\n        regimes: calm\n        transitions: [[1]]\n        start: calm"),
            location: "market.assets[0].model.regimes", message: "expected a list of mappings (keys: name, volatility, drift, jumps), found 'calm'"),
    ]

    @Test("a value of the wrong kind names what its key expects", arguments: typeRows)
    func types(_ row: Row) throws { try Self.check(row) }

    // MARK: 4 — the cause of a failed synthetic book

    @Test("a size sigma too large for a double names size.sigma, not entrySpread or the leverage")
    func sigma() throws {
        // The scenario's limit (ModelLimits: σ ≤ 10) refuses it first, by name.
        try Self.check(Row(change: ("sigma: 1", "sigma: 1000"), location: "positions.synthetic.size.sigma",
                           message: "1000 is out of range; expected ≥ 0 and ≤ 10 (the model's numeric limit; docs/model.md, \"Numeric limits\")"))
        // The generator's own guard, for callers of the library, names the cause too.
        let population = SyntheticPopulation(count: 1_000, openInterest: 1e8, longShare: 0.5, leverageMix: [(5, 1)],
                                             entrySpread: 0.01, sizeSigma: 1_000)
        #expect(throws: SyntheticPopulation.GenerationError.notionalsOutOfRange) {
            _ = try population.generate(price: 100, rule: FlatMarginRule(maintenanceMarginRate: 0.005, liquidationFee: 0), seed: 1)
        }
    }

    // MARK: 4 — files that are not text

    static let fileRows: [Row] = [
        Row(change: (book, "  file: book.csv\n" + book), location: "positions.file",
            message: "'book.csv' (/DIR/book.csv): is a directory; expected a CSV file relative to the scenario", directories: ["book.csv"]),
        Row(change: (book, withBook), location: "positions.file",
            message: "'book.csv' (/DIR/book.csv): is not UTF-8 text (byte 36 is not valid UTF-8); expected a CSV file relative to the scenario",
            files: ["book.csv": Data(header.utf8) + Data([0x6C, 0x6F, 0xFF])]),
        Row(change: (gbm, replay), location: "market.assets[0].model.file",
            message: "'prices.csv' (/DIR/prices.csv): is a directory; expected a CSV file 'timestamp,price' relative to the scenario", directories: ["prices.csv"]),
        Row(change: (gbm, replay), location: "market.assets[0].model.file",
            message: "'prices.csv' (/DIR/prices.csv): is not UTF-8 text (byte 0 is not valid UTF-8); expected a CSV file 'timestamp,price' relative to the scenario",
            files: ["prices.csv": Data([0xC3, 0x28])]),
    ]

    @Test("a positions or price file that is a directory or not UTF-8 says so", arguments: fileRows)
    func files(_ row: Row) throws { try Self.check(row) }

    @Test("a scenario path that is a directory, not UTF-8 or too large says so, without Foundation's text")
    func scenarioFiles() throws {
        let directory = ScenarioText.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func message(_ path: String) -> String {
            do { _ = try ScenarioLoader.load(path: path); return "" } catch { return error.description }
        }
        #expect(message(directory.path) == "\(directory.path): is a directory; expected a scenario file (YAML)")
        let binary = directory.appendingPathComponent("binary.yaml")
        try Data([0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0xFE]).write(to: binary)
        #expect(message(binary.path) == "\(binary.path): is not UTF-8 text (byte 6 is not valid UTF-8); expected a scenario file (YAML, UTF-8)")
        let large = directory.appendingPathComponent("large.yaml")
        try Data(count: 5 * 1024 * 1024).write(to: large)
        #expect(message(large.path) == "\(large.path): is 5242880 bytes, larger than the limit of 4.0 MiB; expected a scenario file of at most 4.0 MiB")
    }

    // MARK: 5 — strict numbers in CSV files

    static let decimalExpectation = "expected a decimal number such as 0.5, 61250 or 2e-3"

    static func csv(_ text: String) -> [String: Data] { ["book.csv": Data(text.utf8)] }
    static func prices(_ text: String) -> [String: Data] { ["prices.csv": Data(text.utf8)] }
    static func priceLines(_ last: String) -> String {
        "timestamp,price\n" + (0..<60).map { "\($0 * 60),100" }.joined(separator: "\n") + "\n" + last + "\n"
    }

    static let csvRows: [Row] = [
        Row(change: (book, withBook), location: "positions.file",
            message: "book.csv:2, column 2: quantity '1\\00' is not a finite number; \(decimalExpectation)", files: csv(header + "long,1\u{0}0,100000,5\n")),
        Row(change: (book, withBook), location: "positions.file",
            message: "book.csv:2, column 3: entryPrice '100 000' is not a finite number; \(decimalExpectation)", files: csv(header + "long,1,100 000,5\n")),
        Row(change: (book, withBook), location: "positions.file",
            message: "book.csv:2, column 4: leverage 'inf' is not a finite number; \(decimalExpectation)", files: csv(header + "long,1,100000,inf\n")),
        Row(change: (book, withBook), location: "positions.file",
            message: "book.csv:2, column 2: quantity 'nan' is not a finite number; \(decimalExpectation)", files: csv(header + "long,nan,100000,5\n")),
        Row(change: (book, withBook), location: "positions.file",
            message: "book.csv:2, column 2: quantity '0x1p3' is not a finite number; \(decimalExpectation)", files: csv(header + "long,0x1p3,100000,5\n")),
        Row(change: (book, withBook), location: "positions.file",
            message: "book.csv:2, column 3: entryPrice '1_000' is not a finite number; \(decimalExpectation)", files: csv(header + "long,1,1_000,5\n")),
        Row(change: (book, withBook), location: "positions.file",
            message: "book.csv:2, column 2: quantity '1e999' is not a finite number", files: csv(header + "long,1e999,100000,5\n")),
        Row(change: (book, withBook), location: "positions.file",
            message: "book.csv:2, column 2: quantity '.' is not a finite number; \(decimalExpectation)", files: csv(header + "long,.,100000,5\n")),
        Row(change: (book, withBook), location: "positions.file",
            message: "book.csv:2: side 'lo\\0ng' is not allowed; expected long or short", files: csv(header + "lo\u{0}ng,1,100000,5\n")),
        Row(change: (book, withBook), location: "positions.file",
            message: "book.csv:2: entry price 100000 and notional 1e-07 are out of range; expected an entry price ≥ 1e-12 and ≤ 1e12 and a notional quantity × entryPrice ≥ 1e-6 and ≤ 1e+15 (the model's numeric limit; docs/model.md, \"Numeric limits\")",
            files: csv(header + "long,1e-12,100000,5\n")),
        Row(change: (gbm, replay), location: "market.assets[0].model.file",
            message: "prices.csv:62, column 2: price '99\\0' must be a number > 0; expected a decimal number such as 61250 or 6.125e4",
            files: prices(priceLines("3600,99\u{0}"))),
        Row(change: (gbm, replay), location: "market.assets[0].model.file",
            message: "prices.csv:62, column 1: timestamp '3600\\0' is neither Unix seconds nor ISO 8601 (e.g. 2025-10-10T21:00:00Z)",
            files: prices(priceLines("3600\u{0},99"))),
        Row(change: (gbm, replay), location: "market.assets[0].model.file",
            message: "prices.csv:62, column 1: timestamp '2025-10-10T21:00:00Z\\0' is neither Unix seconds nor ISO 8601 (e.g. 2025-10-10T21:00:00Z)",
            files: prices(priceLines("2025-10-10T21:00:00Z\u{0},99"))),
        Row(change: (gbm, replay), location: "market.assets[0].model.file",
            message: "prices.csv:62, column 2: price 'infinity' must be a number > 0; expected a decimal number such as 61250 or 6.125e4",
            files: prices(priceLines("3600,infinity"))),
    ]

    @Test("numbers in CSV files follow the decimal grammar, naming the line and column", arguments: csvRows)
    func csvNumbers(_ row: Row) throws { try Self.check(row) }

    @Test("the decimal grammar", arguments: [
        ("61250", 61_250.0), ("-0.5", -0.5), ("+2", 2), (".5", 0.5), ("5.", 5), ("2e-3", 0.002), ("1E+2", 100), ("0", 0),
    ])
    func decimal(_ text: String, _ value: Double) {
        #expect(CSVRecords.decimal(text) == value)
    }

    @Test("not in the decimal grammar", arguments: ["", ".", "-", "e5", "1e", "1e+", "1.2.3", " 1", "1 ", "1\u{0}", "inf", "-inf", "nan",
                                                   "infinity", "0x10", "0x1p3", "1_000", "1,5", "١", "1e5.5", "+-1"])
    func notDecimal(_ text: String) {
        #expect(CSVRecords.decimal(text) == nil)
    }

    // MARK: 6 — names and symbols

    static let symbolExpectation = "expected 1 to 32 characters A–Z a–z 0–9 . _ -, not starting with '.'"
    static let nameExpectation = "is empty or only whitespace; expected a name with a visible character"

    static let nameRows: [Row] = [
        Row(change: ("name: test", "name: \"\\u3000\\t\""), location: "name", message: nameExpectation),
        Row(change: ("name: test", "name: \"\\n\\u2028\""), location: "name", message: nameExpectation),
        Row(change: ("name: test", "name: ''"), location: "name", message: nameExpectation),
        Row(change: ("symbol: BTCUSDT", "symbol: \"\\u00A0\""), location: "market.assets[0].symbol",
            message: "'\u{A0}' is not a symbol; \(symbolExpectation)"),
        Row(change: ("symbol: BTCUSDT", "symbol: ''"), location: "market.assets[0].symbol", message: "is empty; \(symbolExpectation)"),
        Row(change: ("symbol: BTCUSDT", "symbol: BTC/USDT"), location: "market.assets[0].symbol",
            message: "'BTC/USDT' is not a symbol; \(symbolExpectation)"),
        Row(change: ("symbol: BTCUSDT", "symbol: .hidden"), location: "market.assets[0].symbol",
            message: "'.hidden' is not a symbol; \(symbolExpectation)"),
        Row(change: ("symbol: BTCUSDT", "symbol: " + String(repeating: "A", count: 33)), location: "market.assets[0].symbol",
            message: "'\(String(repeating: "A", count: 33))' is not a symbol; \(symbolExpectation)"),
        Row(change: ("symbol: BTCUSDT", "symbol: \"BTC\\nUSDT\""), location: "market.assets[0].symbol",
            message: "'BTC\\nUSDT' is not a symbol; \(symbolExpectation)"),
        Row(change: (gbm, "type: regimeSwitching\n        regimes: [{name: ' ', volatility: 0.3}]\n        transitions: [[1]]\n        start: ' '"),
            location: "market.assets[0].model.regimes[0].name", message: nameExpectation),
    ]

    @Test("names are not blank; symbols are short and safe in file and column names", arguments: nameRows)
    func names(_ row: Row) throws { try Self.check(row) }

    @Test("symbols of every allowed kind load")
    func validSymbols() throws {
        for symbol in ["BTCUSDT", "btc-perp", "XBT_USD.P", String(repeating: "Z", count: 32), "1000PEPE"] {
            let yaml = ScenarioText.replacing("symbol: BTCUSDT", with: "symbol: '\(symbol)'")
            #expect(throws: Never.self) { try ScenarioLoader.load(yaml: yaml, file: "t.yaml", directory: URL(fileURLWithPath: "/")) }
        }
    }

    // MARK: 7 — sweep axes

    @Test("sweep axes: a key varied twice, or inside another, is refused; so is a key an option overrides")
    func sweepAxes() throws {
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "" } catch { return (error as? ScenarioError)?.description ?? "\(error)" }
        }
        let depth = try SweepAxis(parsing: "impact.depth=1e7,2e7"), again = try SweepAxis(parsing: "impact.depth=3e7")
        #expect(message { _ = try Sweep.grid([depth, again]) }
                == "--vary: impact.depth: is varied by two --vary options; expected each key in one --vary with all its values")
        #expect(message { _ = try Sweep.grid([try SweepAxis(parsing: "market.assets.0.price=1"), try SweepAxis(parsing: "market.assets.00.price=2")]) }
                == "--vary: market.assets.00.price: is varied by two --vary options; expected each key in one --vary with all its values")
        #expect(message { _ = try Sweep.grid([try SweepAxis(parsing: "impact={model: linear, depth: 1, recoveryHalfLife: 1m}"), depth]) }
                == "--vary: impact.depth: is inside impact, which another --vary sets; expected keys that do not overlap")
        let paths = try SweepAxis(parsing: "simulation.paths=4,8"), seed = try SweepAxis(parsing: "seed=1,2")
        #expect(message { try Sweep.refuseOverridden([paths], paths: true, seed: false) }
                == "--vary: simulation.paths: is varied but --paths sets it at every point; expected --vary simulation.paths or --paths, not both")
        #expect(message { try Sweep.refuseOverridden([depth, seed], paths: true, seed: true) }
                == "--vary: seed: is varied but --seed sets it at every point; expected --vary seed or --seed, not both")
        #expect(message { try Sweep.refuseOverridden([paths, seed], paths: false, seed: false) } == "")
        #expect(try Sweep.grid([depth, paths]).count == 4)
    }
}
