import Foundation
import Synchronization
import Testing
import SocketKit
import SocktuiTestSupport
@testable import Inspect
#if canImport(Glibc)
    import Glibc
#endif

/// Frames are written by `JSONStreamEncoder` and read by `JSONStreamDecoder`: each frame kind reads
/// back as it was, and holds the same JSON values as Foundation's `JSONEncoder` writes (snake_case).
@Suite(.serialized) struct AgentFrameEncodingTests {
    /// A table row as the agent sends it with owners and tcp_info.
    static func entry(_ index: Int) -> SocketEntry {
        var info = TCPInfo()
        info.state = TCPState(rawValue: 1)
        info.rtt = UInt32(1000 + index)
        info.rttVariance = 500
        info.sendCongestionWindow = 10
        info.sendMSS = 65_483
        info.pacingRate = UInt64.max
        info.byteCount = 9
        return SocketEntry(
            kind: .tcp, family: index % 2 == 0 ? .inet : .inet6, state: "ESTAB",
            local: SocketEndpoint(address: index % 2 == 0 ? "127.0.0.1" : "::1", port: 40_000 + index),
            remote: SocketEndpoint(address: index % 2 == 0 ? "127.0.0.1" : "::1", port: 443), receiveQueue: 0, sendQueue: UInt32(index),
            inode: UInt32(100_000 + index), cookie: UInt64(index) << 40 | 7, uid: 0, interfaceIndex: 0,
            tcp: TCPDetails(timer: "keepalive", timerExpiresMilliseconds: 7_200_000, congestionControl: "cubic", info: info),
            owners: [SocketOwner(pid: 4242, command: "nginx: \"worker\"\\\t/ é 😀", fileDescriptor: Int32(index + 3), uid: 33)])
    }

    /// Doubles at the edges of their text forms (shortest round trip, exponents, whole values
    /// near and over 2^53, the smallest subnormal).
    static let doubles: [Double] = [
        0, -0.0, 0.1, 1.5, -2.25, 1e-7, 123_456_789.123_456_78, 1e15, 1e15 + 1, 999_999_999_999_999, 9_007_199_254_740_993, 1e21, 1e300,
        -1e-300, 5e-324, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, .pi, 1_765_100_000.123_456
    ]

    static func changes(takenAt: Double, elapsed: Double) -> SocketChanges {
        let snapshot = SocketSnapshot(
            entries: (0..<3).map(entry), sources: ["tcp": "netlink", "udp": "proc"], warnings: ["a \"warning\"\n", ""],
            hiddenProcesses: 2, takenAt: takenAt, elapsed: elapsed)
        return SocketChanges(generation: .max, base: nil, snapshot: snapshot)
    }

    /// Frames of every kind with hand-made values (the live ones come from the engines below).
    static func madeFrames() -> [AgentFrame] {
        var frames: [AgentFrame] = [
            .hello(AgentServer.localHello()),
            .hello(AgentHello(software: "socktui \u{1}\u{1f}\u{7f}", role: "client")),
            .request(id: 0, request: .ping),
            .request(id: .max, request: .socketChanges(SocketQuery(kinds: [.tcp, .udp], processes: true, tcpInfo: true), since: .max)),
            .request(id: 3, request: .socketChanges(SocketQuery(kinds: Set(SocketKind.allCases)), since: nil)),
            .request(id: 4, request: .sockets(SocketQuery(kinds: [.unixStream], listeningOnly: true))),
            .request(id: 5, request: .interfaces),
            .event(id: 6, reply: .captureChunk(CaptureChunk(pcapng: Data(), packets: 0, kernel: KernelCaptureStatistics()))),
            .event(
                id: 6,
                reply: .captureChunk(
                    CaptureChunk(pcapng: Data((0..<257).map { UInt8($0 & 0xff) }), packets: 3, kernel: KernelCaptureStatistics()))),
            .response(
                id: 6,
                reply: .captureEnded(CaptureSummary(delivered: .max, kernel: KernelCaptureStatistics(), unread: 0, reason: "stopped"))),
            .response(
                id: 7,
                reply: .sockets(
                    SocketSnapshot(entries: (0..<5).map(entry), sources: [:], warnings: [], hiddenProcesses: 0, takenAt: 0, elapsed: 0))),
            .response(id: 8, reply: .cancelled),
            .response(id: 8, reply: .pong),
            .cancel(id: 9),
            .error(AgentError(.unknownFrame, "</script> \"quoted\" \\ back\u{0}slash", id: .max, frame: .max)),
            .error(AgentError(.failed, ""))
        ]
        // A table's chunk as written to a protocol 4 client, and packed (`info_values`) for protocol 5.
        var chunk = TableChunk(id: 10, index: 0, last: true, list: .entries, rows: (0..<3).map(entry))
        frames.append(.chunk(chunk))
        chunk.packsTCPInfo = true
        frames.append(.chunk(chunk))
        for (index, value) in doubles.enumerated() {
            frames.append(.request(id: UInt64(index), request: .watchSockets(SocketQuery(kinds: [.tcp]), interval: value)))
            frames.append(.event(id: UInt64(index), reply: .socketChanges(changes(takenAt: value, elapsed: -value))))
        }
        return frames
    }

