import Foundation
import SocktuiTestSupport
import Testing
@testable import Inspect

/// The capture browser engine: a real pcap file written by ``PcapWriter``, opened, indexed, read as
/// rows and dissected through ``CaptureBrowserRequest`` values.
@Suite struct CaptureBrowserTests {
    /// 30 packets alternating a TCP SYN (even indices) and a DNS response (odd), one second apart.
    static func writeFile(in directory: TemporaryDirectory, count: Int = 30) throws -> String {
        let path = directory.path("browser.pcap")
        let writer = try PcapWriter(path: path, linkType: .ethernet)
        for n in 0..<count {
            let data = n.isMultiple(of: 2) ? Fixtures.tcpSyn : Fixtures.dnsResponse
            try writer.write(
                CapturedPacket(
                    timestamp: PacketTimestamp(seconds: 1_700_000_000 + Int64(n), nanoseconds: 0), data: data, linkType: .ethernet))
        }
        try writer.close()
        return path
    }

    static func open(_ browser: CaptureBrowser, _ path: String, firstPackets: Int = 5) throws -> CaptureFileInfo {
        guard case .opened(let file) = browser.handle(.open(path: path, firstPackets: firstPackets)) else {
            throw TestSupportError("\(path) did not open")
        }
        return file
    }

    @Test func openingIndexesTheFirstPacketsAndTheIndexReportsChunksUntilTheEnd() throws {
        let directory = try TemporaryDirectory()
        let browser = CaptureBrowser()
        let file = try Self.open(browser, Self.writeFile(in: directory))
        #expect(file.format == .pcap && file.indexedCount == 5 && file.linkType == .ethernet)
        var events: [CaptureIndexProgress] = []
        let last = browser.handle(.index(file.source, chunk: 7)) { reply in
            if case .indexed(let progress) = reply { events.append(progress) }
        }
        guard case .indexed(let end) = last else { Issue.record("index ended with \(last)"); return }
        #expect(end.done && end.count == 30 && end.fraction == 1 && end.damage == nil)
        #expect(end.firstTimestamp == PacketTimestamp(seconds: 1_700_000_000, nanoseconds: 0))
        #expect(!events.isEmpty && events.allSatisfy { !$0.done && $0.count < 30 })
        #expect(events.map(\.count) == events.map(\.count).sorted())
    }

    @Test func rowsAreDissectedWithTheTimeOfThePreviousDisplayedPacket() throws {
        let directory = try TemporaryDirectory()
        let browser = CaptureBrowser()
        let file = try Self.open(browser, Self.writeFile(in: directory))
        _ = browser.handle(.index(file.source, chunk: 100))
        // A sparse set (as under a display filter): packet 20 follows 3 in the display.
        let reply = browser.handle(.rows(file.source, indices: [3, 20, 29], previous: [nil, 3, 20], processes: false))
        guard case .rows(let rows, let shrank) = reply else { Issue.record("rows answered \(reply)"); return }
        #expect(shrank == nil)
        #expect(rows.map(\.index) == [3, 20, 29])
        #expect(rows.map(\.protocolName) == ["DNS", "TCP", "DNS"])
        #expect(rows[1].source == "192.168.1.10" && rows[1].destination == "93.184.216.34" && rows[1].length == Fixtures.tcpSyn.count)
        #expect(rows[0].previous == nil && rows[1].previous == PacketTimestamp(seconds: 1_700_000_003, nanoseconds: 0))
        #expect(rows.allSatisfy { $0.process.isEmpty })
        // Packets past the end are left out.
        guard case .rows(let none, _) = browser.handle(.rows(file.source, indices: [30, 31], previous: [29, 30], processes: false)) else {
            return
        }
        #expect(none.isEmpty)
    }

