import Foundation
import Testing
import SocktuiTestSupport

/// `socktui read -` fed live by `tcpdump -U -w -` (root): each packet is printed before the
/// next one is even sent.
@Suite(
    .serialized, .enabled(if: getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/tcpdump"), "needs root and tcpdump"))
struct ReadStreamEndToEndTests {
    @Test func packetsFromATcpdumpPipeAppearAsTheyArrive() throws {
        let port = Int.random(in: 30_000...39_999)
        // The pipeline as a user types it; tcpdump's "listening on" (stderr) says the filter is attached.
        let pipeline = try ChildProcess(["/bin/sh", "-c", "tcpdump -i lo -U -w - udp and dst port \(port) | '\(TestBinary.socktui)' read -"]
        )
        func tcpdumpPID() -> pid_t? {
            ProcessTree.descendants(of: pipeline.pid).first { ProcessTree.command(of: $0)?.hasPrefix("tcpdump") == true }
        }
        defer {
            if let pid = tcpdumpPID() { kill(pid, SIGKILL) }
            pipeline.wait()
        }
        let messages = LineReader(pipeline.stderr!)
        try #require(messages.waitFor(timeout: 30) { $0.contains("listening on") } != nil, "\(messages.text)")
        let lines = LineReader(pipeline.stdout!)
        for index in 1...3 {
            let payload = String(repeating: "x", count: index)
            let sent = try runTool(
                "/usr/bin/env",
                [
                    "python3", "-c",
                    "import socket\nsocket.socket(socket.AF_INET,socket.SOCK_DGRAM).sendto(b'\(payload)', ('127.0.0.1', \(port)))"
                ])
            try #require(sent.status == 0)
            // The packet's line arrives while tcpdump is still running: streamed, not read at the end.
            let line = try #require(lines.waitFor { $0.hasPrefix("\(index) ") }, "packet \(index) was not printed")
            #expect(line.contains("UDP") && line.contains("→ \(port)") && line.contains("Len=\(index)"))
            #expect(tcpdumpPID() != nil)
        }
        // SIGKILL: a child spawned from a test thread inherits its blocked signals (SIGTERM would
        // wait); -U has already written every packet.
        let pid = try #require(tcpdumpPID())
        kill(pid, SIGKILL)
        // The shell's status is the reader's: it ended cleanly at the end of the stream.
        #expect(pipeline.wait() == 0)
    }
}
