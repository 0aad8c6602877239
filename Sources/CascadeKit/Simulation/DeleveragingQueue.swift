import Foundation

/// One path's auto-deleveraging queue for one side in one step: the candidates in the venue's
/// order, produced one at a time as deleveraging takes them.
///
/// The queue stands for the side's open positions at the step's first deleveraging (those at or
/// past the side's cursor and not removed, and the path's re-inserted ones), ranked at that
/// deleveraging's price; later deleveragings of the step continue it. What has been closed
/// since is skipped by the caller as it reaches it.
///
/// - **Ranked**: a max-heap of exact ranks and of ``DeleveragingIndex`` boxes keyed by their
///   rank bound. A box at the top is replaced by its children (or its positions, with their
///   exact ranks); a position at the top is next. At equal values boxes come first and positions
///   by ladder index, so the order is exactly a full sort's (higher rank first, ties by lower
///   ladder index). Cost: the boxes expanded — O(k log n) for k positions taken when the bounds
///   separate the best positions from the rest, never more than the side.
/// - **Unranked** (dYdX): the side's open positions in ladder order, then the re-inserted ones,
///   rotated to a pseudo-random start; walked in place, O(1) a candidate after an
///   O(removed/64 + side/64) start.
struct DeleveragingQueue: Sendable {
    /// A heap entry: a box (`key` < 0: −1 − (level << 40 | box)) with its bound, or a position
    /// (`key` ≥ 0: its ladder index) with its rank. A position from a leaf is the head of that
    /// leaf's sorted run in ``runs`` (`next..<end`: the rest of it; empty for a re-inserted one).
    struct Item: QueueEntry {
        var value: Double
        var key: Int
        var live: Bool
        var next: Int32 = 0
        var end: Int32 = 0
        /// A ladder position's place in the ``DeleveragingIndex`` (where its holding is read).
        var entry: Int32 = 0
    }

    /// A leaf's positions with their ranks, sorted best first (the runs the heap merges).
    struct Ranked: QueueEntry {
        var value: Double
        var key: Int
        var entry: Int32
    }

    /// The step whose queue this is; −1: none.
    var step = -1
    var heap: [Item] = []
    var runs: [Ranked] = []
    /// The ranking price and the side's cursor at the ranking.
    var price = 0.0
    var cursor = 0
    // Unranked: the candidates (ladder entries from `cursor` not removed at the ranking, then
    // `liveIndices`) number `count`, taken from `start` on; `taken` so far.
    var unranked = false
    var count = 0
    var start = 0
    var taken = 0
    var liveIndices: [Int] = []
    /// The removed ladder entries at or past `cursor` at the ranking, ascending, and the walk's
    /// place: the ladder index of the candidate at `taken` and the first of `removedAtRanking`
    /// past it.
    var removedAtRanking: [Int] = []
    var walkIndex = 0
    var walkRemoved = 0
    /// The candidate at the head was partly deleveraged: it is now a re-inserted position.
    var headLive = false

    /// Whether `a` comes before `b`: the higher value, then the lower key (so a box before a
    /// position of the same value, and positions by ladder index).
    @inline(__always)
    static func before<Entry: QueueEntry>(_ a: Entry, _ b: Entry) -> Bool {
        a.value > b.value || (a.value == b.value && a.key < b.key)
    }

    /// Adds the positions `runs[start...]` (appended by the caller) as one sorted run.
    mutating func pushRun(from start: Int) {
        let end = runs.count
        guard end > start else { return }
        // Insertion sort: a leaf holds at most DeleveragingIndex.leafSize positions.
        runs.withUnsafeMutableBufferPointer { r in
            for i in (start + 1)..<end {
                let item = r[i]
                var j = i
                while j > start && Self.before(item, r[j - 1]) {
                    r[j] = r[j - 1]
                    j -= 1
                }
                r[j] = item
            }
        }
        let head = runs[start]
        push(Item(value: head.value, key: head.key, live: false, next: Int32(start + 1), end: Int32(end), entry: head.entry))
    }

