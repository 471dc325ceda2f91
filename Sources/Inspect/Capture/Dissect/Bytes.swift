// Big-endian (`be`, network order) and little-endian (`le`) reads at absolute offsets, named by
// byte order like `ByteReader`'s. Callers check bounds first: every view's validating init proves
// that the bytes its accessors read were captured.
extension UnsafeRawBufferPointer {
    @inline(__always) func u8(_ at: Int) -> UInt8 { self[at] }
    @inline(__always) func u16be(_ at: Int) -> UInt16 { UInt16(self[at]) << 8 | UInt16(self[at + 1]) }
    @inline(__always) func u32be(_ at: Int) -> UInt32 {
        UInt32(self[at]) << 24 | UInt32(self[at + 1]) << 16 | UInt32(self[at + 2]) << 8 | UInt32(self[at + 3])
    }
    @inline(__always) func u16le(_ at: Int) -> UInt16 { UInt16(self[at]) | UInt16(self[at + 1]) << 8 }
    @inline(__always) func u32le(_ at: Int) -> UInt32 {
        UInt32(self[at]) | UInt32(self[at + 1]) << 8 | UInt32(self[at + 2]) << 16 | UInt32(self[at + 3]) << 24
    }
}

/// A header view whose fields are declared as byte ranges relative to the header's start (each
/// view's `Field` enum), read through those ranges as smoltcp's `field::` constants are: the
/// accessors name the field, not its offset. The view's validating init proves the bytes were captured.
protocol DeclaredFields {
    /// The captured bytes.
    var bytes: UnsafeRawBufferPointer { get }
    /// Absolute offset of the header.
    var offset: Int { get }
}

extension Range<Int> {
    /// The range moved by `delta` bytes: a field declared relative to its header (or to a tag, a
    /// name's end) placed at that header's absolute offset.
    @inline(__always) func shifted(by delta: Int) -> Range<Int> { (lowerBound + delta)..<(upperBound + delta) }
}

extension DeclaredFields {
    /// The absolute range of `field`: the one place a declared field becomes bytes of the packet
    /// (the accessors' reads and the field tree's ranges).
    @inline(__always) func range(of field: Range<Int>) -> Range<Int> { field.shifted(by: offset) }
    /// The absolute offset of `field`'s first byte.
    @inline(__always) func start(of field: Range<Int>) -> Int { offset + field.lowerBound }
    /// A one-byte field.
    @inline(__always) func u8(_ field: Range<Int>) -> UInt8 {
        assert(field.count == 1, "a 1-byte read of a \(field.count)-byte field")
        return bytes[offset + field.lowerBound]
    }
    /// A two-byte field in network order.
    @inline(__always) func u16be(_ field: Range<Int>) -> UInt16 {
        assert(field.count == 2, "a 2-byte read of a \(field.count)-byte field")
        return bytes.u16be(offset + field.lowerBound)
    }
    /// A four-byte field in network order.
    @inline(__always) func u32be(_ field: Range<Int>) -> UInt32 {
        assert(field.count == 4, "a 4-byte read of a \(field.count)-byte field")
        return bytes.u32be(offset + field.lowerBound)
    }
}

/// Builds short UTF-8 text (Info columns) in 256 bytes of inline storage, then one String; longer
/// text spills to an array.
struct TextBuilder {
    private var storage:
        (
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
        ) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    private var count = 0
    private var overflow: [UInt8]?

    init() {}

    private mutating func append(bytes source: UnsafeBufferPointer<UInt8>) {
        if overflow == nil && count + source.count <= 256 {
            let start = count
            withUnsafeMutableBytes(of: &storage) { raw in
                UnsafeMutableRawBufferPointer(rebasing: raw[start..<(start + source.count)]).copyMemory(
                    from: UnsafeRawBufferPointer(source))
            }
            count += source.count
        } else {
            if overflow == nil {
                var spilled: [UInt8] = []
                withUnsafeBytes(of: &storage) { spilled.append(contentsOf: $0[0..<count]) }
                overflow = spilled
            }
            overflow!.append(contentsOf: source)
        }
    }

