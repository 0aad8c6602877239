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
