import Testing
@testable import Inspect

/// A corpus of malformed packets: each yields a `DecodeError` on the right layer at the right
/// offset, keeps the layers before it, and never traps or reads past the captured bytes.
@Suite struct MalformedPacketTests {
    /// Ethernet / IPv4 / TCP (PSH, ACK) / DNS over TCP: a full packet to cut at every offset.
    static let tcpDNS: [UInt8] = {
        let query = Fixtures.dnsQuery("www.example.com")
        return Fixtures.tcpFrame(ports: (40000, 53), Fixtures.be16(UInt16(query.count)) + query)
    }()

    /// The layer a packet cut to `length` bytes must fail on.
    static func expectedLayer(cutAt length: Int) -> ProtocolLayer {
        switch length {
        case ..<14: .ethernet
        case ..<34: .ipv4
        case ..<54: .tcp
        default: .dns
        }
    }

    @Test func everyTruncationOfATcpDnsPacketFailsOnTheLayerItCuts() {
        let full = Self.tcpDNS
        #expect(Fixtures.dissect(full).error == nil)
        for length in 0..<full.count {
            let cut = Array(full[0..<length])
            // As a snapshot-length cut: the wire length is the full packet's.
            let snapped = Fixtures.dissect(cut, originalLength: full.count)
            let expected = Self.expectedLayer(cutAt: length)
            #expect(snapped.error?.layer == expected, "cut at \(length): \(String(describing: snapped.error))")
            if case .truncated? = snapped.error?.kind {
            } else {
                Issue.record("cut at \(length): \(String(describing: snapped.error)) is not a truncation")
            }
            #expect((snapped.error?.offset ?? -1) <= length, "cut at \(length)")
            // Layers before the failing one are kept.
            let outer: [ProtocolLayer] = [.ethernet, .ipv4, .tcp, .dns]
            #expect(snapped.layers == Array(outer.prefix(while: { $0 != expected })), "cut at \(length)")
            // As a short frame on the wire (no snapshot cut), the IP total length points past the end.
            let short = Fixtures.dissect(cut)
            #expect(short.error != nil, "short frame of \(length) bytes")
            if length >= 34, case .badLength(let field, _)? = short.error?.kind {
                #expect(short.error?.layer == .ipv4 && field == "total length" && short.error?.offset == 16)
            } else if length >= 34 {
                Issue.record("short frame of \(length): \(String(describing: short.error))")
            }
        }
    }

    @Test func everyTruncationOfAUdpDnsResponseFailsWithoutTrapping() {
        let full = Fixtures.dnsResponse
        for length in 0..<full.count {
            let result = Fixtures.dissect(Array(full[0..<length]), originalLength: full.count)
            let expected: ProtocolLayer = length < 14 ? .ethernet : length < 34 ? .ipv4 : length < 42 ? .udp : .dns
            #expect(result.error?.layer == expected, "cut at \(length)")
            #expect(result.protocolName == expected.displayName)
            #expect(result.fields.last?.key == "_ws.malformed")
        }
    }

    @Test func headerLengthFieldsPointingPastTheEndAreBadLengths() {
        // IPv4 IHL 15 (60 bytes) in a 40-byte packet (the SYN cut after the TCP header, total length 40).
        var ihl = Array(Fixtures.tcpSyn[0..<54])
        ihl[14] = 0x4f
        ihl[17] = 40
        expect(ihl, layer: .ipv4, offset: 14, kind: .badLength(field: "header length", value: 60))
        // IPv4 IHL 4 (16 bytes): shorter than the minimum.
        var shortIHL = Fixtures.tcpSyn
        shortIHL[14] = 0x44
        expect(shortIHL, layer: .ipv4, offset: 14, kind: .badLength(field: "header length", value: 16))
        // IPv4 total length 19: shorter than the header.
        var total = Fixtures.tcpSyn
        total[16] = 0; total[17] = 19
        expect(total, layer: .ipv4, offset: 16, kind: .badLength(field: "total length", value: 19))
        // IPv4 version 5.
        var version = Fixtures.tcpSyn
        version[14] = 0x55
        expect(version, layer: .ipv4, offset: 14, kind: .badValue(field: "version", value: 5))
        // TCP data offset 15 (60 bytes) in a 40-byte segment.
        var dataOffset = Fixtures.tcpSyn
        dataOffset[46] = 0xf0
        expect(dataOffset, layer: .tcp, offset: 46, kind: .badLength(field: "data offset", value: 60))
        // TCP data offset 4.
        var smallOffset = Fixtures.tcpSyn
        smallOffset[46] = 0x40
        expect(smallOffset, layer: .tcp, offset: 46, kind: .badLength(field: "data offset", value: 16))
        // TCP option MSS with length 9 (runs past the header and is not 4).
        var option = Fixtures.tcpSyn
        option[55] = 9
        expect(option, layer: .tcp, offset: 55, kind: .badLength(field: "option length", value: 9))
        // TCP option length 0.
        var zeroOption = Fixtures.tcpSyn
        zeroOption[55] = 0
        expect(zeroOption, layer: .tcp, offset: 55, kind: .badLength(field: "option length", value: 0))
    }

    @Test func udpLengthFieldsOutsideTheDatagramAreBadLengths() {
        var long = Fixtures.dnsResponse
        long[38] = 0x01; long[39] = 0x00  // UDP length 256 > 53
        expect(long, layer: .udp, offset: 38, kind: .badLength(field: "length", value: 256))
        var short = Fixtures.dnsResponse
        short[38] = 0; short[39] = 7  // UDP length 7 < 8
        expect(short, layer: .udp, offset: 38, kind: .badLength(field: "length", value: 7))
        var rdata = Fixtures.dnsResponse
        rdata[81] = 0; rdata[82] = 40  // DNS data length 40, 4 bytes left
        expect(rdata, layer: .dns, offset: 81, kind: .badLength(field: "data length", value: 40))
        var aLength = Fixtures.dnsResponse
        aLength[82] = 3  // an A record with 3 bytes of data
        expect(aLength, layer: .dns, offset: 83, kind: .badLength(field: "data length", value: 3))
    }

