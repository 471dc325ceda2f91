import Foundation
import Glibc
import SocketKit
import Testing
import SocktuiTestSupport

/// The Capture panel in the real binary, driven through tmux with the harness of ``TmuxEndToEndTests``.
@Suite(.serialized) struct CapturePanelEndToEndTests {
    @Test(.enabled(if: TmuxSession.tmuxPath != nil, "tmux is not installed; the end-to-end test needs it"))
    func readingAFileMovesThroughPacketsHighlightsAFieldAndFilters() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: TestBinary.socktui),
            "socktui was not built at \(TestBinary.socktui)")
        let path = try CaptureFixture.write()
        defer { unlink(path) }
        let session = try TmuxSession("capture-read", width: 120, height: 40)
        try session.waitForText(TmuxSession.prompt.trimmingCharacters(in: .whitespaces))
        try session.type("\(TestBinary.socktui) -r \(path)")
        try session.send("Enter")
        var lines = try session.waitForText("HTTP      72 GET /r0 HTTP/1.1")
        #expect(lines[1].hasPrefix("┌ Capture "))
        #expect(lines.contains { $0.contains("fixture") == false && $0.contains("· 12 packets") })
        #expect(lines.contains { $0.contains("      2 ") && $0.contains("10.0.0.1") && $0.contains("HTTP      72 GET /r0 HTTP/1.1") })

        // Packet 2, into the tree, down to TCP, expand it, down to its source port.
        try session.send("j")
        try session.waitForText("Details: packet 2")
        try session.send("Enter", "Down", "Down", "Down", "Right", "Down")
        lines = try session.waitForText("selected 34-35 (2 bytes)")
        #expect(
            lines.contains { $0.contains("▾ Transmission Control Protocol: Src Port: 50000, Dst Port: 80, Seq: 1000, Ack: 1, Len: 18") })
        #expect(lines.contains { $0.contains("    Source Port: 50000") })
        // The port's two bytes carry the selection colours in the hex pane (tmux shows the escapes with -e).
        let styled = try session.tmux(["capture-pane", "-e", "-p", "-t", session.name])
        let hexLine = try #require(styled.split(separator: "\n").first { $0.contains("00000020") })
        #expect(hexLine.contains("m" + "c3 50" + "\u{1b}[0m"))
        #expect(!hexLine.contains("m" + "00 02 c3" + "\u{1b}[0m"))

        // A display filter, then the count.
        try session.send("/")
        try session.type("udp")
        try session.waitForText("Filter: udp")
        try session.send("Enter")
        lines = try session.waitFor("the filtered rows") { lines in
            lines.contains { $0.contains("Filter: udp  displayed 3 of 12") }
                && lines.contains { $0.contains("     11 ") && $0.contains("UDP") }
        }
        let rows = lines.filter { $0.contains("10.0.0.1") && !$0.contains("Src: ") }
        #expect(rows.count == 3)
        #expect(rows.allSatisfy { $0.contains("UDP       57 40000 → 9 Len=15") })

        // Wireshark's language: Tab completes the field name, ✓ once it compiles.
        try session.send("/", "C-u")
        try session.type("udp.dstp")
        try session.send("Tab")
        try session.waitForText("Filter: udp.dstport")
        try session.type(" == 9 && ip.src == 10.0.0.0/8")
        try session.waitFor("the check") {
            $0.contains { $0.contains("Filter: udp.dstport == 9 && ip.src == 10.0.0.0/8") && $0.contains("✓") }
        }
        try session.send("Enter")
        try session.waitForText("Filter: udp.dstport == 9 && ip.src == 10.0.0.0/8  displayed 3 of 12")
        // libpcap's after bpf:.
        try session.send("/", "C-u")
        try session.type("bpf:tcp and dst port 80")
        try session.send("Enter")
        try session.waitFor("the libpcap filter") { $0.contains { $0.contains("Filter: bpf:tcp and dst port 80  displayed") } }

        try session.send("q")
        try session.waitForPromptAfterExit()
    }

    @Test(.enabled(if: TmuxSession.tmuxPath != nil && geteuid() == 0, "needs tmux and root (live capture)"))
    func liveCaptureOnLoopbackWithAFilterShowsTheTrafficAsItArrives() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: TestBinary.socktui),
            "socktui was not built at \(TestBinary.socktui)")
        let receiver = try Socket(family: .inet, type: .datagram)
        defer { try? receiver.close() }
        try receiver.bind(host: "127.0.0.1", port: 0)
        let port = try #require(try receiver.localAddress().port)
        let sender = try Socket(family: .inet, type: .datagram)
        defer { try? sender.close() }

        let session = try TmuxSession("capture-live", width: 120, height: 40)
        try session.waitForText(TmuxSession.prompt.trimmingCharacters(in: .whitespaces))
        try session.type(TestBinary.socktui)
        try session.send("Enter")
        try session.waitForText("┌ Resolver ")
        try session.send("Escape", "BTab", "BTab")  // Tests, then Capture (the Resolver's field takes digits)
        try session.waitForText("no capture open")
        try session.send("c")
        try session.waitFor("the interface list") { $0.contains { $0.contains("  lo ") && $0.contains("127.0.0.1") } }
        try session.send("Right")
        try session.waitFor("lo chosen") { $0.contains { $0.contains("Interface") && $0.contains("‹ lo ›") } }
        try session.send("Down")
        try session.type("udp dst port \(port)")
        try session.waitForText("udp dst port \(port)")
        try session.send("Enter")
        try session.waitForText("live: lo")

        // Send until the datagrams show (the kernel filter sees only what arrives after the start).
        let payload = Array("socktui live \(port)".utf8)
        let deadline = Date().addingTimeInterval(20)
        var lines = try session.capture()
        while !lines.contains(where: { $0.contains("→ \(port) Len=\(payload.count)") }) {
            guard Date() < deadline else { throw TmuxSession.TimeoutError(what: "captured datagrams to port \(port)", screen: lines) }
            _ = try sender.sendTo(payload, to: try receiver.localAddress())
            usleep(100_000)
            lines = try session.capture()
        }
        #expect(lines.contains { $0.contains("capturing") && $0.contains("kernel received") })
        #expect(lines.contains { $0.contains("pkts/s") && $0.contains("bytes/s") })
        #expect(lines.contains { $0.contains("127.0.0.1") && $0.contains("UDP") })
        // The Process column names this test process, which owns the receiving socket (comm is the
        // executable name's first 15 characters); rows read after the first socket table snapshot show it.
        let owner = String(ProcessInfo.processInfo.processName.prefix(12))
        #expect(lines.contains { $0.contains(" Process ") })
        lines = try session.waitFor("the receiving process in the Process column") { lines in
            lines.contains { $0.contains("→ \(port) Len=") && $0.contains(owner) }
        }

        try session.send("x")
        lines = try session.waitForText("capture ended (stopped)")
        try session.send("q")
        try session.waitForPromptAfterExit()
    }
}
