import Dispatch
import Foundation
import Inspect
import SocketKit
import Synchronization
import Testing
import TerminalUI
@testable import SocktuiApp

/// Host tables set by the test, merged as `MergedSocketSource` merges a watch's tables.
final class ScriptedHostsSource: SocketSnapshotSource {
    let tables: Mutex<[HostSocketTable]>

    init(_ tables: [HostSocketTable]) { self.tables = Mutex(tables) }

    var hostLabels: [String]? { tables.withLock { $0.map(\.host) } }
    func snapshot(_ query: SocketQuery) -> SocketSnapshot { hostedSnapshot(query).snapshot }
    func hostedSnapshot(_ query: SocketQuery) -> HostedSocketSnapshot { MergedSocketSource.merge(tables.withLock { $0 }) }

    func set(_ index: Int, status: AgentStatus, entries: [SocketEntry]? = nil) {
        tables.withLock { tables in
            tables[index].status = status
            if let entries {
                tables[index].snapshot = snapshotOf(entries)
                tables[index].refreshes += 1
            }
        }
    }
}

/// The line with runs of spaces made one (column widths follow the terminal's width).
func squeezed(_ line: String) -> String {
    line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
}

func hostTable(_ host: String, _ entries: [SocketEntry], status: AgentStatus = .connected(nil)) -> HostSocketTable {
    HostSocketTable(host: host, status: status, snapshot: snapshotOf(entries), refreshes: 1)
}

@Suite struct SocketsPanelHostsTests {
    static let alpha = [
        socket(.tcp, "LISTEN", local: "127.0.0.1", 8080, inode: 200, owners: [nginx]),
        socket(.udp, "UNCONN", local: "127.0.0.53", 53, inode: 201)
    ]
    static let beta = [socket(.tcp, "LISTEN", local: "127.0.0.1", 22, inode: 300)]

    static func makeHostsPanel(_ source: ScriptedHostsSource, width: Int = 100) -> SocketsPanel {
        var panel = SocketsPanel(source: source, isRoot: true)
        panel.resize(to: Rect(x: 0, y: 0, width: width, height: 14))
        return panel
    }

    @Test func mergedTableShowsEveryHostsRowsWithAHostColumnAndAHostsLine() {
        let source = ScriptedHostsSource([hostTable("local", Self.alpha), hostTable("web1", Self.beta)])
        var panel = Self.makeHostsPanel(source)
        #expect(panel.columns.first == .host)
        panel.refreshAndWait()
        let lines = panelScreen(panel, width: 100).lines
        #expect(lines[2].hasPrefix("│ 3 of 3 sockets · every 2 s"))
        #expect(lines[3] == "│ hosts (all, H selects): local ✓ 2 rows, 1 tables · web1 ✓ 1 rows, 1 tables                       │")
        #expect(lines[4] == "│ Host        Kind   State      Local             Peer                RecvQ   SendQ Process        │")
        #expect(lines[5] == "│ local       tcp    LISTEN     127.0.0.1:8080    0.0.0.0:*               0       0 nginx/812      │")
        #expect(lines[6] == "│ local       udp    UNCONN     127.0.0.53:53     0.0.0.0:*               0       0                │")
        #expect(lines[7] == "│ web1        tcp    LISTEN     127.0.0.1:22      0.0.0.0:*               0       0                │")
        #expect(lines[12].contains("H host"))
    }

    @Test func disconnectedHostKeepsItsRowsMarkedWithSshsReasonAndTheOthersRefresh() {
        let source = ScriptedHostsSource([hostTable("local", Self.alpha), hostTable("web1", Self.beta)])
        var panel = Self.makeHostsPanel(source, width: 110)
        panel.refreshAndWait()
        let reason = "web1: disconnected (ssh: Connection closed by remote host)"
        source.set(1, status: .disconnected(reason))
        source.set(0, status: .connected(nil), entries: Array(Self.alpha.prefix(1)))
        panel.refreshAndWait()
        let lines = panelScreen(panel, width: 110).lines
        #expect(lines[3].contains("local ✓ 1 rows, 2 tables · web1 ✗ disconnected, 1 rows kept"))
        #expect(lines[4].hasPrefix("│ ⚠ \(reason)"))
        #expect(lines.contains { squeezed($0).hasPrefix("│ web1 ✗ tcp LISTEN 127.0.0.1:22 ") })
        #expect(!lines.contains { $0.contains("127.0.0.53:53") })
        #expect(panel.hostLinks.map(\.isConnected) == [true, false])
        // Trying again: still shown as dropped, with the reason, until connected.
        source.set(1, status: .connecting)
        panel.refreshAndWait()
        #expect(panelScreen(panel, width: 110).lines[4].hasPrefix("│ ⚠ \(reason)"))
        // Back: the mark and the warning go.
        source.set(1, status: .connected(nil), entries: Self.beta)
        panel.refreshAndWait()
        let again = panelScreen(panel, width: 110).lines
        #expect(!again.contains { $0.contains("⚠") || $0.contains("✗") })
        #expect(again.contains { squeezed($0).hasPrefix("│ web1 tcp LISTEN 127.0.0.1:22 ") })
    }

