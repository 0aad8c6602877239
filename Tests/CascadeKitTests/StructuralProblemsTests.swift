import Foundation
import Testing
@testable import CascadeKit

/// `cascade validate` reports every problem of a file's structure (unknown keys, wrong types,
/// missing keys), not only the first: each is the message it would be alone, in the order the
/// decoder meets them, with nothing added by setting the earlier ones aside.
@Suite("Every structural problem")
struct StructuralProblemsTests {
    /// The defects: (what is replaced, by what) in ScenarioText.valid.
    static let defects: [(String, String)] = [
        ("seed: 1\n", "seed: 1\nsede: 2\n"),
        ("  paths: 10\n", "  paths: many\n"),
        ("  step: 1m\n", "  step: 60\n"),
        ("      volatility: 0.5\n", "      volatilty: 0.5\n"),
        ("  openInterest: 10000000\n", "  openInterest: [1, 2]\n"),
        ("  recoveryHalfLife: 5m\n", ""),
    ]

    static func issues(_ text: String) -> [ScenarioIssue] {
        do {
            _ = try ScenarioLoader.decode(yaml: text, file: "t.yaml")
            return []
        } catch {
            return error.issues
        }
    }

    @Test("a file with six problems reports the six, each as it reads alone")
    func allReported() {
        var text = ScenarioText.valid
        var alone: [ScenarioIssue] = []
        for (old, new) in Self.defects {
            #expect(text.contains(old), "\(old)")
            let single = Self.issues(ScenarioText.valid.replacingOccurrences(of: old, with: new))
            #expect(single.count == 1, "\(single)")
            alone += single
            text = text.replacingOccurrences(of: old, with: new)
        }
        let all = Self.issues(text)
        #expect(Set(all.map(\.description)) == Set(alone.map(\.description)))
        #expect(all.count == Self.defects.count)
        // In the decoder's order: the top level's keys first, then each section in turn.
        #expect(all.first?.location == "" && all.map(\.location).contains("simulation.paths"))
    }

    @Test("problems inside a value set aside are not reported: a wrong model type gives one line")
    func noFollowOn() {
        let text = ScenarioText.valid.replacingOccurrences(of: "      type: gbm\n", with: "      type: [gbm]\n")
        let issues = Self.issues(text)
        #expect(issues.map(\.location) == ["market.assets[0].model.type"], "\(issues)")
    }

    @Test("a missing section is one line, and the rest of the file is still checked")
    func missingSection() {
        var text = ScenarioText.valid
        let start = text.range(of: "simulation:\n")!, end = text.range(of: "market:\n")!
        text.removeSubrange(start.lowerBound..<end.lowerBound)
        text = text.replacingOccurrences(of: "  liquidationFee: 0.003\n", with: "  liquidationFee: high\n")
        let issues = Self.issues(text)
        #expect(issues.map(\.location) == ["simulation", "exchange.liquidationFee"], "\(issues)")
    }

    @Test("the number of lines is bounded")
    func bounded() {
        var text = ScenarioText.valid
        for i in 0..<80 { text += "extra\(i): 1\n" }
        let issues = Self.issues(text)
        #expect(issues.count == ScenarioLoader.maximumDecodingIssues + 1)
        #expect(issues.last?.message == "more problems may follow; fix these \(ScenarioLoader.maximumDecodingIssues) first")
    }
}
