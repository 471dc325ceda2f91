import Testing
@testable import Inspect

/// `NetworkLayer.find`, the one link-header walk, and the reassembly prefilter built on it.
@Suite struct NetworkLayerTests {
    static let udp = Fixtures.ipv4(
        Fixtures.ipA, Fixtures.ipB, protocol: 17, Fixtures.udp(Fixtures.ipA, Fixtures.ipB, ports: (40000, 9), [1]))
    static let dnsOverTCP = Fixtures.ipv4(
        Fixtures.ipA, Fixtures.ipB, protocol: 6, Fixtures.tcp(Fixtures.ipA, Fixtures.ipB, ports: (40000, 53), flags: 0x18, [0, 1, 0]))

    static func find(_ bytes: [UInt8], _ linkType: LinkType) -> NetworkLayer? {
        bytes.withUnsafeBytes { NetworkLayer.find($0, linkType: linkType) }
    }

    static func sll(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        [0, 0, 0, 1, 0, 6] + Fixtures.macA + [0, 0] + Fixtures.be16(type) + payload
    }

    static func sll2(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        Fixtures.be16(type) + [0, 0, 0, 0, 0, 1, 0, 1, 0, 6] + Fixtures.macA + [0, 0] + payload
    }

    @Test func eachLinkTypeLeadsToItsNetworkLayer() {
        let ipv6 = Fixtures.ipv6(Fixtures.ip6A, Fixtures.ip6B, next: 17, Fixtures.udp(Fixtures.ip6A, Fixtures.ip6B, ports: (1, 2), [0]))
        let cases: [(String, [UInt8], LinkType, NetworkLayer)] = [
            ("Ethernet", Fixtures.ethernet(type: EtherType.ipv4, Self.udp), .ethernet, NetworkLayer(etherType: EtherType.ipv4, offset: 14)),
            (
                "one VLAN tag", Fixtures.ethernet(type: EtherType.ipv6, tags: [(EtherType.vlan, 5)], ipv6), .ethernet,
                NetworkLayer(etherType: EtherType.ipv6, offset: 18)
            ),
            (
                "Q-in-Q", Fixtures.ethernet(type: EtherType.ipv4, tags: [(EtherType.serviceVLAN, 1), (EtherType.vlan, 2)], Self.udp),
                .ethernet,
                NetworkLayer(etherType: EtherType.ipv4, offset: 22)
            ),
            ("ARP", Fixtures.ethernet(type: EtherType.arp, [0, 1]), .ethernet, NetworkLayer(etherType: EtherType.arp, offset: 14)),
            ("SLL", Self.sll(EtherType.ipv4, Self.udp), .linuxSLL, NetworkLayer(etherType: EtherType.ipv4, offset: 16)),
            ("SLL2", Self.sll2(EtherType.ipv6, ipv6), .linuxSLL2, NetworkLayer(etherType: EtherType.ipv6, offset: 20)),
            ("null, little-endian", [2, 0, 0, 0] + Self.udp, .null, NetworkLayer(etherType: EtherType.ipv4, offset: 4)),
            ("loop, IPv6", [0, 0, 0, 30] + ipv6, .loop, NetworkLayer(etherType: EtherType.ipv6, offset: 4)),
            ("null, another family", [7, 0, 0, 0, 1], .null, NetworkLayer(etherType: 0, offset: 4)),
            ("raw IPv4", Self.udp, .raw, NetworkLayer(etherType: EtherType.ipv4, offset: 0)),
            ("raw IPv6", ipv6, .raw, NetworkLayer(etherType: EtherType.ipv6, offset: 0)),
            ("LINKTYPE_IPV4", Self.udp, .ipv4, NetworkLayer(etherType: EtherType.ipv4, offset: 0))
        ]
        for (name, bytes, linkType, expected) in cases {
            #expect(Self.find(bytes, linkType) == expected, "\(name)")
        }
    }

    @Test func truncatedHeadersAndUnknownLinkTypesFindNothing() {
        let tagged = Fixtures.ethernet(type: EtherType.ipv4, tags: [(EtherType.vlan, 5)], Self.udp)
        #expect(Self.find(Array(tagged.prefix(13)), .ethernet) == nil)
        #expect(Self.find(Array(tagged.prefix(15)), .ethernet) == nil)  // the tag's inner type is cut off
        #expect(Self.find(Array(Self.sll(EtherType.ipv4, []).prefix(15)), .linuxSLL) == nil)
        #expect(Self.find([2, 0, 0], .null) == nil)
        #expect(Self.find([], .raw) == nil)
        #expect(Self.find(Self.udp, LinkType(rawValue: 147)) == nil)
    }

    /// The prefilter answers as before for plain packets, and now looks through VLAN tags and
    /// loopback headers instead of sending every such packet to the reassembler.
    @Test func prefilterSendsOnlyFragmentsAndTCPOnDNSPortsToReassembly() {
        let options = DissectorOptions()
        func may(_ bytes: [UInt8], _ linkType: LinkType) -> Bool {
            bytes.withUnsafeBytes { ReassemblyPrefilter.mayNeedReassembly($0, linkType: linkType, options: options) }
        }
        let fragment = Fixtures.ipv4(
            Fixtures.ipA, Fixtures.ipB, protocol: 17, flagsAndOffset: 0x2000,
            Fixtures.udp(Fixtures.ipA, Fixtures.ipB, ports: (1, 2), [0]))
        #expect(!may(Fixtures.ethernet(type: EtherType.ipv4, Self.udp), .ethernet))
        #expect(may(Fixtures.ethernet(type: EtherType.ipv4, Self.dnsOverTCP), .ethernet))
        #expect(may(Fixtures.ethernet(type: EtherType.ipv4, fragment), .ethernet))
        #expect(!may(Fixtures.ethernet(type: EtherType.ipv4, tags: [(EtherType.vlan, 5)], Self.udp), .ethernet))
        #expect(may(Fixtures.ethernet(type: EtherType.ipv4, tags: [(EtherType.vlan, 5)], Self.dnsOverTCP), .ethernet))
        #expect(!may(Self.sll(EtherType.ipv4, Self.udp), .linuxSLL))
        #expect(may(Self.sll2(EtherType.ipv4, fragment), .linuxSLL2))
        #expect(!may([2, 0, 0, 0] + Self.udp, .null))
        #expect(may([2, 0, 0, 0] + Self.dnsOverTCP, .null))
        #expect(may(Self.dnsOverTCP, .raw))
        #expect(!may(Fixtures.ethernet(type: EtherType.arp, [0, 1]), .ethernet))
        #expect(may(Array(Fixtures.ethernet(type: EtherType.ipv4, Self.udp).prefix(20)), .ethernet))  // truncated IP header
        #expect(may(Self.udp, LinkType(rawValue: 147)))
    }
}
