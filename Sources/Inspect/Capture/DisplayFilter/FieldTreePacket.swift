#if canImport(Glibc)
    import Glibc
#endif

/// A dissected packet as a display filter sees it: the field tree (dissected with detail) indexed
/// by name, each value read as its field's type from the tree's text, protocols and byte fields
/// as the packet's bytes under them.
public struct FieldTreePacket: DisplayFilterPacket {
    /// Each field's nodes, with the end of the bytes a filter sees under each.
    private let nodes: [String: [(node: FieldNode, end: Int)]]
    private let bytes: [UInt8]
    private let fields: DisplayFilterFields
    private let number: Int?

    /// `dissection` (made with `DissectorOptions(detail: true)`) of the packet `bytes`; `number` is
    /// its 1-based place in the capture (`frame.number`), when known.
    public init(_ dissection: Dissection, bytes: [UInt8], fields: DisplayFilterFields = .standard, number: Int? = nil) {
        self.number = number
        var nodes: [String: [(node: FieldNode, end: Int)]] = [:]
        /// Adds `node` and its subtree; returns the furthest byte the subtree covers.
        @discardableResult func walk(_ node: FieldNode, through following: Int) -> Int {
            var end = node.offset + node.length
            for child in node.children { end = max(end, walk(child, through: 0)) }
            // As in Wireshark, TCP and UDP cover their payload and what was decoded from it.
            let covered = node.key == "tcp" || node.key == "udp" ? max(end, following) : end
            nodes[node.key, default: []].append((node, covered))
            return end
        }
        let top = dissection.fields
        var following = [Int](repeating: 0, count: top.count + 1)
        for index in top.indices.reversed() {
            following[index] = max(following[index + 1], top[index].flattened.map { $0.offset + $0.length }.max() ?? 0)
        }
        for (index, node) in top.enumerated() { walk(node, through: following[index + 1]) }
        self.nodes = nodes
        self.bytes = bytes
        self.fields = fields
    }

    public func occurrences(of name: String) -> [DisplayFilterOccurrence] {
        if name == "frame.number" { return number.map { [DisplayFilterOccurrence(.unsigned(UInt64($0)), raw: [])] } ?? [] }
        guard let found = nodes[name], let type = fields[name]?.type else { return [] }
        return found.compactMap { node, end in
            let start = min(max(node.offset, 0), bytes.count)
            let stop = min(bytes.count, max(start, type == .protocolNode ? end : start + max(node.length, 0)))
            let raw = Array(bytes[start..<stop])
            guard let value = Self.value(node.value, type: type, raw: raw) else { return nil }
            return DisplayFilterOccurrence(value, raw: raw)
        }
    }

    /// A node's text read as `type`: the first number for integers (`0x0012 (SYN, ACK)` → 18,
    /// `IPv4 (0x0800)` → 2048), the first word for addresses.
    static func value(_ text: String, type: DisplayFilterType, raw: [UInt8]) -> DisplayFilterValue? {
        let word = String(text.prefix { $0 != " " })
        switch type {
        case .protocolNode, .bytes, .none: return .bytes(raw)
        case .string: return .string(text)
        case .ipv4: return DisplayFilterLiteral.ipv4(word).map { .ipv4($0.address) }
        case .ipv6: return DisplayFilterLiteral.ipv6(word).map { .bytes($0.address) }
        case .ether: return DisplayFilterLiteral.bytes(word).flatMap { $0.count == 6 ? .bytes($0) : nil }
        case .signed:
            return DisplayFilterLiteral.signed(word).map { .signed($0) }
        case .relativeTime:
            return DisplayFilterLiteral.seconds(word).map { .signed($0) }
        case .unsigned, .boolean:
            if let value = DisplayFilterLiteral.unsigned(word) { return .unsigned(value) }
            // A name with its number in parentheses: the number.
            if let open = text.lastIndex(of: "("), let close = text[open...].firstIndex(of: ")"),
                let value = DisplayFilterLiteral.unsigned(String(text[text.index(after: open)..<close]))
            {
                return .unsigned(value)
            }
            // A boolean node without a number says so by being there (`http.request`).
            if type == .boolean { return .unsigned(1) }
            let digits = text.drop { !$0.isNumber }.prefix { $0.isNumber }
            return UInt64(digits).map { .unsigned($0) }
        }
    }
}
