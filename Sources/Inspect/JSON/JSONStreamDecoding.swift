import Foundation

/// The `Decoder` a value's `init(from:)` sees: a node of the shared tape. (Coding paths are built
/// only for errors, as they travel up; `codingPath` reads empty.)
struct JSONTapeDecoding: Decoder {
    let state: JSONTapeState
    let node: Int
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { state.userInfo }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard state.tag(node) == .object else { throw state.mismatch([String: Any].self, node, expected: "an object") }
        return KeyedDecodingContainer(JSONTapeKeyed<Key>(state: state, object: node))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard state.tag(node) == .array else { throw state.mismatch([Any].self, node, expected: "an array") }
        return JSONTapeUnkeyed(state: state, array: node)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { JSONTapeSingle(state: state, node: node) }
}

/// Reads one value of each primitive type from a node (what the three containers share).
extension JSONTapeState {
    func read(_ type: Bool.Type, _ node: Int) throws -> Bool { try bool(at: node) }
    func read(_ type: String.Type, _ node: Int) throws -> String { try string(at: node) }
    func read(_ type: Double.Type, _ node: Int) throws -> Double { try double(at: node) }
    func read(_ type: Float.Type, _ node: Int) throws -> Float { Float(try double(at: node)) }
    func read<T: FixedWidthInteger & Decodable>(_ type: T.Type, _ node: Int) throws -> T { try integer(at: node) }
    func read<T: Decodable>(_ type: T.Type, _ node: Int) throws -> T { try decode(type, at: node) }
}

struct JSONTapeKeyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let state: JSONTapeState
    let object: Int
    var codingPath: [any CodingKey] { [] }

    var allKeys: [Key] {
        state.members(of: object).compactMap { member in
            if let key = Key(stringValue: member.key), state.find(key, in: object) == member.value { return key }
            // A snake_case JSON key for a camelCase coding key: try the usual spelling back.
            let camel = member.key.split(separator: "_").enumerated().map {
                $0 == 0 ? String($1) : $1.prefix(1).uppercased() + $1.dropFirst()
            }
            .joined()
            if let key = Key(stringValue: camel), state.find(key, in: object) == member.value { return key }
            return nil
        }
    }

    func contains(_ key: Key) -> Bool { state.find(key, in: object) != nil }

    /// The value node of `key`.
    @inline(__always) private func value(_ key: Key) throws -> Int {
        guard let node = state.find(key, in: object) else {
            throw DecodingError.keyNotFound(key, .init(codingPath: [], debugDescription: "no member \"\(key.stringValue)\""))
        }
        return node
    }

    /// Reads `key`'s value with `body`, giving an error the key in its path.
    @inline(__always) private func reading<T>(_ key: Key, _ body: (Int) throws -> T) throws -> T {
        do { return try body(try value(key)) } catch { throw prefixed(error, with: key) }
    }

    /// Reads `key`'s value with `body`, or nil when it is missing or null.
    @inline(__always) private func readingIfPresent<T>(_ key: Key, _ body: (Int) throws -> T) throws -> T? {
        guard let node = state.find(key, in: object), state.tag(node) != .null else { return nil }
        do { return try body(node) } catch { throw prefixed(error, with: key) }
    }

    func decodeNil(forKey key: Key) throws -> Bool { state.tag(try reading(key) { $0 }) == .null }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try reading(key) { try state.read(type, $0) } }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try reading(key) { try state.read(type, $0) } }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try reading(key) { try state.read(type, $0) } }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try reading(key) { try state.read(type, $0) } }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try reading(key) { try state.read(type, $0) } }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try reading(key) { try state.read(type, $0) } }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try reading(key) { try state.read(type, $0) } }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try reading(key) { try state.read(type, $0) } }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try reading(key) { try state.read(type, $0) } }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try reading(key) { try state.read(type, $0) } }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try reading(key) { try state.read(type, $0) } }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try reading(key) { try state.read(type, $0) } }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try reading(key) { try state.read(type, $0) } }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try reading(key) { try state.read(type, $0) } }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try reading(key) { try state.read(type, $0) } }

    func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try readingIfPresent(key) { try state.read(type, $0) } }
    func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try readingIfPresent(key) { try state.read(type, $0) } }
    func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try readingIfPresent(key) { try state.read(type, $0) } }
    func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try readingIfPresent(key) { try state.read(type, $0) } }
    func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try readingIfPresent(key) { try state.read(type, $0) } }
    func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try readingIfPresent(key) { try state.read(type, $0) } }
    func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try readingIfPresent(key) { try state.read(type, $0) } }
    func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try readingIfPresent(key) { try state.read(type, $0) } }
    func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try readingIfPresent(key) { try state.read(type, $0) } }
    func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try readingIfPresent(key) { try state.read(type, $0) } }
    func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try readingIfPresent(key) { try state.read(type, $0) } }
    func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try readingIfPresent(key) { try state.read(type, $0) } }
    func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try readingIfPresent(key) { try state.read(type, $0) } }
    func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try readingIfPresent(key) { try state.read(type, $0) } }
    func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        try readingIfPresent(key) { try state.read(type, $0) }
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try reading(key) { try JSONTapeDecoding(state: state, node: $0).container(keyedBy: type) }
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try reading(key) { try JSONTapeDecoding(state: state, node: $0).unkeyedContainer() }
    }

    func superDecoder() throws -> any Decoder { JSONTapeDecoding(state: state, node: object) }

    func superDecoder(forKey key: Key) throws -> any Decoder { try reading(key) { JSONTapeDecoding(state: state, node: $0) } }
}

