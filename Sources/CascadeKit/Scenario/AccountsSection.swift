/// `accounts:` — cross-margined accounts over the assets: generated (`synthetic`) and/or read
/// (`file`, the accounts CSV of wallets, whose positions are the `marginMode: cross` rows of
/// `positions.file`).
public struct AccountsSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    public var synthetic: SyntheticAccountsSection?
    public var file: String?

    enum CodingKeys: String, CodingKey, CaseIterable { case synthetic, file }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        synthetic = try c.optional(SyntheticAccountsSection.self, forKey: .synthetic)
        file = try c.optional(String.self, forKey: .file)
    }
}

/// `accounts.synthetic:` — ``CrossAccountPopulation``.
public struct SyntheticAccountsSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    public var count: Int
    public var openInterest: Double
    public var entrySpread: Double
    public var size: SizeSection
    /// Type name → its share and leverage, as written.
    public var types: [String: AccountTypeSection]

    enum CodingKeys: String, CodingKey, CaseIterable { case count, openInterest, entrySpread, size, types }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        count = try c.value(Int.self, forKey: .count)
        openInterest = try c.value(Double.self, forKey: .openInterest)
        entrySpread = try c.value(Double.self, forKey: .entrySpread)
        size = try c.value(SizeSection.self, forKey: .size)
        types = try c.value([String: AccountTypeSection].self, forKey: .types)
    }
}

/// `accounts.synthetic.types.NAME:` — one account type's share of the open interest, its
/// leverage and (directional) the share of longs.
public struct AccountTypeSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    public var share: Double
    public var leverage: Double
    public var longShare: Double?

    enum CodingKeys: String, CodingKey, CaseIterable { case share, leverage, longShare }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        share = try c.value(Double.self, forKey: .share)
        leverage = try c.value(Double.self, forKey: .leverage)
        longShare = try c.optional(Double.self, forKey: .longShare)
    }
}

/// `exchange.funding:` — ``FundingRule``: the interval, and a fixed `rate` or `rate: premium`
/// with the `interest` term and the `cap`.
public struct FundingSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    public var interval: TimeSpan?
    /// A number, or the text `premium`.
    public var rate: FundingRateValue
    public var interest: Double?
    public var cap: Double?

    enum CodingKeys: String, CodingKey, CaseIterable { case interval, rate, interest, cap }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        interval = try c.optional(TimeSpan.self, forKey: .interval)
        rate = try c.value(FundingRateValue.self, forKey: .rate)
        interest = try c.optional(Double.self, forKey: .interest)
        cap = try c.optional(Double.self, forKey: .cap)
    }
}

/// A funding rate as written: a number (fixed per interval) or `premium`.
public enum FundingRateValue: Sendable, Decodable, Equatable, ScenarioValue {
    case fixed(Double)
    case premium

    static var expectation: String { "a number or premium" }
    static var plural: String { "numbers or premium" }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let value = try? c.decode(Double.self) {
            self = .fixed(value)
            return
        }
        if let text = try? c.decode(String.self), text == "premium" {
            self = .premium
            return
        }
        throw DecodingError.typeMismatch(FundingRateValue.self, .init(codingPath: decoder.codingPath, debugDescription: "expected a number or premium"))
    }
}
