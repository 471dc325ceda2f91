/// Parses Wireshark 4.0 display-filter text into ``DisplayFilterSyntax``. Precedence, loosest
/// first: `or`/`||`, `xor`/`^^`, `and`/`&&`, `not`/`!`, then a relation (`==`, `contains`, `in`, …)
/// between terms; parentheses group. Every error names its position and what was expected.
struct DisplayFilterParser {
    private enum Token: Hashable {
        case word(String)
        case string(String)
        case character(UInt64)
        case symbol(String)
        /// The raw text between `[` and `]`.
        case bracket(String)
        case end
    }

    private var tokens: [(token: Token, at: Int)] = []
    private var index = 0
    /// Nesting depth of parentheses and negations (bounded, so hostile input cannot exhaust the stack).
    private var depth = 0
    static let maxDepth = 64
    /// Expressions longer than this are refused before parsing.
    static let maxLength = 16_384

    /// The syntax of `expression`.
    static func parse(_ expression: String) throws(DisplayFilterError) -> DisplayFilterSyntax {
        guard expression.count <= maxLength else {
            throw DisplayFilterError(maxLength, "the filter is longer than \(maxLength) characters")
        }
        var parser = DisplayFilterParser()
        parser.tokens = try lex(Array(expression.unicodeScalars))
        guard parser.tokens.count > 1 else { throw DisplayFilterError(0, "empty filter: expected a field, a protocol or a test") }
        let syntax = try parser.parseOr()
        guard case .end = parser.current else {
            throw DisplayFilterError(parser.position, "unexpected \(parser.describeCurrent): expected 'and', 'or' or the end")
        }
        return syntax
    }

    // MARK: Lexing

