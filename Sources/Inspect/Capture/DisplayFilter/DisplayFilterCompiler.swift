/// Checks a parsed filter against the known fields and types its literals by the fields they are
/// compared with (`ip.addr == 10.0.0.0/8` reads a network, `eth.src[0:3] == 00:00:5e` bytes).
struct DisplayFilterCompiler {
    let fields: DisplayFilterFields

    func compile(_ syntax: DisplayFilterSyntax) throws(DisplayFilterError) -> DisplayFilterProgram {
        switch syntax {
        case .or(let a, let b): return .or(try compile(a), try compile(b))
        case .and(let a, let b): return .and(try compile(a), try compile(b))
        case .xor(let a, let b): return .xor(try compile(a), try compile(b))
        case .not(let a): return .not(try compile(a))
        case .test(let operand):
            let (term, type) = try value(operand, expecting: nil)
            if case .constant = term {
                throw DisplayFilterError(operand.position, "\(describe(operand)) is neither a field nor a protocol")
            }
            _ = type
            return .exists(term)
        case .compare(let left, let comparison, let right):
            if ![.equal, .notEqual, .allEqual, .anyNotEqual].contains(comparison), case .word(let word, _) = left,
                fields[word]?.type == .protocolNode
            {
                throw DisplayFilterError(
                    left.position, "\(describe(left)) is a protocol: it can be tested, sliced or searched, not ordered")
            }
            for side in [left, right] {
                if case .word(let word, _) = side, let field = fields[word], field.type == .none {
                    throw DisplayFilterError(side.position, "\(describe(side)) is \(field.type.noun): test it alone, as `\(word)`")
                }
            }
            let (l, r) = try pair(left, right)
            return .compare(l.term, comparison, r.term)
        case .contains(let left, let right):
            let (term, type) = try value(left, expecting: nil)
            guard [.string, .bytes, .protocolNode].contains(type) else {
                throw DisplayFilterError(left.position, "'contains' needs a string, bytes or a protocol; \(describe(left)) is \(type.noun)")
            }
            let needle = try value(right, expecting: type == .protocolNode ? .bytes : type)
            return .contains(term, needle.term)
        case .matches(let left, let right):
            let (term, type) = try value(left, expecting: nil)
            guard [.string, .bytes, .protocolNode].contains(type) else {
                throw DisplayFilterError(left.position, "'matches' needs a string, bytes or a protocol; \(describe(left)) is \(type.noun)")
            }
            guard case .string(let pattern, let at) = right else {
                throw DisplayFilterError(right.position, "'matches' takes a quoted regular expression, such as \"(?i)^get\"")
            }
            do {
                return .matches(term, try DisplayFilterRegex(pattern))
            } catch {
                throw DisplayFilterError(at, "invalid regular expression \"\(pattern)\"")
            }
        case .member(let left, let elements):
            let (term, type) = try value(left, expecting: nil)
            var compiled: [(DisplayFilterTerm, DisplayFilterTerm?)] = []
            for element in elements {
                let low = try value(element.low, expecting: type).term
                var high: DisplayFilterTerm?
                if let upper = element.high {
                    guard [.unsigned, .signed, .relativeTime, .ipv4, .string, .bytes].contains(type) else {
                        throw DisplayFilterError(upper.position, "a range needs ordered values; \(describe(left)) is \(type.noun)")
                    }
                    high = try value(upper, expecting: type).term
                }
                compiled.append((low, high))
            }
            return .member(term, compiled)
        }
    }

    /// Both sides of a comparison, the literal side typed by the other (either may be the field).
    private func pair(
        _ left: DisplayFilterSyntax.Operand, _ right: DisplayFilterSyntax.Operand
    ) throws(DisplayFilterError) -> (
        (term: DisplayFilterTerm, type: DisplayFilterType), (term: DisplayFilterTerm, type: DisplayFilterType)
    ) {
        if isLiteral(left) && !isLiteral(right) {
            let r = try value(right, expecting: nil)
            return (try value(left, expecting: r.type == .protocolNode ? .bytes : r.type), r)
        }
        let l = try value(left, expecting: nil)
        let r = try value(right, expecting: l.type == .protocolNode ? .bytes : l.type)
        if !isLiteral(right), !compatible(l.type, r.type) {
            throw DisplayFilterError(
                right.position, "\(describe(left)) is \(l.type.noun) and \(describe(right)) is \(r.type.noun): they cannot be compared")
        }
        return (l, r)
    }

    private func compatible(_ a: DisplayFilterType, _ b: DisplayFilterType) -> Bool {
        let bytesLike: Set<DisplayFilterType> = [.bytes, .protocolNode, .ether, .ipv6]
        return a == b || (bytesLike.contains(a) && bytesLike.contains(b)) || (Set([a, b]) == [.unsigned, .boolean])
    }

    /// Whether the operand is a literal (not a field, slice or function).
    private func isLiteral(_ operand: DisplayFilterSyntax.Operand) -> Bool {
        switch operand {
        case .string, .character: return true
        case .word(let word, _): return (word.hasPrefix(":") && !word.hasPrefix("::")) || (!word.hasPrefix(".") && fields[word] == nil)
        default: return false
        }
    }

    private func describe(_ operand: DisplayFilterSyntax.Operand) -> String {
        switch operand {
        case .word(let word, _): "'\(word)'"
        case .string(let text, _): "\"\(text)\""
        case .character: "a character"
        case .slice: "a slice"
        case .function(let name, _, _): "\(name)()"
        case .bitAnd: "a masked value"
        }
    }

