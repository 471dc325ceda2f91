import CSockShims
#if canImport(Glibc)
    import Glibc
#endif

/// A socket address in one of the seed's forms.
///
/// | seed (Python)                                      | Swift                                   |
/// |----------------------------------------------------|-----------------------------------------|
/// | AF_INET `(host, port)`                             | `.ipv4(address, port:)`                 |
/// | AF_INET6 `(host, port, flowinfo, scopeid)`         | `.ipv6(address, port:flowInfo:scopeID:)`|
/// | AF_UNIX `"path"` / `"\0abstract"`                  | `.unix(.path(...))` / `.unix(.abstract(...))` |
/// | AF_NETLINK `(pid, groups)`                         | `.netlink(pid:groups:)`                 |
/// | AF_PACKET `(ifname, proto, pkttype, hatype, addr)` | `.packet(PacketAddress)`                |
/// | AF_TIPC `(addr_type, v1, v2, v3, scope)`           | `.tipc(TIPCAddress)`                    |
///
/// Host names are resolved before a value is built (`SocketAddress.resolve(host:port:family:)`),
/// so a `SocketAddress` is always numeric and `Codable` as plain data.
public enum SocketAddress: Hashable, Sendable, CustomStringConvertible {
    case ipv4(IPv4Address, port: UInt16)
    case ipv6(IPv6Address, port: UInt16, flowInfo: UInt32 = 0, scopeID: UInt32 = 0)
    case unix(UnixAddress)
    case netlink(pid: UInt32, groups: UInt32)
    case packet(PacketAddress)
    case tipc(TIPCAddress)

    /// The family this address belongs to.
    public var family: AddressFamily {
        switch self {
        case .ipv4: .inet
        case .ipv6: .inet6
        case .unix: .unix
        case .netlink: .netlink
        case .packet: .packet
        case .tipc: .tipc
        }
    }

    /// The port of an IPv4/IPv6 address, else nil.
    public var port: UInt16? {
        switch self {
        case .ipv4(_, let port), .ipv6(_, let port, _, _): port
        default: nil
        }
    }

    /// The numeric host of an IPv4/IPv6 address (`127.0.0.1`, `fe80::1%lo`), else nil.
    public var host: String? {
        switch self {
        case .ipv4(let address, _): address.description
        case .ipv6(let address, _, _, let scope):
            scope == 0 ? address.description : "\(address)%\(interfaceName(index: scope) ?? String(scope))"
        default: nil
        }
    }

    /// `127.0.0.1:80`, `[::1]:80`, `/run/x.sock`, `@abstract`, `netlink:pid/groups`, ...
    public var description: String {
        switch self {
        case .ipv4(let address, let port): "\(address):\(port)"
        case .ipv6(_, let port, _, _): "[\(host!)]:\(port)"
        case .unix(let unix): unix.description
        case .netlink(let pid, let groups): "netlink:\(pid)/\(groups)"
        case .packet(let packet): packet.description
        case .tipc(let tipc): tipc.description
        }
    }

    // MARK: Building from Python-style parts

    /// Builds an AF_INET or AF_INET6 address from a host string and port, as Python's socket
    /// methods do with `(host, port)` tuples.
    ///
    /// `""` is the wildcard (`INADDR_ANY` / `::`); `"<broadcast>"` is `INADDR_BROADCAST` (IPv4
    /// only); numeric forms are parsed without a lookup (`fe80::1%lo` included); anything else is
    /// resolved with getaddrinfo and the first result is used, as the seed describes.
    /// - Throws: `InvalidArgumentError` for a bad port, a flow info over 20 bits, NUL in the host
    ///   or an unsupported family; `AddressInfoError` when the name does not resolve.
    public static func resolve(
        host: String, port: Int, family: AddressFamily = .inet, flowInfo: UInt32 = 0, scopeID: UInt32 = 0
    ) throws -> SocketAddress {
        let port = try validatePort(port)
        try validateFlowInfo(flowInfo)
        try validateHost(host)
        switch family {
        case .inet:
            if host.isEmpty { return .ipv4(.any, port: port) }
            if host == "<broadcast>" { return .ipv4(.broadcast, port: port) }
            if let address = IPv4Address(host) { return .ipv4(address, port: port) }
        case .inet6:
            if host.isEmpty { return .ipv6(.any, port: port, flowInfo: flowInfo, scopeID: scopeID) }
            if host == "<broadcast>" {
                throw InvalidArgumentError(argument: "host", rule: "'<broadcast>' exists only for AF_INET")
            }
            if let address = IPv6Address(host) {
                return .ipv6(address, port: port, flowInfo: flowInfo, scopeID: scopeID)
            }
        default:
            throw InvalidArgumentError(argument: "family", rule: "(host, port) addresses need AF_INET or AF_INET6, got \(family)")
        }
        let results = try getAddressInfo(host: host, port: nil, family: family, type: .datagram)
        guard var address = results.first?.address else {
            throw AddressInfoError(code: EAI_NONAME, function: "getaddrinfo")
        }
        switch address {
        case .ipv4(let ip, _): address = .ipv4(ip, port: port)
        case .ipv6(let ip, _, _, let resolvedScope):
            address = .ipv6(ip, port: port, flowInfo: flowInfo, scopeID: scopeID != 0 ? scopeID : resolvedScope)
        default: break
        }
        return address
    }

