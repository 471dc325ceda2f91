import SocketKit

/// A resolver outcome flattened into named fields: the rows the Resolver panel shows and the
/// stable JSON schema of `socktui resolve --json` (documented in `ResolveCommand`'s help).
public struct ResolverReport: Hashable, Sendable, Codable {
    /// The call (`getaddrinfo`, `gethostbyaddr`, ...).
    public var call: String
    /// The call as text with its arguments.
    public var request: String
    /// Milliseconds the call took.
    public var elapsedMilliseconds: Double
    /// getaddrinfo results, decoded.
    public var addresses: [AddressRow]?
    /// gethostbyname_ex / gethostbyaddr: the primary name.
    public var hostName: String?
    /// gethostbyname_ex / gethostbyaddr: aliases.
    public var aliases: [String]?
    /// gethostbyname_ex / gethostbyaddr: addresses.
    public var hostAddresses: [String]?
    /// getnameinfo's host, getfqdn's / gethostname's name.
    public var name: String?
    /// getnameinfo's service, getservbyport's name.
    public var service: String?
    /// getservbyname's port or getprotobyname's number.
    public var number: Int?
    /// The failure, when the call failed.
    public var error: ResolverError?

    enum CodingKeys: String, CodingKey {
        case call, request, elapsedMilliseconds = "elapsed_ms", addresses, hostName = "hostname", aliases
        case hostAddresses = "host_addresses", name, service, number, error
    }

    /// One getaddrinfo 5-tuple with every field named.
    public struct AddressRow: Hashable, Sendable, Codable {
        public var family: String
        public var familyNumber: Int32
        public var type: String
        public var typeNumber: Int32
        public var `protocol`: String
        public var protocolNumber: Int32
        public var canonicalName: String
        /// Numeric host (`127.0.0.1`, `fe80::1%lo`), or the AF_UNIX path.
        public var address: String
        public var port: Int?
        public var flowInfo: UInt32?
        public var scopeID: UInt32?

        enum CodingKeys: String, CodingKey {
            case family, familyNumber = "family_number", type, typeNumber = "type_number", `protocol`
            case protocolNumber = "protocol_number", canonicalName = "canonname", address, port
            case flowInfo = "flowinfo", scopeID = "scope_id"
        }

        /// Decodes one getaddrinfo result.
        public init(_ info: AddressInfo) {
            family = info.family.cName
            familyNumber = info.family.rawValue
            type = info.type.cName
            typeNumber = info.type.rawValue
            `protocol` = info.protocol == 0 ? "0" : IPProtocol(rawValue: info.protocol).cName
            protocolNumber = info.protocol
            canonicalName = info.canonicalName
            address = info.address.host ?? info.address.description
            port = info.address.port.map(Int.init)
            if case .ipv6(_, _, let flow, let scope) = info.address {
                flowInfo = flow
                scopeID = scope
            }
        }
    }

    /// Flattens an outcome.
    public init(_ outcome: ResolverOutcome) {
        call = outcome.request.callName
        request = outcome.request.summary
        elapsedMilliseconds = (outcome.elapsed * 1000 * 1000).rounded() / 1000
        switch outcome.result {
        case .failure(let failure):
            error = failure
        case .success(.addressInfo(let infos)):
            addresses = infos.map(AddressRow.init)
        case .success(.hostEntry(let entry)):
            hostName = entry.name
            aliases = entry.aliases
            hostAddresses = entry.addresses
        case .success(.nameInfo(let host, let service)):
            name = host
            self.service = service
        case .success(.name(let text)):
            if case .serviceByPort = outcome.request { service = text } else { name = text }
        case .success(.number(let value)):
            number = value
        }
    }
}
