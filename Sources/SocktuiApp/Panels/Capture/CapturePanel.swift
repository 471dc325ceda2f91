import Dispatch
import Foundation
import Inspect
import TerminalUI

/// What the Capture panel's own keys do.
public enum CaptureAction: Hashable, Sendable {
    /// Display filter, time column format, pane focus, maximise, list pane size.
    case editFilter, cycleTimeFormat, nextPane, toggleMaximize, growList, shrinkList
    /// Go to a packet number; find a string or bytes; find again forward/backward.
    case goToPacket, find, findNext, findPrevious
    /// Next/previous packet of the selected packet's conversation.
    case nextInConversation, previousInConversation
    /// Live capture start form; stop the capture.
    case startCapture, stopCapture
    /// Open a file; save the capture.
    case open, save
    /// Stop the running filter, search or save.
    case cancel
    /// Follow the selected packet's TCP or UDP stream.
    case followStream
    /// Verify checksums in the detail tree, or show them unverified (the default).
    case toggleChecksums
    /// Protocol hierarchy, conversations and endpoints of the capture.
    case statistics
}

/// The three panes of the packet browser, as in Wireshark.
public enum CapturePane: Int, Hashable, Sendable, CaseIterable {
    /// The packet list.
    case list
    /// The field tree of the selected packet.
    case details
    /// The hex/ASCII bytes of the selected packet.
    case bytes
}

/// The Capture tab: a packet browser over a capture file or a live capture (Wireshark's layout).
///
/// The browser works over a ``PacketSource``: a ``CaptureFileReader`` (`socktui -r FILE`, `o`) indexed
/// in the background while the first screen shows, or the ``SpillingPacketStore`` a live capture records
/// into (`c`). Only the rows in view (and a margin around them) are dissected, on the panel's queue, and
/// cached; the selected packet is dissected again with its field tree for the detail and hex panes. The
/// display filter (libpcap's offline filter, tcpdump syntax) runs on a background queue, filling a list
/// of matching packet indices in chunks; Esc cancels it. Every answer carries a generation, so answers
/// for a file or filter the user has since replaced are dropped.
public struct CapturePanel: Panel {
    let queue = DispatchQueue(label: "socktui.capture-panel", qos: .userInitiated)
    let jobQueue = DispatchQueue(label: "socktui.capture-panel.jobs", qos: .userInitiated, attributes: .concurrent)

    // MARK: Source

    /// The engine holding the packet sources and answering the list's requests (rows, details,
    /// the display filter, a file's index); shared by copies of the panel.
    public let browser = CaptureBrowser()
    /// The source shown, by its id in ``browser``, once a file is open or a capture started.
    public internal(set) var sourceID: CaptureSourceID?
    /// Where packets come from, once a file is open or a capture started.
    public var source: (any PacketSource)? { sourceID.flatMap(browser.source) }
    /// The file name or `live: IFACE`.
    public internal(set) var sourceName: String?
    var sourceGeneration = Generation()
    var indexCancel: Cancellation?
    /// Packets known in the source (indexed so far for a file).
    public internal(set) var packetCount = 0
    /// Share of the file indexed (1 when done); nil for a live source.
    public internal(set) var indexFraction: Double?
    /// Whether a file's index reached its end.
    public internal(set) var isFullyIndexed = false
    /// Where the file is damaged, once the index reached it.
    public internal(set) var damage: String?
    var firstTimestamp: PacketTimestamp?
    /// The link type the display filter is checked for (the source's first interface).
    var sourceLinkType = LinkType.ethernet

    // MARK: Display

    /// Packet indices the display filter kept, or nil when no filter applies.
    public internal(set) var displayed: [UInt32]?
    /// The display filter applied (or being applied).
    public internal(set) var appliedFilter = ""
    var filterGeneration = Generation()
    var filterCancel: Cancellation?
    /// The view a full filter run replaces, put back if it fails or is cancelled.
    var viewBeforeFilter = CaptureDisplayedView()
    /// Packets the running filter has examined, while it runs.
    public internal(set) var filterScanned: Int?
    /// Packets already run through the display filter (a live capture's newer packets are filtered as they come).
    var filteredUpTo = 0
    var displayGeneration = Generation()
    var rowCache: [Int: PacketRow] = [:]
    var pendingRows: Set<Int> = []
    /// Selection and scroll of the packet list (rows are display rows).
    public internal(set) var tableState = TableState()
    /// The selected packet's detail, once dissected.
    public internal(set) var detail: PacketDetail?
    var detailGeneration = Generation()
    /// Expansion and selection of the detail tree.
    public internal(set) var treeState = TreeState()
    var hexScroll = 0
    /// The pane with the keys.
    public internal(set) var focus = CapturePane.list
    /// The pane shown alone, if any.
    public internal(set) var maximized: CapturePane?
    /// Percentage of the body the packet list takes.
    public internal(set) var listShare = 45
    /// The Time column's format the user chose with `T` (nil: ``timeFormat`` follows the width).
    var chosenTimeFormat: CaptureTimeFormat?
    var formatter = TimestampFormatter(style: .timeOfDay, fractionDigits: 6)
    /// Whether the detail tree verifies checksums (`V`); off, they show `[unverified]`.
    public internal(set) var verifiesChecksums = false

