#if canImport(Glibc)
    import Glibc
#endif
import Foundation

/// A private tmux server (its own `-L` socket) with one session running `sh` with a known prompt:
/// tests type into it as a user would and read the pane back. Everything it started is killed when
/// it goes away.
public final class TmuxSession {
    /// The installed tmux, if any.
    public static let tmuxPath: String? = TestBinary.tool("tmux")
    /// Whether tmux is installed.
    public static var available: Bool { tmuxPath != nil }
    /// The shell prompt of the session's `sh`.
    public static let prompt = "e2e$ "

    /// The tmux server's socket name (`-L`).
    public let socket: String
    /// The session's name.
    public let name = "socktui-e2e"

    /// Starts a server and a `width`×`height` session named after `label` and this process, and waits
    /// for its shell prompt.
    public init(_ label: String, width: Int = 120, height: Int = 40, environment: [String] = []) throws {
        guard Self.tmuxPath != nil else { throw TestSupportError("tmux is not installed") }
        socket = "socktui-\(label)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // A clean environment: no theme choices or NO_COLOR leaking in from the caller.
        try tmux(
            [
                "-f", "/dev/null", "new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)",
                "env", "-u", "SOCKTUI_THEME", "-u", "SOCKTUI_THEME_DIR", "-u", "NO_COLOR"
            ] + environment + ["PS1=\(Self.prompt)", "sh"])
        try waitForText(Self.prompt.trimmingCharacters(in: .whitespaces))
    }

    /// Starts a session and runs `command` (a shell command line) in it, waiting for `text` on screen.
    public convenience init(_ label: String, width: Int = 120, height: Int = 40, running command: String, waitFor text: String) throws {
        try self.init(label, width: width, height: height)
        try type(command)
        try send("Enter")
        try waitForText(text)
    }

    deinit {
        // Kill the pane processes too: a shell whose parent ignores SIGHUP would outlive kill-server.
        let panes = (try? tmux(["list-panes", "-a", "-F", "#{pane_pid}"])) ?? ""
        let socketPath = (try? format("#{socket_path}")) ?? ""
        for pid in panes.split(separator: "\n").compactMap({ Int32($0) }) {
            for child in ProcessTree.descendants(of: pid) { kill(child, SIGKILL) }
            kill(pid, SIGKILL)
        }
        _ = try? tmux(["kill-server"])
        // A server that loses its last pane this way can leave its socket file behind.
        if socketPath.hasSuffix("/" + socket) { unlink(socketPath) }
    }

    /// Runs a tmux command against this server; its output.
    @discardableResult
    public func tmux(_ arguments: [String]) throws -> String {
        let (status, out, err) = try runTool(Self.tmuxPath!, ["-L", socket] + arguments)
        if status != 0 { throw TestSupportError("tmux \(arguments.joined(separator: " ")) failed: \(out)\(err)") }
        return out
    }

    /// Sends keys by tmux name (`Enter`, `C-c`, `Down`…), or literal text that is not a key name.
    public func send(_ keys: String...) throws { try tmux(["send-keys", "-t", name] + keys) }
    /// Types `text` literally.
    public func type(_ text: String) throws { try tmux(["send-keys", "-t", name, "-l", text]) }
    /// The pane's lines.
    public func capture() throws -> [String] {
        try tmux(["capture-pane", "-p", "-t", name]).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
    /// A tmux format expanded for the pane (`#{alternate_on}`, `#{pane_pid}`…).
    public func format(_ format: String) throws -> String {
        try tmux(["display-message", "-p", "-t", name, format]).trimmingCharacters(in: .whitespacesAndNewlines)
    }
    /// Resizes the window.
    public func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    /// Polls the pane until `condition` holds, up to `timeout` seconds, and returns a settled capture:
    /// the condition held on two captures in a row that show the same screen (a pane caught in the
    /// middle of a redraw can show a frame's border before its rows). A screen that never stops
    /// changing (live rates) is returned once the condition has held on ten captures in a row, and a
    /// state that passes by is returned as the capture that showed it.
    @discardableResult
    public func waitFor(_ what: String, timeout: Double = 20, _ condition: ([String]) throws -> Bool) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var lines = try capture()
        var previous: [String]? = nil
        var held = 0
        while true {
            if try condition(lines) {
                held += 1
                if lines == previous || held >= 10 { return lines }
                previous = lines
            } else {
                // A state the test waited for that has already passed: the capture that showed it.
                if let previous { return previous }
                guard Date() < deadline else { throw TimeoutError(what: what, screen: lines) }
            }
            _ = poll(nil, 0, held > 0 ? 20 : 50)
            lines = try capture()
        }
    }

    /// Polls the pane until some line contains `text`.
    @discardableResult
    public func waitForText(_ text: String, timeout: Double = 20) throws -> [String] {
        try waitFor("text \"\(text)\"", timeout: timeout) { $0.contains { $0.contains(text) } }
    }

    /// Waits for the shell prompt on the last non-empty line, with the alternate screen off.
    @discardableResult
    public func waitForPromptAfterExit() throws -> [String] {
        try waitFor("the shell prompt after socktui exits") { lines in
            lines.last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }) == Self.prompt.trimmingCharacters(in: .whitespaces)
                && (try? self.format("#{alternate_on}")) == "0"
        }
    }

    /// A wait that ran out, with the screen it last saw.
    public struct TimeoutError: Error, CustomStringConvertible {
        /// What was awaited.
        public var what: String
        /// The pane's last capture.
        public var screen: [String]
        /// Creates the error for a wait on `what` that last saw `screen`.
        public init(what: String, screen: [String]) {
            self.what = what
            self.screen = screen
        }
        public var description: String { "timed out waiting for \(what); the pane shows:\n" + screen.joined(separator: "\n") }
    }
}
