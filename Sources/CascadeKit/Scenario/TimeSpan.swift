import Foundation

/// A duration written in a scenario file as a number and a unit: `30s`, `1m`, `4h`, `7d` (also
/// `1.5h`), or several such parts added up: `20h30m`, `1d12h`. Stored in seconds.
public struct TimeSpan: Sendable, Hashable, Decodable, CustomStringConvertible {
    public var seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    /// The units a duration may use, with their length in seconds.
    public static let units: [(suffix: String, seconds: Double)] = [("s", 1), ("m", 60), ("h", 3_600), ("d", 86_400)]

    /// Parses `text` (`30s`, `1m`, `4h`, `7d`); nil when it is not such a duration.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var total = 0.0
        var number = ""
        var parts = 0
        for character in trimmed {
            if character.isASCII && (character.isNumber || character == ".") {
                number.append(character)
            } else if let unit = Self.units.first(where: { $0.suffix == String(character) }) {
                guard !number.isEmpty, let value = Double(number), value.isFinite, value >= 0 else { return nil }
                total += value * unit.seconds
                number = ""
                parts += 1
            } else {
                return nil
            }
        }
        guard parts > 0, number.isEmpty, total.isFinite else { return nil }
        seconds = total
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text: String
        do {
            if container.decodeNil() { throw DecodingError.valueNotFound(TimeSpan.self, .init(codingPath: decoder.codingPath, debugDescription: "null")) }
            text = try container.decode(String.self)
        } catch {
            // Reported as "expected a duration like 30s, 1m, 4h or 7d, found …".
            throw DecodingError.typeMismatch(TimeSpan.self, .init(codingPath: decoder.codingPath, debugDescription: "not a duration"))
        }
        guard let span = TimeSpan(parsing: text) else {
            throw DecodingProblem(decoder.codingPath, "\(ErrorText.quoted(text)) is not a duration; expected a number ≥ 0 and a unit: s, m, h or d (e.g. 30s, 1m, 4h, 7d)")
        }
        self = span
    }

    /// The shortest exact rendering: `90s` → `90s`, `3600s` → `1h`; a whole number of units is
    /// written without a fraction up to 2⁵³ (past that, and for fractions, as Swift prints a
    /// Double: `1e+23d`).
    public var description: String {
        for unit in Self.units.reversed() where seconds >= unit.seconds {
            let value = seconds / unit.seconds
            if value == value.rounded() { return Self.render(value) + unit.suffix }
        }
        return Self.render(seconds) + "s"
    }

    /// `value` as a whole number where it is one that an Int holds exactly, else Swift's
    /// shortest round-trip form.
    static func render(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 0x1p53 ? String(Int(value)) : String(value)
    }
}
