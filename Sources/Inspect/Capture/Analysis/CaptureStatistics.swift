/// Which statistics to compute, like tshark's `-z io,phs`, `-z conv,TYPE` and `-z endpoints,TYPE`.
public struct StatisticsRequest: Hashable, Sendable, Codable {
    /// The protocol hierarchy (needs every packet dissected; the tables need only headers).
    public var protocolHierarchy: Bool
    /// Layers to list conversations for.
    public var conversations: Set<ConversationLayer>
    /// Layers to list endpoints for.
    public var endpoints: Set<ConversationLayer>
    /// Counts only the packets this display filter matches (``PacketFilter``'s text: Wireshark's
    /// language, or libpcap's after `bpf:`), as Wireshark's "Limit to display filter"; nil: all.
    public var displayFilter: String?

    /// Creates a request.
    public init(
        protocolHierarchy: Bool = false, conversations: Set<ConversationLayer> = [], endpoints: Set<ConversationLayer> = [],
        displayFilter: String? = nil
    ) {
        self.protocolHierarchy = protocolHierarchy
        self.conversations = conversations
        self.endpoints = endpoints
        self.displayFilter = displayFilter
    }
}

/// One protocol of the hierarchy: frames and bytes (wire lengths) of the packets whose stack
/// contains it under its parents.
public struct ProtocolHierarchyNode: Hashable, Sendable, Codable {
    /// tshark's protocol name (`eth`, `ip`, `tcp`, `dns`, `data`).
    public var name: String
    /// Frames.
    public var frames: Int
    /// Bytes on the wire of those frames.
    public var bytes: Int
    /// The protocols above it, in order of first appearance.
    public var children: [ProtocolHierarchyNode]

    /// Creates a node.
    public init(name: String, frames: Int = 0, bytes: Int = 0, children: [ProtocolHierarchyNode] = []) {
        self.name = name
        self.frames = frames
        self.bytes = bytes
        self.children = children
    }

    mutating func count(_ path: ArraySlice<String>, bytes length: Int) {
        guard let first = path.first else { return }
        let index: Int
        if let found = children.firstIndex(where: { $0.name == first }) {
            index = found
        } else {
            children.append(ProtocolHierarchyNode(name: first))
            index = children.count - 1
        }
        children[index].frames += 1
        children[index].bytes += length
        children[index].count(path.dropFirst(), bytes: length)
    }
}

/// A conversation between two endpoints at one layer. A is the endpoint that sent the first packet.
public struct Conversation: Hashable, Sendable, Codable {
    /// The layer.
    public var layer: ConversationLayer
    /// Endpoint A (sender of the first packet).
    public var a: FlowEndpoint
    /// Endpoint B.
    public var b: FlowEndpoint
    /// Frames from A to B.
    public var framesAToB = 0
    /// Bytes (wire lengths) from A to B.
    public var bytesAToB = 0
    /// Frames from B to A.
    public var framesBToA = 0
    /// Bytes from B to A.
    public var bytesBToA = 0
    /// First packet's time.
    public var start: PacketTimestamp
    /// Last packet's time.
    public var end: PacketTimestamp
    /// Seconds from the capture's first packet to this conversation's first.
    public var relativeStart = 0.0

    /// Creates a conversation with no packets counted.
    public init(layer: ConversationLayer, a: FlowEndpoint, b: FlowEndpoint, start: PacketTimestamp) {
        self.layer = layer
        self.a = a
        self.b = b
        self.start = start
        end = start
    }

    /// Frames both ways.
    public var frames: Int { framesAToB + framesBToA }
    /// Bytes both ways.
    public var bytes: Int { bytesAToB + bytesBToA }
    /// Seconds from the first packet to the last.
    public var duration: Double { end.timeIntervalSince(start) }
    /// Bits per second from A to B over the duration; nil for a zero duration.
    public var bitsPerSecondAToB: Double? { duration > 0 ? Double(bytesAToB * 8) / duration : nil }
    /// Bits per second from B to A over the duration; nil for a zero duration.
    public var bitsPerSecondBToA: Double? { duration > 0 ? Double(bytesBToA * 8) / duration : nil }
}

