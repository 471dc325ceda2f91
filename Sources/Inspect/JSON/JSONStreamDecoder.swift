import Foundation

/// Reads what ``JSONStreamEncoder`` writes back into `Decodable` values: the agent's frames, at a
/// fraction of Foundation's `JSONDecoder`'s cost (a 20,000-row socket table is some two million
/// keys).
///
/// The document is parsed once into a flat tape (``JSONTape``) and checked whole before any value
/// is made; a type's keys are then found by comparing bytes, in the order the type asks for them
/// (the order it wrote them, so almost every lookup is the next member). With
/// ``JSONStreamEncoder/KeyStyle/snakeCase`` a coding key `scopeID` matches the JSON key the encoder
/// wrote for it, `scope_id`: the encoder's conversion applied to the Swift key, never an inverse
/// guessed from the JSON key (Foundation's `convertFromSnakeCase` turns `scope_id` into `scopeId`,
/// which no key named `scopeID` matches, and cannot read explicit keys such as `elapsed_ms`).
///
/// `Data` is read from base64, `Date` from seconds since 1970 (or 2001, as the style says). Errors
/// are `DecodingError`s whose coding path names the member that failed.
public struct JSONStreamDecoder: Sendable {
    /// How coding keys appear in the JSON (as the encoder that wrote it was set).
    public var keyStyle: JSONStreamEncoder.KeyStyle
    /// How `Date` values were written.
    public var dates: JSONStreamEncoder.DateStyle
    /// Containers nested deeper than this are refused (before any value is decoded).
    public var maxDepth: Int

    /// Creates a decoder.
    public init(
        keyStyle: JSONStreamEncoder.KeyStyle = .snakeCase, dates: JSONStreamEncoder.DateStyle = .secondsSince1970, maxDepth: Int = 256
    ) {
        self.keyStyle = keyStyle
        self.dates = dates
        self.maxDepth = maxDepth
    }

    /// Decodes a `T` from `bytes`; `userInfo` is what its `Decoder`s offer the types they make.
    /// - Throws: `DecodingError.dataCorrupted` when `bytes` is not JSON (or nests too deep), and
    ///   what `T`'s `init(from:)` throws.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8], userInfo: [CodingUserInfoKey: any Sendable] = [:]) throws -> T {
        try bytes.withUnsafeBufferPointer { try decode(type, from: $0, userInfo: userInfo) }
    }

    /// Decodes a `T` from `bytes` (read only during the call).
    /// - Throws: as ``decode(_:from:userInfo:)-([UInt8],_)``.
    public func decode<T: Decodable>(
        _ type: T.Type, from bytes: UnsafeBufferPointer<UInt8>, userInfo: [CodingUserInfoKey: any Sendable] = [:]
    ) throws -> T {
        let tape: JSONTape
        do { tape = try JSONTape(parsing: bytes, maxDepth: maxDepth) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: error.description))
        }
        return try tape.nodes.withUnsafeBufferPointer { nodes in
            let state = JSONTapeState(bytes: bytes, nodes: nodes, keyStyle: keyStyle, datesSince1970: dates == .secondsSince1970)
            state.userInfo = userInfo
            return try state.decode(type, at: 0)
        }
    }
}

/// The parsed document and what decoding it needs, shared by the decoder and its containers (valid
/// only during one `decode` call: it points into the caller's bytes and the tape).
final class JSONTapeState {
    let bytes: UnsafeBufferPointer<UInt8>
    let nodes: UnsafeBufferPointer<JSONTape.Node>
    let keyStyle: JSONStreamEncoder.KeyStyle
    let datesSince1970: Bool
    /// What every `Decoder` of this document offers its types (given to ``JSONStreamDecoder``'s `decode`).
    var userInfo: [CodingUserInfoKey: any Sendable] = [:]
    /// Per object node: the key node last found in it (0: none yet), where the next lookup starts.
    @exclusivity(unchecked) private var cursors: UnsafeMutablePointer<Int32>
    /// Coding keys with upper-case letters, as their snake_case JSON bytes: an open-addressing table
    /// keyed by the `String`'s bits (a literal key's bits are the same every time), its strings
    /// kept alive in `snakeStrings` so no bits are ever reused by another string; filled at most half.
    @exclusivity(unchecked) private var snakeSlots = [SnakeSlot](repeating: SnakeSlot(), count: 1 << snakeSlotBits)
    @exclusivity(unchecked) private var snakeStrings: [String] = []
    private static let snakeSlotBits = 9