    // MARK: Input

    /// The field being typed in, if any (display filter, go to, find, open, save, live capture).
    public internal(set) var prompt: CapturePrompt?
    var searchGeneration = Generation()
    var searchCancel: Cancellation?
    /// Whether a search runs.
    public internal(set) var isSearching = false
    var lastSearch: String?

    // MARK: Live

    /// The running (or last) live capture.
    public internal(set) var live: LiveCaptureState?
    var liveGeneration = Generation()
    /// Interfaces listed for the start form.
    public internal(set) var interfaces: [NetworkInterface] = []
    /// The host ``interfaces`` were listed on (nil before the first list).
    var listedHost: String?
    /// Whether the list follows new packets (off once the user scrolls away from the end).
    public internal(set) var following = true
    /// Packets that arrived since the user scrolled away from the end.
    public internal(set) var newSinceScroll = 0

    // MARK: Save

    var saveGeneration = Generation()
    var saveCancel: Cancellation?
    /// Progress of the running save.
    public internal(set) var saving: CaptureSaveProgress?
    var unsavedGuard = UnsavedPacketsGuard()

    // MARK: Follow

    /// The follow-stream view, while it is open (it replaces the three panes).
    public internal(set) var follow: FollowViewState?
    var followGeneration = Generation()
    /// The statistics view, while it is open (it replaces the three panes).
    public internal(set) var statisticsView: StatisticsViewState?
    var statisticsGeneration = Generation()

    /// The last message of the panel, shown on its bottom line.
    public internal(set) var notice: StatusMessage?
    var area = Rect(x: 0, y: 0, width: 80, height: 22)

    // MARK: Hosts

    /// The hosts a live capture can run on (Ctrl-O picks one): this host's in-process client
    /// first, then the `--host` clients.
    public let hosts: [AgentClient]
    /// Where a live capture runs: an index into ``hosts``.
    public internal(set) var selectedHost = 0

    /// Creates an empty browser (open a file with `o` or `browse(_:name:)`, or start a capture with `c`).
    /// With more than one of `hosts`, Ctrl-O picks the host a live capture runs on (through its
    /// client); `hostSockets` gives a host's latest socket table (the merged Sockets watch's),
    /// which fills the Process column of a capture on that host.
    public init(hosts: [AgentClient] = [AgentClient.local()], hostSockets: (@Sendable (String) -> SocketSnapshot?)? = nil) {
        precondition(!hosts.isEmpty, "a capture panel needs a host")
        self.hosts = hosts
        self.hostSockets = hostSockets
    }

    /// A host's latest socket table with owners, by label (nil: remote captures have no Process column).
    let hostSockets: (@Sendable (String) -> SocketSnapshot?)?

    /// The tab title.
    public var title: String { "Capture" }

    /// Movement in the focused pane (the other keys are in ``actionKeyMap``, taken in ``handleKey(_:)``).
    public var keyMap: KeyMap<PanelAction> { CapturePanel.movementKeyMap }

    /// The scroll keys, described as they act here: on the packet, tree row or hex line in the focused pane.
    static let movementKeyMap = KeyMap<PanelAction>(scrollKeyMap.bindings.map { binding in
        var binding = binding
        binding.summary = switch binding.action {
        case .lineUp: "previous packet (tree: field; bytes: line)"
        case .lineDown: "next packet (tree: field; bytes: line)"
        case .pageUp: "a page up in the focused pane"
        case .pageDown: "a page down in the focused pane"
        case .top: "first packet (or top of the pane)"
        case .bottom: "last packet; a live list follows new packets from there"
        }
        return binding
    })

    /// Movement plus the panel's own keys.
    public var helpEntries: [HelpEntry] {
        CapturePanel.movementKeyMap.helpEntries + CapturePanel.actionKeyMap.helpEntries + [
            HelpEntry(keys: "Enter", summary: "list: go to the detail tree; tree: expand/collapse"),
            HelpEntry(keys: "←/→", summary: "tree: collapse/expand (or go to parent/child)"),
            HelpEntry(keys: "Ctrl-O", summary: "host a live capture runs on (socktui --host; also in the c form)"),
        ]
    }

