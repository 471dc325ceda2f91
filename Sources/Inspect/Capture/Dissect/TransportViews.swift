/// One SACK block: the left and right edges, raw sequence numbers (they may wrap around).
public struct SACKBlock: Hashable, Sendable {
    /// First sequence number of the block.
    public var leftEdge: UInt32
    /// Sequence number after the block.
    public var rightEdge: UInt32
}

/// A TCP option, decoded.
public enum TCPOption: Hashable, Sendable {
    case endOfOptions
    case noOperation
    case maximumSegmentSize(UInt16)
    case windowScale(UInt8)
    case sackPermitted
    /// SACK blocks as (left edge, right edge); sequence numbers wrap, so left may exceed right.
    case sack([SACKBlock])
    case timestamps(value: UInt32, echoReply: UInt32)
    case unknown(kind: UInt8, length: Int)
}

/// A TCP option with the bytes it came from.
public struct TCPOptionField: Hashable, Sendable {
    /// The decoded option.
    public var option: TCPOption
    /// Absolute range of the option.
    public var range: Range<Int>
}

/// A view over a TCP header (RFC 9293) with validated options.
///
/// The init checks that the fixed header was captured, that the data offset is at least 5 and
/// within the segment, and that every option's length is sane.
public struct TCPView: DeclaredFields {
    /// Field byte ranges relative to the header's start.
    public enum Field {
        public static let sourcePort = 0..<2
        public static let destinationPort = 2..<4
        public static let sequenceNumber = 4..<8
        public static let acknowledgmentNumber = 8..<12
        public static let dataOffsetAndFlags = 12..<14
        /// The byte holding the data offset (upper four bits).
        public static let dataOffset = 12..<13
        public static let window = 14..<16
        public static let checksum = 16..<18
        public static let urgentPointer = 18..<20
    }
    /// Length of a header without options.
    public static let minimumHeaderLength = Field.urgentPointer.upperBound
    /// The captured bytes.
    public let bytes: UnsafeRawBufferPointer
    /// Absolute offset of the header.
    public let offset: Int
    /// The segment's extent (to the end the IP layer claims, cut at the captured bytes).
    public let segmentExtent: ByteExtent
    /// The options with their absolute ranges.
    public let options: [TCPOptionField]

    /// Validates the header and its options.
    /// - Throws: `DecodeError` on `.tcp`: truncated, `badLength` data offset or option length.
    public init(_ bytes: UnsafeRawBufferPointer, at offset: Int, within extent: ByteExtent) throws(DecodeError) {
        try extent.requireCaptured(.tcp, offset, Self.minimumHeaderLength)
        let dataOffset = offset + Field.dataOffset.lowerBound
        let headerLength = Int(bytes[dataOffset] >> 4) * 4
        if headerLength < Self.minimumHeaderLength {
            throw DecodeError(.tcp, at: dataOffset, .badLength(field: "data offset", value: headerLength))
        }
        try extent.requireLength(.tcp, offset, headerLength, field: "data offset", at: dataOffset, value: headerLength)
        self.bytes = bytes
        self.offset = offset
        segmentExtent = extent
        options = try Self.parseOptions(bytes, (offset + Self.minimumHeaderLength)..<(offset + headerLength))
    }

