import Synchronization

/// Where a socket table's snapshots come from: this host's ``SocketTable``, the hosts a
/// ``MergedSocketSource`` watches through their agents, or a script in tests. A panel asks every
/// source the same way (``hostedSnapshot(_:)``) and diffs every answer with ``HostedSocketRefresh``.
public protocol SocketSnapshotSource: Sendable {
    /// Takes a snapshot on the calling thread (a panel calls it only on its background queue).
    func snapshot(_ query: SocketQuery) -> SocketSnapshot
    /// A snapshot with each row's host (a merged source's; a single table has no hosts): what a
    /// panel calls. Default: ``snapshot(_:)`` without hosts.
    func hostedSnapshot(_ query: SocketQuery) -> HostedSocketSnapshot
    /// The hosts a merged source serves, in order; nil for a single table (the default).
    var hostLabels: [String]? { get }
    /// Calls `changed` (on any thread) whenever a host's link status changes, replacing the previous
    /// observer; a single table never calls it (the default).
    func observeHosts(_ changed: @escaping @Sendable () -> Void)
    /// Each host's agent client, in ``hostLabels`` order (a merged source's); empty by default.
    var hostClients: [AgentClient] { get }
}

extension SocketTable: SocketSnapshotSource {}

/// A snapshot with the host of each row, from a source that merges several hosts.
public struct HostedSocketSnapshot: Sendable {
    /// Every host's rows in one snapshot (sources and warnings merged, warnings prefixed with their host).
    public var snapshot: SocketSnapshot
    /// The host label of each entry of `snapshot.entries` (same order), or nil for a single local table.
    public var hosts: [String]?
    /// Each host's link, in the order the hosts were given (empty for a single local table).
    public var links: [HostLink]

    /// Creates a snapshot; `hosts` nil means one local table without a host column.
    public init(snapshot: SocketSnapshot, hosts: [String]? = nil, links: [HostLink] = []) {
        self.snapshot = snapshot
        self.hosts = hosts
        self.links = links
    }
}

/// One host of a merged table: its link status and how many tables it has sent.
public struct HostLink: Hashable, Sendable {
    /// The host's label (the host column).
    public var host: String
    /// Connecting, connected, disconnected (with ssh's reason) or needing an interactive login.
    public var status: AgentStatus
    /// Tables received from the host so far.
    public var refreshes: Int
    /// Rows held for the host (kept while it is disconnected).
    public var rows: Int

    /// Creates a link description.
    public init(host: String, status: AgentStatus, refreshes: Int, rows: Int) {
        self.host = host
        self.status = status
        self.refreshes = refreshes
        self.rows = rows
    }

    /// Whether the host's rows are current.
    public var isConnected: Bool { if case .connected = status { true } else { false } }

    /// The mark after the host's name in its rows: none when connected.
    public var rowMark: String {
        switch status {
        case .connected: ""
        case .connecting: " …"
        case .disconnected: " ✗"
        case .needsLogin: " ?"
        }
    }

    /// `connected`, `connecting`, `HOST: disconnected (ssh: …)`, `HOST needs interactive login: …`.
    public var statusText: String {
        switch status {
        case .connected, .connecting: status.message
        case .disconnected(let message): message.hasPrefix(host) ? message : "\(host): \(message)"
        case .needsLogin(let message):
            message.hasPrefix(host) ? "needs interactive login: \(message)" : "\(host) needs interactive login: \(message)"
        }
    }
}

extension SocketSnapshotSource {
    /// A single table: no hosts.
    public func hostedSnapshot(_ query: SocketQuery) -> HostedSocketSnapshot {
        HostedSocketSnapshot(snapshot: snapshot(query))
    }

    /// No hosts: a single local table.
    public var hostLabels: [String]? { nil }

    /// A single local table has no host links to observe.
    public func observeHosts(_ changed: @escaping @Sendable () -> Void) {}

    /// No clients: the panel reads through this host's in-process agent.
    public var hostClients: [AgentClient] { [] }
}

/// The observer of a merged source's host statuses.
private final class HostObserver: Sendable {
    let changed = Mutex<(@Sendable () -> Void)?>(nil)
}

/// The Sockets panel's source for `socktui --host`: the tables a ``MergedSocketWatch`` keeps current,
/// one agent link per host (ssh for remote hosts, an in-process agent for `local`). A refresh reads what
/// the watch holds and never waits on a host: each host streams and reconnects on its own threads.
public final class MergedSocketSource: SocketSnapshotSource {
    /// The watch; cancelled by ``cancel()``.
    public let watch: MergedSocketWatch
    private let labels: [String]
    private let observer = HostObserver()

    /// Starts watching every transport's host (`interval` seconds between each agent's tables); a
    /// host silent `stallLimit` seconds beyond that is reported and its link opened again.
    public init(transports: [any AgentTransport], query: SocketQuery = SocketQuery(), interval: Double = 1, stallLimit: Double? = nil) {
        labels = transports.map(\.label)
        // The panel reads tables on its own timer; only status changes are passed on at once.
        let observer = self.observer
        watch = MergedSocketWatch(transports: transports, query: query, interval: interval, stallLimit: stallLimit) { _, change in
            if case .status = change { observer.changed.withLock { $0 }?() }
        }
    }

    /// Calls `changed` on a host's status change (on that host's client thread).
    public func observeHosts(_ changed: @escaping @Sendable () -> Void) {
        observer.changed.withLock { $0 = changed }
    }

    /// The hosts, in the order given.
    public var hostLabels: [String]? { labels }

    /// The watch's client of each host, in the order given.
    public var hostClients: [AgentClient] { watch.hostClients }

    /// Every host's rows, merged (the query is the watch's, fixed at start).
    public func snapshot(_ query: SocketQuery) -> SocketSnapshot { hostedSnapshot(query).snapshot }

    /// Every host's rows with their hosts and each host's link status.
    public func hostedSnapshot(_ query: SocketQuery) -> HostedSocketSnapshot {
        MergedSocketSource.merge(watch.tables)
    }

    /// Merges host tables into one snapshot with a host per row.
    public static func merge(_ tables: [HostSocketTable]) -> HostedSocketSnapshot {
        var entries: [SocketEntry] = [], hosts: [String] = [], warnings: [String] = []
        var sources: [String: String] = [:]
        var hidden = 0
        var takenAt = 0.0, elapsed = 0.0
        for table in tables {
            entries += table.snapshot.entries
            hosts += Array(repeating: table.host, count: table.snapshot.entries.count)
            warnings += table.snapshot.warnings.map { "\(table.host): \($0)" }
            sources.merge(table.snapshot.sources) { first, _ in first }
            hidden += table.snapshot.hiddenProcesses
            takenAt = max(takenAt, table.snapshot.takenAt)
            elapsed = max(elapsed, table.snapshot.elapsed)
        }
        let snapshot = SocketSnapshot(
            entries: entries, sources: sources, warnings: warnings, hiddenProcesses: hidden, takenAt: takenAt, elapsed: elapsed)
        let links = tables.map { HostLink(host: $0.host, status: $0.status, refreshes: $0.refreshes, rows: $0.snapshot.entries.count) }
        return HostedSocketSnapshot(snapshot: snapshot, hosts: hosts, links: links)
    }

    /// Stops every host's stream and closes the links.
    public func cancel() { watch.cancel() }
}