    /// Help paragraph.
    public var helpSummary: String {
        "A packet browser over a capture file (socktui -r FILE, or o) or a live capture (c): the packet list, the field tree of the selected packet and its bytes, with the selected field highlighted. The display filter (/) is tcpdump syntax, run by libpcap over the stored packets; the list then shows \"displayed N of M\". Find (f) takes text, or bytes as 0x0a0b or 0x 0a 0b. F follows the selected packet's TCP or UDP stream: both directions' payload in order, each in its own colour, as text (non-printable bytes escaped) or hex (h), with gaps, retransmissions and overlaps marked; s saves it as a transcript or raw bytes. I shows statistics of the whole capture: protocol hierarchy, conversations and endpoints per layer (←/→ tables, o sorts, Enter filters on the selected one, F follows a TCP or UDP conversation). A live capture adds a Process column: the processes owning each packet's sockets, from the socket table. With socktui --host, Ctrl-O picks the host a live capture runs on: its kernel filters, its packets stream back through its agent, the info line shows that kernel's counters, and the Process column comes from that host's socket table. socktui -r - reads pcap or pcapng from standard input as it arrives (tcpdump -U -w - | socktui -r -). Rows take the theme's protocol colours."
    }

    /// The panel's own keys.
    public static let actionKeyMap = KeyMap<CaptureAction>([
        KeyBinding([.character("/")], .editFilter, "display filter (tcpdump syntax; Enter applies, empty shows all)"),
        KeyBinding([.character("T")], .cycleTimeFormat, "time column: absolute, relative, delta"),
        KeyBinding([.character("V")], .toggleChecksums, "verify checksums in the details (off: [unverified], as offload fills them after capture)"),
        KeyBinding([.character("w")], .nextPane, "next pane: list, details, bytes"),
        KeyBinding([.character("z")], .toggleMaximize, "maximise or restore the focused pane"),
        KeyBinding([.character("+"), .character("=")], .growList, label: "+/-", "grow/shrink the packet list pane"),
        KeyBinding([.character("-")], .shrinkList, "shrink the packet list pane", listed: false),
        KeyBinding([.character(":")], .goToPacket, "go to packet number"),
        KeyBinding([.character("f")], .find, "find a string or hex bytes (0x…)"),
        KeyBinding([.character("n")], .findNext, label: "n/N", "find next/previous"),
        KeyBinding([.character("N")], .findPrevious, "find previous", listed: false),
        KeyBinding([.character("F")], .followStream, "follow the selected packet's TCP/UDP stream (h hex/text, s save, Esc back)"),
        KeyBinding([.character("I")], .statistics, "statistics: protocol hierarchy, conversations, endpoints (Enter filters on one, F follows a TCP/UDP one)"),
        KeyBinding([.character("]")], .nextInConversation, label: "]/[", "next/previous packet of the same conversation"),
        KeyBinding([.character("[")], .previousInConversation, "previous packet of the same conversation", listed: false),
        KeyBinding([.character("c")], .startCapture, "start a live capture (interface, filter, snap length, promiscuous)"),
        KeyBinding([.character("x")], .stopCapture, "stop the live capture"),
        KeyBinding([.character("o")], .open, "open a pcap or pcapng file"),
        KeyBinding([.character("S")], .save, "save all or the displayed packets as pcap or pcapng"),
        KeyBinding([.escape], .cancel, label: "Esc", "cancel the running filter, find or save"),
    ])

    // MARK: Rows

    /// Rows of the packet list (displayed packets).
    public var rowCount: Int { displayed?.count ?? packetCount }

    /// The packet index shown at display row `row`.
    func packetIndex(atRow row: Int) -> Int? {
        guard row >= 0, row < rowCount else { return nil }
        return displayed.map { Int($0[row]) } ?? row
    }

    /// The selected packet's 0-based index.
    public var selectedPacket: Int? { tableState.selected.flatMap(packetIndex(atRow:)) }

    /// The display row of packet `index`, or of the first displayed packet after it (nil if none).
    func row(ofPacket index: Int, orAfter: Bool = false) -> Int? {
        guard let displayed else { return index < packetCount ? index : nil }
        var low = 0, high = displayed.count
        while low < high {
            let mid = (low + high) / 2
            if Int(displayed[mid]) < index { low = mid + 1 } else { high = mid }
        }
        guard low < displayed.count else { return nil }
        return Int(displayed[low]) == index || orAfter ? low : nil
    }

    /// Whether rows are on screen (used by the `SOCKTUI_TRACE_FILE` first-frame mark).
    public var isShowingPackets: Bool {
        guard let first = packetIndex(atRow: tableState.offset) else { return false }
        return rowCache[first] != nil
    }

    // MARK: Opening

    /// Browses `source` (a file reader, or a store) named `name`; returns the work that indexes it and
    /// loads the first rows. Replaces (and stops) what was shown. Index a file's first packets
    /// (``firstScreenPackets``) before, off the UI thread, so the first screen needs no wait.
    public mutating func browse(_ source: any PacketSource, name: String) -> Command<AppMessage>? {
        let id = browser.register(source)
        let file = source as? CaptureFileReader
        return browse(id, name: name, linkType: source.interfaces.first?.linkType ?? .ethernet, indexed: file?.indexedCount)
    }

