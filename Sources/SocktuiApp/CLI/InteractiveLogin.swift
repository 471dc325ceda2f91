#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Inspect
import Synchronization

/// `--interactive` (the TUI and the headless commands): ssh's prompts (an unknown host key, a password) cannot share the
/// screen with the TUI, so each host is logged in to on the terminal first, one at a time, as a
/// shared ssh connection (an OpenSSH control master, `-f -N`). Every link of the TUI then runs
/// through that connection in batch mode, with no second prompt; `close()` ends the masters.
final class InteractiveLogin: Sendable {
    /// The private directory of the control sockets.
    let directory: String
    private let hosts: [RemoteHost]
    private let settings: SSHSettings

    /// The ssh options that send a link through the masters.
    var linkOptions: [String] { ["ControlPath=\(directory)/%C", "ControlMaster=no"] }

    /// Logs in to each of `hosts` on this terminal (ssh asks what it needs).
    /// - Throws: `AgentError` naming a host whose login failed.
    init(hosts: [RemoteHost], settings: SSHSettings) throws {
        var template = [UInt8]("/tmp/socktui-ssh-XXXXXX".utf8) + [0]
        guard
            template.withUnsafeMutableBufferPointer({
                mkdtemp(UnsafeMutableRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self))
            }) != nil
        else {
            throw AgentError(
                .failed, "--interactive: cannot create a directory for ssh's control sockets: \(String(cString: strerror(errno)))")
        }
        directory = String(decoding: template.dropLast(), as: UTF8.self)
        self.hosts = hosts
        var interactive = settings
        interactive.interactive = true
        self.settings = interactive
        for host in hosts {
            FileHandle.standardError.write(Data("socktui: logging in to \(host.label) (ssh may ask on this terminal)\n".utf8))
            var master = interactive
            // ControlPersist: the master goes by itself 5 minutes after its last link, should
            // this process die before close().
            master.options += ["ControlMaster=yes", "ControlPath=\(directory)/%C", "ControlPersist=300"]
            var arguments = master.arguments(for: host, command: "")
            arguments.removeLast()  // no command: -N
            arguments.insert(contentsOf: ["-f", "-N"], at: 1)
            let status = Self.runOnTerminal(arguments)
            if status != 0 {
                close()
                throw AgentError(.failed, "--interactive: the login to \(host.label) failed (ssh exit status \(status))")
            }
        }
    }

    /// The headless commands' login: made once per process (the first `--interactive` link logs
    /// in), and ended when the process exits.
    private static let session = Mutex<InteractiveLogin?>(nil)

    /// The session's login to `hosts`, made on the first call.
    /// - Throws: `AgentError` naming a host whose login failed.
    static func forSession(hosts: [RemoteHost], settings: SSHSettings) throws -> InteractiveLogin {
        try session.withLock { current throws -> InteractiveLogin in
            if let current { return current }
            let login = try InteractiveLogin(hosts: hosts, settings: settings)
            current = login
            atexit { InteractiveLogin.session.withLock { $0 }?.close() }
            return login
        }
    }

    /// Ends every master and removes the directory.
    func close() {
        for host in hosts {
            var control = settings
            control.options += ["ControlPath=\(directory)/%C"]
            var arguments = control.arguments(for: host, command: "")
            arguments.removeLast()
            arguments.insert(contentsOf: ["-O", "exit"], at: 1)
            _ = Self.runOnTerminal(arguments, quiet: true)
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs `arguments` with this process's terminal (or /dev/null when `quiet`); its exit status.
    private static func runOnTerminal(_ arguments: [String], quiet: Bool = false) -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if quiet {
            for fd in Int32(0)...2 { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == 0 ? O_RDONLY : O_WRONLY, 0) }
        }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        guard posix_spawnp(&pid, arguments[0], &actions, nil, argv, environ) == 0 else { return 127 }
        guard let status = DescriptorIO.wait(pid) else { return 127 }
        return status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }
}
