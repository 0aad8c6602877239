import CascadeKit
import Foundation

/// libFuzzer's entry point: the bytes are a scenario file. Loading it must either succeed or
/// fail with a ScenarioError whose every line names the file and stays short — never crash,
/// hang or exhaust memory (libFuzzer reports those). Positions files and price files are not
/// read here (their paths resolve to a directory that does not exist); the suite's FuzzTests
/// mutate them.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzScenario(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else { return 0 }
    let directory = URL(fileURLWithPath: "/nonexistent-cascade-fuzz")
    do throws(ScenarioError) {
        // A small memory limit: a mutant asking for a huge book is refused, not generated.
        _ = try ScenarioLoader.load(yaml: text, file: "fuzz.yaml", directory: directory,
                                    overrides: ScenarioOverrides(memoryLimit: 80e6))
    } catch {
        for line in error.description.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("fuzz.yaml"), line.unicodeScalars.count <= 400 else {
                fatalError("a malformed error line: \(line.prefix(500))")
            }
        }
    }
    return 0
}

/// libFuzzer's driver (compiler-rt, linked by `-sanitize=fuzzer`).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt) -> CInt

/// The program's entry point: SwiftPM links an executable target's `main` to `<module>_main`,
/// so this hands the command line to libFuzzer's driver (instead of libFuzzer's own `main`).
@_cdecl("ScenarioDecoderFuzzer_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzScenario(data, size) }
}