    @Test func hostNeedingALoginIsMarkedAndSaysWhatToRun() {
        let message = "web1: ssh needs an interactive login (host key unknown): run `ssh web1` once"
        let source = ScriptedHostsSource([hostTable("local", Self.alpha), hostTable("web1", [], status: .needsLogin(message))])
        var panel = Self.makeHostsPanel(source, width: 120)
        panel.refreshAndWait()
        let lines = panelScreen(panel, width: 120).lines
        #expect(lines[3].contains("web1 ? needs interactive login"))
        #expect(lines[4].contains("⚠ needs interactive login: \(message)"))
    }

    @Test func hostKeyCyclesFromAllHostsToEachHostAloneAndBack() {
        let source = ScriptedHostsSource([hostTable("local", Self.alpha), hostTable("web1", Self.beta)])
        var panel = Self.makeHostsPanel(source)
        panel.refreshAndWait()
        #expect(panel.rows.count == 3)
        panel.press(.character("H"))
        #expect(panel.settings.host == "local" && panel.rows.count == 2)
        #expect(panel.notice?.text == "host: local only (H for the next host)")
        panel.press(.character("H"))
        #expect(panel.settings.host == "web1" && panel.rows.count == 1)
        #expect(panelScreen(panel).lines[3].contains("[web1]"))
        // The selection survives a refresh under the host filter.
        panel.refreshAndWait()
        #expect(panel.rows.count == 1 && panel.selectedEntry?.local.port == 22)
        panel.press(.character("H"))
        #expect(panel.settings.host == nil && panel.rows.count == 3)
    }

    @Test func filterAndSortWorkOnTheMergedTableIncludingTheHostColumn() {
        let source = ScriptedHostsSource([hostTable("zeta", Self.beta), hostTable("alpha", Self.alpha)])
        var panel = Self.makeHostsPanel(source)
        panel.refreshAndWait()
        panel.press(.character("s"))  // the first column: Host ▲
        #expect(panel.settings.sortColumn == .host)
        let sorted = panelScreen(panel).lines
        #expect(sorted[4].contains("Host ▲"))
        #expect(sorted[5].hasPrefix("│ alpha ") && sorted[7].hasPrefix("│ zeta "))
        panel.press(.character("/"))
        panel.type("state:listen")
        panel.press(.enter)
        #expect(panel.rows.count == 2)
    }

    @Test func singleHostPanelHasNoHostColumnOrLine() {
        var panel = makePanel([snapshotOf(baseEntries)])
        panel.refreshAndWait()
        #expect(!panel.isMergingHosts && panel.columns.first == .kind)
        #expect(!panelScreen(panel).lines.contains { $0.contains("hosts") })
        panel.press(.character("H"))
        #expect(panel.notice?.kind == .warning)
    }