    // MARK: sockaddr conversion

    /// Calls `body` with this address as a C `sockaddr` and its length.
    /// - Throws: `InvalidArgumentError` when the address cannot be expressed (path too long,
    ///   unknown interface name).
    public func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> R) throws -> R {
        var storage = sockaddr_storage()
        let length = try encode(into: &storage)
        return try withUnsafePointer(to: &storage) {
            try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, length) }
        }
    }

    func encode(into storage: inout sockaddr_storage) throws(InvalidArgumentError) -> socklen_t {
        switch self {
        case .ipv4(let address, let port):
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            sin.sin_addr.s_addr = address.value.bigEndian
            store(&sin, into: &storage)
            return socklen_t(MemoryLayout<sockaddr_in>.size)
        case .ipv6(let address, let port, let flowInfo, let scopeID):
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            sin6.sin6_flowinfo = flowInfo.bigEndian
            sin6.sin6_scope_id = scopeID
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { raw in
                for (index, byte) in address.bytes.enumerated() { raw[index] = byte }
            }
            store(&sin6, into: &storage)
            return socklen_t(MemoryLayout<sockaddr_in6>.size)
        case .unix(let unix):
            let path = try unix.pathBytes()
            var sun = sockaddr_un()
            sun.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &sun.sun_path) { raw in
                for (index, byte) in path.enumerated() { raw[index] = byte }
            }
            store(&sun, into: &storage)
            // Abstract names are length-delimited; paths include the terminating NUL when it fits.
            let pathLength = unix.isAbstract || path.count == csock_sun_path_size() ? path.count : path.count + 1
            let base = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
            return socklen_t(base + (path.isEmpty ? 0 : pathLength))
        case .netlink(let pid, let groups):
            var nl = sockaddr_nl()
            nl.nl_family = sa_family_t(AF_NETLINK)
            nl.nl_pid = pid
            nl.nl_groups = groups
            store(&nl, into: &storage)
            return socklen_t(MemoryLayout<sockaddr_nl>.size)
        case .packet(let packet):
            var ll = sockaddr_ll()
            ll.sll_family = UInt16(AF_PACKET)
            ll.sll_protocol = packet.protocolNumber.bigEndian
            ll.sll_ifindex = Int32(try packet.resolvedIndex())
            ll.sll_hatype = packet.hardwareType
            ll.sll_pkttype = packet.packetType
            guard packet.address.count <= 8 else {
                throw InvalidArgumentError(argument: "addr", rule: "a hardware address holds at most 8 bytes, got \(packet.address.count)")
            }
            ll.sll_halen = UInt8(packet.address.count)
            withUnsafeMutableBytes(of: &ll.sll_addr) { raw in
                for (index, byte) in packet.address.enumerated() { raw[index] = byte }
            }
            store(&ll, into: &storage)
            return socklen_t(MemoryLayout<sockaddr_ll>.size)
        case .tipc(let tipc):
            var bytes = [UInt8](repeating: 0, count: 16)
            let family = UInt16(AF_TIPC)
            bytes[0] = UInt8(family & 0xff); bytes[1] = UInt8(family >> 8)
            let (type, scope, words) = tipc.encoded
            bytes[2] = type
            bytes[3] = UInt8(bitPattern: scope)
            for (index, word) in words.enumerated() {
                for shift in 0..<4 { bytes[4 + index * 4 + shift] = UInt8(word >> (8 * UInt32(shift)) & 0xff) }
            }
            withUnsafeMutableBytes(of: &storage) { raw in
                for (index, byte) in bytes.enumerated() { raw[index] = byte }
            }
            return 16
        }
    }

    /// Decodes a C socket address of `length` bytes. Every read is bounds-checked against
    /// `length`; a short or unknown address is an `InvalidArgumentError`.
    public init(storage: UnsafeRawPointer, length: Int) throws(InvalidArgumentError) {
        let raw = UnsafeRawBufferPointer(start: storage, count: max(0, min(length, MemoryLayout<sockaddr_storage>.size)))
        guard raw.count >= 2 else {
            throw InvalidArgumentError(argument: "sockaddr", rule: "needs at least 2 bytes, got \(length)")
        }
        let family = Int32(raw.loadUnaligned(as: sa_family_t.self))
        func need(_ size: Int, _ name: String) throws(InvalidArgumentError) {
            if raw.count < size {
                throw InvalidArgumentError(argument: "sockaddr", rule: "\(name) needs \(size) bytes, got \(raw.count)")
            }
        }
        switch family {
        case AF_INET:
            try need(MemoryLayout<sockaddr_in>.size, "sockaddr_in")
            let sin = raw.loadUnaligned(as: sockaddr_in.self)
            self = .ipv4(IPv4Address(UInt32(bigEndian: sin.sin_addr.s_addr)), port: UInt16(bigEndian: sin.sin_port))
        case AF_INET6:
            try need(MemoryLayout<sockaddr_in6>.size, "sockaddr_in6")
            let sin6 = raw.loadUnaligned(as: sockaddr_in6.self)
            let bytes = withUnsafeBytes(of: sin6.sin6_addr) { Array($0) }
            self = .ipv6(
                IPv6Address(bytes: bytes)!, port: UInt16(bigEndian: sin6.sin6_port),
                flowInfo: UInt32(bigEndian: sin6.sin6_flowinfo), scopeID: sin6.sin6_scope_id)
        case AF_UNIX:
            let offset = MemoryLayout<sockaddr_un>.offset(of: \.sun_path)!
            let path = raw.count > offset ? Array(raw[offset...]) : []
            if path.isEmpty {
                self = .unix(.unnamed)
            } else if path[0] == 0 {
                self = .unix(.abstract(Array(path.dropFirst())))
            } else {
                let end = path.firstIndex(of: 0) ?? path.count
                self = .unix(.path(String(decoding: path[..<end], as: UTF8.self)))
            }
        case AF_NETLINK:
            try need(MemoryLayout<sockaddr_nl>.size, "sockaddr_nl")
            let nl = raw.loadUnaligned(as: sockaddr_nl.self)
            self = .netlink(pid: nl.nl_pid, groups: nl.nl_groups)
        case AF_PACKET:
            try need(12, "sockaddr_ll")
            var ll = sockaddr_ll()
            withUnsafeMutableBytes(of: &ll) { dest in
                dest.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[0..<min(raw.count, dest.count)]))
            }
            let index = Int(ll.sll_ifindex)
            let count = min(Int(ll.sll_halen), 8, max(0, raw.count - 12))
            let address = withUnsafeBytes(of: ll.sll_addr) { Array($0.prefix(count)) }
            self = .packet(
                PacketAddress(
                    interface: interfaceName(index: UInt32(truncatingIfNeeded: index)) ?? "#\(index)",
                    protocolNumber: UInt16(bigEndian: ll.sll_protocol), packetType: ll.sll_pkttype,
                    hardwareType: ll.sll_hatype, address: address, interfaceIndex: index))
        case AF_TIPC:
            try need(16, "sockaddr_tipc")
            let words = (0..<3).map { raw.loadUnaligned(fromByteOffset: 4 + $0 * 4, as: UInt32.self) }
            self = .tipc(try TIPCAddress(type: raw[2], scope: Int8(bitPattern: raw[3]), words: words))
        default:
            throw InvalidArgumentError(argument: "sockaddr", rule: "family \(AddressFamily(rawValue: family)) is not decoded by SocketKit")
        }
    }
}

