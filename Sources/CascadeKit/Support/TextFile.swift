import Foundation

/// Reads the text files cascade takes as input (scenarios, positions, prices), telling apart the
/// ways that fails in words a user can act on — never Foundation's own error text.
public enum TextFile {
    /// Why a file could not be read as text.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case missing
        case directory
        case unreadable
        /// The file has more bytes than allowed.
        case tooLarge(bytes: Int, limit: Int)
        /// The first byte that is not part of valid UTF-8 (0-based).
        case notUTF8(offset: Int)

        public var description: String {
            switch self {
            case .missing: "no such file"
            case .directory: "is a directory"
            case .unreadable: "cannot be read (permission denied or not a regular file)"
            case let .tooLarge(bytes, limit): "is \(bytes) bytes, larger than the limit of \(TextFile.size(limit))"
            case let .notUTF8(offset): "is not UTF-8 text (byte \(offset) is not valid UTF-8)"
            }
        }
    }

    /// The text of the file at `url`; with `maximumBytes` a larger file is refused before it is
    /// read.
    public static func read(_ url: URL, maximumBytes: Int? = nil) throws(Failure) -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else { throw .missing }
        guard !isDirectory.boolValue else { throw .directory }
        if let maximumBytes, let size = (try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber,
           size.intValue > maximumBytes {
            throw .tooLarge(bytes: size.intValue, limit: maximumBytes)
        }
        guard let data = try? Data(contentsOf: url) else { throw .unreadable }
        if let maximumBytes, data.count > maximumBytes { throw .tooLarge(bytes: data.count, limit: maximumBytes) }
        return try decode(data)
    }

    /// `data` as UTF-8 text (a leading byte-order mark is kept, as `String(contentsOf:)` does).
    public static func decode(_ data: Data) throws(Failure) -> String {
        if let text = String(validating: data, as: UTF8.self) { return text }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = data.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case let .valid(encoded): offset += encoded.count
            case .error: throw .notUTF8(offset: offset)
            case .emptyInput: throw .notUTF8(offset: offset)
            }
        }
    }

    /// `1.5 MiB`, `2.0 KiB`, `800 bytes`.
    static func size(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) bytes" }
        if bytes < 1024 * 1024 { return String(format: "%.1f KiB", Double(bytes) / 1024) }
        return String(format: "%.1f MiB", Double(bytes) / 1_048_576)
    }
}
