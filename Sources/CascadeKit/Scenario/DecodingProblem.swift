/// A problem found while decoding a scenario, with the path of the value at fault as segments
/// (mapping keys, and list indices as numbers) so that ``DecodingRepair`` can set that value
/// aside and decoding can go on to the next problem.
struct DecodingProblem: Error {
    let issue: ScenarioIssue
    /// Where the value at fault is.
    let path: [String]
    /// The key to drop, for an unknown key (`path` is then its mapping's).
    let unknownKey: String?

    init(_ codingPath: [any CodingKey], _ message: String, unknownKey: String? = nil) {
        issue = ScenarioIssue(codingPath, message)
        path = Self.segments(codingPath)
        self.unknownKey = unknownKey
    }

    /// A coding path as segments: list indices (Yams names them "Index 3") as numbers.
    static func segments(_ codingPath: [any CodingKey]) -> [String] {
        codingPath.map { key in
            if let index = key.intValue, key.stringValue != String(index) { return String(index) }
            return key.stringValue
        }
    }
}
