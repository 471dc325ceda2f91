import Foundation
import SocktuiTestSupport
import Testing
@testable import Inspect

/// `socktui read F -Y EXPR`, run as the built binary: the packets tshark -Y selects, with their
/// numbers, as text, JSON and with --detail; bad filters say where; `--fields` lists the names.
@Suite struct ReadDisplayFilterTests {
    static func numbers(_ out: String) -> [Int] {
        out.split(separator: "\n").compactMap { line in line.split(separator: " ").first.flatMap { Int($0) } }
    }

    @Test(arguments: [
        "tcp.port == 80", "dns && !vlan", "ip.addr == 10.0.0.0/8 || arp", "tcp.payload contains \"GET\"", "frame.len > 100",
        "frame.number in {2..5} && tcp", "tcp.flags.syn == 1"
    ])
    func readSelectsWhatTsharkSelects(expression: String) throws {
        let directory = try TemporaryDirectory()
        let file = try ReadCommandTests.writeVaried(directory)
        let ours = try ReadCommandTests.read([file, "-Y", expression])
        #expect(ours.status == 0 && ours.err.isEmpty, "\(ours.err)")
        let tshark = try runTool(ToolComparisonTests.tshark, ["-r", file, "-Y", expression, "-T", "fields", "-e", "frame.number"])
        #expect(Self.numbers(ours.out) == tshark.out.split(separator: "\n").compactMap { Int($0) })
        #expect(!Self.numbers(ours.out).isEmpty)
    }

    @Test func displayFilterCombinesWithALibpcapFilterJSONDetailAndCount() throws {
        let directory = try TemporaryDirectory()
        let file = try ReadCommandTests.writeVaried(directory)
        // The tcpdump-syntax FILTER first, then -Y.
        let bpf = Set(Self.numbers(try ReadCommandTests.read([file, "tcp"]).out))
        let display = Self.numbers(try ReadCommandTests.read([file, "-Y", "tcp.port != 80"]).out)
        let both = Self.numbers(try ReadCommandTests.read([file, "tcp", "-Y", "tcp.port != 80"]).out)
        #expect(both == display.filter(bpf.contains) && !both.isEmpty && both.count < display.count)
        let json = try ReadCommandTests.read([file, "--json", "--display-filter", "dns"])
        let lines = json.out.split(separator: "\n")
        #expect(lines.first == #"{"schema":"socktui/1","stream":"packets"}"#)
        #expect(lines.dropFirst().map { $0.contains(#""protocol":"DNS""#) } == [true, true, true])
        #expect(!json.out.contains(#""fields""#), "the tree built for the filter is not printed without --detail")
        let detail = try ReadCommandTests.read([file, "-Y", "tls.handshake.extensions_server_name == \"tls.example.org\"", "--detail"])
        #expect(Self.numbers(detail.out) == [7] && detail.out.contains("Server Name"))
        #expect(Self.numbers(try ReadCommandTests.read([file, "-Y", "tcp", "-c", "2"]).out) == [1, 4])
    }

    @Test func aBadFilterSaysWhereAndExitsTwo() throws {
        let directory = try TemporaryDirectory()
        let file = try ReadCommandTests.writeVaried(directory)
        let result = try ReadCommandTests.read([file, "-Y", "tcp.prot == \"\u{1b}[2J\""])
        #expect(result.status == 2 && result.out.isEmpty)
        #expect(result.err.contains("display filter: unknown field 'tcp.prot' (did you mean tcp.port?)"))
        #expect(!result.err.contains("\u{1b}"), "the expression is escaped before it reaches the terminal")
        #expect(result.err.contains("\n  ^"), "a caret under the error's position")
    }

    @Test func fieldsListsEveryNameWithItsType() throws {
        let result = try ReadCommandTests.read(["--fields"])
        #expect(result.status == 0)
        let lines = result.out.split(separator: "\n")
        #expect(lines.count == DisplayFilterFields.standard.all.count)
        #expect(lines.contains { $0.hasPrefix("tcp.port ") && $0.contains("FT_UINT") && $0.contains("tcp.srcport or tcp.dstport") })
        #expect(lines.contains { $0.hasPrefix("ip.src ") && $0.contains("FT_IPv4") })
        // --json: one document with the same names.
        let json = try ReadCommandTests.read(["--fields", "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        let fields = try #require(document["fields"] as? [[String: Any]])
        #expect(document["kind"] as? String == "fields" && fields.count == lines.count)
        #expect(fields.contains { $0["name"] as? String == "tcp.port" && $0["either"] as? [String] == ["tcp.srcport", "tcp.dstport"] })
    }

    /// -Y limits --stats and --follow to the packets it matches (tshark puts that filter in -z's
    /// argument: `-z conv,tcp,EXPR`).
    @Test func displayFilterLimitsStatisticsAndFollow() throws {
        let directory = try TemporaryDirectory()
        let file = try ReadCommandTests.writeVaried(directory)
        func conversations(_ arguments: [String]) throws -> [[String: Any]] {
            let result = try ReadCommandTests.read([file, "--json", "--stats", "conv,tcp"] + arguments)
            #expect(result.status == 0, "\(result.err)")
            let document = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
            let statistics = try #require(
                document["conversations"] as? [String: Any] ?? (document["statistics"] as? [String: Any])?["conversations"]
                    as? [String: Any])
            return statistics["tcp"] as? [[String: Any]] ?? []
        }
        let all = try conversations([])
        let web = try conversations(["-Y", "tcp.port == 80"])
        #expect(all.count > web.count && !web.isEmpty)
        #expect(try conversations(["-Y", "udp"]).isEmpty)
        let followed = try ReadCommandTests.read([file, "-Y", "tcp.port == 80", "--follow", "tcp,0"])
        #expect(followed.status == 0 && !followed.out.isEmpty, "\(followed.err)")
        // Limited to UDP, the file has no TCP stream to follow.
        let none = try ReadCommandTests.read([file, "-Y", "udp", "--follow", "tcp,0"])
        #expect(none.status == 4 && none.err.contains("no TCP stream in the capture"), "\(none.err)")
        #expect(none.err.contains("among the packets -Y 'udp' matches"))
    }
}
