import Dispatch
import Foundation
import Inspect
import TerminalUI

/// Keys and actions of the Capture panel: movement in the focused pane (the list, the tree of the
/// detail pane, the hex lines), and the panel's own actions; a child view or prompt takes the keys while open.
extension CapturePanel {
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
            let key: Key =
                switch action {
                case .lineUp: .up
                case .lineDown: .down
                case .pageUp, .top: .home
                case .pageDown, .bottom: .end
                }
            if detailPane.handleTreeKey(key) { scrollHexToHighlight() }
        case .bytes:
            detailPane.scrollHex(action, lines: hexLineCount)
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
        let pane = CaptureLayout(panel: self, area: area).bytes
        detailPane.scrollHexToHighlight(perLine: HexView.bytesPerLine(forWidth: pane.width), height: max(1, pane.height - 1))
    }

    // MARK: Keys

    /// The prompt takes every key while open; the tree takes ←/→/Enter/Space when it has the focus.
    public mutating func handleKey(_ key: Key) -> PanelKeyResult {
        if key == .control("o"), prompt == nil || prompt?.kind == .liveCapture { return .handled(cycleHost()) }
        if prompt != nil { return .handled(handlePromptKey(key)) }
        if follow != nil { return handleFollowKey(key) }
        if statisticsView != nil { return handleStatisticsKey(key) }
        if focus == .details, detail != nil, [.left, .right, .enter, .character(" ")].contains(key) {
            _ = detailPane.handleTreeKey(key)
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
            guard let text = lastSearch else {
                notice = StatusMessage("nothing to find again: f starts a search", kind: .warning); return nil
            }
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
            guard let live, live.isRunning else {
                notice = StatusMessage("no live capture is running (c starts one)", kind: .warning); return nil
            }
            browser.live(live.started.source)?.control.stop(reason: nil)
            switch live.origin {
            case .local: notice = StatusMessage("stopping: reading what the kernel still holds…")
            case .remote(let host):
                notice = StatusMessage("stopping the capture on \(host): its agent flushes what the kernel still holds…")
            case .pipe(let name): notice = StatusMessage("stopping: no more packets are read from \(name)")
            }
        case .open:
            prompt = .open("")
        case .save:
            guard sourceID != nil, packetCount > 0 else {
                notice = StatusMessage("nothing to save: open a file or capture first", kind: .warning); return nil
            }
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
        var cancelled = list.cancelJobs()
        if let cancel = saver.cancel { cancel.cancel(); cancelled.append("save") }
        if !cancelled.isEmpty { notice = StatusMessage("cancelling the \(cancelled.joined(separator: ", "))…") }
        return nil
    }
}