    /// Browses source `id` of the browser named `name`; `indexed` (for a file) is the packets its
    /// opener indexed: the rest is indexed in the background.
    mutating func browse(_ id: CaptureSourceID, name: String, linkType: LinkType, indexed: Int?) -> Command<AppMessage>? {
        stopLive()
        follow?.cancel?.cancel()
        follow = nil
        statisticsView?.cancel?.cancel()
        statisticsView = nil
        indexCancel?.cancel()
        filterCancel?.cancel()
        searchCancel?.cancel()
        let generation = sourceGeneration.advance()
        if let old = sourceID, old != id { browser.close(old) }
        sourceID = id
        sourceName = name
        sourceLinkType = linkType
        packetCount = 0
        displayed = nil
        appliedFilter = ""
        filterScanned = nil
        filteredUpTo = 0
        damage = nil
        firstTimestamp = nil
        isFullyIndexed = false
        unsavedGuard = UnsavedPacketsGuard()
        detail = nil
        tableState = TableState()
        treeState.selected = 0
        resetRows()
        following = true
        newSinceScroll = 0
        guard let indexed else {
            indexFraction = nil
            return nil
        }
        // The opener indexed the first screen's packets, so the list can be requested at once; the
        // rest is indexed in the background.
        packetCount = indexed
        indexFraction = 0
        if packetCount > 0 { tableState.selected = 0 }
        let cancel = Cancellation()
        indexCancel = cancel
        return .batch([CapturePanel.indexCommand(browser, id, generation, cancel: cancel, on: jobQueue), requestRows(), requestDetail()])
    }

    /// Packets an opener indexes before handing a file to ``browse(_:name:)``.
    public static let firstScreenPackets = 200

    /// Starts opening `path` in the background.
    public mutating func open(path: String) -> Command<AppMessage> {
        notice = StatusMessage("opening \(path)…")
        return openCommand(path, sourceGeneration.advance())
    }

    mutating func resetRows() {
        _ = displayGeneration.advance()
        rowCache.removeAll(keepingCapacity: true)
        pendingRows.removeAll()
    }

    // MARK: Messages

    /// Applies a background answer (dropped when stale).
    public mutating func update(_ message: AppMessage) -> Command<AppMessage>? {
        guard case .capture(let message) = message else { return nil }
        switch message {
        case .opened(let opened):
            guard sourceGeneration.isCurrent(opened.generation) else { browser.close(opened.file.source); return nil }
            let file = opened.file
            let browsing = browse(file.source, name: (file.path as NSString).lastPathComponent, linkType: file.linkType, indexed: file.indexedCount)
            // A live capture the file replaced was stopped: its last answers are no longer news.
            _ = liveGeneration.advance()
            notice = StatusMessage("opened \(file.path) (\(file.format.rawValue))", kind: .ok)
            return browsing
        case .sourceFailed(let generation, let text):
            guard sourceGeneration.isCurrent(generation) else { return nil }
            notice = StatusMessage(text, kind: .error)
            return nil
        case .liveFailed(let generation, let text):
            guard liveGeneration.isCurrent(generation) else { return nil }
            notice = StatusMessage(text, kind: .error)
            return nil
        case .sourceShrank(let shrank):
            return applyShrink(shrank)
        case .indexed(let progress):
            guard sourceGeneration.isCurrent(progress.generation) else { return nil }
            let grew = progress.count > packetCount
            packetCount = progress.count
            indexFraction = progress.fraction
            firstTimestamp = firstTimestamp ?? progress.firstTimestamp
            if progress.done {
                isFullyIndexed = true
                damage = progress.damage
                indexCancel = nil
            }
            if tableState.selected == nil, packetCount > 0 { tableState.selected = 0; return .batch([requestRows(), requestDetail()]) }
            return grew && displayed == nil ? requestRows() : nil
        case .rowsLoaded(let generation, let rows):
            guard displayGeneration.isCurrent(generation) else { return nil }
            for row in rows {
                rowCache[row.index] = row
                pendingRows.remove(row.index)
            }
            return nil
        case .detailLoaded(let generation, let loaded):
            guard detailGeneration.isCurrent(generation), loaded.index == selectedPacket else { return nil }
            let selectedID = currentTreeID
            detail = loaded
            let rows = treeState.visibleRows(loaded.nodes)
            treeState.selected = selectedID.flatMap { id in rows.firstIndex { $0.node.id == id } } ?? min(treeState.selected, max(0, rows.count - 1))
            hexScroll = 0
            return nil
        case .filterProgress(let progress):
            return applyFilterProgress(progress)
        case .searchFinished(let generation, let result):
            guard searchGeneration.isCurrent(generation) else { return nil }
            isSearching = false
            searchCancel = nil
            guard let row = result.row else {
                notice = StatusMessage("\(result.what): not found in the displayed packets", kind: .warning)
                return nil
            }
            notice = StatusMessage("\(result.what): packet \((packetIndex(atRow: row) ?? 0) + 1)", kind: .ok)
            return select(row: row)
        case .filterChecked(let generation, let error):
            applyFilterCheck(generation, error)
            return nil
        case .interfacesListed(let list, let host, let error):
            // A list for a host no longer chosen is stale.
            guard host == hostLabel else { return nil }
            interfaces = list
            listedHost = host
            prompt?.setInterfaces(list)
            prompt?.interfaceError = error
            return nil
        case .liveStarted(let generation, let handle):
            return liveStarted(generation, handle)
        case .liveSampled(let generation, let sample):
            return liveSampled(generation, sample)
        case .liveEnded(let generation, let summary):
            guard liveGeneration.isCurrent(generation) else { return nil }
            live?.summary = summary
            live?.isRunning = false
            // The last socket table snapshot stays for the rows still to be read.
            live?.processRefresh?.cancel()
            notice = endNotice(summary, origin: live?.origin ?? .local)
            // Every packet the store kept is shown, also those that arrived after the last sample.
            guard let kept = live.flatMap({ browser.source($0.started.source)?.availablePacketCount }) else { return nil }
            return absorbPackets(upTo: kept)
        case .followProgress, .followFinished, .followLinesBuilt, .streamSaved:
            return updateFollow(message)
        case .statisticsProgress, .statisticsFinished:
            return updateStatistics(message)
        case .saveProgress(let progress):
            return saveProgressed(progress)
        }
    }

