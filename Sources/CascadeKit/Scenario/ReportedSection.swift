import Foundation

/// `reported:` — what was reported for the real event a scenario stands for, so that a run can be
/// set beside it (``PlausibilityCheck``). The engine never reads it: it changes no number of a
/// run, and a scenario is never tuned to it (docs/scenarios.md, "Plausibility, not fitting").
public struct ReportedSection: Sendable, Decodable, ScenarioSection {
    typealias Keys = CodingKeys
    /// The event and the scope the scenario models ("12–13 March 2020, BitMEX XBTUSD").
    public var event: String
    /// The lowest and highest liquidated notional reported for that scope (USD).
    public var liquidatedNotional: [Double]
    /// The share of the reported liquidated notional that was long, in [0, 1] (optional).
    public var longShare: Double?

    enum CodingKeys: String, CodingKey, CaseIterable { case event, liquidatedNotional, longShare }

    public init(event: String, liquidatedNotional: [Double], longShare: Double? = nil) {
        self.event = event
        self.liquidatedNotional = liquidatedNotional
        self.longShare = longShare
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        event = try c.value(String.self, forKey: .event)
        liquidatedNotional = try c.value([Double].self, forKey: .liquidatedNotional)
        longShare = try c.optional(Double.self, forKey: .longShare)
    }

    /// The reported range of a validated section.
    public var range: (low: Double, high: Double) { (liquidatedNotional[0], liquidatedNotional[1]) }

    func issues(into v: inout ScenarioValidator.Collector) {
        if event.trimmingCharacters(in: .whitespaces).isEmpty {
            v.add("reported.event", "is empty; expected the event and the scope the scenario models")
        }
        let n = liquidatedNotional
        if n.count != 2 {
            v.add("reported.liquidatedNotional", "has \(n.count) numbers; expected two: the lowest and the highest reported figure (USD)")
        } else if !n.allSatisfy({ $0.isFinite && $0 > 0 && $0 <= 1e15 }) {
            v.add("reported.liquidatedNotional", "[\(n.map(ScenarioValidator.format).joined(separator: ", "))] is out of range; expected USD > 0 and ≤ 1e15")
        } else if n[0] > n[1] {
            v.add("reported.liquidatedNotional", "[\(n.map(ScenarioValidator.format).joined(separator: ", "))] is not ordered; expected the lowest figure first")
        }
        if let share = longShare { v.inRange(share, "reported.longShare", lower: 0, upper: 1) }
    }
}