    private static func parseOptions(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) throws(DecodeError) -> [TCPOptionField] {
        guard !range.isEmpty else { return [] }
        var list: [TCPOptionField] = []
        list.reserveCapacity(range.count / 3)
        var index = range.lowerBound
        while index < range.upperBound {
            let kind = bytes[index]
            if kind == 0 { list.append(TCPOptionField(option: .endOfOptions, range: index..<range.upperBound)); break }
            if kind == 1 { list.append(TCPOptionField(option: .noOperation, range: index..<(index + 1))); index += 1; continue }
            guard index + 1 < range.upperBound else {
                throw DecodeError(.tcp, at: index, .badLength(field: "option length", value: 0))
            }
            let length = Int(bytes[index + 1])
            let expected: Int? =
                switch kind {
                case 2: 4
                case 3: 3
                case 4: 2
                case 8: 10
                default: nil
                }
            let sackOK = kind != 5 || (length >= 10 && (length - 2) % 8 == 0)
            if length < 2 || index + length > range.upperBound || (expected != nil && expected != length) || !sackOK {
                throw DecodeError(.tcp, at: index + 1, .badLength(field: "option length", value: length))
            }
            let option: TCPOption
            switch kind {
            case 2: option = .maximumSegmentSize(bytes.u16be(index + 2))
            case 3: option = .windowScale(bytes[index + 2])
            case 4: option = .sackPermitted
            case 5:
                option = .sack(
                    stride(from: index + 2, to: index + length, by: 8).map {
                        SACKBlock(leftEdge: bytes.u32be($0), rightEdge: bytes.u32be($0 + 4))
                    })
            case 8: option = .timestamps(value: bytes.u32be(index + 2), echoReply: bytes.u32be(index + 6))
            default: option = .unknown(kind: kind, length: length)
            }
            list.append(TCPOptionField(option: option, range: index..<(index + length)))
            index += length
        }
        return list
    }

    /// Source port.
    public var sourcePort: UInt16 { u16be(Field.sourcePort) }
    /// Destination port.
    public var destinationPort: UInt16 { u16be(Field.destinationPort) }
    /// Sequence number (raw, not relative).
    public var sequenceNumber: UInt32 { u32be(Field.sequenceNumber) }
    /// Acknowledgment number (raw).
    public var acknowledgmentNumber: UInt32 { u32be(Field.acknowledgmentNumber) }
    /// Header length in bytes (data offset × 4).
    public var headerLength: Int { Int(u8(Field.dataOffset) >> 4) * 4 }
    /// The 12 flag bits as tshark's `tcp.flags` holds them (AE/NS, CWR, ECE, URG, ACK, PSH, RST, SYN, FIN).
    public var flags: UInt16 { u16be(Field.dataOffsetAndFlags) & 0x0fff }
    /// Receive window (unscaled).
    public var window: UInt16 { u16be(Field.window) }
    /// Checksum as carried.
    public var checksum: UInt16 { u16be(Field.checksum) }
    /// Urgent pointer.
    public var urgentPointer: UInt16 { u16be(Field.urgentPointer) }
    /// Absolute offset of the payload.
    public var payloadOffset: Int { offset + headerLength }
    /// Absolute range of the options (empty without options).
    public var optionsRange: Range<Int> { (offset + Self.minimumHeaderLength)..<payloadOffset }
    /// Payload length as the IP layer claims it (some of it may not have been captured).
    /// The flag bits a display filter names one by one (`tcp.flags.syn`), as tshark lists them.
    static let flagBits: [(name: String, title: String, mask: UInt16)] = [
        ("ae", "Accurate ECN", 0x100), ("cwr", "Congestion Window Reduced", 0x080), ("ece", "ECN-Echo", 0x040),
        ("urg", "Urgent", 0x020), ("ack", "Acknowledgment", 0x010), ("push", "Push", 0x008), ("reset", "Reset", 0x004),
        ("syn", "Syn", 0x002), ("fin", "Fin", 0x001)
    ]

    public var payloadLength: Int { segmentExtent.end - payloadOffset }

    /// Flag bits and names from the lowest bit up, the order tshark lists them in (`FIN, PSH, ACK`).
    static let flagTable: [(bit: UInt16, name: StaticString)] = [
        (0x001, "FIN"), (0x002, "SYN"), (0x004, "RST"), (0x008, "PSH"), (0x010, "ACK"),
        (0x020, "URG"), (0x040, "ECE"), (0x080, "CWR"), (0x100, "AE")
    ]

    /// Appends the flag names set, comma-separated, in tshark's order.
    static func appendFlagNames(_ flags: UInt16, to text: inout TextBuilder) {
        var first = true
        for entry in flagTable where flags & entry.bit != 0 {
            if !first { text.append(", ") }
            text.append(entry.name)
            first = false
        }
    }

    /// The flag names set, in tshark's order (`PSH, ACK`).
    public static func flagNames(_ flags: UInt16) -> [String] {
        flagTable.filter { flags & $0.bit != 0 }.map { $0.name.description }
    }
}

