import Foundation

/// Writes `Encodable` values as compact JSON straight into a byte buffer, as they are encoded: no
/// intermediate tree of values, no `Data` or `String` per value (what makes Foundation's
/// `JSONEncoder` the cost of a large `--json` output). Types keep their one `Codable` conformance.
///
/// Output: keys in the order a type encodes them (snake_case with ``KeyStyle/snakeCase``),
/// `Data` as base64 strings, `Date` as seconds since 1970, non-finite numbers as `null` (JSON has
/// none; ``nonFiniteNumbers`` and ``dates`` change those two), strings escaped as RFC 8259 asks (`"`, `\`, control characters) and otherwise written as
/// their UTF-8 bytes.
///
/// Containers close when the value that opened them ends or when their parent container is written
/// to again, which is how synthesized and ordinary `encode(to:)` implementations use them.
public struct JSONStreamEncoder: Sendable {
    /// How coding keys become JSON keys.
    public enum KeyStyle: Sendable {
        /// As the key's `stringValue` reads.
        case asWritten
        /// `bytesAcknowledged` → `bytes_acknowledged`, `cName` → `c_name`, `URLPath` → `url_path`,
        /// as Foundation's `convertToSnakeCase` does.
        case snakeCase
    }

    /// What becomes of NaN and the infinities, which JSON cannot write.
    public enum NonFiniteNumbers: Sendable {
        /// Written as `null`.
        case null
        /// The encoding throws `EncodingError.invalidValue`, as Foundation's `JSONEncoder` does.
        case `throw`
    }

    /// How `Date` values are written.
    public enum DateStyle: Sendable {
        /// Seconds since 1970-01-01 00:00 UTC.
        case secondsSince1970
        /// Seconds since 2001-01-01 00:00 UTC: what Foundation's `JSONDecoder` reads by default.
        case secondsSinceReferenceDate
    }

    /// How coding keys become JSON keys.
    public var keyStyle: KeyStyle
    /// What becomes of NaN and the infinities.
    public var nonFiniteNumbers: NonFiniteNumbers
    /// How `Date` values are written.
    public var dates: DateStyle

    /// Creates an encoder.
    public init(keyStyle: KeyStyle = .snakeCase, nonFiniteNumbers: NonFiniteNumbers = .null, dates: DateStyle = .secondsSince1970) {
        self.keyStyle = keyStyle
        self.nonFiniteNumbers = nonFiniteNumbers
        self.dates = dates
    }

    /// What Foundation's `JSONDecoder` with its default settings reads back as the value
    /// Foundation's `JSONEncoder` (default settings) would have written: keys as written, dates as
    /// seconds since 2001, and a non-finite number is an error, not `null`.
    public static let foundationCompatible = JSONStreamEncoder(
        keyStyle: .asWritten, nonFiniteNumbers: .throw, dates: .secondsSinceReferenceDate)

    /// `value` as JSON.
    /// - Throws: what the value's `encode(to:)` throws.
    public func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        try encode(value, appendingTo: &bytes)
        return bytes
    }

    /// Appends `value` as JSON to `bytes` (a caller streaming a large document writes a row at a
    /// time and flushes the buffer in between).
    /// - Throws: what the value's `encode(to:)` throws; `bytes` then holds a partial document.
    public func encode<T: Encodable>(_ value: T, appendingTo bytes: inout [UInt8]) throws {
        let state = makeState()
        defer { state.bytes.move(appendingTo: &bytes) }
        try state.writeValue(value)
        state.close(downTo: 0)
    }

    /// Writes `value` as JSON through `write`, a piece at a time as it is encoded: whenever the
    /// buffered output reaches `chunkSize` bytes at the end of a value, and once more at the end. A
    /// large document (a 20,000-row socket table) is never held whole; the buffer is reused between
    /// pieces. The pieces, joined, are what `encode(_:)` returns.
    /// - Throws: what the value's `encode(to:)` or `write` throws (the output then stops there).
    public func encode<T: Encodable>(
        _ value: T, chunkSize: Int, to write: (UnsafeRawBufferPointer) throws -> Void
    ) throws {
        try withoutActuallyEscaping(write) { write in
            let state = makeState()
            state.bytes.reserveCapacity(max(chunkSize, 64) + chunkSize / 4)
            state.flushThreshold = max(chunkSize, 1)
            state.sink = write
            try state.writeValue(value)
            state.close(downTo: 0)
            state.sink = nil
            try state.bytes.withUnsafeBytes { if $0.count > 0 { try write($0) } }
        }
    }

    private func makeState() -> JSONStreamState {
        JSONStreamState(keyStyle: keyStyle, throwsOnNonFinite: nonFiniteNumbers == .throw, datesSince1970: dates == .secondsSince1970)
    }

    /// `key` as this encoder writes it (`snake_case` or as written).
    public func jsonKey(_ key: String) -> String {
        keyStyle == .snakeCase ? JSONStreamState.snakeCase(key) : key
    }
}

