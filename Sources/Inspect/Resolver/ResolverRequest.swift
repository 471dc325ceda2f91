import SocketKit

/// One resolver call with all its parameters: what the Resolver panel's forms and
/// `socktui resolve` build, and what a remote agent receives. Plain data: `Codable`, `Sendable`.
public enum ResolverRequest: Hashable, Sendable {
    /// `getaddrinfo(host, service, family, type, protocol, flags)`.
    case addressInfo(host: String?, service: String?, family: AddressFamily, type: SocketType?, protocol: Int32, flags: AddressInfoFlags)
    /// `getnameinfo((host, port), flags)`; host must be numeric.
    case nameInfo(host: String, port: Int, flags: NameInfoFlags)
    /// `gethostbyname_ex(name)`.
    case hostByName(String)
    /// `gethostbyaddr(address)`.
    case hostByAddress(String)
    /// `getfqdn(name)`.
    case fullyQualifiedName(String)
    /// `gethostname()`.
    case hostName
    /// `getservbyname(name, protocol)`.
    case serviceByName(String, protocolName: String?)
    /// `getservbyport(port, protocol)`.
    case serviceByPort(Int, protocolName: String?)
    /// `getprotobyname(name)`.
    case protocolByName(String)

    /// The seed's name of the call, such as `getaddrinfo`.
    public var callName: String {
        switch self {
        case .addressInfo: "getaddrinfo"
        case .nameInfo: "getnameinfo"
        case .hostByName: "gethostbyname_ex"
        case .hostByAddress: "gethostbyaddr"
        case .fullyQualifiedName: "getfqdn"
        case .hostName: "gethostname"
        case .serviceByName: "getservbyname"
        case .serviceByPort: "getservbyport"
        case .protocolByName: "getprotobyname"
        }
    }

    /// A one-line rendering for history lists: `getaddrinfo("localhost", "http", AF_UNSPEC, ...)`.
    public var summary: String {
        func quoted(_ text: String?) -> String { text.map { "\"\($0)\"" } ?? "None" }
        switch self {
        case .addressInfo(let host, let service, let family, let type, let proto, let flags):
            let flagNames = AddressInfoFlags.allCases.filter { flags.contains($0) }.map(\.cName)
            return
                "getaddrinfo(\(quoted(host)), \(quoted(service)), \(family), \(type?.cName ?? "0"), \(proto), \(flagNames.isEmpty ? "0" : flagNames.joined(separator: "|")))"
        case .nameInfo(let host, let port, let flags):
            let flagNames = NameInfoFlags.allCases.filter { flags.contains($0) }.map(\.cName)
            return "getnameinfo((\"\(host)\", \(port)), \(flagNames.isEmpty ? "0" : flagNames.joined(separator: "|")))"
        case .hostByName(let name): return "gethostbyname_ex(\"\(name)\")"
        case .hostByAddress(let address): return "gethostbyaddr(\"\(address)\")"
        case .fullyQualifiedName(let name): return "getfqdn(\"\(name)\")"
        case .hostName: return "gethostname()"
        case .serviceByName(let name, let proto): return "getservbyname(\"\(name)\", \(quoted(proto)))"
        case .serviceByPort(let port, let proto): return "getservbyport(\(port), \(quoted(proto)))"
        case .protocolByName(let name): return "getprotobyname(\"\(name)\")"
        }
    }
}

/// What a resolver call returned.
public enum ResolverResult: Hashable, Sendable {
    /// getaddrinfo's 5-tuples.
    case addressInfo([AddressInfo])
    /// getnameinfo's host and service.
    case nameInfo(host: String, service: String)
    /// gethostbyname_ex / gethostbyaddr's triple.
    case hostEntry(HostEntry)
    /// A name: getfqdn, gethostname, getservbyport.
    case name(String)
    /// A number: getservbyname's port, getprotobyname's protocol.
    case number(Int)
}

/// A failed resolver call, in a form that serializes: which error kind, its code and C name,
/// the library's message and what it usually means.
public struct ResolverError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// `gaierror`, `herror`, `error` (errno), `timeout`, `invalid` (bad argument), `notFound`.
    public var kind: String
    /// The numeric code (EAI_*, h_errno, errno), or 0.
    public var code: Int
    /// The C name of the code (`EAI_NONAME`), or empty.
    public var name: String
    /// The library's message (`Name or service not known`).
    public var message: String
    /// What it usually means, in plain words; empty when there is nothing to add.
    public var hint: String

    /// Creates a failure record.
    public init(kind: String, code: Int, name: String, message: String, hint: String) {
        self.kind = kind
        self.code = code
        self.name = name
        self.message = message
        self.hint = hint
    }

    /// Classifies any error thrown by SocketKit's resolver functions.
    public init(_ error: any Error) {
        switch error {
        case let error as AddressInfoError:
            self.init(kind: "gaierror", code: Int(error.code), name: error.name, message: error.message, hint: error.hint)
        case let error as HostError:
            self.init(
                kind: "herror", code: Int(error.code), name: error.name, message: error.message,
                hint: error.code == 1 ? "no host has this name or address in DNS or /etc/hosts" : "")
        case let error as SocketError:
            self.init(kind: "error", code: Int(error.code.rawValue), name: error.code.name, message: error.code.message, hint: error.detail)
        case let error as SocketTimeoutError:
            self.init(kind: "timeout", code: 0, name: "", message: error.description, hint: "")
        case let error as InvalidArgumentError:
            self.init(kind: "invalid", code: 0, name: error.argument, message: error.rule, hint: "")
        case let error as NotFoundError:
            self.init(
                kind: "notFound", code: 0, name: "", message: error.message,
                hint: error.function == "getprotobyname" ? "not in /etc/protocols" : "not in /etc/services for that protocol")
        case let error as ResolverError:
            self = error
        default:
            self.init(kind: "error", code: 0, name: "", message: "\(error)", hint: "")
        }
    }

    /// `EAI_NONAME: Name or service not known`.
    public var description: String { name.isEmpty ? message : "\(name): \(message)" }
}

/// A finished call: the request, its result or failure, and how long it took.
public struct ResolverOutcome: Hashable, Sendable, Codable {
    /// What was asked.
    public var request: ResolverRequest
    /// The answer, or why there is none.
    public var result: Result<ResolverResult, ResolverError>
    /// Wall time of the call in seconds.
    public var elapsed: Double

    /// Creates an outcome.
    public init(request: ResolverRequest, result: Result<ResolverResult, ResolverError>, elapsed: Double) {
        self.request = request
        self.result = result
        self.elapsed = elapsed
    }

    enum CodingKeys: String, CodingKey {
        case request, result, error
        case elapsed = "elapsed_s"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        request = try container.decode(ResolverRequest.self, forKey: .request)
        elapsed = try container.decode(Double.self, forKey: .elapsed)
        if let failure = try container.decodeIfPresent(ResolverError.self, forKey: .error) {
            result = .failure(failure)
        } else {
            result = .success(try container.decode(ResolverResult.self, forKey: .result))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(request, forKey: .request)
        try container.encode(elapsed, forKey: .elapsed)
        switch result {
        case .success(let value): try container.encode(value, forKey: .result)
        case .failure(let failure): try container.encode(failure, forKey: .error)
        }
    }
}
