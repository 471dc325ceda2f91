import Foundation
@testable import Inspect

/// Conversations built by hand for the analysis engines: TCP with out-of-order, retransmitted,
/// overlapping and wrapping segments, IPv6, UDP, fragmented DNS over UDP (IPv4 and IPv6) and a DNS
/// message split over TCP segments. Every frame is Ethernet with correct checksums.
enum AnalysisFixtures {
    /// One side of a conversation: an address and a port.
    struct Side {
        var ip: [UInt8]
        var port: UInt16
    }

    static let client = Side(ip: Fixtures.ipA, port: 40000)
    static let server = Side(ip: Fixtures.ipB, port: 8080)

    /// An Ethernet / IPv4-or-IPv6 / TCP frame from `from` to `to`.
    static func tcp(_ from: Side, _ to: Side, seq: UInt32, ack: UInt32 = 0, flags: UInt8, _ payload: [UInt8] = []) -> [UInt8] {
        let segment = Fixtures.tcp(from.ip, to.ip, ports: (from.port, to.port), sequence: seq, acknowledgment: ack, flags: flags, payload)
        if from.ip.count == 16 { return Fixtures.ethernet(type: 0x86dd, Fixtures.ipv6(from.ip, to.ip, next: 6, segment)) }
        return Fixtures.ethernet(type: 0x0800, Fixtures.ipv4(from.ip, to.ip, protocol: 6, segment))
    }

    static let syn: UInt8 = 0x02, synAck: UInt8 = 0x12, ack: UInt8 = 0x10, pshAck: UInt8 = 0x18, finAck: UInt8 = 0x11

    /// A handshake, data both ways and a close. Returns the frames and what each side sent.
    static func conversation(_ a: Side, _ b: Side, clientISN: UInt32, serverISN: UInt32, request: [UInt8], response: [UInt8]) -> [[UInt8]] {
        let c = clientISN &+ 1, s = serverISN &+ 1
        let cEnd = c &+ UInt32(request.count), sEnd = s &+ UInt32(response.count)
        return [
            tcp(a, b, seq: clientISN, flags: syn),
            tcp(b, a, seq: serverISN, ack: c, flags: synAck),
            tcp(a, b, seq: c, ack: s, flags: ack),
            tcp(a, b, seq: c, ack: s, flags: pshAck, request),
            tcp(b, a, seq: s, ack: cEnd, flags: pshAck, response),
            tcp(a, b, seq: cEnd, ack: sEnd, flags: finAck),
            tcp(b, a, seq: sEnd, ack: cEnd &+ 1, flags: finAck),
            tcp(a, b, seq: cEnd &+ 1, ack: sEnd &+ 1, flags: ack)
        ]
    }

    /// A TCP stream whose client data arrives out of order, is retransmitted and partly overlaps.
    static func messyConversation() -> [[UInt8]] {
        let a = Side(ip: Fixtures.ipA, port: 40001), b = Side(ip: Fixtures.ipB, port: 8081)
        let c: UInt32 = 70_001, s: UInt32 = 90_001
        return [
            tcp(a, b, seq: c - 1, flags: syn),
            tcp(b, a, seq: s - 1, ack: c, flags: synAck),
            tcp(a, b, seq: c, ack: s, flags: ack),
            tcp(a, b, seq: c, ack: s, flags: pshAck, Array("first-".utf8)),  // 6 bytes
            tcp(a, b, seq: c + 13, ack: s, flags: pshAck, Array("third-".utf8)),  // arrives before the second
            tcp(a, b, seq: c + 6, ack: s, flags: pshAck, Array("second-".utf8)),  // fills the hole (7 bytes)
            tcp(a, b, seq: c + 6, ack: s, flags: pshAck, Array("second-".utf8)),  // retransmission
            tcp(a, b, seq: c + 16, ack: s, flags: pshAck, Array("rd-fourth".utf8)),  // 3 bytes repeat "rd-"
            tcp(b, a, seq: s, ack: c + 25, flags: pshAck, Array("thanks".utf8)),
            tcp(a, b, seq: c + 25, ack: s + 6, flags: finAck),
            tcp(b, a, seq: s + 6, ack: c + 26, flags: finAck)
        ]
    }

