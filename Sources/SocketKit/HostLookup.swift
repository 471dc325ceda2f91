import CSockShims
#if canImport(Glibc)
    import Glibc
#endif

/// A host entry: Python's `(hostname, aliaslist, ipaddrlist)` triple.
public struct HostEntry: Hashable, Sendable, Codable {
    /// The primary (official) name.
    public var name: String
    /// Alternative names.
    public var aliases: [String]
    /// Addresses as numeric strings.
    public var addresses: [String]

    /// Creates an entry.
    public init(name: String, aliases: [String], addresses: [String]) {
        self.name = name
        self.aliases = aliases
        self.addresses = addresses
    }
}

/// A services or protocols database lookup found nothing. Python raises `OSError` with
/// "service/proto not found" or "protocol not found".
public struct NotFoundError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The function that found nothing.
    public let function: String
    /// What was looked up.
    public let query: String
    /// The seed's message (`service/proto not found`).
    public let message: String

    public var description: String { "\(function)(\(query)): \(message)" }
}

/// Translates a host name to one IPv4 address string; numeric input is returned as is.
/// Python: `socket.gethostbyname(hostname)` (IPv4 only: use `getAddressInfo` for IPv6).
/// - Throws: `AddressInfoError` when the name does not resolve.
public func gethostbyname(_ name: String) throws -> String {
    guard case .ipv4(let address, _) = try SocketAddress.resolve(host: name, port: 0, family: .inet) else {
        throw AddressInfoError(code: EAI_NONAME, function: "gethostbyname")
    }
    return address.description
}

/// Translates a host name to its IPv4 host entry. C: gethostbyname_r(3).
/// Python: `socket.gethostbyname_ex(hostname)`.
/// - Throws: `AddressInfoError` when the name does not resolve (as Python, which resolves it
///   first), `HostError` (h_errno) when the host database fails.
public func gethostbynameEx(_ name: String) throws -> HostEntry {
    _ = try SocketAddress.resolve(host: name, port: 0, family: .inet)
    return try withHostEntryBuffer(function: "gethostbyname_ex") { entry, buffer, size, result, herr in
        csock_gethostbyname2_r(name, AF_INET, entry, buffer, size, result, herr)
    }
}

/// Looks up the names of an IPv4 or IPv6 address (a host name is resolved first).
/// C: gethostbyaddr_r(3). Python: `socket.gethostbyaddr(ip_address)`.
/// - Throws: `AddressInfoError` for an unresolvable input, `HostError` when the address has no name.
public func gethostbyaddr(_ address: String) throws -> HostEntry {
    try validateHost(address)
    let resolved: SocketAddress
    if let ipv4 = IPv4Address(address) {
        resolved = .ipv4(ipv4, port: 0)
    } else {
        guard let first = try getAddressInfo(host: address, port: nil, type: .datagram).first?.address else {
            throw AddressInfoError(code: EAI_NONAME, function: "gethostbyaddr")
        }
        resolved = first
    }
    let (bytes, family): ([UInt8], Int32) =
        switch resolved {
        case .ipv4(let ip, _): (ip.bytes, AF_INET)
        case .ipv6(let ip, _, _, _): (ip.bytes, AF_INET6)
        default: ([], AF_UNSPEC)
        }
    return try withHostEntryBuffer(function: "gethostbyaddr") { entry, buffer, size, result, herr in
        bytes.withUnsafeBytes { raw in
            csock_gethostbyaddr_r(raw.baseAddress, socklen_t(raw.count), family, entry, buffer, size, result, herr)
        }
    }
}

/// Runs a reentrant host lookup, growing the scratch buffer on ERANGE, and decodes the entry
/// while the buffer it points into is alive.
private func withHostEntryBuffer(
    function: String,
    _ call: (
        UnsafeMutablePointer<hostent>, UnsafeMutablePointer<CChar>, Int,
        UnsafeMutablePointer<UnsafeMutablePointer<hostent>?>, UnsafeMutablePointer<Int32>
    ) -> Int32
) throws -> HostEntry {
    var size = 16 * 1024
    while true {
        var entry = hostent()
        var herr: Int32 = 0
        var buffer = [CChar](repeating: 0, count: size)
        let (code, decoded): (Int32, HostEntry?) = withUnsafeMutablePointer(to: &entry) { entryPointer in
            buffer.withUnsafeMutableBufferPointer { scratch in
                var result: UnsafeMutablePointer<hostent>?
                let code = call(entryPointer, scratch.baseAddress!, size, &result, &herr)
                return (code, result.map { decodeHostEntry($0.pointee) })
            }
        }
        if code == ERANGE && size < 1 << 22 { size *= 4; continue }
        guard let decoded else { throw HostError(code: herr != 0 ? herr : 1, function: function) }
        return decoded
    }
}

private func decodeHostEntry(_ entry: hostent) -> HostEntry {
    var aliases: [String] = []
    if var alias = entry.h_aliases {
        while let name = alias.pointee { aliases.append(String(cString: name)); alias += 1 }
    }
    var addresses: [String] = []
    let length = Int(entry.h_length)
    if var item = entry.h_addr_list {
        while let raw = item.pointee {
            let bytes = UnsafeRawBufferPointer(start: raw, count: length)
            if length == 4, let ip = IPv4Address(bytes: bytes) { addresses.append(ip.description) }
            if length == 16, let ip = IPv6Address(bytes: bytes) { addresses.append(ip.description) }
            item += 1
        }
    }
    return HostEntry(name: entry.h_name.map { String(cString: $0) } ?? "", aliases: aliases, addresses: addresses)
}

