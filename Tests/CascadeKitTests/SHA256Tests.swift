import Foundation
import Testing
@testable import CascadeKit

/// SHA-256 against the NIST example vectors (FIPS 180-4 examples, and the one-million-'a'
/// message of the NIST test set), split updates, and `sha256sum`.
@Suite("SHA-256")
struct SHA256Tests {
    @Test("NIST vectors: the empty message, \"abc\", the 448-bit and 896-bit messages")
    func vectors() {
        let cases: [(String, String)] = [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
             "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
            ("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
             "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        ]
        for (message, digest) in cases {
            #expect(SHA256.hex(of: message.utf8) == digest, "\(message)")
        }
    }

    @Test("one million 'a', in one update and in uneven pieces")
    func millionA() {
        let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(SHA256.hex(of: message) == expected)
        var hash = SHA256()
        var offset = 0, piece = 1
        message.withUnsafeBytes { bytes in
            while offset < bytes.count {
                let end = min(bytes.count, offset + piece)
                hash.update(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
                offset = end
                piece = piece * 3 % 257 + 1   // 1 to 257 bytes: across block edges at every phase
            }
        }
        #expect(SHA256.hexDigits(hash.finalize()) == expected)
        // finalize() leaves the hash as it was.
        #expect(SHA256.hexDigits(hash.finalize()) == expected)
    }

    @Test("every length from 0 to 130 bytes (each padding case) agrees with sha256sum, and so does a file")
    func agreesWithSha256sum() throws {
        let directory = ScenarioText.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var names: [String] = []
        var expected: [String: String] = [:]
        for length in [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 130] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let name = "m\(length)"
            try Data(bytes).write(to: directory.appendingPathComponent(name))
            names.append(name)
            expected[name] = SHA256.hex(of: bytes)
        }
        // A file of a few megabytes, as a report is.
        let big = (0..<3_000_001).map { UInt8(truncatingIfNeeded: ($0 &* 2_654_435_761) >> 13) }
        try Data(big).write(to: directory.appendingPathComponent("big"))
        names.append("big")
        expected["big"] = SHA256.hex(of: big)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum"] + names
        process.currentDirectoryURL = directory
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        var seen = 0
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            let name = fields[1].hasPrefix("*") ? String(fields[1].dropFirst()) : String(fields[1])
            #expect(expected[name] == String(fields[0]), "\(name)")
            seen += 1
        }
        #expect(seen == names.count)
    }
}
