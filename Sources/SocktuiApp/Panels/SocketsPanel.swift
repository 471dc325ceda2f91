import Dispatch
import Glibc
import Inspect
import SocketKit
import TerminalUI

/// What the Sockets panel's own keys do.
public enum SocketsAction: Hashable, Sendable {
    /// Table shape: the filter field, the column chooser, sorting, grouping and the details pane.
    case editFilter, chooseColumns, nextSortColumn, reverseSort, toggleGrouping, toggleDetails
    /// Details scrolling and refresh control (interval, pause, refresh now).
    case detailsUp, detailsDown, faster, slower, togglePause, refreshNow
    /// Pivots from the selected socket: capture its traffic, test a connection, inspect its options.
    case captureTraffic, testConnection, inspectOptions
    /// Opens the socket lab.
    case openLab
    /// Cycles the host shown: all hosts merged, then each host alone (`socktui --host`).
    case selectHost
}

/// The Sockets tab: every socket of the host from netlink sock_diag (or /proc/net), live.
///
/// A virtual table with user-chosen columns, sorting, a `SocketFilter` field, grouping by process, and a
/// details pane with rtt/cwnd history for TCP. Snapshots are taken on the panel's serial background queue
/// while the tab is visible: each answer re-arms a timer for the next (Bubble Tea's realtime pattern), and
/// every answer carries the refresh generation, so pausing, changing the interval or leaving the tab drops
/// answers still in flight. Periodic refreshes are not counted in ``runningJobs``: quitting loses nothing.
///
/// `O` opens the options view in place of the table (the details pane stays under it): every option of
/// the selected socket read with ``OptionInspector`` on a queue of its own, re-read at the refresh
/// interval while open, values changed since the previous read marked `~`. A read in flight counts in
/// ``runningJobs``; reads are tagged with their own generation, so closing drops them.
///
/// `L` opens the socket lab (``SocketLabView``) in place of the table: sockets created and called
/// through ``SocketLab`` on its queue, their options toggled and read back, and an echo server.
public struct SocketsPanel: Panel {
    /// The refresh intervals `+`/`-` step through, in seconds.
    public static let intervals: [Double] = [0.5, 1, 2, 5, 10, 30]

    let source: any SocketSnapshotSource
    /// The hosts whose sockets the table shows, as agent clients (this host's in-process agent when
    /// the source names none): requests about a row (its options) go to the client of its host.
    public let hosts: [AgentClient]
    let queue = DispatchQueue(label: "socktui.sockets-panel", qos: .userInitiated)
    let optionsQueue = DispatchQueue(label: "socktui.sockets-panel.options", qos: .userInitiated)
    let optionReader: OptionReader
    let optionWriter: OptionWriter
    /// What each refresh asks the engine for.
    public var query: SocketQuery
    /// Whether the process runs as root (otherwise other users' sockets have no visible owner).
    public let isRoot: Bool

