import Foundation
import SocketKit
import Testing

/// Issue #16 "Trust": what a new user tried in the binary, replayed in tmux.
extension TmuxEndToEndTests {
    /// Starts socktui in a fresh session and waits for its Resolver tab.
    static func startSocktui(_ label: String, arguments: String = "", width: Int = 120, height: Int = 40) throws -> Session {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "socktui was not built at \(Self.binary)")
        let session = try Session(label, width: width, height: height)
        try session.waitForText(Session.prompt.trimmingCharacters(in: .whitespaces))
        try session.type(Self.binary + (arguments.isEmpty ? "" : " " + arguments))
        try session.send("Enter")
        try session.waitForText("┌ Resolver ")
        return session
    }

    @Test(.enabled(if: tmuxPath != nil, "tmux is not installed; the end-to-end test needs it"))
    func resolverFormRefusedOnceStillRunsOnceAHostIsTyped() throws {
        let session = try Self.startSocktui("trust-recheck")
        // Enter on the empty form: refused, the Host field marked.
        try session.send("Enter")
        try session.waitForText("give a host, a port, or both (getaddrinfo needs one)")
        try session.type("localhost")
        try session.waitFor("the Host message gone once a host is typed") { lines in
            !lines.contains { $0.contains("give a host, a port, or both") } && lines.contains { $0.contains("Host      localhost") }
        }
        try session.send("Enter")
        let lines = try session.waitFor("getaddrinfo results for localhost") { lines in
            lines.contains { $0.hasPrefix("│ AF_INET") } && lines.contains { $0.contains("getaddrinfo(\"localhost\", None") }
        }
        #expect(!lines.contains { $0.contains("not sent: fix the field marked in the form") })
        try session.send("C-c")
        _ = try session.waitForPromptAfterExit()
    }

    @Test(.enabled(if: tmuxPath != nil, "tmux is not installed; the end-to-end test needs it"))
    func everyPivotInTheResolverHelpReachesItsTab() throws {
        let listener = try Socket(family: .inet, type: .stream)
        defer { try? listener.close() }
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen()
        let port = try #require(try listener.localAddress().port)
        let session = try Self.startSocktui("trust-pivots")
        // The help lists both pivots.
        try session.send("F1")
        try session.waitForText("results: connection test (Tests panel)")
        try session.waitForText("results: capture filter `host ADDR`")
        try session.send("Escape")
        // getaddrinfo("127.0.0.1", PORT), then the results.
        try session.send("Down")
        try session.type("127.0.0.1")
        try session.send("Down")
        try session.type(String(port))
        try session.send("Enter")
        try session.waitForText("('127.0.0.1', \(port))")
        try session.send("Escape")
        try session.waitForText("c connection test · f capture filter")

        // c: the connect trace runs in the Tests tab.
        try session.send("c")
        var lines = try session.waitForText("✓ connected to 127.0.0.1:\(port)")
        #expect(lines.contains { $0.contains("┌ Tests ") })
        // The form shows the test that ran (not its default port 80).
        #expect(lines.contains { $0.contains("Port        \(port) ") }, "the Tests form's Port field")

        // f (back on the Resolver tab, still on its results): the Capture tab's live capture form, filtered.
        try session.send("1")
        try session.waitForText("┌ Resolver ")
        try session.send("f")
        // The Resolver's notice names the filter at once; the Capture tab follows on the loop's next
        // turn (the pivot is a message), so wait for the tab, not for the filter text.
        lines = try session.waitFor("the Capture tab's live capture form", timeout: 30) { lines in
            lines.contains { $0.contains("┌ Capture ") || $0.contains("Live capture") }
        }
        #expect(lines.contains { $0.contains("host 127.0.0.1") })
        #expect(!lines.contains { $0.contains("cannot take requests yet") })
        try session.send("C-c")
        _ = try session.waitForPromptAfterExit()
    }

    @Test(.enabled(if: tmuxPath != nil, "tmux is not installed; the end-to-end test needs it"))
    func typingAnAddressIntoTheTestsFormNeverSwitchesTabs() throws {
        let session = try Self.startSocktui("trust-typing")
        try session.send("BTab")
        try session.waitForText("▸ Test ")
        // Straight onto the Host field, no Enter first.
        try session.send("Down", "C-u")
        try session.type("192.0.2.1")
        let lines = try session.waitFor("192.0.2.1 in the Tests form's Host field") { lines in
            lines.contains { $0.contains("Host") && $0.contains("192.0.2.1") }
        }
        #expect(lines.contains { $0.contains("┌ Tests ") })
        #expect(!lines.contains { $0.contains("┌ Resolver ") })
        try session.send("C-c")
        _ = try session.waitForPromptAfterExit()
    }
}
