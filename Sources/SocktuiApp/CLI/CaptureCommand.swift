import ArgumentParser
import Dispatch
import Foundation
import Inspect
import SocketKit

/// `socktui capture`: live AF_PACKET capture, headless (like `tcpdump`).
struct CaptureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capture",
        abstract: "Capture packets live on an interface (like tcpdump): print them or write pcap/pcapng.",
        discussion: HelpText.lines([
            HelpText.concat([
                "Packets come from a TPACKET_V3 memory-mapped ring; FILTER (tcpdump syntax) is compiled ",
                "by libpcap and runs in the kernel, so unwanted packets never reach socktui. On `lo` ",
                "each packet is shown once (the kernel's duplicate outgoing copy is dropped in the ",
                "kernel filter). Ctrl-C, SIGTERM or SIGHUP stops; packets still in the ring are flushed ",
                "first (and a -w file completed), and the kernel's received/dropped counts are printed ",
                "on stderr."
            ]),
            "",
            "Needs CAP_NET_RAW: run with sudo, or `setcap cap_net_raw,cap_net_admin+ep` on the binary.",
            "",
            "Examples:",
            "  sudo socktui capture -i lo -c 10 tcp port 8080",
            "  sudo socktui capture -i any -w dns.pcapng --pcapng udp port 53",
            "  sudo socktui capture -i eth0 --json -c 100",
            "  sudo socktui capture -i lo -w - | tcpdump -r -",
            "  socktui capture --host root@web1 -i eth0 -c 50 tcp port 443   # filter runs on web1",
            "",
            HelpText.concat([
                "With --host the capture runs on that host through ssh: its kernel runs the filter, ",
                "packets come back as pcapng blocks (-w writes pcapng), and the remote kernel's ",
                "received/dropped counts are printed. The capture's own ssh connection is left out ",
                "(as sshdump does; the filter gets `and not (host C and port P and host S and port 22)` ",
                "from the remote SSH_CONNECTION): --include-own-ssh keeps it."
            ]),
            "",
            HelpText.concat([
                "On `any`, packets get Linux cooked v2 (SLL2) headers and the filter is compiled for ",
                "raw IP (link-level terms such as `ether host` or `arp` need a named interface)."
            ]),
            "",
            "JSON (--json): as `socktui read --json` prints packets (schema socktui/1, docs/json.md)."
        ])
    )

    @Option(name: .customShort("i", allowingJoined: true), help: "Interface to capture on (`any` for all; see `ip link`).")
    var interface = "any"

    @Option(name: .customShort("c", allowingJoined: true), help: "Stop after COUNT packets.")
    var count: Int?

    @Option(name: .customShort("s", allowingJoined: true), help: "Snapshot length: bytes kept of each packet (1-262144).")
    var snapLength = 262_144

    @Option(
        name: .customShort("w", allowingJoined: true),
        help: "Write packets to FILE (pcap; `-` for standard output) instead of printing them.")
    var write: String?

    @Flag(help: "Write pcapng (with interface and drop statistics) instead of pcap.")
    var pcapng = false

    @Flag(help: "Put the interface into promiscuous mode.")
    var promiscuous = false

    @Option(help: "Which packets: in, out or both.")
    var direction: CaptureDirection = .both

    @Flag(help: "Print times in UTC instead of local time.")
    var utc = false

    @Flag(
        help:
            "With -w FILE: replace FILE if it exists (the new capture is renamed over it when it ends; without --force an existing file is refused)."
    )
    var force = false

    @Option(help: "Ring block size in KiB (a power of two, 4-131072; the ring is at most a quarter of available memory).")
    var blockKiB = 1024

    @Option(help: "Ring block count (2-4096).")
    var blocks = 32

    @Option(name: .customLong("drop-privileges"), help: "Switch to USER once the capture socket is open (like tcpdump -Z).")
    var dropPrivileges: String?

    @Argument(help: "A tcpdump-syntax filter, e.g. tcp port 443 and host 127.0.0.1.")
    var filter: [String] = []

    @OptionGroup var global: GlobalOptions
    @OptionGroup(title: "Remote hosts") var remote: RemoteOptions

    @Flag(
        name: .customLong("include-own-ssh"),
        help: "With --host: also capture the packets of this capture's own ssh connection (left out by default).")
    var includeOwnSSH = false

    func validate() throws {
        if let count, count < 1 { throw ValidationError("-c COUNT must be at least 1, got \(count)") }
        if !(1...262_144).contains(snapLength) { throw ValidationError("-s must be 1-262144, got \(snapLength)") }
        // Checked before anything is opened or written (a refused ring must not leave an empty -w file).
        let (blockSize, overflow) = blockKiB.multipliedReportingOverflow(by: 1024)
        do {
            // A remote host checks the ring against its own memory.
            try RingConfiguration(blockSize: overflow ? Int.max : blockSize, blockCount: blocks)
                .validate(.commandLine, memoryCap: remote.isRemote ? RingConfiguration.ringCeiling : RingConfiguration.memoryCap())
        } catch {
            throw ValidationError(error.message)
        }
        if pcapng && write == nil { throw ValidationError("--pcapng needs -w FILE") }
        if let write, write != "-", !force, SafeOutputFile.exists(write) {
            throw ValidationError("\(write) exists: add --force to replace it, or write to another file")
        }
        if write != nil && global.json { throw ValidationError("--json prints packets; it cannot be combined with -w") }
        if let dropPrivileges, getpwnam(dropPrivileges) == nil {
            // Only the message, not the usage: the command line is well formed.
            Self.note("socktui capture: --drop-privileges: no such user '\(dropPrivileges)'")
            throw ExitCode(64)
        }
    }

    /// The capture these options describe (after `validate`: the ring's numbers are in range).
    var options: LiveCaptureOptions {
        LiveCaptureOptions(
            interface: interface, snapLength: snapLength, promiscuous: promiscuous,
            direction: direction, filter: filter.joined(separator: " "), count: count,
            ring: RingConfiguration(blockSize: blockKiB * 1024, blockCount: blocks),
            includeOwnSSH: includeOwnSSH)
    }

    func run() throws {
        Self.blockStopSignals()
        let client = try remote.client(for: "capture", "run one capture per host")
        defer { client.close() }
        // As the Capture panel's sessions do (`LiveCaptureSession`): this host's engines read the
        // kernel ring here, with no agent frames between it and the output (twice the packets per
        // second); another host's agent runs the capture and streams pcapng chunks.
        guard client.servesThisProcess else { return try runRemote(client) }
        let expression = filter.joined(separator: " ")
        let sink = try CaptureSink(command: self)
        let options = self.options
        let capture: LiveCapture
        let planned: CaptureInterface
        // The capture thread holds its packets until the output is open.
        let gate = CaptureGate()
        do {
            planned = try LiveCapture.plannedInterface(options)
            capture = try LiveCapture(options, visit: { gate.visit($0, $1) }, blockDone: { _ in gate.blockDone() })
        } catch let error as FilterError {
            Self.fail("\(error)", code: 2)
        } catch {
            Self.fail("\(error)", code: 1)
        }
        // The output is opened only once the capture socket is open (a refused CAP_NET_RAW, a
        // bad filter or interface leaves no file behind) and, as tcpdump -Z does, after the
        // privileges are dropped.
        if let dropPrivileges { Self.switchUser(dropPrivileges) }
        try sink.start(interface: planned)
        gate.open(visit: sink.visitor(), blockDone: { sink.blockDone() })
        if write != "-" {
            Self.note(
                "capturing on \(capture.interface.name) (\(capture.interface.linkType.name)), snap \(snapLength)\(expression.isEmpty ? "" : ", filter: \(expression)")"
            )
        }
        // Ctrl-C, SIGTERM and SIGHUP stop the capture; the ring is flushed before the summary.
        // The signals are blocked (see `blockStopSignals`) and taken by a thread in sigwait, which
        // works whatever disposition the parent left (a background job ignores SIGINT).
        StopSignals.watch { _ in capture.stop() }
        guard let summary = capture.wait(timeout: .infinity) else { Self.fail("capture did not finish", code: 1) }
        try sink.finish(summary)
        Self.note("\(summary.delivered) packets captured")
        Self.note("\(summary.kernel.received) packets received by filter")
        Self.note(
            "\(summary.kernel.dropped) packets dropped by kernel"
                + (summary.unread > 0 ? " (\(summary.unread) not read before the end)" : ""))
    }

    /// SIGINT, SIGTERM and SIGHUP (`StopSignals.set`).
    static var stopSignals: sigset_t { StopSignals.set }

    /// Blocks the stop signals in this thread before any other thread starts, so every thread
    /// inherits the mask and only the sigwait thread takes them.
    static func blockStopSignals() { StopSignals.block() }

    static func note(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }

    static func fail(_ text: String, code: Int32) -> Never {
        note("socktui capture: \(text)")
        Foundation.exit(code)
    }

    /// Drops root for USER: supplementary groups, group, then user; exits with a message when
    /// that fails.
    static func switchUser(_ name: String) {
        guard let entry = getpwnam(name) else { fail("--drop-privileges: no such user '\(name)'", code: 64) }
        let uid = entry.pointee.pw_uid, gid = entry.pointee.pw_gid
        guard initgroups(name, gid) == 0, setgid(gid) == 0, setuid(uid) == 0 else {
            fail("--drop-privileges \(name): \(Errno.current)", code: 1)
        }
    }
}

