/// A ``JSONStreamEncoder`` that keeps its working state (the open-container stack and its output
/// buffer's capacity) from one value to the next: for a thread writing many small values, such as
/// `socktui read --json`'s one object per packet, where making the state for each value would cost
/// about as much as writing it. Not thread-safe: give each thread its own.
public final class JSONStreamWriter {
    private let state: JSONStreamState

    /// A writer with `encoder`'s settings.
    public init(_ encoder: JSONStreamEncoder) {
        state = JSONStreamState(
            keyStyle: encoder.keyStyle, throwsOnNonFinite: encoder.nonFiniteNumbers == .throw,
            datesSince1970: encoder.dates == .secondsSince1970)
    }

    /// Appends `value` as JSON to `bytes`, exactly as ``JSONStreamEncoder/encode(_:appendingTo:)``
    /// does.
    /// - Throws: what the value's `encode(to:)` throws; `bytes` then holds a partial document.
    public func encode<T: Encodable>(_ value: T, appendingTo bytes: inout [UInt8]) throws {
        // A value that threw left containers open: start from an empty stack.
        state.resetForNextValue()
        defer { state.bytes.move(appendingTo: &bytes) }
        try state.writeValue(value)
        state.close(downTo: 0)
    }

    /// Appends `value`'s object to `bytes` straight from its ``JSONWritable/writeJSON(to:)`` (the
    /// bytes its `encode(to:)` writes, without going through `Encodable`).
    /// - Throws: what `writeJSON(to:)` throws; `bytes` then holds a partial document.
    public func encode<T: JSONWritable>(_ value: T, appendingTo bytes: inout [UInt8]) throws {
        state.resetForNextValue()
        defer { state.bytes.move(appendingTo: &bytes) }
        try state.writeObject(value)
    }

    /// Appends `value`'s object to `bytes` straight from its ``JSONWritable/writeJSON(to:)``,
    /// written in place (the writer works on `bytes` itself: no copy from its own buffer).
    /// - Throws: what `writeJSON(to:)` throws; `bytes` then holds a partial document.
    public func encode<T: JSONWritable>(_ value: T, appendingTo bytes: inout ByteBuffer) throws {
        try writeObject(appendingTo: &bytes) { try value.writeJSON(to: &$0) }
    }

    /// Appends an object whose members `body` writes to `bytes`, in place, as
    /// `encode(_:appendingTo:)` does for a value (`body` is a ``JSONWritable``
    /// type's member writer given the values without the value: `socktui read`'s quick packets).
    /// - Throws: what `body` throws; `bytes` then holds a partial document.
    @inline(__always)
    func writeObject(appendingTo bytes: inout ByteBuffer, _ body: (inout JSONObjectWriter) throws -> Void) rethrows {
        state.resetForNextValue()
        // The state writes into `bytes` for the while (its own buffer waits aside).
        swap(&state.bytes, &bytes)
        defer { swap(&state.bytes, &bytes) }
        state.bytes.append(UInt8(ascii: "{"))
        var json = JSONObjectWriter(state: state)
        try body(&json)
        state.bytes.append(UInt8(ascii: "}"))
    }
}

/// A string given as its UTF-8 bytes, for a value to encode text it holds as bytes (a packet's
/// address and info columns, a time written into a stack buffer) without making a `String`:
/// ``JSONStreamEncoder`` copies the bytes straight into its output (escaped as any string), other
/// encoders get a `String`. The bytes must stay valid while the value is encoded.
public struct JSONUTF8Text: Encodable {
    /// The text's bytes.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// The bytes hold no control character, `"` or `\`: they are copied as they are, unscanned.
    public let needsNoEscaping: Bool

    /// Text made of `bytes`, which must be valid UTF-8.
    public init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
        needsNoEscaping = false
    }

    /// Text made of `bytes`, valid UTF-8 with no character that JSON escapes (no control
    /// character, `"` or `\`: text the caller wrote itself, such as digits and addresses).
    public init(needingNoEscaping bytes: UnsafeBufferPointer<UInt8>) {
        assert(!bytes.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") })
        self.bytes = bytes
        needsNoEscaping = true
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(String(decoding: bytes, as: UTF8.self))
    }
}