    @Test func onePacketIsDissectedWithItsFieldTreeRangesAndConversation() throws {
        let directory = try TemporaryDirectory()
        let browser = CaptureBrowser()
        let file = try Self.open(browser, Self.writeFile(in: directory))
        let reply = browser.handle(.dissect(file.source, index: 2, verifyChecksums: true))
        guard case .detail(let detail?, nil) = reply else { Issue.record("dissect answered \(reply)"); return }
        #expect(detail.index == 2 && detail.bytes == Fixtures.tcpSyn && detail.error == nil)
        #expect(
            detail.conversationFilter == "ip.addr == 192.168.1.10 && ip.addr == 93.184.216.34 && tcp.port == 50000 && tcp.port == 80")
        func all(_ fields: [DissectedField]) -> [DissectedField] { fields.flatMap { [$0] + all($0.children) } }
        let ids = all(detail.fields).map(\.id)
        #expect(Set(ids).count == ids.count, "node ids are unique key paths")
        #expect(ids.allSatisfy { detail.ranges[$0] != nil })
        // The TCP header starts at byte 34 of the frame, after Ethernet and IPv4.
        let tcp = try #require(detail.fields.first { $0.id == "tcp" })
        #expect(detail.ranges["tcp"]?.lowerBound == 34 && !tcp.children.isEmpty)
        #expect(tcp.children.allSatisfy { $0.id.hasPrefix("tcp/") })
        guard case .detail(nil, _) = browser.handle(.dissect(file.source, index: 99, verifyChecksums: false)) else {
            Issue.record("a packet past the end was dissected"); return
        }
    }

    @Test func theDisplayFilterReportsMatchesInChunksOverTheWholeFileOrARange() throws {
        let directory = try TemporaryDirectory()
        let browser = CaptureBrowser()
        let file = try Self.open(browser, Self.writeFile(in: directory))
        _ = browser.handle(.index(file.source, chunk: 100))
        func run(_ expression: String, _ range: Range<Int>?) -> (matches: [UInt32], end: CaptureBrowserReply) {
            var matches: [UInt32] = []
            let end = browser.handle(.filter(file.source, expression: expression, range: range)) { reply in
                if case .filterMatches(let found, _) = reply { matches += found }
            }
            return (matches, end)
        }
        let udp = run("udp.port == 53", nil)
        #expect(udp.matches == Array(stride(from: 1, to: 30, by: 2)).map(UInt32.init))
        guard case .filterFinished(let scanned, let cancelled, _) = udp.end else { Issue.record("\(udp.end)"); return }
        #expect(scanned == 30 && !cancelled)
        let window = run("tcp.flags & 0x02", 10..<15)
        #expect(window.matches == [10, 12, 14])
        // libpcap's language after `bpf:`.
        #expect(run("bpf:tcp[13] & 2 != 0", 10..<15).matches == [10, 12, 14])
        #expect(run("bpf: udp port 53", nil).matches == udp.matches)
        let broken = run("tcp port", nil)
        guard case .failed(let message) = broken.end else { Issue.record("a broken filter ran: \(broken.end)"); return }
        #expect(!message.isEmpty && broken.matches.isEmpty)
    }

    @Test func requestsAndRepliesArePlainValuesThatSurviveJSON() throws {
        let requests: [CaptureBrowserRequest] = [
            .open(path: "/tmp/a.pcap", firstPackets: 200), .index(CaptureSourceID(3), chunk: 25_000),
            .rows(CaptureSourceID(3), indices: [1, 5], previous: [nil, 1], processes: true),
            .dissect(CaptureSourceID(3), index: 4, verifyChecksums: false), .filter(CaptureSourceID(3), expression: "tcp", range: 10..<20)
        ]
        for request in requests {
            #expect(try JSONDecoder().decode(CaptureBrowserRequest.self, from: JSONEncoder().encode(request)) == request)
        }
        let directory = try TemporaryDirectory()
        let browser = CaptureBrowser()
        let file = try Self.open(browser, Self.writeFile(in: directory))
        let detail = browser.handle(.dissect(file.source, index: 1, verifyChecksums: false))
        let rows = browser.handle(.rows(file.source, indices: [0, 1], previous: [nil, 0], processes: false))
        for reply in [CaptureBrowserReply.opened(file), detail, rows] {
            #expect(try JSONDecoder().decode(CaptureBrowserReply.self, from: JSONEncoder().encode(reply)) == reply)
        }
    }

    @Test func aClosedSourceOrAFileThatIsNoCaptureFailsWithASentence() throws {
        let directory = try TemporaryDirectory()
        let browser = CaptureBrowser()
        let file = try Self.open(browser, Self.writeFile(in: directory))
        browser.close(file.source)
        guard case .failed = browser.handle(.rows(file.source, indices: [0], previous: [nil], processes: false)) else {
            Issue.record("a closed source answered"); return
        }
        let text = directory.path("notes.txt")
        try Data("not a capture".utf8).write(to: URL(fileURLWithPath: text))
        guard case .failed(let message) = browser.handle(.open(path: text, firstPackets: 10)) else {
            Issue.record("a text file opened"); return
        }
        #expect(message.contains("give a pcap or pcapng file"))
    }
}
