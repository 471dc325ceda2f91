import Foundation
import SocktuiTestSupport
@testable import Inspect

/// Hand-made packets for the dissector tests: annotated literal frames, and small builders that
/// compute lengths and checksums the way a sender would (independently of the code under test).
enum Fixtures {
    /// Ethernet II / IPv4 / TCP SYN with MSS, SACK permitted, timestamps, NOP and window scale;
    /// correct IPv4 and TCP checksums. 74 bytes.
    static let tcpSyn: [UInt8] = [
        // Ethernet II
        0x02, 0x00, 0x00, 0x00, 0x00, 0x02,  // destination 02:00:00:00:00:02
        0x02, 0x00, 0x00, 0x00, 0x00, 0x01,  // source 02:00:00:00:00:01
        0x08, 0x00,  // EtherType IPv4
        // IPv4 at 14
        0x45,  // version 4, IHL 5 (20 bytes)
        0x00,  // DSCP 0, ECN 0
        0x00, 0x3c,  // total length 60
        0x1c, 0x46,  // identification 0x1c46
        0x40, 0x00,  // flags DF, fragment offset 0
        0x40,  // TTL 64
        0x06,  // protocol TCP
        0x26, 0xe9,  // header checksum (correct)
        192, 168, 1, 10,  // source 192.168.1.10
        93, 184, 216, 34,  // destination 93.184.216.34
        // TCP at 34
        0xc3, 0x50,  // source port 50000
        0x00, 0x50,  // destination port 80
        0x11, 0x22, 0x33, 0x44,  // sequence number 287454020
        0x00, 0x00, 0x00, 0x00,  // acknowledgment number 0
        0xa0,  // data offset 10 (40 bytes)
        0x02,  // flags SYN
        0xfa, 0xf0,  // window 64240
        0x37, 0x4d,  // checksum (correct)
        0x00, 0x00,  // urgent pointer 0
        // TCP options at 54
        0x02, 0x04, 0x05, 0xb4,  // MSS 1460
        0x04, 0x02,  // SACK permitted
        0x08, 0x0a, 0x00, 0x00, 0x16, 0x2e, 0x00, 0x00, 0x00, 0x00,  // timestamps TSval 5678, TSecr 0
        0x01,  // NOP
        0x03, 0x03, 0x07  // window scale 7 (×128)
    ]

    /// Ethernet II / IPv4 / UDP / DNS response for example.com A 93.184.216.34, with the answer's
    /// name compressed to a pointer at the question. UDP checksum 0 (none). 87 bytes.
    static let dnsResponse: [UInt8] = [
        // Ethernet II
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // destination (loopback: zeros)
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  // source
        0x08, 0x00,  // EtherType IPv4
        // IPv4 at 14
        0x45, 0x00,  // version 4, IHL 5; DS 0
        0x00, 0x49,  // total length 73
        0x96, 0xbe, 0x40, 0x00,  // identification, flags DF
        0x40, 0x11,  // TTL 64, protocol UDP
        0xa5, 0xe3,  // header checksum (correct)
        127, 0, 0, 1,  // source 127.0.0.1
        127, 0, 0, 1,  // destination 127.0.0.1
        // UDP at 34
        0x00, 0x35,  // source port 53
        0xaf, 0xf4,  // destination port 45044
        0x00, 0x35,  // length 53
        0x00, 0x00,  // checksum none
        // DNS at 42
        0x12, 0x34,  // transaction ID 0x1234
        0x81, 0x80,  // flags: response, RD, RA, no error
        0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,  // 1 question, 1 answer, 0 authority, 0 additional
        // question at 54: example.com A IN
        0x07, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,  // "example"
        0x03, 0x63, 0x6f, 0x6d, 0x00,  // "com", root
        0x00, 0x01, 0x00, 0x01,  // type A, class IN
        // answer at 71
        0xc0, 0x0c,  // name: pointer to offset 12 (example.com)
        0x00, 0x01, 0x00, 0x01,  // type A, class IN
        0x00, 0x00, 0x01, 0x2c,  // TTL 300
        0x00, 0x04,  // data length 4
        93, 184, 216, 34  // 93.184.216.34
    ]

    // MARK: Builders

