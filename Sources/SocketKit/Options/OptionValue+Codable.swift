/// JSON: a tagged union, `{"kind": "bool", "value": true}`, with the value as native JSON:
/// `bool` (true/false), `int` and `unsigned` (numbers), `buffer_size` (`{"requested", "effective"}`),
/// `duration` (`"value_us"`: microseconds, as a `struct timeval` holds them), `linger`
/// (`{"is_on", "seconds"}`), `string`, `bytes` (`"hex"`: `"0a0b"`), `credentials`, `tcp_info` (its
/// fields) and `unavailable` (`"reason"`: an errno name).
extension OptionValue: Codable {
    private enum Kind: String, Codable {
        case bool, int, unsigned, bufferSize = "buffer_size", duration, linger, string, bytes, credentials
        case tcpInfo = "tcp_info", unavailable
    }

    private enum CodingKeys: String, CodingKey { case kind, value, requested, effective, valueUs = "value_us", hex, reason }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .bool(let value):
            try container.encode(Kind.bool, forKey: .kind)
            try container.encode(value, forKey: .value)
        case .int(let value):
            try container.encode(Kind.int, forKey: .kind)
            try container.encode(value, forKey: .value)
        case .unsigned(let value):
            try container.encode(Kind.unsigned, forKey: .kind)
            try container.encode(value, forKey: .value)
        case .bufferSize(let requested, let effective):
            try container.encode(Kind.bufferSize, forKey: .kind)
            try container.encode(requested, forKey: .requested)
            try container.encode(effective, forKey: .effective)
        case .duration(let value):
            try container.encode(Kind.duration, forKey: .kind)
            let (seconds, attoseconds) = value.components
            try container.encode(seconds * 1_000_000 + attoseconds / 1_000_000_000_000, forKey: .valueUs)
        case .linger(let value):
            try container.encode(Kind.linger, forKey: .kind)
            try container.encode(value, forKey: .value)
        case .string(let value):
            try container.encode(Kind.string, forKey: .kind)
            try container.encode(value, forKey: .value)
        case .bytes(let value):
            try container.encode(Kind.bytes, forKey: .kind)
            try container.encode(value.map { OptionValue.hex($0) }.joined(), forKey: .hex)
        case .credentials(let value):
            try container.encode(Kind.credentials, forKey: .kind)
            try container.encode(value, forKey: .value)
        case .tcpInfo(let value):
            try container.encode(Kind.tcpInfo, forKey: .kind)
            try container.encode(value, forKey: .value)
        case .unavailable(let reason):
            try container.encode(Kind.unavailable, forKey: .kind)
            try container.encode(reason, forKey: .reason)
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Kind.self, forKey: .kind) {
        case .bool: self = .bool(try container.decode(Bool.self, forKey: .value))
        case .int: self = .int(try container.decode(Int.self, forKey: .value))
        case .unsigned: self = .unsigned(try container.decode(UInt64.self, forKey: .value))
        case .bufferSize:
            self = .bufferSize(
                requested: try container.decodeIfPresent(Int.self, forKey: .requested),
                effective: try container.decode(Int.self, forKey: .effective))
        case .duration:
            let microseconds = try container.decode(Int64.self, forKey: .valueUs)
            self = .duration(.microseconds(microseconds))
        case .linger: self = .linger(try container.decode(Linger.self, forKey: .value))
        case .string: self = .string(try container.decode(String.self, forKey: .value))
        case .bytes:
            let hex = Array(try container.decode(String.self, forKey: .hex).utf8)
            guard hex.count % 2 == 0, hex.count <= 1 << 20 else {
                throw DecodingError.dataCorruptedError(forKey: .hex, in: container, debugDescription: "not an even number of hex digits")
            }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(hex.count / 2)
            for index in stride(from: 0, to: hex.count, by: 2) {
                guard let byte = UInt8(String(decoding: hex[index..<index + 2], as: UTF8.self), radix: 16) else {
                    throw DecodingError.dataCorruptedError(forKey: .hex, in: container, debugDescription: "not hex digits")
                }
                bytes.append(byte)
            }
            self = .bytes(bytes)
        case .credentials: self = .credentials(try container.decode(PeerCredentials.self, forKey: .value))
        case .tcpInfo: self = .tcpInfo(try container.decode(TCPInfo.self, forKey: .value))
        case .unavailable: self = .unavailable(try container.decode(String.self, forKey: .reason))
        }
    }
}
