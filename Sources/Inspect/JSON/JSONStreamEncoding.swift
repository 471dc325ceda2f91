/// The `Encoder` a value's `encode(to:)` sees: every container writes into the shared state.
/// (Coding paths are not tracked: nothing here reads them, and building them costs per value.)
struct JSONStreamEncoding: Encoder {
    let state: JSONStreamState
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(JSONStreamKeyed<Key>(state: state, frame: state.open(object: true)))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        JSONStreamUnkeyed(state: state, frame: state.open(object: false))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { JSONStreamSingle(state: state) }
}

/// The unkeyed and the single-value container: each value is written where the next one goes,
/// after `beginValue()` (an array's separator, or nothing).
protocol JSONStreamWriting {
    var state: JSONStreamState { get }
    func beginValue()
}

extension JSONStreamWriting {
    mutating func encodeNil() throws { beginValue(); state.writeNull() }
    mutating func encode(_ value: Bool) throws { beginValue(); state.writeBool(value) }
    mutating func encode(_ value: String) throws { beginValue(); state.writeString(value) }
    mutating func encode(_ value: Double) throws { beginValue(); try state.writeDouble(value) }
    mutating func encode(_ value: Float) throws { beginValue(); try state.writeFloat(value) }
    mutating func encode(_ value: Int) throws { beginValue(); state.writeInteger(value) }
    mutating func encode(_ value: Int8) throws { beginValue(); state.writeInteger(value) }
    mutating func encode(_ value: Int16) throws { beginValue(); state.writeInteger(value) }
    mutating func encode(_ value: Int32) throws { beginValue(); state.writeInteger(value) }
    mutating func encode(_ value: Int64) throws { beginValue(); state.writeInteger(value) }
    mutating func encode(_ value: UInt) throws { beginValue(); state.writeInteger(value) }
    mutating func encode(_ value: UInt8) throws { beginValue(); state.writeInteger(value) }
    mutating func encode(_ value: UInt16) throws { beginValue(); state.writeInteger(value) }
    mutating func encode(_ value: UInt32) throws { beginValue(); state.writeInteger(value) }
    mutating func encode(_ value: UInt64) throws { beginValue(); state.writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { beginValue(); try state.writeValue(value) }
}

struct JSONStreamKeyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let state: JSONStreamState
    let frame: Int
    var codingPath: [any CodingKey] { [] }

    private func begin(_ key: Key) { state.beginElement(in: frame, key: key.stringValue) }

    mutating func encodeNil(forKey key: Key) throws { begin(key); state.writeNull() }
    mutating func encode(_ value: Bool, forKey key: Key) throws { begin(key); state.writeBool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws { begin(key); state.writeString(value) }
    mutating func encode(_ value: Double, forKey key: Key) throws { begin(key); try state.writeDouble(value) }
    mutating func encode(_ value: Float, forKey key: Key) throws { begin(key); try state.writeFloat(value) }
    mutating func encode(_ value: Int, forKey key: Key) throws { begin(key); state.writeInteger(value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { begin(key); state.writeInteger(value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { begin(key); state.writeInteger(value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { begin(key); state.writeInteger(value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { begin(key); state.writeInteger(value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { begin(key); state.writeInteger(value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { begin(key); state.writeInteger(value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { begin(key); state.writeInteger(value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { begin(key); state.writeInteger(value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { begin(key); state.writeInteger(value) }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { begin(key); try state.writeValue(value) }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        begin(key)
        return KeyedEncodingContainer(JSONStreamKeyed<NestedKey>(state: state, frame: state.openNested(object: true)))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        begin(key)
        return JSONStreamUnkeyed(state: state, frame: state.openNested(object: false))
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        begin(key)
        state.awaitingValue = true
        return JSONStreamEncoding(state: state)
    }
}

struct JSONStreamUnkeyed: UnkeyedEncodingContainer, JSONStreamWriting {
    let state: JSONStreamState
    let frame: Int
    var codingPath: [any CodingKey] { [] }
    var count: Int { state.elementCount(in: frame) }

    func beginValue() { state.beginElement(in: frame, key: nil) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        beginValue()
        return KeyedEncodingContainer(JSONStreamKeyed<NestedKey>(state: state, frame: state.openNested(object: true)))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        beginValue()
        return JSONStreamUnkeyed(state: state, frame: state.openNested(object: false))
    }

    mutating func superEncoder() -> any Encoder {
        beginValue()
        state.awaitingValue = true
        return JSONStreamEncoding(state: state)
    }
}

struct JSONStreamSingle: SingleValueEncodingContainer, JSONStreamWriting {
    let state: JSONStreamState
    var codingPath: [any CodingKey] { [] }

    func beginValue() { state.awaitingValue = false }
}
