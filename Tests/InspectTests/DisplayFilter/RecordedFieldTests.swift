import Foundation
import SocktuiTestSupport
import Testing
@testable import Inspect

/// Fields of real traffic, frame by frame, against `tshark -T fields`: a `scripts/record-*` script
/// makes a namespace, runs a server and a client in it, and records the exchange on its lo.
enum RecordedTraffic {
    /// Runs `scripts/NAME` into a file of `directory`; returns the file's path.
    static func record(_ script: String, _ directory: TemporaryDirectory) throws -> String {
        let path = directory.path("\(script).pcap")
        let recorded = try runTool("/usr/bin/env", ["python3", scripts.appendingPathComponent(script).path, path])
        try #require(recorded.status == 0, "scripts/\(script): \(recorded.err)")
        return path
    }

    /// The repository's `scripts` directory.
    static let scripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("scripts")

    /// An occurrence as tshark's `-T fields` prints it (a line end as `\r\n`, a duration in
    /// seconds with nine decimals).
    static func text(_ occurrence: DisplayFilterOccurrence, type: DisplayFilterType?) -> String {
        switch occurrence.value {
        case .signed(let value) where type == .relativeTime: Format.seconds(value)
        case .signed(let value): String(value)
        case .unsigned(let value): String(value)
        case .ipv4(let value): [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xff) }.joined(separator: ".")
        case .bytes(let bytes) where bytes.count == 16: bytes.withUnsafeBytes { Format.ipv6($0, 0) }
        case .string(let text): text.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
        default: "?"
        }
    }

    /// Compares `names` frame by frame with tshark on the file `path`; `frames` is how many it holds
    /// (nil: any number). A label field (FT_NONE, such as `tcp.analysis.retransmission`) compares
    /// as present or absent; `_ws.col.Info` is the Info column.
    /// `merged[name]` is a second tshark field whose values count as `name`'s, after them (a
    /// deliberate difference, explained where it is given).
    static func compare(_ path: String, names: [String], frames: Int?, merged: [String: String] = [:], requireEach: Bool = true) throws {
        let asked = names + names.compactMap { merged[$0] }
        let tshark = try runTool(ToolComparisonTests.tshark, ["-r", path, "-T", "fields"] + asked.flatMap { ["-e", $0] })
        try #require(tshark.status == 0, "\(tshark.err)")
        // Fields tshark shows in hex (`0x0303`) are compared as their numbers.
        func decimal(_ value: Substring) -> String {
            value.split(separator: ",", omittingEmptySubsequences: false).map { token in
                token.hasPrefix("0x") ? UInt64(token.dropFirst(2), radix: 16).map(String.init) ?? String(token) : String(token)
            }.joined(separator: ",")
        }
        let theirs = tshark.out.split(separator: "\n").map { line -> [String] in
            var columns = line.split(separator: "\t", omittingEmptySubsequences: false).map(decimal)
            for (index, name) in names.enumerated() where DisplayFilterFields.standard[name]?.type == DisplayFilterType.none {
                columns[index] = columns[index].isEmpty ? "" : "1"
            }
            for (offset, name) in names.enumerated().filter({ merged[$0.element] != nil }).map({ ($0.offset, $0.element) }) {
                let extra = columns[names.count + names.prefix(offset).filter { merged[$0] != nil }.count]
                if !extra.isEmpty { columns[offset] = columns[offset].isEmpty ? extra : columns[offset] + "," + extra }
                _ = name
            }
            return Array(columns.prefix(names.count))
        }
        var ours: [[String]] = []
        // In order, as `socktui read` decodes: sequence analysis and reassembly.
        var dissector = ReassemblingDissector(options: DissectorOptions(detail: true))
        let scan = try CaptureFileReader(path: path).forEachPacket { record in
            let dissection = dissector.dissect(record.reference).dissection
            let packet = FieldTreePacket(dissection, bytes: Array(record.bytes))
            ours.append(
                names.map { name in
                    // tshark 4.0 names no server in the Info column; socktui does, as later Wiresharks do.
                    if name == "_ws.col.Info" { return dissection.info.replacing(#/ \(SNI=[^)]*\)/#, with: "") }
                    let type = DisplayFilterFields.standard[name]?.type
                    let occurrences = packet.occurrences(of: name)
                    if type == DisplayFilterType.none { return occurrences.isEmpty ? "" : "1" }
                    return occurrences.map { text($0, type: type) }.joined(separator: ",")
                })
            return true
        }
        #expect(scan.damage == nil)
        try #require(ours.count == theirs.count && (frames == nil || ours.count == frames), "\(ours.count) frames, tshark \(theirs.count)")
        for (index, row) in ours.enumerated() {
            for (column, name) in names.enumerated() {
                #expect(
                    row[column] == theirs[index][column],
                    "frame \(index + 1) \(name): socktui \(row[column]), tshark \(theirs[index][column])")
            }
        }
        // Every field had a value in some frame: the recording covers them all.
        for (column, name) in names.enumerated() where requireEach {
            #expect(ours.contains { !$0[column].isEmpty }, "\(name) never seen")
        }
    }

    /// Each expression selects in the file `path` the frames tshark selects, and some (any number,
    /// none included, for those in `mayBeEmpty`: what the traffic shows depends on timing).
    static func filters(_ path: String, _ expressions: [String], mayBeEmpty: Set<String> = []) throws {
        var packets: [(number: Int, dissection: Dissection, bytes: [UInt8])] = []
        var dissector = ReassemblingDissector(options: DissectorOptions(detail: true))
        _ = try CaptureFileReader(path: path).forEachPacket { record in
            let dissection = dissector.dissect(record.reference).dissection
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
            #expect(!expected.isEmpty || mayBeEmpty.contains(expression), "\(expression) selects nothing in tshark")
            #expect(selected == expected, "\(expression): socktui \(selected), tshark \(expected)")
        }
    }
}