    /// The last snapshot applied, if any.
    public private(set) var snapshot: SocketSnapshot?
    /// The hosts the source merges (nil: this host's table alone, no host column).
    public let hostLabels: [String]?
    /// The host of each entry of ``snapshot`` when merging hosts.
    public private(set) var entryHosts: [String]?
    /// Each merged host's link status, from the last refresh.
    public internal(set) var hostLinks: [HostLink] = []
    /// Recent rtt/cwnd samples per TCP socket, by `SocketEntry.id`.
    public private(set) var history: [String: SocketHistory] = [:]
    /// Ids of sockets new in the last refresh.
    public private(set) var added: Set<String> = []
    /// Ids of sockets whose state, queues or owners changed in the last refresh.
    public private(set) var changed: Set<String> = []
    /// Sockets gone in the last refresh.
    public private(set) var removedCount = 0
    /// Refreshes applied so far.
    public private(set) var refreshCount = 0
    /// Filter, sort and grouping.
    public internal(set) var settings = SocketsViewSettings()
    /// The table's rows under `settings`.
    public private(set) var rows: [SocketsRow] = []
    /// The columns shown, in table order.
    public private(set) var columns = SocketColumn.defaults
    /// Selection and scroll of the table.
    public private(set) var tableState = TableState()
    private var selectedKey: String?
    /// The filter field (its validation message is the filter's error).
    public private(set) var filterForm = FormState(fields: [SocketsPanel.filterField("")])
    /// Whether the filter field has the keys.
    public private(set) var isEditingFilter = false
    private var filterBeforeEditing = ""
    /// The column chooser's cursor while it is open.
    public private(set) var columnChooser: Int?
    /// Whether the details pane is shown.
    public private(set) var showsDetails = false
    private var detailsScroll = 0
    /// Index into ``intervals``.
    public private(set) var intervalIndex = 2
    /// Whether refreshing is paused.
    public private(set) var isPaused = false
    /// Whether the tab is showing (refreshes run only then).
    public private(set) var isVisible = false
    /// Whether a snapshot is being taken.
    public private(set) var isRefreshing = false
    private var refreshGeneration = Generation()
    private var isObservingHosts = false
    /// A connection test asked for with `T`, until the shell takes it (``takeConnectionTest()``).
    public private(set) var requestedConnectionTest: ConnTestRequest?
    /// A live capture asked for with `C`, until the shell takes it (``takeCaptureRequest()``).
    public private(set) var requestedCapture: LiveCaptureOptions?
    /// The last pivot or key message, shown on the panel's bottom line.
    public internal(set) var notice: StatusMessage?
    var area = Rect(x: 0, y: 0, width: 80, height: 22)
    /// The options view (`O`), while it is open.
    public internal(set) var optionsView: SocketsOptionsView?
    var optionsGeneration = Generation()
    /// The socket lab's engine: its sockets stay open while the lab view is closed.
    let socketLab: SocketLab
    /// The socket lab's state (kept while the lab is closed).
    public internal(set) var labView = SocketLabView()
    /// Whether the socket lab is shown.
    public internal(set) var isLabOpen = false
    var labEchoGeneration = Generation()

    /// Creates the panel.
    /// - Parameters:
    ///   - source: where snapshots come from (the host's socket table by default).
    ///   - query: what to ask for; by default every kind, with owners and `tcp_info`.
    ///   - isRoot: whether to skip the "run as root" label (the effective uid by default).
    ///   - hosts: the agent clients of the table's hosts (by default the source's, else this host's in-process agent).
    ///   - optionReader: how the options view reads a socket's options through its host's client (the
    ///     agent's `socketOptions` request by default).
    ///   - optionWriter: how the options view sets an option after the user confirms (``OptionInspector`` by default).
    ///   - lab: the socket lab's engine (a new, empty lab by default).
    public init(source: any SocketSnapshotSource = SocketTable(), query: SocketQuery = SocketQuery(), isRoot: Bool = geteuid() == 0,
                hosts: [AgentClient]? = nil, optionReader: @escaping OptionReader = SocketsPanel.inspectOptions,
                optionWriter: @escaping OptionWriter = SocketsPanel.setOption, lab: SocketLab = SocketLab()) {
        self.source = source
        let clients = hosts ?? source.hostClients
        self.hosts = clients.isEmpty ? [AgentClient.local()] : clients
        self.optionWriter = optionWriter
        self.socketLab = lab
        self.optionReader = optionReader
        self.query = query
        self.isRoot = isRoot
        hostLabels = source.hostLabels
        if hostLabels != nil { columns = [.host] + SocketColumn.defaults }
    }

    static func filterField(_ text: String) -> FormField {
        .text("Filter", value: text) { text in
            do throws(SocketFilterError) { _ = try SocketFilter(text); return nil } catch { return error.message }
        }
    }