/// The encoder's output and its open containers, shared by the `Encoder` and its containers.
///
/// One value's encoding touches this state a few hundred times (a TCP row: ~100 keys), so its
/// stored properties skip the runtime's exclusivity bookkeeping (`@exclusivity(unchecked)`: the
/// state is confined to the one encoding call that made it, and no access overlaps another), and
/// the open containers live in a plain buffer rather than an array.
final class JSONStreamState {
    /// One open object or array.
    struct Frame {
        var isObject: Bool
        var count: Int
        /// The value this container belongs to: a second `container(keyedBy:)` for the same
        /// value continues it.
        var owner: Int
    }

    /// The output (a buffer the state owns alone: an append is a capacity check and a store).
    @exclusivity(unchecked) var bytes = ByteBuffer()
    /// The open containers, innermost last (`frameCount` of them, room for `frameCapacity`).
    @exclusivity(unchecked) private var frameStorage: UnsafeMutablePointer<Frame>
    @exclusivity(unchecked) private(set) var frameCount = 0
    @exclusivity(unchecked) private var frameCapacity = 16
    let keyStyle: JSONStreamEncoder.KeyStyle
    /// NaN and infinities throw instead of becoming `null`.
    let throwsOnNonFinite: Bool
    /// Dates as seconds since 1970 (else since 2001).
    let datesSince1970: Bool
    /// The value being encoded (a counter, for `Frame.owner`).
    @exclusivity(unchecked) var currentValue = 0
    @exclusivity(unchecked) private var nextValue = 1
    /// A key was written and its value has not started yet.
    @exclusivity(unchecked) var awaitingValue = false
    /// Where output goes when `bytes` reaches `flushThreshold` at the end of a value (nil: kept).
    @exclusivity(unchecked) var sink: ((UnsafeRawBufferPointer) throws -> Void)?
    @exclusivity(unchecked) var flushThreshold = Int.max
    /// Bytes handed to `sink` so far.
    @exclusivity(unchecked) private var flushedCount = 0
    /// The last capture time's date and time of day (``JSONObjectWriter/write(_:iso8601:)``).
    @exclusivity(unchecked) var iso8601Cache = TimestampFormatter.ISO8601Cache()

    init(keyStyle: JSONStreamEncoder.KeyStyle, throwsOnNonFinite: Bool = false, datesSince1970: Bool = true) {
        self.keyStyle = keyStyle
        self.throwsOnNonFinite = throwsOnNonFinite
        self.datesSince1970 = datesSince1970
        frameStorage = .allocate(capacity: frameCapacity)
    }

    deinit {
        frameStorage.deallocate()
        keySlots?.deallocate()
        bytes.deallocate()
    }

    /// Forgets any containers a value that threw left open, for the next value (``JSONStreamWriter``).
    func resetForNextValue() {
        frameCount = 0
        currentValue = 0
        awaitingValue = false
    }

    /// Elements written so far into the container at `index` (0 for a closed one).
    func elementCount(in index: Int) -> Int { index >= 0 && index < frameCount ? frameStorage[index].count : 0 }

    // MARK: Structure

    @inline(__always) private func appendASCII(_ first: UInt8, _ second: UInt8) {
        bytes.append(first)
        bytes.append(second)
    }

