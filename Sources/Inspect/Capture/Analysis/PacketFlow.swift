/// The addresses, ports and TCP sequence state of one packet: what conversations, streams and
/// reassembly need, read with the dissectors' validating views but without building a `Dissection`.
///
/// Extraction stops at the first layer that does not decode and keeps what it read: a packet
/// whose TCP header is cut still counts in its IP conversation.
public struct PacketFlow: Hashable, Sendable {
    /// The network layer, when IPv4 or IPv6 decoded.
    public var network: Network?
    /// The transport layer, when TCP or UDP decoded (not for fragments: see `fragment`).
    public var transport: Transport?

    /// An IPv4 or IPv6 header's addresses.
    public struct Network: Hashable, Sendable {
        /// Source address.
        public var source: IPAddress
        /// Destination address.
        public var destination: IPAddress
        /// The upper-layer protocol number (after IPv6 extension headers).
        public var protocolNumber: UInt8
        /// Absolute offset of the IP header (the fixed IPv6 header).
        public var headerOffset: Int
        /// Absolute offset of the upper-layer payload (after options and extension headers).
        public var payloadOffset: Int
        /// Where the IP payload ends as the header claims it, and how much of it was captured.
        public var payloadExtent: ByteExtent
        /// Fragment information when this packet is an IPv4 fragment or carries an IPv6 fragment header
        /// with a non-zero offset or More Fragments.
        public var fragment: Fragment?
    }

    /// One IP fragment's place in its datagram.
    public struct Fragment: Hashable, Sendable {
        /// IPv4 identification (16 bits) or IPv6 fragment identification (32 bits).
        public var identification: UInt32
        /// Offset of this fragment's data in the datagram's payload, in bytes.
        public var offset: Int
        /// More Fragments: false on the last fragment.
        public var moreFragments: Bool
        /// The protocol of the reassembled payload.
        public var protocolNumber: UInt8
    }

    /// A TCP or UDP header's ports and, for TCP, sequence state.
    public struct Transport: Hashable, Sendable {
        /// TCP or UDP.
        public var protocolKind: TransportProtocol
        /// Source port.
        public var sourcePort: UInt16
        /// Destination port.
        public var destinationPort: UInt16
        /// TCP sequence number (0 for UDP).
        public var sequence: UInt32 = 0
        /// TCP acknowledgment number (0 for UDP).
        public var acknowledgment: UInt32 = 0
        /// TCP flags (`TCPView.flags`; 0 for UDP).
        public var flags: UInt16 = 0
        /// Absolute offset of the payload.
        public var payloadOffset: Int
        /// Payload length as the headers claim it.
        public var payloadLength: Int
        /// Payload bytes actually captured (at most `payloadLength`).
        public var capturedPayloadLength: Int

        /// The captured payload's absolute range.
        public var capturedPayload: Range<Int> { payloadOffset..<(payloadOffset + capturedPayloadLength) }
        /// TCP SYN.
        public var isSYN: Bool { flags & 0x002 != 0 }
        /// TCP FIN.
        public var isFIN: Bool { flags & 0x001 != 0 }
        /// TCP RST.
        public var isRST: Bool { flags & 0x004 != 0 }
        /// TCP ACK.
        public var isACK: Bool { flags & 0x010 != 0 }
    }

    /// Creates an empty flow (nothing decoded).
    public init(network: Network? = nil, transport: Transport? = nil) {
        self.network = network
        self.transport = transport
    }

    /// The source endpoint at `layer`'s level (port 0 at the IP layer); nil when the packet has no such layer.
    public func source(at layer: ConversationLayer) -> FlowEndpoint? {
        endpoint(at: layer) { network, transport in FlowEndpoint(address: network.source, port: transport?.sourcePort ?? 0) }
    }

    /// The destination endpoint at `layer`'s level.
    public func destination(at layer: ConversationLayer) -> FlowEndpoint? {
        endpoint(at: layer) { network, transport in FlowEndpoint(address: network.destination, port: transport?.destinationPort ?? 0) }
    }

    private func endpoint(at layer: ConversationLayer, _ make: (Network, Transport?) -> FlowEndpoint) -> FlowEndpoint? {
        guard let network else { return nil }
        switch layer {
        case .ipv4: return network.source.isIPv6 ? nil : make(network, nil)
        case .ipv6: return network.source.isIPv6 ? make(network, nil) : nil
        case .tcp, .udp:
            guard let transport, transport.protocolKind.rawValue == layer.rawValue else { return nil }
            return make(network, transport)
        }
    }

    /// Extracts the flow of `bytes` of link type `linkType`; `originalLength` is the wire length.
    /// Never traps and never reads past `bytes`.
    public static func extract(_ bytes: UnsafeRawBufferPointer, linkType: LinkType, originalLength: Int? = nil) -> PacketFlow {
        var flow = PacketFlow()
        let extent = ByteExtent(end: max(originalLength ?? bytes.count, bytes.count), capturedEnd: bytes.count)
        do {
            try flow.link(bytes, linkType, extent)
        } catch {
            // Keep the layers read before the error.
        }
        return flow
    }