/// A view over a UDP header (RFC 768).
public struct UDPView: DeclaredFields {
    /// Field byte ranges relative to the header's start.
    public enum Field {
        public static let sourcePort = 0..<2
        public static let destinationPort = 2..<4
        public static let length = 4..<6
        public static let checksum = 6..<8
    }
    /// Header length.
    public static let headerLength = Field.checksum.upperBound
    /// The captured bytes.
    public let bytes: UnsafeRawBufferPointer
    /// Absolute offset of the header.
    public let offset: Int
    /// The payload's extent: to the UDP length, cut at the captured bytes.
    public let payloadExtent: ByteExtent

    /// Validates the header and its length field.
    /// - Throws: `DecodeError` on `.udp`: truncated, `badLength` when length is below 8 or past the IP payload.
    public init(_ bytes: UnsafeRawBufferPointer, at offset: Int, within extent: ByteExtent) throws(DecodeError) {
        try extent.requireCaptured(.udp, offset, Self.headerLength)
        let length = Int(bytes.u16be(offset + Field.length.lowerBound))
        if length < Self.headerLength || offset + length > extent.end {
            throw DecodeError(.udp, at: offset + Field.length.lowerBound, .badLength(field: "length", value: length))
        }
        self.bytes = bytes
        self.offset = offset
        payloadExtent = extent.limited(to: offset + length)
    }

    /// Source port.
    public var sourcePort: UInt16 { u16be(Field.sourcePort) }
    /// Destination port.
    public var destinationPort: UInt16 { u16be(Field.destinationPort) }
    /// Length of header and payload.
    public var length: Int { Int(u16be(Field.length)) }
    /// Checksum as carried (0: none, IPv4 only).
    public var checksum: UInt16 { u16be(Field.checksum) }
    /// Absolute offset of the payload.
    public var payloadOffset: Int { offset + Self.headerLength }
}

/// A view over an ICMP (RFC 792) or ICMPv6 (RFC 4443) message: type, code, checksum and the
/// 4-byte rest of header.
public struct ICMPView: DeclaredFields {
    /// Field byte ranges relative to the message's start.
    public enum Field {
        public static let type = 0..<1
        public static let code = 1..<2
        public static let checksum = 2..<4
        public static let restOfHeader = 4..<8
        /// Echo request and reply: the identifier and sequence number in the rest of header.
        public static let echoIdentifier = 4..<6
        public static let echoSequence = 6..<8
        /// Neighbour solicitation and advertisement, redirect (ICMPv6 135-137): the target address.
        public static let targetAddress = 8..<24
    }
    /// Length of the fixed part.
    public static let headerLength = Field.restOfHeader.upperBound
    /// The captured bytes.
    public let bytes: UnsafeRawBufferPointer
    /// Absolute offset of the message.
    public let offset: Int
    /// The message's extent.
    public let extent: ByteExtent
    /// `.icmp` or `.icmpv6`.
    public let layer: ProtocolLayer

    /// Validates the 8-byte fixed part.
    public init(_ bytes: UnsafeRawBufferPointer, at offset: Int, within extent: ByteExtent, layer: ProtocolLayer) throws(DecodeError) {
        try extent.requireCaptured(layer, offset, Self.headerLength)
        self.bytes = bytes
        self.offset = offset
        self.extent = extent
        self.layer = layer
    }

    /// Message type.
    public var type: UInt8 { u8(Field.type) }
    /// Message code.
    public var code: UInt8 { u8(Field.code) }
    /// Checksum as carried.
    public var checksum: UInt16 { u16be(Field.checksum) }
    /// Echo identifier.
    public var identifier: UInt16 { u16be(Field.echoIdentifier) }
    /// Echo sequence number.
    public var sequence: UInt16 { u16be(Field.echoSequence) }
    /// Neighbour solicitation and advertisement, redirect: the target address as text (captured once
    /// `neighborDiscoveryOptions()` succeeded for those types).
    public var targetAddress: String { Format.ipv6(bytes, start(of: Field.targetAddress)) }
    /// True for echo request and reply.
    public var isEcho: Bool { layer == .icmp ? (type == 0 || type == 8) : (type == 128 || type == 129) }