extension CaptureDirection: ExpressibleByArgument {}

/// Where captured packets go: a pcap/pcapng writer, or summary lines / JSON on stdout.
/// Used only on the capture thread after `start`.
final class CaptureSink: @unchecked Sendable {
    private let json: Bool
    private let path: String?
    private let pcapng: Bool
    /// `--force`: an existing -w file is replaced when the capture ends.
    private let force: Bool
    private var pcapWriter: PcapWriter?
    private var pcapngWriter: PcapNGWriter?
    private var output = BufferedOutput()
    private var formatter: TimestampFormatter
    private var number = 0
    private var interface = CaptureInterface(name: "", linkType: .ethernet)
    private var failure: (any Error)?
    private var first: PacketTimestamp?
    private var writerFailure: (any Error)? { fastWriter?.failure }
    private var fastWriter: UncheckedWriter?
    private var last: PacketTimestamp?
    /// Reused for every printed packet that is not of `QuickSummary`'s plain shape.
    private var dissection = Dissection()
    /// TCP sequence analysis of the printed packets, in capture order.
    private var sequence = TCPSequenceAnalyzer()
    private let dissectorOptions = DissectorOptions()

    init(command: CaptureCommand) throws {
        json = command.global.json
        path = command.write
        pcapng = command.pcapng
        force = command.force
        formatter = TimestampFormatter(style: .timeOfDay, fractionDigits: 6, utc: command.utc)
    }