/// DNS's flags and typed record fields (issue #21) on `scripts/record-dns`'s recording: a dnsmasq
/// server asked for each record type.
@Suite(
    .enabled(if: TestBinary.isRoot && TestBinary.have("tshark", "dnsmasq"), "needs root, tshark and dnsmasq")
)
struct DNSFieldTests {
    static let names = [
        "dns.flags.response", "dns.flags.opcode", "dns.flags.authoritative", "dns.flags.truncated", "dns.flags.recdesired",
        "dns.flags.recavail", "dns.flags.z", "dns.flags.authenticated", "dns.flags.checkdisable", "dns.flags.rcode", "dns.a",
        "dns.aaaa", "dns.cname", "dns.ns", "dns.ptr.domain_name", "dns.mx.preference", "dns.mx.mail_exchange", "dns.txt.length",
        "dns.txt", "dns.srv.priority", "dns.srv.weight", "dns.srv.port", "dns.srv.target", "dns.soa.mname", "dns.soa.rname",
        "dns.soa.serial_number", "dns.soa.refresh_interval", "dns.soa.retry_interval", "dns.soa.expire_limit", "dns.soa.minimum_ttl"
    ]

    @Test func everyFlagAndRecordFieldHasTsharksValues() throws {
        let directory = try TemporaryDirectory()
        try RecordedTraffic.compare(try RecordedTraffic.record("record-dns", directory), names: Self.names, frames: 22)
    }

    /// The new fields select what tshark selects, on one recording.
    @Test func filtersOnTheNewFieldsSelectWhatTsharkSelects() throws {
        let directory = try TemporaryDirectory()
        let path = try RecordedTraffic.record("record-dns", directory)
        try RecordedTraffic.filters(
            path,
            [
                "dns.flags.response == 0", "dns.flags.rcode == 3", "dns.flags.authoritative", "dns.flags.recdesired == 0",
                "dns.a == 192.0.2.1", "dns.aaaa == 2001:db8::1", "dns.cname == \"a.test\"", "dns.mx.preference > 5",
                "dns.txt contains \"world\"", "dns.srv.port == 5060", "dns.soa.minimum_ttl", "dns.ns == \"ns.test\" && !dns.soa.mname",
                "dns.ptr.domain_name matches \"^a\\\\.\"", "dns.flags.opcode == 0 and dns.flags.response and not dns.a"
            ])
    }
}

