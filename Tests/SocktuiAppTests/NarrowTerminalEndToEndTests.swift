import Foundation
import Glibc
import Testing
import SocktuiTestSupport

/// socktui at 80×24, as a new user's default terminal: every tab and its help, nothing essential cut.
@Suite(.serialized) struct NarrowTerminalEndToEndTests {
    typealias Session = TmuxSession

    /// The text inside the help popup on `line` (after its left border and padding), if the line is inside it.
    static func insidePopup(_ line: String) -> String? {
        // The popup's left border is the second │ on the line (the first is the panel's).
        let characters = Array(line)
        let borders = characters.indices.filter { characters[$0] == "│" }
        guard borders.count >= 3 else { return nil }
        let start = borders[1] + 2
        let end = borders[borders.count - 2]
        return start < end ? String(characters[start..<end]) : nil
    }

    /// Pages through the open help until a line inside it starts with `keys` (as an entry); returns that
    /// entry's line and the next one.
    static func findEntry(_ keys: String, in session: Session) throws -> (entry: String, next: String) {
        for _ in 0..<12 {
            let lines = try session.capture()
            let inside = lines.map { insidePopup($0) }
            if let index = inside.firstIndex(where: { $0?.hasPrefix("  \(keys) ") == true }), index + 1 < inside.count,
                let entry = inside[index], let next = inside[index + 1]
            {
                return (entry, next)
            }
            try session.send("PageDown")
            _ = try session.waitFor("help to scroll") { $0 != lines || $0.contains { $0.contains("↑ more") } }
        }
        throw TmuxSession.TimeoutError(what: "the help entry \(keys)", screen: try session.capture())
    }

    /// `entry`'s summary starts at some column; a wrapped continuation starts at the same column.
    static func continuesUnderItsText(_ entry: String, _ next: String, keys: String) -> Bool {
        let afterKeys = entry.dropFirst(2 + keys.count)
        let textColumn = 2 + keys.count + afterKeys.prefix { $0 == " " }.count
        let nextIndent = next.prefix { $0 == " " }.count
        return nextIndent == textColumn && !next.trimmingCharacters(in: .whitespaces).isEmpty
    }

    @Test(.enabled(if: TmuxSession.tmuxPath != nil, "tmux is not installed; the end-to-end test needs it"))
    func everyTabAndItsHelpAt80x24() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestBinary.socktui), "socktui was not built at \(TestBinary.socktui)")
        let listener = try SocketsPanelEndToEndTests.LoopbackListener()
        defer { listener.close() }
        let pid = getpid()
        let session = try Session("narrow", width: 80, height: 24)
        try session.waitForText(Session.prompt.trimmingCharacters(in: .whitespaces))
        try session.type(TestBinary.socktui + " --theme mono")
        try session.send("Enter")

        // 1 Resolver and its help.
        var lines = try session.waitForText("┌ Resolver ")
        #expect(lines.contains { $0.contains("Call      ‹ getaddrinfo ›") })
        try session.send("?")
        lines = try session.waitForText("Help: Resolver")
        try session.send("Escape")
        try session.waitFor("help to close") { !$0.contains { $0.contains("Help: Resolver") } }

        // 2 Sockets: the Process column keeps the pid of this test's listener.
        try session.send("2")
        try session.waitForText(" sockets · every 2 s")
        try session.send("/")
        try session.type("sport:\(listener.port)")
        try session.send("Enter")
        lines = try session.waitFor("the listener's row") {
            $0.contains { $0.contains("127.0.0.1:\(listener.port)") && !$0.contains("Filter") }
        }
        #expect(lines.contains { $0.contains("Process") })
        let row = try #require(lines.first { $0.contains("127.0.0.1:\(listener.port)") && !$0.contains("Filter") })
        #expect(row.contains("/\(pid)"), "the pid stays in the Process column: \(row)")
        // Its help: a wrapped entry continues under its text, not under its keys.
        try session.send("?")
        try session.waitForText("Help: Sockets")
        let (entry, next) = try Self.findEntry("W", in: session)
        #expect(Self.continuesUnderItsText(entry, next, keys: "W"), "\n\(entry)\n\(next)")
        try session.send("Escape")
        try session.waitFor("help to close") { !$0.contains { $0.contains("Help: Sockets") } }

        // 3 Capture: its key hints, whole, with the pointer to the rest.
        try session.send("3")
        lines = try session.waitForText("┌ Capture ")
        let hints = try #require(lines.first { $0.contains("c capture  ") }, "the key line shows: \(lines.joined(separator: "\n"))")
        #expect(hints.contains("o open") && hints.contains("/ filter") && hints.contains("? all keys"), "\(hints)")
        #expect(!hints.contains("…"), "no hint is cut: \(hints)")
        try session.send("?")
        try session.waitForText("Help: Capture")
        let capture = try Self.findEntry("c", in: session)
        #expect(Self.continuesUnderItsText(capture.entry, capture.next, keys: "c"), "\n\(capture.entry)\n\(capture.next)")
        try session.send("Escape")
        try session.waitFor("help to close") { !$0.contains { $0.contains("Help: Capture") } }

        // 4 Tests and its help.
        try session.send("4")
        lines = try session.waitForText("┌ Tests ")
        #expect(lines.contains { $0.contains("Enter/r run") && $0.contains("? help") }, "\(lines.joined(separator: "\n"))")
        try session.send("?")
        try session.waitForText("Help: Tests")
        try session.send("Escape")
        try session.waitFor("help to close") { !$0.contains { $0.contains("Help: Tests") } }

        try session.send("q")
        _ = try session.waitForPromptAfterExit()
    }
}
