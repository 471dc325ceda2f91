import Foundation

/// A JSON document parsed once into a flat list of nodes (a "tape"), for ``JSONStreamDecoder``:
/// every value is one node, a container's members follow it (an object's as key, value, key,
/// value…), and a container's node says where its last member ends, so skipping a value costs one
/// step. Strings and numbers stay in the input's bytes until a type asks for them.
///
/// The parser checks the whole document against RFC 8259 before anything is decoded (bounds,
/// escapes, number syntax, nothing after the value) and refuses nesting deeper than its limit, so
/// a hostile frame cannot exhaust the stack.
struct JSONTape {
    /// What a node holds.
    enum Tag: UInt8 {
        case null, `false`, `true`, number
        /// A string without escapes: its bytes are the content.
        case string
        /// A string with backslash escapes, decoded when read.
        case escapedString
        case array, object
    }

    /// One value. Scalars: `start`/`length` locate the bytes (a string's without its quotes).
    /// Containers: `length` is the member count, `end` the index of the node after the last member.
    struct Node {
        var tag: Tag
        var start: Int32
        var length: Int32
        var end: Int32
    }

    /// The nodes, the document's value first.
    private(set) var nodes: [Node] = []

    /// Why a document is not JSON, with the byte offset where that showed.
    struct ParseError: Error, CustomStringConvertible {
        let offset: Int
        let reason: String
        var description: String { "not valid JSON at byte \(offset): \(reason)" }
    }

    /// Parses `bytes` (at most `Int32.max` bytes) nesting at most `maxDepth` containers.
    /// - Throws: ``ParseError``.
    init(parsing bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) throws(ParseError) {
        guard bytes.count < Int(Int32.max) else { throw ParseError(offset: 0, reason: "document too large") }
        var parser = Parser(bytes: bytes, maxDepth: maxDepth)
        nodes.reserveCapacity(max(16, bytes.count / 12))
        parser.skipSpace()
        try parser.parseValue(into: &nodes, depth: 0)
        parser.skipSpace()
        guard parser.offset == bytes.count else { throw ParseError(offset: parser.offset, reason: "text after the value") }
    }

    /// The index of the node after `index`'s value (its subtree skipped).
    @inline(__always) func next(after index: Int) -> Int {
        let node = nodes[index]
        return node.tag == .array || node.tag == .object ? Int(node.end) : index + 1
    }

    private struct Parser {
        let bytes: UnsafeBufferPointer<UInt8>
        let maxDepth: Int
        var offset = 0

        init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
            self.bytes = bytes
            self.maxDepth = maxDepth
        }

        @inline(__always) mutating func skipSpace() {
            while offset < bytes.count {
                switch bytes[offset] {
                case 0x20, 0x09, 0x0a, 0x0d: offset += 1
                default: return
                }
            }
        }

        private func fail(_ reason: String) -> ParseError { ParseError(offset: offset, reason: reason) }

        mutating func parseValue(into nodes: inout [Node], depth: Int) throws(ParseError) {
            guard offset < bytes.count else { throw fail("the document ends where a value should be") }
            switch bytes[offset] {
            case UInt8(ascii: "{"): try parseContainer(object: true, into: &nodes, depth: depth)
            case UInt8(ascii: "["): try parseContainer(object: false, into: &nodes, depth: depth)
            case UInt8(ascii: "\""): try parseString(into: &nodes)
            case UInt8(ascii: "t"): try parseLiteral("true", .true, into: &nodes)
            case UInt8(ascii: "f"): try parseLiteral("false", .false, into: &nodes)
            case UInt8(ascii: "n"): try parseLiteral("null", .null, into: &nodes)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber(into: &nodes)
            default: throw fail("unexpected byte 0x\(String(bytes[offset], radix: 16))")
            }
        }

