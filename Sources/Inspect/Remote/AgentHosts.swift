/// The hosts a panel sends its engine requests to, and the one chosen: this host first
/// (``AgentClient/local(label:resolver:)``), then each `--host`. A panel sends every request
/// through ``selected``, so it cannot tell this host from another; `local` is just a label.
public struct AgentHosts: Sendable {
    /// Every host, this one first.
    public let clients: [AgentClient]
    /// The index of the chosen host in ``clients``.
    public private(set) var index = 0

    /// The hosts `clients` (this host alone when empty), the first chosen.
    public init(_ clients: [AgentClient] = [AgentClient.local()]) {
        self.clients = clients.isEmpty ? [AgentClient.local()] : clients
    }

    /// The chosen host's client.
    public var selected: AgentClient { clients[index] }

    /// The chosen host's label.
    public var label: String { selected.label }

    /// Every host's label, in order.
    public var labels: [String] { clients.map(\.label) }

    /// Whether there is more than one host to choose from (`--host` was given).
    public var offersChoice: Bool { clients.count > 1 }

    /// Chooses the next host, after the last the first again.
    public mutating func selectNext() { index = (index + 1) % clients.count }

    /// Chooses the host labelled `label`, if it is one of these; true when the choice changed.
    public mutating func select(label: String) -> Bool {
        guard let found = labels.firstIndex(of: label), found != index else { return false }
        index = found
        return true
    }

    /// Closes every host's link.
    public func closeAll() { for client in clients { client.close() } }
}
