import Foundation
import Inspect
import Testing
import SocktuiTestSupport
import TerminalUI
@testable import SocktuiApp

/// A TCP conversation in both directions with a known payload, a gap and a retransmission, written
/// by the tests: client 10.0.0.1:50000, server 10.0.0.2:80, over Ethernet / IPv4.
enum FollowFixture {
    static let client: [UInt8] = [10, 0, 0, 1]
    static let server: [UInt8] = [10, 0, 0, 2]
    static let request = Array("GET /follow HTTP/1.1\r\nHost: socktui\r\n\r\n".utf8)
    static let status = Array("HTTP/1.1 200 OK\r\n".utf8)
    /// Bytes the capture misses (the server sent them between `status` and `body`).
    static let lost = Array("X-Lost: 1\r\n".utf8)
    static let body = Array("\r\nhello\u{01}world\n".utf8)

    /// Ethernet / IPv4 (correct header checksum) / `transport`.
    static func frame(from source: [UInt8], to destination: [UInt8], protocol number: UInt8, _ transport: [UInt8]) -> [UInt8] {
        var ip: [UInt8] =
            [0x45, 0] + CaptureFixture.word(UInt16(20 + transport.count)) + [0, 1, 0x40, 0, 64, number, 0, 0] + source + destination
        let sum = CaptureFixture.internetChecksum(ip)
        ip[10] = UInt8(sum >> 8)
        ip[11] = UInt8(sum & 0xff)
        let clientMAC: [UInt8] = [2, 0, 0, 0, 0, 1], serverMAC: [UInt8] = [2, 0, 0, 0, 0, 2]
        let macs = source == client ? serverMAC + clientMAC : clientMAC + serverMAC
        return macs + [0x08, 0x00] + ip + transport
    }

    /// A TCP segment (flags: 0x02 SYN, 0x10 ACK, 0x18 PSH+ACK, 0x11 FIN+ACK) with its checksum.
    static func tcp(fromClient: Bool, sequence: UInt32, acknowledgment: UInt32, flags: UInt8, _ payload: [UInt8] = []) -> [UInt8] {
        let (source, destination) = fromClient ? (client, server) : (server, client)
        let (sourcePort, destinationPort): (UInt16, UInt16) = fromClient ? (50000, 80) : (80, 50000)
        var segment =
            CaptureFixture.word(sourcePort) + CaptureFixture.word(destinationPort)
            + CaptureFixture.word(UInt16(sequence >> 16)) + CaptureFixture.word(UInt16(sequence & 0xffff))
            + CaptureFixture.word(UInt16(acknowledgment >> 16)) + CaptureFixture.word(UInt16(acknowledgment & 0xffff))
            + [0x50, flags] + CaptureFixture.word(65535) + [0, 0, 0, 0] + payload
        let sum = CaptureFixture.internetChecksum(source + destination + [0, 6] + CaptureFixture.word(UInt16(segment.count)) + segment)
        segment[16] = UInt8(sum >> 8)
        segment[17] = UInt8(sum & 0xff)
        return frame(from: source, to: destination, protocol: 6, segment)
    }

    /// The handshake, the request, the status line, (the lost header not captured), the body, a
    /// retransmission of the request, and the close.
    static func packets() -> [CapturedPacket] {
        let c = UInt32(1000), s = UInt32(5000)
        let afterRequest = c + 1 + UInt32(request.count)
        let afterBody = s + 1 + UInt32(status.count + lost.count + body.count)
        let list: [[UInt8]] = [
            tcp(fromClient: true, sequence: c, acknowledgment: 0, flags: 0x02),
            tcp(fromClient: false, sequence: s, acknowledgment: c + 1, flags: 0x12),
            tcp(fromClient: true, sequence: c + 1, acknowledgment: s + 1, flags: 0x10),
            tcp(fromClient: true, sequence: c + 1, acknowledgment: s + 1, flags: 0x18, request),
            tcp(fromClient: false, sequence: s + 1, acknowledgment: afterRequest, flags: 0x18, status),
            tcp(fromClient: false, sequence: s + 1 + UInt32(status.count + lost.count), acknowledgment: afterRequest, flags: 0x18, body),
            tcp(fromClient: true, sequence: c + 1, acknowledgment: s + 1, flags: 0x18, request),
            tcp(fromClient: true, sequence: afterRequest, acknowledgment: afterBody, flags: 0x11),
            tcp(fromClient: false, sequence: afterBody, acknowledgment: afterRequest + 1, flags: 0x11),
            tcp(fromClient: true, sequence: afterRequest + 1, acknowledgment: afterBody + 1, flags: 0x10)
        ]
        return list.enumerated().map { n, bytes in
            CapturedPacket(
                timestamp: PacketTimestamp(seconds: CaptureFixture.start, nanoseconds: UInt32(n) * 1_000_000), data: bytes,
                linkType: .ethernet)
        }
    }