/// HTTP/1.1's first lines and headers on `scripts/record-http`'s recording: a keep-alive connection
/// with a 200, a 404, a 301, a HEAD and a POST.
@Suite(.enabled(if: TestBinary.isRoot && TestBinary.have("tshark"), "needs root and tshark"))
struct HTTPFieldTests {
    static let names = [
        "http.request", "http.response", "http.request.method", "http.request.uri", "http.request.uri.path", "http.request.uri.query",
        "http.request.uri.query.parameter", "http.request.version", "http.request.full_uri", "http.response.version",
        "http.response.code", "http.response.code.desc", "http.response.phrase", "http.host", "http.user_agent", "http.accept",
        "http.referer", "http.cookie", "http.cookie_pair", "http.accept_encoding", "http.accept_language", "http.content_type",
        "http.content_length_header", "http.content_length", "http.connection", "http.date", "http.server", "http.location",
        "http.request.line", "http.response.line"
    ]

    @Test func firstLinesAndHeadersHaveTsharksValues() throws {
        let directory = try TemporaryDirectory()
        try RecordedTraffic.compare(try RecordedTraffic.record("record-http", directory), names: Self.names, frames: 18)
    }

    @Test func filtersOnTheHeadersSelectWhatTsharkSelects() throws {
        let directory = try TemporaryDirectory()
        try RecordedTraffic.filters(
            try RecordedTraffic.record("record-http", directory),
            [
                "http.request.method == \"GET\"", "http.response.code == 404", "http.response.code >= 300 && http.response.code < 400",
                "http.host contains \"web\"", "http.user_agent matches \"(?i)SOCKTUI\"", "http.content_length > 12",
                "http.request.uri.query.parameter == \"lang=en\"", "http.cookie_pair == \"b=2\"", "http.location == \"/index.html\"",
                "http.request.line contains \"Referer\"", "http.response.line contains \"Connection: close\"", "http.response",
                "http.request and not http.accept", "http.content_type contains \"json\""
            ])
    }
}

/// TLS records and Client/Server Hello fields on `scripts/record-tls`'s recording: `openssl s_client`
/// against `openssl s_server`, once with TLS 1.3 (SNI, ALPN h2 and http/1.1) and once with TLS 1.2.
@Suite(.enabled(if: TestBinary.isRoot && TestBinary.have("tshark", "openssl"), "needs root, tshark and openssl"))
struct TLSFieldTests {
    static let names = [
        "tls.record.content_type", "tls.record.version", "tls.record.length", "tls.handshake.type", "tls.handshake.length",
        "tls.handshake.version", "tls.handshake.session_id_length", "tls.handshake.cipher_suites_length", "tls.handshake.ciphersuite",
        "tls.handshake.comp_methods_length", "tls.handshake.comp_method", "tls.handshake.extensions_length",
        "tls.handshake.extension.type", "tls.handshake.extension.len", "tls.handshake.extensions_server_name",
        "tls.handshake.extensions_alpn_str", "tls.handshake.extensions.supported_version", "tls.handshake.extensions_supported_group",
        "tls.handshake.ja3_full", "tls.handshake.ja3s_full"
    ]

    @Test func recordsAndHellosHaveTsharksValues() throws {
        let directory = try TemporaryDirectory()
        let path = try RecordedTraffic.record("record-tls", directory)
        let frames = try CaptureFileReader(path: path).packets(in: 0..<10_000).count
        // socktui reads each frame alone, so an encrypted TLS 1.3 record in a frame without its
        // session's Server Hello keeps the name `tls.record.content_type` (23); tshark, which follows
        // the conversation, names every TLS 1.3 encrypted record's type `tls.record.opaque_type`.
        try RecordedTraffic.compare(path, names: Self.names, frames: frames, merged: ["tls.record.content_type": "tls.record.opaque_type"])
    }

