// swift-tools-version: 6.0
// libFuzzer targets over socktui's parsers of untrusted bytes. Not part of the main build:
//   bash Fuzz/run.sh [SECONDS]      (builds with -sanitize=fuzzer,address and runs each target)
import PackageDescription

let package = Package(
    name: "socktui-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "socktui", path: "..")],
    targets: [
        .executableTarget(
            name: "FuzzCapture",
            dependencies: [.product(name: "Inspect", package: "socktui")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
