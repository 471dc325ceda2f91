import ArgumentParser
import Foundation
import Inspect
import Synchronization
import Testing
import SocktuiTestSupport
import TerminalUI
@testable import SocktuiApp

/// A small capture written by the tests: two TCP conversations to port 80 (one with an HTTP request)
/// and UDP datagrams to port 9 (discard), over Ethernet / IPv4 with correct checksums, at known times.
enum CaptureFixture {
    static let client: [UInt8] = [10, 0, 0, 1]
    static let server: [UInt8] = [10, 0, 0, 2]
    /// 2026-11-25 13:51:06 UTC.
    static let start: Int64 = 1_764_078_666

    /// RFC 1071 sum over big-endian 16-bit words.
    static func internetChecksum(_ bytes: [UInt8]) -> UInt16 {
        var sum = stride(from: 0, to: bytes.count, by: 2).reduce(UInt32(0)) { total, i in
            total + (UInt32(bytes[i]) << 8 | UInt32(i + 1 < bytes.count ? bytes[i + 1] : 0))
        }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    static func word(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }

    /// Ethernet (02:..:01 → 02:..:02) / IPv4 / `transport` of protocol `number`.
    static func frame(protocol number: UInt8, _ transport: [UInt8]) -> [UInt8] {
        var ip: [UInt8] = [0x45, 0] + word(UInt16(20 + transport.count)) + [0, 1, 0x40, 0, 64, number, 0, 0] + client + server
        let sum = internetChecksum(ip)
        ip[10] = UInt8(sum >> 8)
        ip[11] = UInt8(sum & 0xff)
        return [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00] + ip + transport
    }

    /// A transport header with its checksum (at `checksumOffset`) over the IPv4 pseudo-header.
    static func withChecksum(_ segment: [UInt8], protocol number: UInt8, at checksumOffset: Int) -> [UInt8] {
        var segment = segment
        let sum = internetChecksum(client + server + [0, number] + word(UInt16(segment.count)) + segment)
        segment[checksumOffset] = UInt8(sum >> 8)
        segment[checksumOffset + 1] = UInt8(sum & 0xff)
        return segment
    }

    static func tcp(from port: UInt16, sequence: UInt32, flags: UInt8, _ payload: [UInt8] = []) -> [UInt8] {
        let header =
            word(port) + word(80) + word(UInt16(sequence >> 16)) + word(UInt16(sequence & 0xffff)) + [0, 0, 0, 1]
            + [0x50, flags] + word(65535) + [0, 0, 0, 0]
        return frame(protocol: 6, withChecksum(header + payload, protocol: 6, at: 16))
    }

    static func udp(from port: UInt16, _ payload: [UInt8]) -> [UInt8] {
        frame(protocol: 17, withChecksum(word(port) + word(9) + word(UInt16(8 + payload.count)) + [0, 0] + payload, protocol: 17, at: 6))
    }

    /// The packets, in order: per round, SYN and HTTP GET from port 50000, a UDP datagram, a SYN
    /// from port 50001.
    static func packets(rounds: Int = 3) -> [CapturedPacket] {
        var list: [[UInt8]] = []
        for round in 0..<rounds {
            list.append(tcp(from: 50000, sequence: UInt32(1000 + round), flags: 0x02))
            list.append(tcp(from: 50000, sequence: UInt32(2000 + round), flags: 0x18, Array("GET /r\(round) HTTP/1.1\r\n".utf8)))
            list.append(udp(from: 40000, Array("hello socktui \(round)".utf8)))
            list.append(tcp(from: 50001, sequence: UInt32(3000 + round), flags: 0x02))
        }
        return list.enumerated().map { n, bytes in
            CapturedPacket(
                timestamp: PacketTimestamp(seconds: start + Int64(n / 4), nanoseconds: UInt32(n % 4) * 250_000_000),
                data: bytes, linkType: .ethernet)
        }
    }

    /// A 100×30 panel browsing a live capture's store that holds the first 4 of `packets()`, the list
    /// following them; the store and all the packets, for the test to append more.
    static func followingLiveStore() -> (panel: CapturePanel, store: PacketStore, packets: [CapturedPacket]) {
        let store = PacketStore(interfaces: [CaptureInterface(name: "lo", linkType: .ethernet)])
        var panel = CapturePanel()
        panel.resize(to: Rect(x: 0, y: 0, width: 100, height: 30))
        settle(&panel, panel.browse(store, name: "live: lo"))
        let packets = packets()
        store.append(contentsOf: Array(packets[0..<4]))
        panel.packetCount = 4
        settle(&panel, panel.followNewRows(from: 0))
        return (panel, store, packets)
    }

    /// Writes the packets to a new pcap file with a unique name; returns its path.
    static func write(rounds: Int = 3, name: String = #function) throws -> String {
        let path = NSTemporaryDirectory() + "socktui-capture-panel-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).pcap"
        let writer = try PcapWriter(path: path, linkType: .ethernet)
        for packet in packets(rounds: rounds) { try writer.write(packet) }
        try writer.close()
        return path
    }
}

/// Runs commands the way the event loop does, but on the calling thread, feeding every message
/// back to the panel until no work is left.
func settle(_ panel: inout CapturePanel, _ command: Command<AppMessage>?) {
    var pending = command.map { [$0] } ?? []
    while !pending.isEmpty {
        let messages = Mutex<[AppMessage]>([])
        for job in pending.removeFirst().jobs { job.work { message in messages.withLock { $0.append(message) } } }
        for message in messages.withLock({ $0 }) {
            if let next = panel.update(message) { pending.append(next) }
        }
    }
}

extension CapturePanel {
    /// Presses keys (the panel's own first, then movement), settling the work each starts.
    mutating func press(_ keys: Key...) {
        for key in keys {
            switch handleKey(key) {
            case .handled(let command): settle(&self, command)
            case .unhandled:
                if let action = keyMap.action(for: key) { settle(&self, perform(action)) }
            }
        }
    }

