// Big-endian and little-endian reads at absolute offsets. Callers check bounds first: every view's
// validating init proves that the bytes its accessors read were captured.
extension UnsafeRawBufferPointer {
    @inline(__always) func u8(_ at: Int) -> UInt8 { self[at] }
    @inline(__always) func u16(_ at: Int) -> UInt16 { UInt16(self[at]) << 8 | UInt16(self[at + 1]) }
    @inline(__always) func u32(_ at: Int) -> UInt32 {
        UInt32(self[at]) << 24 | UInt32(self[at + 1]) << 16 | UInt32(self[at + 2]) << 8 | UInt32(self[at + 3])
    }
    @inline(__always) func u16le(_ at: Int) -> UInt16 { UInt16(self[at]) | UInt16(self[at + 1]) << 8 }
    @inline(__always) func u32le(_ at: Int) -> UInt32 {
        UInt32(self[at]) | UInt32(self[at + 1]) << 8 | UInt32(self[at + 2]) << 16 | UInt32(self[at + 3]) << 24
    }
}

/// Text forms of addresses and numbers used in summaries and field trees.
enum Format {
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func mac(_ bytes: UnsafeRawBufferPointer, _ at: Int, count: Int = 6) -> String {
        var out = [UInt8]()
        out.reserveCapacity(count * 3)
        for index in 0..<count {
            if index > 0 { out.append(UInt8(ascii: ":")) }
            let byte = bytes[at + index]
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func ipv4(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> String {
        var out = [UInt8]()
        out.reserveCapacity(15)
        for index in 0..<4 {
            if index > 0 { out.append(UInt8(ascii: ".")) }
            appendDecimal(Int(bytes[at + index]), to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// RFC 5952 text: lowercase, leading zeros dropped, the longest run of two or more zero groups as `::`.
    static func ipv6(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> String {
        var groups = [UInt16](repeating: 0, count: 8)
        for index in 0..<8 { groups[index] = bytes.u16(at + index * 2) }
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

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value >= 10 { appendDecimal(value / 10, to: &out) }
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    static func hex(_ value: some BinaryInteger, width: Int) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, width - digits.count)) + digits
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
        sum += UInt64(bytes.u16(index))
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
