#if canImport(Glibc)
    import Glibc
#endif
import Inspect
import Synchronization

/// Standard output of the subcommands. A failed write (a full disk, `/dev/full`, an I/O error) is
/// never ignored: the first error is kept, and when the process exits it says so on standard error
/// and exits 1, as `cat` does, so a truncated `--json` never passes for a whole one. A closed pipe
/// (EPIPE, a pager that quit) ends the output quietly, as tcpdump does.
public enum StandardOutput {
    private static let failure = Mutex<Int32?>(nil)
    /// stdio's `stdout`.
    private static var stream: UnsafeMutablePointer<FILE> { StandardStreams.output }

    /// Writes `text` through stdio and flushes it, so lines stream as they are printed.
    static func write(_ text: String) {
        if fputs(text, stream) < 0 || fflush(stream) != 0 { record(errno) }
    }

    /// Writes `bytes` through stdio and flushes them (a streamed `--json` document, 64 KiB at a
    /// time). Returns false when the write failed (the error kept, as for `write(_:)`, EPIPE quietly):
    /// the caller stops producing output that can no longer arrive.
    @discardableResult
    static func write(bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count > 0 else { return true }
        if fwrite(bytes.baseAddress, 1, bytes.count, stream) != bytes.count || fflush(stream) != 0 {
            record(errno)
            return false
        }
        return true
    }

    /// `print` for the subcommands' output: the text and `terminator` written and flushed, a
    /// failure kept with its errno (a failure inside Swift's `print` leaves only stdio's error flag).
    static func print(_ text: String, terminator: String = "\n") {
        write(text + terminator)
    }

    /// The reader closed the pipe (EPIPE): the output ends quietly, and stdio's error flag, which
    /// that write set too, is no I/O error.
    private static let pipeClosed = Atomic<Bool>(false)

    /// Keeps the first write error (EPIPE is not one).
    static func record(_ code: Int32) {
        guard code != EPIPE else {
            pipeClosed.store(true, ordering: .relaxed)
            return
        }
        failure.withLock { if $0 == nil { $0 = code } }
    }

    /// Checks standard output when the process exits: buffered text is flushed, and a write that
    /// failed now or earlier makes the exit status 1 with a message.
    public static func installExitCheck() {
        atexit { StandardOutput.checkAtExit() }
    }

    private static func checkAtExit() {
        if fflush(stream) != 0 { record(errno) }
        // An error stdio met earlier (its errno gone) still shows in ferror; after a closed pipe
        // the flag is that pipe's.
        if ferror(stream) != 0 && !pipeClosed.load(ordering: .relaxed) { record(EIO) }
        guard let code = failure.withLock({ $0 }) else { return }
        let message = Array("socktui: writing standard output: \(String(cString: strerror(code)))\n".utf8)
        _ = message.withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
        _exit(1)
    }
}