    /// The Info column lists every record's messages as tshark's does. Two deliberate differences:
    /// a Client Hello names its server (`Client Hello (SNI=tls.test)`), and an alert after the
    /// frame of its ChangeCipherSpec is `Alert` (tshark, following the session, says `Encrypted Alert`).
    @Test func infoListsEveryRecordAsTsharkDoes() throws {
        let directory = try TemporaryDirectory()
        let path = try RecordedTraffic.record("record-tls", directory)
        let tshark = try runTool(ToolComparisonTests.tshark, ["-r", path, "-T", "fields", "-e", "_ws.col.Info"])
        try #require(tshark.status == 0, "\(tshark.err)")
        let theirs = tshark.out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var compared = 0
        var index = 0
        _ = try CaptureFileReader(path: path).forEachPacket { record in
            defer { index += 1 }
            let dissection = Dissector.dissect(record.bytes, linkType: record.interface.linkType, options: DissectorOptions())
            guard dissection.protocolName == "TLS" else { return true }
            var ours = dissection.info
            if let sni = ours.range(of: " (SNI=tls.test)") { ours.removeSubrange(sni) }
            let expected = theirs[index].replacingOccurrences(of: "Encrypted Alert", with: "Alert")
            #expect(ours == expected, "frame \(index + 1)")
            compared += 1
            return true
        }
        #expect(compared >= 10)
    }

    @Test func filtersOnTheHellosSelectWhatTsharkSelects() throws {
        let directory = try TemporaryDirectory()
        try RecordedTraffic.filters(
            try RecordedTraffic.record("record-tls", directory),
            [
                "tls.handshake.type == 1", "tls.handshake.type == 2 && tls.handshake.extensions.supported_version == 0x0304",
                "tls.handshake.extensions_alpn_str == \"h2\"", "tls.handshake.ciphersuite == 0xc02b",
                "tls.handshake.extensions_server_name == \"tls.test\"", "tls.record.content_type == 20",
                "tls.handshake.extension.type == 16 and not tls.handshake.extensions_server_name", "tls.record.length > 200",
                "tls.handshake.extensions_supported_group == 29", "tls.handshake.type == 11",
                "tls.handshake.ja3_full contains \",29-23-30-25-24\"", "tls.handshake.ja3s_full matches \"^771,49195,\""
            ])
    }
}

/// TCP sequence analysis (issue #21) on `scripts/record-tcp`'s recording: a download and an upload
/// through a router dropping every 37th data segment, a zero window, keep-alives, a refused
/// connection, a reset and a lost request, captured on the client's interface. Each value tshark
/// computes, frame by frame; and on `scripts/make-tcp-cases`' hand-made edge cases.
@Suite(
    .enabled(if: TestBinary.isRoot && TestBinary.have("tshark", "nft"), "needs root, tshark and nftables")
)
struct TCPAnalysisFieldTests {
    static let names = [
        "tcp.stream", "tcp.len", "tcp.seq", "tcp.nxtseq", "tcp.ack", "tcp.window_size", "tcp.window_size_scalefactor",
        "tcp.time_relative", "tcp.time_delta", "tcp.analysis.acks_frame", "tcp.analysis.ack_rtt", "tcp.analysis.initial_rtt",
        "tcp.analysis.bytes_in_flight", "tcp.analysis.push_bytes_sent", "tcp.analysis.duplicate_ack_num",
        "tcp.analysis.duplicate_ack_frame", "tcp.analysis.rto", "tcp.analysis.rto_frame"
    ]

    /// The analysis flags (labels) and the Info column with their tags.
    static let flags =
        ["tcp.analysis", "tcp.analysis.flags"] + TCPAnalysisFlags.described.map { "tcp.analysis.\($0.field)" } + ["_ws.col.Info"]

    @Test func everyValueMatchesTshark() throws {
        let directory = try TemporaryDirectory()
        let path = try RecordedTraffic.record("record-tcp", directory)
        try RecordedTraffic.compare(path, names: Self.names, frames: nil)
        try RecordedTraffic.compare(path, names: Self.flags, frames: nil, requireEach: false)
    }

