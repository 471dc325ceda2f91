import CSockShims
#if canImport(Glibc)
    import Glibc
#endif

/// One result of `getAddressInfo`: Python's 5-tuple `(family, socktype, proto, canonname, sockaddr)`.
public struct AddressInfo: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Address family of `address`.
    public var family: AddressFamily
    /// Socket type to create for it.
    public var type: SocketType
    /// Protocol number to create it with.
    public var `protocol`: Int32
    /// Canonical name (first result only, with `AI_CANONNAME`), else empty.
    public var canonicalName: String
    /// The socket address.
    public var address: SocketAddress

    /// Creates a result.
    public init(family: AddressFamily, type: SocketType, protocol: Int32, canonicalName: String, address: SocketAddress) {
        self.family = family
        self.type = type
        self.protocol = `protocol`
        self.canonicalName = canonicalName
        self.address = address
    }

    public var description: String {
        "(\(family), \(type), \(IPProtocol(rawValue: `protocol`)), '\(canonicalName)', \(address))"
    }
}

/// Resolves a host and service into socket addresses. C: getaddrinfo(3).
/// Python: `socket.getaddrinfo(host, port, family, socktype, proto, flags)`.
///
/// `host` nil passes NULL (the wildcard with `AI_PASSIVE`, else loopback); `port` is a service
/// name (`"http"`), a decimal port, or nil. Blocks for as long as the resolver takes: call it
/// off the UI thread. Thread-safe.
/// - Throws: `InvalidArgumentError` for NUL bytes in host or port, or a decimal port over 65535
///   (which glibc would silently wrap); `AddressInfoError` with the
///   `EAI_*` code otherwise (`EAI_NONAME`, `EAI_SERVICE`, `EAI_AGAIN`, ...).
public func getAddressInfo(
    host: String?, port: String?, family: AddressFamily = .unspecified, type: SocketType? = nil,
    protocol: Int32 = 0, flags: AddressInfoFlags = []
) throws -> [AddressInfo] {
    if let host { try validateHost(host) }
    if let port {
        try validateHost(port, argument: "port")
        // glibc takes a decimal service modulo 65536 ("65536" is port 0): refuse instead.
        if !port.isEmpty, port.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), Int(port).map({ $0 > 65535 }) ?? true {
            throw InvalidArgumentError(argument: "port", rule: "must be 0-65535, got \(port)")
        }
    }
    var hints = addrinfo()
    hints.ai_family = family.rawValue
    hints.ai_socktype = type?.rawValue ?? 0
    hints.ai_protocol = `protocol`
    hints.ai_flags = flags.rawValue
    var list: UnsafeMutablePointer<addrinfo>?
    let code = getaddrinfo(host, port, &hints, &list)
    if code != 0 {
        throw AddressInfoError(code: code, function: "getaddrinfo", systemErrno: code == EAI_SYSTEM ? .current : nil)
    }
    defer { freeaddrinfo(list) }
    var results: [AddressInfo] = []
    var node = list
    while let entry = node?.pointee {
        node = entry.ai_next
        guard let address = entry.ai_addr,
            let decoded = try? SocketAddress(storage: address, length: Int(entry.ai_addrlen))
        else { continue }
        results.append(
            AddressInfo(
                family: AddressFamily(rawValue: entry.ai_family), type: SocketType(rawValue: entry.ai_socktype),
                protocol: entry.ai_protocol, canonicalName: entry.ai_canonname.map { String(cString: $0) } ?? "",
                address: decoded))
    }
    return results
}

/// `getAddressInfo` with a numeric port (validated 0-65535).
public func getAddressInfo(
    host: String?, port: Int, family: AddressFamily = .unspecified, type: SocketType? = nil,
    protocol: Int32 = 0, flags: AddressInfoFlags = []
) throws -> [AddressInfo] {
    let port = try validatePort(port)
    return try getAddressInfo(host: host, port: String(port), family: family, type: type, protocol: `protocol`, flags: flags)
}

/// Translates a socket address into a host and service name. C: getnameinfo(3).
/// Python: `socket.getnameinfo(sockaddr, flags)`.
/// - Throws: `AddressInfoError` (`EAI_NONAME` with `NI_NAMEREQD` and no name, ...).
public func getNameInfo(_ address: SocketAddress, flags: NameInfoFlags = []) throws -> (host: String, service: String) {
    var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
    var service = [CChar](repeating: 0, count: Int(NI_MAXSERV))
    let code = try address.withSockAddr { pointer, length in
        getnameinfo(pointer, length, &host, socklen_t(host.count), &service, socklen_t(service.count), flags.rawValue)
    }
    if code != 0 {
        throw AddressInfoError(code: code, function: "getnameinfo", systemErrno: code == EAI_SYSTEM ? .current : nil)
    }
    return (String(nulTerminated: host), String(nulTerminated: service))
}

/// `getnameinfo` for a Python-style `(host, port[, flowinfo, scopeid])` tuple: the host must be
/// numeric and resolve to exactly one address, as in Python.
/// - Throws: `InvalidArgumentError` for a port outside 0-65535 or a flow info over 0xfffff
///   (Python: OverflowError), flow info or scope id on an IPv4 host; `AddressInfoError` otherwise.
public func getNameInfo(
    host: String, port: Int, flowInfo: UInt32 = 0, scopeID: UInt32 = 0, flags: NameInfoFlags = []
) throws -> (host: String, service: String) {
    let port = try validatePort(port)
    try validateFlowInfo(flowInfo)
    let results = try getAddressInfo(host: host, port: String(port), type: .datagram, flags: .numericHost)
    guard results.count == 1, var address = results.first?.address else {
        throw InvalidArgumentError(argument: "sockaddr", rule: "resolved to \(results.count) addresses; need exactly one")
    }
    if case .ipv6(let ip, let port, _, let scope) = address {
        address = .ipv6(ip, port: port, flowInfo: flowInfo, scopeID: scopeID != 0 ? scopeID : scope)
    } else if case .ipv4 = address, flowInfo != 0 || scopeID != 0 {
        throw InvalidArgumentError(argument: "sockaddr", rule: "flowinfo and scopeid apply to IPv6 only")
    }
    return try getNameInfo(address, flags: flags)
}