    /// A UDP datagram frame (IPv4).
    static func udp(_ from: Side, _ to: Side, _ payload: [UInt8]) -> [UInt8] {
        Fixtures.ethernet(
            type: 0x0800, Fixtures.ipv4(from.ip, to.ip, protocol: 17, Fixtures.udp(from.ip, to.ip, ports: (from.port, to.port), payload)))
    }

    /// A DNS response for `name` with `answers` TXT records of 200 bytes each (large enough to need fragments).
    static func bigDNSResponse(id: UInt16, _ name: String, answers: Int) -> [UInt8] {
        var message =
            Fixtures.be16(id) + [0x81, 0x80] + Fixtures.be16(1) + Fixtures.be16(UInt16(answers)) + [0, 0, 0, 0]
            + Fixtures.name(name) + Fixtures.be16(16) + Fixtures.be16(1)
        for index in 0..<answers {
            let text = [UInt8](repeating: UInt8(ascii: "a") + UInt8(index % 26), count: 199)
            message += [0xc0, 0x0c] + Fixtures.be16(16) + Fixtures.be16(1) + Fixtures.be32(300) + Fixtures.be16(200) + [199] + text
        }
        return message
    }

    /// The UDP datagram (header and payload) split into IPv4 fragments of `size` bytes (a multiple of 8).
    static func ipv4Fragments(_ from: Side, _ to: Side, id: UInt16, _ payload: [UInt8], size: Int, reversed: Bool = false) -> [[UInt8]] {
        let datagram = Fixtures.udp(from.ip, to.ip, ports: (from.port, to.port), payload)
        var frames: [[UInt8]] = []
        for start in stride(from: 0, to: datagram.count, by: size) {
            let end = min(start + size, datagram.count)
            let flags: UInt16 = (end < datagram.count ? 0x2000 : 0) | UInt16(start / 8)
            frames.append(
                Fixtures.ethernet(
                    type: 0x0800,
                    Fixtures.ipv4(
                        from.ip, to.ip, protocol: 17, identification: id, flagsAndOffset: flags,
                        Array(datagram[start..<end]))))
        }
        return reversed ? frames.reversed() : frames
    }

    /// The UDP datagram split into IPv6 fragments (fragment header 44) of `size` bytes.
    static func ipv6Fragments(_ from: Side, _ to: Side, id: UInt32, _ payload: [UInt8], size: Int) -> [[UInt8]] {
        let datagram = Fixtures.udp(from.ip, to.ip, ports: (from.port, to.port), payload)
        return stride(from: 0, to: datagram.count, by: size).map { start in
            let end = min(start + size, datagram.count)
            let offsetAndMore = UInt16(start) | (end < datagram.count ? 1 : 0)
            let header: [UInt8] = [17, 0] + Fixtures.be16(offsetAndMore) + Fixtures.be32(id)
            return Fixtures.ethernet(type: 0x86dd, Fixtures.ipv6(from.ip, to.ip, next: 44, header + Array(datagram[start..<end])))
        }
    }

