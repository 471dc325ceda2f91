import SocketKit

/// An IPv4 or IPv6 address read from a packet: SocketKit's address values, so a million packets
/// can be counted per address without building strings. Encodes as its text form (`127.0.0.1`, `::1`).
public enum IPAddress: Hashable, Sendable, Comparable, TextCodable {
    /// An IPv4 address.
    case v4(IPv4Address)
    /// An IPv6 address.
    case v6(IPv6Address)

    /// Reads an IPv4 address (4 bytes) or IPv6 address (16 bytes) at `offset`; the caller has
    /// checked that the bytes were captured.
    init(_ bytes: UnsafeRawBufferPointer, at offset: Int, ipv6: Bool) {
        guard ipv6 else {
            self = .v4(IPv4Address(bytes.u32be(offset)))
            return
        }
        var address = IPv6Address.any
        address.high = UInt64(bytes.u32be(offset)) << 32 | UInt64(bytes.u32be(offset + 4))
        address.low = UInt64(bytes.u32be(offset + 8)) << 32 | UInt64(bytes.u32be(offset + 12))
        self = .v6(address)
    }

    /// Parses a numeric address (`10.0.0.1`, `fe80::1`); nil for anything else.
    public init?(_ text: String) {
        if let address = IPv4Address(text) {
            self = .v4(address)
        } else if let address = IPv6Address(text) {
            self = .v6(address)
        } else {
            return nil
        }
    }

    /// True for IPv6.
    public var isIPv6: Bool { if case .v6 = self { true } else { false } }

    /// The address in network byte order (4 or 16 bytes).
    public var bytes: [UInt8] {
        switch self {
        case .v4(let address): address.bytes
        case .v6(let address): address.bytes
        }
    }

    /// True for the unspecified address (`0.0.0.0`, `::`).
    public var isUnspecified: Bool { self == .v4(.any) || self == .v6(.any) }

    /// `::ffff:a.b.c.d` as `a.b.c.d`; other addresses unchanged.
    public var unmapped: IPAddress {
        if case .v6(let address) = self, let mapped = address.mappedIPv4 { return .v4(mapped) }
        return self
    }

    /// The text form, as inet_ntop writes it.
    public var description: String {
        switch self {
        case .v4(let address): address.description
        case .v6(let address): address.description
        }
    }

    /// IPv4 before IPv6, then numerically.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        switch (lhs, rhs) {
        case (.v4(let a), .v4(let b)): a < b
        case (.v6(let a), .v6(let b)): a < b
        case (.v4, .v6): true
        case (.v6, _): false
        }
    }

    /// For ``TextCodable``'s error.
    public static var textKind: String { "IP address" }
}

/// The transport protocols whose conversations the analysis engines follow.
public enum TransportProtocol: String, Hashable, Sendable, Codable, CaseIterable {
    /// TCP (`tcp.stream`).
    case tcp
    /// UDP (`udp.stream`).
    case udp

    /// The IP protocol number (6, 17).
    public var protocolNumber: UInt8 { self == .tcp ? 6 : 17 }
}

/// One end of a conversation: an address, and a port for TCP and UDP (0 at the IP layer).
public struct FlowEndpoint: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// The IP address.
    public var address: IPAddress
    /// The port (0 when the layer has none).
    public var port: UInt16

    /// Creates an endpoint.
    public init(address: IPAddress, port: UInt16 = 0) {
        self.address = address
        self.port = port
    }

    /// `127.0.0.1:80`, `[::1]:80` with a port; the address alone without.
    public var description: String {
        guard port != 0 else { return address.description }
        return address.isIPv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.address, lhs.port) < (rhs.address, rhs.port) }
}

/// The layers conversations and endpoints are counted at, named as tshark's `-z conv,TYPE`.
public enum ConversationLayer: String, Hashable, Sendable, Codable, CaseIterable {
    /// IPv4 addresses (tshark's `ip`).
    case ipv4 = "ip"
    /// IPv6 addresses.
    case ipv6
    /// TCP address and port pairs.
    case tcp
    /// UDP address and port pairs.
    case udp
}

/// A conversation's identity: its layer and its two ends, in a canonical order so that both
/// directions of a conversation have the same key.
public struct ConversationKey: Hashable, Sendable, Codable {
    /// The layer.
    public var layer: ConversationLayer
    /// The lower end (by address, then port).
    public var lower: FlowEndpoint
    /// The higher end.
    public var upper: FlowEndpoint

    /// The key of the conversation between `a` and `b`, in either order.
    public init(layer: ConversationLayer, _ a: FlowEndpoint, _ b: FlowEndpoint) {
        self.layer = layer
        if b < a { lower = b; upper = a } else { lower = a; upper = b }
    }
}
