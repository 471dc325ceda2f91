/// One node of a packet's field tree: a protocol, a header field or a group of fields, with the
/// bytes it came from (for hex highlighting).
public struct FieldNode: Hashable, Sendable, Codable, JSONWritable {
    /// tshark's display-filter name where one exists (`ip.src`, `tcp.flags`, `dns.qry.name`),
    /// otherwise a name in the same style.
    public var key: String
    /// The human-readable label (`Source Address`).
    public var label: String
    /// The value as text (`127.0.0.1`, `0x0012 (SYN, ACK)`); empty for groups.
    public var value: String
    /// Absolute offset of the field's first byte in the captured bytes.
    public var offset: Int
    /// Number of bytes the field covers (bit fields cover the bytes that hold them).
    public var length: Int
    /// Sub-fields.
    public var children: [FieldNode]

    /// Creates a node.
    public init(_ key: String, _ label: String, _ value: String = "", range: Range<Int>, children: [FieldNode] = []) {
        self.key = key
        self.label = label
        self.value = value
        self.offset = range.lowerBound
        self.length = range.count
        self.children = children
    }

    public func encode(to encoder: any Encoder) throws { try encodeWritingJSON(to: encoder) }

    /// The node's JSON object (its one encoding: `encode(to:)` writes the same).
    public func writeJSON(to json: inout JSONObjectWriter) throws {
        try json.write("key", key)
        try json.write("label", label)
        try json.write("value", value)
        try json.write("offset", offset)
        try json.write("length", length)
        try json.write("children", children)
    }

    /// The bytes this node covers.
    public var range: Range<Int> { offset..<(offset + length) }

    /// This node and all its descendants, depth first.
    public var flattened: [FieldNode] {
        [self] + children.flatMap(\.flattened)
    }

    /// The first node with `key` in this subtree, depth first.
    public func first(_ key: String) -> FieldNode? {
        if self.key == key { return self }
        for child in children { if let found = child.first(key) { return found } }
        return nil
    }

    /// The node as one line of a tree: `label: value`, the label alone when there is no value,
    /// the value alone when there is no label (an HTTP header line). A value's closing CRLF shows as
    /// `\r\n`, as Wireshark shows a header line.
    public var displayText: String {
        let shown = value.hasSuffix("\r\n") ? String(value.dropLast()) + "\\r\\n" : value
        if shown.isEmpty { return label }
        return label.isEmpty ? shown : label + ": " + shown
    }

    /// Indented text, one node a line (`socktui read --detail`), each with its bytes (`[26-29]`;
    /// none for a node that covers no byte).
    public func render(indent: Int = 0) -> String {
        let pad = String(repeating: "  ", count: indent)
        var line = pad + displayText
        if length > 0 { line += "  [\(FieldNode.byteRangeText(offset..<(offset + length)))]" }
        return line + "\n" + children.map { $0.render(indent: indent + 1) }.joined()
    }

    /// `66-79`: bytes as people write a range, first and last inclusive; `66` for one byte, empty for none.
    public static func byteRangeText(_ range: Range<Int>) -> String {
        switch range.count {
        case 0: ""
        case 1: "\(range.lowerBound)"
        default: "\(range.lowerBound)-\(range.upperBound - 1)"
        }
    }
}
