import Foundation

/// Which conversation to follow: a stream index as tshark numbers them (`tcp.stream`,
/// `udp.stream`), or the conversation a packet belongs to.
public struct FollowRequest: Hashable, Sendable, Codable {
    /// How the conversation is chosen.
    public enum Selector: Hashable, Sendable, Codable {
        /// The stream with this index (0-based, in order of first appearance).
        case stream(Int)
        /// The stream of this packet (1-based packet number).
        case packet(Int)
        /// The first stream between these two endpoints (either direction).
        case conversation(ConversationKey)
    }
    /// TCP or UDP.
    public var transport: TransportProtocol
    /// The conversation.
    public var selector: Selector

    /// Creates a request.
    public init(_ transport: TransportProtocol, _ selector: Selector) {
        self.transport = transport
        self.selector = selector
    }
}

/// One piece of a followed stream.
public struct StreamSegment: Hashable, Sendable, Codable {
    /// The node that sent it: 0 (the side that sent the stream's first packet) or 1.
    public var sender: Int
    /// 1-based packet number the bytes came from (for a gap: the packet that revealed it).
    public var packet: Int
    /// Data, retransmission, overlap or gap.
    public var kind: StreamSegmentKind
    /// The bytes (empty for a gap).
    public var bytes: [UInt8]

    /// Creates a segment.
    public init(sender: Int, packet: Int, kind: StreamSegmentKind, bytes: [UInt8]) {
        self.sender = sender
        self.packet = packet
        self.kind = kind
        self.bytes = bytes
    }

    /// True when the bytes belong to the reassembled stream (data, and the new part of an overlap).
    public var isStreamData: Bool {
        switch kind {
        case .data, .overlap: true
        case .retransmission, .gap: false
        }
    }

    enum CodingKeys: String, CodingKey { case sender, packet, kind, bytes = "data_base64", length, missing, repeated }

    /// JSON: `kind` is "data", "retransmission", "overlap" (with "repeated") or "gap" (with "missing");
    /// the bytes are base64 in "data_base64", their count in "length".
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        sender = try container.decode(Int.self, forKey: .sender)
        packet = try container.decode(Int.self, forKey: .packet)
        switch try container.decode(String.self, forKey: .kind) {
        case "data": kind = .data
        case "retransmission": kind = .retransmission
        case "overlap": kind = .overlap(repeated: try container.decode(Int.self, forKey: .repeated))
        case "gap": kind = .gap(missing: try container.decode(Int.self, forKey: .missing))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .kind, in: container, debugDescription: "unknown segment kind \(other)")
        }
        let text = try container.decode(String.self, forKey: .bytes)
        guard let data = Data(base64Encoded: text) else {
            throw DecodingError.dataCorruptedError(forKey: .bytes, in: container, debugDescription: "not base64")
        }
        bytes = [UInt8](data)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(sender, forKey: .sender)
        try container.encode(packet, forKey: .packet)
        switch kind {
        case .data: try container.encode("data", forKey: .kind)
        case .retransmission: try container.encode("retransmission", forKey: .kind)
        case .overlap(let repeated):
            try container.encode("overlap", forKey: .kind)
            try container.encode(repeated, forKey: .repeated)
        case .gap(let missing):
            try container.encode("gap", forKey: .kind)
            try container.encode(missing, forKey: .missing)
        }
        try container.encode(Data(bytes).base64EncodedString(), forKey: .bytes)
        try container.encode(bytes.count, forKey: .length)
    }
}

/// A followed TCP or UDP conversation: both directions' payload in order, as segments.
public struct FollowedStream: Hashable, Sendable, Codable {
    /// TCP or UDP.
    public var transport: TransportProtocol
    /// The stream index (`tcp.stream` / `udp.stream`).
    public var stream: Int
    /// Node 0 (sender of the stream's first packet) and node 1.
    public var nodes: [FlowEndpoint]
    /// The pieces, in the order reassembly delivered them.
    public var segments: [StreamSegment]
    /// Packets of the conversation.
    public var packetCount: Int
    /// Reassembly's limits hit while following (the stream is incomplete when non-zero).
    public var limitFlushes: Int