    private mutating func link(_ bytes: UnsafeRawBufferPointer, _ linkType: LinkType, _ extent: ByteExtent) throws(DecodeError) {
        guard let network = try NetworkLayer.find(bytes, linkType: linkType, within: extent) else { return }
        switch network.etherType {
        case EtherType.ipv4: try ipv4(bytes, at: network.offset, extent)
        case EtherType.ipv6: try ipv6(bytes, at: network.offset, extent)
        default: break
        }
    }

    private mutating func ipv4(_ bytes: UnsafeRawBufferPointer, at offset: Int, _ extent: ByteExtent) throws(DecodeError) {
        let ip = try IPv4View(bytes, at: offset, within: extent)
        var network = Network(
            source: IPAddress(bytes, at: offset + 12, ipv6: false), destination: IPAddress(bytes, at: offset + 16, ipv6: false),
            protocolNumber: ip.protocolNumber, headerOffset: offset, payloadOffset: ip.payloadOffset,
            payloadExtent: ip.payloadExtent)
        if ip.isFragment {
            network.fragment = Fragment(
                identification: UInt32(ip.identification), offset: ip.fragmentOffset,
                moreFragments: ip.moreFragments, protocolNumber: ip.protocolNumber)
            self.network = network
            return
        }
        self.network = network
        try transport(bytes, ip.protocolNumber, at: ip.payloadOffset, ip.payloadExtent)
    }

    private mutating func ipv6(_ bytes: UnsafeRawBufferPointer, at offset: Int, _ extent: ByteExtent) throws(DecodeError) {
        let ip = try IPv6View(bytes, at: offset, within: extent)
        var network = Network(
            source: IPAddress(bytes, at: offset + 8, ipv6: true), destination: IPAddress(bytes, at: offset + 24, ipv6: true),
            protocolNumber: ip.nextHeader, headerOffset: offset, payloadOffset: ip.payloadOffset,
            payloadExtent: ip.payloadExtent)
        self.network = network
        var next = ip.nextHeader
        var position = ip.payloadOffset
        var headers = 0
        while IPv6ExtensionView.types.contains(next) {
            headers += 1
            if headers > 16 { throw DecodeError(.ipv6Extension, at: position, .badValue(field: "extension header count", value: headers)) }
            let header = try IPv6ExtensionView(bytes, at: position, type: next, within: ip.payloadExtent)
            next = header.nextHeader
            position += header.length
            if header.type == 44 && (header.fragmentOffset != 0 || header.moreFragments) {
                network.protocolNumber = next
                network.payloadOffset = position
                network.fragment = Fragment(
                    identification: header.fragmentIdentification, offset: header.fragmentOffset,
                    moreFragments: header.moreFragments, protocolNumber: next)
                self.network = network
                return
            }
        }
        network.protocolNumber = next
        network.payloadOffset = position
        self.network = network
        try transport(bytes, next, at: position, ip.payloadExtent)
    }

    /// Decodes the TCP or UDP header at the start of a reassembled IP payload; offsets are into `payload`.
    static func transport(ofReassembled payload: [UInt8], protocolNumber: UInt8) -> Transport? {
        payload.withUnsafeBytes { raw in
            var flow = PacketFlow()
            try? flow.transport(raw, protocolNumber, at: 0, ByteExtent(end: raw.count, capturedEnd: raw.count))
            return flow.transport
        }
    }

    private mutating func transport(
        _ bytes: UnsafeRawBufferPointer, _ number: UInt8, at offset: Int, _ extent: ByteExtent
    ) throws(DecodeError) {
        switch number {
        case 6:
            // TCPView's header checks without its option list (an allocation per packet): flows
            // need ports and sequence numbers only, and a packet with bad options still has them.
            try extent.requireCaptured(.tcp, offset, TCPView.minimumHeaderLength)
            let headerLength = Int(bytes[offset + 12] >> 4) * 4
            if headerLength < TCPView.minimumHeaderLength {
                throw DecodeError(.tcp, at: offset + 12, .badLength(field: "data offset", value: headerLength))
            }
            try extent.requireLength(.tcp, offset, headerLength, field: "data offset", at: offset + 12, value: headerLength)
            let payloadOffset = offset + headerLength
            transport = Transport(
                protocolKind: .tcp, sourcePort: bytes.u16be(offset), destinationPort: bytes.u16be(offset + 2),
                sequence: bytes.u32be(offset + 4), acknowledgment: bytes.u32be(offset + 8), flags: bytes.u16be(offset + 12) & 0x0fff,
                payloadOffset: payloadOffset, payloadLength: max(0, extent.end - payloadOffset),
                capturedPayloadLength: max(0, min(extent.capturedEnd, extent.end) - payloadOffset))
        case 17:
            let udp = try UDPView(bytes, at: offset, within: extent)
            transport = Transport(
                protocolKind: .udp, sourcePort: udp.sourcePort, destinationPort: udp.destinationPort,
                payloadOffset: udp.payloadOffset, payloadLength: udp.length - UDPView.headerLength,
                capturedPayloadLength: max(0, udp.payloadExtent.capturedEnd - udp.payloadOffset))
        default: break
        }
    }
}
