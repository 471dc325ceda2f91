import Dispatch
import Inspect
import TerminalUI

/// The packet list, a child model of ``CapturePanel``: selection and scroll, the cache of dissected
/// rows and the rows on their way, the display filter's view and its run, and the search.
///
/// It owns its generation counters (rows, filter chunks, search results: stale answers are
/// dropped) and its cancel flags (the running filter and search; Esc sets them).
struct PacketListModel: Sendable {
    /// The display filter, the packets it kept and how far it has run.
    var view = CaptureDisplayedView()
    /// The view a full filter run replaces, put back if it fails or is cancelled.
    var viewBeforeFilter = CaptureDisplayedView()
    var filterGeneration = Generation()
    var filterCancel: Cancellation?
    /// Packets the running filter has examined, while it runs.
    var filterScanned: Int?
    /// Whether the running filter only extends the display over newly captured packets.
    var filterIsIncremental = false
    /// The packet selected before a full filter run (selected again, or the next one shown, after it).
    var selectionBeforeFilter: Int?
    /// Seconds the last display filter took.
    var lastFilterSeconds: Double?

    /// Answers for an older set of rows (another source or filter) are dropped.
    var displayGeneration = Generation()
    var rowCache: [Int: PacketRow] = [:]
    var pendingRows: Set<Int> = []
    /// Selection and scroll (rows are display rows).
    var tableState = TableState()
    /// Whether the list follows new packets (off once the user scrolls away from the end).
    var following = true
    /// Packets that arrived since the user scrolled away from the end.
    var newSinceScroll = 0

    var searchGeneration = Generation()
    var searchCancel: Cancellation?
    /// Whether a search runs.
    var isSearching = false
    var lastSearch: String?

    // MARK: Rows

    /// Rows of the list: the displayed packets, or all `packetCount` without a filter.
    func rowCount(packetCount: Int) -> Int { view.indices?.count ?? packetCount }

    /// The packet index shown at display row `row`.
    func packetIndex(atRow row: Int, packetCount: Int) -> Int? {
        guard row >= 0, row < rowCount(packetCount: packetCount) else { return nil }
        return view.indices.map { Int($0[row]) } ?? row
    }

    /// The display row of packet `index`, or of the first displayed packet after it (nil if none).
    func row(ofPacket index: Int, orAfter: Bool, packetCount: Int) -> Int? {
        guard let displayed = view.indices else { return index < packetCount ? index : nil }
        var low = 0, high = displayed.count
        while low < high {
            let mid = (low + high) / 2
            if Int(displayed[mid]) < index { low = mid + 1 } else { high = mid }
        }
        guard low < displayed.count else { return nil }
        return Int(displayed[low]) == index || orAfter ? low : nil
    }

    /// Scrolls as the table will (`page` rows on screen), so the rows requested are the rows drawn.
    mutating func keepSelectionVisible(page: Int, rowCount count: Int) {
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

    /// Asks `browser` for the rows around the viewport (a page either side of `page` rows) that are
    /// neither cached nor on their way; `processes` fills their Process column.
    mutating func requestRows(
        page: Int, packetCount: Int, of source: CaptureSourceID?, in browser: CaptureBrowser, processes: Bool,
        on queue: DispatchQueue
    ) -> Command<AppMessage>? {
        let count = rowCount(packetCount: packetCount)
        guard let source, count > 0 else { return nil }
        keepSelectionVisible(page: page, rowCount: count)
        let first = max(0, tableState.offset - page)
        let last = min(count, tableState.offset + 2 * page)
        var indices: [Int] = []
        var previous: [Int?] = []
        for row in first..<last {
            guard let index = packetIndex(atRow: row, packetCount: packetCount), rowCache[index] == nil, !pendingRows.contains(index) else {
                continue
            }
            indices.append(index)
            previous.append(packetIndex(atRow: row - 1, packetCount: packetCount))
            pendingRows.insert(index)
        }
        pruneRows(keeping: Set((first..<last).compactMap { packetIndex(atRow: $0, packetCount: packetCount) }), window: last - first)
        guard !indices.isEmpty else { return nil }
        return CapturePanel.rowsCommand(
            browser, source, indices: indices, previous: previous, displayGeneration, processes: processes, on: queue)
    }

    /// Forgets every row (a new source or filter): answers on their way are dropped.
    mutating func resetRows() {
        _ = displayGeneration.advance()
        rowCache.removeAll(keepingCapacity: true)
        pendingRows.removeAll()
    }

    /// Stores dissected rows unless they answer an older set.
    mutating func rowsLoaded(_ generation: Generation, _ rows: [PacketRow]) {
        guard displayGeneration.isCurrent(generation) else { return }
        for row in rows {
            rowCache[row.index] = row
            pendingRows.remove(row.index)
        }
    }

    /// Drops cached rows far from the viewport (the cache stays a few pages large on a million
    /// packets); `visible` are the packets around it.
    mutating func pruneRows(keeping visible: Set<Int>, window: Int) {
        guard rowCache.count > 8 * max(window, 64) else { return }
        rowCache = rowCache.filter { visible.contains($0.key) }
    }

    /// Adds a chunk of a running filter's results: its matches, and the packets it has now examined
    /// (`scanned` counts from the scan's first packet, `start`), so the view stays consistent after
    /// every chunk, whatever replaces or cancels the scan afterwards.
    mutating func appendFilterChunk(_ progress: CaptureFilterProgress) {
        view.indices?.append(contentsOf: progress.matches)
        view.filteredUpTo = progress.start + progress.scanned
    }

    /// Cancels the running filter and search; their names, for the message.
    func cancelJobs() -> [String] {
        var cancelled: [String] = []
        if let filterCancel { filterCancel.cancel(); cancelled.append("filter") }
        if let searchCancel { searchCancel.cancel(); cancelled.append("find") }
        return cancelled
    }

    /// Stops what runs over the old source (a new one replaces it).
    func cancelAll() {
        filterCancel?.cancel()
        searchCancel?.cancel()
    }
}
