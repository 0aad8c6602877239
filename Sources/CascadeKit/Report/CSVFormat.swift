/// How numbers are written in cascade's CSV files.
public enum CSVFormat {
    /// The shortest text that reads back as exactly `value` (so reports are byte-identical for
    /// identical results); NaN (an undefined value) is an empty field, whole numbers have no
    /// fractional part.
    public static func number(_ value: Double) -> String {
        if value.isNaN { return "" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded() && Swift.abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    /// Appends the text of ``number(_:)`` to `bytes` (UTF-8) without building a `String` for
    /// whole numbers: the fast path of large reports such as paths.csv.
    @inlinable
    public static func append(_ value: Double, to bytes: inout [UInt8]) {
        if value == value.rounded() && Swift.abs(value) < 1e15 {
            append(Int64(value), to: &bytes)
        } else if value.isFinite {
            // The standard library writes a double's shortest digits to a text stream without
            // building a String when the stream takes ASCII bytes: about 40% faster.
            var sink = ByteSink()
            swap(&sink.bytes, &bytes)
            value.write(to: &sink)
            swap(&sink.bytes, &bytes)
        } else if !value.isNaN {
            bytes.append(contentsOf: number(value).utf8)
        }
    }

    /// A text stream into a byte array (UTF-8).
    @usableFromInline
    struct ByteSink: TextOutputStream {
        @usableFromInline var bytes: [UInt8] = []
        @usableFromInline init() {}
        @usableFromInline mutating func write(_ string: String) { bytes.append(contentsOf: string.utf8) }
        @usableFromInline mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: buffer) }
    }

    /// Appends the decimal digits of `value` (with a minus sign when negative) to `bytes`.
    @inlinable
    public static func append(_ value: Int64, to bytes: inout [UInt8]) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes.append(contentsOf: buffer[(24 - count)...])
        }
    }

    /// The column name of a quantile level: 0.05 → `p5`, 0.5 → `p50`, 0.999 → `p99.9`.
    public static func quantileName(_ level: Double) -> String {
        let percent = (level * 100 * 1e9).rounded() / 1e9
        return "p" + number(percent)
    }

    /// A text field, quoted as RFC 4180 wants when it holds a comma, a quote or a line break.
    public static func quoted(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
