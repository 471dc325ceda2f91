import Dispatch
import Glibc
import Inspect
import SocketKit
import Synchronization
import Testing
import TerminalUI
@testable import SocktuiApp

/// Snapshots handed out in order (the last one repeats), recording the thread each was taken on; an
/// optional gate holds every snapshot until the test opens it.
final class ScriptedSocketSource: SocketSnapshotSource {
    private let script: Mutex<[SocketSnapshot]>
    private let threads = Mutex<[pthread_t]>([])
    let gate: DispatchSemaphore?
    let started = DispatchSemaphore(value: 0)

    init(_ snapshots: [SocketSnapshot], gated: Bool = false) {
        script = Mutex(snapshots)
        gate = gated ? DispatchSemaphore(value: 0) : nil
    }

    func snapshot(_ query: SocketQuery) -> SocketSnapshot {
        threads.withLock { $0.append(pthread_self()) }
        started.signal()
        if let gate { _ = gate.wait(timeout: .now() + 30) }
        return script.withLock { snapshots in snapshots.count > 1 ? snapshots.removeFirst() : snapshots[0] }
    }

    /// The threads snapshots were taken on, in order.
    var callingThreads: [pthread_t] { threads.withLock { $0 } }
}

/// A socket entry with the fields the panel shows.
func socket(
    _ kind: SocketKind = .tcp, _ state: String, local: String, _ localPort: Int?, remote: String = "0.0.0.0", _ remotePort: Int? = 0,
    inode: UInt32, owners: [SocketOwner] = [], rtt: UInt32? = nil, cwnd: UInt32 = 10, family: AddressFamily = .inet,
    receiveQueue: UInt32 = 0, sendQueue: UInt32 = 0
) -> SocketEntry {
    var tcp: TCPDetails?
    if let rtt {
        var info = TCPInfo()
        info.rtt = rtt
        info.rttVariance = rtt / 2
        info.sendCongestionWindow = cwnd
        info.sendSlowStartThreshold = 0x7fff_ffff
        info.bytesSent = 4096
        info.bytesReceived = 1024
        tcp = TCPDetails(congestionControl: "cubic", info: info)
    }
    return SocketEntry(
        kind: kind, family: family, state: state, local: SocketEndpoint(address: local, port: localPort),
        remote: SocketEndpoint(address: remote, port: remotePort), receiveQueue: receiveQueue, sendQueue: sendQueue,
        inode: inode, cookie: UInt64(inode) + 1000, uid: owners.first?.uid ?? 0, tcp: tcp, owners: owners)
}

let nginx = SocketOwner(pid: 812, command: "nginx", fileDescriptor: 6, uid: 0)
let worker = SocketOwner(pid: 813, command: "nginx", fileDescriptor: 6, uid: 33)
let curl = SocketOwner(pid: 4242, command: "curl", fileDescriptor: 3, uid: 1000)

func snapshotOf(
    _ entries: [SocketEntry], hidden: Int = 0, warnings: [String] = [],
    sources: [String: String] = ["tcp": "netlink", "udp": "netlink", "u_str": "netlink"]
) -> SocketSnapshot {
    SocketSnapshot(entries: entries, sources: sources, warnings: warnings, hiddenProcesses: hidden, takenAt: 0, elapsed: 0.001)
}

/// Four sockets: an nginx listener shared by master and worker, a curl connection to it, a DNS socket and a UNIX one.
let baseEntries = [
    socket(.tcp, "LISTEN", local: "127.0.0.1", 8080, inode: 100, owners: [nginx, worker], sendQueue: 511),
    socket(.tcp, "ESTAB", local: "127.0.0.1", 51234, remote: "127.0.0.1", 8080, inode: 101, owners: [curl], rtt: 50, receiveQueue: 17),
    socket(.udp, "UNCONN", local: "127.0.0.53", 53, inode: 102),
    socket(.unixStream, "LISTEN", local: "/run/app.sock", nil, remote: "*", nil, inode: 103, owners: [curl], family: .unix)
]

extension SocketsPanel {
    /// Takes one refresh through the panel's own command (run on its queue) and applies the answer.
    mutating func refreshAndWait() {
        let messages = run(refresh())
        for message in messages { _ = update(message) }
    }

    /// Feeds keys through `handleKey`, then the scroll key map, as the shell does.
    mutating func press(_ keys: Key...) {
        for key in keys {
            if case .handled = handleKey(key) { continue }
            if let action = keyMap.action(for: key) { _ = perform(action) }
        }
    }

