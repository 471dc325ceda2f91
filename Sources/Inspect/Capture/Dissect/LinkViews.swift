/// A view over an Ethernet II header and its 802.1Q / 802.1ad VLAN tags.
///
/// Once the init succeeds every accessor reads captured bytes only. Valid while the buffer is.
public struct EthernetView: DeclaredFields {
    /// Field byte ranges relative to the header's start.
    public enum Field {
        public static let destination = 0..<6
        public static let source = 6..<12
        public static let etherType = 12..<14
    }
    /// Field byte ranges of one VLAN tag, relative to the tag's start.
    public enum TagField {
        /// Tag protocol identifier (TPID).
        public static let protocolID = 0..<2
        /// The byte holding the priority code point (upper three bits) and the drop-eligible bit.
        public static let priorityAndDropEligible = 2..<3
        /// Tag control information (TCI): priority, drop-eligible bit and the 12-bit VLAN ID.
        public static let controlInformation = 2..<4
    }
    /// Length of the untagged header.
    public static let headerLength = Field.etherType.upperBound
    /// Length of one VLAN tag (TPID + TCI).
    public static let tagLength = TagField.controlInformation.upperBound
    /// TPIDs that introduce a VLAN tag: 802.1Q, 802.1ad and the pre-standard QinQ value.
    public static let tagProtocolIDs: Set<UInt16> = [EtherType.vlan, EtherType.serviceVLAN, EtherType.qinq]

    /// The captured bytes.
    public let bytes: UnsafeRawBufferPointer
    /// Absolute offset of the header.
    public let offset: Int
    /// Number of VLAN tags between the source address and the final EtherType.
    public let tagCount: Int

    /// Validates the header and its tags.
    /// - Throws: `DecodeError` on `.ethernet` (header) or `.vlan` (a tag) when bytes are missing.
    public init(_ bytes: UnsafeRawBufferPointer, at offset: Int, within extent: ByteExtent) throws(DecodeError) {
        try extent.requireCaptured(.ethernet, offset, Self.headerLength)
        var tags = 0
        let typeField = offset + Field.etherType.lowerBound
        while EtherType.isVLANTag(bytes.u16be(typeField + tags * Self.tagLength)) {
            tags += 1
            try extent.requireCaptured(.vlan, typeField + tags * Self.tagLength, Field.etherType.count)
        }
        self.bytes = bytes
        self.offset = offset
        self.tagCount = tags
    }

    /// Destination MAC address as text.
    public var destination: String { Format.mac(bytes, start(of: Field.destination)) }
    /// Source MAC address as text.
    public var source: String { Format.mac(bytes, start(of: Field.source)) }
    /// Absolute range of VLAN tag `index` (TPID and TCI).
    public func tagRange(_ index: Int) -> Range<Int> {
        let tag = start(of: Field.etherType) + index * Self.tagLength
        return tag..<(tag + Self.tagLength)
    }
    /// Absolute range of `field` (a `TagField`) in tag `index`.
    public func tagRange(_ index: Int, of field: Range<Int>) -> Range<Int> { field.shifted(by: tagRange(index).lowerBound) }
    /// TPID of tag `index` (`EtherType.vlan` customer, `.serviceVLAN` service tag).
    public func tagProtocolID(_ index: Int) -> UInt16 { bytes.u16be(tagRange(index, of: TagField.protocolID).lowerBound) }
    /// Priority code point of tag `index`.
    public func tagPriority(_ index: Int) -> UInt8 { bytes[tagRange(index, of: TagField.priorityAndDropEligible).lowerBound] >> 5 }
    /// Drop-eligible indicator of tag `index`.
    public func tagDropEligible(_ index: Int) -> Bool {
        bytes[tagRange(index, of: TagField.priorityAndDropEligible).lowerBound] & 0x10 != 0
    }
    /// VLAN identifier of tag `index`.
    public func tagID(_ index: Int) -> UInt16 { bytes.u16be(tagRange(index, of: TagField.controlInformation).lowerBound) & 0x0fff }
    /// Absolute range of the final EtherType (or 802.3 length) field, after the tags.
    public var etherTypeRange: Range<Int> { range(of: Field.etherType).shifted(by: tagCount * Self.tagLength) }
    /// Absolute offset of the final EtherType (or 802.3 length) field.
    public var etherTypeOffset: Int { etherTypeRange.lowerBound }
    /// The final EtherType; values below 0x0600 are 802.3 lengths.
    public var etherType: UInt16 { bytes.u16be(etherTypeOffset) }
    /// Absolute offset of the payload.
    public var payloadOffset: Int { etherTypeOffset + Field.etherType.count }
}

