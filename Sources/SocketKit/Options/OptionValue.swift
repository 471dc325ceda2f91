/// The value of any socket option, type-erased for the Sockets panel and for JSON.
///
/// `unavailable` carries why there is no value: the errno name the kernel answered with
/// (`"ENOPROTOOPT"`, `"ENOTCONN"`), `"write-only"` for an option the kernel cannot report, or a
/// decoding problem.
public enum OptionValue: Hashable, Sendable, CustomStringConvertible {
    /// A flag: `SO_REUSEADDR`, `TCP_NODELAY`.
    case bool(Bool)
    /// A C `int` or `u32`: `IP_TTL`, `TCP_KEEPIDLE`.
    case int(Int)
    /// A C `u64`: `SO_COOKIE`, `SO_MAX_PACING_RATE`.
    case unsigned(UInt64)
    /// A buffer size the kernel doubles: `SO_RCVBUF`, `SO_SNDBUF` (see `BufferSize`). `requested` is the
    /// request of the setsockopt this value was read back after, `nil` for a plain read (which cannot know
    /// what was asked for, or whether the kernel tuned the size itself).
    case bufferSize(requested: Int?, effective: Int)
    /// A `struct timeval`: `SO_RCVTIMEO`, `SO_SNDTIMEO` (zero = none).
    case duration(Duration)
    /// `SO_LINGER`.
    case linger(Linger)
    /// A name: `SO_BINDTODEVICE`, `TCP_CONGESTION`.
    case string(String)
    /// A structure without a typed decoder.
    case bytes([UInt8])
    /// `SO_PEERCRED`.
    case credentials(PeerCredentials)
    /// `TCP_INFO`.
    case tcpInfo(TCPInfo)
    /// No value: an errno name such as `ENOPROTOOPT`, or `write-only`.
    case unavailable(String)

    /// True unless `.unavailable`.
    public var isAvailable: Bool {
        if case .unavailable = self { false } else { true }
    }

    /// The value for a person: `on`, `212992` (read), `212992 (kernel doubled 106496)` (read back after a set), `250 ms`, `on, 5 s`,
    /// `pid 12, uid 0, gid 0`, `0a 0b`, `unavailable (ENOPROTOOPT)`.
    public var description: String { formatted(unit: nil) }

    /// Like `description`, with `unit` after a plain integer (`7200 s`, `16384 bytes`).
    public func formatted(unit: OptionUnit?) -> String {
        switch self {
        case .bool(let value): return value ? "on" : "off"
        case .int(let value): return unit.map { "\(value) \($0.symbol)" } ?? "\(value)"
        case .unsigned(let value):
            if value == UInt64.max { return "unlimited" }
            return unit.map { "\(value) \($0.symbol)" } ?? "\(value)"
        case .bufferSize(let requested, let effective):
            return requested.map { BufferSize(requested: $0, effective: effective).description } ?? "\(effective)"
        case .duration(let value): return OptionValue.format(value)
        case .linger(let value): return value.description
        case .string(let value): return value.isEmpty ? "(none)" : value
        case .bytes(let value): return value.isEmpty ? "(empty)" : value.map { OptionValue.hex($0) }.joined(separator: " ")
        case .credentials(let value): return value.description
        case .tcpInfo(let value): return value.description
        case .unavailable(let reason): return "unavailable (\(reason))"
        }
    }

    /// `0 (none)`, `250 ms`, `1.5 s`, `10 s`, `100 µs`.
    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let microseconds = seconds * 1_000_000 + attoseconds / 1_000_000_000_000
        if microseconds == 0 { return "0 (none)" }
        if microseconds % 1_000_000 == 0 { return "\(microseconds / 1_000_000) s" }
        if microseconds < 1_000_000 {
            return microseconds % 1000 == 0 ? "\(microseconds / 1000) ms" : "\(microseconds) µs"
        }
        var fraction = String(microseconds % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(microseconds / 1_000_000).\(fraction) s"
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16)
        return digits.count == 1 ? "0" + digits : digits
    }
}
