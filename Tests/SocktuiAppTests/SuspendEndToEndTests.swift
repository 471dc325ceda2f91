import Foundation
import Testing
import SocktuiTestSupport

/// Ctrl-Z suspends socktui like any curses program: the shell gets the terminal back with the job stopped,
/// and `fg` brings the UI back, redrawn, with keys working.
@Suite(.serialized) struct SuspendEndToEndTests {
    typealias Session = TmuxSession

    @Test(.enabled(if: TmuxSession.tmuxPath != nil, "tmux is not installed; the end-to-end test needs it"))
    func ctrlZStopsTheJobAndFgRedrawsTheUI() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestBinary.socktui), "socktui was not built at \(TestBinary.socktui)")
        let session = try Session("suspend", width: 100, height: 30)
        try session.waitForText(Session.prompt.trimmingCharacters(in: .whitespaces))
        try session.type(TestBinary.socktui + " --theme mono")
        try session.send("Enter")
        try session.waitForText("┌ Resolver ")

        try session.send("C-z")
        var lines = try session.waitForPromptAfterExit()
        #expect(!lines.contains { $0.contains("1 Resolver │ 2 Sockets") }, "the terminal is the shell's again")
        try session.type("jobs")
        try session.send("Enter")
        lines = try session.waitFor("jobs to list socktui as stopped") { lines in
            lines.contains { $0.contains("Stopped") && $0.contains("socktui") }
        }

        try session.type("fg")
        try session.send("Enter")
        lines = try session.waitFor("the UI to be redrawn after fg") { lines in
            lines.contains { $0.contains("┌ Resolver ") } && lines.contains { $0.hasPrefix(" socktui  1 Resolver │ 2 Sockets") }
        }
        #expect(try session.format("#{alternate_on}") == "1")
        try session.send("2")
        try session.waitForText("┌ Sockets ")
        try session.send("q")
        _ = try session.waitForPromptAfterExit()
    }
}