        private mutating func parseLiteral(_ word: StaticString, _ tag: Tag, into nodes: inout [Node]) throws(ParseError) {
            let count = word.utf8CodeUnitCount
            guard bytes.count - offset >= count, memcmp(bytes.baseAddress! + offset, word.utf8Start, count) == 0 else {
                throw fail("expected \(word)")
            }
            nodes.append(Node(tag: tag, start: Int32(offset), length: Int32(count), end: 0))
            offset += count
        }

        private mutating func parseContainer(object: Bool, into nodes: inout [Node], depth: Int) throws(ParseError) {
            guard depth < maxDepth else { throw fail("nested deeper than \(maxDepth) levels") }
            let index = nodes.count
            nodes.append(Node(tag: object ? .object : .array, start: Int32(offset), length: 0, end: 0))
            offset += 1
            skipSpace()
            let close = object ? UInt8(ascii: "}") : UInt8(ascii: "]")
            var count: Int32 = 0
            if offset < bytes.count && bytes[offset] == close {
                offset += 1
            } else {
                while true {
                    if object {
                        guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw fail("expected a key") }
                        try parseString(into: &nodes)
                        skipSpace()
                        guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                        offset += 1
                        skipSpace()
                    }
                    try parseValue(into: &nodes, depth: depth + 1)
                    count += 1
                    skipSpace()
                    guard offset < bytes.count else { throw fail("the document ends inside a container") }
                    if bytes[offset] == UInt8(ascii: ",") {
                        offset += 1
                        skipSpace()
                        continue
                    }
                    guard bytes[offset] == close else { throw fail(object ? "expected ',' or '}'" : "expected ',' or ']'") }
                    offset += 1
                    break
                }
            }
            nodes[index].length = count
            nodes[index].end = Int32(nodes.count)
        }

        private mutating func parseString(into nodes: inout [Node]) throws(ParseError) {
            offset += 1
            let start = offset
            var escaped = false
            while true {
                guard offset < bytes.count else { throw ParseError(offset: start - 1, reason: "unterminated string") }
                let byte = bytes[offset]
                if byte == UInt8(ascii: "\"") { break }
                if byte < 0x20 { throw fail("control character in a string") }
                if byte == UInt8(ascii: "\\") {
                    escaped = true
                    guard offset + 1 < bytes.count else { throw fail("unterminated escape") }
                    switch bytes[offset + 1] {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                        UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        offset += 2
                    case UInt8(ascii: "u"):
                        guard offset + 6 <= bytes.count, (2..<6).allSatisfy({ hexValue(bytes[offset + $0]) != nil }) else {
                            throw fail("\\u needs four hex digits")
                        }
                        offset += 6
                    default: throw fail("unknown escape")
                    }
                    continue
                }
                offset += 1
            }
            nodes.append(Node(tag: escaped ? .escapedString : .string, start: Int32(start), length: Int32(offset - start), end: 0))
            offset += 1
        }

        private mutating func parseNumber(into nodes: inout [Node]) throws(ParseError) {
            let start = offset
            @inline(__always) func digits() -> Int {
                let first = offset
                while offset < bytes.count, bytes[offset] &- UInt8(ascii: "0") < 10 { offset += 1 }
                return offset - first
            }
            if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            guard offset < bytes.count, bytes[offset] &- UInt8(ascii: "0") < 10 else { throw fail("a number needs digits") }
            if bytes[offset] == UInt8(ascii: "0") {
                offset += 1
            } else {
                _ = digits()
            }
            if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
                offset += 1
                guard digits() > 0 else { throw fail("a fraction needs digits") }
            }
            if offset < bytes.count, bytes[offset] | 0x20 == UInt8(ascii: "e") {
                offset += 1
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") { offset += 1 }
                guard digits() > 0 else { throw fail("an exponent needs digits") }
            }
            nodes.append(Node(tag: .number, start: Int32(start), length: Int32(offset - start), end: 0))
        }
    }
}

/// The value of a hex digit, or nil.
@inline(__always) func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}
