import Inspect
import SocketKit

/// The Sockets panel's pivots from a row: the capture filter (`C`) and the connection test (`T`) it
/// hands to the Capture and Tests tabs.
extension SocketsPanel {
    /// A capture filter for `entry`'s traffic (protocol, then each end's host and port; wildcards left
    /// out), or `nil` for a socket that is not IP.
    public static func captureFilter(for entry: SocketEntry) -> String? {
        guard entry.kind.isInet else { return nil }
        var terms: [String]
        if entry.kind == .raw {
            terms = [entry.family == .inet6 ? "ip6" : "ip"]
            if let number = entry.protocolNumber { terms.append("proto \(number)") }
        } else {
            terms = [entry.kind.rawValue]
        }
        var hosts: [String] = []
        for end in [entry.local, entry.remote] {
            if !isWildcard(end.address), !hosts.contains(end.address) {
                hosts.append(end.address)
                terms.append("host \(end.address)")
            }
            if let port = end.port, port != 0 { terms.append("port \(port)") }
        }
        return terms.joined(separator: " and ")
    }

    /// The Tests panel's request for `entry`: a connect trace (TCP) or a UDP probe to its
    /// ``connectionTarget(for:)``; `nil` when there is none.
    public static func connectionTest(for entry: SocketEntry) -> ConnTestRequest? {
        guard let (address, port) = testEndpoint(for: entry) else { return nil }
        return entry.kind == .tcp ? .connect(ConnectRequest(host: address, port: port)) : .udp(UDPProbeRequest(host: address, port: port))
    }

    /// Where a connection test would go: the remote end, or for a listener or an unconnected socket its
    /// own address (the loopback address when bound to the wildcard). `nil` when there is no port.
    public static func connectionTarget(for entry: SocketEntry) -> String? {
        guard let (address, port) = testEndpoint(for: entry) else { return nil }
        return "\(entry.kind.rawValue) \(SocketEndpoint(address: address, port: port))"
    }

    static func testEndpoint(for entry: SocketEntry) -> (String, Int)? {
        guard entry.kind == .tcp || entry.kind == .udp else { return nil }
        var end = entry.remote
        if end.port == nil || end.port == 0 || isWildcard(end.address) { end = entry.local }
        guard let port = end.port, port != 0 else { return nil }
        return (isWildcard(end.address) ? (entry.family == .inet6 ? "::1" : "127.0.0.1") : end.address, port)
    }

    static func isWildcard(_ address: String) -> Bool { address == "*" || address == "0.0.0.0" || address == "::" }

    /// Loopback addresses, and the wildcard of an unconnected peer (which says nothing about the interface).
    static func isWildcardOrLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address == "0.0.0.0" || address == "::" || address == "*"
    }
}
