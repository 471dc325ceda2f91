#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Synchronization

/// `--push`: this socktui binary copied to a temporary file on a host for the client's session.
///
/// One ssh login does it all: the host reports its architecture, C library and a fresh
/// `/tmp/socktui-agent.XXXXXX` path; the binary is written only when they match this one; the
/// copy must start there (`--version`); then that ssh session stays open, its standard input
/// held by this process, as the copy's lease. The host deletes the copy when that input ends:
/// when `remove()` closes it, when this process exits (`removeAll()` runs at exit), or when it
/// dies, since the kernel closes the pipe then. Every link of the session (reconnects, a second
/// panel's link) runs the same copy; one whose lease ended (its ssh killed) is pushed again.
public final class PushedAgent: Sendable {
    /// The host the copy is on.
    public let host: RemoteHost
    /// How ssh reaches it (the agent command is replaced by the copy's).
    public let settings: SSHSettings
    private let copy = Mutex<Copy?>(nil)
    /// Held while pushing, so two links that need the copy at once push it once.
    private let pushing = Mutex(())

    /// A copy on the host and the ssh session that holds it.
    private final class Copy: Sendable {
        let path: String
        let link: ProcessLink
        /// Signalled when the lease's ssh ended (the copy is gone or going).
        let ended = DispatchSemaphore(value: 0)
        private let over = Atomic<Bool>(false)

        init(path: String, link: ProcessLink, reader: FDLineReader) {
            self.path = path
            self.link = link
            let thread = Thread { [self] in
                while reader.line() != nil {}
                _ = link.ending()
                over.store(true, ordering: .sequentiallyConsistent)
                ended.signal()
            }
            thread.name = "socktui.push-lease"
            thread.start()
        }

        var isLive: Bool { !over.load(ordering: .sequentiallyConsistent) }
    }

    private static let live = Mutex<[PushedAgent]>([])
    private static let registerExit: Void = { atexit { PushedAgent.removeAll() } }()

    /// Creates the push for `host`; nothing is copied until `agentCommand()`.
    public init(host: RemoteHost, settings: SSHSettings) {
        self.host = host
        self.settings = settings
    }

