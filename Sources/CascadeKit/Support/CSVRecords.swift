/// The lines of the small comma-separated files cascade reads (positions, historical prices), by
/// one convention: blank lines and lines starting with `#` are skipped; fields are split at commas
/// (no quoting) and trimmed of spaces and tabs. Line numbers are 1-based, as in error messages.
struct CSVRecords {
    /// A line that holds fields.
    struct Record {
        /// Its line number.
        var line: Int
        /// The line, trimmed.
        var text: String
        var fields: [String]
    }

    /// The lines that hold fields, in order.
    let records: [Record]
    /// The number of lines in the text ("\r\n" is one line break).
    let lineCount: Int

    init(_ text: String) {
        var records: [Record] = []
        var lineNumber = 0
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            lineNumber += 1
            let trimmed = line.trimmingSpaces()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            records.append(Record(line: lineNumber, text: trimmed,
                                  fields: trimmed.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingSpaces() }))
        }
        self.records = records
        lineCount = lineNumber
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}

extension CSVRecords {
    /// `text` as a number when it is written in the decimal grammar
    /// `[+-]? (digits [. digits?] | . digits) [(e|E) [+-]? digits]` (`61250`, `-0.5`, `.5`, `5.`,
    /// `2e-3`), else nil — unlike `Double(_:)`, which also reads `inf`, `nan` and hex floats,
    /// and stops at a NUL. The result may be infinite (`1e999`).
    static func decimal(_ text: String) -> Double? {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int {
            let n = bytes.prefix(while: { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }).count
            bytes = bytes.dropFirst(n)
            return n
        }
        if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        var mantissa = digits()
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            mantissa += digits()
        }
        guard mantissa > 0 else { return nil }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return nil }
        }
        guard bytes.isEmpty else { return nil }
        return Double(text)
    }
}
