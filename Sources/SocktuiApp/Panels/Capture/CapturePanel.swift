import Dispatch
import Foundation
import Inspect
import TerminalUI

/// The Capture tab: a packet browser over a capture file or a live capture (Wireshark's layout).
///
/// The browser works over a ``PacketSource``: a ``CaptureFileReader`` (`socktui -r FILE`, `o`) indexed
/// in the background while the first screen shows, or the ``SpillingPacketStore`` a live capture records
/// into (`c`). Only the rows in view (and a margin around them) are dissected, on the panel's queue, and
/// cached; the selected packet is dissected again with its field tree for the detail and hex panes. The
/// display filter (``PacketFilter``: Wireshark's language, or libpcap's after `bpf:`) runs on a background queue, filling a list
/// of matching packet indices in chunks; Esc cancels it. Every answer carries a generation, so answers
/// for a file or filter the user has since replaced are dropped.
public struct CapturePanel: Panel {
    let queue = DispatchQueue(label: "socktui.capture-panel", qos: .userInitiated)
    let jobQueue = DispatchQueue(label: "socktui.capture-panel.jobs", qos: .userInitiated, attributes: .concurrent)

    // MARK: Source

    /// The engine holding the packet sources and answering the panel's requests (rows, details,
    /// the display filter, a file's index, search, save, follow, statistics); shared by copies of
    /// the panel. The panel reads packets only through these requests.
    public let browser = CaptureBrowser()
    /// The source shown, by its id in ``browser``, once a file is open or a capture started.
    public internal(set) var sourceID: CaptureSourceID?
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

    // MARK: Children

    /// The packet list: rows, selection, display filter, search (``PacketListModel``).
    var list = PacketListModel()
    /// The detail and bytes panes (``PacketDetailModel``).
    var detailPane = PacketDetailModel()
    /// The live capture (``LiveCaptureModel``).
    var liveModel = LiveCaptureModel()
    /// The follow-stream view (``FollowModel``).
    var followModel = FollowModel()
    /// The statistics view (``StatisticsModel``).
    var statisticsModel = StatisticsModel()
    /// The save and the unsaved-packets question (``CaptureSaveModel``).
    var saver = CaptureSaveModel()

    // MARK: Layout and input

    /// The pane with the keys.
    public internal(set) var focus = CapturePane.list
    /// The pane shown alone, if any.
    public internal(set) var maximized: CapturePane?
    /// Percentage of the body the packet list takes.
    public internal(set) var listShare = 45
    /// The Time column's format the user chose with `T` (nil: ``timeFormat`` follows the width).
    var chosenTimeFormat: CaptureTimeFormat?
    var formatter = TimestampFormatter(style: .timeOfDay, fractionDigits: 6)
    /// The field being typed in, if any (display filter, go to, find, open, save, live capture).
    public internal(set) var prompt: CapturePrompt?

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

    // MARK: Rows

    /// Rows of the packet list (displayed packets).
    public var rowCount: Int { list.rowCount(packetCount: packetCount) }

    /// The packet index shown at display row `row`.
    func packetIndex(atRow row: Int) -> Int? { list.packetIndex(atRow: row, packetCount: packetCount) }

    /// The selected packet's 0-based index.
    public var selectedPacket: Int? { tableState.selected.flatMap(packetIndex(atRow:)) }

    /// The display row of packet `index`, or of the first displayed packet after it (nil if none).
    func row(ofPacket index: Int, orAfter: Bool = false) -> Int? { list.row(ofPacket: index, orAfter: orAfter, packetCount: packetCount) }

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
        followModel.close()
        statisticsModel.close()
        indexCancel?.cancel()
        list.cancelAll()
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

    mutating func resetRows() { list.resetRows() }

    // MARK: Messages

    /// Applies a background answer (dropped when stale).
    public mutating func update(_ message: AppMessage) -> Command<AppMessage>? {
        guard case .capture(let message) = message else { return nil }
        switch message {
        case .opened(let opened):
            guard sourceGeneration.isCurrent(opened.generation) else { browser.close(opened.file.source); return nil }
            let file = opened.file
            let browsing = browse(
                file.source, name: (file.path as NSString).lastPathComponent, linkType: file.linkType, indexed: file.indexedCount)
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
            list.rowsLoaded(generation, rows)
            return nil
        case .detailLoaded(let generation, let loaded):
            detailPane.loaded(generation, loaded, selected: selectedPacket)
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
            guard liveModel.ended(generation, summary) else { return nil }
            notice = endNotice(summary, origin: live?.origin ?? .local)
            // Every packet the store kept is shown, also those that arrived after the last sample.
            guard let kept = live.flatMap({ sourceInfo($0.started.source)?.packetCount }) else { return nil }
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
        list.requestRows(page: listPageHeight, packetCount: packetCount, of: sourceID, in: browser, processes: showsProcesses, on: queue)
    }

    /// Requests the selected packet's detail unless it is shown already.
    mutating func requestDetail() -> Command<AppMessage>? {
        detailPane.request(selectedPacket, of: sourceID, in: browser, on: queue)
    }

    /// Scrolls the list as the table will, so the rows requested are the rows drawn.
    mutating func keepSelectionVisible() {
        list.keepSelectionVisible(page: listPageHeight, rowCount: rowCount)
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

}
