import Foundation

/// What a block of random bits is used for. It is the last word of every Philox counter, so
/// variates drawn for different purposes never overlap, whatever else the counter holds.
public enum RandomPurpose: UInt32, Sendable {
    /// The synthetic position population: (position, draw) → leverage, entry, size.
    case population = 2
    /// Jumps of the price process: (jump index, path) → gap to the jump and its size.
    case jumps = 3
    /// The synthetic cross accounts: (account, draw) → side, size, entries.
    case accounts = 4
    /// Statistical self-checks in the tests.
    case testing = 15
}

/// Conversions from raw 32-bit words to floating-point variates.
///
/// All uniforms are strictly inside (0, 1), so logarithms and inverse CDFs never see 0 or 1.
public enum RandomVariates {
    /// A uniform variate on (0, 1) with 52 random bits taken from two words: (k + ½)·2⁻⁵², which is
    /// exactly representable for every k, so neither 0 nor 1 can occur.
    @inlinable @inline(__always)
    public static func uniform52(_ high: UInt32, _ low: UInt32) -> Double {
        let bits = (UInt64(high) << 20) ^ (UInt64(low) >> 12)  // 52 bits
        return (Double(bits) + 0.5) * 0x1p-52
    }

    /// Four uniforms on (0, 1) with 52 bits each; lane l is `uniform52(high[l], low[l])`.
    @inlinable @inline(__always)
    public static func uniform52(_ high: SIMD4<UInt32>, _ low: SIMD4<UInt32>) -> SIMD4<Double> {
        let bits = (SIMD4<UInt64>(truncatingIfNeeded: high) &<< 20) ^ (SIMD4<UInt64>(truncatingIfNeeded: low) &>> 12)
        // (k + ½)·2⁻⁵² through the bit pattern 1.k − (1 − 2⁻⁵³): exact, as in the scalar form.
        return unsafeBitCast(0x3FF0_0000_0000_0000 | bits, to: SIMD4<Double>.self) - (1 - 0x1p-53)
    }

    /// Four uniforms on (0, 1) with 32 bits each; lane l is `uniform32(word[l])`.
    @inlinable @inline(__always)
    public static func uniform32(_ word: SIMD4<UInt32>) -> SIMD4<Double> {
        // The 2⁵² trick converts the 32-bit words to doubles without an int→double instruction.
        let asDouble = unsafeBitCast(0x4330_0000_0000_0000 | SIMD4<UInt64>(truncatingIfNeeded: word), to: SIMD4<Double>.self) - 0x1p52
        return (asDouble + 0.5) * 0x1p-32
    }

    /// A uniform variate on (0, 1) with 32 random bits.
    @inlinable @inline(__always)
    public static func uniform32(_ word: UInt32) -> Double {
        (Double(word) + 0.5) * 0x1p-32
    }

    /// Two independent standard normal variates from three words, by the Box–Muller transform:
    /// r = √(−2 ln u₁), θ = 2π u₂, returning (r cos θ, r sin θ).
    ///
    /// u₁ has 52 bits, so |z| reaches up to √(−2 ln 2⁻⁵³) ≈ 8.6: the generator does not clip the
    /// tails a stress test cares about (a 32-bit u₁ would stop at 6.7σ).
    @inlinable @inline(__always)
    public static func normalPair(_ w0: UInt32, _ w1: UInt32, _ w2: UInt32) -> (Double, Double) {
        let u1 = uniform52(w0, w1)
        let theta = 2 * Double.pi * uniform32(w2)
        let r = (-2 * Foundation.log(u1)).squareRoot()
        return (r * Foundation.cos(theta), r * Foundation.sin(theta))
    }
}

/// A sequential stream of variates over Philox, for places that draw an unknown number of values
/// for one item (the synthetic population's redraws, test samples). The stream for
/// `(key, item, purpose)` is fixed: the n-th draw is always the same, wherever it is computed.
public struct PhiloxStream: RandomNumberGenerator, Sendable {
    @usableFromInline let generator: Philox4x32
    @usableFromInline let itemLow: UInt32
    @usableFromInline let itemHigh: UInt32
    @usableFromInline let purpose: UInt32
    @usableFromInline var counter: UInt32 = 0
    @usableFromInline var buffer: SIMD4<UInt32> = .zero
    @usableFromInline var used: Int = 4

    public init(generator: Philox4x32, item: UInt64, purpose: RandomPurpose) {
        self.generator = generator
        self.itemLow = UInt32(truncatingIfNeeded: item)
        self.itemHigh = UInt32(truncatingIfNeeded: item >> 32)
        self.purpose = purpose.rawValue
    }

    /// The next 32 random bits.
    @inlinable
    public mutating func nextWord() -> UInt32 {
        if used == 4 {
            buffer = generator.block(counter, itemLow, itemHigh, purpose)
            counter &+= 1
            used = 0
        }
        defer { used += 1 }
        return buffer[used]
    }

    public mutating func next() -> UInt64 {
        (UInt64(nextWord()) << 32) | UInt64(nextWord())
    }

    /// A uniform variate on (0, 1), 52 bits.
    public mutating func uniform() -> Double {
        RandomVariates.uniform52(nextWord(), nextWord())
    }

    /// A standard normal variate (one of a Box–Muller pair; the other is discarded so that the
    /// stream position after each call does not depend on earlier calls' parity).
    public mutating func normal() -> Double {
        FastMath.boxMuller(RandomVariates.uniform52(nextWord(), nextWord()), RandomVariates.uniform32(nextWord())).0
    }
}
