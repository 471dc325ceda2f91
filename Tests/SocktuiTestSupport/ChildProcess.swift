#if canImport(Glibc)
    import Glibc
#endif
import CSockShims
import Foundation
import Synchronization

/// An error from the test-support helpers, with what went wrong in words.
public struct TestSupportError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// Creates an error saying `description`.
    public init(_ description: String) { self.description = description }
}

/// A file descriptor with exactly one owner: `close()` closes it once, and every later call (or the
/// owner's `deinit`) does nothing, so a number the kernel has since handed to someone else is never
/// closed by mistake.
public final class OwnedDescriptor: Sendable {
    /// The descriptor number while open.
    public let fd: Int32
    private let open = Atomic<Bool>(true)

    /// Takes ownership of `fd`.
    public init(_ fd: Int32) { self.fd = fd }

    /// Closes the descriptor the first time; later calls do nothing.
    public func close() {
        if open.exchange(false, ordering: .acquiringAndReleasing) { _ = Glibc.close(fd) }
    }

    /// Whether `close()` has not been called yet.
    public var isOpen: Bool { open.load(ordering: .acquiring) }

    deinit { close() }
}

/// A pipe whose two ends are close-on-exec from the moment they exist (`pipe2(O_CLOEXEC)`), so a child
/// that another thread spawns meanwhile never inherits them.
public func makeCloseOnExecPipe() throws -> (read: OwnedDescriptor, write: OwnedDescriptor) {
    var fds: [Int32] = [0, 0]
    guard csock_pipe_cloexec(&fds) == 0 else { throw TestSupportError("pipe2: \(String(cString: strerror(errno)))") }
    return (OwnedDescriptor(fds[0]), OwnedDescriptor(fds[1]))
}

/// A child process started with `posix_spawn` (no Foundation `Process`): its standard streams are
/// `/dev/null` or close-on-exec pipes owned by this object, every other descriptor of the test
/// process is closed in the child, and signal handling starts at the defaults.
public final class ChildProcess: @unchecked Sendable {
    /// How one of the child's standard streams is connected.
    public enum Stream: Sendable {
        /// `/dev/null`.
        case null
        /// A pipe this object owns.
        case pipe
        /// The test process's own descriptor of the same number.
        case inherit
    }

    private static let ignoreBrokenPipes: Void = { _ = Glibc.signal(SIGPIPE, SIG_IGN) }()

    /// The child's process id.
    public let pid: pid_t
    /// The write end of the child's standard input, when it is a pipe.
    public let stdin: OwnedDescriptor?
    /// The read end of the child's standard output, when it is a pipe.
    public let stdout: OwnedDescriptor?
    /// The read end of the child's standard error, when it is a pipe.
    public let stderr: OwnedDescriptor?
    private let exit = Mutex<Int32?>(nil)

    /// `setpriv`, which starts a program with a parent-death signal (util-linux), if installed.
    static let setpriv: String? = ["/usr/bin/setpriv", "/bin/setpriv"].first { access($0, X_OK) == 0 }

