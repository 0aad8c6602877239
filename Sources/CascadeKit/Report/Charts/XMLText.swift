/// Escaping of text for XML and XHTML-compatible HTML (shared by ``SVGWriter`` and ``HTMLReport``).
enum XMLText {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entity references, safe in element text
    /// and in attribute values quoted with either quote. Characters XML 1.0 does not allow
    /// (control characters other than tab, line feed and carriage return, U+FFFE, U+FFFF) are
    /// dropped, so any Swift string yields well-formed markup.
    static func escape(_ text: String) -> String {
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
