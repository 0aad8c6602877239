import Yams

/// Sets aside the value a decoding problem is about, so that decoding can go on and report every
/// problem of a file's structure, not only the first: an unknown key is dropped; a value of the
/// wrong kind, or a missing key, is given the example the reference documents for that key
/// (``ScenarioReference``). The repaired file is only ever decoded to find further problems —
/// never validated or run.
enum DecodingRepair {
    /// `node` without `key` in the mapping at `path`, or nil if there is no such key.
    static func dropping(_ key: String, at path: [String], in node: Node) -> Node? {
        guard let target = ScenarioAssignment.value(at: path[...], in: node), case var .mapping(mapping) = target,
              mapping[Node(key)] != nil else { return nil }
        mapping[Node(key)] = nil
        return setting(.mapping(mapping), at: path[...], in: node)
    }

    /// `node` with the value at `path` — or, when the reference has no key there (a list item),
    /// at the nearest enclosing key — replaced by that key's documented example; with the path
    /// replaced. nil when no enclosing key has an example that parses.
    static func replacing(at path: [String], in node: Node) -> (node: Node, replaced: [String])? {
        var prefix = path
        while !prefix.isEmpty {
            if let key = ScenarioReference.key(at: prefix), !key.example.contains("..."),
               let example = try? Yams.compose(yaml: key.example),
               let repaired = setting(example, at: prefix[...], in: node) {
                return (repaired, prefix)
            }
            prefix.removeLast()
        }
        return nil
    }

    /// `node` with `value` at `path` (a missing last key is added), or nil if the path does not
    /// lead there.
    static func setting(_ value: Node, at path: ArraySlice<String>, in node: Node) -> Node? {
        try? ScenarioAssignment.put(value, at: path, in: node, done: [], file: "")
    }
}

extension ScenarioReference {
    /// The key a path of a scenario file names (list indices and free mapping keys as segments),
    /// or nil.
    static func key(at path: [String]) -> ScenarioKey? {
        key(at: path[...], in: root)
    }

    private static func key(at path: ArraySlice<String>, in keys: [ScenarioKey]) -> ScenarioKey? {
        guard let head = path.first, let key = keys.first(where: { $0.name == head }) else { return nil }
        let rest = path.dropFirst()
        return rest.isEmpty ? key : self.key(at: rest, inside: key.shape)
    }

    private static func key(at path: ArraySlice<String>, inside shape: ScenarioKey.Shape) -> ScenarioKey? {
        switch shape {
        case let .section(keys), let .model(keys):
            return key(at: path, in: keys)
        case let .list(inner, _, _):
            guard let head = path.first, Int(head) != nil, path.count > 1 else { return nil }
            return key(at: path.dropFirst(), inside: inner)
        case let .table(_, inner), let .namedTable(_, inner):
            guard path.count > 1 else { return nil }
            return key(at: path.dropFirst(), inside: inner)
        case let .either(shapes):
            for shape in shapes { if let found = key(at: path, inside: shape) { return found } }
            return nil
        default:
            return nil
        }
    }
}
