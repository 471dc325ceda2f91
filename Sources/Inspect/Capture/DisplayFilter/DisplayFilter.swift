import Foundation

/// A compiled Wireshark display filter (the language of Wireshark 4.0: fields and protocols,
/// comparisons, `contains`, `matches`, `in {…}`, slices, `&`, `len()`/`lower()`/`upper()`,
/// `and`/`or`/`xor`/`not`), checked against the fields socktui's dissectors produce: an unknown
/// field is refused by name (with the closest known one), never silently false.
///
/// ```swift
/// let filter = try DisplayFilter("tcp.port in {80 443 8000..8080} && !(ip.addr == 10.0.0.0/8)")
/// let matched = filter.matches(packet)
/// ```
public struct DisplayFilter: Sendable {
    /// The text it was compiled from.
    public let expression: String
    let program: DisplayFilterProgram

    /// Compiles `expression` against `fields`.
    /// - Throws: ``DisplayFilterError`` naming the position and what was expected.
    public init(_ expression: String, fields: DisplayFilterFields = .standard) throws(DisplayFilterError) {
        self.expression = expression
        program = try DisplayFilterCompiler(fields: fields).compile(try DisplayFilterParser.parse(expression))
        needsFieldTree = !program.readsHeadersOnly
        readsTCPAnalysis = program.fieldNames.contains { TCPAnalysis.fieldValues[$0] != nil }
    }

    /// Whether the filter reads what TCP sequence analysis finds (`tcp.seq`, `tcp.analysis.*`):
    /// a scan must then analyse the packets in order.
    public let readsTCPAnalysis: Bool

    /// Whether the filter needs the field tree (``FieldTreePacket``): false when every field it
    /// names is a header field ``LayerFieldPacket`` reads from the packet's bytes, and it neither
    /// slices nor searches bytes.
    public let needsFieldTree: Bool

    /// Whether `packet` passes the filter.
    public func matches(_ packet: some DisplayFilterPacket) -> Bool { program.evaluate(packet) }
}

