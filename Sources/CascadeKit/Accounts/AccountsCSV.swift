/// Reads the wallets of cross-margin accounts from CSV text:
///
///     account,wallet
///     alice,25000
///     bob,1.2e5
///
/// The header line is required exactly as shown. Blank lines and lines starting with `#` are
/// skipped. `account` is the id used in the positions file's `account` column (non-empty, at
/// most ``PositionsCSV/accountLimit`` characters, no commas), each at most once; `wallet` is the
/// account's collateral (USD), a finite decimal number > 0.
///
/// ``crossAccounts(rows:wallets:assetIndex:)`` joins the wallets with the positions file's
/// `cross` rows into ``CrossAccount``s.
public enum AccountsCSV {
    public static let header = ["account", "wallet"]

    /// The error of ``parse(_:)``: the one of the positions file.
    public typealias LineError = PositionsCSV.LineError

    /// Parses `text`: the wallets in file order, with their (1-based) lines.
    public static func parse(_ text: String) throws(LineError) -> [(account: String, wallet: Double, line: Int)] {
        var result: [(account: String, wallet: Double, line: Int)] = []
        var lineOf: [String: Int] = [:]
        var sawHeader = false
        var headerLine = 1
        let csv = CSVRecords(text)
        for record in csv.records {
            let lineNumber = record.line, trimmed = record.text, fields = record.fields
            if !sawHeader {
                guard fields == header else {
                    throw LineError(line: lineNumber, message: "the first line must be the header '\(header.joined(separator: ","))', found \(ErrorText.quoted(trimmed))")
                }
                sawHeader = true
                headerLine = lineNumber
                continue
            }
            guard fields.count == header.count else {
                throw LineError(line: lineNumber, message: "expected \(header.count) fields as in the header, found \(fields.count) in \(ErrorText.quoted(trimmed))")
            }
            let account = fields[0]
            guard !account.isEmpty else {
                throw LineError(line: lineNumber, column: 1, message: "account is empty; expected the id used in the positions file's account column")
            }
            guard account.count <= PositionsCSV.accountLimit else {
                throw LineError(line: lineNumber, column: 1, message: "account \(ErrorText.quoted(account)) is \(account.count) characters long; expected at most \(PositionsCSV.accountLimit)")
            }
            guard let wallet = CSVRecords.decimal(fields[1]), wallet.isFinite else {
                throw LineError(line: lineNumber, column: 2, message: "wallet \(ErrorText.quoted(fields[1])) is not a finite number; expected a decimal number (USD) such as 25000 or 1.2e5")
            }
            guard wallet > 0 else {
                throw LineError(line: lineNumber, message: "wallet \(fields[1]) must be > 0")
            }
            if let first = lineOf[account] {
                throw LineError(line: lineNumber, message: "account \(ErrorText.quoted(account)) is already on line \(first); expected one wallet per account")
            }
            lineOf[account] = lineNumber
            result.append((account, wallet, lineNumber))
        }
        guard sawHeader else {
            throw LineError(line: max(csv.lineCount, 1), message: "the file is empty; expected the header '\(header.joined(separator: ","))' and at least one account")
        }
        guard !result.isEmpty else {
            throw LineError(line: headerLine, message: "no accounts after the header")
        }
        return result
    }

    /// A problem found by ``crossAccounts(rows:wallets:assetIndex:)``: on one line (1-based) of
    /// the positions file or of the accounts file.
    public struct CrossError: Error, Equatable, Sendable, CustomStringConvertible {
        public enum File: String, Sendable, Hashable {
            case positions
            case accounts
        }

        public var file: File
        public var line: Int
        public var message: String

        public init(file: File, line: Int, message: String) {
            self.file = file
            self.line = line
            self.message = message
        }

        /// `positions file, line 3: …`.
        public var description: String { "\(file.rawValue) file, line \(line): \(message)" }
    }

