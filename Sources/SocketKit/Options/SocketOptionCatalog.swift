/// A socket option with its value type erased: one row of `SocketOptionCatalog`, which the Sockets
/// panel lists, reads, renders and edits without knowing the option.
public struct AnySocketOption: Sendable, Identifiable, CustomStringConvertible {
    /// The protocol level.
    public let level: SocketOptionLevel
    /// The option number at that level.
    public let name: Int32
    /// The C name, such as `SO_RCVBUF`.
    public let cName: String
    /// Other C names for the same option (`SO_RCVTIMEO_OLD`, `IPV6_JOIN_GROUP`).
    public let aliases: [String]
    /// The Swift name of the typed option (`receiveBufferSize`), when there is one.
    public let swiftName: String?
    /// The shape of the value.
    public let kind: OptionValueKind
    /// Whether it can be read, written or both.
    public let access: SocketOptionAccess
    /// One line saying what the option does.
    public let summary: String
    /// The sockets it means something for.
    public let applicability: SocketOptionApplicability
    /// The unit of an integer value, for display.
    public let unit: OptionUnit?

    private let reader: @Sendable (Socket) throws -> OptionValue
    /// Parse, set, and return what was set.
    private let textWriter: @Sendable (Socket, String) throws -> OptionValue
    /// Set a typed value and return what was set.
    private let valueWriter: @Sendable (Socket, OptionValue) throws -> OptionValue

    /// Erases `option`'s value type.
    public init<Value>(_ option: SocketOption<Value>, swiftName: String? = nil, aliases: [String] = []) {
        level = option.level
        name = option.name
        cName = option.cName
        self.aliases = aliases
        self.swiftName = swiftName
        kind = option.codec.kind
        access = option.access
        summary = option.summary
        applicability = option.applicability
        unit = option.unit
        // A plain read knows no request: the kernel may have sized the buffer itself (auto-tuning).
        reader = { socket in AnySocketOption.forgettingRequest(option.codec.wrap(try socket.get(option))) }
        textWriter = { socket, text in
            let value: Value
            do throws(InvalidArgumentError) {
                value = try option.codec.parse(text)
            } catch {
                throw InvalidArgumentError(argument: option.cName, rule: error.rule)
            }
            try socket.set(option, value)
            return option.codec.wrap(value)
        }
        valueWriter = { socket, value in
            guard let typed = option.codec.unwrap(value) else {
                throw InvalidArgumentError(argument: option.cName, rule: "takes a \(option.codec.kind.rawValue) value, got \(value)")
            }
            try socket.set(option, typed)
            return option.codec.wrap(typed)
        }
    }

    /// `value` without a buffer size's guessed request (a read fills it with half the size).
    static func forgettingRequest(_ value: OptionValue) -> OptionValue {
        if case .bufferSize(_, let effective) = value { return .bufferSize(requested: nil, effective: effective) }
        return value
    }

    /// The value read back after a set. A buffer size read back knows only the effective size;
    /// the request is the one just made.
    private func readBack(from socket: Socket, afterSetting written: OptionValue) -> OptionValue {
        let value = read(from: socket)
        if case .bufferSize(let requested, _) = written, case .bufferSize(_, let effective) = value {
            return .bufferSize(requested: requested, effective: effective)
        }
        return value
    }

    /// `SOL_SOCKET.8` style: level and number, unique in the catalog.
    public var id: String { "\(level.rawValue).\(name)" }

    /// True when the option means something for `socket` (by family, type and protocol).
    public func applies(to socket: Socket) -> Bool {
        applicability.matches(family: socket.family, type: socket.type, protocol: socket.protocol)
    }

    /// Reads the option. C: getsockopt(2).
    /// - Throws: as `Socket.get(_:)`.
    public func get(from socket: Socket) throws -> OptionValue { try reader(socket) }

    /// Reads the option and never throws: a kernel error becomes `.unavailable("ENOPROTOOPT")`
    /// (the errno name), a write-only option `.unavailable("write-only")`.
    public func read(from socket: Socket) -> OptionValue {
        guard access.isReadable else { return .unavailable("write-only") }
        do {
            return try reader(socket)
        } catch let error as SocketError {
            return .unavailable(error.code.name)
        } catch let error as OptionDecodingError {
            return .unavailable("\(error.byteCount) bytes, expected \(error.expected)")
        } catch {
            return .unavailable("\(error)")
        }
    }

