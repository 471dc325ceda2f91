import Foundation
import SocktuiTestSupport
import Testing
@testable import Inspect

/// The browser's search, save, follow, statistics and info requests, driven with real files; every
/// reply also goes through JSON and back unchanged (a remote browser would send it so).
extension CaptureBrowserTests {
    /// `reply` encoded to JSON and decoded again equals itself.
    static func expectSurvivesJSON(_ reply: CaptureBrowserReply, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let decoded = try JSONDecoder().decode(CaptureBrowserReply.self, from: JSONEncoder().encode(reply))
        #expect(decoded == reply, sourceLocation: sourceLocation)
    }

    /// Opens AnalysisFixtures' mixed capture (TCP over IPv4 and IPv6, UDP, fragments) written `repeated` times.
    static func openMixed(_ browser: CaptureBrowser, in directory: TemporaryDirectory, repeated: Int = 1) throws -> CaptureFileInfo {
        let path = directory.path("mixed.pcap")
        try AnalysisFixtures.write((0..<repeated).flatMap { _ in AnalysisFixtures.mixedCapture() }, to: path)
        return try open(browser, path)
    }

    @Test func infoSaysHowManyPacketsASourceHoldsAndItsLinkType() throws {
        let directory = try TemporaryDirectory()
        let browser = CaptureBrowser()
        let file = try Self.open(browser, Self.writeFile(in: directory))
        #expect(browser.handle(.info(file.source)) == .info(CaptureSourceInfo(packetCount: 5, linkType: .ethernet)))
        _ = browser.handle(.index(file.source, chunk: 100))
        let reply = browser.handle(.info(file.source))
        #expect(reply == .info(CaptureSourceInfo(packetCount: 30, linkType: .ethernet)))
        try Self.expectSurvivesJSON(reply)
        let store = PacketStore()
        #expect(browser.handle(.info(browser.register(store))) == .info(CaptureSourceInfo(packetCount: 0, linkType: nil)))
        browser.close(file.source)
        guard case .failed = browser.handle(.info(file.source)) else { Issue.record("a closed source answered"); return }
    }

    @Test func searchFindsTheNextOrPreviousDisplayedRowWhosePacketMatchesWrappingAround() throws {
        let directory = try TemporaryDirectory()
        let browser = CaptureBrowser()
        let file = try Self.open(browser, Self.writeFile(in: directory))
        _ = browser.handle(.index(file.source, chunk: 100))
        func search(_ target: CaptureSearchTarget, displayed: [UInt32]? = nil, rows: Int = 30, from: Int, forward: Bool) throws -> Int? {
            let reply = browser.handle(
                .search(file.source, CaptureSearch(target: target, displayed: displayed, rowCount: rows, fromRow: from, forward: forward)))
            try Self.expectSurvivesJSON(reply)
            guard case .searchFinished(let row, let cancelled) = reply else { Issue.record("search answered \(reply)"); return nil }
            #expect(!cancelled)
            return row
        }
        // "example" is in the DNS responses only (odd packets).
        let example = try #require(CaptureSearchTarget(text: "example"))
        #expect(Fixtures.tcpSyn.firstRange(of: Array("example".utf8)) == nil)
        #expect(try search(example, from: 0, forward: true) == 1)
        #expect(try search(example, from: 5, forward: true) == 7)
        #expect(try search(example, from: 0, forward: false) == 29)
        // Under a display filter: rows are [0, 2, 4, 7, 8]; from the last row it wraps to row 3 (packet 7).
        #expect(try search(example, displayed: [0, 2, 4, 7, 8], rows: 5, from: 4, forward: true) == 3)
        #expect(try search(.filter("tcp.flags & 0x02"), from: 3, forward: true) == 4)
        #expect(try search(.filter("bpf:tcp[13] & 2 != 0"), from: 3, forward: true) == 4)
        // The DNS transaction id 0x1234 as hex bytes; absent bytes are not found.
        #expect(CaptureSearchTarget(text: "0x12:34") == .bytes([0x12, 0x34]))
        #expect(try search(try #require(CaptureSearchTarget(text: "0x12 34 81 80")), from: 1, forward: true) == 3)
        #expect(try search(.bytes(Array("not in any packet".utf8)), from: 0, forward: true) == nil)
        #expect(CaptureSearchTarget(text: "0xabc") == nil && CaptureSearchTarget(text: "  ") == nil)
        // A cancelled search ends at once, saying so.
        let cancel = Cancellation()
        cancel.cancel()
        let cancelled = browser.handle(
            .search(file.source, CaptureSearch(target: example, displayed: nil, rowCount: 30, fromRow: 0, forward: true)), cancel: cancel)
        #expect(cancelled == .searchFinished(row: nil, cancelled: true))
    }

