import Foundation

/// The candidates of one deleveraging as an ``ADLAllocation`` reads them: the side's
/// ``DeleveragingQueue`` walked in the venue's order, skipping what was closed since the ranking
/// and what could not pay at the bankruptcy price, and each take applied to the path's book,
/// tally and observer.
///
/// A take from the candidate just produced keeps the queue's place as the venue's queue does
/// (a position taken in part stays at the head, re-inserted). A take from an earlier candidate
/// (a pro-rata allocation, which reads them all first) leaves the queue behind: ``finish()``
/// then releases it, and the step's next deleveraging ranks anew.
struct DeleveragingStream<Observer: CascadeObserver>: ADLCandidateStream {
    let resolver: CascadeResolver
    let side: Int
    /// The deficit's bankruptcy price (the book's units), where the positions are closed.
    let price: Double
    /// |X − P_bk|: what each unit taken gives up against the market (for the haircut ledger).
    let gap: Double
    let execution: Double
    let cursor: Int
    let ranking: ADLRanking
    let path: Int
    let step: Int
    var queue: DeleveragingQueue
    let book: UnsafeMutablePointer<PathBook>
    let tally: UnsafeMutablePointer<PathTally>
    let observer: UnsafeMutablePointer<Observer>
    /// The candidates produced: ladder index, whether re-inserted, holding.
    var produced: [(ladderIndex: Int, live: Bool, holding: Holding)] = []
    /// Whether the last candidate produced is still at the queue's head (untaken, or taken in
    /// part and re-inserted there).
    var headPending = false
    /// Whether a take left the queue's order behind.
    var queueBehind = false
    /// The side's re-inserted positions by ladder index, when there are many (after a pro-rata
    /// deleveraging every winner is one): looked up instead of scanned.
    var liveByIndex: [Int: LivePosition]? = nil
    /// Takes behind the queue's head change the re-inserted list once, in ``finish()``: the
    /// entries they remove and those they add (by ladder index, with their order of addition).
    var removedLive = Set<Int>()
    var addedLive: [Int: (order: Int, position: LivePosition)] = [:]
    var additions = 0

    init(resolver: CascadeResolver, side: Int, price: Double, gap: Double, execution: Double, cursor: Int, ranking: ADLRanking,
         path: Int, step: Int, queue: DeleveragingQueue, book: UnsafeMutablePointer<PathBook>,
         tally: UnsafeMutablePointer<PathTally>, observer: UnsafeMutablePointer<Observer>) {
        self.resolver = resolver
        self.side = side
        self.price = price
        self.gap = gap
        self.execution = execution
        self.cursor = cursor
        self.ranking = ranking
        self.path = path
        self.step = step
        self.queue = queue
        self.book = book
        self.tally = tally
        self.observer = observer
        if book.pointee.live[side].count > 16 {
            liveByIndex = Dictionary(book.pointee.live[side].map { ($0.ladderIndex, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// The re-inserted position of ladder index `k`, if it is still open.
    func livePosition(_ k: Int) -> LivePosition? {
        if let liveByIndex { return liveByIndex[k] }
        return book.pointee.live[side].first { $0.ladderIndex == k }
    }

    var sign: Double { side == 0 ? 1 : -1 }

    mutating func next() -> ADLCandidate? {
        if headPending {
            queue.advance()
            headPending = false
        }
        while let c = resolver.next(&queue, side: side, ranking: ranking, book: book.pointee) {
            // Skip what was closed since the ranking.
            let h: Holding
            if c.live {
                guard let p = livePosition(c.ladderIndex) else {
                    queue.advance()
                    continue
                }
                h = Holding(quantity: p.quantity, entryPrice: p.entryPrice, margin: p.margin)
            } else {
                if c.ladderIndex < cursor || book.pointee.isRemoved(c.ladderIndex, side: side) {
                    queue.advance()
                    continue
                }
                h = c.holding
            }
            // A counterparty whose equity would not survive the close at the deleveraging price
            // (its bankruptcy price does not overlap it) is skipped, as dYdX's deleveraging does:
            // it could not pay its part of the deficit.
            guard h.margin + sign * h.quantity * (price - h.entryPrice) >= 0 else {
                queue.advance()
                continue
            }
            produced.append((c.ladderIndex, c.live, h))
            headPending = true
            return ADLCandidate(holding: h, sign: sign, price: queue.price)
        }
        return nil
    }

    mutating func take(_ quantity: Double, from index: Int) {
        let c = produced[index]
        let h = c.holding
        let take = min(quantity, h.quantity)
        let atHead = headPending && index == produced.count - 1
        if !atHead { queueBehind = true }
        tally.pointee.deleveragedPositions += 1
        tally.pointee.deleveragedNotional += resolver.notional(take, at: price)
        tally.pointee.haircuts?.add(resolver.usd(take * gap, at: execution), asset: resolver.asset, side: side,
                                    ladderIndex: c.ladderIndex)
        observer.pointee.deleveraged(path: path, asset: resolver.asset, step: step, side: resolver.observedSide(side),
                                     ladderIndex: c.ladderIndex, quantity: take, price: resolver.observedPrice(price))
        let rest = h.quantity - take
        if c.live {
            liveByIndex?[c.ladderIndex] = nil
            if atHead {
                if let i = book.pointee.live[side].firstIndex(where: { $0.ladderIndex == c.ladderIndex }) {
                    book.pointee.live[side].remove(at: i)
                }
            } else if addedLive.removeValue(forKey: c.ladderIndex) == nil {
                removedLive.insert(c.ladderIndex)
            }
        } else {
            book.pointee.remove(ladderIndex: c.ladderIndex, side: side, count: resolver.ladderSide(side).count)
        }
        if rest <= 0 {
            if atHead {
                queue.advance()
                headPending = false
            }
            return
        }
        // The rest keeps its share of the margin (and so, but for a tier change, its liquidation
        // price), and its rank: it stays at the head, now in the re-inserted list.
        let margin = h.margin * rest / h.quantity
        let liquidation = resolver.rule.liquidationPrice(side: side == 0 ? .long : .short, quantity: rest, entryPrice: h.entryPrice,
                                                         margin: margin).price
        let key = liquidation > 0 ? sign * Foundation.log(liquidation) : -.infinity
        let position = LivePosition(ladderIndex: c.ladderIndex, quantity: rest, entryPrice: h.entryPrice, margin: margin,
                                    key: key, fullUntil: -1, blockedStep: -1)
        liveByIndex?[c.ladderIndex] = position
        if atHead {
            book.pointee.insert(position, side: side)
        } else {
            addedLive[c.ladderIndex] = (additions, position)
            additions += 1
        }
        produced[index] = (c.ladderIndex, true, Holding(quantity: rest, entryPrice: h.entryPrice, margin: margin))
        // (Still at the head: moving on from it skips it for the rest of this deleveraging.)
        if atHead { queue.markHeadLive() }
    }

    /// The queue to keep for the step's next deleveraging: as left, or released when a take left
    /// its order behind.
    mutating func finish() -> DeleveragingQueue {
        if !removedLive.isEmpty { book.pointee.live[side].removeAll { removedLive.contains($0.ladderIndex) } }
        if !addedLive.isEmpty {
            book.pointee.insert(contentsOf: addedLive.values.sorted { $0.order < $1.order }.map(\.position), side: side)
        }
        if queueBehind { queue.release() }
        return queue
    }
}
