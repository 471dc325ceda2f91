#if canImport(Glibc)
    import Glibc
#endif
import CSockShims

/// The C library's standard streams and versions, for the app, which imports no C module itself.
public enum StandardStreams {
    /// stdio's `stdout` (Swift 6 cannot read the C global directly: it is shared mutable state).
    public static var output: UnsafeMutablePointer<FILE> { csock_stdout().assumingMemoryBound(to: FILE.self) }
}
