import SocketKit

/// The Resolver panel's address converter: inet_aton/ntoa/pton/ntop and htons/htonl/ntohs/ntohl
/// applied to what is typed, with the packed bytes in hex. Pure and fast, so it runs on the UI thread.
public enum AddressConverter {
    /// What a conversion gave: labelled rows, or a message saying why the input does not convert.
    public struct Conversion: Hashable, Sendable {
        /// One labelled value, such as `packed: 7f 00 00 01`.
        public struct Row: Hashable, Sendable {
            /// What the value is (`packed`, `text`, `result`).
            public var label: String
            /// The value.
            public var value: String
        }
        /// The rows, top to bottom.
        public var rows: [Row]
        /// Why the input does not convert, or `nil`.
        public var error: String?

        /// Creates a conversion from `(label, value)` pairs.
        public init(rows: [(String, String)], error: String? = nil) {
            self.rows = rows.map { Row(label: $0.0, value: $0.1) }
            self.error = error
        }
    }

    /// Applies `function` (`inet_aton`, ..., `ntohl`) to `input`. Address text goes into aton/pton;
    /// hex bytes (`7f000001`, `7f 00 00 01`, `7f:00:00:01`) into ntoa/ntop; a decimal or `0x` number
    /// into the byte-order functions. Empty input gives no rows and no error.
    /// C: inet_aton(3), inet_pton(3), byteorder(3). Python: socket.inet_aton, socket.htons, ...
    public static func convert(function: String, family: AddressFamily, input: String) -> Conversion {
        let text = input.trimmingSpaces
        if text.isEmpty { return Conversion(rows: [], error: nil) }
        do {
            switch function {
            case "inet_aton":
                let bytes = try inetAton(text)
                return Conversion(rows: [("packed", hex(bytes)), ("length", "4 bytes"), ("as text", try inetNtoa(bytes))])
            case "inet_pton":
                let bytes = try inetPton(family, text)
                return Conversion(rows: [
                    ("packed", hex(bytes)), ("length", "\(bytes.count) bytes"), ("as text", try inetNtop(family, bytes))
                ])
            case "inet_ntoa", "inet_ntop":
                guard let bytes = parseHex(text) else {
                    return Conversion(rows: [], error: "'\(text)' is not hex bytes: type pairs of hex digits, such as 7f000001")
                }
                let result = function == "inet_ntoa" ? try inetNtoa(bytes) : try inetNtop(family, bytes)
                return Conversion(rows: [("text", result), ("packed", hex(bytes)), ("length", "\(bytes.count) bytes")])
            default:
                guard let value = parseNumber(text) else {
                    return Conversion(rows: [], error: "'\(text)' is not a number: type decimal (80) or hex (0x50)")
                }
                let bits = function.hasSuffix("s") ? 16 : 32
                let result: Int
                switch function {
                case "htons": result = try htons(value)
                case "ntohs": result = try ntohs(value)
                case "htonl": result = try htonl(value)
                default: result = try ntohl(value)
                }
                return Conversion(rows: [
                    ("result", "\(result) (0x\(hexNumber(result, bits: bits)))"),
                    ("input bytes", hex(bytesInMemory(value, bits: bits)) + "  (in memory, this host's order)"),
                    ("result bytes", hex(bytesInMemory(result, bits: bits)) + "  (in memory, this host's order)")
                ])
            }
        } catch {
            return Conversion(rows: [], error: error.rule)
        }
    }

    /// Bytes as two-digit lowercase hex, space-separated: `7f 00 00 01`.
    public static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined(separator: " ")
    }

    /// Hex bytes with optional spaces, colons or a `0x` prefix, or `nil` for anything else (or an odd digit count).
    static func parseHex(_ text: String) -> [UInt8]? {
        var digits = text.lowercased()
        if digits.hasPrefix("0x") { digits.removeFirst(2) }
        digits.removeAll { $0 == " " || $0 == ":" || $0 == "." }
        guard !digits.isEmpty, digits.count % 2 == 0, digits.allSatisfy(\.isHexDigit) else { return nil }
        let characters = Array(digits)
        return stride(from: 0, to: characters.count, by: 2).map { UInt8(String(characters[$0...$0 + 1]), radix: 16)! }
    }

    /// A decimal or `0x` hex number (the byte-order functions check its range), or `nil`.
    static func parseNumber(_ text: String) -> Int? {
        let lower = text.lowercased()
        if lower.hasPrefix("0x") { return Int(lower.dropFirst(2), radix: 16) }
        if lower.hasPrefix("-") { return Int(lower) }
        return lower.allSatisfy(\.isNumber) ? Int(lower) : nil
    }

    private static func hexNumber(_ value: Int, bits: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, bits / 4 - digits.count)) + digits
    }

    /// The value's bytes as this machine stores a 16- or 32-bit integer.
    private static func bytesInMemory(_ value: Int, bits: Int) -> [UInt8] {
        if bits == 16 { return withUnsafeBytes(of: UInt16(truncatingIfNeeded: value)) { Array($0) } }
        return withUnsafeBytes(of: UInt32(truncatingIfNeeded: value)) { Array($0) }
    }
}

extension String {
    /// The text without leading and trailing spaces.
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " { text.removeFirst() }
        while text.last == " " { text.removeLast() }
        return String(text)
    }
}
