import Dispatch
import Synchronization

/// The processes at both ends of a packet, as far as this host's socket table knows them. On
/// loopback both ends can be local processes; a packet to or from another host has one side empty.
public struct PacketOwners: Hashable, Sendable, Codable {
    /// Processes holding the socket that sent the packet (empty when not local or not visible).
    public var source: [SocketOwner]
    /// Processes holding the socket the packet is addressed to.
    public var destination: [SocketOwner]

    /// Creates a value.
    public init(source: [SocketOwner] = [], destination: [SocketOwner] = []) {
        self.source = source
        self.destination = destination
    }

    /// True when neither end is known.
    public var isEmpty: Bool { source.isEmpty && destination.isEmpty }
}

/// Maps a packet's 5-tuple to the processes owning its sockets, through a socket table snapshot
/// (sock_diag's local and remote addresses, owners from the /proc walk).
///
/// A connected socket matches its exact 5-tuple; otherwise a bound socket (a listener, an
/// unconnected UDP socket) matches its local address and port, or the wildcard address. IPv4-mapped
/// IPv6 addresses (`::ffff:127.0.0.1`) match their IPv4 form. For a live capture, `startRefreshing`
/// keeps the map current; a socket opened and closed between two refreshes is not seen.
public final class ProcessMatcher: Sendable {
    private struct Connected: Hashable {
        var transport: TransportProtocol
        var local: FlowEndpoint
        var remote: FlowEndpoint
    }

    private struct Bound: Hashable {
        var transport: TransportProtocol
        /// nil for the wildcard address.
        var address: IPAddress?
        var port: UInt16
    }

    private struct Maps {
        var connected: [Connected: [SocketOwner]] = [:]
        var bound: [Bound: [SocketOwner]] = [:]
        var takenAt = 0.0
    }

    private let maps = Mutex(Maps())

    /// Creates a matcher from `snapshot` (an empty one matches nothing until `update`).
    public init(snapshot: SocketSnapshot? = nil) {
        if let snapshot { update(snapshot) }
    }

    /// When the snapshot in use was taken (seconds since 1970; 0 before the first).
    public var snapshotTime: Double { maps.withLock { $0.takenAt } }

    /// Replaces the map with one built from `snapshot`'s TCP and UDP sockets that have owners.
    public func update(_ snapshot: SocketSnapshot) {
        var next = Maps(takenAt: snapshot.takenAt)
        for entry in snapshot.entries where !entry.owners.isEmpty {
            let transport: TransportProtocol
            switch entry.kind {
            case .tcp: transport = .tcp
            case .udp: transport = .udp
            default: continue
            }
            guard let localPort = entry.local.port, let port = UInt16(exactly: localPort) else { continue }
            let local = Self.address(entry.local.address)
            if let remoteAddress = Self.address(entry.remote.address), let remotePort = entry.remote.port.flatMap(UInt16.init(exactly:)),
                remotePort != 0, let local
            {
                next.connected[
                    Connected(
                        transport: transport, local: FlowEndpoint(address: local, port: port),
                        remote: FlowEndpoint(address: remoteAddress, port: remotePort)), default: []] += entry.owners
            } else if entry.state == "LISTEN" || entry.state == "UNCONN" || transport == .udp {
                next.bound[Bound(transport: transport, address: local, port: port), default: []] += entry.owners
            }
        }
        maps.withLock { $0 = next }
    }

    /// The owners of the sockets at both ends of `flow` (empty sides when unknown).
    public func owners(of flow: PacketFlow) -> PacketOwners {
        guard let network = flow.network, let transport = flow.transport else { return PacketOwners() }
        let source = FlowEndpoint(address: network.source.unmapped, port: transport.sourcePort)
        let destination = FlowEndpoint(address: network.destination.unmapped, port: transport.destinationPort)
        return maps.withLock { maps in
            func lookup(_ local: FlowEndpoint, _ remote: FlowEndpoint) -> [SocketOwner] {
                maps.connected[Connected(transport: transport.protocolKind, local: local, remote: remote)]
                    ?? maps.bound[Bound(transport: transport.protocolKind, address: local.address, port: local.port)]
                    ?? maps.bound[Bound(transport: transport.protocolKind, address: nil, port: local.port)]
                    ?? []
            }
            return PacketOwners(source: lookup(source, destination), destination: lookup(destination, source))
        }
    }

    /// Refreshes the map from `table` every `interval` seconds on the table's queue until the handle is cancelled.
    public func startRefreshing(table: SocketTable, every interval: Double = 1) -> RefreshHandle {
        table.refresh(SocketQuery(kinds: [.tcp, .udp], processes: true, tcpInfo: false), every: interval) { [self] snapshot, _ in
            update(snapshot)
        }
    }

    /// Updates the matcher every `interval` seconds from `latest` (another host's table as its
    /// agent last sent it, say) until the handle is cancelled; a nil snapshot leaves the map as it is.
    public func startRefreshing(every interval: Double, from latest: @escaping @Sendable () -> SocketSnapshot?) -> RefreshHandle {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "socktui.process-matcher", qos: .utility))
        timer.schedule(deadline: .now(), repeating: max(0.1, interval))
        timer.setEventHandler { [self] in
            if let snapshot = latest() { update(snapshot) }
        }
        timer.resume()
        return RefreshHandle(timer: timer)
    }

    /// A socket table address as an `IPAddress`: nil for the wildcard (`*`, `0.0.0.0`, `::`) or a non-IP name.
    static func address(_ text: String) -> IPAddress? {
        let trimmed = text.split(separator: "%").first.map(String.init) ?? text  // fe80::1%lo
        guard let address = IPAddress(trimmed), !address.isUnspecified else { return nil }
        return address.unmapped
    }
}
