/// The one function every text from outside (process names, UNIX socket paths, packet text such as
/// HTTP lines and DNS names, names from DNS) goes through before the command-line output prints it
/// (issue #17 S2): nothing in it can act on a terminal. C0 controls (ESC, BEL, CR, …), DEL and the
/// C1 controls (U+0080–U+009F, which some terminals obey like ESC) become visible `\xHH`, and bytes
/// that are not UTF-8 are shown the same way, as `ss` and tcpdump show what they cannot print.
/// Text that needs nothing (nearly all of it) is returned as it is, after one scan.
public enum TerminalSafe {
    /// `text` with every control character and invalid byte written as `\xHH`.
    public static func escaped(_ text: String) -> String {
        // The common case scans the string's own bytes: no copy (a socket table escapes three
        // texts per row).
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) { return text }
        let utf8 = Array(text.utf8)
        guard needsEscaping(utf8[...]) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 16)
        appendEscaped(utf8[...], to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Rewrites `bytes[start...]` in place the same way (for text built as bytes, like `socktui
    /// read`'s lines); cheap when nothing needs it.
    public static func escapeTail(_ bytes: inout [UInt8], from start: Int) {
        guard start < bytes.count, needsEscaping(bytes[start...]) else { return }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count - start + 16)
        appendEscaped(bytes[start...], to: &out)
        bytes.replaceSubrange(start..., with: out)
    }

    /// Whether any byte is a control, DEL, a C1 control or not valid UTF-8.
    static func needsEscaping(_ bytes: ArraySlice<UInt8>) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte < 0x80 {
                if byte < 0x20 || byte == 0x7f { return true }
                index += 1
                continue
            }
            guard let length = sequenceLength(bytes, at: index) else { return true }
            if isC1(bytes, at: index) { return true }
            index += length
        }
        return false
    }

    static func appendEscaped(_ bytes: ArraySlice<UInt8>, to out: inout [UInt8]) {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte < 0x80 {
                if byte < 0x20 || byte == 0x7f { appendHex(byte, to: &out) } else { out.append(byte) }
                index += 1
                continue
            }
            if let length = sequenceLength(bytes, at: index), !isC1(bytes, at: index) {
                out.append(contentsOf: bytes[index..<(index + length)])
                index += length
            } else if isC1(bytes, at: index) {
                appendHex(bytes[index + 1], to: &out)  // U+0080–U+009F as the code point, \x9b
                index += 2
            } else {
                appendHex(byte, to: &out)
                index += 1
            }
        }
    }

    /// C2 80–C2 9F: a C1 control, valid UTF-8.
    static func isC1(_ bytes: ArraySlice<UInt8>, at index: Int) -> Bool {
        bytes[index] == 0xc2 && index + 1 < bytes.endIndex && (0x80...0x9f).contains(bytes[index + 1])
    }

    /// The length of the well-formed UTF-8 sequence at `index` (RFC 3629: no overlongs, no
    /// surrogates, nothing above U+10FFFF), or nil.
    static func sequenceLength(_ bytes: ArraySlice<UInt8>, at index: Int) -> Int? {
        let lead = bytes[index]
        let length: Int
        var low: UInt8 = 0x80, high: UInt8 = 0xbf
        switch lead {
        case 0xc2...0xdf: length = 2
        case 0xe0: length = 3; low = 0xa0
        case 0xe1...0xec, 0xee...0xef: length = 3
        case 0xed: length = 3; high = 0x9f
        case 0xf0: length = 4; low = 0x90
        case 0xf1...0xf3: length = 4
        case 0xf4: length = 4; high = 0x8f
        default: return nil
        }
        guard index + length <= bytes.endIndex else { return nil }
        let second = bytes[index + 1]
        guard second >= low && second <= high else { return nil }
        for offset in 2..<max(2, length) where !(0x80...0xbf).contains(bytes[index + offset]) { return nil }
        return length
    }

    static func appendHex(_ byte: UInt8, to out: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        out.append(UInt8(ascii: "\\"))
        out.append(UInt8(ascii: "x"))
        out.append(digits.utf8Start[Int(byte >> 4)])
        out.append(digits.utf8Start[Int(byte & 0x0f)])
    }
}

extension TerminalSafe {
    /// Like `escapeTail`, line by line: the newlines that separate lines stay.
    public static func escapeLines(_ bytes: inout [UInt8], from start: Int) {
        guard start < bytes.count, needsEscaping(bytes[start...]) else { return }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count - start + 16)
        var lineStart = start
        for index in start...bytes.count where index == bytes.count || bytes[index] == 0x0a {
            appendEscaped(bytes[lineStart..<index], to: &out)
            if index < bytes.count { out.append(0x0a) }
            lineStart = index + 1
        }
        bytes.replaceSubrange(start..., with: out)
    }
}

extension TerminalSafe {
    /// `escaped`, keeping the newlines that separate the lines of `text`.
    public static func escapedLines(_ text: String) -> String {
        var bytes = Array(text.utf8)
        guard needsEscaping(bytes[...]) else { return text }
        escapeLines(&bytes, from: 0)
        return String(decoding: bytes, as: UTF8.self)
    }
}
