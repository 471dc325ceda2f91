import ArgumentParser
import Foundation
import Inspect

/// `socktui read`: decode a pcap or pcapng file, like `tcpdump -r` / `tshark -r`.
struct ReadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Decode a pcap or pcapng file: one summary line per packet, or the field tree with --detail.",
        discussion: """
            FILTER is a tcpdump-syntax expression (joined from the remaining arguments), compiled \
            by libpcap for each interface's link type and applied with pcap_offline_filter. \
            Packet numbers are positions in the file, so a filtered listing keeps them.

            Examples:
              socktui read capture.pcap
              socktui read capture.pcapng tcp port 443 -c 10
              socktui read capture.pcap udp port 53 --detail
              socktui read capture.pcap --json

            Text: NUMBER TIME SOURCE → DESTINATION PROTOCOL LENGTH INFO, local time with a \
            cached UTC offset (--utc for UTC); --detail adds the field tree, each node with \
            its byte range [start..<end].

            JSON (--json): one object per line,
              {"number": 1, "time": "2026-11-25T13:51:06.123456000Z",
               "timestamp": {"seconds": 1764078666, "nanoseconds": 123456000},
               "source": "127.0.0.1", "destination": "127.0.0.1", "protocol": "TCP",
               "length": 74, "captured_length": 74, "info": "...", "interface": "lo",
               "direction": "unknown",
               "error": {"layer": "tcp", "offset": 54, "kind": {...}},
               "fields": [{"key": "ip.src", "label": "Source Address", "value": "127.0.0.1",
                           "offset": 26, "length": 4, "children": [...]}]}
            "interface", "error" and "fields" (--detail) are omitted when absent.

            Exit status: 0 when the whole file was read; 1 when the file cannot be read or is \
            not a capture file; 2 for a filter libpcap rejects; 3 when the file is damaged \
            (every packet before the damage is printed; the damage and its byte offset go to stderr).
            """
    )

    @Argument(help: "The pcap or pcapng file (- for standard input).")
    var file: String

    @Argument(help: "A tcpdump-syntax filter, e.g. tcp port 80.")
    var filter: [String] = []

    @Option(name: .short, help: "Stop after printing COUNT packets.")
    var count: Int?

    @Flag(help: "Print each packet's field tree after its summary line.")
    var detail = false

    @Flag(help: "Print times in UTC instead of local time.")
    var utc = false

    @Option(help: "Time format.")
    var time: TimestampFormatter.Style = .timeOfDay

    @Option(name: .customLong("dns-port"), help: "Also decode this UDP/TCP port as DNS (repeatable).")
    var dnsPorts: [UInt16] = []

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if let count, count < 1 { throw ValidationError("-c COUNT must be at least 1, got \(count)") }
        if file.isEmpty { throw ValidationError("FILE is empty: give the path of a pcap or pcapng file") }
    }

    func run() throws {
        let reader: CaptureFileReader
        do {
            // "-" reads standard input (a pipe is read into memory; files are mapped).
            reader = try CaptureFileReader(path: file == "-" ? "/dev/stdin" : file)
        } catch {
            Self.printError("socktui read: \(error)")
            throw ExitCode(1)
        }
        let expression = filter.joined(separator: " ")
        var options = DissectorOptions(detail: detail)
        options.dnsPorts.formUnion(dnsPorts)
        // Nanosecond pcap files get nine digits, as tcpdump prints them.
        let formatter = TimestampFormatter(style: time, fractionDigits: reader.isNanosecondPcap ? 9 : 6, utc: utc)
        // Property-wrapper reads are generic calls: read each option once, not once per packet.
        let limit = count
        let prototype = PacketRenderer(formatter: formatter, options: options, json: global.json, detail: detail)

        // Packets are decoded in batches split across the cores while the next batch is scanned;
        // the text comes out in file order.
        let pipeline = ReadPipeline(prototype: prototype, workerCount: min(ProcessInfo.processInfo.activeProcessorCount, 8), limit: limit)
        var programs: [LinkType: BPFProgram] = [:]
        var filterError: FilterError?
        let result = reader.forEachPacket { record in
            let linkType = record.interface.linkType
            if !expression.isEmpty && programs[linkType] == nil {
                do throws(FilterError) {
                    programs[linkType] = try FilterCompiler.compile(expression, linkType: linkType, snapLength: max(record.interface.snapLength, 65_535))
                } catch {
                    filterError = error
                    return false
                }
            }
            return pipeline.append(record, programs: programs)
        }
        if filterError == nil { pipeline.finish(programs: programs) }
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

/// One worker's output for a slice of a batch: the text, where each packet's text ends, or the error.
struct RenderedSlice {
    var bytes: [UInt8] = []
    var ends: [Int] = []
    var error: (any Error)?

    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        error = nil
    }
}