/// An AF_UNIX address: a filesystem path, a Linux abstract name, or unnamed.
public enum UnixAddress: Hashable, Sendable, CustomStringConvertible {
    /// A filesystem path (Python: a str not starting with NUL).
    case path(String)
    /// A Linux abstract-namespace name, without the leading NUL (Python: bytes starting with `\0`).
    case abstract([UInt8])
    /// An unbound socket (autobind or socketpair).
    case unnamed

    var isAbstract: Bool { if case .abstract = self { true } else { false } }

    /// `/run/x.sock`, `@name` for abstract (as `ss` prints them), or `(unnamed)`.
    public var description: String {
        switch self {
        case .path(let path): path
        case .abstract(let name): "@" + String(decoding: name, as: UTF8.self)
        case .unnamed: "(unnamed)"
        }
    }

    /// The bytes of sun_path, validated against its size.
    func pathBytes() throws(InvalidArgumentError) -> [UInt8] {
        let limit = csock_sun_path_size()
        switch self {
        case .path(let path):
            let bytes = Array(path.utf8)
            if bytes.contains(0) {
                throw InvalidArgumentError(
                    argument: "path", rule: "an AF_UNIX path must not contain NUL (use .abstract for the abstract namespace)")
            }
            if bytes.count > limit {
                throw InvalidArgumentError(argument: "path", rule: "AF_UNIX path too long: \(bytes.count) bytes, sun_path holds \(limit)")
            }
            return bytes
        case .abstract(let name):
            if name.count + 1 > limit {
                throw InvalidArgumentError(
                    argument: "path", rule: "abstract AF_UNIX name too long: \(name.count) bytes, at most \(limit - 1)")
            }
            return [0] + name
        case .unnamed:
            return []
        }
    }
}