    /// Filter expressions over the analysis, on the recording: the same frames as tshark -Y.
    /// Those of the first list are bound to occur (the router drops segments in both directions and
    /// the first data segment of the last connection; the zero window and keep-alives are waited
    /// for); the second list's depend on timing.
    static let expressions = [
        "tcp.analysis.flags", "tcp.analysis.retransmission", "tcp.analysis.lost_segment", "tcp.analysis.duplicate_ack",
        "tcp.analysis.zero_window", "tcp.analysis.keep_alive", "tcp.analysis.keep_alive_ack",
        "tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.keep_alive && !tcp.analysis.keep_alive_ack",
        "tcp.stream == 1 && tcp.len > 0", "tcp.seq == 1 && tcp.flags.syn == 0 && tcp.len > 0", "tcp.ack > 100000",
        "tcp.window_size > tcp.window_size_value", "tcp.window_size_scalefactor > 1", "tcp.time_delta > 0.05", "tcp.time_relative >= 1",
        "tcp.analysis.bytes_in_flight > 10000", "tcp.nxtseq > tcp.seq", "tcp.analysis.initial_rtt",
        "tcp.analysis.ack_rtt < 0.5", "tcp.analysis.rto > 0.001", "tcp.flags.reset == 1",
        "tcp.analysis.duplicate_ack_frame && tcp.analysis.duplicate_ack_num >= 1"
    ]
    static let timingDependent = [
        "tcp.analysis.fast_retransmission", "tcp.analysis.out_of_order", "tcp.analysis.window_full", "tcp.analysis.window_update",
        "tcp.analysis.spurious_retransmission", "tcp.analysis.ack_lost_segment", "tcp.analysis.duplicate_ack_num >= 2",
        // A data segment without an analysis tree: only while bytes in flight are unknown after a loss.
        "!tcp.analysis && tcp.len > 0"
    ]

    @Test func filterExpressionsMatchTshark() throws {
        let directory = try TemporaryDirectory()
        let path = try RecordedTraffic.record("record-tcp", directory)
        try RecordedTraffic.filters(path, Self.expressions + Self.timingDependent, mayBeEmpty: Set(Self.timingDependent))
    }

    /// The Capture panel's engine shows the same: rows with relative numbers and tags (problem rows
    /// marked), the detail tree's analysis, and a display filter over the analysis, as tshark.
    @Test func theBrowserShowsAndFiltersTheAnalysis() throws {
        let directory = try TemporaryDirectory()
        let path = try RecordedTraffic.record("record-tcp", directory)
        let browser = CaptureBrowser()
        guard case .opened(let file) = browser.handle(.open(path: path, firstPackets: 5)) else {
            Issue.record("\(path) did not open")
            return
        }
        _ = browser.handle(.index(file.source, chunk: 100_000))
        let tshark = try runTool(
            ToolComparisonTests.tshark,
            [
                "-r", path, "-T", "fields", "-e", "_ws.col.Info", "-e", "tcp.analysis.flags", "-e", "tcp.analysis.window_update", "-e",
                "tcp.analysis.keep_alive", "-e", "tcp.analysis.keep_alive_ack"
            ])
        let lines = tshark.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        // From the end backwards: the table grows in order from the first packet whatever is asked first.
        let indices = Array((0..<lines.count).reversed())
        guard
            case .rows(let rows, _) = browser.handle(
                .rows(file.source, indices: indices, previous: indices.map { _ in nil }, processes: false))
        else {
            Issue.record("no rows")
            return
        }
        try #require(rows.count == lines.count)
        for row in rows {
            let line = lines[row.index]
            #expect(row.info == line[0], "row \(row.index + 1)")
            // Wireshark's "Bad TCP" colouring rule.
            let bad = !line[1].isEmpty && line[2].isEmpty && line[3].isEmpty && line[4].isEmpty
            #expect((row.mark == .badTCP) == bad, "row \(row.index + 1)")
        }
        #expect(rows.contains { $0.mark == .badTCP })
        for expression in ["tcp.analysis.retransmission", "tcp.analysis.duplicate_ack || tcp.seq == 1"] {
            var matches: [UInt32] = []
            _ = browser.handle(.filter(file.source, expression: expression, range: nil)) { reply in
                if case .filterMatches(let found, _) = reply { matches += found }
            }
            let expected = try runTool(ToolComparisonTests.tshark, ["-r", path, "-Y", expression, "-T", "fields", "-e", "frame.number"])
            #expect(matches.map { Int($0) + 1 } == expected.out.split(separator: "\n").compactMap { Int($0) }, "\(expression)")
        }
        let retransmission = rows.first { $0.info.hasPrefix("[TCP Retransmission]") }
        if let index = retransmission?.index,
            case .detail(let detail?, _) = browser.handle(.dissect(file.source, index: index, verifyChecksums: false))
        {
            #expect(
                detail.fields.contains {
                    $0.label.hasPrefix("Transmission Control Protocol") && $0.children.contains { $0.label.hasPrefix("[SEQ/ACK analysis]") }
                })
        } else {
            Issue.record("no retransmission row, or no detail for it")
        }
    }

    /// `scripts/make-tcp-cases`: hand-made captures of the analysis's edge cases.
    @Test func everyEdgeCaseMatchesTshark() throws {
        let directory = try TemporaryDirectory()
        let script = RecordedTraffic.scripts.appendingPathComponent("make-tcp-cases").path
        let made = try runTool("/usr/bin/env", ["python3", script, directory.url.path])
        try #require(made.status == 0, "make-tcp-cases: \(made.err)")
        let cases = try FileManager.default.contentsOfDirectory(atPath: directory.url.path).filter { $0.hasSuffix(".pcap") }.sorted()
        #expect(cases.count == 20)
        for name in cases {
            try RecordedTraffic.compare(directory.path(name), names: Self.names + Self.flags, frames: nil, requireEach: false)
        }
    }
}

