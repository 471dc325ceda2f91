import Inspect
import SocketKit
import TerminalUI

/// The Sockets panel's table: the last refresh's rows with their hosts, highlights and histories, the
/// filter field, the columns and their chooser, sorting and grouping, and the selection (kept on the
/// same socket across refreshes). It owns its refresh generation (answers of an older one are
/// dropped) and its in-flight flag; ``cancel()`` drops the refresh in flight.
struct SocketsTableModel: Sendable {
    /// The last snapshot applied, if any.
    var snapshot: SocketSnapshot?
    /// The host of each entry of `snapshot` when the table merges hosts.
    var entryHosts: [String]?
    /// Each merged host's link status, from the last refresh.
    var hostLinks: [HostLink] = []
    /// Recent rtt/cwnd samples per TCP row, by ``HostedSocketRefresh/rowID(_:host:)``.
    var history: [String: SocketHistory] = [:]
    /// Ids of the rows new in the last refresh, and of those whose state, queues or owners changed.
    var added: Set<String> = [], changed: Set<String> = []
    /// Sockets gone in the last refresh.
    var removedCount = 0
    /// Refreshes applied so far.
    var refreshCount = 0
    /// Filter, sort, grouping and host.
    var settings = SocketsViewSettings()
    /// The rows under `settings`.
    var rows: [SocketsRow] = []
    /// The columns shown, in table order.
    var columns = SocketColumn.defaults
    /// Selection and scroll.
    var tableState = TableState()
    var selectedKey: String?
    /// The filter field (its validation message is the filter's error).
    var filterForm = FormState(fields: [SocketsTableModel.filterField("")])
    /// Whether the filter field has the keys.
    var isEditingFilter = false
    var filterBeforeEditing = ""
    /// The column chooser's cursor while it is open.
    var columnChooser: Int?
    /// The refresh generation: answers to older requests are dropped.
    var generation = Generation()
    /// Whether a snapshot is being taken (the cancel flag's other half: ``cancel()`` clears it).
    var isRefreshing = false

    init(hostColumn: Bool) {
        if hostColumn { columns = [.host] + SocketColumn.defaults }
    }

    static func filterField(_ text: String) -> FormField {
        .text("Filter", value: text) { text in
            do throws(SocketFilterError) { _ = try SocketFilter(text); return nil } catch { return error.message }
        }
    }

    /// A new refresh generation, marked in flight.
    mutating func startRefresh() -> Generation {
        isRefreshing = true
        return generation.advance()
    }

    /// Drops the refresh in flight: its answer will not apply.
    mutating func cancel() {
        _ = generation.advance()
        isRefreshing = false
    }

    /// Applies a refresh answer of the current generation; false for a stale one.
    mutating func apply(_ answer: SocketsRefreshed) -> Bool {
        guard generation.isCurrent(answer.generation) else { return false }
        isRefreshing = false
        snapshot = answer.snapshot
        history = answer.history
        added = answer.addedIDs
        changed = answer.changedIDs
        removedCount = answer.diff.removed.count
        refreshCount += 1
        entryHosts = answer.hosts
        hostLinks = HostLink.keepingProblems(answer.links, previous: hostLinks)
        // The user may have changed the filter or sort while the snapshot was taken.
        setRows(answer.settings == settings ? answer.rows : settings.rows(for: answer.snapshot.entries, hosts: answer.hosts))
        return true
    }

    var entries: [SocketEntry] { snapshot?.entries ?? [] }

    mutating func rebuildRows() { setRows(settings.rows(for: entries, hosts: entryHosts)) }

    /// Replaces the rows, keeping the selection on the same socket (or the same position if it is gone).
    mutating func setRows(_ newRows: [SocketsRow]) {
        let entries = self.entries
        let oldIndex = tableState.selected
        rows = newRows
        guard !rows.isEmpty else { tableState.selected = nil; return }
        if let key = selectedKey {
            if let oldIndex, oldIndex < rows.count, rows[oldIndex].key(in: entries, hosts: entryHosts) == key {
                tableState.selected = oldIndex
            } else if let found = rows.firstIndex(where: { $0.key(in: entries, hosts: entryHosts) == key }) {
                tableState.selected = found
            } else {
                tableState.selected = min(oldIndex ?? 0, rows.count - 1)
            }
        } else {
            tableState.selected = 0
        }
        selectedKey = rows[tableState.selected!].key(in: entries, hosts: entryHosts)
    }

