import Yams

/// A value put into a scenario at a key path before it is decoded and validated — how
/// `cascade sweep --vary KEY=V1,V2,…` sets each grid point.
///
/// The key path is dotted, with list items by index: `market.assets.0.model.volatility`,
/// `impact.depth`, `positions.synthetic.leverageMix`. Every component but the last must exist;
/// the last may be new (a key the file left at its default). The value is YAML, so numbers,
/// durations (`30m`) and mappings (`{5: 0.5, 20: 0.5}`) all work, and the scenario's usual
/// validation then checks it like any other value.
public struct ScenarioAssignment: Sendable, Equatable, CustomStringConvertible {
    public var path: [String]
    public var value: String

    public init(path: [String], value: String) {
        self.path = path
        self.value = value
    }

    /// Parses `KEY=VALUE`; errors name `option`, the command-line option the text came from.
    public init(parsing text: String, option: String = "--vary") throws(ScenarioError) {
        guard let equals = text.firstIndex(of: "=") else {
            throw .invalid(file: option, issues: [ScenarioIssue("", "\(ErrorText.quoted(text)) is not KEY=VALUE")])
        }
        let key = String(text[..<equals]), value = String(text[text.index(after: equals)...])
        let path = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !key.isEmpty, !path.contains(where: \.isEmpty) else {
            throw .invalid(file: option, issues: [ScenarioIssue("", "\(ErrorText.quoted(key)) is not a key path; expected dotted names such as market.assets.0.model.volatility")])
        }
        self.init(path: path, value: value)
    }

    public var key: String { path.joined(separator: ".") }
    public var description: String { "\(key)=\(value)" }

    /// `node` with the value put at the key path.
    func apply(to node: Node, file: String) throws(ScenarioError) -> Node {
        let value: Node
        do {
            try YAMLPrescan.check(self.value, root: key, source: " of the value")
            value = try Yams.compose(yaml: self.value) ?? Node("")
        } catch let YAMLPrescan.Problem.issue(issue) {
            throw .invalid(file: file, issues: [issue])
        } catch let YAMLPrescan.Problem.syntax(message) {
            throw .invalid(file: file, issues: [ScenarioIssue(key, "\(ErrorText.quoted(self.value)) is not a YAML value (\(message))")])
        } catch {
            throw .invalid(file: file, issues: [ScenarioIssue(key, "\(ErrorText.quoted(self.value)) is not a YAML value")])
        }
        return try Self.put(value, at: path[...], in: node, done: [], file: file)
    }

    /// `node` with `value` at `path` (list items by index; a missing last key is added); throws,
    /// naming the path, when the path does not lead there.
    static func put(_ value: Node, at path: ArraySlice<String>, in node: Node, done: [String],
                    file: String) throws(ScenarioError) -> Node {
        guard let head = path.first else { return value }
        let here = done.isEmpty ? "the scenario" : ErrorText.clipped(done.joined(separator: "."))
        let rest = path.dropFirst()
        switch node {
        case var .mapping(mapping):
            let key = Node(head)
            if let child = mapping[key] {
                mapping[key] = try put(value, at: rest, in: child, done: done + [head], file: file)
            } else if rest.isEmpty {
                mapping[key] = value
            } else {
                let keys = mapping.keys.compactMap(\.string).joined(separator: ", ")
                throw .invalid(file: file, issues: [ScenarioIssue((done + [head]).joined(separator: "."),
                                                                  "\(here) has no key \(ErrorText.quoted(head)); it has: \(keys)")])
            }
            return .mapping(mapping)
        case var .sequence(sequence):
            guard let index = Int(head), index >= 0, index < sequence.count else {
                throw .invalid(file: file, issues: [ScenarioIssue((done + [head]).joined(separator: "."),
                                                                  "\(here) is a list of \(sequence.count); expected an index from 0 to \(sequence.count - 1)")])
            }
            sequence[index] = try put(value, at: rest, in: sequence[index], done: done + [head], file: file)
            return .sequence(sequence)
        default:
            throw .invalid(file: file, issues: [ScenarioIssue((done + [head]).joined(separator: "."),
                                                              "\(here) is a single value, not a mapping or list")])
        }
    }

    /// The value at `path` in `node` (list items by index), or nil.
    static func value(at path: ArraySlice<String>, in node: Node) -> Node? {
        guard let head = path.first else { return node }
        switch node {
        case let .mapping(mapping): return mapping[Node(head)].flatMap { value(at: path.dropFirst(), in: $0) }
        case let .sequence(sequence):
            guard let index = Int(head), sequence.indices.contains(index) else { return nil }
            return value(at: path.dropFirst(), in: sequence[index])
        default: return nil
        }
    }

    /// Whether the YAML text has a value at `path` (list indices written as numbers); false for
    /// text that is not YAML.
    static func contains(_ path: [String], inYAML text: String) -> Bool {
        guard let node = try? Yams.compose(yaml: text) else { return false }
        return value(at: path[...], in: node) != nil
    }
}
