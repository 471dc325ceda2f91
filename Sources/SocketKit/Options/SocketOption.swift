#if canImport(Glibc)
    import Glibc
#endif

/// The protocol level of a socket option, the second argument of getsockopt(2): `SOL_SOCKET`,
/// `IPPROTO_IP`, `IPPROTO_IPV6`, `IPPROTO_TCP` or `IPPROTO_UDP`.
public struct SocketOptionLevel: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The C value.
    public let rawValue: Int32
    /// Wraps a C value.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `SOL_SOCKET`: options of the socket layer itself. See socket(7).
    public static let socket = SocketOptionLevel(rawValue: 1)
    /// `IPPROTO_IP`: IPv4 options (most also work on IPv6 sockets for v4-mapped traffic). See ip(7).
    public static let ip = SocketOptionLevel(rawValue: 0)
    /// `IPPROTO_IPV6`: IPv6 options. See ipv6(7).
    public static let ipv6 = SocketOptionLevel(rawValue: 41)
    /// `IPPROTO_TCP`: TCP options. See tcp(7).
    public static let tcp = SocketOptionLevel(rawValue: 6)
    /// `IPPROTO_UDP`: UDP options. See udp(7).
    public static let udp = SocketOptionLevel(rawValue: 17)

    /// The five levels the catalog covers, in display order.
    public static let allCases: [SocketOptionLevel] = [.socket, .ip, .ipv6, .tcp, .udp]

    /// The C name, such as `SOL_SOCKET` or `IPPROTO_TCP`.
    public var cName: String {
        switch self {
        case .socket: "SOL_SOCKET"
        case .ip: "IPPROTO_IP"
        case .ipv6: "IPPROTO_IPV6"
        case .tcp: "IPPROTO_TCP"
        case .udp: "IPPROTO_UDP"
        default: "level \(rawValue)"
        }
    }
    public var description: String { cName }
}

/// Whether an option can be read, written or both (nix's `GetOnly`, `SetOnly`, `Both`).
public enum SocketOptionAccess: String, Hashable, Sendable, Codable, CaseIterable {
    /// getsockopt(2) only, such as `SO_TYPE` or `TCP_INFO`.
    case readOnly = "read_only"
    /// setsockopt(2) only, such as `IP_ADD_MEMBERSHIP`.
    case writeOnly = "write_only"
    /// Both calls.
    case readWrite = "read_write"

    /// True for `.readOnly` and `.readWrite`.
    public var isReadable: Bool { self != .writeOnly }
    /// True for `.writeOnly` and `.readWrite`.
    public var isWritable: Bool { self != .readOnly }
}

/// The unit of an integer option's value, for display ("7200 s", "65536 bytes").
public enum OptionUnit: String, Hashable, Sendable, Codable {
    /// Bytes.
    case bytes
    /// Seconds.
    case seconds
    /// Milliseconds.
    case milliseconds
    /// Microseconds.
    case microseconds
    /// Router hops (TTL, hop limit).
    case hops
    /// Bytes per second (pacing rates).
    case bytesPerSecond

    /// The suffix shown after the number.
    public var symbol: String {
        switch self {
        case .bytes: "bytes"
        case .seconds: "s"
        case .milliseconds: "ms"
        case .microseconds: "µs"
        case .hops: "hops"
        case .bytesPerSecond: "bytes/s"
        }
    }
}

/// The sockets an option means something for: families, types and protocols (nil = any).
///
/// The kernel answers some options on any socket (reading `SO_PEERCRED` on TCP gives
/// "no peer"); applicability is what the Sockets panel lists, not what the kernel accepts.
public struct SocketOptionApplicability: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Address families, or nil for any.
    public let families: [AddressFamily]?
    /// Socket types, or nil for any.
    public let types: [SocketType]?
    /// Protocol numbers as given to socket(2) (0 = the default), or nil for any.
    public let protocols: [Int32]?

    /// Creates an applicability; nil means any.
    public init(families: [AddressFamily]? = nil, types: [SocketType]? = nil, protocols: [Int32]? = nil) {
        self.families = families
        self.types = types
        self.protocols = protocols
    }

    /// True when a socket of this family, type and protocol is covered.
    public func matches(family: AddressFamily, type: SocketType, protocol: Int32) -> Bool {
        (families?.contains(family) ?? true) && (types?.contains(type) ?? true)
            && (protocols?.contains(`protocol`) ?? true)
    }

    /// Every socket (`SOL_SOCKET` options).
    public static let anySocket = SocketOptionApplicability()
    /// AF_UNIX (and AF_NETLINK) sockets: credential passing.
    public static let local = SocketOptionApplicability(families: [.unix, .netlink])
    /// Any IPv4 or IPv6 socket.
    public static let internet = SocketOptionApplicability(families: [.inet, .inet6])
    /// IPv4 or IPv6 datagram and raw sockets (multicast sending, fragment sizes).
    public static let internetDatagram = SocketOptionApplicability(families: [.inet, .inet6], types: [.datagram, .raw])
    /// IPv4 or IPv6 raw sockets.
    public static let internetRaw = SocketOptionApplicability(families: [.inet, .inet6], types: [.raw])
    /// Any IPv6 socket.
    public static let ipv6 = SocketOptionApplicability(families: [.inet6])
    /// IPv6 datagram and raw sockets.
    public static let ipv6Datagram = SocketOptionApplicability(families: [.inet6], types: [.datagram, .raw])
    /// IPv6 raw sockets.
    public static let ipv6Raw = SocketOptionApplicability(families: [.inet6], types: [.raw])
    /// TCP (and MPTCP) stream sockets over IPv4 or IPv6.
    public static let tcp = SocketOptionApplicability(families: [.inet, .inet6], types: [.stream], protocols: [0, 6, 262])
    /// UDP (and UDP-Lite) datagram sockets over IPv4 or IPv6.
    public static let udp = SocketOptionApplicability(families: [.inet, .inet6], types: [.datagram], protocols: [0, 17, 136])

    /// `AF_INET/AF_INET6 SOCK_STREAM`, or `any socket`.
    public var description: String {
        var parts: [String] = []
        if let families { parts.append(families.map(\.cName).joined(separator: "/")) }
        if let types { parts.append(types.map(\.cName).joined(separator: "/")) }
        if let protocols { parts.append("protocol " + protocols.map(String.init).joined(separator: "/")) }
        return parts.isEmpty ? "any socket" : parts.joined(separator: " ")
    }
}