    /// The selected row, if any.
    var selectedRow: SocketsRow? {
        guard let index = tableState.selected, rows.indices.contains(index) else { return nil }
        return rows[index]
    }

    /// The selected socket (nil for a group heading or an empty table).
    var selectedEntry: SocketEntry? {
        guard case .socket(let index, _) = selectedRow else { return nil }
        return entries[index]
    }

    /// The host of the selected socket when the table merges hosts.
    var selectedEntryHost: String? {
        guard case .socket(let index, _) = selectedRow, let hosts = entryHosts, index < hosts.count else { return nil }
        return hosts[index]
    }

    /// Moves the selection.
    mutating func move(_ action: PanelAction) {
        switch action {
        case .lineUp: tableState.selectPrevious(rowCount: rows.count)
        case .lineDown: tableState.selectNext(rowCount: rows.count)
        case .pageUp: tableState.pageUp(rowCount: rows.count)
        case .pageDown: tableState.pageDown(rowCount: rows.count)
        case .top: tableState.selectFirst(rowCount: rows.count)
        case .bottom: tableState.selectLast(rowCount: rows.count)
        }
        selectedKey = selectedRow?.key(in: entries, hosts: entryHosts)
    }

    /// `s`: sort by the next column; `S`: reverse the sort; `p`: group by process.
    mutating func sortByNextColumn() {
        if let current = settings.sortColumn, let index = columns.firstIndex(of: current) {
            settings.sortColumn = columns[(index + 1) % columns.count]
        } else {
            settings.sortColumn = columns.first
        }
        settings.ascending = true
        rebuildRows()
    }

    mutating func reverseSort() {
        if settings.sortColumn == nil {
            settings.sortColumn = columns.first; settings.ascending = false
        } else {
            settings.ascending.toggle()
        }
        rebuildRows()
    }

    mutating func toggleGrouping() {
        settings.groupedByProcess.toggle()
        rebuildRows()
    }

    /// Opens the filter field.
    mutating func startEditingFilter() {
        isEditingFilter = true
        filterBeforeEditing = filterText
    }

    /// The filter text as typed (possibly invalid).
    var filterText: String { filterForm.fields[0].value }
    /// Why the typed filter does not parse, if it does not.
    var filterError: String? { filterForm.fields[0].message }

    /// The filter field's keys while it is open: the filter applies as the user types.
    mutating func editFilter(_ key: Key) {
        switch key {
        case .enter:
            isEditingFilter = false
            return
        case .escape:
            isEditingFilter = false
            filterForm.fields[0] = SocketsTableModel.filterField(filterBeforeEditing)
        default:
            guard filterForm.handle(key) else { return }
        }
        // Apply as the user types; while the text does not parse the last valid filter stays.
        if filterError == nil, let filter = try? SocketFilter(filterText), filter != settings.filter {
            settings.filter = filter
            rebuildRows()
        }
    }

    /// The column chooser's keys while it is open; a warning when the key was refused.
    mutating func chooseColumn(_ key: Key) -> StatusMessage? {
        guard var cursor = columnChooser else { return nil }
        let all = SocketColumn.allCases
        switch key {
        case .up, .character("k"): cursor = max(0, cursor - 1)
        case .down, .character("j"): cursor = min(all.count - 1, cursor + 1)
        case .character(" "), .character("x"):
            let column = all[cursor]
            if columns.contains(column) {
                guard columns.count > 1 else { columnChooser = cursor; return StatusMessage("at least one column stays", kind: .warning) }
                columns.removeAll { $0 == column }
                if settings.sortColumn == column { settings.sortColumn = nil; rebuildRows() }
            } else {
                columns = all.filter { columns.contains($0) || $0 == column }
            }
        case .enter, .escape, .character("c"), .character("q"):
            columnChooser = nil
            return nil
        default: break
        }
        columnChooser = cursor
        return nil
    }

    /// The socket count shown: the sockets of the rows (not the group headings).
    var socketCount: Int {
        settings.groupedByProcess ? Set(rows.compactMap { if case .socket(let index, _) = $0 { index } else { nil } }).count : rows.count
    }

