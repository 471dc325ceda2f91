import Testing
@testable import Inspect

/// Dissectors on hand-made packets: every layer, the summary columns and the field tree.
@Suite struct DissectorTests {
    @Test func tcpSynDecodesEveryHeaderFieldAndOption() {
        let result = Fixtures.dissect(Fixtures.tcpSyn)
        #expect(result.error == nil)
        #expect(result.layers == [.ethernet, .ipv4, .tcp])
        #expect(result.source == "192.168.1.10" && result.destination == "93.184.216.34")
        #expect(result.protocolName == "TCP")
        #expect(result.info == "50000 → 80 [SYN] Seq=287454020 Win=64240 Len=0 MSS=1460 SACK_PERM TSval=5678 TSecr=0 WS=128")
        #expect(result.value("eth.src") == "02:00:00:00:00:01")
        #expect(result.value("eth.dst") == "02:00:00:00:00:02")
        // Checksums are not verified unless asked (the NIC or kernel fills them after capture: offload).
        #expect(result.value("ip.checksum") == "0x26e9 [unverified]")
        #expect(result.value("ip.ttl") == "64")
        #expect(result.value("ip.flags") == "0x40, Don't fragment")
        #expect(result.value("tcp.checksum") == "0x374d [unverified]")
        #expect(result.value("tcp.flags") == "0x0002 (SYN)")
        #expect(result.value("tcp.options.mss_val") == "1460 bytes")
        #expect(result.value("tcp.options.wscale.shift") == "7 (multiply by 128)")
        #expect(result.value("tcp.options.timestamp.tsval") == "TSval 5678, TSecr 0")
        #expect(result.field("tcp.options.sack_perm") != nil)
    }

    @Test func everyFieldKnowsTheBytesItCameFrom() {
        let result = Fixtures.dissect(Fixtures.tcpSyn)
        #expect(result.field("eth.type")?.range == 12..<14)
        #expect(result.field("ip.src")?.range == 26..<30)
        #expect(result.field("ip.dst")?.range == 30..<34)
        #expect(result.field("tcp.srcport")?.range == 34..<36)
        #expect(result.field("tcp.seq_raw")?.range == 38..<42)
        #expect(result.field("tcp.options.mss_val")?.range == 54..<58)
        #expect(result.field("tcp.options.wscale.shift")?.range == 71..<74)
        for node in result.fields.flatMap(\.flattened) {
            #expect(node.range.lowerBound >= 0 && node.range.upperBound <= Fixtures.tcpSyn.count, "\(node.key) \(node.range)")
        }
    }

    @Test func verifiedChecksumsAreCorrectOrReportedWithTheRightValue() {
        let good = Fixtures.dissect(Fixtures.tcpSyn, verifyChecksums: true)
        #expect(good.value("ip.checksum") == "0x26e9 [correct]")
        #expect(good.value("tcp.checksum") == "0x374d [correct]")
        var bytes = Fixtures.tcpSyn
        bytes[24] ^= 0xff  // IPv4 checksum high byte
        bytes[50] ^= 0x01  // TCP checksum high byte
        #expect(Fixtures.dissect(bytes).value("tcp.checksum") == "0x364d [unverified]")
        let result = Fixtures.dissect(bytes, verifyChecksums: true)
        #expect(result.error == nil)
        #expect(result.value("ip.checksum") == "0xd9e9 [incorrect, should be 0x26e9]")
        #expect(result.value("tcp.checksum") == "0x364d [incorrect, should be 0x374d]")
    }

    @Test func dnsResponseFollowsCompressionPointers() {
        let result = Fixtures.dissect(Fixtures.dnsResponse)
        #expect(result.error == nil)
        #expect(result.layers == [.ethernet, .ipv4, .udp, .dns])
        #expect(result.protocolName == "DNS")
        #expect(result.info == "Standard query response 0x1234 A example.com A 93.184.216.34")
        #expect(result.value("dns.qry.name") == "example.com")
        #expect(result.field("dns.qry.name")?.range == 54..<67)
        #expect(result.value("dns.resp.name") == "example.com")
        #expect(result.field("dns.resp.name")?.range == 71..<73)
        #expect(result.value("dns.resp.ttl") == "300")
        #expect(result.value("udp.checksum") == "0x0000 [zero-value ignored]")
    }

