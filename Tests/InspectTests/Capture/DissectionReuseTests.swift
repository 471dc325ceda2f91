import Foundation
import Testing
@testable import Inspect

/// The allocation-light paths of `socktui read`: a reused `Dissection` and the per-second
/// timestamp cache must give exactly what a fresh dissection and a fresh formatter give.
@Suite struct DissectionReuseTests {
    /// Packets of every kind the summary columns come from: IPv4 and IPv6 addresses, MAC
    /// addresses (ARP), DNS, errors, and a truncated frame, in an order that alternates them.
    static let packets: [(bytes: [UInt8], linkType: LinkType)] = [
        (Fixtures.udpFrame(ports: (40000, 9), Array("hello".utf8)), .ethernet),
        (Fixtures.tcpSyn, .ethernet),
        (Fixtures.dnsResponse, .ethernet),
        (
            Fixtures.ethernet(
                type: 0x86dd,
                Fixtures.ipv6(
                    Fixtures.ip6A, Fixtures.ip6B, next: 17,
                    Fixtures.udp(Fixtures.ip6A, Fixtures.ip6B, ports: (5353, 5353), Fixtures.dnsQuery("a.local")))), .ethernet
        ),
        (
            Fixtures.ethernet(type: 0x0806, [0, 1, 8, 0, 6, 4, 0, 1] + Fixtures.macA + Fixtures.ipA + [0, 0, 0, 0, 0, 0] + Fixtures.ipB),
            .ethernet
        ),
        (Array(Fixtures.tcpFrame(ports: (443, 50000), Array("GET / HTTP/1.1\r\n".utf8)).prefix(40)), .ethernet),
        (Fixtures.tcpFrame(ports: (50000, 80), Array("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n".utf8)), .ethernet),
        (Fixtures.ipv4(Fixtures.ipA, Fixtures.ipB, protocol: 17, Fixtures.udp(Fixtures.ipA, Fixtures.ipB, ports: (1, 2), [])), .raw),
        ([0x45], .raw)
    ]

    @Test(arguments: [false, true])
    func reusedDissectionEqualsAFreshOne(detail: Bool) throws {
        let options = DissectorOptions(detail: detail)
        var reused = Dissection()
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        // Twice round, so every packet follows one of a different kind.
        for (bytes, linkType) in Self.packets + Self.packets.reversed() {
            let fresh = bytes.withUnsafeBytes { Dissector.dissect($0, linkType: linkType, options: options) }
            bytes.withUnsafeBytes { Dissector.dissect($0, linkType: linkType, options: options, into: &reused) }
            #expect(reused == fresh)
            #expect(reused.source == fresh.source && reused.destination == fresh.destination && reused.info == fresh.info)
            #expect(reused.hashValue == fresh.hashValue)
            let freshJSON = try encoder.encode(fresh), reusedJSON = try encoder.encode(reused)
            #expect(freshJSON == reusedJSON)
            #expect(try JSONDecoder().decode(Dissection.self, from: reusedJSON) == fresh)
        }
    }

    @Test func summaryLineFromColumnsEqualsTheLineFromStrings() {
        var formatter = TimestampFormatter(utc: true)
        for (index, (bytes, linkType)) in Self.packets.enumerated() {
            let dissection = bytes.withUnsafeBytes { Dissector.dissect($0, linkType: linkType) }
            let stamp = PacketTimestamp(seconds: 1_764_078_666, nanoseconds: UInt32(index))
            var fast: [UInt8] = []
            PacketSummary.appendLine(
                number: index + 1, timestamp: stamp, length: bytes.count, dissection: dissection, to: &fast, formatter: &formatter)
            let summary = PacketSummary(
                number: index + 1, timestamp: stamp, length: bytes.count, capturedLength: bytes.count,
                interface: nil, direction: .unknown, dissection: dissection)
            #expect(String(decoding: fast, as: UTF8.self) == summary.line(formatter: &formatter))
            #expect(String(decoding: fast, as: UTF8.self).contains(" \(dissection.source) → \(dissection.destination) "))
        }
    }

    @Test func settingAColumnTwiceKeepsTheLastValue() {
        var dissection = Dissection()
        dissection.source = "aa:bb"
        dissection.info = "first"
        dissection.source = "10.0.0.1"
        #expect(dissection.source == "10.0.0.1")
        #expect(dissection.info == "first")
        #expect(dissection.destination == "")
        var other = Dissection()
        other.info = "first"
        other.source = "10.0.0.1"
        #expect(dissection == other)
    }

    @Test func cachedSecondMatchesAFreshFormatterInEveryStyle() {
        let stamps = [
            PacketTimestamp(seconds: 1_764_078_666, nanoseconds: 1),
            PacketTimestamp(seconds: 1_764_078_666, nanoseconds: 999_999_999),
            PacketTimestamp(seconds: 1_764_078_667, nanoseconds: 0),
            PacketTimestamp(seconds: 1_764_078_666, nanoseconds: 5),
            PacketTimestamp(seconds: 0, nanoseconds: 0)
        ]
        var cached = TimestampFormatter(style: .timeOfDay, fractionDigits: 6, utc: false)
        for style in TimestampFormatter.Style.allCases {
            for utc in [false, true] {
                cached.style = style
                cached.utc = utc
                for stamp in stamps + stamps {
                    var fresh = TimestampFormatter(style: style, fractionDigits: 6, utc: utc)
                    #expect(cached.string(stamp) == fresh.string(stamp), "style \(style), utc \(utc), \(stamp)")
                }
            }
        }
    }
}
