import FuzzSupport
import Inspect

/// Wireshark display filters a user types (`socktui read -Y`, the Capture tab's `/`): parsed,
/// compiled against the dissectors' fields, and evaluated over a few packets.
///
/// The first byte picks how the text is made: odd, the rest of the input is the text as it is;
/// even, it is assembled from field names, operators, literals (numbers at their extremes,
/// addresses, CIDR, MACs, strings with escapes, byte strings), slices, sets, functions and the
/// input's own bytes. Every filter that compiles is evaluated over each sample packet (and the
/// input's own bytes as an Ethernet frame) through the field tree, and, when it reads header
/// fields only, through the header path as well: the two must agree, and `not (F)` must match
/// exactly the packets `F` does not (a difference traps: a finding). A TCP sequence analysis made
/// of the input's bytes goes with the TCP packets, so `tcp.seq`, `tcp.analysis.*` are read both ways.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzReader(data, size)
    let mode = input.byte()
    let text = mode & 1 == 1 ? String(decoding: input.rest, as: UTF8.self) : assembled(&input)
    guard let filter = try? DisplayFilter(text) else { return 0 }
    let analysis = makeAnalysis(&input)
    let negated = try? DisplayFilter("not (\(text)\n)")
    var packets = FilterSamples.packets
    packets.append(Array(input.rest.prefix(256)))
    for packet in packets {
        packet.withUnsafeBytes { bytes in
            let tree = Dissector.dissect(bytes, linkType: .ethernet, options: DissectorOptions(detail: true), tcp: analysis)
            let matched = filter.matches(FieldTreePacket(tree, bytes: packet))
            if let negated, negated.matches(FieldTreePacket(tree, bytes: packet)) == matched {
                fatalError("'\(text)' and its negation agree on \(packet)")
            }
            guard !filter.needsFieldTree else { return }
            var options = DissectorOptions()
            options.columns = false
            var headers = Dissection()
            Dissector.dissect(bytes, linkType: .ethernet, options: options, tcp: analysis, into: &headers)
            let fromHeaders = withUnsafePointer(to: &headers) {
                filter.matches(LayerFieldPacket(bytes: bytes, wireLength: packet.count, dissection: $0, tcp: analysis))
            }
            if fromHeaders != matched {
                fatalError("'\(text)': the header path says \(fromHeaders), the field tree \(matched), on \(packet)")
            }
        }
    }
    return 0
}

/// A sequence analysis of extreme values and flags, from the input (nil when its byte is even).
func makeAnalysis(_ input: inout FuzzReader) -> TCPAnalysis? {
    guard input.byte() & 1 == 1 else { return nil }
    var analysis = TCPAnalysis()
    analysis.stream = UInt32(truncatingIfNeeded: input.uint64())
    analysis.sequence = UInt32(truncatingIfNeeded: input.uint64())
    analysis.acknowledgment = UInt32(truncatingIfNeeded: input.uint64())
    analysis.hasAcknowledgment = input.byte() & 1 == 1
    analysis.nextSequence = UInt32(truncatingIfNeeded: input.uint64())
    analysis.window = UInt32(truncatingIfNeeded: input.uint64())
    analysis.windowScaleFactor = input.pick([nil, -1, -2, 1, 128, 16384])
    analysis.timeRelative = Int64(bitPattern: input.uint64())
    analysis.timeDelta = Int64(bitPattern: input.uint64())
    analysis.flags = TCPAnalysisFlags(rawValue: UInt32(input.uint16()))
    analysis.hasAnalysis = input.byte() & 1 == 1
    analysis.duplicateACKNumber = UInt32(input.byte())
    analysis.duplicateACKFrame = UInt32(truncatingIfNeeded: input.uint64())
    analysis.acksFrame = UInt32(input.byte())
    analysis.ackRTT = Int64(bitPattern: input.uint64())
    analysis.bytesInFlight = input.pick([nil, 0, 1, UInt32.max])
    analysis.pushBytesSent = UInt32(input.byte())
    analysis.initialRTT = input.pick([nil, 0, Int64.min, Int64.max])
    analysis.rto = input.pick([nil, 0, -1, 200_000_000])
    analysis.rtoFrame = UInt32(input.byte())
    return analysis
}