/// A view over a Linux cooked capture v1 header (LINKTYPE_LINUX_SLL, 16 bytes).
public struct SLLView: DeclaredFields {
    /// Field byte ranges relative to the header's start.
    public enum Field {
        public static let packetType = 0..<2
        public static let addressType = 2..<4
        public static let addressLength = 4..<6
        public static let address = 6..<14
        public static let protocolType = 14..<16
    }
    /// Header length.
    public static let headerLength = Field.protocolType.upperBound
    /// The captured bytes.
    public let bytes: UnsafeRawBufferPointer
    /// Absolute offset of the header.
    public let offset: Int

    /// Validates that the whole header was captured.
    public init(_ bytes: UnsafeRawBufferPointer, at offset: Int, within extent: ByteExtent) throws(DecodeError) {
        try extent.requireCaptured(.sll, offset, Self.headerLength)
        self.bytes = bytes
        self.offset = offset
    }

    /// Packet type: 0 to us, 1 broadcast, 2 multicast, 3 to another host, 4 sent by us.
    public var packetType: UInt16 { u16be(Field.packetType) }
    /// ARPHRD_* type of the link (1 Ethernet, 772 loopback).
    public var addressType: UInt16 { u16be(Field.addressType) }
    /// Length of the link-layer address (at most 8 are stored).
    public var addressLength: UInt16 { u16be(Field.addressLength) }
    /// The link-layer source address as text (first `addressLength` bytes, at most 8).
    public var address: String { Format.mac(bytes, start(of: Field.address), count: Int(min(addressLength, UInt16(Field.address.count)))) }
    /// The protocol: an EtherType, or 1 (802.3) / 4 (802.2 LLC).
    public var protocolType: UInt16 { u16be(Field.protocolType) }
    /// Absolute offset of the payload.
    public var payloadOffset: Int { offset + Self.headerLength }
}

/// A view over a Linux cooked capture v2 header (LINKTYPE_LINUX_SLL2, 20 bytes).
public struct SLL2View: DeclaredFields {
    /// Field byte ranges relative to the header's start.
    public enum Field {
        public static let protocolType = 0..<2
        public static let reserved = 2..<4
        public static let interfaceIndex = 4..<8
        public static let addressType = 8..<10
        public static let packetType = 10..<11
        public static let addressLength = 11..<12
        public static let address = 12..<20
    }
    /// Header length.
    public static let headerLength = Field.address.upperBound
    /// The captured bytes.
    public let bytes: UnsafeRawBufferPointer
    /// Absolute offset of the header.
    public let offset: Int

    /// Validates that the whole header was captured.
    public init(_ bytes: UnsafeRawBufferPointer, at offset: Int, within extent: ByteExtent) throws(DecodeError) {
        try extent.requireCaptured(.sll2, offset, Self.headerLength)
        self.bytes = bytes
        self.offset = offset
    }

    /// The EtherType of the payload.
    public var protocolType: UInt16 { u16be(Field.protocolType) }
    /// The kernel interface index the packet was seen on.
    public var interfaceIndex: UInt32 { u32be(Field.interfaceIndex) }
    /// ARPHRD_* type of the link.
    public var addressType: UInt16 { u16be(Field.addressType) }
    /// Packet type (as in SLL v1).
    public var packetType: UInt8 { u8(Field.packetType) }
    /// Length of the link-layer address.
    public var addressLength: UInt8 { u8(Field.addressLength) }
    /// The link-layer source address as text.
    public var address: String { Format.mac(bytes, start(of: Field.address), count: Int(min(addressLength, UInt8(Field.address.count)))) }
    /// Absolute offset of the payload.
    public var payloadOffset: Int { offset + Self.headerLength }
}

