#if canImport(Glibc)
    import Glibc
#endif

/// The shape of an option's value, as the catalog and the Sockets panel see it.
public enum OptionValueKind: String, Hashable, Sendable, Codable, CaseIterable {
    /// C `int` 0/1, shown as on/off.
    case boolean
    /// C `int` (or `u32` read as a non-negative number).
    case integer
    /// C `u64`, such as `SO_COOKIE`.
    case unsignedInteger
    /// C `int` that the kernel doubles (`SO_RCVBUF`, `SO_SNDBUF`).
    case bufferSize
    /// C `struct timeval` (`SO_RCVTIMEO`, `SO_SNDTIMEO`).
    case duration
    /// C `struct linger`.
    case linger
    /// A NUL-terminated name (`SO_BINDTODEVICE`, `TCP_CONGESTION`).
    case string
    /// Raw bytes: structures without a typed decoder here.
    case bytes
    /// C `struct ucred` (`SO_PEERCRED`).
    case credentials
    /// C `struct tcp_info` (`TCP_INFO`).
    case tcpInfo
}

/// Marshals one option's value to and from the bytes getsockopt(2) and setsockopt(2) exchange,
/// like nix's `GetBool`/`SetStruct` codecs: a decoder, an encoder, a parser for text typed by a
/// user, and a mapping into the type-erased `OptionValue`.
///
/// Integers use the machine's byte order, as the kernel does.
public struct SocketOptionCodec<Value: Sendable>: Sendable {
    /// The shape of the value.
    public let kind: OptionValueKind
    /// The buffer size handed to getsockopt.
    public let capacity: Int
    let expected: String
    let decoder: @Sendable ([UInt8]) -> Value?
    let encoder: @Sendable (Value) throws(InvalidArgumentError) -> [UInt8]
    let wrapper: @Sendable (Value) -> OptionValue
    let unwrapper: @Sendable (OptionValue) -> Value?
    let parser: @Sendable (String) throws(InvalidArgumentError) -> Value
    /// A buffer size that depends on the socket, for options the kernel refuses to answer into a
    /// buffer larger than the value (`SO_PEERNAME`).
    var sizer: (@Sendable (Socket) -> Int)? = nil

    /// Declares a codec.
    /// - Parameters:
    ///   - expected: the sizes `decode` accepts, for error messages (`"4 bytes"`).
    ///   - decode: the value in the kernel's bytes, or nil when their count is wrong.
    ///   - encode: the bytes for setsockopt; throws `InvalidArgumentError(argument: "value", ...)`
    ///     for a value the C type cannot hold.
    ///   - wrap / unwrap: to and from `OptionValue`.
    ///   - parse: a value from text a user typed; throws `InvalidArgumentError` naming the rule.
    public init(
        kind: OptionValueKind, capacity: Int, expected: String,
        decode: @escaping @Sendable ([UInt8]) -> Value?,
        encode: @escaping @Sendable (Value) throws(InvalidArgumentError) -> [UInt8],
        wrap: @escaping @Sendable (Value) -> OptionValue,
        unwrap: @escaping @Sendable (OptionValue) -> Value?,
        parse: @escaping @Sendable (String) throws(InvalidArgumentError) -> Value
    ) {
        self.kind = kind
        self.capacity = capacity
        self.expected = expected
        self.decoder = decode
        self.encoder = encode
        self.wrapper = wrap
        self.unwrapper = unwrap
        self.parser = parse
    }

    /// The buffer size to hand getsockopt for `socket`.
    func capacity(for socket: Socket) -> Int { sizer?(socket) ?? capacity }

    /// Decodes the bytes the kernel returned.
    /// - Throws: `OptionDecodingError` when their count does not fit the C type.
    public func decode(_ bytes: [UInt8], option: String = "option") throws(OptionDecodingError) -> Value {
        guard let value = decoder(bytes) else {
            throw OptionDecodingError(option: option, byteCount: bytes.count, expected: expected)
        }
        return value
    }

    /// Encodes a value for setsockopt.
    /// - Throws: `InvalidArgumentError` for a value the C type cannot hold.
    public func encode(_ value: Value) throws(InvalidArgumentError) -> [UInt8] { try encoder(value) }

    /// The value as an `OptionValue`.
    public func wrap(_ value: Value) -> OptionValue { wrapper(value) }

