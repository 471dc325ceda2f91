import Foundation
import Synchronization
import SocktuiTestSupport
import Testing
@testable import Inspect

/// The display-filter language (Wireshark 4.0's), checked against tshark on the same packets: the
/// frames each expression selects are tshark's, exactly.
@Suite struct DisplayFilterTests {
    /// Expressions over the varied frames of `ToolComparisonTests` (TCP with options, DNS over UDP
    /// and TCP, VLAN, IPv6 with an extension header, HTTP, TLS, ICMP, ARP).
    static let expressions = [
        "tcp", "udp", "dns", "arp", "icmp", "ipv6", "vlan", "tls", "http", "eth", "frame", "ip",
        "tcp.port == 80", "tcp.port eq 443", "tcp.port != 80", "tcp.srcport == 40001", "tcp.dstport >= 443",
        "tcp.port in {80, 443}", "tcp.port in {80, 443, 5000..6000}", "udp.port in {50..60}", "tcp.port in {8000..8080}",
        "tcp.flags == 0x02", "tcp.flags & 0x02", "tcp.flags & 0x10 == 0x10", "tcp.flags & 0x01", "!(tcp.flags & 0x10)",
        "tcp.seq_raw > 3000000000", "tcp.seq_raw < 10", "tcp.ack_raw == 0x80000000",
        "ip.addr == 10.0.0.0/8", "ip.src == 192.168.0.0/16", "ip.dst != 10.0.0.0/8", "ip.ttl == 64", "ip.ttl > 60",
        "ip.proto == 17", "ip.proto == 1 || arp", "ip and not tcp", "tcp && udp",
        "ipv6.addr == 2001:db8::/32", "ipv6.nxt == 0", "ipv6.hlim le 64", "ipv6.src == ::1",
        "eth.type == 0x0806", "eth.type == 0x86dd", "eth.src[0:3] == 02:00:00", "eth.addr[0] == 02", "eth.dst[1-2] == 00:00",
        "vlan.id == 7", "arp.opcode == 1", "arp.src.proto_ipv4 == 10.0.0.1",
        "dns.qry.name == \"mail.example.net\"", "dns.qry.name contains \"example\"", "dns.qry.name matches \"(?i)^VLAN\\\\.\"",
        "dns.qry.type == 15", "dns.flags & 0x8000", "dns.count.answers >= 1", "len(dns.qry.name) > 12",
        "lower(dns.qry.name) == \"vlan.example.com\"", "upper(dns.qry.name) contains \"MAIL\"",
        "tcp.payload contains \"GET\"", "tcp.payload[0:3] == \"GET\"", "frame contains \"example\"", "tcp contains 47:45:54",
        "tls.handshake.type == 1", "tls.handshake.extensions_server_name == \"tls.example.org\"", "tls.record.content_type == 22",
        "icmp.type == 8", "frame.len > 100", "frame.len <= 60", "udp.length > 30",
        "tcp.options.mss_val == 1460", "tcp.options.mss_val", "ipv6.src == ::1", "(tcp.port == 80 || tcp.port == 443) && ip.ttl == 64",
        "not (dns or tcp)", "tcp.port === 80", "tcp.port !== 80", "tcp.len", "ip.addr eq 10.0.0.2 and ip.ttl ge 1",
        "tcp.len > 0", "tcp.len == 0 && tcp.flags.syn == 1", "tcp.flags.syn == 1 && tcp.flags.ack == 0", "tcp.flags.ack == 1",
        "tcp.flags.push == 1", "tcp.flags.fin", "tcp.flags.reset == 0", "tcp.flags.syn == 1 || tcp.flags.fin == 1",
        "tcp.flags.cwr == 0 && tcp.flags.ece == 0 && tcp.flags.urg == 0 && tcp.flags.ae == 0",
        "frame.number == 3", "frame.number in {1..4, 9}", "frame.number > 5 && tcp", "frame.number <= 2 || udp"
    ]

