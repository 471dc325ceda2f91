/// A type whose JSON object is written by one function, ``writeJSON(to:)``, straight into the
/// output bytes: no `Encoder`, no containers, no coding keys turned into text. For values written
/// by the million (`socktui read --json`'s packets and their field trees), where Codable's
/// per-container and per-key machinery costs several times the data itself.
///
/// `writeJSON(to:)` is the type's one encoding: its `encode(to:)` is
/// ``encodeWritingJSON(to:)``, which splices the same bytes into a ``JSONStreamEncoder``'s output
/// and, for any other encoder (Foundation's `JSONEncoder`), replays the same members into a keyed
/// container. Keys are given as they appear in the JSON (snake_case literals) whatever the
/// encoder's key style.
public protocol JSONWritable: Encodable {
    /// Writes this value's members, in order, into `json` (an object the caller opened).
    /// - Throws: what a member's encoding throws (a non-finite number, another encoder's error).
    func writeJSON(to json: inout JSONObjectWriter) throws
}

extension JSONWritable {
    /// The `encode(to:)` of a ``JSONWritable`` type: its ``writeJSON(to:)``, as bytes into a
    /// ``JSONStreamEncoder``'s output, or member by member into another encoder's keyed container.
    public func encodeWritingJSON(to encoder: any Encoder) throws {
        if let stream = encoder as? JSONStreamEncoding {
            stream.state.awaitingValue = false
            try stream.state.writeObject(self)
        } else {
            var json = JSONObjectWriter(container: encoder.container(keyedBy: JSONMemberKey.self))
            try writeJSON(to: &json)
        }
    }
}

/// A key given as its JSON text, for an encoder other than ``JSONStreamEncoder``.
struct JSONMemberKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
    init(_ key: StaticString) { stringValue = key.description }
}

/// Writes the members of one JSON object, in the order they are written: each key (a snake_case
/// string literal, written as it reads: it must need no escaping) and its value go straight into
/// the encoder's byte buffer, with the text a ``JSONStreamEncoder`` writes for the same value.
public struct JSONObjectWriter {
    /// The byte output, or nil when writing into `container`.
    // Unmanaged, used through `_withUnsafeGuaranteedRef`: the state outlives every writer of its
    // output, and an `unowned(unsafe)` reference was still retained and released by every member.
    private let state: Unmanaged<JSONStreamState>?
    /// The container when writing into another encoder. Boxed: `KeyedEncodingContainer`'s layout
    /// is not known to the compiler, and holding it inline made every writer (one per object) go
    /// through the runtime's value witnesses to be made and destroyed.
    private let box: ContainerBox?
    /// Members written so far.
    private var count = 0

    private final class ContainerBox {
        var container: KeyedEncodingContainer<JSONMemberKey>
        init(_ container: KeyedEncodingContainer<JSONMemberKey>) { self.container = container }
    }

    init(state: JSONStreamState) {
        self.state = Unmanaged.passUnretained(state)
        box = nil
    }

    init(container: KeyedEncodingContainer<JSONMemberKey>) {
        state = nil
        box = ContainerBox(container)
    }

    /// `key` with an integer.
    public mutating func write<T: FixedWidthInteger & Encodable>(_ key: StaticString, _ value: T) throws {
        if let state {
            let comma = count > 0
            count += 1
            state._withUnsafeGuaranteedRef { $0.writeMember(comma: comma, key: key, integer: value) }
        } else {
            try box!.container.encode(value, forKey: JSONMemberKey(key))
        }
    }

    /// `key` with a number (an integral one below 10^15 written without a fraction; NaN and the
    /// infinities as the encoder's ``JSONStreamEncoder/nonFiniteNumbers`` says).
    public mutating func write(_ key: StaticString, _ value: Double) throws {
        if let state {
            let comma = count > 0
            count += 1
            try state._withUnsafeGuaranteedRef { state in
                state.writeMemberPrefix(comma: comma, key: key, quote: false)
                try state.writeDouble(value)
            }
        } else {
            try box!.container.encode(value, forKey: JSONMemberKey(key))
        }
    }

    /// `key` with a string, escaped as RFC 8259 asks.
    public mutating func write(_ key: StaticString, _ value: String) throws {
        if let state {
            let comma = count > 0
            count += 1
            state._withUnsafeGuaranteedRef { state in
                state.writeMemberPrefix(comma: comma, key: key, quote: true)
                // Borrowed, not copied (`withUTF8` needs a mutable copy: a retain and release per string).
                if value.utf8.withContiguousStorageIfAvailable({ state.writeStringBody(utf8: $0) }) == nil {
                    var value = value
                    value.withUTF8 { state.writeStringBody(utf8: $0) }
                }
                state.bytes.append(UInt8(ascii: "\""))
            }
        } else {
            try box!.container.encode(value, forKey: JSONMemberKey(key))
        }
    }

    /// `key` with a string given as its UTF-8 bytes (valid UTF-8), escaped as any string.
    public mutating func write(_ key: StaticString, utf8 value: UnsafeBufferPointer<UInt8>) throws {
        if let state {
            let comma = count > 0
            count += 1
            state._withUnsafeGuaranteedRef { state in
                state.writeMemberPrefix(comma: comma, key: key, quote: true)
                state.writeStringBody(utf8: value)
                state.bytes.append(UInt8(ascii: "\""))
            }
        } else {
            try box!.container.encode(String(decoding: value, as: UTF8.self), forKey: JSONMemberKey(key))
        }
    }