    /// The tab title.
    public var title: String { "Sockets" }
    /// Table movement (the panel's other keys are in ``actionKeyMap``, taken in ``handleKey(_:)``).
    public var keyMap: KeyMap<PanelAction> { scrollKeyMap }
    /// Movement plus the panel's own keys.
    public var helpEntries: [HelpEntry] {
        scrollKeyMap.helpEntries + SocketsPanel.actionKeyMap.helpEntries + SocketsPanel.optionsHelpEntries + SocketsPanel.labHelpEntries
    }
    /// Help paragraph.
    public var helpSummary: String {
        (isMergingHosts ? "Hosts merged (socktui --host): the Host column names each row's host; a disconnected host keeps its last rows marked ✗ while it reconnects, ? means ssh needs an interactive login (run ssh HOST once); H shows one host at a time. " : "")
        + "Every socket of this host from netlink sock_diag (as ss), with owners from /proc. Filter terms: state:listen port:443 sport: dport: proc:nginx pid: family:inet6 kind:udp addr: uid: inode:, ! negates, a bare word matches any column. Rows new in the last refresh take the theme's ok style, changed rows its warning style. O shows every option of the selected socket (W allows setting them, each change confirmed); L opens the socket lab to create sockets, call them and run an echo server."
    }
    /// The refresh interval in seconds.
    public var interval: Double { SocketsPanel.intervals[intervalIndex] }

    /// The panel's own keys.
    public static let actionKeyMap = KeyMap<SocketsAction>([
        KeyBinding([.character("/")], .editFilter, "edit the filter (Enter keeps, Esc restores)"),
        KeyBinding([.character("c")], .chooseColumns, "choose columns"),
        KeyBinding([.character("s")], .nextSortColumn, "sort by the next column"),
        KeyBinding([.character("S")], .reverseSort, "reverse the sort"),
        KeyBinding([.character("p")], .toggleGrouping, "group by process"),
        KeyBinding([.enter], .toggleDetails, "details of the selected socket"),
        KeyBinding([.character("K")], .detailsUp, label: "K/J", "scroll the details"),
        KeyBinding([.character("J")], .detailsDown, "scroll the details down", listed: false),
        KeyBinding([.character("+"), .character("=")], .faster, label: "+/-", "refresh more/less often"),
        KeyBinding([.character("-")], .slower, "refresh less often", listed: false),
        KeyBinding([.character("z")], .togglePause, "pause or resume refreshing"),
        KeyBinding([.character("r")], .refreshNow, "refresh now"),
        KeyBinding([.character("C")], .captureTraffic, "capture this socket's traffic"),
        KeyBinding([.character("T")], .testConnection, "test a connection to its remote end"),
        KeyBinding([.character("O")], .inspectOptions, "options view: every socket option of the selected socket, live"),
        KeyBinding([.character("L")], .openLab, "socket lab: create sockets and call them, toggle options, run an echo server"),
        KeyBinding([.character("H")], .selectHost, "host: all merged, then each host alone (socktui --host)"),
    ])

    // MARK: Refreshing

    /// Starts refreshing when the tab shows; drops answers in flight when it hides.
    public mutating func visibilityChanged(to visible: Bool) -> Command<AppMessage>? {
        guard visible != isVisible else { return nil }
        isVisible = visible
        if visible {
            // Reopening the tab re-reads the options view right away; its timer re-arms from that answer.
            var observer: Command<AppMessage>?
            if isMergingHosts, !isObservingHosts {
                // A host dropping or coming back shows at once, not at the next refresh.
                isObservingHosts = true
                let source = self.source
                observer = .stream { post in source.observeHosts { post(.sockets(.hostLinksChanged)) } }
            }
            let options = Command.batch([optionsView != nil ? readOptions() : nil, labEchoPoll(), observer])
            if isPaused { return options }
            let table = refresh()
            return options.map { Command.batch([table, $0]) ?? table } ?? table
        }
        _ = refreshGeneration.advance()
        _ = labEchoGeneration.advance()
        isRefreshing = false
        if optionsView != nil { _ = optionsGeneration.advance(); optionsView?.isReading = false }
        return nil
    }

    /// Takes a snapshot now under a new generation (answers to older requests will be dropped).
    mutating func refresh() -> Command<AppMessage> {
        let generation = refreshGeneration.advance()
        isRefreshing = true
        return snapshotCommand(generation)
    }