/// An AF_PACKET address (`struct sockaddr_ll`): Python's `(ifname, proto, pkttype, hatype, addr)`.
public struct PacketAddress: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Interface name, such as `lo`; empty means all interfaces (index 0).
    public var interface: String
    /// Ethernet protocol number in host order (`ETH_P_ALL`, `ETH_P_IP`, ...).
    public var protocolNumber: UInt16
    /// `PACKET_HOST`, `PACKET_BROADCAST`, `PACKET_MULTICAST`, `PACKET_OTHERHOST`, `PACKET_OUTGOING`.
    public var packetType: UInt8
    /// ARP hardware type (`ARPHRD_ETHER` = 1, `ARPHRD_LOOPBACK` = 772).
    public var hardwareType: UInt16
    /// Hardware (MAC) address, at most 8 bytes.
    public var address: [UInt8]
    /// The interface index when known (decoded addresses carry it).
    public var interfaceIndex: Int?

    /// Creates a packet address; the interface name is resolved to an index when used.
    public init(
        interface: String, protocolNumber: UInt16 = 0x0003, packetType: UInt8 = 0,
        hardwareType: UInt16 = 0, address: [UInt8] = [], interfaceIndex: Int? = nil
    ) {
        self.interface = interface
        self.protocolNumber = protocolNumber
        self.packetType = packetType
        self.hardwareType = hardwareType
        self.address = address
        self.interfaceIndex = interfaceIndex
    }

    func resolvedIndex() throws(InvalidArgumentError) -> UInt32 {
        if let interfaceIndex { return UInt32(truncatingIfNeeded: interfaceIndex) }
        if interface.isEmpty { return 0 }
        guard let index = SocketKit.interfaceIndex(name: interface) else {
            throw InvalidArgumentError(argument: "ifname", rule: "no such interface '\(interface)'")
        }
        return index
    }

    public var description: String {
        let mac = address.map { String($0, radix: 16).leftPadded(to: 2) }.joined(separator: ":")
        return "\(interface.isEmpty ? "any" : interface) proto 0x\(String(protocolNumber, radix: 16).leftPadded(to: 4))"
            + (mac.isEmpty ? "" : " \(mac)")
    }
}

