#if canImport(Glibc)
    import Glibc
#endif
import CSockShims
import Foundation
import Synchronization

/// One open link to an agent: its frames both ways (``channel()``). `close()` ends it (the agent sees the end of its input, a child process is terminated) and
/// returns how it ended.
public protocol AgentLink: Sendable {
    /// The link's frames both ways (encoded on descriptors, or values for an agent in this process).
    func channel() -> any AgentFrameChannel
    /// Ends the stream; idempotent.
    func close()
    /// After the read side reached its end: the process's exit status (nil for none) and the
    /// last of what it wrote on stderr, waiting for the process to exit.
    func ending() -> (status: Int32?, stderr: String)
}

/// Opens links to one agent (a fresh one per reconnect).
public protocol AgentTransport: Sendable {
    /// The host's name in messages and host columns.
    var label: String { get }
    /// Opens a new link.
    /// - Throws: `AgentError(.failed)` when the process or pipes cannot be created.
    func open() throws(AgentError) -> any AgentLink
    /// Turns how a link ended into a message (and whether it needs a person to log in).
    func explain(status: Int32?, stderr: String) -> (message: String, needsLogin: Bool)
    /// Seconds a new link may take to log in and send the agent's hello.
    var handshakeTimeout: Double { get }
    /// Whether the agent runs inside this process: this host's engines (a capture can then read
    /// the kernel ring itself instead of taking the agent's pcapng stream).
    var runsInThisProcess: Bool { get }
}

extension AgentTransport {
    /// 30 s unless the transport says otherwise.
    public var handshakeTimeout: Double { 30 }
    /// Another host's agent unless the transport says otherwise.
    public var runsInThisProcess: Bool { false }
}

/// Runs the system ssh client: `ssh … HOST socktui agent`.
public struct SSHTransport: AgentTransport {
    /// The host.
    public let host: RemoteHost
    /// How to run ssh.
    public let settings: SSHSettings
    /// `--push`: the session's copy of this binary on the host, run by every link.
    public let pushed: PushedAgent?

    /// Seconds from starting ssh to the agent's hello (`--host-timeout`).
    public let handshakeTimeout: Double

    /// Creates a transport to `host` (running the pushed copy when `pushed` is given).
    public init(host: RemoteHost, settings: SSHSettings, pushed: PushedAgent? = nil, handshakeTimeout: Double = 30) {
        self.host = host
        self.settings = settings
        self.pushed = pushed
        self.handshakeTimeout = handshakeTimeout
    }

    public var label: String { host.label }

    public func open() throws(AgentError) -> any AgentLink {
        var settings = self.settings
        if let pushed { settings.agentCommand = try pushed.agentCommand() }
        // ssh gets its own process group, so the terminal's Ctrl-C reaches socktui only: socktui
        // stops the remote work through the agent and the link stays up for its last frames. With
        // --interactive ssh stays in the foreground group: it must read its prompts' answers from
        // the terminal (a background group's read would stop it with SIGTTIN).
        return try ProcessLink.spawn(
            settings.arguments(for: host), captureStderr: !settings.interactive, ownProcessGroup: !settings.interactive)
    }

    public func explain(status: Int32?, stderr: String) -> (message: String, needsLogin: Bool) {
        settings.explain(host: host, exitStatus: status, stderr: stderr)
    }
}

/// Runs an agent as a local child process (`socktui agent`), for tests and `--host local`.
public struct ProcessTransport: AgentTransport {
    /// The command line.
    public let arguments: [String]
    public let label: String

    /// Creates a transport running `arguments` (argv[0] looked up in PATH).
    public init(label: String, arguments: [String]) {
        self.label = label
        self.arguments = arguments
    }

    public func open() throws(AgentError) -> any AgentLink { try ProcessLink.spawn(arguments, captureStderr: true) }

    public func explain(status: Int32?, stderr: String) -> (message: String, needsLogin: Bool) {
        let last = stderr.split(whereSeparator: \.isNewline).last.map(String.init) ?? (status.map { "exit status \($0)" } ?? "closed")
        return ("\(label): disconnected (\(last))", false)
    }
}

/// Serves an `AgentServer` on a thread of this process through pipes: the same encoded frames as
/// a remote agent's with no process (tests that relay, cut or stall the byte stream; this host's
/// client uses ``LocalTransport``, which passes the frames as values).
public struct InProcessTransport: AgentTransport {
    public let label: String
    /// Answers the agent's lookups.
    public let resolver: ResolverService
    /// Where the agent's socket tables come from.
    public let sockets: any AgentSocketSource

    /// Creates a transport named `label` whose agent looks names up with `resolver` (the
    /// system's by default; tests give a scripted one) and lists `sockets` (this host's by default).
    public init(label: String = "local", resolver: ResolverService = ResolverService(), sockets: any AgentSocketSource = SocketTable()) {
        self.label = label
        self.resolver = resolver
        self.sockets = sockets
    }

    public func open() throws(AgentError) -> any AgentLink {
        let toAgent = try makePipe(), fromAgent = try makePipe()
        let server = AgentServer(input: toAgent.read, output: fromAgent.write, resolver: resolver, sockets: sockets)
        let thread = Thread {
            server.run()
            Glibc.close(toAgent.read)
            Glibc.close(fromAgent.write)
        }
        thread.start()
        return PipeLink(readFD: fromAgent.read, writeFD: toAgent.write)
    }

    public func explain(status: Int32?, stderr: String) -> (message: String, needsLogin: Bool) {
        ("\(label): disconnected (agent ended)", false)
    }

    public var runsInThisProcess: Bool { true }
}

