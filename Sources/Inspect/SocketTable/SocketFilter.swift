import SocketKit

/// A typed filter over socket entries: space-separated terms, all of which must match.
///
/// Terms: `state:listen`, `port:443` (local or remote), `sport:443`, `dport:443`, `proc:nginx`
/// (command name substring), `pid:812`, `family:inet6` (inet, inet6, unix, packet), `kind:tcp`
/// (tcp, udp, raw, unix, packet, u_str, ...), `addr:127.0.0.1` (local or remote substring),
/// `uid:0`, `inode:12345`; a bare word matches any column's text. Prefix a term with `!` to
/// negate it (one `!`: `!!` is refused, not read as double negation). Case-insensitive. Numbers
/// outside what a port, pid, uid or inode can be are refused, as are mistyped keys (`prot:22`).
public struct SocketFilter: Hashable, Sendable, Codable, CustomStringConvertible {
    /// One parsed term.
    public struct Term: Hashable, Sendable, Codable {
        /// The key (`state`, `port`, ...), or empty for a bare word.
        public var key: String
        /// The value, lower-cased.
        public var value: String
        /// True when the term was written with `!`.
        public var negated: Bool
    }

    /// The parsed terms.
    public var terms: [Term]
    /// The text it was parsed from.
    public var text: String

    static let families: [String: AddressFamily] = [
        "inet": .inet, "inet6": .inet6, "unix": .unix, "local": .unix, "file": .unix, "packet": .packet, "netlink": .netlink
    ]

    static let keys = ["state", "port", "sport", "dport", "proc", "pid", "family", "kind", "addr", "uid", "inode"]

    /// The states the table shows (`state:` takes any of them, or a prefix such as `syn`).
    static let states = [
        "listen", "estab", "syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2", "time-wait", "close-wait",
        "last-ack", "closing", "new-syn-recv", "unconn"
    ]

    /// What `kind:` takes: a kind's short name, or `unix`/`packet` for all of that family.
    static let kinds = SocketKind.allCases.map(\.rawValue) + ["unix", "packet"]

    /// Why `value` cannot match any socket for `key`, if it cannot.
    static func impossible(_ key: String, _ value: String) -> String? {
        switch key {
        case "state" where !states.contains(where: { $0.hasPrefix(value) }):
            return "state: no state '\(value)'; known: \(states.joined(separator: ", "))"
        case "family" where families[value.hasPrefix("af_") ? String(value.dropFirst(3)) : value] == nil:
            return "family: no family '\(value)'; known: \(families.keys.sorted().joined(separator: ", "))"
        case "kind" where !kinds.contains(value):
            return "kind: no kind '\(value)'; known: \(kinds.joined(separator: ", "))"
        default:
            return nil
        }
    }