/// A view over a BSD loopback header: a 4-byte address family (LINKTYPE_NULL in the writer's byte
/// order, LINKTYPE_LOOP in network order).
public struct NullView: DeclaredFields {
    /// Field byte ranges relative to the header's start.
    public enum Field {
        public static let family = 0..<4
    }
    /// Header length.
    public static let headerLength = Field.family.upperBound
    /// The captured bytes.
    public let bytes: UnsafeRawBufferPointer
    /// Absolute offset of the header.
    public let offset: Int
    /// The address family (2 IPv4; 10, 24, 28 or 30 IPv6 depending on the writer's OS).
    public let family: UInt32

    /// Validates the header; `networkOrder` is true for LINKTYPE_LOOP. For LINKTYPE_NULL the byte
    /// order is inferred: families are small numbers, so a value above 0xffff was written the other way round.
    public init(_ bytes: UnsafeRawBufferPointer, at offset: Int, within extent: ByteExtent, networkOrder: Bool) throws(DecodeError) {
        try extent.requireCaptured(.null, offset, Self.headerLength)
        self.bytes = bytes
        self.offset = offset
        let little = bytes.u32le(offset + Field.family.lowerBound)
        family = networkOrder ? bytes.u32be(offset + Field.family.lowerBound) : (little > 0xffff ? little.byteSwapped : little)
    }

    /// True when `family` is an IPv6 family on any common OS.
    public var isIPv6: Bool { family == 10 || family == 24 || family == 28 || family == 30 }
    /// Absolute offset of the payload.
    public var payloadOffset: Int { offset + Self.headerLength }
}

/// A view over an ARP packet (RFC 826), any hardware and protocol address lengths.
public struct ARPView: DeclaredFields {
    /// Field byte ranges of the fixed part, relative to the packet's start.
    public enum Field {
        public static let hardwareType = 0..<2
        public static let protocolType = 2..<4
        public static let hardwareLength = 4..<5
        public static let protocolLength = 5..<6
        public static let operation = 6..<8
    }
    /// Length of the fixed part.
    public static let fixedLength = Field.operation.upperBound
    /// The captured bytes.
    public let bytes: UnsafeRawBufferPointer
    /// Absolute offset of the packet.
    public let offset: Int

    /// Validates the fixed part and the four addresses its lengths announce.
    public init(_ bytes: UnsafeRawBufferPointer, at offset: Int, within extent: ByteExtent) throws(DecodeError) {
        try extent.requireCaptured(.arp, offset, Self.fixedLength)
        let addresses = 2 * (Int(bytes[offset + Field.hardwareLength.lowerBound]) + Int(bytes[offset + Field.protocolLength.lowerBound]))
        try extent.requireCaptured(.arp, offset + Self.fixedLength, addresses)
        self.bytes = bytes
        self.offset = offset
    }

    /// Hardware type (1 Ethernet).
    public var hardwareType: UInt16 { u16be(Field.hardwareType) }
    /// Protocol type (an EtherType: `EtherType.ipv4`).
    public var protocolType: UInt16 { u16be(Field.protocolType) }
    /// Hardware address length.
    public var hardwareLength: Int { Int(u8(Field.hardwareLength)) }
    /// Protocol address length.
    public var protocolLength: Int { Int(u8(Field.protocolLength)) }
    /// Operation: 1 request, 2 reply.
    public var operation: UInt16 { u16be(Field.operation) }
    /// Absolute ranges of sender hardware, sender protocol, target hardware, target protocol addresses.
    public var addressRanges:
        (senderHardware: Range<Int>, senderProtocol: Range<Int>, targetHardware: Range<Int>, targetProtocol: Range<Int>)
    {
        let sha = offset + Self.fixedLength
        let spa = sha + hardwareLength, tha = spa + protocolLength, tpa = tha + hardwareLength
        return (sha..<spa, spa..<tha, tha..<tpa, tpa..<(tpa + protocolLength))
    }
    /// Total length of the packet.
    public var length: Int { Self.fixedLength + 2 * (hardwareLength + protocolLength) }

    func hardwareText(_ range: Range<Int>) -> String { Format.mac(bytes, range.lowerBound, count: range.count) }
    func protocolText(_ range: Range<Int>) -> String {
        range.count == 4 ? Format.ipv4(bytes, range.lowerBound) : Format.hexBytes(bytes, range)
    }
}
