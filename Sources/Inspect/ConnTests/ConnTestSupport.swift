import SocketKit
#if canImport(Glibc)
    import Glibc
#endif

// Connection tests stop on a `Cancellation` (Cancellation.swift): engines check it between system
// calls and never block longer than `pollSlice` without looking at it, so a cancel takes effect
// within about 20 ms; sockets in flight are closed and the partial result is returned with
// `cancelled == true`.

/// The longest an engine waits in one `poll` before checking its `Cancellation`.
let pollSlice = 0.02

/// Nanoseconds on the monotonic clock.
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) &* 1_000_000_000 &+ UInt64(now.tv_nsec)
}

/// Milliseconds between two monotonic readings.
@inline(__always)
func milliseconds(from start: UInt64, to end: UInt64) -> Double {
    Double(end &- start) / 1e6
}

/// Sleeps up to `seconds` in `pollSlice` steps; returns false when cancelled first.
func waitCancellable(_ seconds: Double, cancellation: Cancellation) -> Bool {
    let deadline = monotonicNanoseconds() + UInt64(max(0, seconds) * 1e9)
    while true {
        if cancellation.isCancelled { return false }
        let now = monotonicNanoseconds()
        if now >= deadline { return true }
        let slice = min(Double(deadline - now) / 1e9, pollSlice)
        _ = poll(nil, 0, Int32((slice * 1000).rounded(.up)))
    }
}

/// One socket address as the results show it: family, numeric host and port.
public struct Endpoint: Codable, Sendable, Hashable, CustomStringConvertible {
    /// `AF_INET` or `AF_INET6`.
    public var family: String
    /// Numeric host (`127.0.0.1`, `::1`, `fe80::1%eth0`).
    public var host: String
    /// Port number.
    public var port: Int

    /// Creates an endpoint.
    public init(family: String, host: String, port: Int) {
        self.family = family
        self.host = host
        self.port = port
    }

    /// Describes a SocketKit address.
    public init(_ address: SocketAddress) {
        self.init(
            family: address.family.description, host: address.host ?? address.description,
            port: Int(address.port ?? 0))
    }

