import Synchronization

/// One host's part of a merged socket table: its link status and the last table received (kept
/// while the host is disconnected, so its rows stay on screen marked by the status).
public struct HostSocketTable: Sendable {
    /// The host's label (the host column).
    public var host: String
    /// Connected, connecting, or why not.
    public var status: AgentStatus
    /// The last table received from the host (empty before the first).
    public var snapshot: SocketSnapshot
    /// Tables received so far.
    public var refreshes: Int

    /// Creates a host's part (tests; panels given tables by hand).
    public init(host: String, status: AgentStatus, snapshot: SocketSnapshot, refreshes: Int) {
        self.host = host
        self.status = status
        self.snapshot = snapshot
        self.refreshes = refreshes
    }
}

/// Socket tables of several hosts kept current side by side: each host streams its table's
/// changes on its own link and reconnects with backoff on its own, so a slow or dropped host never
/// delays the others. Every table change or status change calls `update` (on a client thread)
/// with all hosts' tables; a panel hops it to its loop and shows `merged` with a host column.
public final class MergedSocketWatch: Sendable {
    /// What `update` reports.
    public enum Change: Hashable, Sendable {
        /// Host `index` sent a new table.
        case refreshed(Int)
        /// Host `index`'s status changed.
        case status(Int)
    }

    private let state: Mutex<(tables: [HostSocketTable], mirrors: [SocketMirror])>
    private let clients = Mutex<[AgentClient]>([])
    private let calls = Mutex<[AgentCall]>([])

    /// Starts watching `query` every `interval` seconds on each transport's host.
    public init(transports: [any AgentTransport], query: SocketQuery, interval: Double,
                update: @escaping @Sendable ([HostSocketTable], Change) -> Void) {
        let empty = SocketSnapshot(entries: [], sources: [:], warnings: [], hiddenProcesses: 0, takenAt: 0, elapsed: 0)
        state = Mutex((transports.map { HostSocketTable(host: $0.label, status: .connecting, snapshot: empty, refreshes: 0) },
                       Array(repeating: SocketMirror(), count: transports.count)))
        for (index, transport) in transports.enumerated() {
            let client = AgentClient(transport: transport) { [weak self] status in
                guard let self else { return }
                let tables = state.withLock { state in
                    state.tables[index].status = status
                    return state.tables
                }
                update(tables, .status(index))
            }
            clients.withLock { $0.append(client) }
            let call = client.watch(.watchSockets(query, interval: interval)) { [weak self] reply in
                guard let self, case .socketChanges(let changes) = reply else { return }
                let tables: [HostSocketTable]? = state.withLock { state in
                    guard state.mirrors[index].apply(changes) else { return nil }
                    state.tables[index].snapshot = state.mirrors[index].snapshot
                    state.tables[index].refreshes += 1
                    return state.tables
                }
                if let tables { update(tables, .refreshed(index)) }
            }
            calls.withLock { $0.append(call) }
        }
    }

    /// Every host's table now.
    public var tables: [HostSocketTable] { state.withLock { $0.tables } }

    /// Every host's rows, host by host, each with its host's label.
    public static func merged(_ tables: [HostSocketTable]) -> [(host: String, entry: SocketEntry)] {
        tables.flatMap { table in table.snapshot.entries.map { (table.host, $0) } }
    }

    /// Stops every stream and closes the links.
    public func cancel() {
        for call in calls.withLock({ $0 }) { call.cancel() }
        for client in clients.withLock({ $0 }) { client.close() }
    }
}