    struct SnakeSlot {
        var bits: (UInt64, UInt64) = (0, 0)
        var bytes: [UInt8]? = nil
    }

    init(
        bytes: UnsafeBufferPointer<UInt8>, nodes: UnsafeBufferPointer<JSONTape.Node>, keyStyle: JSONStreamEncoder.KeyStyle,
        datesSince1970: Bool
    ) {
        self.bytes = bytes
        self.nodes = nodes
        self.keyStyle = keyStyle
        self.datesSince1970 = datesSince1970
        cursors = .allocate(capacity: max(nodes.count, 1))
        cursors.initialize(repeating: 0, count: max(nodes.count, 1))
    }

    deinit { cursors.deallocate() }

    @inline(__always) func tag(_ index: Int) -> JSONTape.Tag { nodes[index].tag }

    /// The node after `index`'s value.
    @inline(__always) func next(after index: Int) -> Int {
        let node = nodes[index]
        return node.tag == .array || node.tag == .object ? Int(node.end) : index + 1
    }

    // MARK: Members

    /// The value node of `key` in the object at `object`, or nil.
    func find(_ key: some CodingKey, in object: Int) -> Int? {
        let node = nodes[object]
        let count = Int(node.length)
        guard count > 0 else { return nil }
        let first = object + 1, end = Int(node.end)
        let string = key.stringValue
        var utf8Source = string
        return utf8Source.withUTF8 { utf8 -> Int? in
            if keyStyle == .snakeCase, utf8.contains(where: { $0 &- UInt8(ascii: "A") < 26 }) {
                let converted = snakeKey(string)
                return converted.withUnsafeBufferPointer { find(bytes: $0, first: first, end: end, count: count, object: object) }
            }
            return find(bytes: utf8, first: first, end: end, count: count, object: object)
        }
    }

    private func snakeKey(_ string: String) -> [UInt8] {
        let bits = unsafeBitCast(string, to: (UInt64, UInt64).self)
        let hash = (bits.0 &* 0x9E37_79B9_7F4A_7C15 ^ bits.1) &* 0x9E37_79B9_7F4A_7C15
        let mask = (1 << Self.snakeSlotBits) - 1
        var slot = Int(truncatingIfNeeded: hash >> UInt64(64 - Self.snakeSlotBits))
        // Open addressing with linear probing, never evicting: keys that share a slot each keep
        // their own (evicting made two colliding keys convert each other out on every row).
        while let bytes = snakeSlots[slot].bytes {
            if snakeSlots[slot].bits == bits { return bytes }
            slot = (slot + 1) & mask
        }
        let converted = Array(JSONStreamState.snakeCase(string).utf8)
        if snakeStrings.count < (1 << Self.snakeSlotBits) / 2 {
            snakeStrings.append(string)
            snakeSlots[slot] = SnakeSlot(bits: bits, bytes: converted)
        }
        return converted
    }

    private func find(bytes key: UnsafeBufferPointer<UInt8>, first: Int, end: Int, count: Int, object: Int) -> Int? {
        var index = cursors[object] == 0 ? first : Int(cursors[object])
        for _ in 0..<count {
            if index >= end { index = first }
            if keyEquals(index, key) {
                cursors[object] = Int32(index)
                return index + 1
            }
            index = next(after: index + 1)
        }
        return nil
    }

