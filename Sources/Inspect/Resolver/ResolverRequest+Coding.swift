import SocketKit

/// Resolver calls and results as JSON tagged unions (``TaggedUnionKey``): `"kind"` is the call's C
/// name (`getaddrinfo`, `getnameinfo`…), its arguments named members beside it.
extension ResolverRequest: Codable {
    static let kinds = [
        "getaddrinfo", "getnameinfo", "gethostbyname_ex", "gethostbyaddr", "getfqdn", "gethostname", "getservbyname",
        "getservbyport", "getprotobyname"
    ]

    public func encode(to encoder: any Encoder) throws {
        var members = try encoder.taggedUnion(callName)
        switch self {
        case .addressInfo(let host, let service, let family, let type, let proto, let flags):
            try members.encodeIfPresent(host, "host")
            try members.encodeIfPresent(service, "service")
            try members.encode(family, "family")
            try members.encodeIfPresent(type, "type")
            try members.encode(proto, "protocol")
            try members.encode(flags, "flags")
        case .nameInfo(let host, let port, let flags):
            try members.encode(host, "host")
            try members.encode(port, "port")
            try members.encode(flags, "flags")
        case .hostByName(let name), .fullyQualifiedName(let name), .protocolByName(let name): try members.encode(name, "name")
        case .hostByAddress(let address): try members.encode(address, "address")
        case .hostName: break
        case .serviceByName(let name, let proto):
            try members.encode(name, "name")
            try members.encodeIfPresent(proto, "protocol_name")
        case .serviceByPort(let port, let proto):
            try members.encode(port, "port")
            try members.encodeIfPresent(proto, "protocol_name")
        }
    }

    public init(from decoder: any Decoder) throws {
        let (kind, members) = try decoder.taggedUnion(of: ResolverRequest.self, kinds: Self.kinds)
        switch kind {
        case "getaddrinfo":
            self = .addressInfo(
                host: try members.decodeIfPresent("host"), service: try members.decodeIfPresent("service"),
                family: try members.decode("family"), type: try members.decodeIfPresent("type"), protocol: try members.decode("protocol"),
                flags: try members.decode("flags"))
        case "getnameinfo":
            self = .nameInfo(host: try members.decode("host"), port: try members.decode("port"), flags: try members.decode("flags"))
        case "gethostbyname_ex": self = .hostByName(try members.decode("name"))
        case "gethostbyaddr": self = .hostByAddress(try members.decode("address"))
        case "getfqdn": self = .fullyQualifiedName(try members.decode("name"))
        case "gethostname": self = .hostName
        case "getservbyname": self = .serviceByName(try members.decode("name"), protocolName: try members.decodeIfPresent("protocol_name"))
        case "getservbyport": self = .serviceByPort(try members.decode("port"), protocolName: try members.decodeIfPresent("protocol_name"))
        default: self = .protocolByName(try members.decode("name"))
        }
    }
}

extension ResolverResult: Codable {
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .addressInfo(let infos):
            var members = try encoder.taggedUnion("address_info")
            try members.encode(infos, "addresses")
        case .nameInfo(let host, let service):
            var members = try encoder.taggedUnion("name_info")
            try members.encode(host, "host")
            try members.encode(service, "service")
        case .hostEntry(let entry):
            var members = try encoder.taggedUnion("host_entry")
            try members.encode(entry, "entry")
        case .name(let name):
            var members = try encoder.taggedUnion("name")
            try members.encode(name, "name")
        case .number(let number):
            var members = try encoder.taggedUnion("number")
            try members.encode(number, "number")
        }
    }

    public init(from decoder: any Decoder) throws {
        let (kind, members) = try decoder.taggedUnion(
            of: ResolverResult.self, kinds: ["address_info", "name_info", "host_entry", "name", "number"])
        switch kind {
        case "address_info": self = .addressInfo(try members.decode("addresses"))
        case "name_info": self = .nameInfo(host: try members.decode("host"), service: try members.decode("service"))
        case "host_entry": self = .hostEntry(try members.decode("entry"))
        case "name": self = .name(try members.decode("name"))
        default: self = .number(try members.decode("number"))
        }
    }
}
