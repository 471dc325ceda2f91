#if canImport(Glibc)
    import Glibc
#endif

/// An IPv4 address, stored in host byte order (`127.0.0.1` is `0x7f00_0001`).
///
/// Encodes to JSON as its dotted-quad string.
public struct IPv4Address: Hashable, Sendable, TextCodable, Comparable {
    /// The address as a host-order integer.
    public var value: UInt32

    /// Wraps a host-order integer.
    public init(_ value: UInt32) { self.value = value }

    /// Parses strict dotted-quad text (`inet_pton(AF_INET)`), or nil.
    public init?(_ text: String) {
        guard let bytes = try? inetPton(.inet, text) else { return nil }
        self.init(bytes: bytes)!
    }

    /// Builds from 4 network-order bytes, or nil for another length.
    @inlinable
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 4 else { return nil }
        var value: UInt32 = 0
        for byte in bytes { value = value << 8 | UInt32(byte) }
        self.value = value
    }

    /// The 4 bytes in network order.
    public var bytes: [UInt8] { [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)] }

    /// `0.0.0.0` (`INADDR_ANY`).
    public static let any = IPv4Address(0)
    /// `127.0.0.1` (`INADDR_LOOPBACK`).
    public static let loopback = IPv4Address(0x7f00_0001)
    /// `255.255.255.255` (`INADDR_BROADCAST`).
    public static let broadcast = IPv4Address(0xffff_ffff)

    /// Dotted quad, written digit by digit (socket tables format tens of thousands of these).
    public var description: String {
        String(unsafeUninitializedCapacity: 15) { buffer in
            var count = 0
            for shift in [24, 16, 8, 0] as [UInt32] {
                let octet = Int(value >> shift & 0xff)
                if shift != 24 { buffer[count] = UInt8(ascii: "."); count += 1 }
                if octet >= 100 { buffer[count] = UInt8(48 + octet / 100); count += 1 }
                if octet >= 10 { buffer[count] = UInt8(48 + octet / 10 % 10); count += 1 }
                buffer[count] = UInt8(48 + octet % 10)
                count += 1
            }
            return count
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

/// An IPv6 address as 16 network-order bytes.
///
/// Encodes to JSON as its RFC 5952 text (`inet_ntop`).
public struct IPv6Address: Hashable, Sendable, TextCodable, Comparable {
    /// The high and low 64 bits, host order.
    public var high: UInt64
    public var low: UInt64

    /// Builds from 16 network-order bytes, or nil for another length.
    @inlinable
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 16 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        for (index, byte) in bytes.enumerated() {
            if index < 8 { high = high << 8 | UInt64(byte) } else { low = low << 8 | UInt64(byte) }
        }
        self.high = high
        self.low = low
    }

    /// Parses IPv6 text (`inet_pton(AF_INET6)`), or nil. No scope suffix.
    public init?(_ text: String) {
        guard let bytes = try? inetPton(.inet6, text) else { return nil }
        self.init(bytes: bytes)
    }

    /// The 16 bytes in network order.
    public var bytes: [UInt8] {
        (0..<8).map { UInt8(high >> (56 - 8 * $0) & 0xff) } + (0..<8).map { UInt8(low >> (56 - 8 * $0) & 0xff) }
    }

    /// `::` (`in6addr_any`).
    public static let any = IPv6Address(bytes: [UInt8](repeating: 0, count: 16))!
    /// `::1` (`in6addr_loopback`).
    public static let loopback = IPv6Address(bytes: [UInt8](repeating: 0, count: 15) + [1])!

    /// True for `fe80::/10`: needs a scope id to be used.
    public var isLinkLocal: Bool { high >> 54 == 0x3fa }
    /// The embedded IPv4 address of a `::ffff:a.b.c.d` address, or nil.
    public var mappedIPv4: IPv4Address? {
        high == 0 && low >> 32 == 0xffff ? IPv4Address(UInt32(truncatingIfNeeded: low)) : nil
    }

    public var description: String { (try? inetNtop(.inet6, bytes)) ?? "?" }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }
}

/// A value whose Codable form is its text: encoded as `description`, decoded with `init?(_:)`,
/// and refused with "not an \(textKind): TEXT" when that fails (addresses in JSON).
public protocol TextCodable: Codable, CustomStringConvertible {
    /// Parses the text form; nil when it is not one.
    init?(_ text: String)
    /// What the text should have been, for the decoding error (`IPv4 address`).
    static var textKind: String { get }
}

extension TextCodable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = Self(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an \(Self.textKind): \(text)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension IPv4Address {
    /// For ``TextCodable``'s error.
    public static var textKind: String { "IPv4 address" }
}

extension IPv6Address {
    /// For ``TextCodable``'s error.
    public static var textKind: String { "IPv6 address" }
}
