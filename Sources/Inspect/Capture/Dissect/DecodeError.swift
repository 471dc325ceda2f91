/// A protocol layer the dissectors know, named as tshark names its protocols.
public enum ProtocolLayer: String, Hashable, Sendable, Codable, CaseIterable {
    case null, ethernet = "eth", vlan, sll, sll2, arp
    case ipv4 = "ip", ipv6, ipv6Extension = "ipv6.ext", icmp, icmpv6, tcp, udp
    case dns, http, tls
}

/// Why a layer could not be decoded: where it starts, where the problem is, and what is wrong.
///
/// The dissectors stop at the first error and keep every layer decoded before it, like tcpdump's
/// `[|tcp]`; `offset` is an absolute offset into the captured bytes, for the hex view to highlight.
public struct DecodeError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Hashable, Sendable, Codable {
        /// The layer needs `needed` bytes from `offset` but only `available` were captured.
        case truncated(needed: Int, available: Int)
        /// A length field holds a value that cannot be right (shorter than the header, past the enclosing layer).
        case badLength(field: String, value: Int)
        /// A field holds a value the protocol forbids.
        case badValue(field: String, value: Int)
        /// DNS name compression pointers form a loop, or point forward/outside the message.
        case compressionLoop(pointer: Int)
        /// A DNS name is longer than 255 bytes or a label is malformed.
        case badName(reason: String)
    }

    /// The layer that failed.
    public var layer: ProtocolLayer
    /// Absolute byte offset of the offending field (or of the end of the captured bytes when truncated).
    public var offset: Int
    /// What went wrong.
    public var kind: Kind

    /// Creates an error.
    public init(_ layer: ProtocolLayer, at offset: Int, _ kind: Kind) {
        self.layer = layer
        self.offset = offset
        self.kind = kind
    }

    public var description: String {
        switch kind {
        case .truncated(let needed, let available):
            "[|\(layer.rawValue)] truncated at byte \(offset): needs \(needed) bytes, \(available) captured"
        case .badLength(let field, let value):
            "[|\(layer.rawValue)] bad \(field) \(value) at byte \(offset)"
        case .badValue(let field, let value):
            "[|\(layer.rawValue)] bad \(field) \(value) at byte \(offset)"
        case .compressionLoop(let pointer):
            "[|\(layer.rawValue)] name compression loop (pointer to \(pointer)) at byte \(offset)"
        case .badName(let reason):
            "[|\(layer.rawValue)] bad name at byte \(offset): \(reason)"
        }
    }
}

/// An option inside a header (IPv4, IPv6 extension, neighbour discovery): its type and bytes.
public struct HeaderOption: Hashable, Sendable {
    /// The option type.
    public var type: UInt8
    /// Absolute range of the whole option.
    public var range: Range<Int>
}
