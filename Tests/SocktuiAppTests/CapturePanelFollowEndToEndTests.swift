import Foundation
import Glibc
import Testing
import SocktuiTestSupport

/// Follow stream in the real binary, driven through tmux with the harness of ``TmuxEndToEndTests``.
@Suite(.serialized) struct CapturePanelFollowEndToEndTests {
    @Test(.enabled(if: TmuxSession.tmuxPath != nil, "tmux is not installed; the end-to-end test needs it"))
    func followingATCPPacketShowsThePayloadOfBothDirectionsAndStatisticsFilterOnIt() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: TestBinary.socktui),
            "socktui was not built at \(TestBinary.socktui)")
        let path = try FollowFixture.write()
        defer { unlink(path) }
        let session = try TmuxSession("capture-follow", width: 120, height: 40)
        try session.waitForText(TmuxSession.prompt.trimmingCharacters(in: .whitespaces))
        try session.type("\(TestBinary.socktui) -r \(path)")
        try session.send("Enter")
        try session.waitForText("· 10 packets")

        // Packet 4 carries the request; follow its stream.
        try session.send("j", "j", "j")
        try session.waitForText("Details: packet 4")
        try session.send("F")
        var lines = try session.waitForText("Follow TCP stream 0")
        lines = try session.waitForText("hello\\x01world")
        #expect(lines.contains { $0.contains("→ GET /follow HTTP/1.1\\r") })
        #expect(lines.contains { $0.contains("Host: socktui\\r") })
        #expect(lines.contains { $0.contains("← HTTP/1.1 200 OK\\r") })
        #expect(lines.contains { $0.contains("[gap: 11 bytes missing from node 1") })
        #expect(lines.contains { $0.contains("→ 10.0.0.1:50000 sent 39 bytes") && $0.contains("← 10.0.0.2:80 sent 31 bytes (11 missing)") })

        // The hex dump, then back to the packets.
        try session.send("h")
        try session.waitForText("00000000  47 45 54 20 2f 66 6f 6c")
        try session.send("Escape")
        try session.waitForText("Details: packet 4")

        // Statistics: the TCP conversation, then Enter filters on it.
        try session.send("I")
        try session.waitForText("Statistics of ")
        try session.send("Right", "Right", "Right")
        lines = try session.waitForText("10.0.0.1:50000")
        #expect(lines.contains { $0.contains("10.0.0.1:50000") && $0.contains("10.0.0.2:80") && $0.contains(" 10 ") })
        try session.send("Enter")
        try session.waitForText("displayed 10 of 10")
        try session.send("q")
        try session.waitForPromptAfterExit()
    }
}
