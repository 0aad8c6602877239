// swift-tools-version: 6.1
// The performance benchmarks of cascade, in their own package (as swift-collections does) so that
// the library, its users and CI never build benchmark dependencies.
// Run from the repository root: `make bench` (or `cd Benchmarks && swift package benchmark`).
import PackageDescription

let package = Package(
    name: "cascade-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "cascade", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "EngineBenchmarks",
            dependencies: [
                .product(name: "CascadeKit", package: "cascade"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/EngineBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