    @Test func everyExpressionSelectsTheFramesTsharkSelects() throws {
        let directory = try TemporaryDirectory()
        let frames = ToolComparisonTests.variedFrames()
        let path = try ReadCommandTests.writeVaried(directory)
        let packets = frames.enumerated().map { index, frame in
            frame.withUnsafeBytes {
                FieldTreePacket(
                    Dissector.dissect($0, linkType: .ethernet, options: DissectorOptions(detail: true)), bytes: frame, number: index + 1)
            }
        }
        // tshark starts in about half a second: two at a time.
        let answers = Mutex([String: (status: Int32, out: String, err: String)]())
        let expressions = Self.expressions
        DispatchQueue.concurrentPerform(iterations: expressions.count) { index in
            let answer = try? runTool(
                ToolComparisonTests.tshark, ["-r", path, "-Y", expressions[index], "-T", "fields", "-e", "frame.number"])
            answers.withLock { $0[expressions[index]] = answer }
        }
        var agreed = 0, headerOnly = 0
        var refused: [String] = []
        for expression in expressions {
            guard let tshark = answers.withLock({ $0[expression] }), tshark.status == 0 else {
                Issue.record("tshark refused \(expression): \(answers.withLock { $0[expression]?.err } ?? "did not run")")
                continue
            }
            let expected = tshark.out.split(separator: "\n").compactMap { Int($0) }
            let filter: DisplayFilter
            do { filter = try DisplayFilter(expression) } catch {
                refused.append("\(expression): \(error.message)")
                continue
            }
            let ours = packets.indices.filter { filter.matches(packets[$0]) }.map { $0 + 1 }
            #expect(ours == expected, "\(expression): socktui \(ours), tshark \(expected)")
            if ours == expected { agreed += 1 }
            // Header-field filters also run on the summary dissection's layer offsets: the same frames.
            if !filter.needsFieldTree {
                headerOnly += 1
                let fast = frames.indices.filter { index in
                    frames[index].withUnsafeBytes { bytes in
                        var layersOnly = DissectorOptions()
                        layersOnly.columns = false
                        var dissection = Dissector.dissect(bytes, linkType: .ethernet, options: layersOnly)
                        return withUnsafePointer(to: &dissection) {
                            filter.matches(LayerFieldPacket(bytes: bytes, wireLength: bytes.count, dissection: $0, number: index + 1))
                        }
                    }
                }.map { $0 + 1 }
                #expect(fast == expected, "\(expression) from the layers: socktui \(fast), tshark \(expected)")
            }
        }
        // Fields the dissectors do not produce are refused by name, never silently false.
        #expect(refused.isEmpty, "\(refused)")
        #expect(agreed == Self.expressions.count - refused.count)
        #expect(headerOnly >= 40, "\(headerOnly) expressions read header fields only")
    }

