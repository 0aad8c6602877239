import Testing
@testable import CascadeKit

/// The decision to run cascade again with `OPENBLAS_CORETYPE` set, on fixed kernel names (the
/// end-to-end checks on this machine's CPU are in CascadeCLITests).
@Suite("OpenBLAS kernel")
struct OpenBLASKernelTests {
    @Test("a kernel is weaker only if its family is below the recommended one; names compare case-insensitively")
    func weaker() {
        for name in ["Prescott", "Core2", "Nehalem", "Sandybridge", "Haswell", "Zen", "Unknown", "haswell"] {
            #expect(OpenBLASKernel.isWeaker(name, than: "SkylakeX"), "\(name)")
        }
        for name in ["SkylakeX", "skylakex", "SKYLAKEX", "Cooperlake", "SapphireRapids"] {
            #expect(!OpenBLASKernel.isWeaker(name, than: "SkylakeX"), "\(name)")
        }
        for name in ["Prescott", "Sandybridge", "Excavator", "Bulldozer"] {
            #expect(OpenBLASKernel.isWeaker(name, than: "Haswell"), "\(name)")
        }
        for name in ["Haswell", "ZEN", "SkylakeX", "Cooperlake"] {
            #expect(!OpenBLASKernel.isWeaker(name, than: "Haswell"), "\(name)")
        }
        #expect(!OpenBLASKernel.isWeaker("Prescott", than: nil), "no recommendation, nothing to improve")
    }

    @Test("re-execution only when neither variable is set and the kernel is weaker")
    func reexec() {
        #expect(OpenBLASKernel.reexecCoreType(coreType: nil, guard: nil, corename: "Prescott", recommended: "SkylakeX") == "SkylakeX")
        #expect(OpenBLASKernel.reexecCoreType(coreType: "", guard: nil, corename: "Sandybridge", recommended: "Haswell") == "Haswell")
        // The user's choice stands, even a weaker kernel.
        #expect(OpenBLASKernel.reexecCoreType(coreType: "Prescott", guard: nil, corename: "Prescott", recommended: "SkylakeX") == nil)
        // Already re-executed: never twice, even if OpenBLAS ignored the variable.
        #expect(OpenBLASKernel.reexecCoreType(coreType: nil, guard: "SkylakeX", corename: "Prescott", recommended: "SkylakeX") == nil)
        #expect(OpenBLASKernel.reexecCoreType(coreType: nil, guard: nil, corename: "SkylakeX", recommended: "SkylakeX") == nil)
        #expect(OpenBLASKernel.reexecCoreType(coreType: nil, guard: nil, corename: "Cooperlake", recommended: "SkylakeX") == nil)
        #expect(OpenBLASKernel.reexecCoreType(coreType: nil, guard: nil, corename: "Prescott", recommended: nil) == nil)
    }

    @Test("the origin of the kernel: detected, set by cascade (guard equal to the value), or the user's")
    func origin() {
        #expect(OpenBLASKernel.origin(coreType: nil, guard: nil) == .detected)
        #expect(OpenBLASKernel.origin(coreType: "", guard: nil) == .detected)
        #expect(OpenBLASKernel.origin(coreType: "SkylakeX", guard: "SkylakeX") == .cascade)
        #expect(OpenBLASKernel.origin(coreType: "Prescott", guard: nil) == .environment)
        #expect(OpenBLASKernel.origin(coreType: "Prescott", guard: "SkylakeX") == .environment)
    }
}
