import Inspect
import TerminalUI

/// The children's state as the panel's extensions, its renderer and the tests read it: each
/// property is the child model's (``PacketListModel``, ``PacketDetailModel``, ``LiveCaptureModel``,
/// ``FollowModel``, ``StatisticsModel``, ``CaptureSaveModel``), not a copy.
extension CapturePanel {
    // MARK: Packet list

    /// Packet indices the display filter kept, or nil when no filter applies.
    public internal(set) var displayed: [UInt32]? {
        get { list.view.indices }
        set { list.view.indices = newValue }
    }
    /// The display filter applied (or being applied).
    public internal(set) var appliedFilter: String {
        get { list.view.filter }
        set { list.view.filter = newValue }
    }
    /// Packets already run through the display filter (a live capture's newer packets are filtered as they come).
    var filteredUpTo: Int {
        get { list.view.filteredUpTo }
        set { list.view.filteredUpTo = newValue }
    }
    /// The display filter, its matches and its progress as one value (saved before a filter runs,
    /// restored when it fails or is cancelled).
    var displayedView: CaptureDisplayedView {
        get { list.view }
        set { list.view = newValue }
    }
    var viewBeforeFilter: CaptureDisplayedView {
        get { list.viewBeforeFilter }
        set { list.viewBeforeFilter = newValue }
    }
    var filterGeneration: Generation {
        get { list.filterGeneration }
        set { list.filterGeneration = newValue }
    }
    var filterCancel: Cancellation? {
        get { list.filterCancel }
        set { list.filterCancel = newValue }
    }
    /// Packets the running filter has examined, while it runs.
    public internal(set) var filterScanned: Int? {
        get { list.filterScanned }
        set { list.filterScanned = newValue }
    }
    var filterIsIncremental: Bool {
        get { list.filterIsIncremental }
        set { list.filterIsIncremental = newValue }
    }
    var selectionBeforeFilter: Int? {
        get { list.selectionBeforeFilter }
        set { list.selectionBeforeFilter = newValue }
    }
    /// Seconds the last display filter took.
    public internal(set) var lastFilterSeconds: Double? {
        get { list.lastFilterSeconds }
        set { list.lastFilterSeconds = newValue }
    }
    var displayGeneration: Generation { list.displayGeneration }
    var rowCache: [Int: PacketRow] { list.rowCache }
    var pendingRows: Set<Int> { list.pendingRows }
    /// Selection and scroll of the packet list (rows are display rows).
    public internal(set) var tableState: TableState {
        get { list.tableState }
        set { list.tableState = newValue }
    }
    /// Whether the list follows new packets (off once the user scrolls away from the end).
    public internal(set) var following: Bool {
        get { list.following }
        set { list.following = newValue }
    }
    /// Packets that arrived since the user scrolled away from the end.
    public internal(set) var newSinceScroll: Int {
        get { list.newSinceScroll }
        set { list.newSinceScroll = newValue }
    }
    var searchGeneration: Generation {
        get { list.searchGeneration }
        set { list.searchGeneration = newValue }
    }
    var searchCancel: Cancellation? {
        get { list.searchCancel }
        set { list.searchCancel = newValue }
    }
    /// Whether a search runs.
    public internal(set) var isSearching: Bool {
        get { list.isSearching }
        set { list.isSearching = newValue }
    }
    var lastSearch: String? {
        get { list.lastSearch }
        set { list.lastSearch = newValue }
    }

    // MARK: Detail and bytes

    /// The selected packet's detail, once dissected.
    public internal(set) var detail: PacketDetail? {
        get { detailPane.detail }
        set { detailPane.detail = newValue }
    }
    /// Expansion and selection of the detail tree.
    public internal(set) var treeState: TreeState {
        get { detailPane.treeState }
        set { detailPane.treeState = newValue }
    }
    var hexScroll: Int { detailPane.hexScroll }
    /// Whether the detail tree verifies checksums (`V`); off, they show `[unverified]`.
    public var verifiesChecksums: Bool { detailPane.verifiesChecksums }
    /// The id of the selected tree node, if any.
    var currentTreeID: String? { detailPane.currentTreeID }
    /// The bytes of the selected tree node (the hex pane highlights them).
    public var highlightedRange: Range<Int>? { detailPane.highlightedRange }

    // MARK: Live

    /// The running (or last) live capture.
    public internal(set) var live: LiveCaptureState? {
        get { liveModel.state }
        set { liveModel.state = newValue }
    }
    var liveGeneration: Generation {
        get { liveModel.generation }
        set { liveModel.generation = newValue }
    }
    /// Interfaces listed for the start form.
    public internal(set) var interfaces: [NetworkInterface] {
        get { liveModel.interfaces }
        set { liveModel.interfaces = newValue }
    }
    var listedHost: String? {
        get { liveModel.listedHost }
        set { liveModel.listedHost = newValue }
    }

    // MARK: Save, follow, statistics

    /// Progress of the running save.
    public var saving: CaptureSaveProgress? { saver.progress }
    var unsavedGuard: UnsavedPacketsGuard {
        get { saver.unsavedGuard }
        set { saver.unsavedGuard = newValue }
    }
    /// The follow-stream view, while it is open (it replaces the three panes).
    public internal(set) var follow: FollowViewState? {
        get { followModel.view }
        set { followModel.view = newValue }
    }
    var followGeneration: Generation {
        get { followModel.generation }
        set { followModel.generation = newValue }
    }
    /// The statistics view, while it is open (it replaces the three panes).
    public internal(set) var statisticsView: StatisticsViewState? {
        get { statisticsModel.view }
        set { statisticsModel.view = newValue }
    }
    var statisticsGeneration: Generation {
        get { statisticsModel.generation }
        set { statisticsModel.generation = newValue }
    }
}
