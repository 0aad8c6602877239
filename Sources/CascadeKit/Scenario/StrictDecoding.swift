/// A coding key for any string, used to list the keys a mapping really has.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

extension Decoder {
    /// Throws a ``ScenarioIssue`` naming the first key of this mapping that `Keys` does not list,
    /// with the keys that are allowed. (Codable alone silently ignores unknown keys, which would
    /// let a misspelt `volatilty:` fall back to a default.)
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_: Keys.Type) throws {
        try rejectUnknownKeys(allowed: Keys.allCases.map(\.stringValue))
    }

    /// The same with an explicit list of allowed keys; `owner` (e.g. "model 'gbm'") is named in
    /// the message.
    func rejectUnknownKeys(allowed: [String], owner: String? = nil) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        for key in container.allKeys where !allowed.contains(key.stringValue) {
            var message = "unknown key \(ErrorText.quoted(key.stringValue))\(owner.map { " for \($0)" } ?? ""); allowed keys: \(allowed.joined(separator: ", "))"
            if let near = allowed.first(where: { Self.isNear($0, key.stringValue) }) {
                message += " (did you mean '\(near)'?)"
            }
            throw ScenarioIssue(codingPath, message)
        }
    }

    /// Whether two keys differ by at most two edits (a likely typo).
    private static func isNear(_ a: String, _ b: String) -> Bool {
        let x = Array(a.lowercased()), y = Array(b.lowercased())
        if abs(x.count - y.count) > 2 { return false }
        var previous = Array(0...y.count)
        for i in 1...max(x.count, 1) where !x.isEmpty {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...max(y.count, 1) where !y.isEmpty {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1,
                                       previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count] <= 2
    }
}