    /// Presses `key` and returns the pivot the panel posted, if any (other commands are dropped).
    mutating func pivot(after key: Key) -> Pivot? {
        var command: Command<AppMessage>?
        if case .handled(let handled) = handleKey(key) {
            command = handled
        } else if let action = keyMap.action(for: key) {
            command = perform(action)
        }
        return postedMessages(command).lazy.compactMap { message -> Pivot? in
            if case .pivot(let pivot) = message { return pivot }
            return nil
        }.first
    }

    /// Types text into whatever has the keys.
    mutating func type(_ text: String) { for character in text { press(.character(character)) } }
}

/// Runs a command's jobs and collects what they post, waiting at most 10 s.
func run(_ command: Command<AppMessage>?) -> [AppMessage] {
    guard let command else { return [] }
    let posted = Mutex<[AppMessage]>([])
    let done = DispatchSemaphore(value: 0)
    command.start { message in
        posted.withLock { $0.append(message) }
        done.signal()
    }
    _ = done.wait(timeout: .now() + 10)
    return posted.withLock { $0 }
}

/// The panel drawn over a buffer pre-filled with "x".
func panelScreen(_ panel: SocketsPanel, width: Int = 80, height: Int = 14, theme: Theme = ThemeCatalog.builtInDefault) -> Buffer {
    var buffer = Buffer(area: Rect(x: 0, y: 0, width: width, height: height), filledWith: Cell(symbol: "x"))
    panel.render(in: buffer.area, into: &buffer, theme: theme)
    return buffer
}

func makePanel(_ snapshots: [SocketSnapshot], isRoot: Bool = false) -> SocketsPanel {
    var panel = SocketsPanel(source: ScriptedSocketSource(snapshots), isRoot: isRoot)
    panel.resize(to: Rect(x: 0, y: 0, width: 80, height: 14))
    return panel
}

