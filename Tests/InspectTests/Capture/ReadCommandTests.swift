import Foundation
import Testing
import SocktuiTestSupport
@testable import Inspect

/// `socktui read` run as the built binary on files written here.
@Suite struct ReadCommandTests {
    static func read(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        try #require(TestBinary.isBuilt, "the socktui executable is built with the tests (swift build builds it)")
        let binary = TestBinary.socktui
        if environment.isEmpty { return try runTool(binary, ["read"] + arguments) }
        return try runTool("/usr/bin/env", environment.map { "\($0)=\($1)" } + [binary, "read"] + arguments)
    }

    static func writeVaried(_ directory: TemporaryDirectory) throws -> String {
        let path = directory.path("varied.pcap")
        let writer = try PcapWriter(path: path, linkType: .ethernet)
        for packet in ToolComparisonTests.packets(ToolComparisonTests.variedFrames()) { try writer.write(packet) }
        try writer.close()
        return path
    }

    @Test func printsOneSummaryLinePerPacket() throws {
        let directory = try TemporaryDirectory()
        let result = try Self.read([try Self.writeVaried(directory), "--utc"])
        #expect(result.status == 0 && result.err.isEmpty)
        let lines = result.out.split(separator: "\n")
        #expect(lines.count == 10)
        #expect(
            lines.first
                == "1 13:51:06.000000 192.168.1.10 → 93.184.216.34 TCP 74 50000 → 80 [SYN] Seq=0 Win=64240 Len=0 MSS=1460 SACK_PERM TSval=5678 TSecr=0 WS=128"
        )
        #expect(lines[1] == "2 13:51:07.001001 127.0.0.1 → 127.0.0.1 DNS 87 Standard query response 0x1234 A example.com A 93.184.216.34")
        #expect(lines[6].contains(" TLS ") && lines[6].hasSuffix("Client Hello (SNI=tls.example.org)"))
        #expect(lines[8].contains("ARP") && lines[8].hasSuffix("Who has 10.0.0.2? Tell 10.0.0.1"))
    }

    @Test func filterAndCountSelectPacketsKeepingTheirNumbers() throws {
        let directory = try TemporaryDirectory()
        let file = try Self.writeVaried(directory)
        let udp = try Self.read([file, "udp", "port", "53", "--utc"])
        #expect(udp.status == 0)
        func numbers(_ out: String) -> [String] { out.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" } }
        // Packet 3 is VLAN-tagged: BPF needs `vlan` to look past the tag, as with tcpdump.
        #expect(numbers(udp.out) == ["2"])
        #expect(numbers(try Self.read([file, "vlan", "and", "udp", "port", "53"]).out) == ["3"])
        let first = try Self.read([file, "tcp", "-c", "2"])
        #expect(numbers(first.out) == ["1", "4"])
    }

    @Test func checksumsAreUnverifiedUnlessVerifyChecksumsAsks() throws {
        let directory = try TemporaryDirectory()
        let file = try Self.writeVaried(directory)
        let plain = try Self.read([file, "--detail", "-c", "1"])
        #expect(plain.out.contains("Header Checksum: 0x26e9 [unverified]") && plain.out.contains("      Checksum: 0x374d [unverified]"))
        #expect(!plain.out.contains("[correct]"))
        let verified = try Self.read([file, "--detail", "-c", "1", "--verify-checksums"])
        #expect(verified.out.contains("Header Checksum: 0x26e9 [correct]") && verified.out.contains("      Checksum: 0x374d [correct]"))
    }

    @Test func jsonLinesCarryTheSummaryAndWithDetailTheFieldTree() throws {
        let directory = try TemporaryDirectory()
        let varied = try Self.writeVaried(directory)
        let result = try Self.read([varied, "--json", "--detail", "-c", "1"])
        #expect(result.status == 0)
        let lines = result.out.split(separator: "\n")
        // A header line names the schema and the stream, then one line per packet.
        #expect(lines.count == 2)
        let header = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: String])
        #expect(header == ["schema": "socktui/1", "stream": "packets"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
        #expect(object["number"] as? Int == 1)
        #expect(object["time"] as? String == "2025-11-25T13:51:06.000000000Z")
        #expect(object["protocol"] as? String == "TCP")
        #expect(object["source"] as? String == "192.168.1.10")
        #expect(object["length"] as? Int == 74 && object["captured_length"] as? Int == 74)
        let fields = try #require(object["fields"] as? [[String: Any]])
        #expect(fields.map { $0["key"] as? String } == ["frame", "eth", "ip", "tcp"])
        let ip = try #require(fields[2]["children"] as? [[String: Any]])
        let source = try #require(ip.first { $0["key"] as? String == "ip.src" })
        #expect(source["value"] as? String == "192.168.1.10" && source["offset"] as? Int == 26 && source["length"] as? Int == 4)
        let text = try Self.read([varied, "--detail", "-c", "1"])
        #expect(text.out.contains("      Source Address: 192.168.1.10  [26-29]\n"))
    }

    @Test func localTimesUseTheZonesOffsetOnEachSideOfATransition() throws {
        // New York leaves EST for EDT at 2025-03-09 07:00:00 UTC.
        let directory = try TemporaryDirectory()
        let path = directory.path("dst.pcap")
        let writer = try PcapWriter(path: path, linkType: .ethernet)
        let instants: [Int64] = [1_741_503_599, 1_741_503_600, 1_741_510_800, 1_762_063_199, 1_762_063_200]
        for seconds in instants {
            try writer.write(
                CapturedPacket(timestamp: PacketTimestamp(seconds: seconds, nanoseconds: 0), data: Fixtures.tcpSyn, linkType: .ethernet))
        }
        try writer.close()
        let result = try Self.read([path, "--time", "date-time"], environment: ["TZ": "America/New_York"])
        #expect(result.status == 0)
        let times = result.out.split(separator: "\n").map { $0.split(separator: " ")[1...2].joined(separator: " ") }
        #expect(
            times == [
                "2025-03-09 01:59:59.000000", "2025-03-09 03:00:00.000000", "2025-03-09 05:00:00.000000",
                "2025-11-02 01:59:59.000000", "2025-11-02 01:00:00.000000"
            ])
    }

    @Test func damagedFilesPrintTheGoodPacketsAndReportTheOffset() throws {
        let directory = try TemporaryDirectory()
        let whole = try Data(contentsOf: URL(fileURLWithPath: try Self.writeVaried(directory)))
        let cut = directory.path("cut.pcap")
        // Cut 10 bytes into the last record's data: 24-byte header, then 16 + length per record.
        let lengths = ToolComparisonTests.variedFrames().map(\.count)
        let lastRecord = 24 + lengths.dropLast().reduce(0) { $0 + 16 + $1 }
        try whole.prefix(lastRecord + 26).write(to: URL(fileURLWithPath: cut))
        let result = try Self.read([cut])
        #expect(result.status == 3)
        #expect(result.out.split(separator: "\n").count == 9)
        #expect(
            result.err
                == "socktui read: \(cut): damaged at byte offset \(lastRecord) after 9 packets: truncated packet data: record needs \(lengths.last!) bytes, 10 left\n"
        )
    }

    @Test func unreadableFilesAndBadFiltersExitWithAMessage() throws {
        let directory = try TemporaryDirectory()
        let missing = try Self.read([directory.path("nope.pcap")])
        #expect(missing.status == 1)
        #expect(missing.err == "socktui read: \(directory.path("nope.pcap")): cannot open: No such file or directory\n")
        let text = directory.path("notes.txt")
        try Data("hello, world\n".utf8).write(to: URL(fileURLWithPath: text))
        let notCapture = try Self.read([text])
        #expect(notCapture.status == 1)
        #expect(notCapture.err == "socktui read: \(text): not a pcap or pcapng file: it starts with 68 65 6c 6c 6f 2c 20 77\n")
        let badFilter = try Self.read([try Self.writeVaried(directory), "tcp", "prot", "80"])
        #expect(badFilter.status == 2 && badFilter.out.isEmpty)
        #expect(
            badFilter.err == "socktui read: bad filter \"tcp prot 80\" for link type EN10MB: can't parse filter expression: syntax error\n")
    }

    @Test func aBadFilterWithJSONPrintsNoHeaderLine() throws {
        // The header line promises a packet stream: it is printed only once the filter compiled.
        let directory = try TemporaryDirectory()
        let file = try Self.writeVaried(directory)
        let message = "socktui read: bad filter \"tcp prot 80\" for link type EN10MB: can't parse filter expression: syntax error\n"
        let fromFile = try Self.read([file, "--json", "tcp", "prot", "80"])
        #expect(fromFile.status == 2 && fromFile.out.isEmpty && fromFile.err == message)
        let binary = TestBinary.socktui
        let piped = try runTool("/bin/sh", ["-c", "cat '\(file)' | '\(binary)' read - --json tcp prot 80"])
        #expect(piped.status == 2 && piped.out.isEmpty && piped.err == message)
        // A good filter still gets the header, also when no packet matches or the file has none.
        let none = try Self.read([file, "--json", "port", "9"])
        #expect(none.status == 0 && none.out == "{\"schema\":\"socktui/1\",\"stream\":\"packets\"}\n")
        let pipedNone = try runTool("/bin/sh", ["-c", "cat '\(file)' | '\(binary)' read - --json port 9"])
        #expect(pipedNone.status == 0 && pipedNone.out == none.out)
        let empty = directory.path("empty.pcap")
        try PcapWriter(path: empty, linkType: .ethernet).close()
        #expect(try Self.read([empty, "--json", "tcp", "prot", "80"]).out == none.out)
        let pipedEmpty = try runTool("/bin/sh", ["-c", "cat '\(empty)' | '\(binary)' read - --json tcp prot 80"])
        #expect(pipedEmpty.out == none.out)
    }

    @Test func standardInputIsReadWhenTheFileIsADash() throws {
        let directory = try TemporaryDirectory()
        let file = try Self.writeVaried(directory)
        let binary = TestBinary.socktui
        let piped = try runTool("/bin/sh", ["-c", "cat '\(file)' | '\(binary)' read - --utc"])
        #expect(piped.status == 0)
        #expect(piped.out == (try Self.read([file, "--utc"])).out)
    }

    @Test func filesWrittenByWiresharkToolsAreRead() throws {
        // editcap (wireshark-common) rewrites our pcap as pcapng and as nanosecond pcap.
        let directory = try TemporaryDirectory()
        let source = try Self.writeVaried(directory)
        let expected = try Self.read([source, "--utc"]).out
        for format in ["pcapng", "nsecpcap"] {
            let path = directory.path("converted.\(format)")
            let convert = try runTool("/usr/bin/editcap", ["-F", format, source, path])
            try #require(convert.status == 0, "\(convert.err)")
            let result = try Self.read([path, "--utc"])
            #expect(result.status == 0 && result.err.isEmpty)
            let normalized =
                format == "nsecpcap"
                ? result.out.replacingOccurrences(of: #"(\d\d:\d\d:\d\d\.\d{6})\d{3}"#, with: "$1", options: .regularExpression)
                : result.out
            #expect(normalized == expected, "\(format)")
        }
    }
}
