import Foundation
import SocketKit
import Testing
import SocktuiTestSupport

/// The Tests panel in the real binary, driven through tmux with the harness of ``TmuxEndToEndTests``.
@Suite(.serialized) struct TestsPanelEndToEndTests {
    @Test(.enabled(if: TmuxSession.tmuxPath != nil, "tmux is not installed; the end-to-end test needs it"))
    func connectTraceFromThePanelReadsSuccessAndRefusal() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: TestBinary.socktui),
            "socktui was not built at \(TestBinary.socktui)")
        // A listener, and a port that is bound but not listening: connecting to it is refused.
        let listener = try Socket(family: .inet, type: .stream)
        defer { try? listener.close() }
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen()
        let openPort = try #require(try listener.localAddress().port)
        let closed = try Socket(family: .inet, type: .stream)
        defer { try? closed.close() }
        try closed.bind(host: "127.0.0.1", port: 0)
        let closedPort = try #require(try closed.localAddress().port)

        let session = try TmuxSession("testspanel", width: 120, height: 40)
        try session.waitForText(TmuxSession.prompt.trimmingCharacters(in: .whitespaces))
        try session.type(TestBinary.socktui)
        try session.send("Enter")
        try session.waitForText("┌ Resolver ")
        // Shift-Tab from the first tab selects the last one, Tests. (Not `4`: the Resolver panel's
        // focused text field takes typed digits.)
        try session.send("BTab")
        try session.waitForText("┌ Tests ")
        try session.waitForText("▸ Test ")

        // Host: ↓, Ctrl-U clears, type (the field takes typing directly). Then the port the same way,
        // and Enter runs.
        try session.send("Down", "C-u")
        try session.type("127.0.0.1")
        try session.send("Down", "C-u")
        try session.type(String(openPort))
        try session.send("Enter")
        var lines = try session.waitForText("✓ connected to 127.0.0.1:\(openPort)")
        #expect(lines.contains { $0.contains("#1 127.0.0.1:\(openPort)  connected in") })
        #expect(lines.contains { $0.contains("local 127.0.0.1:") })
        #expect(lines.contains { $0.contains("✓ #1 connect 127.0.0.1:\(openPort)") })

        try session.send("C-u")
        try session.type(String(closedPort))
        try session.send("Enter")
        lines = try session.waitForText("✗ no connection")
        #expect(lines.contains { $0.contains("#1 127.0.0.1:\(closedPort)  ECONNREFUSED after") })
        #expect(lines.contains { $0.contains("→ the host answered with a reset: nothing listens on that port") })
        #expect(lines.contains { $0.contains("✗ #2 connect 127.0.0.1:\(closedPort)") })

        try session.send("Up", "Up", "q")  // on the Test choice, q is the shell's again
        lines = try session.waitForPromptAfterExit()
        #expect(!lines.contains { $0.contains("1 Resolver │ 2 Sockets") })
    }
}
