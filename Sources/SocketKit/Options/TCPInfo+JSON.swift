/// `tcp_info` in socktui's JSON (docs/json.md): `byte_count`, then each field of ``TCPInfo/layout``
/// in struct order under its key there, with its unit in the key (`rtt_us`, `last_data_sent_ms`,
/// `pacing_rate_bytes_per_s`). The layout is the only list of the keys: ``forEachJSONMember(_:)``,
/// `encode(to:)` and `init(from:)` all walk it.
extension TCPInfo {
    /// One member's value, as JSON writes it.
    public enum JSONMember: Sendable {
        /// An unsigned integer (`byte_count`, a counter, a time, a size).
        case integer(UInt64)
        /// `true` or `false` (a one-bit field).
        case flag(Bool)
        /// The connection state, written as its name.
        case state(TCPState)
    }

    /// What JSON writes a member as.
    public enum JSONMemberKind: Sendable {
        /// An unsigned integer as wide as the field.
        case integer
        /// `true` or `false` (a one-bit field).
        case flag
        /// The state's name (``TCPState``).
        case state
    }

    /// One member of the JSON object: its key, what it is written as, and the largest value it holds.
    public struct JSONMemberDescription: Sendable {
        /// The key (snake_case, with the field's unit; needs no escaping).
        public let key: StaticString
        /// What the value is written as.
        public let kind: JSONMemberKind
        /// The largest value the field holds (a bit field's mask, an integer's maximum).
        public let maximum: UInt64
    }

    /// The key of the member that says how many bytes the kernel returned.
    public static let byteCountKey: StaticString = "byte_count"

    /// Every member of the JSON object, in order: `byte_count`, then each field of the layout.
    /// ``packedJSONValues`` holds their values in this order.
    public static let jsonMembers: [JSONMemberDescription] =
        [JSONMemberDescription(key: byteCountKey, kind: .integer, maximum: UInt64(Int.max))]
        + layout.map { JSONMemberDescription(key: $0.key, kind: $0.kind, maximum: $0.maximum) }

    /// The members' values in ``jsonMembers`` order, as numbers (a state as its kernel number, a
    /// flag as 0 or 1): how the agent sends `tcp_info` in a table's chunks (protocol 5), a fifth
    /// of the bytes of the object with its keys.
    public var packedJSONValues: [UInt64] {
        var values = [UInt64](repeating: 0, count: TCPInfo.jsonMembers.count)
        values[0] = UInt64(max(byteCount, 0))
        withUnsafeBytes(of: self) { stored in
            for (index, row) in TCPInfo.layout.enumerated() { values[index + 1] = row.value(in: stored) }
        }
        return values
    }

    /// The value ``packedJSONValues`` gives, or nil when `values` has another count or a value
    /// past its member's ``JSONMemberDescription/maximum``.
    public init?(packedJSONValues values: [UInt64]) {
        guard values.count == TCPInfo.jsonMembers.count,
            zip(values, TCPInfo.jsonMembers).allSatisfy({ $0 <= $1.maximum })
        else { return nil }
        self.init()
        byteCount = Int(values[0])
        withUnsafeMutableBytes(of: &self) { stored in
            for (index, row) in TCPInfo.layout.enumerated() { row.store(values[index + 1], in: stored) }
        }
    }

    /// Calls `body` with each member of this value's JSON object, in order, with its key (a
    /// snake_case literal that needs no escaping). A JSON writer that puts members down itself
    /// (the agent's and the CLI's) writes these; `encode(to:)` writes the same ones.
    /// - Throws: what `body` throws.
    public func forEachJSONMember(_ body: (StaticString, JSONMember) throws -> Void) rethrows {
        try body(Self.byteCountKey, .integer(UInt64(max(byteCount, 0))))
        try withUnsafeBytes(of: self) { stored in
            for row in TCPInfo.layout {
                let value = row.value(in: stored)
                switch row.kind {
                case .integer: try body(row.key, .integer(value))
                case .flag: try body(row.key, .flag(value != 0))
                case .state: try body(row.key, .state(TCPState(rawValue: UInt8(truncatingIfNeeded: value))))
                }
            }
        }
    }

    /// Writes the members ``forEachJSONMember(_:)`` gives.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TCPInfoKey.self)
        try forEachJSONMember { key, member in
            switch member {
            case .integer(let value): try container.encode(value, forKey: TCPInfoKey(key))
            case .flag(let value): try container.encode(value, forKey: TCPInfoKey(key))
            case .state(let value): try container.encode(value, forKey: TCPInfoKey(key))
            }
        }
    }

    /// Reads the members ``encode(to:)`` writes. Every one must be present, and each number must fit
    /// its field (a bit field's width, the integer's size).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: TCPInfoKey.self)
        self.init()
        let byteCount = try container.decode(Int.self, forKey: TCPInfoKey(Self.byteCountKey))
        guard byteCount >= 0 else {
            throw DecodingError.dataCorruptedError(
                forKey: TCPInfoKey(Self.byteCountKey), in: container, debugDescription: "a negative byte count")
        }
        self.byteCount = byteCount
        for row in TCPInfo.layout {
            let key = TCPInfoKey(row.key)
            let value: UInt64
            switch row.kind {
            case .integer: value = try container.decode(UInt64.self, forKey: key)
            case .flag: value = try container.decode(Bool.self, forKey: key) ? 1 : 0
            case .state: value = UInt64(try container.decode(TCPState.self, forKey: key).rawValue)
            }
            guard value <= row.maximum else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: container, debugDescription: "\(value) does not fit tcpi_\(row.field.name) (at most \(row.maximum))")
            }
            withUnsafeMutableBytes(of: &self) { row.store(value, in: $0) }
        }
    }
}

/// A member key of ``TCPInfo``'s JSON, as the layout gives it.
struct TCPInfoKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(_ key: StaticString) { stringValue = key.description }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
