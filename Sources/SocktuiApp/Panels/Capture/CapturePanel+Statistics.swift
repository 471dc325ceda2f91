import Dispatch
import Foundation
import Inspect
import TerminalUI

/// A table of the statistics view.
public enum StatisticsTab: Hashable, Sendable {
    /// The protocol hierarchy (tshark's `-z io,phs`).
    case hierarchy
    /// Conversations at a layer (`-z conv,TYPE`).
    case conversations(ConversationLayer)
    /// Endpoints at a layer (`-z endpoints,TYPE`).
    case endpoints(ConversationLayer)

    /// The tabs, in order.
    public static let all: [StatisticsTab] =
        [.hierarchy] + ConversationLayer.allCases.map { .conversations($0) }
        + ConversationLayer.allCases.map { .endpoints($0) }

    /// The tab's title.
    public var title: String {
        switch self {
        case .hierarchy: "Protocols"
        case .conversations(let layer): "\(StatisticsTab.name(layer)) ⇄"
        case .endpoints(let layer): "\(StatisticsTab.name(layer)) ends"
        }
    }

    static func name(_ layer: ConversationLayer) -> String {
        switch layer {
        case .ipv4: "IPv4"
        case .ipv6: "IPv6"
        case .tcp: "TCP"
        case .udp: "UDP"
        }
    }
}

/// The statistics view of the Capture panel (`I`): protocol hierarchy, conversations and endpoints
/// of the whole source, computed by the panel's ``CaptureBrowser`` (a `statistics` request) on a
/// background queue.
public struct StatisticsViewState: Sendable {
    /// How far the analysis got, while it runs.
    public internal(set) var progress: AnalysisProgress?
    /// The statistics, once computed.
    public internal(set) var statistics: CaptureStatistics?
    /// The table shown.
    public internal(set) var tab = StatisticsTab.hierarchy
    /// Selection and scroll of the table.
    public internal(set) var tableState = TableState(selected: 0)
    /// The column the conversation and endpoint tables are sorted by (descending); nil: the engine's
    /// order (most packets first).
    public internal(set) var sortColumn: Int?
    var generation: Generation
    var cancel: Cancellation?

    /// The display filter the statistics count packets of (the one applied when they started), or
    /// nil for every packet.
    public internal(set) var displayFilter: String?

    /// Whether the analysis still runs.
    public var isRunning: Bool { statistics == nil }
}

extension CapturePanel {
    /// Starts computing the statistics of the whole source.
    mutating func startStatistics() -> Command<AppMessage>? {
        guard let sourceID, packetCount > 0 else {
            notice = StatusMessage("no statistics: open a file or capture first", kind: .warning)
            return nil
        }
        statisticsView?.cancel?.cancel()
        let generation = statisticsGeneration.advance()
        let cancel = Cancellation()
        // Limited to the display filter applied, as Wireshark's "Limit to display filter".
        let limit = appliedFilter.isEmpty ? nil : appliedFilter
        statisticsView = StatisticsViewState(
            progress: AnalysisProgress(packetsRead: 0, packetsKnown: packetCount), generation: generation, cancel: cancel,
            displayFilter: limit)
        notice = nil
        let request = StatisticsRequest(
            protocolHierarchy: true, conversations: Set(ConversationLayer.allCases), endpoints: Set(ConversationLayer.allCases),
            displayFilter: limit)
        let browser = browser
        return .stream(on: jobQueue) { post in
            let end = browser.handle(.statistics(sourceID, request), cancel: cancel) { reply in
                if case .analysisProgress(let progress) = reply { post(.capture(.statisticsProgress(generation, progress))) }
            }
            switch end {
            case .statistics(let statistics): post(.capture(.statisticsFinished(generation, .success(statistics))))
            case .analysisFailed(let error): post(.capture(.statisticsFinished(generation, .failure(error))))
            default: post(.capture(.statisticsFinished(generation, .failure(.unavailable("unexpected answer from the capture browser")))))
            }
        }
    }

    /// Routes the statistics analysis's answers to ``statisticsModel``.
    mutating func updateStatistics(_ message: CaptureMessage) -> Command<AppMessage>? {
        if let message = statisticsModel.update(message) { notice = message }
        return nil
    }