    @inline(__always) private func appendASCII(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Closes the containers above `depth` (and gives a value that wrote nothing `{}`).
    func close(downTo depth: Int) {
        if awaitingValue {
            appendASCII(UInt8(ascii: "{"), UInt8(ascii: "}"))
            awaitingValue = false
        }
        while frameCount > depth {
            frameCount -= 1
            bytes.append(frameStorage[frameCount].isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        }
    }

    private func push(_ frame: Frame) -> Int {
        if frameCount == frameCapacity {
            let larger = UnsafeMutablePointer<Frame>.allocate(capacity: frameCapacity * 2)
            larger.moveInitialize(from: frameStorage, count: frameCount)
            frameStorage.deallocate()
            frameStorage = larger
            frameCapacity *= 2
        }
        (frameStorage + frameCount).initialize(to: frame)
        frameCount += 1
        return frameCount - 1
    }

    /// Opens an object or array for the current value, or continues the one it opened already.
    func open(object: Bool) -> Int {
        if frameCount > 0, !awaitingValue {
            let top = frameStorage[frameCount - 1]
            if top.owner == currentValue && top.isObject == object { return frameCount - 1 }
        }
        awaitingValue = false
        bytes.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        return push(Frame(isObject: object, count: 0, owner: currentValue))
    }

    /// A container opened as an element of another (`nestedContainer`): a value of its own.
    func openNested(object: Bool) -> Int {
        let owner = nextValue
        nextValue += 1
        bytes.append(object ? UInt8(ascii: "{") : UInt8(ascii: "["))
        return push(Frame(isObject: object, count: 0, owner: owner))
    }

    /// Before an element of the container at `index`: closes the containers above it and writes
    /// the separator and, for an object, the key.
    func beginElement(in index: Int, key: String?) {
        if awaitingValue || frameCount > index + 1 { close(downTo: index + 1) }
        precondition(index < frameCount, "a JSON container was written to after it closed")
        if frameStorage[index].count > 0 { bytes.append(UInt8(ascii: ",")) }
        frameStorage[index].count += 1
        if let key {
            writeKey(key)
            bytes.append(UInt8(ascii: ":"))
        }
    }

    /// Encodes a nested value in place (it opens its own containers, closed when it returns).
    func writeValue<T: Encodable>(_ value: T) throws {
        // Compared by type, not cast: a dynamic cast per nested value costs on large documents.
        if T.self == Data.self {
            writeString((value as! Data).base64EncodedString())
            return
        }
        if T.self == Date.self {
            let date = value as! Date
            try writeDouble(datesSince1970 ? date.timeIntervalSince1970 : date.timeIntervalSinceReferenceDate)
            return
        }
        if T.self == JSONUTF8Text.self {
            writeString(utf8: unsafeBitCast(value, to: JSONUTF8Text.self).bytes)
            return
        }
        if T.self == URL.self {
            writeString((value as! URL).absoluteString)
            return
        }
        let depth = frameCount
        let outer = currentValue
        currentValue = nextValue
        nextValue += 1
        let before = flushedCount + bytes.count
        awaitingValue = false
        try value.encode(to: JSONStreamEncoding(state: self))
        if flushedCount + bytes.count == before && frameCount == depth { appendASCII(UInt8(ascii: "{"), UInt8(ascii: "}")) }
        close(downTo: depth)
        currentValue = outer
        if bytes.count >= flushThreshold { try flush() }
    }

    /// Hands the buffered bytes to `sink` and empties the buffer (keeping its storage).
    private func flush() throws {
        guard let sink else { return }
        flushedCount += bytes.count
        try bytes.withUnsafeBytes { try sink($0) }
        bytes.removeAll(keepingCapacity: true)
    }

    // MARK: Scalars

    func writeNull() { appendASCII("null") }

    func writeBool(_ value: Bool) { appendASCII(value ? "true" : "false") }

    func writeInteger<T: FixedWidthInteger>(_ value: T) {
        if value == 0 { bytes.append(UInt8(ascii: "0")); return }
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = UInt64(truncatingIfNeeded: value.magnitude)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = digits.count
            while magnitude > 0 {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start...]))
        }
    }

    func writeDouble(_ value: Double) throws {
        guard value.isFinite else { try writeNonFinite(value); return }
        if value == value.rounded(.towardZero), abs(value) < 1e15 {
            writeInteger(Int64(value))
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    func writeFloat(_ value: Float) throws {
        guard value.isFinite else { try writeNonFinite(value); return }
        try writeDouble(Double(value.description) ?? 0)
    }

    /// `null`, or the error Foundation's `JSONEncoder` throws.
    private func writeNonFinite<T: FloatingPoint>(_ value: T) throws {
        guard throwsOnNonFinite else { writeNull(); return }
        throw EncodingError.invalidValue(
            value, .init(codingPath: [], debugDescription: "\(value) is not a number JSON can carry (NaN and infinities have no JSON form)")
        )
    }

    func writeString(_ value: String) {
        var value = value
        value.withUTF8 { writeString(utf8: $0) }
    }

    func writeString(utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        writeStringBody(utf8: utf8)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A string's text, escaped, without its quotes.
    func writeStringBody(utf8: UnsafeBufferPointer<UInt8>) {
        var runStart = 0
        // Eight bytes at a time up to the first that may need escaping (a control character, `"`
        // or `\`): most strings have none and are copied in one append.
        var clean = 0
        if let base = UnsafeRawPointer(utf8.baseAddress) {
            func isClean(_ offset: Int) -> Bool {
                let ones: UInt64 = 0x0101_0101_0101_0101
                let highs: UInt64 = 0x8080_8080_8080_8080
                let word = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                let quote = word ^ (ones &* 0x22)
                let backslash = word ^ (ones &* 0x5c)
                let control = (word &- ones &* 0x20) & ~word
                let zeroQuote = (quote &- ones) & ~quote
                let zeroBackslash = (backslash &- ones) & ~backslash
                return (control | zeroQuote | zeroBackslash) & highs == 0
            }
            while clean + 8 <= utf8.count && isClean(clean) { clean += 8 }
            // Fewer than 8 bytes left after clean words: the last 8 as one word (overlapping).
            if clean < utf8.count && clean + 8 > utf8.count && utf8.count >= 8 && isClean(utf8.count - 8) { clean = utf8.count }
        }
        if clean + 8 > utf8.count, utf8.count <= 24, let base = utf8.baseAddress {
            // A short string (most field names, labels and values): checked and copied byte by
            // byte in one pass, without a `memmove` call for a few bytes.
            let count = utf8.count
            let out = bytes.reserve(count)
            var index = clean
            for prefix in 0..<clean { out[prefix] = base[prefix] }
            while index < count {
                let byte = base[index]
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { break }
                out[index] = byte
                index += 1
            }
            if index == count {
                bytes.commit(count)
                return
            }
        }
        for index in clean..<utf8.count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
            runStart = index + 1
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0a: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0d: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            default:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [
                    UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xf)]
                ])
            }
        }
        if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
    }

    /// A key already written: the `String`'s bits (the string itself is kept alive in
    /// `keyCacheStrings`, so equal bits mean the same text) and where its written bytes (quoted,
    /// converted) lie in `keyCacheBytes`. Empty while `count` is 0.
    private struct KeySlot {
        var bits: (UInt64, UInt64) = (0, 0)
        var start = 0
        var count = 0
    }
    /// Keys already written, by a hash of the `String`'s bits (a literal key's bits are the same
    /// every time). Made once a value has written `keyCacheAfter` keys: rows of a large table
    /// repeat the same hundred. Looking one up retains nothing.
    @exclusivity(unchecked) private var keySlots: UnsafeMutablePointer<KeySlot>?
    @exclusivity(unchecked) private var keyCacheStrings: [String] = []
    @exclusivity(unchecked) private var keyCacheBytes: [UInt8] = []
    @exclusivity(unchecked) private var keysWritten = 0
    private static let keyCacheAfter = 256
    private static let keyCacheBits = 11
    /// Keys kept at most, half the slots (a document of ever new keys stops adding them).
    private static let keyCacheLimit = (1 << keyCacheBits) / 2

    private func writeKey(_ key: String) {
        guard keyStyle == .snakeCase else { writeString(key); return }
        keysWritten &+= 1
        guard keysWritten > Self.keyCacheAfter else { return writeConvertedKey(key) }
        let slots: UnsafeMutablePointer<KeySlot>
        if let keySlots {
            slots = keySlots
        } else {
            slots = .allocate(capacity: 1 << Self.keyCacheBits)
            slots.initialize(repeating: KeySlot(), count: 1 << Self.keyCacheBits)
            keySlots = slots
        }
        let bits = unsafeBitCast(key, to: (UInt64, UInt64).self)
        let hash = (bits.0 &* 0x9E37_79B9_7F4A_7C15 ^ bits.1) &* 0x9E37_79B9_7F4A_7C15
        let mask = (1 << Self.keyCacheBits) - 1
        var index = Int(truncatingIfNeeded: hash >> UInt64(64 - Self.keyCacheBits))
        // Open addressing with linear probing, never evicting (keys sharing a slot each keep one).
        while slots[index].count > 0 {
            if slots[index].bits == bits {
                let range = slots[index].start..<slots[index].start + slots[index].count
                keyCacheBytes.withUnsafeBufferPointer { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[range])) }
                return
            }
            index = (index + 1) & mask
        }
        let slot = slots + index
        let start = bytes.count
        writeConvertedKey(key)
        guard keyCacheStrings.count < Self.keyCacheLimit else { return }
        keyCacheStrings.append(key)
        slot.pointee = KeySlot(bits: bits, start: keyCacheBytes.count, count: bytes.count - start)
        bytes.withUnsafeBufferPointer { keyCacheBytes.append(contentsOf: UnsafeBufferPointer(rebasing: $0[start...])) }
    }

    private func writeConvertedKey(_ key: String) {
        var key = key
        let written = key.withUTF8 { writeSnakeCaseASCII($0) }
        if !written { writeString(Self.snakeCase(key)) }
    }

    /// Writes an ASCII key as `snakeCase(_:)` would turn it, straight from its bytes (no `String`
    /// per key: keys are written once per value, so a 20,000-row table writes a million of them).
    /// Returns false, having written nothing, when the key has a byte outside printable ASCII or
    /// one JSON escapes; the caller then takes the general path.
    private func writeSnakeCaseASCII(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        @inline(__always) func isUpper(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "A") < 26 }
        @inline(__always) func isLower(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "a") < 26 }
        @inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }
        var hasUpper = false
        for byte in utf8 {
            if byte < 0x20 || byte >= 0x7f || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { return false }
            hasUpper = hasUpper || isUpper(byte)
        }
        let count = utf8.count
        guard hasUpper else {
            // Already snake_case (most keys): the bytes as they are, in one copy.
            bytes.append(UInt8(ascii: "\""))
            bytes.append(contentsOf: utf8)
            bytes.append(UInt8(ascii: "\""))
            return true
        }
        // At most one underscore per byte, plus the quotes.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 2 * count + 2) { out in
            var written = 0
            out[written] = UInt8(ascii: "\"")
            written += 1
            for index in 0..<count {
                let byte = utf8[index]
                guard isUpper(byte) else {
                    out[written] = byte
                    written += 1
                    continue
                }
                if index > 0 {
                    let previous = utf8[index - 1]
                    let nextIsLower = index + 1 < count && isLower(utf8[index + 1])
                    if isLower(previous) || isDigit(previous) || (isUpper(previous) && nextIsLower) {
                        out[written] = UInt8(ascii: "_")
                        written += 1
                    }
                }
                out[written] = byte | 0x20
                written += 1
            }
            out[written] = UInt8(ascii: "\"")
            written += 1
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: out[..<written]))
        }
        return true
    }

    /// `bytesAcknowledged` → `bytes_acknowledged`: a word starts at an upper-case letter after a
    /// lower-case letter or digit, and at the last of a run of upper-case letters followed by a
    /// lower-case one (`URLPath` → `url_path`); leading and trailing underscores stay.
    static func snakeCase(_ key: String) -> String {
        let scalars = Array(key.unicodeScalars)
        guard scalars.contains(where: { $0.properties.isUppercase }) else { return key }
        var out = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            if scalar.properties.isUppercase, index > 0 {
                let previous = scalars[index - 1]
                let nextIsLower = index + 1 < scalars.count && scalars[index + 1].properties.isLowercase
                let previousIsWordEnd = previous.properties.isLowercase || ("0"..."9").contains(previous)
                if previousIsWordEnd || (previous.properties.isUppercase && nextIsLower) { out.append("_") }
            }
            out.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
        return String(out)
    }
}
