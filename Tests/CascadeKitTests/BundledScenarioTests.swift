import Foundation
import Testing
@testable import CascadeKit

/// Every scenario of the library, as shipped (full books), runs with a few paths to finite
/// reports with money conserved; each real-event scenario's reported figures can be set beside it.
@Suite("Bundled scenarios")
struct BundledScenarioTests {
    static let files: [String] = {
        let directory = ScenarioReferenceTests.root.appendingPathComponent("Scenarios")
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
    }()

    @Test("the library holds the real events and the synthetic extremes the issue names")
    func library() {
        for name in ["black-thursday-2020", "may-2021-crash", "luna-ust-2022", "ftx-collapse-2022", "august-2024-unwind",
                     "october-2025-venue-wide", "hyperliquid-october-2025-adl", "gap-down-30pct", "slow-bleed",
                     "short-squeeze", "altcoin-collapse"] {
            #expect(Self.files.contains("\(name).yaml"), "\(name).yaml")
        }
    }

    @Test("runs with two paths to finite reports, money conserved", arguments: files)
    func runs(_ name: String) throws {
        let path = ScenarioReferenceTests.root.appendingPathComponent("Scenarios/\(name)").path
        let loaded = try ScenarioLoader.load(path: path, overrides: ScenarioOverrides(paths: 2))
        let run = ScenarioRun.execute(loaded, threads: 2)
        let reports = ReportSet(run: run)
        #expect(reports.nonFiniteField() == nil, "\(name): \(String(describing: reports.nonFiniteField()))")
        let p = run.result.paths
        for i in 0..<p.paths {
            let lost = p[.marginLost, nil, i], gains = p[.counterpartyGains, nil, i], receipts = p[.fundReceipts, nil, i]
            #expect(abs(lost - gains - receipts) <= 1e-7 * Swift.max(abs(lost), abs(gains), abs(receipts), 1), "\(name) path \(i)")
        }
        // A real event's comparison is defined: a median, a long share or nothing liquidated.
        if let reported = loaded.scenario.reported {
            let check = PlausibilityCheck(reported: reported, paths: p)
            #expect(check.median.isFinite && check.median >= 0 && check.paths == 2)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.contains("[primary") || text.contains("[secondary"), "\(name) names no source")
        }
    }
}