    func start(interface: CaptureInterface) throws {
        self.interface = interface
        if json { output.append(jsonLinesHeader("packets")) }
        guard let path else { return }
        do {
            if pcapng {
                pcapngWriter =
                    path == "-"
                    ? try PcapNGWriter(fileDescriptor: 1, interfaces: [interface])
                    : try PcapNGWriter(path: path, interfaces: [interface], replacing: force)
            } else {
                pcapWriter =
                    path == "-"
                    ? try PcapWriter(fileDescriptor: 1, linkType: interface.linkType, snapLength: interface.snapLength)
                    : try PcapWriter(path: path, linkType: interface.linkType, snapLength: interface.snapLength, replacing: force)
            }
        } catch {
            CaptureCommand.fail("cannot write \(path): \(error)", code: 1)
        }
    }

    /// The per-packet function for the capture thread: with `-w` to a pcap file, a closure that
    /// only appends to the writer (the hot path of a flood); otherwise `consume`.
    func visitor() -> @Sendable (RingPacket, LinkType) -> Void {
        if let writer = pcapWriter, path != "-" {
            let box = UncheckedWriter(writer)
            fastWriter = box
            return { packet, _ in
                do { try box.writer.write(timestamp: packet.timestamp, originalLength: packet.originalLength, bytes: packet.bytes) } catch {
                    box.failure = error
                }
            }
        }
        return { packet, _ in self.consume(packet) }
    }

    /// Handles one packet in place in the ring (no copy): appends it to the file, or prints it.
    func consume(_ packet: RingPacket) {
        guard failure == nil else { return }
        if first == nil { first = packet.timestamp }
        last = packet.timestamp
        do {
            if let pcapWriter {
                try pcapWriter.write(timestamp: packet.timestamp, originalLength: packet.originalLength, bytes: packet.bytes)
            } else if let pcapngWriter {
                try pcapngWriter.write(
                    interfaceID: 0, timestamp: packet.timestamp, originalLength: packet.originalLength,
                    direction: packet.direction, bytes: packet.bytes)
            } else if json {
                number += 1
                Dissector.dissect(
                    packet.bytes, linkType: interface.linkType, originalLength: packet.originalLength, options: dissectorOptions,
                    tcp: analyze(packet), into: &dissection)
                let summary = PacketSummary(
                    number: number, timestamp: packet.timestamp, length: packet.originalLength,
                    capturedLength: packet.bytes.count, interface: interface.name,
                    direction: packet.direction, dissection: dissection)
                try output.appendPacket(summary, json: true, formatter: &formatter)
            } else {
                number += 1
                appendLine(packet)
            }
        } catch {
            failure = error
        }
    }