/// A pipe pair with both ends close-on-exec.
func makePipe() throws(AgentError) -> (read: Int32, write: Int32) {
    var fds: [Int32] = [0, 0]
    // Close-on-exec from the start, so another spawned child (a second host's ssh, started by another
    // thread meanwhile) does not hold this link open.
    guard csock_pipe_cloexec(&fds) == 0 else { throw AgentError(.failed, "cannot create a pipe: \(String(cString: strerror(errno)))") }
    return (fds[0], fds[1])
}

/// The client's ends of an in-process agent's pipes.
final class PipeLink: AgentByteLink {
    let readFD: Int32
    let writeFD: Int32
    private let ends = LinkEnds()

    /// Takes ownership of both descriptors: this link is the one place that closes them.
    init(readFD: Int32, writeFD: Int32) {
        self.readFD = readFD
        self.writeFD = writeFD
    }

    // Closing the write end ends the agent's input; the read end is closed once the reader is done.
    func close() { ends.closeWrite(writeFD) }

    func ending() -> (status: Int32?, stderr: String) {
        ends.closeWrite(writeFD)
        ends.closeRead(readFD)
        return (nil, "")
    }
}

/// Which of a link's two descriptors are still open: each is closed exactly once, however many
/// times `close()` and `ending()` are called and from whichever threads. A second close of a number
/// would close whatever the process opened next under it (another link, a capture ring).
final class LinkEnds: Sendable {
    private let open = Mutex<(read: Bool, write: Bool)>((true, true))

    /// Closes `fd` (the write end) the first time; whether this call closed it.
    @discardableResult
    func closeWrite(_ fd: Int32) -> Bool { close(fd, write: true) }

    /// Closes `fd` (the read end) the first time; whether this call closed it.
    @discardableResult
    func closeRead(_ fd: Int32) -> Bool { close(fd, write: false) }

    private func close(_ fd: Int32, write: Bool) -> Bool {
        let first = open.withLock { state in
            let wasOpen = write ? state.write : state.read
            if write { state.write = false } else { state.read = false }
            return wasOpen
        }
        if first { Glibc.close(fd) }
        return first
    }
}

/// A child process with its stdin/stdout as the link and its stderr kept for messages.
final class ProcessLink: AgentByteLink {
    let readFD: Int32
    let writeFD: Int32
    let pid: pid_t
    private let stderrText = Mutex("")
    private let stderrDone = DispatchSemaphore(value: 0)
    private let captured: Bool
    private let ends = LinkEnds()
    /// The exit status once reaped (reaped once: a second waitpid could reap a recycled pid).
    private let reaped = Mutex<(done: Bool, status: Int32?)>((false, nil))

    private init(readFD: Int32, writeFD: Int32, pid: pid_t, stderrFD: Int32?) {
        self.readFD = readFD
        self.writeFD = writeFD
        self.pid = pid
        captured = stderrFD != nil
        if let stderrFD {
            let thread = Thread { [self] in
                var chunk = [UInt8](repeating: 0, count: 4096)
                while true {
                    guard let count = DescriptorIO.read(stderrFD, into: &chunk), count > 0 else { break }
                    let text = String(decoding: chunk[0..<count], as: UTF8.self)
                    stderrText.withLock { all in
                        all += text
                        if all.utf8.count > 8192 { all = String(all.suffix(4096)) }
                    }
                }
                Glibc.close(stderrFD)
                stderrDone.signal()
            }
            thread.start()
        }
    }

    /// Spawns `arguments` with pipes on stdin and stdout (and stderr when `captureStderr`); with
    /// `ownProcessGroup` the child leads a new process group, out of reach of the terminal's
    /// SIGINT/SIGQUIT/SIGTSTP (sent to the foreground group).
    static func spawn(_ arguments: [String], captureStderr: Bool, ownProcessGroup: Bool = false) throws(AgentError) -> ProcessLink {
        let input = try makePipe(), output = try makePipe()
        let errors = captureStderr ? try makePipe() : nil
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        if let errors { posix_spawn_file_actions_adddup2(&actions, errors.write, 2) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with default signal handling (the agent's parent may ignore SIGPIPE).
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attributes, &empty)
        if ownProcessGroup { posix_spawnattr_setpgroup(&attributes, 0) }
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | (ownProcessGroup ? POSIX_SPAWN_SETPGROUP : 0)))
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, environ)
        Glibc.close(input.read)
        Glibc.close(output.write)
        if let errors { Glibc.close(errors.write) }
        guard result == 0 else {
            Glibc.close(input.write)
            Glibc.close(output.read)
            if let errors { Glibc.close(errors.read) }
            throw AgentError(.failed, "cannot run \(arguments[0]): \(String(cString: strerror(result))) (is it installed and on PATH?)")
        }
        return ProcessLink(readFD: output.read, writeFD: input.write, pid: pid, stderrFD: errors?.read)
    }

    /// Closes the child's standard input only (it sees the end of its input and may finish).
    func closeInput() { ends.closeWrite(writeFD) }

    func close() {
        // Only the first close signals the child: later its pid may be reaped and reused.
        if ends.closeWrite(writeFD) { kill(pid, SIGTERM) }
    }

    func ending() -> (status: Int32?, stderr: String) {
        ends.closeWrite(writeFD)
        // The lock is held across waitpid, so a concurrent second ending() waits for this one's status.
        let exit = reaped.withLock { reaped -> Int32? in
            guard !reaped.done else { return reaped.status }
            // WIFEXITED / WEXITSTATUS, WTERMSIG as 128+N like a shell.
            reaped = (true, DescriptorIO.wait(pid).map { status in status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) })
            return reaped.status
        }
        ends.closeRead(readFD)
        if captured { _ = stderrDone.wait(timeout: .now() + 2) }
        return (exit, stderrText.withLock { $0 })
    }
}
