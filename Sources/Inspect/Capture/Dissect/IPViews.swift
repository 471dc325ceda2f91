/// A view over an IPv4 header (RFC 791) with its options.
///
/// The init checks the version, the header length (at least 20, captured) and the total length
/// (at least the header, not past the enclosing extent). The payload may still be cut by the
/// snapshot length: `payloadExtent` says how much of it was captured.
public struct IPv4View: DeclaredFields {
    /// Field byte ranges relative to the header's start.
    public enum Field {
        public static let versionAndHeaderLength = 0..<1
        public static let differentiatedServices = 1..<2
        public static let totalLength = 2..<4
        public static let identification = 4..<6
        public static let flagsAndFragmentOffset = 6..<8
        /// The byte holding the three flag bits (reserved, DF, MF) above the fragment offset's high bits.
        public static let flags = 6..<7
        public static let timeToLive = 8..<9
        public static let protocolNumber = 9..<10
        public static let checksum = 10..<12
        public static let source = 12..<16
        public static let destination = 16..<20
    }
    /// Length of a header without options.
    public static let minimumHeaderLength = Field.destination.upperBound
    /// The captured bytes.
    public let bytes: UnsafeRawBufferPointer
    /// Absolute offset of the header.
    public let offset: Int
    /// The extent of the payload: to the total length, cut at the captured bytes.
    public let payloadExtent: ByteExtent

    /// Validates the header.
    /// - Throws: `DecodeError` on `.ipv4`: truncated, `badValue` version, `badLength` header or total length.
    public init(_ bytes: UnsafeRawBufferPointer, at offset: Int, within extent: ByteExtent) throws(DecodeError) {
        try extent.requireCaptured(.ipv4, offset, Self.minimumHeaderLength)
        let version = bytes[offset + Field.versionAndHeaderLength.lowerBound] >> 4
        if version != 4 { throw DecodeError(.ipv4, at: offset, .badValue(field: "version", value: Int(version))) }
        let headerLength = Int(bytes[offset + Field.versionAndHeaderLength.lowerBound] & 0x0f) * 4
        if headerLength < Self.minimumHeaderLength {
            throw DecodeError(.ipv4, at: offset, .badLength(field: "header length", value: headerLength))
        }
        try extent.requireLength(.ipv4, offset, headerLength, field: "header length", at: offset, value: headerLength)
        let totalLength = Int(bytes.u16be(offset + Field.totalLength.lowerBound))
        if totalLength < headerLength {
            throw DecodeError(.ipv4, at: offset + Field.totalLength.lowerBound, .badLength(field: "total length", value: totalLength))
        }
        if offset + totalLength > extent.end {
            throw DecodeError(.ipv4, at: offset + Field.totalLength.lowerBound, .badLength(field: "total length", value: totalLength))
        }
        self.bytes = bytes
        self.offset = offset
        payloadExtent = ByteExtent(end: offset + totalLength, capturedEnd: extent.capturedEnd)
    }

    /// Header length in bytes (IHL × 4).
    public var headerLength: Int { Int(u8(Field.versionAndHeaderLength) & 0x0f) * 4 }
    /// DSCP (upper six bits of the DS field).
    public var dscp: UInt8 { u8(Field.differentiatedServices) >> 2 }
    /// ECN (lower two bits of the DS field).
    public var ecn: UInt8 { u8(Field.differentiatedServices) & 3 }
    /// Total length of header and payload.
    public var totalLength: Int { Int(u16be(Field.totalLength)) }
    /// Identification.
    public var identification: UInt16 { u16be(Field.identification) }
    /// Don't Fragment.
    public var dontFragment: Bool { u16be(Field.flagsAndFragmentOffset) & 0x4000 != 0 }
    /// More Fragments.
    public var moreFragments: Bool { u16be(Field.flagsAndFragmentOffset) & 0x2000 != 0 }
    /// The reserved (evil) bit.
    public var reservedFlag: Bool { u16be(Field.flagsAndFragmentOffset) & 0x8000 != 0 }
    /// Fragment offset in bytes.
    public var fragmentOffset: Int { Int(u16be(Field.flagsAndFragmentOffset) & 0x1fff) * 8 }
    /// True for any fragment (More Fragments set or a non-zero offset).
    public var isFragment: Bool { moreFragments || fragmentOffset != 0 }
    /// Time to live.
    public var timeToLive: UInt8 { u8(Field.timeToLive) }
    /// The payload's protocol number (6 TCP, 17 UDP, 1 ICMP).
    public var protocolNumber: UInt8 { u8(Field.protocolNumber) }
    /// The header checksum as carried.
    public var checksum: UInt16 { u16be(Field.checksum) }
    /// The checksum the header should carry (computed with the field as zero).
    public var computedChecksum: UInt16 {
        let sum = onesComplementSum(bytes, offset..<start(of: Field.checksum))
        return internetChecksum(bytes, range(of: Field.checksum).upperBound..<(offset + headerLength), initial: sum)
    }
    /// Source address as text.
    public var source: String { Format.ipv4(bytes, start(of: Field.source)) }
    /// Destination address as text.
    public var destination: String { Format.ipv4(bytes, start(of: Field.destination)) }
    /// The one's-complement sum of the TCP/UDP pseudo-header for `length` bytes of protocol `protocolNumber`.
    public func pseudoHeaderSum(length: Int, protocolNumber: UInt8) -> UInt32 {
        onesComplementSum(
            bytes, start(of: Field.source)..<range(of: Field.destination).upperBound, initial: UInt32(protocolNumber) + UInt32(length))
    }
    /// Absolute offset of the payload.
    public var payloadOffset: Int { offset + headerLength }
    /// Absolute range of the options (empty without options).
    public var optionsRange: Range<Int> { (offset + Self.minimumHeaderLength)..<payloadOffset }

