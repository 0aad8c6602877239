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

/// Why ``writeReplacing(_:to:stagedAs:)`` could not write a file.
enum FileReplaceFailure: Error {
    /// The staged copy could not be written.
    case write(any Error)
    /// It could not be renamed over the target (strerror's text).
    case rename(String)
}

/// Writes `data` to `staged` (a hidden name beside `url`) and renames it over `url`: a reader
/// never sees half a file. The staged copy is removed when the rename fails.
func writeReplacing(_ data: Data, to url: URL, stagedAs staged: URL) throws(FileReplaceFailure) {
    do { try data.write(to: staged) } catch { throw .write(error) }
    guard rename(staged.path, url.path) == 0 else {
        let reason = String(cString: strerror(errno))
        try? FileManager.default.removeItem(at: staged)
        throw .rename(reason)
    }
}

/// Writes shard `spec`'s result `bytes` to `directory/shard-I-of-N.cascade` (created if need
/// be), staged beside it and renamed over it: never half a file, and a retried shard writes the
/// same bytes. Returns the file; throws one line naming it when it cannot be written.
func writeShard(_ bytes: [UInt8], spec: ShardSpec, in directory: URL) throws -> URL {
    let file = directory.appendingPathComponent(String(format: "shard-%d-of-%d.cascade", spec.index, spec.count))
    do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    } catch {
        throw fail("\(file.path): cannot be written: \(error.localizedDescription)")
    }
    do {
        try writeReplacing(Data(bytes), to: file, stagedAs: directory.appendingPathComponent(".\(file.lastPathComponent).\(getpid()).partial"))
    } catch {
        switch error {
        case let .write(cause): throw fail("\(file.path): cannot be written: \(cause.localizedDescription)")
        case let .rename(reason): throw fail("\(file.path): cannot be written: \(reason)")
        }
    }
    return file
}