    private static let keywords: Set<String> = ["and", "or", "xor", "not", "eq", "ne", "gt", "lt", "ge", "le", "contains", "matches", "in"]
    private static let symbols = [
        "===", "!==", "==", "!=", "~=", ">=", "<=", "&&", "||", "^^", "..", ">", "<", "~", "&", "!", "(", ")", "{", "}", ",", "="
    ]

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9", "_", ".", ":", "/", "-", "+": true
        default: false
        }
    }

    private static func lex(_ scalars: [Unicode.Scalar]) throws(DisplayFilterError) -> [(token: Token, at: Int)] {
        var tokens: [(token: Token, at: Int)] = []
        var offset = 0
        while offset < scalars.count {
            let scalar = scalars[offset]
            if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                offset += 1
                continue
            }
            let start = offset
            if scalar == "\"" || (scalar == "r" && offset + 1 < scalars.count && scalars[offset + 1] == "\"") {
                let raw = scalar == "r"
                offset += raw ? 2 : 1
                tokens.append((.string(try string(scalars, &offset, raw: raw, start: start)), start))
                continue
            }
            if scalar == "'" {
                tokens.append((.character(try character(scalars, &offset)), start))
                continue
            }
            if scalar == "[" {
                guard let close = scalars[offset...].firstIndex(of: "]") else {
                    throw DisplayFilterError(start, "'[' without ']': expected a slice such as [0:3]")
                }
                tokens.append((.bracket(String(String.UnicodeScalarView(scalars[(offset + 1)..<close]))), start))
                offset = close + 1
                continue
            }
            // `..` between two words of a set range (`8000..8080`) is its own symbol.
            if isWordScalar(scalar) && !(scalar == "." && offset + 1 < scalars.count && scalars[offset + 1] == ".") {
                var end = offset
                while end < scalars.count, isWordScalar(scalars[end]) {
                    if scalars[end] == ".", end + 1 < scalars.count, scalars[end + 1] == "." { break }
                    end += 1
                }
                tokens.append((.word(String(String.UnicodeScalarView(scalars[offset..<end]))), start))
                offset = end
                continue
            }
            let rest = String(String.UnicodeScalarView(scalars[offset..<min(scalars.count, offset + 3)]))
            guard let symbol = symbols.first(where: { rest.hasPrefix($0) }) else {
                throw DisplayFilterError(start, "unexpected character '\(scalar.escaped(asASCII: true))'")
            }
            tokens.append((.symbol(symbol == "=" ? "==" : symbol), start))
            offset += symbol.count
        }
        tokens.append((.end, scalars.count))
        return tokens
    }

    /// A quoted string's value, from after its opening quote through its closing one.
    private static func string(
        _ scalars: [Unicode.Scalar], _ offset: inout Int, raw: Bool, start: Int
    ) throws(DisplayFilterError)
        -> String
    {
        var out = String.UnicodeScalarView()
        while offset < scalars.count {
            let scalar = scalars[offset]
            offset += 1
            if scalar == "\"" { return String(out) }
            guard scalar == "\\" else {
                out.append(scalar)
                continue
            }
            guard offset < scalars.count else { break }
            if raw {
                // r"…": a backslash stays, and only protects a following quote.
                out.append("\\")
                out.append(scalars[offset])
                offset += 1
                continue
            }
            let escape = scalars[offset]
            offset += 1
            switch escape {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "a": out.append("\u{07}")
            case "b": out.append("\u{08}")
            case "f": out.append("\u{0C}")
            case "v": out.append("\u{0B}")
            case "0"..."7":
                var value = UInt32(escape.value - 48)
                var digits = 1
                while digits < 3, offset < scalars.count, ("0"..."7").contains(scalars[offset]) {
                    value = value * 8 + scalars[offset].value - 48
                    offset += 1
                    digits += 1
                }
                out.append(Unicode.Scalar(UInt8(truncatingIfNeeded: value)))
            case "x", "u", "U":
                let count = escape == "x" ? 2 : escape == "u" ? 4 : 8
                guard offset + count <= scalars.count,
                    let value = UInt32(String(String.UnicodeScalarView(scalars[offset..<(offset + count)])), radix: 16),
                    let decoded = Unicode.Scalar(value)
                else {
                    throw DisplayFilterError(offset - 2, "\\\(escape) needs \(count) hex digits of a valid character")
                }
                out.append(decoded)
                offset += count
            default: out.append(escape)
            }
        }
        throw DisplayFilterError(start, "unterminated string: expected a closing '\"'")
    }

    /// A character literal's code (`'a'`, `'\n'`, `'\x41'`), from its opening quote.
    private static func character(_ scalars: [Unicode.Scalar], _ offset: inout Int) throws(DisplayFilterError) -> UInt64 {
        let start = offset
        guard let close = scalars[(offset + 1)...].firstIndex(of: "'") else {
            throw DisplayFilterError(start, "unterminated character: expected a closing \"'\"")
        }
        var inner = offset + 1
        var quoted = [Unicode.Scalar]("\"".unicodeScalars) + scalars[inner..<close] + "\"".unicodeScalars
        quoted.removeFirst()
        inner = 0
        let text = try string(quoted, &inner, raw: false, start: start)
        offset = close + 1
        guard text.unicodeScalars.count == 1, let value = text.unicodeScalars.first?.value else {
            throw DisplayFilterError(start, "a character literal holds one character")
        }
        return UInt64(value)
    }

    // MARK: Parsing

    private var current: Token { tokens[index].token }
    private var position: Int { tokens[index].at }

    private var describeCurrent: String {
        switch current {
        case .word(let word): "'\(word)'"
        case .string: "a string"
        case .character: "a character"
        case .symbol(let symbol): "'\(symbol)'"
        case .bracket: "'['"
        case .end: "the end of the filter"
        }
    }

    private mutating func take(_ words: String...) -> Bool {
        switch current {
        case .word(let word) where words.contains(word.lowercased()), .symbol(let word) where words.contains(word):
            index += 1
            return true
        default: return false
        }
    }

    private mutating func parseOr() throws(DisplayFilterError) -> DisplayFilterSyntax {
        var left = try parseXor()
        while take("or", "||") { left = .or(left, try parseXor()) }
        return left
    }

    private mutating func parseXor() throws(DisplayFilterError) -> DisplayFilterSyntax {
        var left = try parseAnd()
        while take("xor", "^^") { left = .xor(left, try parseAnd()) }
        return left
    }

    private mutating func parseAnd() throws(DisplayFilterError) -> DisplayFilterSyntax {
        var left = try parseNot()
        while take("and", "&&") { left = .and(left, try parseNot()) }
        return left
    }

    private mutating func nest() throws(DisplayFilterError) {
        depth += 1
        guard depth <= Self.maxDepth else { throw DisplayFilterError(position, "nested more than \(Self.maxDepth) levels deep") }
    }

    private mutating func parseNot() throws(DisplayFilterError) -> DisplayFilterSyntax {
        if take("not", "!") {
            try nest()
            defer { depth -= 1 }
            return .not(try parseNot())
        }
        if case .symbol("(") = current {
            let open = position
            index += 1
            try nest()
            defer { depth -= 1 }
            let inner = try parseOr()
            guard take(")") else {
                throw DisplayFilterError(position, "expected ')' to close the '(' at \(open + 1), found \(describeCurrent)")
            }
            return inner
        }
        return try parseRelation()
    }

    private static let comparisons: [String: DisplayFilterSyntax.Comparison] = [
        "==": .equal, "eq": .equal, "!=": .notEqual, "ne": .notEqual, "===": .allEqual, "!==": .anyNotEqual, "~=": .anyNotEqual,
        ">": .greater, "gt": .greater, "<": .less, "lt": .less, ">=": .greaterOrEqual, "ge": .greaterOrEqual, "<=": .lessOrEqual,
        "le": .lessOrEqual
    ]

    private mutating func parseRelation() throws(DisplayFilterError) -> DisplayFilterSyntax {
        let left = try parseTerm()
        let symbol: String
        switch current {
        case .word(let word) where Self.keywords.contains(word.lowercased()): symbol = word.lowercased()
        case .symbol(let text): symbol = text
        default: return .test(left)
        }
        if let comparison = Self.comparisons[symbol] {
            index += 1
            return .compare(left, comparison, try parseTerm())
        }
        switch symbol {
        case "contains":
            index += 1
            return .contains(left, try parseTerm())
        case "matches", "~":
            index += 1
            return .matches(left, try parseTerm())
        case "in":
            index += 1
            return .member(left, try parseSet())
        default: return .test(left)
        }
    }

    private mutating func parseSet() throws(DisplayFilterError) -> [DisplayFilterSyntax.SetElement] {
        guard take("{") else { throw DisplayFilterError(position, "expected '{' to open a set after 'in', found \(describeCurrent)") }
        var elements: [DisplayFilterSyntax.SetElement] = []
        if case .symbol("}") = current {
            throw DisplayFilterError(position, "an empty set: expected values between '{' and '}'")
        }
        while !take("}") {
            if case .end = current { throw DisplayFilterError(position, "expected '}' to close the set") }
            if take(",") { continue }
            let low = try parseValue()
            var high: DisplayFilterSyntax.Operand?
            if take("..") { high = try parseValue() }
            elements.append(DisplayFilterSyntax.SetElement(low: low, high: high))
        }
        return elements
    }

    /// A term with its slices and `& mask`.
    private mutating func parseTerm() throws(DisplayFilterError) -> DisplayFilterSyntax.Operand {
        var term = try parseValue()
        while case .bracket(let text) = current {
            let at = position
            index += 1
            term = .slice(term, try Self.sliceRanges(text, at: at), at: term.position)
        }
        if take("&") {
            let mask = try parseValue()
            term = .bitAnd(term, mask, at: term.position)
        }
        return term
    }

    private mutating func parseValue() throws(DisplayFilterError) -> DisplayFilterSyntax.Operand {
        let at = position
        switch current {
        case .word(let word):
            guard !Self.keywords.contains(word.lowercased()) else {
                throw DisplayFilterError(at, "unexpected '\(word)': expected a field, a protocol or a value")
            }
            index += 1
            if case .symbol("(") = current {
                index += 1
                let argument = try parseTerm()
                guard take(")") else { throw DisplayFilterError(position, "expected ')' after the argument of \(word)()") }
                return .function(word, argument, at: at)
            }
            return .word(word, at: at)
        case .string(let text):
            index += 1
            return .string(text, at: at)
        case .character(let value):
            index += 1
            return .character(value, at: at)
        default:
            throw DisplayFilterError(at, "unexpected \(describeCurrent): expected a field, a protocol or a value")
        }
    }

    /// `0:3`, `1-2`, `4`, `:2`, `3:`, comma-separated.
    static func sliceRanges(_ text: String, at: Int) throws(DisplayFilterError) -> [DisplayFilterSyntax.SliceRange] {
        var ranges: [DisplayFilterSyntax.SliceRange] = []
        for whole in text.split(separator: ",", omittingEmptySubsequences: false) {
            let part = whole.trimmingCharacters(in: " ")
            func number(_ piece: Substring) throws(DisplayFilterError) -> Int {
                guard let value = Int(piece.trimmingCharacters(in: " ")), abs(value) <= 65_535 else {
                    // Point at the piece itself: `[` is at `at`, the bracket's text starts after it.
                    let offset =
                        text.distance(from: text.startIndex, to: whole.startIndex)
                        + part.distance(from: part.startIndex, to: piece.startIndex)
                    throw DisplayFilterError(at + 1 + offset, "'\(piece)' in a slice: expected a byte offset or length")
                }
                return value
            }
            if let colon = part.firstIndex(of: ":") {
                let start = part[..<colon].isEmpty ? 0 : try number(part[..<colon])
                let lengthText = part[part.index(after: colon)...]
                let length = lengthText.isEmpty ? nil : try number(lengthText)
                if let length, length < 0 { throw DisplayFilterError(at + 1, "a slice length cannot be negative") }
                ranges.append(.init(start: start, length: length))
            } else if let dash = part.dropFirst().firstIndex(of: "-") {
                let start = try number(part[..<dash]), end = try number(part[part.index(after: dash)...])
                guard end >= start else { throw DisplayFilterError(at + 1, "slice [\(part)] ends before it starts") }
                ranges.append(.init(start: start, length: end - start + 1))
            } else {
                ranges.append(.init(start: try number(Substring(part)), length: 1))
            }
        }
        return ranges
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
