import Foundation
import Testing
import SocktuiTestSupport
@testable import Inspect

/// `socktui read --follow / --stats` and reassembly in the packet listing, run as the built binary.
@Suite struct ReadAnalysisCommandTests {
    static func mixedFile(_ directory: TemporaryDirectory) throws -> String {
        let path = directory.path("mixed.pcap")
        try AnalysisFixtures.write(AnalysisFixtures.mixedCapture(), to: path)
        return path
    }

    @Test func followPrintsTheStreamAsTextHexOrJSON() throws {
        let directory = try TemporaryDirectory()
        let file = try Self.mixedFile(directory)
        let text = try ReadCommandTests.read([file, "--follow", "tcp,1"])
        #expect(text.status == 0 && text.err.isEmpty)
        #expect(text.out.hasPrefix("Follow: tcp stream 1\nNode 0: 10.0.0.1:40001\nNode 1: 10.0.0.2:8081\n"))
        #expect(
            text.out.contains(
                ">>> #12 node 0 → node 1, 6 bytes\nfirst-\n>>> #14 node 0 → node 1, 7 bytes\nsecond-\n>>> #13 node 0 → node 1, 6 bytes\nthird-\n"
            ))
        // By a packet of the stream, as a hex dump.
        let hex = try ReadCommandTests.read([file, "--follow", "tcp,frame=17", "--hex"])
        #expect(hex.status == 0)
        #expect(hex.out.contains("<<< #17 node 1 → node 0, 6 bytes\n00000000  74 68 61 6e 6b 73 "))
        let json = try ReadCommandTests.read([file, "--follow", "udp,0", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        #expect(object["transport"] as? String == "udp" && object["stream"] as? Int == 0)
        let segments = try #require(object["segments"] as? [[String: Any]])
        #expect(segments.map { $0["sender"] as? Int } == [0, 1])
        #expect(
            segments.map { $0["data_base64"] as? String } == [
                Data("ping".utf8).base64EncodedString(), Data("pong!".utf8).base64EncodedString()
            ])
    }

    @Test func saveRawWritesEachDirection() throws {
        let directory = try TemporaryDirectory()
        let file = try Self.mixedFile(directory)
        let prefix = directory.path("stream")
        let result = try ReadCommandTests.read([file, "--follow", "tcp,0", "--save-raw", prefix])
        #expect(result.status == 0)
        #expect(result.err == "socktui read: wrote \(prefix).node0 and \(prefix).node1\n")
        #expect(try String(contentsOfFile: prefix + ".node0", encoding: .utf8) == "GET /index.html HTTP/1.0\r\n\r\n")
        #expect(try String(contentsOfFile: prefix + ".node1", encoding: .utf8) == "HTTP/1.0 200 OK\r\n\r\nhello")
    }

    @Test func statsPrintTablesAndJSON() throws {
        let directory = try TemporaryDirectory()
        let file = try Self.mixedFile(directory)
        let tables = try ReadCommandTests.read([file, "--stats", "conv,tcp", "--stats", "phs", "--stats", "endpoints,ip"])
        #expect(tables.status == 0 && tables.err.isEmpty)
        #expect(tables.out.contains("TCP Conversations (5)\n"))
        let messy = try #require(tables.out.split(separator: "\n").first { $0.hasPrefix("10.0.0.1:40001 ") })
        #expect(
            messy.split(separator: " ").prefix(11) == [
                "10.0.0.1:40001", "<->", "10.0.0.2:8081", "8", "467", "3", "168", "11", "635", "0.008000000", "0.0100"
            ])
        #expect(
            tables.out.contains(
                "\neth                                      frames:51 bytes:5079\n  ip                                     frames:40 bytes:3601\n"
            ))
        #expect(tables.out.contains("IPv4 Endpoints (2)\n"))
        let json = try ReadCommandTests.read([file, "--stats", "conv,udp", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        #expect(object["packets"] as? Int == 51)
        let udp = try #require((object["conversations"] as? [String: Any])?["udp"] as? [[String: Any]])
        #expect(udp.count == 3)
        #expect((object["reassembly"] as? [String: Any])?["datagrams_reassembled"] as? Int == 2)
    }

    @Test func theListingDecodesReassembledDatagramsAndMessagesOnTheirLastPacket() throws {
        let directory = try TemporaryDirectory()
        let file = try Self.mixedFile(directory)
        let result = try ReadCommandTests.read([file, "--utc"])
        #expect(result.status == 0)
        let lines = result.out.split(separator: "\n").map(String.init)
        #expect(lines[38].contains(" IPv4 290 Fragmented IP protocol (proto=UDP 17, off=256, ID=0x4242)"))
        #expect(lines[39].contains(" DNS 201 Standard query response 0x0001 TXT frag4.example.com TXT "))
        #expect(lines[42].contains(" DNS 229 Standard query response 0x0002 TXT frag6.example.com TXT "))
        #expect(lines[46].hasSuffix("Len=9 [TCP segment of a reassembled PDU]"))
        #expect(lines[47].hasSuffix(" DNS 80 Standard query 0x7777 TXT tcp.example.org"))
        let detail = try ReadCommandTests.read([file, "--detail", "-c", "40", "udp"])
        #expect(
            detail.out.contains(
                "    [Reassembled IPv4 datagram: 3 fragments (#38, #39, #40), 679 bytes]\n      User Datagram Protocol: Src Port: 45353, Dst Port: 53  [0-7]\n"
            ))
    }

    @Test func badFollowAndStatsArgumentsExplainThemselves() throws {
        let directory = try TemporaryDirectory()
        let file = try Self.mixedFile(directory)
        let missing = try ReadCommandTests.read([file, "--follow", "tcp,7"])
        #expect(missing.status == 4)
        #expect(missing.err == "socktui read: no tcp stream 7: the capture has tcp streams 0 to 4\n")
        let withFilter = try ReadCommandTests.read([file, "tcp", "--follow", "tcp,0"])
        #expect(
            withFilter.status == 64 && withFilter.err.contains("a FILTER does not apply to --follow or --stats")
                && withFilter.err.contains("-Y EXPR"))
        let badStats = try ReadCommandTests.read([file, "--stats", "conv,eth"])
        #expect(badStats.status == 64 && badStats.err.contains("conv,eth"))
        let help = try ReadCommandTests.read(["--help"])
        #expect(help.out.contains("--follow <proto,n>") && help.out.contains("tcp.stream") && help.out.contains("--stats <name>"))
    }
}