    /// The value inside an `OptionValue` of this codec's kind, or nil.
    public func unwrap(_ value: OptionValue) -> Value? { unwrapper(value) }

    /// Parses text a user typed (`"on"`, `"64k"`, `"250ms"`, `"on, 5"`, `"0a 0b"`).
    /// - Throws: `InvalidArgumentError` naming the rule the text broke.
    public func parse(_ text: String) throws(InvalidArgumentError) -> Value { try parser(text) }
}

// MARK: Codecs

extension SocketOptionCodec where Value == Bool {
    /// C `int` holding 0 or 1 (any non-zero value reads as true).
    public static var boolean: Self {
        Self(
            kind: .boolean, capacity: 4, expected: "1-8 bytes",
            decode: { bytes in OptionBytes.signedInteger(bytes).map { $0 != 0 } },
            encode: { value throws(InvalidArgumentError) in OptionBytes.of(Int32(value ? 1 : 0)) },
            wrap: { .bool($0) },
            unwrap: { if case .bool(let value) = $0 { value } else { nil } },
            parse: { text throws(InvalidArgumentError) in try OptionText.boolean(text) })
    }
}

extension SocketOptionCodec where Value == Int {
    /// C `int`.
    public static var integer: Self {
        Self(
            kind: .integer, capacity: 4, expected: "1-8 bytes",
            decode: { bytes in OptionBytes.signedInteger(bytes) },
            encode: { value throws(InvalidArgumentError) in
                guard let narrow = Int32(exactly: value) else {
                    throw InvalidArgumentError(argument: "value", rule: "must fit a C int (\(Int32.min)...\(Int32.max)), got \(value)")
                }
                return OptionBytes.of(narrow)
            },
            wrap: { .int($0) },
            unwrap: { if case .int(let value) = $0 { value } else { nil } },
            parse: { text throws(InvalidArgumentError) in try OptionText.integer(text) })
    }

    /// `SO_GET_FILTER`: the kernel copies the attached classic BPF program but reports its length
    /// in instructions, not bytes, so the count is what a read can trust. Read-only.
    static var bpfInstructionCount: Self {
        Self(
            kind: .integer, capacity: 8 * 4096, expected: "any length",
            decode: { $0.count },
            encode: { _ throws(InvalidArgumentError) in
                throw InvalidArgumentError(argument: "value", rule: "is read-only (attach a filter with SO_ATTACH_FILTER)")
            },
            wrap: { .int($0) },
            unwrap: { if case .int(let value) = $0 { value } else { nil } },
            parse: { text throws(InvalidArgumentError) in try OptionText.integer(text) })
    }

    /// C `u32` (`SO_MARK`, `IP_LOCAL_PORT_RANGE`), read as a non-negative number.
    public static var unsignedInteger32: Self {
        Self(
            kind: .integer, capacity: 4, expected: "4 bytes",
            decode: { bytes in OptionBytes.load(bytes, at: 0, as: UInt32.self).map(Int.init) },
            encode: { value throws(InvalidArgumentError) in
                guard let narrow = UInt32(exactly: value) else {
                    throw InvalidArgumentError(argument: "value", rule: "must fit a C u32 (0...\(UInt32.max)), got \(value)")
                }
                return OptionBytes.of(narrow)
            },
            wrap: { .int($0) },
            unwrap: { if case .int(let value) = $0 { value } else { nil } },
            parse: { text throws(InvalidArgumentError) in try OptionText.integer(text) })
    }
}

extension SocketOptionCodec where Value == UInt64 {
    /// C `u64` (`SO_COOKIE`, `SO_MAX_PACING_RATE`); a 4-byte answer is widened.
    public static var unsignedInteger64: Self {
        Self(
            kind: .unsignedInteger, capacity: 8, expected: "4 or 8 bytes",
            decode: { bytes in
                switch bytes.count {
                case 8: OptionBytes.load(bytes, at: 0, as: UInt64.self)
                case 4: OptionBytes.load(bytes, at: 0, as: UInt32.self).map(UInt64.init)
                default: nil
                }
            },
            encode: { value throws(InvalidArgumentError) in OptionBytes.of(value) },
            wrap: { .unsigned($0) },
            unwrap: { value in
                switch value {
                case .unsigned(let number): number
                case .int(let number): UInt64(exactly: number)
                default: nil
                }
            },
            parse: { text throws(InvalidArgumentError) in try OptionText.unsigned(text) })
    }
}

