import Yams

/// A coding key for any string, used to list the keys a mapping really has.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int?
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { self.stringValue = String(intValue); self.intValue = intValue }
}

extension Decoder {
    /// Throws a ``DecodingProblem`` naming the first key of this mapping that `Keys` does not list,
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
            throw DecodingProblem(codingPath, message, unknownKey: key.stringValue)
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

/// A type a scenario decodes, and how a value of it reads in a message ("expected a number,
/// found a list"). Yams reports a value of the wrong kind (a list where one value belongs) as a
/// mismatch with its own node types, which say nothing of what the key wants; the container's
/// ``KeyedDecodingContainer/value(_:forKey:)`` puts the decoded type back.
protocol ScenarioValue {
    /// `a number`, `a list of numbers`, `a mapping (keys: …)`.
    static var expectation: String { get }
    /// The plural for lists of it: `numbers`, `mappings (keys: …)`.
    static var plural: String { get }
    /// The type of the values inside (list items, mapping values), if any.
    static var elementType: Any.Type? { get }
}

extension ScenarioValue {
    static var elementType: Any.Type? { nil }
}

/// Sections: mappings with fixed keys.
protocol ScenarioSection: ScenarioValue {
    associatedtype Keys: CodingKey & CaseIterable
}

extension ScenarioSection {
    static var keyList: String { Keys.allCases.map(\.stringValue).joined(separator: ", ") }
    static var expectation: String { "a mapping (keys: \(keyList))" }
    static var plural: String { "mappings (keys: \(keyList))" }
}

extension Double: ScenarioValue {
    static var expectation: String { "a number" }
    static var plural: String { "numbers" }
}
extension Int: ScenarioValue {
    static var expectation: String { "a whole number" }
    static var plural: String { "whole numbers" }
}
extension UInt64: ScenarioValue {
    static var expectation: String { "a whole number ≥ 0" }
    static var plural: String { "whole numbers ≥ 0" }
}
extension String: ScenarioValue {
    static var expectation: String { "text" }
    static var plural: String { "text values" }
}
extension Bool: ScenarioValue {
    static var expectation: String { "true or false" }
    static var plural: String { "true or false values" }
}
extension TimeSpan: ScenarioValue {
    static var expectation: String { "a duration like 30s, 1m, 4h or 7d" }
    static var plural: String { "durations like 30s, 1m, 4h or 7d" }
}
extension Array: ScenarioValue where Element: ScenarioValue {
    static var expectation: String { "a list of \(Element.plural)" }
    static var plural: String { "lists of \(Element.plural)" }
    static var elementType: Any.Type? { Element.self }
}
extension Dictionary: ScenarioValue where Key == String, Value: ScenarioValue {
    static var expectation: String { "a mapping of keys to \(Value.plural)" }
    static var plural: String { "mappings of keys to \(Value.plural)" }
    static var elementType: Any.Type? { Value.self }
}

extension KeyedDecodingContainer {
    /// `decode(_:forKey:)`, with a value of the wrong kind reported against `T` (or `reported`).
    func value<T: Decodable>(_ type: T.Type, forKey key: Key, reported: (any ScenarioValue.Type)? = nil) throws -> T {
        do { return try decode(type, forKey: key) } catch let error as DecodingError {
            throw Self.naming(reported ?? T.self, in: error, depth: codingPath.count)
        }
    }

    /// `decodeIfPresent(_:forKey:)`, with a value of the wrong kind reported against `T` (or
    /// `reported`).
    func optional<T: Decodable>(_ type: T.Type, forKey key: Key, reported: (any ScenarioValue.Type)? = nil) throws -> T? {
        do { return try decodeIfPresent(type, forKey: key) } catch let error as DecodingError {
            throw Self.naming(reported ?? T.self, in: error, depth: codingPath.count)
        }
    }

    /// `error` with Yams' node type replaced by the scenario type expected there: `type` at
    /// the key itself, its elements' type below it.
    private static func naming(_ type: Any.Type, in error: DecodingError, depth: Int) -> DecodingError {
        guard case let .typeMismatch(found, context) = error,
              found == Node.Scalar.self || found == Node.Mapping.self || found == Node.Sequence.self,
              context.codingPath.count > depth else { return error }
        var expected = type
        for _ in context.codingPath.dropFirst(depth + 1) {
            guard let element = (expected as? any ScenarioValue.Type)?.elementType else { return error }
            expected = element
        }
        return .typeMismatch(expected, context)
    }
}
