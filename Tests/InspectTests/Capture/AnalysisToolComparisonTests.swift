import Foundation
import Testing
import SocktuiTestSupport
import SocketKit
@testable import Inspect

/// The analysis engines against tshark on the same files: follow stream payloads (`-z follow,…,raw`),
/// conversations (`-z conv,…`), endpoints (`-z endpoints,ip`), the protocol hierarchy (`-z io,phs`)
/// and reassembled DNS names (`-T fields -e dns.qry.name`), on pcaps built here and on loopback
/// traffic captured here with `tcpdump -i lo -w` (root, like CI).
@Suite(.enabled(if: TestBinary.have("tshark", "tcpdump"), "needs tshark and tcpdump (apt-get install tshark tcpdump)"))
struct AnalysisToolComparisonTests {
    static let tshark = ToolComparisonTests.tshark

    // MARK: tshark's output, parsed

    /// tshark's `follow,PROTO,raw,N`: each node's bytes and the chunks in order (sender, bytes).
    static func tsharkFollow(
        _ path: String, _ transport: TransportProtocol, _ stream: Int
    ) throws -> (nodes: [String], chunks: [(Int, [UInt8])]) {
        let result = try runTool(tshark, ["-r", path, "-q", "-z", "follow,\(transport.rawValue),raw,\(stream)"])
        try #require(result.status == 0, "tshark failed: \(result.err)")
        var nodes: [String] = [], chunks: [(Int, [UInt8])] = []
        var body = false
        for line in result.out.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("Node ") { nodes.append(String(line.split(separator: " ").last ?? "")); body = true; continue }
            guard body, !line.hasPrefix("====="), !line.isEmpty else { continue }
            let sender = line.hasPrefix("\t") ? 1 : 0
            let hex = Array(line.trimmingCharacters(in: .whitespaces).utf8)
            var bytes: [UInt8] = []
            var index = 0
            while index + 1 < hex.count {
                bytes.append(UInt8(String(decoding: hex[index..<(index + 2)], as: UTF8.self), radix: 16) ?? 0)
                index += 2
            }
            chunks.append((sender, bytes))
        }
        return (nodes, chunks)
    }

    /// One conversation row: "A B framesAB bytesAB framesBA bytesBA" (bytes "?" when tshark abbreviated them as kB).
    static func tsharkConversations(_ path: String, _ layer: ConversationLayer, filter: String? = nil) throws -> Set<String> {
        let result = try runTool(tshark, ["-r", path, "-q", "-z", "conv,\(layer.rawValue)" + (filter.map { ",\($0)" } ?? "")])
        try #require(result.status == 0, "tshark failed: \(result.err)")
        var rows = Set<String>()
        for line in result.out.split(separator: "\n") where line.contains("<->") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            // A <-> B  framesBA bytesBA unit  framesAB bytesAB unit  total… : "<-" is B→A, "->" is A→B.
            guard f.count >= 9 else { continue }
            let bytesBA = f[5] == "bytes" ? f[4] : "?", bytesAB = f[8] == "bytes" ? f[7] : "?"
            rows.insert("\(f[0]) \(f[2]) \(f[6]) \(bytesAB) \(f[3]) \(bytesBA)")
        }
        return rows
    }

    /// The same rows from socktui's statistics, in tshark's address form (`::1:80`, no brackets).
    static func ourConversations(_ statistics: CaptureStatistics, _ layer: ConversationLayer, abbreviated: Set<String> = []) -> Set<String>
    {
        Set(
            (statistics.conversations[layer] ?? []).map { c in
                func name(_ endpoint: FlowEndpoint) -> String {
                    endpoint.port == 0 && (layer == .ipv4 || layer == .ipv6)
                        ? "\(endpoint.address)" : "\(endpoint.address):\(endpoint.port)"
                }
                return
                    "\(name(c.a)) \(name(c.b)) \(c.framesAToB) \(c.bytesAToB >= 10_000 ? "?" : String(c.bytesAToB)) \(c.framesBToA) \(c.bytesBToA >= 10_000 ? "?" : String(c.bytesBToA))"
            })
    }

    /// tshark's `endpoints,ip` rows: "address packets bytes tx rxPackets…".
    static func tsharkEndpoints(_ path: String, _ layer: ConversationLayer) throws -> Set<String> {
        let result = try runTool(tshark, ["-r", path, "-q", "-z", "endpoints,\(layer.rawValue)"])
        try #require(result.status == 0, "tshark failed: \(result.err)")
        let lines = result.out.split(separator: "\n")
        guard let header = lines.firstIndex(where: { $0.contains("Packets") }) else { return [] }
        return Set(lines[(header + 1)...].filter { !$0.hasPrefix("=") }.map { $0.split(separator: " ").joined(separator: " ") })
    }

    /// tshark's protocol hierarchy as "path frames bytes" lines (`eth/ip/tcp 10 694`).
    static func tsharkHierarchy(_ path: String) throws -> [String] {
        let result = try runTool(tshark, ["-r", path, "-q", "-z", "io,phs"])
        try #require(result.status == 0, "tshark failed: \(result.err)")
        var stack: [String] = []
        var rows: [String] = []
        for line in result.out.split(separator: "\n") where line.contains("frames:") {
            let depth = line.prefix { $0 == " " }.count / 2
            let parts = line.split(separator: " ")
            stack = Array(stack.prefix(depth)) + [String(parts[0])]
            rows.append("\(stack.joined(separator: "/")) \(parts[1].dropFirst(7)) \(parts[2].dropFirst(6))")
        }
        return rows
    }

    static func ourHierarchy(_ nodes: [ProtocolHierarchyNode], prefix: String = "") -> [String] {
        nodes.flatMap { node in
            let path = prefix.isEmpty ? node.name : "\(prefix)/\(node.name)"
            return ["\(path) \(node.frames) \(node.bytes)"] + ourHierarchy(node.children, prefix: path)
        }
    }

    /// Compares follow output for every stream of `transport` in `path`; returns the number compared.
    @discardableResult
    static func compareFollow(
        _ path: String, _ transport: TransportProtocol, streams: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Int {
        let analyzer = CaptureAnalyzer(source: try CaptureFileReader(path: path))
        for index in 0..<streams {
            let ours = try analyzer.follow(FollowRequest(transport, .stream(index)))
            let theirs = try tsharkFollow(path, transport, index)
            #expect(ours.nodes.map(\.description) == theirs.nodes, "stream \(index) nodes", sourceLocation: sourceLocation)
            for sender in 0..<2 {
                let expected = theirs.chunks.filter { $0.0 == sender }.flatMap(\.1)
                #expect(
                    ours.bytes(from: sender) == expected,
                    "\(transport) stream \(index) node \(sender): socktui \(String(decoding: ours.bytes(from: sender), as: UTF8.self).debugDescription), tshark \(String(decoding: expected, as: UTF8.self).debugDescription)",
                    sourceLocation: sourceLocation)
            }
        }
        return streams
    }

    // MARK: Hand-built capture

    @Test func followedStreamsEqualTsharksRawFollowOutput() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("mixed.pcap")
        try AnalysisFixtures.write(AnalysisFixtures.mixedCapture(), to: path)
        // tcp: the plain, messy, IPv6, wrapping and DNS streams; udp: ping/pong and the two fragmented datagrams.
        try Self.compareFollow(path, .tcp, streams: 5)
        try Self.compareFollow(path, .udp, streams: 3)
        let messy = try CaptureAnalyzer(source: try CaptureFileReader(path: path)).follow(FollowRequest(.tcp, .stream(1)))
        #expect(String(decoding: messy.bytes(from: 0), as: UTF8.self) == "first-second-third-fourth")
        #expect(messy.segments.map(\.kind).contains(.retransmission))
        #expect(messy.segments.map(\.kind).contains(.overlap(repeated: 3)))
        // Following by a packet of the stream (packet 12: the out-of-order "third-") gives the same stream.
        let byPacket = try CaptureAnalyzer(source: try CaptureFileReader(path: path)).follow(FollowRequest(.tcp, .packet(12)))
        #expect(byPacket == messy)
    }

    @Test func conversationsAndEndpointsEqualTsharks() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("mixed.pcap")
        try AnalysisFixtures.write(AnalysisFixtures.mixedCapture(), to: path)
        let statistics = try CaptureAnalyzer(source: try CaptureFileReader(path: path))
            .statistics(StatisticsRequest(conversations: Set(ConversationLayer.allCases), endpoints: [.ipv4]))
        for layer in ConversationLayer.allCases {
            let theirs = try Self.tsharkConversations(path, layer)
            #expect(!theirs.isEmpty)
            #expect(Self.ourConversations(statistics, layer) == theirs, "conv,\(layer.rawValue)")
        }
        let endpoints = Set(
            (statistics.endpoints[.ipv4] ?? []).map {
                "\($0.endpoint.address) \($0.frames) \($0.bytes) \($0.txFrames) \($0.txBytes) \($0.rxFrames) \($0.rxBytes)"
            })
        #expect(endpoints == (try Self.tsharkEndpoints(path, .ipv4)))
        #expect(statistics.reassembly.datagramsReassembled == 2)
    }

    /// `read -Y EXPR --stats conv,…` counts only the packets EXPR matches: tshark's
    /// `-z conv,LAYER,EXPR` (tshark's own -Y leaves -z tables whole). The filter sees each frame
    /// as captured: unlike tshark it does not see a datagram reassembled from IP fragments or a
    /// PDU reassembled from TCP segments, so these filters name nothing that only those carry.
    @Test(arguments: ["tcp", "tcp.port in {8080,8081}", "ip.addr == 10.0.0.1 && !tcp", "udp.port == 50001 || icmp"])
    func conversationsLimitedToADisplayFilterEqualTsharksFilteredTables(filter: String) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("mixed.pcap")
        try AnalysisFixtures.write(AnalysisFixtures.mixedCapture(), to: path)
        let analyzer = CaptureAnalyzer(source: try CaptureFileReader(path: path), filter: try PacketFilter(filter))
        let statistics = try analyzer.statistics(StatisticsRequest(conversations: [.ipv4, .tcp, .udp]))
        for layer in [ConversationLayer.ipv4, .tcp, .udp] {
            let theirs = try Self.tsharkConversations(path, layer, filter: filter)
            #expect(Self.ourConversations(statistics, layer) == theirs, "conv,\(layer.rawValue),\(filter)")
        }
    }

    @Test func protocolHierarchyEqualsTsharksForTheDecodedLayers() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("mixed.pcap")
        try AnalysisFixtures.write(AnalysisFixtures.mixedCapture(), to: path)
        let statistics = try CaptureAnalyzer(source: try CaptureFileReader(path: path)).statistics(
            StatisticsRequest(protocolHierarchy: true))
        let ours = Self.ourHierarchy(try #require(statistics.protocolHierarchy))
        let theirs = try Self.tsharkHierarchy(path)
        // Only paths made of protocols socktui decodes (tshark also names http, tls and more on port 443/8080).
        let known: Set<String> = ["eth", "ip", "ipv6", "tcp", "udp", "dns", "data", "arp", "icmp", "icmpv6"]
        let comparable = theirs.filter { $0.split(separator: " ")[0].split(separator: "/").allSatisfy { known.contains(String($0)) } }
        #expect(comparable.count >= 8)
        for row in comparable { #expect(ours.contains(row), "tshark: \(row); socktui: \(ours)") }
    }

    @Test func reassembledDNSNamesAreOnThePacketsTsharkPutsThemOn() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("mixed.pcap")
        let frames = AnalysisFixtures.mixedCapture()
        try AnalysisFixtures.write(frames, to: path)
        let result = try runTool(Self.tshark, ["-r", path, "-T", "fields", "-e", "dns.qry.name"])
        try #require(result.status == 0)
        let theirs = result.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        var dissector = ReassemblingDissector(options: DissectorOptions(detail: true))
        var ours: [String] = []
        let reader = try CaptureFileReader(path: path)
        reader.forEachPacket { record in
            let packet = dissector.dissect(
                PacketReference(
                    index: record.index, timestamp: record.header.timestamp, originalLength: record.header.originalLength,
                    linkType: record.interface.linkType, bytes: record.bytes))
            ours.append(packet.dissection.allFields("dns.qry.name").map(\.value).joined(separator: ","))
            return true
        }
        #expect(ours.count == frames.count)
        #expect(ours == theirs)
        // The names come from reassembly: the IPv4 and IPv6 fragment sets and the two DNS-over-TCP messages.
        #expect(Set(ours.filter { !$0.isEmpty }) == ["frag4.example.com", "frag6.example.com", "tcp.example.org"])
        #expect(dissector.counters.datagramsReassembled == 2 && dissector.counters.dnsMessagesReassembled == 2)
    }

    @Test func streamIndexesEqualTsharksIncludingAReusedPort() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("reuse.pcap")
        // The same 5-tuple twice: a second connection with a new initial sequence number after the first closed.
        let a = AnalysisFixtures.Side(ip: Fixtures.ipA, port: 43210), b = AnalysisFixtures.Side(ip: Fixtures.ipB, port: 9999)
        let frames =
            AnalysisFixtures.mixedCapture()
            + AnalysisFixtures.conversation(a, b, clientISN: 100, serverISN: 200, request: Array("one".utf8), response: Array("1".utf8))
            + AnalysisFixtures.conversation(
                a, b, clientISN: 900_000, serverISN: 800_000, request: Array("two".utf8), response: Array("2".utf8))
        try AnalysisFixtures.write(frames, to: path)
        let result = try runTool(Self.tshark, ["-r", path, "-T", "fields", "-e", "tcp.stream", "-e", "udp.stream"])
        try #require(result.status == 0)
        let theirs = result.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        var pass = AnalysisPass()
        var ours: [String] = []
        try CaptureFileReader(path: path).forEachPacket { record in
            let analyzed = pass.next(
                PacketReference(
                    index: record.index, timestamp: record.header.timestamp, originalLength: record.header.originalLength,
                    linkType: record.interface.linkType, bytes: record.bytes))
            let stream = analyzed.stream.map(String.init) ?? ""
            ours.append(analyzed.flow.transport?.protocolKind == .udp ? "\t" + stream : stream + "\t")
            return true
        }
        #expect(ours == theirs)
        #expect(pass.streams.tcpCount == 7)
    }

    // MARK: Loopback traffic captured by tcpdump

    /// Captures the traffic `traffic` sends on lo matching `filter` with tcpdump, until a marker
    /// datagram sent afterwards to `markerPort` is in the file.
    static func captureLoopback(to path: String, filter: String, markerPort: UInt16, marker: Socket, traffic: () throws -> Void) throws {
        let process = try ChildProcess(
            [ToolComparisonTests.tcpdump, "-i", "lo", "-U", "--immediate-mode", "-w", path, "(\(filter)) or udp port \(markerPort)"],
            stdout: .null, stderr: .pipe)
        defer { process.signal(SIGKILL); process.wait() }
        let errors = LineReader(process.stderr!)
        let banner = errors.waitFor(timeout: 30) { $0.contains("listening on") }
        try #require(banner?.contains("listening on lo") == true, "tcpdump did not start (root is needed): \(errors.text)")
        try traffic()
        // tcpdump writes packets in order (-U flushes each): once the marker is in the file, so is the traffic.
        for _ in 0..<3000 {
            _ = try marker.sendTo(Array("marker".utf8), to: try marker.localAddress())
            let packets = (try? CaptureFileReader(path: path))?.packets(in: 0..<100_000) ?? []
            let arrived = packets.contains { packet in
                packet.data.withUnsafeBytes { PacketFlow.extract($0, linkType: packet.linkType).transport?.destinationPort == markerPort }
            }
            if arrived { return }
            usleep(10_000)
        }
        Issue.record("the marker datagram never reached the capture file")
    }

    /// Sends one 2,700-byte DNS response over UDP to 127.0.0.1 and to ::1 (the kernel fragments both at MTU 1280).
    static let fragmentingSender = """
        import socket, struct
        def name(text): return b"".join(bytes([len(p)]) + p.encode() for p in text.split(".")) + b"\\0"
        def response(qname, ident):
            body = struct.pack("!HHHHHH", ident, 0x8180, 1, 10, 0, 0) + name(qname) + struct.pack("!HH", 16, 1)
            for i in range(10):
                body += b"\\xc0\\x0c" + struct.pack("!HHIH", 16, 1, 60, 256) + bytes([255]) + bytes([97 + i]) * 255
            return body
        for family, host, qname in ((socket.AF_INET, "127.0.0.1", "big4.example.net"), (socket.AF_INET6, "::1", "big6.example.net")):
            receiver = socket.socket(family, socket.SOCK_DGRAM)
            receiver.bind((host, 53))  # a listener, so no port-unreachable error joins the capture
            s = socket.socket(family, socket.SOCK_DGRAM)
            s.sendto(response(qname, 0x4444), (host, 53))
            receiver.recv(65536)
        """

    @Test(.enabled(if: TestBinary.isRoot && TestBinary.have("ip"), "needs root and iproute2 (a network namespace, capture on lo)"))
    func kernelFragmentedDNSResponsesDecodeAsInTshark() throws {
        // A namespace of our own whose loopback has the IPv6 minimum MTU, so the kernel fragments.
        let namespace = "socktui-frag-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let ip = "/usr/sbin/ip"
        try #require(try runTool(ip, ["netns", "add", namespace]).status == 0, "ip netns add needs root")
        defer { _ = try? runTool(ip, ["netns", "delete", namespace]) }
        try #require(try runTool(ip, ["netns", "exec", namespace, ip, "link", "set", "lo", "mtu", "1280", "up"]).status == 0)
        let directory = try TemporaryDirectory()
        let path = directory.path("fragments.pcap")
        // 3 IPv4 and 3 IPv6 fragments; nothing else runs in the namespace.
        try ToolComparisonTests.captureLoopback(to: path, count: 6, filter: "ip or ip6", namespace: namespace) {
            let sent = try runTool(ip, ["netns", "exec", namespace, "/usr/bin/python3", "-c", Self.fragmentingSender])
            #expect(sent.status == 0, "\(sent.err)")
        }
        let result = try runTool(Self.tshark, ["-r", path, "-T", "fields", "-e", "dns.qry.name"])
        let theirs = result.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        var dissector = ReassemblingDissector(options: DissectorOptions(detail: true))
        var ours: [String] = []
        try CaptureFileReader(path: path).forEachPacket { record in
            let packet = dissector.dissect(
                PacketReference(
                    index: record.index, timestamp: record.header.timestamp, originalLength: record.header.originalLength,
                    linkType: record.interface.linkType, bytes: record.bytes))
            ours.append(packet.dissection.allFields("dns.qry.name").map(\.value).joined(separator: ","))
            return true
        }
        #expect(ours == theirs)
        #expect(Set(ours.filter { !$0.isEmpty }) == ["big4.example.net", "big6.example.net"])
        #expect(dissector.counters.datagramsReassembled == 2)
    }

    @Test(.enabled(if: TestBinary.isRoot, "capturing on lo needs root"))
    func loopbackConversationsFollowAndCountAsInTshark() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("lo.pcap")
        let listener = try Socket(family: .inet, type: .stream)
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen()
        let tcpPort = try #require(try listener.localAddress().port)
        let udpServer = try Socket(family: .inet, type: .datagram)
        try udpServer.bind(host: "127.0.0.1", port: 0)
        let udpPort = try #require(try udpServer.localAddress().port)
        let marker = try Socket(family: .inet, type: .datagram)
        try marker.bind(host: "127.0.0.1", port: 0)
        let markerPort = try #require(try marker.localAddress().port)
        let request = Array((0..<3000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        try Self.captureLoopback(to: path, filter: "tcp port \(tcpPort) or udp port \(udpPort)", markerPort: markerPort, marker: marker) {
            for round in 0..<2 {
                let client = try Socket(family: .inet, type: .stream)
                try client.connect(host: "127.0.0.1", port: Int(tcpPort))
                let (server, _) = try listener.accept()
                try client.sendAll(Array("hello \(round)\n".utf8))
                try client.sendAll(request)
                var received = 0
                while received < request.count + 8 { received += try server.recv(65536).count }
                try server.sendAll(Array("reply \(round)\n".utf8))
                _ = try client.recv(4096)
                try client.close()
                try server.close()
            }
            let udpClient = try Socket(family: .inet, type: .datagram)
            try udpClient.connect(host: "127.0.0.1", port: Int(udpPort))
            for text in ["one", "two", "three"] { _ = try udpClient.send(Array(text.utf8)); _ = try udpServer.recvFrom(100) }
            try udpClient.close()
        }
        let analyzer = CaptureAnalyzer(source: try CaptureFileReader(path: path))
        try Self.compareFollow(path, .tcp, streams: 2)
        try Self.compareFollow(path, .udp, streams: 1)
        let first = try analyzer.follow(FollowRequest(.tcp, .stream(0)))
        #expect(first.bytes(from: 0) == Array("hello 0\n".utf8) + request)
        #expect(first.bytes(from: 1) == Array("reply 0\n".utf8))
        // The marker is a conversation of its own in both tools' tables.
        let statistics = try analyzer.statistics(StatisticsRequest(conversations: [.tcp, .udp, .ipv4]))
        for layer in [ConversationLayer.tcp, .udp, .ipv4] {
            #expect(Self.ourConversations(statistics, layer) == (try Self.tsharkConversations(path, layer)), "conv,\(layer.rawValue)")
        }
        #expect(statistics.conversations[.tcp]?.count == 2)
        try listener.close(); try udpServer.close(); try marker.close()
    }
}
