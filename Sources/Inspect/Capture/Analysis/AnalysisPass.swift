/// One packet as the analysis passes see it: its place in the capture and its bytes in place.
public struct PacketReference {
    /// 0-based position in the source.
    public var index: Int
    /// Capture time.
    public var timestamp: PacketTimestamp
    /// Length on the wire.
    public var originalLength: Int
    /// Link-layer type of `bytes`.
    public var linkType: LinkType
    /// The captured bytes (valid only during the call they are passed to).
    public var bytes: UnsafeRawBufferPointer

    /// Creates a reference; `bytes` must stay valid while it is used.
    public init(index: Int, timestamp: PacketTimestamp, originalLength: Int, linkType: LinkType, bytes: UnsafeRawBufferPointer) {
        self.index = index
        self.timestamp = timestamp
        self.originalLength = originalLength
        self.linkType = linkType
        self.bytes = bytes
    }

    /// 1-based packet number, as tshark and `socktui read` number packets.
    public var number: Int { index + 1 }
}

extension CapturedPacket {
    /// Calls `body` with the packet as the analysis passes take one, at 0-based `index` in its
    /// source (the bytes are valid during the call).
    public func withReference<Result>(index: Int, _ body: (PacketReference) throws -> Result) rethrows -> Result {
        try data.withUnsafeBytes { bytes in
            try body(
                PacketReference(index: index, timestamp: timestamp, originalLength: originalLength, linkType: linkType, bytes: bytes))
        }
    }
}

/// Numbers TCP and UDP conversations in order of first appearance, as tshark 4.0's `tcp.stream` and
/// `udp.stream` do: both directions of a 5-tuple share an index, and a SYN (without ACK) whose
/// sequence number is not its side's first starts a new TCP stream (port reuse).
public struct StreamIndexer: Sendable {
    private struct TCPStream: Sendable {
        var index: Int
        /// The endpoint that sent the stream's first packet: its side is `sides.0`.
        var first: FlowEndpoint
        /// Each side's base sequence number (what relative numbers count from), once known.
        var sides: (UInt32?, UInt32?) = (nil, nil)
    }
    private var tcp: [ConversationKey: TCPStream] = [:]
    private var udp: [ConversationKey: Int] = [:]
    /// TCP streams numbered so far.
    public private(set) var tcpCount = 0
    /// UDP streams numbered so far.
    public private(set) var udpCount = 0

    /// Creates an indexer with no streams.
    public init() {}

    /// One TCP segment's stream, as ``tcpStep(_:source:destination:)`` finds it.
    public struct TCPStep: Sendable {
        /// `tcp.stream`.
        public var index: Int
        /// Whether this segment opened the stream (its first packet).
        public var isNew: Bool
        /// Whether the sender is the side that sent the stream's first packet.
        public var fromFirst: Bool
        /// A SYN or SYN-ACK with a new initial sequence number on ports seen before
        /// (`tcp.analysis.reused_ports`).
        public var reusedPorts: Bool
        /// The sender's base sequence number (its SYN's, or one before its first segment's).
        public var base: UInt32
        /// The other side's base, when known (from its own packets or this packet's ACK).
        public var peerBase: UInt32?
    }

    /// The stream index of a packet's transport conversation, assigning the next one when it is new;
    /// nil when the packet has no TCP or UDP layer.
    public mutating func index(_ flow: PacketFlow) -> Int? {
        guard let network = flow.network, let transport = flow.transport else { return nil }
        let source = FlowEndpoint(address: network.source, port: transport.sourcePort)
        let destination = FlowEndpoint(address: network.destination, port: transport.destinationPort)
        switch transport.protocolKind {
        case .udp:
            let key = ConversationKey(layer: .udp, source, destination)
            if let index = udp[key] { return index }
            udp[key] = udpCount
            udpCount += 1
            return udpCount - 1
        case .tcp:
            return tcpStep(transport, source: source, destination: destination).index
        }
    }

