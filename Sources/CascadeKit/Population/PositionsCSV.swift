/// Reads explicit positions from CSV text:
///
///     side,quantity,entryPrice,leverage
///     long,0.5,61250,20
///     short,2,59800,5
///
/// The header line is required exactly as shown, optionally with a fifth column `asset` (the
/// symbol; required with several assets). Blank lines and lines starting with `#` are skipped.
/// `side` is `long` or `short`; `quantity` (asset units) and `entryPrice` (USD) are positive;
/// `leverage` is ≥ 1 and below the venue's maximum (1 / maintenance rate).
public enum PositionsCSV {
    public static let header = ["side", "quantity", "entryPrice", "leverage"]

    /// One parsed row.
    public struct Row: Sendable {
        public var position: Position
        public var asset: String?
        public var line: Int
    }

    /// A problem on one line (1-based), in one column (field, 1-based) if it is about a field.
    public struct LineError: Error, Equatable, Sendable {
        public var line: Int
        public var column: Int?
        public var message: String

        public init(line: Int, column: Int? = nil, message: String) {
            self.line = line
            self.column = column
            self.message = message
        }

        /// `3` or `3, column 2`, for messages (after the file name and a colon).
        public var location: String { column.map { "\(line), column \($0)" } ?? "\(line)" }
    }

    /// Parses `text`; `maximumLeverage` is the exclusive upper bound of leverage.
    public static func parse(_ text: String, maximumLeverage: Double) throws(LineError) -> [Row] {
        var result: [Row] = []
        var columns = header.count
        var sawHeader = false
        var headerLine = 1
        let csv = CSVRecords(text)
        for record in csv.records {
            let lineNumber = record.line, trimmed = record.text, fields = record.fields
            if !sawHeader {
                guard fields == header || fields == header + ["asset"] else {
                    throw LineError(line: lineNumber, message: "the first line must be the header '\(header.joined(separator: ","))' (optionally with ',asset'), found \(ErrorText.quoted(trimmed))")
                }
                columns = fields.count
                sawHeader = true
                headerLine = lineNumber
                continue
            }
            guard fields.count == columns else {
                throw LineError(line: lineNumber, message: "expected \(columns) fields as in the header, found \(fields.count) in \(ErrorText.quoted(trimmed))")
            }
            guard let side = Side(rawValue: fields[0]) else {
                throw LineError(line: lineNumber, message: "side \(ErrorText.quoted(fields[0])) is not allowed; expected long or short")
            }
            let quantity = try number(fields[1], "quantity", line: lineNumber, column: 2)
            let entry = try number(fields[2], "entryPrice", line: lineNumber, column: 3)
            let leverage = try number(fields[3], "leverage", line: lineNumber, column: 4)
            guard quantity > 0 else {
                throw LineError(line: lineNumber, message: "quantity \(fields[1]) must be > 0")
            }
            guard entry > 0 else {
                throw LineError(line: lineNumber, message: "entryPrice \(fields[2]) must be > 0")
            }
            guard leverage >= 1, leverage < maximumLeverage else {
                throw LineError(line: lineNumber, message: "leverage \(fields[3]) is out of range; expected ≥ 1 and < \(formatLimit(maximumLeverage)) (1 / maintenanceMarginRate)")
            }
            result.append(Row(position: Position(side: side, quantity: quantity, entryPrice: entry, leverage: leverage),
                              asset: columns == 5 ? fields[4] : nil, line: lineNumber))
        }
        guard sawHeader else {
            throw LineError(line: max(csv.lineCount, 1), message: "the file is empty; expected the header '\(header.joined(separator: ","))' and at least one position")
        }
        guard !result.isEmpty else {
            throw LineError(line: headerLine, message: "no positions after the header")
        }
        return result
    }

    /// A field in the decimal grammar (``CSVRecords/decimal(_:)``), finite.
    private static func number(_ text: String, _ field: String, line: Int, column: Int) throws(LineError) -> Double {
        guard let value = CSVRecords.decimal(text) else {
            throw LineError(line: line, column: column, message: "\(field) \(ErrorText.quoted(text)) is not a finite number; expected a decimal number such as 0.5, 61250 or 2e-3")
        }
        guard value.isFinite else {
            throw LineError(line: line, column: column, message: "\(field) \(ErrorText.quoted(text)) is not a finite number")
        }
        return value
    }

    private static func formatLimit(_ value: Double) -> String {
        value == value.rounded() && value < 1e15 ? String(Int(value)) : String(value)
    }
}