    /// A DNS-over-TCP exchange on port 53 whose query comes in 2 segments and response in 3.
    static func dnsOverTCP(query name: String) -> [[UInt8]] {
        let a = Side(ip: Fixtures.ipA, port: 40053), b = Side(ip: Fixtures.ipB, port: 53)
        let query = Fixtures.dnsQuery(id: 0x7777, name, type: 16)
        let framedQuery = Fixtures.be16(UInt16(query.count)) + query
        let response = bigDNSResponse(id: 0x7777, name, answers: 3)
        let framedResponse = Fixtures.be16(UInt16(response.count)) + response
        let c: UInt32 = 5_000_001, s: UInt32 = 9_000_001
        let q1 = Array(framedQuery[0..<9]), q2 = Array(framedQuery[9...])
        let r1 = Array(framedResponse[0..<1]), r2 = Array(framedResponse[1..<300]), r3 = Array(framedResponse[300...])
        let cEnd = c + UInt32(framedQuery.count)
        return [
            tcp(a, b, seq: c - 1, flags: syn),
            tcp(b, a, seq: s - 1, ack: c, flags: synAck),
            tcp(a, b, seq: c, ack: s, flags: ack),
            tcp(a, b, seq: c, ack: s, flags: pshAck, q1),
            tcp(a, b, seq: c + UInt32(q1.count), ack: s, flags: pshAck, q2),
            tcp(b, a, seq: s, ack: cEnd, flags: pshAck, r1),
            tcp(b, a, seq: s + 1, ack: cEnd, flags: pshAck, r2),
            tcp(b, a, seq: s + 300, ack: cEnd, flags: pshAck, r3)
        ]
    }

    /// Every case above in one capture, plus an IPv6 stream and a wrapping one.
    static func mixedCapture() -> [[UInt8]] {
        let v6client = Side(ip: Fixtures.ip6A, port: 41000), v6server = Side(ip: Fixtures.ip6B, port: 443)
        let wrapClient = Side(ip: Fixtures.ipA, port: 42000), wrapServer = Side(ip: Fixtures.ipB, port: 7070)
        let dnsClient = Side(ip: Fixtures.ipA, port: 45353), dnsServer = Side(ip: Fixtures.ipB, port: 53)
        let v6dnsClient = Side(ip: Fixtures.ip6A, port: 45354), v6dnsServer = Side(ip: Fixtures.ip6B, port: 53)
        var frames = conversation(
            client, server, clientISN: 1000, serverISN: 5000,
            request: Array("GET /index.html HTTP/1.0\r\n\r\n".utf8), response: Array("HTTP/1.0 200 OK\r\n\r\nhello".utf8))
        frames += messyConversation()
        frames += [
            udp(Side(ip: Fixtures.ipA, port: 50000), Side(ip: Fixtures.ipB, port: 50001), Array("ping".utf8)),
            udp(Side(ip: Fixtures.ipB, port: 50001), Side(ip: Fixtures.ipA, port: 50000), Array("pong!".utf8))
        ]
        frames += conversation(
            v6client, v6server, clientISN: 77, serverISN: 88, request: Array("v6 request".utf8), response: Array("v6 response".utf8))
        frames += conversation(
            wrapClient, wrapServer, clientISN: 0xffff_fff8, serverISN: 0xffff_fffe,
            request: Array("wrapping request data".utf8), response: Array("wrapping response".utf8))
        frames += ipv4Fragments(dnsClient, dnsServer, id: 0x4242, bigDNSResponse(id: 1, "frag4.example.com", answers: 3), size: 256)
        frames += ipv6Fragments(
            v6dnsClient, v6dnsServer, id: 0x0bad_cafe, bigDNSResponse(id: 2, "frag6.example.com", answers: 3), size: 256)
        frames += dnsOverTCP(query: "tcp.example.org")
        return frames
    }

    /// Writes frames to a pcap, one millisecond apart.
    static func write(_ frames: [[UInt8]], to path: String) throws {
        let writer = try PcapWriter(path: path, linkType: .ethernet, resolution: .nanosecond)
        for (index, frame) in frames.enumerated() {
            try writer.write(
                CapturedPacket(
                    timestamp: PacketTimestamp(seconds: 1_764_000_000 + Int64(index / 1000), nanoseconds: UInt32(index % 1000) * 1_000_000),
                    data: frame, linkType: .ethernet))
        }
        try writer.close()
    }
}
