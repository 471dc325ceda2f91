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

/// Numbers TCP and UDP conversations in order of first appearance, as tshark's `tcp.stream` and
/// `udp.stream` do: both directions of a 5-tuple share an index, and a new SYN (without ACK) from
/// the same client with a different initial sequence number starts a new TCP stream (port reuse).
public struct StreamIndexer: Sendable {
    private struct TCPStream: Sendable {
        var index: Int
        var clientSYN: (endpoint: FlowEndpoint, sequence: UInt32)?
    }
    private var tcp: [ConversationKey: TCPStream] = [:]
    private var udp: [ConversationKey: Int] = [:]
    /// TCP streams numbered so far.
    public private(set) var tcpCount = 0
    /// UDP streams numbered so far.
    public private(set) var udpCount = 0

    /// Creates an indexer with no streams.
    public init() {}

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
            let key = ConversationKey(layer: .tcp, source, destination)
            let opening = transport.isSYN && !transport.isACK
            if var stream = tcp[key] {
                guard opening else { return stream.index }
                if let syn = stream.clientSYN, syn.endpoint == source, syn.sequence != transport.sequence {
                    stream = TCPStream(index: tcpCount, clientSYN: (source, transport.sequence))
                    tcpCount += 1
                } else if stream.clientSYN == nil {
                    stream.clientSYN = (source, transport.sequence)
                }
                tcp[key] = stream
                return stream.index
            }
            tcp[key] = TCPStream(index: tcpCount, clientSYN: opening ? (source, transport.sequence) : nil)
            tcpCount += 1
            return tcpCount - 1
        }
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
