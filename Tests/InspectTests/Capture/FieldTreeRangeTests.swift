import Testing
@testable import Inspect

/// The field tree's byte ranges nest: every node lies within its parent and within the packet, for a
/// packet of each link type and protocol the tree shows, whole and cut at every length. Guards the
/// ranges that come from the views' declared fields (issue #19 part 4).
@Suite struct FieldTreeRangeTests {
    /// A DNS response with one question, an answer, an authority and an additional record (names
    /// compressed), for the record sections' nodes.
    static let dnsSections: [UInt8] = {
        let question = Fixtures.name("example.com") + Fixtures.be16(1) + Fixtures.be16(1)
        let answer = [0xc0, 0x0c] + Fixtures.be16(1) + Fixtures.be16(1) + Fixtures.be32(300) + Fixtures.be16(4) + [93, 184, 216, 34]
        let nameServer = Fixtures.name("ns.example.com")
        let authority = [0xc0, 0x0c] + Fixtures.be16(2) + Fixtures.be16(1) + Fixtures.be32(600) + Fixtures.be16(UInt16(nameServer.count))
        let additional = Fixtures.name("ns.example.com") + Fixtures.be16(28) + Fixtures.be16(1) + Fixtures.be32(60) + Fixtures.be16(16)
        let header = Fixtures.be16(0x4242) + [0x81, 0x80] + Fixtures.be16(1) + Fixtures.be16(1) + Fixtures.be16(1) + Fixtures.be16(1)
        return header + question + answer + authority + nameServer + additional + Fixtures.ip6B
    }()

    /// One packet of each link type and protocol the tree shows.
    static let packets: [(name: String, bytes: [UInt8], linkType: LinkType)] = {
        let ip4 = { (number: UInt8, payload: [UInt8]) in Fixtures.ipv4(Fixtures.ipA, Fixtures.ipB, protocol: number, payload) }
        let ip6 = { (next: UInt8, payload: [UInt8]) in Fixtures.ipv6(Fixtures.ip6A, Fixtures.ip6B, next: next, payload) }
        let udp4 = Fixtures.udp(Fixtures.ipA, Fixtures.ipB, ports: (1000, 2000), [1, 2, 3])
        let udp6 = Fixtures.udp(Fixtures.ip6A, Fixtures.ip6B, ports: (5, 6), [9])
        var echo: [UInt8] = [8, 0, 0, 0, 0x12, 0x34, 0, 1] + Array("ping".utf8)
        let sum = Fixtures.checksum(echo)
        echo[2] = UInt8(sum >> 8)
        echo[3] = UInt8(sum & 0xff)
        let solicitation: [UInt8] = [135, 0, 0, 0, 0, 0, 0, 0] + Fixtures.ip6B + [1, 1] + Fixtures.macA
        let extensions: [UInt8] =
            [43, 0, 5, 2, 0, 0, 1, 0] + [60, 0, 4, 0, 0, 0, 0, 0] + [44, 0, 1, 4, 0, 0, 0, 0] + [6, 0, 0, 0, 0, 0, 0, 7]
        let segment6 = Fixtures.tcp(Fixtures.ip6A, Fixtures.ip6B, ports: (443, 50000), flags: 0x12, [7, 7])
        let sll: [UInt8] = [0, 4, 0x03, 0x04, 0, 6] + Fixtures.macA + [0, 0] + [0x08, 0x00]
        let sll2: [UInt8] = [0x86, 0xdd, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6] + Fixtures.macA + [0, 0]
        let sack: [UInt8] = [1, 1, 5, 18] + Fixtures.be32(100) + Fixtures.be32(200) + Fixtures.be32(300) + Fixtures.be32(400)
        let query = Fixtures.dnsQuery("example.org", type: 28)
        return [
            (
                "Ethernet + VLAN / IPv4 options / UDP",
                Fixtures.ethernet(
                    type: 0x0800, tags: [(0x88a8, 100), (0x8100, 0xa02a)],
                    Fixtures.ipv4(Fixtures.ipA, Fixtures.ipB, protocol: 17, options: [148, 4, 0, 0, 1, 1, 1, 0], udp4)), .ethernet
            ),
            ("SLL / IPv4 / TCP SYN with options", sll + Array(Fixtures.tcpSyn.dropFirst(14)), .linuxSLL),
            ("SLL2 / IPv6 / UDP", sll2 + ip6(17, udp6), .linuxSLL2),
            ("Null / IPv4 / ICMP echo", [2, 0, 0, 0] + ip4(1, echo), .null),
            ("Loop / IPv6 / ICMPv6 neighbour solicitation", [0, 0, 0, 30] + ip6(58, solicitation), .loop),
            ("Raw IPv4 / UDP", ip4(17, udp4), .raw),
            (
                "ARP request",
                Fixtures.ethernet(
                    type: 0x0806,
                    [0, 1, 0x08, 0x00, 6, 4, 0, 1] + Fixtures.macA + Fixtures.ipA + [0, 0, 0, 0, 0, 0] + Fixtures.ipB), .ethernet
            ),
            ("IPv6 + extension headers / TCP", Fixtures.ethernet(type: 0x86dd, ip6(0, extensions + segment6)), .ethernet),
            (
                "IPv4 fragment",
                Fixtures.ethernet(
                    type: 0x0800,
                    Fixtures.ipv4(Fixtures.ipA, Fixtures.ipB, protocol: 17, identification: 0xabcd, flagsAndOffset: 185, [1, 2, 3, 4])),
                .ethernet
            ),
            ("IPv6 fragment", Fixtures.ethernet(type: 0x86dd, ip6(44, [17, 0, 0, 9, 0, 0, 0, 7] + [1, 2, 3, 4, 5, 6, 7, 8])), .ethernet),
            ("Ethernet / IPv4 / TCP SYN", Fixtures.tcpSyn, .ethernet),
            ("TCP SACK", Fixtures.tcpFrame(ports: (1, 2), flags: 0x10, options: sack, [1, 2, 3]), .ethernet),
            ("DNS over UDP", Fixtures.dnsResponse, .ethernet),
            ("DNS over UDP, every section", Fixtures.udpFrame(ports: (53, 40000), dnsSections), .ethernet),
            ("DNS over TCP", Fixtures.tcpFrame(ports: (40000, 53), Fixtures.be16(UInt16(query.count)) + query), .ethernet),
            ("HTTP", Fixtures.tcpFrame(ports: (40000, 8080), Array("GET / HTTP/1.1\r\nHost: a\r\n\r\n".utf8)), .ethernet),
            ("TLS ClientHello", Fixtures.tcpFrame(ports: (40000, 443), TLSFixture.clientHello(serverName: "example.com")), .ethernet)
        ]
    }()

