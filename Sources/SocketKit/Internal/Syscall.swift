#if canImport(Glibc)
    import Glibc
#endif

/// Runs one C call that reports failure as -1 with `errno`, retrying on `EINTR`.
///
/// This is the only EINTR policy in SocketKit: `retryOnInterrupt` is visible at each
/// call site (close passes `false`: on Linux the descriptor is gone even after EINTR).
/// Python semantics (timeouts, would-block) are built on top of it, never inside it.
/// It has `package` access so that Inspect uses the same policy instead of loops of its own.
@inline(__always)
package func syscall<T: FixedWidthInteger>(
    _ function: StaticString,
    retryOnInterrupt: Bool = true,
    _ body: () -> T
) -> Result<T, SocketError> {
    while true {
        let result = body()
        if result != -1 { return .success(result) }
        let code = Errno.current
        if code == .interrupted && retryOnInterrupt { continue }
        return .failure(SocketError(code, function: "\(function)"))
    }
}

/// Same as `syscall`, throwing the error.
@inline(__always)
func check<T: FixedWidthInteger>(
    _ function: StaticString,
    retryOnInterrupt: Bool = true,
    _ body: () -> T
) throws(SocketError) -> T {
    try syscall(function, retryOnInterrupt: retryOnInterrupt, body).get()
}

extension String {
    /// Decodes a NUL-terminated C string held in an array (up to the first NUL).
    init(nulTerminated buffer: [CChar]) {
        let end = buffer.firstIndex(of: 0) ?? buffer.count
        self = String(decoding: buffer[..<end].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