    @Test func saveWritesThePacketsAsPcapOrPcapngThatReadBackTheSame() throws {
        let directory = try TemporaryDirectory()
        let browser = CaptureBrowser()
        let file = try Self.open(browser, Self.writeFile(in: directory))
        _ = browser.handle(.index(file.source, chunk: 100))
        let original = try CaptureFileReader(path: file.path)
        _ = original.indexAll()
        func save(_ save: CaptureSave, cancel: Cancellation = Cancellation()) throws -> (progress: [Int], end: CaptureBrowserReply) {
            var progress: [Int] = []
            let end = browser.handle(.save(file.source, save), cancel: cancel) { reply in
                if case .saveProgress(let written, let total) = reply {
                    #expect(total == save.packets.count)
                    progress.append(written)
                }
            }
            try Self.expectSurvivesJSON(end)
            return (progress, end)
        }
        let all = directory.path("all.pcap")
        let whole = try save(CaptureSave(path: all, format: .pcap, packets: .range(0..<30)))
        #expect(whole.end == .saved(CaptureSaveSummary(path: all, written: 30)))
        #expect(whole.progress == [30])
        try Self.expectSurvivesJSON(.saveProgress(written: 30, total: 30))
        let back = try CaptureFileReader(path: all)
        #expect(back.format == .pcap && back.indexAll() == 30)
        #expect(back.packets(in: 0..<30) == original.packets(in: 0..<30))

        let some = directory.path("some.pcapng")
        let picked = try save(CaptureSave(path: some, format: .pcapng, packets: .indices([3, 20, 29])))
        #expect(picked.end == .saved(CaptureSaveSummary(path: some, written: 3)))
        let pickedBack = try CaptureFileReader(path: some)
        #expect(pickedBack.format == .pcapng && pickedBack.indexAll() == 3)
        #expect(pickedBack.packets(in: 0..<3).map(\.data) == [3, 20, 29].map { original.packets(in: $0..<($0 + 1))[0].data })
        #expect(pickedBack.packets(in: 0..<3).map(\.timestamp) == [3, 20, 29].map { original.packets(in: $0..<($0 + 1))[0].timestamp })

        // An existing file is kept unless replacing; a cancelled save says how far it got.
        guard case .failed(let exists) = try save(CaptureSave(path: all, format: .pcap, packets: .range(0..<2))).end else {
            Issue.record("an existing file was overwritten"); return
        }
        #expect(exists.contains(all))
        #expect(try CaptureFileReader(path: all).indexAll() == 30)
        let replaced = try save(CaptureSave(path: all, format: .pcap, packets: .range(10..<12), replacing: true))
        #expect(replaced.end == .saved(CaptureSaveSummary(path: all, written: 2)))
        #expect(try CaptureFileReader(path: all).packets(in: 0..<5) == original.packets(in: 10..<12))
        let cancel = Cancellation()
        cancel.cancel()
        let stopped = try save(CaptureSave(path: directory.path("cancelled.pcap"), format: .pcap, packets: .range(0..<30)), cancel: cancel)
        guard case .failed(let message) = stopped.end else { Issue.record("a cancelled save answered \(stopped.end)"); return }
        #expect(message.contains("save cancelled after 0 packets") && stopped.progress.isEmpty)
    }

    @Test func followReassemblesAStreamByIndexPacketOrConversation() throws {
        let directory = try TemporaryDirectory()
        let browser = CaptureBrowser()
        let file = try Self.openMixed(browser, in: directory)
        func follow(_ request: FollowRequest) throws -> CaptureBrowserReply {
            var progress: [AnalysisProgress] = []
            let reply = browser.handle(.follow(file.source, request)) { event in
                guard case .analysisProgress(let report) = event else { Issue.record("follow sent \(event)"); return }
                progress.append(report)
            }
            try Self.expectSurvivesJSON(reply)
            #expect(progress.map(\.packetsRead) == progress.map(\.packetsRead).sorted())
            return reply
        }
        guard case .followed(let first) = try follow(FollowRequest(.tcp, .stream(0))) else { Issue.record("stream 0 not followed"); return }
        #expect(first.bytes(from: 0) == Array("GET /index.html HTTP/1.0\r\n\r\n".utf8))
        #expect(first.bytes(from: 1) == Array("HTTP/1.0 200 OK\r\n\r\nhello".utf8))
        #expect(first.packetCount == 8)
        // The messy stream (packets 9 to 19): out of order, retransmitted and overlapping, put back in order.
        guard case .followed(let messy) = try follow(FollowRequest(.tcp, .packet(12))) else {
            Issue.record("packet 12 not followed"); return
        }
        #expect(messy.bytes(from: 0) == Array("first-second-third-fourth".utf8) && messy.bytes(from: 1) == Array("thanks".utf8))
        // The UDP ping and pong, by conversation key.
        let a = FlowEndpoint(address: IPAddress("10.0.0.1")!, port: 50000), b = FlowEndpoint(address: IPAddress("10.0.0.2")!, port: 50001)
        guard case .followed(let udp) = try follow(FollowRequest(.udp, .conversation(ConversationKey(layer: .udp, b, a)))) else {
            Issue.record("the UDP conversation was not followed"); return
        }
        #expect(udp.bytes(from: 0) == Array("ping".utf8) && udp.bytes(from: 1) == Array("pong!".utf8))
        #expect(try follow(FollowRequest(.tcp, .stream(9))) == .analysisFailed(.noSuchStream(.tcp, 9, streamCount: 5)))
        browser.close(file.source)
        guard case .analysisFailed(.unavailable) = try follow(FollowRequest(.tcp, .stream(0))) else {
            Issue.record("a closed source was followed"); return
        }
    }

