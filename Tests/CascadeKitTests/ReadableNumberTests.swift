import Foundation
import Testing
@testable import CascadeKit

/// Numbers written for people: the issue's own examples and the edges (carries, signs, NaN).
@Suite("Readable numbers")
struct ReadableNumberTests {
    @Test("money, counts, prices, percentages, ratios and durations read as a person writes them",
          arguments: [
              (ReadableNumber.money, 2.075e9, "$2.08B"), (.money, 975_300_000, "$975M"), (.money, 12_400, "$12.4k"),
              (.money, 512.3, "$512.30"), (.money, 999_999, "$1.00M"), (.money, 999.996, "$1.00k"), (.money, -3.2e6, "−$3.20M"),
              (.money, 0, "$0.00"), (.money, 1.5e12, "$1.50T"),
              (.count, 97_150, "97,150"), (.count, 3.44, "3.4"), (.count, 1_234_567.6, "1,234,568"), (.count, 7, "7"),
              (.price, 97_150.4, "97,150"), (.price, 1.254, "1.25"), (.price, 0.043214, "0.04321"),
              (.percent, 0.016, "1.6%"), (.percent, 0.237, "23.7%"), (.percent, 0.00042, "0.042%"), (.percent, 0, "0%"),
              (.percent, 1, "100.0%"),
              (.ratio, 1.4234, "×1.42"), (.duration, 12_030, "3h 20m"), (.duration, 750, "12m 30s"), (.duration, 45, "45s"),
              (.duration, 190_800, "2d 5h"), (.plain, 0.123456, "0.1235"),
              (.money, .nan, "–"), (.percent, .infinity, "∞"),
          ] as [(ReadableNumber, Double, String)])
    func examples(_ format: ReadableNumber, _ value: Double, _ text: String) {
        #expect(format.text(value) == text)
    }

    @Test("a table cell keeps the exact value in title and data- attributes beside the readable text")
    func cells() {
        var page = HTMLReport(title: "t")
        page.addTable(caption: "c", header: ["a", "b", "c"],
                      cells: [[HTMLReport.Cell("x"), .number(2_075_000_000, .money), .interval(0.01, 0.025, .percent)]])
        let html = page.render()
        #expect(html.contains(#"<td class="num" title="2075000000" data-value="2075000000">$2.08B</td>"#), "\(html)")
        #expect(html.contains(#"<td class="num" title="[0.01, 0.025]" data-lower="0.01" data-upper="0.025">[1.0%, 2.5%]</td>"#), "\(html)")
        #expect(html.contains("<td>x</td>"))
    }

    @Test("every per-path metric has a way to be written that fits its unit")
    func metricUnits() {
        #expect(PathMetric.liquidatedNotional.readable == .money)
        #expect(PathMetric.finalTradedPrice.readable == .price)
        #expect(PathMetric.maxDrawdownTraded.readable == .percent)
        #expect(PathMetric.amplification.readable == .ratio)
        #expect(PathMetric.firstLiquidationTime.readable == .duration)
        #expect(PathMetric.liquidations.readable == .count)
        // Every metric whose description says USD is written as money (or a price).
        for metric in PathMetric.allCases where metric.summary.hasPrefix("USD") || metric.summary.contains("(USD)") {
            #expect([.money, .price].contains(metric.readable), "\(metric.name): \(metric.summary)")
        }
    }
}
