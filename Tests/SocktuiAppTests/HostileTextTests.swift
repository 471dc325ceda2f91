import Foundation
import Testing
import SocktuiTestSupport
@testable import Inspect

/// Text another user controls never reaches root's terminal as escape sequences (issue #17 S2).
@Suite struct HostileTextTests {
    static func hasControls(_ text: String) -> Bool {
        text.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || (0x7f...0x9f).contains($0.value) }
    }

    /// A process of the user nobody renamed `ESC[2K CR ESC[8m` (erase its line, hide what follows),
    /// listening on loopback: root's `sockets -t -l -p` shows its row, the name made visible.
    @Test(.enabled(if: TestBinary.isRoot && TestBinary.have("setpriv"), "needs root to act as another user"))
    func aProcessNameWithEscapesIsShownVisiblyInTheSocketTable() throws {
        try #require(TestBinary.isBuilt)
        let listener = try PythonChild(
            """
            import ctypes, socket, sys
            ctypes.CDLL(None).prctl(15, b"\\x1b[2K\\r\\x1b[8m", 0, 0, 0)
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(1)
            print(s.getsockname()[1], flush=True)
            sys.stdin.read()
            """, user: "nobody")
        let port = try listener.number(0)
        let result = try runTool(TestBinary.socktui, ["sockets", "-t", "-l", "-p", "sport:\(port)"])
        #expect(result.status == 0, "\(result.err)")
        #expect(!Self.hasControls(result.out), "raw controls in: \(result.out.debugDescription)")
        let row = try #require(result.out.split(separator: "\n").first { $0.contains("127.0.0.1:\(port)") }, "\(result.out)")
        #expect(row.contains("\\x1b[2K\\x0d\\x1b[8m"), "\(row)")
    }

    /// An HTTP request line with an OSC title and a clear-screen sequence, read by root.
    @Test func packetTextWithEscapesIsPrintedVisibly() throws {
        try #require(TestBinary.isBuilt)
        let directory = try TemporaryDirectory()
        let path = directory.path("hostile.pcap")
        let writer = try PcapWriter(path: path, linkType: .ethernet)
        let payload = Array("GET /\u{1b}]0;PWNED\u{07}\u{1b}[2J HTTP/1.1\r\nHost: x\u{1b}[8m\r\n\r\n".utf8)
        try writer.write(
            CapturedPacket(
                timestamp: PacketTimestamp(seconds: CaptureFixture.start, nanoseconds: 0),
                data: CaptureFixture.tcp(from: 50000, sequence: 1, flags: 0x18, payload), linkType: .ethernet))
        try writer.close()
        for arguments in [[path], [path, "--detail"]] {
            let result = try runTool(TestBinary.socktui, ["read"] + arguments)
            #expect(result.status == 0, "\(result.err)")
            #expect(!Self.hasControls(result.out), "read \(arguments): raw controls in \(result.out.debugDescription)")
            #expect(result.out.contains("GET /\\x1b]0;PWNED\\x07\\x1b[2J"), "read \(arguments): \(result.out)")
        }
    }
}