@Suite struct SocketsPanelTests {
    @Test func tableShowsEverySocketWithSourceCountsAndKeys() {
        var panel = makePanel([snapshotOf(baseEntries)])
        panel.refreshAndWait()
        #expect(
            panelScreen(panel).lines == [
                "┌ Sockets ─────────────────────────────────────────────────────────────────────┐",
                "│ Filter: none (/ to filter, e.g. state:listen port:443 proc:nginx)            │",
                "│ 4 of 4 sockets · every 2 s · source: netlink                                 │",
                "│ Kind   State      Local           Peer              RecvQ   SendQ Process    │",
                "│ tcp    LISTEN     127.0.0.1:8080  0.0.0.0:*             0     511 ng…/812 +1 │",
                "│ tcp    ESTAB      127.0.0.1:51234 127.0.0.1:8080       17       0 curl/4242  │",
                "│ udp    UNCONN     127.0.0.53:53   0.0.0.0:*             0       0            │",
                "│ u_str  LISTEN     /run/app.sock   *                     0       0 curl/4242  │",
                "│                                                                              │",
                "│                                                                              │",
                "│                                                                              │",
                "│                                                                              │",
                "│ / filter  c columns  s sort  p group  Enter details  z pause  ? all keys     │",
                "└──────────────────────────────────────────────────────────────────────────────┘"
            ])
        // At 80 columns the command is cut, never the pid; at 120 the process column has room.
        #expect(panelScreen(panel, width: 120).lines[4].hasSuffix("0     511 nginx/812 +1             │"))
    }

    @Test func sortKeysCycleColumnsAndReverseWithAnIndicator() {
        var panel = makePanel([snapshotOf(baseEntries)])
        panel.refreshAndWait()
        panel.press(.character("s"))  // Kind ▲
        #expect(panel.settings.sortColumn == .kind)
        panel.press(.character("s"), .character("s"))  // State, then Local ▲
        var lines = panelScreen(panel).lines
        #expect(lines[3].hasPrefix("│ Kind   State      Local ▲         Peer "))
        #expect(
            lines[4].contains("/run/app.sock") && lines[5].contains("127.0.0.1:8080") && lines[6].contains("127.0.0.1:51234")
                && lines[7].contains("127.0.0.53:53"))
        panel.press(.character("S"))
        lines = panelScreen(panel).lines
        #expect(lines[3].hasPrefix("│ Kind   State      Local ▼"))
        #expect(lines[4].contains("127.0.0.53:53") && lines[7].contains("/run/app.sock"))
        // Recv-Q sorts numerically; ties keep the snapshot's order.
        panel.press(.character("s"), .character("s"))
        #expect(panel.settings.sortColumn == .receiveQueue && panel.settings.ascending)
        lines = panelScreen(panel).lines
        #expect(lines[3].contains("RecvQ ▲"))
        #expect(lines[4].contains("127.0.0.1:8080") && lines[7].contains("127.0.0.1:51234"))
    }

    @Test func filterAppliesAsTypedShowsItsErrorInlineAndEscRestores() {
        var panel = makePanel([snapshotOf(baseEntries)])
        panel.refreshAndWait()
        panel.press(.character("/"))
        #expect(panel.isEditingFilter)
        panel.type("port:8080")
        #expect(panel.rows.count == 2)
        panel.press(.enter)
        #expect(!panel.isEditingFilter)
        var lines = panelScreen(panel).lines
        #expect(lines[1].hasPrefix("│ Filter: port:8080 "))
        #expect(lines[2].hasPrefix("│ 2 of 4 sockets"))
        #expect(lines[4].contains("127.0.0.1:8080") && lines[5].contains("127.0.0.1:51234"))
        #expect(lines[6].hasPrefix("│    ") && !lines[6].contains("udp"))

        // A term that does not parse: the message shows inline, the last valid filter stays applied.
        panel.press(.character("/"), .control("u"))
        panel.type("port:http")
        #expect(panel.filterError == "port: expects a number, got 'http'")
        lines = panelScreen(panel).lines
        #expect(lines[1].contains("port:http") && lines[1].contains("✗ port: expects a number, got 'http'"))
        #expect(panel.settings.filter.text == "port", "the last text that parsed (a bare word) stays applied")
        panel.press(.escape)
        #expect(panel.filterText == "port:8080" && panel.filterError == nil)
        #expect(panel.rows.count == 2)

        panel.press(.character("/"), .control("u"))
        panel.type("proc:curl !kind:unix")
        panel.press(.enter)
        #expect(panel.rows.count == 1)
        #expect(panel.selectedEntry?.inode == 101)
        panel.press(.character("/"), .control("u"))
        panel.type("state:closing")
        panel.press(.enter)
        #expect(panelScreen(panel).lines[4].hasPrefix("│ no socket matches the filter"))
    }

    @Test func groupingListsEachProcessWithItsSocketsAndSharedSocketsUnderEveryOwner() {
        var panel = makePanel([snapshotOf(baseEntries)])
        panel.refreshAndWait()
        panel.press(.character("p"))
        let lines = panelScreen(panel, height: 16).lines
        #expect(
            Array(lines[4...12]).map { String($0.prefix(40)) } == [
                "│ ▾ curl  pid 4242  uid 1000  (2 sockets",
                "│ tcp    ESTAB      127.0.0.1:51234 127.",
                "│ u_str  LISTEN     /run/app.sock   *   ",
                "│ ▾ nginx  pid 812  uid 0  (1 socket)   ",
                "│ tcp    LISTEN     127.0.0.1:8080  0.0.",
                "│ ▾ nginx  pid 813  uid 33  (1 socket)  ",
                "│ tcp    LISTEN     127.0.0.1:8080  0.0.",
                "│ ▾ (owner not visible)  (1 socket)     ",
                "│ udp    UNCONN     127.0.0.53:53   0.0."
            ])
        #expect(lines[2].hasPrefix("│ 4 of 4 sockets"))
        // Enter on a heading describes the process.
        panel.press(.enter)
        #expect(panelScreen(panel, height: 16).lines.contains { $0.contains("Process curl, pid 4242, uid 1000: 2 sockets") })
    }

    @Test func detailsShowEveryFieldAndAnRttCwndHistoryKeptPerSocket() {
        let rtts: [UInt32] = [50, 400, 200, 1250]
        let snapshots = rtts.enumerated().map { n, rtt in
            snapshotOf([
                baseEntries[0],
                socket(
                    .tcp, "ESTAB", local: "127.0.0.1", 51234, remote: "127.0.0.1", 8080, inode: 101,
                    owners: [curl], rtt: rtt, cwnd: 10 + UInt32(n) * 10, receiveQueue: 17)
            ])
        }
        var panel = makePanel(snapshots)
        for _ in rtts { panel.refreshAndWait() }
        let id = panel.snapshot!.entries[1].id
        #expect(panel.history[id]?.rtt == [50, 400, 200, 1250])
        #expect(panel.history[id]?.congestionWindow == [10, 20, 30, 40])
        #expect(panel.history[panel.snapshot!.entries[0].id] == nil, "a listener has no tcp_info")
        panel.press(.down, .enter)
        let lines = panelScreen(panel, width: 100, height: 34).lines
        // The pane takes about half the body; J scrolls the fields that do not fit.
        var text = lines.joined(separator: "\n")
        #expect(!text.contains("Last recv"))
        panel.press(.character("J"), .character("J"), .character("J"), .character("J"))
        text += panelScreen(panel, width: 100, height: 34).lines.joined(separator: "\n")
        #expect(text.contains("Details (K/J scroll)"))
        let rttLine = lines.first { $0.contains("│ RTT ") } ?? "", cwndLine = lines.first { $0.contains("│ Cwnd ") } ?? ""
        #expect(rttLine.contains("▁▃▁█ 1.25 ms (4 samples)"), "rtt sparkline")
        #expect(cwndLine.contains("▂▄▆█ 40 (4 samples)"), "cwnd sparkline")
        for field in [
            "Kind        tcp", "Family      AF_INET", "State       ESTAB", "Local       127.0.0.1:51234", "Peer        127.0.0.1:8080",
            "Recv-Q      17", "Inode       101", "Cookie      1101", "Owner       curl/4242 fd 3 uid 1000",
            "Congestion  cubic", "RTT         1.25 ms ± 0.625", "Cwnd        40", "Ssthresh    infinite",
            "Bytes sent  4096", "Bytes recv  1024", "Retransmits 0 now, 0 total", "Last send   0 ms ago", "Last recv   0 ms ago"
        ] {
            let found = text.contains(field)
            #expect(found, "details lack \(field)")
        }
    }

    @Test func historyIsBoundedAndForgetsSocketsThatAreGone() {
        let entry = socket(.tcp, "ESTAB", local: "127.0.0.1", 1, remote: "127.0.0.1", 2, inode: 7, rtt: 1)
        var history: [String: SocketHistory] = [:]
        for _ in 0..<(SocketHistory.limit + 15) { history = SocketHistory.updated(history, with: [entry]) }
        #expect(history[entry.id]?.rtt.count == SocketHistory.limit)
        #expect(SocketHistory.updated(history, with: []).isEmpty)
    }

    @Test func rowsNewOrChangedInTheLastRefreshAreHighlighted() {
        var changedListener = baseEntries[0]
        changedListener.receiveQueue = 3
        // Only its tcp_info moved: a diff "change", but not one worth a highlight.
        let busy = socket(
            .tcp, "ESTAB", local: "127.0.0.1", 51234, remote: "127.0.0.1", 8080, inode: 101, owners: [curl], rtt: 80, receiveQueue: 17)
        let second = [
            changedListener, busy, baseEntries[3],
            socket(.tcp, "ESTAB", local: "127.0.0.1", 8080, remote: "127.0.0.1", 51234, inode: 104, owners: [nginx])
        ]
        var panel = makePanel([snapshotOf(baseEntries), snapshotOf(second)])
        panel.refreshAndWait()
        #expect(panel.added.isEmpty && panel.changed.isEmpty, "the first snapshot highlights nothing")
        panel.refreshAndWait()
        let theme = ThemeCatalog.builtInDefault
        let buffer = panelScreen(panel, theme: theme)
        let lines = buffer.lines
        #expect(lines[2].hasPrefix("│ 4 of 4 sockets · every 2 s · +1 new · ~1 changed · −1 gone · source: netlink"))
        #expect(lines[4].contains("127.0.0.1:8080") && lines[7].contains("127.0.0.1:8080"))
        // Row 4 is selected (reversed); rows 5 and 6 are unchanged; row 7 is new.
        #expect(panel.snapshot.map { SocketDiff(old: baseEntries, new: $0.entries).changed.count } == 2)
        #expect(panel.changed == [changedListener.id])
        #expect(buffer[10, 7].fg == theme[.ok].fg && theme[.ok].fg != nil)
        #expect(buffer[10, 5].fg != theme[.ok].fg && buffer[10, 5].fg != theme[.warning].fg)
        panel.press(.down)
        #expect(panelScreen(panel, theme: theme)[10, 4].fg == theme[.warning].fg)
    }

    @Test func privilegeSourceAndWarningsAreLabelled() {
        let sources = ["tcp": "netlink", "udp": "netlink", "u_str": "/proc/net/unix"]
        let snapshot = snapshotOf(
            baseEntries, hidden: 3, warnings: ["u_str: sock_diag failed (EPERM); used /proc/net/unix", "x"], sources: sources)
        var panel = makePanel([snapshot])
        panel.refreshAndWait()
        var lines = panelScreen(panel, width: 120).lines
        #expect(lines[2].hasPrefix("│ 4 of 4 sockets · every 2 s · source: /proc/net/unix (u_str) · netlink (tcp udp)  "))
        #expect(lines[3].hasPrefix("│ ⚠ 3 processes not readable: run as root to see which process owns their sockets"))
        #expect(lines[4].hasPrefix("│ ⚠ u_str: sock_diag failed (EPERM); used /proc/net/unix (+1 more)"))
        #expect(lines[5].hasPrefix("│ Kind"))
        // An unowned socket says why in its details.
        panel.press(.down, .down, .enter)
        let details = panelScreen(panel, width: 120, height: 30).lines.joined(separator: "\n")
        #expect(details.contains("Owner       not visible (run as root)"))

        var root = makePanel([snapshot], isRoot: true)
        root.refreshAndWait()
        lines = panelScreen(root, width: 120).lines
        #expect(!lines.contains { $0.contains("not readable") })
    }

    @Test func staleAnswersAreDroppedAndPauseStopsTheTimer() {
        var panel = makePanel([snapshotOf(baseEntries), snapshotOf(Array(baseEntries.prefix(1)))])
        _ = panel.visibilityChanged(to: true).map(run)  // the first answer is not applied yet
        let first = run(panel.refresh())  // a new request supersedes the first
        let stale = run(panel.refresh())
        #expect(panel.update(first[0]) == nil)
        #expect(panel.refreshCount == 0, "an answer to a superseded request is dropped")
        let timer = panel.update(stale[0])
        #expect(panel.refreshCount == 1 && timer != nil, "the current answer applies and re-arms the timer")
        panel.press(.character("z"))
        #expect(panel.isPaused)
        #expect(panelScreen(panel).lines[2].contains("· paused"))
        // The timer armed before pausing fires into a newer generation: nothing starts.
        for message in run(timer) { #expect(panel.update(message) == nil) }
        panel.press(.character("+"))
        #expect(panel.interval == 1)
        #expect(panel.notice?.text == "refreshing every 1 s once resumed (z)")
    }

    @Test func pivotKeysSayWhatTheyWouldSend() throws {
        var panel = makePanel([snapshotOf(baseEntries)])
        panel.refreshAndWait()
        let capture = panel.pivot(after: .character("C"))
        #expect(panel.notice?.text == "capture filter: tcp and host 127.0.0.1 and port 8080 on lo (filled in on the Capture tab)")
        #expect(
            panelScreen(panel, width: 90).lines[12]
                == "│ capture filter: tcp and host 127.0.0.1 and port 8080 on lo (filled in on the Capture … │")
        #expect(capture?.captureOptions == LiveCaptureOptions(interface: "lo", filter: "tcp and host 127.0.0.1 and port 8080"))
        let test = panel.pivot(after: .character("T"))
        #expect(panel.notice?.text == "connection test: tcp 127.0.0.1:8080 (filled in on the Tests tab)")
        #expect(test == .fillTest(.connect(ConnectRequest(host: "127.0.0.1", port: 8080))))
        panel.press(.down, .character("C"))
        #expect(
            panel.notice?.text == "capture filter: tcp and host 127.0.0.1 and port 51234 and port 8080 on lo (filled in on the Capture tab)"
        )
        #expect(SocketsPanel.optionTarget(for: try #require(panel.selectedEntry)) == .descriptor(pid: 4242, fd: 3))
        panel.press(.end, .character("C"))
        #expect(panel.notice?.text == "capture: only IP sockets can be captured; this is a u_str socket")
        #expect(panel.notice?.kind == .warning)

        let v6 = socket(.udp, "UNCONN", local: "::", 5353, remote: "::", 0, inode: 9, family: .inet6)
        #expect(SocketsPanel.captureFilter(for: v6) == "udp and port 5353")
        var remote = makePanel([snapshotOf([socket(.tcp, "ESTAB", local: "192.0.2.7", 40000, remote: "198.51.100.1", 443, inode: 5)])])
        remote.refreshAndWait()
        #expect(
            remote.pivot(after: .character("C"))?.captureOptions
                == LiveCaptureOptions(interface: "any", filter: "tcp and host 192.0.2.7 and port 40000 and host 198.51.100.1 and port 443"))
        #expect(SocketsPanel.connectionTarget(for: v6) == "udp [::1]:5353")
        #expect(SocketsPanel.connectionTest(for: v6) == .udp(UDPProbeRequest(host: "::1", port: 5353)))
    }

    @Test func columnChooserAddsAndRemovesColumns() {
        var panel = makePanel([snapshotOf(baseEntries)])
        panel.refreshAndWait()
        panel.press(.character("c"))
        var lines = panelScreen(panel, height: 30).lines
        #expect(lines.contains { $0.contains("[x] Kind     tcp, udp, raw") })
        #expect(lines.contains { $0.contains("[ ] Family   address family") })
        panel.press(.down, .character(" "))  // Family on
        panel.press(.up, .character(" "))  // Kind off
        panel.press(.escape)
        #expect(panel.columnChooser == nil)
        #expect(panel.columns == [.family, .state, .local, .peer, .receiveQueue, .sendQueue, .process])
        lines = panelScreen(panel).lines
        #expect(lines[3].hasPrefix("│ Family   State      Local"))
        #expect(lines[4].hasPrefix("│ inet     LISTEN     127.0.0.1:8"))
    }

    @Test func filterFieldTakesDigitsAndQBeforeTheShell() {
        var model = makeModel()
        model.sockets = makePanel([snapshotOf(baseEntries)])
        let start = model.press(.character("2"))
        #expect(start.count == 1, "showing the tab starts a refresh")
        for message in run(start.first) { _ = model.update(.message(message)) }
        model.press(.character("/"), .character("q"), .character("1"), .character("3"), .enter)
        #expect(model.selectedTab == .sockets && !model.isFinished)
        #expect(model.sockets.filterText == "q13")
        let lines = screen(model, width: 80, height: 24)
        #expect(lines[2] == "│ Filter: q13                                                                  │")
        #expect(lines[23].hasPrefix(" Sockets: 0 of 4 sockets, every 2 s"))
        // Leaving the tab stops refreshing: its timer's message is dropped.
        model.press(.character("1"))
        #expect(!model.sockets.isVisible)
    }

    @Test func refreshRunsOffTheUIThreadAndTheUIKeepsWorkingMeanwhile() throws {
        let source = ScriptedSocketSource([snapshotOf(baseEntries)], gated: true)
        var model = makeModel()
        model.sockets = SocketsPanel(source: source, isRoot: true)
        let backend = TestBackend(width: 80, height: 24)
        let loop = EventLoop(program: model, backend: backend)
        let uiThread = pthread_self()
        backend.send(.character("2"))
        loop.runOnce()
        // The snapshot has started and is held by the gate: the loop still takes keys and draws.
        #expect(source.started.wait(timeout: .now() + 10) == .success)
        backend.send(.character("p"))
        loop.runOnce()
        #expect(loop.program.sockets.settings.groupedByProcess)
        #expect(backend.lines[3].hasPrefix("│ taking the first snapshot…"))
        source.gate!.signal()
        var turns = 0
        while loop.program.sockets.refreshCount == 0, turns < 2000 {
            loop.runOnce()
            turns += 1
        }
        #expect(loop.program.sockets.refreshCount == 1)
        #expect(source.callingThreads.count >= 1)
        #expect(source.callingThreads.allSatisfy { pthread_equal($0, uiThread) == 0 })
        backend.send(.function(12))  // an unbound key: draws a frame at once
        loop.runOnce()
        #expect(backend.lines.contains { $0.contains("▾ curl  pid 4242") })
        // Leave the tab so the re-armed timer finds the panel hidden.
        backend.send(.character("1"))
        loop.runOnce()
        source.gate!.signal()
    }

    @Test func twentyThousandSocketsScrollAsAVirtualTable() {
        let many = (0..<20_000).map { n in
            socket(
                .tcp, "ESTAB", local: "127.0.0.1", 10_000 + n % 50_000, remote: "127.0.0.1", 8080, inode: UInt32(1_000 + n), owners: [curl])
        }
        var panel = makePanel([snapshotOf(many)])
        panel.refreshAndWait()
        panel.press(.character("s"), .character("s"), .character("s"), .character("S"))  // Local ▼
        panel.press(.end)
        let source = SocketsTableSource(
            entries: panel.snapshot!.entries, rows: panel.rows, columns: panel.columns,
            added: [], changed: [], addedStyle: .plain, changedStyle: .plain)
        #expect(source.rows(in: 19_998..<20_000).map { $0.cells[2] } == ["127.0.0.1:10001", "127.0.0.1:10000"])
        let lines = panelScreen(panel).lines
        #expect(lines[2].hasPrefix("│ 20000 of 20000 sockets"))
        #expect(lines[11].contains("127.0.0.1:10000"), "the last row is drawn at the bottom, selected")
        #expect(panel.selectedEntry?.local.port == 10_000)
    }

    @Test(arguments: [(60, 13), (30, 6), (12, 4), (3, 2)])
    func panelDrawsOnlyInsideItsAreaAtAnySize(width: Int, height: Int) {
        var panel = makePanel([snapshotOf(baseEntries, hidden: 2, warnings: ["w"])])
        panel.refreshAndWait()
        panel.press(.down, .enter, .character("p"), .character("c"))
        var buffer = Buffer(area: Rect(x: 0, y: 0, width: width + 4, height: height + 4), filledWith: Cell(symbol: "x"))
        let area = Rect(x: 2, y: 2, width: width, height: height)
        panel.render(in: area, into: &buffer, theme: ThemeCatalog.builtInDefault)
        let outside = buffer.area.rowsAndColumns.filter { !area.contains(x: $0.x, y: $0.y) }
        #expect(outside.allSatisfy { buffer[$0.x, $0.y].symbol == "x" })
        #expect(buffer.lines[2].contains("┌") == (width >= 2 && height >= 2))
    }
}

