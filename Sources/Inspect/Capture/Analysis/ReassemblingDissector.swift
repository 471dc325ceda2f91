/// Data reassembled from several packets, attached to the packet that completed it.
public struct Reassembly: Hashable, Sendable, Codable {
    /// What was reassembled.
    public enum Kind: String, Hashable, Sendable, Codable {
        /// An IPv4 datagram from its fragments.
        case ipv4Fragments
        /// An IPv6 datagram from fragment headers.
        case ipv6Fragments
        /// A length-prefixed DNS message from TCP segments.
        case dnsOverTCP
        /// An HTTP message or TLS record from TCP segments.
        case tcpMessage
    }
    /// What was reassembled.
    public var kind: Kind
    /// Packet numbers that contributed, in arrival order.
    public var packets: [Int]
    /// The reassembled bytes: the IP payload, or the DNS message with its 2-byte length. The
    /// ranges of the fields under the packet's `ip.reassembled` / `tcp.reassembled` node index these bytes.
    public var bytes: [UInt8]
}

/// One packet decoded with reassembly: its dissection (with the reassembled layers on the
/// packet that completed them), its flow and stream index, and the reassembled data.
public struct AnalyzedPacket: Sendable, Hashable {
    /// 1-based packet number.
    public var number: Int
    /// The dissection, merged with the reassembled layers when this packet completed a datagram or message.
    public var dissection: Dissection
    /// Addresses, ports and sequence state (the transport from the reassembled datagram, if any).
    public var flow: PacketFlow
    /// `tcp.stream` / `udp.stream`.
    public var stream: Int?
    /// Data this packet completed, if any.
    public var reassembly: Reassembly?
    /// Its TCP sequence analysis (relative numbers, flags), for a TCP segment.
    public var tcp: TCPAnalysis?
}

/// Decodes packets in capture order like `Dissector`, plus what needs state across packets, as
/// tshark does by default: a fragmented IP datagram is decoded on the fragment that completes it,
/// and a DNS message split over TCP segments on the segment that completes it (the earlier segments
/// say "[TCP segment of a reassembled PDU]").
public struct ReassemblingDissector: Sendable {
    private struct DNSDirection: Sendable {
        var reassembler: TCPDirectionReassembler
        var buffer: [UInt8] = []
        var packets: [Int] = []
    }

    /// The dissector options.
    public let options: DissectorOptions
    private var pass: AnalysisPass
    private var dns: [DNSKey: DNSDirection] = [:]
    private var dnsMessages = 0
    /// HTTP messages and TLS records held until their last segment, by direction.
    var pdus: [PDUKey: PDUDirection] = [:]
    /// Messages reassembled from several segments so far.
    var pduMessages = 0
    /// Per TCP stream, whether each HTTP request not yet answered was a HEAD.
    var httpRequests: [UInt32: [Bool]] = [:]
    /// Whether ``dissectIfReassembled(_:tcp:)`` leaves a segment that only carries part of a held
    /// message to the caller (``heldSegment`` says so) instead of decoding it here: a listing
    /// decodes those in parallel.
    public var defersHeldSegments = false
    /// Set by the last ``dissectIfReassembled(_:tcp:)`` when it left such a segment to the caller.
    public internal(set) var heldSegment: HeldSegment?
    let limits: ReassemblyLimits
    /// TCP sequence analysis, for `dissect` (which sees every packet).
    private var sequence = TCPSequenceAnalyzer()

    struct DNSKey: Hashable, Sendable {
        var conversation: ConversationKey
        var source: FlowEndpoint
    }

    /// Creates a dissector; feed it every packet in order from the first. Without `numberStreams`
    /// packets get no stream index (a little cheaper, for listings that do not show it).
    public init(options: DissectorOptions = DissectorOptions(), limits: ReassemblyLimits = ReassemblyLimits(), numberStreams: Bool = true) {
        self.options = options
        self.limits = limits
        pass = AnalysisPass(limits: limits, numberStreams: numberStreams)
    }