    mutating func append(_ text: StaticString) {
        append(bytes: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { append(bytes: $0) }
    }

    mutating func append<Number: BinaryInteger>(number: Number) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            let digits = Format.writeDecimal(Int(number), into: buffer)
            append(bytes: UnsafeBufferPointer(rebasing: buffer[digits]))
        }
    }

    /// The text's UTF-8 bytes.
    func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        if let overflow { return overflow.withUnsafeBufferPointer(body) }
        var copy = storage
        let length = count
        return withUnsafeBytes(of: &copy) { raw in
            body(UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt8.self)[0..<length]))
        }
    }

    var string: String {
        if let overflow { return String(decoding: overflow, as: UTF8.self) }
        var copy = storage
        let length = count
        return withUnsafeBytes(of: &copy) { raw in
            String(decoding: UnsafeRawBufferPointer(rebasing: raw[0..<length]), as: UTF8.self)
        }
    }
}

/// Text forms of addresses and numbers used in summaries and field trees.
enum Format {
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func mac(_ bytes: UnsafeRawBufferPointer, _ at: Int, count: Int = 6) -> String {
        guard count > 0 else { return "" }
        return String(unsafeUninitializedCapacity: count * 3 - 1) { out in
            var position = 0
            for index in 0..<count {
                if index > 0 { out[position] = UInt8(ascii: ":"); position += 1 }
                let byte = bytes[at + index]
                out[position] = hexDigitTable.utf8Start[Int(byte >> 4)]
                out[position + 1] = hexDigitTable.utf8Start[Int(byte & 0xf)]
                position += 2
            }
            return position
        }
    }