@Suite struct SocketsPivotTests {
    @Test func testingAConnectionOpensTheTestsTabWithItsFormFilledIn() {
        var model = makeModel()
        model.sockets = makePanel([snapshotOf(baseEntries)])
        for message in run(model.press(.character("2")).first) { _ = model.update(.message(message)) }
        model.pressFollowingPivots(.down, .character("T"))  // the curl connection: its remote end is the nginx listener
        #expect(model.selectedTab == .tests)
        #expect(model.tests.form.request == .connect(ConnectRequest(host: "127.0.0.1", port: 8080)))
        #expect(!model.sockets.isVisible, "leaving the tab stopped the refreshes")
        // A UNIX socket has nothing to connect to: the tab stays, the panel says why.
        model.press(.character("2"), .end)
        model.pressFollowingPivots(.character("T"))
        #expect(model.selectedTab == .sockets)
        #expect(model.sockets.notice?.text == "connection tests need a TCP or UDP socket with a port; this is u_str")
    }
}

@Suite struct SocketsPanelLiveTableTests {
    /// The shell with the host's real socket table: a listener this test opens shows up with its owner.
    @Test func realTableFindsAListenerOfThisProcessThroughTheShell() throws {
        let listener = try SocketsPanelEndToEndTests.LoopbackListener()
        defer { listener.close() }
        var model = makeModel(width: 120, height: 30)
        let start = model.press(.character("2"))
        for message in run(start.first) { _ = model.update(.message(message)) }
        #expect(model.sockets.refreshCount == 1)
        model.press(.character("/"))
        for character in "sport:\(listener.port) state:listen" { model.press(.character(character)) }
        model.press(.enter)
        let lines = screen(model, width: 120, height: 30)
        #expect(lines[3].hasPrefix("│ 1 of "))
        let row = try #require(lines.first { $0.contains("127.0.0.1:\(listener.port)") })
        #expect(row.contains("LISTEN") && row.contains("/\(getpid())"))
        #expect(model.sockets.selectedEntry?.owners.contains { $0.pid == getpid() && $0.fileDescriptor == listener.descriptor } == true)
    }
}

extension Rect {
    /// Every cell position, row by row.
    var rowsAndColumns: [(x: Int, y: Int)] { (y..<bottom).flatMap { row in (x..<right).map { (x: $0, y: row) } } }
}

extension Pivot {
    /// The options of a capture pivot.
    var captureOptions: LiveCaptureOptions? {
        if case .capture(let options, _) = self { return options }
        return nil
    }
}