    // MARK: Row and detail requests

    /// Body rows of the packet list at the current size.
    var listPageHeight: Int { max(1, CaptureLayout(panel: self, area: area).list.height - 1) }

    /// Requests the rows around the viewport that are neither cached nor on their way.
    mutating func requestRows() -> Command<AppMessage>? {
        guard let sourceID, rowCount > 0 else { return nil }
        keepSelectionVisible()
        let page = listPageHeight
        let first = max(0, tableState.offset - page)
        let last = min(rowCount, tableState.offset + 2 * page)
        var indices: [Int] = []
        var previous: [Int?] = []
        for row in first..<last {
            guard let index = packetIndex(atRow: row), rowCache[index] == nil, !pendingRows.contains(index) else { continue }
            indices.append(index)
            previous.append(packetIndex(atRow: row - 1))
            pendingRows.insert(index)
        }
        pruneRows(keeping: first..<last)
        guard !indices.isEmpty else { return nil }
        return CapturePanel.rowsCommand(browser, sourceID, indices: indices, previous: previous, displayGeneration, processes: showsProcesses, on: queue)
    }

    /// Drops cached rows far from the viewport (the cache stays a few pages large on a million packets).
    private mutating func pruneRows(keeping rows: Range<Int>) {
        guard rowCache.count > 8 * max(rows.count, 64) else { return }
        let keep = Set(rows.compactMap(packetIndex(atRow:)))
        rowCache = rowCache.filter { keep.contains($0.key) }
    }

    /// Requests the selected packet's detail unless it is shown already.
    mutating func requestDetail() -> Command<AppMessage>? {
        guard let sourceID, let index = selectedPacket else { detail = nil; return nil }
        if detail?.index == index { return nil }
        return CapturePanel.detailCommand(browser, sourceID, index: index, verifyChecksums: verifiesChecksums, detailGeneration.advance(), on: queue)
    }

    /// Scrolls the list as the table will, so the rows requested are the rows drawn.
    mutating func keepSelectionVisible() {
        let page = listPageHeight
        let count = rowCount
        if let selected = tableState.selected {
            if count == 0 { tableState.selected = nil } else if selected >= count { tableState.selected = count - 1 }
        }
        if let selected = tableState.selected {
            if selected < tableState.offset { tableState.offset = selected }
            if selected >= tableState.offset + page { tableState.offset = selected - page + 1 }
        }
        tableState.offset = min(max(0, tableState.offset), max(0, count - page))
        tableState.pageSize = page
    }

    /// Selects display row `row` and loads what it needs.
    mutating func select(row: Int) -> Command<AppMessage>? {
        guard rowCount > 0 else { return nil }
        tableState.selected = min(max(0, row), rowCount - 1)
        // On the last row the list follows new packets (a live capture); elsewhere it stays put.
        following = tableState.selected == rowCount - 1
        if following { newSinceScroll = 0 }
        return .batch([requestRows(), requestDetail()])
    }

    /// The id of the selected tree node, if any.
    var currentTreeID: String? {
        guard let detail else { return nil }
        let rows = treeState.visibleRows(detail.nodes)
        return rows.indices.contains(treeState.selected) ? rows[treeState.selected].node.id : nil
    }

    /// The bytes of the selected tree node (the hex pane highlights them).
    public var highlightedRange: Range<Int>? {
        guard let detail, let id = currentTreeID else { return nil }
        return detail.ranges[id]
    }

    // MARK: Movement