/// One endpoint at one layer: what it sent and received.
public struct EndpointStatistics: Hashable, Sendable, Codable {
    /// The layer.
    public var layer: ConversationLayer
    /// The address (and port for TCP/UDP).
    public var endpoint: FlowEndpoint
    /// Frames sent.
    public var txFrames = 0
    /// Bytes sent.
    public var txBytes = 0
    /// Frames received.
    public var rxFrames = 0
    /// Bytes received.
    public var rxBytes = 0

    /// Creates an endpoint with nothing counted.
    public init(layer: ConversationLayer, endpoint: FlowEndpoint) {
        self.layer = layer
        self.endpoint = endpoint
    }

    /// Frames sent and received (a packet to itself counts twice, as in tshark).
    public var frames: Int { txFrames + rxFrames }
    /// Bytes sent and received.
    public var bytes: Int { txBytes + rxBytes }
}

/// The statistics of a capture.
public struct CaptureStatistics: Hashable, Sendable, Codable {
    /// Packets read.
    public var packets = 0
    /// Bytes on the wire.
    public var bytes = 0
    /// First packet's time.
    public var first: PacketTimestamp?
    /// Last packet's time.
    public var last: PacketTimestamp?
    /// The protocol hierarchy's top level (link layers), when requested.
    public var protocolHierarchy: [ProtocolHierarchyNode]?
    /// Conversations per requested layer, most frames first.
    public var conversations: [ConversationLayer: [Conversation]] = [:]
    /// Endpoints per requested layer, most frames first.
    public var endpoints: [ConversationLayer: [EndpointStatistics]] = [:]
    /// What reassembly did (fragments joined, limits hit).
    public var reassembly = ReassemblyCounters()

    /// Creates empty statistics.
    public init() {}
}

extension ConversationLayer: CodingKeyRepresentable {}

extension PacketTimestamp {
    /// Seconds from `other` to this timestamp.
    public func timeIntervalSince(_ other: PacketTimestamp) -> Double {
        Double(seconds - other.seconds) + (Double(nanoseconds) - Double(other.nanoseconds)) / 1e9
    }
}

/// Counts statistics packet by packet.
struct StatisticsCollector {
    let request: StatisticsRequest
    private(set) var statistics = CaptureStatistics()
    private var hierarchy = ProtocolHierarchyNode(name: "")
    private var conversationIndex: [ConversationKey: Int] = [:]
    private var conversationList: [Conversation] = []
    private var endpoints: [ConversationLayer: [FlowEndpoint: EndpointStatistics]] = [:]
    private let conversationLayers: [ConversationLayer]
    private let endpointLayers: [ConversationLayer]

    init(request: StatisticsRequest) {
        self.request = request
        conversationLayers = ConversationLayer.allCases.filter { request.conversations.contains($0) }
        endpointLayers = ConversationLayer.allCases.filter { request.endpoints.contains($0) }
    }

    /// Counts one packet; `layers` is its protocol stack when the hierarchy was requested.
    mutating func add(_ flow: PacketFlow, packet: PacketReference, layers: [String]?) {
        statistics.packets += 1
        statistics.bytes += packet.originalLength
        if statistics.first == nil { statistics.first = packet.timestamp }
        statistics.last = packet.timestamp
        if let layers { hierarchy.count(layers[...], bytes: packet.originalLength) }
        // tshark counts an IPv6 fragment at the IPv6 layer only when it completes its datagram.
        let uncountedIPv6 = flow.network?.fragment != nil && flow.network?.source.isIPv6 == true && flow.transport == nil
        for layer in conversationLayers where !(layer == .ipv6 && uncountedIPv6) {
            guard let source = flow.source(at: layer), let destination = flow.destination(at: layer) else { continue }
            let key = ConversationKey(layer: layer, source, destination)
            // One hash lookup per packet and layer; the counts are updated in place.
            let index: Int
            if let found = conversationIndex[key] {
                index = found
            } else {
                index = conversationList.count
                conversationIndex[key] = index
                conversationList.append(Conversation(layer: layer, a: source, b: destination, start: packet.timestamp))
            }
            if source == conversationList[index].a {
                conversationList[index].framesAToB += 1
                conversationList[index].bytesAToB += packet.originalLength
            } else {
                conversationList[index].framesBToA += 1
                conversationList[index].bytesBToA += packet.originalLength
            }
            if conversationList[index].end < packet.timestamp { conversationList[index].end = packet.timestamp }
        }
        for layer in endpointLayers where !(layer == .ipv6 && uncountedIPv6) {
            guard let source = flow.source(at: layer), let destination = flow.destination(at: layer) else { continue }
            endpoints[layer, default: [:]][source, default: EndpointStatistics(layer: layer, endpoint: source)].txFrames += 1
            endpoints[layer, default: [:]][source]!.txBytes += packet.originalLength
            endpoints[layer, default: [:]][destination, default: EndpointStatistics(layer: layer, endpoint: destination)].rxFrames += 1
            endpoints[layer, default: [:]][destination]!.rxBytes += packet.originalLength
        }
    }

