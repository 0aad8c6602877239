import Synchronization

/// Stops a run from outside, and bounds the memory of what a run grows as it goes.
///
/// Most of a run's memory is known before it starts and is checked then (``MemoryEstimate``).
/// Two structures grow with the data instead: the time-series sketch (its histograms widen with
/// the spread of the values across paths) and the list of cascade events. The engine reports
/// their growth here; past `growthLimit` bytes the run stops, and ``reason`` says why, so that
/// the caller can refuse cleanly instead of running out of memory.
///
/// The engine checks ``isStopped`` once per step of each block of paths (a relaxed atomic load)
/// and before each block: a stop takes effect within one step. A stopped run's results are
/// incomplete; the caller must look at ``reason`` before using them.
public final class RunControl: Sendable {
    /// Why a run stopped.
    public enum StopReason: Sendable, Equatable {
        /// ``cancel()`` was called (a deadline, an interruption).
        case cancelled
        /// The growing structures needed more than the limit.
        case memory(limit: Int)
    }

    /// 0 running, 1 cancelled, 2 over the memory limit.
    private let state = Atomic<Int>(0)
    private let grown = Atomic<Int>(0)
    /// Bytes the growing structures may take, over all workers.
    public let growthLimit: Int

    public init(growthLimit: Int = .max) {
        self.growthLimit = growthLimit
    }

    /// Asks the run to stop (thread-safe).
    public func cancel() {
        _ = state.compareExchange(expected: 0, desired: 1, ordering: .relaxed)
    }

    /// Whether the run should stop.
    @inline(__always)
    public var isStopped: Bool { state.load(ordering: .relaxed) != 0 }

    /// Why the run stopped, or nil if it did not.
    public var reason: StopReason? {
        switch state.load(ordering: .relaxed) {
        case 1: .cancelled
        case 2: .memory(limit: growthLimit)
        default: nil
        }
    }

    /// Bytes the growing structures have reported so far.
    public var grownBytes: Int { grown.load(ordering: .relaxed) }

    /// Records that the growing structures took `bytes` more (or, negative, less); stops the run
    /// when their total passes the limit.
    func record(growth bytes: Int) {
        let total = grown.wrappingAdd(bytes, ordering: .relaxed).newValue
        if total > growthLimit {
            _ = state.compareExchange(expected: 0, desired: 2, ordering: .relaxed)
        }
    }
}
