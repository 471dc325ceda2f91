#if canImport(Glibc)
    import Glibc
#endif

/// `getaddrinfo` flags (`AI_*`).
public struct AddressInfoFlags: OptionSet, Hashable, Sendable, Codable, CaseIterable {
    /// The C bit mask.
    public let rawValue: Int32
    /// Wraps a C bit mask.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `AI_PASSIVE`: with no host, return the wildcard address (for bind).
    public static let passive = AddressInfoFlags(rawValue: 0x0001)
    /// `AI_CANONNAME`: fill in the canonical name of the first result.
    public static let canonicalName = AddressInfoFlags(rawValue: 0x0002)
    /// `AI_NUMERICHOST`: the host must be a numeric address; never query DNS.
    public static let numericHost = AddressInfoFlags(rawValue: 0x0004)
    /// `AI_V4MAPPED`: with AF_INET6 and no IPv6 result, return IPv4-mapped IPv6 addresses.
    public static let v4Mapped = AddressInfoFlags(rawValue: 0x0008)
    /// `AI_ALL`: with AI_V4MAPPED, return both IPv6 and mapped IPv4 addresses.
    public static let all = AddressInfoFlags(rawValue: 0x0010)
    /// `AI_ADDRCONFIG`: only families the host has a configured (non-loopback) address for.
    public static let addressConfig = AddressInfoFlags(rawValue: 0x0020)
    /// `AI_IDN`: convert the host name to IDN (punycode) first.
    public static let idn = AddressInfoFlags(rawValue: 0x0040)
    /// `AI_CANONIDN`: convert the canonical name back from IDN.
    public static let canonicalIDN = AddressInfoFlags(rawValue: 0x0080)
    /// `AI_NUMERICSERV`: the port must be numeric; never look up a service name.
    public static let numericService = AddressInfoFlags(rawValue: 0x0400)

    public static let allCases: [AddressInfoFlags] = [
        .passive, .canonicalName, .numericHost, .v4Mapped, .all, .addressConfig, .idn,
        .canonicalIDN, .numericService
    ]

    /// The C name of a single flag (`AI_PASSIVE`).
    public var cName: String { flagName(Int64(rawValue), group: "AI") }

    /// Parses a comma-separated list of flag names, with or without `AI_`, any case:
    /// `"canonname,numerichost"`. Throws naming the unknown flag.
    public init(parsing list: String) throws(InvalidArgumentError) {
        self = try parseFlags(list, group: "AI", all: Self.allCases)
    }
}

/// `getnameinfo` flags (`NI_*`).
public struct NameInfoFlags: OptionSet, Hashable, Sendable, Codable, CaseIterable {
    /// The C bit mask.
    public let rawValue: Int32
    /// Wraps a C bit mask.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `NI_NUMERICHOST`: return the numeric address, never a name.
    public static let numericHost = NameInfoFlags(rawValue: 1)
    /// `NI_NUMERICSERV`: return the numeric port, never a service name.
    public static let numericService = NameInfoFlags(rawValue: 2)
    /// `NI_NOFQDN`: only the host part of local names.
    public static let noFQDN = NameInfoFlags(rawValue: 4)
    /// `NI_NAMEREQD`: fail if the address has no name.
    public static let nameRequired = NameInfoFlags(rawValue: 8)
    /// `NI_DGRAM`: the service is datagram (UDP) based.
    public static let datagram = NameInfoFlags(rawValue: 16)
    /// `NI_IDN`: convert the name from IDN.
    public static let idn = NameInfoFlags(rawValue: 32)

    public static let allCases: [NameInfoFlags] = [
        .numericHost, .numericService, .noFQDN, .nameRequired, .datagram, .idn
    ]

    /// The C name of a single flag (`NI_NUMERICHOST`).
    public var cName: String { flagName(Int64(rawValue), group: "NI") }

    /// Parses a comma-separated list of flag names, with or without `NI_`, any case.
    public init(parsing list: String) throws(InvalidArgumentError) {
        self = try parseFlags(list, group: "NI", all: Self.allCases)
    }
}

private func flagName(_ value: Int64, group: String) -> String {
    SocketConstants.names(in: group, of: value)
        .first { !$0.hasPrefix("NI_MAX") } ?? "\(group)_0x\(String(value, radix: 16))"
}

private func parseFlags<F: OptionSet & CaseIterable>(
    _ list: String, group: String, all: [F]
) throws(InvalidArgumentError) -> F where F.RawValue == Int32, F.Element == F {
    var result: F = []
    for part in list.split(separator: ",") {
        let word = part.filter { $0 != " " }.uppercased()
        if word.isEmpty { continue }
        let name = word.hasPrefix(group + "_") ? word : "\(group)_\(word)"
        guard let value = SocketConstants.value(named: name),
            let flag = all.first(where: { Int64($0.rawValue) == value })
        else {
            let known = all.map { flagName(Int64($0.rawValue), group: group).dropFirst(group.count + 1).lowercased() }
            throw InvalidArgumentError(
                argument: "flags", rule: "unknown flag '\(part)'; known: \(known.joined(separator: ", "))")
        }
        result.insert(flag)
    }
    return result
}

/// Names and explanations of `EAI_*` codes.
public enum AddressInfoErrorCode {
    /// The C name of an `EAI_*` code, such as `EAI_NONAME`.
    public static func name(of code: Int32) -> String {
        SocketConstants.names(in: "EAI", of: Int64(code)).first ?? "EAI_\(code)"
    }

    /// What an `EAI_*` code usually means, in plain words.
    public static func hint(for code: Int32) -> String {
        switch code {
        case EAI_NONAME: "the name is unknown to DNS and /etc/hosts (or a numeric-only flag was given a name)"
        case EAI_AGAIN:
            "temporary failure: the DNS server failed the query (SERVFAIL) or did not answer before its timeout; try again or check /etc/resolv.conf"
        case EAI_FAIL: "permanent DNS failure: the server refused or failed the query"
        case -5 /* EAI_NODATA */: "the name exists but has no address of the requested family"
        case -9 /* EAI_ADDRFAMILY */: "the host has no address in the requested family"
        case EAI_FAMILY: "the address family is not supported"
        case EAI_SOCKTYPE: "the socket type is not supported"
        case EAI_SERVICE: "the service name is unknown for this socket type (see /etc/services)"
        case EAI_BADFLAGS: "the flag combination is invalid"
        case EAI_MEMORY: "out of memory"
        case EAI_OVERFLOW: "a result did not fit in the buffer"
        case EAI_SYSTEM: "a system error; see the errno"
        default: "unknown resolver error"
        }
    }
}