    private func keyEquals(_ index: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let node = nodes[index]
        if node.tag == .string {
            return Int(node.length) == key.count
                && (key.isEmpty || memcmp(bytes.baseAddress! + Int(node.start), key.baseAddress!, key.count) == 0)
        }
        guard let text = try? string(at: index) else { return false }
        return text.utf8.elementsEqual(key)
    }

    /// The object's keys, in document order, with their value nodes.
    func members(of object: Int) -> [(key: String, value: Int)] {
        var result: [(key: String, value: Int)] = []
        let count = Int(nodes[object].length)
        result.reserveCapacity(count)
        var index = object + 1
        for _ in 0..<count {
            if let key = try? string(at: index) { result.append((key, index + 1)) }
            index = next(after: index + 1)
        }
        return result
    }

    // MARK: Values

    /// What a node holds, for error messages.
    func describe(_ index: Int) -> String {
        switch tag(index) {
        case .null: "null"
        case .true, .false: "a boolean"
        case .number: "a number"
        case .string, .escapedString: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    func mismatch(_ type: Any.Type, _ index: Int, expected: String) -> DecodingError {
        if tag(index) == .null {
            return .valueNotFound(type, .init(codingPath: [], debugDescription: "expected \(expected), found null"))
        }
        return .typeMismatch(type, .init(codingPath: [], debugDescription: "expected \(expected), found \(describe(index))"))
    }

    func bool(at index: Int) throws -> Bool {
        switch tag(index) {
        case .true: return true
        case .false: return false
        default: throw mismatch(Bool.self, index, expected: "a boolean")
        }
    }

    func string(at index: Int) throws -> String {
        let node = nodes[index]
        let raw = UnsafeBufferPointer(rebasing: bytes[Int(node.start)..<Int(node.start) + Int(node.length)])
        switch node.tag {
        case .string:
            guard let text = String(validating: raw, as: UTF8.self) else { throw corrupted("a string that is not UTF-8") }
            return text
        case .escapedString:
            guard let text = String(validating: try unescape(raw), as: UTF8.self) else { throw corrupted("a string that is not UTF-8") }
            return text
        default: throw mismatch(String.self, index, expected: "a string")
        }
    }

    private func corrupted(_ what: String) -> DecodingError { .dataCorrupted(.init(codingPath: [], debugDescription: what)) }

    /// A string's content with its escapes decoded (the parser checked their syntax).
    private func unescape(_ raw: UnsafeBufferPointer<UInt8>) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var offset = 0
        func hex4(_ at: Int) -> UInt32 {
            (0..<4).reduce(0) { $0 << 4 | UInt32(hexValue(raw[at + $1]) ?? 0) }
        }
        while offset < raw.count {
            let byte = raw[offset]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                offset += 1
                continue
            }
            let escape = raw[offset + 1]
            offset += 2
            switch escape {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0c)
            case UInt8(ascii: "n"): out.append(0x0a)
            case UInt8(ascii: "r"): out.append(0x0d)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(offset)
                offset += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // A high surrogate must be followed by an escaped low one.
                    guard offset + 6 <= raw.count, raw[offset] == UInt8(ascii: "\\"), raw[offset + 1] == UInt8(ascii: "u") else {
                        throw corrupted("a lone surrogate in a string")
                    }
                    let low = hex4(offset + 2)
                    guard low >= 0xDC00 && low < 0xE000 else { throw corrupted("a lone surrogate in a string") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    offset += 6
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    throw corrupted("a lone surrogate in a string")
                }
                guard let unicode = Unicode.Scalar(scalar) else { throw corrupted("an invalid \\u escape") }
                out.append(contentsOf: UTF8.encode(unicode)!)
            default: out.append(escape)  // " \ /
            }
        }
        return out
    }

    /// The number's bytes, when `index` is a number.
    private func numberBytes(_ index: Int, _ type: Any.Type) throws -> UnsafeBufferPointer<UInt8> {
        let node = nodes[index]
        guard node.tag == .number else { throw mismatch(type, index, expected: "a number") }
        return UnsafeBufferPointer(rebasing: bytes[Int(node.start)..<Int(node.start) + Int(node.length)])
    }

    func integer<T: FixedWidthInteger>(at index: Int, as type: T.Type = T.self) throws -> T {
        let digits = try numberBytes(index, type)
        var value: T = 0
        var offset = 0
        let negative = digits[0] == UInt8(ascii: "-")
        if negative { offset = 1 }
        var overflow = false
        while offset < digits.count {
            let digit = digits[offset] &- UInt8(ascii: "0")
            guard digit < 10 else {
                // A fraction or exponent: only a whole number that fits is taken (1.0, 1e3).
                let double = try self.double(at: index)
                guard let exact = T(exactly: double) else { throw notFitting(digits, type) }
                return exact
            }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = negative ? times.subtractingReportingOverflow(T(digit)) : times.addingReportingOverflow(T(digit))
            overflow = overflow || o1 || o2
            value = sum
            offset += 1
        }
        if overflow { throw notFitting(digits, type) }
        return value
    }

    private func notFitting(_ digits: UnsafeBufferPointer<UInt8>, _ type: Any.Type) -> DecodingError {
        corrupted("the number \(String(decoding: digits.prefix(40), as: UTF8.self)) does not fit in \(type)")
    }

    func double(at index: Int) throws -> Double {
        let digits = try numberBytes(index, Double.self)
        // Up to 15 digits with no fraction or exponent: exact as an integer.
        if digits.count <= 15, !digits.contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") }) {
            var value = 0
            for byte in digits where byte != UInt8(ascii: "-") { value = value * 10 + Int(byte - UInt8(ascii: "0")) }
            return digits[0] == UInt8(ascii: "-") ? -Double(value) : Double(value)
        }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: digits.count + 1) { buffer in
            for offset in 0..<digits.count { buffer[offset] = CChar(bitPattern: digits[offset]) }
            buffer[digits.count] = 0
            return strtod(buffer.baseAddress!, nil)
        }
    }

    // MARK: Decoding

    /// A `T` from the value at `index`.
    func decode<T: Decodable>(_ type: T.Type, at index: Int) throws -> T {
        if T.self == Data.self {
            guard let data = Data(base64Encoded: try string(at: index)) else { throw corrupted("a string that is not base64") }
            return data as! T
        }
        if T.self == JSONRows.self { return try rows(at: index) as! T }
        if T.self == Date.self {
            let seconds = try double(at: index)
            return (datesSince1970 ? Date(timeIntervalSince1970: seconds) : Date(timeIntervalSinceReferenceDate: seconds)) as! T
        }
        return try T(from: JSONTapeDecoding(state: self, node: index))
    }
}

/// Prefixes a `DecodingError`'s coding path with `key` (errors are made with the path below the
/// point that failed and get their outer keys as they travel up, so nothing builds paths for
/// values that decode).
func prefixed(_ error: any Error, with key: any CodingKey) -> any Error {
    func context(_ context: DecodingError.Context) -> DecodingError.Context {
        .init(codingPath: [key] + context.codingPath, debugDescription: context.debugDescription, underlyingError: context.underlyingError)
    }
    guard let error = error as? DecodingError else { return error }
    switch error {
    case .typeMismatch(let type, let inner): return DecodingError.typeMismatch(type, context(inner))
    case .valueNotFound(let type, let inner): return DecodingError.valueNotFound(type, context(inner))
    case .keyNotFound(let missing, let inner): return DecodingError.keyNotFound(missing, context(inner))
    case .dataCorrupted(let inner): return DecodingError.dataCorrupted(context(inner))
    @unknown default: return error
    }
}

/// A coding key for an array element's index, in error paths.
struct JSONIndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}
