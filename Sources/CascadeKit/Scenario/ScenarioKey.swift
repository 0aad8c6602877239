/// One key of the scenario format, as ``ScenarioReference`` documents it: what it holds, whether
/// it is required (or its default), its unit, what is allowed, what it means and an example.
///
/// The reference is the one description of the format that docs/scenarios.md
/// (``ScenarioReferenceMarkdown``) and the JSON Schema (``ScenarioSchema``) are generated from;
/// tests hold it to the decoder (the same keys in every mapping) and to ``ScenarioValidator``
/// (every bound it states is the one `cascade validate` enforces).
public struct ScenarioKey: Sendable {
    /// What a key's value is.
    public indirect enum Shape: Sendable {
        /// Any text (a YAML scalar, read as text).
        case text
        /// One of a fixed set of words.
        case choice([String])
        /// A number within bounds.
        case number(Bounds)
        /// A whole number within bounds.
        case whole(Bounds)
        /// `true` or `false`.
        case flag
        /// A duration: a number ≥ 0 and a unit, `30s`, `1m`, `4h`, `7d`, combined as `20h30m`.
        case duration
        /// A mapping with these keys.
        case section([ScenarioKey])
        /// A price model: a mapping with `type` and the keys of that type
        /// (``PriceModelSection/keysByType``), each described in the list.
        case model([ScenarioKey])
        /// A list of values of one shape, with at least `atLeast` and at most `atMost` of them.
        case list(Shape, atLeast: Int = 0, atMost: Int? = nil)
        /// A mapping of free keys (what they are: `key`) to values of one shape.
        case table(key: String, Shape)
        /// A mapping whose keys are among `names`, each to a value of one shape.
        case namedTable([String], Shape)
        /// Any one of several shapes.
        case either([Shape])
    }

    /// Bounds of a number; nil ends are open-ended.
    public struct Bounds: Sendable, Equatable {
        public var lower: Double?
        public var lowerExclusive = false
        public var upper: Double?
        public var upperExclusive = false

        /// Any finite number.
        public static let any = Bounds()
        /// ≥ 0.
        public static let nonNegative = Bounds(lower: 0)
        /// > 0.
        public static let positive = Bounds(lower: 0, lowerExclusive: true)
        /// ≥ `lower`, ≤ `upper`.
        public static func closed(_ lower: Double, _ upper: Double) -> Bounds { Bounds(lower: lower, upper: upper) }
        /// > 0 and ≤ `upper`.
        public static func positive(atMost upper: Double) -> Bounds { Bounds(lower: 0, lowerExclusive: true, upper: upper) }
        /// ≥ 0 and ≤ `upper`.
        public static func nonNegative(atMost upper: Double) -> Bounds { Bounds(lower: 0, upper: upper) }
        /// ≥ −`limit` and ≤ `limit`.
        public static func symmetric(_ limit: Double) -> Bounds { Bounds(lower: -limit, upper: limit) }

        /// Whether `value` lies within the bounds.
        public func contains(_ value: Double) -> Bool {
            guard value.isFinite else { return false }
            if let lower, lowerExclusive ? value <= lower : value < lower { return false }
            if let upper, upperExclusive ? value >= upper : value > upper { return false }
            return true
        }
    }

    /// Whether a key must be given.
    public enum Requirement: Sendable {
        /// Always.
        case required
        /// Never; `default` says what applies without it (nil: nothing, the feature is off).
        case optional(default: String?)
        /// In some cases, which the text names ("with ≥ 2 assets").
        case conditional(String)
    }

    public let name: String
    public let shape: Shape
    public let requirement: Requirement
    /// The unit of a number ("USD", "fraction", "per year"), if any.
    public let unit: String?
    /// Rules beyond the shape and bounds (cross-key rules that `cascade validate` checks).
    public let rules: String?
    public let meaning: String
    /// An example value, as YAML (flow style).
    public let example: String

    public init(_ name: String, _ shape: Shape, _ requirement: Requirement, unit: String? = nil, rules: String? = nil,
                meaning: String, example: String) {
        self.name = name
        self.shape = shape
        self.requirement = requirement
        self.unit = unit
        self.rules = rules
        self.meaning = meaning
        self.example = example
    }

    /// Whether the key must always be given.
    public var isRequired: Bool {
        if case .required = requirement { return true }
        return false
    }

    /// The keys of a mapping value (a section or a model), or nil.
    public var children: [ScenarioKey]? {
        switch shape {
        case let .section(keys), let .model(keys): keys
        case let .list(inner, _, _), let .table(_, inner), let .namedTable(_, inner):
            ScenarioKey("", inner, .required, meaning: "", example: "").children
        default: nil
        }
    }
}
