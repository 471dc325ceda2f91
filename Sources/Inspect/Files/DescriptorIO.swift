#if canImport(Glibc)
    import Glibc
#endif
import SocketKit

/// Reads and writes on raw descriptors (pipes to ssh and agents, stderr of children) with
/// SocketKit's one EINTR policy (`syscall`), instead of a retry loop at every call site (the app
/// uses it too: `package` access).
package enum DescriptorIO {
    /// Reads up to `buffer.count` bytes from `fd` into `buffer`: how many (0 at the end of the
    /// input), or nil when the read fails.
    package static func read(_ fd: Int32, into buffer: inout [UInt8]) -> Int? {
        let result = buffer.withUnsafeMutableBytes { raw in syscall("read") { Glibc.read(fd, raw.baseAddress!, raw.count) } }
        return try? result.get()
    }

    /// Writes all of `bytes` to `fd`; false when a write fails or writes nothing.
    package static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let result = syscall("write") { Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset) }
            guard let count = try? result.get(), count > 0 else { return false }
            offset += count
        }
        return true
    }

    /// Waits for child `pid` to end; its wait status, or nil when it cannot be waited for.
    package static func wait(_ pid: pid_t) -> Int32? {
        var status: Int32 = 0
        guard (try? syscall("waitpid", { waitpid(pid, &status, 0) }).get()) != nil else { return nil }
        return status
    }
}