/// A typed socket option: one row of the option table, the way nix declares `sockopt`s and SwiftNIO
/// its `ChannelOption`s. It knows its level, name, C name, codec, access, a one-line summary and the
/// sockets it applies to.
///
/// Use the named options with `Socket.get(_:)` and `Socket.set(_:_:)`:
/// ```swift
/// try socket.set(.reuseAddress, true)
/// let size = try socket.get(.receiveBufferSize)   // BufferSize(requested: 106496, effective: 212992)
/// ```
/// Every option, named or not, is also a row of `SocketOptionCatalog`.
public struct SocketOption<Value: Sendable>: Sendable, CustomStringConvertible {
    /// The protocol level (`SOL_SOCKET`, `IPPROTO_TCP`, ...).
    public let level: SocketOptionLevel
    /// The option number at that level.
    public let name: Int32
    /// The C name, such as `SO_RCVBUF`.
    public let cName: String
    /// Whether it can be read, written or both.
    public let access: SocketOptionAccess
    /// One line saying what the option does.
    public let summary: String
    /// The sockets it means something for.
    public let applicability: SocketOptionApplicability
    /// The unit of an integer value, for display.
    public let unit: OptionUnit?
    /// How the value is marshalled to and from the kernel's bytes.
    public let codec: SocketOptionCodec<Value>

    /// Declares an option. Most code uses the named ones (`.reuseAddress`) or the catalog.
    public init(
        level: SocketOptionLevel, name: Int32, cName: String, codec: SocketOptionCodec<Value>,
        access: SocketOptionAccess = .readWrite, applicability: SocketOptionApplicability = .anySocket,
        unit: OptionUnit? = nil, summary: String
    ) {
        self.level = level
        self.name = name
        self.cName = cName
        self.codec = codec
        self.access = access
        self.applicability = applicability
        self.unit = unit
        self.summary = summary
    }

    /// `SO_RCVBUF (SOL_SOCKET 8)`.
    public var description: String { "\(cName) (\(level.cName) \(name))" }
}

/// The kernel returned an option value the codec cannot decode, such as 3 bytes for an `int`.
public struct OptionDecodingError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The option's C name.
    public let option: String
    /// How many bytes the kernel returned.
    public let byteCount: Int
    /// What the codec expected, such as `4 bytes`.
    public let expected: String

    /// Creates an error for `option`.
    public init(option: String, byteCount: Int, expected: String) {
        self.option = option
        self.byteCount = byteCount
        self.expected = expected
    }

    public var description: String { "\(option): kernel returned \(byteCount) bytes, expected \(expected)" }
}

// MARK: Typed access

extension Socket {
    /// Reads a typed option. C: getsockopt(2).
    ///
    /// ```swift
    /// let info = try socket.get(.tcpInfo)       // TCPInfo
    /// let noDelay = try socket.get(.noDelay)    // Bool
    /// ```
    /// - Throws: `InvalidArgumentError` for a write-only option (nothing is sent to the kernel);
    ///   `SocketError` from the kernel (`ENOPROTOOPT` for an option the socket's protocol lacks);
    ///   `OptionDecodingError` when the kernel's value has a size the codec cannot decode.
    public func get<Value>(_ option: SocketOption<Value>) throws -> Value {
        guard option.access.isReadable else {
            throw InvalidArgumentError(argument: option.cName, rule: "is write-only: the kernel does not report it")
        }
        let bytes: [UInt8]
        do {
            bytes = try rawOption(level: option.level.rawValue, name: option.name, capacity: option.codec.capacity(for: self))
        } catch {
            throw SocketError(error.code, function: error.function, detail: option.cName)
        }
        return try option.codec.decode(bytes, option: option.cName)
    }

    /// Sets a typed option. C: setsockopt(2).
    ///
    /// ```swift
    /// try socket.set(.noDelay, true)
    /// try socket.set(.receiveBufferSize, 65536)     // the kernel keeps 131072
    /// try socket.set(.receiveTimeout, .milliseconds(250))
    /// ```
    /// - Throws: `InvalidArgumentError` for a read-only option or a value the C type cannot hold
    ///   (nothing is sent to the kernel); `SocketError` from the kernel.
    public func set<Value>(_ option: SocketOption<Value>, _ value: Value) throws {
        guard option.access.isWritable else {
            throw InvalidArgumentError(argument: option.cName, rule: "is read-only: the kernel does not accept it")
        }
        let bytes: [UInt8]
        do {
            bytes = try option.codec.encode(value)
        } catch {
            throw InvalidArgumentError(argument: option.cName, rule: error.rule)
        }
        do {
            try setsockopt(level: option.level.rawValue, name: option.name, bytes: bytes)
        } catch {
            throw SocketError(error.code, function: error.function, detail: option.cName)
        }
    }
}
