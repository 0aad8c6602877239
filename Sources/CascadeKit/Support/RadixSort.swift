/// Least-significant-digit radix sort of 64-bit keys carrying a 32-bit payload, used where
/// cascade sorts millions of numbers (the liquidation ladder, the summary's quantiles).
///
/// Stable: equal keys keep their input order. Eight passes of 8 bits; a pass is skipped when all
/// keys share its digit (the high bits of doubles of similar magnitude usually do). Eight-bit
/// digits scatter into 256 places per pass, which the caches follow; six passes of 11 bits
/// (2,048 places) took twice the time on the million-position ladder. Fewer than
/// ``insertionLimit`` keys are sorted by insertion (the time series sorts thousands of tiny
/// columns, where clearing the digit counts would cost more than the sort).
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

    /// Below this many keys, ``sort(_:payloads:)`` sorts by insertion.
    public static let insertionLimit = 48

    /// Sorts `keys` ascending, applying the same permutation to `payloads`.
    public static func sort(_ keys: inout [UInt64], payloads: inout [UInt32]) {
        let n = keys.count
        precondition(payloads.count == n)
        guard n > 1 else { return }
        if n < insertionLimit {
            // Stable: a key moves left only past strictly greater ones.
            for i in 1..<n {
                let key = keys[i], payload = payloads[i]
                var j = i
                while j > 0 && keys[j - 1] > key {
                    keys[j] = keys[j - 1]
                    payloads[j] = payloads[j - 1]
                    j -= 1
                }
                keys[j] = key
                payloads[j] = payload
            }
            return
        }
        // The counts of every pass's digits, from one read of the keys.
        var counts = [Int](repeating: 0, count: 8 * 256)
        keys.withUnsafeBufferPointer { k in
        counts.withUnsafeMutableBufferPointer { c in
            for key in k {
                for pass in 0..<8 { c[pass << 8 | Int((key >> UInt64(pass * 8)) & 255)] &+= 1 }
            }
        }}
        var keyBuffer = [UInt64](repeating: 0, count: n)
        var payloadBuffer = [UInt32](repeating: 0, count: n)
        for pass in 0..<8 {
            let shift = UInt64(pass * 8)
            let skip = counts.withUnsafeMutableBufferPointer { all -> Bool in
                let c = UnsafeMutableBufferPointer(rebasing: all[(pass << 8)..<((pass + 1) << 8)])
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
                let c = all.baseAddress! + (pass << 8)
                for i in 0..<n {
                    let digit = Int((k[i] >> shift) & 255)
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
