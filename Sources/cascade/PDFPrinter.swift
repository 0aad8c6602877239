import Foundation

/// Prints a report page to PDF with headless Chromium (`cascade run --pdf`): the page is
/// self-contained, so a copy in a temporary folder prints as the report folder's would.
/// Chromium is `$CASCADE_CHROMIUM`, else the first of `chromium`, `chromium-browser`,
/// `google-chrome` on the PATH.
enum PDFPrinter {
    static let candidates = ["chromium", "chromium-browser", "google-chrome"]

    /// The Chromium executable, or nil.
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit = environment["CASCADE_CHROMIUM"], !explicit.isEmpty {
            return FileManager.default.isExecutableFile(atPath: explicit) ? explicit : nil
        }
        for directory in (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            for name in candidates {
                let path = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: path) { return path }
            }
        }
        return nil
    }

    /// The line printed when `--pdf` is given and there is no Chromium.
    static let missing = "--pdf needs Chromium to print report.html, and none was found (CASCADE_CHROMIUM, or chromium, "
        + "chromium-browser or google-chrome on the PATH); install Debian's chromium (make test-deps does) or run without --pdf"

    /// `report.pdf` of a report set's `files` (its report.html printed by `chromium`), or nothing
    /// without a Chromium; throws the command's exit with one line naming the file in
    /// `directory` when it cannot be printed.
    static func reportPDF(_ files: [(name: String, contents: String)], chromium: String?, directory: URL) throws
        -> [(name: String, contents: [UInt8])] {
        guard let chromium, let page = files.first(where: { $0.name == "report.html" }) else { return [] }
        do {
            return [("report.pdf", try print(html: page.contents, chromium: chromium))]
        } catch { throw fail("\(directory.path)/report.pdf: \(error); no report was written") }
    }

    /// The PDF of `html`, printed by `chromium`; throws one line saying why not. Gives up after
    /// `timeout` seconds.
    static func print(html: String, chromium: String, timeout: Double = 180) throws -> [UInt8] {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("cascade-pdf-\(getpid())-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let page = work.appendingPathComponent("report.html"), pdf = work.appendingPathComponent("report.pdf")
        try Data(html.utf8).write(to: page)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
                             "--user-data-dir=\(work.appendingPathComponent("profile").path)", "--no-pdf-header-footer",
                             "--print-to-pdf=\(pdf.path)", page.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        // Chromium's messages go to a file: a pipe left unread could fill and stall it.
        let log = work.appendingPathComponent("chromium.log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw PDFError("cannot write in the temporary folder \(work.path)")
        }
        let errors = try FileHandle(forWritingTo: log)
        defer { try? errors.close() }
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning {
            process.terminate()
            throw PDFError("Chromium (\(chromium)) did not print report.pdf within \(Int(timeout)) s")
        }
        let message = String(decoding: FileManager.default.contents(atPath: log.path) ?? Data(), as: UTF8.self)
        guard let data = FileManager.default.contents(atPath: pdf.path), data.starts(with: Array("%PDF".utf8)) else {
            let last = message.split(separator: "\n").last.map(String.init) ?? "no message"
            throw PDFError("Chromium (\(chromium)) did not print report.pdf (exit \(process.terminationStatus)): \(last)")
        }
        return [UInt8](data)
    }
}

/// Why report.pdf could not be printed: one line.
struct PDFError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
