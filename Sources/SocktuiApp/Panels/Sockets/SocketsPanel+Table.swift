import Inspect
import SocketKit
import TerminalUI

/// A column the Sockets table can show; the user picks which from this list (`c`).
public enum SocketColumn: String, CaseIterable, Hashable, Sendable {
    /// Socket identity and addressing; ``summary`` says what each shows.
    case kind, family, state, local, peer, receiveQueue, sendQueue, process, pid, uid, inode, interface
    /// TCP internals from `tcp_info` (blank for other sockets).
    case rtt, congestionWindow, retransmits, bytesSent, bytesReceived, timer, congestionControl
    /// The host a row comes from (`socktui --host`; `local` otherwise): its cell is drawn by the table
    /// source, which knows each row's host, and marked when the host is not connected.
    case host

    /// The columns shown at start.
    public static let defaults: [SocketColumn] = [.kind, .state, .local, .peer, .receiveQueue, .sendQueue, .process]

    /// The header title.
    public var title: String {
        switch self {
        case .kind: "Kind"
        case .family: "Family"
        case .state: "State"
        case .local: "Local"
        case .peer: "Peer"
        case .receiveQueue: "RecvQ"
        case .sendQueue: "SendQ"
        case .process: "Process"
        case .pid: "PID"
        case .uid: "UID"
        case .inode: "Inode"
        case .interface: "If"
        case .rtt: "RTT ms"
        case .congestionWindow: "Cwnd"
        case .retransmits: "Retrans"
        case .bytesSent: "Sent"
        case .bytesReceived: "Received"
        case .timer: "Timer"
        case .congestionControl: "CC"
        case .host: "Host"
        }
    }

    /// What the column holds, for the column chooser.
    public var summary: String {
        switch self {
        case .kind: "tcp, udp, raw, u_str, u_dgr, u_seq, p_raw, p_dgr"
        case .family: "address family (inet, inet6, unix, packet)"
        case .state: "state as ss prints it"
        case .local: "local address and port"
        case .peer: "remote address and port"
        case .receiveQueue: "bytes not yet read (listeners: pending accepts)"
        case .sendQueue: "bytes not yet acknowledged (listeners: backlog)"
        case .process: "owning process (command/pid, +N more)"
        case .pid: "first owner's pid"
        case .uid: "owning user id from the kernel"
        case .inode: "socket inode"
        case .interface: "bound interface index (0 = any)"
        case .rtt: "TCP smoothed round-trip time"
        case .congestionWindow: "TCP congestion window (segments)"
        case .retransmits: "TCP retransmitted segments, total"
        case .bytesSent: "TCP bytes sent"
        case .bytesReceived: "TCP bytes received"
        case .timer: "TCP timer (on, keepalive, timewait, persist)"
        case .congestionControl: "TCP congestion control algorithm"
        case .host: "host of the row (socktui --host; ✗ disconnected, ? needs login)"
        }
    }

    /// The column's width and alignment in the table.
    public var tableColumn: TableColumn {
        // Fixed widths leave room for the title plus the sort indicator (" ▲").
        switch self {
        case .kind: TableColumn(title, width: .fixed(6))
        case .family: TableColumn(title, width: .fixed(8))
        case .state: TableColumn(title, width: .fixed(10))
        case .local, .peer: TableColumn(title, width: .min(15))
        case .receiveQueue, .sendQueue: TableColumn(title, width: .fixed(7), alignment: .right)
        case .process: TableColumn(title, width: .min(12))
        case .pid: TableColumn(title, width: .fixed(7), alignment: .right)
        case .inode: TableColumn(title, width: .fixed(9), alignment: .right)
        case .uid: TableColumn(title, width: .fixed(6), alignment: .right)
        case .interface: TableColumn(title, width: .fixed(4), alignment: .right)
        case .rtt: TableColumn(title, width: .fixed(8), alignment: .right)
        case .retransmits: TableColumn(title, width: .fixed(9), alignment: .right)
        case .congestionWindow, .bytesSent: TableColumn(title, width: .fixed(8), alignment: .right)
        case .bytesReceived: TableColumn(title, width: .fixed(10), alignment: .right)
        case .timer: TableColumn(title, width: .fixed(9))
        case .congestionControl: TableColumn(title, width: .fixed(6))
        case .host: TableColumn(title, width: .min(8))
        }
    }

