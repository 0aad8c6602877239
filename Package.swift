// swift-tools-version: 6.1
import PackageDescription

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
        .target(
            name: "CascadeKit",
            dependencies: [
                "COpenBLAS",
                "CVectorMath",
                .product(name: "Yams", package: "Yams"),
            ]
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
            dependencies: ["cascade"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