    /// The cross accounts of the positions file's `cross` rows, with their wallets.
    ///
    /// - Parameters:
    ///   - rows: the positions file's rows (``PositionsCSV/parse(_:maximumLeverage:)``).
    ///   - wallets: the accounts file's wallets (``parse(_:)``).
    ///   - assetIndex: the index of a row's asset (its symbol, nil without the `asset`
    ///     column), or nil when there is no such asset.
    /// - Returns: one account per account id of the cross rows, in the order the ids first
    ///   appear in `rows`, with one leg per asset in the order the assets first appear (a long's
    ///   quantity positive, a short's negative, the entry price as written; the row's leverage
    ///   is not used); `ids[i]` is the id of `accounts[i]`; and the rows that are not `cross`
    ///   (isolated, with or without an account), in order.
    /// - Throws: on the positions file's line: a cross row without an account, without a
    ///   wallet for its account, with an unknown asset, or a second row of the same account
    ///   and asset; on the accounts file's line: a second wallet of an account, a wallet that
    ///   is not finite and > 0, or a wallet whose account has no cross row.
    public static func crossAccounts(rows: [PositionsCSV.Row],
                                     wallets: [(account: String, wallet: Double, line: Int)],
                                     assetIndex: (String?) -> Int?) throws(CrossError)
        -> (accounts: [CrossAccount], ids: [String], isolated: [PositionsCSV.Row]) {
        var walletIndex: [String: Int] = [:]
        for (i, entry) in wallets.enumerated() {
            if let first = walletIndex[entry.account] {
                throw CrossError(file: .accounts, line: entry.line, message: "account \(ErrorText.quoted(entry.account)) is already on line \(wallets[first].line); expected one wallet per account")
            }
            guard entry.wallet.isFinite, entry.wallet > 0 else {
                throw CrossError(file: .accounts, line: entry.line, message: "wallet \(CSVFormat.number(entry.wallet)) of account \(ErrorText.quoted(entry.account)) must be a finite number > 0")
            }
            walletIndex[entry.account] = i
        }

        var accounts: [CrossAccount] = []
        var ids: [String] = []
        var isolated: [PositionsCSV.Row] = []
        var accountOf: [String: Int] = [:]
        // The line of each leg, by account and then asset.
        var legLines: [[Int: Int]] = []
        var used = [Bool](repeating: false, count: wallets.count)
        for row in rows {
            guard row.isCross else {
                isolated.append(row)
                continue
            }
            guard let id = row.account, !id.isEmpty else {
                throw CrossError(file: .positions, line: row.line, message: "a cross position has no account; expected the id of its account in the account column")
            }
            let k: Int
            if let existing = accountOf[id] {
                k = existing
            } else {
                guard let w = walletIndex[id] else {
                    throw CrossError(file: .positions, line: row.line, message: "account \(ErrorText.quoted(id)) has no wallet; expected a line '\(ErrorText.clipped(id)),<wallet USD>' in the accounts file")
                }
                used[w] = true
                k = accounts.count
                accountOf[id] = k
                accounts.append(CrossAccount(wallet: wallets[w].wallet, legs: []))
                ids.append(id)
                legLines.append([:])
            }
            guard let asset = assetIndex(row.asset) else {
                let message = row.asset.map { "asset \(ErrorText.quoted($0)) of account \(ErrorText.quoted(id)) is not one of the scenario's assets" }
                    ?? "a cross position has no asset; expected the header 'side,quantity,entryPrice,leverage,asset,account,marginMode'"
                throw CrossError(file: .positions, line: row.line, message: message)
            }
            if let first = legLines[k][asset] {
                throw CrossError(file: .positions, line: row.line, message: "account \(ErrorText.quoted(id)) already has a cross position in asset \(ErrorText.quoted(row.asset ?? "")) on line \(first); expected one row per account and asset")
            }
            legLines[k][asset] = row.line
            let position = row.position
            accounts[k].legs.append(CrossLeg(asset: asset, quantity: position.side.sign * position.quantity, entryPrice: position.entryPrice))
        }
        if let unused = used.firstIndex(of: false) {
            let entry = wallets[unused]
            throw CrossError(file: .accounts, line: entry.line, message: "account \(ErrorText.quoted(entry.account)) has no cross position in the positions file; expected rows with account '\(ErrorText.clipped(entry.account))' and marginMode cross")
        }
        return (accounts, ids, isolated)
    }
}