    /// The options, validated: each with its type and absolute range.
    /// - Throws: `.ipv4` `badLength` when an option's length is below 2 or runs past the header.
    public func options() throws(DecodeError) -> [HeaderOption] {
        guard headerLength > Self.minimumHeaderLength else { return [] }
        var list: [HeaderOption] = []
        var index = optionsRange.lowerBound
        let end = optionsRange.upperBound
        while index < end {
            let type = bytes[index]
            if type == 0 { list.append(HeaderOption(type: type, range: index..<end)); break }
            if type == 1 { list.append(HeaderOption(type: type, range: index..<(index + 1))); index += 1; continue }
            guard index + 1 < end else { throw DecodeError(.ipv4, at: index, .badLength(field: "option length", value: 0)) }
            let length = Int(bytes[index + 1])
            if length < 2 || index + length > end {
                throw DecodeError(.ipv4, at: index + 1, .badLength(field: "option length", value: length))
            }
            list.append(HeaderOption(type: type, range: index..<(index + length)))
            index += length
        }
        return list
    }

    /// tshark's name for an option type.
    public static func optionName(_ type: UInt8) -> String {
        switch type {
        case 0: "End of Options List (EOL)"
        case 1: "No-Operation (NOP)"
        case 7: "Record Route"
        case 68: "Time Stamp"
        case 130: "Security"
        case 131: "Loose Source Route"
        case 136: "Stream ID"
        case 137: "Strict Source Route"
        case 148: "Router Alert"
        default: "Unknown (\(type))"
        }
    }
}

/// A view over an IPv6 fixed header (RFC 8200). Extension headers are walked by `IPv6ExtensionView`.
public struct IPv6View: DeclaredFields {
    /// Field byte ranges relative to the header's start.
    public enum Field {
        public static let versionClassFlow = 0..<4
        /// The byte holding the version (upper four bits).
        public static let version = 0..<1
        /// The bytes holding the traffic class (after the version's four bits).
        public static let trafficClass = 0..<2
        /// The bytes holding the 20-bit flow label.
        public static let flowLabel = 1..<4
        public static let payloadLength = 4..<6
        public static let nextHeader = 6..<7
        public static let hopLimit = 7..<8
        public static let source = 8..<24
        public static let destination = 24..<40
    }
    /// Header length.
    public static let headerLength = Field.destination.upperBound
    /// The captured bytes.
    public let bytes: UnsafeRawBufferPointer
    /// Absolute offset of the header.
    public let offset: Int
    /// The extent of the payload (payload length, cut at the captured bytes).
    public let payloadExtent: ByteExtent

    /// Validates the header and its payload length.
    /// - Throws: `DecodeError` on `.ipv6`: truncated, `badValue` version, `badLength` payload length.
    public init(_ bytes: UnsafeRawBufferPointer, at offset: Int, within extent: ByteExtent) throws(DecodeError) {
        try extent.requireCaptured(.ipv6, offset, Self.headerLength)
        let version = bytes[offset + Field.version.lowerBound] >> 4
        if version != 6 { throw DecodeError(.ipv6, at: offset, .badValue(field: "version", value: Int(version))) }
        let payloadLength = Int(bytes.u16be(offset + Field.payloadLength.lowerBound))
        // A zero payload length with a hop-by-hop header means a jumbogram: the payload runs to the end.
        let end =
            payloadLength == 0 && bytes[offset + Field.nextHeader.lowerBound] == 0 ? extent.end : offset + Self.headerLength + payloadLength
        if end > extent.end {
            throw DecodeError(.ipv6, at: offset + Field.payloadLength.lowerBound, .badLength(field: "payload length", value: payloadLength))
        }
        self.bytes = bytes
        self.offset = offset
        payloadExtent = ByteExtent(end: end, capturedEnd: extent.capturedEnd)
    }