    /// Parses a filter. Throws a message naming an unknown key, a non-numeric port, or a state or kind
    /// no socket has (such a term could only ever show an empty table).
    public init(_ text: String) throws(SocketFilterError) {
        self.text = text
        terms = []
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            var word = Substring(word.lowercased())
            let negated = word.hasPrefix("!")
            if negated { word = word.dropFirst() }
            if word.hasPrefix("!") {
                throw SocketFilterError(
                    message: "'!\(word)': a term takes one '!' (\(word.drop { $0 == "!" }) keeps, !\(word.drop { $0 == "!" }) drops)")
            }
            guard !word.isEmpty else {
                if negated { throw SocketFilterError(message: "'!' needs a term after it, such as !state:listen") }
                continue
            }
            if let colon = word.firstIndex(of: ":"), Self.keys.contains(String(word[..<colon])) {
                let key = String(word[..<colon]), value = String(word[word.index(after: colon)...])
                if value.isEmpty { throw SocketFilterError(message: "\(key): needs a value, such as \(key):\(Self.example(key))") }
                if let range = Self.numericRanges[key] {
                    // Digits only (an optional sign): Int("+5") and Int("0x10") would differ from what ss takes.
                    let digits = value.hasPrefix("-") ? value.dropFirst() : Substring(value)
                    guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                        throw SocketFilterError(message: "\(key): expects a number, got '\(value)'")
                    }
                    guard let number = Int(value), range.contains(number) else {
                        throw SocketFilterError(message: "\(key): must be \(range.lowerBound)-\(range.upperBound), got \(value)")
                    }
                }
                if let why = Self.impossible(key, value) { throw SocketFilterError(message: why) }
                terms.append(Term(key: key, value: value, negated: negated))
            } else if let colon = word.firstIndex(of: ":"), Self.looksLikeKey(word[..<colon]),
                !word.contains(".") && word.filter({ $0 == ":" }).count == 1
            {
                let typed = String(word[..<colon])
                let near = Self.keys.filter { Self.editDistance($0, typed) <= 2 }
                throw SocketFilterError(
                    message: "unknown filter key '\(typed)'" + (near.isEmpty ? "" : " (did you mean \(near.joined(separator: " or "))?)")
                        + "; known: \(Self.keys.joined(separator: ", "))")
            } else {
                terms.append(Term(key: "", value: String(word), negated: negated))
            }
        }
    }

    /// The numbers each numeric key can take: a port, a pid, a uid or an inode outside them matches nothing.
    static let numericRanges: [String: ClosedRange<Int>] = [
        "port": 0...65535, "sport": 0...65535, "dport": 0...65535, "pid": 1...Int(Int32.max),
        "uid": 0...Int(UInt32.max), "inode": 0...Int(UInt32.max)
    ]

    /// True when `prefix` (the text before a word's only colon) must have been meant as a key: letters
    /// only, and at least one that is not a hex digit, so IPv6 fragments (`fe80:1`, `ab:cd`) stay words.
    static func looksLikeKey(_ prefix: Substring) -> Bool {
        !prefix.isEmpty && prefix.allSatisfy { $0.isASCII && $0.isLetter } && !prefix.allSatisfy(\.isHexDigit)
    }

    /// Levenshtein distance of two short ASCII words (for "did you mean").
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, y) in b.enumerated() {
                current[j + 1] = Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    private static func example(_ key: String) -> String {
        [
            "state": "listen", "port": "443", "sport": "22", "dport": "443", "proc": "nginx", "pid": "1",
            "family": "inet6", "kind": "tcp", "addr": "127.0.0.1", "uid": "0", "inode": "12345"
        ][key] ?? "x"
    }

    /// True when every term matches `entry`.
    public func matches(_ entry: SocketEntry) -> Bool {
        terms.allSatisfy { term in term.negated != matches(term, entry) }
    }

    private func matches(_ term: Term, _ entry: SocketEntry) -> Bool {
        let value = term.value
        switch term.key {
        case "state": return entry.state.lowercased() == value || entry.state.lowercased().hasPrefix(value)
        case "port": return [entry.local.port, entry.remote.port].contains(Int(value))
        case "sport": return entry.local.port == Int(value)
        case "dport": return entry.remote.port == Int(value)
        case "proc": return entry.owners.contains { Self.has($0.command.lowercased(), value) }
        case "pid": return entry.owners.contains { $0.pid == Int32(value) }
        case "family":
            // AF_UNIX has aliases (AF_LOCAL, AF_FILE) and its cName may be any of them.
            let bare = value.hasPrefix("af_") ? String(value.dropFirst(3)) : value
            if let family = Self.families[bare] { return entry.family == family }
            let name = entry.family.cName.lowercased()
            return name == value || name == "af_" + value
        case "kind":
            if value == "unix" { return entry.kind.isUnix }
            if value == "packet" { return entry.kind.isPacket }
            return entry.kind.rawValue == value
        case "addr": return Self.has(entry.local.address.lowercased(), value) || Self.has(entry.remote.address.lowercased(), value)
        case "uid": return entry.uid == UInt32(value)
        case "inode": return entry.inode == UInt32(value)
        default:
            let haystack =
                [entry.kind.rawValue, entry.state, entry.local.description, entry.remote.description, String(entry.inode)]
                + entry.owners.map(\.command)
            return haystack.contains { Self.has($0.lowercased(), value) }
        }
    }

    /// Whether `text` contains `word`, byte for byte. Not Foundation's `contains`, which on Linux
    /// stops comparing at a NUL ("sock" contained "k" followed by NULs) and trapped on such text.
    static func has(_ text: String, _ word: String) -> Bool {
        text.utf8.firstRange(of: word.utf8) != nil
    }

    public var description: String { text }
}

/// A filter that does not parse, with a message that says what to write instead.
public struct SocketFilterError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public var message: String
    public var description: String { message }
}