    /// Parses `text` (`"on"`, `"64k"`, `"250ms"`, `"on, 5"`, `"cubic"`, `"0a 0b"`), sets the option and
    /// returns the value read back (for a buffer size, with the request that was typed). C: setsockopt(2).
    /// - Throws: `InvalidArgumentError` naming the option for text that does not parse, a value out of
    ///   range, or a read-only option (nothing is sent to the kernel); `SocketError` from the kernel.
    ///   A write-only option returns `.unavailable("write-only")` after a successful set.
    @discardableResult
    public func set(_ text: String, on socket: Socket) throws -> OptionValue {
        readBack(from: socket, afterSetting: try textWriter(socket, text))
    }

    /// Sets the option from a typed value of its kind and returns the value read back.
    /// - Throws: `InvalidArgumentError` when `value` is not of the option's kind; as `set(_:on:)`.
    @discardableResult
    public func set(_ value: OptionValue, on socket: Socket) throws -> OptionValue {
        readBack(from: socket, afterSetting: try valueWriter(socket, value))
    }

    /// `value` for a person, with this option's unit (`7200 s`, `on`, `212992 (kernel doubled 106496)`).
    public func format(_ value: OptionValue) -> String { value.formatted(unit: unit) }

    /// `SO_RCVBUF (SOL_SOCKET 8, bufferSize, readWrite)`.
    public var description: String { "\(cName) (\(level.cName) \(name), \(kind.rawValue), \(access.rawValue))" }
}

/// One option read from a socket: plain data the app sends over JSON and shows in the Sockets panel.
public struct OptionReading: Hashable, Sendable, Codable {
    /// The C name, such as `SO_RCVBUF`.
    public let cName: String
    /// The protocol level.
    public let level: SocketOptionLevel
    /// The option number.
    public let name: Int32
    /// The shape of the value.
    public let kind: OptionValueKind
    /// Whether it can be read, written or both.
    public let access: SocketOptionAccess
    /// One line saying what the option does.
    public let summary: String
    /// The value, or why there is none.
    public let value: OptionValue
    /// The value for a person, with its unit.
    public let text: String

    /// Creates a reading.
    public init(option: AnySocketOption, value: OptionValue) {
        cName = option.cName
        level = option.level
        name = option.name
        kind = option.kind
        access = option.access
        summary = option.summary
        self.value = value
        text = option.format(value)
    }
}

/// Every socket option Linux supports at `SOL_SOCKET`, `IPPROTO_IP`, `IPPROTO_IPV6`, `IPPROTO_TCP`
/// and `IPPROTO_UDP`, as data: level, number, C name, value kind, access, summary and applicability.
///
/// ```swift
/// let readings = socket.readOptions()                       // every row that applies, never throws
/// let value = try socket.setOption(named: "SO_RCVBUF", to: "65536")
/// print(value)                                              // 131072 (kernel doubled 65536)
/// ```
public enum SocketOptionCatalog {
    /// All rows, grouped by level (`SOL_SOCKET`, `IPPROTO_IP`, `IPPROTO_IPV6`, `IPPROTO_TCP`,
    /// `IPPROTO_UDP`) and sorted by number within each.
    public static let all: [AnySocketOption] = makeTable()

    private static let byName: [String: [AnySocketOption]] = {
        var index: [String: [AnySocketOption]] = [:]
        for option in all {
            for key in [option.cName] + option.aliases + (option.swiftName.map { [$0] } ?? []) {
                index[key.uppercased(), default: []].append(option)
            }
        }
        return index
    }()

    /// Header names that look like options but are not options Linux accepts at these levels, with why.
    /// `option(named:)` names the reason instead of calling them unknown.
    public static let notOptions: [String: String] = [
        "SO_SECURITY_AUTHENTICATION": "is not implemented by Linux (always ENOPROTOOPT)",
        "SO_SECURITY_ENCRYPTION_TRANSPORT": "is not implemented by Linux (always ENOPROTOOPT)",
        "SO_SECURITY_ENCRYPTION_NETWORK": "is not implemented by Linux (always ENOPROTOOPT)",
        "SCM_TIMESTAMPING_OPT_STATS": "is a control message type, not a socket option",
        "SCM_TIMESTAMPING_PKTINFO": "is a control message type, not a socket option",
        "SCM_WIFI_STATUS": "is the control message of SO_WIFI_STATUS",
        "SCM_TXTIME": "is the control message of SO_TXTIME",
        "IPV6_HOPLIMIT": "is a control message type only (use IPV6_UNICAST_HOPS or IPV6_RECVHOPLIMIT)",
        "IPV6_AUTHHDR": "is obsolete and not implemented by Linux",
        "IPV6_USE_MIN_MTU": "is not implemented by Linux (#if 0 in linux/in6.h)",
        "TCP_COOKIE_TRANSACTIONS": "was removed in Linux 3.10",
        "TCP_NLA_PAD": "is a netlink attribute of SCM_TIMESTAMPING_OPT_STATS, not a socket option"
    ]