/// A filter put together from the words filters are made of.
func assembled(_ input: inout FuzzReader) -> String {
    let fields = DisplayFilterFields.standard.all.map(\.name) + ["tcp.prot", "ip", "frame", "eth", "http", "dns", ""]
    let comparisons = ["==", "!=", ">", "<", ">=", "<=", "eq", "ne", "gt", "lt", "ge", "le", "contains", "matches", "in", "&", "~", "==="]
    let literals =
        numericExtremes + [
            "0", "1", "0x50", "0b101", "017", "1.5", "-1", "127.0.0.1", "10.0.0.0/8", "10.0.0.0/33", "::1", "2001:db8::/32",
            "fe80::1%lo", "00:00:5e", "aa:bb:cc:dd:ee:ff", "aa-bb-cc", "aa.bb.cc", "\"GET\"", "\"a\\x41\\101\\u00e9\"", "\"(?i)get\"",
            "\"[\"", "\"\\\"", "{80 443 8000..8080}", "{1,2,3}", "{}", "{1..}", "true", "false", "SYN", "'a'",
        ]
    let joins = [" and ", " or ", " xor ", " && ", " || ", " ^^ ", " ", ""]
    let prefixes = ["", "", "!", "not ", "(", "!(", "len(", "lower(", "upper(", "count("]
    let suffixes = ["", "", ")", "[0:3]", "[1]", "[-2:]", "[2-4]", "[0:0]", "[5:]", "[1,3-4]", "[:99999999999]"]
    var text = ""
    let count = Int(input.byte() % 4) + 1
    for index in 0..<count where !input.isAtEnd {
        if index > 0 { text += input.pick(joins) }
        let shape = input.byte()
        let field = input.pick(prefixes) + input.pick(fields) + input.pick(suffixes)
        switch shape % 6 {
        case 0: text += field
        case 1, 2, 3: text += field + " " + input.pick(comparisons) + " " + input.pick(literals)
        case 4: text += field + " " + input.pick(comparisons) + " " + input.pick(fields)
        default: text += field + input.text(limit: 12)
        }
    }
    return text
}

/// Ethernet frames to run the filters over.
enum FilterSamples {
    static let mac: [UInt8] = [0, 0, 0x5e, 0, 1, 2]
    static let ipv4TCP: [UInt8] =
        mac + [0, 1, 2, 3, 4, 5, 0x08, 0x00] + [0x45, 0, 0, 44, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 1, 2, 3, 127, 0, 0, 1]
        + [0x30, 0x39, 0, 80, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0] + Array("GET ".utf8)
    static let packets: [[UInt8]] = [
        [],
        [0x45],
        ipv4TCP,
        Array(ipv4TCP.prefix(30)),
        // IPv6 + UDP to port 53 with a DNS query header.
        mac + mac + [0x86, 0xdd, 0x60, 0, 0, 0, 0, 20, 17, 64] + [UInt8](repeating: 0, count: 15) + [1]
            + [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1] + [0x30, 0x39, 0, 53, 0, 20, 0, 0]
            + [0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0],
        // ARP.
        [UInt8](repeating: 0xff, count: 6) + mac + [0x08, 0x06, 0, 1, 8, 0, 6, 4, 0, 1] + mac + [10, 0, 0, 1]
            + [UInt8](repeating: 0, count: 6) + [10, 0, 0, 2],
        [UInt8](repeating: 0xff, count: 300),
    ]
}

@main
struct FuzzDisplayFilter {
    static func main() {
        runFuzzer { data, size in fuzzOneInput(data, size) }
    }
}