    /// The command that runs the copy as an agent, pushing the binary first when no live copy is
    /// on the host (the first link, or its lease ended).
    /// - Throws: `AgentError(.failed)` saying why the copy cannot be made or does not start there.
    public func agentCommand() throws(AgentError) -> String {
        let result: Result<String, AgentError> = pushing.withLock { _ in
            if let current = copy.withLock({ $0 }), current.isLive { return .success("\(current.path) agent") }
            do throws(AgentError) {
                let fresh = try push()
                copy.withLock { $0 = fresh }
                Self.registerExit
                Self.live.withLock { list in if !list.contains(where: { $0 === self }) { list.append(self) } }
                return .success("\(fresh.path) agent")
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Ends the lease and waits (up to `timeout` seconds) until the host deleted the copy.
    public func remove(timeout: Double = 5) {
        guard
            let current = copy.withLock({ value in
                defer { value = nil }; return value
            })
        else { return }
        current.link.closeInput()
        if current.ended.wait(timeout: .now() + timeout) == .timedOut { current.link.close() }
    }

    /// Removes every copy this process pushed (at exit).
    public static func removeAll() {
        let all = live.withLock { list in
            defer { list.removeAll() }; return list
        }
        // In parallel: each waits for its host's ssh to end.
        let group = DispatchGroup()
        for pushed in all {
            group.enter()
            Thread {
                pushed.remove(); group.leave()
            }.start()
        }
        _ = group.wait(timeout: .now() + 6)
    }

    /// The script the host runs (POSIX sh, no single quotes: it is passed quoted); $1 is the size.
    static let script = [
        "p=$(mktemp /tmp/socktui-agent.XXXXXX) || exit 1",
        "trap \"rm -f $p\" EXIT",
        "trap \"exit 1\" HUP INT TERM PIPE",
        "uname -m; ldd --version 2>&1 | head -n 1; echo \"$p\"",
        "head -c \"$1\" > \"$p\" || exit 1",
        "[ \"$(wc -c < \"$p\")\" -eq \"$1\" ] || exit 1",
        "chmod 700 \"$p\"",
        "e=$(\"$p\" --version 2>&1 >/dev/null) || { s=$?; echo \"failed $s\"; printf \"%s\\n\" \"$e\" | tail -n 3; exit 1; }",
        "echo ready",
        "cat > /dev/null"
    ].joined(separator: "\n")

    private func push() throws(AgentError) -> Copy {
        signal(SIGPIPE, SIG_IGN)  // a host that hangs up mid-copy is an EPIPE, not the end of this process
        var name = utsname()
        uname(&name)
        let machine = withUnsafeBytes(of: name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let binary: Data
        do { binary = try Data(contentsOf: URL(fileURLWithPath: "/proc/self/exe")) } catch {
            throw AgentError(.failed, "--push: cannot read this binary: \(error.localizedDescription)")
        }
        var ssh = settings
        ssh.agentCommand = "exec sh -c '\(Self.script)' socktui-push \(binary.count)"
        // Its own process group (as the agent links): the terminal's Ctrl-C must not end the lease
        // while socktui is still stopping the remote work.
        let link = try ProcessLink.spawn(ssh.arguments(for: host), captureStderr: true, ownProcessGroup: !ssh.interactive)
        let reader = FDLineReader(fd: link.readFD)
        func fail(_ message: String) -> AgentError {
            link.close()
            _ = link.ending()
            return AgentError(.failed, message)
        }
        guard let remoteMachine = reader.line(), let libc = reader.line(), let path = reader.line() else {
            link.closeInput()
            let (status, stderr) = link.ending()
            throw AgentError(.failed, settings.explain(host: host, exitStatus: status, stderr: stderr).message)
        }
        guard remoteMachine == machine else {
            throw fail(
                "--push: \(host.label) is \(remoteMachine), this binary is \(machine): install a \(remoteMachine) build of socktui there instead"
            )
        }
        guard libc.lowercased().contains("glibc") || libc.lowercased().contains("gnu libc") else {
            throw fail("--push: \(host.label) does not use glibc (\(libc)): install a socktui built for its C library there instead")
        }
        guard path.hasPrefix("/tmp/socktui-agent."), !path.contains(where: { $0 == " " || $0 == "'" }) else {
            throw fail("--push: unexpected temporary path '\(path)' from \(host.label)")
        }
        guard binary.withUnsafeBytes({ DescriptorIO.writeAll(link.writeFD, $0) }) else {
            throw fail("--push: copying to \(host.label):\(path) failed: \(String(cString: strerror(errno)))")
        }
        let verdict = reader.line()
        if verdict == "ready" { return Copy(path: path, link: link, reader: reader) }
        var reasons: [String] = []
        while let line = reader.line() { reasons.append(line) }
        link.closeInput()
        let (status, stderr) = link.ending()
        guard let verdict, verdict.hasPrefix("failed") else {
            throw AgentError(
                .failed,
                "--push: copying to \(host.label):\(path) failed (\(settings.explain(host: host, exitStatus: status, stderr: stderr).message))"
            )
        }
        let reason = reasons.last { !$0.isEmpty } ?? verdict
        let missing = reasons.contains { $0.contains("error while loading shared libraries") }
        throw AgentError(
            .failed,
            "--push: the copy does not run on \(host.label) (\(reason))"
                + (missing
                    ? ": build socktui with `swift build -c release --static-swift-stdlib` (no Swift runtime needed there) and install the host's libpcap and ncurses packages, or install socktui there"
                    : ""))
    }
}

/// Reads `\n`-terminated lines from a descriptor (blocking), without owning it.
final class FDLineReader: @unchecked Sendable {
    private let fd: Int32
    private var buffer: [UInt8] = []

    init(fd: Int32) { self.fd = fd }

    /// The next line without its newline; nil at the end of input (a last unterminated line is returned first).
    func line() -> String? {
        while true {
            if let newline = buffer.firstIndex(of: 10) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = DescriptorIO.read(fd, into: &chunk) ?? -1
            if count <= 0 {
                guard !buffer.isEmpty else { return nil }
                defer { buffer.removeAll() }
                return String(decoding: buffer, as: UTF8.self)
            }
            buffer += chunk[0..<count]
        }
    }
}