    /// Moves in the focused pane.
    public mutating func perform(_ action: PanelAction) -> Command<AppMessage>? {
        switch focus {
        case .list:
            var state = tableState
            switch action {
            case .lineUp: state.selectPrevious(rowCount: rowCount)
            case .lineDown: state.selectNext(rowCount: rowCount)
            case .pageUp: state.move(by: -listPageHeight, rowCount: rowCount)
            case .pageDown: state.move(by: listPageHeight, rowCount: rowCount)
            case .top: state.selectFirst(rowCount: rowCount)
            case .bottom: state.selectLast(rowCount: rowCount)
            }
            guard let row = state.selected else { return nil }
            return select(row: row)
        case .details:
            guard let detail else { return nil }
            let key: Key = switch action {
            case .lineUp: .up
            case .lineDown: .down
            case .pageUp, .top: .home
            case .pageDown, .bottom: .end
            }
            _ = treeState.handle(key, roots: detail.nodes)
            scrollHexToHighlight()
        case .bytes:
            let lines = hexLineCount
            switch action {
            case .lineUp: hexScroll -= 1
            case .lineDown: hexScroll += 1
            case .pageUp: hexScroll -= 8
            case .pageDown: hexScroll += 8
            case .top: hexScroll = 0
            case .bottom: hexScroll = lines
            }
            hexScroll = min(max(0, hexScroll), max(0, lines - 1))
        }
        return nil
    }

    /// Hex lines of the selected packet at the bytes pane's width.
    var hexLineCount: Int {
        let perLine = HexView.bytesPerLine(forWidth: CaptureLayout(panel: self, area: area).bytes.width)
        return ((detail?.bytes.count ?? 0) + perLine - 1) / perLine
    }

    /// Scrolls the hex pane so the start of the highlighted field is in view.
    mutating func scrollHexToHighlight() {
        guard let range = highlightedRange else { return }
        let pane = CaptureLayout(panel: self, area: area).bytes
        let perLine = HexView.bytesPerLine(forWidth: pane.width)
        let line = range.lowerBound / perLine
        let height = max(1, pane.height - 1)
        if line < hexScroll || line >= hexScroll + height { hexScroll = max(0, line - height / 2) }
    }

    // MARK: Keys

    /// The prompt takes every key while open; the tree takes ←/→/Enter/Space when it has the focus.
    public mutating func handleKey(_ key: Key) -> PanelKeyResult {
        if key == .control("o"), prompt == nil || prompt?.kind == .liveCapture { return .handled(cycleHost()) }
        if prompt != nil { return .handled(handlePromptKey(key)) }
        if follow != nil { return handleFollowKey(key) }
        if statisticsView != nil { return handleStatisticsKey(key) }
        if focus == .details, let detail, [.left, .right, .enter, .character(" ")].contains(key) {
            _ = treeState.handle(key, roots: detail.nodes)
            scrollHexToHighlight()
            return .handled(nil)
        }
        if focus == .list, key == .enter, detail != nil {
            focus = .details
            return .handled(nil)
        }
        guard let action = CapturePanel.actionKeyMap.action(for: key) else { return .unhandled }
        return .handled(perform(action))
    }

    /// Performs one of the panel's own actions.
    public mutating func perform(_ action: CaptureAction) -> Command<AppMessage>? {
        notice = nil
        switch action {
        case .editFilter:
            prompt = .displayFilter(appliedFilter, linkType: sourceLinkType)
            return prompt?.validation(on: jobQueue) ?? nil
        case .cycleTimeFormat:
            let all = CaptureTimeFormat.allCases
            timeFormat = all[(all.firstIndex(of: timeFormat)! + 1) % all.count]
            notice = StatusMessage("time column: \(timeFormat.rawValue)")
        case .nextPane:
            focus = CapturePane(rawValue: (focus.rawValue + 1) % CapturePane.allCases.count)!
            if maximized != nil { maximized = focus }
            return requestRows()
        case .toggleMaximize:
            maximized = maximized == nil ? focus : nil
            return requestRows()
        case .growList, .shrinkList:
            listShare = min(80, max(15, listShare + (action == .growList ? 5 : -5)))
            return requestRows()
        case .goToPacket:
            prompt = .goTo("")
        case .find:
            prompt = .find(lastSearch ?? "")
        case .findNext, .findPrevious:
            guard let text = lastSearch else { notice = StatusMessage("nothing to find again: f starts a search", kind: .warning); return nil }
            return find(text, forward: action == .findNext)
        case .nextInConversation, .previousInConversation:
            guard let filter = detail?.conversationFilter else {
                notice = StatusMessage("the selected packet is not TCP or UDP over IP: it has no conversation", kind: .warning)
                return nil
            }
            return search(.filter(filter), what: "conversation", forward: action == .nextInConversation)
        case .startCapture:
            return prepareLiveCapture(LiveCaptureOptions(interface: "any"))
        case .stopCapture:
            guard let live, live.isRunning else { notice = StatusMessage("no live capture is running (c starts one)", kind: .warning); return nil }
            browser.live(live.started.source)?.control.stop(reason: nil)
            switch live.origin {
            case .local: notice = StatusMessage("stopping: reading what the kernel still holds…")
            case .remote(let host): notice = StatusMessage("stopping the capture on \(host): its agent flushes what the kernel still holds…")
            case .pipe(let name): notice = StatusMessage("stopping: no more packets are read from \(name)")
            }
        case .open:
            prompt = .open("")
        case .save:
            guard source != nil, packetCount > 0 else { notice = StatusMessage("nothing to save: open a file or capture first", kind: .warning); return nil }
            prompt = .save(hasFilter: displayed != nil)
        case .cancel:
            return cancelJobs()
        case .followStream:
            return startFollow()
        case .statistics:
            return startStatistics()
        case .toggleChecksums:
            return toggleChecksumVerification()
        }
        return nil
    }

