/// A link-layer header type as capture files record it (the LINKTYPE_* registry; tcpdump's DLT_*
/// differ from LINKTYPE_* only for a few historical values, and `dataLinkType` maps those).
public struct LinkType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The LINKTYPE_* number.
    public var rawValue: UInt32

    /// Creates a link type from its LINKTYPE_* number.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// BSD loopback: a 4-byte address family in the capturing host's byte order. C: LINKTYPE_NULL.
    public static let null = LinkType(rawValue: 0)
    /// Ethernet II (and 802.3). C: LINKTYPE_ETHERNET (DLT_EN10MB).
    public static let ethernet = LinkType(rawValue: 1)
    /// Raw IPv4 or IPv6, told apart by the version nibble. C: LINKTYPE_RAW (DLT_RAW is 12 on Linux).
    public static let raw = LinkType(rawValue: 101)
    /// OpenBSD loopback: a 4-byte address family in network byte order. C: LINKTYPE_LOOP.
    public static let loop = LinkType(rawValue: 108)
    /// Linux cooked capture v1 (the `any` interface). C: LINKTYPE_LINUX_SLL.
    public static let linuxSLL = LinkType(rawValue: 113)
    /// Raw IPv4. C: LINKTYPE_IPV4.
    public static let ipv4 = LinkType(rawValue: 228)
    /// Raw IPv6. C: LINKTYPE_IPV6.
    public static let ipv6 = LinkType(rawValue: 229)
    /// Linux cooked capture v2, with interface index. C: LINKTYPE_LINUX_SLL2.
    public static let linuxSLL2 = LinkType(rawValue: 276)

    /// The DLT_* value libpcap's compiler expects (`pcap_open_dead`) for this link type.
    public var dataLinkType: Int32 {
        switch self {
        case .raw: 12  // DLT_RAW on Linux
        default: Int32(bitPattern: rawValue)
        }
    }

    /// The name tcpdump prints (`EN10MB`, `LINUX_SLL2`), or the number.
    public var name: String {
        switch self {
        case .null: "NULL"
        case .ethernet: "EN10MB"
        case .raw: "RAW"
        case .loop: "LOOP"
        case .linuxSLL: "LINUX_SLL"
        case .ipv4: "IPV4"
        case .ipv6: "IPV6"
        case .linuxSLL2: "LINUX_SLL2"
        default: "LINKTYPE_\(rawValue)"
        }
    }

    public var description: String { name }

    /// True for the link types the dissectors decode.
    public var isDecoded: Bool {
        [.null, .ethernet, .raw, .loop, .linuxSLL, .ipv4, .ipv6, .linuxSLL2].contains(self)
    }
}
