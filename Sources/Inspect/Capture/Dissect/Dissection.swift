/// What the dissectors made of one packet: the layers decoded, the summary columns, the field tree
/// (when asked for) and the error that stopped decoding, if any.
public struct Dissection: Hashable, Sendable, Codable {
    /// Layers decoded, outermost first (a failing layer is not listed; see `error`).
    public var layers: [ProtocolLayer] = []
    /// Source column: IP address, or MAC address below IP.
    public var source = ""
    /// Destination column.
    public var destination = ""
    /// Protocol column: the highest layer decoded (`TCP`, `DNS`, `TLS`), or the one that failed.
    public var protocolName = ""
    /// Info column, in tshark's style (`43512 → 80 [SYN] Seq=… Win=65495 Len=0 MSS=65495`).
    public var info = ""
    /// The field tree: one node per layer, starting with the frame. Empty unless detail was requested.
    public var fields: [FieldNode] = []
    /// Why decoding stopped early, or nil when every layer decoded.
    public var error: DecodeError?

    /// Creates an empty dissection.
    public init() {}

    /// The first field with tshark name `key` (`ip.src`), depth first.
    public func field(_ key: String) -> FieldNode? {
        for node in fields { if let found = node.first(key) { return found } }
        return nil
    }

    /// Every field with tshark name `key`, in packet order.
    public func allFields(_ key: String) -> [FieldNode] {
        fields.flatMap(\.flattened).filter { $0.key == key }
    }
}

/// Settings for the dissectors.
public struct DissectorOptions: Hashable, Sendable {
    /// Build the field tree (`Dissection.fields`); summaries alone are cheaper.
    public var detail: Bool
    /// UDP and TCP ports whose payload is decoded as DNS.
    public var dnsPorts: Set<UInt16>

    /// Creates options; DNS is decoded on 53 (DNS), 5353 (mDNS) and 5355 (LLMNR) by default.
    public init(detail: Bool = false, dnsPorts: Set<UInt16> = [53, 5353, 5355]) {
        self.detail = detail
        self.dnsPorts = dnsPorts
    }
}

extension ProtocolLayer {
    /// The name shown in the Protocol column.
    public var displayName: String {
        switch self {
        case .null: "NULL"
        case .ethernet: "Ethernet"
        case .vlan: "VLAN"
        case .sll: "SLL"
        case .sll2: "SLL2"
        case .arp: "ARP"
        case .ipv4: "IPv4"
        case .ipv6: "IPv6"
        case .ipv6Extension: "IPv6"
        case .icmp: "ICMP"
        case .icmpv6: "ICMPv6"
        case .tcp: "TCP"
        case .udp: "UDP"
        case .dns: "DNS"
        case .http: "HTTP"
        case .tls: "TLS"
        }
    }
}