    private func snapshotCommand(_ generation: Generation) -> Command<AppMessage> {
        let source = self.source, query = self.query, settings = self.settings
        let previous = snapshot?.entries, history = self.history, previousHosts = entryHosts
        return .run(on: queue) {
            // A merged source answers from what its hosts already sent: no host is waited on.
            let refresh = HostedSocketRefresh(source.hostedSnapshot(query), previous: previous, previousHosts: previousHosts, history: history)
            return .sockets(.refreshed(SocketsRefreshed(generation: generation, refresh: refresh, settings: settings)))
        }
    }

    private func timerCommand(_ generation: Generation) -> Command<AppMessage> {
        let queue = self.queue, delay = interval
        return .stream(on: queue) { post in
            queue.asyncAfter(deadline: .now() + delay) { post(.sockets(.refreshDue(generation))) }
        }
    }

    /// Applies a refresh answer (dropped when stale) and re-arms the timer.
    public mutating func update(_ message: AppMessage) -> Command<AppMessage>? {
        guard case .sockets(let message) = message else { return nil }
        switch message {
        case .refreshDue(let generation):
            guard refreshGeneration.isCurrent(generation), isVisible, !isPaused, !isRefreshing else { return nil }
            isRefreshing = true
            return snapshotCommand(generation)
        case .hostLinksChanged:
            guard isVisible, !isPaused, !isRefreshing else { return nil }
            return refresh()
        case .refreshed(let answer):
            guard refreshGeneration.isCurrent(answer.generation) else { return nil }
            isRefreshing = false
            apply(answer)
            return isVisible && !isPaused ? timerCommand(answer.generation) : nil
        case .optionsDue(let generation):
            guard optionsGeneration.isCurrent(generation), let view = optionsView, !view.isReading, isVisible else { return nil }
            // Paused: no read, but the timer keeps ticking so reading resumes with the table.
            if isPaused { return optionsTimerCommand(generation) }
            optionsView?.isReading = true
            return optionsReadCommand(view, generation)
        case .optionsRead(let answer):
            guard optionsGeneration.isCurrent(answer.generation), optionsView?.target == answer.target else { return nil }
            optionsView?.apply(answer.result)
            return isVisible ? optionsTimerCommand(answer.generation) : nil
        case .optionWritten(let answer):
            return optionWritten(answer)
        case .labAnswered, .labEchoDue:
            return updateLab(message)
        }
    }

    private mutating func apply(_ answer: SocketsRefreshed) {
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
    }

    // MARK: Rows and selection

    private var entries: [SocketEntry] { snapshot?.entries ?? [] }

    mutating func rebuildRows() { setRows(settings.rows(for: entries, hosts: entryHosts)) }

