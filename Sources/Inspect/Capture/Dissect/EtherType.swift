/// EtherType numbers (IEEE 802, the `ETH_P_*` values of `<linux/if_ether.h>`): the one place that
/// spells them. A type field below `lengthLimit` is an 802.3 length, not an EtherType.
public enum EtherType {
    /// IPv4 (`ETH_P_IP`).
    public static let ipv4: UInt16 = 0x0800
    /// ARP (`ETH_P_ARP`).
    public static let arp: UInt16 = 0x0806
    /// Reverse ARP (`ETH_P_RARP`).
    public static let rarp: UInt16 = 0x8035
    /// 802.1Q VLAN tag, the customer tag (`ETH_P_8021Q`).
    public static let vlan: UInt16 = 0x8100
    /// IPv6 (`ETH_P_IPV6`).
    public static let ipv6: UInt16 = 0x86dd
    /// MPLS unicast (`ETH_P_MPLS_UC`).
    public static let mpls: UInt16 = 0x8847
    /// 802.1X authentication (`ETH_P_PAE`).
    public static let eapol: UInt16 = 0x888e
    /// 802.1ad service VLAN tag, Q-in-Q (`ETH_P_8021AD`).
    public static let serviceVLAN: UInt16 = 0x88a8
    /// LLDP (`ETH_P_LLDP`).
    public static let lldp: UInt16 = 0x88cc
    /// The pre-standard Q-in-Q tag (`ETH_P_QINQ1`).
    public static let qinq: UInt16 = 0x9100
    /// Type fields below this are 802.3 lengths.
    public static let lengthLimit: UInt16 = 0x0600

    /// True for the TPIDs that introduce a VLAN tag: 802.1Q, 802.1ad and the pre-standard Q-in-Q value.
    @inline(__always)
    public static func isVLANTag(_ type: UInt16) -> Bool { type == vlan || type == serviceVLAN || type == qinq }

    /// The name of an EtherType (`IPv4`, `ARP`), or its hex value.
    public static func name(_ type: UInt16) -> String {
        switch type {
        case ipv4: "IPv4"
        case arp: "ARP"
        case ipv6: "IPv6"
        case vlan: "802.1Q Virtual LAN"
        case serviceVLAN: "802.1ad Provider Bridge (Q-in-Q)"
        case rarp: "RARP"
        case mpls: "MPLS label switched packet"
        case lldp: "802.1 Link Layer Discovery Protocol (LLDP)"
        case eapol: "802.1X Authentication"
        default: Format.hex(type, width: 4)
        }
    }
}

/// Where a captured packet's network layer starts: the one walk over link headers (Ethernet II
/// with its VLAN tags, Linux cooked capture v1 and v2, BSD null/loop, raw IP), shared by flow
/// extraction, the quick summary path and the reassembly prefilter. The dissector reads the same
/// link views for its field tree.
public struct NetworkLayer: Hashable, Sendable {
    /// The network layer's EtherType. Raw IP and null/loop links give `EtherType.ipv4` or
    /// `.ipv6` (0 for a loopback address family that is neither); an Ethernet type field below
    /// `EtherType.lengthLimit` (802.3) is passed on as it is.
    public var etherType: UInt16
    /// Absolute offset of the network-layer header.
    public var offset: Int

    /// Creates a position.
    public init(etherType: UInt16, offset: Int) {
        self.etherType = etherType
        self.offset = offset
    }

    /// Walks the link header of `bytes` of link type `linkType`.
    /// - Returns: nil for a link type with no walk (the header is not one of those above).
    /// - Throws: `DecodeError` on the link layer when its header (or a VLAN tag) was not captured.
    @inline(__always)
    public static func find(
        _ bytes: UnsafeRawBufferPointer, linkType: LinkType, within extent: ByteExtent
    ) throws(DecodeError) -> NetworkLayer? {
        switch linkType {
        case .ethernet:
            let eth = try EthernetView(bytes, at: 0, within: extent)
            return NetworkLayer(etherType: eth.etherType, offset: eth.payloadOffset)
        case .linuxSLL:
            let sll = try SLLView(bytes, at: 0, within: extent)
            return NetworkLayer(etherType: sll.protocolType, offset: sll.payloadOffset)
        case .linuxSLL2:
            let sll = try SLL2View(bytes, at: 0, within: extent)
            return NetworkLayer(etherType: sll.protocolType, offset: sll.payloadOffset)
        case .null, .loop:
            let header = try NullView(bytes, at: 0, within: extent, networkOrder: linkType == .loop)
            return NetworkLayer(
                etherType: header.family == 2 ? EtherType.ipv4 : header.isIPv6 ? EtherType.ipv6 : 0, offset: header.payloadOffset)
        case .raw:
            try extent.requireCaptured(.ipv4, 0, 1)
            return NetworkLayer(etherType: bytes[0] >> 4 == 6 ? EtherType.ipv6 : EtherType.ipv4, offset: 0)
        case .ipv4: return NetworkLayer(etherType: EtherType.ipv4, offset: 0)
        case .ipv6: return NetworkLayer(etherType: EtherType.ipv6, offset: 0)
        default: return nil
        }
    }

    /// `find(_:linkType:within:)` over the captured bytes; nil also when the link header was not
    /// captured whole.
    @inline(__always)
    public static func find(_ bytes: UnsafeRawBufferPointer, linkType: LinkType) -> NetworkLayer? {
        try? find(bytes, linkType: linkType, within: ByteExtent(end: bytes.count, capturedEnd: bytes.count))
    }
}
