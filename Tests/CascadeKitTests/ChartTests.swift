import Foundation
import Testing
@testable import CascadeKit

@Suite("Chart axes")
struct ChartAxisTests {
    @Test("linear ticks are 1-2-5 multiples covering the data, computed exactly", arguments: [
        (0.0, 1.0, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (0, 97, [0, 20, 40, 60, 80, 100]),
        (3, 97, [0, 20, 40, 60, 80, 100]),
        (1.9, 10.1, [0, 2, 4, 6, 8, 10, 12]),
        (-3.2, 7.9, [-4, -2, 0, 2, 4, 6, 8]),
        (0, 0.07, [0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07]),
        (99_500, 100_300, [99_400, 99_600, 99_800, 100_000, 100_200, 100_400]),
        (1.2e9, 4.9e9, [1e9, 2e9, 3e9, 4e9, 5e9]),
    ] as [(Double, Double, [Double])])
    func linearTicks(_ a: Double, _ b: Double, _ expected: [Double]) {
        #expect(ChartAxis.niceTicks(a, b) == expected)
    }

    @Test("log ticks are powers of ten around the data, every k-th decade beyond ten", arguments: [
        (3.0, 3e6, [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7]),
        (0.02, 0.5, [0.01, 0.1, 1]),
        (1, 1000, [1, 10, 100, 1000]),
        (5, 5, [1, 10]),
        (1000, 1000, [100, 1000, 10_000]),
        (1, 1e30, [1, 1e3, 1e6, 1e9, 1e12, 1e15, 1e18, 1e21, 1e24, 1e27, 1e30]),
    ] as [(Double, Double, [Double])])
    func logTicks(_ a: Double, _ b: Double, _ expected: [Double]) {
        #expect(ChartAxis.decadeTicks(a, b) == expected)
    }

    @Test("degenerate extents still give an axis with a span")
    func degenerateExtents() {
        var single = ChartAxis.Extent()
        single.add(5)
        let axis = ChartAxis(extent: single, scale: .linear)
        #expect(axis.lower < 5 && axis.upper > 5)
        var zero = ChartAxis.Extent()
        zero.add(0)
        #expect(ChartAxis(extent: zero, scale: .linear, includeZero: true).ticks.first == 0)
        #expect(ChartAxis(extent: ChartAxis.Extent(), scale: .log).ticks == [1, 10])
        var huge = ChartAxis.Extent()
        huge.add(-1e300)
        huge.add(1e300)
        #expect(ChartAxis(extent: huge, scale: .linear).ticks.allSatisfy { $0.isFinite })
        var wide = ChartAxis.Extent()
        wide.add(1e-250)
        wide.add(1e250)
        #expect(ChartAxis(extent: wide, scale: .log).ticks.allSatisfy { $0.isFinite && $0 > 0 })
    }

    @Test("tick labels are compact, or percentages", arguments: [
        (0.0, AxisFormat.compact, "0"), (950, .compact, "950"), (1200, .compact, "1.2k"), (100_000, .compact, "100k"),
        (3.4e6, .compact, "3.4M"), (5e9, .compact, "5B"), (2.5e12, .compact, "2.5T"), (-1500, .compact, "-1.5k"),
        (0.25, .compact, "0.25"), (0.001, .compact, "0.001"), (2e-6, .compact, "2e-6"), (1e15, .compact, "1e15"),
        (0.05, .percent, "5%"), (0.125, .percent, "12.5%"), (1, .percent, "100%"), (.nan, .compact, ""),
    ] as [(Double, AxisFormat, String)])
    func labels(_ value: Double, _ format: AxisFormat, _ expected: String) {
        #expect(format.label(value) == expected)
    }

    @Test("text is escaped for XML and characters XML forbids are dropped")
    func escaping() {
        #expect(XMLText.escape("a<b & \"c\" 'd'>\u{1}\te") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\te")
        #expect(XMLText.escape("€ — naïve") == "€ — naïve")
    }

    @Test("the sequential scale runs from viridis' dark purple to its yellow")
    func sequentialColors() {
        #expect(ChartColors.sequential(0) == "#440154")
        #expect(ChartColors.sequential(1) == "#fde725")
        #expect(ChartColors.sequential(.nan) == "#440154")
        #expect(ChartColors.sequential(2) == "#fde725")
        #expect(ChartColors.sequential(0.5) == "#21908c")
    }
}