/// An AF_TIPC address (`struct sockaddr_tipc`): Python's `(addr_type, v1, v2, v3, scope)`.
public enum TIPCAddress: Hashable, Sendable, CustomStringConvertible {
    /// `TIPC_ADDR_NAMESEQ`: a service type and an instance range.
    case nameSequence(type: UInt32, lower: UInt32, upper: UInt32, scope: TIPCScope)
    /// `TIPC_ADDR_NAME`: a service type and instance (v3 is the lookup domain, usually 0).
    case name(type: UInt32, instance: UInt32, domain: UInt32, scope: TIPCScope)
    /// `TIPC_ADDR_ID`: a socket's node and reference.
    case id(node: UInt32, reference: UInt32, scope: TIPCScope)

    /// Decodes the addrtype/scope/3-word layout of `sockaddr_tipc`.
    init(type: UInt8, scope: Int8, words: [UInt32]) throws(InvalidArgumentError) {
        let scope = TIPCScope(rawValue: scope) ?? .cluster
        switch type {
        case 1: self = .nameSequence(type: words[0], lower: words[1], upper: words[2], scope: scope)
        case 2: self = .name(type: words[0], instance: words[1], domain: words[2], scope: scope)
        case 3: self = .id(node: words[1], reference: words[0], scope: scope)
        default: throw InvalidArgumentError(argument: "addr_type", rule: "unknown TIPC address type \(type)")
        }
    }

    var encoded: (UInt8, Int8, [UInt32]) {
        switch self {
        case .nameSequence(let type, let lower, let upper, let scope): (1, scope.rawValue, [type, lower, upper])
        case .name(let type, let instance, let domain, let scope): (2, scope.rawValue, [type, instance, domain])
        case .id(let node, let reference, let scope): (3, scope.rawValue, [reference, node, 0])
        }
    }

    public var description: String {
        switch self {
        case .nameSequence(let type, let lower, let upper, _): "tipc:{\(type), \(lower), \(upper)}"
        case .name(let type, let instance, _, _): "tipc:{\(type), \(instance)}"
        case .id(let node, let reference, _): "tipc:<\(node):\(reference)>"
        }
    }
}

/// TIPC lookup scope (`TIPC_ZONE_SCOPE`, `TIPC_CLUSTER_SCOPE`, `TIPC_NODE_SCOPE`).
public enum TIPCScope: Int8, Hashable, Sendable, Codable {
    case zone = 1
    case cluster = 2
    case node = 3
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

@inline(__always)
private func store<T>(_ value: inout T, into storage: inout sockaddr_storage) {
    withUnsafeBytes(of: &value) { source in
        withUnsafeMutableBytes(of: &storage) { dest in dest.copyMemory(from: source) }
    }
}

func validatePort(_ port: Int, argument: String = "port") throws(InvalidArgumentError) -> UInt16 {
    guard (0...65535).contains(port) else {
        throw InvalidArgumentError(argument: argument, rule: "must be 0-65535, got \(port)")
    }
    return UInt16(port)
}

/// The IPv6 flow info of a `(host, port, flowinfo, scopeid)` tuple is a 20-bit flow label, as
/// in Python ("flowinfo must be 0-1048575", OverflowError); larger values are an error, not
/// silently passed on (found by the CPython differential test).
func validateFlowInfo(_ flowInfo: UInt32, argument: String = "flowinfo") throws(InvalidArgumentError) {
    guard flowInfo <= 0xfffff else {
        throw InvalidArgumentError(argument: argument, rule: "must be 0-1048575 (a 20-bit flow label), got \(flowInfo)")
    }
}

func validateHost(_ host: String, argument: String = "host") throws(InvalidArgumentError) {
    if host.utf8.contains(0) {
        throw InvalidArgumentError(argument: argument, rule: "must not contain an embedded NUL character")
    }
}

/// The index of the interface called `name` (`if_nametoindex(3)`), or nil.
public func interfaceIndex(name: String) -> UInt32? {
    let index = if_nametoindex(name)
    return index == 0 ? nil : index
}

/// The name of interface `index` (`if_indextoname(3)`), or nil.
public func interfaceName(index: UInt32) -> String? {
    guard index != 0 else { return nil }
    var buffer = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
    return if_indextoname(index, &buffer) == nil ? nil : String(nulTerminated: buffer)
}
