import Foundation
import Testing
import SocktuiTestSupport
import SocketKit
@testable import Inspect

/// socktui's dissectors, files and filters against tshark and tcpdump on the same files:
/// pcaps written by socktui from bytes built here, and `tcpdump -i lo -w` captures of loopback
/// traffic generated here (needs root, like CI).
@Suite(
    .serialized, .enabled(if: TestBinary.have("tshark", "tcpdump", "capinfos"), "needs tshark and tcpdump (apt-get install tshark tcpdump)")
)
struct ToolComparisonTests {
    static let tshark = "/usr/bin/tshark"
    static let tcpdump = "/usr/bin/tcpdump"

    /// The fields compared, as tshark names them.
    static let fields = [
        "frame.len", "ip.src", "ip.dst", "ip.proto", "tcp.srcport", "tcp.dstport", "udp.srcport", "udp.dstport",
        "tcp.flags", "tcp.seq_raw", "tcp.ack_raw", "dns.qry.name"
    ]

    /// One packet's fields in tshark's `-T fields` form.
    static func ourFields(_ dissection: Dissection) -> [String] {
        fields.map { key in
            dissection.allFields(key).map { node -> String in
                switch key {
                case "ip.proto":
                    // "TCP (6)" → "6"
                    return String(node.value.split(separator: "(").last?.dropLast() ?? "")
                case "tcp.flags":
                    return String(node.value.split(separator: " ").first ?? "")
                default:
                    return node.value
                }
            }.joined(separator: ",")
        }
    }