    /// Dotted quad, built in place (at most 15 bytes: a small string, no allocation).
    static func ipv4(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> String {
        String(unsafeUninitializedCapacity: 15) { writeIPv4(bytes, at, into: $0) }
    }

    /// Writes the dotted quad at `bytes[at..<at + 4]` into `out` (15 bytes or more); returns its length.
    static func writeIPv4(_ bytes: UnsafeRawBufferPointer, _ at: Int, into out: UnsafeMutableBufferPointer<UInt8>) -> Int {
        var position = 0
        for index in 0..<4 {
            if index > 0 { out[position] = UInt8(ascii: "."); position += 1 }
            let value = bytes[at + index]
            if value >= 100 { out[position] = UInt8(ascii: "0") + value / 100; position += 1 }
            if value >= 10 { out[position] = UInt8(ascii: "0") + value / 10 % 10; position += 1 }
            out[position] = UInt8(ascii: "0") + value % 10
            position += 1
        }
        return position
    }

    private static let hexDigitTable: StaticString = "0123456789abcdef"

    /// RFC 5952 text: lowercase, leading zeros dropped, the longest run of two or more zero groups as `::`.
    static func ipv6(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> String {
        var groups = [UInt16](repeating: 0, count: 8)
        for index in 0..<8 { groups[index] = bytes.u16be(at + index * 2) }
        var bestStart = -1, bestLength = 0, runStart = -1
        for index in 0...8 {
            if index < 8 && groups[index] == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index - runStart > bestLength && index - runStart >= 2 { bestStart = runStart; bestLength = index - runStart }
                runStart = -1
            }
        }
        // IPv4-mapped (::ffff:a.b.c.d) keeps the dotted quad, as inet_ntop writes it.
        if groups[0..<5].allSatisfy({ $0 == 0 }) && groups[5] == 0xffff {
            return "::ffff:" + ipv4(bytes, at + 12)
        }
        var text = ""
        var index = 0
        while index < 8 {
            if index == bestStart {
                text += "::"
                index += bestLength
                continue
            }
            if !text.isEmpty && !text.hasSuffix(":") { text += ":" }
            text += String(groups[index], radix: 16)
            index += 1
        }
        return text
    }

    /// "00" through "99": two digits per division.
    static let digitPairs: StaticString =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    /// Writes `value` in decimal at the end of `buffer` (at least 21 bytes), two digits per division
    /// (32-bit divisions when the value fits); returns the range written.
    static func writeDecimal(_ value: Int, into buffer: UnsafeMutableBufferPointer<UInt8>) -> Range<Int> {
        let pairs = digitPairs.utf8Start
        var index = buffer.count
        var remaining = value.magnitude
        while remaining > UInt(UInt32.max) {
            let pair = Int(remaining % 100)
            remaining /= 100
            index -= 2
            buffer[index] = pairs[pair * 2]
            buffer[index + 1] = pairs[pair * 2 + 1]
        }
        var small = UInt32(remaining)
        while small >= 100 {
            let pair = Int(small % 100)
            small /= 100
            index -= 2
            buffer[index] = pairs[pair * 2]
            buffer[index + 1] = pairs[pair * 2 + 1]
        }
        if small >= 10 {
            index -= 2
            buffer[index] = pairs[Int(small) * 2]
            buffer[index + 1] = pairs[Int(small) * 2 + 1]
        } else {
            index -= 1
            buffer[index] = UInt8(ascii: "0") + UInt8(small)
        }
        if value < 0 {
            index -= 1
            buffer[index] = UInt8(ascii: "-")
        }
        return index..<buffer.count
    }

    /// Appends `value` in decimal with one copy from a stack buffer.
    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value >= 0 && value < 10 { out.append(UInt8(ascii: "0") + UInt8(value)); return }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            let digits = writeDecimal(value, into: buffer)
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[digits]))
        }
    }

    /// Appends a string's UTF-8 bytes with one copy.
    static func appendUTF8(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    /// `value` in decimal, as `"\(value)"` writes it, from digit pairs into a stack buffer (a
    /// field tree has a few dozen numbers per packet; interpolation costs several times this).
    static func decimal(_ value: some BinaryInteger) -> String {
        guard let exact = Int(exactly: value) else { return "\(value)" }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 24) { buffer in
            String(decoding: UnsafeBufferPointer(rebasing: buffer[writeDecimal(exact, into: buffer)]), as: UTF8.self)
        }
    }

    /// A duration of `nanoseconds` as seconds with nine decimals, as tshark shows relative times
    /// (`0.000037000`, `-1.500000000`).
    static func seconds(_ nanoseconds: Int64) -> String {
        let magnitude = nanoseconds.magnitude
        let fraction = String(magnitude % 1_000_000_000)
        return (nanoseconds < 0 ? "-" : "") + String(magnitude / 1_000_000_000) + "."
            + String(repeating: "0", count: 9 - fraction.count) + fraction
    }

    /// `0x` and `value` in lowercase hex, zero-padded to `width` digits (`0x0012`).
    static func hex(_ value: some BinaryInteger, width: Int) -> String {
        guard value >= 0, value <= UInt64.max, width <= 16 else {
            let digits = String(value, radix: 16)
            return "0x" + String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        // Digits written from the value into a stack buffer: one `String` (inline up to 15 bytes),
        // not three made and joined (a field tree has a handful per packet).
        let bits = UInt64(value)
        var digits = 1
        while digits < 16 && bits &>> UInt64(4 * digits) != 0 { digits += 1 }
        let count = max(digits, width)
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 18) { out in
            out[0] = UInt8(ascii: "0")
            out[1] = UInt8(ascii: "x")
            for index in 0..<count {
                out[1 + count - index] = hexDigitTable.utf8Start[Int(truncatingIfNeeded: (bits &>> UInt64(4 * index)) & 0xf)]
            }
            return String(decoding: UnsafeBufferPointer(rebasing: out[0..<(count + 2)]), as: UTF8.self)
        }
    }

    static func hexBytes(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        var out = [UInt8]()
        out.reserveCapacity(range.count * 2)
        for index in range {
            out.append(hexDigits[Int(bytes[index] >> 4)])
            out.append(hexDigits[Int(bytes[index] & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The Internet checksum (RFC 1071) of a byte range, folded, not complemented, plus `initial`.
func onesComplementSum(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, initial: UInt32 = 0) -> UInt32 {
    var sum = UInt64(initial)
    var index = range.lowerBound
    while index + 1 < range.upperBound {
        sum += UInt64(bytes.u16be(index))
        index += 2
    }
    if index < range.upperBound { sum += UInt64(bytes[index]) << 8 }
    while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
    return UInt32(sum)
}

/// The checksum a header should carry when its checksum field reads zero: `~sum` folded.
func internetChecksum(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, initial: UInt32 = 0) -> UInt16 {
    ~UInt16(truncatingIfNeeded: onesComplementSum(bytes, range, initial: initial))
}
