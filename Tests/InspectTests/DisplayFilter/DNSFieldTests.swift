import Foundation
import SocktuiTestSupport
import Testing
@testable import Inspect

/// DNS's flags and typed record fields (issue #21), frame by frame, against `tshark -T fields` on
/// real traffic: `scripts/record-dns` queries a dnsmasq server in a namespace it makes for each
/// record type and records the exchange with tcpdump.
@Suite(
    .enabled(if: TestBinary.isRoot && TestBinary.have("tshark", "tcpdump", "dnsmasq"), "needs root, tshark, tcpdump and dnsmasq")
)
struct DNSFieldTests {
    static let names = [
        "dns.flags.response", "dns.flags.opcode", "dns.flags.authoritative", "dns.flags.truncated", "dns.flags.recdesired",
        "dns.flags.recavail", "dns.flags.z", "dns.flags.authenticated", "dns.flags.checkdisable", "dns.flags.rcode", "dns.a",
        "dns.aaaa", "dns.cname", "dns.ns", "dns.ptr.domain_name", "dns.mx.preference", "dns.mx.mail_exchange", "dns.txt.length",
        "dns.txt", "dns.srv.priority", "dns.srv.weight", "dns.srv.port", "dns.srv.target", "dns.soa.mname", "dns.soa.rname",
        "dns.soa.serial_number", "dns.soa.refresh_interval", "dns.soa.retry_interval", "dns.soa.expire_limit", "dns.soa.minimum_ttl"
    ]

    /// A recorded capture, made once per test.
    static func record(_ directory: TemporaryDirectory) throws -> String {
        let path = directory.path("dns.pcap")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let recorded = try runTool("/usr/bin/env", ["python3", root.appendingPathComponent("scripts/record-dns").path, path])
        try #require(recorded.status == 0, "scripts/record-dns: \(recorded.err)")
        return path
    }

    /// An occurrence as tshark's `-T fields` prints it.
    static func text(_ occurrence: DisplayFilterOccurrence) -> String {
        switch occurrence.value {
        case .unsigned(let value): String(value)
        case .ipv4(let value): [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xff) }.joined(separator: ".")
        case .bytes(let bytes) where bytes.count == 16: bytes.withUnsafeBytes { Format.ipv6($0, 0) }
        case .string(let text): text
        default: "?"
        }
    }

    @Test func everyFlagAndRecordFieldHasTsharksValues() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.record(directory)
        let tshark = try runTool(ToolComparisonTests.tshark, ["-r", path, "-T", "fields"] + Self.names.flatMap { ["-e", $0] })
        try #require(tshark.status == 0, "\(tshark.err)")
        let theirs = tshark.out.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        var ours: [[String]] = []
        let scan = try CaptureFileReader(path: path).forEachPacket { record in
            let dissection = Dissector.dissect(
                record.bytes, linkType: record.interface.linkType, originalLength: record.header.originalLength,
                options: DissectorOptions(detail: true))
            let packet = FieldTreePacket(dissection, bytes: Array(record.bytes))
            ours.append(Self.names.map { packet.occurrences(of: $0).map(Self.text).joined(separator: ",") })
            return true
        }
        #expect(scan.damage == nil)
        try #require(ours.count == theirs.count && ours.count == 22, "\(ours.count) frames, tshark \(theirs.count)")
        for (index, row) in ours.enumerated() {
            for (column, name) in Self.names.enumerated() {
                #expect(
                    row[column] == theirs[index][column],
                    "frame \(index + 1) \(name): socktui \(row[column]), tshark \(theirs[index][column])")
            }
        }
        // Every field had a value in some frame: the recording covers them all.
        for (column, name) in Self.names.enumerated() {
            #expect(ours.contains { !$0[column].isEmpty }, "\(name) never seen")
        }
    }

    /// The new fields select what tshark selects, on one recording.
    @Test func filtersOnTheNewFieldsSelectWhatTsharkSelects() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.record(directory)
        let expressions = [
            "dns.flags.response == 0", "dns.flags.rcode == 3", "dns.flags.authoritative", "dns.flags.recdesired == 0",
            "dns.a == 192.0.2.1", "dns.aaaa == 2001:db8::1", "dns.cname == \"a.test\"", "dns.mx.preference > 5",
            "dns.txt contains \"world\"", "dns.srv.port == 5060", "dns.soa.minimum_ttl", "dns.ns == \"ns.test\" && !dns.soa.mname",
            "dns.ptr.domain_name matches \"^a\\\\.\"", "dns.flags.opcode == 0 and dns.flags.response and not dns.a"
        ]
        var packets: [(number: Int, dissection: Dissection, bytes: [UInt8])] = []
        _ = try CaptureFileReader(path: path).forEachPacket { record in
            let dissection = Dissector.dissect(record.bytes, linkType: record.interface.linkType, options: DissectorOptions(detail: true))
            packets.append((packets.count + 1, dissection, Array(record.bytes)))
            return true
        }
        for expression in expressions {
            let tshark = try runTool(ToolComparisonTests.tshark, ["-r", path, "-Y", expression, "-T", "fields", "-e", "frame.number"])
            try #require(tshark.status == 0, "\(tshark.err)")
            let expected = tshark.out.split(separator: "\n").compactMap { Int($0) }
            let filter = try DisplayFilter(expression)
            let selected = packets.filter { filter.matches(FieldTreePacket($0.dissection, bytes: $0.bytes, number: $0.number)) }.map(
                \.number)
            #expect(!expected.isEmpty, "\(expression) selects nothing in tshark")
            #expect(selected == expected, "\(expression): socktui \(selected), tshark \(expected)")
        }
    }
}
