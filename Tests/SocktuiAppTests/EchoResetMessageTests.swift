import Foundation
import Testing
import SocktuiTestSupport

/// `connect --echo` against a server that accepts and resets at once: the handshake completed, so
/// the message must not say the reset came during it (issue #17, messages that mislead).
@Suite("Echo: a reset after accept is explained as such")
struct EchoResetMessageTests {
    @Test(.enabled(if: PythonChild.available, "needs python3 for the resetting server"))
    func aServerThatAcceptsAndResetsIsReportedAsConnectedThenReset() throws {
        try #require(TestBinary.isBuilt)
        let server = try PythonChild(
            """
            import socket, struct, sys
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
            print(s.getsockname()[1], flush=True)
            while True:
                c, _ = s.accept()
                c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                c.close()
            """)
        let port = try server.number(0)
        for json in [false, true] {
            let result = try runTool(
                TestBinary.socktui, ["connect", "127.0.0.1", "\(port)", "--echo", "1000", "--timeout", "5"] + (json ? ["--json"] : []))
            #expect(result.status == 1)
            #expect(!result.out.contains("during the handshake"), "\(result.out)")
            #expect(
                result.out.contains("connected, then the peer reset the connection before answering (it accepted and closed with RST)"),
                "\(result.out)")
            #expect(result.out.contains("ECONNRESET"), "\(result.out)")
        }
    }
}
