import Foundation

/// The key reference of docs/scenarios.md, generated from ``ScenarioReference``: one table per
/// mapping (the top level first, then each section in the order the keys appear), each key with
/// its type, whether it is required or its default, its unit, what is allowed, its meaning and an
/// example. `cascade schema --markdown` prints it; a test checks docs/scenarios.md against it.
public enum ScenarioReferenceMarkdown {
    /// The reference as Markdown.
    public static var text: String {
        var out = ""
        section(title: "Top level", path: "", keys: ScenarioReference.root, into: &out)
        return out
    }

    /// A mapping's table, then the tables of the mappings below it.
    static func section(title: String, path: String, keys: [ScenarioKey], into out: inout String, modelTypes: Bool = false) {
        out += "### \(title)\n\n"
        if modelTypes {
            out += "The keys each `type` takes (any other key is an error):\n\n"
            for type in PriceModelSection.types {
                out += "- `\(type)`: " + PriceModelSection.keysByType[type]!.filter { $0 != "type" }.map { "`\($0)`" }.joined(separator: ", ") + "\n"
            }
            out += "\n"
        }
        out += "| key | type | required | unit | allowed | meaning | example |\n|---|---|---|---|---|---|---|\n"
        for key in keys {
            let row = [
                "`\(key.name)`",
                typeText(key.shape),
                requirementText(key.requirement),
                key.unit ?? "",
                allowedText(key),
                key.meaning,
                "`\(key.example)`",
            ]
            out += "| " + row.map(cell).joined(separator: " | ") + " |\n"
        }
        out += "\n"
        for key in keys {
            let child = path.isEmpty ? key.name : "\(path).\(key.name)"
            if let (keys, isModel, step) = nested(key.shape) {
                let shown = Self.path(child, step)
                section(title: "`\(shown)`", path: shown, keys: keys, into: &out, modelTypes: isModel)
            }
        }
    }

    /// The keys of a mapping inside `shape`, whether it is a model, and the step from the key to
    /// the mapping: nil (the key's value), `[]` (each item of a list) or `*` (each value of a
    /// mapping with free keys).
    static func nested(_ shape: ScenarioKey.Shape) -> (keys: [ScenarioKey], isModel: Bool, step: String?)? {
        switch shape {
        case let .section(keys): return (keys, false, nil)
        case let .model(keys): return (keys, true, nil)
        case let .list(inner, _, _):
            guard let (keys, model, _) = nested(inner) else { return nil }
            return (keys, model, "[]")
        case let .table(_, inner), let .namedTable(_, inner):
            guard let (keys, model, _) = nested(inner) else { return nil }
            return (keys, model, "*")
        case let .either(shapes):
            // One documented mapping per key: a mapping or a list of the same mappings.
            for shape in shapes { if let found = nested(shape), found.step == nil { return found } }
            for shape in shapes { if let found = nested(shape) { return found } }
            return nil
        default: return nil
        }
    }

    /// The path of the mapping below `path` reached by `step`.
    static func path(_ path: String, _ step: String?) -> String {
        switch step {
        case "[]": "\(path)[]"
        case "*": "\(path).*"
        default: path
        }
    }

    static func typeText(_ shape: ScenarioKey.Shape, plural: Bool = false) -> String {
        switch shape {
        case .text: return plural ? "texts" : "text"
        case let .choice(words): return (plural ? "each one of " : "one of ") + words.map { "`\($0)`" }.joined(separator: ", ")
        case .number: return plural ? "numbers" : "number"
        case .whole: return plural ? "whole numbers" : "whole number"
        case .flag: return plural ? "`true` or `false` values" : "`true` or `false`"
        case .duration: return plural ? "durations" : "duration"
        case .section: return plural ? "mappings (below)" : "mapping (below)"
        case .model: return plural ? "price models (below)" : "price model (below)"
        case let .list(inner, atLeast, atMost):
            var count = ""
            if let atMost, atMost == atLeast { count = "\(atLeast) " }
            else if atLeast > 0 { count = "≥ \(atLeast) " }
            return (plural ? "lists of " : "list of ") + count + typeText(inner, plural: true)
        case let .table(key, inner): return "mapping of \(key) to \(typeText(inner, plural: true))"
        case let .namedTable(names, inner):
            return "mapping of " + names.map { "`\($0)`" }.joined(separator: ", ") + " to \(typeText(inner, plural: true))"
        case let .either(shapes): return shapes.map { typeText($0, plural: plural) }.joined(separator: ", or ")
        }
    }

    static func requirementText(_ requirement: ScenarioKey.Requirement) -> String {
        switch requirement {
        case .required: "yes"
        case let .optional(value): value.map { "no (default: \($0))" } ?? "no"
        case let .conditional(when): "\(when)"
        }
    }

    /// The bounds of the shape's numbers, then the key's rules.
    static func allowedText(_ key: ScenarioKey) -> String {
        [boundsText(key.shape), key.rules].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "; ")
    }

    static func boundsText(_ shape: ScenarioKey.Shape) -> String? {
        switch shape {
        case let .number(b), let .whole(b): return text(b)
        case let .list(inner, _, _), let .table(_, inner), let .namedTable(_, inner):
            return boundsText(inner).map { $0.hasPrefix("each ") ? $0 : "each \($0)" }
        case let .either(shapes): 
            let parts = shapes.compactMap(boundsText)
            return parts.isEmpty ? nil : parts.joined(separator: "; ")
        default: return nil
        }
    }

    /// `> 0 and ≤ 1e15`, `≥ -1 and ≤ 1`, `any finite number`.
    public static func text(_ b: ScenarioKey.Bounds) -> String {
        var parts: [String] = []
        if let lower = b.lower { parts.append("\(b.lowerExclusive ? ">" : "≥") \(number(lower))") }
        if let upper = b.upper { parts.append("\(b.upperExclusive ? "<" : "≤") \(number(upper))") }
        return parts.isEmpty ? "finite" : parts.joined(separator: " and ")
    }

    static func number(_ x: Double) -> String {
        if x == Double(UInt64.max) { return "2⁶⁴ − 1" }
        if x != 0 && x == x.rounded() && abs(x) >= 1e6 {
            let exponent = Int(log10(abs(x)).rounded())
            if abs(x) == pow(10, Double(exponent)) { return (x < 0 ? "-" : "") + "1e\(exponent)" }
        }
        return ScenarioValidator.format(x)
    }

    /// A table cell: pipes escaped.
    static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|")
    }
}
