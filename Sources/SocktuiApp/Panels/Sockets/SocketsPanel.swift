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
    /// What each refresh asks the engine for.
    public var query: SocketQuery
    /// Whether the process runs as root (otherwise other users' sockets have no visible owner).
    public let isRoot: Bool

    /// The hosts the source merges (nil: this host's table alone, no host column).
    public let hostLabels: [String]?
    /// The table: rows, filter, columns, sort and selection, with its refresh generation.
    var table: SocketsTableModel
    /// The details pane under the table.
    var details = SocketsDetailsModel()
    /// Index into ``intervals``.
    public private(set) var intervalIndex = 2
    /// Whether refreshing is paused.
    public private(set) var isPaused = false
    /// Whether the tab is showing (refreshes run only then).
    public private(set) var isVisible = false
    private var isObservingHosts = false
    /// The last pivot or key message, shown on the panel's bottom line.
    public internal(set) var notice: StatusMessage?
    var area = Rect(x: 0, y: 0, width: 80, height: 22)
    /// The options view (`O`): the view while open, its host's client and its reads.
    var options: SocketsOptionsModel
    /// The socket lab: its engine, view and echo polling.
    var lab: SocketLabModel

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
    public init(
        source: any SocketSnapshotSource = SocketTable(), query: SocketQuery = SocketQuery(), isRoot: Bool = geteuid() == 0,
        hosts: [AgentClient]? = nil, optionReader: @escaping OptionReader = SocketsPanel.inspectOptions,
        optionWriter: @escaping OptionWriter = SocketsPanel.setOption, lab: SocketLab = SocketLab()
    ) {
        self.source = source
        let clients = hosts ?? source.hostClients
        self.hosts = clients.isEmpty ? [AgentClient.local()] : clients
        self.lab = SocketLabModel(engine: lab)
        options = SocketsOptionsModel(reader: optionReader, writer: optionWriter)
        self.query = query
        self.isRoot = isRoot
        hostLabels = source.hostLabels
        table = SocketsTableModel(hostColumn: hostLabels != nil)
    }

    /// The tab title.
    public var title: String { "Sockets" }
    /// Table movement (the panel's other keys are in ``actionKeyMap``, taken in ``handleKey(_:)``).
    public var keyMap: KeyMap<PanelAction> { scrollKeyMap }
    /// Movement plus the panel's own keys.
    public var helpEntries: [HelpEntry] {
        scrollKeyMap.helpEntries + SocketsPanel.actionKeyMap.helpEntries + SocketsPanel.optionsHelpEntries + SocketsPanel.labHelpEntries
    }
    /// Help paragraph: ``hostsHelp`` when hosts are merged, then ``tableHelp``.
    public var helpSummary: String {
        ((isMergingHosts ? SocketsPanel.hostsHelp : []) + SocketsPanel.tableHelp).joined(separator: " ")
    }

    /// The help paragraph's part on merged hosts, a phrase a line.
    static let hostsHelp = [
        "Hosts merged (socktui --host): the Host column names each row's host;",
        "a disconnected host keeps its last rows marked ✗ while it reconnects, ? means ssh needs an interactive login (run ssh HOST once);",
        "H shows one host at a time."
    ]

    /// The help paragraph's part on the table, the options view and the lab, a phrase a line.
    static let tableHelp = [
        "Every socket of this host from netlink sock_diag (as ss), with owners from /proc.",
        "Filter terms: state:listen port:443 sport: dport: proc:nginx pid: family:inet6 kind:udp addr: uid: inode:, ! negates, a bare word matches any column.",
        "Rows new in the last refresh take the theme's ok style, changed rows its warning style.",
        "O shows every option of the selected socket (W allows setting them, each change confirmed);",
        "L opens the socket lab to create sockets, call them and run an echo server."
    ]

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
        KeyBinding([.character("H")], .selectHost, "host: all merged, then each host alone (socktui --host)")
    ])

    // MARK: Refreshing

    /// Starts refreshing when the tab shows; drops answers in flight when it hides.
    public mutating func visibilityChanged(to visible: Bool) -> Command<AppMessage>? {
        guard visible != isVisible else { return nil }
        isVisible = visible
        lab.isVisible = visible
        if visible {
            // Reopening the tab re-reads the options view right away; its timer re-arms from that answer.
            var observer: Command<AppMessage>?
            if isMergingHosts, !isObservingHosts {
                // A host dropping or coming back shows at once, not at the next refresh.
                isObservingHosts = true
                let source = self.source
                observer = .stream { post in source.observeHosts { post(.sockets(.hostLinksChanged)) } }
            }
            let options = Command.batch([options.readOptions(), lab.labEchoPoll(), observer])
            if isPaused { return options }
            let table = refresh()
            return options.map { Command.batch([table, $0]) ?? table } ?? table
        }
        table.cancel()
        lab.cancel()
        if options.view != nil { options.cancel() }
        return nil
    }

    /// Takes a snapshot now under a new generation (answers to older requests will be dropped).
    mutating func refresh() -> Command<AppMessage> {
        snapshotCommand(table.startRefresh())
    }

    private func snapshotCommand(_ generation: Generation) -> Command<AppMessage> {
        let source = self.source, query = self.query, settings = table.settings
        let previous = table.snapshot?.entries, history = table.history, previousHosts = table.entryHosts
        return .run(on: queue) {
            // A merged source answers from what its hosts already sent: no host is waited on.
            let refresh = HostedSocketRefresh(
                source.hostedSnapshot(query), previous: previous, previousHosts: previousHosts, history: history)
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
            guard table.generation.isCurrent(generation), isVisible, !isPaused, !table.isRefreshing else { return nil }
            table.isRefreshing = true
            return snapshotCommand(generation)
        case .hostLinksChanged:
            guard isVisible, !isPaused, !table.isRefreshing else { return nil }
            return refresh()
        case .refreshed(let answer):
            guard table.apply(answer) else { return nil }
            return isVisible && !isPaused ? timerCommand(answer.generation) : nil
        case .optionsDue(let generation):
            return options.due(generation, visible: isVisible, paused: isPaused, interval: interval)
        case .optionsRead(let answer):
            return options.apply(answer, visible: isVisible, interval: interval)
        case .optionWritten(let answer):
            return withOptions { $0.optionWritten(answer) }
        case .labAnswered, .labEchoDue:
            return lab.updateLab(message)
        }
    }

    /// Moves the selection.
    public mutating func perform(_ action: PanelAction) -> Command<AppMessage>? {
        table.move(action)
        details.scroll = 0
        return nil
    }

    // MARK: Keys

    /// The filter field and the column chooser take every key while open; otherwise the panel's own keys.
    public mutating func handleKey(_ key: Key) -> PanelKeyResult {
        if table.isEditingFilter { table.editFilter(key); return .handled(nil) }
        if table.columnChooser != nil {
            if let refused = table.chooseColumn(key) { notice = refused }
            return .handled(nil)
        }
        if let result = handleLabKey(key) { return result }
        if options.view != nil, let result = withOptions({ $0.handleOptionsKey(key) }) { return result }
        guard let action = SocketsPanel.actionKeyMap.action(for: key) else { return .unhandled }
        return .handled(perform(action))
    }

    /// Performs one of the panel's own actions.
    public mutating func perform(_ action: SocketsAction) -> Command<AppMessage>? {
        notice = nil
        // The connection test pivot runs in this process: the socket of a host whose agent runs elsewhere
        // is refused. The options view (O) and a capture (C) run on the socket's host, through its agent.
        if action == .testConnection, let host = selectedEntryHost, hostClient(for: host)?.servesThisProcess != true {
            notice = StatusMessage(
                "the connection test runs on this host only; for \(host)'s socket use socktui connect --host \(host)", kind: .warning)
            return nil
        }
        switch action {
        case .editFilter: table.startEditingFilter()
        case .chooseColumns: table.columnChooser = 0
        case .nextSortColumn: table.sortByNextColumn()
        case .reverseSort: table.reverseSort()
        case .toggleGrouping: table.toggleGrouping()
        case .toggleDetails, .detailsUp, .detailsDown: details.perform(action)
        case .faster, .slower:
            intervalIndex = min(max(0, intervalIndex + (action == .faster ? -1 : 1)), SocketsPanel.intervals.count - 1)
            notice = StatusMessage("refreshing every \(DurationText.seconds(interval))" + (isPaused ? " once resumed (z)" : ""))
            if isVisible && !isPaused { return refresh() }
        case .togglePause:
            isPaused.toggle()
            if isPaused {
                table.cancel()
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
                notice = StatusMessage("capture filter: \(filter) on \(interface) (filled in on the Capture tab)")
                // Captured on the socket's own host.
                return .send(.pivot(.capture(LiveCaptureOptions(interface: interface, filter: filter), host: selectedEntryHost)))
            } else {
                notice = StatusMessage("capture: only IP sockets can be captured; this is a \(entry.kind.rawValue) socket", kind: .warning)
            }
        case .testConnection:
            guard let entry = selectedEntry else { notice = StatusMessage("select a socket first", kind: .warning); break }
            if let target = SocketsPanel.connectionTarget(for: entry), let request = SocketsPanel.connectionTest(for: entry) {
                notice = StatusMessage("connection test: \(target) (filled in on the Tests tab)")
                return .send(.pivot(.fillTest(request)))
            } else {
                notice = StatusMessage(
                    "connection tests need a TCP or UDP socket with a port; this is \(entry.kind.rawValue)", kind: .warning)
            }
        case .inspectOptions:
            let host = selectedEntryHost, entry = selectedEntry, merged = isMergingHosts, client = hostClient(for: host)
            return withOptions { $0.openOptions(entry, host: host, client: client, showsHost: merged) }
        case .openLab:
            return openLab()
        case .selectHost:
            cycleHost()
            table.rebuildRows()
        }
        return nil
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
        if isLabOpen { return lab.labStatusHint }
        guard let snapshot else { return "taking the first snapshot…" }
        return "\(table.socketCount) of \(snapshot.entries.count) sockets, "
            + (isPaused ? "paused" : "every \(DurationText.seconds(interval))")
    }

    /// Remembers the area for paging.
    public mutating func resize(to area: Rect) {
        self.area = area
        options.area = area
    }

    /// Runs `body` on the options view's model with the panel's notice, and shows the notice it leaves.
    mutating func withOptions<Result>(_ body: (inout SocketsOptionsModel) -> Result) -> Result {
        options.notice = notice
        defer { notice = options.notice }
        return body(&options)
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
            lab.renderLab(in: parts[0], into: &buffer, theme: theme)
            renderKeyLine(in: parts[1], into: &buffer, theme: theme)
            return
        }
        let info = infoLines(theme: theme)
        // The options view keeps the sock_diag details of its socket in sight.
        let pane = details.isShown || optionsView != nil ? details.content(of: table, width: inner.width - 4) : nil
        let fixed = 1 + info.count + 1
        // The details take what they need, but at most about half the body (K/J scroll the rest).
        let body = inner.height - fixed
        let share = optionsView == nil ? 55 : 35
        let detailsHeight = pane.map { min($0.lines + 2, max(0, body - 4), max(6, body * share / 100)) } ?? 0
        let parts = inner.rows([.fixed(1), .fixed(info.count), .min(2), .fixed(detailsHeight), .fixed(1)])
        table.renderFilter(in: parts[0], into: &buffer, theme: theme)
        for (n, line) in info.enumerated() { line.render(in: parts[1].row(n), into: &buffer) }
        if let optionsView {
            options.renderOptions(optionsView, in: parts[2], into: &buffer, theme: theme)
        } else {
            table.renderTable(in: parts[2], into: &buffer, theme: theme, hostLabels: hostLabels)
        }
        if let pane, detailsHeight >= 3 {
            details.render(pane.socket, selected: table.selectedRow, in: parts[3], into: &buffer, theme: theme)
        }
        renderKeyLine(in: parts[4], into: &buffer, theme: theme)
        if let write = optionsView?.pendingWrite { options.renderWriteConfirmation(write, in: area, into: &buffer, theme: theme) }
        if let cursor = table.columnChooser { table.renderColumnChooser(cursor: cursor, in: area, into: &buffer, theme: theme) }
    }
}
