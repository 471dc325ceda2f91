/// HTTP/1.x's first line and headers as tshark names them: `http.request.method`, `.uri`
/// (`.uri.path`, `.uri.query`, `.uri.query.parameter`), `.version`, `http.request.full_uri`,
/// `http.response.code`, `.code.desc`, `.phrase`, each header line (`http.request.line`,
/// `http.response.line`, its value `Name: value\r\n`) and the common headers' own fields
/// (`http.host`, `http.user_agent`, `http.content_type`, `http.content_length`, …). Read from the
/// captured bytes of one segment: a header cut off by the capture ends the list.
extension HTTPView {
    /// Header lines read at most, and the most bytes a header section is looked for in.
    static let maximumHeaders = 128
    static let maximumHeaderBytes = 65536

    /// One header line: its whole line with the line end, and its name and value (the value
    /// without the spaces around it).
    struct Header {
        var line: Range<Int>
        var name: Range<Int>
        var value: Range<Int>
    }

    /// The header lines after the first line, up to the empty line or `capturedEnd` (a line without
    /// its end is left out).
    func headers(capturedEnd: Int) -> [Header] {
        var headers: [Header] = []
        let end = min(capturedEnd, lineRange.upperBound + Self.maximumHeaderBytes)
        var start = lineRange.upperBound
        guard start < end, let first = nextLine(from: start, end: end) else { return [] }
        start = first
        while headers.count < Self.maximumHeaders, let lineEnd = nextLine(from: start, end: end) {
            var contentEnd = lineEnd - 1
            if contentEnd > start && bytes[contentEnd - 1] == 0x0d { contentEnd -= 1 }
            if contentEnd == start { break }  // the empty line
            if let colon = (start..<contentEnd).first(where: { bytes[$0] == UInt8(ascii: ":") }) {
                var valueStart = colon + 1
                while valueStart < contentEnd && (bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09) { valueStart += 1 }
                var valueEnd = contentEnd
                while valueEnd > valueStart && (bytes[valueEnd - 1] == 0x20 || bytes[valueEnd - 1] == 0x09) { valueEnd -= 1 }
                headers.append(Header(line: start..<lineEnd, name: start..<colon, value: valueStart..<valueEnd))
            }
            start = lineEnd
        }
        return headers
    }

    /// The offset after the line end (LF) of the line at `start`, or nil when the line runs to `end`.
    private func nextLine(from start: Int, end: Int) -> Int? {
        var index = start
        while index < end {
            if bytes[index] == 0x0a { return index + 1 }
            index += 1
        }
        return nil
    }