    /// The rows at one level, by number.
    public static func options(at level: SocketOptionLevel) -> [AnySocketOption] {
        all.filter { $0.level == level }
    }

    /// The row for a level and number, or nil.
    public static func option(level: SocketOptionLevel, name: Int32) -> AnySocketOption? {
        all.first { $0.level == level && $0.name == name }
    }

    /// The row for a C name (`"SO_RCVBUF"`), an alias (`"SO_RCVTIMEO_OLD"`) or a Swift name
    /// (`"receiveBufferSize"`), case-insensitively. `MCAST_*` exist at both `IPPROTO_IP` and
    /// `IPPROTO_IPV6`: this returns the first; `option(named:for:)` picks by the socket's family.
    /// - Throws: `InvalidArgumentError` naming the unknown option.
    public static func option(named name: String) throws(InvalidArgumentError) -> AnySocketOption {
        try candidates(named: name)[0]
    }

    /// The row for `name` that applies to `socket` (else the first with that name).
    /// - Throws: `InvalidArgumentError` naming the unknown option.
    public static func option(named name: String, for socket: Socket) throws(InvalidArgumentError) -> AnySocketOption {
        let rows = try candidates(named: name)
        // `MCAST_*` apply at both IP levels of an IPv6 socket: prefer the level of its own family.
        let ownLevel: SocketOptionLevel = socket.family == .inet6 ? .ipv6 : .ip
        return rows.first { $0.applies(to: socket) && $0.level == ownLevel }
            ?? rows.first { $0.applies(to: socket) } ?? rows[0]
    }

    private static func candidates(named name: String) throws(InvalidArgumentError) -> [AnySocketOption] {
        let key = name.optionTrimmed.uppercased()
        if let rows = byName[key], !rows.isEmpty { return rows }
        if let reason = notOptions[key] { throw InvalidArgumentError(argument: name, rule: reason) }
        throw InvalidArgumentError(
            argument: name,
            rule: "is not a known socket option at SOL_SOCKET, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP or IPPROTO_UDP")
    }

    /// The rows that mean something for a socket of this family, type and protocol.
    public static func options(family: AddressFamily, type: SocketType, protocol: Int32 = 0) -> [AnySocketOption] {
        all.filter { $0.applicability.matches(family: family, type: type, protocol: `protocol`) }
    }

    /// The rows that mean something for `socket`.
    public static func options(for socket: Socket) -> [AnySocketOption] {
        all.filter { $0.applies(to: socket) }
    }
}

extension Socket {
    /// Reads every catalog option that applies to this socket. Never throws: an option the kernel
    /// refuses comes back `.unavailable("ENOPROTOOPT")` (the errno name), a write-only one
    /// `.unavailable("write-only")`.
    ///
    /// Reading has the kernel's side effects: `SO_ERROR` clears the pending error and
    /// `TCP_SAVED_SYN` releases the saved SYN. C: getsockopt(2), once per option.
    public func readOptions() -> [OptionReading] {
        SocketOptionCatalog.options(for: self).map { OptionReading(option: $0, value: $0.read(from: self)) }
    }

    /// Reads one option by name (`"SO_RCVBUF"`, `"TCP_INFO"`, `"receiveBufferSize"`). C: getsockopt(2).
    /// - Throws: `InvalidArgumentError` for an unknown or write-only option; `SocketError` from the kernel.
    public func option(named name: String) throws -> OptionValue {
        try SocketOptionCatalog.option(named: name, for: self).get(from: self)
    }

    /// Sets one option by name from text a user typed, validating it first, and returns the value
    /// read back: `setOption(named: "SO_RCVBUF", to: "65536")` → `.bufferSize(requested: 65536,
    /// effective: 131072)`. C: setsockopt(2), then getsockopt(2).
    /// - Throws: `InvalidArgumentError` naming the option for an unknown name, text that does not parse,
    ///   a value out of range or a read-only option; `SocketError` from the kernel.
    @discardableResult
    public func setOption(named name: String, to text: String) throws -> OptionValue {
        try SocketOptionCatalog.option(named: name, for: self).set(text, on: self)
    }
}
