import CascadeKit
import Foundation
import Synchronization

/// Ctrl-C (SIGINT) and SIGTERM: the command stops within moments, removes its staging folder,
/// leaves the previous report as it was, prints one line and exits with status 130.
///
/// The signal handler only writes a byte to a pipe (all a handler may safely do); a thread of
/// its own reads it and does the rest — ``ReportDirectory/abandonStaging(then:)`` under the lock
/// the final swap holds, then `_exit(130)`. The engine's worker threads are not unwound: the
/// process ends under them.
enum Interruption {
    /// The report folder the command writes, as given, for the message.
    private static let folder = Mutex<String?>(nil)
    /// The pipe's write end, for the handler (set once, before the handler is installed).
    nonisolated(unsafe) private static var wakeUp: Int32 = -1

    /// Installs the handlers and starts the thread that acts on them. Call first thing.
    static func install() {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { return }
        _ = fcntl(ends[1], F_SETFL, O_NONBLOCK)
        wakeUp = ends[1]
        let readEnd = ends[0]
        let thread = Thread {
            var byte: UInt8 = 0
            while read(readEnd, &byte, 1) != 1 {}
            stop()
        }
        thread.name = "cascade-signals"
        thread.start()
        var signals = sigset_t()
        sigemptyset(&signals)
        for signalNumber in [SIGINT, SIGTERM] {
            _ = signal(signalNumber) { _ in
                var byte: UInt8 = 1
                _ = write(Interruption.wakeUp, &byte, 1)
            }
            sigaddset(&signals, signalNumber)
        }
        // A parent may start us with them blocked — the mask is inherited, and libdispatch's
        // worker threads block signals, so a Foundation Process started from one passes that
        // on. Unblocked here, and so in every thread started from now on.
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }

    /// Names the report folder the command is about to write (for the message).
    static func writing(_ path: String) {
        folder.withLock { $0 = path }
    }

    private static func stop() -> Never {
        ReportDirectory.abandonStaging { found in
            let path = folder.withLock { $0 } ?? found.abandoned.first ?? found.swappedIn.first
            let replaced = found.abandoned.isEmpty && !found.swappedIn.isEmpty
            let clear = isatty(STDERR_FILENO) != 0 ? "\r\u{1B}[K" : ""   // over a progress bar
            let line = clear + "cascade: interrupted"
                + (path.map { replaced ? "; \($0) already holds the new report" : "; \($0) left as it was" } ?? "") + "\n"
            var bytes = Array(line.utf8)
            _ = write(STDERR_FILENO, &bytes, bytes.count)
            _exit(130)
        }
    }
}