/// Filters, decodes and formats packets for `socktui read`; one per worker thread (its timestamp
/// cache, filter matchers and JSON encoder are not shared).
struct PacketRenderer {
    var formatter: TimestampFormatter
    let options: DissectorOptions
    let json: Bool
    let detail: Bool
    private var matchers: [LinkType: BPFMatcher] = [:]
    /// Reused for every packet, so decoding allocates nothing for the common layers.
    private var dissection = Dissection()
    private let encoder = JSONEncoder()

    init(formatter: TimestampFormatter, options: DissectorOptions, json: Bool, detail: Bool) {
        self.formatter = formatter
        self.options = options
        self.json = json
        self.detail = detail
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    /// Appends the text of each record `programs` accepts (all when empty) to `slice`.
    mutating func render(_ records: ArraySlice<CaptureFileReader.Record>, programs: [LinkType: BPFProgram], into slice: inout RenderedSlice) throws {
        for record in records {
            let linkType = record.interface.linkType
            if !programs.isEmpty, let program = programs[linkType] {
                if matchers[linkType] == nil { matchers[linkType] = program.makeMatcher() }
                if !matchers[linkType]!.matches(record.bytes, originalLength: record.header.originalLength) { continue }
            }
            Dissector.dissect(record.bytes, linkType: linkType, originalLength: record.header.originalLength, options: options, into: &dissection)
            if json {
                let summary = PacketSummary(number: record.index + 1, timestamp: record.header.timestamp, length: record.header.originalLength,
                                            capturedLength: record.header.capturedLength,
                                            interface: record.interface.name.isEmpty ? nil : record.interface.name,
                                            direction: record.header.direction, dissection: dissection)
                slice.bytes.append(contentsOf: try encoder.encode(summary))
            } else {
                PacketSummary.appendLine(number: record.index + 1, timestamp: record.header.timestamp, length: record.header.originalLength,
                                         dissection: dissection, to: &slice.bytes, formatter: &formatter)
                if detail {
                    slice.bytes.append(UInt8(ascii: "\n"))
                    for node in dissection.fields { slice.bytes.append(contentsOf: node.render(indent: 2).utf8) }
                }
            }
            slice.bytes.append(UInt8(ascii: "\n"))
            slice.ends.append(slice.bytes.count)
        }
    }
}

/// Standard output in 64 KiB writes rather than one `print` per packet.
struct BufferedOutput {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 17) }

    mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }
    mutating func append(_ data: Data) { bytes.append(contentsOf: data) }

    mutating func flushIfFull() { if bytes.count >= 1 << 16 { flush() } }

    /// Appends `chunk`, or writes it straight through when it would not fit the buffer.
    mutating func write(_ chunk: ArraySlice<UInt8>) {
        if bytes.count + chunk.count <= 1 << 16 {
            bytes.append(contentsOf: chunk)
            flushIfFull()
            return
        }
        flush()
        chunk.withUnsafeBytes { Self.writeAll($0) }
    }

    mutating func flush() {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { Self.writeAll($0) }
        bytes.removeAll(keepingCapacity: true)
    }

    private static func writeAll(_ raw: UnsafeRawBufferPointer) {
        var start = 0
        while start < raw.count {
            let written = Foundation.write(1, raw.baseAddress! + start, raw.count - start)
            if written < 0 {
                if errno == EINTR { continue }
                return   // stdout closed (a pager quit): stop writing, as tcpdump does
            }
            start += written
        }
    }
}