    /// The cell text for `entry`.
    public func text(_ entry: SocketEntry) -> String {
        let info = entry.tcp?.info
        switch self {
        case .kind: return entry.kind.rawValue
        case .family: return SocketColumn.familyName(entry.family)
        case .state: return entry.state
        case .local: return entry.local.description
        case .peer: return entry.remote.description
        case .receiveQueue: return String(entry.receiveQueue)
        case .sendQueue: return String(entry.sendQueue)
        case .process: return SocketColumn.processText(entry, width: nil)
        case .pid: return entry.owners.first.map { String($0.pid) } ?? ""
        case .uid: return entry.uid.map(String.init) ?? ""
        case .inode: return String(entry.inode)
        case .interface: return String(entry.interfaceIndex)
        case .rtt: return info.map { SocketColumn.milliseconds($0.rtt) } ?? ""
        case .congestionWindow: return info.map { String($0.sendCongestionWindow) } ?? ""
        case .retransmits: return info.map { String($0.totalRetransmits) } ?? ""
        case .bytesSent: return info.map { SocketColumn.bytes($0.bytesSent) } ?? ""
        case .bytesReceived: return info.map { SocketColumn.bytes($0.bytesReceived) } ?? ""
        case .timer: return entry.tcp?.timer ?? ""
        case .congestionControl: return entry.tcp?.congestionControl ?? ""
        case .host: return ""
        }
    }

    /// `command/pid +N`; in `width` columns the command is cut, never the pid (`pyth…/48213 +1`).
    static func processText(_ entry: SocketEntry, width: Int?) -> String {
        guard let first = entry.owners.first else { return "" }
        let suffix = "/\(first.pid)" + (entry.owners.count > 1 ? " +\(entry.owners.count - 1)" : "")
        let full = first.command + suffix
        guard let width, DisplayWidth.of(full) > width else { return full }
        let room = width - DisplayWidth.of(suffix)
        return room >= 2 ? DisplayWidth.truncate(first.command, to: room) + suffix : suffix
    }

    /// The key rows are sorted by: text first, then number (missing numbers sort first).
    func sortKey(_ entry: SocketEntry) -> SortKey {
        let info = entry.tcp?.info
        switch self {
        case .local: return SortKey(text: entry.local.address, number: Int64(entry.local.port ?? -1))
        case .peer: return SortKey(text: entry.remote.address, number: Int64(entry.remote.port ?? -1))
        case .receiveQueue: return SortKey(number: Int64(entry.receiveQueue))
        case .sendQueue: return SortKey(number: Int64(entry.sendQueue))
        case .process: return SortKey(text: entry.owners.first?.command ?? "", number: Int64(entry.owners.first?.pid ?? -1))
        case .pid: return SortKey(number: Int64(entry.owners.first?.pid ?? -1))
        case .uid: return SortKey(number: entry.uid.map(Int64.init) ?? -1)
        case .inode: return SortKey(number: Int64(entry.inode))
        case .interface: return SortKey(number: Int64(entry.interfaceIndex))
        case .rtt: return SortKey(number: info.map { Int64($0.rtt) } ?? -1)
        case .congestionWindow: return SortKey(number: info.map { Int64($0.sendCongestionWindow) } ?? -1)
        case .retransmits: return SortKey(number: info.map { Int64($0.totalRetransmits) } ?? -1)
        case .bytesSent: return SortKey(number: info.map { Int64(clamping: $0.bytesSent) } ?? -1)
        case .bytesReceived: return SortKey(number: info.map { Int64(clamping: $0.bytesReceived) } ?? -1)
        case .kind, .family, .state, .timer, .congestionControl: return SortKey(text: text(entry))
        case .host: return SortKey()
        }
    }

    /// The C name, preferring AF_UNIX over its aliases AF_LOCAL and AF_FILE.
    static func familyCName(_ family: AddressFamily) -> String {
        family == .unix ? "AF_UNIX" : family.cName
    }

    static func familyName(_ family: AddressFamily) -> String {
        let name = familyCName(family)
        return name.hasPrefix("AF_") ? String(name.dropFirst(3)).lowercased() : name
    }

