/// A view over the first line of an HTTP/1.x request or response.
public struct HTTPView {
    /// Request methods recognised at the start of a payload.
    public static let methods = ["GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE"]
    /// The captured bytes.
    public let bytes: UnsafeRawBufferPointer
    /// Absolute range of the first line, without its CRLF.
    public let lineRange: Range<Int>
    /// True for a request, false for a response.
    public let isRequest: Bool

    /// Recognises a request line (`GET /path HTTP/1.1`) or status line (`HTTP/1.1 200 OK`) at
    /// `offset`; returns nil for any other payload. A first line cut off before its CRLF is kept as captured.
    public init?(_ bytes: UnsafeRawBufferPointer, at offset: Int, within extent: ByteExtent) {
        let end = extent.capturedEnd
        guard end - offset >= 8 else { return nil }
        func startsWith(_ text: String) -> Bool {
            let utf8 = Array(text.utf8)
            guard offset + utf8.count <= end else { return false }
            return utf8.indices.allSatisfy { bytes[offset + $0] == utf8[$0] }
        }
        if startsWith("HTTP/1.") {
            isRequest = false
        } else if Self.methods.contains(where: { startsWith($0 + " ") }) {
            isRequest = true
        } else {
            return nil
        }
        var index = offset
        let limit = min(end, offset + 8192)
        while index < limit && bytes[index] != 0x0d && bytes[index] != 0x0a { index += 1 }
        self.bytes = bytes
        lineRange = offset..<index
        if isRequest {
            // A request line ends with HTTP/1.x; anything else is not HTTP.
            let line = String(decoding: bytes[lineRange], as: UTF8.self)
            if index < end && !line.hasSuffix(" HTTP/1.0") && !line.hasSuffix(" HTTP/1.1") { return nil }
        }
    }

    /// The first line as text.
    public var firstLine: String { String(decoding: bytes[lineRange], as: UTF8.self) }
}

/// A view over a TLS record carrying a handshake, decoding a ClientHello's server name (SNI).
public struct TLSView: DeclaredFields {
    /// Field byte ranges of the record header, and of the handshake header after it.
    public enum Field {
        public static let contentType = 0..<1
        public static let version = 1..<3
        public static let length = 3..<5
        /// Handshake records: the handshake message type.
        public static let handshakeType = 5..<6
        /// Handshake records: the handshake message's 24-bit length.
        public static let handshakeLength = 6..<9
    }
    /// Record header length.
    public static let recordHeaderLength = Field.length.upperBound
    /// The captured bytes.
    public let bytes: UnsafeRawBufferPointer
    /// Absolute offset of the record.
    public let offset: Int
    /// Handshake type (1 ClientHello, 2 ServerHello) when the record is a handshake.
    public let handshakeType: UInt8?
    /// The server_name extension's host name, with the absolute range of the name.
    public let serverName: (name: String, range: Range<Int>)?

    /// True when the payload at `offset` starts like a TLS record (content type 20-23, version 3.x).
    public static func looksLikeTLS(_ bytes: UnsafeRawBufferPointer, at offset: Int, within extent: ByteExtent) -> Bool {
        guard offset + Field.version.upperBound <= extent.capturedEnd else { return false }
        let version = offset + Field.version.lowerBound
        return (20...23).contains(bytes[offset + Field.contentType.lowerBound]) && bytes[version] == 3 && bytes[version + 1] <= 4
    }

    /// Validates the record header and, for a ClientHello, walks to the server_name extension.
    /// - Throws: `DecodeError` on `.tls`: truncated, `badLength` for a vector running past its parent.
    public init(_ bytes: UnsafeRawBufferPointer, at offset: Int, within extent: ByteExtent) throws(DecodeError) {
        try extent.requireCaptured(.tls, offset, Self.recordHeaderLength)
        self.bytes = bytes
        self.offset = offset
        let recordEnd = offset + Self.recordHeaderLength + Int(bytes.u16be(offset + Field.length.lowerBound))
        guard bytes[offset + Field.contentType.lowerBound] == 22 else {
            handshakeType = nil
            serverName = nil
            return
        }
        try extent.requireCaptured(
            .tls, offset + Field.handshakeType.lowerBound, Field.handshakeLength.upperBound - Field.handshakeType.lowerBound)
        handshakeType = bytes[offset + Field.handshakeType.lowerBound]
        guard handshakeType == 1 else { serverName = nil; return }
        let helloEnd = min(
            recordEnd, offset + Field.handshakeLength.upperBound + Int(bytes.u32be(offset + Field.handshakeType.lowerBound) & 0xffffff))
        let inner = ByteExtent(end: helloEnd, capturedEnd: extent.capturedEnd)
        var index = offset + Field.handshakeLength.upperBound + 2 + 32  // client_version, random
        func vector(_ lengthBytes: Int, _ name: String) throws(DecodeError) -> Range<Int> {
            try inner.requireCaptured(.tls, index, lengthBytes)
            let length = lengthBytes == 1 ? Int(bytes[index]) : Int(bytes.u16be(index))
            try inner.requireLength(.tls, index + lengthBytes, length, field: name, at: index, value: length)
            let range = (index + lengthBytes)..<(index + lengthBytes + length)
            index = range.upperBound
            return range
        }
        _ = try vector(1, "session ID length")
        _ = try vector(2, "cipher suites length")
        _ = try vector(1, "compression methods length")
        var found: (String, Range<Int>)? = nil
        if index < helloEnd {
            let extensions = try vector(2, "extensions length")
            var position = extensions.lowerBound
            while position + 4 <= extensions.upperBound {
                let type = bytes.u16be(position), length = Int(bytes.u16be(position + 2))
                let body = (position + 4)..<(position + 4 + length)
                if body.upperBound > extensions.upperBound {
                    throw DecodeError(.tls, at: position + 2, .badLength(field: "extension length", value: length))
                }
                if type == 0 && length >= 5 {
                    // server_name_list length, then name_type (0 host_name), name length, name.
                    let nameLength = Int(bytes.u16be(body.lowerBound + 3))
                    let name = (body.lowerBound + 5)..<(body.lowerBound + 5 + nameLength)
                    if name.upperBound > body.upperBound {
                        throw DecodeError(.tls, at: body.lowerBound + 3, .badLength(field: "server name length", value: nameLength))
                    }
                    found = (String(decoding: bytes[name], as: UTF8.self), name)
                }
                position = body.upperBound
            }
        }
        serverName = found
    }

    /// Content type (22 handshake, 23 application data).
    public var contentType: UInt8 { u8(Field.contentType) }
    /// Record version (0x0301 for TLS 1.0 framing, used by every ClientHello).
    public var version: UInt16 { u16be(Field.version) }
    /// Record length.
    public var length: Int { Int(u16be(Field.length)) }
}