struct JSONTapeUnkeyed: UnkeyedDecodingContainer {
    let state: JSONTapeState
    /// The next element's node.
    private var node: Int
    var codingPath: [any CodingKey] { [] }
    let count: Int?
    private(set) var currentIndex = 0
    var isAtEnd: Bool { currentIndex >= count ?? 0 }

    init(state: JSONTapeState, array: Int) {
        self.state = state
        node = array + 1
        count = Int(state.nodes[array].length)
    }

    /// Reads the next element with `body` and moves past it.
    private mutating func next<T>(_ type: T.Type, _ body: (JSONTapeState, Int) throws -> T) throws -> T {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(
                type, .init(codingPath: [JSONIndexKey(currentIndex)], debugDescription: "the array ends after \(currentIndex) elements"))
        }
        let value: T
        do { value = try body(state, node) } catch { throw prefixed(error, with: JSONIndexKey(currentIndex)) }
        node = state.next(after: node)
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, state.tag(node) == .null else { return false }
        node += 1
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next(type) { try $0.read(type, $1) } }
    mutating func decode(_ type: String.Type) throws -> String { try next(type) { try $0.read(type, $1) } }
    mutating func decode(_ type: Double.Type) throws -> Double { try next(type) { try $0.read(type, $1) } }
    mutating func decode(_ type: Float.Type) throws -> Float { try next(type) { try $0.read(type, $1) } }
    mutating func decode(_ type: Int.Type) throws -> Int { try next(type) { try $0.read(type, $1) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next(type) { try $0.read(type, $1) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next(type) { try $0.read(type, $1) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next(type) { try $0.read(type, $1) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next(type) { try $0.read(type, $1) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try next(type) { try $0.read(type, $1) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try next(type) { try $0.read(type, $1) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try next(type) { try $0.read(type, $1) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try next(type) { try $0.read(type, $1) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try next(type) { try $0.read(type, $1) } }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next(type) { try $0.read(type, $1) } }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next(KeyedDecodingContainer<NestedKey>.self) { try JSONTapeDecoding(state: $0, node: $1).container(keyedBy: type) }
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        try next((any UnkeyedDecodingContainer).self) { try JSONTapeDecoding(state: $0, node: $1).unkeyedContainer() }
    }

    mutating func superDecoder() throws -> any Decoder {
        try next((any Decoder).self) { JSONTapeDecoding(state: $0, node: $1) }
    }
}

struct JSONTapeSingle: SingleValueDecodingContainer {
    let state: JSONTapeState
    let node: Int
    var codingPath: [any CodingKey] { [] }

    func decodeNil() -> Bool { state.tag(node) == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try state.read(type, node) }
    func decode(_ type: String.Type) throws -> String { try state.read(type, node) }
    func decode(_ type: Double.Type) throws -> Double { try state.read(type, node) }
    func decode(_ type: Float.Type) throws -> Float { try state.read(type, node) }
    func decode(_ type: Int.Type) throws -> Int { try state.read(type, node) }
    func decode(_ type: Int8.Type) throws -> Int8 { try state.read(type, node) }
    func decode(_ type: Int16.Type) throws -> Int16 { try state.read(type, node) }
    func decode(_ type: Int32.Type) throws -> Int32 { try state.read(type, node) }
    func decode(_ type: Int64.Type) throws -> Int64 { try state.read(type, node) }
    func decode(_ type: UInt.Type) throws -> UInt { try state.read(type, node) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try state.read(type, node) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try state.read(type, node) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try state.read(type, node) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try state.read(type, node) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try state.read(type, node) }
}