    /// The packet's summary line, as `socktui read` prints it: straight from the bytes for the
    /// commonest shapes (`QuickSummary`, no dissection), else from a reused dissection.
    private func appendLine(_ packet: RingPacket) {
        let tcp = analyze(packet)
        let quick = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: QuickSummary.maximumLineLength + 1) { line -> Bool in
            guard let out = line.baseAddress,
                let written = QuickSummary.writeLine(
                    number: number, timestamp: packet.timestamp, length: packet.originalLength, bytes: packet.bytes,
                    linkType: interface.linkType, options: dissectorOptions, tcp: tcp, formatter: &formatter, to: out)
            else { return false }
            out[written] = UInt8(ascii: "\n")
            output.bytes.append(contentsOf: UnsafeBufferPointer(start: out, count: written + 1))
            return true
        }
        guard !quick else { return }
        Dissector.dissect(
            packet.bytes, linkType: interface.linkType, originalLength: packet.originalLength, options: dissectorOptions, tcp: tcp,
            into: &dissection)
        PacketSummary.appendLine(
            number: number, timestamp: packet.timestamp, length: packet.originalLength, dissection: dissection, to: &output.bytes,
            formatter: &formatter)
        output.bytes.append(UInt8(ascii: "\n"))
    }

    /// The sequence analysis of the packet just numbered (`number`).
    private func analyze(_ packet: RingPacket) -> TCPAnalysis? {
        sequence.analyze(
            PacketReference(
                index: number - 1, timestamp: packet.timestamp, originalLength: packet.originalLength, linkType: interface.linkType,
                bytes: packet.bytes))
    }

    /// After each ring block: printed lines (and `-w -` streams) go out, so a pipe sees packets
    /// as they arrive.
    func blockDone() {
        output.flush()
        do {
            if path == "-" {
                try pcapWriter?.flush()
                try pcapngWriter?.flush()
            }
        } catch {
            failure = error
        }
    }

    func finish(_ summary: CaptureSummary) throws {
        output.flush()
        if failure == nil { failure = writerFailure }
        if let failure { CaptureCommand.fail("writing packets: \(failure)", code: 1) }
        try pcapWriter?.close()
        try pcapngWriter?.close(statistics: [
            InterfaceStatistics(
                interfaceID: 0, start: first, end: last, received: summary.kernel.received, dropped: summary.kernel.dropped,
                accepted: summary.delivered)
        ])
    }
}

/// The pcap writer as the capture thread's closure holds it (only that thread uses it).
final class UncheckedWriter: @unchecked Sendable {
    let writer: PcapWriter
    var failure: (any Error)?
    init(_ writer: PcapWriter) { self.writer = writer }
}

/// Holds the capture thread's packets until the output is open: the ring is opened first (so a
/// refused capture never creates a file), and the first packet or block waits here until `open`.
final class CaptureGate: @unchecked Sendable {
    private let ready = DispatchSemaphore(value: 0)
    // Written once before `ready` is signalled; read only by the capture thread after its wait.
    private var visitor: (@Sendable (RingPacket, LinkType) -> Void)?
    private var blockHandler: (@Sendable () -> Void)?
    // The capture thread's own flag.
    private var opened = false

    /// Lets the packets through to `visit` and `blockDone`.
    func open(visit: @escaping @Sendable (RingPacket, LinkType) -> Void, blockDone: @escaping @Sendable () -> Void) {
        visitor = visit
        blockHandler = blockDone
        ready.signal()
    }

    private func waitOnce() {
        guard !opened else { return }
        ready.wait()
        opened = true
    }

    /// The capture thread's per-packet call.
    func visit(_ packet: RingPacket, _ linkType: LinkType) {
        waitOnce()
        visitor?(packet, linkType)
    }

    /// The capture thread's per-block call.
    func blockDone() {
        waitOnce()
        blockHandler?()
    }
}
