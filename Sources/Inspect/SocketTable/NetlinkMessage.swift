/// A decode failure in kernel or file bytes: what was being read, at which offset, and why.
public struct NetlinkDecodeError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// What was being decoded (`nlmsghdr`, `inet_diag_msg`, ...).
    public var what: String
    /// Byte offset of the problem in the buffer.
    public var offset: Int
    /// The rule that failed (`needs 16 bytes, 9 left`).
    public var reason: String

    /// Creates a failure record.
    public init(what: String, offset: Int, reason: String) {
        self.what = what
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(what) at offset \(offset): \(reason)" }
}

/// Bounds-checked reads over a byte buffer: every read checks the remaining length first,
/// so malformed kernel replies yield a `NetlinkDecodeError`, never an overread.
struct ByteReader {
    let bytes: [UInt8]
    let start: Int
    let end: Int

    init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.start = max(0, min(start, bytes.count))
        self.end = max(self.start, min(end ?? bytes.count, bytes.count))
    }

    var count: Int { end - start }

    func require(_ offset: Int, _ length: Int, _ what: String) throws(NetlinkDecodeError) {
        if offset < 0 || length < 0 || offset + length > count {
            throw NetlinkDecodeError(what: what, offset: start + offset, reason: "needs \(length) bytes, \(max(0, count - offset)) left")
        }
    }

    func u8(_ offset: Int, _ what: String = "u8") throws(NetlinkDecodeError) -> UInt8 {
        try require(offset, 1, what)
        return bytes[start + offset]
    }

    /// Host (little-endian) 16 bits.
    func u16le(_ offset: Int, _ what: String = "u16") throws(NetlinkDecodeError) -> UInt16 {
        try require(offset, 2, what)
        return UInt16(bytes[start + offset]) | UInt16(bytes[start + offset + 1]) << 8
    }

    /// Network (big-endian) 16 bits.
    func u16be(_ offset: Int, _ what: String = "be16") throws(NetlinkDecodeError) -> UInt16 {
        try require(offset, 2, what)
        return UInt16(bytes[start + offset]) << 8 | UInt16(bytes[start + offset + 1])
    }

    /// Host (little-endian) 32 bits.
    func u32le(_ offset: Int, _ what: String = "u32") throws(NetlinkDecodeError) -> UInt32 {
        try require(offset, 4, what)
        var value: UInt32 = 0
        for index in (0..<4).reversed() { value = value << 8 | UInt32(bytes[start + offset + index]) }
        return value
    }

    /// Host (little-endian) 64 bits.
    func u64le(_ offset: Int, _ what: String = "u64") throws(NetlinkDecodeError) -> UInt64 {
        try require(offset, 8, what)
        var value: UInt64 = 0
        for index in (0..<8).reversed() { value = value << 8 | UInt64(bytes[start + offset + index]) }
        return value
    }

    /// Network (big-endian) 32 bits.
    func u32be(_ offset: Int, _ what: String = "be32") throws(NetlinkDecodeError) -> UInt32 {
        try require(offset, 4, what)
        var value: UInt32 = 0
        for index in 0..<4 { value = value << 8 | UInt32(bytes[start + offset + index]) }
        return value
    }

    /// The bytes `start..<end` in place, for the duration of `body` (no copy).
    func withUnsafeBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try bytes.withUnsafeBytes { all in try body(UnsafeRawBufferPointer(rebasing: all[start..<end])) }
    }

    func slice(_ offset: Int, _ length: Int, _ what: String) throws(NetlinkDecodeError) -> [UInt8] {
        try require(offset, length, what)
        return Array(bytes[(start + offset)..<(start + offset + length)])
    }

    func sub(_ offset: Int, _ length: Int, _ what: String) throws(NetlinkDecodeError) -> ByteReader {
        try require(offset, length, what)
        return ByteReader(bytes, start: start + offset, end: start + offset + length)
    }
}

/// One netlink message: header fields and its payload bounds.
struct NetlinkMessage {
    static let headerSize = 16
    static let done: UInt16 = 3
    static let error: UInt16 = 2
    static let flagDumpInterrupted: UInt16 = 0x10

    var type: UInt16
    var flags: UInt16
    var sequence: UInt32
    var portID: UInt32
    var payload: ByteReader

    /// Splits a datagram into messages (`NLMSG_OK`/`NLMSG_NEXT`, bounds-checked).
    static func parse(_ datagram: [UInt8]) throws(NetlinkDecodeError) -> [NetlinkMessage] {
        var messages: [NetlinkMessage] = []
        var offset = 0
        let reader = ByteReader(datagram)
        while offset + headerSize <= datagram.count {
            let length = Int(try reader.u32le(offset, "nlmsghdr.nlmsg_len"))
            guard length >= headerSize, offset + length <= datagram.count else {
                throw NetlinkDecodeError(
                    what: "nlmsghdr", offset: offset, reason: "nlmsg_len \(length) does not fit the \(datagram.count - offset) bytes left")
            }
            messages.append(
                NetlinkMessage(
                    type: try reader.u16le(offset + 4), flags: try reader.u16le(offset + 6),
                    sequence: try reader.u32le(offset + 8), portID: try reader.u32le(offset + 12),
                    payload: try reader.sub(offset + headerSize, length - headerSize, "nlmsg payload")))
            offset += (length + 3) & ~3
        }
        return messages
    }

    /// Serializes a request: header then payload.
    static func request(type: UInt16, flags: UInt16, sequence: UInt32, payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendLittleEndian(UInt32(headerSize + payload.count))
        bytes.appendLittleEndian(type)
        bytes.appendLittleEndian(flags)
        bytes.appendLittleEndian(sequence)
        bytes.appendLittleEndian(UInt32(0))
        return bytes + payload
    }
}

/// Route attributes (`struct rtattr` + payload) after a fixed header, bounds-checked.
struct RouteAttributes {
    var entries: [(type: UInt16, value: ByteReader)] = []

    init(_ reader: ByteReader, from offset: Int) throws(NetlinkDecodeError) {
        var found: [(type: UInt16, value: ByteReader)] = []
        try Self.forEach(reader, from: offset) { found.append(($0, $1)) }
        entries = found
    }

    /// Each attribute's type and payload in order, with the same checks as `init`, without
    /// collecting them.
    static func forEach(
        _ reader: ByteReader, from offset: Int, _ body: (UInt16, ByteReader) -> Void
    ) throws(NetlinkDecodeError) {
        var position = offset
        while position + 4 <= reader.count {
            let length = Int(try reader.u16le(position, "rtattr.rta_len"))
            let type = try reader.u16le(position + 2, "rtattr.rta_type") & 0x3fff
            guard length >= 4, position + length <= reader.count else {
                throw NetlinkDecodeError(what: "rtattr", offset: reader.start + position, reason: "rta_len \(length) does not fit")
            }
            body(type, try reader.sub(position + 4, length - 4, "rtattr payload"))
            position += (length + 3) & ~3
        }
    }

    func first(_ type: UInt16) -> ByteReader? { entries.first { $0.type == type }?.value }
}

extension Array where Element == UInt8 {
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}
