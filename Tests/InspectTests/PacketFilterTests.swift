import Testing
@testable import Inspect

/// The Capture panel's display filter: Wireshark's language, libpcap's after `bpf:`, field names
/// completed with Tab.
@Suite struct PacketFilterTests {
    @Test func wiresharkSyntaxIsTheDefaultAndBPFTakesAPrefix() throws {
        guard case .wireshark(let display) = try PacketFilter("tcp.port == 80 && !dns") else {
            Issue.record("not read as a Wireshark filter")
            return
        }
        #expect(display.expression == "tcp.port == 80 && !dns")
        guard case .bpf(let text) = try PacketFilter("  BPF: tcp port 80 ") else {
            Issue.record("not read as a libpcap filter")
            return
        }
        #expect(text == "tcp port 80")
    }

    @Test(arguments: [
        ("tcp.prot == 80", "did you mean tcp.port?"),
        ("tcp port 80", "(at character"),
        ("ip.addr ==", "(at the end)"),
        ("bpf:tcp prot 80", "syntax error"),
        ("bpf:", "give a tcpdump-syntax filter after bpf:")
    ])
    func eachLanguageSaysWhatIsWrong(text: String, expected: String) {
        let problem = PacketFilter.problem(with: text, linkType: .ethernet)
        #expect(problem?.contains(expected) == true, "\(problem ?? "no problem")")
    }

    @Test(arguments: ["tcp", "udp.port in {53 5353}", "eth.src[0:3] == 00:00:5e", "bpf:udp port 53", "bpf: tcp[13] & 2 != 0"])
    func goodFiltersHaveNoProblem(text: String) {
        #expect(PacketFilter.problem(with: text, linkType: .ethernet) == nil)
    }

    @Test func bothLanguagesMatchTheSamePackets() throws {
        let syn = EthernetFrames.tcp(flags: 0x02, sourcePort: 50000, destinationPort: 80)
        let ack = EthernetFrames.tcp(flags: 0x10, sourcePort: 80, destinationPort: 50000)
        var wireshark = try PacketFilter("tcp.flags & 0x02 && tcp.dstport == 80").matcher()
        var bpf = try PacketFilter("bpf:tcp[13] & 2 != 0 and dst port 80").matcher()
        func run(_ matcher: inout PacketFilterMatcher, _ frame: [UInt8]) throws -> Bool {
            let result = frame.withUnsafeBytes { bytes in
                Result { () throws(FilterError) -> Bool in
                    try matcher.matches(bytes, linkType: .ethernet, snapLength: 65535, originalLength: frame.count)
                }
            }
            return try result.get()
        }
        for (frame, expected) in [(syn, true), (ack, false)] {
            #expect(try run(&wireshark, frame) == expected)
            #expect(try run(&bpf, frame) == expected)
        }
        // A filter that reads the field tree (payload bytes) takes the tree path.
        var payload = try PacketFilter("tcp.payload contains \"GE\"").matcher()
        #expect(try run(&payload, EthernetFrames.tcp(flags: 0x18, sourcePort: 50000, destinationPort: 80, payload: Array("GET /".utf8))))
        #expect(try !run(&payload, syn))
    }

    @Test func tabCompletesAFieldNameAsFarAsTheNamesAgree() throws {
        let one = try #require(DisplayFilterCompletion.complete("tcp.srcp", cursor: 8))
        #expect(one.text == "tcp.srcport" && one.cursor == 11 && one.candidates == ["tcp.srcport"])
        // Several names: the common part, and the list.
        let many = try #require(DisplayFilterCompletion.complete("ip.addr == 10.0.0.1 && tcp.s", cursor: 28))
        #expect(many.text.hasPrefix("ip.addr == 10.0.0.1 && tcp.s"))
        #expect(many.candidates.contains("tcp.srcport") && many.candidates.contains("tcp.seq_raw"))
        #expect(many.candidates.allSatisfy { $0.hasPrefix("tcp.s") })
        // The word before the cursor, with text after it kept.
        let middle = try #require(DisplayFilterCompletion.complete("udp.dstp == 53", cursor: 8))
        #expect(middle.text == "udp.dstport == 53" && middle.cursor == 11)
        // Case-insensitive, as field names are lower case.
        #expect(DisplayFilterCompletion.complete("TCP.SRCP", cursor: 8)?.text == "tcp.srcport")
    }

    @Test(arguments: [("", 0), ("tcp.port == ", 12), ("nosuchprotocol.x", 16), ("bpf:tcp", 7), ("(", 1)])
    func nothingToCompleteIsNil(text: String, cursor: Int) {
        #expect(DisplayFilterCompletion.complete(text, cursor: cursor) == nil)
    }
}

/// Ethernet frames built for filter tests.
enum EthernetFrames {
    /// Ethernet + IPv4 10.0.0.1 → 10.0.0.2 + TCP with `flags` and `payload`.
    static func tcp(flags: UInt8, sourcePort: UInt16, destinationPort: UInt16, payload: [UInt8] = []) -> [UInt8] {
        let total = 20 + 20 + payload.count
        let ethernet: [UInt8] = [0, 0, 0x5e, 0, 0, 2, 0, 0, 0x5e, 0, 0, 1, 0x08, 0x00]
        let ip: [UInt8] = [0x45, 0, UInt8(total >> 8), UInt8(total & 0xff), 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]
        let tcp: [UInt8] =
            [UInt8(sourcePort >> 8), UInt8(sourcePort & 0xff), UInt8(destinationPort >> 8), UInt8(destinationPort & 0xff)]
            + [0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]
        return ethernet + ip + tcp + payload
    }
}
