import Foundation
import Testing

/// Drives the built `socktui` binary in a detached tmux session, as a user would, and checks what the
/// pane shows. Each test uses its own tmux server (`-L`), so nothing is shared with a user's tmux.
@Suite(.serialized) struct TmuxEndToEndTests {
    static let tmuxPath: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/tmux" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// The `socktui` built next to this test bundle (same products directory), else `.build/debug/socktui`.
    static let binary: String = {
        let runner = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: runner).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("socktui").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory = directory.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/debug/socktui").path
    }()

    /// One private tmux server with one session running `sh` with a known prompt.
    final class Session {
        let socket: String
        let name = "socktui-e2e"
        static let prompt = "e2e$ "

        init(_ label: String, width: Int = 120, height: Int = 40) throws {
            socket = "socktui-\(label)-\(getpid())"
            // A clean environment: no theme choices or NO_COLOR leaking in from the caller.
            try tmux(["-f", "/dev/null", "new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)",
                      "env", "-u", "SOCKTUI_THEME", "-u", "SOCKTUI_THEME_DIR", "-u", "NO_COLOR", "PS1=\(Session.prompt)", "sh"])
        }

        deinit {
            // Kill the pane processes too: a shell whose parent ignores SIGHUP would outlive kill-server.
            let panes = (try? tmux(["list-panes", "-a", "-F", "#{pane_pid}"])) ?? ""
            let socketPath = (try? format("#{socket_path}")) ?? ""
            for pid in panes.split(separator: "\n").compactMap({ Int32($0) }) { kill(pid, SIGKILL) }
            _ = try? tmux(["kill-server"])
            // A server that loses its last pane this way can leave its socket file behind.
            if socketPath.hasSuffix("/" + socket) { unlink(socketPath) }
        }

        @discardableResult
        func tmux(_ arguments: [String]) throws -> String {
            let (status, text) = TmuxEndToEndTests.run([TmuxEndToEndTests.tmuxPath!, "-L", socket] + arguments)
            if status != 0 { throw TmuxFailed(arguments: arguments, output: text) }
            return text
        }

        func send(_ keys: String...) throws { try tmux(["send-keys", "-t", name] + keys) }
        func type(_ text: String) throws { try tmux(["send-keys", "-t", name, "-l", text]) }
        func capture() throws -> [String] {
            try tmux(["capture-pane", "-p", "-t", name]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        func format(_ format: String) throws -> String {
            try tmux(["display-message", "-p", "-t", name, format]).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// Polls the pane until `condition` holds, up to `timeout` seconds; returns the last capture.
        @discardableResult
        func waitFor(_ what: String, timeout: Double = 15, _ condition: ([String]) -> Bool) throws -> [String] {
            let deadline = Date().addingTimeInterval(timeout)
            var lines = try capture()
            while !condition(lines) {
                guard Date() < deadline else { throw Timeout(what: what, screen: lines) }
                usleep(50_000)
                lines = try capture()
            }
            return lines
        }

        @discardableResult
        func waitForText(_ text: String, timeout: Double = 15) throws -> [String] {
            try waitFor("text \"\(text)\"", timeout: timeout) { $0.contains { $0.contains(text) } }
        }

        /// Waits for the shell prompt on the last non-empty line, with the alternate screen off.
        func waitForPromptAfterExit() throws -> [String] {
            try waitFor("the shell prompt after socktui exits") { lines in
                lines.last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) == Session.prompt.trimmingCharacters(in: .whitespaces)
                    && (try? self.format("#{alternate_on}")) == "0"
            }
        }
    }

    /// Runs a program to completion with output captured through a file, and every descriptor above 2
    /// closed in the child: the tmux server that `new-session` forks would otherwise inherit the test runner's
    /// descriptors (Foundation's `Process` exit monitor among them) and keep them open after the test.
    static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let outputPath = "/tmp/socktui-e2e-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).out"
        defer { unlink(outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        for fd in openDescriptors() where fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        let argv = arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        // Default signal handling and no blocked signals in the child: the test runner may ignore SIGHUP,
        // and ignored signals survive exec, which would keep tmux's panes alive after kill-server.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid = pid_t()
        guard posix_spawn(&pid, argv[0], &actions, &attributes, &cArguments, environ) == 0 else {
            return (-1, "posix_spawn failed: errno \(errno)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output)
    }

    /// The descriptors open in this process (from /proc/self/fd).
    static func openDescriptors() -> [Int32] {
        guard let directory = opendir("/proc/self/fd") else { return [] }
        let own = dirfd(directory)
        var descriptors: [Int32] = []
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if let fd = Int32(name), fd != own { descriptors.append(fd) }
        }
        closedir(directory)
        return descriptors
    }

    struct TmuxFailed: Error, CustomStringConvertible {
        var arguments: [String]
        var output: String
        var description: String { "tmux \(arguments.joined(separator: " ")) failed: \(output)" }
    }

    struct Timeout: Error, CustomStringConvertible {
        var what: String
        var screen: [String]
        var description: String { "timed out waiting for \(what); the pane shows:\n" + screen.joined(separator: "\n") }
    }

    @Test(.enabled(if: tmuxPath != nil, "tmux is not installed; the end-to-end test needs it"))
    func binarySwitchesTabsShowsHelpFollowsResizesCyclesThemesAndRestoresTheTerminal() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "socktui was not built at \(Self.binary)")
        let session = try Session("main")
        try session.waitForText(Session.prompt.trimmingCharacters(in: .whitespaces))
        try session.type(Self.binary)
        try session.send("Enter")

        var lines = try session.waitForText("┌ Resolver ")
        #expect(lines[0].hasPrefix(" socktui  1 Resolver │ 2 Sockets │ 3 Capture │ 4 Tests"))
        #expect(try session.format("#{alternate_on}") == "1")

        try session.send("2")
        try session.waitForText("┌ Sockets ")
        try session.send("Tab")
        try session.waitForText("┌ Capture ")
        try session.send("BTab")
        try session.waitForText("┌ Sockets ")
        try session.send("4")
        try session.waitForText("┌ Tests ")

        try session.send("?")
        lines = try session.waitForText("Help: Tests")
        #expect(lines.contains { $0.contains("Everywhere") || $0.contains("Tests panel") })
        try session.send("Escape")
        try session.waitFor("help to close") { !$0.contains { $0.contains("Help: Tests") } }

        try session.tmux(["resize-window", "-t", session.name, "-x", "50", "-y", "12"])
        lines = try session.waitForText("terminal too small (need 60×15)")
        #expect(lines.contains { $0.contains("now 50×12") })
        try session.tmux(["resize-window", "-t", session.name, "-x", "100", "-y", "30"])
        lines = try session.waitFor("the layout at 100×30") { lines in
            lines.count >= 30 && lines[1].hasPrefix("┌ Tests ") && lines[29].hasSuffix("q quit")
        }
        #expect(lines[1].count == 100)            // the pane border spans the new width…
        #expect(lines[1].hasSuffix("┐"))
        #expect(lines[28].hasPrefix("└") && lines[28].hasSuffix("┘"))   // …and ends just above the status bar

        try session.send("t")
        try session.waitForText("theme: light")
        try session.send("t")
        lines = try session.waitForText("theme: 16color")
        #expect(lines[29].contains("theme 16color"))

        try session.send("q")
        lines = try session.waitForPromptAfterExit()
        #expect(!lines.contains { $0.contains("1 Resolver │ 2 Sockets") }, "the alternate screen is gone")
        #expect(try session.format("#{pane_current_command}") == "sh")
        // The tty modes are back: echo and canonical input.
        try session.type("stty -a | tr ' ' '\\n' | grep -x -e echo -e icanon | tr '\\n' ' '; echo stty-done")
        try session.send("Enter")
        lines = try session.waitFor("stty output") { $0.contains { $0.hasPrefix("echo icanon stty-done") || $0.hasPrefix("icanon echo stty-done") } }
    }

    /// SIGTERM, SIGINT and SIGHUP from outside, and SIGILL (what a Swift runtime trap raises on x86) all
    /// leave a usable shell: the handler ends curses mode before the signal takes its course.
    @Test(.enabled(if: tmuxPath != nil, "tmux is not installed; the end-to-end test needs it"),
          arguments: [("TERM", SIGTERM), ("INT", SIGINT), ("HUP", SIGHUP), ("ILL", SIGILL)])
    func signalsRestoreTheTerminal(name: String, signal: Int32) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "socktui was not built at \(Self.binary)")
        let session = try Session("sig\(name)", width: 80, height: 24)
        try session.waitForText(Session.prompt.trimmingCharacters(in: .whitespaces))
        let pidFile = NSTemporaryDirectory() + "socktui-e2e-\(getpid())-\(name).pid"
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        // `exec` keeps the pid, so the file names socktui's own process. No crash report for SIGILL.
        try session.type("SWIFT_BACKTRACE=enable=no sh -c 'echo $$ > \(pidFile); exec \(Self.binary) --theme mono'")
        try session.send("Enter")
        try session.waitForText("┌ Resolver ")
        let pid = try #require(Int32(String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(kill(pid, signal) == 0)
        let lines = try session.waitForPromptAfterExit()
        #expect(!lines.contains { $0.contains("1 Resolver │ 2 Sockets") })
    }
}