    /// What reassembly did so far.
    public var counters: ReassemblyCounters {
        var counters = pass.fragments.counters
        counters.dnsMessagesReassembled = dnsMessages
        counters.tcpLimitFlushes += dns.values.reduce(0) { $0 + $1.reassembler.limitFlushes }
        return counters
    }

    /// Decodes the next packet, with TCP sequence analysis.
    public mutating func dissect(_ packet: PacketReference) -> AnalyzedPacket {
        let analyzed = pass.next(packet)
        let tcp = sequence.analyze(packet, flow: analyzed.flow)
        let (replaced, reassembly) = reassemble(packet, analyzed: analyzed, tcp: tcp)
        let dissection =
            replaced
            ?? Dissector.dissect(packet.bytes, linkType: packet.linkType, originalLength: packet.originalLength, options: options, tcp: tcp)
        return AnalyzedPacket(
            number: packet.number, dissection: dissection, flow: analyzed.flow, stream: analyzed.stream, reassembly: reassembly, tcp: tcp)
    }

    /// Reads the next packet and returns its dissection only when reassembly changes it (the
    /// packet completes a datagram or a DNS message, or carries part of one); nil means "decode it
    /// with `Dissector` as usual". Reads only the headers of other packets, so a listing can keep
    /// decoding in parallel and ask this, in order, for the few packets reassembly concerns. `tcp`
    /// is the packet's sequence analysis, which the caller runs over every packet.
    public mutating func dissectIfReassembled(_ packet: PacketReference, tcp: TCPAnalysis? = nil) -> AnalyzedPacket? {
        heldSegment = nil
        // A segment analysed as TCP (so not a fragment) off the DNS ports concerns only message
        // reassembly, which its analysis serves: no need to read its headers again.
        if let tcp, !options.isDNSPort(tcp.sourcePort), !options.isDNSPort(tcp.destinationPort) {
            let (replaced, reassembly) = pduOverTCP(packet, tcp: tcp)
            guard let replaced else { return nil }
            return AnalyzedPacket(
                number: packet.number, dissection: replaced, flow: PacketFlow(), stream: nil, reassembly: reassembly, tcp: tcp)
        }
        let analyzed = pass.next(packet)
        let (replaced, reassembly) = reassemble(packet, analyzed: analyzed, tcp: tcp)
        guard let replaced else { return nil }
        return AnalyzedPacket(
            number: packet.number, dissection: replaced, flow: analyzed.flow, stream: analyzed.stream, reassembly: reassembly, tcp: tcp)
    }

    private mutating func reassemble(_ packet: PacketReference, analyzed: AnalyzedFlow, tcp: TCPAnalysis?) -> (Dissection?, Reassembly?) {
        if let datagram = analyzed.datagram, let network = analyzed.flow.network {
            var dissection = Dissector.dissect(
                packet.bytes, linkType: packet.linkType, originalLength: packet.originalLength, options: options, tcp: tcp)
            let reassembly = Reassembly(
                kind: network.source.isIPv6 ? .ipv6Fragments : .ipv4Fragments, packets: datagram.packets, bytes: datagram.payload)
            let merged = Self.dissectReassembled(
                datagram.payload, network: network, protocolNumber: datagram.protocolNumber,
                transportHeader: [], options: options)
            Self.merge(
                merged, into: &dissection, detail: options.detail, node: "ip.reassembled",
                label:
                    "[Reassembled \(network.source.isIPv6 ? "IPv6" : "IPv4") datagram: \(datagram.packets.count) fragments (\(datagram.packets.map { "#\($0)" }.joined(separator: ", "))), \(datagram.payload.count) bytes]"
            )
            return (dissection, reassembly)
        }
        if let transport = analyzed.flow.transport, transport.protocolKind == .tcp, let network = analyzed.flow.network,
            options.dnsPorts.contains(transport.sourcePort) || options.dnsPorts.contains(transport.destinationPort)
        {
            return dnsOverTCP(packet, analyzed: analyzed, network: network, transport: transport, tcp: tcp)
        }
        if let tcp { return pduOverTCP(packet, tcp: tcp) }
        return (nil, nil)
    }

