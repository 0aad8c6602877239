import CascadeKit

/// The line `cascade` prints when a run stopped before its end.
enum RunStopMessage {
    static func text(_ reason: RunControl.StopReason, loaded: LoadedScenario) -> String {
        switch reason {
        case .cancelled:
            return "\(loaded.file): the run was cancelled; no report was written"
        case let .memory(limit):
            return "\(loaded.file): report: the time series and cascade events outgrew the memory left for them "
                + "(\(MemoryEstimate.describe(Double(limit))) of the limit \(MemoryEstimate.describe(loaded.memoryLimit))); "
                + "expected a coarser report.timeseriesInterval or report.timeseriesAccuracy, fewer paths, "
                + "'cascades' left out of report.outputs, or a higher --max-memory; no report was written"
        }
    }
}
