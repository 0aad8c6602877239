import Testing
@testable import cascade

@Suite("Progress bar")
struct ProgressBarTests {
    @Test("the bar shows the share done, counts, rate and time left")
    func line() {
        let text = ProgressBar.line(done: 5_000, total: 20_000, elapsed: 2, label: "paths")
        #expect(text.hasPrefix("\r  [######------------------]  25%  5000/20.0k paths  2500/s  ETA 0:06"))
        let done = ProgressBar.line(done: 20_000, total: 20_000, elapsed: 4, label: "paths")
        #expect(done.contains("[########################] 100%") && done.contains("ETA 0:00"))
        #expect(ProgressBar.line(done: 0, total: 10, elapsed: 0, label: "paths").contains("ETA –"))
        #expect(ProgressBar.compact(2_500_000) == "2.5M" && ProgressBar.compact(999) == "999")
    }
}
