/// Least-significant-digit radix sort of 64-bit keys carrying a 32-bit payload, used where
/// cascade sorts millions of numbers (the liquidation ladder, the summary's quantiles).
///
/// Stable: equal keys keep their input order. Six passes of 11 bits; a pass is skipped when all
/// keys share its digit (the high bits of doubles of similar magnitude usually do).
/// - Complexity: O(n) time per pass, O(n) extra memory.
public enum RadixSort {
    /// The bits of `value` as an unsigned integer whose order is the order of the doubles
    /// (−∞ < … < −0 < +0 < … < +∞; NaN is not ordered and must not be sorted).
    @inlinable @inline(__always)
    public static func orderedBits(_ value: Double) -> UInt64 {
        let bits = value.bitPattern
        return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }

    /// The double whose ``orderedBits(_:)`` is `bits`.
    @inlinable @inline(__always)
    public static func double(orderedBits bits: UInt64) -> Double {
        Double(bitPattern: bits & (1 << 63) != 0 ? bits & ~(1 << 63) : ~bits)
    }

    /// Sorts `keys` ascending, applying the same permutation to `payloads`.
    public static func sort(_ keys: inout [UInt64], payloads: inout [UInt32]) {
        let n = keys.count
        precondition(payloads.count == n)
        guard n > 1 else { return }
        // The counts of every pass's digits, from one read of the keys.
        var counts = [Int](repeating: 0, count: 6 * 2048)
        keys.withUnsafeBufferPointer { k in
        counts.withUnsafeMutableBufferPointer { c in
            for key in k {
                for pass in 0..<6 { c[pass << 11 | Int((key >> UInt64(pass * 11)) & 2047)] &+= 1 }
            }
        }}
        var keyBuffer = [UInt64](repeating: 0, count: n)
        var payloadBuffer = [UInt32](repeating: 0, count: n)
        for pass in 0..<6 {
            let shift = UInt64(pass * 11)
            let skip = counts.withUnsafeMutableBufferPointer { all -> Bool in
                let c = UnsafeMutableBufferPointer(rebasing: all[(pass << 11)..<((pass + 1) << 11)])
                if c.contains(n) { return true }  // every key has the same digit
                var total = 0
                for i in c.indices {
                    let count = c[i]
                    c[i] = total
                    total += count
                }
                return false
            }
            if skip { continue }
            keys.withUnsafeBufferPointer { k in
            payloads.withUnsafeBufferPointer { p in
            keyBuffer.withUnsafeMutableBufferPointer { kb in
            payloadBuffer.withUnsafeMutableBufferPointer { pb in
            counts.withUnsafeMutableBufferPointer { all in
                let c = all.baseAddress! + (pass << 11)
                for i in 0..<n {
                    let digit = Int((k[i] >> shift) & 2047)
                    let destination = c[digit]
                    c[digit] = destination + 1
                    kb[destination] = k[i]
                    pb[destination] = p[i]
                }
            }}}}}
            swap(&keys, &keyBuffer)
            swap(&payloads, &payloadBuffer)
        }
    }

    /// `values` sorted ascending (no NaN allowed).
    public static func sorted(_ values: [Double]) -> [Double] {
        var keys = values.map(orderedBits)
        var payloads = [UInt32](repeating: 0, count: values.count)
        sort(&keys, payloads: &payloads)
        return keys.map { double(orderedBits: $0) }
    }
}
