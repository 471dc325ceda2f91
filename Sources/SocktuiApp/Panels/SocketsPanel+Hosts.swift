import Inspect
import Synchronization
import TerminalUI

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
        case .needsLogin(let message): message.hasPrefix(host) ? "needs interactive login: \(message)" : "\(host) needs interactive login: \(message)"
        }
    }
}

extension SocketSnapshotSource {
    /// A single local table: no host column.
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
final class HostObserver: Sendable {
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
        let snapshot = SocketSnapshot(entries: entries, sources: sources, warnings: warnings, hiddenProcesses: hidden, takenAt: takenAt, elapsed: elapsed)
        let links = tables.map { HostLink(host: $0.host, status: $0.status, refreshes: $0.refreshes, rows: $0.snapshot.entries.count) }
        return HostedSocketSnapshot(snapshot: snapshot, hosts: hosts, links: links)
    }

    /// Stops every host's stream and closes the links.
    public func cancel() { watch.cancel() }
}

extension SocketsPanel {
    /// A socket's identity in the table: its id, qualified by its host when the table merges hosts
    /// (two hosts' kernels hand out the same cookies and inodes).
    static func rowID(_ entry: SocketEntry, host: String?) -> String {
        host.map { "\($0)|\(entry.id)" } ?? entry.id
    }

    /// The identity of `entries[index]`, as ``rowID(_:host:)``.
    func rowID(_ index: Int) -> String {
        SocketsPanel.rowID(snapshot!.entries[index], host: entryHosts.flatMap { index < $0.count ? $0[index] : nil })
    }

    /// A refresh of a merged table: each host's rows diffed against that host's previous rows, and
    /// highlights and rtt/cwnd histories keyed by host and socket.
    static func hostedRefresh(generation: Generation, hosted: HostedSocketSnapshot, hosts: [String], previous: [SocketEntry]?,
                              previousHosts: [String]?, history: [String: SocketHistory], settings: SocketsViewSettings) -> SocketsRefreshed {
        let entries = hosted.snapshot.entries
        func byHost(_ entries: [SocketEntry], _ hosts: [String]) -> [String: [SocketEntry]] {
            var grouped: [String: [SocketEntry]] = [:]
            for (entry, host) in zip(entries, hosts) { grouped[host, default: []].append(entry) }
            return grouped
        }
        let new = byHost(entries, hosts)
        // The first snapshot is not "all new" (as for one host); a host's first table afterwards is.
        let old = previous.map { byHost($0, previousHosts ?? []) } ?? new
        var diff = SocketDiff(old: [], new: [])
        var added = Set<String>(), changed = Set<String>()
        for host in Set(new.keys).union(old.keys) {
            let part = SocketDiff(old: old[host] ?? [], new: new[host] ?? [])
            diff.added += part.added
            diff.removed += part.removed
            diff.changed += part.changed
            added.formUnion(part.added.map { rowID($0, host: host) })
            changed.formUnion(SocketsRefreshed.notableChanges(part, previous: old[host] ?? []).map { "\(host)|\($0)" })
        }
        var histories: [String: SocketHistory] = [:]
        for (entry, host) in zip(entries, hosts) {
            guard let info = entry.tcp?.info else { continue }
            let id = rowID(entry, host: host)
            var series = history[id] ?? SocketHistory()
            series.append(rtt: info.rtt, congestionWindow: info.sendCongestionWindow)
            histories[id] = series
        }
        return SocketsRefreshed(generation: generation, snapshot: hosted.snapshot, diff: diff, addedIDs: added, changedIDs: changed,
                                history: histories, rows: settings.rows(for: entries, hosts: hosts), settings: settings,
                                hosts: hosts, links: hosted.links)
    }

    /// The links with a host that is trying again after a drop still shown as dropped, with ssh's
    /// reason, until it is connected (its reconnect attempts would otherwise flash "connecting").
    static func keepingProblems(_ links: [HostLink], previous: [HostLink]) -> [HostLink] {
        let before = Dictionary(previous.map { ($0.host, $0.status) }, uniquingKeysWith: { first, _ in first })
        return links.map { link in
            guard case .connecting = link.status, let old = before[link.host] else { return link }
            switch old {
            case .disconnected, .needsLogin:
                var kept = link
                kept.status = old
                return kept
            case .connected, .connecting: return link
            }
        }
    }

    /// Whether the table merges hosts (`socktui --host`).
    public var isMergingHosts: Bool { hostLabels != nil }

    /// `H`: all hosts merged → the first host alone → the next … → all hosts again.
    mutating func cycleHost() {
        guard let labels = hostLabels, !labels.isEmpty else {
            notice = StatusMessage("one host only: socktui --host HOST opens the table on other hosts", kind: .warning)
            return
        }
        if let current = settings.host, let index = labels.firstIndex(of: current), index + 1 < labels.count {
            settings.host = labels[index + 1]
        } else if settings.host == nil {
            settings.host = labels[0]
        } else {
            settings.host = nil
        }
        notice = StatusMessage(settings.host.map { "host: \($0) only (H for the next host)" } ?? "hosts: all merged (H selects one)")
    }

    /// The host line: every host with its status and table count (the selected host in brackets).
    func hostsLine(theme: Theme) -> Line? {
        guard isMergingHosts else { return nil }
        var spans = [Span(settings.host == nil ? "hosts (all, H selects): " : "host \(settings.host!) (H next): ", style: theme[.header])]
        let links = hostLinks.isEmpty ? (hostLabels ?? []).map { HostLink(host: $0, status: .connecting, refreshes: 0, rows: 0) } : hostLinks
        for (n, link) in links.enumerated() {
            if n > 0 { spans.append(Span(" · ")) }
            let name = settings.host == link.host ? "[\(link.host)]" : link.host
            switch link.status {
            case .connected:
                spans.append(Span("\(name) ✓ \(link.rows) rows, \(link.refreshes) tables", style: theme[.ok]))
            case .connecting:
                spans.append(Span("\(name) connecting…", style: Style().adding(.dim)))
            case .disconnected:
                spans.append(Span("\(name) ✗ disconnected" + (link.rows > 0 ? ", \(link.rows) rows kept" : ""), style: theme[.error]))
            case .needsLogin:
                spans.append(Span("\(name) ? needs interactive login", style: theme[.warning]))
            }
        }
        return Line(spans)
    }

    /// One line per host that is not connected, with ssh's reason.
    func hostProblemLines(theme: Theme) -> [Line] {
        hostLinks.compactMap { link in
            switch link.status {
            case .disconnected: Line("⚠ \(link.statusText)", style: theme[.error])
            case .needsLogin: Line("⚠ \(link.statusText)", style: theme[.warning])
            case .connected, .connecting: nil
            }
        }
    }
}
