import Foundation
import Testing
@testable import CascadeKit

@Suite("Log-binned histogram")
struct LogBinnedHistogramTests {
    @Test("edges are 10^(i/b); decades are exact")
    func edges() {
        var h = LogBinnedHistogram(binsPerDecade: 4)
        #expect(h.edges() == [1])           // empty: the single edge 10^0
        h.add(1.5)                           // bin 0: [1, 10^0.25 ≈ 1.778)
        h.add(25)                            // bin 5: [10^1.25 ≈ 17.8, 10^1.5 ≈ 31.6)
        #expect(h.lowestBin == 0 && h.counts == [1, 0, 0, 0, 0, 1])
        let e = h.edges()
        #expect(e.count == h.counts.count + 1)
        #expect(e[0] == 1 && e[4] == 10)
        for (i, edge) in e.enumerated() {
            #expect(isClose(edge, pow(10, Double(i) / 4), relative: 1e-15))
        }
        #expect(h.edge(-8) == 0.01 && h.edge(12) == 1000)
    }

    @Test("a value exactly on an edge goes to the bin above it, for every edge in ±30 decades",
          arguments: [1, 3, 10, 20, 100])
    func exactEdges(_ b: Int) {
        let h = LogBinnedHistogram(binsPerDecade: b)
        for i in (-30 * b)...(30 * b) {
            let edge = h.edge(i)
            #expect(h.bin(of: edge) == i, "b \(b): edge \(i) = \(edge)")
            #expect(h.bin(of: edge.nextDown) == i - 1, "b \(b): below edge \(i)")
            #expect(h.bin(of: edge.nextUp) == i)
        }
    }

    @Test("non-positive values and extremes")
    func nonPositive() {
        var h = LogBinnedHistogram(binsPerDecade: 10)
        h.add(0)
        h.add(-3, count: 2)
        h.add(.nan)
        #expect(h.nonPositive == 4 && h.counts.isEmpty && h.total == 4)
        h.add(.greatestFiniteMagnitude)
        h.add(.infinity)
        h.add(.leastNonzeroMagnitude)
        #expect(h.total == 7 && h.counts.first == 1 && h.counts.last == 2)
        #expect(h.bin(of: .greatestFiniteMagnitude) == 3082)   // 10^308.2 ≤ 1.797e308 < 10^308.3
        h.add(5, count: 0)
        #expect(h.total == 7)
    }

    @Test("merging is exact and order-independent; equal contents compare equal")
    func mergeCommutes() {
        var parts = (0..<3).map { _ in LogBinnedHistogram(binsPerDecade: 20) }
        var whole = LogBinnedHistogram(binsPerDecade: 20)
        var stream = SplitMix64Stream(seed: 7, stream: 0)
        for i in 0..<10_000 {
            let u = stream.uniform()
            let v = i % 97 == 0 ? 0 : exp(20 * (u - 0.5))
            whole.add(v)
            parts[Int(stream.below(3))].add(v)
        }
        var ab = parts[0]; ab.merge(parts[1])
        var ba = parts[1]; ba.merge(parts[0])
        #expect(ab == ba)
        var abc = ab; abc.merge(parts[2])
        var cba = parts[2]; cba.merge(parts[1]); cba.merge(parts[0])
        var bca = parts[1]; bca.merge(parts[2]); bca.merge(parts[0])
        #expect(abc == cba && abc == bca && abc == whole)
        #expect(abc.total == 10_000)
        // Adding in another order gives the same histogram too.
        var reversed = LogBinnedHistogram(binsPerDecade: 20)
        var again = SplitMix64Stream(seed: 7, stream: 0)
        var values: [Double] = []
        for i in 0..<10_000 {
            let u = again.uniform()
            values.append(i % 97 == 0 ? 0 : exp(20 * (u - 0.5)))
            _ = again.below(3)
        }
        for v in values.reversed() { reversed.add(v) }
        #expect(reversed == whole)
        // Merging an empty histogram changes nothing; merging into one copies.
        var empty = LogBinnedHistogram(binsPerDecade: 20)
        var same = whole; same.merge(empty)
        #expect(same == whole)
        empty.merge(whole)
        #expect(empty == whole)
    }

    @Test("disjoint ranges merge with the gap between them")
    func disjoint() {
        var low = LogBinnedHistogram(binsPerDecade: 1), high = LogBinnedHistogram(binsPerDecade: 1)
        low.add(0.5)           // bin −1
        high.add(5_000, count: 3)  // bin 3
        var a = low; a.merge(high)
        var b = high; b.merge(low)
        #expect(a == b && a.lowestBin == -1 && a.counts == [1, 0, 0, 0, 3])
        #expect(a.edges() == [0.1, 1, 10, 100, 1000, 10_000])
    }
}