    @Test(
        arguments: [
            (UInt16(5), Fixtures.name("alias.example.net"), "alias.example.net"),
            (2, Fixtures.name("ns1.example.com"), "ns1.example.com"),
            (12, Fixtures.name("host.example.org"), "host.example.org"),
            (15, Fixtures.be16(10) + Fixtures.name("mail.example.com"), "10 mail.example.com"),
            (16, [5] + Array("hello".utf8) + [5] + Array("world".utf8), "\"hello\" \"world\""),
            (28, [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1], "2001:db8::1"),
            (33, Fixtures.be16(1) + Fixtures.be16(5) + Fixtures.be16(5060) + Fixtures.name("sip.example.com"), "1 5 5060 sip.example.com"),
            (
                6,
                Fixtures.name("ns.example.com") + Fixtures.name("admin.example.com") + Fixtures.be32(2024010101) + Fixtures.be32(7200)
                    + Fixtures.be32(3600) + Fixtures.be32(1209600) + Fixtures.be32(300),
                "ns.example.com admin.example.com 2024010101 7200 3600 1209600 300"
            )
        ] as [(UInt16, [UInt8], String)])
    func dnsRecordDataOfCommonTypesIsDecoded(type: UInt16, data: [UInt8], text: String) {
        // Header: id 0x0001, response, 1 question, 1 answer; question example.com type T; answer with the
        // name compressed (0xc00c) and `data` as RDATA.
        let message =
            Fixtures.be16(1) + [0x81, 0x80] + Fixtures.be16(1) + Fixtures.be16(1) + Fixtures.be16(0) + Fixtures.be16(0)
            + Fixtures.name("example.com") + Fixtures.be16(type) + Fixtures.be16(1)
            + [0xc0, 0x0c] + Fixtures.be16(type) + Fixtures.be16(1) + Fixtures.be32(60) + Fixtures.be16(UInt16(data.count)) + data
        let result = Fixtures.dissect(Fixtures.udpFrame(ports: (53, 40000), message))
        #expect(result.error == nil)
        #expect(result.value("dns.resp.data") == text)
        #expect(result.info.hasSuffix("\(DNSView.typeName(type)) example.com \(DNSView.typeName(type)) \(text)"))
    }

    @Test func dnsOverTCPSkipsTheLengthPrefix() {
        let query = Fixtures.dnsQuery("example.org", type: 28)
        let frame = Fixtures.tcpFrame(ports: (40000, 53), Fixtures.be16(UInt16(query.count)) + query)
        let result = Fixtures.dissect(frame)
        #expect(result.error == nil)
        #expect(result.layers.last == .dns)
        #expect(result.info == "Standard query 0xbeef AAAA example.org")
    }

    @Test func vlanTagsAreDecodedBeforeTheEtherType() {
        // 802.1ad service tag (VID 100) then 802.1Q customer tag (priority 5, VID 42).
        let frame = Fixtures.ethernet(
            type: 0x0800, tags: [(0x88a8, 100), (0x8100, 0xa02a)],
            Fixtures.ipv4(
                Fixtures.ipA, Fixtures.ipB, protocol: 17, Fixtures.udp(Fixtures.ipA, Fixtures.ipB, ports: (1000, 2000), [1, 2, 3])))
        let result = Fixtures.dissect(frame, verifyChecksums: true)
        #expect(result.error == nil)
        #expect(result.layers == [.ethernet, .vlan, .ipv4, .udp])
        #expect(result.allFields("vlan.id").map(\.value) == ["100", "42"])
        #expect(result.allFields("vlan.priority").map(\.value) == ["0", "5"])
        #expect(result.field("eth.type")?.range == 20..<22)
        #expect(result.info == "1000 → 2000 Len=3")
        #expect(result.value("udp.checksum")?.hasSuffix("[correct]") == true)
    }

