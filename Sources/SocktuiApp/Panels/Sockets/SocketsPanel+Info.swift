import Inspect
import SocketKit
import TerminalUI

/// The table's state as the panel's public API shows it (kept in ``SocketsTableModel`` and
/// ``SocketsDetailsModel``), and the lines around the table.
extension SocketsPanel {
    /// The last snapshot applied, if any.
    public var snapshot: SocketSnapshot? { table.snapshot }
    /// The host of each entry of ``snapshot`` when merging hosts.
    public var entryHosts: [String]? { table.entryHosts }
    /// Each merged host's link status, from the last refresh.
    public internal(set) var hostLinks: [HostLink] {
        get { table.hostLinks }
        set { table.hostLinks = newValue }
    }
    /// Recent rtt/cwnd samples per TCP row.
    public var history: [String: SocketHistory] { table.history }
    /// Ids of the rows new in the last refresh.
    public var added: Set<String> { table.added }
    /// Ids of the rows whose state, queues or owners changed in the last refresh.
    public var changed: Set<String> { table.changed }
    /// Sockets gone in the last refresh.
    public var removedCount: Int { table.removedCount }
    /// Refreshes applied so far.
    public var refreshCount: Int { table.refreshCount }
    /// Filter, sort, grouping and host.
    public internal(set) var settings: SocketsViewSettings {
        get { table.settings }
        set { table.settings = newValue }
    }
    /// The table's rows under ``settings``.
    public var rows: [SocketsRow] { table.rows }
    /// The columns shown, in table order.
    public var columns: [SocketColumn] { table.columns }
    /// Selection and scroll of the table.
    public var tableState: TableState { table.tableState }
    /// The filter field (its validation message is the filter's error).
    public var filterForm: FormState { table.filterForm }
    /// Whether the filter field has the keys.
    public var isEditingFilter: Bool { table.isEditingFilter }
    /// The column chooser's cursor while it is open.
    public var columnChooser: Int? { table.columnChooser }
    /// Whether a snapshot is being taken.
    public var isRefreshing: Bool { table.isRefreshing }
    /// The options view (`O`), while it is open.
    public internal(set) var optionsView: SocketsOptionsView? {
        get { options.view }
        set { options.view = newValue }
    }
    /// Whether the details pane is shown.
    public var showsDetails: Bool { details.isShown }
    /// The filter text as typed (possibly invalid).
    public var filterText: String { table.filterText }
    /// Why the typed filter does not parse, if it does not.
    public var filterError: String? { table.filterError }
    /// The selected row, if any.
    public var selectedRow: SocketsRow? { table.selectedRow }
    /// The selected socket (nil for a group heading or an empty table).
    public var selectedEntry: SocketEntry? { table.selectedEntry }
    /// The host of the selected socket when the table merges hosts.
    public var selectedEntryHost: String? { table.selectedEntryHost }

    /// The lines between the filter and the table: counts, source, privileges and warnings.
    func infoLines(theme: Theme) -> [Line] {
        guard let snapshot = table.snapshot else {
            return [
                Line(isPaused ? "paused before the first snapshot: z resumes" : "taking the first snapshot…", style: Style().adding(.dim))
            ]
                + (hostsLine(theme: theme).map { [$0] } ?? [])
        }
        var spans = [Span("\(table.socketCount) of \(snapshot.entries.count) sockets")]
        spans.append(
            Span(isPaused ? " · paused" : " · every \(DurationText.seconds(interval))", style: isPaused ? theme[.warning] : .plain))
        if table.isRefreshing { spans.append(Span(" · refreshing…", style: Style().adding(.dim))) }
        if !table.added.isEmpty { spans.append(Span(" · +\(table.added.count) new", style: theme[.ok])) }
        if !table.changed.isEmpty { spans.append(Span(" · ~\(table.changed.count) changed", style: theme[.warning])) }
        if table.removedCount > 0 { spans.append(Span(" · −\(table.removedCount) gone")) }
        spans.append(Span(" · source: \(SocketsPanel.sourceSummary(snapshot.sources))"))
        var lines = [Line(spans)]
        if snapshot.hiddenProcesses > 0 && !isRoot {
            lines.append(
                Line(
                    "⚠ \(snapshot.hiddenProcesses) processes not readable: run as root to see which process owns their sockets",
                    style: theme[.warning]))
        }
        if let hosts = hostsLine(theme: theme) { lines.append(hosts) }
        lines += hostProblemLines(theme: theme)
        if let first = snapshot.warnings.first {
            let more = snapshot.warnings.count > 1 ? " (+\(snapshot.warnings.count - 1) more)" : ""
            lines.append(Line("⚠ \(first)\(more)", style: theme[.warning]))
        }
        return lines
    }

    /// `netlink`, or per source the kinds it served: `netlink (tcp udp) · /proc/net/unix (u_str)`.
    static func sourceSummary(_ sources: [String: String]) -> String {
        let bySource = Dictionary(grouping: sources.keys, by: { sources[$0]! })
        if bySource.count == 1 { return bySource.keys.first! }
        if bySource.isEmpty { return "none" }
        let order = Dictionary(uniqueKeysWithValues: SocketKind.allCases.enumerated().map { ($1.rawValue, $0) })
        return bySource.sorted { $0.key < $1.key }.map { source, kinds in
            "\(source) (\(kinds.sorted { (order[$0] ?? 99) < (order[$1] ?? 99) }.joined(separator: " ")))"
        }.joined(separator: " · ")
    }

    func renderKeyLine(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        if let notice {
            Line(DisplayWidth.truncate(notice.text, to: area.width), style: theme[notice.kind.panelRole]).render(in: area, into: &buffer)
            return
        }
        let text =
            isLabOpen
            ? labKeyLine
            : table.isEditingFilter
                ? "typing a filter: Enter keeps it, Esc restores the previous one, Ctrl-U clears"
                : optionsView?.allowsWrites == true
                    ? options.optionWriteKeyLine
                    : optionsView != nil
                        ? "options: Esc closes  ↑↓ scroll  / find  r re-read  ~ changed since the last read  z pause  ? all keys"
                        : isMergingHosts
                            ? "/ filter  c columns  s sort  p group  H host  Enter details  z pause  ? all keys"
                            : "/ filter  c columns  s sort  p group  Enter details  z pause  ? all keys"
        Line(KeyHints.fit(text, width: area.width), style: Style().adding(.dim)).render(in: area, into: &buffer)
    }
}