    /// Ends the capture: incomplete datagrams are counted.
    public mutating func finish() { pass.finish() }

    /// Feeds a DNS-port TCP segment to its direction's reassembler; returns the packet's new
    /// dissection when it does not hold exactly whole messages, and the message it completed.
    private mutating func dnsOverTCP(
        _ packet: PacketReference, analyzed: AnalyzedFlow, network: PacketFlow.Network,
        transport: PacketFlow.Transport, tcp: TCPAnalysis?
    ) -> (Dissection?, Reassembly?) {
        let source = FlowEndpoint(address: network.source, port: transport.sourcePort)
        let destination = FlowEndpoint(address: network.destination, port: transport.destinationPort)
        let key = DNSKey(conversation: ConversationKey(layer: .tcp, source, destination), source: source)
        var state = dns[key] ?? DNSDirection(reassembler: TCPDirectionReassembler(limits: limits))
        // A new SYN on the same 5-tuple (port reuse) starts a new stream.
        if transport.isSYN, let initial = state.reassembler.initialSequence, initial != transport.sequence {
            state = DNSDirection(reassembler: TCPDirectionReassembler(limits: limits))
        }
        let payload = analyzed.payload(in: packet.bytes)
        let heldBefore = !state.buffer.isEmpty
        let events = state.reassembler.add(
            sequence: transport.sequence, syn: transport.isSYN, fin: transport.isFIN, payload: payload, packet: packet.number)
        var completed: (message: [UInt8], packets: [Int])?
        for event in events {
            switch event.kind {
            case .data, .overlap:
                state.buffer += event.bytes
                if state.packets.last != event.packet { state.packets.append(event.packet) }
            case .gap:
                // The message boundary is lost: start again at the next segment.
                state.buffer.removeAll()
                state.packets.removeAll()
            case .retransmission:
                break
            }
            while state.buffer.count >= 2 {
                let length = Int(state.buffer[0]) << 8 | Int(state.buffer[1])
                guard state.buffer.count >= 2 + length else { break }
                let message = Array(state.buffer[0..<(2 + length)])
                state.buffer.removeFirst(2 + length)
                if completed == nil { completed = (message, state.packets) }
                state.packets = state.buffer.isEmpty ? [] : [event.packet]
            }
        }
        dns[key] = state
        let multiSegment = completed.map { heldBefore || $0.packets.count > 1 } ?? false
        let partial = completed == nil && !payload.isEmpty && !state.buffer.isEmpty
        guard heldBefore || multiSegment || partial else { return (nil, nil) }
        // This segment does not start with a whole message: decode it as plain TCP (the DNS decoder
        // would read a message from the middle of one) and add the reassembled message, if complete.
        var plain = options
        plain.dnsPorts = []
        var dissection = Dissector.dissect(
            packet.bytes, linkType: packet.linkType, originalLength: packet.originalLength, options: plain, tcp: tcp)
        if let completed, multiSegment {
            dnsMessages += 1
            let merged = Self.dissectReassembled(
                completed.message, network: network, protocolNumber: 6,
                transportHeader: Self.tcpHeader(transport), options: options)
            Self.merge(
                merged, into: &dissection, detail: options.detail, node: "tcp.reassembled",
                label:
                    "[\(completed.packets.count) Reassembled TCP Segments (\(completed.message.count) bytes): \(completed.packets.map { "#\($0)" }.joined(separator: ", "))]"
            )
            return (dissection, Reassembly(kind: .dnsOverTCP, packets: completed.packets, bytes: completed.message))
        }
        if partial { dissection.info += " [TCP segment of a reassembled PDU]" }
        return (dissection, nil)
    }

