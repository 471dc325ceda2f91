import Foundation
import SocketKit

/// The ssh connection an agent is reached through, as sshd describes it in `SSH_CONNECTION`
/// (`CLIENT-IP CLIENT-PORT SERVER-IP SERVER-PORT`): a remote capture leaves its packets out, as
/// sshdump does, or the capture would record (and grow with) its own transport.
public struct OwnSSHConnection: Hashable, Sendable {
    /// The ssh client's address and port.
    public var client: (address: String, port: Int) { (clientAddress, clientPort) }
    /// The sshd's address and port.
    public var server: (address: String, port: Int) { (serverAddress, serverPort) }
    private let clientAddress: String, clientPort: Int, serverAddress: String, serverPort: Int

    /// Parses `SSH_CONNECTION`; nil when it is missing or not four fields of addresses and ports.
    public init?(environment value: String?) {
        let fields = (value ?? "").split(separator: " ").map(String.init)
        guard fields.count == 4, let clientPort = Int(fields[1]), let serverPort = Int(fields[3]),
            (0...65535).contains(clientPort), (0...65535).contains(serverPort),
            let client = Self.address(fields[0]), let server = Self.address(fields[2])
        else { return nil }
        (clientAddress, self.clientPort, serverAddress, self.serverPort) = (client, clientPort, server, serverPort)
    }

    /// An IPv4 or IPv6 address as a filter takes it (an IPv6 zone dropped); nil for anything else.
    static func address(_ text: String) -> String? {
        let bare = text.split(separator: "%", maxSplits: 1).first.map(String.init) ?? text
        if let v4 = IPv4Address(bare) { return "\(v4)" }
        if let v6 = IPv6Address(bare) { return v6.mappedIPv4.map { "\($0)" } ?? "\(v6)" }
        return nil
    }

    /// The filter clause matching this connection's packets in either direction.
    public var clause: String {
        "host \(clientAddress) and port \(clientPort) and host \(serverAddress) and port \(serverPort)"
    }

    /// `filter` with this connection left out: `not (CLAUSE)` alone, or `(FILTER) and not (CLAUSE)`.
    public func excluded(from filter: String) -> String {
        let trimmed = filter.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? "not (\(clause))" : "(\(trimmed)) and not (\(clause))"
    }
}
