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
            message: "unknown key '\(clipped)'; allowed keys: name, description, seed, simulation, market, exchange, positions, impact, report"),
        Row(change: ("name: test", "name: test\n\"a\\0b\\nc\": 1"), location: "",
            message: "unknown key 'a\\0b\\nc'; allowed keys: name, description, seed, simulation, market, exchange, positions, impact, report"),
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

}
