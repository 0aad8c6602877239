/// Escaping of text for XML and XHTML-compatible HTML (shared by ``SVGWriter`` and ``HTMLReport``).
enum XMLText {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entity references, safe in element text
    /// and in attribute values quoted with either quote. Characters XML 1.0 does not allow
    /// (control characters other than tab, line feed and carriage return, U+FFFE, U+FFFF) are
    /// dropped, so any Swift string yields well-formed markup.
    static func escape(_ text: String) -> String {
        // Most text (numbers, coordinates, names) needs nothing: return it as it is.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x26 || $0 == 0x27 || $0 == 0x3C || $0 == 0x3E || $0 == 0xEF }) {
            return text
        }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