extension SocketOptionCodec where Value == BufferSize {
    /// C `int` that the kernel doubles on set (`SO_RCVBUF`, `SO_SNDBUF`); see `BufferSize`.
    public static var bufferSize: Self {
        Self(
            kind: .bufferSize, capacity: 4, expected: "4 bytes",
            decode: { bytes in OptionBytes.load(bytes, at: 0, as: Int32.self).map { BufferSize(effective: Int($0)) } },
            encode: { value throws(InvalidArgumentError) in
                guard value.requested >= 0, let narrow = Int32(exactly: value.requested) else {
                    throw InvalidArgumentError(argument: "value", rule: "must be 0...\(Int32.max) bytes, got \(value.requested)")
                }
                return OptionBytes.of(narrow)
            },
            wrap: { .bufferSize(requested: $0.requested, effective: $0.effective) },
            unwrap: { value in
                switch value {
                case .bufferSize(let requested, let effective): BufferSize(requested: requested ?? effective / 2, effective: effective)
                case .int(let requested): BufferSize(requested: requested)
                default: nil
                }
            },
            parse: { text throws(InvalidArgumentError) in BufferSize(requested: try OptionText.byteCount(text)) })
    }
}

extension SocketOptionCodec where Value == Duration {
    /// C `struct timeval` (64-bit seconds and microseconds): `SO_RCVTIMEO`, `SO_SNDTIMEO`.
    /// Zero means no timeout. Sub-microsecond parts round up to the next microsecond.
    public static var timeval: Self {
        Self(
            kind: .duration, capacity: 16, expected: "16 bytes",
            decode: { bytes in
                guard bytes.count == 16, let seconds = OptionBytes.load(bytes, at: 0, as: Int64.self),
                    let microseconds = OptionBytes.load(bytes, at: 8, as: Int64.self)
                else { return nil }
                return .seconds(seconds) + .microseconds(microseconds)
            },
            encode: { value throws(InvalidArgumentError) in
                let (seconds, attoseconds) = value.components
                guard seconds >= 0, attoseconds >= 0 else {
                    throw InvalidArgumentError(argument: "value", rule: "must be a non-negative duration, got \(value)")
                }
                var microseconds = attoseconds / 1_000_000_000_000
                if attoseconds % 1_000_000_000_000 != 0 { microseconds += 1 }
                var wholeSeconds = seconds
                if microseconds == 1_000_000 { wholeSeconds += 1; microseconds = 0 }
                return OptionBytes.of(wholeSeconds) + OptionBytes.of(microseconds)
            },
            wrap: { .duration($0) },
            unwrap: { if case .duration(let value) = $0 { value } else { nil } },
            parse: { text throws(InvalidArgumentError) in try OptionText.duration(text) })
    }
}

extension SocketOptionCodec where Value == Linger {
    /// C `struct linger` (`int l_onoff; int l_linger`).
    public static var linger: Self {
        Self(
            kind: .linger, capacity: 8, expected: "8 bytes",
            decode: { bytes in
                guard bytes.count == 8, let onOff = OptionBytes.load(bytes, at: 0, as: Int32.self),
                    let seconds = OptionBytes.load(bytes, at: 4, as: Int32.self)
                else { return nil }
                return Linger(isOn: onOff != 0, seconds: Int(seconds))
            },
            encode: { value throws(InvalidArgumentError) in
                guard value.seconds >= 0, let seconds = Int32(exactly: value.seconds) else {
                    throw InvalidArgumentError(argument: "value", rule: "linger seconds must be 0...\(Int32.max), got \(value.seconds)")
                }
                return OptionBytes.of(Int32(value.isOn ? 1 : 0)) + OptionBytes.of(seconds)
            },
            wrap: { .linger($0) },
            unwrap: { if case .linger(let value) = $0 { value } else { nil } },
            parse: { text throws(InvalidArgumentError) in try OptionText.linger(text) })
    }
}