/// The machine's host name. C: gethostname(2). Python: `socket.gethostname()`.
public func gethostname() throws(SocketError) -> String {
    var buffer = [CChar](repeating: 0, count: 257)
    _ = try check("gethostname") { Glibc.gethostname(&buffer, buffer.count - 1) }
    return String(nulTerminated: buffer)
}

/// A fully qualified name for `name` (the local host when empty, `0.0.0.0` or `::`): the first
/// of the host's name and aliases from `gethostbyaddr` that contains a dot, else the name
/// itself. Never throws: lookup failures fall back to the input. Python: `socket.getfqdn(name)`.
public func getfqdn(_ name: String = "") -> String {
    var name = String(name.drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
    if name.isEmpty || name == "0.0.0.0" || name == "::" {
        name = (try? gethostname()) ?? name
    }
    guard let entry = try? gethostbyaddr(name) else { return name }
    return ([entry.name] + entry.aliases).first { $0.contains(".") } ?? entry.name
}

/// The port of a service, in host byte order. C: getservbyname_r(3).
/// Python: `socket.getservbyname(servicename, protocolname)`; `protocolName` nil matches any.
/// - Throws: `NotFoundError` ("service/proto not found").
public func serviceByName(_ name: String, protocolName: String? = nil) throws -> Int {
    try validateHost(name, argument: "servicename")
    if let protocolName { try validateHost(protocolName, argument: "protocolname") }
    let port = try withDatabaseBuffer(servent()) { entry, buffer, size, result in
        csock_getservbyname_r(name, protocolName, entry, buffer, size, result)
    } decode: {
        Int(UInt16(bigEndian: UInt16(truncatingIfNeeded: $0.s_port)))
    }
    guard let port else {
        throw NotFoundError(function: "getservbyname", query: name, message: "service/proto not found")
    }
    return port
}

/// The service name of a port. C: getservbyport_r(3).
/// Python: `socket.getservbyport(port, protocolname)`; `protocolName` nil matches any.
/// - Throws: `InvalidArgumentError` for a port outside 0-65535; `NotFoundError` ("port/proto not found").
public func serviceByPort(_ port: Int, protocolName: String? = nil) throws -> String {
    let port = try validatePort(port)
    if let protocolName { try validateHost(protocolName, argument: "protocolname") }
    let name = try withDatabaseBuffer(servent()) { entry, buffer, size, result in
        csock_getservbyport_r(Int32(port.bigEndian), protocolName, entry, buffer, size, result)
    } decode: {
        String(cString: $0.s_name)
    }
    guard let name else {
        throw NotFoundError(function: "getservbyport", query: String(port), message: "port/proto not found")
    }
    return name
}

/// The number of an IP protocol (`"icmp"` → 1). C: getprotobyname_r(3).
/// Python: `socket.getprotobyname(protocolname)`.
/// - Throws: `NotFoundError` ("protocol not found").
public func protocolByName(_ name: String) throws -> Int32 {
    try validateHost(name, argument: "protocolname")
    let number = try withDatabaseBuffer(protoent()) { entry, buffer, size, result in
        csock_getprotobyname_r(name, entry, buffer, size, result)
    } decode: {
        $0.p_proto
    }
    guard let number else {
        throw NotFoundError(function: "getprotobyname", query: name, message: "protocol not found")
    }
    return number
}

/// The name of an IP protocol number (`6` → `"tcp"`), or nil. C: getprotobynumber_r(3).
public func protocolName(number: Int32) -> String? {
    try? withDatabaseBuffer(protoent()) { entry, buffer, size, result in
        csock_getprotobynumber_r(number, entry, buffer, size, result)
    } decode: {
        String(cString: $0.p_name)
    }
}

/// Runs a reentrant database call, growing the buffer on ERANGE; nil when nothing matched.
/// The entry is decoded while the scratch buffer it points into is still alive.
private func withDatabaseBuffer<Entry, Value>(
    _ initial: Entry,
    _ call: (UnsafeMutablePointer<Entry>, UnsafeMutablePointer<CChar>, Int, UnsafeMutablePointer<UnsafeMutablePointer<Entry>?>) -> Int32,
    decode: (Entry) -> Value
) throws(SocketError) -> Value? {
    var size = 4096
    while true {
        var entry = initial
        var buffer = [CChar](repeating: 0, count: size)
        let (code, value): (Int32, Value?) = withUnsafeMutablePointer(to: &entry) { entryPointer in
            buffer.withUnsafeMutableBufferPointer { scratch in
                var result: UnsafeMutablePointer<Entry>?
                let code = call(entryPointer, scratch.baseAddress!, size, &result)
                return (code, code == 0 ? result.map { decode($0.pointee) } : nil)
            }
        }
        if code == ERANGE && size < 1 << 22 { size *= 4; continue }
        if code != 0 && code != ENOENT { throw SocketError(Errno(rawValue: code), function: "database lookup") }
        return value
    }
}