    /// Cancels the running filter, search and save (Esc).
    mutating func cancelJobs() -> Command<AppMessage>? {
        var cancelled: [String] = []
        if let filterCancel { filterCancel.cancel(); cancelled.append("filter") }
        if let searchCancel { searchCancel.cancel(); cancelled.append("find") }
        if let saveCancel { saveCancel.cancel(); cancelled.append("save") }
        if !cancelled.isEmpty { notice = StatusMessage("cancelling the \(cancelled.joined(separator: ", "))…") }
        return nil
    }

    // MARK: Display filter

    /// Applies display filter `text` (empty shows every packet).
    mutating func applyFilter(_ text: String) -> Command<AppMessage>? {
        let text = text.trimmingCharacters(in: .whitespaces)
        // A full run this one supersedes has not finished: the view to go back to is the one before it.
        let supersedesFullRun = filterCancel != nil && !filterIsIncremental
        filterCancel?.cancel()
        let keep = selectedPacket
        if text.isEmpty {
            _ = filterGeneration.advance()
            filterCancel = nil
            filterScanned = nil
            displayedView = CaptureDisplayedView()
            resetRows()
            notice = StatusMessage("display filter cleared: all \(packetCount) packets")
            tableState.selected = keep ?? (packetCount > 0 ? 0 : nil)
            return .batch([requestRows(), requestDetail()])
        }
        guard let sourceID else { notice = StatusMessage("nothing to filter: open a file or capture first", kind: .warning); return nil }
        // An incremental run this replaces was cancelled above: what it added so far is in the view,
        // with the packets it examined counted in `filteredUpTo`.
        if !supersedesFullRun { viewBeforeFilter = displayedView }
        displayedView = CaptureDisplayedView(filter: text, indices: [], filteredUpTo: 0)
        filterScanned = 0
        resetRows()
        tableState = TableState()
        selectionBeforeFilter = keep
        filterIsIncremental = false
        let cancel = Cancellation()
        filterCancel = cancel
        return CapturePanel.filterCommand(text, browser, sourceID, filterGeneration.advance(), cancel: cancel, on: jobQueue)
    }

    /// Applies a chunk of filter results.
    private mutating func applyFilterProgress(_ progress: CaptureFilterProgress) -> Command<AppMessage>? {
        guard filterGeneration.isCurrent(progress.generation) else { return nil }
        if filterIsIncremental {
            // New live packets run through the filter: append what matched; a cancel keeps what is shown.
            let before = rowCount
            appendFilterChunk(progress)
            if progress.finished {
                filterCancel = nil
                filterScanned = nil
                filterIsIncremental = false
            }
            return followNewRows(from: before)
        }
        if let error = progress.error {
            return restoreViewBeforeFilter(StatusMessage("display filter: \(error)", kind: .error))
        }
        if progress.cancelled {
            return restoreViewBeforeFilter(StatusMessage("display filter cancelled after \(progress.scanned) packets; showing the previous view", kind: .warning))
        }
        let wasEmpty = displayed?.isEmpty ?? true
        appendFilterChunk(progress)
        filterScanned = progress.finished ? nil : filteredUpTo
        if progress.finished {
            filterCancel = nil
            if let seconds = progress.seconds, !filterIsIncremental {
                lastFilterSeconds = seconds
                notice = StatusMessage("display filter \(appliedFilter): \(displayedSummary) in \(String(format: "%.2f", seconds)) s", kind: .ok)
            }
            if tableState.selected == nil || wasEmpty {
                tableState.selected = selectionBeforeFilter.flatMap { row(ofPacket: $0, orAfter: true) } ?? (rowCount > 0 ? 0 : nil)
            }
            return .batch([requestRows(), requestDetail()])
        }
        if wasEmpty, rowCount > 0, tableState.selected == nil {
            tableState.selected = 0
            return .batch([requestRows(), requestDetail()])
        }
        return requestRows()
    }

    /// Goes back to what was displayed before the filter that failed or was cancelled.
    private mutating func restoreViewBeforeFilter(_ message: StatusMessage) -> Command<AppMessage>? {
        displayedView = viewBeforeFilter
        filterScanned = nil
        filterCancel = nil
        resetRows()
        notice = message
        tableState.selected = selectionBeforeFilter.flatMap { row(ofPacket: $0, orAfter: true) } ?? (rowCount > 0 ? 0 : nil)
        return .batch([requestRows(), requestDetail()])
    }

