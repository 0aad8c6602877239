import CCascadeSystem
import COpenBLAS
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which OpenBLAS kernel (its "core") this process runs, and the re-execution that makes
/// `cascade` use the one its CPU supports.
///
/// OpenBLAS built for many CPUs (Debian's is) picks its kernels when the library loads, before
/// `main`, from `cpuid` — or from the environment variable `OPENBLAS_CORETYPE` if it is set, read
/// in the same library constructor. Debian's OpenBLAS 0.3.21 does not recognise some AVX-512
/// CPUs (Skylake-X class servers whose virtual CPU reports a generic model, like the machine
/// cascade is developed on) and falls back to its SSE3 `Prescott` kernels: a `dgemm` of the
/// shape cascade multiplies (2×2 by 2×16,384) takes 70 µs there instead of 18 µs with the
/// `SkylakeX` kernels. Setting the variable inside the running process is too late, so the
/// command-line tool checks the kernel first thing and, if it is weaker than the CPU, executes
/// itself again with `OPENBLAS_CORETYPE` set (`reexecWithRecommendedKernelIfWeaker`). A
/// `OPENBLAS_CORETYPE` set by the user always stands.
///
/// The kernel can change the last bits of a `dgemm` (with or without fused multiply-adds), so
/// the reports of a scenario with correlated assets can depend on it: btc-eth-correlated's are the
/// same under `SkylakeX` and `Haswell` and differ in the last digits under `Prescott`.
public enum OpenBLASKernel {
    /// The variable OpenBLAS reads when it loads to choose its kernels instead of detecting them.
    public static let coreTypeVariable = "OPENBLAS_CORETYPE"

    /// Set (to the core type chosen) by the re-execution, so that it happens at most once and
    /// `origin` can tell that cascade, not the user, chose the kernel.
    public static let reexecGuardVariable = "CASCADE_OPENBLAS_REEXEC"

    /// The name of the kernel OpenBLAS loaded (`openblas_get_corename()`), e.g. "SkylakeX",
    /// "Haswell", "Zen", "Prescott".
    public static var corename: String { String(cString: openblas_get_corename()) }

    /// The `OPENBLAS_CORETYPE` that suits this CPU: "SkylakeX" where it has AVX-512 (F, CD, DQ,
    /// BW and VL, enabled by the OS), "Haswell" where it has AVX2 and FMA, else nil (no better
    /// kernel to ask for; naming one the CPU lacks would crash on an illegal instruction).
    public static var recommendedCoreType: String? {
        if cascade_cpu_supports_skylakex() != 0 { return "SkylakeX" }
        if cascade_cpu_supports_haswell() != 0 { return "Haswell" }
        return nil
    }

    /// The kernels of OpenBLAS that use AVX-512 (names compared case-insensitively).
    static let avx512Kernels: Set<String> = ["skylakex", "cooperlake", "sapphirerapids"]
    /// The kernels that use AVX2 and FMA but not AVX-512 (Zen is AMD's Haswell-class one).
    static let avx2Kernels: Set<String> = ["haswell", "zen"]

    /// 2 for an AVX-512 kernel, 1 for an AVX2 one, 0 for anything else (SSE kernels such as
    /// "Prescott", "Nehalem", AVX-only "Sandybridge", and names this list does not know).
    static func tier(_ name: String) -> Int {
        let name = name.lowercased()
        return avx512Kernels.contains(name) ? 2 : avx2Kernels.contains(name) ? 1 : 0
    }

    /// Whether the kernel `corename` is of a weaker family than `recommended` (an
    /// `OPENBLAS_CORETYPE` value such as "SkylakeX" or "Haswell"): "Prescott" or "Sandybridge"
    /// under "Haswell", "Haswell" or "Zen" under "SkylakeX". Kernels of the recommended family or
    /// a stronger one ("Cooperlake" under "SkylakeX", "SkylakeX" under "Haswell") are not weaker;
    /// nothing is weaker than a nil recommendation. Case-insensitive.
    public static func isWeaker(_ corename: String, than recommended: String?) -> Bool {
        guard let recommended else { return false }
        return tier(corename) < tier(recommended)
    }

    /// The core type to re-execute with, or nil to go on with the loaded kernel: nil if the user
    /// set `OPENBLAS_CORETYPE` (`coreType`, non-empty), if the guard is set (this process is
    /// already the re-execution), or if `corename` is not weaker than `recommended`.
    public static func reexecCoreType(coreType: String?, guard guardValue: String?, corename: String,
                                      recommended: String?) -> String? {
        if let coreType, !coreType.isEmpty { return nil }
        if let guardValue, !guardValue.isEmpty { return nil }
        guard let recommended, isWeaker(corename, than: recommended) else { return nil }
        return recommended
    }

    /// Where the loaded kernel came from.
    public enum Origin: Equatable, Sendable {
        /// OpenBLAS detected it (`OPENBLAS_CORETYPE` unset or empty).
        case detected
        /// cascade re-executed itself with `OPENBLAS_CORETYPE` set.
        case cascade
        /// `OPENBLAS_CORETYPE` was set by the user.
        case environment
    }

    /// Where the loaded kernel came from, from the two variables: the guard holding the value of
    /// `OPENBLAS_CORETYPE` means cascade set it.
    public static func origin(coreType: String?, guard guardValue: String?) -> Origin {
        guard let coreType, !coreType.isEmpty else { return .detected }
        return guardValue == coreType ? .cascade : .environment
    }

    public static var origin: Origin { origin(coreType: environment(coreTypeVariable), guard: environment(reexecGuardVariable)) }

    /// The kernel and where it came from, for `cascade run --timings`: "SkylakeX (OPENBLAS_CORETYPE
    /// set by cascade)", "Prescott (OPENBLAS_CORETYPE from the environment)", "Haswell (detected)",
    /// or "Prescott (detected; this CPU supports SkylakeX)" if the re-execution failed.
    public static var summary: String {
        let name = corename
        switch origin {
        case .cascade: return "\(name) (\(coreTypeVariable) set by cascade)"
        case .environment: return "\(name) (\(coreTypeVariable) from the environment)"
        case .detected:
            if let recommended = recommendedCoreType, isWeaker(name, than: recommended) {
                return "\(name) (detected; this CPU supports \(recommended))"
            }
            return "\(name) (detected)"
        }
    }

    /// If OpenBLAS loaded a kernel weaker than this CPU supports and neither `OPENBLAS_CORETYPE`
    /// nor the guard is set, executes this program again (`/proc/self/exe`, same `arguments`)
    /// with both set to `recommendedCoreType`; does not return then. Returns if nothing is to be
    /// done, or if the execution fails (the variables are removed again and the process goes on
    /// with the loaded kernel). Linux only; call it first thing in `main`, before any thread of
    /// the program's own starts or anything is written.
    public static func reexecWithRecommendedKernelIfWeaker(
        arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = CommandLine.unsafeArgv
    ) {
        #if os(Linux)
        guard let coreType = reexecCoreType(coreType: environment(coreTypeVariable), guard: environment(reexecGuardVariable),
                                            corename: corename, recommended: recommendedCoreType)
        else { return }
        guard setenv(coreTypeVariable, coreType, 1) == 0, setenv(reexecGuardVariable, coreType, 1) == 0 else {
            unsetenv(coreTypeVariable)
            unsetenv(reexecGuardVariable)
            return
        }
        _ = execv("/proc/self/exe", arguments)
        unsetenv(coreTypeVariable)
        unsetenv(reexecGuardVariable)
        #endif
    }

    static func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }
}
