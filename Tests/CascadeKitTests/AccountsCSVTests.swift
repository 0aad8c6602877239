import Foundation
import Testing
@testable import CascadeKit

@Suite("Accounts CSV and cross rows of the positions CSV")
struct AccountsCSVTests {
    static let symbols = ["BTC", "ETH", "SOL"]
    static func assetIndex(_ symbol: String?) -> Int? { symbol.flatMap { symbols.firstIndex(of: $0) } }

    static let positions = """
        # a mixed book
        side,quantity,entryPrice,leverage,asset,account,marginMode
        long,0.5,61250,20,BTC,,isolated
        short,10,3100,,ETH,bob,cross

        long,2,60000,,BTC,alice,cross
        long,1,3000,5,ETH,alice,isolated
        long,4,3050,50,ETH,alice,cross
        short, 0.25 ,62000,500,BTC,bob,cross
        short,100,150,10,SOL,carol,isolated
        """
    static let accounts = "# wallets\naccount,wallet\n\nalice , 25000\nbob,1.2e5\r\n"

    static func lineError(_ body: () throws -> Void) -> PositionsCSV.LineError? {
        do { try body() } catch let e as PositionsCSV.LineError { return e } catch { return nil }
        return nil
    }

    static func crossError(_ body: () throws -> Void) -> AccountsCSV.CrossError? {
        do { try body() } catch let e as AccountsCSV.CrossError { return e } catch { return nil }
        return nil
    }

    // MARK: Positions CSV with account and marginMode

    @Test("reads account and marginMode; cross leverage may be empty and has no upper bound")
    func positionsWithAccounts() throws {
        let rows = try PositionsCSV.parse(Self.positions, maximumLeverage: 100)
        #expect(rows.map(\.line) == [3, 4, 6, 7, 8, 9, 10])
        #expect(rows.map(\.marginMode) == [.isolated, .cross, .cross, .isolated, .cross, .cross, .isolated])
        #expect(rows.map(\.account) == [nil, "bob", "alice", "alice", "alice", "bob", "carol"])
        #expect(rows.map(\.asset) == ["BTC", "ETH", "BTC", "ETH", "ETH", "BTC", "SOL"])
        #expect(rows.map(\.isCross) == [false, true, true, false, true, true, false])
        // Cross: the written leverage, or 1 when empty; 500 ≥ the maximum 100 is accepted.
        #expect(rows[1].position == Position(side: .short, quantity: 10, entryPrice: 3100, leverage: 1))
        #expect(rows[4].position.leverage == 50)
        #expect(rows[5].position == Position(side: .short, quantity: 0.25, entryPrice: 62_000, leverage: 500))
        #expect(rows[0].position == Position(side: .long, quantity: 0.5, entryPrice: 61_250, leverage: 20))
    }

    static let malformedPositions: [(String, Int, Int?, String)] = {
        let h = "side,quantity,entryPrice,leverage,asset,account,marginMode\n"
        let long = String(repeating: "a", count: 65)
        return [
            (h + "long,1,100,2,BTC,alice,margin\n", 2, 7, "marginMode 'margin' is not allowed; expected isolated or cross"),
            (h + "long,1,100,2,BTC,alice,\n", 2, 7, "marginMode '' is not allowed; expected isolated or cross"),
            (h + "long,1,100,2,BTC,alice,Cross\n", 2, 7, "marginMode 'Cross' is not allowed"),
            (h + "long,1,100,2,BTC,alice,cross\nlong,1,100,,BTC,,cross\n", 3, 6, "account is empty; a cross position needs the id of its account"),
            (h + "long,1,100,2,BTC,\(long),cross\n", 2, 6, "characters long; expected at most 64"),
            (h + "long,1,100,2,BTC,\(long),isolated\n", 2, 6, "is 65 characters long; expected at most 64"),
            (h + "long,1,100,0.5,BTC,alice,cross\n", 2, nil, "leverage 0.5 is out of range; expected empty or ≥ 1 for a cross position"),
            (h + "long,1,100,x2,BTC,alice,cross\n", 2, 4, "leverage 'x2' is not a finite number"),
            (h + "long,1,100,,BTC,alice,isolated\n", 2, 4, "leverage '' is not a finite number"),
            (h + "long,1,100,250,BTC,alice,isolated\n", 2, nil, "leverage 250 is out of range; expected ≥ 1 and < 200 (1 / maintenanceMarginRate)"),
            (h + "long,0,100,,BTC,alice,cross\n", 2, nil, "quantity 0 must be > 0"),
            (h + "long,1,100,2,BTC,alice\n", 2, nil, "expected 7 fields as in the header, found 6 in 'long,1,100,2,BTC,alice'"),
            ("side,quantity,entryPrice,leverage,asset,account\nlong,1,100,2,BTC,alice\n", 1,
             nil, "the first line must be the header 'side,quantity,entryPrice,leverage' (optionally with ',asset' or ',asset,account,marginMode'), found 'side,quantity,entryPrice,leverage,asset,account'"),
            ("side,quantity,entryPrice,leverage,account,marginMode\nlong,1,100,2,alice,cross\n", 1, nil, "the first line must be the header"),
        ]
    }()

