import CCascadeSystem
import Foundation
import Synchronization

/// Writes a report set so that its folder always holds one complete set from one run: the new
/// set, or the previous one untouched.
///
/// ``stage(_:force:)`` checks the target folder, removes what dead runs left beside it, and
/// creates a fresh hidden staging folder next to it (same parent, so on the same file system):
/// `.NAME.cascade-partial.PID.TOKEN`. ``Staging/commit(_:binary:manifest:writer:)`` writes every file
/// into it, `manifest.json` last, and swaps it in: where the target exists, by one atomic
/// exchange of the two folders (Linux `renameat2(RENAME_EXCHANGE)`), after which the previous
/// set, now under the staging name, is renamed to `.NAME.cascade-old.PID.TOKEN` and removed;
/// where it does not, by one `rename`. On a file system that cannot exchange (EINVAL, ENOSYS)
/// it falls back to two renames — target to the `-old` name, staging folder to the target —
/// so between them the target is missing; if the process dies there, the next ``stage(_:force:)``
/// of that target renames the old set back.
///
/// Swaps and the staging folders' creation hold one process-wide lock, which
/// ``abandonStaging(then:)`` (for a signal handler) takes and never releases: after it has begun
/// no swap happens, and it never removes a folder that has just been swapped in.
public enum ReportDirectory {
    public struct WriteError: Error, CustomStringConvertible {
        public enum Kind: Sendable {
            /// The target exists and is not a cascade report (see ``stage(_:force:)``).
            case notAReport
            case other
        }

        /// The path the problem is about, as the user knows it (the target, or a file in it).
        public var path: String
        public var reason: String
        public var kind: Kind
        /// For ``Kind/notAReport``: some of the entries that are not a report's.
        public var strangers: [String]
        public var description: String { "\(path): \(reason)" }

        public init(path: String, reason: String, kind: Kind = .other, strangers: [String] = []) {
            self.path = path
            self.reason = reason
            self.kind = kind
            self.strangers = strangers
        }
    }

    /// Writes the UTF-8 bytes of `contents` to a new file at `path`; throws (a ``WriteError`` for
    /// the real one) if it cannot.
    public typealias FileWriter = (_ contents: String, _ path: String) throws -> Void

    /// The file writer ``Staging/commit(_:binary:manifest:writer:)`` uses unless told otherwise: a new
    /// file (never an existing one) with the bytes straight from the string's storage.
    public static func writeFile(_ contents: String, _ path: String) throws {
        if let reason = writeBytes(of: contents, to: path) { throw WriteError(path: path, reason: reason) }
    }

    /// Writes `files` and their `manifest` as the report set in `directory`: ``stage(_:force:)``
    /// then ``Staging/commit(_:binary:manifest:writer:)``. Returns the manifest written.
    @discardableResult
    public static func write(_ files: [(name: String, contents: String)], to directory: URL,
                             manifest: ReportManifest = ReportManifest(), force: Bool = false,
                             writer: FileWriter = ReportDirectory.writeFile) throws(WriteError) -> ReportManifest {
        try stage(directory, force: force).commit(files, manifest: manifest, writer: writer)
    }

    /// Prepares to write a report set into `directory` — before the run, so that a bad target is
    /// refused before any simulating:
    ///
    /// - removes what runs no longer alive left beside the target (staging and moved-aside
    ///   folders whose PID is not a live process; if the target is missing, the newest
    ///   moved-aside set of a dead run is renamed back first) and the `.NAME.TOKEN.partial`
    ///   files earlier versions left inside it; folders of live processes are never touched;
    /// - refuses a target that is a file, `/`, or holds the current directory; and, unless
    ///   `force`, one that is not a cascade report: a report holds a `manifest.json` cascade
    ///   wrote and nothing it does not list, or only files a cascade run or sweep writes
    ///   (reports of versions before the manifest have none). An empty folder counts as one;
    /// - creates the missing parent folders, with a readable reason if it cannot (a component
    ///   is a file, no permission, a read-only file system), and the staging folder.
    public static func stage(_ directory: URL, force: Bool = false) throws(WriteError) -> Staging {
        try stage(directory, force: force, exchange: exchangePaths)
    }

    /// Exchanges two directory entries atomically (`renameat2(RENAME_EXCHANGE)` on Linux):
    /// 0, or -1 with `errno` set (EINVAL or ENOSYS where it cannot).
    static func exchangePaths(_ a: String, _ b: String) -> Int32 { cascade_exchange_paths(a, b) }