extension SocketOptionCodec where Value == String {
    /// A NUL-terminated name of at most `capacity - 1` bytes (`IFNAMSIZ` and `TCP_CA_NAME_MAX` are 16).
    /// The empty string is allowed (`SO_BINDTODEVICE` "" unbinds).
    public static func string(capacity: Int) -> Self {
        Self(
            kind: .string, capacity: capacity, expected: "at most \(capacity) bytes",
            decode: { bytes in
                let end = bytes.firstIndex(of: 0) ?? bytes.count
                return String(decoding: bytes[..<end], as: UTF8.self)
            },
            encode: { value throws(InvalidArgumentError) in
                let bytes = Array(value.utf8)
                if bytes.contains(0) {
                    throw InvalidArgumentError(argument: "value", rule: "must not contain a NUL byte")
                }
                if bytes.count > capacity - 1 {
                    throw InvalidArgumentError(
                        argument: "value", rule: "must be at most \(capacity - 1) bytes, got \(bytes.count) (\"\(value)\")")
                }
                return bytes
            },
            wrap: { .string($0) },
            unwrap: { if case .string(let value) = $0 { value } else { nil } },
            parse: { text throws(InvalidArgumentError) in text.optionTrimmed })
    }
}

extension SocketOptionCodec where Value == String {
    /// `SO_PEERNAME`: the peer's `sockaddr`, shown as an address (`127.0.0.1:5000`). The kernel answers
    /// EINVAL when the buffer is longer than the address, so the buffer is sized by getpeername(2) first.
    static var peerAddress: Self {
        var codec = Self(
            kind: .string, capacity: 128, expected: "a sockaddr",
            decode: { bytes in
                bytes.withUnsafeBytes { raw in
                    guard let base = raw.baseAddress else { return nil }
                    return (try? SocketAddress(storage: base, length: raw.count))?.description
                }
            },
            encode: { _ throws(InvalidArgumentError) in
                throw InvalidArgumentError(argument: "value", rule: "is read-only")
            },
            wrap: { .string($0) },
            unwrap: { if case .string(let value) = $0 { value } else { nil } },
            parse: { _ throws(InvalidArgumentError) in throw InvalidArgumentError(argument: "value", rule: "is read-only") })
        codec.sizer = { socket in
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let descriptor = socket.fileDescriptor
            let result = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(descriptor, $0, &length) }
            }
            // Not connected: any size; the kernel then answers ENOTCONN itself.
            return result == 0 ? Int(length) : 128
        }
        return codec
    }
}

extension SocketOptionCodec where Value == [UInt8] {
    /// Raw bytes, for structures without a typed decoder. Reads up to `capacity` bytes.
    public static func bytes(capacity: Int) -> Self {
        Self(
            kind: .bytes, capacity: capacity, expected: "at most \(capacity) bytes",
            decode: { $0 },
            encode: { value throws(InvalidArgumentError) in
                guard value.count <= 65536 else {
                    throw InvalidArgumentError(argument: "value", rule: "must be at most 65536 bytes, got \(value.count)")
                }
                return value
            },
            wrap: { .bytes($0) },
            unwrap: { if case .bytes(let value) = $0 { value } else { nil } },
            parse: { text throws(InvalidArgumentError) in try OptionText.hexBytes(text) })
    }
}

extension SocketOptionCodec where Value == PeerCredentials {
    /// C `struct ucred` (`pid_t pid; uid_t uid; gid_t gid`): read-only.
    public static var credentials: Self {
        Self(
            kind: .credentials, capacity: 12, expected: "12 bytes",
            decode: { bytes in
                guard bytes.count == 12, let pid = OptionBytes.load(bytes, at: 0, as: Int32.self),
                    let uid = OptionBytes.load(bytes, at: 4, as: UInt32.self),
                    let gid = OptionBytes.load(bytes, at: 8, as: UInt32.self)
                else { return nil }
                return PeerCredentials(processID: pid, userID: uid, groupID: gid)
            },
            encode: { value throws(InvalidArgumentError) in
                OptionBytes.of(value.processID) + OptionBytes.of(value.userID) + OptionBytes.of(value.groupID)
            },
            wrap: { .credentials($0) },
            unwrap: { if case .credentials(let value) = $0 { value } else { nil } },
            parse: { _ throws(InvalidArgumentError) in
                throw InvalidArgumentError(argument: "value", rule: "credentials are read-only")
            })
    }
}