    /// The statistics, tables sorted most frames first (then by first appearance / address).
    mutating func finish(reassembly: ReassemblyCounters) -> CaptureStatistics {
        var result = statistics
        result.reassembly = reassembly
        if request.protocolHierarchy { result.protocolHierarchy = hierarchy.children }
        let origin = result.first ?? PacketTimestamp(seconds: 0, nanoseconds: 0)
        for layer in conversationLayers {
            result.conversations[layer] = conversationList.filter { $0.layer == layer }.map { conversation in
                var conversation = conversation
                conversation.relativeStart = conversation.start.timeIntervalSince(origin)
                return conversation
            }.sorted { ($1.frames, $0.start, $0.a, $0.b) < ($0.frames, $1.start, $1.a, $1.b) }
        }
        for layer in endpointLayers {
            result.endpoints[layer] = (endpoints[layer] ?? [:]).values.sorted { ($1.frames, $0.endpoint) < ($0.frames, $1.endpoint) }
        }
        return result
    }

    /// Highest sequence number sent so far per TCP stream and sender, to tell new data from repeated data.
    private var highestSequence: [StreamSender: UInt32] = [:]

    private struct StreamSender: Hashable {
        var stream: Int
        var sender: FlowEndpoint
    }

    /// True when a packet carries payload tshark would hand to a dissector: UDP payload, a fragment
    /// that did not complete its datagram, or TCP data starting at or past the highest sequence
    /// number its sender reached (tshark does not dissect retransmitted or hole-filling data again).
    mutating func carriesNewPayload(_ analyzed: AnalyzedPacket) -> Bool {
        guard let transport = analyzed.flow.transport else { return analyzed.flow.network?.fragment != nil }
        guard transport.protocolKind == .tcp, let stream = analyzed.stream, let network = analyzed.flow.network else {
            return transport.payloadLength > 0
        }
        let key = StreamSender(stream: stream, sender: FlowEndpoint(address: network.source, port: transport.sourcePort))
        let start = transport.sequence &+ (transport.isSYN ? 1 : 0)
        let end = start &+ UInt32(truncatingIfNeeded: transport.payloadLength)
        guard let highest = highestSequence[key] else {
            highestSequence[key] = end
            return transport.payloadLength > 0
        }
        if Int32(bitPattern: end &- highest) > 0 { highestSequence[key] = end }
        return transport.payloadLength > 0 && Int32(bitPattern: start &- highest) >= 0
    }

    /// tshark's protocol names for a packet's stack, with `data` above a transport (or an IP fragment)
    /// whose new payload no dissector decoded.
    static func hierarchyPath(_ analyzed: AnalyzedPacket, newPayload: Bool) -> [String] {
        var path = analyzed.dissection.layers.filter { $0 != .ipv6Extension }.map { layer in
            switch layer {
            case .sll2: "sll"
            default: layer.rawValue
            }
        }
        let undecoded =
            path.last == "tcp" || path.last == "udp"
            || ((path.last == "ip" || path.last == "ipv6") && analyzed.flow.network?.fragment != nil)
        if undecoded, newPayload, analyzed.dissection.error == nil,
            !analyzed.dissection.info.hasSuffix("[TCP segment of a reassembled PDU]")
        {
            path.append("data")
        }
        return path
    }
}
