#if canImport(Glibc)
    import Glibc
#endif
import SocketKit

extension SystemResolver {
    /// Checks the `%scope` of an IPv6 address (`fe80::1%eth0`, `fe80::1%2`) names an interface of
    /// this host, before a reverse lookup: glibc refuses an unknown name with EAI_NONAME, which
    /// reads as "unknown to DNS" when the address was never looked up.
    /// - Throws: `ResolverError` (kind `invalid`) naming the scope and the interfaces that exist.
    static func checkScope(_ host: String) throws(ResolverError) {
        guard let percent = host.firstIndex(of: "%") else { return }
        let scope = String(host[host.index(after: percent)...])
        let known = Self.interfaces()
        let list = known.isEmpty ? "none found" : known.map { "\($0.name) (\($0.index))" }.joined(separator: ", ")
        if let index = UInt32(scope), scope.allSatisfy(\.isASCII) {
            guard index == 0 || known.contains(where: { $0.index == index }) else {
                throw ResolverError(
                    kind: "invalid", code: 0, name: "",
                    message: "there is no interface with index \(index) (the scope of \(host)); interfaces here: \(list)",
                    hint: "give the scope as an interface name or index that `ip link` lists")
            }
            return
        }
        guard known.contains(where: { $0.name == scope }) || interfaceIndex(name: scope) != nil else {
            throw ResolverError(
                kind: "invalid", code: 0, name: "",
                message: "there is no interface '\(scope)' (the scope of \(host)); interfaces here: \(list)",
                hint: "give the scope as an interface name or index that `ip link` lists")
        }
    }

    /// This host's interfaces (`if_nameindex(3)`), by index.
    static func interfaces() -> [(name: String, index: UInt32)] {
        guard let list = if_nameindex() else { return [] }
        defer { if_freenameindex(list) }
        var found: [(name: String, index: UInt32)] = []
        var entry = list
        while entry.pointee.if_index != 0, let name = entry.pointee.if_name {
            found.append((String(cString: name), entry.pointee.if_index))
            entry += 1
        }
        return found.sorted { $0.index < $1.index }
    }
}
