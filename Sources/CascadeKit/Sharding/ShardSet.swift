/// What a shard's header tells ``ShardSet/complete(_:)``: its index and count, which items
/// (paths of a run, grid points of a sweep) it holds, and what must agree between the shards of
/// one run.
public protocol ShardDescribing {
    var shard: Int { get }
    var shards: Int { get }
    /// The first item this shard holds, how many, and the items of the whole run.
    var firstItem: Int { get }
    var itemCount: Int { get }
    var totalItems: Int { get }
    /// What must be equal in every shard of one run, in the order it is checked: what it is,
    /// the value compared, and the value shown in an error line.
    var identity: [(what: String, value: String, shown: String)] { get }
    /// The items' name in error lines ("paths", "grid points").
    static var itemName: String { get }
    /// The command that writes such shards ("cascade run --shard").
    static var writer: String { get }
}

/// A set of shards checked to be one run's, all of them, once each.
public enum ShardSet {
    /// Checks that `headers` (file, header) are the shards of one run: every ``ShardDescribing/identity``
    /// value equal to the first file's; each shard holding its share of the items
    /// (``ShardSpec/range(of:)``); no index twice; none missing. Returns them in the order of their
    /// index. Each refusal is one line naming the files.
    public static func complete<Header: ShardDescribing>(_ headers: [(file: String, header: Header)]) throws(ShardError)
        -> [(file: String, header: Header)] {
        guard let (firstFile, first) = headers.first else {
            throw ShardError("no shard results given; expected the files that \(Header.writer) wrote")
        }
        let expected = first.identity
        for (file, h) in headers.dropFirst() {
            for (want, got) in zip(expected, h.identity) where want.value != got.value {
                throw ShardError("\(file): \(got.what) \(got.shown) differs from \(firstFile)'s \(want.shown); expected the shards of one run")
            }
        }
        var byIndex: [Int: String] = [:]
        for (file, h) in headers {
            let share = ShardSpec(index: min(max(h.shard, 0), max(h.shards - 1, 0)), count: max(h.shards, 1)).range(of: h.totalItems)
            guard h.shard >= 0, h.shard < h.shards, h.firstItem == share.lowerBound, h.itemCount == share.count else {
                throw ShardError("\(file): shard \(h.shard)/\(h.shards) holds \(Header.itemName) \(h.firstItem)..<\(h.firstItem + h.itemCount), "
                                 + "not its share of \(h.totalItems); expected a file written by \(Header.writer)")
            }
            if let other = byIndex[h.shard] {
                throw ShardError("\(file): shard \(h.shard)/\(h.shards) is given twice (also \(other)); expected each shard once")
            }
            byIndex[h.shard] = file
        }
        let missing = (0..<first.shards).filter { byIndex[$0] == nil }
        if !missing.isEmpty {
            let list = missing.prefix(10).map(String.init).joined(separator: ", ") + (missing.count > 10 ? ", …" : "")
            throw ShardError("shards \(list) of \(first.shards) are missing (have \(headers.count)); expected every shard of the run")
        }
        return headers.sorted { $0.header.shard < $1.header.shard }
    }
}