    /// Replaces the rows, keeping the selection on the same socket (or the same position if it is gone).
    private mutating func setRows(_ newRows: [SocketsRow]) {
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
    public var selectedRow: SocketsRow? {
        guard let index = tableState.selected, rows.indices.contains(index) else { return nil }
        return rows[index]
    }

    /// The selected socket (nil for a group heading or an empty table).
    public var selectedEntry: SocketEntry? {
        guard case .socket(let index, _) = selectedRow else { return nil }
        return entries[index]
    }

    /// The host of the selected socket when the table merges hosts.
    public var selectedEntryHost: String? {
        guard case .socket(let index, _) = selectedRow, let hosts = entryHosts, index < hosts.count else { return nil }
        return hosts[index]
    }

    /// Moves the selection.
    public mutating func perform(_ action: PanelAction) -> Command<AppMessage>? {
        switch action {
        case .lineUp: tableState.selectPrevious(rowCount: rows.count)
        case .lineDown: tableState.selectNext(rowCount: rows.count)
        case .pageUp: tableState.pageUp(rowCount: rows.count)
        case .pageDown: tableState.pageDown(rowCount: rows.count)
        case .top: tableState.selectFirst(rowCount: rows.count)
        case .bottom: tableState.selectLast(rowCount: rows.count)
        }
        selectedKey = selectedRow?.key(in: entries, hosts: entryHosts)
        detailsScroll = 0
        return nil
    }

    // MARK: Keys

    /// The filter field and the column chooser take every key while open; otherwise the panel's own keys.
    public mutating func handleKey(_ key: Key) -> PanelKeyResult {
        if isEditingFilter { return .handled(editFilter(key)) }
        if columnChooser != nil { chooseColumn(key); return .handled(nil) }
        if let result = handleLabKey(key) { return result }
        if let result = handleOptionsKey(key) { return result }
        guard let action = SocketsPanel.actionKeyMap.action(for: key) else { return .unhandled }
        return .handled(perform(action))
    }

    /// Performs one of the panel's own actions.
    public mutating func perform(_ action: SocketsAction) -> Command<AppMessage>? {
        notice = nil
        // The connection test pivot runs in this process: the socket of a host whose agent runs elsewhere
        // is refused. The options view (O) and a capture (C) run on the socket's host, through its agent.
        if action == .testConnection, let host = selectedEntryHost, hostClient(for: host)?.servesThisProcess != true {
            notice = StatusMessage("the connection test runs on this host only; for \(host)'s socket use socktui connect --host \(host)", kind: .warning)
            return nil
        }
        switch action {
        case .editFilter:
            isEditingFilter = true
            filterBeforeEditing = filterText
        case .chooseColumns:
            columnChooser = 0
        case .nextSortColumn:
            if let current = settings.sortColumn, let index = columns.firstIndex(of: current) {
                settings.sortColumn = columns[(index + 1) % columns.count]
            } else {
                settings.sortColumn = columns.first
            }
            settings.ascending = true
            rebuildRows()
        case .reverseSort:
            if settings.sortColumn == nil { settings.sortColumn = columns.first; settings.ascending = false } else { settings.ascending.toggle() }
            rebuildRows()
        case .toggleGrouping:
            settings.groupedByProcess.toggle()
            rebuildRows()
        case .toggleDetails:
            showsDetails.toggle()
            detailsScroll = 0
        case .detailsUp: detailsScroll = max(0, detailsScroll - 1)
        case .detailsDown: detailsScroll += 1
        case .faster, .slower:
            intervalIndex = min(max(0, intervalIndex + (action == .faster ? -1 : 1)), SocketsPanel.intervals.count - 1)
            notice = StatusMessage("refreshing every \(DurationText.seconds(interval))" + (isPaused ? " once resumed (z)" : ""))
            if isVisible && !isPaused { return refresh() }
        case .togglePause:
            isPaused.toggle()
            if isPaused {
                _ = refreshGeneration.advance()
                isRefreshing = false
                notice = StatusMessage("paused: z resumes, r refreshes once", kind: .warning)
            } else if isVisible {
                return refresh()
            }
        case .refreshNow:
            return refresh()
        case .captureTraffic:
            guard let entry = selectedEntry else { notice = StatusMessage("select a socket first", kind: .warning); break }
            if let filter = SocketsPanel.captureFilter(for: entry) {
                let interface = [entry.local.address, entry.remote.address].allSatisfy(SocketsPanel.isWildcardOrLoopback) ? "lo" : "any"
                requestedCapture = LiveCaptureOptions(interface: interface, filter: filter)
                notice = StatusMessage("capture filter: \(filter) on \(interface) (filled in on the Capture tab)")
            } else {
                notice = StatusMessage("capture: only IP sockets can be captured; this is a \(entry.kind.rawValue) socket", kind: .warning)
            }
        case .testConnection:
            guard let entry = selectedEntry else { notice = StatusMessage("select a socket first", kind: .warning); break }
            if let target = SocketsPanel.connectionTarget(for: entry), let request = SocketsPanel.connectionTest(for: entry) {
                requestedConnectionTest = request
                notice = StatusMessage("connection test: \(target) (filled in on the Tests tab)")
            } else {
                notice = StatusMessage("connection tests need a TCP or UDP socket with a port; this is \(entry.kind.rawValue)", kind: .warning)
            }
        case .inspectOptions:
            return openOptions()
        case .openLab:
            return openLab()
        case .selectHost:
            cycleHost()
            rebuildRows()
        }
        return nil
    }

    /// The filter text as typed (possibly invalid).
    public var filterText: String { filterForm.fields[0].value }
    /// Why the typed filter does not parse, if it does not.
    public var filterError: String? { filterForm.fields[0].message }

    private mutating func editFilter(_ key: Key) -> Command<AppMessage>? {
        switch key {
        case .enter:
            isEditingFilter = false
            return nil
        case .escape:
            isEditingFilter = false
            filterForm.fields[0] = SocketsPanel.filterField(filterBeforeEditing)
        default:
            guard filterForm.handle(key) else { return nil }
        }
        // Apply as the user types; while the text does not parse the last valid filter stays.
        if filterError == nil, let filter = try? SocketFilter(filterText), filter != settings.filter {
            settings.filter = filter
            rebuildRows()
        }
        return nil
    }

    private mutating func chooseColumn(_ key: Key) {
        guard var cursor = columnChooser else { return }
        let all = SocketColumn.allCases
        switch key {
        case .up, .character("k"): cursor = max(0, cursor - 1)
        case .down, .character("j"): cursor = min(all.count - 1, cursor + 1)
        case .character(" "), .character("x"):
            let column = all[cursor]
            if columns.contains(column) {
                guard columns.count > 1 else { notice = StatusMessage("at least one column stays", kind: .warning); break }
                columns.removeAll { $0 == column }
                if settings.sortColumn == column { settings.sortColumn = nil; rebuildRows() }
            } else {
                columns = all.filter { columns.contains($0) || $0 == column }
            }
        case .enter, .escape, .character("c"), .character("q"):
            columnChooser = nil
            return
        default: break
        }
        columnChooser = cursor
    }

    // MARK: Pivots

    /// A capture filter for `entry`'s traffic (protocol, then each end's host and port; wildcards left
    /// out), or `nil` for a socket that is not IP.
    public static func captureFilter(for entry: SocketEntry) -> String? {
        guard entry.kind.isInet else { return nil }
        var terms: [String]
        if entry.kind == .raw {
            terms = [entry.family == .inet6 ? "ip6" : "ip"]
            if let number = entry.protocolNumber { terms.append("proto \(number)") }
        } else {
            terms = [entry.kind.rawValue]
        }
        var hosts: [String] = []
        for end in [entry.local, entry.remote] {
            if !isWildcard(end.address), !hosts.contains(end.address) {
                hosts.append(end.address)
                terms.append("host \(end.address)")
            }
            if let port = end.port, port != 0 { terms.append("port \(port)") }
        }
        return terms.joined(separator: " and ")
    }

    /// The Tests panel's request for `entry`: a connect trace (TCP) or a UDP probe to its
    /// ``connectionTarget(for:)``; `nil` when there is none.
    public static func connectionTest(for entry: SocketEntry) -> ConnTestRequest? {
        guard let (address, port) = testEndpoint(for: entry) else { return nil }
        return entry.kind == .tcp ? .connect(ConnectRequest(host: address, port: port)) : .udp(UDPProbeRequest(host: address, port: port))
    }

    /// Takes the live capture asked for with `C`, if any (the shell hands it to the Capture panel).
    public mutating func takeCaptureRequest() -> LiveCaptureOptions? {
        defer { requestedCapture = nil }
        return requestedCapture
    }

    /// Takes the connection test asked for with `T`, if any (the shell hands it to the Tests panel).
    public mutating func takeConnectionTest() -> ConnTestRequest? {
        defer { requestedConnectionTest = nil }
        return requestedConnectionTest
    }

    /// Where a connection test would go: the remote end, or for a listener or an unconnected socket its
    /// own address (the loopback address when bound to the wildcard). `nil` when there is no port.
    public static func connectionTarget(for entry: SocketEntry) -> String? {
        guard let (address, port) = testEndpoint(for: entry) else { return nil }
        return "\(entry.kind.rawValue) \(SocketEndpoint(address: address, port: port))"
    }

    private static func testEndpoint(for entry: SocketEntry) -> (String, Int)? {
        guard entry.kind == .tcp || entry.kind == .udp else { return nil }
        var end = entry.remote
        if end.port == nil || end.port == 0 || isWildcard(end.address) { end = entry.local }
        guard let port = end.port, port != 0 else { return nil }
        return (isWildcard(end.address) ? (entry.family == .inet6 ? "::1" : "127.0.0.1") : end.address, port)
    }

    static func isWildcard(_ address: String) -> Bool { address == "*" || address == "0.0.0.0" || address == "::" }

    /// Loopback addresses, and the wildcard of an unconnected peer (which says nothing about the interface).
    private static func isWildcardOrLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address == "0.0.0.0" || address == "::" || address == "*"
    }