    /// Traffic class.
    public var trafficClass: UInt8 { UInt8(truncatingIfNeeded: u16be(Field.trafficClass) >> 4) }
    /// Flow label.
    public var flowLabel: UInt32 { u32be(Field.versionClassFlow) & 0xfffff }
    /// Payload length.
    public var payloadLength: Int { Int(u16be(Field.payloadLength)) }
    /// The first next-header value.
    public var nextHeader: UInt8 { u8(Field.nextHeader) }
    /// Hop limit.
    public var hopLimit: UInt8 { u8(Field.hopLimit) }
    /// Source address as text.
    public var source: String { Format.ipv6(bytes, start(of: Field.source)) }
    /// Destination address as text.
    public var destination: String { Format.ipv6(bytes, start(of: Field.destination)) }
    /// The one's-complement sum of the upper-layer pseudo-header (RFC 8200 §8.1).
    public func pseudoHeaderSum(length: Int, nextHeader: UInt8) -> UInt32 {
        onesComplementSum(
            bytes, start(of: Field.source)..<range(of: Field.destination).upperBound,
            initial: UInt32(length >> 16) + UInt32(length & 0xffff) + UInt32(nextHeader))
    }
    /// Absolute offset of the first header after the fixed header.
    public var payloadOffset: Int { offset + Self.headerLength }
}

/// A view over one IPv6 extension header: hop-by-hop options (0), routing (43), fragment (44) or
/// destination options (60).
public struct IPv6ExtensionView: DeclaredFields {
    /// Field byte ranges relative to the header's start; the fragment and routing fields are those
    /// headers' own.
    public enum Field {
        public static let nextHeader = 0..<1
        public static let headerExtensionLength = 1..<2
        public static let routingType = 2..<3
        public static let segmentsLeft = 3..<4
        public static let fragmentOffsetAndFlags = 2..<4
        /// The fragment header's byte holding the More Fragments flag (lowest bit).
        public static let fragmentMoreFlag = 3..<4
        public static let fragmentIdentification = 4..<8
        /// The first option of a hop-by-hop or destination options header.
        public static let optionsStart = 2
    }
    /// The extension header types this view decodes.
    public static let types: Set<UInt8> = [0, 43, 44, 60]
    /// The captured bytes.
    public let bytes: UnsafeRawBufferPointer
    /// Absolute offset of the header.
    public let offset: Int
    /// The header's type (the previous header's next-header value).
    public let type: UInt8
    /// Length in bytes: 8 for fragment headers, (Hdr Ext Len + 1) × 8 for the others.
    public let length: Int

    /// Validates one extension header of `type` at `offset`.
    /// - Throws: `DecodeError` on `.ipv6Extension`: truncated, or `badLength` past the payload length.
    public init(_ bytes: UnsafeRawBufferPointer, at offset: Int, type: UInt8, within extent: ByteExtent) throws(DecodeError) {
        try extent.requireCaptured(.ipv6Extension, offset, Field.headerExtensionLength.upperBound)
        let lengthField = offset + Field.headerExtensionLength.lowerBound
        let length = type == 44 ? 8 : (Int(bytes[lengthField]) + 1) * 8
        try extent.requireLength(.ipv6Extension, offset, length, field: "header extension length", at: lengthField, value: length)
        self.bytes = bytes
        self.offset = offset
        self.type = type
        self.length = length
    }

    /// The next header after this one.
    public var nextHeader: UInt8 { u8(Field.nextHeader) }
    /// The name tshark gives the header.
    public var name: String {
        switch type {
        case 0: "Hop-by-Hop Options"
        case 43: "Routing Header"
        case 44: "Fragment Header"
        default: "Destination Options"
        }
    }
    /// Fragment header: offset in bytes.
    public var fragmentOffset: Int { Int(u16be(Field.fragmentOffsetAndFlags) & 0xfff8) }
    /// Fragment header: More Fragments.
    public var moreFragments: Bool { u8(Field.fragmentMoreFlag) & 1 != 0 }
    /// Fragment header: identification.
    public var fragmentIdentification: UInt32 { u32be(Field.fragmentIdentification) }
    /// Routing header: routing type and segments left.
    public var routing: (type: UInt8, segmentsLeft: UInt8) { (u8(Field.routingType), u8(Field.segmentsLeft)) }

    /// Hop-by-hop / destination options: each option's type and absolute range.
    /// - Throws: `.ipv6Extension` `badLength` when an option runs past the header.
    public func options() throws(DecodeError) -> [HeaderOption] {
        guard type == 0 || type == 60 else { return [] }
        var list: [HeaderOption] = []
        var index = offset + Field.optionsStart
        let end = offset + length
        while index < end {
            let optionType = bytes[index]
            if optionType == 0 { list.append(HeaderOption(type: 0, range: index..<(index + 1))); index += 1; continue }
            guard index + 1 < end else { throw DecodeError(.ipv6Extension, at: index, .badLength(field: "option length", value: 0)) }
            let optionLength = 2 + Int(bytes[index + 1])
            if index + optionLength > end {
                throw DecodeError(.ipv6Extension, at: index + 1, .badLength(field: "option length", value: optionLength - 2))
            }
            list.append(HeaderOption(type: optionType, range: index..<(index + optionLength)))
            index += optionLength
        }
        return list
    }

    /// The name of an option type.
    public static func optionName(_ type: UInt8) -> String {
        switch type {
        case 0: "Pad1"
        case 1: "PadN"
        case 5: "Router Alert"
        case 0xc2: "Jumbo Payload"
        case 0x63: "RPL Option"
        default: "Unknown (\(type))"
        }
    }
}