    /// Microseconds as milliseconds with up to three decimals, as ss prints rtt.
    static func milliseconds(_ microseconds: UInt32) -> String {
        let whole = microseconds / 1000, fraction = microseconds % 1000
        guard fraction != 0 else { return String(whole) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: 3 - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return "\(whole).\(digits)"
    }

    /// A byte count in B, K, M, G (powers of 1024, one decimal below 10).
    static func bytes(_ count: UInt64) -> String {
        let units = ["B", "K", "M", "G", "T"]
        var value = Double(count), unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        if unit == 0 { return "\(count)B" }
        return value < 10 ? "\((value * 10).rounded(.down) / 10)\(units[unit])" : "\(Int(value))\(units[unit])"
    }
}

/// A sort key: text compared first, then a number.
struct SortKey: Comparable {
    var text: String = ""
    var number: Int64 = 0
    static func < (lhs: SortKey, rhs: SortKey) -> Bool {
        lhs.text != rhs.text ? lhs.text < rhs.text : lhs.number < rhs.number
    }
}

/// How the table is filtered, sorted and grouped.
public struct SocketsViewSettings: Hashable, Sendable {
    /// Sockets must match this filter.
    public var filter: SocketFilter
    /// The sort column, or `nil` for the snapshot's order (kind, local port, inode).
    public var sortColumn: SocketColumn?
    /// Ascending (▲) or descending (▼).
    public var ascending: Bool
    /// One group per owning process, each headed by a row naming it.
    public var groupedByProcess: Bool
    /// Only this host's rows (`H`), or every host's (nil).
    public var host: String?

    /// Creates settings; by default no filter, the snapshot's order, ungrouped.
    public init(
        filter: SocketFilter = SocketsViewSettings.noFilter, sortColumn: SocketColumn? = nil, ascending: Bool = true,
        groupedByProcess: Bool = false,
        host: String? = nil
    ) {
        self.host = host
        self.filter = filter
        self.sortColumn = sortColumn
        self.ascending = ascending
        self.groupedByProcess = groupedByProcess
    }

    /// The empty filter (matches everything).
    public static let noFilter: SocketFilter = try! SocketFilter("")
}

/// A process heading a group of sockets in group-by-process mode.
public struct SocketsGroup: Hashable, Sendable {
    /// The process id, or `nil` for sockets whose owner is not visible.
    public var pid: Int32?
    /// The command name.
    public var command: String
    /// The process's user id.
    public var uid: UInt32?
    /// How many sockets of the group pass the filter.
    public var count: Int
}

/// A row of the Sockets table: a socket (an index into the snapshot's entries) or a group heading.
public enum SocketsRow: Hashable, Sendable {
    /// A socket; `group` is the pid it is listed under when grouped (a shared socket is listed once per owner).
    case socket(index: Int, group: Int32?)
    /// A process heading.
    case group(SocketsGroup)