    /// `tcp.len` and each `tcp.flags.*` bit, frame by frame, as `tshark -T fields -e NAME` prints
    /// them, through the field tree and (the flags) the header path.
    @Test func tcpLengthAndFlagBitsHaveTsharksValues() throws {
        let directory = try TemporaryDirectory()
        let frames = ToolComparisonTests.variedFrames()
        let path = try ReadCommandTests.writeVaried(directory)
        let names = ["tcp.len"] + TCPView.flagBits.map { "tcp.flags.\($0.name)" }
        let tshark = try runTool(ToolComparisonTests.tshark, ["-r", path, "-T", "fields"] + names.flatMap { ["-e", $0] })
        try #require(tshark.status == 0, "\(tshark.err)")
        let theirs = tshark.out.split(separator: "\n", omittingEmptySubsequences: false).prefix(frames.count).map(String.init)
        var compared = 0
        for (index, frame) in frames.enumerated() {
            let ours = frame.withUnsafeBytes { bytes -> (tree: String, headers: String) in
                let tree = FieldTreePacket(
                    Dissector.dissect(bytes, linkType: .ethernet, options: DissectorOptions(detail: true)), bytes: frame)
                var layersOnly = DissectorOptions()
                layersOnly.columns = false
                var dissection = Dissector.dissect(bytes, linkType: .ethernet, options: layersOnly)
                let headers = withUnsafePointer(to: &dissection) { LayerFieldPacket(bytes: bytes, wireLength: bytes.count, dissection: $0) }
                func text(_ packet: some DisplayFilterPacket, _ name: String) -> String {
                    packet.occurrences(of: name).map { occurrence in
                        if case .unsigned(let value) = occurrence.value { return String(value) }
                        return "?"
                    }.joined(separator: ",")
                }
                return (
                    names.map { text(tree, $0) }.joined(separator: "\t"),
                    ([""] + names.dropFirst().map { text(headers, $0) }).joined(separator: "\t")
                )
            }
            #expect(
                ours.tree == theirs[index],
                "frame \(index + 1): socktui \(ours.tree.debugDescription), tshark \(theirs[index].debugDescription)")
            let flags = theirs[index].split(separator: "\t", omittingEmptySubsequences: false).dropFirst().joined(separator: "\t")
            #expect(ours.headers == "\t" + flags, "frame \(index + 1) from the layers")
            if !theirs[index].isEmpty && theirs[index] != String(repeating: "\t", count: names.count - 1) { compared += 1 }
        }
        #expect(compared >= 5, "\(compared) TCP frames compared")
    }

    /// A dissection without columns (what a filter over header fields makes) finds the same
    /// layers at the same offsets, and writes no text.
    @Test func aDissectionWithoutColumnsFindsTheSameLayersAtTheSameOffsets() {
        var layersOnly = DissectorOptions()
        layersOnly.columns = false
        for frame in ToolComparisonTests.variedFrames() {
            frame.withUnsafeBytes { bytes in
                let full = Dissector.dissect(bytes, linkType: .ethernet)
                let bare = Dissector.dissect(bytes, linkType: .ethernet, options: layersOnly)
                #expect(bare.layers == full.layers && bare.layerOffsets == full.layerOffsets && bare.error == full.error)
                #expect(bare.layers.count == bare.layerOffsets.count && !full.layers.isEmpty)
                // TCP and UDP packets (with what rides on them) make no text at all.
                if full.layers.contains(.tcp) || full.layers.contains(.udp) {
                    #expect(bare.info.isEmpty && bare.source.isEmpty && !full.info.isEmpty)
                }
            }
        }
    }

    /// What socktui accepts beyond this machine's tshark (4.0.17): sets separated by spaces, as
    /// Wireshark 3 wrote them, and `xor`/`^^`.
    @Test func setsWithSpacesAndXorEvaluate() throws {
        let frames = ToolComparisonTests.variedFrames()
        let packets = frames.map { frame in
            frame.withUnsafeBytes {
                FieldTreePacket(Dissector.dissect($0, linkType: .ethernet, options: DissectorOptions(detail: true)), bytes: frame)
            }
        }
        func selected(_ expression: String) throws -> [Int] {
            let filter = try DisplayFilter(expression)
            return packets.indices.filter { filter.matches(packets[$0]) }.map { $0 + 1 }
        }
        #expect(try selected("tcp.port in {80 443 5000..6000}") == selected("tcp.port in {80, 443, 5000..6000}"))
        #expect(try selected("tcp xor udp") == selected("(tcp or udp) and not (tcp and udp)"))
        #expect(try selected("tcp ^^ dns") == selected("(tcp and not dns) or (dns and not tcp)"))
        #expect(try !selected("tcp xor dns").isEmpty)
    }

    /// Durations are read as seconds to the nanosecond, across the whole 64-bit range; signed
    /// integers in any base.
    @Test func secondsAndSignedLiteralsAreReadExactly() {
        #expect(DisplayFilterLiteral.seconds("0.2") == 200_000_000)
        #expect(DisplayFilterLiteral.seconds("1") == 1_000_000_000)
        #expect(DisplayFilterLiteral.seconds(".5") == 500_000_000)
        #expect(DisplayFilterLiteral.seconds("-0.000150") == -150_000)
        #expect(DisplayFilterLiteral.seconds("0.1234567899") == 123_456_789)
        #expect(DisplayFilterLiteral.seconds(Format.seconds(.min)) == .min)
        #expect(DisplayFilterLiteral.seconds(Format.seconds(.max)) == .max)
        for bad in ["", ".", "-", "1e3", "0x10", "9223372037", "1.2.3", " 1"] {
            #expect(DisplayFilterLiteral.seconds(bad) == nil, "\(bad)")
        }
        #expect(DisplayFilterLiteral.signed("-2") == -2 && DisplayFilterLiteral.signed("0x80") == 128)
        #expect(DisplayFilterLiteral.signed("9223372036854775808") == nil && DisplayFilterLiteral.signed("-9223372036854775808") == nil)
    }

    @Test(arguments: [
        ("tcp.prot == 80", 0, "unknown field 'tcp.prot' (did you mean tcp.port?)"),
        ("tcp.port ==", 11, "unexpected the end of the filter: expected a field, a protocol or a value"),
        ("(tcp or udp", 11, "expected ')' to close the '(' at 1"),
        ("ip.addr == 10.0.0.300", 11, "'10.0.0.300' is not an IPv4 address"),
        ("ip.addr == 10.0.0.0/33", 11, "'10.0.0.0/33' is not an IPv4 address"),
        ("tcp.port == \"80", 12, "unterminated string"),
        ("tcp.port in {}", 13, "an empty set"),
        ("tcp.port in 80", 12, "expected '{' to open a set after 'in'"),
        ("dns.qry.name & 0x1", 0, "'&' needs an integer field"),
        ("tcp.port contains 80", 0, "'contains' needs a string, bytes or a protocol"),
        ("dns.qry.name matches \"(\"", 21, "invalid regular expression"),
        ("foo", 0, "unknown field 'foo'"),
        ("80", 0, "'80' is neither a field nor a protocol"),
        ("tcp > 1", 0, "is a protocol: it can be tested, sliced or searched, not ordered"),
        ("len(tcp.port", 12, "expected ')' after the argument of len()"),
        ("size(tcp)", 0, "unknown function size()"),
        ("tcp.port == 80 80", 15, "unexpected '80': expected 'and', 'or' or the end"),
        ("tcp.port @ 80", 9, "unexpected character '@'"),
        ("eth.src[0:x] == 00", 10, "in a slice: expected a byte offset or length"),
        ("eth.src == 00:11:22", 11, "'00:11:22' is not a MAC address"),
        ("tcp.analysis.retransmission == 1", 0, "is a label (present or absent, with no value): test it alone"),
        ("tcp.time_delta > 0.2.1", 17, "'0.2.1' is not a time in seconds"),
        ("tcp.window_size_scalefactor == 1.5", 31, "'1.5' is not a signed integer"),
        ("", 0, "empty filter")
    ])
    func badFiltersSayWhereAndWhatWasExpected(expression: String, position: Int, message: String) {
        #expect {
            _ = try DisplayFilter(expression)
        } throws: { error in
            guard let error = error as? DisplayFilterError else { return false }
            return error.position == position && error.message.contains(message)
        }
    }

    @Test func deepNestingAndHugeFiltersAreRefusedNotRecursedInto() {
        let deep = String(repeating: "(", count: 100) + "tcp" + String(repeating: ")", count: 100)
        #expect(throws: DisplayFilterError.self) { try DisplayFilter(deep) }
        let nots = String(repeating: "!", count: 10_000) + "tcp"
        #expect(throws: DisplayFilterError.self) { try DisplayFilter(nots) }
        let long = Array(repeating: "tcp", count: 5_000).joined(separator: " || ")
        #expect(throws: DisplayFilterError.self) { try DisplayFilter(long) }
        #expect((try? DisplayFilter(Array(repeating: "tcp", count: 500).joined(separator: " || "))) != nil)
    }

    @Test func stringEscapesAndLiteralsAreReadAsWiresharkReadsThem() throws {
        let fields = DisplayFilterFields([
            DisplayFilterField("s", .string, "text"), DisplayFilterField("n", .unsigned, "number"),
            DisplayFilterField("b", .bytes, "bytes")
        ])
        struct Packet: DisplayFilterPacket {
            func occurrences(of name: String) -> [DisplayFilterOccurrence] {
                switch name {
                case "s": [DisplayFilterOccurrence(.string("a\"b\\c\n\u{41}é"), raw: [])]
                case "n": [DisplayFilterOccurrence(.unsigned(65), raw: [0, 65])]
                case "b": [DisplayFilterOccurrence(.bytes([0xde, 0xad, 0xbe, 0xef]), raw: [0xde, 0xad, 0xbe, 0xef])]
                default: []
                }
            }
        }
        for expression in [
            #"s == "a\"b\\c\n\x41\u00e9""#, #"s == "a\"b\\c\012A\u00E9""#, "n == 'A'", "n == 0x41", "n == 0101", "n == 0b1000001",
            "n == 65", "b == de:ad:be:ef", "b == de-ad-be-ef", "b[1:2] == ad:be", "b[-1] == ef", "b[2:] == be:ef", "b[:1] == de",
            "b[0,3] == de:ef", "len(b) == 4", "b contains ad:be", #"s matches "(?i)A\"B""#, "n in {60..70}", "n & 1"
        ] {
            #expect(try DisplayFilter(expression, fields: fields).matches(Packet()), "\(expression)")
        }
        for expression in ["n == 'B'", "b[3:2] == ef", "s contains \"z\"", "n in {1 2 3}", "n & 2", "n != 65", "!n"] {
            #expect(try !DisplayFilter(expression, fields: fields).matches(Packet()), "\(expression)")
        }
    }
}