    // MARK: Drawing

    /// A read of the options view in flight counts; refreshes do not (they run all the time the tab shows
    /// and quitting loses nothing).
    public var runningJobs: Int {
        (optionsView?.isReading == true ? 1 : 0) + (optionsView?.isWriting == true ? 1 : 0) + labView.inFlight
    }

    /// The socket count and refresh state, or the last notice.
    public var statusHint: String {
        if let notice { return notice.text }
        if isLabOpen { return labStatusHint }
        guard let snapshot else { return "taking the first snapshot…" }
        return "\(socketCount) of \(snapshot.entries.count) sockets, " + (isPaused ? "paused" : "every \(DurationText.seconds(interval))")
    }

    private var socketCount: Int {
        settings.groupedByProcess ? Set(rows.compactMap { if case .socket(let index, _) = $0 { index } else { nil } }).count : rows.count
    }

    /// Remembers the area for paging.
    public mutating func resize(to area: Rect) { self.area = area }

    /// The lines between the filter and the table: counts, source, privileges and warnings.
    func infoLines(theme: Theme) -> [Line] {
        guard let snapshot else {
            return [Line(isPaused ? "paused before the first snapshot: z resumes" : "taking the first snapshot…", style: Style().adding(.dim))]
                + (hostsLine(theme: theme).map { [$0] } ?? [])
        }
        var spans = [Span("\(socketCount) of \(snapshot.entries.count) sockets")]
        spans.append(Span(isPaused ? " · paused" : " · every \(DurationText.seconds(interval))", style: isPaused ? theme[.warning] : .plain))
        if isRefreshing { spans.append(Span(" · refreshing…", style: Style().adding(.dim))) }
        if !added.isEmpty { spans.append(Span(" · +\(added.count) new", style: theme[.ok])) }
        if !changed.isEmpty { spans.append(Span(" · ~\(changed.count) changed", style: theme[.warning])) }
        if removedCount > 0 { spans.append(Span(" · −\(removedCount) gone")) }
        spans.append(Span(" · source: \(SocketsPanel.sourceSummary(snapshot.sources))"))
        var lines = [Line(spans)]
        if snapshot.hiddenProcesses > 0 && !isRoot {
            lines.append(Line("⚠ \(snapshot.hiddenProcesses) processes not readable: run as root to see which process owns their sockets", style: theme[.warning]))
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

    /// Draws the filter, the info lines, the table, the details pane and the key line.
    public func render(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        Clear(style: theme[.base]).render(in: area, into: &buffer)
        let block = Block(title: Line(isLabOpen ? "Sockets · socket lab (Esc closes; its sockets stay open)" : "Sockets"))
            .borderStyle(theme[.focus]).titleStyle(theme[.title])
        block.render(in: area, into: &buffer)
        let inner = block.inner(area).inset(horizontal: 1, vertical: 0)
        guard inner.height >= 4, inner.width >= 10 else { return }
        if isLabOpen {
            let parts = inner.rows([.min(3), .fixed(1)])
            renderLab(in: parts[0], into: &buffer, theme: theme)
            renderKeyLine(in: parts[1], into: &buffer, theme: theme)
            return
        }
        let info = infoLines(theme: theme)
        var details: (lines: Int, content: SocketDetails?)? = nil
        // The options view keeps the sock_diag details of its socket in sight.
        if showsDetails || optionsView != nil {
            switch selectedRow {
            case .socket(let index, _):
                let content = SocketDetails(entry: entries[index], history: history[rowID(index)], hiddenProcesses: snapshot?.hiddenProcesses ?? 0)
                details = (content.sparklineRows + content.fieldRows(width: inner.width - 4), content)
            case .group: details = (1, nil)
            case nil: details = (1, nil)
            }
        }
        let fixed = 1 + info.count + 1
        // The details take what they need, but at most about half the body (K/J scroll the rest).
        let body = inner.height - fixed
        let share = optionsView == nil ? 55 : 35
        let detailsHeight = details.map { min($0.lines + 2, max(0, body - 4), max(6, body * share / 100)) } ?? 0
        let parts = inner.rows([.fixed(1), .fixed(info.count), .min(2), .fixed(detailsHeight), .fixed(1)])
        renderFilter(in: parts[0], into: &buffer, theme: theme)
        for (n, line) in info.enumerated() { line.render(in: parts[1].row(n), into: &buffer) }
        if let optionsView {
            renderOptions(optionsView, in: parts[2], into: &buffer, theme: theme)
        } else {
            renderTable(in: parts[2], into: &buffer, theme: theme)
        }
        if let details, detailsHeight >= 3 {
            let box = Block(title: Line("Details" + (detailsScroll > 0 ? " (K/J scroll)" : ""))).borderStyle(theme[.border]).titleStyle(theme[.title])
            box.render(in: parts[3], into: &buffer)
            let content = box.inner(parts[3]).inset(horizontal: 1, vertical: 0)
            if let socket = details.content {
                socket.render(in: content, into: &buffer, theme: theme, scroll: detailsScroll)
            } else if case .group(let group) = selectedRow {
                SocketGroupDetails(group: group).line.render(in: content, into: &buffer)
            } else {
                Line("no socket selected", style: Style().adding(.dim)).render(in: content, into: &buffer)
            }
        }
        renderKeyLine(in: parts[4], into: &buffer, theme: theme)
        if let write = optionsView?.pendingWrite { renderWriteConfirmation(write, in: area, into: &buffer, theme: theme) }
        if let cursor = columnChooser { renderColumnChooser(cursor: cursor, in: area, into: &buffer, theme: theme) }
    }

    private func renderFilter(in area: Rect, into buffer: inout Buffer, theme: Theme) {
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

    private func renderTable(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        var source = SocketsTableSource(entries: entries, hosts: entryHosts,
                                        links: Dictionary(hostLinks.map { ($0.host, $0) }, uniquingKeysWith: { first, _ in first }),
                                        staleStyle: theme[.error].adding(.dim),
                                        rows: rows, columns: columns, added: added, changed: changed,
                                        addedStyle: theme[.ok], changedStyle: theme[.warning])
        let sortIndex = settings.sortColumn.flatMap { columns.firstIndex(of: $0) }
        let selection = theme[.selection] == .plain ? Style().reversed() : theme[.selection]
        var state = tableState
        let tableColumns = self.tableColumns
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

    private func renderKeyLine(in area: Rect, into buffer: inout Buffer, theme: Theme) {
        if let notice {
            Line(DisplayWidth.truncate(notice.text, to: area.width), style: theme[notice.kind.panelRole]).render(in: area, into: &buffer)
            return
        }
        let text = isLabOpen ? labKeyLine : isEditingFilter ? "typing a filter: Enter keeps it, Esc restores the previous one, Ctrl-U clears"
            : optionsView?.allowsWrites == true ? optionWriteKeyLine
            : optionsView != nil ? "options: Esc closes  ↑↓ scroll  / find  r re-read  ~ changed since the last read  z pause  ? all keys"
            : isMergingHosts ? "/ filter  c columns  s sort  p group  H host  Enter details  z pause  ? all keys"
            : "/ filter  c columns  s sort  p group  Enter details  z pause  ? all keys"
        Line(KeyHints.fit(text, width: area.width), style: Style().adding(.dim)).render(in: area, into: &buffer)
    }

    private func renderColumnChooser(cursor: Int, in area: Rect, into buffer: inout Buffer, theme: Theme) {
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
