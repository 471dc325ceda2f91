// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "socktui",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "socktui", targets: ["socktui"]),
        .library(name: "SocketKit", targets: ["SocketKit"]),
        .library(name: "Inspect", targets: ["Inspect"]),
        .library(name: "TerminalUI", targets: ["TerminalUI"]),
        // The app's panels and commands (the FuzzCLI target in Fuzz/ parses command lines with it).
        .library(name: "SocktuiApp", targets: ["SocktuiApp"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // C layer: module maps and the few shims Swift cannot import.
        .target(name: "CSockShims"),
        // No pkgConfig: ncursesw.pc's -D_XOPEN_SOURCE flags are refused by SwiftPM; the module
        // map links ncursesw and tinfo, and shim.h sets what the headers need.
        .systemLibrary(
            name: "CNcurses",
            providers: [.apt(["libncurses-dev"])]
        ),
        .systemLibrary(
            name: "CPcap",
            pkgConfig: "libpcap",
            providers: [.apt(["libpcap-dev"])]
        ),

        // SocketKit: the seed's socket module in Swift.
        .target(name: "SocketKit", dependencies: ["CSockShims"]),

        // Inspect: the engines behind the panels (resolver, socket table, capture, connection
        // tests). Plain Codable requests and results; no ncurses.
        .target(name: "Inspect", dependencies: ["SocketKit", "CSockShims", .product(name: "DequeModule", package: "swift-collections"), "CPcap", .product(name: "Histogram", package: "hdrhistogram-swift")]),

        // TerminalUI: buffer, widgets, backends, event loop, themes. Knows nothing of sockets.
        .target(
            name: "TerminalUI",
            dependencies: [
                "CNcurses",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),

        // The app: panels, CLI subcommands.
        .target(
            name: "SocktuiApp",
            dependencies: [
                "SocketKit",
                "Inspect",
                "TerminalUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "socktui", dependencies: ["SocktuiApp"]),
        // Benchmarks of TerminalUI (frame cost, key-to-frame latency); see Benchmarks/README.md.
        .executableTarget(name: "terminalui-bench", dependencies: ["TerminalUI"], path: "Benchmarks/TerminalUIBench"),
        // The agent protocol's frames: Foundation's JSONEncoder against JSONStreamEncoder; see Benchmarks/README.md.
        .executableTarget(name: "agent-frame-bench", dependencies: ["Inspect", "SocketKit", "SocketFixtures"], path: "Benchmarks/AgentFrameBench"),

        // What every test target shares: the one process runner (posix_spawn, close-on-exec pipes),
        // tmux sessions, python3 children, the sshd fleet, polling, the built binary's path.
        .target(name: "SocktuiTestSupport", dependencies: ["CSockShims"], path: "Tests/SocktuiTestSupport"),
        .target(name: "SocketFixtures", dependencies: ["Inspect", "SocketKit"], path: "Tests/SocketFixtures"),
        .testTarget(name: "SocketKitTests", dependencies: ["SocketKit", "SocktuiTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "InspectTests", dependencies: ["Inspect", "SocktuiTestSupport", "SocketFixtures"]),
        .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI", "SocktuiTestSupport"]),
        .testTarget(name: "SocktuiAppTests", dependencies: ["SocktuiApp", "SocktuiTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
