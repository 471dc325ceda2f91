import Foundation
import Inspect
import Testing
import TerminalUI
@testable import SocktuiApp

@Suite struct CapturePanelStatisticsTests {
    static let everything = StatisticsRequest(
        protocolHierarchy: true, conversations: Set(ConversationLayer.allCases),
        endpoints: Set(ConversationLayer.allCases))

    @Test func statisticsKeyShowsTheEnginesProtocolHierarchy() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        panel.press(.character("I"))
        let view = try #require(panel.statisticsView)
        let statistics = try #require(view.statistics)
        let engine = try CaptureAnalyzer(source: try CaptureFileReader(path: path)).statistics(Self.everything)
        #expect(statistics == engine)
        #expect(panel.runningJobs == 0)
        #expect(
            Array(panel.screen().prefix(11)) == [
                "┌ Capture ─────────────────────────────────────────────────────────────────────────────────────────┐",
                "│ Statistics of fixture.pcap · 12 packets · 711 bytes · 2.750 s                                    │",
                "│  Protocols │ IPv4 ⇄ │ IPv6 ⇄ │ TCP ⇄ │ UDP ⇄ │ IPv4 ends │ IPv6 ends │ TCP ends │ UDP ends       │",
                "│ Protocol                                            % Packets    Packets   % Bytes         Bytes │",
                "│ eth                                                    100.00         12    100.00           711 │",
                "│   ip                                                   100.00         12    100.00           711 │",
                "│     tcp                                                 75.00          9     75.95           540 │",
                // The fixture's requests never end their headers: held for reassembly, not HTTP (as in tshark).
                "│     udp                                                 25.00          3     24.05           171 │",
                "│       data                                              25.00          3     24.05           171 │",
                "│                                                                                                  │",
                "│                                                                                                  │"
            ])
        #expect(
            panel.screen()[28] == "│ ←/→ table  ↑/↓ move  Esc back to the packets                                                     │")
    }

    /// With a display filter applied, the statistics count the packets it displays (Wireshark's
    /// "Limit to display filter"), and the summary says which filter; cleared, they count all.
    @Test func statisticsAreLimitedToTheAppliedDisplayFilter() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        panel.press(.character("/"))
        panel.type("udp")
        panel.press(.enter)
        #expect(panel.displayedSummary == "displayed 3 of 12")
        panel.press(.character("I"))
        let statistics = try #require(panel.statisticsView?.statistics)
        var request = Self.everything
        request.displayFilter = "udp"
        let engine = try CaptureAnalyzer(source: try CaptureFileReader(path: path), filter: try PacketFilter("udp")).statistics(request)
        #expect(statistics == engine)
        #expect(statistics.packets == 3 && statistics.protocolHierarchy?.first?.frames == 3)
        #expect(
            panel.screen()[1].contains("Statistics of fixture.pcap · 3 packets · 171 bytes") && panel.screen()[1].contains("displayed: udp")
        )
        panel.press(.escape)
        panel.press(.character("/"), .control("u"), .enter)
        panel.press(.character("I"))
        #expect(panel.statisticsView?.statistics?.packets == 12)
        #expect(panel.statisticsView?.displayFilter == nil)
    }

    @Test func conversationTablesMatchTheEngineAndEnterFiltersOnOne() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        panel.press(.character("I"), .right, .right, .right)
        #expect(panel.statisticsView?.tab == .conversations(.tcp))
        let engine = try CaptureAnalyzer(source: try CaptureFileReader(path: path)).statistics(Self.everything)
        let tcp = try #require(engine.conversations[.tcp])
        let rows = panel.statisticsRows(try #require(panel.statisticsView))
        #expect(rows.count == tcp.count)
        for (row, conversation) in zip(rows, tcp) {
            #expect(row.cells[0] == conversation.a.description && row.cells[1] == conversation.b.description)
            #expect(row.cells[2] == String(conversation.frames) && row.cells[3] == CapturePanel.count(conversation.bytes))
        }
        #expect(
            Array(panel.screen()[3...6]) == [
                "│ Address A         Address B          Packets     Bytes       A→B       B→A   Duration      bit/s │",
                "│ 10.0.0.1:50000    10.0.0.2:80              6       378       378         0    2.250 s      1,344 │",
                "│ 10.0.0.1:50001    10.0.0.2:80              3       162       162         0    2.000 s        648 │",
                "│                                                                                                  │"
            ])
        panel.press(.down)  // the second conversation
        panel.press(.enter)
        #expect(panel.statisticsView == nil)
        #expect(panel.appliedFilter == CapturePanel.filter(for: tcp[1]))
        #expect(panel.rowCount == tcp[1].frames)
        #expect(panel.displayedSummary == "displayed \(tcp[1].frames) of 12")
    }

    @Test func endpointTablesMatchTheEngineAndSortByAColumn() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        panel.press(.character("I"), .left)  // wraps to the last tab: UDP endpoints
        #expect(panel.statisticsView?.tab == .endpoints(.udp))
        panel.press(.left, .left)  // TCP endpoints, IPv6 endpoints
        #expect(panel.statisticsView?.tab == .endpoints(.ipv6))
        panel.press(.left)
        #expect(panel.statisticsView?.tab == .endpoints(.ipv4))
        let engine = try CaptureAnalyzer(source: try CaptureFileReader(path: path)).statistics(Self.everything)
        let ipv4 = try #require(engine.endpoints[.ipv4])
        var rows = panel.statisticsRows(try #require(panel.statisticsView))
        #expect(rows.map { $0.cells[0] } == ipv4.map(\.endpoint.description))
        #expect(rows.map { $0.cells[3] } == ipv4.map { CapturePanel.count($0.txFrames) })
        panel.press(.character("o"), .character("o"), .character("o"))  // packets, bytes, Tx packets
        #expect(panel.statisticsView?.sortColumn == 3)
        rows = panel.statisticsRows(try #require(panel.statisticsView))
        #expect(rows.first?.cells[0] == "10.0.0.1")
        #expect(panel.screen().contains { $0.contains("Tx pkts ▼") })
    }

    @Test func escClosesTheStatisticsAndEmptySourcesSayWhy() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        panel.press(.character("I"), .escape)
        #expect(panel.statisticsView == nil)
        #expect(panel.screen()[3].contains("No. Time"))
        var empty = CapturePanel()
        empty.press(.character("I"))
        #expect(empty.statisticsView == nil)
        #expect(empty.notice?.text.contains("no statistics") == true)
    }

    @Test func enterOnAnEndpointFiltersOnItsAddress() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        panel.press(.character("I"), .left, .left, .left, .left)  // IPv4 endpoints
        #expect(panel.statisticsView?.tab == .endpoints(.ipv4))
        panel.press(.enter)
        #expect(panel.appliedFilter == "ip.addr == 10.0.0.1")
        #expect(panel.displayedSummary == "displayed 12 of 12")
    }

    @Test func theHierarchyTabIgnoresEnterAndSort() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        panel.press(.character("I"), .enter, .character("o"))
        #expect(panel.statisticsView?.tab == .hierarchy)
        #expect(panel.statisticsView?.sortColumn == nil)
        #expect(panel.appliedFilter == "")
    }

    @Test func whileStatisticsRunTheViewShowsProgressAndEscCancelsThem() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        guard case .handled(let command) = panel.handleKey(.character("I")), let command else { Issue.record("I started nothing"); return }
        let view = try #require(panel.statisticsView)
        #expect(view.isRunning)
        #expect(panel.runningJobs == 1)
        _ = panel.update(.capture(.statisticsProgress(view.generation, AnalysisProgress(packetsRead: 3, packetsKnown: 12))))
        #expect(panel.screen()[1] == "│ Statistics of fixture.pcap · reading packets… 25% (Esc cancels)                                  │")
        panel.press(.escape)
        #expect(panel.statisticsView == nil)
        #expect(view.cancel?.isCancelled == true)
        #expect(panel.notice?.text == "statistics cancelled")
        settle(&panel, command)  // the late answer is dropped
        #expect(panel.statisticsView == nil)
        #expect(panel.runningJobs == 0)
    }

    @Test func fOnATCPConversationFollowsItsStream() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        panel.press(.character("I"), .right, .right, .right, .down)  // TCP conversations: 50001 → 80
        panel.press(.character("F"))
        #expect(panel.statisticsView == nil)
        let stream = try #require(panel.follow?.stream)
        #expect(stream.transport == .tcp)
        #expect(stream.nodes.map(\.description) == ["10.0.0.1:50001", "10.0.0.2:80"])
        // Each of the conversation's three SYNs starts a new stream (a reused port pair); F follows the first.
        #expect(stream.packetCount == 1)
        #expect(stream.stream == 1)
        panel.press(.escape)
        #expect(panel.follow == nil)
    }

    @Test func fOutsideTheTCPAndUDPConversationTablesSaysWhere() throws {
        var (panel, path) = try browsingFixture()
        defer { unlink(path) }
        panel.press(.character("I"), .character("F"))
        #expect(panel.follow == nil)
        #expect(panel.statisticsView != nil)
        #expect(panel.notice?.text == "F follows a conversation of the TCP or UDP table")
    }
}
