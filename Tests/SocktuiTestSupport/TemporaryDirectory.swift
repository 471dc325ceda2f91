#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// A private directory (mkdtemp, mode 0700) under the system's temporary directory, removed with
/// everything in it when the value goes away. No fixed /tmp names: another user cannot plant a file
/// or a symlink where a test writes.
public final class TemporaryDirectory {
    /// The directory.
    public let url: URL

    /// Creates the directory.
    public init() throws {
        var template = Array((NSTemporaryDirectory() + "socktui-test-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw TestSupportError("mkdtemp: \(String(cString: strerror(errno)))") }
        url = URL(fileURLWithPath: String(cString: made), isDirectory: true)
    }

    /// The path of `name` inside the directory.
    public func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
