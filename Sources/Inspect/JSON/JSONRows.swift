/// An array of JSON objects kept as the bytes they arrived in, for output that copies them on
/// instead of decoding and encoding each again (`socktui sockets --json --host`: an agent's rows
/// are written as the agent wrote them).
///
/// Only ``JSONStreamDecoder`` makes one, from an array whose elements are all objects, after its
/// tape has checked the document against RFC 8259 (no control character inside a string, every
/// escape and number well formed); the kept bytes are checked to be UTF-8 as well. What the
/// objects contain is not looked at, with one exception: a socket row's `tcp_info` packed by an
/// agent (`tcp.info_values`, protocol 5) is written out as its documented object (`tcp.info`)
/// as the rows are kept. A caller that needs typed values decodes them instead.
public struct JSONRows: Hashable, Sendable, Decodable {
    /// The array's bytes, from `[` to `]`.
    public let bytes: [UInt8]
    /// Each element's bytes within ``bytes``, from `{` to `}`, in order.
    public let ranges: [Range<Int>]

    /// The number of rows.
    public var count: Int { ranges.count }

    init(bytes: [UInt8], ranges: [Range<Int>]) {
        self.bytes = bytes
        self.ranges = ranges
    }

    /// Refused: rows are kept only by ``JSONStreamDecoder``, which reads them from its tape.
    public init(from decoder: any Decoder) throws {
        throw DecodingError.dataCorrupted(
            .init(codingPath: decoder.codingPath, debugDescription: "JSON rows are kept only by JSONStreamDecoder"))
    }

    /// Calls `body` with the bytes of row `index` (`{…}`), valid only during the call.
    public func withRow<Result>(_ index: Int, _ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[ranges[index]])) }
    }
}

extension JSONTapeState {
    /// The array at `index` kept as ``JSONRows``.
    /// - Throws: `DecodingError` when it is not an array of objects, or its bytes are not UTF-8.
    func rows(at index: Int) throws -> JSONRows {
        guard tag(index) == .array else { throw mismatch([Any].self, index, expected: "an array") }
        let start = Int(nodes[index].start)
        let end = byteEnd(of: index)
        var ranges: [Range<Int>] = []
        var rowNodes: [Int] = []
        ranges.reserveCapacity(Int(nodes[index].length))
        rowNodes.reserveCapacity(Int(nodes[index].length))
        var member = index + 1
        for _ in 0..<Int(nodes[index].length) {
            guard tag(member) == .object else { throw mismatch([String: Any].self, member, expected: "an object") }
            ranges.append(Int(nodes[member].start) - start..<byteEnd(of: member) - start)
            rowNodes.append(member)
            member = next(after: member)
        }
        let slice = UnsafeBufferPointer(rebasing: bytes[start..<end])
        // The tape checked structure and escapes; text is checked here (a decoded string would be).
        guard (try? UTF8Span(validating: slice.span)) != nil else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "rows that are not UTF-8"))
        }
        if let expanded = try expandingPackedTCPInfo(rows: ranges, nodes: rowNodes, start: start) {
            return JSONRows(bytes: expanded.bytes, ranges: expanded.ranges)
        }
        return JSONRows(bytes: Array(slice), ranges: ranges)
    }

    /// The offset just past the value at `index`: a scalar's last byte (a string's closing quote),
    /// or a container's closing bracket, found after its last member's end.
    func byteEnd(of index: Int) -> Int {
        let node = nodes[index]
        switch node.tag {
        case .string, .escapedString: return Int(node.start) + Int(node.length) + 1
        case .null, .false, .true, .number: return Int(node.start) + Int(node.length)
        case .array, .object:
            var offset = Int(node.start) + 1
            if node.length > 0 {
                // The last member's value: skip every member before it (an object's are key, value).
                var member = index + 1
                for _ in 0..<Int(node.length) - 1 {
                    if node.tag == .object { member += 1 }
                    member = next(after: member)
                }
                if node.tag == .object { member += 1 }
                offset = byteEnd(of: member)
            }
            while offset < bytes.count, bytes[offset] != UInt8(ascii: "]"), bytes[offset] != UInt8(ascii: "}") { offset += 1 }
            return offset + 1
        }
    }
}
