import CascadeKit
import Foundation

/// Stages the report folder `directory` of `run` or `sweep` before simulating (see
/// ``ReportDirectory/stage(_:force:)``), or prints one line saying why it cannot be written and
/// how to proceed, and throws the exit code.
func stageReports(in directory: URL, force: Bool) throws -> ReportDirectory.Staging {
    Interruption.writing(directory.path)
    do {
        return try ReportDirectory.stage(directory, force: force)
    } catch {
        if error.kind == .notAReport {
            throw fail("\(error.path) \(error.reason); pass --force to replace it and everything in it, or choose another --out")
        }
        throw fail(error.description)
    }
}

/// The first lines of a manifest: this version, the command line, the scenario and when the
/// command started.
func manifest(kind: String, scenario: String, digest: String?, started: Date) -> ReportManifest {
    ReportManifest(kind: kind, version: Cascade.configuration.version, command: CommandLine.arguments,
                   scenarioPath: URL(fileURLWithPath: scenario).standardizedFileURL.path, scenarioSHA256: digest,
                   started: started)
}
