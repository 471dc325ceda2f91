#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Inspect
import Testing
import SocktuiTestSupport

/// `socktui read --follow` (issue #17 W4 and messages): --stats beside --follow, and messages that
/// hid the path, the reason or the truth.
@Suite struct ReadFollowMessagesTests {
    static func read(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        try #require(TestBinary.isBuilt, "the socktui executable is built with the tests")
        return try runTool(TestBinary.socktui, ["read"] + arguments)
    }

    @Test func followOfAFrameBeyondTheFileSaysThereIsNoSuchPacket() throws {
        let file = try CaptureFixture.write(rounds: 3)
        defer { unlink(file) }
        let result = try Self.read([file, "--follow", "tcp,frame=999999"])
        #expect(result.status == 4)
        #expect(result.err == "socktui read: there is no packet 999999: the capture has 12 packets\n", "\(result.err)")
        // A packet that exists but carries no TCP keeps its own message.
        let udp = try Self.read([file, "--follow", "tcp,frame=3"])
        #expect(udp.status == 4 && udp.err.contains("packet 3 is not part of a TCP stream"), "\(udp.err)")
    }
}
