/// A C constant's wrapper that socktui's JSON writes as its C name (`"AF_INET"`, `"SOCK_STREAM"`,
/// `"IPPROTO_TCP"`): enums are strings there. Decoding takes the name, any alias of it in the
/// constant table (`AF_LOCAL` for `AF_UNIX`), the `PREFIX_N` form names take for numbers the table
/// lacks, or a bare number.
protocol CNamedConstant: RawRepresentable, Codable where RawValue == Int32 {
    /// The name it is written as.
    var cName: String { get }
    /// The table's group (`AF`, `SOCK`, `IPPROTO`).
    static var constantGroup: String { get }
    init(rawValue: Int32)
}

extension CNamedConstant {
    /// Writes ``cName``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(cName)
    }

    /// Reads a name or a number, as the protocol's documentation says.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Int32.self) {
            self.init(rawValue: number)
            return
        }
        let text = try container.decode(String.self)
        let prefix = Self.constantGroup + "_"
        if text.hasPrefix(prefix), let value = SocketConstants.value(named: text), let number = Int32(exactly: value) {
            self.init(rawValue: number)
        } else if let number = Int32(text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text) {
            self.init(rawValue: number)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a \(prefix)* constant: \(text)")
        }
    }
}

extension AddressFamily: CNamedConstant {
    static var constantGroup: String { "AF" }
}

extension SocketType: CNamedConstant {
    static var constantGroup: String { "SOCK" }
}

extension IPProtocol: CNamedConstant {
    static var constantGroup: String { "IPPROTO" }
}