    /// A 20-byte TCP header with the ports and sequence numbers of `transport`, for decoding a reassembled payload.
    static func tcpHeader(_ transport: PacketFlow.Transport) -> [UInt8] {
        func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }
        func be32(_ value: UInt32) -> [UInt8] { be16(UInt16(value >> 16)) + be16(UInt16(value & 0xffff)) }
        return be16(transport.sourcePort) + be16(transport.destinationPort) + be32(transport.sequence) + be32(transport.acknowledgment)
            + [0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]
    }

    /// Decodes `payload` as the upper layers of a packet from `network`: an IP header (and
    /// `transportHeader`) are put in front so the dissectors see a whole packet, and the layers after
    /// them are returned with ranges into `payload`.
    static func dissectReassembled(
        _ payload: [UInt8], network: PacketFlow.Network, protocolNumber: UInt8,
        transportHeader: [UInt8], options: DissectorOptions
    ) -> Dissection {
        let upper = transportHeader + payload
        let ipv6 = network.source.isIPv6
        var header: [UInt8]
        if ipv6 {
            header =
                [0x60, 0, 0, 0, UInt8(upper.count >> 8 & 0xff), UInt8(upper.count & 0xff), protocolNumber, 64]
                + network.source.bytes + network.destination.bytes
        } else {
            let total = 20 + upper.count
            header =
                [0x45, 0, UInt8(total >> 8 & 0xff), UInt8(total & 0xff), 0, 0, 0, 0, 64, protocolNumber, 0, 0]
                + network.source.bytes + network.destination.bytes
            let sum = header.withUnsafeBytes { internetChecksum($0, 0..<20) }
            header[10] = UInt8(sum >> 8)
            header[11] = UInt8(sum & 0xff)
        }
        // Over 65,535 bytes the IPv4 length field cannot hold the datagram: say so rather than trap.
        guard upper.count <= IPFragmentReassembler.maximumLength else {
            var result = Dissection()
            result.error = DecodeError(ipv6 ? .ipv6 : .ipv4, at: 0, .badLength(field: "reassembled length", value: upper.count))
            return result
        }
        let packet = header + upper
        var result = packet.withUnsafeBytes { Dissector.dissect($0, linkType: ipv6 ? .ipv6 : .ipv4, options: options) }
        let skipLayers = transportHeader.isEmpty ? 1 : 2
        let skipFields = 1 + skipLayers  // frame, the IP header, and the TCP header
        let shift = header.count + transportHeader.count
        result.layers = Array(result.layers.dropFirst(skipLayers))
        // Offsets into the reassembled bytes, not the packet's: compiled filters take the tree for these.
        result.layerOffsets = []
        result.fields = result.fields.dropFirst(skipFields).map { $0.shifted(by: -shift) }
        if let error = result.error { result.error = DecodeError(error.layer, at: max(0, error.offset - shift), error.kind) }
        return result
    }

    /// Puts the reassembled layers on the packet that completed them, under one node.
    static func merge(_ reassembled: Dissection, into dissection: inout Dissection, detail: Bool, node key: String, label: String) {
        dissection.layers += reassembled.layers.filter { $0 != .ipv6Extension }
        if !reassembled.info.isEmpty { dissection.info = reassembled.info }
        if let last = reassembled.layers.last { dissection.protocolName = last.displayName }
        if let error = reassembled.error {
            dissection.error = error
            dissection.protocolName = error.layer.displayName
        }
        if detail {
            dissection.fields.append(FieldNode(key, label, range: 0..<0, children: reassembled.fields))
        }
    }
}

extension FieldNode {
    /// The node with its range and its children's moved by `delta` bytes.
    func shifted(by delta: Int) -> FieldNode {
        var node = self
        node.offset = max(0, offset + delta)
        node.children = children.map { $0.shifted(by: delta) }
        return node
    }
}