extension SocketOptionCodec where Value == TCPInfo {
    /// C `struct tcp_info`, decoded field by field at the kernel ABI offsets. A short answer from
    /// an older kernel leaves the missing fields zero (see `TCPInfo.byteCount`); read-only.
    public static var tcpInfo: Self {
        Self(
            kind: .tcpInfo, capacity: TCPInfo.maximumByteCount, expected: "any length",
            decode: { TCPInfo(bytes: $0) },
            encode: { value throws(InvalidArgumentError) in
                throw InvalidArgumentError(argument: "value", rule: "TCP_INFO is read-only")
            },
            wrap: { .tcpInfo($0) },
            unwrap: { if case .tcpInfo(let value) = $0 { value } else { nil } },
            parse: { _ throws(InvalidArgumentError) in
                throw InvalidArgumentError(argument: "value", rule: "TCP_INFO is read-only")
            })
    }
}

// MARK: Bytes

/// Native-endian loads and stores with bounds checks: an out-of-range read is nil, never an overread.
enum OptionBytes {
    static func load<T: FixedWidthInteger>(_ bytes: [UInt8], at offset: Int, as type: T.Type) -> T? {
        guard offset >= 0, offset <= bytes.count - MemoryLayout<T>.size else { return nil }
        return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }

    static func of<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value) { Array($0) }
    }

    /// A signed C integer of 1, 2, 4 or 8 bytes (the kernel answers some IP options with one byte).
    static func signedInteger(_ bytes: [UInt8]) -> Int? {
        switch bytes.count {
        case 1: Int(bytes[0])
        case 2: load(bytes, at: 0, as: Int16.self).map(Int.init)
        case 4: load(bytes, at: 0, as: Int32.self).map(Int.init)
        case 8: load(bytes, at: 0, as: Int64.self).map(Int.init)
        default: nil
        }
    }
}

// MARK: Text

/// Parsers for values typed by a user in the Sockets panel. Each error's rule shows the accepted forms.
enum OptionText {
    static func boolean(_ text: String) throws(InvalidArgumentError) -> Bool {
        switch text.optionTrimmed.lowercased() {
        case "1", "on", "true", "yes", "enable", "enabled": return true
        case "0", "off", "false", "no", "disable", "disabled": return false
        default: throw InvalidArgumentError(argument: "value", rule: "must be on/off, true/false, yes/no or 1/0, got \"\(text)\"")
        }
    }

    static func integer(_ text: String) throws(InvalidArgumentError) -> Int {
        let trimmed = text.optionTrimmed.optionWithoutUnderscores
        let negative = trimmed.hasPrefix("-")
        let magnitude = negative ? String(trimmed.dropFirst()) : trimmed
        let value: Int?
        if magnitude.lowercased().hasPrefix("0x") {
            let digits = magnitude.dropFirst(2)
            value = digits.allSatisfy { $0.isASCII && $0.isHexDigit } ? Int(digits, radix: 16) : nil
        } else {
            value = magnitude.allSatisfy { $0.isASCII && $0.isNumber } ? Int(magnitude) : nil
        }
        guard let value, !magnitude.isEmpty else {
            throw InvalidArgumentError(argument: "value", rule: "must be a whole number (decimal or 0x hex), got \"\(text)\"")
        }
        return negative ? -value : value
    }

    static func unsigned(_ text: String) throws(InvalidArgumentError) -> UInt64 {
        let trimmed = text.optionTrimmed.optionWithoutUnderscores
        let value = trimmed.lowercased().hasPrefix("0x") ? UInt64(trimmed.dropFirst(2), radix: 16) : UInt64(trimmed)
        guard let value else {
            throw InvalidArgumentError(
                argument: "value", rule: "must be a whole number 0...\(UInt64.max) (decimal or 0x hex), got \"\(text)\"")
        }
        return value
    }