    /// Frames of every reply kind the engines give for this host (sockets with owners and tcp_info,
    /// options, resolver, a connection test's events and result, interfaces), through the values
    /// transport (no encoding on the way).
    static func liveFrames() throws -> [AgentFrame] {
        let (listener, port) = try loopbackListener()
        defer { try? listener.close() }
        let client = AgentClient(transport: LocalTransport(label: "here"))
        defer { client.close() }
        var frames: [AgentFrame] = [.hello(try client.connect())]
        let requests: [AgentRequest] = [
            .ping,
            .resolve(.addressInfo(host: "127.0.0.1", service: "80", family: .inet, type: .stream, protocol: 0, flags: [.numericHost])),
            .resolve(.hostName),
            .sockets(SocketQuery(kinds: [.tcp, .udp, .unixStream], processes: true, tcpInfo: true)),
            .socketChanges(SocketQuery(kinds: [.tcp], processes: true, tcpInfo: true), since: nil),
            .socketOptions(.descriptor(pid: getpid(), fd: listener.fileDescriptor)),
            .connTest(.connect(ConnectRequest(host: "127.0.0.1", port: port))),
            .interfaces
        ]
        for (index, request) in requests.enumerated() {
            let events = EventLog<AgentReply>()
            let reply = try client.call(request, event: events.append)
            frames.append(.request(id: UInt64(index), request: request))
            frames += events.events.map { .event(id: UInt64(index), reply: $0) }
            frames.append(.response(id: UInt64(index), reply: reply))
        }
        return frames
    }