    /// Keys of the statistics view: ←/→ tables, movement, `o` sort, Enter filter, Esc back.
    mutating func handleStatisticsKey(_ key: Key) -> PanelKeyResult {
        guard var view = statisticsView else { return .unhandled }
        switch key {
        case .escape:
            view.cancel?.cancel()
            if view.isRunning { notice = StatusMessage("statistics cancelled", kind: .warning) }
            _ = statisticsGeneration.advance()
            statisticsView = nil
            return .handled(requestRows())
        case .left, .right:
            let all = StatisticsTab.all
            let index = all.firstIndex(of: view.tab) ?? 0
            view.tab = all[(index + (key == .right ? 1 : all.count - 1)) % all.count]
            view.tableState = TableState(selected: 0)
            view.sortColumn = nil
            statisticsView = view
            return .handled(nil)
        case .character("o"):
            guard view.tab != .hierarchy else { return .handled(nil) }
            let numeric = CapturePanel.sortableColumns(view.tab)
            if let current = view.sortColumn, let at = numeric.firstIndex(of: current) {
                view.sortColumn = at + 1 < numeric.count ? numeric[at + 1] : nil
            } else {
                view.sortColumn = numeric.first
            }
            view.tableState = TableState(selected: 0)
            statisticsView = view
            notice = StatusMessage(
                view.sortColumn.map { "sorted by \(CapturePanel.statisticsColumns(view.tab)[$0].title), largest first" }
                    ?? "sorted by packets (the engine's order)")
            return .handled(nil)
        case .enter:
            guard let filter = statisticsFilter(view) else { return .handled(nil) }
            statisticsView = nil
            return .handled(applyFilter(filter))
        case .character("F"):
            // Follow the selected TCP or UDP conversation (its first stream, if a port pair was reused).
            guard case .conversations(let layer) = view.tab, layer == .tcp || layer == .udp,
                let statistics = view.statistics, let selected = view.tableState.selected
            else {
                notice = StatusMessage("F follows a conversation of the TCP or UDP table", kind: .warning)
                return .handled(nil)
            }
            let list = CapturePanel.sorted(statistics.conversations[layer] ?? [], by: view.sortColumn)
            guard list.indices.contains(selected) else { return .handled(nil) }
            let conversation = list[selected]
            statisticsView = nil
            let transport: TransportProtocol = layer == .tcp ? .tcp : .udp
            return .handled(
                startFollow(
                    FollowRequest(transport, .conversation(ConversationKey(layer: layer, conversation.a, conversation.b))),
                    subject: "\(conversation.a) ⇄ \(conversation.b)"))
        default:
            break
        }
        if let action = CapturePanel.movementKeyMap.action(for: key) {
            let count = statisticsRows(view).count
            view.tableState.pageSize = max(1, statisticsLayout.table.height - 1)
            switch action {
            case .lineUp: view.tableState.selectPrevious(rowCount: count)
            case .lineDown: view.tableState.selectNext(rowCount: count)
            case .pageUp: view.tableState.pageUp(rowCount: count)
            case .pageDown: view.tableState.pageDown(rowCount: count)
            case .top: view.tableState.selectFirst(rowCount: count)
            case .bottom: view.tableState.selectLast(rowCount: count)
            }
            statisticsView = view
            return .handled(nil)
        }
        return .unhandled
    }

    /// The display filter (Wireshark syntax) for the selected conversation or endpoint, if any.
    func statisticsFilter(_ view: StatisticsViewState) -> String? {
        guard let statistics = view.statistics, let selected = view.tableState.selected else { return nil }
        switch view.tab {
        case .hierarchy:
            return nil
        case .conversations(let layer):
            let list = CapturePanel.sorted(statistics.conversations[layer] ?? [], by: view.sortColumn)
            guard list.indices.contains(selected) else { return nil }
            return CapturePanel.filter(for: list[selected])
        case .endpoints(let layer):
            let list = CapturePanel.sorted(statistics.endpoints[layer] ?? [], by: view.sortColumn)
            guard list.indices.contains(selected) else { return nil }
            return WiresharkFilterText.endpoint(list[selected].endpoint, layer: layer)
        }
    }

    /// The Wireshark display filter of one conversation (``WiresharkFilterText``).
    static func filter(for conversation: Conversation) -> String { WiresharkFilterText.conversation(conversation) }

    // MARK: Tables