    /// Types text into the open prompt.
    mutating func type(_ text: String) { for character in text { press(.character(character)) } }

    /// The panel drawn at `width`×`height` over a sentinel-filled buffer.
    func screen(width: Int = 100, height: Int = 30) -> [String] {
        var buffer = Buffer(area: Rect(x: 0, y: 0, width: width, height: height), filledWith: Cell(symbol: "x"))
        render(in: buffer.area, into: &buffer, theme: ThemeCatalog.builtInDefault)
        return buffer.lines
    }
}

/// A panel browsing the fixture, laid out at 100×30, with the relative time format (time-zone free).
func browsingFixture(rounds: Int = 3) throws -> (CapturePanel, String) {
    let path = try CaptureFixture.write(rounds: rounds)
    let reader = try CaptureFileReader(path: path)
    reader.index(upTo: CapturePanel.firstScreenPackets)
    var panel = CapturePanel()
    panel.resize(to: Rect(x: 0, y: 0, width: 100, height: 30))
    panel.timeFormat = .relative
    settle(&panel, panel.browse(reader, name: "fixture.pcap"))
    return (panel, path)
}

@Suite struct CapturePanelTests {
    @Test func threePanesShowTheListTheTreeAndTheBytesOfTheSelectedPacket() throws {
        let (panel, path) = try browsingFixture()
        defer { unlink(path) }
        #expect(panel.isFullyIndexed)
        #expect(panel.packetCount == 12)
        #expect(
            panel.screen() == [
                "┌ Capture ─────────────────────────────────────────────────────────────────────────────────────────┐",
                "│ fixture.pcap · 12 packets                                                                        │",
                "│ Filter: none (/ to filter, e.g. tcp.port == 443 || dns, or bpf:tcp port 443)                     │",
                "│     No. Time            Source           Destination      Proto    Len Info                      │",
                "│       1 0.000000        10.0.0.1         10.0.0.2         TCP       54 50000 → 80 [SYN] Seq=0 W… │",
                "│       2 0.250000        10.0.0.1         10.0.0.2         HTTP      72 GET /r0 HTTP/1.1          │",
                "│       3 0.500000        10.0.0.1         10.0.0.2         UDP       57 40000 → 9 Len=15          │",
                "│       4 0.750000        10.0.0.1         10.0.0.2         TCP       54 50001 → 80 [SYN] Seq=0 W… │",
                "│       5 1.000000        10.0.0.1         10.0.0.2         TCP       54 [TCP Port numbers reused… │",
                "│       6 1.250000        10.0.0.1         10.0.0.2         HTTP      72 GET /r1 HTTP/1.1          │",
                "│       7 1.500000        10.0.0.1         10.0.0.2         UDP       57 40000 → 9 Len=15          │",
                "│       8 1.750000        10.0.0.1         10.0.0.2         TCP       54 [TCP Port numbers reused… │",
                "│       9 2.000000        10.0.0.1         10.0.0.2         TCP       54 [TCP Port numbers reused… │",
                "│      10 2.250000        10.0.0.1         10.0.0.2         HTTP      72 GET /r2 HTTP/1.1          │",
                "│ ─ Details: packet 1 ──────────────────────────────────────────────────────────────────────────── │",
                "│ ▸ Frame: 54 bytes on wire, 54 bytes captured                                                     │",
                "│ ▸ Ethernet II: Src: 02:00:00:00:00:01, Dst: 02:00:00:00:00:02                                    │",
                "│ ▸ Internet Protocol Version 4: Src: 10.0.0.1, Dst: 10.0.0.2                                      │",
                "│ ▸ Transmission Control Protocol: Src Port: 50000, Dst Port: 80, Seq: 0, Len: 0                   │",
                "│                                                                                                  │",
                "│                                                                                                  │",
                "│ ─ Bytes: 54 · selected 0-53 (54 bytes) ───────────────────────────────────────────────────────── │",
                "│ 00000000  02 00 00 00 00 02 02 00  00 00 00 01 08 00 45 00 |..............E.|                    │",
                "│ 00000010  00 28 00 01 40 00 40 06  26 cd 0a 00 00 01 0a 00 |.(..@.@.&.......|                    │",
                "│ 00000020  00 02 c3 50 00 50 00 00  03 e8 00 00 00 01 50 02 |...P.P........P.|                    │",
                "│ 00000030  ff ff d4 56 00 00                                |...V..|                              │",
                "│                                                                                                  │",
                "│                                                                                                  │",
                "│ c capture  o open  / filter  f find  F follow  I stats  S save  : go to  ? all keys              │",
                "└──────────────────────────────────────────────────────────────────────────────────────────────────┘"
            ])
    }

