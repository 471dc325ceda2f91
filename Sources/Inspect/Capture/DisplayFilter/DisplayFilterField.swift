/// What a display-filter field holds, as Wireshark types it (`tshark -G fields`' type column).
public enum DisplayFilterType: String, Hashable, Sendable, CaseIterable {
    /// A protocol: only present or absent, and its bytes (`tcp`, `dns`).
    case protocolNode = "FT_PROTOCOL"
    /// An unsigned integer (ports, lengths, flags).
    case unsigned = "FT_UINT"
    /// A boolean flag (`tcp.flags.syn`).
    case boolean = "FT_BOOLEAN"
    /// An IPv4 address.
    case ipv4 = "FT_IPv4"
    /// An IPv6 address.
    case ipv6 = "FT_IPv6"
    /// A MAC address.
    case ether = "FT_ETHER"
    /// Text.
    case string = "FT_STRING"
    /// Raw bytes.
    case bytes = "FT_BYTES"
    /// A label with no value, only present or absent (`tcp.analysis.retransmission`).
    case none = "FT_NONE"
    /// A signed integer (`tcp.window_size_scalefactor`).
    case signed = "FT_INT"
    /// A duration, compared in seconds (`tcp.time_delta > 0.2`); held as nanoseconds.
    case relativeTime = "FT_RELATIVE_TIME"

    /// How an error names the type.
    var noun: String {
        switch self {
        case .protocolNode: "a protocol"
        case .unsigned: "an unsigned integer"
        case .boolean: "a boolean"
        case .ipv4: "an IPv4 address"
        case .ipv6: "an IPv6 address"
        case .ether: "a MAC address"
        case .string: "a string"
        case .bytes: "a byte string"
        case .signed: "a signed integer"
        case .none: "a label (present or absent, with no value)"
        case .relativeTime: "a time in seconds"
        }
    }
}

/// A field a display filter may name: tshark's name, its type and what it is. An "either side"
/// field (`ip.addr`) stands for the fields it lists (`ip.src`, `ip.dst`).
public struct DisplayFilterField: Hashable, Sendable {
    /// tshark's name (`tcp.srcport`).
    public var name: String
    /// Its type.
    public var type: DisplayFilterType
    /// A short description (`tshark -G fields`' second column).
    public var description: String
    /// For an either-side field, the fields it matches in; empty otherwise.
    public var either: [String]

    /// Creates a field.
    public init(_ name: String, _ type: DisplayFilterType, _ description: String, either: [String] = []) {
        self.name = name
        self.type = type
        self.description = description
        self.either = either
    }
}

/// The fields socktui's dissectors produce, by name: a filter naming any other field is refused by
/// name, never silently false.
public struct DisplayFilterFields: Sendable {
    /// Every field, by name.
    public let byName: [String: DisplayFilterField]

    /// A registry of `fields`.
    public init(_ fields: [DisplayFilterField]) {
        byName = Dictionary(fields.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The field named `name`, or nil.
    public subscript(name: String) -> DisplayFilterField? { byName[name] }

    /// Every field, sorted by name.
    public var all: [DisplayFilterField] { byName.values.sorted { $0.name < $1.name } }

    /// The known name closest to `name` (at most a third of its letters off), for "did you mean".
    public func closest(to name: String) -> String? {
        let limit = max(2, name.count / 3)
        var best: (name: String, distance: Int)?
        for candidate in byName.keys {
            let distance = Self.editDistance(name, candidate, limit: limit)
            if distance <= limit, best.map({ distance < $0.distance || (distance == $0.distance && candidate < $0.name) }) ?? true {
                best = (candidate, distance)
            }
        }
        return best?.name
    }

    /// Levenshtein distance, or more than `limit` once it is certain to exceed it.
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if abs(a.count - b.count) > limit { return limit + 1 }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            current[0] = i
            var rowMinimum = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