    /// The columns of a tab's table.
    static func statisticsColumns(_ tab: StatisticsTab) -> [TableColumn] {
        switch tab {
        case .hierarchy:
            return [
                TableColumn("Protocol", width: .min(16)), TableColumn("% Packets", width: .fixed(10), alignment: .right),
                TableColumn("Packets", width: .fixed(10), alignment: .right), TableColumn("% Bytes", width: .fixed(9), alignment: .right),
                TableColumn("Bytes", width: .fixed(13), alignment: .right)
            ]
        case .conversations:
            return [
                TableColumn("Address A", width: .min(14)), TableColumn("Address B", width: .min(14)),
                TableColumn("Packets", width: .fixed(9), alignment: .right), TableColumn("Bytes", width: .fixed(9), alignment: .right),
                TableColumn("A→B", width: .fixed(9), alignment: .right), TableColumn("B→A", width: .fixed(9), alignment: .right),
                TableColumn("Duration", width: .fixed(10), alignment: .right), TableColumn("bit/s", width: .fixed(10), alignment: .right)
            ]
        case .endpoints:
            return [
                TableColumn("Endpoint", width: .min(16)), TableColumn("Packets", width: .fixed(10), alignment: .right),
                TableColumn("Bytes", width: .fixed(11), alignment: .right), TableColumn("Tx pkts", width: .fixed(10), alignment: .right),
                TableColumn("Tx bytes", width: .fixed(11), alignment: .right), TableColumn("Rx pkts", width: .fixed(10), alignment: .right),
                TableColumn("Rx bytes", width: .fixed(11), alignment: .right)
            ]
        }
    }

    /// The numeric columns `o` cycles through.
    static func sortableColumns(_ tab: StatisticsTab) -> [Int] {
        switch tab {
        case .hierarchy: []
        case .conversations: [2, 3, 4, 5, 6, 7]
        case .endpoints: [1, 2, 3, 4, 5, 6]
        }
    }

    static func sorted(_ list: [Conversation], by column: Int?) -> [Conversation] {
        guard let column else { return list }
        let key: (Conversation) -> Double =
            switch column {
            case 2: { Double($0.frames) }
            case 3: { Double($0.bytes) }
            case 4: { Double($0.bytesAToB) }
            case 5: { Double($0.bytesBToA) }
            case 6: { $0.duration }
            default: { CapturePanel.bitsPerSecond($0) ?? -1 }
            }
        return list.enumerated().sorted { lhs, rhs in
            let (l, r) = (key(lhs.element), key(rhs.element))
            return l != r ? l > r : lhs.offset < rhs.offset
        }.map(\.element)
    }

    static func sorted(_ list: [EndpointStatistics], by column: Int?) -> [EndpointStatistics] {
        guard let column else { return list }
        let key: (EndpointStatistics) -> Int =
            switch column {
            case 1: { $0.frames }
            case 2: { $0.bytes }
            case 3: { $0.txFrames }
            case 4: { $0.txBytes }
            case 5: { $0.rxFrames }
            default: { $0.rxBytes }
            }
        return list.enumerated().sorted { lhs, rhs in
            let (l, r) = (key(lhs.element), key(rhs.element))
            return l != r ? l > r : lhs.offset < rhs.offset
        }.map(\.element)
    }

    /// The rows of the view's table.
    func statisticsRows(_ view: StatisticsViewState) -> [TableRow] {
        guard let statistics = view.statistics else { return [] }
        switch view.tab {
        case .hierarchy:
            var rows: [TableRow] = []
            let frames = max(1, statistics.packets), bytes = max(1, statistics.bytes)
            func visit(_ nodes: [ProtocolHierarchyNode], depth: Int) {
                for node in nodes {
                    rows.append(
                        TableRow([
                            String(repeating: "  ", count: depth) + node.name,
                            String(format: "%.2f", Double(node.frames) * 100 / Double(frames)), CapturePanel.count(node.frames),
                            String(format: "%.2f", Double(node.bytes) * 100 / Double(bytes)), CapturePanel.count(node.bytes)
                        ]))
                    visit(node.children, depth: depth + 1)
                }
            }
            visit(statistics.protocolHierarchy ?? [], depth: 0)
            return rows
        case .conversations(let layer):
            return CapturePanel.sorted(statistics.conversations[layer] ?? [], by: view.sortColumn).map { c in
                TableRow([
                    c.a.description, c.b.description, CapturePanel.count(c.frames), CapturePanel.count(c.bytes),
                    CapturePanel.count(c.bytesAToB), CapturePanel.count(c.bytesBToA), String(format: "%.3f s", c.duration),
                    CapturePanel.rate(CapturePanel.bitsPerSecond(c))
                ])
            }
        case .endpoints(let layer):
            return CapturePanel.sorted(statistics.endpoints[layer] ?? [], by: view.sortColumn).map { e in
                TableRow([
                    e.endpoint.description, CapturePanel.count(e.frames), CapturePanel.count(e.bytes), CapturePanel.count(e.txFrames),
                    CapturePanel.count(e.txBytes), CapturePanel.count(e.rxFrames), CapturePanel.count(e.rxBytes)
                ])
            }
        }
    }