    @Test func linuxCookedHeadersV1AndV2LeadToIP() {
        let ip = Fixtures.ipv4(Fixtures.ipA, Fixtures.ipB, protocol: 17, Fixtures.udp(Fixtures.ipA, Fixtures.ipB, ports: (1, 2), []))
        // SLL: packet type 4 (outgoing), ARPHRD 772 (loopback), address length 6, address, 2 pad, protocol IPv4.
        let sll: [UInt8] = [0, 4, 0x03, 0x04, 0, 6] + Fixtures.macA + [0, 0] + [0x08, 0x00]
        let v1 = Fixtures.dissect(sll + ip, .linuxSLL)
        #expect(v1.layers == [.sll, .ipv4, .udp] && v1.error == nil)
        #expect(v1.value("sll.pkttype") == "Sent by us (4)")
        // SLL2: protocol IPv4, reserved, ifindex 3, ARPHRD 1, packet type 0, address length 6, address, 2 pad.
        let sll2: [UInt8] = [0x08, 0x00, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6] + Fixtures.macA + [0, 0]
        let v2 = Fixtures.dissect(sll2 + ip, .linuxSLL2)
        #expect(v2.layers == [.sll2, .ipv4, .udp] && v2.error == nil)
        #expect(v2.value("sll.ifindex") == "3")
        #expect(v2.source == "10.0.0.1")
    }

    @Test func loopbackNullHeadersAreReadInEitherByteOrder() {
        let ip6 = Fixtures.ipv6(Fixtures.ip6A, Fixtures.ip6B, next: 17, Fixtures.udp(Fixtures.ip6A, Fixtures.ip6B, ports: (5, 6), [9]))
        let ip4 = Fixtures.ipv4(Fixtures.ipA, Fixtures.ipB, protocol: 17, Fixtures.udp(Fixtures.ipA, Fixtures.ipB, ports: (5, 6), [9]))
        let little = Fixtures.dissect([2, 0, 0, 0] + ip4, .null)  // AF_INET written little-endian
        let big = Fixtures.dissect([0, 0, 0, 30] + ip6, .null, verifyChecksums: true)  // AF_INET6 (macOS) written big-endian
        let loop = Fixtures.dissect([0, 0, 0, 2] + ip4, .loop)  // LINKTYPE_LOOP: network order
        #expect(little.layers == [.null, .ipv4, .udp])
        #expect(big.layers == [.null, .ipv6, .udp])
        #expect(big.value("udp.checksum")?.hasSuffix("[correct]") == true)
        #expect(loop.layers == [.null, .ipv4, .udp])
        let raw4 = Fixtures.dissect(ip4, .raw), raw6 = Fixtures.dissect(ip6, .raw)
        #expect(raw4.layers == [.ipv4, .udp] && raw6.layers == [.ipv6, .udp])
        #expect(raw6.source == "fe80::1" && raw6.destination == "fe80::2")
    }

    @Test func arpRequestAndReplyReadLikeTshark() {
        // Ethernet, IPv4, 6-byte MACs, 4-byte addresses; request: who has 10.0.0.2, tell 10.0.0.1.
        let request = Fixtures.ethernet(
            type: 0x0806, [0, 1, 0x08, 0x00, 6, 4, 0, 1] + Fixtures.macA + Fixtures.ipA + [0, 0, 0, 0, 0, 0] + Fixtures.ipB)
        let reply = Fixtures.ethernet(
            type: 0x0806, [0, 1, 0x08, 0x00, 6, 4, 0, 2] + Fixtures.macB + Fixtures.ipB + Fixtures.macA + Fixtures.ipA)
        #expect(Fixtures.dissect(request).info == "Who has 10.0.0.2? Tell 10.0.0.1")
        #expect(Fixtures.dissect(reply).info == "10.0.0.2 is at 02:00:00:00:00:02")
        #expect(Fixtures.dissect(reply).value("arp.src.proto_ipv4") == "10.0.0.2")
    }