    @Test func everyFrameReadsBackAsFoundationsEncodingDid() throws {
        let frames = try Self.madeFrames() + Self.liveFrames()
        var kinds = Set<String>()
        for frame in frames {
            let bytes = try AgentFrameCodec.encode(frame)
            let body = Array(bytes.dropFirst(4))
            let length = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
            #expect(length == body.count)
            #expect(try AgentFrameCodec.decode(body) == frame, "\(String(decoding: body.prefix(300), as: UTF8.self))")
            // The same JSON values as Foundation's encoding, key for key (order and spelling of
            // numbers aside).
            let foundation = try Self.foundationEncoder.encode(frame)
            let ours = try JSONSerialization.jsonObject(with: Data(body)) as? NSDictionary
            let theirs = try JSONSerialization.jsonObject(with: foundation) as? NSDictionary
            #expect(ours != nil && ours == theirs, "\(String(decoding: body.prefix(300), as: UTF8.self))")
            if case .event(_, let reply) = frame { kinds.insert("event." + Self.kind(reply)) }
            if case .response(_, let reply) = frame { kinds.insert(Self.kind(reply)) }
        }
        // Every reply kind but the capture's live chunks (those need CAP_NET_RAW) came from an engine
        // or is in the made list.
        #expect(
            kinds.isSuperset(of: [
                "pong", "resolved", "sockets", "socketChanges", "socketOptions", "testFinished", "event.testProgress", "interfaces",
                "captureEnded", "event.captureChunk", "cancelled"
            ]), "\(kinds.sorted())")
    }

    /// Foundation's encoder set to socktui's conventions (snake_case keys, dates since 1970).
    static var foundationEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .secondsSince1970
        return encoder
    }

    /// Every frame kind, made and live (both directions of real exchanges with an agent over a
    /// pipe), validates against docs/schema's `agent_frame` by scripts/validate-json: snake_case
    /// keys, every union a `"kind"` object, no `_0`.
    @Test func everyFrameMatchesTheDocumentedSchema() throws {
        let frames = try Self.madeFrames() + Self.liveFrames()
        let lines = try frames.map { String(decoding: try AgentFrameCodec.encode($0).dropFirst(4), as: UTF8.self) }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let script = root.appendingPathComponent("scripts/validate-json").path
        let result = try runTool("/usr/bin/env", ["python3", script, "--lines", "agent_frame"], input: lines.joined(separator: "\n"))
        try #require(result.status != 2, "scripts/validate-json needs the jsonschema package: \(result.err)")
        #expect(result.status == 0, "\(result.out)\(result.err)")
        #expect(lines.allSatisfy { !$0.contains("\"_0\"") })
        if let path = ProcessInfo.processInfo.environment["SOCKTUI_DUMP_FRAMES"] {
            try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    static func kind(_ reply: AgentReply) -> String {
        String(String(describing: reply).prefix { $0 != "(" })
    }

    /// Foundation's encoder refused NaN and infinities (the sender then sent an error frame for the
    /// request instead); the stream encoder refuses them the same way, not as a `null` the peer's
    /// decoder would reject as an invalid frame.
    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteNumbersAreRefusedAsFoundationRefusedThem(value: Double) {
        let frame = AgentFrame.request(id: 1, request: .watchSockets(SocketQuery(kinds: [.tcp]), interval: value))
        #expect(throws: (any Error).self) { try JSONEncoder().encode(frame) }
        var bytes: [UInt8] = [9, 9]
        do {
            try AgentFrameCodec.encode(frame, appendingTo: &bytes)
            Issue.record("encoded \(value)")
        } catch {
            #expect(error.code == .failed)
            #expect(error.message.hasPrefix("cannot encode frame: \(value) is not a number JSON can carry"), "\(error.message)")
        }
        #expect(bytes == [9, 9], "a refused frame leaves the buffer as it was")
    }

    /// What a peer gets when a reply cannot be written: an error frame for its request naming why
    /// (a non-finite number, or a frame over the limit), and the link goes on.
    @Test func aReplyThatCannotBeWrittenIsAnsweredWithAnErrorFrameForItsRequest() throws {
        let pipe = try makePipe()
        defer { close(pipe.read) }
        let writer = FrameWriter(fd: pipe.write, maxFrameSize: 4096)
        #expect(writer.send(.event(id: 5, reply: .socketChanges(Self.changes(takenAt: .nan, elapsed: 0)))))
        #expect(
            writer.send(
                .response(
                    id: 6,
                    reply: .sockets(
                        SocketSnapshot(
                            entries: (0..<100).map(Self.entry), sources: [:], warnings: [], hiddenProcesses: 0, takenAt: 0, elapsed: 0)))))
        #expect(writer.send(.response(id: 7, reply: .pong)))
        close(pipe.write)
        var decoder = FrameDecoder()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var frames: [AgentFrame] = []
        while true {
            let count = read(pipe.read, &chunk, chunk.count)
            if count <= 0 { break }
            decoder.append(Array(chunk[0..<count]))
            while case .frame(let body, _) = decoder.next() { frames.append(try AgentFrameCodec.decode(body)) }
        }
        #expect(decoder.pendingBytes == 0)
        #expect(frames.count == 3)
        guard frames.count == 3, case .error(let nan) = frames[0], case .error(let big) = frames[1] else {
            Issue.record("\(frames)")
            return
        }
        #expect(
            nan.id == 5 && nan.code == .failed
                && nan.message
                    == "reply not sent: cannot encode frame: nan is not a number JSON can carry (NaN and infinities have no JSON form)"
        )
        #expect(
            big.id == 6 && big.code == .oversized && big.message.hasPrefix("reply not sent: frame of ")
                && big.message.hasSuffix("exceeds the 4096-byte limit"))
        #expect(frames[2] == .response(id: 7, reply: .pong))
    }

    /// Frames appended one after another into one buffer, each with its own length prefix.
    @Test func framesAppendedIntoOneBufferSplitBackIntoTheSameFrames() throws {
        let frames = Self.madeFrames()
        var bytes: [UInt8] = []
        for frame in frames { try AgentFrameCodec.encode(frame, appendingTo: &bytes) }
        var decoder = FrameDecoder()
        decoder.append(bytes)
        var decoded: [AgentFrame] = []
        while case .frame(let body, _) = decoder.next() { decoded.append(try AgentFrameCodec.decode(body)) }
        #expect(decoded == frames)
        #expect(decoder.pendingBytes == 0)
    }

    /// A date field, should a frame ever carry one: Foundation's decoder reads seconds since 2001.
    @Test func datesAreWrittenAsFoundationsDecoderReadsThem() throws {
        struct Stamp: Codable, Equatable { var at: Date; var blob: Data }
        for value in [
            Stamp(at: Date(timeIntervalSince1970: 1_765_100_000.25), blob: Data([0xff, 0, 1])), Stamp(at: .distantPast, blob: Data())
        ] {
            let bytes = try JSONStreamEncoder.foundationCompatible.encode(value)
            #expect(try JSONDecoder().decode(Stamp.self, from: Data(bytes)) == value)
        }
    }
}
