import Foundation
import Glibc
import Testing
import SocktuiTestSupport

/// The Sockets panel's socket lab in the built binary, through `TmuxEndToEndTests`' tmux session helpers.
@Suite(.serialized) struct SocketLabEndToEndTests {
    typealias Session = TmuxSession
    static var binary: String { TestBinary.socktui }

    /// A tmux session running the built socktui on the Sockets tab, after its first snapshot.
    static func socktuiOnSocketsTab(_ label: String, width: Int, height: Int) throws -> Session {
        try #require(FileManager.default.isExecutableFile(atPath: binary), "socktui was not built at \(binary)")
        let session = try Session(label, width: width, height: height)
        try session.waitForText(Session.prompt.trimmingCharacters(in: .whitespaces))
        try session.type(binary)
        try session.send("Enter")
        try session.waitForText("┌ Resolver ")
        try session.send("2")
        try session.waitForText(" sockets · every 2 s")
        return session
    }

    @Test(.enabled(if: TmuxSession.tmuxPath != nil, "tmux is not installed; the end-to-end test needs it"))
    func labCreatesATCPSocketTogglesKeepAliveWithSpaceAndStartsTheEchoServer() throws {
        let session = try Self.socktuiOnSocketsTab("lab", width: 120, height: 40)
        try session.send("L")
        try session.waitForText("┌ Sockets · socket lab ")
        try session.send("n")
        try session.waitForText("┌ socket(): create a lab socket ")
        try session.send("Enter")  // AF_INET SOCK_STREAM, protocol 0
        var lines = try session.waitForText("socket(AF_INET, SOCK_STREAM, 0) → ok, fd ")
        #expect(lines.contains { $0.contains("▸1") && $0.contains("AF_INET SOCK_STREAM") && $0.contains("created") })
        try session.waitForText("SO_KEEPALIVE")  // its options were read
        try session.send("Tab")
        try session.waitForText("(Space toggles, Enter edits)")
        // Down until the cursor is on SO_KEEPALIVE (the catalog's order decides how far).
        let cursorOption = Self.cursorOption
        var cursor: String?
        for _ in 0..<40 where cursor != "SO_KEEPALIVE" {
            let before = cursorOption(try session.capture())
            try session.send("Down")
            lines = try session.waitFor("the option cursor to move from \(before ?? "the top")") {
                cursorOption($0) != nil && cursorOption($0) != before
            }
            cursor = cursorOption(lines)
        }
        try #require(cursor == "SO_KEEPALIVE", "the cursor reaches SO_KEEPALIVE")
        #expect(lines.contains { $0.contains("▸ SO_KEEPALIVE") && $0.contains(" off ") })
        try session.send("Space")
        lines = try session.waitFor("SO_KEEPALIVE read back as on") { lines in
            lines.contains { $0.contains("▸ SO_KEEPALIVE") && $0.contains(" on ") && $0.contains("✓ set on, read back") }
        }
        #expect(lines.contains { $0.contains("#1 setsockopt(SO_KEEPALIVE, on) → read back on") })

        try session.send("Tab")
        try session.send("e")
        try session.waitForText("┌ start the echo server ")
        try session.send("Enter")
        lines = try session.waitForText("echo server listening on 127.0.0.1:")
        let line = try #require(lines.first { $0.contains("echo server 127.0.0.1:") && $0.contains("E stops") })
        let port = line.split(separator: "·").first.flatMap { $0.split(separator: ":").last }.map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        #expect(port.flatMap { Int($0) }.map { $0 > 0 } == true, "the echo server shows the port the kernel chose: \(line)")

        // Quitting asks first, naming what would be closed.
        try session.send("q")
        lines = try session.waitForText("· the echo server on 127.0.0.1:")
        #expect(lines.contains { $0.contains("Open in the socket lab, and will be closed:") })
        #expect(lines.contains { $0.contains("· 1 lab socket") })
        try session.send("y")
        let after = try session.waitForPromptAfterExit()
        #expect(!after.contains { $0.contains("┌ Sockets ") })
    }

    /// The option name under the `▸` cursor of an options list, if any.
    static func cursorOption(_ lines: [String]) -> String? {
        for line in lines {
            guard let range = line.range(of: "▸ SO_") else { continue }
            return String(line[range.lowerBound...].dropFirst(2).prefix { $0 != " " })
        }
        return nil
    }

    @Test(.enabled(if: TmuxSession.tmuxPath != nil && getuid() == 0, "needs tmux, and root for pidfd_getfd"))
    func optionsViewSetsKeepAliveOnThisTestsListenerOnlyAfterYesNamingItsOwner() throws {
        let listener = try SocketsPanelEndToEndTests.LoopbackListener()
        defer { listener.close() }
        let command = try String(contentsOfFile: "/proc/self/comm", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        func keepAlive() -> Int32 {
            var value: Int32 = -1
            var length = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(listener.descriptor, SOL_SOCKET, SO_KEEPALIVE, &value, &length)
            return value
        }
        try #require(keepAlive() == 0)

        let session = try Self.socktuiOnSocketsTab("labwrite", width: 140, height: 44)
        try session.send("/")
        try session.type("sport:\(listener.port) state:listen")
        try session.send("Enter")
        try session.waitFor("the listener's row alone") { lines in
            lines.contains { $0.contains("│ 1 of ") } && lines.contains { $0.contains("127.0.0.1:\(listener.port)") }
        }
        try session.send("O")
        try session.waitForText("SO_KEEPALIVE")
        try session.send("Space")
        try session.waitForText("W allows setting its options")
        try session.send("W")
        var lines = try session.waitForText("writes ON · \(command)/\(getpid()) fd \(listener.descriptor)")
        var cursor = Self.cursorOption(lines)
        for _ in 0..<40 where cursor != "SO_KEEPALIVE" {
            let before = cursor
            try session.send("Down")
            lines = try session.waitFor("the option cursor to move from \(before ?? "the top")") {
                Self.cursorOption($0) != nil && Self.cursorOption($0) != before
            }
            cursor = Self.cursorOption(lines)
        }
        try #require(cursor == "SO_KEEPALIVE", "the cursor reaches SO_KEEPALIVE")
        try session.send("Space")
        try session.waitForText("set SO_KEEPALIVE=on on fd \(listener.descriptor) of \(command) (pid \(getpid()))? y/N")
        try session.send("n")
        try session.waitForText("not set: SO_KEEPALIVE of \(command) (pid \(getpid())) is unchanged")
        #expect(keepAlive() == 0, "no means nothing is set")
        try session.send("Space")
        try session.waitForText("? y/N")
        try session.send("y")
        try session.waitForText("SO_KEEPALIVE of \(command) (pid \(getpid())) fd \(listener.descriptor): set on, read back on")
        #expect(keepAlive() == 1, "this process's own socket now has SO_KEEPALIVE")

        try session.send("q")
        _ = try session.waitForPromptAfterExit()
    }
}
