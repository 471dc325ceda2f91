// swift-tools-version: 6.0
// libFuzzer targets over what socktui reads from others: packets and capture files (FuzzCapture),
// agent frames (FuzzAgentFrames), the command line (FuzzCLI) and filter expressions
// (FuzzSocketFilter: socket and capture filters; FuzzDisplayFilter: Wireshark display filters). Not part of the main build:
//   bash Fuzz/run.sh [SECONDS]      (builds every target with -sanitize=fuzzer,address, runs each)
import PackageDescription

let package = Package(
    name: "socktui-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "socktui", path: ".."),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // The libFuzzer driver's entry point, an input reader and the numeric extremes every target uses.
        .target(name: "FuzzSupport"),
        .executableTarget(
            name: "FuzzCapture",
            dependencies: ["FuzzSupport", .product(name: "Inspect", package: "socktui")]
        ),
        .executableTarget(
            name: "FuzzAgentFrames",
            dependencies: ["FuzzSupport", .product(name: "Inspect", package: "socktui")]
        ),
        .executableTarget(
            name: "FuzzCLI",
            dependencies: [
                "FuzzSupport", .product(name: "Inspect", package: "socktui"), .product(name: "SocktuiApp", package: "socktui"),
                .product(name: "ArgumentParser", package: "swift-argument-parser")
            ]
        ),
        .executableTarget(
            name: "FuzzSocketFilter",
            dependencies: ["FuzzSupport", .product(name: "Inspect", package: "socktui")]
        ),
        .executableTarget(
            name: "FuzzDisplayFilter",
            dependencies: ["FuzzSupport", .product(name: "Inspect", package: "socktui")]
        )
    ],
    swiftLanguageModes: [.v6]
)