    /// Bits per second both ways over the conversation's duration; nil for a zero duration.
    static func bitsPerSecond(_ conversation: Conversation) -> Double? {
        conversation.duration > 0 ? Double(conversation.bytes * 8) / conversation.duration : nil
    }

    /// Bits per second as a whole number, `—` for a zero duration.
    static func rate(_ value: Double?) -> String { value.map { count(Int($0.rounded())) } ?? "—" }

    // MARK: Rendering

    /// The statistics view's areas: summary line, tab line, table, key line.
    var statisticsLayout: (summary: Rect, tabs: Rect, table: Rect, keys: Rect) {
        let inner = Block().inner(area).inset(horizontal: 1, vertical: 0)
        guard inner.height >= 4, inner.width >= 10 else { return (.zero, .zero, .zero, .zero) }
        let parts = inner.rows([.fixed(1), .fixed(1), .min(1), .fixed(1)])
        return (parts[0], parts[1], parts[2], parts[3])
    }

    /// Draws the statistics view over the panel's body.
    func renderStatistics(_ view: StatisticsViewState, into buffer: inout Buffer, theme: Theme) {
        let layout = statisticsLayout
        guard !layout.table.isEmpty else { return }
        guard let statistics = view.statistics else {
            let percent = Int((view.progress?.fraction ?? 0) * 100)
            Line([
                Span("Statistics of \(sourceName ?? "the capture")", style: theme[.title]),
                Span(" · reading packets… \(percent)% (Esc cancels)", style: theme[.warning])
            ]).render(in: layout.summary, into: &buffer)
            Line("Esc cancels", style: Style().adding(.dim)).render(in: layout.keys, into: &buffer)
            return
        }
        var duration = ""
        if let first = statistics.first, let last = statistics.last {
            duration = String(format: " · %.3f s", last.timeIntervalSince(first))
        }
        var summary = [
            Span("Statistics of \(sourceName ?? "the capture")", style: theme[.title]),
            Span(" · \(CapturePanel.count(statistics.packets)) packets · \(CapturePanel.count(statistics.bytes)) bytes\(duration)")
        ]
        if let filter = view.displayFilter {
            summary.append(Span(" · displayed: ", style: theme[.warning]))
            summary.append(Span(TerminalSafe.escaped(filter), style: theme[.warning]))
        }
        Line(summary).render(in: layout.summary, into: &buffer)
        Tabs(titles: StatisticsTab.all.map(\.title), selected: StatisticsTab.all.firstIndex(of: view.tab) ?? 0)
            .style(theme[.header]).highlightStyle(theme[.focus].reversed()).render(in: layout.tabs, into: &buffer)
        let rows = statisticsRows(view)
        var state = view.tableState
        let selection = theme[.selection] == .plain ? Style().reversed() : theme[.selection]
        Table(source: ArrayTableSource(rows), columns: CapturePanel.statisticsColumns(view.tab))
            .sort(view.sortColumn.map { SortIndicator(column: $0, ascending: false) })
            .headerStyle(theme[.focus].bold().adding(.underline)).selectedStyle(selection)
            .render(in: layout.table, into: &buffer, state: &state)
        if rows.isEmpty, layout.table.height >= 2 {
            Line("none in this capture", style: Style().adding(.dim)).render(in: layout.table.row(1), into: &buffer)
        }
        if let notice {
            Line(DisplayWidth.truncate(notice.text, to: layout.keys.width), style: theme[notice.kind.panelRole]).render(
                in: layout.keys, into: &buffer)
            return
        }
        var enter = view.tab == .hierarchy ? "" : "  Enter filter on it  o sort"
        if view.tab == .conversations(.tcp) || view.tab == .conversations(.udp) { enter += "  F follow" }
        Line(
            DisplayWidth.truncate("←/→ table  ↑/↓ move\(enter)  Esc back to the packets", to: layout.keys.width),
            style: Style().adding(.dim)
        )
        .render(in: layout.keys, into: &buffer)
    }
}
