/// A checked term of a filter: what yields values in a packet.
indirect enum DisplayFilterTerm: Sendable {
    /// The occurrences of these fields (one, or an either-side field's two).
    case field([DisplayFilterFieldRef], DisplayFilterType)
    /// A literal.
    case constant(Item)
    /// The bytes of a term's values, cut by slice ranges.
    case slice(DisplayFilterTerm, [DisplayFilterSyntax.SliceRange])
    /// `len(term)`: bytes (characters of a string's UTF-8).
    case length(DisplayFilterTerm)
    /// `lower(term)` (`upper` when false).
    case lower(DisplayFilterTerm, Bool)
    /// `term & mask`.
    case bitAnd(DisplayFilterTerm, UInt64)

    /// The names of the fields the term reads.
    var fieldNames: Set<String> {
        switch self {
        case .field(let fields, _): Set(fields.map(\.name))
        case .constant: []
        case .slice(let term, _), .length(let term), .lower(let term, _), .bitAnd(let term, _): term.fieldNames
        }
    }

    /// Whether only header fields ``LayerFieldPacket`` reads are used, as values.
    var readsHeadersOnly: Bool {
        switch self {
        // A protocol's value is its bytes: only its presence is read from the layers.
        case .field(let fields, let type): type != .protocolNode && fields.allSatisfy { $0.header != nil }
        case .constant: true
        case .bitAnd(let term, _): term.readsHeadersOnly
        case .slice, .length, .lower: false
        }
    }

    /// One value: from a packet, or a literal (with an address literal's prefix length).
    struct Item: Sendable {
        var value: DisplayFilterValue
        var raw: [UInt8]
        var prefix: Int?
    }

    /// The term's values in `packet`.
    func values(_ packet: some DisplayFilterPacket) -> [Item] {
        switch self {
        case .field(let fields, _):
            if fields.count == 1 { return packet.occurrences(of: fields[0].name).map { Item(value: $0.value, raw: $0.raw) } }
            return fields.flatMap { packet.occurrences(of: $0.name).map { Item(value: $0.value, raw: $0.raw) } }
        case .constant(let item): return [item]
        case .slice(let term, let ranges):
            return term.values(packet).compactMap { item in
                // A field's slice cuts the packet's bytes under it; a string's (or a function's) its text.
                let bytes: [UInt8]
                if case .field(_, let type) = term, type != .string { bytes = item.raw } else { bytes = item.value.bytes }
                var out: [UInt8] = []
                for range in ranges {
                    let start = range.start < 0 ? bytes.count + range.start : range.start
                    let end = range.length.map { start + $0 } ?? bytes.count
                    guard start >= 0, start <= end, end <= bytes.count else { return nil }
                    out += bytes[start..<end]
                }
                return Item(value: .bytes(out), raw: out)
            }
        case .length(let term):
            return term.values(packet).map { item in
                let count: Int
                if case .field(_, let type) = term, type != .string { count = item.raw.count } else { count = item.value.bytes.count }
                return Item(value: .unsigned(UInt64(count)), raw: [])
            }
        case .lower(let term, let lower):
            return term.values(packet).map { item in
                let text = String(decoding: item.value.bytes, as: UTF8.self)
                return Item(value: .string(lower ? text.lowercased() : text.uppercased()), raw: item.raw)
            }
        case .bitAnd(let term, let mask):
            return term.values(packet).compactMap { item in
                guard case .unsigned(let value) = item.value else { return nil }
                return Item(value: .unsigned(value & mask), raw: item.raw)
            }
        }
    }

    /// Whether `body` is true of one of the term's values in `packet`, stopping at the first: fields,
    /// literals and masks without making arrays; the other terms through ``values(_:)``.
    func contains(_ packet: some DisplayFilterPacket, where body: (Item) -> Bool) -> Bool {
        switch self {
        case .field(let fields, _):
            for field in fields where packet.containsOccurrence(of: field, where: { body(Item(value: $0.value, raw: $0.raw)) }) {
                return true
            }
            return false
        case .constant(let item): return body(item)
        case .bitAnd(let term, let mask):
            return term.contains(packet) { item in
                guard case .unsigned(let value) = item.value else { return false }
                return body(Item(value: .unsigned(value & mask), raw: item.raw))
            }
        case .slice, .length, .lower: return values(packet).contains(where: body)
        }
    }

    /// Equal values; an address literal with a prefix matches every address of its network.
    static func equal(_ a: Item, _ b: Item) -> Bool {
        switch (a.value, b.value) {
        case (.ipv4(let x), .ipv4(let y)):
            let prefix = min(a.prefix ?? 32, b.prefix ?? 32)
            let mask: UInt32 = prefix == 0 ? 0 : ~UInt32(0) << (32 - prefix)
            return x & mask == y & mask
        case (.bytes(let x), .bytes(let y)) where a.prefix != nil || b.prefix != nil:
            let prefix = min(a.prefix ?? x.count * 8, b.prefix ?? y.count * 8)
            guard x.count == y.count, prefix <= x.count * 8 else { return false }
            let whole = prefix / 8, bits = prefix % 8
            guard x[..<whole] == y[..<whole] else { return false }
            guard bits > 0 else { return true }
            let mask = UInt8(0xff) << (8 - bits)
            return x[whole] & mask == y[whole] & mask
        default:
            return a.value == b.value
        }
    }

    /// -1, 0 or 1 as `a` sorts before, with or after `b`; nil when they cannot be ordered.
    static func order(_ a: Item, _ b: Item) -> Int? {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : x == y ? 0 : 1 }
        switch (a.value, b.value) {
        case (.unsigned(let x), .unsigned(let y)): return sign(x, y)
        case (.signed(let x), .signed(let y)): return sign(x, y)
        case (.ipv4(let x), .ipv4(let y)): return sign(x, y)
        case (.string(let x), .string(let y)):
            let (u, v) = (Array(x.utf8), Array(y.utf8))
            return u == v ? 0 : (u.lexicographicallyPrecedes(v) ? -1 : 1)
        case (.bytes(let x), .bytes(let y)): return x == y ? 0 : (x.lexicographicallyPrecedes(y) ? -1 : 1)
        default: return nil
        }
    }
}