    /// `key` with `true` or `false`.
    public mutating func write(_ key: StaticString, _ value: Bool) throws {
        if let state {
            let comma = count > 0
            count += 1
            state._withUnsafeGuaranteedRef { state in
                state.writeMemberPrefix(comma: comma, key: key, quote: false)
                state.writeBool(value)
            }
        } else {
            try box!.container.encode(value, forKey: JSONMemberKey(key))
        }
    }

    /// `key` with `null`.
    public mutating func writeNull(_ key: StaticString) throws {
        if let state {
            let comma = count > 0
            count += 1
            state._withUnsafeGuaranteedRef { state in
                state.writeMemberPrefix(comma: comma, key: key, quote: false)
                state.writeNull()
            }
        } else {
            try box!.container.encodeNil(forKey: JSONMemberKey(key))
        }
    }

    /// `key` with a nested object.
    public mutating func write<T: JSONWritable>(_ key: StaticString, _ value: T) throws {
        if let state {
            let comma = count > 0
            count += 1
            try state._withUnsafeGuaranteedRef { state in
                state.writeMemberPrefix(comma: comma, key: key, quote: false)
                try state.writeObject(value)
            }
        } else {
            try box!.container.encode(value, forKey: JSONMemberKey(key))
        }
    }

    /// `key` with an array of objects.
    public mutating func write<T: JSONWritable>(_ key: StaticString, _ values: [T]) throws {
        if let state {
            let comma = count > 0
            count += 1
            try state._withUnsafeGuaranteedRef { state in
                state.writeMemberPrefix(comma: comma, key: key, quote: false)
                state.bytes.append(UInt8(ascii: "["))
                // Through the buffer: each element used in place, not copied out (retaining and
                // releasing its references) as the array's subscript does.
                try values.withUnsafeBufferPointer { elements in
                    guard let first = elements.baseAddress else { return }
                    for index in 0..<elements.count {
                        if index > 0 { state.bytes.append(UInt8(ascii: ",")) }
                        try state.writeObject(at: first + index)
                    }
                }
                state.bytes.append(UInt8(ascii: "]"))
            }
        } else {
            try box!.container.encode(values, forKey: JSONMemberKey(key))
        }
    }

    /// `key` with a value of a type that encodes through `Codable` (an enum with associated
    /// values, a type not worth a ``JSONWritable`` conformance): written as the encoder writes it,
    /// in its key style.
    public mutating func write<T: Encodable>(_ key: StaticString, encoding value: T) throws {
        if let state {
            let comma = count > 0
            count += 1
            try state._withUnsafeGuaranteedRef { state in
                state.writeMemberPrefix(comma: comma, key: key, quote: false)
                try state.writeValue(value)
            }
        } else {
            try box!.container.encode(value, forKey: JSONMemberKey(key))
        }
    }
}

extension JSONStreamState {
    /// Appends `,` (when `comma`), `"key":` and, with `quote`, the `"` that opens a string value,
    /// in one append.
    @inline(__always)
    func writeMemberPrefix(comma: Bool, key: StaticString, quote: Bool) {
        let out = bytes.reserve(key.utf8CodeUnitCount + 5)
        var at = Self.putKey(comma: comma, key: key, at: out)
        if quote { out[at] = UInt8(ascii: "\""); at += 1 }
        bytes.commit(at)
    }

    /// Puts `,` (when `comma`) and `"key":` at `out`, which has room for them; returns their length.
    @inline(__always)
    private static func putKey(comma: Bool, key: StaticString, at out: UnsafeMutablePointer<UInt8>) -> Int {
        let length = key.utf8CodeUnitCount
        var at = 0
        if comma { out[0] = UInt8(ascii: ","); at = 1 }
        out[at] = UInt8(ascii: "\"")
        (out + at + 1).update(from: key.utf8Start, count: length)
        at += length + 1
        out[at] = UInt8(ascii: "\"")
        out[at + 1] = UInt8(ascii: ":")
        return at + 2
    }

    /// Appends `,` (when `comma`), `"key":` and `value`'s digits, in one append.
    @inline(__always)
    func writeMember<T: FixedWidthInteger>(comma: Bool, key: StaticString, integer value: T) {
        do {
            let out = bytes.reserve(key.utf8CodeUnitCount + 25)
            var at = Self.putKey(comma: comma, key: key, at: out)
            if value < 0 { out[at] = UInt8(ascii: "-"); at += 1 }
            var magnitude = UInt64(truncatingIfNeeded: value.magnitude)
            var digits = 1
            var scale: UInt64 = 10
            while digits < 20 && magnitude >= scale {
                digits += 1
                if scale > UInt64.max / 10 { break }
                scale *= 10
            }
            var end = at + digits
            at = end
            repeat {
                end -= 1
                out[end] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while end > at - digits
            bytes.commit(at)
        }
    }

    /// Writes `value` as an object, its members from its ``JSONWritable/writeJSON(to:)``.
    func writeObject<T: JSONWritable>(_ value: T) throws {
        bytes.append(UInt8(ascii: "{"))
        var json = JSONObjectWriter(state: self)
        try value.writeJSON(to: &json)
        bytes.append(UInt8(ascii: "}"))
    }

    /// Writes the value at `pointer` as an object, used where it lies (an array element passed by
    /// value was copied out first, its references retained and released).
    @inline(__always)
    func writeObject<T: JSONWritable>(at pointer: UnsafePointer<T>) throws {
        bytes.append(UInt8(ascii: "{"))
        var json = JSONObjectWriter(state: self)
        try pointer.pointee.writeJSON(to: &json)
        bytes.append(UInt8(ascii: "}"))
    }
}
