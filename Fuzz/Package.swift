// swift-tools-version: 6.1
// A libFuzzer target for cascade's scenario decoder, in a package of its own (like Benchmarks/)
// so that `swift build` of the project never builds it. Build and run (docs/fuzzing.md):
//
//     cd Fuzz && swift build -c release -Xswiftc -sanitize=fuzzer
//     .build/release/ScenarioDecoderFuzzer Corpus -max_total_time=60
import PackageDescription

let package = Package(
    name: "cascade-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "cascade", path: "..")],
    targets: [
        .executableTarget(
            name: "ScenarioDecoderFuzzer",
            dependencies: [.product(name: "CascadeKit", package: "cascade")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)
