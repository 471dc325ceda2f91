#if canImport(Glibc)
    import Glibc
#endif
import SocketKit
import CSockShims

/// A file socktui writes (a capture, a stream transcript, raw stream bytes, an export), opened so
/// that nobody else's file can be hit through it (issue #17 S1):
/// - a new file is created with `O_CREAT|O_EXCL|O_NOFOLLOW` (mode 0600 unless asked): a symlink or
///   a file someone planted at the path makes it fail with "exists" instead of writing through it;
/// - replacing an existing file (only when asked: `--force`, or a confirmation in the UI) writes a
///   new file beside it and renames it over the old one at `commit()`, so the old file stays whole
///   until the new one is complete, and a symlink at the path is replaced, never followed.
public final class SafeOutputFile {
    /// The descriptor to write to.
    public let fd: Int32
    /// The path the file ends up at.
    public let path: String
    /// The file written while replacing, renamed to `path` at `commit()`.
    private let temporary: String?
    private var finished = false

    /// Whether a file (or a symlink, or anything else) exists at `path`.
    public static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// Opens `path` for writing.
    /// - Parameters:
    ///   - replacing: an existing file may be replaced (else it is an error that says how to replace it).
    ///   - mode: the new file's permissions (0600: captures can hold other users' traffic).
    /// - Throws: `CaptureFileError` naming the path: "exists" (with `errno` EEXIST), or the system's reason.
    public init(path: String, replacing: Bool = false, mode: mode_t = 0o600) throws(CaptureFileError) {
        self.path = path
        if !replacing || !Self.exists(path) {
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
            if fd < 0 {
                let code = errno
                if code == EEXIST {
                    throw CaptureFileError(
                        path: path,
                        message: "exists; choose another name, or replace it (--force on the command line, a second Enter in the UI)",
                        errno: code)
                }
                throw CaptureFileError(
                    path: path, message: "cannot create: \(String(cString: strerror(code)))\(Self.directoryProblem(path, code))",
                    errno: code)
            }
            self.fd = fd
            temporary = nil
            return
        }
        // Beside the target, so the rename stays within one file system.
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var template = Array("\(directory.isEmpty ? "/" : directory)/.\(base).socktui-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { csock_mkstemp_cloexec($0.baseAddress!) }
        if fd < 0 { throw .system(path, "create a file beside it to replace it", errno) }
        let name = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if fchmod(fd, mode) != 0 {
            let code = errno
            Glibc.close(fd)
            unlink(name)
            throw .system(path, "set the mode of its replacement", code)
        }
        self.fd = fd
        temporary = name
    }

    /// Why a path cannot be created when its directory is the cause (ENOENT, ENOTDIR), as a
    /// parenthesis to add to the system's reason: " (the directory /x does not exist)".
    static func directoryProblem(_ path: String, _ code: Int32) -> String {
        guard code == ENOENT || code == ENOTDIR else { return "" }
        let slash = path.lastIndex(of: "/")
        let directory = slash.map { $0 == path.startIndex ? "/" : String(path[..<$0]) } ?? "."
        var status = stat()
        if stat(directory, &status) != 0 { return " (the directory \(directory) does not exist)" }
        if (status.st_mode & S_IFMT) != S_IFDIR { return " (\(directory) is not a directory)" }
        return ""
    }

    /// Closes the file and, when replacing, renames the new file over the old one.
    /// - Throws: `CaptureFileError` when closing or renaming fails (the old file is then left as it was).
    public func commit() throws(CaptureFileError) {
        guard !finished else { return }
        finished = true
        if Glibc.close(fd) != 0 {
            let code = errno
            if let temporary { unlink(temporary) }
            throw .system(path, "close", code)
        }
        if let temporary, rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw .system(path, "replace", code)
        }
    }

    /// Closes and removes what was written: a new file is deleted, a replacement is dropped and the
    /// old file stays.
    public func discard() {
        guard !finished else { return }
        finished = true
        Glibc.close(fd)
        unlink(temporary ?? path)
    }

    /// Writes all of `bytes`, retrying short writes.
    /// - Throws: `CaptureFileError` with the system's reason (a full disk).
    public func write(_ bytes: UnsafeRawBufferPointer) throws(CaptureFileError) {
        var start = 0
        while start < bytes.count {
            switch syscall("write", { Glibc.write(fd, bytes.baseAddress! + start, bytes.count - start) }) {
            case .success(let count): start += count
            case .failure(let error): throw .system(path, "write", error.code.rawValue)
            }
        }
    }

    /// Writes `bytes` to a new file at `path` (or replaces one, when `replacing`), whole or not at
    /// all: a failed write removes what it created and leaves an old file as it was.
    public static func write(_ bytes: [UInt8], to path: String, replacing: Bool = false, mode: mode_t = 0o600) throws(CaptureFileError) {
        let file = try SafeOutputFile(path: path, replacing: replacing, mode: mode)
        do throws(CaptureFileError) {
            var failure: CaptureFileError?
            bytes.withUnsafeBytes { raw in
                do throws(CaptureFileError) { try file.write(raw) } catch { failure = error }
            }
            if let failure { throw failure }
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }

    /// Not committed: what a new file holds stays (a capture cut short keeps its packets), a
    /// replacement is dropped and the old file stays.
    deinit {
        guard !finished else { return }
        Glibc.close(fd)
        if let temporary { unlink(temporary) }
    }
}
