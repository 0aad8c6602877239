/// How text from the user's files and command line goes into error messages: control
/// characters escaped (a newline would split one error into two lines, a NUL or an escape
/// sequence would garble the terminal) and length bounded, so every error stays one short line.
public enum ErrorText {
    /// The longest value quoted in a message, in Unicode scalars (before the "…").
    public static let quotedLimit = 60
    /// The longest error line, in Unicode scalars.
    public static let lineLimit = 300

    /// `text` in single quotes, escaped, and cut to `limit` scalars with "…": `'volatilty'`,
    /// `'a\0b'`, `'xxxx…'`.
    public static func quoted(_ text: some StringProtocol, limit: Int = quotedLimit) -> String {
        "'" + clipped(text, limit: limit) + "'"
    }

    /// `text` escaped and, when longer, cut to `limit` scalars followed by "…" (no quotes).
    public static func clipped(_ text: some StringProtocol, limit: Int = quotedLimit) -> String {
        var out = String.UnicodeScalarView()
        var count = 0
        for scalar in text.unicodeScalars {
            let piece = escape(scalar)
            if count + piece.count > limit {
                out.append("…")
                return String(out)
            }
            out.append(contentsOf: piece)
            count += piece.count
        }
        return String(out)
    }

    /// `text` with its control characters escaped (`\0`, `\n`, `\t`, `\r`, `\u{1B}`…), not cut.
    public static func escaped(_ text: some StringProtocol) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { out.append(contentsOf: escape(scalar)) }
        return String(out)
    }

    /// One error line: escaped, and when longer than `limit` scalars cut to fit with "…".
    /// `suffix` (escaped, at most a third of the limit) is kept whole at the end, after the cut.
    public static func line(_ text: some StringProtocol, suffix: String = "", limit: Int = lineLimit) -> String {
        // `clipped` may add "…" past its limit: leave room for it.
        let tail = clipped(suffix, limit: limit / 3 - 1)
        return clipped(text, limit: limit - tail.unicodeScalars.count - 1) + tail
    }

    /// `message` with every quoted span longer than `limit` scalars cut with "…". A span opens
    /// with `'` at the start or after a space or `(`, and closes with `'` at the end or before a
    /// space or `;,):`. For messages that quote a value without ``quoted(_:limit:)``.
    public static func shorteningQuotes(_ message: String, limit: Int = quotedLimit) -> String {
        let scalars = Array(message.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        func opens(_ k: Int) -> Bool { scalars[k] == "'" && (k == 0 || scalars[k - 1] == " " || scalars[k - 1] == "(") }
        func closes(_ k: Int) -> Bool {
            scalars[k] == "'" && (k + 1 == scalars.count || " ;,):".unicodeScalars.contains(scalars[k + 1]))
        }
        while i < scalars.count {
            if opens(i), let end = (i + 1..<scalars.count).first(where: closes), end - i - 1 > limit {
                out.append("'")
                out.append(contentsOf: scalars[(i + 1)..<(i + 1 + limit)])
                out.append(contentsOf: "…'".unicodeScalars)
                i = end + 1
            } else {
                out.append(scalars[i])
                i += 1
            }
        }
        return String(out)
    }

    /// A file's path for a message: escaped, and when long its last `limit` scalars after "…".
    public static func path(_ path: String, limit: Int = 160) -> String {
        let text = escaped(path)
        let scalars = text.unicodeScalars
        guard scalars.count > limit else { return text }
        var out = String.UnicodeScalarView("…".unicodeScalars)
        out.append(contentsOf: scalars.suffix(limit - 1))
        return String(out)
    }

    /// Whether `scalar` is escaped in messages: C0 and C1 controls, DEL, line and paragraph
    /// separators, and the bidirectional controls that reorder what a terminal shows.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0xFEFF: true
        default: false
        }
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String.UnicodeScalarView {
        guard needsEscape(scalar) else { return String.UnicodeScalarView([scalar]) }
        let text: String
        switch scalar {
        case "\0": text = "\\0"
        case "\n": text = "\\n"
        case "\t": text = "\\t"
        case "\r": text = "\\r"
        default: text = "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        }
        return text.unicodeScalars
    }
}