    /// An operand's term and type; a literal is read as `expecting` (required for one).
    private func value(
        _ operand: DisplayFilterSyntax.Operand, expecting: DisplayFilterType?
    ) throws(DisplayFilterError) -> (
        term: DisplayFilterTerm, type: DisplayFilterType
    ) {
        switch operand {
        case .word(let word, let at):
            // `:80` forces a literal; `::1` is an IPv6 address.
            let forcedLiteral = word.hasPrefix(":") && !word.hasPrefix("::")
            let name = word.hasPrefix(".") ? String(word.dropFirst()) : word
            if !forcedLiteral, let field = fields[name] {
                return (
                    .field((field.either.isEmpty ? [field.name] : field.either).map(DisplayFilterFieldRef.init), field.type), field.type
                )
            }
            guard let expecting, !word.hasPrefix(".") else {
                guard name.first?.isLetter == true else { throw DisplayFilterError(at, "'\(word)' is neither a field nor a protocol") }
                throw unknown(name, at: at)
            }
            let text = forcedLiteral ? String(word.dropFirst()) : word
            guard let item = literal(text, as: expecting) else {
                // A word that looks like a field name (letters and dots) is more likely a misspelt field.
                if !forcedLiteral, name.contains("."), name.first?.isLetter == true, expecting != .string, fields.closest(to: name) != nil {
                    throw unknown(name, at: at)
                }
                throw DisplayFilterError(at, "'\(text)' is not \(expecting.noun)")
            }
            return (.constant(item), expecting)
        case .string(let text, let at):
            guard let expecting else { throw DisplayFilterError(at, "a string alone is not a test: compare it with a field") }
            switch expecting {
            case .string: return (.constant(.init(value: .string(text), raw: Array(text.utf8))), .string)
            case .bytes, .protocolNode: return (.constant(.init(value: .bytes(Array(text.utf8)), raw: Array(text.utf8))), .bytes)
            default:
                // "10.0.0.1" quoted still reads as the field's type, as Wireshark allows.
                guard let item = literal(text, as: expecting) else { throw DisplayFilterError(at, "\"\(text)\" is not \(expecting.noun)") }
                return (.constant(item), expecting)
            }
        case .character(let code, let at):
            guard expecting == .unsigned || expecting == .boolean else {
                throw DisplayFilterError(at, "a character literal compares with an integer field, not \(expecting?.noun ?? "nothing")")
            }
            return (.constant(.init(value: .unsigned(code), raw: [])), .unsigned)
        case .slice(let inner, let ranges, let at):
            let (term, _) = try value(inner, expecting: nil)
            if case .constant = term { throw DisplayFilterError(at, "only a field or protocol can be sliced") }
            return (.slice(term, ranges), .bytes)
        case .function(let name, let argument, let at):
            let (term, type) = try value(argument, expecting: nil)
            switch name.lowercased() {
            case "len": return (.length(term), .unsigned)
            case "lower", "upper":
                guard type == .string else {
                    throw DisplayFilterError(at, "\(name)() takes a string field; \(describe(argument)) is \(type.noun)")
                }
                return (.lower(term, name.lowercased() == "lower"), .string)
            default: throw DisplayFilterError(at, "unknown function \(name)(): expected len(), lower() or upper()")
            }
        case .bitAnd(let inner, let mask, let at):
            let (term, type) = try value(inner, expecting: nil)
            guard type == .unsigned else { throw DisplayFilterError(at, "'&' needs an integer field; \(describe(inner)) is \(type.noun)") }
            guard case .constant(let item) = try value(mask, expecting: .unsigned).term, case .unsigned(let bits) = item.value else {
                throw DisplayFilterError(mask.position, "'&' takes an integer mask, such as 0x02")
            }
            return (.bitAnd(term, bits), .unsigned)
        }
    }

    private func unknown(_ name: String, at: Int) -> DisplayFilterError {
        let hint = fields.closest(to: name).map { " (did you mean \($0)?)" } ?? ""
        return DisplayFilterError(at, "unknown field '\(name)'\(hint): `socktui read --fields` lists the fields")
    }

    /// `text` read as a literal of `type`.
    private func literal(_ text: String, as type: DisplayFilterType) -> DisplayFilterTerm.Item? {
        switch type {
        case .unsigned, .boolean:
            return DisplayFilterLiteral.unsigned(text).map { .init(value: .unsigned($0), raw: []) }
        case .ipv4:
            return DisplayFilterLiteral.ipv4(text).map { .init(value: .ipv4($0.address), raw: [], prefix: $0.prefix) }
        case .ipv6:
            return DisplayFilterLiteral.ipv6(text).map { .init(value: .bytes($0.address), raw: $0.address, prefix: $0.prefix) }
        case .ether:
            guard let bytes = DisplayFilterLiteral.bytes(text), bytes.count == 6 else { return nil }
            return .init(value: .bytes(bytes), raw: bytes)
        case .bytes, .protocolNode, .none:
            return DisplayFilterLiteral.bytes(text).map { .init(value: .bytes($0), raw: $0) }
        case .string:
            return .init(value: .string(text), raw: Array(text.utf8))
        case .signed:
            return DisplayFilterLiteral.signed(text).map { .init(value: .signed($0), raw: []) }
        case .relativeTime:
            return DisplayFilterLiteral.seconds(text).map { .init(value: .signed($0), raw: []) }
        }
    }
}