    @Test func ipv6PayloadAndExtensionLengthsArePolicedToo() {
        let segment = Fixtures.tcp(Fixtures.ip6A, Fixtures.ip6B, ports: (1, 2), flags: 2)
        var payload = Fixtures.ethernet(type: 0x86dd, Fixtures.ipv6(Fixtures.ip6A, Fixtures.ip6B, next: 6, segment))
        payload[18] = 0x10  // payload length 4096
        expect(payload, layer: .ipv6, offset: 18, kind: .badLength(field: "payload length", value: 4096 + 20))
        // Hop-by-hop header claiming 3 × 8 + 8 = 32 bytes inside a 28-byte payload.
        let hop = Fixtures.ethernet(type: 0x86dd, Fixtures.ipv6(Fixtures.ip6A, Fixtures.ip6B, next: 0, [6, 3, 1, 0, 0, 0, 0, 0] + segment))
        expect(hop, layer: .ipv6Extension, offset: 55, kind: .badLength(field: "header extension length", value: 32))
        // A PadN option running past its header.
        let pad = Fixtures.ethernet(type: 0x86dd, Fixtures.ipv6(Fixtures.ip6A, Fixtures.ip6B, next: 0, [6, 0, 1, 9, 0, 0, 0, 0] + segment))
        expect(pad, layer: .ipv6Extension, offset: 57, kind: .badLength(field: "option length", value: 9))
    }

    @Test func dnsCompressionLoopsAreCaughtNotFollowed() {
        func response(name: [UInt8]) -> [UInt8] {
            // Header with 1 question; the question name is `name` (starting at message offset 12).
            Fixtures.udpFrame(
                ports: (53, 40000), Fixtures.be16(7) + [0x81, 0x80] + Fixtures.be16(1) + [0, 0, 0, 0, 0, 0] + name + [0, 1, 0, 1])
        }
        // A pointer to itself (offset 12).
        expect(response(name: [0xc0, 12]), layer: .dns, offset: 54, kind: .compressionLoop(pointer: 12))
        // A label, then a pointer back to that label: a → a → a ...
        expect(response(name: [1, 0x61, 0xc0, 12]), layer: .dns, offset: 56, kind: .compressionLoop(pointer: 12))
        // A forward pointer (to offset 14, past the pointer).
        expect(response(name: [0xc0, 14, 1, 0x61, 0]), layer: .dns, offset: 54, kind: .compressionLoop(pointer: 14))
        // Two pointers chasing each other: 12 → 16 label 'b' → pointer to 12 written as a forward then backward pair.
        expect(response(name: [1, 0x61, 0xc0, 16, 1, 0x62, 0xc0, 12]), layer: .dns, offset: 56, kind: .compressionLoop(pointer: 16))
        // A pointer outside the message.
        expect(response(name: [0xc0, 0xff]), layer: .dns, offset: 54, kind: .compressionLoop(pointer: 255))
        // Reserved label type 0x40.
        expect(response(name: [0x41, 0x61, 0]), layer: .dns, offset: 54, kind: .badName(reason: "label type 0x40 is not defined"))
        // A name of 300 bytes (five 59-byte labels).
        let long: [UInt8] = (0..<5).flatMap { _ -> [UInt8] in [59] + Array(repeating: UInt8(ascii: "x"), count: 59) } + [0]
        expect(response(name: long), layer: .dns, offset: 54 + 4 * 60, kind: .badName(reason: "longer than 255 bytes"))
    }

    @Test func garbageOfEveryLengthNeverTraps() {
        // A deterministic pseudo-random corpus over every link type: decoding must end, in bounds.
        var state: UInt64 = 0x9e3779b97f4a7c15
        func next() -> UInt8 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
        let linkTypes: [LinkType] = [.ethernet, .linuxSLL, .linuxSLL2, .null, .loop, .raw, .ipv4, .ipv6]
        var seeds = [Fixtures.tcpSyn, Fixtures.dnsResponse, Self.tcpDNS]
        seeds.append(Fixtures.tcpFrame(ports: (1, 443), TLSFixture.clientHello(serverName: "a.example")))
        for round in 0..<3000 {
            var bytes = seeds[round % seeds.count]
            // Flip a few bytes and cut at a random length.
            for _ in 0..<(1 + Int(next() % 4)) { bytes[Int(next()) % bytes.count] = next() }
            bytes = Array(bytes.prefix(Int(next()) % (bytes.count + 1)))
            let linkType = round % 5 == 0 ? linkTypes[Int(next()) % linkTypes.count] : .ethernet
            let result = Fixtures.dissect(bytes, linkType)
            for node in result.fields.flatMap(\.flattened) where node.key != "frame.link_type" {
                #expect(
                    node.range.upperBound <= max(bytes.count, 0) || node.key.hasPrefix("frame"),
                    "\(node.key) \(node.range) of \(bytes.count)")
            }
            if let error = result.error { #expect(error.offset <= bytes.count, "\(error)") }
        }
    }

    private func expect(
        _ bytes: [UInt8], layer: ProtocolLayer, offset: Int, kind: DecodeError.Kind,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let result = Fixtures.dissect(bytes)
        #expect(result.error == DecodeError(layer, at: offset, kind), sourceLocation: sourceLocation)
    }
}
