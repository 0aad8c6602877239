/// The SplitMix64 generator (Steele, Lea and Flood, "Fast Splittable Pseudorandom Number
/// Generators", OOPSLA 2014) as a sequential stream: output k is ``SplitMix64/mix(_:)`` of
/// state + k·γ with γ = 0x9E3779B97F4A7C15, i.e. the standard `splitmix64()` sequence started
/// at `state`.
///
/// Used where statistics code needs reproducible random numbers (the bootstrap of
/// ``PowerLawFit``, and tests): the same state always gives the same sequence, on every platform.
/// Not for the engine's paths, which use counter-based Philox keyed by path.
struct SplitMix64Stream: RandomNumberGenerator, Sendable {
    var state: UInt64

    /// The stream that starts at `state`.
    init(state: UInt64) { self.state = state }

    /// The stream for `(seed, stream)`: keyed by both, so streams with different indices do not
    /// overlap in practice and can be drawn in any order.
    init(seed: UInt64, stream: UInt64) {
        state = SplitMix64.mix(seed ^ SplitMix64.mix(stream &+ 0xD1B5_4A32_D192_ED03))
    }

    /// The next 64 random bits.
    @inline(__always)
    mutating func next() -> UInt64 {
        let out = SplitMix64.mix(state)
        state &+= 0x9E37_79B9_7F4A_7C15
        return out
    }

    /// A uniform draw in the open interval (0, 1): (⌊x/2¹¹⌋ + ½)·2⁻⁵³ for 64 random bits x.
    @inline(__always)
    mutating func uniform() -> Double {
        (Double(next() >> 11) + 0.5) * 0x1p-53
    }

    /// A uniform integer in [0, bound) by Lemire's multiply-high (without rejection: the bias is
    /// below bound/2⁶⁴, negligible for the counts used here).
    @inline(__always)
    mutating func below(_ bound: UInt64) -> UInt64 {
        next().multipliedFullWidth(by: bound).high
    }
}