    /// Starts `arguments` (argv[0] an absolute path, or a name looked up in PATH).
    /// - Parameters:
    ///   - environment: the child's whole environment; nil keeps this process's.
    ///   - newProcessGroup: puts the child in a process group of its own (a terminal's Ctrl-C does not reach it).
    ///   - diesWithTestProcess: the child gets SIGKILL when the test process dies, however it dies
    ///     (PR_SET_PDEATHSIG through `setpriv --pdeathsig KILL`), so a crashed run leaves no child behind.
    public init(
        _ arguments: [String], stdin: Stream = .null, stdout: Stream = .pipe, stderr: Stream = .pipe,
        environment: [String: String]? = nil, workingDirectory: String? = nil, newProcessGroup: Bool = false,
        diesWithTestProcess: Bool = true
    ) throws {
        guard var program = arguments.first else { throw TestSupportError("no program to run") }
        var arguments = arguments
        if diesWithTestProcess, let setpriv = Self.setpriv {
            // Found here, in this process's PATH, as posix_spawnp would; a missing program still throws.
            if !program.contains("/") { program = TestBinary.tool(program) ?? program }
            guard access(program, X_OK) == 0 else { throw TestSupportError("cannot run \(program): \(String(cString: strerror(errno)))") }
            arguments = [setpriv, "--pdeathsig", "KILL", "--", program] + arguments.dropFirst()
            program = setpriv
        }
        // A child that closes its input early must not kill the test process with SIGPIPE.
        _ = ChildProcess.ignoreBrokenPipes
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var childEnds: [OwnedDescriptor] = []
        func connect(_ stream: Stream, to target: Int32, writable: Bool) throws -> OwnedDescriptor? {
            switch stream {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", writable ? O_WRONLY : O_RDONLY, 0)
                return nil
            case .inherit:
                return nil
            case .pipe:
                let pipe = try makeCloseOnExecPipe()
                let (mine, theirs) = writable ? (pipe.read, pipe.write) : (pipe.write, pipe.read)
                // dup2 clears close-on-exec on the copy, so the child keeps exactly its three streams.
                posix_spawn_file_actions_adddup2(&actions, theirs.fd, target)
                childEnds.append(theirs)
                return mine
            }
        }
        self.stdin = try connect(stdin, to: 0, writable: false)
        self.stdout = try connect(stdout, to: 1, writable: true)
        self.stderr = try connect(stderr, to: 2, writable: true)
        // Anything the test process opened without close-on-exec stays out of the child too.
        _ = csock_spawn_addclosefrom(&actions, 3)
        if let workingDirectory { _ = csock_spawn_addchdir(&actions, workingDirectory) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The test runner may ignore or block signals; ignored signals survive exec.
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        var flags = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if newProcessGroup {
            flags |= Int32(POSIX_SPAWN_SETPGROUP)
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for pointer in envp ?? [] { free(pointer) } }
        var pid: pid_t = 0
        let result = SpawnThread.shared.run {
            envp.map { envp in
                posix_spawnp(&pid, program, &actions, &attributes, argv, envp)
            } ?? posix_spawnp(&pid, program, &actions, &attributes, argv, environ)
        }
        for end in childEnds { end.close() }
        guard result == 0 else { throw TestSupportError("cannot run \(program): \(String(cString: strerror(result)))") }
        self.pid = pid
    }

    /// Writes all of `text` to the child's standard input.
    public func write(_ text: String) throws {
        guard let stdin else { throw TestSupportError("the child's standard input is not a pipe") }
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let count = bytes.withUnsafeBytes { Glibc.write(stdin.fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw TestSupportError("write to the child: \(String(cString: strerror(errno)))") }
            bytes = bytes.dropFirst(count)
        }
    }

    /// Closes the child's standard input (it reads end of file).
    public func closeInput() { stdin?.close() }

    /// Sends `signal` to the child unless it has been reaped.
    public func signal(_ signal: Int32) {
        exit.withLock { status in if status == nil { _ = kill(pid, signal) } }
    }

    /// Sends `signal` to the child's process group (see `newProcessGroup`).
    public func signalGroup(_ signal: Int32) {
        exit.withLock { status in if status == nil { _ = kill(-pid, signal) } }
    }

    /// Waits for the child to end; its exit status, or 128 + the signal that ended it, as a shell says.
    @discardableResult
    public func wait() -> Int32 {
        if let status = exit.withLock({ $0 }) { return status }
        var raw: Int32 = 0
        var result: pid_t
        repeat { result = waitpid(pid, &raw, 0) } while result < 0 && errno == EINTR
        let status: Int32 = result < 0 ? -1 : (raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f))
        exit.withLock { $0 = status }
        return status
    }

    /// Whether the child is still running (not yet reaped, and not a zombie).
    public var isRunning: Bool {
        if exit.withLock({ $0 }) != nil { return false }
        var raw: Int32 = 0
        let result = waitpid(pid, &raw, WNOHANG)
        if result == pid {
            exit.withLock { $0 = raw & 0x7f == 0 ? (raw >> 8) & 0xff : 128 + (raw & 0x7f) }
            return false
        }
        return result == 0
    }

    /// SIGKILLs a child still running and reaps it, so no test leaves a process behind.
    deinit {
        if exit.withLock({ $0 }) == nil {
            kill(pid, SIGKILL)
            wait()
        }
    }
}

/// The one thread every child is spawned from. A parent-death signal fires when the *thread* that
/// created the child ends, not the process, and the test runner's pool threads come and go: spawned
/// from a thread that lives as long as the test process, children die with the process only.
final class SpawnThread: @unchecked Sendable {
    static let shared = SpawnThread()
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []

    private init() {
        Thread { [self] in
            while true {
                condition.lock()
                while jobs.isEmpty { condition.wait() }
                let job = jobs.removeFirst()
                condition.unlock()
                job()
            }
        }.start()
    }

    /// Runs `body` on the spawn thread and returns what it returned.
    func run(_ body: @escaping () -> Int32) -> Int32 {
        final class Result: @unchecked Sendable { var value: Int32 = 0 }
        let result = Result()
        let done = DispatchSemaphore(value: 0)
        condition.lock()
        jobs.append {
            result.value = body(); done.signal()
        }
        condition.signal()
        condition.unlock()
        done.wait()
        return result.value
    }
}