    @Test func statisticsCountPacketsBytesConversationsAndEndpoints() throws {
        let directory = try TemporaryDirectory()
        let browser = CaptureBrowser()
        let file = try Self.openMixed(browser, in: directory)
        let frames = AnalysisFixtures.mixedCapture()
        let request = StatisticsRequest(protocolHierarchy: true, conversations: [.tcp, .udp], endpoints: [.ipv4])
        let reply = browser.handle(.statistics(file.source, request))
        try Self.expectSurvivesJSON(reply)
        guard case .statistics(let statistics) = reply else { Issue.record("statistics answered \(reply)"); return }
        #expect(statistics.packets == frames.count)
        #expect(statistics.bytes == frames.reduce(0) { $0 + $1.count })
        let tcp = statistics.conversations[.tcp] ?? []
        #expect(tcp.count == 5)
        let first = try #require(tcp.first { $0.a.port == 40000 || $0.b.port == 40000 })
        #expect(first.frames == 8 && first.bytes == frames[0..<8].reduce(0) { $0 + $1.count })
        let ping = try #require(statistics.conversations[.udp]?.first { $0.a.port == 50000 || $0.b.port == 50000 })
        #expect(ping.frames == 2 && ping.bytes == frames[19].count + frames[20].count)
        #expect(statistics.protocolHierarchy?.reduce(0) { $0 + $1.frames } == frames.count)
        #expect(statistics.endpoints[.ipv4]?.isEmpty == false && statistics.endpoints[.ipv6] == nil)
    }

    @Test func aCancelledAnalysisEndsWithCancelled() throws {
        let directory = try TemporaryDirectory()
        let browser = CaptureBrowser()
        // A file is checked once a batch: give it more packets than one.
        let repeated = CaptureAnalyzer.batchSize / AnalysisFixtures.mixedCapture().count + 2
        let file = try Self.openMixed(browser, in: directory, repeated: repeated)
        let cancel = Cancellation()
        cancel.cancel()
        var events = 0
        let statistics = browser.handle(.statistics(file.source, StatisticsRequest(conversations: [.tcp])), cancel: cancel) { _ in
            events += 1
        }
        #expect(statistics == .analysisFailed(.cancelled) && events == 0)
        try Self.expectSurvivesJSON(statistics)
        let store = PacketStore(interfaces: [CaptureInterface(name: "lo", linkType: .ethernet)])
        store.append(contentsOf: AnalysisEngineTests.packets(AnalysisFixtures.mixedCapture()))
        let follow = browser.handle(.follow(browser.register(store), FollowRequest(.tcp, .stream(0))), cancel: cancel)
        #expect(follow == .analysisFailed(.cancelled))
    }

    @Test func theNewRequestsArePlainValuesThatSurviveJSON() throws {
        let id = CaptureSourceID(7)
        let key = ConversationKey(
            layer: .tcp, FlowEndpoint(address: IPAddress("10.0.0.1")!, port: 1), FlowEndpoint(address: IPAddress("::1")!, port: 2))
        let requests: [CaptureBrowserRequest] = [
            .info(id),
            .search(id, CaptureSearch(target: .bytes([1, 2]), displayed: [4, 9], rowCount: 2, fromRow: 1, forward: false)),
            .search(id, CaptureSearch(target: .filter("udp"), displayed: nil, rowCount: 30, fromRow: 0, forward: true)),
            .save(id, CaptureSave(path: "/tmp/x.pcapng", format: .pcapng, packets: .indices([1, 3]), replacing: true)),
            .save(id, CaptureSave(path: "/tmp/x.pcap", format: .pcap, packets: .range(0..<10))),
            .follow(id, FollowRequest(.tcp, .conversation(key))), .follow(id, FollowRequest(.udp, .packet(3))),
            .statistics(id, StatisticsRequest(protocolHierarchy: true, conversations: [.udp], endpoints: [.ipv6]))
        ]
        for request in requests {
            #expect(try JSONDecoder().decode(CaptureBrowserRequest.self, from: JSONEncoder().encode(request)) == request)
        }
        try Self.expectSurvivesJSON(.analysisProgress(AnalysisProgress(packetsRead: 3, packetsKnown: 9, bytesRead: 100, bytesTotal: 400)))
        try Self.expectSurvivesJSON(.analysisFailed(.unavailable("no source 7")))
    }
}
