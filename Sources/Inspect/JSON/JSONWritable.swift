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
    // Unmanaged, used at +0: the state outlives every writer of its output (a strong reference
    // cost a retain and a release per member).
    private let stream: Unmanaged<JSONStreamState>?
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
        stream = Unmanaged.passUnretained(state)
        box = nil
    }

    init(container: KeyedEncodingContainer<JSONMemberKey>) {
        stream = nil
        box = ContainerBox(container)
    }

    /// Whether the next member needs a separator; counts it.
    @inline(__always)
    private mutating func nextMember() -> Bool {
        count += 1
        return count > 1
    }

    /// `key` with an integer.
    public mutating func write<T: FixedWidthInteger & Encodable>(_ key: StaticString, _ value: T) throws {
        guard let stream else { return try box!.container.encode(value, forKey: JSONMemberKey(key)) }
        let comma = nextMember()
        stream._withUnsafeGuaranteedRef { $0.writeMember(comma: comma, key: key, integer: value) }
    }

    /// `key` with a number (an integral one below 10^15 written without a fraction; NaN and the
    /// infinities as the encoder's ``JSONStreamEncoder/nonFiniteNumbers`` says).
    public mutating func write(_ key: StaticString, _ value: Double) throws {
        guard let stream else { return try box!.container.encode(value, forKey: JSONMemberKey(key)) }
        let comma = nextMember()
        try stream._withUnsafeGuaranteedRef { state in
            state.writeMemberPrefix(comma: comma, key: key, quote: false)
            try state.writeDouble(value)
        }
    }

    /// `key` with a string, escaped as RFC 8259 asks.
    public mutating func write(_ key: StaticString, _ value: String) throws {
        guard let stream else { return try box!.container.encode(value, forKey: JSONMemberKey(key)) }
        let comma = nextMember()
        // Borrowed, not copied (`withUTF8` needs a mutable copy: a retain and release per string).
        if value.utf8.withContiguousStorageIfAvailable({ utf8 in
            stream._withUnsafeGuaranteedRef { $0.writeStringMember(comma: comma, key: key, utf8: utf8) }
        }) == nil {
            var value = value
            value.withUTF8 { utf8 in stream._withUnsafeGuaranteedRef { $0.writeStringMember(comma: comma, key: key, utf8: utf8) } }
        }
    }

    /// `key` with a string given as its UTF-8 bytes (valid UTF-8), escaped as any string.
    public mutating func write(_ key: StaticString, utf8 value: UnsafeBufferPointer<UInt8>) throws {
        guard let stream else {
            return try box!.container.encode(String(decoding: value, as: UTF8.self), forKey: JSONMemberKey(key))
        }
        let comma = nextMember()
        stream._withUnsafeGuaranteedRef { $0.writeStringMember(comma: comma, key: key, utf8: value) }
    }

    /// `key` with a string given as its UTF-8 bytes, which hold no character to escape (no
    /// control character, `"` or `\`): copied as they are, in one append with the key.
    public mutating func write(_ key: StaticString, utf8NeedingNoEscaping value: UnsafeBufferPointer<UInt8>) throws {
        guard let stream else {
            return try box!.container.encode(String(decoding: value, as: UTF8.self), forKey: JSONMemberKey(key))
        }
        let comma = nextMember()
        stream._withUnsafeGuaranteedRef { state in
            let out = state.bytes.reserve(key.utf8CodeUnitCount + 7 + value.count)
            var at = JSONStreamState.putKey(comma: comma, key: key, at: out)
            out[at] = UInt8(ascii: "\"")
            if let source = value.baseAddress { JSONStreamState.copy(source, to: out + at + 1, count: value.count) }
            at += value.count + 1
            out[at] = UInt8(ascii: "\"")
            state.bytes.commit(at + 1)
        }
    }

    /// `key` with a string held as a `String` or as UTF-8 bytes (a type whose one ``JSONWritable/writeJSON(to:)``
    /// is also written from bytes: a packet's columns taken from its text line).
    @inline(__always)
    public mutating func write<Text: JSONStringValue>(_ key: StaticString, text value: Text) throws {
        try value.write(key, to: &self)
    }

    /// `key` with a capture time as RFC 3339 UTC text with nanoseconds
    /// (`TimestampFormatter.iso8601`), its date and time of day made once per second.
    public mutating func write(_ key: StaticString, iso8601 timestamp: PacketTimestamp) throws {
        guard let stream else {
            return try box!.container.encode(TimestampFormatter.iso8601(timestamp), forKey: JSONMemberKey(key))
        }
        let comma = nextMember()
        stream._withUnsafeGuaranteedRef { state in
            state.writeMemberPrefix(comma: comma, key: key, quote: true)
            state.writeISO8601(timestamp)
            state.bytes.append(UInt8(ascii: "\""))
        }
    }

    /// `key` with `true` or `false`.
    public mutating func write(_ key: StaticString, _ value: Bool) throws {
        guard let stream else { return try box!.container.encode(value, forKey: JSONMemberKey(key)) }
        let comma = nextMember()
        stream._withUnsafeGuaranteedRef { state in
            state.writeMemberPrefix(comma: comma, key: key, quote: false)
            state.writeBool(value)
        }
    }

    /// `key` with `null`.
    public mutating func writeNull(_ key: StaticString) throws {
        guard let stream else { return try box!.container.encodeNil(forKey: JSONMemberKey(key)) }
        let comma = nextMember()
        stream._withUnsafeGuaranteedRef { state in
            state.writeMemberPrefix(comma: comma, key: key, quote: false)
            state.writeNull()
        }
    }

    /// `key` with a nested object.
    public mutating func write<T: JSONWritable>(_ key: StaticString, _ value: T) throws {
        guard let stream else { return try box!.container.encode(value, forKey: JSONMemberKey(key)) }
        let comma = nextMember()
        try stream._withUnsafeGuaranteedRef { state in
            state.writeMemberPrefix(comma: comma, key: key, quote: false)
            try state.writeObject(value)
        }
    }

    /// `key` with an array of objects.
    public mutating func write<T: JSONWritable>(_ key: StaticString, _ values: [T]) throws {
        guard let stream else { return try box!.container.encode(values, forKey: JSONMemberKey(key)) }
        let comma = nextMember()
        try stream._withUnsafeGuaranteedRef { state in
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
    }

    /// `key` with an array of unsigned integers.
    public mutating func write(_ key: StaticString, integers values: [UInt64]) throws {
        guard let stream else { return try box!.container.encode(values, forKey: JSONMemberKey(key)) }
        let comma = nextMember()
        stream._withUnsafeGuaranteedRef { state in
            state.writeMemberPrefix(comma: comma, key: key, quote: false)
            state.bytes.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { state.bytes.append(UInt8(ascii: ",")) }
                state.writeInteger(value)
            }
            state.bytes.append(UInt8(ascii: "]"))
        }
    }

    /// `key` with a value of a type that encodes through `Codable` (an enum with associated
    /// values, a type not worth a ``JSONWritable`` conformance): written as the encoder writes it,
    /// in its key style.
    public mutating func write<T: Encodable>(_ key: StaticString, encoding value: T) throws {
        guard let stream else { return try box!.container.encode(value, forKey: JSONMemberKey(key)) }
        let comma = nextMember()
        try stream._withUnsafeGuaranteedRef { state in
            state.writeMemberPrefix(comma: comma, key: key, quote: false)
            try state.writeValue(value)
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
    static func putKey(comma: Bool, key: StaticString, at out: UnsafeMutablePointer<UInt8>) -> Int {
        let length = key.utf8CodeUnitCount
        var at = 0
        if comma { out[0] = UInt8(ascii: ","); at = 1 }
        out[at] = UInt8(ascii: "\"")
        copy(key.utf8Start, to: out + at + 1, count: length)
        at += length + 1
        out[at] = UInt8(ascii: "\"")
        out[at + 1] = UInt8(ascii: ":")
        return at + 2
    }

    /// Copies `count` bytes (not overlapping `out`) with word loads and stores, the last word
    /// overlapping the one before: a key or a short column costs no call to `memmove`.
    @inline(__always)
    static func copy(_ source: UnsafePointer<UInt8>, to out: UnsafeMutablePointer<UInt8>, count: Int) {
        let from = UnsafeRawPointer(source), to = UnsafeMutableRawPointer(out)
        if count >= 8 {
            guard count <= 64 else { return out.update(from: source, count: count) }
            var at = 0
            while at + 8 < count {
                to.storeBytes(of: from.loadUnaligned(fromByteOffset: at, as: UInt64.self), toByteOffset: at, as: UInt64.self)
                at += 8
            }
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self), toByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 {
            to.storeBytes(of: from.loadUnaligned(as: UInt32.self), as: UInt32.self)
            to.storeBytes(of: from.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self), toByteOffset: count - 4, as: UInt32.self)
        } else if count > 0 {
            out[0] = source[0]
            out[count / 2] = source[count / 2]
            out[count - 1] = source[count - 1]
        }
    }

    /// Appends a capture time's RFC 3339 text (it needs no escaping).
    @inline(__always)
    func writeISO8601(_ timestamp: PacketTimestamp) {
        let out = bytes.reserve(TimestampFormatter.iso8601MaximumLength)
        bytes.commit(TimestampFormatter.writeISO8601(timestamp, to: out, cache: &iso8601Cache))
    }

    /// Appends `,` (when `comma`), `"key":` and the string of `utf8`, quoted and escaped.
    @inline(__always)
    func writeStringMember(comma: Bool, key: StaticString, utf8: UnsafeBufferPointer<UInt8>) {
        writeMemberPrefix(comma: comma, key: key, quote: true)
        writeStringBody(utf8: utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends `,` (when `comma`), `"key":` and `value`'s digits, in one append.
    @inline(__always)
    func writeMember<T: FixedWidthInteger>(comma: Bool, key: StaticString, integer value: T) {
        let out = bytes.reserve(key.utf8CodeUnitCount + 25)
        var at = Self.putKey(comma: comma, key: key, at: out)
        if value < 0 { out[at] = UInt8(ascii: "-"); at += 1 }
        let magnitude = UInt64(truncatingIfNeeded: value.magnitude)
        let digits = Self.decimalDigitCount(magnitude)
        // The digits from the last: four per division (two independent pairs), then two, then one.
        let pairs = Format.digitPairs.utf8Start
        var end = at + digits
        var rest = magnitude
        while rest >= 10_000 {
            let four = Int(rest % 10_000)
            rest /= 10_000
            let high = four / 100 * 2, low = four % 100 * 2
            end -= 4
            out[end] = pairs[high]
            out[end + 1] = pairs[high + 1]
            out[end + 2] = pairs[low]
            out[end + 3] = pairs[low + 1]
        }
        if rest >= 100 {
            let pair = Int(rest % 100) * 2
            rest /= 100
            end -= 2
            out[end] = pairs[pair]
            out[end + 1] = pairs[pair + 1]
        }
        if rest >= 10 {
            out[end - 2] = pairs[Int(rest) * 2]
            out[end - 1] = pairs[Int(rest) * 2 + 1]
        } else {
            out[end - 1] = UInt8(ascii: "0") + UInt8(rest)
        }
        bytes.commit(at + digits)
    }

    /// The number of decimal digits of `value` (1 for 0), from its bit length: no division.
    @inline(__always)
    static func decimalDigitCount(_ value: UInt64) -> Int {
        // log10(2) ~ 1233 / 4096: `guess` is the digit count or one more than it.
        let guess = ((64 - value.leadingZeroBitCount) * 1233) >> 12
        return max(1, guess + (value >= powerOfTen(guess) ? 1 : 0))
    }

    /// 10^`exponent` for 0...19 (a constant table once compiled).
    @inline(__always)
    static func powerOfTen(_ exponent: Int) -> UInt64 {
        switch exponent {
        case 0: 1
        case 1: 10
        case 2: 100
        case 3: 1_000
        case 4: 10_000
        case 5: 100_000
        case 6: 1_000_000
        case 7: 10_000_000
        case 8: 100_000_000
        case 9: 1_000_000_000
        case 10: 10_000_000_000
        case 11: 100_000_000_000
        case 12: 1_000_000_000_000
        case 13: 10_000_000_000_000
        case 14: 100_000_000_000_000
        case 15: 1_000_000_000_000_000
        case 16: 10_000_000_000_000_000
        case 17: 100_000_000_000_000_000
        case 18: 1_000_000_000_000_000_000
        default: 10_000_000_000_000_000_000
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

/// A string member's value as ``JSONObjectWriter`` writes it: a `String`, or text given as its
/// UTF-8 bytes (``JSONUTF8Text``). A type's one ``JSONWritable/writeJSON(to:)`` that is generic
/// over it is also written from bytes, with no `String` made (a packet's columns, taken from the
/// text line `QuickSummary` wrote).
public protocol JSONStringValue {
    /// Writes `key` with this string into `json`.
    func write(_ key: StaticString, to json: inout JSONObjectWriter) throws
}

extension String: JSONStringValue {
    /// Writes `key` with this string.
    @inline(__always)
    public func write(_ key: StaticString, to json: inout JSONObjectWriter) throws { try json.write(key, self) }
}

extension JSONUTF8Text: JSONStringValue {
    /// Writes `key` with this text.
    @inline(__always)
    public func write(_ key: StaticString, to json: inout JSONObjectWriter) throws {
        if needsNoEscaping {
            try json.write(key, utf8NeedingNoEscaping: bytes)
        } else {
            try json.write(key, utf8: bytes)
        }
    }
}