    /// Creates a followed stream.
    public init(
        transport: TransportProtocol, stream: Int, nodes: [FlowEndpoint], segments: [StreamSegment], packetCount: Int, limitFlushes: Int = 0
    ) {
        self.transport = transport
        self.stream = stream
        self.nodes = nodes
        self.segments = segments
        self.packetCount = packetCount
        self.limitFlushes = limitFlushes
    }

    /// The reassembled bytes node `sender` sent (retransmissions and gaps left out).
    public func bytes(from sender: Int) -> [UInt8] {
        segments.lazy.filter { $0.sender == sender && $0.isStreamData }.flatMap(\.bytes)
    }

    /// Bytes missing in the capture from node `sender`.
    public func missingBytes(from sender: Int) -> Int {
        segments.reduce(0) { total, segment in
            if segment.sender == sender, case .gap(let missing) = segment.kind { return total + missing }
            return total
        }
    }

    /// A readable transcript: a header naming the nodes, then each segment under a marker line
    /// (`>>> #4 node 0 → node 1, 6 bytes`), as text (non-printable bytes as `.`) or as a hex dump.
    /// Retransmissions and gaps get their own markers.
    public func transcript(hex: Bool = false) -> String {
        var text = ""
        writeTranscript(hex: hex) { text += $0 }
        return text
    }

    /// The transcript of `transcript(hex:)` handed to `write` a piece at a time, so a long stream
    /// can be printed without holding all of its text at once.
    public func writeTranscript(hex: Bool = false, to write: (String) -> Void) {
        var header = "Follow: \(transport.rawValue) stream \(stream)\n"
        for (index, node) in nodes.enumerated() { header += "Node \(index): \(node)\n" }
        for sender in nodes.indices {
            header += "Node \(sender) sent \(bytes(from: sender).count) bytes"
            let missing = missingBytes(from: sender)
            header += missing > 0 ? ", \(missing) missing\n" : "\n"
        }
        write(header)
        for segment in segments {
            let arrow = segment.sender == 0 ? ">>>" : "<<<"
            let route = "node \(segment.sender) → node \(1 - segment.sender)"
            switch segment.kind {
            case .gap(let missing):
                write("\(arrow) [\(missing) bytes missing in capture] \(route) (seen at #\(segment.packet))\n")
                continue
            case .retransmission:
                write("\(arrow) #\(segment.packet) \(route), retransmission of \(segment.bytes.count) bytes\n")
                continue
            case .overlap(let repeated):
                write("\(arrow) #\(segment.packet) \(route), \(segment.bytes.count) bytes (\(repeated) repeated bytes dropped)\n")
            case .data:
                write("\(arrow) #\(segment.packet) \(route), \(segment.bytes.count) bytes\n")
            }
            write(hex ? Self.hexDump(segment.bytes) : Self.printable(segment.bytes))
        }
    }