    @Test func ipv4OptionsAndFragmentsAreShownWithoutDecodingFragments() {
        // Options: Router Alert (148, length 4, value 0), then NOP, NOP, NOP, EOL.
        let options: [UInt8] = [148, 4, 0, 0, 1, 1, 1, 0]
        let withOptions = Fixtures.dissect(
            Fixtures.ethernet(
                type: 0x0800,
                Fixtures.ipv4(
                    Fixtures.ipA, Fixtures.ipB, protocol: 17, options: options,
                    Fixtures.udp(Fixtures.ipA, Fixtures.ipB, ports: (1, 2), []))), verifyChecksums: true)
        #expect(withOptions.error == nil)
        #expect(
            withOptions.allFields("ip.opt.type").map(\.value) == [
                "Router Alert", "No-Operation (NOP)", "No-Operation (NOP)",
                "No-Operation (NOP)", "End of Options List (EOL)"
            ])
        #expect(withOptions.value("ip.checksum")?.hasSuffix("[correct]") == true)
        // A second fragment: offset 1480 bytes (185 × 8), MF clear.
        let fragment = Fixtures.dissect(
            Fixtures.ethernet(
                type: 0x0800,
                Fixtures.ipv4(
                    Fixtures.ipA, Fixtures.ipB, protocol: 17, identification: 0xabcd,
                    flagsAndOffset: 185, [1, 2, 3, 4])))
        #expect(fragment.error == nil)
        #expect(fragment.layers == [.ethernet, .ipv4])
        #expect(fragment.info == "Fragmented IP protocol (proto=UDP 17, off=1480, ID=0xabcd)")
    }

    @Test func ipv6ExtensionHeadersAreWalkedToTheTransport() {
        // Hop-by-hop (next: routing, length 0 → 8 bytes: Router Alert + PadN), routing (next: destination
        // options, type 4, segments left 0, 8 bytes), destination options (next: fragment, PadN),
        // fragment (next: TCP, offset 0, M clear, id 7).
        let hopByHop: [UInt8] = [43, 0, 5, 2, 0, 0, 1, 0]
        let routing: [UInt8] = [60, 0, 4, 0, 0, 0, 0, 0]
        let destination: [UInt8] = [44, 0, 1, 4, 0, 0, 0, 0]
        let fragment: [UInt8] = [6, 0, 0, 0, 0, 0, 0, 7]
        let segment = Fixtures.tcp(Fixtures.ip6A, Fixtures.ip6B, ports: (443, 50000), flags: 0x12)
        let packet = Fixtures.ipv6(Fixtures.ip6A, Fixtures.ip6B, next: 0, hopByHop + routing + destination + fragment + segment)
        let result = Fixtures.dissect(Fixtures.ethernet(type: 0x86dd, packet), verifyChecksums: true)
        #expect(result.error == nil)
        #expect(result.layers == [.ethernet, .ipv6, .ipv6Extension, .ipv6Extension, .ipv6Extension, .ipv6Extension, .tcp])
        #expect(result.allFields("ipv6.opt.type").map(\.value) == ["Router Alert", "PadN", "PadN"])
        #expect(result.value("ipv6.routing.type") == "4")
        #expect(result.value("ipv6.fragment.id") == "0x00000007")
        #expect(result.value("tcp.flags") == "0x0012 (SYN, ACK)")
        #expect(result.value("tcp.checksum")?.hasSuffix("[correct]") == true)
    }

    @Test func icmpEchoAndIcmpv6NeighbourDiscoveryAreNamed() {
        var echo: [UInt8] = [8, 0, 0, 0, 0x12, 0x34, 0, 1] + Array("ping".utf8)
        let sum = Fixtures.checksum(echo)
        echo[2] = UInt8(sum >> 8); echo[3] = UInt8(sum & 0xff)
        let ping = Fixtures.dissect(
            Fixtures.ethernet(type: 0x0800, Fixtures.ipv4(Fixtures.ipA, Fixtures.ipB, protocol: 1, echo)), verifyChecksums: true)
        #expect(ping.info == "Echo (ping) request  id=0x1234, seq=1")
        #expect(ping.value("icmp.checksum")?.hasSuffix("[correct]") == true)
        // Neighbour solicitation for fe80::2 with a source link-layer address option (type 1, length 1 × 8).
        var solicitation: [UInt8] = [135, 0, 0, 0, 0, 0, 0, 0] + Fixtures.ip6B + [1, 1] + Fixtures.macA
        let pseudo = Fixtures.pseudoHeader(Fixtures.ip6A, Fixtures.ip6B, protocol: 58, length: solicitation.count)
        let ndSum = Fixtures.checksum(pseudo + solicitation)
        solicitation[2] = UInt8(ndSum >> 8); solicitation[3] = UInt8(ndSum & 0xff)
        let nd = Fixtures.dissect(
            Fixtures.ethernet(type: 0x86dd, Fixtures.ipv6(Fixtures.ip6A, Fixtures.ip6B, next: 58, solicitation)), verifyChecksums: true)
        #expect(nd.error == nil)
        #expect(nd.info == "Neighbor Solicitation for fe80::2 from 02:00:00:00:00:01")
        #expect(nd.value("icmpv6.checksum")?.hasSuffix("[correct]") == true)
        #expect(nd.value("icmpv6.opt") == "02:00:00:00:00:01")
    }

    @Test func tcpSackBlocksAreListed() {
        // NOP, NOP, SACK with two blocks.
        let options: [UInt8] = [1, 1, 5, 18] + Fixtures.be32(100) + Fixtures.be32(200) + Fixtures.be32(300) + Fixtures.be32(400)
        let result = Fixtures.dissect(Fixtures.tcpFrame(ports: (1, 2), flags: 0x10, options: options))
        #expect(result.error == nil)
        #expect(result.value("tcp.options.sack") == "100-200 300-400")
        #expect(result.info.hasSuffix("SLE=100 SRE=200 SLE=300 SRE=400"))
    }

    @Test func greaseValuesAreTheSixteenRFC8701Reserves() {
        let grease = (0...0xffff).map(UInt16.init).filter(TLSView.isGREASE)
        let expected: [UInt16] = (0..<16).map { (nibble: UInt16) -> UInt16 in (nibble << 12) | 0x0a00 | (nibble << 4) | 0x000a }
        #expect(grease == expected)
        #expect(grease.first == 0x0a0a && grease.last == 0xfafa && !TLSView.isGREASE(0x0a1a))
    }

    @Test func httpFirstLinesAndTlsServerNameAreShown() {
        let request = Fixtures.dissect(Fixtures.tcpFrame(ports: (40000, 8080), Array("GET /index.html HTTP/1.1\r\nHost: a\r\n\r\n".utf8)))
        #expect(request.protocolName == "HTTP" && request.info == "GET /index.html HTTP/1.1 ")
        let response = Fixtures.dissect(Fixtures.tcpFrame(ports: (80, 40000), Array("HTTP/1.0 404 Not Found\r\n\r\n".utf8)))
        #expect(response.info == "HTTP/1.0 404 Not Found ")
        #expect(response.value("http.response.code") == "404" && response.value("http.response.phrase") == "Not Found")
        #expect(response.value("http.response.version") == "HTTP/1.0")
        #expect(request.value("http.request.line") == "Host: a\r\n" && request.value("http.host") == "a")
        let hello = Fixtures.dissect(Fixtures.tcpFrame(ports: (40000, 443), TLSFixture.clientHello(serverName: "example.com")))
        #expect(hello.error == nil)
        #expect(hello.protocolName == "TLS")
        #expect(hello.info == "Client Hello (SNI=example.com)")
        #expect(hello.value("tls.handshake.extensions_server_name") == "example.com")
        let other = Fixtures.dissect(Fixtures.tcpFrame(ports: (40000, 9999), Array("hello there, not http".utf8)))
        #expect(other.protocolName == "TCP" && other.error == nil)
    }
}