    /// `127.0.0.1:80`, `[::1]:80`.
    public var description: String { family == AddressFamily.inet6.description ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// Why a step failed: the C error name and message plus what it usually means.
///
/// `name` is the errno macro (`ECONNREFUSED`), `ETIMEDOUT` for a deadline socktui enforced,
/// an `EAI_*` name for a resolver failure, or `ICMP` for an ICMP error read from the error queue.
public struct FailureReason: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The C name: `ECONNREFUSED`, `ETIMEDOUT`, `EAI_NONAME`.
    public var name: String
    /// The number (errno, or the negative EAI_* code), 0 when none applies.
    public var code: Int32
    /// The C library's message (`strerror`, `gai_strerror`).
    public var message: String
    /// What the failure usually means, in plain words.
    public var explanation: String

    /// Creates a reason.
    public init(name: String, code: Int32, message: String, explanation: String) {
        self.name = name
        self.code = code
        self.message = message
        self.explanation = explanation
    }

    /// A failed system call's errno, explained for a TCP connect.
    public init(errno: Errno) {
        self.init(
            name: errno.name, code: errno.rawValue, message: errno.message,
            explanation: FailureReason.explanation(for: errno))
    }

    /// No answer before a deadline socktui enforced.
    public static func timedOut(after seconds: Double) -> FailureReason {
        FailureReason(
            name: "ETIMEDOUT", code: ETIMEDOUT, message: "no answer within \(DurationText.short(seconds))",
            explanation: explanation(for: .timedOut))
    }

    /// Any error thrown by SocketKit, mapped to its C name.
    public init(_ error: any Error) {
        switch error {
        case let error as SocketError:
            self.init(errno: error.code)
        case let error as SocketTimeoutError:
            self = .timedOut(after: error.seconds)
        case let error as AddressInfoError:
            let hint = error.hint
            self.init(
                name: error.name, code: error.code, message: error.message,
                explanation: hint.isEmpty ? "the name did not resolve" : hint)
        case let error as InvalidArgumentError:
            self.init(name: "EINVAL", code: EINVAL, message: error.description, explanation: "the request itself is invalid")
        default:
            self.init(name: "error", code: 0, message: String(describing: error), explanation: "")
        }
    }

    /// `ECONNREFUSED: Connection refused`.
    public var description: String { "\(name): \(message)" }

    /// Plain words for what a connect errno usually means.
    public static func explanation(for errno: Errno) -> String {
        switch errno.rawValue {
        case ECONNREFUSED:
            "the host answered with a reset: nothing listens on that port, or a firewall rejects the connection"
        case ETIMEDOUT:
            "no answer at all: a firewall silently drops the packets, the host is down or unreachable, or the listener's backlog is full"
        case EHOSTUNREACH:
            "no route to the host: a router or firewall sent ICMP host-unreachable, or the neighbour (ARP/NDP) does not answer"
        case ENETUNREACH:
            "no route to that network from this machine: check the routing table (ip route) or whether this address family is configured"
        case EADDRNOTAVAIL:
            "the local address is not usable: no local address of that family, a source address not on this host, or no free ephemeral port"
        case EADDRINUSE:
            "the local address and port are already taken by another socket"
        case ECONNRESET:
            // A reset in SYN_SENT is ECONNREFUSED (tcp_reset): ECONNRESET means the handshake had completed.
            "connected, then the peer reset the connection before answering (it accepted and closed with RST): the service refuses this client or is overloaded, or a middlebox dropped the connection"
        case ECONNABORTED:
            "the connection was aborted locally before it completed"
        case ENETDOWN:
            "the network interface for that route is down"
        case EHOSTDOWN:
            "the host is known to be down"
        case EACCES, EPERM:
            "a local firewall rule (iptables/nftables) or a security policy forbade the connection"
        case EAFNOSUPPORT:
            "this machine has no support for the address family (IPv6 disabled?)"
        case EPROTO:
            "a protocol error: the peer answered with something unexpected"
        case EAGAIN:
            "no free local port to connect from (ephemeral ports exhausted)"
        case EMFILE, ENFILE:
            "out of file descriptors: raise the limit (ulimit -n) or lower the concurrency"
        case ENOBUFS, ENOMEM:
            "the kernel ran out of buffer memory"
        case ECANCELED:
            "stopped: the test was cancelled or another attempt won"
        default:
            errno.message.lowercased()
        }
    }
}

/// Resolves `host` (nil: the loopback addresses) for TCP or UDP, timing the call.
func resolve(
    host: String?, port: Int, family: AddressFamily, type: SocketType
)
    -> (addresses: [SocketAddress], milliseconds: Double, failure: FailureReason?)
{
    let started = monotonicNanoseconds()
    do {
        let results = try getAddressInfo(host: host, port: port, family: family, type: type)
        var seen = Set<SocketAddress>()
        let addresses = results.map(\.address).filter { seen.insert($0).inserted }
        return (addresses, milliseconds(from: started, to: monotonicNanoseconds()), nil)
    } catch {
        let elapsed = milliseconds(from: started, to: monotonicNanoseconds())
        var failure = FailureReason(error)
        // EAI_AGAIN is a timeout or a SERVFAIL: the time it took tells which.
        if let error = error as? AddressInfoError, error.code == EAI_AGAIN {
            failure.explanation = ResolverTiming.temporaryFailureHint(elapsed: elapsed / 1000, timeout: ResolverTiming.queryTimeout())
        }
        return ([], elapsed, failure)
    }
}

/// A readiness wait over many descriptors: one `poll(2)` call that fills each `revents`.
///
/// Returns true when any descriptor is ready; false on timeout and after EINTR (callers loop
/// and re-check their deadlines anyway).
func pollDescriptors(_ descriptors: inout [pollfd], timeout seconds: Double) -> Bool {
    let milliseconds = Int32(max(0, min(seconds, 60)) * 1000 + 0.999)
    let ready = descriptors.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), milliseconds) }
    return ready > 0
}
