import Foundation
import Synchronization

/// A one-line progress bar on standard error, with rate and time left, redrawn at most ten
/// times a second. Safe to call from the engine's worker threads.
final class ProgressBar: Sendable {
    private struct State {
        var lastDraw = -Double.infinity
        var finished = false
    }

    private let started = ContinuousClock.now
    private let state = Mutex(State())
    private let label: String

    init(label: String = "paths") {
        self.label = label
    }

    /// Shows `done` of `total` units.
    func update(done: Int, total: Int) {
        let elapsed = Self.seconds(ContinuousClock.now - started)
        let draw = state.withLock { s -> Bool in
            guard !s.finished, done == total || elapsed - s.lastDraw >= 0.1 else { return false }
            s.lastDraw = elapsed
            return true
        }
        guard draw else { return }
        FileHandle.standardError.write(Data(Self.line(done: done, total: total, elapsed: elapsed, label: label).utf8))
    }

    /// Clears the line.
    func finish() {
        state.withLock { $0.finished = true }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// The text of the bar: `\r  [#####-----]  52%  10.4k/20.0k paths  3.1k/s  ETA 0:03`.
    static func line(done: Int, total: Int, elapsed: Double, label: String) -> String {
        let fraction = total > 0 ? min(1, Double(done) / Double(total)) : 1
        let width = 24
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Double(total - done) / rate : .nan
        let eta = left.isFinite ? String(format: "%d:%02d", Int(left) / 60, Int(left) % 60) : "–"
        return "\r  [\(bar)] \(String(format: "%3d", Int(fraction * 100)))%  \(compact(done))/\(compact(total)) \(label)  "
            + "\(compact(Int(rate)))/s  ETA \(eta)\u{1B}[K"
    }

    static func compact(_ n: Int) -> String {
        n >= 1_000_000 ? String(format: "%.1fM", Double(n) / 1e6) : n >= 10_000 ? String(format: "%.1fk", Double(n) / 1e3) : String(n)
    }
}