    /// Empties the queue and frees its storage: a violent step ranks tens of thousands of
    /// positions, and kept in every path slot of every worker's chunk that storage was gigabytes
    /// (2 GB on isolated-1M-binance-usdm); reallocating it costs nothing next to the ranking.
    mutating func release() {
        step = -1
        heap = []
        runs = []
        liveIndices = []
        removedAtRanking = []
        headLive = false
    }

    // MARK: Heap

    mutating func push(_ item: Item) {
        heap.append(item)
        var i = heap.count - 1
        heap.withUnsafeMutableBufferPointer { h in
            while i > 0 {
                let parent = (i - 1) / 2
                guard Self.before(h[i], h[parent]) else { break }
                h.swapAt(i, parent)
                i = parent
            }
        }
    }

    /// Removes the head: the next position of its run takes its place, or the last entry.
    mutating func popTop() {
        var top = heap[0]
        let replacement: Item
        if top.next < top.end {
            let r = runs[Int(top.next)]
            top.value = r.value
            top.key = r.key
            top.live = false
            top.entry = r.entry
            top.next += 1
            replacement = top
        } else {
            let last = heap.removeLast()
            guard !heap.isEmpty else { return }
            replacement = last
        }
        heap.withUnsafeMutableBufferPointer { h in
            let n = h.count
            var i = 0
            while true {
                let left = 2 * i + 1
                guard left < n else { break }
                var best = left
                if left + 1 < n && Self.before(h[left + 1], h[left]) { best = left + 1 }
                guard Self.before(h[best], replacement) else { break }
                h[i] = h[best]
                i = best
            }
            h[i] = replacement
        }
    }

    /// Moves past the candidate at the head.
    mutating func advance() {
        if unranked { walkNext() } else { popTop() }
    }

    /// The candidate at the head was partly deleveraged: it stays at the head, re-inserted.
    mutating func markHeadLive() {
        if unranked { headLive = true } else { heap[0].live = true }
    }

    // MARK: Unranked walk

    /// Starts the unranked walk: ``ladderCount`` ladder candidates from `cursor` (the removed ones
    /// in `removedAtRanking` skipped), then `liveIndices`, from candidate `start`.
    mutating func startWalk() {
        taken = 0
        walkRemoved = 0
        // The start-th ladder entry from `cursor` not in `removedAtRanking`.
        if start < ladderCount { walk(to: cursor + start) }
    }

    /// Places the walk on the first ladder index at or after `index` that was not removed at the
    /// ranking, given that `removedAtRanking[..<walkRemoved]` are all before `index`.
    mutating func walk(to index: Int) {
        var index = index
        while walkRemoved < removedAtRanking.count && removedAtRanking[walkRemoved] <= index {
            index += 1
            walkRemoved += 1
        }
        walkIndex = index
    }

    /// The ladder candidates of the walk.
    var ladderCount: Int { count - liveIndices.count }

    /// The candidate at the head of the unranked walk: (ladder index, whether re-inserted).
    func walkHead() -> (ladderIndex: Int, live: Bool) {
        let j = (start + taken) % count
        if j < ladderCount { return (walkIndex, headLive) }
        return (liveIndices[j - ladderCount], true)
    }

    /// Moves the unranked walk to the next candidate.
    mutating func walkNext() {
        headLive = false
        taken += 1
        guard taken < count else { return }
        let j = (start + taken) % count
        if j == 0 {
            walkRemoved = 0
            walk(to: cursor)
        } else if j < ladderCount {
            walk(to: walkIndex + 1)
        }
    }
}

/// What the queue orders: a value (rank or bound) and a key (ladder index, or a box's negative code).
protocol QueueEntry: Sendable {
    var value: Double { get }
    var key: Int { get }
}