    /// Nodes that lie after their parent rather than in it: the TCP payload follows the header.
    static let followsParent: Set<String> = ["tcp.payload"]

    /// Each node's problems: outside its parent (or, for `followsParent`, not right after it) or outside the packet.
    static func problems(_ node: FieldNode, parent: FieldNode?, packetLength: Int) -> [String] {
        var found: [String] = []
        let range = node.range
        if range.lowerBound < 0 || range.upperBound > packetLength { found.append("\(node.key) \(range) outside the packet") }
        if let parent {
            let inside = range.lowerBound >= parent.range.lowerBound && range.upperBound <= parent.range.upperBound
            let after = followsParent.contains(node.key) && range.lowerBound == parent.range.upperBound
            if !inside && !after { found.append("\(node.key) \(range) outside \(parent.key) \(parent.range)") }
        }
        return found + node.children.flatMap { problems($0, parent: node, packetLength: packetLength) }
    }

    @Test(arguments: packets.indices)
    func everyNodeLiesWithinItsParentAndThePacket(_ index: Int) {
        let packet = Self.packets[index]
        let whole = Fixtures.dissect(packet.bytes, packet.linkType)
        #expect(whole.error == nil, "\(packet.name): \(whole.error.map { "\($0)" } ?? "")")
        #expect(whole.fields.count >= 2, "\(packet.name): a frame node and the layers")
        let problems = whole.fields.flatMap { Self.problems($0, parent: nil, packetLength: packet.bytes.count) }
        #expect(problems.isEmpty, "\(packet.name): \(problems)")
        // Cut by the snapshot length at every byte: the nodes of what was decoded still nest.
        for length in 0..<packet.bytes.count {
            let cut = Fixtures.dissect(Array(packet.bytes.prefix(length)), packet.linkType, originalLength: packet.bytes.count)
            let cutProblems = cut.fields.flatMap { Self.problems($0, parent: nil, packetLength: length) }
            #expect(cutProblems.isEmpty, "\(packet.name) cut at \(length): \(cutProblems)")
        }
    }

    /// The walk finds a node outside its parent (the check is not vacuous).
    @Test func theWalkFindsANodeOutsideItsParent() {
        let child = FieldNode("child", "Child", range: 10..<20)
        let parent = FieldNode("parent", "Parent", range: 0..<15, children: [child])
        #expect(Self.problems(parent, parent: nil, packetLength: 30) == ["child 10..<20 outside parent 0..<15"])
        #expect(Self.problems(parent, parent: nil, packetLength: 12).count == 3)
    }
}
