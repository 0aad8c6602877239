// swift-tools-version: 6.1
import PackageDescription

import class Foundation.ProcessInfo

// Release builds are vectorised for the baseline x86-64 (SSE2) unless CASCADE_TARGET_CPU names a
// CPU to compile the engine for, e.g. `native` (the Makefile sets it for `make demo` and
// `make bench`). Results are identical either way: the code never lets the compiler fuse or
// reorder floating-point operations.
let targetCPU = ProcessInfo.processInfo.environment["CASCADE_TARGET_CPU"].flatMap { $0.isEmpty ? nil : $0 }
let engineSettings: [SwiftSetting] = targetCPU.map { [.unsafeFlags(["-target-cpu", $0])] } ?? []

let package = Package(
    name: "cascade",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "CascadeKit", targets: ["CascadeKit"]),
        .executable(name: "cascade", targets: ["cascade"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        .systemLibrary(
            name: "COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "CVectorMath"),
        .target(name: "CCascadeSystem"),
        .target(
            name: "CascadeKit",
            dependencies: [
                "COpenBLAS",
                "CVectorMath",
                "CCascadeSystem",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: engineSettings
        ),
        .executableTarget(
            name: "cascade",
            dependencies: [
                "CascadeKit",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "CascadeKitTests",
            dependencies: ["CascadeKit"]
        ),
        .testTarget(
            name: "CascadeCLITests",
            dependencies: ["cascade", "CascadeKit"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