    /// tshark's fields for every packet of `path`, decoding `dnsPorts` as DNS.
    static func tsharkFields(_ path: String, dnsPorts: [UInt16] = []) throws -> [[String]] {
        var arguments = ["-r", path, "-T", "fields", "-E", "separator=/t"]
        for port in dnsPorts { arguments += ["-d", "udp.port==\(port),dns", "-d", "tcp.port==\(port),dns"] }
        for field in fields { arguments += ["-e", field] }
        let result = try runTool(tshark, arguments)
        try #require(result.status == 0, "tshark failed: \(result.err)")
        return result.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// socktui's fields for every packet of `path`.
    static func socktuiFields(_ path: String, dnsPorts: [UInt16] = []) throws -> [[String]] {
        let reader = try CaptureFileReader(path: path)
        var rows: [[String]] = []
        let options = DissectorOptions(detail: true, dnsPorts: Set([53, 5353, 5355] + dnsPorts))
        let scan = reader.forEachPacket { record in
            rows.append(
                ourFields(
                    Dissector.dissect(
                        record.bytes, linkType: record.interface.linkType,
                        originalLength: record.header.originalLength, options: options)))
            return true
        }
        #expect(scan.damage == nil)
        return rows
    }

    static func compare(
        _ path: String, dnsPorts: [UInt16] = [], expectedCount: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let theirs = try tsharkFields(path, dnsPorts: dnsPorts)
        let ours = try socktuiFields(path, dnsPorts: dnsPorts)
        #expect(theirs.count == expectedCount, sourceLocation: sourceLocation)
        #expect(ours.count == theirs.count, sourceLocation: sourceLocation)
        for (index, (mine, reference)) in zip(ours, theirs).enumerated() {
            for (field, (a, b)) in zip(fields, zip(mine, reference)) where a != b {
                Issue.record("packet \(index + 1) \(field): socktui \"\(a)\", tshark \"\(b)\"", sourceLocation: sourceLocation)
            }
        }
    }

    /// A varied set of frames built by hand: TCP with options, DNS over UDP and TCP, VLAN, IPv6 with
    /// extension headers, HTTP, TLS, ICMP, ARP.
    static func variedFrames() -> [[UInt8]] {
        let query = Fixtures.dnsQuery("mail.example.net", type: 15)
        let v6segment = Fixtures.tcp(Fixtures.ip6A, Fixtures.ip6B, ports: (443, 50123), sequence: 7, acknowledgment: 99, flags: 0x12)
        var echo: [UInt8] = [8, 0, 0, 0, 0, 7, 0, 1]
        let sum = Fixtures.checksum(echo)
        echo[2] = UInt8(sum >> 8); echo[3] = UInt8(sum & 0xff)
        return [
            Fixtures.tcpSyn,
            Fixtures.dnsResponse,
            Fixtures.ethernet(
                type: 0x0800, tags: [(0x8100, 7)],
                Fixtures.ipv4(
                    Fixtures.ipA, Fixtures.ipB, protocol: 17,
                    Fixtures.udp(Fixtures.ipA, Fixtures.ipB, ports: (33333, 53), Fixtures.dnsQuery("vlan.example.com")))),
            Fixtures.tcpFrame(
                ports: (40001, 53), flags: 0x18, sequence: 4_000_000_000, acknowledgment: 12345, Fixtures.be16(UInt16(query.count)) + query),
            Fixtures.ethernet(type: 0x86dd, Fixtures.ipv6(Fixtures.ip6A, Fixtures.ip6B, next: 0, [6, 0, 1, 4, 0, 0, 0, 0] + v6segment)),
            Fixtures.tcpFrame(
                ports: (40002, 80), sequence: 1, acknowledgment: 2, Array("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n".utf8)),
            Fixtures.tcpFrame(ports: (40003, 443), sequence: 3, acknowledgment: 4, TLSFixture.clientHello(serverName: "tls.example.org")),
            Fixtures.ethernet(type: 0x0800, Fixtures.ipv4(Fixtures.ipA, Fixtures.ipB, protocol: 1, echo)),
            Fixtures.ethernet(
                type: 0x0806, [0, 1, 0x08, 0x00, 6, 4, 0, 1] + Fixtures.macA + Fixtures.ipA + [0, 0, 0, 0, 0, 0] + Fixtures.ipB),
            Fixtures.tcpFrame(ports: (5000, 6000), flags: 0x11, sequence: 0xffff_fff0, acknowledgment: 0x8000_0000)
        ]
    }

    static func packets(_ frames: [[UInt8]]) -> [CapturedPacket] {
        frames.enumerated().map { index, frame in
            CapturedPacket(
                timestamp: PacketTimestamp(seconds: 1_764_078_666 + Int64(index), nanoseconds: UInt32(index * 1_001_001)),
                data: frame, linkType: .ethernet, direction: index % 2 == 0 ? .incoming : .outgoing)
        }
    }

    static func writeAllFormats(_ packets: [CapturedPacket], in directory: TemporaryDirectory) throws -> [String] {
        var paths: [String] = []
        for resolution in TimestampResolution.allCases {
            let path = directory.path("written-\(resolution.rawValue).pcap")
            let writer = try PcapWriter(path: path, linkType: .ethernet, resolution: resolution)
            for packet in packets { try writer.write(packet) }
            try writer.close()
            paths.append(path)
        }
        let path = directory.path("written.pcapng")
        let writer = try PcapNGWriter(path: path, interfaces: [CaptureInterface(name: "eth0", linkType: .ethernet)])
        for packet in packets { try writer.write(packet) }
        try writer.close(statistics: [
            InterfaceStatistics(
                interfaceID: 0, start: packets.first?.timestamp, end: packets.last?.timestamp,
                received: UInt64(packets.count + 3), dropped: 3)
        ])
        paths.append(path)
        return paths
    }

    @Test func handMadePacketsDecodeAsTsharkDecodesThem() throws {
        let directory = try TemporaryDirectory()
        let frames = Self.variedFrames()
        for path in try Self.writeAllFormats(Self.packets(frames), in: directory) {
            try Self.compare(path, expectedCount: frames.count)
        }
    }

    @Test func writtenFilesAreReadByTsharkAndTcpdumpWithoutWarnings() throws {
        let directory = try TemporaryDirectory()
        let packets = Self.packets(Self.variedFrames())
        for path in try Self.writeAllFormats(packets, in: directory) {
            let shark = try runTool(Self.tshark, ["-r", path])
            #expect(shark.status == 0)
            let warnings = shark.err.split(separator: "\n").filter { !$0.hasPrefix("Running as user") }
            #expect(warnings.isEmpty, "tshark on \(path): \(warnings)")
            #expect(shark.out.split(separator: "\n").count == packets.count)
            let dump = try runTool(Self.tcpdump, ["-nn", "-r", path])
            #expect(dump.status == 0)
            let dumpWarnings = dump.err.split(separator: "\n").filter { !$0.hasPrefix("reading from file") }
            #expect(dumpWarnings.isEmpty, "tcpdump on \(path): \(dumpWarnings)")
            #expect(dump.out.split(separator: "\n").count == packets.count)
        }
        // tshark sees the pcapng file's interface name, nanosecond timestamps and the ISB's drop count.
        let pcapng = directory.path("written.pcapng")
        let details = try runTool(
            Self.tshark, ["-r", pcapng, "-T", "fields", "-e", "frame.interface_name", "-e", "frame.time_epoch", "-c", "2"])
        #expect(details.out.split(separator: "\n") == ["eth0\t1764078666.000000000", "eth0\t1764078667.001001001"])
        // capinfos (wireshark-common, installed with tshark) sees the section, interface and statistics blocks.
        let info = try runTool("/usr/bin/capinfos", ["-M", pcapng])
        #expect(info.status == 0 && info.err.isEmpty)
        for line in [
            "Number of packets:   10", "Capture application: socktui", "Number of interfaces in file: 1",
            "Name = eth0", "Time ticks per second = 1000000000", "Number of stat entries = 1"
        ] {
            #expect(info.out.contains(line), "capinfos lacks \(line)")
        }
    }

    @Test func pcapngWithSeveralLinkTypesIsReadByTshark() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("mixed.pcapng")
        let writer = try PcapNGWriter(
            path: path,
            interfaces: [
                CaptureInterface(name: "eth0", linkType: .ethernet),
                CaptureInterface(name: "any", linkType: .linuxSLL2),
                CaptureInterface(name: "tun0", linkType: .raw)
            ])
        let ip = Array(Fixtures.tcpSyn[14...])
        let sll2: [UInt8] = [0x08, 0x00, 0, 0, 0, 0, 0, 1, 0x03, 0x04, 4, 6] + Fixtures.macA + [0, 0]
        let stamp = PacketTimestamp(seconds: 1_764_078_666, nanoseconds: 5)
        try writer.write(CapturedPacket(timestamp: stamp, data: Fixtures.tcpSyn, linkType: .ethernet, interfaceID: 0))
        try writer.write(CapturedPacket(timestamp: stamp, data: sll2 + ip, linkType: .linuxSLL2, interfaceID: 1, direction: .outgoing))
        try writer.write(CapturedPacket(timestamp: stamp, data: ip, linkType: .raw, interfaceID: 2))
        try writer.write(CapturedPacket(timestamp: stamp, data: Fixtures.dnsResponse, linkType: .ethernet, interfaceID: 0))
        try writer.close()
        try Self.compare(path, expectedCount: 4)
        let shark = try runTool(
            Self.tshark, ["-r", path, "-T", "fields", "-e", "frame.interface_name", "-e", "frame.packet_flags_direction"])
        #expect(
            shark.out.split(separator: "\n").map { $0.split(separator: "\t").first.map(String.init) ?? "" } == [
                "eth0", "any", "tun0", "eth0"
            ])
    }

    // MARK: Loopback capture by tcpdump

    /// Runs `tcpdump -i lo -w path -c count filter` (inside network namespace `namespace` when given)
    /// until it has captured `count` packets while `traffic` runs.
    static func captureLoopback(to path: String, count: Int, filter: String, namespace: String? = nil, traffic: () throws -> Void) throws {
        let arguments = ["-i", "lo", "-U", "--immediate-mode", "-w", path, "-c", String(count), filter]
        let command = namespace.map { ["/usr/sbin/ip", "netns", "exec", $0, tcpdump] } ?? [tcpdump]
        let process = try ChildProcess(command + arguments, stdout: .null, stderr: .pipe)
        let errors = LineReader(process.stderr!)
        // tcpdump says "listening on lo" once its socket and filter are in place.
        let banner = errors.waitFor(timeout: 30) { $0.contains("listening on") }
        try #require(banner?.contains("listening on lo") == true, "tcpdump did not start (root is needed): \(errors.text)")
        do {
            try traffic()
        } catch {
            process.signal(SIGKILL)
            throw error
        }
        // A hang guard, not a timing assertion: tcpdump exits as soon as it has `count` packets.
        let finished = eventually(within: 30) { !process.isRunning }
        if !finished {
            process.signal(SIGKILL)
            Issue.record("tcpdump did not see \(count) packets")
        }
        process.wait()
    }

    /// DNS-style exchange over UDP (IPv4 and IPv6 loopback) and a TCP connection with one request and
    /// one response, on ports the kernel picks; returns the UDP and TCP ports.
    static func loopbackTraffic(udp: Socket, udp6: Socket?, listener: Socket) throws {
        let udpPort = Int(try udp.localAddress().port ?? 0)
        for (server, host) in [(udp, "127.0.0.1"), (udp6, "::1")] {
            guard let server else { continue }
            let client = try Socket(family: host == "::1" ? .inet6 : .inet, type: .datagram)
            try client.connect(host: host, port: udpPort)
            _ = try client.send(Fixtures.dnsQuery(id: 0x5151, "loopback.example.com"))
            let (query, from) = try server.recvFrom(2048)
            // The response: the query with QR/RA set and one A answer (name compressed).
            let response =
                Array(query[0..<2]) + [0x81, 0x80] + Array(query[4..<6]) + [0, 1, 0, 0, 0, 0] + Array(query[12...])
                + [0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 127, 0, 0, 1]
            _ = try server.sendTo(response, to: try #require(from))
            _ = try client.recv(2048)
            try client.close()
        }
        let tcpPort = Int(try listener.localAddress().port ?? 0)
        let client = try Socket(family: .inet, type: .stream)
        try client.connect(host: "127.0.0.1", port: tcpPort)
        let (server, _) = try listener.accept()
        try client.sendAll(Array("GET /capture HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8))
        _ = try server.recv(4096)
        try server.sendAll(Array("HTTP/1.1 204 No Content\r\n\r\n".utf8))
        _ = try client.recv(4096)
        try client.close()
        try server.close()
    }

    @Test(.enabled(if: TestBinary.isRoot, "capturing on lo needs root"))
    func tcpdumpLoopbackCaptureDecodesAsTsharkDecodesIt() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("lo.pcap")
        let udp = try Socket(family: .inet, type: .datagram)
        try udp.bind(host: "127.0.0.1", port: 0)
        let udpPort = try #require(try udp.localAddress().port)
        // IPv6 loopback joins in when the machine has it, on the same port number.
        let udp6 = try? Socket(family: .inet6, type: .datagram)
        let hasIPv6 = (try? udp6?.bind(host: "::1", port: Int(udpPort))) != nil
        let listener = try Socket(family: .inet, type: .stream)
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen()
        let tcpPort = try #require(try listener.localAddress().port)
        // Deterministic packets only: the UDP exchanges, SYN and SYN-ACK, and the two data segments (PSH).
        let count = (hasIPv6 ? 4 : 2) + 4
        let filter = "udp port \(udpPort) or (tcp port \(tcpPort) and tcp[tcpflags] & (tcp-syn|tcp-push) != 0)"
        try Self.captureLoopback(to: path, count: count, filter: filter) {
            try Self.loopbackTraffic(udp: udp, udp6: hasIPv6 ? udp6 : nil, listener: listener)
        }
        try Self.compare(path, dnsPorts: [udpPort], expectedCount: count)
        // And what the fields say, independently of tshark.
        let reader = try CaptureFileReader(path: path)
        let options = DissectorOptions(detail: true, dnsPorts: [udpPort])
        let results = reader.packets(in: 0..<count).map { Dissector.dissect($0, options: options) }
        #expect(results.allSatisfy { $0.error == nil })
        #expect(results.filter { $0.protocolName == "DNS" }.count == (hasIPv6 ? 4 : 2))
        #expect(results.filter { $0.protocolName == "HTTP" }.map(\.info) == ["GET /capture HTTP/1.1 ", "HTTP/1.1 204 No Content "])
        #expect(results.filter { $0.info.contains("[SYN") }.count == 2)
        #expect(results.first { $0.protocolName == "DNS" }?.info == "Standard query 0x5151 A loopback.example.com")
        try udp.close(); try listener.close(); try udp6?.close()
    }

    // MARK: Filters

    /// An empty capture file of `linkType`, for `tcpdump -r FILE -d`.
    static func emptyFile(_ linkType: LinkType, in directory: TemporaryDirectory) throws -> String {
        let path = directory.path("empty-\(linkType.rawValue).pcap")
        try PcapWriter(path: path, linkType: linkType).close()
        return path
    }

    @Test(arguments: [
        ("tcp port 80", LinkType.ethernet),
        ("udp and port 53", .ethernet),
        ("host 10.0.0.1 and not arp", .ethernet),
        ("ip6 and tcp", .ethernet),
        ("vlan 7 and udp", .ethernet),
        ("tcp[tcpflags] & (tcp-syn|tcp-fin) != 0", .ethernet),
        ("icmp or icmp6", .linuxSLL2),
        ("tcp dst port 443", .raw),
        ("", .ethernet)
    ])
    func compiledFiltersMatchTcpdumpInstructionForInstruction(expression: String, linkType: LinkType) throws {
        let directory = try TemporaryDirectory()
        let file = try Self.emptyFile(linkType, in: directory)
        let program = try FilterCompiler.compile(expression, linkType: linkType)
        let dd = try runTool(Self.tcpdump, ["-r", file, "-dd"] + (expression.isEmpty ? [] : [expression]))
        try #require(dd.status == 0, "\(dd.err)")
        #expect(program.instructions.map(\.description) == dd.out.split(separator: "\n").map(String.init))
        let d = try runTool(Self.tcpdump, ["-r", file, "-d"] + (expression.isEmpty ? [] : [expression]))
        #expect(FilterCompiler.listing(program) + "\n" == d.out)
        #expect(program.acceptsAll == expression.isEmpty)
    }

    @Test(arguments: ["tcp prot 80", "port 99999", "host", "ether proto nonsense", "tcp[100000:4] = 1 and", "portrange 80-"])
    func badFiltersReportLibpcapsMessageAndTheExpression(expression: String) throws {
        let directory = try TemporaryDirectory()
        let file = try Self.emptyFile(.ethernet, in: directory)
        let dump = try runTool(Self.tcpdump, ["-r", file, "-d", expression])
        #expect(dump.status != 0)
        // tcpdump prints libpcap's message after its name: "tcpdump: can't parse filter expression: syntax error".
        let theirs = dump.err.split(separator: "\n").first { $0.hasPrefix("tcpdump: ") && !$0.contains("reading from file") }
            .map { String($0.dropFirst("tcpdump: ".count)) }
        do {
            _ = try FilterCompiler.compile(expression, linkType: .ethernet)
            Issue.record("\(expression) compiled")
        } catch {
            #expect(error.message == theirs)
            #expect(error.expression == expression)
            #expect(error.description.contains("\"\(expression)\""))
            #expect(error.description.contains(error.message))
        }
    }

    @Test(arguments: [
        "tcp", "udp port 53", "tcp[tcpflags] & tcp-syn != 0", "ip6", "vlan", "arp or icmp", "not tcp port 80",
        "dst host 10.0.0.2 and greater 80"
    ])
    func offlineFilteringSelectsThePacketsTcpdumpSelects(expression: String) throws {
        let directory = try TemporaryDirectory()
        let packets = Self.packets(Self.variedFrames())
        let path = try Self.writeAllFormats(packets, in: directory)[0]
        let program = try FilterCompiler.compile(expression, linkType: .ethernet)
        let matcher = program.makeMatcher()
        let ours = packets.filter { packet in packet.data.withUnsafeBytes { matcher.matches($0, originalLength: packet.originalLength) } }
        #expect(packets.filter { program.matches($0) } == ours)
        let selected = directory.path("selected.pcap")
        let dump = try runTool(Self.tcpdump, ["-r", path, "-w", selected, expression])
        try #require(dump.status == 0, "\(dump.err)")
        let theirs = try CaptureFileReader(path: selected).packets(in: 0..<1000)
        #expect(ours.map(\.data) == theirs.map(\.data))
        #expect(!ours.isEmpty)
    }
}
