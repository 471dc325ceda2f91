#if canImport(Glibc)
    import Glibc
#endif

/// One value of a field in one packet, typed as the filter compares it.
public enum DisplayFilterValue: Hashable, Sendable {
    /// Integers, booleans (0/1), flags.
    case unsigned(UInt64)
    /// An IPv4 address, host order.
    case ipv4(UInt32)
    /// IPv6 addresses (16 bytes), MAC addresses (6), byte strings, protocols' bytes.
    case bytes([UInt8])
    /// Text.
    case string(String)
    /// Signed integers; durations in nanoseconds.
    case signed(Int64)

    /// The value's bytes for slices, `contains` and `len()`: a string's UTF-8, an address in
    /// network order, an integer in the fewest big-endian bytes (at least one).
    var bytes: [UInt8] {
        switch self {
        case .bytes(let bytes): bytes
        case .string(let text): Array(text.utf8)
        case .ipv4(let address): withUnsafeBytes(of: address.bigEndian) { Array($0) }
        case .unsigned(let value):
            value == 0 ? [0] : Array(withUnsafeBytes(of: value.bigEndian) { Array($0) }.drop { $0 == 0 })
        case .signed(let value): withUnsafeBytes(of: value.bigEndian) { Array($0) }
        }
    }
}

/// One occurrence of a field in a packet: its value and the bytes of the packet it covers.
public struct DisplayFilterOccurrence: Hashable, Sendable {
    /// The value.
    public var value: DisplayFilterValue
    /// The packet's bytes under the field (a slice of a protocol or field takes these).
    public var raw: [UInt8]

    /// Creates an occurrence.
    public init(_ value: DisplayFilterValue, raw: [UInt8]) {
        self.value = value
        self.raw = raw
    }
}

/// A packet as a display filter sees it: the occurrences of each field, in packet order.
public protocol DisplayFilterPacket {
    /// Every occurrence of the field named `name` (a field a packet lacks has none).
    func occurrences(of name: String) -> [DisplayFilterOccurrence]
    /// Whether `body` is true of an occurrence of `field`, stopping at the first: the evaluation
    /// path that makes no array (``LayerFieldPacket`` reads the field's bytes with the reader the
    /// filter resolved when it was compiled).
    func containsOccurrence(of field: DisplayFilterFieldRef, where body: (DisplayFilterOccurrence) -> Bool) -> Bool
}

extension DisplayFilterPacket {
    /// Through ``occurrences(of:)``.
    public func containsOccurrence(of field: DisplayFilterFieldRef, where body: (DisplayFilterOccurrence) -> Bool) -> Bool {
        occurrences(of: field.name).contains(where: body)
    }
}

/// A field a compiled filter names, with what reads it from a packet's headers when
/// ``LayerFieldPacket`` can (resolved once, at compile time, not per packet).
public struct DisplayFilterFieldRef: Sendable {
    /// The field's name (`tcp.srcport`).
    public let name: String
    let header: LayerFieldPacket.Reader?

    init(_ name: String) {
        self.name = name
        header = LayerFieldPacket.fields[name]
    }
}

/// Literals, read as the type of the field they are compared with.
enum DisplayFilterLiteral {
    /// `80`, `0x50`, `0o17`/`017`, `0b101`, `true`/`false`.
    static func unsigned(_ text: String) -> UInt64? {
        let lower = text.lowercased()
        if lower == "true" { return 1 }
        if lower == "false" { return 0 }
        if lower.hasPrefix("0x") { return UInt64(lower.dropFirst(2), radix: 16) }
        if lower.hasPrefix("0b") { return UInt64(lower.dropFirst(2), radix: 2) }
        if lower.hasPrefix("0o") { return UInt64(lower.dropFirst(2), radix: 8) }
        if lower.count > 1, lower.hasPrefix("0") { return UInt64(lower.dropFirst(), radix: 8) }
        return UInt64(lower)
    }

    /// `-2`, `128`, `0x10`: a signed integer in any base `unsigned` reads.
    static func signed(_ text: String) -> Int64? {
        if text.hasPrefix("-") { return unsigned(String(text.dropFirst())).flatMap { $0 <= UInt64(Int64.max) ? -Int64($0) : nil } }
        return unsigned(text).flatMap { $0 <= UInt64(Int64.max) ? Int64($0) : nil }
    }

    /// `0.2`, `1`, `-0.000150`: seconds, to the nanosecond (further digits are dropped); nil past
    /// what 64 bits of nanoseconds hold.
    static func seconds(_ text: String) -> Int64? {
        var rest = Substring(text)
        let negative = rest.hasPrefix("-")
        if negative { rest = rest.dropFirst() }
        let parts = rest.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = parts[0], fraction = parts.count > 1 ? parts[1] : ""
        guard !(whole + fraction).isEmpty, (whole + fraction).allSatisfy({ $0.isASCII && $0.isNumber }), whole.count <= 19 else {
            return nil
        }
        let digits = Int64(String((fraction + "000000000").prefix(9)))!
        guard let seconds = whole.isEmpty ? 0 : Int64(whole) else { return nil }
        // Accumulated with the sign, so the most negative value is reachable.
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: negative ? -1_000_000_000 : 1_000_000_000)
        guard !overflow else { return nil }
        let (total, overflowed) = scaled.addingReportingOverflow(negative ? -digits : digits)
        return overflowed ? nil : total
    }

    /// `a.b.c.d` or `a.b.c.d/len` (an address and its prefix length, 32 for one address).
    static func ipv4(_ text: String) -> (address: UInt32, prefix: Int)? {
        let (address, prefix) = split(text, maximum: 32)
        guard let prefix else { return nil }
        var value = in_addr()
        guard inet_pton(AF_INET, address, &value) == 1 else { return nil }
        return (UInt32(bigEndian: value.s_addr), prefix)
    }

    /// An IPv6 address with an optional `/len`.
    static func ipv6(_ text: String) -> (address: [UInt8], prefix: Int)? {
        let (address, prefix) = split(text, maximum: 128)
        guard let prefix else { return nil }
        var value = in6_addr()
        guard inet_pton(AF_INET6, address, &value) == 1 else { return nil }
        return (withUnsafeBytes(of: value) { Array($0) }, prefix)
    }

    /// Bytes written as hex pairs separated by `:`, `-` or `.` (`00:00:5e`, `aa-bb`), or one pair.
    static func bytes(_ text: String) -> [UInt8]? {
        let parts = text.split(omittingEmptySubsequences: false) { $0 == ":" || $0 == "-" || $0 == "." }
        guard !parts.isEmpty else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard part.count == 2 || (parts.count == 1 && part.count % 2 == 0 && !part.isEmpty) else { return nil }
            var index = part.startIndex
            while index < part.endIndex {
                let next = part.index(index, offsetBy: 2)
                guard let byte = UInt8(part[index..<next], radix: 16) else { return nil }
                bytes.append(byte)
                index = next
            }
        }
        return bytes
    }

    private static func split(_ text: String, maximum: Int) -> (String, Int?) {
        guard let slash = text.firstIndex(of: "/") else { return (text, maximum) }
        guard let prefix = Int(text[text.index(after: slash)...]), (0...maximum).contains(prefix) else { return (text, nil) }
        return (String(text[..<slash]), prefix)
    }
}
