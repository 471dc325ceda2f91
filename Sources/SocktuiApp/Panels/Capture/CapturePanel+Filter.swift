import Dispatch
import Foundation
import Inspect
import TerminalUI

/// The packet list's display filter, searches, go-to and the save of the shown packets.
extension CapturePanel {
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
    mutating func applyFilterProgress(_ progress: CaptureFilterProgress) -> Command<AppMessage>? {
        guard filterGeneration.isCurrent(progress.generation) else { return nil }
        if filterIsIncremental {
            // New live packets run through the filter: append what matched; a cancel keeps what is shown.
            let before = rowCount
            list.appendFilterChunk(progress)
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
            return restoreViewBeforeFilter(
                StatusMessage("display filter cancelled after \(progress.scanned) packets; showing the previous view", kind: .warning))
        }
        let wasEmpty = displayed?.isEmpty ?? true
        list.appendFilterChunk(progress)
        filterScanned = progress.finished ? nil : filteredUpTo
        if progress.finished {
            filterCancel = nil
            if let seconds = progress.seconds, !filterIsIncremental {
                lastFilterSeconds = seconds
                notice = StatusMessage(
                    "display filter \(appliedFilter): \(displayedSummary) in \(String(format: "%.2f", seconds)) s", kind: .ok)
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
    mutating func restoreViewBeforeFilter(_ message: StatusMessage) -> Command<AppMessage>? {
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
        guard let target = CaptureSearchTarget(text: text) else {
            notice = StatusMessage("find: give text, or hex bytes as 0x0a0b (an even number of hex digits)", kind: .error)
            return nil
        }
        lastSearch = text
        return search(target, what: "\"\(text)\"", forward: forward)
    }

    mutating func search(_ target: CaptureSearchTarget, what: String, forward: Bool) -> Command<AppMessage>? {
        guard let sourceID, rowCount > 0 else {
            notice = StatusMessage("nothing to search: open a file or capture first", kind: .warning); return nil
        }
        searchCancel?.cancel()
        let cancel = Cancellation()
        searchCancel = cancel
        isSearching = true
        notice = StatusMessage("finding \(what)… (Esc cancels)")
        let search = CaptureSearch(
            target: target, displayed: displayed, rowCount: rowCount, fromRow: tableState.selected ?? 0, forward: forward)
        return CapturePanel.searchCommand(search, what: what, browser, sourceID, searchGeneration.advance(), cancel: cancel, on: jobQueue)
    }

    /// Goes to packet `number` (1-based), or the next displayed one after it.
    mutating func goTo(_ text: String) -> Command<AppMessage>? {
        guard let number = Int(text.trimmingCharacters(in: .whitespaces)), number >= 1 else {
            notice = StatusMessage("go to: give a packet number from 1 to \(packetCount)", kind: .error)
            return nil
        }
        guard number <= packetCount else {
            notice = StatusMessage(
                "no packet \(number): there are \(packetCount)" + (isFullyIndexed ? "" : " so far (still indexing)"), kind: .warning)
            return nil
        }
        guard let row = row(ofPacket: number - 1, orAfter: true) else {
            notice = StatusMessage("packet \(number) and those after it are hidden by the display filter", kind: .warning)
            return nil
        }
        if packetIndex(atRow: row) != number - 1 {
            notice = StatusMessage(
                "packet \(number) is hidden by the display filter: showing packet \((packetIndex(atRow: row) ?? 0) + 1)", kind: .warning)
        }
        return select(row: row)
    }

    // MARK: Saving

    /// Saves all packets, or the displayed ones, to `path`.
    mutating func save(to path: String, pcapng: Bool, displayedOnly: Bool, replacing: Bool = false) -> Command<AppMessage>? {
        guard let sourceID else { return nil }
        let path = path.trimmingCharacters(in: .whitespaces)
        guard !path.isEmpty else { notice = StatusMessage("save: give a file name", kind: .error); return nil }
        let indices = displayedOnly ? displayed : nil
        let packets: CapturePacketSelection = indices.map { .indices($0) } ?? .range(0..<packetCount)
        let save = CaptureSave(path: path, format: pcapng ? .pcapng : .pcap, packets: packets, replacing: replacing)
        let (generation, cancel) = saver.begin(path: path, total: packets.count, all: indices == nil)
        return CapturePanel.saveCommand(save, browser, sourceID, generation, cancel: cancel, on: jobQueue)
    }
}