    /// The type's name as tshark shows it.
    public var typeName: String { layer == .icmp ? Self.icmpName(type, code) : Self.icmpv6Name(type) }

    static func icmpName(_ type: UInt8, _ code: UInt8) -> String {
        switch type {
        case 0: return "Echo (ping) reply"
        case 3:
            let codes = [
                "Network unreachable", "Host unreachable", "Protocol unreachable", "Port unreachable",
                "Fragmentation needed", "Source route failed", "Destination network unknown",
                "Destination host unknown", "Source host isolated", "Network administratively prohibited",
                "Host administratively prohibited", "Network unreachable for TOS", "Host unreachable for TOS",
                "Communication administratively filtered", "Host precedence violation", "Precedence cutoff in effect"
            ]
            return "Destination unreachable (\(Int(code) < codes.count ? codes[Int(code)] : "code \(code)"))"
        case 4: return "Source quench (flow control)"
        case 5: return "Redirect"
        case 8: return "Echo (ping) request"
        case 9: return "Router advertisement"
        case 10: return "Router solicitation"
        case 11:
            return code == 0
                ? "Time-to-live exceeded (Time to live exceeded in transit)" : "Time-to-live exceeded (Fragment reassembly time exceeded)"
        case 12: return "Parameter problem"
        case 13: return "Timestamp request"
        case 14: return "Timestamp reply"
        default: return "Unknown ICMP (type \(type))"
        }
    }

    static func icmpv6Name(_ type: UInt8) -> String {
        switch type {
        case 1: "Destination Unreachable"
        case 2: "Packet Too Big"
        case 3: "Time Exceeded"
        case 4: "Parameter Problem"
        case 128: "Echo (ping) request"
        case 129: "Echo (ping) reply"
        case 130: "Multicast Listener Query"
        case 131: "Multicast Listener Report"
        case 132: "Multicast Listener Done"
        case 133: "Router Solicitation"
        case 134: "Router Advertisement"
        case 135: "Neighbor Solicitation"
        case 136: "Neighbor Advertisement"
        case 137: "Redirect"
        case 143: "Multicast Listener Report Message v2"
        default: "Unknown ICMPv6 (type \(type))"
        }
    }

    /// Neighbour discovery: offset (relative to the message) where options begin, or nil for other types.
    public var neighborDiscoveryOptionsStart: Int? {
        guard layer == .icmpv6 else { return nil }
        switch type {
        case 133: return 8
        case 134: return 16
        case 135, 136: return 24
        case 137: return 40
        default: return nil
        }
    }

    /// Neighbour discovery options, validated: type and absolute range each.
    /// - Throws: `.icmpv6` truncated, or `badLength` for a zero or overlong option length.
    public func neighborDiscoveryOptions() throws(DecodeError) -> [HeaderOption] {
        guard let start = neighborDiscoveryOptionsStart else { return [] }
        try extent.requireCaptured(.icmpv6, offset, start)
        var list: [HeaderOption] = []
        var index = offset + start
        while index < extent.end {
            try extent.requireCaptured(.icmpv6, index, 2)
            let length = Int(bytes[index + 1]) * 8
            if length == 0 { throw DecodeError(.icmpv6, at: index + 1, .badLength(field: "option length", value: 0)) }
            try extent.requireLength(.icmpv6, index, length, field: "option length", at: index + 1, value: length / 8)
            list.append(HeaderOption(type: bytes[index], range: index..<(index + length)))
            index += length
        }
        return list
    }

    /// The name of a neighbour discovery option.
    public static func neighborDiscoveryOptionName(_ type: UInt8) -> String {
        switch type {
        case 1: "Source link-layer address"
        case 2: "Target link-layer address"
        case 3: "Prefix information"
        case 4: "Redirected header"
        case 5: "MTU"
        case 25: "Recursive DNS Server"
        case 31: "DNS Search List"
        default: "Unknown (\(type))"
        }
    }
}
