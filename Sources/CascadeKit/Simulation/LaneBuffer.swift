/// Per-path storage of a block of paths: `lanes` values rounded up to a multiple of four and
/// aligned to 32 bytes, so that loops can read and write four paths at a time as `SIMD4` vectors.
/// The padding lanes hold valid values and are computed along with the rest, then ignored.
final class LaneBuffer<Element: SIMDScalar & BitwiseCopyable> {
    let pointer: UnsafeMutablePointer<Element>
    /// Number of lanes allocated (a multiple of 4).
    let count: Int

    init(lanes: Int, value: Element) {
        count = max(4, (lanes + 3) & ~3)
        pointer = UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Element>.stride, alignment: 32)
            .bindMemory(to: Element.self, capacity: count)
        pointer.initialize(repeating: value, count: count)
    }

    deinit { pointer.deallocate() }

    @inline(__always)
    subscript(lane: Int) -> Element {
        get { pointer[lane] }
        set { pointer[lane] = newValue }
    }

    /// Lanes 4k..<4k+4.
    @inline(__always)
    func vector(_ k: Int) -> SIMD4<Element> {
        UnsafeRawPointer(pointer + 4 &* k).load(as: SIMD4<Element>.self)
    }

    @inline(__always)
    func setVector(_ k: Int, _ value: SIMD4<Element>) {
        UnsafeMutableRawPointer(pointer + 4 &* k).storeBytes(of: value, as: SIMD4<Element>.self)
    }

    /// Sets every lane to `value`.
    func fill(_ value: Element) {
        pointer.update(repeating: value, count: count)
    }
}
