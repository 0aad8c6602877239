/// Reads explicit positions from CSV text:
///
///     side,quantity,entryPrice,leverage
///     long,0.5,61250,20
///     short,2,59800,5
///
/// The header line is required exactly as shown, optionally with a fifth column `asset` (the
/// symbol; required with several assets), or with the three columns `asset,account,marginMode`:
///
///     side,quantity,entryPrice,leverage,asset,account,marginMode
///     long,0.5,61250,20,BTC,,isolated
///     long,0.5,61250,,BTC,alice,cross
///     short,10,3100,,ETH,alice,cross
///
/// Blank lines and lines starting with `#` are skipped. `side` is `long` or `short`; `quantity`
/// (asset units) and `entryPrice` (USD) are positive; `leverage` is ≥ 1 and below the venue's
/// maximum (1 / maintenance rate).
///
/// `marginMode` is `isolated` or `cross`. `account` is an id of at most ``accountLimit``
/// characters (no commas); it is required for a `cross` row and may be empty for an `isolated`
/// one (an isolated row with an account is still just an isolated position). A `cross` row's
/// `leverage` must be empty or a number ≥ 1 (no upper bound), and it is **ignored**: the margin
/// of a cross position is its account's wallet (``AccountsCSV``), not quantity · entryPrice /
/// leverage. Its ``Row/position`` holds the written leverage, or 1 when the field is empty.
/// `isolated` rows are checked exactly as rows without these columns.
public enum PositionsCSV {
    public static let header = ["side", "quantity", "entryPrice", "leverage"]
    /// The columns after ``header`` of a file with accounts (the three are required together).
    public static let accountColumns = ["asset", "account", "marginMode"]
    /// The longest account id, in characters.
    public static let accountLimit = 64

    /// One parsed row.
    public struct Row: Sendable, Equatable {
        public var position: Position
        public var asset: String?
        /// The account id; nil without the `account` column or when the field is empty (only
        /// allowed for an isolated row).
        public var account: String?
        /// nil without the `marginMode` column (an isolated position).
        public var marginMode: MarginMode?
        public var line: Int

        public init(position: Position, asset: String? = nil, account: String? = nil,
                    marginMode: MarginMode? = nil, line: Int) {
            self.position = position
            self.asset = asset
            self.account = account
            self.marginMode = marginMode
            self.line = line
        }

        /// Whether the row is a cross-margined position (`marginMode` is `cross`).
        public var isCross: Bool { marginMode == .cross }
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
                guard fields == header || fields == header + ["asset"] || fields == header + accountColumns else {
                    throw LineError(line: lineNumber, message: "the first line must be the header '\(header.joined(separator: ","))' (optionally with ',asset' or ',\(accountColumns.joined(separator: ","))'), found \(ErrorText.quoted(trimmed))")
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
            let mode = try columns == 7 ? marginMode(fields[6], line: lineNumber) : nil
            let isCross = mode == .cross
            // A cross row's leverage is ignored and may be empty.
            let leverage = try isCross && fields[3].isEmpty ? 1 : number(fields[3], "leverage", line: lineNumber, column: 4)
            guard quantity > 0 else {
                throw LineError(line: lineNumber, message: "quantity \(fields[1]) must be > 0")
            }
            guard entry > 0 else {
                throw LineError(line: lineNumber, message: "entryPrice \(fields[2]) must be > 0")
            }
            if isCross {
                guard leverage >= 1 else {
                    throw LineError(line: lineNumber, message: "leverage \(fields[3]) is out of range; expected empty or ≥ 1 for a cross position (it is ignored: the account's wallet is the margin)")
                }
            } else {
                guard leverage >= 1, leverage < maximumLeverage else {
                    throw LineError(line: lineNumber, message: "leverage \(fields[3]) is out of range; expected ≥ 1 and < \(formatLimit(maximumLeverage)) (1 / maintenanceMarginRate)")
                }
            }
            let accountID = try columns == 7 ? account(fields[5], required: isCross, line: lineNumber) : nil
            result.append(Row(position: Position(side: side, quantity: quantity, entryPrice: entry, leverage: leverage),
                              asset: columns >= 5 ? fields[4] : nil, account: accountID, marginMode: mode, line: lineNumber))
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

    /// The `marginMode` field (column 7).
    private static func marginMode(_ text: String, line: Int) throws(LineError) -> MarginMode {
        guard let mode = MarginMode(rawValue: text) else {
            throw LineError(line: line, column: 7, message: "marginMode \(ErrorText.quoted(text)) is not allowed; expected isolated or cross")
        }
        return mode
    }

    /// The `account` field (column 6): nil when empty and not `required`.
    private static func account(_ text: String, required: Bool, line: Int) throws(LineError) -> String? {
        if text.isEmpty {
            guard !required else {
                throw LineError(line: line, column: 6, message: "account is empty; a cross position needs the id of its account (its wallet is in the accounts file)")
            }
            return nil
        }
        guard text.count <= accountLimit else {
            throw LineError(line: line, column: 6, message: "account \(ErrorText.quoted(text)) is \(text.count) characters long; expected at most \(accountLimit)")
        }
        return text
    }

    private static func formatLimit(_ value: Double) -> String {
        value == value.rounded() && value < 1e15 ? String(Int(value)) : String(value)
    }
}
