/// The whole-number options (`--paths`, `--seed`, `--threads`, `--chunk-size`) are read as text
/// and parsed here, so that every bad value gets one line naming the option, the value and what
/// is allowed — argument-parser alone would take `--paths -3` for an option named `-3`, and
/// answer "Missing value".
enum WholeNumber {
    struct Problem: Error {
        var message: String
    }

    /// The value of `option` given as `text` (nil if not given), or why it is not allowed.
    static func parse<T: FixedWidthInteger>(_ text: String?, option: String, atLeast minimum: T) throws(Problem) -> T? {
        guard let text else { return nil }
        if let value = T(text) {
            guard value >= minimum else { throw Problem(message: "\(option) \(text) is out of range; expected ≥ \(minimum)") }
            return value
        }
        let sign = text.first.map { $0 == "-" || $0 == "+" } ?? false
        let digits = sign ? text.dropFirst() : Substring(text)
        if !digits.isEmpty && digits.allSatisfy({ $0.isASCII && $0.isNumber }) {
            throw Problem(message: "\(option) \(text) is out of range; expected ≥ \(minimum)"
                          + (text.hasPrefix("-") ? "" : " and ≤ \(T.max)"))
        }
        throw Problem(message: "\(option) '\(text)' is not a whole number; expected ≥ \(minimum)")
    }

    /// Checks `text` for `validate()`: prints the one-line error and throws the exit code.
    static func check<T: FixedWidthInteger>(_ text: String?, option: String, atLeast minimum: T) throws {
        do { _ = try parse(text, option: option, atLeast: minimum) } catch { throw fail(error.message) }
    }
}
