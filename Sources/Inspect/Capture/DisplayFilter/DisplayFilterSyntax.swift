/// A display filter that cannot be compiled: where (a 0-based offset into the expression, in
/// characters) and why, with what was expected.
public struct DisplayFilterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Offset of the offending text in the expression.
    public var position: Int
    /// What is wrong, and what was expected.
    public var message: String

    /// Creates an error.
    public init(_ position: Int, _ message: String) {
        self.position = position
        self.message = message
    }

    public var description: String { message }

    /// The expression with a caret under the position, then the message (for a terminal or stderr).
    public func explain(_ expression: String) -> String {
        "\(expression)\n\(String(repeating: " ", count: max(0, position)))^ \(message)"
    }
}

/// The parsed form of a display filter (Wireshark 4.0's language), positions kept for errors.
indirect enum DisplayFilterSyntax: Hashable, Sendable {
    case or(DisplayFilterSyntax, DisplayFilterSyntax)
    case and(DisplayFilterSyntax, DisplayFilterSyntax)
    case xor(DisplayFilterSyntax, DisplayFilterSyntax)
    case not(DisplayFilterSyntax)
    /// A field, protocol, slice or function alone: present (or non-zero after `&`).
    case test(Operand)
    /// `a OP b`.
    case compare(Operand, Comparison, Operand)
    /// `a contains b`.
    case contains(Operand, Operand)
    /// `a matches "regex"`.
    case matches(Operand, Operand)
    /// `a in {…}`: values and ranges.
    case member(Operand, [SetElement])

    /// A comparison operator, with Wireshark's quantifiers: `!=` is "all not equal" (true only
    /// when no occurrence equals), `===` "all equal", `!==`/`~=` "any not equal"; the rest are "any".
    enum Comparison: String, Hashable, Sendable {
        case equal = "=="
        case notEqual = "!="
        case allEqual = "==="
        case anyNotEqual = "!=="
        case greater = ">"
        case less = "<"
        case greaterOrEqual = ">="
        case lessOrEqual = "<="
    }

    /// One element of a set: a value or an inclusive range of values.
    struct SetElement: Hashable, Sendable {
        var low: Operand
        var high: Operand?
    }

    /// A value-producing term.
    indirect enum Operand: Hashable, Sendable {
        /// A bare word: a field or protocol name when one is known, a literal otherwise (numbers,
        /// addresses, byte strings). A leading `:` forces a literal, a leading `.` a field.
        case word(String, at: Int)
        /// A quoted string (escapes already resolved); `raw` for `r"…"`.
        case string(String, at: Int)
        /// A character literal `'a'`: its code.
        case character(UInt64, at: Int)
        /// `operand[ranges]`.
        case slice(Operand, [SliceRange], at: Int)
        /// `name(operand)`.
        case function(String, Operand, at: Int)
        /// `operand & mask`.
        case bitAnd(Operand, Operand, at: Int)

        /// Where the term starts.
        var position: Int {
            switch self {
            case .word(_, let at), .string(_, let at), .character(_, let at), .slice(_, _, let at), .function(_, _, let at),
                .bitAnd(_, _, let at):
                at
            }
        }
    }

    /// A slice range, as Wireshark writes them: `[i:n]` (n bytes from i), `[i-j]` (i to j
    /// inclusive), `[i]`, `[:n]`, `[i:]`; a negative start counts from the end.
    struct SliceRange: Hashable, Sendable {
        var start: Int
        /// Bytes taken; nil: to the end.
        var length: Int?
    }
}