    /// The TCP stream of segment `transport` from `source` to `destination`, with what Wireshark
    /// learns from it: a pure SYN whose sequence number differs from its side's base starts a new
    /// stream; a SYN-ACK that does so moves its side's base; otherwise a side's base is its SYN's
    /// sequence number, one less than its first segment's, or one less than the ACK the other
    /// side first sent.
    public mutating func tcpStep(_ transport: PacketFlow.Transport, source: FlowEndpoint, destination: FlowEndpoint) -> TCPStep {
        let key = ConversationKey(layer: .tcp, source, destination)
        let syn = transport.isSYN, ack = transport.isACK
        var reused = false, isNew = false
        var stream: TCPStream
        if let existing = tcp[key] {
            stream = existing
            let fromFirst = existing.first == source
            let base = fromFirst ? existing.sides.0 : existing.sides.1
            if syn, let base, base != transport.sequence {
                if ack {
                    // A SYN-ACK with a new ISN: same stream, the side starts over from it.
                    if fromFirst { stream.sides.0 = transport.sequence } else { stream.sides.1 = transport.sequence }
                } else {
                    stream = TCPStream(index: tcpCount, first: source)
                    tcpCount += 1
                    isNew = true
                }
                reused = true
            }
        } else {
            stream = TCPStream(index: tcpCount, first: source)
            tcpCount += 1
            isNew = true
        }
        let fromFirst = stream.first == source
        var mine = fromFirst ? stream.sides.0 : stream.sides.1
        var theirs = fromFirst ? stream.sides.1 : stream.sides.0
        if mine == nil { mine = syn ? transport.sequence : transport.sequence &- 1 }
        if theirs == nil && ack { theirs = transport.acknowledgment &- 1 }
        stream.sides = fromFirst ? (mine, theirs) : (theirs, mine)
        tcp[key] = stream
        return TCPStep(index: stream.index, isNew: isNew, fromFirst: fromFirst, reusedPorts: reused, base: mine!, peerBase: theirs)
    }
}

/// A packet's flow after IP reassembly, with its stream index.
public struct AnalyzedFlow: Sendable {
    /// The flow read from the packet (its transport taken from the reassembled datagram when the packet completed one).
    public var flow: PacketFlow
    /// The datagram this packet completed, when it was the last missing fragment; the transport's
    /// offsets then refer to `datagram.payload`.
    public var datagram: IPFragmentReassembler.Datagram?
    /// `tcp.stream` or `udp.stream`.
    public var stream: Int?

    /// The captured transport payload, from the packet or the reassembled datagram.
    public func payload(in bytes: UnsafeRawBufferPointer) -> ArraySlice<UInt8> {
        guard let transport = flow.transport else { return [] }
        if let datagram {
            let range = transport.capturedPayload.clamped(to: 0..<datagram.payload.count)
            return datagram.payload[range]
        }
        let range = transport.capturedPayload.clamped(to: 0..<bytes.count)
        return ArraySlice(UnsafeRawBufferPointer(rebasing: bytes[range]))
    }
}

/// The stateful part every analysis shares: flow extraction, IP fragment reassembly and stream
/// numbering, fed packets in capture order.
public struct AnalysisPass: Sendable {
    /// The fragment reassembler (its counters say what it did).
    public private(set) var fragments: IPFragmentReassembler
    /// The stream numbering.
    public private(set) var streams = StreamIndexer()
    private let numberStreams: Bool

    /// Creates a pass; without `numberStreams` packets get no stream index.
    public init(limits: ReassemblyLimits = ReassemblyLimits(), numberStreams: Bool = true) {
        fragments = IPFragmentReassembler(limits: limits)
        self.numberStreams = numberStreams
    }

    /// Reads the next packet (in capture order).
    public mutating func next(_ packet: PacketReference) -> AnalyzedFlow {
        var result = AnalyzedFlow(flow: PacketFlow.extract(packet.bytes, linkType: packet.linkType, originalLength: packet.originalLength))
        if let network = result.flow.network, network.fragment != nil {
            let start = min(network.payloadOffset, packet.bytes.count)
            let captured = max(0, min(network.payloadExtent.capturedEnd, packet.bytes.count) - start)
            let claimed = network.payloadExtent.end - network.payloadOffset
            if claimed >= 0,
                let datagram = fragments.add(
                    network, data: UnsafeRawBufferPointer(rebasing: packet.bytes[start..<(start + captured)]),
                    claimedLength: claimed, packet: packet.number)
            {
                result.datagram = datagram
                result.flow.transport = PacketFlow.transport(ofReassembled: datagram.payload, protocolNumber: datagram.protocolNumber)
            }
        }
        if numberStreams { result.stream = streams.index(result.flow) }
        return result
    }

    /// Ends the pass: incomplete datagrams are counted.
    public mutating func finish() { fragments.finish() }
}
