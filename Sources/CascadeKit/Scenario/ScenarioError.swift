/// One problem found in a scenario: where (a key path such as
/// `market.assets[0].model.volatility`, or a CSV line) and what is wrong and allowed.
public struct ScenarioIssue: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the problem is: a key path in the scenario file, possibly followed by a CSV location.
    public var location: String
    /// What is wrong and what is allowed.
    public var message: String

    public init(_ location: String, _ message: String) {
        self.location = location
        self.message = message
    }

    public init(_ codingPath: [any CodingKey], _ message: String) {
        self.init(KeyPath.render(codingPath), message)
    }

    /// `location: message`, with the location cut to 100 scalars, quoted values in the message cut
    /// to ``ErrorText/quotedLimit``, and control characters escaped.
    public var description: String {
        let message = ErrorText.shorteningQuotes(message)
        return location.isEmpty ? ErrorText.escaped(message) : "\(ErrorText.clipped(location, limit: 100)): \(ErrorText.escaped(message))"
    }
}

/// Why a scenario could not be loaded. Each case renders to lines of the form
/// `FILE: KEY.PATH: what is wrong; what is allowed`, each at most ``ErrorText/lineLimit``
/// scalars with control characters escaped (``ErrorText``).
public enum ScenarioError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The scenario file does not exist or cannot be read.
    case unreadable(file: String, reason: String)
    /// The file is not valid YAML.
    case syntax(file: String, message: String)
    /// The file is YAML but breaks the scenario schema or its value ranges.
    case invalid(file: String, issues: [ScenarioIssue])

    public var description: String {
        switch self {
        case let .unreadable(file, reason): return ErrorText.line("\(ErrorText.path(file)): \(ErrorText.shorteningQuotes(reason))")
        case let .syntax(file, message): return ErrorText.line("\(ErrorText.path(file)): not valid YAML: \(message)")
        case let .invalid(file, issues): return issues.map { ErrorText.line("\(ErrorText.path(file)): \($0)") }.joined(separator: "\n")
        }
    }

    /// The issues, for tests (empty for unreadable files and syntax errors).
    public var issues: [ScenarioIssue] {
        if case let .invalid(_, issues) = self { return issues }
        return []
    }
}

/// Rendering of coding paths as scenario key paths.
public enum KeyPath {
    /// `[market, assets, 0, model]` → `market.assets[0].model`.
    public static func render(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            // A list index (Yams names it "Index 3"); a mapping key such as leverageMix's 5 has an
            // intValue too but its own text.
            if let index = key.intValue, key.stringValue != String(index) {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }

    public static func render(_ path: [any CodingKey], appending key: String) -> String {
        let base = render(path)
        return base.isEmpty ? key : "\(base).\(key)"
    }
}
