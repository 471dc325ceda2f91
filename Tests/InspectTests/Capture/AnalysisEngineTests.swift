import Foundation
import Testing
import SocktuiTestSupport
import Synchronization
import SocketKit
@testable import Inspect

/// The analysis engine as the Capture panel will use it: any `PacketSource`, a background queue,
/// progress, cancellation, Codable results; and the process matcher on real loopback sockets.
@Suite struct AnalysisEngineTests {
    static func packets(_ frames: [[UInt8]], repeated: Int = 1) -> [CapturedPacket] {
        (0..<repeated).flatMap { round in
            frames.enumerated().map { index, frame in
                // The timestamps AnalysisFixtures.write gives: one millisecond apart.
                CapturedPacket(
                    timestamp: PacketTimestamp(
                        seconds: 1_764_000_000 + Int64(round) + Int64(index / 1000), nanoseconds: UInt32(index % 1000) * 1_000_000),
                    data: frame, linkType: .ethernet)
            }
        }
    }

    @Test func aLiveStoreAndAFileGiveTheSameResults() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("mixed.pcap")
        let frames = AnalysisFixtures.mixedCapture()
        try AnalysisFixtures.write(frames, to: path)
        let store = PacketStore(interfaces: [CaptureInterface(name: "lo", linkType: .ethernet)])
        store.append(contentsOf: Self.packets(frames))
        let fromFile = CaptureAnalyzer(source: try CaptureFileReader(path: path))
        let fromStore = CaptureAnalyzer(source: store)
        for index in 0..<5 {
            let request = FollowRequest(.tcp, .stream(index))
            #expect(try fromStore.follow(request) == (try fromFile.follow(request)))
        }
        let request = StatisticsRequest(protocolHierarchy: true, conversations: [.tcp, .udp], endpoints: [.ipv4, .ipv6])
        let fileStatistics = try fromFile.statistics(request)
        let storeStatistics = try fromStore.statistics(request)
        #expect(storeStatistics.conversations == fileStatistics.conversations)
        #expect(storeStatistics.protocolHierarchy == fileStatistics.protocolHierarchy)
        #expect(storeStatistics.packets == frames.count)
    }

    @Test func startRunsOnABackgroundQueueReportingProgress() throws {
        let store = PacketStore()
        store.append(contentsOf: Self.packets(AnalysisFixtures.mixedCapture(), repeated: 800))
        let analyzer = CaptureAnalyzer(source: store)
        let reports = Mutex<[AnalysisProgress]>([])
        let outcome = Mutex<Result<AnalysisResult, AnalysisError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        analyzer.start(
            .statistics(StatisticsRequest(conversations: [.tcp])),
            progress: { report in
                reports.withLock { $0.append(report) }
            },
            completion: { result in
                outcome.withLock { $0 = result }
                done.signal()
            })
        // A hang guard, not a timing assertion.
        #expect(done.wait(timeout: .now() + 120) == .success)
        let result = try #require(outcome.withLock { $0 })
        guard case .success(.statistics(let statistics)) = result else { Issue.record("\(result)"); return }
        #expect(statistics.packets == store.count)
        // Each of the 800 rounds reuses the same 5-tuples: still 5 TCP conversations, 800 times the frames.
        #expect(statistics.conversations[.tcp]?.count == 5)
        let progress = reports.withLock { $0 }
        #expect(progress.count >= store.count / CaptureAnalyzer.batchSize)
        #expect(progress.map(\.packetsRead) == progress.map(\.packetsRead).sorted())
        #expect(progress.last?.packetsRead == store.count && progress.last?.fraction == 1)
    }

    @Test func aFilesProgressIsMeasuredInBytes() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("big.pcap")
        try AnalysisFixtures.write((0..<700).flatMap { _ in AnalysisFixtures.mixedCapture() }, to: path)
        let reader = try CaptureFileReader(path: path)
        var reports: [AnalysisProgress] = []
        _ = try CaptureAnalyzer(source: reader).statistics(StatisticsRequest(conversations: [.udp])) { reports.append($0) }
        #expect(reports.count >= 2)
        #expect(reports.allSatisfy { $0.bytesTotal == reader.fileSize })
        #expect(reports.map(\.fraction) == reports.map(\.fraction).sorted())
        #expect(reports.first.map { $0.fraction > 0 && $0.fraction < 1 } == true)
        #expect(reports.last?.fraction == 1 && reports.last?.packetsRead == 700 * 51)
    }

    @Test func cancellingStopsTheAnalysisWithCancelled() throws {
        let store = PacketStore()
        store.append(contentsOf: Self.packets(AnalysisFixtures.mixedCapture(), repeated: 800))
        let analyzer = CaptureAnalyzer(source: store)
        let token = AnalysisCancellation()
        var reports = 0
        #expect(throws: AnalysisError.cancelled) {
            try analyzer.run(.follow(FollowRequest(.tcp, .stream(0))), cancellation: token) { _ in
                reports += 1
                token.cancel()
            }
        }
        #expect(reports == 1)
    }

    @Test func missingStreamsAndPacketsSayWhatExists() throws {
        let store = PacketStore()
        store.append(contentsOf: Self.packets(AnalysisFixtures.mixedCapture()))
        let analyzer = CaptureAnalyzer(source: store)
        #expect(throws: AnalysisError.noSuchStream(.tcp, 9, streamCount: 5)) { try analyzer.follow(FollowRequest(.tcp, .stream(9))) }
        #expect(AnalysisError.noSuchStream(.tcp, 9, streamCount: 5).description == "no tcp stream 9: the capture has tcp streams 0 to 4")
        // Packet 1 is a TCP SYN: it has no UDP stream.
        #expect(throws: AnalysisError.packetNotInStream(.udp, packet: 1)) { try analyzer.follow(FollowRequest(.udp, .packet(1))) }
    }

    @Test func aConversationKeyFollowsItsStreamInEitherOrder() throws {
        let store = PacketStore()
        store.append(contentsOf: Self.packets(AnalysisFixtures.mixedCapture()))
        let analyzer = CaptureAnalyzer(source: store)
        let client = FlowEndpoint(address: IPAddress("10.0.0.1")!, port: 40001),
            server = FlowEndpoint(address: IPAddress("10.0.0.2")!, port: 8081)
        let byKey = try analyzer.follow(FollowRequest(.tcp, .conversation(ConversationKey(layer: .tcp, server, client))))
        #expect(byKey == (try analyzer.follow(FollowRequest(.tcp, .stream(1)))))
        let nowhere = ConversationKey(layer: .tcp, client, FlowEndpoint(address: IPAddress("10.0.0.2")!, port: 1))
        #expect(throws: AnalysisError.noSuchConversation(nowhere)) { try analyzer.follow(FollowRequest(.tcp, .conversation(nowhere))) }
        #expect(
            AnalysisError.noSuchConversation(nowhere).description.hasPrefix("no tcp conversation between 10.0.0.1:40001 and 10.0.0.2:1"))
    }

    @Test func resultsRoundTripThroughJSON() throws {
        let store = PacketStore()
        store.append(contentsOf: Self.packets(AnalysisFixtures.mixedCapture()))
        let analyzer = CaptureAnalyzer(source: store)
        let encoder = JSONEncoder(), decoder = JSONDecoder()
        for request in [
            AnalysisRequest.follow(FollowRequest(.tcp, .stream(1))),
            .statistics(StatisticsRequest(protocolHierarchy: true, conversations: Set(ConversationLayer.allCases), endpoints: [.tcp]))
        ] {
            let decodedRequest = try decoder.decode(AnalysisRequest.self, from: encoder.encode(request))
            #expect(decodedRequest == request)
            let result = try analyzer.run(request)
            #expect(try decoder.decode(AnalysisResult.self, from: encoder.encode(result)) == result)
        }
        let stream = try analyzer.follow(FollowRequest(.tcp, .stream(1)))
        let json = try #require(try JSONSerialization.jsonObject(with: encoder.encode(stream)) as? [String: Any])
        let segments = try #require(json["segments"] as? [[String: Any]])
        #expect(
            segments.first?["kind"] as? String == "data"
                && segments.first?["data_base64"] as? String == Data("first-".utf8).base64EncodedString())
        #expect(segments.contains { $0["kind"] as? String == "overlap" && $0["repeated"] as? Int == 3 })
    }

    @Test func savedStreamsHoldEachDirectionsBytesAndTheTranscriptMarksEverySegment() throws {
        let store = PacketStore()
        store.append(contentsOf: Self.packets(AnalysisFixtures.mixedCapture()))
        let stream = try CaptureAnalyzer(source: store).follow(FollowRequest(.tcp, .stream(1)))
        let directory = try TemporaryDirectory()
        let paths = try stream.saveRaw(prefix: directory.path("messy"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: paths[0])) == Data("first-second-third-fourth".utf8))
        #expect(try Data(contentsOf: URL(fileURLWithPath: paths[1])) == Data("thanks".utf8))
        let transcript = stream.transcript()
        #expect(
            transcript.hasPrefix(
                "Follow: tcp stream 1\nNode 0: 10.0.0.1:40001\nNode 1: 10.0.0.2:8081\nNode 0 sent 25 bytes\nNode 1 sent 6 bytes\n"))
        #expect(transcript.contains(">>> #15 node 0 → node 1, retransmission of 7 bytes\n"))
        #expect(transcript.contains(">>> #16 node 0 → node 1, 6 bytes (3 repeated bytes dropped)\nfourth\n"))
        #expect(transcript.contains("<<< #17 node 1 → node 0, 6 bytes\nthanks\n"))
        #expect(stream.transcript(hex: true).contains("00000000  74 68 61 6e 6b 73                                thanks\n"))
    }

    // MARK: Process matching

    /// An Ethernet / IPv4 loopback frame between two local ports.
    static func loopbackFrame(tcp: Bool, from source: UInt16, to destination: UInt16, flags: UInt8 = 0x18) -> [UInt8] {
        let local: [UInt8] = [127, 0, 0, 1]
        let transport =
            tcp
            ? Fixtures.tcp(local, local, ports: (source, destination), flags: flags, Array("x".utf8))
            : Fixtures.udp(local, local, ports: (source, destination), Array("x".utf8))
        return Fixtures.ethernet(type: 0x0800, Fixtures.ipv4(local, local, protocol: tcp ? 6 : 17, transport))
    }

    static func flow(_ frame: [UInt8]) -> PacketFlow { frame.withUnsafeBytes { PacketFlow.extract($0, linkType: .ethernet) } }

    @Test func packetsOnLoopbackAreMatchedToTheProcessesAtBothEnds() throws {
        let listener = try Socket(family: .inet, type: .stream)
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen()
        let client = try Socket(family: .inet, type: .stream)
        try client.connect(try listener.localAddress())
        let (server, _) = try listener.accept()
        let udp = try Socket(family: .inet, type: .datagram)
        try udp.bind(host: "127.0.0.1", port: 0)
        let listenPort = try #require(try listener.localAddress().port), clientPort = try #require(try client.localAddress().port)
        let udpPort = try #require(try udp.localAddress().port)
        let matcher = ProcessMatcher(snapshot: SocketTable().snapshot(SocketQuery(kinds: [.tcp, .udp], processes: true, tcpInfo: false)))
        let pid = getpid()
        // Client → server on the established connection: both ends are this process.
        let data = matcher.owners(of: Self.flow(Self.loopbackFrame(tcp: true, from: clientPort, to: listenPort)))
        #expect(data.source.contains { $0.pid == pid && $0.fileDescriptor == client.fileDescriptor })
        #expect(data.destination.contains { $0.pid == pid && $0.fileDescriptor == server.fileDescriptor })
        // A SYN from a port with no socket to the listener: only the listener is known.
        let syn = matcher.owners(of: Self.flow(Self.loopbackFrame(tcp: true, from: 1, to: listenPort, flags: 0x02)))
        #expect(syn.source.isEmpty)
        #expect(syn.destination.contains { $0.pid == pid && $0.fileDescriptor == listener.fileDescriptor })
        // A datagram to the bound UDP socket.
        let datagram = matcher.owners(of: Self.flow(Self.loopbackFrame(tcp: false, from: 2, to: udpPort)))
        #expect(datagram.destination.contains { $0.pid == pid && $0.fileDescriptor == udp.fileDescriptor })
        // UDP to the TCP listener's port is another protocol: no owner.
        #expect(
            matcher.owners(of: Self.flow(Self.loopbackFrame(tcp: false, from: 2, to: listenPort))).destination.allSatisfy {
                $0.fileDescriptor != listener.fileDescriptor
            })
        try client.close(); try server.close(); try listener.close(); try udp.close()
    }

    @Test func refreshingPicksUpSocketsOpenedLater() throws {
        let matcher = ProcessMatcher()
        let udp = try Socket(family: .inet, type: .datagram)
        try udp.bind(host: "127.0.0.1", port: 0)
        let port = try #require(try udp.localAddress().port)
        let frame = Self.loopbackFrame(tcp: false, from: 2, to: port)
        #expect(matcher.owners(of: Self.flow(frame)).isEmpty)
        let handle = matcher.startRefreshing(table: SocketTable(), every: 0.1)
        defer { handle.cancel() }
        // Poll for the condition (hang guard 30 s), not a timing assertion.
        var found = false
        for _ in 0..<3000 where !found {
            found = matcher.owners(of: Self.flow(frame)).destination.contains { $0.fileDescriptor == udp.fileDescriptor }
            if !found { usleep(10_000) }
        }
        #expect(found)
        #expect(matcher.snapshotTime > 0)
        try udp.close()
    }

    @Test(arguments: [
        ("::ffff:127.0.0.1", "127.0.0.1"), ("*", nil), ("0.0.0.0", nil), ("::", nil), ("fe80::1%lo", "fe80::1"), ("/run/x.sock", nil)
    ])
    func socketTableAddressesAreNormalised(text: String, expected: String?) {
        #expect(ProcessMatcher.address(text)?.description == expected)
    }
}