    /// Two in-process agents (the real agent protocol and socket engine, no ssh) merged by a real watch.
    @Test func inProcessAgentsFeedTheMergedTableThroughTheWatch() throws {
        // A listener of this test's own: other tests open and close sockets while the two agents
        // read the table a moment apart, so only this socket is sure to be in both.
        let listener = try Socket(family: .inet, type: .stream)
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen()
        defer { try? listener.close() }
        let port = Int(try #require(try listener.localAddress().port))
        let source = MergedSocketSource(
            transports: [InProcessTransport(label: "one"), InProcessTransport(label: "two")],
            query: SocketQuery(kinds: [.tcp]), interval: 0.2)
        defer { source.cancel() }
        let deadline = Date().addingTimeInterval(20)
        while source.watch.tables.contains(where: { $0.refreshes == 0 }), Date() < deadline { usleep(20_000) }
        try #require(
            source.watch.tables.allSatisfy { $0.refreshes > 0 },
            "no table from \(source.watch.tables.map { "\($0.host): \($0.status.message)" })")
        var panel = SocketsPanel(source: source, isRoot: true)
        panel.resize(to: Rect(x: 0, y: 0, width: 120, height: 30))
        panel.refreshAndWait()
        let hosts = Set(panel.entryHosts ?? [])
        #expect(hosts == ["one", "two"])
        #expect(panel.hostLinks.map(\.host) == ["one", "two"] && panel.hostLinks.allSatisfy(\.isConnected))
        // Both agents read this machine's table: each host lists the test's listener.
        let entries = panel.snapshot?.entries ?? []
        let listenerHosts = zip(entries, panel.entryHosts ?? []).filter { $0.0.local.port == port && $0.0.state == "LISTEN" }.map(\.1)
        #expect(listenerHosts.sorted() == ["one", "two"])
        #expect(panelScreen(panel, width: 120, height: 30).lines.contains { $0.hasPrefix("│ one ") })
        panel.press(.character("H"), .character("H"))  // "two" alone
        let lines = panelScreen(panel, width: 120, height: 30).lines
        #expect(lines.contains { $0.hasPrefix("│ two ") } && !lines.contains { $0.hasPrefix("│ one ") })
    }
}

/// The Resolver panel's host selector (Ctrl-O) with agents on pipes (no ssh).
@Suite struct ResolverPanelHostsTests {
    static let numeric = ResolverRequest.addressInfo(
        host: "127.0.0.1", service: "80", family: .inet, type: .stream, protocol: 0,
        flags: [.numericHost, .numericService])

    @Test func ctrlOPicksTheHostAndLookupsRunThroughItsAgent() {
        let agent = AgentClient(transport: InProcessTransport(label: "agent1"))
        defer { agent.close() }
        var panel = ResolverPanel(hosts: [AgentClient.local(), agent])
        #expect(panel.hostLabel == "local")
        _ = panel.handleKey(.control("o"))
        #expect(panel.hostLabel == "agent1" && panel.statusHint == "lookups now run on agent1 (through its agent)")
        var buffer = Buffer(area: Rect(x: 0, y: 0, width: 80, height: 20), filledWith: Cell(symbol: "x"))
        panel.render(in: buffer.area, into: &buffer, theme: ThemeCatalog.builtInDefault)
        #expect(buffer.lines[0].hasPrefix("┌ Resolver · on agent1 (Ctrl-O host) "))
        for message in run(panel.start(Self.numeric)) { _ = panel.update(message) }
        #expect(panel.history.map(\.host) == ["agent1"])
        guard case .success(.addressInfo(let infos)) = panel.shown?.result else {
            Issue.record("no answer from the agent: \(String(describing: panel.shown))")
            return
        }
        #expect(infos.first?.address.description == "127.0.0.1:80")
        // Back to this host after the last remote one.
        _ = panel.handleKey(.control("o"))
        #expect(panel.hostLabel == "local")
    }

    @Test func aHostWhoseAgentCannotStartAnswersWithTheLinksMessage() {
        let gone = AgentClient(transport: ProcessTransport(label: "gone", arguments: ["/nonexistent/socktui", "agent"]))
        defer { gone.close() }
        var panel = ResolverPanel(hosts: [AgentClient.local(), gone])
        _ = panel.handleKey(.control("o"))
        for message in run(panel.start(Self.numeric)) { _ = panel.update(message) }
        guard case .failure(let failure) = panel.shown?.result else {
            Issue.record("expected a failure, got \(String(describing: panel.shown))")
            return
        }
        #expect(failure.message.contains("/nonexistent/socktui"))
        #expect(panel.history.map(\.host) == ["gone"])
    }

    @Test func withoutHostsCtrlOSaysHowToAddThem() {
        var panel = ResolverPanel()
        _ = panel.handleKey(.control("o"))
        #expect(panel.hostLabel == "local" && panel.statusHint.contains("socktui --host HOST"))
    }
}

