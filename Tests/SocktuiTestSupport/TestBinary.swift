import Foundation

/// Where the tests find things they run.
public enum TestBinary {
    /// `$SOCKTUI_TEST_BINARY` (to run the tests against another build), else the `socktui` built next
    /// to this test bundle (same products directory), else `.build/debug/socktui`.
    public static let socktui: String = {
        if let chosen = ProcessInfo.processInfo.environment["SOCKTUI_TEST_BINARY"], chosen.hasPrefix("/") { return chosen }
        let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: runner).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("socktui").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/socktui").path
    }()

    /// The built binary as a URL.
    public static var socktuiURL: URL { URL(fileURLWithPath: socktui) }

    /// Whether `socktui` was built.
    public static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: socktui) }

    /// The first executable called `name` in PATH (or the usual system directories), if any.
    public static func tool(_ name: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/usr/bin:/sbin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether every tool in `names` is installed.
    public static func have(_ names: String...) -> Bool { names.allSatisfy { tool($0) != nil } }

    /// Whether this test process runs as root.
    public static var isRoot: Bool { getuid() == 0 }
}

extension TestBinary {
    /// Copies the executable at `source` to a new file `destination` (mode 0755) through
    /// close-on-exec descriptors. `FileManager.copyItem` left its write descriptor to any child
    /// another test forked meanwhile, and running the copy then failed with "Text file busy".
    public static func copyExecutable(from source: String, to destination: String) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw CocoaError(.fileReadNoSuchFile, userInfo: [NSFilePathErrorKey: source]) }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o755)
        guard output >= 0 else { throw CocoaError(.fileWriteFileExists, userInfo: [NSFilePathErrorKey: destination]) }
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var failed = false
        while true {
            let count = read(input, &buffer, buffer.count)
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                failed = true
                break
            }
            var written = 0
            while written < count {
                let result = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, count - written) }
                if result < 0 && errno == EINTR { continue }
                if result <= 0 { failed = true; break }
                written += result
            }
            if failed { break }
        }
        if close(output) != 0 || failed { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: destination]) }
    }
}