    /// `65536`, `64k`, `64 KiB`, `4m`: binary multiples.
    static func byteCount(_ text: String) throws(InvalidArgumentError) -> Int {
        let trimmed = text.optionTrimmed.optionWithoutUnderscores.lowercased()
        let digits = trimmed.prefix { $0.isNumber }
        let suffix = trimmed.dropFirst(digits.count).optionTrimming(" ")
        let multiplier: Int? =
            switch suffix {
            case "", "b", "bytes": 1
            case "k", "kb", "kib": 1024
            case "m", "mb", "mib": 1024 * 1024
            case "g", "gb", "gib": 1024 * 1024 * 1024
            default: nil
            }
        guard !digits.isEmpty, let multiplier, let number = Int(digits),
            case let (product, overflow) = number.multipliedReportingOverflow(by: multiplier), !overflow,
            product <= Int(Int32.max)
        else {
            throw InvalidArgumentError(
                argument: "value", rule: "must be a byte count 0...\(Int32.max) such as 65536, 64k or 4m, got \"\(text)\"")
        }
        return product
    }

    /// `250ms`, `1.5s`, `1.5` (seconds), `100us`, `0`/`off`/`none` (no timeout).
    static func duration(_ text: String) throws(InvalidArgumentError) -> Duration {
        let trimmed = text.optionTrimmed.lowercased()
        if ["off", "none", "no"].contains(trimmed) { return .zero }
        let number = trimmed.prefix { $0.isNumber || $0 == "." }
        let unit = trimmed.dropFirst(number.count).optionTrimming(" ")
        let scale: Double? =
            switch unit {
            case "", "s", "sec", "secs", "second", "seconds": 1
            case "ms", "msec", "millisecond", "milliseconds": 1e-3
            case "us", "µs", "usec", "microsecond", "microseconds": 1e-6
            case "ns", "nsec", "nanosecond", "nanoseconds": 1e-9
            case "min", "minute", "minutes": 60
            default: nil
            }
        // At most about 285 years, so the nanoseconds fit an Int64.
        guard let scale, let value = Double(number), value.isFinite, value >= 0, value * scale <= 9e9 else {
            throw InvalidArgumentError(argument: "value", rule: "must be a duration such as 250ms, 1.5s or 0 (none), got \"\(text)\"")
        }
        let nanoseconds = (value * scale * 1e9).rounded()
        return .nanoseconds(Int64(nanoseconds))
    }

    /// `off`, `on` (0 s), `on, 5`, `on 5s`, `5`, `5 s`.
    static func linger(_ text: String) throws(InvalidArgumentError) -> Linger {
        var rest = text.optionTrimmed.lowercased()
        if rest == "off" || rest == "0 off" { return .off }
        if rest.hasPrefix("on") { rest = String(rest.dropFirst(2)) }
        rest = rest.optionTrimming(" ,")
        if rest.hasSuffix("s") { rest = String(rest.dropLast()).optionTrimming(" ") }
        if rest.isEmpty { return .on(seconds: 0) }
        guard let seconds = Int(rest), seconds >= 0, seconds <= Int(Int32.max) else {
            throw InvalidArgumentError(argument: "value", rule: "must be off, on, or on with seconds such as \"on, 5\", got \"\(text)\"")
        }
        return .on(seconds: seconds)
    }

    /// `0a0b`, `0x0a0b`, `0a 0b`, `0a:0b`, or empty.
    static func hexBytes(_ text: String) throws(InvalidArgumentError) -> [UInt8] {
        var digits = text.optionTrimmed.lowercased()
        if digits.hasPrefix("0x") { digits = String(digits.dropFirst(2)) }
        digits.removeAll { $0 == " " || $0 == ":" || $0 == "-" }
        let characters = Array(digits)
        guard characters.count % 2 == 0 else {
            throw InvalidArgumentError(
                argument: "value", rule: "must be hex bytes such as \"0a 0b ff\" (an even number of digits), got \"\(text)\"")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(characters.count / 2)
        var index = 0
        while index < characters.count {
            guard let byte = UInt8(String(characters[index...index + 1]), radix: 16) else {
                throw InvalidArgumentError(argument: "value", rule: "must be hex bytes such as \"0a 0b ff\", got \"\(text)\"")
            }
            bytes.append(byte)
            index += 2
        }
        return bytes
    }
}

extension String {
    var optionTrimmed: String { optionTrimming(" \t\n\r") }

    var optionWithoutUnderscores: String { String(filter { $0 != "_" }) }

    func optionTrimming(_ set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, characters.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}

extension Substring {
    func optionTrimming(_ set: String) -> String { String(self).optionTrimming(set) }
}