    // MARK: Searching

    /// Finds `text` (a string, or bytes as 0x…) from the selected row.
    mutating func find(_ text: String, forward: Bool) -> Command<AppMessage>? {
        guard let bytes = CapturePanel.searchBytes(text) else {
            notice = StatusMessage("find: give text, or hex bytes as 0x0a0b (an even number of hex digits)", kind: .error)
            return nil
        }
        lastSearch = text
        return search(.bytes(bytes), what: "\"\(text)\"", forward: forward)
    }

    private mutating func search(_ target: SearchTarget, what: String, forward: Bool) -> Command<AppMessage>? {
        guard let source, rowCount > 0 else { notice = StatusMessage("nothing to search: open a file or capture first", kind: .warning); return nil }
        searchCancel?.cancel()
        let cancel = Cancellation()
        searchCancel = cancel
        isSearching = true
        notice = StatusMessage("finding \(what)… (Esc cancels)")
        return CapturePanel.searchCommand(target, what: what, in: source, displayed: displayed, rowCount: rowCount,
                                          fromRow: tableState.selected ?? 0, forward: forward, searchGeneration.advance(),
                                          cancel: cancel, on: jobQueue)
    }

    /// Goes to packet `number` (1-based), or the next displayed one after it.
    mutating func goTo(_ text: String) -> Command<AppMessage>? {
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)), number >= 1 else {
            notice = StatusMessage("go to: give a packet number from 1 to \(packetCount)", kind: .error)
            return nil
        }
        guard number <= packetCount else {
            notice = StatusMessage("no packet \(number): there are \(packetCount)" + (isFullyIndexed ? "" : " so far (still indexing)"), kind: .warning)
            return nil
        }
        guard let row = row(ofPacket: number - 1, orAfter: true) else {
            notice = StatusMessage("packet \(number) and those after it are hidden by the display filter", kind: .warning)
            return nil
        }
        if packetIndex(atRow: row) != number - 1 {
            notice = StatusMessage("packet \(number) is hidden by the display filter: showing packet \((packetIndex(atRow: row) ?? 0) + 1)", kind: .warning)
        }
        return select(row: row)
    }

    // MARK: Saving

    /// Saves all packets, or the displayed ones, to `path`.
    mutating func save(to path: String, pcapng: Bool, displayedOnly: Bool, replacing: Bool = false) -> Command<AppMessage>? {
        guard let source else { return nil }
        let path = path.trimmingCharacters(in: .whitespaces)
        guard !path.isEmpty else { notice = StatusMessage("save: give a file name", kind: .error); return nil }
        saveCancel?.cancel()
        let cancel = Cancellation()
        saveCancel = cancel
        let indices = displayedOnly ? displayed : nil
        unsavedGuard.savingAll = indices == nil
        let total = indices?.count ?? packetCount
        let generation = saveGeneration.advance()
        saving = CaptureSaveProgress(generation: generation, written: 0, total: total, finished: false, path: path)
        return CapturePanel.saveCommand(source, indices: indices, total: total, path: path, pcapng: pcapng, replacing: replacing,
                                        generation, cancel: cancel, on: jobQueue)
    }

    // MARK: Status

    /// Background jobs whose loss on quit matters: a live capture, a filter, a find, a save, a follow.
    public var runningJobs: Int {
        (live?.isRunning == true ? 1 : 0) + (filterCancel != nil ? 1 : 0) + (isSearching ? 1 : 0) + (saving != nil ? 1 : 0)
            + (follow?.isRunning == true || follow?.isSaving == true ? 1 : 0) + (statisticsView?.isRunning == true ? 1 : 0)
    }

    /// The panel's state in a line, or its last notice.
    public var statusHint: String {
        if let notice { return notice.text }
        guard let sourceName else { return "no capture: c captures live, o opens a file (or socktui -r FILE)" }
        return "\(sourceName): \(displayedSummary)"
    }

    /// `displayed N of M` under a filter, else `M packets`.
    public var displayedSummary: String {
        let total = CapturePanel.count(max(packetCount, filteredUpTo))
        if displayed != nil { return "displayed \(CapturePanel.count(rowCount)) of \(total)" }
        return "\(total) packets"
    }

    /// Remembers the area for paging and layout.
    public mutating func resize(to area: Rect) {
        self.area = area
        keepSelectionVisible()
        rewrapFollowAfterResize()
    }

    /// Resizing and tab switches need rows for the new page.
    public mutating func visibilityChanged(to visible: Bool) -> Command<AppMessage>? {
        visible ? requestRows() : nil
    }

    var selectionBeforeFilter: Int?
    /// Whether the running filter only extends the display over newly captured packets.
    var filterIsIncremental = false
    /// Seconds the last display filter took.
    public internal(set) var lastFilterSeconds: Double?
}
