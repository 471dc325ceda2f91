/// Where application messages end in a TCP byte stream, for reassembling those that span
/// segments as tshark does by default: an HTTP/1.x message (headers, then a `Content-Length` body
/// or a chunked one) and a TLS record (its 5-byte header's length).
public enum PDUFraming {
    /// The protocols framed.
    public enum Kind: Sendable, Hashable {
        case http
        case tls
    }

    /// What the start of some stream bytes holds.
    public enum Length: Sendable, Hashable {
        /// A whole message of this many bytes.
        case complete(Int)
        /// The start of a message that needs more bytes: at least `needs` in all, when known (asking
        /// again with fewer cannot change the answer).
        case incomplete(needs: Int?)
        /// Not the start of a message of this kind.
        case notThisProtocol
    }

    /// Longest HTTP header block looked for before giving up (tshark's reassembly has no bound;
    /// a stream that never ends its headers is not held forever).
    static let maximumHeaderLength = 64 * 1024

    /// The kind of message `bytes` starts with, if any: a request or status line's first word, or
    /// a TLS record header (content type 20-24, version 3.x).
    public static func kind(of bytes: UnsafeRawBufferPointer) -> Kind? {
        if bytes.count >= 5, (20...24).contains(bytes[0]), bytes[1] == 3, bytes[2] <= 4 { return .tls }
        if startsHTTP(bytes) { return .http }
        return nil
    }

    /// The length of the message of `kind` at the start of `bytes`; `bodyless`: an HTTP response
    /// to a HEAD request (its headers announce a body it does not carry).
    public static func length(of kind: Kind, in bytes: UnsafeRawBufferPointer, bodyless: Bool = false) -> Length {
        switch kind {
        case .tls:
            guard bytes.count >= 5 else {
                return bytes.count > 0 && (20...24).contains(bytes[0]) ? .incomplete(needs: 5) : .notThisProtocol
            }
            guard (20...24).contains(bytes[0]), bytes[1] == 3, bytes[2] <= 4 else { return .notThisProtocol }
            let total = 5 + Int(bytes.u16be(3))
            return bytes.count >= total ? .complete(total) : .incomplete(needs: total)
        case .http:
            return httpLength(bytes, bodyless: bodyless)
        }
    }

    /// Whether `bytes` start with `GET `, `POST `… or `HTTP/1.` (as `HTTPView` recognises messages).
    static func startsHTTP(_ bytes: UnsafeRawBufferPointer) -> Bool {
        func starts(with text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard bytes.count >= count else { return false }
            for index in 0..<count where bytes[index] != text.utf8Start[index] { return false }
            return true
        }
        guard let first = bytes.first, (UInt8(ascii: "C")...UInt8(ascii: "T")).contains(first) else { return false }
        return starts(with: "HTTP/1.") || starts(with: "GET ") || starts(with: "POST ") || starts(with: "HEAD ") || starts(with: "PUT ")
            || starts(with: "DELETE ") || starts(with: "OPTIONS ") || starts(with: "PATCH ") || starts(with: "CONNECT ")
            || starts(with: "TRACE ")
    }

    /// An HTTP/1.x message's length: its header block, then the body its headers announce
    /// (`Content-Length`, or chunks up to the last one and its trailers). A response without either
    /// ends with its headers here (its body, up to the connection's end, is not held).
    static func httpLength(_ bytes: UnsafeRawBufferPointer, bodyless: Bool = false) -> Length {
        guard startsHTTP(bytes) else { return .notThisProtocol }
        guard let headerEnd = find("\r\n\r\n", in: bytes, from: 0, limit: maximumHeaderLength) else {
            return bytes.count > maximumHeaderLength ? .notThisProtocol : .incomplete(needs: nil)
        }
        let bodyStart = headerEnd + 4
        // No body after a HEAD request, nor in a 1xx, 204 or 304 response (RFC 9112 6.3).
        if bodyless { return .complete(bodyStart) }
        if bytes.count >= 12, bytes[0] == UInt8(ascii: "H"), bytes[8] == 0x20 {
            let code = bytes[9..<12]
            if code.first == UInt8(ascii: "1") || code.elementsEqual("204".utf8) || code.elementsEqual("304".utf8) {
                return .complete(bodyStart)
            }
        }
        var contentLength: Int?
        var chunked = false
        // Header lines, after the first.
        var line = (find("\r\n", in: bytes, from: 0, limit: headerEnd + 2) ?? headerEnd) + 2
        while line < headerEnd {
            let end = find("\r\n", in: bytes, from: line, limit: headerEnd + 2) ?? headerEnd
            let header = UnsafeRawBufferPointer(rebasing: bytes[line..<end])
            if let value = value(of: "content-length", in: header) {
                let digits = value.filter { $0 != 0x20 && $0 != 0x09 }
                guard !digits.isEmpty, digits.count <= 15, digits.allSatisfy({ (0x30...0x39).contains($0) }) else {
                    return .complete(bodyStart)
                }
                contentLength = digits.reduce(0) { $0 * 10 + Int($1 - 0x30) }
            } else if let value = value(of: "transfer-encoding", in: header) {
                chunked = String(decoding: value, as: UTF8.self).lowercased().contains("chunked")
            }
            line = end + 2
        }
        if chunked { return chunkedLength(bytes, from: bodyStart) }
        let total = bodyStart + (contentLength ?? 0)
        return bytes.count >= total ? .complete(total) : .incomplete(needs: total)
    }