    /// Writes the packets to a new pcap file; returns its path.
    static func write() throws -> String {
        let path = NSTemporaryDirectory() + "socktui-follow-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).pcap"
        let writer = try PcapWriter(path: path, linkType: .ethernet)
        for packet in packets() { try writer.write(packet) }
        try writer.close()
        return path
    }

    /// A panel browsing the fixture at 100×30.
    static func browsing() throws -> (CapturePanel, String) {
        let path = try write()
        let reader = try CaptureFileReader(path: path)
        reader.index(upTo: CapturePanel.firstScreenPackets)
        var panel = CapturePanel()
        panel.resize(to: Rect(x: 0, y: 0, width: 100, height: 30))
        panel.timeFormat = .relative
        settle(&panel, panel.browse(reader, name: "follow.pcap"))
        return (panel, path)
    }
}

@Suite struct CapturePanelFollowTests {
    @Test func followShowsBothDirectionsInOrderWithTheGapAndRetransmissionMarked() throws {
        var (panel, path) = try FollowFixture.browsing()
        defer { unlink(path) }
        panel.press(.down, .down, .down)  // packet 4: the request
        panel.press(.character("F"))
        let view = try #require(panel.follow)
        let stream = try #require(view.stream)
        // The view shows what the engine found.
        let engine = try CaptureAnalyzer(source: try CaptureFileReader(path: path)).follow(FollowRequest(.tcp, .packet(4)))
        #expect(stream == engine)
        #expect(stream.bytes(from: 0) == FollowFixture.request)
        #expect(stream.bytes(from: 1) == FollowFixture.status + FollowFixture.body)
        #expect(stream.missingBytes(from: 1) == FollowFixture.lost.count)
        #expect(
            Array(panel.screen().prefix(12)) == [
                "┌ Capture ─────────────────────────────────────────────────────────────────────────────────────────┐",
                "│ Follow TCP stream 0 · 10.0.0.1:50000 ⇄ 10.0.0.2:80 · 10 packets · text                           │",
                "│ → 10.0.0.1:50000 sent 39 bytes   ← 10.0.0.2:80 sent 31 bytes (11 missing)                        │",
                "│ → GET /follow HTTP/1.1\\r                                                                         │",
                "│   Host: socktui\\r                                                                                │",
                "│   \\r                                                                                             │",
                "│ ← HTTP/1.1 200 OK\\r                                                                              │",
                "│ → [retransmission: 39 bytes sent again in #7]                                                    │",
                "│ ← [gap: 11 bytes missing from node 1, seen at #8]                                                │",
                "│ ← \\r                                                                                             │",
                "│   hello\\x01world                                                                                 │",
                "│                                                                                                  │"
            ])
        #expect(
            panel.screen()[28] == "│ ↑/↓ PgUp/PgDn scroll  h hex/text  s save  Esc back to the packets                                │")
    }

    @Test func eachDirectionTakesItsThemeColourAndTheGapTheWarningColour() throws {
        var (panel, path) = try FollowFixture.browsing()
        defer { unlink(path) }
        panel.press(.down, .down, .down, .character("F"))
        var buffer = Buffer(area: Rect(x: 0, y: 0, width: 100, height: 30))
        let theme = ThemeCatalog.builtInDefault
        panel.render(in: buffer.area, into: &buffer, theme: theme)
        let lines = buffer.lines
        let request = try #require(lines.firstIndex { $0.contains("GET /follow") })
        let status = try #require(lines.firstIndex { $0.contains("HTTP/1.1 200 OK") })
        let gap = try #require(lines.firstIndex { $0.contains("[gap: 11 bytes") })
        #expect(buffer[4, request].fg == theme[.client].fg)
        #expect(buffer[4, status].fg == theme[.server].fg)
        #expect(theme[.client].fg != theme[.server].fg)
        #expect(buffer[4, gap].fg == theme[.warning].fg)
    }

    @Test func hKeySwitchesToAHexDumpWithEachDirectionsOwnOffsets() throws {
        var (panel, path) = try FollowFixture.browsing()
        defer { unlink(path) }
        panel.press(.down, .down, .down, .character("F"), .character("h"))
        #expect(panel.follow?.hex == true)
        let lines = panel.screen()
        #expect(lines[1].contains("· hex"))
        #expect(lines[3] == "│ → 00000000  47 45 54 20 2f 66 6f 6c 6c 6f 77 20 48 54 54 50  GET /follow HTTP                    │")
        // The server's first line starts at its offset 0; its body after the gap at 17 + 11 = 28 (0x1c).
        #expect(lines.contains { $0.contains("← 00000000  48 54 54 50 2f 31 2e 31 20 32 30 30 20 4f 4b 0d  HTTP/1.1 200 OK.") })
        #expect(lines.contains { $0.contains("← 0000001c  0d 0a 68 65 6c 6c 6f 01") })
        panel.press(.character("h"))
        #expect(panel.follow?.hex == false)
        #expect(panel.screen()[3].contains("→ GET /follow HTTP/1.1\\r"))
    }

    @Test func escReturnsToThePacketListWithTheSelectionKept() throws {
        var (panel, path) = try FollowFixture.browsing()
        defer { unlink(path) }
        panel.press(.down, .down, .down, .character("F"))
        #expect(panel.follow != nil)
        #expect(panel.runningJobs == 0)
        panel.press(.escape)
        #expect(panel.follow == nil)
        #expect(panel.selectedPacket == 3)
        #expect(panel.screen()[3].contains("No. Time"))
    }

    @Test func followOnAPacketWithoutTCPOrUDPSaysWhy() throws {
        // The first fixture's packets are all TCP/UDP; an ARP-less capture still needs a non-IP packet,
        // so use a panel with nothing open.
        var panel = CapturePanel()
        panel.press(.character("F"))
        #expect(panel.follow == nil)
        #expect(panel.notice?.text.contains("nothing to follow") == true)
    }

    @Test func scrollingKeysMoveThroughALongStream() throws {
        var (panel, path) = try FollowFixture.browsing()
        defer { unlink(path) }
        panel.resize(to: Rect(x: 0, y: 0, width: 100, height: 9))  // four payload rows
        panel.press(.down, .down, .down, .character("F"))
        #expect(panel.follow?.lines.count == 8)
        panel.press(.down)
        #expect(panel.follow?.scroll == 1)
        panel.press(.end)
        #expect(panel.follow?.scroll == 4)
        #expect(panel.screen(width: 100, height: 9)[1].contains("5-8 of 8"))
        panel.press(.home)
        #expect(panel.follow?.scroll == 0)
    }

    @Test(arguments: [
        ("text transcript", ".txt"),
        ("raw, node 0 → 1", ".raw0"),
        ("raw, node 1 → 0", ".raw1"),
        ("raw, both directions", ".both")
    ])
    func sKeySavesTheStreamAsChosen(content: String, suffix: String) throws {
        var (panel, path) = try FollowFixture.browsing()
        defer { unlink(path) }
        panel.press(.down, .down, .down, .character("F"), .character("s"))
        #expect(panel.prompt?.kind == .saveStream)
        let target = path + suffix
        defer { for extra in ["", ".node0", ".node1"] { unlink(target + extra) } }
        var prompt = try #require(panel.prompt)
        prompt.form.fields[0].kind = .text(value: target, cursor: target.count)
        let options = StreamSaveContent.allCases.map(\.rawValue)
        prompt.form.fields[1].kind = .choice(options: options, selected: try #require(options.firstIndex(of: content)))
        panel.prompt = prompt
        panel.press(.enter)
        #expect(panel.prompt?.kind == nil)
        #expect(panel.notice?.kind == .ok, "\(panel.notice?.text ?? "")")
        #expect(panel.follow != nil)
        let stream = try #require(panel.follow?.stream)
        func read(_ file: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: file))) }
        switch suffix {
        case ".txt": #expect(String(decoding: try read(target), as: UTF8.self) == stream.transcript())
        case ".raw0": #expect(try read(target) == FollowFixture.request)
        case ".raw1": #expect(try read(target) == FollowFixture.status + FollowFixture.body)
        default:
            #expect(try read(target + ".node0") == FollowFixture.request)
            #expect(try read(target + ".node1") == FollowFixture.status + FollowFixture.body)
        }
    }

    /// The save form defaults to the current directory, never a fixed /tmp name, and an existing
    /// file is replaced only on a second Enter (issue #17 S1).
    @Test func savingOverAnExistingFileTakesASecondEnterAndTheDefaultIsNotInTmp() throws {
        var (panel, path) = try FollowFixture.browsing()
        defer { unlink(path) }
        panel.press(.down, .down, .down, .character("F"), .character("s"))
        var prompt = try #require(panel.prompt)
        #expect(prompt.value("File") == "socktui-tcp-stream.txt")
        let target = path + ".txt"
        defer { unlink(target) }
        try "keep me\n".write(toFile: target, atomically: false, encoding: .utf8)
        prompt.form.fields[0].kind = .text(value: target, cursor: target.count)
        panel.prompt = prompt
        panel.press(.enter)
        #expect(panel.prompt?.kind == .saveStream, "the form stays open")
        #expect(panel.notice?.text == "\(target) exists: Enter again to replace it, or change the name")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me\n")
        panel.press(.enter)
        #expect(panel.prompt?.kind == nil)
        #expect(panel.notice?.kind == .ok, "\(panel.notice?.text ?? "")")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == (try #require(panel.follow?.stream)).transcript())
    }

    @Test func theFollowKeyIsInTheHelpAndTheKeyLine() throws {
        let (panel, path) = try browsingFixture()
        defer { unlink(path) }
        #expect(panel.helpEntries.contains { $0.keys == "F" && $0.summary.contains("follow") })
        #expect(panel.screen().last(where: { $0.contains("F follow") }) != nil)
    }

    @Test func whileTheAnalysisRunsTheViewShowsProgressAndEscCancelsIt() throws {
        var (panel, path) = try FollowFixture.browsing()
        defer { unlink(path) }
        panel.press(.down, .down, .down)
        // Start the follow without running its job: the analysis is "still running".
        guard case .handled(let command) = panel.handleKey(.character("F")), let command else { Issue.record("F started nothing"); return }
        let view = try #require(panel.follow)
        #expect(view.isRunning)
        #expect(panel.runningJobs == 1)
        _ = panel.update(.capture(.followProgress(view.generation, AnalysisProgress(packetsRead: 5, packetsKnown: 10))))
        #expect(panel.screen()[1] == "│ Follow TCP stream of packet 4 · reading packets… 50% (Esc cancels)                               │")
        #expect(panel.screen()[28].contains("Esc cancels the follow"))
        panel.press(.escape)
        #expect(panel.follow == nil)
        #expect(view.cancel?.isCancelled == true)
        #expect(panel.notice?.text == "follow cancelled")
        // The job's late answer (here a full stream, as it never saw the token) is dropped.
        settle(&panel, command)
        #expect(panel.follow == nil)
        #expect(panel.screen()[3].contains("No. Time"))
    }

    @Test func followingAUDPPacketShowsItsDatagrams() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        panel.press(.down, .down)  // packet 3: UDP 40000 → 9
        panel.press(.character("F"))
        let stream = try #require(panel.follow?.stream)
        #expect(stream.transport == .udp)
        #expect(stream.packetCount == 3)
        let lines = panel.screen()
        #expect(lines[1].contains("Follow UDP stream 0 · 10.0.0.1:40000 ⇄ 10.0.0.2:9 · 3 packets"))
        #expect(
            Array(lines[3...5]) == [
                "│ → hello socktui 0                                                                                │",
                "│ → hello socktui 1                                                                                │",
                "│ → hello socktui 2                                                                                │"
            ])
    }

    @Test func escapedTextWrapsAtTheViewWidthWithoutSplittingAnEscape() {
        let stream = FollowedStream(
            transport: .tcp, stream: 0, nodes: [],
            segments: [StreamSegment(sender: 1, packet: 1, kind: .data, bytes: Array("abcdefgh".utf8) + [0xff, 0x00] + Array("ij\n".utf8))],
            packetCount: 1)
        let lines = CapturePanel.followLines(stream, hex: false, width: 12)
        #expect(lines.map(\.text) == ["← abcdefgh", "  \\xff\\x00ij"])
        #expect(lines.allSatisfy { $0.kind == .data(sender: 1) })
    }
}
