/// The seed's constant groups (`AF_*`, `SO_*`, `IPPROTO_*`, `TCP_*`, ...) by C name.
///
/// Python's `socket` module exports these as module attributes; here they are one table
/// generated from the C headers, queried by name or by group (the prefix before the
/// first underscore). Typed wrappers such as `AddressFamily` use the same values.
public enum SocketConstants {
    /// The value of the constant called `name` (`"SO_REUSEADDR"` → 2), or nil if undefined.
    public static func value(named name: String) -> Int64? { byName[name] }

    /// All constants of one group, such as `"SO"` or `"IPV6"`, in name order.
    public static func group(_ prefix: String) -> [(name: String, value: Int64)] {
        table.filter { $0.name.hasPrefix(prefix + "_") }
    }

    /// The group prefixes in the table (`AF`, `AI`, `EAI`, ...).
    public static var groupNames: [String] {
        Array(Set(table.compactMap { $0.name.split(separator: "_").first.map(String.init) })).sorted()
    }

    /// Every name in the table.
    public static var allNames: [String] { table.map(\.name) }

    /// The names in `prefix`'s group that have `value`, such as `names(in: "AF", of: 2)` → `["AF_INET"]`.
    public static func names(in prefix: String, of value: Int64) -> [String] {
        if let group = namesByGroup[prefix] { return group[value] ?? [] }
        return group(prefix).filter { $0.value == value }.map(\.name)
    }

    /// `names(in:of:)` for every prefix that ends before one of a name's underscores, computed
    /// once: a socket table names the family, type and protocol of every row, and scanning the
    /// whole table per name cost a third of `sockets --json` over 20,000 rows.
    private static let namesByGroup: [String: [Int64: [String]]] = {
        var groups: [String: [Int64: [String]]] = [:]
        for entry in table {
            let utf8 = Array(entry.name.utf8)
            for index in utf8.indices where utf8[index] == UInt8(ascii: "_") && index > 0 {
                let prefix = String(decoding: utf8[..<index], as: UTF8.self)
                groups[prefix, default: [:]][entry.value, default: []].append(entry.name)
            }
        }
        return groups
    }()

    private static let byName: [String: Int64] = Dictionary(
        table.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
}