    /// The end of a chunked body starting at `start`: chunks until the zero-size one, then trailer
    /// lines until an empty one.
    private static func chunkedLength(_ bytes: UnsafeRawBufferPointer, from start: Int) -> Length {
        var position = start
        while true {
            guard let lineEnd = find("\r\n", in: bytes, from: position, limit: position + 1024) else {
                return bytes.count - position > 1024 ? .complete(position) : .incomplete(needs: nil)
            }
            var size = 0
            for byte in UnsafeRawBufferPointer(rebasing: bytes[position..<lineEnd]) {
                guard let digit = hexDigit(byte) else { break }  // a chunk extension (`;name`) ends the size
                size = size * 16 + digit
                if size > 1 << 40 { return .complete(position) }
            }
            position = lineEnd + 2
            if size == 0 {
                // Trailers, then the empty line.
                while true {
                    guard let end = find("\r\n", in: bytes, from: position, limit: position + 8192) else {
                        return .incomplete(needs: nil)
                    }
                    if end == position { return .complete(end + 2) }
                    position = end + 2
                }
            }
            position += size + 2
            // Nothing changes until this chunk is in.
            if position > bytes.count { return .incomplete(needs: position) }
        }
    }

    private static func hexDigit(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x41...0x46: Int(byte - 0x41 + 10)
        case 0x61...0x66: Int(byte - 0x61 + 10)
        default: nil
        }
    }

    /// The value of header line `header` when its name is `name` (ASCII, any case).
    private static func value(of name: StaticString, in header: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer.SubSequence? {
        let count = name.utf8CodeUnitCount
        guard header.count > count, header[count] == UInt8(ascii: ":") else { return nil }
        for index in 0..<count where header[index] | 0x20 != name.utf8Start[index] { return nil }
        return header[(count + 1)...]
    }

    /// The offset of `needle` in `bytes` at or after `from`, looking no further than `limit`.
    private static func find(_ needle: StaticString, in bytes: UnsafeRawBufferPointer, from: Int, limit: Int) -> Int? {
        let count = needle.utf8CodeUnitCount
        let last = min(bytes.count, limit) - count
        guard from <= last else { return nil }
        var index = from
        while index <= last {
            if bytes[index] == needle.utf8Start[0] {
                var matched = true
                for offset in 1..<count where bytes[index + offset] != needle.utf8Start[offset] {
                    matched = false
                    break
                }
                if matched { return index }
            }
            index += 1
        }
        return nil
    }

    /// Whether the TCP segment of the packet `bytes`, whose sequence analysis is `tcp` (which
    /// knows where its payload lies), starts a message it does not finish, or is any HTTP message
    /// (requests' methods tell which responses have no body, so each request and response is
    /// counted): the stateless test that sends a segment to reassembly when no message is pending in
    /// its direction. Reads only the payload's start; false for a payload the capture cut.
    public static func startsUnfinishedPDU(_ bytes: UnsafeRawBufferPointer, tcp: TCPAnalysis) -> Bool {
        let start = Int(tcp.payloadStart), captured = Int(tcp.payloadCaptured)
        guard captured > 0, captured == Int(tcp.payloadLength), start >= 0, start + captured <= bytes.count else { return false }
        let data = UnsafeRawBufferPointer(rebasing: bytes[start..<(start + captured)])
        guard let kind = kind(of: data) else { return false }
        // Every HTTP message: requests are counted, so responses to HEAD are known to be bodiless.
        if kind == .http { return true }
        return endsInsideMessage(data, kind: kind)
    }

    /// Whether `payload`, starting a message of `kind`, ends inside one (whole messages, such as
    /// TLS records or pipelined requests, may come first); `bodyless` as for ``length(of:in:bodyless:)``,
    /// for the first message.
    static func endsInsideMessage(_ payload: UnsafeRawBufferPointer, kind: Kind, bodyless: Bool = false) -> Bool {
        var rest = payload
        var bodyless = bodyless
        while !rest.isEmpty {
            let length = length(of: kind, in: rest, bodyless: bodyless)
            bodyless = false
            guard case .complete(let count) = length, count > 0 else {
                if case .incomplete = length { return true }
                return false
            }
            rest = UnsafeRawBufferPointer(rebasing: rest[count...])
        }
        return false
    }
}