    static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }
    static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    /// RFC 1071 checksum, written independently of the dissector's.
    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count { sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1]); index += 2 }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    static let macA: [UInt8] = [0x02, 0, 0, 0, 0, 0x01]
    static let macB: [UInt8] = [0x02, 0, 0, 0, 0, 0x02]

    /// Ethernet II frame; `tags` are (TPID, TCI) pairs inserted before the EtherType.
    static func ethernet(type: UInt16, tags: [(UInt16, UInt16)] = [], _ payload: [UInt8]) -> [UInt8] {
        macB + macA + tags.flatMap { be16($0.0) + be16($0.1) } + be16(type) + payload
    }

    /// IPv4 header (with `options`, padded by the caller to 4 bytes) and payload, checksum filled in.
    static func ipv4(
        _ source: [UInt8], _ destination: [UInt8], protocol number: UInt8, options: [UInt8] = [],
        identification: UInt16 = 1, flagsAndOffset: UInt16 = 0x4000, _ payload: [UInt8]
    ) -> [UInt8] {
        let headerLength = 20 + options.count
        var header: [UInt8] =
            [UInt8(0x40 | headerLength / 4), 0] + be16(UInt16(headerLength + payload.count)) + be16(identification)
            + be16(flagsAndOffset) + [64, number, 0, 0] + source + destination + options
        let sum = checksum(header)
        header[10] = UInt8(sum >> 8)
        header[11] = UInt8(sum & 0xff)
        return header + payload
    }

    /// IPv6 header and payload (`next` is the first next-header value).
    static func ipv6(_ source: [UInt8], _ destination: [UInt8], next: UInt8, _ payload: [UInt8]) -> [UInt8] {
        [0x60, 0, 0, 0] + be16(UInt16(payload.count)) + [next, 64] + source + destination + payload
    }

    /// The pseudo-header for a transport checksum.
    static func pseudoHeader(_ source: [UInt8], _ destination: [UInt8], protocol number: UInt8, length: Int) -> [UInt8] {
        source.count == 4
            ? source + destination + [0, number] + be16(UInt16(length))
            : source + destination + be32(UInt32(length)) + [0, 0, 0, number]
    }

    /// TCP segment with checksum over the pseudo-header of `source`/`destination`.
    static func tcp(
        _ source: [UInt8], _ destination: [UInt8], ports: (UInt16, UInt16), sequence: UInt32 = 1000, acknowledgment: UInt32 = 0,
        flags: UInt8, window: UInt16 = 65535, options: [UInt8] = [], _ payload: [UInt8] = []
    ) -> [UInt8] {
        let headerLength = 20 + options.count
        var segment =
            be16(ports.0) + be16(ports.1) + be32(sequence) + be32(acknowledgment)
            + [UInt8(headerLength / 4) << 4, flags] + be16(window) + [0, 0, 0, 0] + options + payload
        let sum = checksum(pseudoHeader(source, destination, protocol: 6, length: segment.count) + segment)
        segment[16] = UInt8(sum >> 8)
        segment[17] = UInt8(sum & 0xff)
        return segment
    }

    /// UDP datagram with checksum.
    static func udp(_ source: [UInt8], _ destination: [UInt8], ports: (UInt16, UInt16), _ payload: [UInt8]) -> [UInt8] {
        var datagram = be16(ports.0) + be16(ports.1) + be16(UInt16(8 + payload.count)) + [0, 0] + payload
        var sum = checksum(pseudoHeader(source, destination, protocol: 17, length: datagram.count) + datagram)
        if sum == 0 { sum = 0xffff }
        datagram[6] = UInt8(sum >> 8)
        datagram[7] = UInt8(sum & 0xff)
        return datagram
    }

    /// A DNS name in wire form.
    static func name(_ text: String) -> [UInt8] {
        text.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
    }

    /// A DNS query for `name` of `type`.
    static func dnsQuery(id: UInt16 = 0xbeef, _ question: String, type: UInt16 = 1) -> [UInt8] {
        be16(id) + [0x01, 0x00] + be16(1) + be16(0) + be16(0) + be16(0) + name(question) + be16(type) + be16(1)
    }

    static let ipA: [UInt8] = [10, 0, 0, 1]
    static let ipB: [UInt8] = [10, 0, 0, 2]
    static let ip6A: [UInt8] = [0xfe, 0x80] + Array(repeating: 0, count: 13) + [1]
    static let ip6B: [UInt8] = [0xfe, 0x80] + Array(repeating: 0, count: 13) + [2]

    /// Ethernet / IPv4 / UDP frame.
    static func udpFrame(ports: (UInt16, UInt16), _ payload: [UInt8]) -> [UInt8] {
        ethernet(type: 0x0800, ipv4(ipA, ipB, protocol: 17, udp(ipA, ipB, ports: ports, payload)))
    }

    /// Ethernet / IPv4 / TCP frame.
    static func tcpFrame(
        ports: (UInt16, UInt16), flags: UInt8 = 0x18, sequence: UInt32 = 1000, acknowledgment: UInt32 = 1,
        options: [UInt8] = [], _ payload: [UInt8] = []
    ) -> [UInt8] {
        ethernet(
            type: 0x0800,
            ipv4(
                ipA, ipB, protocol: 6,
                tcp(
                    ipA, ipB, ports: ports, sequence: sequence, acknowledgment: acknowledgment,
                    flags: flags, options: options, payload)))
    }

    /// Dissects with the field tree.
    static func dissect(
        _ bytes: [UInt8], _ linkType: LinkType = .ethernet, originalLength: Int? = nil,
        dnsPorts: Set<UInt16> = [53, 5353, 5355], verifyChecksums: Bool = false
    ) -> Dissection {
        bytes.withUnsafeBytes {
            Dissector.dissect(
                $0, linkType: linkType, originalLength: originalLength,
                options: DissectorOptions(detail: true, dnsPorts: dnsPorts, verifyChecksums: verifyChecksums))
        }
    }
}

extension Dissection {
    /// The value of field `key`, or nil.
    func value(_ key: String) -> String? { field(key)?.value }
}