/// The same edge cases through the built binary: `socktui read` decodes in parallel, leaving
/// held and completed messages to its workers; its Info lines and -Y selections must be tshark's.
@Suite(.enabled(if: TestBinary.have("tshark"), "needs tshark"))
struct TCPCasesReadTests {
    /// Each case's Info lines are compared; these expressions on the cases that exercise them
    /// (every run of tshark costs a start-up).
    static let expressions = [
        "tcp.analysis.flags", "tcp.analysis.retransmission || tcp.analysis.out_of_order", "tcp.seq == 1 && tcp.stream == 1",
        "http || tls", "!http", "http.response.code == 200 || tls.handshake.type == 1", "tcp.segment.count > 1",
        "tcp.window_size_scalefactor == -1 || tcp.analysis.duplicate_ack_num >= 2"
    ]
    static let filtered: Set<String> = ["06.pcap", "08.pcap", "09.pcap", "14.pcap", "18.pcap", "19.pcap", "20.pcap"]

    @Test func linesAndSelectionsAreTsharks() throws {
        let directory = try TemporaryDirectory()
        let made = try runTool(
            "/usr/bin/env", ["python3", RecordedTraffic.scripts.appendingPathComponent("make-tcp-cases").path, directory.url.path])
        try #require(made.status == 0, "make-tcp-cases: \(made.err)")
        var selected = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted() where name.hasSuffix(".pcap") {
            let file = directory.path(name)
            let ours = try ReadCommandTests.read([file])
            #expect(ours.status == 0 && ours.err.isEmpty, "\(ours.err)")
            // `N TIME SRC → DST PROTO LEN INFO`: the Info is what follows the seventh space.
            let info = ours.out.split(separator: "\n").map { line in
                line.split(separator: " ", maxSplits: 7, omittingEmptySubsequences: false).last.map(String.init) ?? ""
            }.map { $0.replacing(#/ \(SNI=[^)]*\)/#, with: "") }
            let tshark = try runTool(ToolComparisonTests.tshark, ["-r", file, "-T", "fields", "-e", "_ws.col.Info"])
            #expect(info == tshark.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init), "\(name)")
            for expression in Self.expressions where Self.filtered.contains(name) {
                let ours = ReadDisplayFilterTests.numbers(try ReadCommandTests.read([file, "-Y", expression]).out)
                let theirs = try runTool(ToolComparisonTests.tshark, ["-r", file, "-Y", expression, "-T", "fields", "-e", "frame.number"])
                #expect(ours == theirs.out.split(separator: "\n").compactMap { Int($0) }, "\(name): \(expression)")
                selected += ours.count
            }
        }
        #expect(selected > 50)
    }
}