    /// The bytes as text: printable ASCII, tabs and newlines kept, anything else as `.`; ends with a newline.
    static func printable(_ bytes: [UInt8]) -> String {
        var text = String(
            decoding: bytes.map { ($0 >= 0x20 && $0 < 0x7f) || $0 == 0x0a || $0 == 0x09 ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
        if !text.hasSuffix("\n") { text += "\n" }
        return text
    }

    /// A hex dump, 16 bytes a line: offset, hex bytes, printable characters.
    static func hexDump(_ bytes: [UInt8]) -> String {
        var text = ""
        for start in stride(from: 0, to: bytes.count, by: 16) {
            let line = bytes[start..<min(start + 16, bytes.count)]
            let hexPart = line.map { Format.hex($0, width: 2).dropFirst(2) }.joined(separator: " ")
            let padding = String(repeating: " ", count: (16 - line.count) * 3)
            let ascii = String(decoding: line.map { $0 >= 0x20 && $0 < 0x7f ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
            text += String(format: "%08x  ", start) + hexPart + padding + "  " + ascii + "\n"
        }
        return text
    }

    /// Writes each node's reassembled bytes to `prefix.node0` and `prefix.node1`; returns the paths.
    /// - Throws: `CocoaError` when a file cannot be written.
    @discardableResult
    public func saveRaw(prefix: String, replacing: Bool = false) throws(CaptureFileError) -> [String] {
        let paths = nodes.indices.map { "\(prefix).node\($0)" }
        // Every path is checked before anything is written: no half-saved pair.
        if !replacing, let existing = paths.first(where: SafeOutputFile.exists) {
            throw CaptureFileError(
                path: existing,
                message: "exists; choose another prefix, or replace it (--force on the command line, a second Enter in the UI)",
                errno: EEXIST)
        }
        // Both files are written before either is committed: a failure (a full disk) removes every
        // file this call created and leaves any old pair as it was.
        var files: [SafeOutputFile] = []
        do throws(CaptureFileError) {
            for (sender, path) in paths.enumerated() {
                let file = try SafeOutputFile(path: path, replacing: replacing)
                files.append(file)
                var failure: CaptureFileError?
                bytes(from: sender).withUnsafeBytes { raw in
                    do throws(CaptureFileError) { try file.write(raw) } catch { failure = error }
                }
                if let failure { throw failure }
            }
            for file in files { try file.commit() }
        } catch {
            for file in files { file.discard() }
            throw error
        }
        return paths
    }

    /// Writes `transcript(hex:)` to a new file at `path` (or replaces it when `replacing`).
    /// - Throws: `CaptureFileError` naming the path and the reason (it exists, the disk is full).
    public func saveTranscript(to path: String, hex: Bool = false, replacing: Bool = false) throws(CaptureFileError) {
        try SafeOutputFile.write(Array(transcript(hex: hex).utf8), to: path, replacing: replacing)
    }
}

/// Follows one conversation through a pass over the packets: collects its packets (after IP
/// reassembly) and reassembles TCP per direction.
struct StreamFollower {
    let transport: TransportProtocol
    let stream: Int
    let limits: ReassemblyLimits
    private(set) var nodes: [FlowEndpoint] = []
    private(set) var segments: [StreamSegment] = []
    private(set) var packetCount = 0
    private var directions: [TCPDirectionReassembler]
    private var lastPacket = 0

    init(transport: TransportProtocol, stream: Int, limits: ReassemblyLimits) {
        self.transport = transport
        self.stream = stream
        self.limits = limits
        directions = [TCPDirectionReassembler(limits: limits), TCPDirectionReassembler(limits: limits)]
    }

    /// Feeds a packet; ignored unless it belongs to the stream.
    mutating func add(_ analyzed: AnalyzedFlow, packet: PacketReference) {
        guard analyzed.stream == stream, let network = analyzed.flow.network, let segment = analyzed.flow.transport,
            segment.protocolKind == transport
        else { return }
        let source = FlowEndpoint(address: network.source, port: segment.sourcePort)
        if nodes.isEmpty { nodes = [source, FlowEndpoint(address: network.destination, port: segment.destinationPort)] }
        let sender = source == nodes[0] ? 0 : 1
        packetCount += 1
        lastPacket = packet.number
        let payload = analyzed.payload(in: packet.bytes)
        guard transport == .tcp else {
            if !payload.isEmpty {
                segments.append(StreamSegment(sender: sender, packet: packet.number, kind: .data, bytes: Array(payload)))
            }
            return
        }
        if segment.isACK { append(directions[1 - sender].acknowledged(segment.acknowledgment, packet: packet.number), sender: 1 - sender) }
        append(
            directions[sender].add(
                sequence: segment.sequence, syn: segment.isSYN, fin: segment.isFIN, payload: payload, packet: packet.number),
            sender: sender)
    }

    private mutating func append(_ events: [TCPDirectionReassembler.Event], sender: Int) {
        segments += events.map { StreamSegment(sender: sender, packet: $0.packet, kind: $0.kind, bytes: $0.bytes) }
    }

    /// Releases held data at the end of the capture and returns the stream, or nil when no packet matched.
    mutating func finish() -> FollowedStream? {
        guard !nodes.isEmpty else { return nil }
        for sender in 0..<2 { append(directions[sender].finish(packet: lastPacket), sender: sender) }
        return FollowedStream(
            transport: transport, stream: stream, nodes: nodes, segments: segments, packetCount: packetCount,
            limitFlushes: directions.reduce(0) { $0 + $1.limitFlushes })
    }
}
