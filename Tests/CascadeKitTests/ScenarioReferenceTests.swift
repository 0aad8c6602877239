import Foundation
import Testing
@testable import CascadeKit

/// The scenario reference (docs/scenarios.md, docs/scenario.schema.json) against the decoder and
/// the validator, so that neither document can drift from what `cascade validate` does.
@Suite("Scenario reference")
struct ScenarioReferenceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every mapping of the reference: its key path (lists as `[]`) and its keys, in order.
    static func mappings(_ keys: [ScenarioKey], path: String = "", into out: inout [String: [String]]) {
        out[path] = keys.map(\.name)
        for key in keys {
            let child = path.isEmpty ? key.name : "\(path).\(key.name)"
            if let (inner, _, step) = ScenarioReferenceMarkdown.nested(key.shape) {
                mappings(inner, path: ScenarioReferenceMarkdown.path(child, step), into: &out)
            }
        }
    }

    static func names<S: ScenarioSection>(_: S.Type) -> [String] { S.Keys.allCases.map(\.stringValue) }

    @Test("every mapping has the decoder's keys, no more and no fewer")
    func keysMatchDecoder() {
        var documented: [String: [String]] = [:]
        Self.mappings(ScenarioReference.root, into: &documented)
        let decoder: [String: [String]] = [
            "": ScenarioFile.CodingKeys.allCases.map(\.stringValue),
            "simulation": Self.names(SimulationSection.self),
            "market": Self.names(MarketSection.self),
            "market.assets[]": Self.names(AssetSection.self),
            "market.assets[].model": Self.names(PriceModelSection.self),
            "market.assets[].model.jumps": Self.names(JumpsSection.self),
            "market.assets[].model.regimes[]": Self.names(RegimeSection.self),
            "market.assets[].model.regimes[].jumps": Self.names(JumpsSection.self),
            "market.assets[].impact": Self.names(ImpactSection.self),
            "market.assets[].shocks[]": Self.names(ShockSection.self),
            "exchange": Self.names(ExchangeSection.self),
            "exchange.markPrice": Self.names(MarkPriceSection.self),
            "exchange.funding": Self.names(FundingSection.self),
            "positions": Self.names(PositionsSection.self),
            "positions.synthetic": Self.names(SyntheticSection.self),
            "positions.synthetic.size": Self.names(SizeSection.self),
            "accounts": Self.names(AccountsSection.self),
            "accounts.synthetic": Self.names(SyntheticAccountsSection.self),
            "accounts.synthetic.size": Self.names(SizeSection.self),
            "accounts.synthetic.types.*": Self.names(AccountTypeSection.self),
            "impact": Self.names(ImpactSection.self),
            "mechanisms": Self.names(MechanismsSection.self),
            "mechanisms.adl": Self.names(ADLSection.self),
            "mechanisms.disposal": Self.names(DisposalSection.self),
            "mechanisms.backstop": Self.names(BackstopSection.self),
            "mechanisms.liquidity": Self.names(LiquiditySection.self),
            "report": Self.names(ReportSection.self),
            "reported": Self.names(ReportedSection.self),
        ]
        #expect(Set(documented.keys) == Set(decoder.keys))
        for (path, keys) in decoder {
            #expect(Set(documented[path] ?? []) == Set(keys), "\(path.isEmpty ? "top level" : path)")
        }
        // The model's keys are the union of the keys of its types.
        let byType = Set(PriceModelSection.keysByType.values.joined())
        #expect(byType == Set(Self.names(PriceModelSection.self)))
        #expect(Set(PriceModelSection.keysByType.keys) == Set(PriceModelSection.types))
    }

    /// The key paths of the reference whose value is one number with bounds: (path, bounds, whole).
    static func boundedNumbers(_ keys: [ScenarioKey], path: [String] = []) -> [(path: [String], bounds: ScenarioKey.Bounds, whole: Bool)] {
        var out: [(path: [String], bounds: ScenarioKey.Bounds, whole: Bool)] = []
        for key in keys {
            let here = path + [key.name]
            switch key.shape {
            case let .number(b): out.append((here, b, false))
            case let .whole(b): out.append((here, b, true))
            case let .either(shapes):
                for case let .number(b) in shapes { out.append((here, b, false)) }
            default: break
            }
            if let (inner, _, step) = ScenarioReferenceMarkdown.nested(key.shape) {
                out += boundedNumbers(inner, path: step.map { here + [$0] } ?? here)
            }
        }
        return out
    }

    /// The scenarios the probes start from: the bundled ones, the fuzz corpus, and the fixtures
    /// that set the keys no bundled file has.
    static func probeBases() throws -> [(name: String, text: String)] {
        var bases: [(name: String, text: String)] = []
        for folder in ["Scenarios", "Fuzz/Corpus", "Tests/Fixtures/ReferenceProbes"] {
            let directory = root.appendingPathComponent(folder)
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() where name.hasSuffix(".yaml") {
                bases.append(("\(folder)/\(name)", try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)))
            }
        }
        return bases
    }

    /// The concrete paths a reference path may take in a file: `[]` is one of the first four items, and a
    /// mapping that may also be a list (positions.synthetic) is tried both ways, and `*` (a
    /// mapping's free keys) is each account type.
    static func instances(_ path: [String]) -> [[String]] {
        var results: [[String]] = [[]]
        for (i, segment) in path.enumerated() {
            if segment == "[]" {
                results = results.flatMap { r in (0..<4).map { r + [String($0)] } }
            } else if segment == "*" {
                results = results.flatMap { r in CrossAccountPopulation.Kind.allCases.map { r + [$0.rawValue] } }
            } else {
                results = results.map { $0 + [segment] }
                if path[..<(i + 1)] == ["positions", "synthetic"] {
                    results += results.map { $0 + ["0"] }
                }
            }
        }
        return results
    }

    /// The issue locations of `text` with `path` set to `value` (decoding and validation).
    static func locations(_ text: String, _ path: [String], _ value: String) -> [String]? {
        do {
            let file = try ScenarioLoader.decode(yaml: text, file: "probe.yaml", assignments: [ScenarioAssignment(path: path, value: value)])
            return ScenarioValidator.issues(in: file).map(\.location)
        } catch {
            return error.issues.map(\.location)
        }
    }

    /// The issues of `text` with `path` set to `value`.
    static func issues(_ text: String, _ path: [String], _ value: String) -> [ScenarioIssue] {
        do {
            let file = try ScenarioLoader.decode(yaml: text, file: "probe.yaml", assignments: [ScenarioAssignment(path: path, value: value)])
            return ScenarioValidator.issues(in: file)
        } catch {
            return error.issues
        }
    }

    /// The issues of `text` with `path` set to `value`, as lines.
    static func messages(_ text: String, _ path: [String], _ value: String) -> String {
        do {
            let file = try ScenarioLoader.decode(yaml: text, file: "probe.yaml", assignments: [ScenarioAssignment(path: path, value: value)])
            return ScenarioValidator.issues(in: file).map(\.description).joined(separator: "; ")
        } catch {
            return error.description
        }
    }

    /// The location cascade names for a concrete path: indices in brackets.
    static func location(_ path: [String]) -> String {
        path.reduce("") { text, segment in
            Int(segment) != nil ? "\(text)[\(segment)]" : (text.isEmpty ? segment : "\(text).\(segment)")
        }
    }

    static func render(_ x: Double, whole: Bool) -> String {
        whole ? String(Int64(x)) : "\(x)"
    }

    @Test("every bound the reference states is the one cascade validate enforces")
    func boundsMatchValidator() throws {
        let bases = try Self.probeBases()
        var unprobed: [String] = []
        for (path, bounds, whole) in Self.boundedNumbers(ScenarioReference.root) {
            // A file that has the key, and is valid as it is.
            var found: (text: String, path: [String], name: String)?
            search: for base in bases {
                for concrete in Self.instances(path) where ScenarioAssignment.contains(concrete, inYAML: base.text) {
                    if (try? ScenarioLoader.decode(yaml: base.text, file: base.name)).map({ ScenarioValidator.issues(in: $0).isEmpty }) == true {
                        found = (base.text, concrete, base.name)
                        break search
                    }
                }
            }
            guard let found else { unprobed.append(path.joined(separator: ".").replacingOccurrences(of: ".[]", with: "[]")); continue }
            let location = Self.location(found.path)
            let step = whole ? 1.0 : nil
            func outside(_ bound: Double, below: Bool, exclusive: Bool) -> Double {
                if exclusive { return bound }
                let delta = step ?? Swift.max(abs(bound) * 1e-6, 1e-9)
                return below ? bound - delta : bound + delta
            }
            for (bound, below, exclusive) in [(bounds.lower, true, bounds.lowerExclusive), (bounds.upper, false, bounds.upperExclusive)] {
                guard let bound, abs(bound) < 1e16 else { continue }
                let bad = outside(bound, below: below, exclusive: exclusive)
                let refused = Self.locations(found.text, found.path, Self.render(bad, whole: whole)) ?? []
                #expect(refused.contains(location), "\(location) = \(Self.render(bad, whole: whole)) in \(found.name) was not refused: \(refused)")
                if !exclusive {
                    // At an inclusive bound no range refusal (a rule between keys may still apply,
                    // as count 1 with both sides does).
                    let accepted = Self.issues(found.text, found.path, Self.render(bound, whole: whole))
                        .filter { $0.location == location && ($0.message.contains("out of range") || $0.message.contains("is negative")) }
                        .map(\.location)
                    #expect(!accepted.contains(location), "\(location) = \(Self.render(bound, whole: whole)) in \(found.name) was refused: \(Self.messages(found.text, found.path, Self.render(bound, whole: whole)))")
                }
            }
        }
        #expect(unprobed.isEmpty, "no probe file sets \(unprobed.joined(separator: ", ")) (add one to Tests/Fixtures/ReferenceProbes)")
    }

    @Test("every example is a value of its key's shape that the decoder reads")
    func examplesDecode() throws {
        // Each mapping example in place of its key in a valid file decodes (it may break rules
        // between keys, which validation reports, but not the format).
        let bases = try Self.probeBases()
        var checked = 0
        func walk(_ keys: [ScenarioKey], path: [String]) {
            for key in keys {
                let here = path + [key.name]
                if !key.example.contains("...") {
                    for base in bases {
                        guard let concrete = Self.instances(here).first(where: { ScenarioAssignment.contains($0, inYAML: base.text) }) else { continue }
                        do {
                            _ = try ScenarioLoader.decode(yaml: base.text, file: base.name, assignments: [ScenarioAssignment(path: concrete, value: key.example)])
                        } catch {
                            // Keys of another model type are refused by design; anything else is a bad example.
                            let otherModel = error.issues.contains { $0.message.contains("for model '") }
                            #expect(otherModel, "example of \(here.joined(separator: ".")) in \(base.name): \(error)")
                            if otherModel { continue }
                        }
                        checked += 1
                        break
                    }
                }
                if let (inner, _, step) = ScenarioReferenceMarkdown.nested(key.shape) {
                    walk(inner, path: step.map { here + [$0] } ?? here)
                }
            }
        }
        walk(ScenarioReference.root, path: [])
        #expect(checked > 80)
    }

    @Test("docs/scenarios.md and docs/scenario.schema.json are the generated ones (make reference)")
    func documentsAreGenerated() throws {
        let docs = try String(contentsOf: Self.root.appendingPathComponent("docs/scenarios.md"), encoding: .utf8)
        let begin = "<!-- BEGIN KEY REFERENCE: generated by `cascade schema --markdown` (make reference); do not edit -->\n"
        let end = "<!-- END KEY REFERENCE -->"
        guard let start = docs.range(of: begin), let stop = docs.range(of: end, range: start.upperBound..<docs.endIndex) else {
            Issue.record("docs/scenarios.md has no generated key reference between its markers")
            return
        }
        let generated = String(docs[start.upperBound..<stop.lowerBound])
        #expect(generated == "\n" + ScenarioReferenceMarkdown.text, "docs/scenarios.md differs from `cascade schema --markdown`: run make reference")
        let schema = try String(contentsOf: Self.root.appendingPathComponent("docs/scenario.schema.json"), encoding: .utf8)
        #expect(schema == ScenarioSchema.json, "docs/scenario.schema.json differs from `cascade schema`: run make reference")
    }
}
