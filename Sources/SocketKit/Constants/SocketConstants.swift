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
        group(prefix).filter { $0.value == value }.map(\.name)
    }

    private static let byName: [String: Int64] = Dictionary(
        table.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
}
