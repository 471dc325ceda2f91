import ArgumentParser
import Foundation
import Inspect

/// `socktui read`: decode a pcap or pcapng file, like `tcpdump -r` / `tshark -r`.
struct ReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Decode a pcap or pcapng file: one summary line per packet, or the field tree with --detail.",
        discussion: HelpText.lines([
            HelpText.concat([
                "FILTER is a tcpdump-syntax expression (joined from the remaining arguments), compiled ",
                "by libpcap for each interface's link type and applied with pcap_offline_filter. ",
                "Packet numbers are positions in the file, so a filtered listing keeps them."
            ]),
            "",
            HelpText.concat([
                "-Y EXPR (--display-filter) takes a Wireshark display filter, as tshark -Y does: ",
                "'tcp.port == 80', 'ip.addr == 10.0.0.0/8 && !dns', 'tcp.port in {80, 443, 8000..8080}', ",
                "'dns.qry.name contains \"example\"', 'eth.src[0:3] == 00:00:5e', 'tcp.flags & 0x02'. ",
                "It applies after FILTER. With --stats or --follow it limits them to the packets it matches ",
                "(tshark takes that filter in -z's argument, -z conv,tcp,EXPR); it sees each frame as captured, ",
                "not a datagram reassembled from IP fragments. --fields lists the fields it can name (--json ",
                "too); a field socktui does not decode is refused by name (exit status 2), never silently false."
            ]),
            "",
            "Examples:",
            "  socktui read capture.pcap",
            "  socktui read capture.pcap -Y 'http || dns.qry.name contains \"example\"'",
            "  socktui read capture.pcapng tcp port 443 -c 10",
            "  socktui read capture.pcap udp port 53 --detail",
            "  socktui read capture.pcap --json",
            "  socktui read capture.pcap --follow tcp,0            # stream 0 as text",
            "  socktui read capture.pcap --follow tcp,frame=42 --hex",
            "  socktui read capture.pcap --stats conv,tcp --stats phs",
            "",
            HelpText.concat([
                "--follow PROTO,N prints one TCP or UDP conversation's payload, both directions in ",
                "order: N is the stream index as tshark numbers tcp.stream / udp.stream (0 for the ",
                "first conversation in the file, a new index when a port is reused with a new SYN), or ",
                "frame=P for the conversation of packet P. TCP is reassembled by sequence numbers: ",
                "out-of-order segments are put in order, and retransmissions, partial overlaps and ",
                "bytes missing from the capture are marked (>>> node 0 → node 1, <<< back). ",
                "--save-raw PREFIX also writes each direction's bytes to PREFIX.node0 and PREFIX.node1."
            ]),
            "",
            HelpText.concat([
                "--stats NAME (repeatable) prints tshark-style tables instead of packets: phs (protocol ",
                "hierarchy, like -z io,phs), conv,ip|ipv6|tcp|udp (conversations: frames and bytes ",
                "each way, relative start, duration, bits/s), endpoints,ip|ipv6|tcp|udp. IP fragments ",
                "are reassembled first, so a fragmented UDP datagram counts once, on its last ",
                "fragment, as in tshark. With --json, one object: {\"packets\", \"bytes\", \"first\", \"last\", ",
                "\"protocolHierarchy\": [{\"name\", \"frames\", \"bytes\", \"children\"}], \"conversations\": ",
                "{\"tcp\": [{\"a\", \"b\", \"framesAToB\", \"bytesAToB\", \"framesBToA\", \"bytesBToA\", ",
                "\"start\", ",
                "\"end\", \"relativeStart\", ...}]}, \"endpoints\": {...}, \"reassembly\": {...}}. --follow ",
                "--json prints {\"transport\", \"stream\", \"nodes\", \"packetCount\", \"segments\": ",
                "[{\"sender\", ",
                "\"packet\", \"kind\": data|retransmission|overlap|gap, \"length\", \"data_base64\", ",
                "\"repeated\" (overlap), \"missing\" (gap)}]}. --follow with --stats prints the stream, ",
                "then the tables (--json: {\"follow\": {...}, \"statistics\": {...}})."
            ]),
            "",
            HelpText.concat([
                "Text: NUMBER TIME SOURCE → DESTINATION PROTOCOL LENGTH INFO, local time with a ",
                "cached UTC offset (--utc for UTC); --detail adds the field tree, each node with ",
                "its byte range [start..<end]."
            ]),
            "",
            HelpText.concat([
                "JSON (--json): a header line naming the schema, then one object per packet (with --detail ",
                "its field tree, with tshark's field names); --follow and --stats print one document. ",
                "Schema socktui/1, described field by field in docs/json.md."
            ]),
            "",
            HelpText.concat([
                "Exit status: 0 when the whole file was read; 1 when the file cannot be read or is ",
                "not a capture file; 2 for a filter libpcap rejects or a display filter that does not compile; 3 when the file is damaged ",
                "(every packet before the damage is printed; the damage and its byte offset go to stderr), ",
                "or shrinks while it is read; 4 when --follow names a stream or packet the file does not have."
            ]),
            "",
            HelpText.concat([
                "A pipe, a FIFO or a device (`read <(cmd)`, `read /dev/stdin`) streams like `read -`; ",
                "--follow and --stats hold such an input in memory, up to a quarter of the memory ",
                "available (at most 4 GiB): save a larger one to a file first."
            ])
        ])
    )

    @Argument(help: "The pcap or pcapng file (- for standard input).")
    var file: String = ""

    @Argument(help: "A tcpdump-syntax filter, e.g. tcp port 80.")
    var filter: [String] = []

    @Option(
        name: [.customShort("Y"), .customLong("display-filter")],
        help: ArgumentHelp("A Wireshark display filter, as tshark -Y takes it, e.g. 'tcp.port == 80 && !dns'.", valueName: "expr"))
    var displayFilter: String?

    @Flag(name: .customLong("fields"), help: "List the fields a display filter can name, with their types (as tshark -G fields).")
    var listFields = false

    @Option(name: .customShort("c", allowingJoined: true), help: "Stop after printing COUNT packets.")
    var count: Int?

    @Flag(help: "Print each packet's field tree after its summary line.")
    var detail = false

    @Flag(help: "Print times in UTC instead of local time.")
    var utc = false

    @Flag(
        help:
            "Verify IPv4, TCP, UDP and ICMP checksums in --detail (else [unverified]: a host's own packets are captured before offload fills them)."
    )
    var verifyChecksums = false

    @Option(help: "Time format.")
    var time: TimestampFormatter.Style = .timeOfDay

    @Option(name: .customLong("dns-port"), help: "Also decode this UDP/TCP port as DNS (repeatable).")
    var dnsPorts: [UInt16] = []

    @Option(help: ArgumentHelp("Follow a TCP or UDP stream: tcp,N or udp,N (tshark's stream index), or tcp,frame=P.", valueName: "proto,n"))
    var follow: FollowSpecification?

    @Flag(help: "With --follow: print the stream as a hex dump instead of text.")
    var hex = false

    @Option(
        name: .customLong("save-raw"),
        help: ArgumentHelp("With --follow: write each direction's bytes to PREFIX.node0 and PREFIX.node1.", valueName: "prefix"))
    var saveRaw: String?

    @Flag(help: "With --save-raw: replace PREFIX.node0 and PREFIX.node1 if they exist (else an existing file is refused).")
    var force = false

    @Option(
        help: ArgumentHelp(
            "Print statistics instead of packets: phs, conv,ip|ipv6|tcp|udp, endpoints,ip|ipv6|tcp|udp (repeatable).", valueName: "name"))
    var stats: [StatisticsSpecification] = []

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if (follow != nil || !stats.isEmpty) && !filter.isEmpty {
            throw ValidationError(
                "a FILTER does not apply to --follow or --stats: they read the whole file; -Y EXPR (a display filter) limits them to the packets it matches"
            )
        }
        if (hex || saveRaw != nil) && follow == nil { throw ValidationError("--hex and --save-raw go with --follow PROTO,N") }
        if let count, count < 1 { throw ValidationError("-c COUNT must be at least 1, got \(count)") }
        if file.isEmpty && !listFields { throw ValidationError("FILE is missing or empty: give the path of a pcap or pcapng file") }
    }

    func run() throws {
        if listFields { return try Self.printFields(json: global.json) }
        let compiled = try compileDisplayFilter()
        if follow == nil && stats.isEmpty {
            // Standard input, pipes (`<(cmd)`, a FIFO) and devices stream: their format is checked
            // on the first bytes and nothing is held beyond the record being printed.
            if file == "-" { return try runStream(fd: STDIN_FILENO, name: "<stdin>", shownAs: "-") }
            var info = stat()
            if stat(file, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG, (info.st_mode & S_IFMT) != S_IFDIR {
                let fd = open(file, O_RDONLY | O_CLOEXEC)
                if fd < 0 {
                    Self.printError("socktui read: \(file): cannot open: \(String(cString: strerror(errno)))")
                    throw ExitCode(1)
                }
                defer { close(fd) }
                return try runStream(fd: fd, name: file, shownAs: file)
            }
        }
        let reader: CaptureFileReader
        do {
            // "-" reads standard input: a pipe is read into memory (its header checked first, its
            // size capped), files are mapped.
            reader = try CaptureFileReader(path: file == "-" ? "/dev/stdin" : file)
        } catch {
            Self.printError("socktui read: \(error)")
            throw ExitCode(1)
        }
        if follow != nil || !stats.isEmpty { return try runAnalysis(reader: reader) }
        let expression = filter.joined(separator: " ")
        // A display filter reads the field tree: every packet is dissected with it.
        var options = DissectorOptions(detail: detail || compiled != nil, verifyChecksums: verifyChecksums)
        options.dnsPorts.formUnion(dnsPorts)
        // Nanosecond pcap files get nine digits, as tcpdump prints them.
        let formatter = TimestampFormatter(style: time, fractionDigits: reader.isNanosecondPcap ? 9 : 6, utc: utc)
        // Property-wrapper reads are generic calls: read each option once, not once per packet.
        let limit = count
        let prototype = PacketRenderer(
            formatter: formatter, options: Self.renderOptions(options, detail: detail, filter: compiled), json: global.json,
            detail: detail, displayFilter: compiled)

        // Packets are decoded in batches split across the cores while the next batch is scanned;
        // the text comes out in file order.
        let pipeline = ReadPipeline(prototype: prototype, workerCount: min(ProcessInfo.processInfo.activeProcessorCount, 8), limit: limit)
        let (result, filterError) = pipeline.run(
            reader: reader, expression: expression, options: options, header: global.json ? jsonLinesHeader("packets") : "")
        let printed = pipeline.printed
        if let filterError {
            Self.printError("socktui read: \(filterError)")
            throw ExitCode(2)
        }
        if let renderError = pipeline.error { throw renderError }
        if let damage = result.damage, limit.map({ printed < $0 }) ?? true {
            Self.printError("socktui read: \(file): \(damage)")
            throw ExitCode(3)
        }
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

extension TimestampFormatter.Style: ExpressibleByArgument {}

/// A value handed to `concurrentPerform` whose iterations partition it by index.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// One worker's output for a slice of a batch: the text (JSON objects are written into it in
/// place), where each packet's text ends, or the error. The text is raw memory written through
/// pointers (a line costs one capacity check, not one per field); the owner calls `deallocate()`
/// once, copies of the value share the memory.
struct RenderedSlice {
    var text: ByteBuffer
    var ends: [Int] = []
    /// The packet index (0-based) of each packet whose text ends at the same place in `ends`.
    var indices: [Int] = []
    var error: (any Error)?

    init(capacity: Int = 1 << 16) { text = ByteBuffer(capacity: capacity) }

    /// The text.
    var bytes: UnsafeRawBufferPointer { text.bytes }

    /// Frees the text's memory; the slice is unusable afterwards.
    func deallocate() { text.deallocate() }

    mutating func reset() {
        text.removeAll()
        ends.removeAll(keepingCapacity: true)
        indices.removeAll(keepingCapacity: true)
        error = nil
    }

    /// Ends packet `index`'s text with a newline.
    mutating func endPacket(_ index: Int) {
        text.append(UInt8(ascii: "\n"))
        markEnd(index)
    }

    /// Marks the end of packet `index`'s text (its newline written).
    mutating func markEnd(_ index: Int) {
        ends.append(text.count)
        indices.append(index)
    }
}

/// Filters, decodes and formats packets for `socktui read`; one per worker thread (its timestamp
/// cache, filter matchers and JSON encoder are not shared).
struct PacketRenderer {
    var formatter: TimestampFormatter
    let options: DissectorOptions
    let json: Bool
    let detail: Bool
    /// `-Y`: packets it rejects are skipped (the options then build the field tree for it).
    let displayFilter: DisplayFilter?
    /// For a filter over header fields: layers and their offsets only (no text columns, no tree).
    private let filterOptions: DissectorOptions
    /// For a filter over header fields of a segment carrying part of a held message: no application layer.
    private let heldFilterOptions: DissectorOptions
    /// With the field tree, for a filter over a message reassembly completed.
    private let treeOptions: DissectorOptions
    private var matchers: [LinkType: BPFMatcher] = [:]
    /// Reused for every packet, so decoding allocates nothing for the common layers.
    private var dissection = Dissection()
    /// Reused for the text of packets off the quick path.
    var scratch: [UInt8] = []
    /// This worker's JSON writer, made on first use (copies of a prototype must not share one).
    var writer: JSONStreamWriter?

    init(formatter: TimestampFormatter, options: DissectorOptions, json: Bool, detail: Bool, displayFilter: DisplayFilter? = nil) {
        self.formatter = formatter
        self.options = options
        self.json = json
        self.detail = detail
        self.displayFilter = displayFilter
        var filterOptions = options
        filterOptions.detail = false
        filterOptions.columns = false
        self.filterOptions = filterOptions
        var heldFilterOptions = filterOptions, treeOptions = options
        heldFilterOptions.skipsApplication = true
        treeOptions.detail = true
        self.heldFilterOptions = heldFilterOptions
        self.treeOptions = treeOptions
        scratch.reserveCapacity(4096)
    }

    /// Appends the text of each record `programs` accepts (all when empty) to `slice`; `reassembled`
    /// holds the dissections reassembly made, by packet index, `held` what it left to decode here
    /// (segments completing a message, or a message's first); `interfaces` the interfaces by ID.
    mutating func render(
        _ records: UnsafeBufferPointer<QueuedRecord>, interfaces: [CaptureInterface?], programs: [LinkType: BPFProgram],
        reassembled: [Int: Dissection] = [:], held: [Int: ReassemblingDissector.HeldSegment] = [:], into slice: inout RenderedSlice
    ) throws {
        // Plain text lines may skip dissection for the commonest packet shape (`QuickSummary`).
        let quick = !json && !detail
        for record in records {
            let linkType = record.linkType
            if !programs.isEmpty, let program = programs[linkType] {
                if matchers[linkType] == nil { matchers[linkType] = program.makeMatcher() }
                if !matchers[linkType]!.matches(record.bytes, originalLength: record.originalLength) { continue }
            }
            // Looked up by index, not as an Optional<Dissection> (a large value to copy per packet).
            let replacement = reassembled.isEmpty ? nil : reassembled.index(forKey: record.index)
            let heldSegment = record.held ? held[record.index] : nil
            // -Y over header fields reads them from the summary dissection's layer offsets; any
            // other filter (or a reassembled packet) reads the field tree, after dissection below.
            let treeFilter = displayFilter.map { $0.needsFieldTree || replacement != nil } ?? false
            // Whether `dissection` holds the packet's whole dissection already.
            var decoded = false
            if let displayFilter, !treeFilter {
                if heldSegment?.hasApplicationLayers == true {
                    // The message's layers are there only in the whole dissection.
                    dissection = ReassemblingDissector.dissect(record.reference, held: heldSegment, options: options, tcp: record.tcp)
                    decoded = true
                } else {
                    Dissector.dissect(
                        record.bytes, linkType: linkType, originalLength: record.originalLength,
                        options: record.held ? heldFilterOptions : filterOptions, tcp: record.tcp, into: &dissection)
                }
                let kept = withUnsafePointer(to: &dissection) { pointer in
                    displayFilter.matches(
                        LayerFieldPacket(
                            bytes: record.bytes, wireLength: record.originalLength, dissection: pointer, number: record.index + 1,
                            tcp: record.tcp))
                }
                if !kept { continue }
            }
            if quick && replacement == nil && !treeFilter && !record.held {
                let out = slice.text.reserve(QuickSummary.maximumLineLength + 1)
                if let written = QuickSummary.writeLine(
                    number: record.index + 1, timestamp: record.timestamp, length: record.originalLength,
                    bytes: record.bytes, linkType: linkType, options: options, tcp: record.tcp, formatter: &formatter, to: out)
                {
                    out[written] = UInt8(ascii: "\n")
                    slice.text.commit(written + 1)
                    slice.markEnd(record.index)
                    continue
                }
            }
            // JSON of the same shape, written from the packet's bytes into the slice.
            if json && !detail && replacement == nil && !treeFilter && !record.held,
                try writeQuickJSON(record, interfaces: interfaces, into: &slice)
            {
                slice.endPacket(record.index)
                continue
            }
            if let replacement {
                dissection = reassembled[replacement].value
            } else if !decoded {
                if record.held {
                    dissection = ReassemblingDissector.dissect(
                        record.reference, held: heldSegment, options: treeFilter ? treeOptions : options, tcp: record.tcp)
                } else {
                    Dissector.dissect(
                        record.bytes, linkType: linkType, originalLength: record.originalLength, options: options, tcp: record.tcp,
                        into: &dissection)
                }
            }
            if treeFilter, let displayFilter {
                guard displayFilter.matches(FieldTreePacket(dissection, bytes: Array(record.bytes), number: record.index + 1)) else {
                    continue
                }
                // The tree was built for the filter: printed only with --detail.
                if !detail { dissection.fields.removeAll(keepingCapacity: true) }
            }
            if json {
                let summary = PacketSummary(
                    number: record.index + 1, timestamp: record.timestamp, length: record.originalLength,
                    capturedLength: record.bytes.count, interface: Self.interfaceName(record, interfaces),
                    direction: record.direction, dissection: dissection)
                try jsonEncode(summary, into: &slice)
                slice.endPacket(record.index)
                continue
            }
            scratch.removeAll(keepingCapacity: true)
            PacketSummary.appendLine(
                number: record.index + 1, timestamp: record.timestamp, length: record.originalLength,
                dissection: dissection, to: &scratch, formatter: &formatter)
            if detail {
                scratch.append(UInt8(ascii: "\n"))
                let tree = scratch.count
                for node in dissection.fields { scratch.append(contentsOf: node.render(indent: 2).utf8) }
                // Field values quote the packet's text; the tree's own newlines are kept.
                TerminalSafe.escapeLines(&scratch, from: tree)
            }
            scratch.withUnsafeBytes { slice.text.append(contentsOf: $0) }
            slice.endPacket(record.index)
        }
    }
}

/// Standard output in 64 KiB writes rather than one `print` per packet.
struct BufferedOutput {
    var bytes: [UInt8] = []
    /// Writes `appendPacket`'s JSON lines (made on first use).
    private var packetWriter: JSONStreamWriter?

    init() { bytes.reserveCapacity(1 << 17) }

    mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }
    mutating func append(_ data: Data) { bytes.append(contentsOf: data) }

    mutating func flushIfFull() { if bytes.count >= 1 << 16 { flush() } }

    /// Appends `chunk`, or writes it straight through when it would not fit the buffer.
    mutating func write(_ chunk: UnsafeRawBufferPointer) {
        if bytes.count + chunk.count <= 1 << 16 {
            bytes.append(contentsOf: chunk)
            flushIfFull()
            return
        }
        flush()
        Self.writeAll(chunk)
    }

    mutating func flush() {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { Self.writeAll($0) }
        bytes.removeAll(keepingCapacity: true)
    }

    static func writeAll(_ raw: UnsafeRawBufferPointer) {
        var start = 0
        while start < raw.count {
            let written = Foundation.write(1, raw.baseAddress! + start, raw.count - start)
            if written < 0 {
                if errno == EINTR { continue }
                // A closed pipe (a pager quit) stops the output quietly, as tcpdump does; any
                // other error (a full disk) makes the exit status 1 with a message.
                StandardOutput.record(errno)
                return
            }
            start += written
        }
    }
}

extension BufferedOutput {
    /// Appends one packet: its JSON line with `json` (through a writer kept from one packet to the
    /// next, as `read`'s workers keep theirs), else its text summary line.
    mutating func appendPacket(_ summary: PacketSummary, json: Bool, formatter: inout TimestampFormatter) throws {
        if json {
            if packetWriter == nil { packetWriter = JSONStreamWriter(jsonWriter) }
            try packetWriter!.encode(summary, appendingTo: &bytes)
        } else {
            summary.appendLine(to: &bytes, formatter: &formatter)
        }
        append("\n")
    }
}
