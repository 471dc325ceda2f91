#if canImport(Glibc)
    import Glibc
#endif

/// A network interface a capture can open: its name, state and addresses.
public struct NetworkInterface: Hashable, Sendable, Codable {
    /// The interface name (`lo`, `eth0`).
    public var name: String
    /// The kernel's interface index.
    public var index: Int
    /// Administratively up (`IFF_UP`).
    public var isUp: Bool
    /// Has a carrier (`IFF_RUNNING`).
    public var isRunning: Bool
    /// The loopback interface (`IFF_LOOPBACK`).
    public var isLoopback: Bool
    /// IPv4 and IPv6 addresses, IPv4 first, as text.
    public var addresses: [String]

    /// Creates a description.
    public init(name: String, index: Int, isUp: Bool, isRunning: Bool, isLoopback: Bool, addresses: [String]) {
        self.name = name
        self.index = index
        self.isUp = isUp
        self.isRunning = isRunning
        self.isLoopback = isLoopback
        self.addresses = addresses
    }

    /// `up`, `up, no carrier` or `down`.
    public var state: String { isUp ? (isRunning ? "up" : "up, no carrier") : "down" }

    /// The host's interfaces, sorted by index, from `getifaddrs(3)` (an empty list if that fails).
    public static func list() -> [NetworkInterface] {
        var head: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&head) == 0 else { return [] }
        defer { freeifaddrs(head) }
        var byName: [String: NetworkInterface] = [:]
        var order: [String] = []
        var cursor = head
        while let entry = cursor?.pointee {
            defer { cursor = entry.ifa_next }
            guard let rawName = entry.ifa_name else { continue }
            let name = String(cString: rawName)
            let flags = Int32(bitPattern: entry.ifa_flags)
            if byName[name] == nil {
                order.append(name)
                byName[name] = NetworkInterface(
                    name: name, index: Int(if_nametoindex(rawName)), isUp: flags & Int32(IFF_UP) != 0,
                    isRunning: flags & Int32(IFF_RUNNING) != 0,
                    isLoopback: flags & Int32(IFF_LOOPBACK) != 0, addresses: [])
            }
            if let address = entry.ifa_addr, let text = Self.text(of: address) {
                if address.pointee.sa_family == sa_family_t(AF_INET) {
                    let v4 = byName[name]!.addresses.prefix { !$0.contains(":") }.count
                    byName[name]!.addresses.insert(text, at: v4)
                } else {
                    byName[name]!.addresses.append(text)
                }
            }
        }
        return order.compactMap { byName[$0] }.sorted { $0.index < $1.index }
    }

    /// An IPv4 or IPv6 socket address as text (nil for other families).
    private static func text(of address: UnsafeMutablePointer<sockaddr>) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                var raw = v4.pointee.sin_addr
                return inet_ntop(AF_INET, &raw, &buffer, socklen_t(buffer.count)).map { _ in String(cString: buffer) }
            }
        case AF_INET6:
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                var raw = v6.pointee.sin6_addr
                return inet_ntop(AF_INET6, &raw, &buffer, socklen_t(buffer.count)).map { _ in String(cString: buffer) }
            }
        default:
            return nil
        }
    }
}
