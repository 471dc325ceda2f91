import CSockShims
#if canImport(Glibc)
    import Glibc
#endif

/// True when the kernel can create IPv6 sockets. Python: `socket.has_ipv6` (there a build-time
/// constant; here checked once at run time).
public let hasIPv6: Bool = {
    let descriptor = Glibc.socket(AF_INET6, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    if descriptor < 0 { return false }
    _ = Glibc.close(descriptor)
    return true
}()

/// The kernel's default maximum listen backlog constant. Python: `socket.SOMAXCONN`.
public let SOMAXCONN: Int32 = 4096

// MARK: Byte order

/// Host to network order, 16 bits. Python: `socket.htons(x)`.
/// - Throws: `InvalidArgumentError` unless 0 ≤ x ≤ 65535 (no silent truncation).
public func htons(_ value: Int) throws(InvalidArgumentError) -> Int {
    Int(UInt16(try checkedUnsigned(value, bits: 16, function: "htons")).bigEndian)
}

/// Network to host order, 16 bits. Python: `socket.ntohs(x)`.
public func ntohs(_ value: Int) throws(InvalidArgumentError) -> Int {
    Int(UInt16(bigEndian: UInt16(try checkedUnsigned(value, bits: 16, function: "ntohs"))))
}

/// Host to network order, 32 bits. Python: `socket.htonl(x)`.
/// - Throws: `InvalidArgumentError` unless 0 ≤ x ≤ 4294967295.
public func htonl(_ value: Int) throws(InvalidArgumentError) -> Int {
    Int(UInt32(try checkedUnsigned(value, bits: 32, function: "htonl")).bigEndian)
}

/// Network to host order, 32 bits. Python: `socket.ntohl(x)`.
public func ntohl(_ value: Int) throws(InvalidArgumentError) -> Int {
    Int(UInt32(bigEndian: UInt32(try checkedUnsigned(value, bits: 32, function: "ntohl"))))
}

private func checkedUnsigned(_ value: Int, bits: Int, function: String) throws(InvalidArgumentError) -> UInt64 {
    let maximum = (UInt64(1) << bits) - 1
    guard value >= 0, UInt64(value) <= maximum else {
        throw InvalidArgumentError(argument: "x", rule: "\(function) takes 0-\(maximum), got \(value)")
    }
    return UInt64(value)
}

// MARK: Address text

/// Parses IPv4 text in any inet(3) form (`127.0.0.1`, `127.1`, `0x7f.1`, `2130706433`, octal
/// parts) into 4 network-order bytes. C: inet_aton(3). Python: `socket.inet_aton(ip_string)`.
/// - Throws: `InvalidArgumentError` ("illegal IP address string passed to inet_aton").
public func inetAton(_ text: String) throws(InvalidArgumentError) -> [UInt8] {
    try validateHost(text, argument: "ip_string")
    var address = in_addr()
    guard inet_aton(text, &address) != 0 else {
        throw InvalidArgumentError(argument: "ip_string", rule: "illegal IP address string passed to inet_aton: '\(text)'")
    }
    return IPv4Address(UInt32(bigEndian: address.s_addr)).bytes
}

/// Formats 4 packed bytes as dotted-quad text. C: inet_ntoa(3). Python: `socket.inet_ntoa(packed_ip)`.
/// - Throws: `InvalidArgumentError` unless exactly 4 bytes are given.
public func inetNtoa(_ packed: [UInt8]) throws(InvalidArgumentError) -> String {
    guard let address = IPv4Address(bytes: packed) else {
        throw InvalidArgumentError(argument: "packed_ip", rule: "packed IP wrong length for inet_ntoa: need 4 bytes, got \(packed.count)")
    }
    return address.description
}

/// Parses IPv4 (strict dotted quad) or IPv6 text into packed bytes. C: inet_pton(3).
/// Python: `socket.inet_pton(address_family, ip_string)`.
/// - Throws: `InvalidArgumentError` for text that does not parse or a family other than AF_INET/AF_INET6.
public func inetPton(_ family: AddressFamily, _ text: String) throws(InvalidArgumentError) -> [UInt8] {
    try validateHost(text, argument: "ip_string")
    let size: Int
    switch family {
    case .inet: size = 4
    case .inet6: size = 16
    default: throw InvalidArgumentError(argument: "address_family", rule: "must be AF_INET or AF_INET6, got \(family)")
    }
    var buffer = [UInt8](repeating: 0, count: size)
    guard inet_pton(family.rawValue, text, &buffer) == 1 else {
        throw InvalidArgumentError(argument: "ip_string", rule: "illegal IP address string passed to inet_pton: '\(text)'")
    }
    return buffer
}

/// Formats packed bytes as IPv4 or IPv6 text. C: inet_ntop(3).
/// Python: `socket.inet_ntop(address_family, packed_ip)`.
/// - Throws: `InvalidArgumentError` when the length does not fit the family (4 or 16 bytes)
///   or the family is not AF_INET/AF_INET6.
public func inetNtop(_ family: AddressFamily, _ packed: [UInt8]) throws(InvalidArgumentError) -> String {
    let size: Int
    switch family {
    case .inet: size = 4
    case .inet6: size = 16
    default: throw InvalidArgumentError(argument: "address_family", rule: "must be AF_INET or AF_INET6, got \(family)")
    }
    guard packed.count == size else {
        throw InvalidArgumentError(
            argument: "packed_ip", rule: "invalid length of packed IP address string: \(family) needs \(size) bytes, got \(packed.count)")
    }
    var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
    guard inet_ntop(family.rawValue, packed, &text, socklen_t(text.count)) != nil else {
        throw InvalidArgumentError(argument: "packed_ip", rule: "inet_ntop failed: \(Errno.current)")
    }
    return String(nulTerminated: text)
}
