import Foundation
import Testing
import SocktuiTestSupport

/// Drives the built `socktui` binary in a detached tmux session, as a user would, and checks what the
/// pane shows. Each test uses its own tmux server (`-L`), so nothing is shared with a user's tmux.
@Suite(.serialized) struct TmuxEndToEndTests {
    typealias Session = TmuxSession
    static let tmuxPath = TmuxSession.tmuxPath
    static let binary = TestBinary.socktui

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

        try session.resize(width: 50, height: 12)
        lines = try session.waitForText("terminal too small (need 60×15)")
        #expect(lines.contains { $0.contains("now 50×12") })
        try session.resize(width: 100, height: 30)
        lines = try session.waitFor("the layout at 100×30") { lines in
            lines.count >= 30 && lines[1].hasPrefix("┌ Tests ") && lines[29].hasSuffix("q quit")
        }
        #expect(lines[1].count == 100)  // the pane border spans the new width…
        #expect(lines[1].hasSuffix("┐"))
        #expect(lines[28].hasPrefix("└") && lines[28].hasSuffix("┘"))  // …and ends just above the status bar

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
        lines = try session.waitFor("stty output") {
            $0.contains { $0.hasPrefix("echo icanon stty-done") || $0.hasPrefix("icanon echo stty-done") }
        }
    }

    /// SIGTERM, SIGINT and SIGHUP from outside, and SIGILL (what a Swift runtime trap raises on x86) all
    /// leave a usable shell: the handler ends curses mode before the signal takes its course.
    @Test(
        .enabled(if: tmuxPath != nil, "tmux is not installed; the end-to-end test needs it"),
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