/// A minimal TLS 1.2 ClientHello.
enum TLSFixture {
    static func clientHello(serverName: String) -> [UInt8] {
        let name = Array(serverName.utf8)
        // server_name extension: list length, name type 0 (host_name), name length, name.
        let sniBody = Fixtures.be16(UInt16(name.count + 3)) + [0] + Fixtures.be16(UInt16(name.count)) + name
        let extensions =
            Fixtures.be16(0) + Fixtures.be16(UInt16(sniBody.count)) + sniBody
            + Fixtures.be16(0x000d) + Fixtures.be16(4) + Fixtures.be16(2) + Fixtures.be16(0x0403)  // signature_algorithms
        let body: [UInt8] =
            Fixtures.be16(0x0303) + Array(repeating: 0xab, count: 32)  // client_version, random
            + [0]  // session ID: empty
            + Fixtures.be16(4) + Fixtures.be16(0x1301) + Fixtures.be16(0xc02f)  // two cipher suites
            + [1, 0]  // compression: null
            + Fixtures.be16(UInt16(extensions.count)) + extensions
        let handshake: [UInt8] = [1] + [0, UInt8(body.count >> 8), UInt8(body.count & 0xff)] + body  // ClientHello, 24-bit length
        return [22, 0x03, 0x01] + Fixtures.be16(UInt16(handshake.count)) + handshake  // handshake record, TLS 1.0 framing
    }
}
