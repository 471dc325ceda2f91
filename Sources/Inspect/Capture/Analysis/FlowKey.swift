import SocketKit

/// An IPv4 or IPv6 address held by value (two integers, no allocation), so a million packets can
/// be counted per address without building strings. Encodes as its text form (`127.0.0.1`, `::1`).
public struct IPAddress: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    /// The first 8 bytes of an IPv6 address (0 for IPv4).
    public var high: UInt64
    /// The last 8 bytes of an IPv6 address, or the IPv4 address in the low 32 bits.
    public var low: UInt64
    /// True for IPv6.
    public var isIPv6: Bool

    /// Reads an IPv4 address (4 bytes) or IPv6 address (16 bytes) at `offset`; the caller has
    /// checked that the bytes were captured.
    init(_ bytes: UnsafeRawBufferPointer, at offset: Int, ipv6: Bool) {
        if ipv6 {
            high = UInt64(bytes.u32(offset)) << 32 | UInt64(bytes.u32(offset + 4))
            low = UInt64(bytes.u32(offset + 8)) << 32 | UInt64(bytes.u32(offset + 12))
        } else {
            high = 0
            low = UInt64(bytes.u32(offset))
        }
        isIPv6 = ipv6
    }

    /// Parses a numeric address (`10.0.0.1`, `fe80::1`); nil for anything else.
    public init?(_ text: String) {
        let ipv6 = text.contains(":")
        guard let bytes = try? inetPton(ipv6 ? .inet6 : .inet, text) else { return nil }
        self = bytes.withUnsafeBytes { IPAddress($0, at: 0, ipv6: ipv6) }
    }

    /// The address in network byte order (4 or 16 bytes).
    public var bytes: [UInt8] {
        let words = isIPv6 ? [high, low] : [low << 32]
        let all = words.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (56 - 8 * $0)) } }
        return Array(all.prefix(isIPv6 ? 16 : 4))
    }

    /// The text form, as inet_ntop writes it.
    public var description: String {
        bytes.withUnsafeBytes { isIPv6 ? Format.ipv6($0, 0) : Format.ipv4($0, 0) }
    }

    /// IPv4 before IPv6, then numerically.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.isIPv6 ? 1 : 0, lhs.high, lhs.low) < (rhs.isIPv6 ? 1 : 0, rhs.high, rhs.low)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let address = IPAddress(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an IP address: \(text)"))
        }
        self = address
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// The transport protocols whose conversations the analysis engines follow.
public enum TransportProtocol: String, Hashable, Sendable, Codable, CaseIterable {
    case tcp, udp

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
    case ipv4 = "ip", ipv6, tcp, udp
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
