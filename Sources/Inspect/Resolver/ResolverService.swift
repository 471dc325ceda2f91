import Dispatch
#if canImport(Glibc)
    import Glibc
#endif
import SocketKit

/// Performs resolver calls. The system one calls SocketKit; tests inject slow or scripted ones.
public protocol ResolverBackend: Sendable {
    /// Runs one call synchronously (the service calls it on a background queue).
    func perform(_ request: ResolverRequest) throws -> ResolverResult
}

/// The C library's resolver through SocketKit.
public struct SystemResolver: ResolverBackend {
    /// Creates the system resolver.
    public init() {}

    public func perform(_ request: ResolverRequest) throws -> ResolverResult {
        switch request {
        case .addressInfo(let host, let service, let family, let type, let proto, let flags):
            return .addressInfo(try getAddressInfo(host: host, port: service, family: family, type: type, protocol: proto, flags: flags))
        case .nameInfo(let host, let port, let flags):
            try Self.checkScope(host)
            let (name, service) = try getNameInfo(host: host, port: port, flags: flags)
            return .nameInfo(host: name, service: service)
        case .hostByName(let name):
            return .hostEntry(try gethostbynameEx(name))
        case .hostByAddress(let address):
            try Self.checkScope(address)
            return .hostEntry(try gethostbyaddr(address))
        case .fullyQualifiedName(let name):
            return .name(getfqdn(name))
        case .hostName:
            return .name(try gethostname())
        case .serviceByName(let name, let proto):
            return .number(try serviceByName(name, protocolName: proto))
        case .serviceByPort(let port, let proto):
            return .name(try serviceByPort(port, protocolName: proto))
        case .protocolByName(let name):
            return .number(Int(try protocolByName(name)))
        }
    }
}

/// Runs resolver calls on a concurrent background queue, so any number may be in flight and
/// none blocks its caller's thread, however long the resolver takes (glibc's getaddrinfo cannot
/// be cancelled: an abandoned call finishes in the background and its result is dropped by the
/// caller, who tags requests with a generation).
public final class ResolverService: Sendable {
    private let backend: any ResolverBackend
    private let queue = DispatchQueue(label: "socktui.resolver", qos: .userInitiated, attributes: .concurrent)

    /// Creates a service over `backend` (the system resolver by default).
    public init(backend: any ResolverBackend = SystemResolver()) {
        self.backend = backend
    }

    /// Runs `request` off the caller's thread and calls `completion` on the service's queue.
    public func resolve(_ request: ResolverRequest, completion: @escaping @Sendable (ResolverOutcome) -> Void) {
        let backend = self.backend
        queue.async {
            completion(Self.run(request, on: backend))
        }
    }

    /// Runs `request` and returns its outcome (suspends without blocking a thread of the caller).
    public func resolve(_ request: ResolverRequest) async -> ResolverOutcome {
        await withCheckedContinuation { continuation in
            resolve(request) { continuation.resume(returning: $0) }
        }
    }

    /// Runs `request` on the current thread, timing it.
    public static func run(_ request: ResolverRequest, on backend: any ResolverBackend = SystemResolver()) -> ResolverOutcome {
        let started = DispatchTime.now().uptimeNanoseconds
        let result: Result<ResolverResult, ResolverError>
        do {
            result = .success(try backend.perform(request))
        } catch {
            result = .failure(ResolverError(error))
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        // EAI_AGAIN is a timeout or a SERVFAIL: the time it took tells which.
        if case .failure(var failure) = result, failure.kind == "gaierror", failure.code == Int(EAI_AGAIN) {
            failure.hint = ResolverTiming.temporaryFailureHint(elapsed: elapsed, timeout: ResolverTiming.queryTimeout())
            return ResolverOutcome(request: request, result: .failure(failure), elapsed: elapsed)
        }
        return ResolverOutcome(request: request, result: result, elapsed: elapsed)
    }
}