    @Test("malformed account and marginMode fields are reported with their line, column and value", arguments: 0..<malformedPositions.count)
    func malformedPositionRow(_ i: Int) throws {
        let (text, line, column, message) = Self.malformedPositions[i]
        let error = try #require(Self.lineError { _ = try PositionsCSV.parse(text, maximumLeverage: 200) })
        #expect(error.line == line)
        #expect(error.column == column)
        #expect(error.message.contains(message), "\(error.message)")
        #expect(!error.message.contains("\n"))
    }

    // MARK: Old headers unchanged

    @Test("the old headers read as before: no account, no margin mode")
    func oldHeaders() throws {
        let four = try PositionsCSV.parse("side,quantity,entryPrice,leverage\nlong,0.5,61250,20\nshort,2,59800,5\n", maximumLeverage: 200)
        #expect(four == [
            PositionsCSV.Row(position: Position(side: .long, quantity: 0.5, entryPrice: 61_250, leverage: 20), line: 2),
            PositionsCSV.Row(position: Position(side: .short, quantity: 2, entryPrice: 59_800, leverage: 5), line: 3),
        ])
        let five = try PositionsCSV.parse("side,quantity,entryPrice,leverage,asset\nlong,0.5,61250,20,ETH\n", maximumLeverage: 200)
        #expect(five == [PositionsCSV.Row(position: Position(side: .long, quantity: 0.5, entryPrice: 61_250, leverage: 20), asset: "ETH", line: 2)])
        #expect(five[0].account == nil && five[0].marginMode == nil && !five[0].isCross)
        // Rows of the old headers are all isolated: no accounts, no wallets needed.
        let joined = try AccountsCSV.crossAccounts(rows: four + five, wallets: [], assetIndex: Self.assetIndex)
        #expect(joined.accounts.isEmpty && joined.ids.isEmpty)
        #expect(joined.isolated == four + five)
    }

    static let oldMessages: [(String, PositionsCSV.LineError)] = [
        ("side,qty,entryPrice,leverage\nlong,1,1,1\n",
         .init(line: 1, message: "the first line must be the header 'side,quantity,entryPrice,leverage' (optionally with ',asset' or ',asset,account,marginMode'), found 'side,qty,entryPrice,leverage'")),
        ("side,quantity,entryPrice,leverage\nlong,1,100\n",
         .init(line: 2, message: "expected 4 fields as in the header, found 3 in 'long,1,100'")),
        ("side,quantity,entryPrice,leverage,asset\nlong,1,100,2\n",
         .init(line: 2, message: "expected 5 fields as in the header, found 4 in 'long,1,100,2'")),
        ("side,quantity,entryPrice,leverage\nbuy,1,100,2\n",
         .init(line: 2, message: "side 'buy' is not allowed; expected long or short")),
        ("side,quantity,entryPrice,leverage\nlong,abc,100,2\n",
         .init(line: 2, column: 2, message: "quantity 'abc' is not a finite number; expected a decimal number such as 0.5, 61250 or 2e-3")),
        ("side,quantity,entryPrice,leverage\nlong,1,100,\n",
         .init(line: 2, column: 4, message: "leverage '' is not a finite number; expected a decimal number such as 0.5, 61250 or 2e-3")),
        ("side,quantity,entryPrice,leverage,asset\nlong,1,100,250,BTC\n",
         .init(line: 2, message: "leverage 250 is out of range; expected ≥ 1 and < 200 (1 / maintenanceMarginRate)")),
        ("side,quantity,entryPrice,leverage\nshort,1,0,2\n",
         .init(line: 2, message: "entryPrice 0 must be > 0")),
        ("", .init(line: 1, message: "the file is empty; expected the header 'side,quantity,entryPrice,leverage' and at least one position")),
        ("side,quantity,entryPrice,leverage\n", .init(line: 1, message: "no positions after the header")),
    ]

    @Test("the old headers' errors are unchanged (the header error also names the new columns)", arguments: 0..<oldMessages.count)
    func oldMessage(_ i: Int) throws {
        let (text, expected) = Self.oldMessages[i]
        let error = try #require(Self.lineError { _ = try PositionsCSV.parse(text, maximumLeverage: 200) })
        #expect(error == expected)
    }

    // MARK: Accounts CSV

    @Test("reads wallets in order, skipping comments and blank lines")
    func wallets() throws {
        let wallets = try AccountsCSV.parse(Self.accounts)
        #expect(wallets.map(\.account) == ["alice", "bob"])
        #expect(wallets.map(\.wallet) == [25_000, 120_000])
        #expect(wallets.map(\.line) == [4, 5])
    }

    static let malformedAccounts: [(String, Int, Int?, String)] = [
        ("account,balance\nalice,1\n", 1, nil, "the first line must be the header 'account,wallet', found 'account,balance'"),
        ("wallet,account\nalice,1\n", 1, nil, "the first line must be the header 'account,wallet'"),
        ("account,wallet\nalice,1,2\n", 2, nil, "expected 2 fields as in the header, found 3 in 'alice,1,2'"),
        ("account,wallet\nalice\n", 2, nil, "expected 2 fields as in the header, found 1 in 'alice'"),
        ("account,wallet\n,100\n", 2, 1, "account is empty"),
        ("account,wallet\n\(String(repeating: "z", count: 65)),100\n", 2, 1, "is 65 characters long; expected at most 64"),
        ("account,wallet\nalice,lots\n", 2, 2, "wallet 'lots' is not a finite number"),
        ("account,wallet\nalice,inf\n", 2, 2, "wallet 'inf' is not a finite number"),
        ("account,wallet\nalice,1e999\n", 2, 2, "wallet '1e999' is not a finite number"),
        ("account,wallet\nalice,\n", 2, 2, "wallet '' is not a finite number"),
        ("account,wallet\nalice,0\n", 2, nil, "wallet 0 must be > 0"),
        ("account,wallet\nalice,-5\n", 2, nil, "wallet -5 must be > 0"),
        ("account,wallet\nalice,1\n# bob\nbob,2\nalice,3\n", 5, nil, "account 'alice' is already on line 2; expected one wallet per account"),
        ("", 1, nil, "the file is empty; expected the header 'account,wallet' and at least one account"),
        ("\n# nothing\n", 3, nil, "the file is empty"),
        ("# wallets\naccount,wallet\n\n", 2, nil, "no accounts after the header"),
    ]

    @Test("malformed accounts files are reported with their line and what is allowed", arguments: 0..<malformedAccounts.count)
    func malformedAccount(_ i: Int) throws {
        let (text, line, column, message) = Self.malformedAccounts[i]
        let error = try #require(Self.lineError { _ = try AccountsCSV.parse(text) })
        #expect(error.line == line)
        #expect(error.column == column)
        #expect(error.message.contains(message), "\(error.message)")
    }

    // MARK: Joining

    @Test("groups cross rows by account in order of appearance, one signed leg per asset")
    func join() throws {
        let rows = try PositionsCSV.parse(Self.positions, maximumLeverage: 100)
        let wallets = try AccountsCSV.parse(Self.accounts)
        let joined = try AccountsCSV.crossAccounts(rows: rows, wallets: wallets, assetIndex: Self.assetIndex)
        // bob's first cross row (line 4) comes before alice's (line 6), although alice's wallet is first.
        #expect(joined.ids == ["bob", "alice"])
        #expect(joined.accounts == [
            CrossAccount(wallet: 120_000, legs: [CrossLeg(asset: 1, quantity: -10, entryPrice: 3100),
                                                 CrossLeg(asset: 0, quantity: -0.25, entryPrice: 62_000)]),
            CrossAccount(wallet: 25_000, legs: [CrossLeg(asset: 0, quantity: 2, entryPrice: 60_000),
                                                CrossLeg(asset: 1, quantity: 4, entryPrice: 3050)]),
        ])
        // Isolated rows pass through unchanged, including alice's isolated ETH position.
        #expect(joined.isolated.map(\.line) == [3, 7, 10])
        #expect(joined.isolated == [rows[0], rows[3], rows[6]])
        #expect(joined.isolated[1].account == "alice")
    }

    static let joinErrors: [(positions: String, accounts: String, file: AccountsCSV.CrossError.File, line: Int, message: String)] = {
        let h = "side,quantity,entryPrice,leverage,asset,account,marginMode\n"
        return [
            (h + "long,1,100,,BTC,alice,cross\nlong,1,100,,ETH,dave,cross\n", "account,wallet\nalice,10\n",
             .positions, 3, "account 'dave' has no wallet; expected a line 'dave,<wallet USD>' in the accounts file"),
            (h + "long,1,100,,BTC,alice,cross\n", "account,wallet\nalice,10\n# bob\nbob,20\n",
             .accounts, 4, "account 'bob' has no cross position in the positions file"),
            (h + "long,1,100,,BTC,alice,cross\nlong,1,100,,ETH,alice,cross\nshort,2,110,,BTC,alice,cross\n", "account,wallet\nalice,10\n",
             .positions, 4, "account 'alice' already has a cross position in asset 'BTC' on line 2; expected one row per account and asset"),
            (h + "long,1,100,,DOGE,alice,cross\n", "account,wallet\nalice,10\n",
             .positions, 2, "asset 'DOGE' of account 'alice' is not one of the scenario's assets"),
        ]
    }()

    @Test("join errors name the file's line and the offending account or asset", arguments: 0..<joinErrors.count)
    func joinError(_ i: Int) throws {
        let c = Self.joinErrors[i]
        let rows = try PositionsCSV.parse(c.positions, maximumLeverage: 100)
        let wallets = try AccountsCSV.parse(c.accounts)
        let error = try #require(Self.crossError { _ = try AccountsCSV.crossAccounts(rows: rows, wallets: wallets, assetIndex: Self.assetIndex) })
        #expect(error.file == c.file)
        #expect(error.line == c.line)
        #expect(error.message.contains(c.message), "\(error.message)")
        #expect(error.description == "\(c.file.rawValue) file, line \(c.line): \(error.message)")
    }

    @Test("an isolated row's account needs no wallet, and does not use one")
    func isolatedAccount() throws {
        let h = "side,quantity,entryPrice,leverage,asset,account,marginMode\n"
        let rows = try PositionsCSV.parse(h + "long,1,100,5,BTC,dave,isolated\nlong,1,100,,BTC,alice,cross\n", maximumLeverage: 100)
        let ok = try AccountsCSV.crossAccounts(rows: rows, wallets: [("alice", 10, 2)], assetIndex: Self.assetIndex)
        #expect(ok.ids == ["alice"])
        #expect(ok.isolated == [rows[0]])
        // A wallet for an account whose only row is isolated is unused.
        let error = try #require(Self.crossError {
            _ = try AccountsCSV.crossAccounts(rows: rows, wallets: [("alice", 10, 2), ("dave", 5, 3)], assetIndex: Self.assetIndex)
        })
        #expect(error == AccountsCSV.CrossError(file: .accounts, line: 3, message: "account 'dave' has no cross position in the positions file; expected rows with account 'dave' and marginMode cross"))
    }

    @Test("wallets given directly are checked too; a cross row needs an account")
    func directInput() throws {
        let cross = PositionsCSV.Row(position: Position(side: .long, quantity: 1, entryPrice: 100, leverage: 1),
                                     asset: "BTC", account: "alice", marginMode: .cross, line: 7)
        let duplicate = try #require(Self.crossError {
            _ = try AccountsCSV.crossAccounts(rows: [cross], wallets: [("alice", 10, 2), ("alice", 20, 5)], assetIndex: Self.assetIndex)
        })
        #expect(duplicate == AccountsCSV.CrossError(file: .accounts, line: 5, message: "account 'alice' is already on line 2; expected one wallet per account"))
        let zero = try #require(Self.crossError {
            _ = try AccountsCSV.crossAccounts(rows: [cross], wallets: [("alice", 0, 2)], assetIndex: Self.assetIndex)
        })
        #expect(zero.file == .accounts && zero.line == 2 && zero.message.contains("wallet 0 of account 'alice' must be a finite number > 0"))
        var anonymous = cross
        anonymous.account = nil
        let noAccount = try #require(Self.crossError {
            _ = try AccountsCSV.crossAccounts(rows: [anonymous], wallets: [], assetIndex: Self.assetIndex)
        })
        #expect(noAccount.file == .positions && noAccount.line == 7 && noAccount.message.contains("a cross position has no account"))
        var noAsset = cross
        noAsset.asset = nil
        let unknown = try #require(Self.crossError {
            _ = try AccountsCSV.crossAccounts(rows: [noAsset], wallets: [("alice", 10, 2)], assetIndex: Self.assetIndex)
        })
        #expect(unknown.file == .positions && unknown.line == 7 && unknown.message.contains("a cross position has no asset"))
    }
}
