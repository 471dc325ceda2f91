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

    @Argument(help: "The pcap or pcapng file.")
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
            reader = try CaptureFileReader(path: file)
        } catch {
            Self.printError("socktui read: \(error)")
            throw ExitCode(1)
        }
        var output = BufferedOutput()
        let expression = filter.joined(separator: " ")
        var programs: [LinkType: BPFMatcher] = [:]
        var options = DissectorOptions(detail: detail)
        options.dnsPorts.formUnion(dnsPorts)
        var formatter = TimestampFormatter(style: time, fractionDigits: 6, utc: utc)
        // Nanosecond pcap files get nine digits, as tcpdump prints them.
        if reader.isNanosecondPcap { formatter.fractionDigits = 9 }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var printed = 0
        var filterError: FilterError?
        var encodeError: (any Error)?
        let result = reader.forEachPacket { record in
            if !expression.isEmpty {
                let linkType = record.interface.linkType
                if programs[linkType] == nil {
                    do throws(FilterError) {
                        programs[linkType] = try FilterCompiler.compile(expression, linkType: linkType, snapLength: max(record.interface.snapLength, 65_535)).makeMatcher()
                    } catch {
                        filterError = error
                        return false
                    }
                }
                if !programs[linkType]!.matches(record.bytes, originalLength: record.header.originalLength) { return true }
            }
            let dissection = Dissector.dissect(record.bytes, linkType: record.interface.linkType,
                                               originalLength: record.header.originalLength, options: options)
            let summary = PacketSummary(number: record.index + 1, timestamp: record.header.timestamp, length: record.header.originalLength,
                                        capturedLength: record.header.capturedLength,
                                        interface: record.interface.name.isEmpty ? nil : record.interface.name,
                                        direction: record.header.direction, dissection: dissection)
            if global.json {
                do {
                    output.append(try encoder.encode(summary))
                } catch {
                    encodeError = error
                    return false
                }
            } else {
                summary.appendLine(to: &output.bytes, formatter: &formatter)
                if detail {
                    output.append("\n")
                    for node in dissection.fields { output.append(node.render(indent: 2)) }
                }
            }
            output.append("\n")
            output.flushIfFull()
            printed += 1
            return count.map { printed < $0 } ?? true
        }
        output.flush()
        if let filterError {
            Self.printError("socktui read: \(filterError)")
            throw ExitCode(2)
        }
        if let encodeError { throw encodeError }
        if let damage = result.damage {
            Self.printError("socktui read: \(file): \(damage)")
            throw ExitCode(3)
        }
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

extension TimestampFormatter.Style: ExpressibleByArgument {}

/// Standard output in 64 KiB writes rather than one `print` per packet.
struct BufferedOutput {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(1 << 17) }

    mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }
    mutating func append(_ data: Data) { bytes.append(contentsOf: data) }

    mutating func flushIfFull() { if bytes.count >= 1 << 16 { flush() } }

    mutating func flush() {
        guard !bytes.isEmpty else { return }
        bytes.withUnsafeBytes { raw in
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
        bytes.removeAll(keepingCapacity: true)
    }
}
