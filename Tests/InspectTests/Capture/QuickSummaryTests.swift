import Testing
@testable import Inspect

/// `QuickSummary` writes the summary line of plain Ethernet/IPv4/UDP and TCP packets without
/// dissecting them: its line must be byte for byte the dissector's, and every other packet must be declined.
@Suite struct QuickSummaryTests {
    /// The line the dissector path of `socktui read` makes.
    static func dissectedLine(
        _ bytes: [UInt8], number: Int, stamp: PacketTimestamp, length: Int, linkType: LinkType = .ethernet,
        options: DissectorOptions, tcp: TCPAnalysis? = nil, formatter: inout TimestampFormatter
    ) -> String {
        let dissection = bytes.withUnsafeBytes {
            Dissector.dissect($0, linkType: linkType, originalLength: length, options: options, tcp: tcp)
        }
        var out: [UInt8] = []
        PacketSummary.appendLine(number: number, timestamp: stamp, length: length, dissection: dissection, to: &out, formatter: &formatter)
        return String(decoding: out, as: UTF8.self)
    }

    /// The quick line, or nil when it declines.
    static func quickLine(
        _ bytes: [UInt8], number: Int, stamp: PacketTimestamp, length: Int, linkType: LinkType = .ethernet,
        options: DissectorOptions, tcp: TCPAnalysis? = nil, formatter: inout TimestampFormatter
    ) -> String? {
        let out = UnsafeMutablePointer<UInt8>.allocate(capacity: QuickSummary.maximumLineLength)
        defer { out.deallocate() }
        let written = bytes.withUnsafeBytes {
            QuickSummary.writeLine(
                number: number, timestamp: stamp, length: length, bytes: $0, linkType: linkType,
                options: options, tcp: tcp, formatter: &formatter, to: out)
        }
        // The columns `--json` takes, written without the rest of the line.
        let columnsOut = UnsafeMutablePointer<UInt8>.allocate(capacity: QuickSummary.maximumLineLength)
        defer { columnsOut.deallocate() }
        var columns = QuickSummary.Columns()
        let columnsWritten = bytes.withUnsafeBytes {
            QuickSummary.writeJSONColumns(
                length: length, bytes: $0, linkType: linkType, options: options, tcp: tcp, to: columnsOut, columns: &columns)
        }
        // `--json` declines the same packets and writes the object of the dissection's summary.
        let json = quickJSON(bytes, number: number, stamp: stamp, length: length, linkType: linkType, options: options, tcp: tcp)
        guard let written else {
            #expect(json == nil && columnsWritten == nil)
            return nil
        }
        guard let columnsWritten else {
            Issue.record("the JSON columns declined a packet the line did not")
            return nil
        }
        #expect(written <= QuickSummary.maximumLineLength)
        // `--json` takes the columns from the quick line's code: each must be the dissection's, and the
        // dissection must have no error (the quick summary has none to give).
        let dissection = bytes.withUnsafeBytes {
            Dissector.dissect($0, linkType: linkType, originalLength: length, options: options, tcp: tcp)
        }
        func column(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(start: columnsOut + range.lowerBound, count: range.count), as: UTF8.self)
        }
        #expect(column(columns.source) == dissection.source && column(columns.destination) == dissection.destination)
        #expect(column(columns.protocolName) == dissection.protocolName && column(columns.infoStart..<columnsWritten) == dissection.info)
        #expect(dissection.error == nil)
        for (interface, direction) in [(String?.none, PacketDirection.unknown), ("eth0", .incoming)] {
            let summary = PacketSummary(
                number: number, timestamp: stamp, length: length, capturedLength: bytes.count, interface: interface,
                direction: direction, dissection: dissection)
            let quick = quickJSON(
                bytes, number: number, stamp: stamp, length: length, linkType: linkType, options: options, tcp: tcp,
                interface: interface, direction: direction)
            #expect(quick != nil && quick == (try? JSONStreamEncoder().encode(summary)))
        }
        #expect(json != nil)
        return String(decoding: UnsafeBufferPointer(start: out, count: written), as: UTF8.self)
    }

    /// The JSON object `QuickSummary.writeJSON` appends (after a byte already in the buffer, which
    /// it must keep), or nil when it declines (and appends nothing).
    static func quickJSON(
        _ bytes: [UInt8], number: Int, stamp: PacketTimestamp, length: Int, linkType: LinkType, options: DissectorOptions,
        tcp: TCPAnalysis? = nil, interface: String? = nil, direction: PacketDirection = .unknown
    ) -> [UInt8]? {
        var out = ByteBuffer(capacity: 8)
        defer { out.deallocate() }
        out.append(UInt8(ascii: "x"))
        let wrote = bytes.withUnsafeBytes {
            try? QuickSummary.writeJSON(
                number: number, timestamp: stamp, length: length, bytes: $0, linkType: linkType, options: options, tcp: tcp,
                interface: interface, direction: direction, writer: JSONStreamWriter(JSONStreamEncoder()),
                to: &out)
        }
        #expect(wrote != nil && out.bytes.first == UInt8(ascii: "x"))
        guard wrote == true else {
            #expect(out.count == 1)
            return nil
        }
        return Array(out.bytes.dropFirst())
    }

    static func udpFrame(source: [UInt8], destination: [UInt8], ports: (UInt16, UInt16), payload: Int) -> [UInt8] {
        Fixtures.ethernet(
            type: 0x0800,
            Fixtures.ipv4(
                source, destination, protocol: 17,
                Fixtures.udp(source, destination, ports: ports, Array(repeating: 0x61, count: payload))))
    }

    @Test func plainUDPLinesEqualTheDissectorsInEveryTimeStyle() {
        let addresses: [[UInt8]] = [[127, 0, 0, 1], [10, 20, 100, 255], [0, 9, 99, 199], [255, 255, 255, 255]]
        let portPairs: [(UInt16, UInt16)] = [(41234, 9), (0, 65535), (1, 10), (99, 100), (443, 80)]
        let stamps = [
            PacketTimestamp(seconds: 1_764_078_666, nanoseconds: 123_456_789), PacketTimestamp(seconds: 1_764_078_666, nanoseconds: 0),
            PacketTimestamp(seconds: 1_764_078_667, nanoseconds: 999_999_999), PacketTimestamp(seconds: 0, nanoseconds: 5),
            PacketTimestamp(seconds: -86_401, nanoseconds: 7), PacketTimestamp(seconds: 253_402_300_800, nanoseconds: 1)
        ]
        let options = DissectorOptions()
        var checked = 0
        for style in TimestampFormatter.Style.allCases {
            for digits in [0, 3, 6, 9] {
                for utc in [true, false] {
                    var quickFormatter = TimestampFormatter(style: style, fractionDigits: digits, utc: utc)
                    var slowFormatter = TimestampFormatter(style: style, fractionDigits: digits, utc: utc)
                    for (index, stamp) in stamps.enumerated() {
                        let source = addresses[index % addresses.count], destination = addresses[(index + 1) % addresses.count]
                        let ports = portPairs[index % portPairs.count]
                        for payload in [0, 1, 64] {
                            let frame = Self.udpFrame(source: source, destination: destination, ports: ports, payload: payload)
                            // Wire length as captured, and longer (a snapshot length cut the capture).
                            for length in [frame.count, frame.count + 1000] {
                                for number in [1, 9, 10, 1_000_000, Int.max] {
                                    let quick = Self.quickLine(
                                        frame, number: number, stamp: stamp, length: length, options: options, formatter: &quickFormatter)
                                    let slow = Self.dissectedLine(
                                        frame, number: number, stamp: stamp, length: length, options: options, formatter: &slowFormatter)
                                    #expect(quick == slow, "style \(style), digits \(digits), utc \(utc), \(stamp)")
                                    checked += 1
                                }
                            }
                        }
                    }
                }
            }
        }
        #expect(checked == 3 * 4 * 2 * 6 * 3 * 2 * 5)
        // A line it wrote, spelled out.
        var formatter = TimestampFormatter(utc: true)
        let frame = Self.udpFrame(source: [127, 0, 0, 1], destination: [127, 0, 0, 1], ports: (41234, 9), payload: 64)
        #expect(
            Self.quickLine(frame, number: 3, stamp: stamps[0], length: frame.count, options: options, formatter: &formatter)
                == "3 13:51:06.123456 127.0.0.1 → 127.0.0.1 UDP 106 41234 → 9 Len=64")
    }

    @Test func otherShapesAreLeftToTheDissector() {
        let options = DissectorOptions(dnsPorts: [53, 5353, 5355, 9999])
        var formatter = TimestampFormatter(utc: true)
        let stamp = PacketTimestamp(seconds: 1_764_078_666, nanoseconds: 0)
        let plain = Fixtures.udpFrame(ports: (40000, 9), [1, 2, 3])
        let declined: [(String, [UInt8], LinkType)] = [
            ("DNS source port", Fixtures.udpFrame(ports: (53, 40000), []), .ethernet),
            ("DNS destination port", Fixtures.udpFrame(ports: (40000, 5353), [1]), .ethernet),
            ("a --dns-port", Fixtures.udpFrame(ports: (9999, 40000), [1]), .ethernet),
            (
                "IPv4 options",
                Fixtures.ethernet(
                    type: 0x0800,
                    Fixtures.ipv4(
                        Fixtures.ipA, Fixtures.ipB, protocol: 17, options: [0x94, 4, 0, 0],
                        Fixtures.udp(Fixtures.ipA, Fixtures.ipB, ports: (1, 2), [0]))), .ethernet
            ),
            (
                "more fragments",
                Fixtures.ethernet(
                    type: 0x0800,
                    Fixtures.ipv4(
                        Fixtures.ipA, Fixtures.ipB, protocol: 17, flagsAndOffset: 0x2000,
                        Fixtures.udp(Fixtures.ipA, Fixtures.ipB, ports: (1, 2), [0]))), .ethernet
            ),
            (
                "fragment offset",
                Fixtures.ethernet(
                    type: 0x0800,
                    Fixtures.ipv4(
                        Fixtures.ipA, Fixtures.ipB, protocol: 17, flagsAndOffset: 0x0001,
                        Fixtures.udp(Fixtures.ipA, Fixtures.ipB, ports: (1, 2), [0]))), .ethernet
            ),
            ("TCP on a DNS port", Fixtures.tcpFrame(ports: (53, 40000), [0, 1, 0]), .ethernet),
            ("HTTP request", Fixtures.tcpFrame(ports: (40000, 80), Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)), .ethernet),
            ("HTTP response", Fixtures.tcpFrame(ports: (80, 40000), Array("HTTP/1.1 200 OK\r\n".utf8)), .ethernet),
            ("TLS record", Fixtures.tcpFrame(ports: (40000, 443), [22, 3, 1, 0, 5, 1, 0, 0, 1, 0]), .ethernet),
            ("bad TCP option length", Fixtures.tcpFrame(ports: (1, 2), options: [2, 5, 0, 0]), .ethernet),
            ("TCP option past the header", Fixtures.tcpFrame(ports: (1, 2), options: [1, 1, 1, 8]), .ethernet),
            (
                "ICMP", Fixtures.ethernet(type: 0x0800, Fixtures.ipv4(Fixtures.ipA, Fixtures.ipB, protocol: 1, [8, 0, 0, 0, 0, 1, 0, 1])),
                .ethernet
            ),
            (
                "VLAN tag",
                Fixtures.ethernet(
                    type: 0x0800, tags: [(0x8100, 5)],
                    Fixtures.ipv4(
                        Fixtures.ipA, Fixtures.ipB, protocol: 17,
                        Fixtures.udp(Fixtures.ipA, Fixtures.ipB, ports: (1, 2), [0]))), .ethernet
            ),
            (
                "IPv6",
                Fixtures.ethernet(
                    type: 0x86dd,
                    Fixtures.ipv6(
                        Fixtures.ip6A, Fixtures.ip6B, next: 17,
                        Fixtures.udp(Fixtures.ip6A, Fixtures.ip6B, ports: (1, 2), [0]))), .ethernet
            ),
            ("raw IP", Array(plain.dropFirst(14)), .raw),
            ("truncated", Array(plain.prefix(41)), .ethernet)
        ]
        for (name, bytes, linkType) in declined {
            #expect(
                Self.quickLine(
                    bytes, number: 1, stamp: stamp, length: bytes.count, linkType: linkType, options: options, formatter: &formatter)
                    == nil, "\(name)")
        }
        #expect(Self.quickLine(plain, number: 1, stamp: stamp, length: plain.count, options: options, formatter: &formatter) != nil)
    }

    /// TCP segments the quick path writes: flags, Ack only with ACK, every option it names, and
    /// payloads that are neither HTTP nor TLS (including one cut off by the snapshot length).
    /// An analysis as `TCPSequenceAnalyzer` makes one: relative numbers, a window scaled by 128.
    func analysis(flags: UInt8, tagged: Bool = false) -> TCPAnalysis {
        var analysis = TCPAnalysis()
        analysis.sequence = 1
        analysis.hasAcknowledgment = flags & 0x10 != 0
        analysis.acknowledgment = analysis.hasAcknowledgment ? 6 : 7
        analysis.window = 65535 * 128
        if tagged {
            analysis.flags = .duplicateACK
            analysis.duplicateACKNumber = 2
            analysis.duplicateACKFrame = 3
        }
        return analysis
    }

    @Test func plainTCPLinesEqualTheDissectors() {
        let options = DissectorOptions()
        var quickFormatter = TimestampFormatter(utc: true), slowFormatter = TimestampFormatter(utc: true)
        let stamp = PacketTimestamp(seconds: 1_764_078_666, nanoseconds: 42_000)
        let optionSets: [[UInt8]] = [
            [],
            [2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0x6f, 0x03, 0x2a, 0x5a, 0, 0, 0, 0, 1, 3, 3, 7],  // SYN: MSS, SACK_PERM, TS, NOP, WS
            [1, 1, 8, 10, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1],  // NOP NOP TS
            [1, 1, 5, 18, 0, 0, 0, 1, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xfe, 0xff, 0xff, 0xff, 0xff],  // two SACK blocks
            [3, 3, 15, 0, 0, 0],  // WS 2^15 shown as 2^14, EOL
            [254, 4, 1, 2],  // an unknown option
            (0..<20).flatMap { _ in [UInt8]([4, 2]) }  // 20 × SACK_PERM: 40 bytes
        ]
        var checked = 0
        for (index, tcpOptions) in optionSets.enumerated() {
            for flags: UInt8 in [0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x00, 0xff] {
                for payload in [[UInt8](), Array("xyz, not HTTP: data".utf8), [0, 1, 2, 3, 4, 5, 6, 7, 8], Array("HTTX".utf8)] {
                    let frame = Fixtures.tcpFrame(
                        ports: (UInt16(40000 + index), 8080), flags: flags, sequence: 4_000_000_000, acknowledgment: 7,
                        options: tcpOptions, payload)
                    for (bytes, length) in [(frame, frame.count), (Array(frame.prefix(frame.count - payload.count / 2)), frame.count)] {
                        // Without sequence analysis, with it (relative numbers, a scaled window), and
                        // with a flag (whose tag the dissector writes: the quick path declines).
                        for tcp in [nil, analysis(flags: flags), analysis(flags: flags, tagged: true)] {
                            let quick = Self.quickLine(
                                bytes, number: 12, stamp: stamp, length: length, options: options, tcp: tcp, formatter: &quickFormatter)
                            let slow = Self.dissectedLine(
                                bytes, number: 12, stamp: stamp, length: length, options: options, tcp: tcp, formatter: &slowFormatter)
                            if tcp?.flags.isEmpty == false {
                                #expect(quick == nil && slow.contains("[TCP Dup ACK 3#2] "))
                            } else {
                                #expect(quick != nil, "options \(tcpOptions), flags \(flags)")
                                #expect(quick == slow)
                            }
                        }
                        checked += 1
                    }
                }
            }
        }
        #expect(checked == optionSets.count * 8 * 4 * 2)
        let syn = Fixtures.tcpFrame(ports: (54847, 80), flags: 0x02, sequence: 1, acknowledgment: 0, options: optionSets[1])
        #expect(
            Self.quickLine(syn, number: 1, stamp: stamp, length: syn.count, options: options, formatter: &quickFormatter)
                == "1 13:51:06.000042 10.0.0.1 → 10.0.0.2 TCP 74 54847 → 80 [SYN] Seq=1 Win=65535 Len=0 MSS=1460 SACK_PERM TSval=1862478426 TSecr=0 WS=128"
        )
    }

    /// Every header byte of a plain frame set to values that matter (lengths, flags, version,
    /// protocol), every truncation and a range of wire lengths: whenever the quick path answers,
    /// its line is the dissector's (including for the shapes a damaged header turns into).
    @Test(arguments: [false, true])
    func damagedAndTruncatedFramesNeverGiveADifferentLine(tcp: Bool) {
        let options = DissectorOptions()
        var quickFormatter = TimestampFormatter(utc: true), slowFormatter = TimestampFormatter(utc: true)
        let stamp = PacketTimestamp(seconds: 1_764_078_666, nanoseconds: 42_000)
        let plain =
            tcp
            ? Fixtures.tcpFrame(
                ports: (50000, 8080), flags: 0x10, options: [1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 5, 10, 0, 0, 0, 3, 0, 0, 0, 4, 1, 0],
                Array("0123456789".utf8))
            : Self.udpFrame(source: [192, 168, 1, 20], destination: [8, 8, 4, 4], ports: (50000, 9), payload: 30)
        var variants: [(bytes: [UInt8], length: Int)] = []
        for index in 0..<(tcp ? 78 : 42) {
            for value: UInt8 in [
                0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x08, 0x0a, 0x11, 0x12, 0x14, 0x1c, 0x20, 0x35, 0x40, 0x45, 0x46, 0x50, 0x60,
                0x80, 0xa0, 0xf0, 0xff
            ] {
                var bytes = plain
                bytes[index] = value
                variants.append((bytes, bytes.count))
            }
        }
        for count in 0...plain.count { variants.append((Array(plain.prefix(count)), plain.count)) }
        for extra in [1, 2, 16, 100] { variants.append((plain, plain.count + extra)) }
        // An Ethernet trailer after the IP datagram (padding of short frames).
        variants.append((plain + [0, 0, 0, 0], plain.count + 4))
        var answered = 0
        for (bytes, length) in variants {
            guard let quick = Self.quickLine(bytes, number: 7, stamp: stamp, length: length, options: options, formatter: &quickFormatter)
            else { continue }
            answered += 1
            #expect(
                quick == Self.dissectedLine(bytes, number: 7, stamp: stamp, length: length, options: options, formatter: &slowFormatter))
        }
        // Most single-byte changes (addresses, ports, TTL, checksums, payload) keep the plain shape.
        #expect(answered > variants.count / 2)
    }

    @Test func writtenTimestampsEqualTheAppendedOnes() {
        let stamps = [
            PacketTimestamp(seconds: 1_764_078_666, nanoseconds: 1), PacketTimestamp(seconds: -1, nanoseconds: 999_999_999),
            PacketTimestamp(seconds: Int64(Int32.max) * 100, nanoseconds: 10), PacketTimestamp(seconds: 0, nanoseconds: 0)
        ]
        for style in TimestampFormatter.Style.allCases {
            for digits in 0...9 {
                var writer = TimestampFormatter(style: style, fractionDigits: digits, utc: true)
                let out = UnsafeMutablePointer<UInt8>.allocate(capacity: TimestampFormatter.maximumLength)
                defer { out.deallocate() }
                for stamp in stamps + stamps {
                    var appender = TimestampFormatter(style: style, fractionDigits: digits, utc: true)
                    let written = writer.write(stamp, to: out)
                    let text = appender.string(stamp)
                    #expect(String(decoding: UnsafeBufferPointer(start: out, count: written), as: UTF8.self) == text)
                    #expect(text.utf8.count == written)
                    // The fraction has exactly `digits` digits after a point (none for 0).
                    #expect(digits == 0 ? !text.contains(".") : text.split(separator: ".").last!.count == digits)
                }
            }
        }
    }
}