@Suite struct TUIHostOptionsTests {
    @Test func hostOptionsParseOnTheRootCommandAndTheirMistakesAreRefused() throws {
        let root = try SocktuiCommand.parseAsRoot([
            "--host", "web1", "--host", "root@db1:2222", "--no-local", "--ssh-option", "ProxyJump=bastion"
        ])
        let tui = try #require(root as? TUICommand)
        #expect(tui.remote.hosts == ["web1", "root@db1:2222"] && tui.noLocal && tui.remote.sshOptions == ["ProxyJump=bastion"])
        #expect(throws: (any Error).self) { try SocktuiCommand.parseAsRoot(["--no-local"]) }
        // --interactive works at the top level (issue #18 item 7): the bare command is the TUI's.
        #expect((try SocktuiCommand.parseAsRoot(["--host", "web1", "--interactive"]) as? TUICommand)?.remote.interactive == true)
        #expect(throws: (any Error).self) { try SocktuiCommand.parseAsRoot(["--host", "local"]) }
        #expect(try SocktuiCommand.parseAsRoot(["--host", "local", "--no-local"]) is TUICommand)
        let help = TUICommand.helpMessage()
        #expect(help.contains("--host <HOST>") && help.contains("--no-local") && help.contains("Ctrl-O"))
    }
}

extension SocketsPanelHostsTests {
    @Test func testPivotOnARemoteHostsSocketIsRefusedWithTheCommandToRunACaptureIsNot() {
        let source = ScriptedHostsSource([hostTable("local", Self.alpha), hostTable("web1", Self.beta)])
        var panel = Self.makeHostsPanel(source)
        panel.refreshAndWait()
        panel.press(.character("G"))  // the last row: web1's listener
        #expect(panel.selectedEntryHost == "web1")
        #expect(panel.pivot(after: .character("T")) == nil)
        #expect(panel.notice?.kind == .warning && panel.notice?.text.contains("socktui connect --host web1") == true)
        // The options view reads through the host's client (SocketsPanelRemoteOptionsTests): there is none here.
        panel.press(.character("O"))
        #expect(panel.optionsView == nil && panel.notice?.text == "no agent link to web1: its options cannot be read")
        // A capture runs on the socket's host (the Capture panel picks it: CapturePanelHostsTests).
        let capture = panel.pivot(after: .character("C"))
        #expect(capture?.captureOptions?.filter.contains("port 22") == true)
        guard case .capture(_, host: "web1") = capture else { Issue.record("not captured on web1: \(String(describing: capture))"); return }
        panel.press(.character("g"))  // local's listener: the pivots work
        #expect(panel.selectedEntryHost == "local")
        guard case .fillTest = panel.pivot(after: .character("T")) else {
            Issue.record("no connection test pivot for local's socket"); return
        }
    }
}

extension SocketsPanelHostsTests {
    /// Two kernels can hand out the same cookie: highlights, histories and the selection follow host and socket.
    @Test func sameSocketIdentityOnTwoHostsIsKeptApart() {
        let twin = socket(.tcp, "ESTAB", local: "10.0.0.1", 40000, remote: "10.0.0.2", 443, inode: 500, rtt: 100)
        let source = ScriptedHostsSource([hostTable("a", [twin]), hostTable("b", [twin])])
        var panel = Self.makeHostsPanel(source)
        panel.refreshAndWait()
        #expect(panel.added.isEmpty && panel.changed.isEmpty)
        panel.press(.character("G"))  // b's row
        #expect(panel.selectedEntryHost == "b")
        var moved = twin
        moved.receiveQueue = 99
        source.set(1, status: .connected(nil), entries: [moved])
        panel.refreshAndWait()
        #expect(panel.changed == ["b|\(twin.id)"])
        #expect(Set(panel.history.keys) == ["a|\(twin.id)", "b|\(twin.id)"])
        #expect(panel.selectedEntryHost == "b" && panel.selectedEntry?.receiveQueue == 99)
        // A host's first table after the start is new.
        source.tables.withLock { $0.append(hostTable("c", [twin])) }
        panel.refreshAndWait()
        #expect(panel.added == ["c|\(twin.id)"])
    }
}

extension SocketsPanelHostsTests {
    @Test func aHostStatusChangeRefreshesAtOnceWhileTheTabShows() {
        let source = ScriptedHostsSource([hostTable("local", Self.alpha), hostTable("web1", Self.beta)])
        var panel = Self.makeHostsPanel(source)
        for message in run(panel.visibilityChanged(to: true)) { _ = panel.update(message) }
        panel.refreshAndWait()
        source.set(1, status: .disconnected("web1: disconnected (ssh: Connection reset)"))
        let command = panel.update(.sockets(.hostLinksChanged))
        #expect(command != nil)
        for message in run(command) { _ = panel.update(message) }
        #expect(panel.hostLinks.map(\.isConnected) == [true, false])
        panel.press(.character("z"))  // paused: nothing until resumed
        #expect(panel.update(.sockets(.hostLinksChanged)) == nil)
    }
}
