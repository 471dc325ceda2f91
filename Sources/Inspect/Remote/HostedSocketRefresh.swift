/// Recent TCP samples of one socket, oldest first, at most ``SocketHistory/limit`` each.
public struct SocketHistory: Hashable, Sendable {
    /// Samples kept per series.
    public static let limit = 60
    /// Smoothed round-trip times in microseconds.
    public var rtt: [UInt64] = []
    /// Congestion windows in segments.
    public var congestionWindow: [UInt64] = []

    /// Creates an empty history.
    public init() {}

    /// Appends one sample to each series, dropping the oldest beyond the limit.
    public mutating func append(rtt: UInt32, congestionWindow cwnd: UInt32) {
        self.rtt.append(UInt64(rtt))
        congestionWindow.append(UInt64(cwnd))
        if self.rtt.count > Self.limit { self.rtt.removeFirst(self.rtt.count - Self.limit) }
        if congestionWindow.count > Self.limit { congestionWindow.removeFirst(congestionWindow.count - Self.limit) }
    }

    /// The histories after `snapshot`: a sample appended for every TCP socket with `tcp_info`, and the
    /// histories of sockets that are gone dropped (so the map stays as large as the table).
    public static func updated(_ old: [String: SocketHistory], with entries: [SocketEntry]) -> [String: SocketHistory] {
        HostedSocketRefresh.histories(old, entries: entries, hosts: nil)
    }
}

/// One refresh of a socket table, from any ``SocketSnapshotSource``: each host's rows diffed against
/// that host's previous rows, the rows to highlight, and rtt/cwnd histories, all keyed by
/// ``rowID(_:host:)`` (host and socket: two hosts' kernels hand out the same cookies and inodes).
/// A single table is one host without a label; its ids are the sockets' own.
public struct HostedSocketRefresh: Sendable {
    /// The rows, their hosts and each host's link.
    public var hosted: HostedSocketSnapshot
    /// What changed since the previous rows, host by host.
    public var diff: SocketDiff
    /// Ids of the rows new in this refresh.
    public var addedIDs: Set<String>
    /// Ids of the rows whose state, queues, owners or peer changed (not mere `tcp_info` or timer
    /// changes: they move on every refresh of every busy connection).
    public var changedIDs: Set<String>
    /// The rtt/cwnd history of every TCP row with this refresh's sample appended (gone rows dropped).
    public var history: [String: SocketHistory]

    /// Diffs `hosted` against the rows shown before (`previous`, with `previousHosts`; nil before
    /// the first refresh: the first table is not "all new", though a host's first table later is).
    public init(_ hosted: HostedSocketSnapshot, previous: [SocketEntry]?, previousHosts: [String]?, history: [String: SocketHistory]) {
        self.hosted = hosted
        let entries = hosted.snapshot.entries
        let new = Self.byHost(entries, hosted.hosts)
        let old = previous.map { Self.byHost($0, previousHosts) } ?? new
        var diff = SocketDiff(old: [], new: [])
        var added = Set<String>(), changed = Set<String>()
        for host in Set(new.keys).union(old.keys).sorted(by: { ($0 ?? "") < ($1 ?? "") }) {
            let part = SocketDiff(old: old[host] ?? [], new: new[host] ?? [])
            diff.added += part.added
            diff.removed += part.removed
            diff.changed += part.changed
            added.formUnion(part.added.map { Self.rowID($0, host: host) })
            changed.formUnion(Self.notableChanges(part, previous: old[host] ?? []).map { Self.rowID($0, host: host) })
        }
        self.diff = diff
        addedIDs = added
        changedIDs = changed
        self.history = Self.histories(history, entries: entries, hosts: hosted.hosts)
    }

    /// A row's identity: its socket's id, qualified by its host when the table has hosts.
    public static func rowID(_ entry: SocketEntry, host: String?) -> String {
        host.map { "\($0)|\(entry.id)" } ?? entry.id
    }

    /// Each host's rows (one group, host nil, for a table without hosts).
    static func byHost(_ entries: [SocketEntry], _ hosts: [String]?) -> [String?: [SocketEntry]] {
        var grouped: [String?: [SocketEntry]] = [:]
        for (index, entry) in entries.enumerated() {
            grouped[hosts.flatMap { index < $0.count ? $0[index] : nil }, default: []].append(entry)
        }
        return grouped
    }

    /// The entries of `diff.changed` whose state, queues, owners or peer differ from `previous`.
    static func notableChanges(_ diff: SocketDiff, previous: [SocketEntry]) -> [SocketEntry] {
        guard !diff.changed.isEmpty else { return [] }
        let before = Dictionary(previous.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return diff.changed.filter { entry in
            guard let old = before[entry.id] else { return true }
            return old.state != entry.state || old.receiveQueue != entry.receiveQueue || old.sendQueue != entry.sendQueue
                || old.owners != entry.owners || old.remote != entry.remote
        }
    }

    /// `old` with a sample appended for every TCP row with `tcp_info`, rows that are gone dropped.
    static func histories(_ old: [String: SocketHistory], entries: [SocketEntry], hosts: [String]?) -> [String: SocketHistory] {
        var new: [String: SocketHistory] = [:]
        new.reserveCapacity(old.count)
        for (index, entry) in entries.enumerated() {
            guard let info = entry.tcp?.info else { continue }
            let id = rowID(entry, host: hosts.flatMap { index < $0.count ? $0[index] : nil })
            var series = old[id] ?? SocketHistory()
            series.append(rtt: info.rtt, congestionWindow: info.sendCongestionWindow)
            new[id] = series
        }
        return new
    }
}

extension HostLink {
    /// `links` with a host that is trying again after a drop still shown as dropped, with ssh's
    /// reason, until it is connected (its reconnect attempts would otherwise flash "connecting").
    public static func keepingProblems(_ links: [HostLink], previous: [HostLink]) -> [HostLink] {
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
}
