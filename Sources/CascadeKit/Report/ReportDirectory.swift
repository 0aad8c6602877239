import Foundation

/// Writes a set of report files into a directory so that no half-written file is ever left
/// under a report's name: each file is written in full to a temporary name and renamed into
/// place; if anything fails, the temporary files are removed and nothing else changes.
public enum ReportDirectory {
    public struct WriteError: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// Writes `files` (name → contents) into `directory`, creating it if needed. Report files
    /// named in `replacing` that are not written this time are removed, so a directory never
    /// mixes the reports of two runs.
    public static func write(_ files: [(name: String, contents: String)], to directory: URL,
                             replacing known: [String] = []) throws(WriteError) {
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw WriteError(path: directory.path, reason: "cannot create the output directory (\(error.localizedDescription))")
        }
        var staged: [(temporary: URL, final: URL)] = []
        let token = UUID().uuidString.prefix(8)
        for file in files {
            let final = directory.appendingPathComponent(file.name)
            let temporary = directory.appendingPathComponent(".\(file.name).\(token).partial")
            if let reason = writeBytes(of: file.contents, to: temporary.path) {
                for s in staged { try? fm.removeItem(at: s.temporary) }
                try? fm.removeItem(at: temporary)
                throw WriteError(path: final.path, reason: "cannot be written (\(reason))")
            }
            staged.append((temporary, final))
        }
        for s in staged {
            if rename(s.temporary.path, s.final.path) != 0 {
                let reason = String(cString: strerror(errno))
                for t in staged { try? fm.removeItem(at: t.temporary) }
                throw WriteError(path: s.final.path, reason: "cannot be moved into place (\(reason))")
            }
        }
        let written = Set(files.map(\.name))
        for name in known where !written.contains(name) {
            try? fm.removeItem(at: directory.appendingPathComponent(name))
        }
    }

    /// Writes the UTF-8 bytes of `text` to a new file at `path` straight from the string's
    /// storage (a report can be tens of megabytes; no copy). Returns why it failed, or nil.
    static func writeBytes(of text: String, to path: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            guard let file = fopen(path, "wb") else { return String(cString: strerror(errno)) }
            var failure: String? = nil
            if let base = bytes.baseAddress, fwrite(base, 1, bytes.count, file) != bytes.count {
                failure = String(cString: strerror(errno))
            }
            if fclose(file) != 0, failure == nil { failure = String(cString: strerror(errno)) }
            return failure
        }
    }
}
