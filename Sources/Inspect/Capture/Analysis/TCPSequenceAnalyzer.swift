/// Wireshark's TCP sequence analysis, fed the packets of a capture in order: each TCP segment's
/// stream, relative numbers, scaled window, timing and `tcp.analysis.*` flags (a
/// ``TCPAnalysis``), computed as tshark 4.0 computes them with its default preferences
/// (relative sequence numbers, timestamps, bytes in flight, fast retransmission before
/// out-of-order, no default window scaling).
///
/// It reads only the TCP header, so a listing can run it on every packet in order, cheaply, and
/// decode the packets themselves in parallel. Segments of fragmented datagrams and headers quoted in
/// ICMP errors are not analysed (as in tshark, whose analysis needs the segment's length).
public struct TCPSequenceAnalyzer: Sendable {
    /// One side of a stream: what it sent, as Wireshark's `tcp_flow_t` keeps it.
    struct Side: Sendable {
        /// Window shift from its WS option; -1 unknown, -2 none (the handshake settled without).
        var windowShift: Int8 = -1
        /// The raw window it last advertised (UInt32.max before its first segment).
        var window: UInt32 = .max
        var isFirstACK = false
        var bytesInFlightValid = true
        var pushBytesSent: UInt32 = 0
        var pushSetLast = false
        var lastFlags: TCPAnalysisFlags = []
        /// Unacknowledged segments it sent, oldest first.
        var segments: [Segment] = []
        /// The highest sequence number after its segments (0: none yet), with its frame and time.
        var nextSequence: UInt32 = 0
        var nextSequenceFrame: UInt32 = 0
        var nextSequenceTime: Int64 = 0
        /// The end of its contiguous data, for "ACKed unseen segment".
        var maxSequenceToBeACKed: UInt32 = 0
        /// The ACK field of its last segment, and that segment's time.
        var lastACK: UInt32 = 0
        var lastACKTime: Int64 = 0
        /// The frame of its last segment whose ACK changed; duplicate ACKs counted since (-1
        /// after an ACK of unseen data).
        var lastNonDuplicateACK: UInt32 = 0
        var duplicateACKs: Int32 = 0
        /// Lengths of the SACK blocks in its last segment (at most three count).
        var sackBytes: UInt32 = 0
    }

    /// An unacknowledged segment.
    struct Segment: Sendable {
        var frame: UInt32
        var sequence: UInt32
        var nextSequence: UInt32
        var time: Int64
    }

    /// One stream's state.
    struct Stream: Sendable {
        var sides = (Side(), Side())
        var firstTime: Int64
        var previousTime: Int64
        var lastSYNTime: Int64 = 0
        var initialRTT: Int64 = 0
    }

    /// Segments kept unacknowledged per side, as Wireshark caps them.
    static let maximumUnacknowledged = 10_000
    /// A retransmission within this of the duplicate ACKs is a fast one.
    static let fastRetransmissionWindow: Int64 = 20_000_000
    /// The out-of-order threshold before the stream's initial RTT is known.
    static let defaultOutOfOrderThreshold: Int64 = 3_000_000

    private var indexer = StreamIndexer()
    private var streams: [Stream] = []

    /// Creates an analyzer that has seen no packet.
    public init() {}

    /// TCP streams numbered so far.
    public var streamCount: Int { indexer.tcpCount }

    /// Reads the next packet (in capture order); nil when it carries no analysable TCP segment.
    public mutating func analyze(_ packet: PacketReference) -> TCPAnalysis? {
        let flow = PacketFlow.extract(packet.bytes, linkType: packet.linkType, originalLength: packet.originalLength)
        return analyze(packet, flow: flow)
    }

    /// Reads the next packet whose flow the caller extracted already.
    public mutating func analyze(_ packet: PacketReference, flow: PacketFlow) -> TCPAnalysis? {
        guard let network = flow.network, network.fragment == nil, let transport = flow.transport, transport.protocolKind == .tcp
        else { return nil }
        let header = network.payloadOffset
        guard header >= 0, header + TCPView.minimumHeaderLength <= packet.bytes.count, header < transport.payloadOffset,
            transport.payloadOffset <= packet.bytes.count
        else { return nil }
        let segment = SegmentHeader(packet.bytes, header: header, transport: transport)
        let source = FlowEndpoint(address: network.source, port: transport.sourcePort)
        let destination = FlowEndpoint(address: network.destination, port: transport.destinationPort)
        let step = indexer.tcpStep(transport, source: source, destination: destination)
        let now = packet.timestamp.seconds &* 1_000_000_000 &+ Int64(packet.timestamp.nanoseconds)
        if step.isNew { streams.append(Stream(firstTime: now, previousTime: now)) }
        guard step.index < streams.count else { return nil }
        var result = streams.withUnsafeMutableBufferPointer { all in
            Self.analyze(segment, step: step, frame: UInt32(truncatingIfNeeded: packet.number), now: now, stream: &all[step.index])
        }
        result.fromFirst = step.fromFirst
        result.rawSequence = transport.sequence
        result.headerFlags = transport.flags
        result.sourcePort = transport.sourcePort
        result.destinationPort = transport.destinationPort
        result.payloadStart = Int32(clamping: transport.payloadOffset)
        result.payloadCaptured = Int32(clamping: max(0, min(transport.capturedPayloadLength, packet.bytes.count - transport.payloadOffset)))
        result.payloadLength = Int32(clamping: transport.payloadLength)
        return result
    }

    /// The header fields the analysis reads, besides the flow's.
    struct SegmentHeader {
        var sequence: UInt32
        var acknowledgment: UInt32
        var flags: UInt16
        var length: UInt32
        var window: UInt32
        /// The WS option's shift (clamped to 14), if present.
        var windowShift: Int8?
        /// The lengths of the SACK blocks, the first three summed.
        var sackBytes: UInt32 = 0

        init(_ bytes: UnsafeRawBufferPointer, header: Int, transport: PacketFlow.Transport) {
            sequence = transport.sequence
            acknowledgment = transport.acknowledgment
            flags = transport.flags
            length = UInt32(clamping: transport.payloadLength)
            window = UInt32(bytes.u16be(header + TCPView.Field.window.lowerBound))
            // Options between the fixed header and the payload, as far as captured.
            var index = header + TCPView.minimumHeaderLength
            let end = min(transport.payloadOffset, bytes.count)
            var blocks = 0
            while index < end {
                let kind = bytes[index]
                if kind == 0 { break }
                if kind == 1 { index += 1; continue }
                guard index + 1 < end else { break }
                let length = Int(bytes[index + 1])
                guard length >= 2, index + length <= end else { break }
                if kind == 3, length == 3 { windowShift = Int8(min(bytes[index + 2], 14)) }
                if kind == 5 {
                    var block = index + 2
                    while block + 8 <= index + length {
                        blocks += 1
                        if blocks <= 3 { sackBytes &+= bytes.u32be(block + 4) &- bytes.u32be(block) }
                        block += 8
                    }
                }
                index += length
            }
        }
    }
}

/// Sequence comparisons modulo 2^32, as Wireshark's GT_SEQ / LT_SEQ / LE_SEQ.
@inline(__always) func sequenceAfter(_ x: UInt32, _ y: UInt32) -> Bool { Int32(bitPattern: y &- x) < 0 }
@inline(__always) func sequenceBefore(_ x: UInt32, _ y: UInt32) -> Bool { Int32(bitPattern: x &- y) < 0 }
@inline(__always) func sequenceAtOrBefore(_ x: UInt32, _ y: UInt32) -> Bool { Int32(bitPattern: x &- y) <= 0 }