    private func text(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

    /// The `http` node: the first line with its parts, then each header line.
    /// The Info column as tshark writes it: the first line and a space, then, when a body follows
    /// with a text or JSON `Content-Type`, what decodes it (`HTTP/1.1 200 OK  (text/html)`,
    /// `…, JavaScript Object Notation (application/json)`; other types add nothing).
    func info(capturedEnd: Int) -> String {
        var info = firstLine + " "
        let end = min(capturedEnd, bytes.count)
        guard let type = headers(capturedEnd: end).last(where: { text($0.name).lowercased() == "content-type" }) else { return info }
        // The body starts after the empty line that ends the headers.
        var index = lineRange.lowerBound
        var bodyStart: Int?
        while index + 3 < end {
            if bytes[index] == 0x0d && bytes[index + 1] == 0x0a && bytes[index + 2] == 0x0d && bytes[index + 3] == 0x0a {
                bodyStart = index + 4
                break
            }
            index += 1
        }
        guard let bodyStart, bodyStart < end else { return info }
        let media =
            text(type.value).split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        if media == "application/json" {
            info += ", JavaScript Object Notation (application/json)"
        } else if media.hasPrefix("text/") {
            info += " (\(media))"
        }
        return info
    }

    func fieldNode(capturedEnd: Int) -> FieldNode {
        let headers = headers(capturedEnd: capturedEnd)
        let line = firstLine
        let parts = line.split(separator: " ", maxSplits: isRequest ? .max : 2, omittingEmptySubsequences: false).map(String.init)
        var firstChildren: [FieldNode] = []
        let range = lineRange
        // A request line's URI: what lies between the method and the version.
        let uri = isRequest && parts.count >= 3 ? parts[1...].dropLast().joined(separator: " ") : ""
        if isRequest, parts.count >= 3 {
            firstChildren += [
                FieldNode("http.request.method", "Request Method", parts[0], range: range),
                FieldNode("http.request.uri", "Request URI", uri, range: range)
            ]
            if let mark = uri.firstIndex(of: "?") {
                let query = String(uri[uri.index(after: mark)...])
                firstChildren.append(FieldNode("http.request.uri.path", "Request URI Path", String(uri[..<mark]), range: range))
                firstChildren.append(FieldNode("http.request.uri.query", "Request URI Query", query, range: range))
                for parameter in query.split(separator: "&") {
                    firstChildren.append(
                        FieldNode("http.request.uri.query.parameter", "Request URI Query Parameter", String(parameter), range: range))
                }
            }
            firstChildren.append(FieldNode("http.request.version", "Request Version", parts[parts.count - 1], range: range))
        } else if !isRequest, parts.count >= 2 {
            firstChildren.append(FieldNode("http.response.version", "Response Version", parts[0], range: range))
            if let code = UInt16(parts[1]) {
                firstChildren.append(FieldNode("http.response.code", "Status Code", String(code), range: range))
                if let description = Self.statusDescriptions[code] {
                    firstChildren.append(FieldNode("http.response.code.desc", "Status Code Description", description, range: range))
                }
            }
            if parts.count == 3 { firstChildren.append(FieldNode("http.response.phrase", "Response Phrase", parts[2], range: range)) }
        }
        var children = [FieldNode(isRequest ? "http.request" : "http.response", line, "", range: range, children: firstChildren)]
        let lineKey = isRequest ? "http.request.line" : "http.response.line"
        var host: String?
        for header in headers {
            let name = text(header.name)
            let value = text(header.value)
            var own: [FieldNode] = []
            if let field = Self.headerFields[name.lowercased()] {
                var node = FieldNode(field.key, field.label, value, range: header.value)
                if field.key == "http.content_length_header", let length = UInt64(value) {
                    node.children = [FieldNode("http.content_length", "Content length", String(length), range: header.value)]
                }
                if field.key == "http.cookie" {
                    node.children = value.split(separator: ";").map {
                        FieldNode("http.cookie_pair", "Cookie pair", $0.trimmingSpaces, range: header.value)
                    }
                }
                if field.key == "http.host" { host = value }
                own.append(node)
            }
            children.append(FieldNode(lineKey, "", text(header.line), range: header.line, children: own))
        }
        if isRequest, let host, parts.count >= 3 {
            let full = uri.hasPrefix("/") ? "http://" + host + uri : uri
            children.append(FieldNode("http.request.full_uri", "Full request URI", full, range: range))
        }
        let end = headers.last?.line.upperBound ?? range.upperBound
        return FieldNode("http", "Hypertext Transfer Protocol", "", range: range.lowerBound..<end, children: children)
    }

    /// The headers with fields of their own, by lower-case name.
    static let headerFields: [String: (key: String, label: String)] = [
        "host": ("http.host", "Host"), "user-agent": ("http.user_agent", "User-Agent"), "accept": ("http.accept", "Accept"),
        "referer": ("http.referer", "Referer"), "cookie": ("http.cookie", "Cookie"), "set-cookie": ("http.set_cookie", "Set-Cookie"),
        "accept-encoding": ("http.accept_encoding", "Accept Encoding"), "accept-language": ("http.accept_language", "Accept-Language"),
        "content-type": ("http.content_type", "Content-Type"), "content-length": ("http.content_length_header", "Content-Length"),
        "connection": ("http.connection", "Connection"), "date": ("http.date", "Date"), "server": ("http.server", "Server"),
        "location": ("http.location", "Location"), "transfer-encoding": ("http.transfer_encoding", "Transfer-Encoding"),
        "authorization": ("http.authorization", "Authorization"), "cache-control": ("http.cache_control", "Cache-Control"),
        "last-modified": ("http.last_modified", "Last-Modified"), "content-encoding": ("http.content_encoding", "Content-Encoding"),
        "upgrade": ("http.upgrade", "Upgrade")
    ]

    /// Status codes' descriptions as tshark gives them (`http.response.code.desc`).
    static let statusDescriptions: [UInt16: String] = [
        100: "Continue", 101: "Switching Protocols", 200: "OK", 201: "Created", 202: "Accepted", 203: "Non-authoritative Information",
        204: "No Content", 205: "Reset Content", 206: "Partial Content", 300: "Multiple Choices", 301: "Moved Permanently",
        302: "Found", 303: "See Other", 304: "Not Modified", 305: "Use Proxy", 307: "Temporary Redirect", 308: "Permanent Redirect",
        400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
        405: "Method Not Allowed", 406: "Not Acceptable", 407: "Proxy Authentication Required", 408: "Request Time-out",
        409: "Conflict", 410: "Gone", 411: "Length Required", 412: "Precondition Failed", 413: "Request Entity Too Large",
        414: "Request-URI Too Long", 415: "Unsupported Media Type", 416: "Requested Range Not Satisfiable",
        417: "Expectation Failed", 418: "I'm a teapot", 429: "Too Many Requests", 500: "Internal Server Error",
        501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Time-out",
        505: "HTTP Version not supported"
    ]
}

extension Substring {
    /// Without the spaces around it.
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