    /// ``stage(_:force:)`` with the exchange of two paths given (tests make it fail with EINVAL
    /// to take the fallback): returns 0, or -1 with `errno` set.
    static func stage(_ directory: URL, force: Bool,
                      exchange: @escaping (String, String) -> Int32) throws(WriteError) -> Staging {
        let given = directory.standardizedFileURL.path
        var path = given.count > 1 && given.hasSuffix("/") ? String(given.dropLast()) : given
        guard path != "/" else { throw WriteError(path: given, reason: "cannot be a report folder") }
        var info = stat()
        if lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFLNK {
            // A link to a folder: the folder is the target (replacing the link would leave the
            // folder it points to as it was).
            guard let resolved = realpath(path, nil) else {
                throw WriteError(path: given, reason: "is a symbolic link to nothing (\(errorText(errno)))")
            }
            path = String(cString: resolved)
            free(resolved)
        }
        let target = URL(fileURLWithPath: path)
        let parent = target.deletingLastPathComponent().path
        let name = target.lastPathComponent

        if isDirectory(parent) { removeStale(of: name, in: parent) }

        var existed = false
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw WriteError(path: given, reason: "is a file, not a folder")
            }
            existed = true
            if let cwd = realpath(".", nil) {
                let current = String(cString: cwd)
                free(cwd)
                if current == path || current.hasPrefix(path + "/") {
                    throw WriteError(path: given, reason: "holds the current directory; a report folder is replaced as a whole, so choose one elsewhere")
                }
            }
            let strangers = nonReportEntries(in: path)
            if !strangers.isEmpty && !force {
                let shown = strangers.prefix(3).joined(separator: ", ") + (strangers.count > 3 ? " and \(strangers.count - 3) more" : "")
                throw WriteError(path: given, reason: "is not a cascade report (it holds \(shown))", kind: .notAReport,
                                 strangers: strangers)
            }
            removeLegacyPartials(in: path)
        } else if errno != ENOENT && errno != ENOTDIR {
            throw WriteError(path: given, reason: "cannot be used (\(errorText(errno)))")
        }

        let token = String(UInt32.random(in: 0...UInt32.max), radix: 16)
        let staging = URL(fileURLWithPath: parent).appendingPathComponent(HiddenName(target: name, kind: .partial, pid: getpid(), token: token).text)
        let id = try registry.withLock { registry throws(WriteError) -> Int in
            let created = try makeDirectories(parent, display: given)
            if mkdir(staging.path, 0o777) != 0 {
                let reason = errno == EACCES || errno == EPERM || errno == EROFS
                    ? "cannot be written: no permission to write in \(parent) (\(errorText(errno)))"
                    : "cannot be written: cannot create a folder in \(parent) (\(errorText(errno)))"
                removeDirectories(created)
                throw WriteError(path: given, reason: reason)
            }
            registry.nextID += 1
            let id = registry.nextID
            registry.entries[id] = Entry(target: path, folder: staging.path, createdParents: created)
            return id
        }
        return Staging(id: id, display: given, target: target, folder: staging, existed: existed, exchange: exchange)
    }

    /// A report set being written: the staging folder, then the swap.
    public final class Staging {
        let id: Int
        /// The target as given (in messages).
        let display: String
        /// The folder that will hold the set (links resolved).
        public let target: URL
        /// The hidden staging folder beside it, `.NAME.cascade-partial.PID.TOKEN`.
        public let folder: URL
        /// Whether the target existed when staged.
        let existed: Bool
        let exchange: (String, String) -> Int32
        private var done = false

        init(id: Int, display: String, target: URL, folder: URL, existed: Bool, exchange: @escaping (String, String) -> Int32) {
            self.id = id
            self.display = display
            self.target = target
            self.folder = folder
            self.existed = existed
            self.exchange = exchange
        }

        /// A staging folder dropped without ``commit(_:binary:manifest:writer:)`` is discarded.
        deinit { discard() }

        /// Writes `files` (name → contents) and `binary` files (such as report.pdf) into the
        /// staging folder, then `manifest.json` — `manifest` with every file's size and SHA-256
        /// and the finishing time filled in — and swaps the folder in for the target. If anything
        /// fails the staging folder is removed, the target is as it was, and the error names the
        /// file and why. Returns the manifest written. Call once.
        @discardableResult
        public func commit(_ files: [(name: String, contents: String)], binary: [(name: String, contents: [UInt8])] = [],
                           manifest: ReportManifest = ReportManifest(),
                           writer: FileWriter = ReportDirectory.writeFile) throws(WriteError) -> ReportManifest {
            precondition(!done, "a staging folder is committed or discarded once")
            done = true
            let left = existed ? "\(display) is left as it was" : "nothing was written"
            var manifest = manifest
            manifest.files = []
            // The digests of all files at once, on all cores (paths.csv alone is tens of MB).
            let digests = WorkerSlots<(bytes: Int, sha256: String)>(count: files.count)
            let contents = files.map(\.contents)
            DispatchQueue.concurrentPerform(iterations: files.count) { i in
                var text = contents[i]
                digests[i] = text.withUTF8 { ($0.count, SHA256.hex(of: UnsafeRawBufferPointer($0))) }
            }
            for (i, file) in files.enumerated() {
                precondition(!file.name.contains("/") && !file.name.hasPrefix(".") && file.name != ReportManifest.fileName,
                             "report file name \(file.name)")
                if let reason = Self.write(file.contents, to: folder.appendingPathComponent(file.name).path, writer) {
                    discardFolder()
                    throw WriteError(path: target.appendingPathComponent(file.name).path, reason: "cannot be written (\(reason)); \(left)")
                }
                let digest = digests[i]!
                manifest.files.append(ReportManifest.File(name: file.name, bytes: digest.bytes, sha256: digest.sha256))
            }
            for file in binary {
                precondition(!file.name.contains("/") && !file.name.hasPrefix(".") && file.name != ReportManifest.fileName,
                             "report file name \(file.name)")
                let path = folder.appendingPathComponent(file.name)
                do {
                    try Data(file.contents).write(to: path)
                } catch {
                    discardFolder()
                    throw WriteError(path: target.appendingPathComponent(file.name).path, reason: "cannot be written (\(error.localizedDescription)); \(left)")
                }
                manifest.files.append(ReportManifest.File(name: file.name, bytes: file.contents.count, sha256: SHA256.hex(of: file.contents)))
            }
            manifest.finished = Date()
            if let reason = Self.write(manifest.json, to: folder.appendingPathComponent(ReportManifest.fileName).path, writer) {
                discardFolder()
                throw WriteError(path: target.appendingPathComponent(ReportManifest.fileName).path,
                                 reason: "cannot be written (\(reason)); \(left)")
            }
            let aside = try swap()
            if let aside { try? FileManager.default.removeItem(atPath: aside) }
            return manifest
        }

        /// Removes the staging folder (and the parents made for the target); the target is
        /// left as it was. For a run that gives up before ``commit(_:binary:manifest:writer:)``.
        public func discard() {
            guard !done else { return }
            done = true
            discardFolder()
        }

        private func discardFolder() {
            registry.withLock { registry in
                if let entry = registry.entries.removeValue(forKey: id) { ReportDirectory.discard(entry) }
            }
        }

        private static func write(_ contents: String, to path: String, _ writer: FileWriter) -> String? {
            do { try writer(contents, path) } catch let error as WriteError { return error.reason } catch { return "\(error)" }
            return nil
        }

        /// Swaps the staging folder in under the lock; returns the moved-aside previous set to
        /// remove, if any.
        private func swap() throws(WriteError) -> String? {
            let targetPath = target.path, staged = folder.path
            let old = folder.deletingLastPathComponent()
                .appendingPathComponent(HiddenName(target: target.lastPathComponent, kind: .old, pid: getpid(),
                                                   token: HiddenName(parsing: folder.lastPathComponent)?.token ?? "0").text).path
            return try registry.withLock { registry throws(WriteError) -> String? in
                guard let entry = registry.entries[id] else {
                    throw WriteError(path: display, reason: "the staging folder is gone; nothing was written")
                }
                func fail(_ reason: String) -> WriteError {
                    registry.entries[id] = nil
                    ReportDirectory.discard(entry)
                    return WriteError(path: display, reason: reason)
                }
                var info = stat()
                var aside: String? = nil
                if lstat(targetPath, &info) != 0 && errno == ENOENT {
                    guard rename(staged, targetPath) == 0 else {
                        throw fail("cannot be put in place (\(errorText(errno))); nothing was written")
                    }
                } else if exchange(staged, targetPath) == 0 {
                    aside = rename(staged, old) == 0 ? old : staged
                } else if errno == EINVAL || errno == ENOSYS || errno == ENOTSUP || errno == EOPNOTSUPP {
                    // No atomic exchange here: two renames, the previous set kept aside until
                    // the new one is in place (the next stage() restores it if we die between).
                    guard rename(targetPath, old) == 0 else {
                        throw fail("cannot be replaced (\(errorText(errno))); \(display) is left as it was")
                    }
                    guard rename(staged, targetPath) == 0 else {
                        let reason = errorText(errno)
                        if rename(old, targetPath) == 0 {
                            throw fail("cannot be replaced (\(reason)); \(display) is left as it was")
                        }
                        throw fail("cannot be replaced (\(reason)); the previous report is at \(old), and the next run puts it back")
                    }
                    aside = old
                } else {
                    throw fail("cannot be replaced (\(errorText(errno))); \(display) is left as it was")
                }
                registry.entries[id] = nil
                registry.swappedIn.append(targetPath)
                return aside
            }
        }
    }

    /// What ``abandonStaging(then:)`` found in this process.
    public struct Abandonment: Sendable {
        /// The targets (links resolved) whose staging folders it removed: left as they were.
        public var abandoned: [String]
        /// The targets this process had already swapped a new set into.
        public var swappedIn: [String]
    }

    /// For a signal handler's thread: takes the lock the swaps hold and never releases it;
    /// removes every staging folder of this process that has not been swapped in (and the
    /// parent folders made for it), then calls `finish` — which must end the process, e.g.
    /// with `_exit` — saying what it found. A swap under way finishes first; none starts after.
    public static func abandonStaging(then finish: (Abandonment) -> Never) -> Never {
        registry.withLock { registry -> Never in
            var abandoned: [String] = []
            for (_, entry) in registry.entries.sorted(by: { $0.key < $1.key }) {
                discard(entry)
                abandoned.append(entry.target)
            }
            registry.entries = [:]
            finish(Abandonment(abandoned: abandoned, swappedIn: registry.swappedIn))
        }
    }

    // MARK: - Internals

    /// A staging folder not yet swapped in or discarded.
    struct Entry: Sendable {
        var target: String
        var folder: String
        /// Parent folders made for the target, outermost first (removed with the staging folder).
        var createdParents: [String]
    }

    struct Registry: Sendable {
        var entries: [Int: Entry] = [:]
        var nextID = 0
        /// Targets swapped in, in order.
        var swappedIn: [String] = []
    }

    /// The staging folders of this process, under the lock the swaps hold.
    static let registry = Mutex(Registry())

    /// Removes a staging folder: renamed first to `.NAME.cascade-discard.PID.TOKEN`, so that no
    /// file can be created in it while it is being removed, then removed with what is in it.
    static func discard(_ entry: Entry) {
        var path = entry.folder
        if let name = HiddenName(parsing: URL(fileURLWithPath: path).lastPathComponent) {
            let moved = URL(fileURLWithPath: path).deletingLastPathComponent()
                .appendingPathComponent(HiddenName(target: name.target, kind: .discard, pid: name.pid, token: name.token).text).path
            if rename(path, moved) == 0 { path = moved }
        }
        try? FileManager.default.removeItem(atPath: path)
        removeDirectories(entry.createdParents)
    }

    /// The hidden name of a folder beside a target: `.NAME.cascade-KIND.PID.TOKEN`.
    struct HiddenName: Equatable {
        enum Kind: String { case partial, old, discard }
        var target: String
        var kind: Kind
        var pid: Int32
        var token: String

        var text: String { ".\(target).cascade-\(kind.rawValue).\(pid).\(token)" }

        init(target: String, kind: Kind, pid: Int32, token: String) {
            self.target = target
            self.kind = kind
            self.pid = pid
            self.token = token
        }

        init?(parsing name: String) {
            guard name.hasPrefix(".") else { return nil }
            var parts = name.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count >= 4, let token = parts.popLast(), let pid = parts.popLast().flatMap({ Int32($0) }),
                  let kindText = parts.popLast(), kindText.hasPrefix("cascade-"),
                  let kind = Kind(rawValue: String(kindText.dropFirst("cascade-".count))), !token.isEmpty, pid > 0 else { return nil }
            self.init(target: parts.joined(separator: "."), kind: kind, pid: pid, token: String(token))
        }
    }

    /// Whether process `pid` is alive (a process of another user counts: EPERM).
    static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }

    /// Removes the staging, discarded and moved-aside folders of `target` in `parent` whose
    /// process is dead; first, if the target is missing, renames the newest moved-aside set of
    /// a dead process back to it.
    static func removeStale(of target: String, in parent: String) {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: parent) else { return }
        var stale: [(path: String, name: HiddenName)] = []
        for entry in names {
            guard let name = HiddenName(parsing: entry), name.target == target, !isAlive(name.pid) else { continue }
            stale.append((parent + "/" + entry, name))
        }
        let targetPath = parent + "/" + target
        var info = stat()
        if lstat(targetPath, &info) != 0 && errno == ENOENT {
            let old = stale.filter { $0.name.kind == .old }.map { entry -> (String, Date) in
                (entry.path, ((try? fm.attributesOfItem(atPath: entry.path))?[.modificationDate] as? Date) ?? .distantPast)
            }
            if let newest = old.max(by: { $0.1 < $1.1 }) { _ = rename(newest.0, targetPath) }
        }
        for entry in stale where fm.fileExists(atPath: entry.path) {
            try? fm.removeItem(atPath: entry.path)
        }
    }

    /// Removes the `.NAME.TOKEN.partial` files of earlier versions (which wrote each file under
    /// such a name and renamed it) inside `directory`.
    static func removeLegacyPartials(in directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where isLegacyPartial(name) {
            _ = unlink(directory + "/" + name)
        }
    }

    static func isLegacyPartial(_ name: String) -> Bool {
        guard name.hasPrefix("."), name.hasSuffix(".partial") else { return false }
        let parts = name.dropFirst().dropLast(".partial".count).split(separator: ".")
        guard parts.count >= 2, let token = parts.last, token.count == 8 else { return false }
        return token.allSatisfy { $0.isHexDigit }
    }

    /// Whether `name` is the name of a file a cascade run or sweep writes.
    public static func isReportFileName(_ name: String) -> Bool {
        if knownNames.contains(name) { return true }
        for (prefix, suffix) in [("price-fan.", ".svg"), ("liquidation-map.", ".svg"), ("sweep-", ".svg"),
                                 ("compare-", ".svg")]
        where name.hasPrefix(prefix) && name.hasSuffix(suffix) && name.count > prefix.count + suffix.count {
            return true
        }
        return false
    }

    static let knownNames: Set<String> = Set(ReportSet.knownNames(symbols: [])
        + ["sweep.csv", "sweep.html", "compare.csv", "compare.html", ReportManifest.fileName]
        + TraceReport.fileNames)

    /// The entries of the folder at `path` that keep it from being a cascade report (empty if
    /// it is one): with a cascade `manifest.json`, those it does not list and no report writes;
    /// without, everything but regular files with a report's name (and earlier versions'
    /// `.partial` files).
    static func nonReportEntries(in path: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return ["(unreadable)"] }
        var listed: Set<String> = []
        let manifestPath = path + "/" + ReportManifest.fileName
        var info = stat()
        if lstat(manifestPath, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_size < 16 << 20,
           let data = FileManager.default.contents(atPath: manifestPath), let manifest = ReportManifest(json: data) {
            listed = Set(manifest.files.map(\.name))
        }
        var strangers: [String] = []
        for name in names.sorted() {
            var s = stat()
            let regular = lstat(path + "/" + name, &s) == 0 && s.st_mode & S_IFMT == S_IFREG
            if regular && (listed.contains(name) || isReportFileName(name) || isLegacyPartial(name)) { continue }
            strangers.append(regular ? name : name + "/")
        }
        return strangers
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
    }

    /// Creates `path` and its missing parents; returns the folders it made, outermost first.
    /// Errors name the component at fault.
    static func makeDirectories(_ path: String, display: String) throws(WriteError) -> [String] {
        var created: [String] = []
        var current = ""
        for component in path.split(separator: "/") {
            current += "/" + component
            var info = stat()
            if stat(current, &info) == 0 {
                if info.st_mode & S_IFMT == S_IFDIR { continue }
                removeDirectories(created)
                throw WriteError(path: display, reason: "cannot be created: \(current) is a file, not a folder")
            }
            if errno == ENOENT && mkdir(current, 0o777) == 0 {
                created.append(current)
                continue
            }
            if errno == EEXIST, isDirectory(current) { continue }
            let code = errno
            removeDirectories(created)
            switch code {
            case EACCES, EPERM, EROFS:
                throw WriteError(path: display, reason: "cannot be created: no permission to write in \(URL(fileURLWithPath: current).deletingLastPathComponent().path) (\(errorText(code)))")
            default:
                throw WriteError(path: display, reason: "cannot be created: \(current) (\(errorText(code)))")
            }
        }
        return created
    }

    /// Removes the (empty) folders `created` made, innermost first.
    static func removeDirectories(_ created: [String]) {
        for path in created.reversed() { _ = rmdir(path) }
    }

    static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// Writes the UTF-8 bytes of `text` to a new file at `path` straight from the string's
    /// storage (a report can be tens of megabytes; no copy). Returns why it failed, or nil.
    static func writeBytes(of text: String, to path: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            guard let file = fopen(path, "wbx") else { return errorText(errno) }
            var failure: String? = nil
            if let base = bytes.baseAddress, fwrite(base, 1, bytes.count, file) != bytes.count {
                failure = errorText(errno)
            }
            if fclose(file) != 0, failure == nil { failure = errorText(errno) }
            return failure
        }
    }
}