    /// The identity of `entries[index]`, as ``HostedSocketRefresh/rowID(_:host:)``.
    func rowID(_ index: Int) -> String {
        HostedSocketRefresh.rowID(entries[index], host: entryHosts.flatMap { index < $0.count ? $0[index] : nil })
    }

    /// Draws the filter line (the field while it is edited).
    func renderFilter(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        let label = Span("Filter: ", style: isEditingFilter ? theme[.focus].bold() : theme[.header])
        var spans = [label]
        if isEditingFilter, case .text(let value, let cursor) = filterForm.fields[0].kind {
            let characters = Array(value)
            let at = min(cursor, characters.count)
            spans.append(Span(String(characters[..<at])))
            spans.append(Span(at < characters.count ? String(characters[at]) : " ", style: Style().reversed()))
            if at + 1 < characters.count { spans.append(Span(String(characters[(at + 1)...]))) }
        } else if filterText.isEmpty {
            spans.append(Span("none (/ to filter, e.g. state:listen port:443 proc:nginx)", style: Style().adding(.dim)))
        } else {
            spans.append(Span(filterText))
        }
        if let error = filterError {
            spans.append(Span("  ✗ \(error)", style: theme[.error]))
        }
        Line(spans).render(in: area, into: &buffer)
    }

    /// Draws the rows (group headings across the whole row) under their header.
    func renderTable(in area: Rect, into buffer: inout Buffer, theme: Theme, hostLabels: [String]?) {
        var source = SocketsTableSource(
            entries: entries, hosts: entryHosts,
            links: Dictionary(hostLinks.map { ($0.host, $0) }, uniquingKeysWith: { first, _ in first }),
            staleStyle: theme[.error].adding(.dim),
            rows: rows, columns: columns, added: added, changed: changed,
            addedStyle: theme[.ok], changedStyle: theme[.warning])
        let sortIndex = settings.sortColumn.flatMap { columns.firstIndex(of: $0) }
        let selection = theme[.selection] == .plain ? Style().reversed() : theme[.selection]
        var state = tableState
        let tableColumns = self.tableColumns(hostLabels: hostLabels)
        source.processWidth = processColumnWidth(tableColumns, in: area)
        Table(source: source, columns: tableColumns)
            .sort(sortIndex.map { SortIndicator(column: $0, ascending: settings.ascending) })
            .headerStyle(theme[.header]).selectedStyle(selection)
            .render(in: area, into: &buffer, state: &state)
        // Group headings span the whole row.
        let body = max(0, area.height - 1)
        for n in 0..<body where state.offset + n < rows.count {
            guard case .group(let group) = rows[state.offset + n] else { continue }
            var style = theme[.header].bold()
            if state.selected == state.offset + n { style = style.patch(selection) }
            let who = group.pid.map { "\(group.command)  pid \($0)" + (group.uid.map { "  uid \($0)" } ?? "") } ?? group.command
            let text = "▾ \(who)  (\(group.count) socket\(group.count == 1 ? "" : "s"))"
            let row = Rect(x: area.x, y: area.y + 1 + n, width: area.width, height: 1)
            Clear(style: style).render(in: row, into: &buffer)
            Line(text, style: style).render(in: row, into: &buffer)
        }
        if rows.isEmpty, snapshot != nil, area.height >= 2 {
            let why = entries.isEmpty ? "no sockets found" : "no socket matches the filter"
            Line(why, style: Style().adding(.dim)).render(in: area.row(1), into: &buffer)
        }
    }

    /// Draws the column chooser popup.
    func renderColumnChooser(cursor: Int, in area: Rect, into buffer: inout Buffer, theme: Theme) {
        var lines = [Line("Space toggles, Enter or Esc closes", style: Style().adding(.dim))]
        for (n, column) in SocketColumn.allCases.enumerated() {
            let mark = columns.contains(column) ? "[x]" : "[ ]"
            let text = "\(mark) \(column.title + String(repeating: " ", count: max(0, 8 - column.title.count))) \(column.summary)"
            lines.append(Line(text, style: n == cursor ? Style().reversed() : .plain))
        }
        Popup(title: "Columns", lines: lines, width: 70).style(theme[.base]).borderStyle(theme[.focus])
            .scroll(max(0, cursor + 2 - (area.height - 2)))
            .render(in: area, into: &buffer)
    }
}