    /// A key that survives refreshes, for keeping the selection on the same row.
    func key(in entries: [SocketEntry], hosts: [String]? = nil) -> String {
        switch self {
        case .socket(let index, let group):
            return "s:\(HostedSocketRefresh.rowID(entries[index], host: hosts?[index]))@\(group.map(String.init) ?? "")"
        case .group(let group): return "g:\(group.pid.map(String.init) ?? "-")"
        }
    }
}

extension SocketsViewSettings {
    /// The table rows for `entries`: filtered, sorted (ties keep the snapshot's order) and, when grouped,
    /// arranged under their processes (by command name, then pid; sockets without a visible owner last).
    /// `hosts` names each entry's host when the table merges hosts (``host`` then keeps one host's rows).
    public func rows(for entries: [SocketEntry], hosts: [String]? = nil) -> [SocketsRow] {
        let hosts = hosts.flatMap { $0.count == entries.count ? $0 : nil }
        var indices = entries.indices.filter { index in
            if let host, let hosts, hosts[index] != host { return false }
            return filter.matches(entries[index])
        }
        if let sortColumn {
            // Keys computed once per row, sorted by position; ties keep the snapshot's order.
            let keys = indices.map { sortColumn == .host ? SortKey(text: hosts?[$0] ?? "") : sortColumn.sortKey(entries[$0]) }
            let order = keys.indices.sorted { a, b in
                if keys[a] == keys[b] { return a < b }
                return ascending ? keys[a] < keys[b] : keys[b] < keys[a]
            }
            indices = order.map { indices[$0] }
        }
        guard groupedByProcess else { return indices.map { .socket(index: $0, group: nil) } }
        struct Group { var pid: Int32?; var command: String; var uid: UInt32?; var members: [Int] }
        var groups: [Int32: Group] = [:]
        var unowned: [Int] = []
        for index in indices {
            let owners = entries[index].owners
            if owners.isEmpty { unowned.append(index); continue }
            var seen = Set<Int32>()
            for owner in owners where seen.insert(owner.pid).inserted {
                groups[owner.pid, default: Group(pid: owner.pid, command: owner.command, uid: owner.uid, members: [])].members.append(index)
            }
        }
        var ordered = groups.values.sorted { ($0.command, $0.pid ?? -1) < ($1.command, $1.pid ?? -1) }
        if !unowned.isEmpty { ordered.append(Group(pid: nil, command: "(owner not visible)", uid: nil, members: unowned)) }
        var rows: [SocketsRow] = []
        for group in ordered {
            rows.append(.group(SocketsGroup(pid: group.pid, command: group.command, uid: group.uid, count: group.members.count)))
            rows += group.members.map { .socket(index: $0, group: group.pid) }
        }
        return rows
    }
}

/// The visible slice of the Sockets table, built on demand (the table asks only for the rows it draws).
struct SocketsTableSource: TableDataSource {
    var entries: [SocketEntry]
    /// Each entry's host (nil: one local table).
    var hosts: [String]? = nil
    /// Each host's link, for the mark after its name and the style of its rows.
    var links: [String: HostLink] = [:]
    var staleStyle: Style = .plain
    var rows: [SocketsRow]
    var columns: [SocketColumn]
    var added: Set<String>
    var changed: Set<String>
    var addedStyle: Style
    var changedStyle: Style

    /// The Process column's width, so a long command is cut instead of the pid.
    var processWidth: Int?

    var rowCount: Int { rows.count }

    private func text(_ column: SocketColumn, _ entry: SocketEntry) -> String {
        column == .process ? SocketColumn.processText(entry, width: processWidth) : column.text(entry)
    }

    func rows(in range: Range<Int>) -> [TableRow] {
        rows[range].map { row in
            switch row {
            case .group:
                // Drawn over by the panel as one full-width heading.
                return TableRow([])
            case .socket(let index, _):
                let entry = entries[index]
                // A table without hosts has no host column: its rows are the sockets' own.
                let host = hosts.flatMap { index < $0.count ? $0[index] : nil }
                let link = host.flatMap { links[$0] }
                // A host that is not connected keeps its last rows, dimmed and marked.
                if let link, !link.isConnected {
                    return TableRow(columns.map { $0 == .host ? (host ?? "") + link.rowMark : text($0, entry) }, style: staleStyle)
                }
                let id = HostedSocketRefresh.rowID(entry, host: host)
                let style = added.contains(id) ? addedStyle : changed.contains(id) ? changedStyle : .plain
                return TableRow(columns.map { $0 == .host ? host ?? "" : text($0, entry) }, style: style)
            }
        }
    }
}

extension SocketsTableModel {
    /// The table's columns; the host column fits the longest host name plus its status mark.
    func tableColumns(hostLabels: [String]?) -> [TableColumn] {
        let hostWidth = max(6, (hostLabels ?? []).map { DisplayWidth.of($0) }.max() ?? 0) + 2
        return columns.map { $0 == .host ? TableColumn($0.title, width: .min(hostWidth)) : $0.tableColumn }
    }

    /// The width the Process column gets in `area` (as the table lays it out), if it is shown.
    func processColumnWidth(_ tableColumns: [TableColumn], in area: Rect) -> Int? {
        guard let index = columns.firstIndex(of: .process) else { return nil }
        let widths = area.columns(tableColumns.map(\.width), spacing: 1)
        return index < widths.count ? widths[index].width : nil
    }
}