/// A checked filter, ready to evaluate.
indirect enum DisplayFilterProgram: Sendable {
    /// Whether only ``LayerFieldPacket``'s header fields are read, as values (no bytes).
    var readsHeadersOnly: Bool {
        switch self {
        case .or(let a, let b), .and(let a, let b), .xor(let a, let b): return a.readsHeadersOnly && b.readsHeadersOnly
        case .not(let a): return a.readsHeadersOnly
        case .exists(.field(let fields, .protocolNode)): return fields.allSatisfy { $0.header != nil }
        case .exists(let term): return term.readsHeadersOnly
        case .compare(let a, _, let b): return a.readsHeadersOnly && b.readsHeadersOnly
        case .contains, .matches: return false
        case .member(let term, let elements):
            return term.readsHeadersOnly && elements.allSatisfy { $0.0.readsHeadersOnly && ($0.1?.readsHeadersOnly ?? true) }
        }
    }

    /// The names of the fields the program reads.
    var fieldNames: Set<String> {
        switch self {
        case .or(let a, let b), .and(let a, let b), .xor(let a, let b): return a.fieldNames.union(b.fieldNames)
        case .not(let a): return a.fieldNames
        case .exists(let term): return term.fieldNames
        case .compare(let a, _, let b), .contains(let a, let b): return a.fieldNames.union(b.fieldNames)
        case .matches(let a, _): return a.fieldNames
        case .member(let term, let elements):
            return elements.reduce(term.fieldNames) { $0.union($1.0.fieldNames).union($1.1?.fieldNames ?? []) }
        }
    }

    case or(DisplayFilterProgram, DisplayFilterProgram)
    case and(DisplayFilterProgram, DisplayFilterProgram)
    case xor(DisplayFilterProgram, DisplayFilterProgram)
    case not(DisplayFilterProgram)
    case exists(DisplayFilterTerm)
    case compare(DisplayFilterTerm, DisplayFilterSyntax.Comparison, DisplayFilterTerm)
    case contains(DisplayFilterTerm, DisplayFilterTerm)
    case matches(DisplayFilterTerm, DisplayFilterRegex)
    case member(DisplayFilterTerm, [(DisplayFilterTerm, DisplayFilterTerm?)])

    func evaluate(_ packet: some DisplayFilterPacket) -> Bool {
        switch self {
        case .or(let a, let b): return a.evaluate(packet) || b.evaluate(packet)
        case .and(let a, let b): return a.evaluate(packet) && b.evaluate(packet)
        case .xor(let a, let b): return a.evaluate(packet) != b.evaluate(packet)
        case .not(let a): return !a.evaluate(packet)
        case .exists(let term):
            if case .bitAnd = term { return term.contains(packet) { $0.value != .unsigned(0) } }
            return term.contains(packet) { _ in true }
        case .compare(let left, let comparison, let right):
            // Against one literal (`tcp.port == 80`): each value in turn, no arrays.
            if case .constant(let literal) = right {
                switch comparison {
                case .equal: return left.contains(packet) { DisplayFilterTerm.equal($0, literal) }
                case .notEqual:
                    var any = false
                    return !left.contains(packet) { item in
                        any = true
                        return DisplayFilterTerm.equal(item, literal)
                    } && any
                case .anyNotEqual: return left.contains(packet) { !DisplayFilterTerm.equal($0, literal) }
                case .greater: return left.contains(packet) { DisplayFilterTerm.order($0, literal) == 1 }
                case .less: return left.contains(packet) { DisplayFilterTerm.order($0, literal) == -1 }
                case .greaterOrEqual: return left.contains(packet) { (DisplayFilterTerm.order($0, literal) ?? -1) >= 0 }
                case .lessOrEqual: return left.contains(packet) { (DisplayFilterTerm.order($0, literal) ?? 1) <= 0 }
                case .allEqual: break
                }
            }
            let lefts = left.values(packet), rights = right.values(packet)
            func any(_ test: (DisplayFilterTerm.Item, DisplayFilterTerm.Item) -> Bool) -> Bool {
                lefts.contains { l in rights.contains { r in test(l, r) } }
            }
            switch comparison {
            case .equal: return any(DisplayFilterTerm.equal)
            // Wireshark's "all not equal": the field is there and no occurrence equals.
            case .notEqual: return !lefts.isEmpty && !any(DisplayFilterTerm.equal)
            case .allEqual: return !lefts.isEmpty && lefts.allSatisfy { l in rights.contains { DisplayFilterTerm.equal(l, $0) } }
            case .anyNotEqual: return any { !DisplayFilterTerm.equal($0, $1) }
            case .greater: return any { DisplayFilterTerm.order($0, $1) == 1 }
            case .less: return any { DisplayFilterTerm.order($0, $1) == -1 }
            case .greaterOrEqual: return any { (DisplayFilterTerm.order($0, $1) ?? -1) >= 0 }
            case .lessOrEqual: return any { (DisplayFilterTerm.order($0, $1) ?? 1) <= 0 }
            }
        case .contains(let left, let right):
            let needles = right.values(packet).map(\.value.bytes)
            return left.values(packet).contains { item in
                let haystack = item.value.bytes
                return needles.contains { needle in needle.isEmpty || haystack.firstRange(of: needle) != nil }
            }
        case .matches(let left, let regex):
            return left.values(packet).contains { regex.matches(String(decoding: $0.value.bytes, as: UTF8.self)) }
        case .member(let left, let elements):
            return left.contains(packet) { item in
                elements.contains { low, high in
                    guard let high else { return low.contains(packet) { DisplayFilterTerm.equal(item, $0) } }
                    return low.contains(packet) { (DisplayFilterTerm.order(item, $0) ?? -1) >= 0 }
                        && high.contains(packet) { (DisplayFilterTerm.order(item, $0) ?? 1) <= 0 }
                }
            }
        }
    }
}

/// A `matches` pattern, compiled once (PCRE-like; `(?i)` for case-insensitive).
final class DisplayFilterRegex: @unchecked Sendable {
    private let regex: NSRegularExpression

    init(_ pattern: String) throws { regex = try NSRegularExpression(pattern: pattern) }

    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
