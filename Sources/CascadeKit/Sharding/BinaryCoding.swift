import Foundation

/// Little-endian binary writing for shard results: fixed-width integers, doubles by their bit
/// patterns (so every value, NaN payloads included, comes back bit for bit).
struct BinaryWriter {
    private(set) var bytes: [UInt8] = []

    mutating func int64(_ x: Int64) { withUnsafeBytes(of: x.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func int32(_ x: Int32) { withUnsafeBytes(of: x.littleEndian) { bytes.append(contentsOf: $0) } }
    mutating func int(_ x: Int) { int64(Int64(x)) }
    mutating func double(_ x: Double) { int64(Int64(bitPattern: x.bitPattern)) }
    mutating func int128(_ x: Int128) {
        int64(Int64(truncatingIfNeeded: x))
        int64(Int64(truncatingIfNeeded: x >> 64))
    }
    mutating func doubles<C: Collection<Double>>(_ values: C) {
        int(values.count)
        bytes.reserveCapacity(bytes.count + 8 * values.count)
        for x in values { double(x) }
    }
    mutating func int32s(_ values: [Int32]) {
        int(values.count)
        for x in values { int32(x) }
    }
    mutating func raw(_ data: [UInt8]) { bytes.append(contentsOf: data) }
}

/// Reads what ``BinaryWriter`` wrote; every read checks the bounds and throws
/// ``BinaryReader/Truncated`` past the end (a shard file cut short is refused, never a crash).
struct BinaryReader {
    struct Truncated: Error {}
    let bytes: [UInt8]
    private(set) var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func int64() throws -> Int64 {
        guard bytes.count - offset >= 8 else { throw Truncated() }
        var x: UInt64 = 0
        for k in 0..<8 { x |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
        offset += 8
        return Int64(bitPattern: x)
    }

    mutating func int32() throws -> Int32 {
        guard bytes.count - offset >= 4 else { throw Truncated() }
        var x: UInt32 = 0
        for k in 0..<4 { x |= UInt32(bytes[offset + k]) << (8 * UInt32(k)) }
        offset += 4
        return Int32(bitPattern: x)
    }

    mutating func int() throws -> Int { Int(try int64()) }
    mutating func double() throws -> Double { Double(bitPattern: UInt64(bitPattern: try int64())) }
    mutating func int128() throws -> Int128 {
        let low = try int64(), high = try int64()
        return Int128(high) << 64 | Int128(UInt64(bitPattern: low))
    }

    /// A count written before a list, checked against the bytes left (`width` bytes each).
    mutating func count(width: Int) throws -> Int {
        let n = try int()
        guard n >= 0, n <= (bytes.count - offset) / width else { throw Truncated() }
        return n
    }

    mutating func doubles() throws -> [Double] {
        let n = try count(width: 8)
        var out = [Double](repeating: 0, count: n)
        for i in 0..<n { out[i] = try double() }
        return out
    }

    mutating func int32s() throws -> [Int32] {
        let n = try count(width: 4)
        var out = [Int32](repeating: 0, count: n)
        for i in 0..<n { out[i] = try int32() }
        return out
    }
}
