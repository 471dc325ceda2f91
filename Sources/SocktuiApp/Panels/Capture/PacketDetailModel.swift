import Dispatch
import Inspect
import TerminalUI

/// The detail and bytes panes, a child model of ``CapturePanel``: the selected packet's dissection,
/// the field tree's expansion and selection, the hex scroll, and whether checksums are verified.
/// Its generation drops dissections of a packet no longer selected (a dissection is one short job:
/// there is nothing to cancel).
struct PacketDetailModel: Sendable {
    /// The selected packet's detail, once dissected.
    var detail: PacketDetail?
    var generation = Generation()
    /// Expansion and selection of the detail tree.
    var treeState = TreeState()
    /// The first hex line on screen.
    var hexScroll = 0
    /// Whether the detail tree verifies checksums (`V`); off, they show `[unverified]`.
    var verifiesChecksums = false

    /// Asks `browser` for packet `index` of `source` (again with `force`, else unless it is shown).
    mutating func request(
        _ index: Int?, of source: CaptureSourceID?, in browser: CaptureBrowser, force: Bool = false,
        on queue: DispatchQueue
    ) -> Command<AppMessage>? {
        guard let source, let index else { detail = nil; return nil }
        if !force, detail?.index == index { return nil }
        return CapturePanel.detailCommand(
            browser, source, index: index, verifyChecksums: verifiesChecksums, generation.advance(), on: queue)
    }

    /// Shows a dissection of the `selected` packet (dropped when stale), keeping the tree row of the
    /// same field selected.
    mutating func loaded(_ generation: Generation, _ loaded: PacketDetail, selected: Int?) {
        guard self.generation.isCurrent(generation), loaded.index == selected else { return }
        let selectedID = currentTreeID
        detail = loaded
        let rows = treeState.visibleRows(loaded.nodes)
        treeState.selected =
            selectedID.flatMap { id in rows.firstIndex { $0.node.id == id } } ?? min(treeState.selected, max(0, rows.count - 1))
        hexScroll = 0
    }

    /// The id of the selected tree node, if any.
    var currentTreeID: String? {
        guard let detail else { return nil }
        let rows = treeState.visibleRows(detail.nodes)
        return rows.indices.contains(treeState.selected) ? rows[treeState.selected].node.id : nil
    }

    /// The bytes of the selected tree node (the hex pane highlights them).
    var highlightedRange: Range<Int>? {
        guard let detail, let id = currentTreeID else { return nil }
        return detail.ranges[id]
    }

    /// A key for the tree (←/→/Enter/Space, or movement); false when there is no tree.
    mutating func handleTreeKey(_ key: Key) -> Bool {
        guard let detail else { return false }
        _ = treeState.handle(key, roots: detail.nodes)
        return true
    }

    /// Moves the hex pane by `action` over `lines` lines.
    mutating func scrollHex(_ action: PanelAction, lines: Int) {
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

    /// Scrolls the hex pane (`perLine` bytes a line, `height` lines) so the start of the highlighted
    /// field is in view.
    mutating func scrollHexToHighlight(perLine: Int, height: Int) {
        guard let range = highlightedRange else { return }
        let line = range.lowerBound / perLine
        if line < hexScroll || line >= hexScroll + height { hexScroll = max(0, line - height / 2) }
    }

    /// Switches checksum verification; the message that says what it means.
    mutating func toggleChecksums() -> StatusMessage {
        verifiesChecksums.toggle()
        return StatusMessage(
            verifiesChecksums
                ? "checksums verified: packets this host sent may read incorrect (the NIC or kernel fills them after capture)"
                : "checksums not verified: shown as [unverified] (V verifies)")
    }
}