    @Test func openingTheTCPLayerHighlightsTheSelectedFieldsBytes() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        panel.press(.down, .enter)  // packet 2, then the detail tree
        #expect(panel.focus == .details)
        #expect(panel.detail?.index == 1)
        panel.press(.down, .down, .down, .right)  // Frame, Ethernet, IP, TCP: expand TCP
        #expect(panel.currentTreeID == "tcp")
        #expect(panel.highlightedRange == 34..<54)
        panel.press(.down)  // Source Port
        #expect(panel.currentTreeID == "tcp/tcp.srcport")
        #expect(panel.highlightedRange == 34..<36)
        let lines = panel.screen()
        #expect(lines.contains("│ ─ Bytes: 72 · selected 34-35 (2 bytes) ───────────────────────────────────────────────────────── │"))
        #expect(
            lines.contains { $0.contains("▾ Transmission Control Protocol: Src Port: 50000, Dst Port: 80, Seq: 1000, Ack: 1, Len: 18") })
        #expect(lines.contains { $0.contains("    Source Port: 50000") })
        // The two bytes of the port (0xc350 at offsets 34, 35) take the selection colour; their neighbours do not.
        var buffer = Buffer(area: Rect(x: 0, y: 0, width: 100, height: 30))
        panel.render(in: buffer.area, into: &buffer, theme: ThemeCatalog.builtInDefault)
        let row = try #require(buffer.lines.firstIndex { $0.contains("00000020  00 02 c3 50") })
        let column = try #require(buffer.lines[row].range(of: "c3 50")).lowerBound.utf16Offset(in: buffer.lines[row])
        let selection = try #require(ThemeCatalog.builtInDefault[.selection].bg)
        let reversed = { (x: Int) in buffer[x, row].bg == selection }
        #expect(reversed(column) && reversed(column + 1) && reversed(column + 3) && reversed(column + 4))
        #expect(!reversed(column - 3) && !reversed(column + 6))
        // Moving to another packet keeps TCP expanded and the same field selected.
        panel.press(.character("w"), .character("w"), .down)  // back to the list: packet 3 (UDP) has no TCP
        panel.press(.down)
        #expect(panel.detail?.index == 3)
        #expect(panel.treeState.expanded.contains("tcp"))
    }

    @Test func displayFilterShowsDisplayedNOfMAndAnEmptyFilterShowsAll() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        panel.press(.character("/"))
        panel.type("udp")
        #expect(panel.prompt?.kind == .displayFilter)
        panel.press(.enter)
        #expect(panel.prompt == nil)
        #expect(panel.displayed == [2, 6, 10])
        #expect(panel.displayedSummary == "displayed 3 of 12")
        let lines = panel.screen()
        #expect(lines[1].contains("fixture.pcap · displayed 3 of 12"))
        #expect(lines[2].contains("Filter: udp  displayed 3 of 12"))
        #expect(lines[4].contains("      3 0.500000") && lines[5].contains("      7 1.500000") && lines[6].contains("     11 2.500000"))
        #expect(panel.selectedPacket == 2)
        // Delta time is from the previous displayed packet: a second apart.
        panel.press(.character("T"))  // relative → delta
        #expect(panel.timeFormat == .delta)
        #expect(panel.screen()[5].contains("      7 1.000000"))

        panel.press(.character("/"), .control("u"), .enter)
        #expect(panel.displayed == nil)
        #expect(panel.displayedSummary == "12 packets")
        #expect(panel.selectedPacket == 2)
    }

    @Test func badDisplayFilterShowsWhereItIsWrongAndKeepsTheView() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        panel.press(.character("/"))
        panel.type("tcp.prot == 80")
        #expect(panel.prompt?.filterError?.contains("did you mean tcp.port?") == true)
        #expect(panel.screen()[2].contains("Filter: tcp.prot == 80   ✗ "))
        // libpcap's errors after `bpf:`.
        panel.press(.control("u"))
        panel.type("bpf:tcp prot 80")
        #expect(panel.prompt?.filterError?.contains("syntax error") == true)
        panel.press(.enter)  // refused: the prompt stays open
        #expect(panel.prompt != nil)
        #expect(panel.notice?.kind == .error)
        panel.press(.escape)
        #expect(panel.prompt == nil && panel.displayed == nil && panel.rowCount == 12)
    }

    @Test func tabCompletesFieldNamesAndTheFilterIsCheckedAsItIsTyped() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        panel.press(.character("/"))
        #expect(panel.screen().last { $0.contains("Wireshark display filter (bpf: for tcpdump syntax): Tab completes") } != nil)
        panel.type("tcp.srcp")
        panel.press(.tab)
        #expect(panel.prompt?.value("Filter") == "tcp.srcport")
        panel.type(" == 50001")
        #expect(panel.prompt?.filterError == nil)
        #expect(panel.screen()[2].contains("Filter: tcp.srcport == 50001   ✓"))
        // Several names: the key line lists them.
        panel.press(.control("u"))
        panel.type("udp.")
        panel.press(.tab)
        #expect(panel.notice?.text.contains("udp.dstport") == true && panel.notice?.text.contains("udp.srcport") == true)
        panel.press(.control("u"))
        panel.type("tcp.srcport == 50001")
        panel.press(.enter)
        #expect(panel.appliedFilter == "tcp.srcport == 50001")
        #expect(panel.rowCount >= 1 && panel.rowCount < 12)
        #expect(panel.screen()[2].contains("Filter: tcp.srcport == 50001  displayed \(panel.rowCount) of 12"))
    }

    @Test func goToFindAndConversationMoveTheSelection() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        panel.press(.character(":"))
        panel.type("7")
        panel.press(.enter)
        #expect(panel.selectedPacket == 6)
        panel.press(.character(":"))
        panel.type("99")
        panel.press(.enter)
        #expect(panel.selectedPacket == 6)
        #expect(panel.notice?.text == "no packet 99: there are 12")

        panel.press(.character("f"))
        panel.type("GET /r2")
        panel.press(.enter)
        #expect(panel.selectedPacket == 9)
        panel.press(.character("n"))  // wraps around to the only match
        #expect(panel.selectedPacket == 9)
        panel.press(.character("f"), .control("u"))
        panel.type("0x c3 51")  // source port 50001
        panel.press(.enter)
        #expect(panel.selectedPacket == 11)
        panel.press(.character("N"))
        #expect(panel.selectedPacket == 7)

        panel.press(.home)  // packet 1: port 50000 ↔ 80
        panel.press(.character("]"))
        #expect(panel.selectedPacket == 1)
        panel.press(.character("]"))
        #expect(panel.selectedPacket == 4)
        panel.press(.character("["), .character("["))
        #expect(panel.selectedPacket == 0)
        panel.press(.end)
        #expect(panel.selectedPacket == 11)
    }

    @Test func savingTheDisplayedPacketsWritesAPcapThatReadsBack() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        panel.press(.character("/"))
        panel.type("tcp.port == 50001")
        panel.press(.enter)
        #expect(panel.rowCount == 3)
        let output = NSTemporaryDirectory() + "socktui-capture-panel-save-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).pcap"
        defer { unlink(output) }
        panel.press(.character("S"))
        #expect(panel.prompt?.kind == .save)
        panel.press(.control("u"))
        panel.type(output)
        panel.press(.down, .right)  // format: pcap
        #expect(panel.prompt?.value("Format") == "pcap")
        #expect(panel.prompt?.value("Packets") == "displayed")
        panel.press(.enter)
        #expect(panel.saving == nil)
        #expect(panel.notice?.text == "saved 3 packets to \(output)")
        let saved = try CaptureFileReader(path: output)
        #expect(saved.format == .pcap)
        #expect(saved.indexAll() == 3)
        #expect(saved.packets(in: 0..<3).map(\.data) == [3, 7, 11].map { CaptureFixture.packets()[$0].data })
    }

    @Test func cancelledScanReportsCancelledAndKeepsWhatItFound() throws {
        let path = try CaptureFixture.write()
        defer { unlink(path) }
        let reader = try CaptureFileReader(path: path)
        let cancel = Cancellation()
        var reported: [UInt32] = []
        let outcome = try DisplayFilterScan.run("tcp", over: reader, chunk: 2, cancel: cancel) { matches, scanned in
            reported += matches
            if scanned >= 4 { cancel.cancel() }
        }
        #expect(outcome.cancelled)
        #expect(outcome.scanned == 4)
        #expect(reported == [0, 1, 3])
        #expect(throws: FilterError.self) { try DisplayFilterScan.run("tcp prot", over: reader, cancel: Cancellation()) { _, _ in } }
        // Released pages read back the same bytes (from the page cache).
        reader.releaseMappedPages(0..<reader.fileSize)
        reader.releaseMappedPages(50..<50)  // an empty range is ignored
        #expect(reader.packets(in: 0..<12).map(\.data) == CaptureFixture.packets().map(\.data))
    }

    @Test func savingEverythingAsPcapngAndOpeningItShowsTheSamePackets() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        let output = NSTemporaryDirectory() + "socktui-capture-panel-save-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).pcapng"
        defer { unlink(output) }
        panel.press(.character("S"), .control("u"))
        panel.type(output)
        #expect(panel.prompt?.value("Format") == "pcapng")
        #expect(panel.prompt?.form.fields.count == 2)  // no filter: no "Packets" choice
        panel.press(.enter)
        #expect(panel.notice?.text == "saved 12 packets to \(output)")
        panel.press(.character("o"))
        panel.type(output)
        panel.press(.enter)
        #expect(panel.sourceName == (output as NSString).lastPathComponent)
        #expect(panel.packetCount == 12)
        let sourceID = try #require(panel.sourceID)
        let reader = try #require(panel.browser.source(sourceID) as? CaptureFileReader)
        #expect(reader.format == .pcapng)
        #expect(panel.screen()[5].contains("      2 ") && panel.screen()[5].contains("GET /r0 HTTP/1.1"))
    }

    @Test func maximiseAndResizeChangeThePanes() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        panel.press(.character("z"))
        #expect(panel.maximized == .list)
        var lines = panel.screen()
        #expect(!lines.contains { $0.contains("Details:") })
        #expect(lines[15].contains("     12 2.750000"))
        panel.press(.character("w"))  // the maximised pane follows the focus
        #expect(panel.maximized == .details)
        lines = panel.screen()
        #expect(lines[3].contains("▶ Details: packet 1"))
        panel.press(.character("z"), .character("+"), .character("+"))
        #expect(panel.maximized == nil && panel.listShare == 55)
        #expect(panel.screen()[15].contains("     12 2.750000"))
    }

    @Test func newPacketsAreFollowedUntilTheUserScrollsAwayThenCounted() throws {
        var (panel, store, packets) = CaptureFixture.followingLiveStore()
        #expect(panel.selectedPacket == 3 && panel.following)
        panel.press(.up)
        #expect(!panel.following)
        store.append(contentsOf: Array(packets[4..<10]))
        panel.packetCount = 10
        settle(&panel, panel.followNewRows(from: 4))
        #expect(panel.selectedPacket == 2)
        #expect(panel.newSinceScroll == 6)
        #expect(panel.screen()[13].hasSuffix(" ▼ 6 new (End follows)  │"))
        panel.press(.end)
        #expect(panel.following && panel.newSinceScroll == 0 && panel.selectedPacket == 9)
        store.append(contentsOf: Array(packets[10..<12]))
        panel.packetCount = 12
        settle(&panel, panel.followNewRows(from: 10))
        #expect(panel.selectedPacket == 11)
        #expect(panel.detail?.index == 11)
    }

    @Test func socketsPivotFillsTheLiveCaptureForm() throws {
        var panel = CapturePanel()
        settle(&panel, panel.prepareLiveCapture(LiveCaptureOptions(interface: "lo", filter: "tcp and port 8080")))
        let prompt = try #require(panel.prompt)
        #expect(prompt.kind == .liveCapture)
        #expect(prompt.value("Interface") == "lo")
        #expect(prompt.value("Filter") == "tcp and port 8080")
        #expect(prompt.form.focus == 1)
        #expect(prompt.filterError == nil)
        #expect(panel.interfaces.contains { $0.name == "lo" && $0.isLoopback && $0.addresses.contains("127.0.0.1") })
        let lines = panel.screen()
        #expect(lines.contains { $0.contains("Interface") && $0.contains("‹ lo ›") })
        #expect(lines.contains { $0.contains("lo ") && $0.contains("127.0.0.1") })
        panel.press(.control("u"))
        panel.type("tcp portt 1")
        #expect(panel.prompt?.filterError?.isEmpty == false)
        #expect(panel.screen().contains { $0.contains("✗ ") })
        panel.press(.escape)
        #expect(panel.prompt == nil && panel.live == nil)
    }

    @Test func socketsPanelsCaptureKeyOpensTheCaptureTabWithTheFormFilledIn() {
        var model = makeModel(width: 100, height: 30)
        var sockets = makePanel([snapshotOf(baseEntries)])
        sockets.refreshAndWait()
        model.sockets = sockets
        model.press(.character("2"))
        model.pressFollowingPivots(.character("C"))
        #expect(model.selectedTab == .capture)
        #expect(model.capture.prompt?.kind == .liveCapture)
        #expect(model.capture.prompt?.value("Interface") == "lo")
        #expect(model.capture.prompt?.value("Filter") == "tcp and host 127.0.0.1 and port 8080")
        #expect(screen(model, width: 100, height: 30).contains { $0.contains("Live capture") })
    }

    @Test func readOptionOpensTheFileFromTheRootCommandAndExplainsABadFile() throws {
        let root = try SocktuiCommand.parseAsRoot(["-r", "/tmp/x.pcapng"])
        #expect((root as? TUICommand)?.file == "/tmp/x.pcapng")
        #expect(TUICommand.helpMessage().contains("-r, --read <file>"))
        let missing = NSTemporaryDirectory() + "socktui-no-such-\(getpid())-\(UInt64.random(in: 0...UInt64.max)).pcap"
        #expect(throws: ValidationError.self) { try (SocktuiCommand.parseAsRoot(["-r", missing]) as? TUICommand)?.run() }
        var panel = CapturePanel()
        settle(&panel, panel.open(path: missing))
        #expect(panel.notice?.kind == .error)
        #expect(
            panel.notice?.text
                == "\(missing): cannot open: No such file or directory: give a pcap or pcapng file (socktui capture -w FILE writes one)")
        #expect(panel.sourceID == nil)
    }

    @Test func openKeyOpensAFileInTheBackground() throws {
        let path = try CaptureFixture.write()
        defer { unlink(path) }
        var panel = CapturePanel()
        panel.resize(to: Rect(x: 0, y: 0, width: 100, height: 30))
        panel.press(.character("o"))
        panel.type(path)
        panel.press(.enter)
        #expect(panel.sourceName == (path as NSString).lastPathComponent)
        #expect(panel.packetCount == 12 && panel.isFullyIndexed)
        #expect(panel.screen()[4].contains("      1 ") && panel.screen()[4].contains("TCP"))
    }

    @Test func aDisplayFilterOnAGrowingCaptureFiltersTheNewPacketsAndFollows() throws {
        let store = PacketStore(interfaces: [CaptureInterface(name: "lo", linkType: .ethernet)])
        let packets = CaptureFixture.packets()
        store.append(contentsOf: Array(packets[0..<4]))
        var panel = CapturePanel()
        panel.resize(to: Rect(x: 0, y: 0, width: 100, height: 30))
        settle(&panel, panel.browse(store, name: "live: lo"))
        panel.packetCount = 4
        panel.press(.character("/"))
        panel.type("udp")
        panel.press(.enter)
        #expect(panel.displayed == [2])
        panel.press(.end)
        store.append(contentsOf: Array(packets[4..<12]))
        panel.packetCount = 12
        settle(&panel, panel.filterNewPackets())
        #expect(panel.displayed == [2, 6, 10])
        #expect(panel.displayedSummary == "displayed 3 of 12")
        #expect(panel.selectedPacket == 10)  // it was on the last row: it follows
        #expect(panel.filterNewPackets() == nil)  // nothing new
    }

    @Test func escapeCancelsARunningDisplayFilterAndRestoresTheView() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        panel.press(.character("/"))
        panel.type("udp")
        guard case .handled(let scan) = panel.handleKey(.enter) else { Issue.record("Enter was not taken"); return }
        #expect(panel.runningJobs == 1)
        #expect(panel.screen()[1].contains("filtering 0% (Esc cancels)"))
        panel.press(.escape)  // sets the scan's cancellation flag
        settle(&panel, scan)  // the scan stops at its first packet
        #expect(panel.runningJobs == 0)
        #expect(panel.displayed == nil && panel.appliedFilter == "" && panel.rowCount == 12)
        #expect(panel.notice?.text == "display filter cancelled after 0 packets; showing the previous view")
        #expect(panel.selectedPacket == 0)
    }

    @Test func helpListsEveryKeyOnceWithWhatItDoesHere() {
        let entries = CapturePanel().helpEntries
        let keys = entries.map(\.keys)
        #expect(Set(keys).count == keys.count)
        for key in ["/", "T", "w", "z", "+/-", ":", "f", "n/N", "]/[", "c", "x", "o", "S", "Esc", "Enter", "↑/k", "End/G"] {
            #expect(keys.contains(key), "help lacks \(key)")
        }
        #expect(entries.first { $0.keys == "End/G" }?.summary == "last packet; a live list follows new packets from there")
    }

    @Test(arguments: [(0, "0"), (999, "999"), (1000, "1,000"), (412_000, "412,000"), (1_000_000, "1,000,000"), (-12_345, "-12,345")])
    func countsAreGroupedInThousands(value: Int, text: String) {
        #expect(CapturePanel.count(value) == text)
    }
}
