import Dispatch
import Glibc
@testable import Inspect
import SocketKit
import Synchronization
import Testing
import TerminalUI
@testable import SocktuiApp

/// Option reads handed out in order (the last one repeats), recording the targets asked for.
final class ScriptedOptionReader: Sendable {
    private let script: Mutex<[Result<SocketOptionsReport, OptionInspectorError>]>
    private let asked = Mutex<[OptionTarget]>([])

    init(_ results: [Result<SocketOptionsReport, OptionInspectorError>]) { script = Mutex(results) }

    func read(_ target: OptionTarget) -> Result<SocketOptionsReport, OptionInspectorError> {
        asked.withLock { $0.append(target) }
        return script.withLock { results in results.count > 1 ? results.removeFirst() : results[0] }
    }

    var targets: [OptionTarget] { asked.withLock { $0 } }
}

/// A reading of the catalog option `name` with `value`.
func reading(_ name: String, _ value: OptionValue) throws -> OptionReading {
    OptionReading(option: try SocketOptionCatalog.option(named: name), value: value)
}

/// A report of curl's connection (pid 4242 fd 3 in `baseEntries`) with a few options.
func curlReport(keepAlive: Bool = true, receiveBuffer: Int = 106496, congestion: String = "cubic") throws -> SocketOptionsReport {
    SocketOptionsReport(
        pid: 4242, fd: 3, command: "curl", family: "AF_INET", type: "SOCK_STREAM", protocol: "IPPROTO_TCP",
        local: "127.0.0.1:51234", peer: "127.0.0.1:8080",
        options: [
            try reading("SO_KEEPALIVE", .bool(keepAlive)),
            try reading("SO_RCVBUF", .bufferSize(requested: receiveBuffer, effective: receiveBuffer * 2)),
            try reading("SO_BINDTODEVICE", .unavailable("ENOPROTOOPT")),
            try reading("TCP_NODELAY", .bool(false)),
            try reading("TCP_CONGESTION", .string(congestion))
        ],
        skipped: [
            SkippedOption(cName: "SO_ERROR", reason: "reading it clears the socket's pending error"),
            SkippedOption(cName: "TCP_SAVED_SYN", reason: "reading it releases the saved SYN")
        ])
}

extension SocketsPanel {
    /// Presses one key and returns the command it started.
    mutating func command(for key: Key) -> Command<AppMessage>? {
        if case .handled(let command) = handleKey(key) { return command }
        return nil
    }

    /// Runs a command and applies every message it posts (one level deep).
    mutating func apply(_ command: Command<AppMessage>?) {
        for message in run(command) { _ = update(message) }
    }
}

func optionsPanel(_ reader: ScriptedOptionReader, height: Int = 24) -> SocketsPanel {
    var panel = SocketsPanel(
        source: ScriptedSocketSource([snapshotOf(baseEntries)]), isRoot: true,
        optionReader: { reader.read($1) })
    panel.resize(to: Rect(x: 0, y: 0, width: 100, height: height))
    panel.refreshAndWait()
    return panel
}

@Suite struct SocketsOptionsViewTests {
    @Test func optionsViewShowsEveryOptionWithLevelValueAndDescription() throws {
        let reader = ScriptedOptionReader([.success(try curlReport())])
        var panel = optionsPanel(reader)
        panel.press(.down)  // curl's connection
        let read = panel.command(for: .character("O"))
        #expect(panel.optionsView?.target == .descriptor(pid: 4242, fd: 3))
        #expect(panel.runningJobs == 1, "a read in flight counts")
        #expect(panelScreen(panel, width: 100, height: 24).lines.contains { $0.contains("reading the options of pid 4242 fd 3…") })
        panel.apply(read)
        #expect(panel.runningJobs == 0)
        #expect(reader.targets == [.descriptor(pid: 4242, fd: 3)])
        let lines = panelScreen(panel, width: 100, height: 24).lines
        let keepAlive = try #require(SocketOptionCatalog.option(named: "SO_KEEPALIVE").summary)
        #expect(lines[3].hasPrefix("│ ┌ Options of pid 4242 fd 3 (Esc closes) "))
        #expect(lines[4] == "│ │ curl/4242 fd 3 · AF_INET SOCK_STREAM IPPROTO_TCP · 127.0.0.1:51234 → 127.0.0.1:8080 · read … │ │")
        #expect(panelScreen(panel, width: 110, height: 24).lines[4].contains("→ 127.0.0.1:8080 · read 1×  "))
        #expect(lines[5] == "│ │   Option          Level       Value                          Description                     │ │")
        #expect(lines[6].hasPrefix("│ │   SO_KEEPALIVE    SOL_SOCKET  on                             " + keepAlive.prefix(20)))
        #expect(lines[7] == "│ │   SO_RCVBUF       SOL_SOCKET  212992 (kernel doubled 106496) Receive buffer size; the kerne… │ │")
        #expect(
            lines[8].hasPrefix("│ │   SO_BINDTODEVICE SOL_SOCKET  n/a (ENOPROTOOPT)              Restricts"), "refused options stay, as n/a"
        )
        #expect(lines[9].hasPrefix("│ │   TCP_NODELAY     IPPROTO_TCP off                            Disables Nagle"))
        #expect(lines[10].hasPrefix("│ │   TCP_CONGESTION  IPPROTO_TCP cubic                          Congestion control"))
        #expect(lines[11].hasPrefix("│ │   skipped SO_ERROR: reading it clears the socket's pending error"))
        #expect(lines[12].hasPrefix("│ │   skipped TCP_SAVED_SYN: reading it releases the saved SYN"))
        // The sock_diag details of the socket stay in sight below the options.
        #expect(lines.contains { $0.contains("┌ Details") })
        #expect(lines[20] == "│ │ Family      AF_INET                   MSS         0                                          │ │")
        #expect(lines[22].contains("options: Esc closes"))
        // The unavailable row is dim, not an error.
        var buffer = panelScreen(panel, width: 100, height: 24)
        #expect(buffer[6, 8].modifiers.contains(.dim))
        #expect(!buffer[6, 7].modifiers.contains(.dim))
        // Esc closes; the table is back.
        panel.press(.escape)
        #expect(panel.optionsView == nil)
        buffer = panelScreen(panel, width: 100, height: 24)
        #expect(buffer.lines[3].contains("Kind"))
    }

    @Test func notPermittedShowsTheInspectorsMessageAndKeepsTheDetails() throws {
        let message =
            "not permitted to copy fd 6 of pid 812: pidfd_getfd needs ptrace permission over it (kernel.yama.ptrace_scope = 1); run as root, or as its user with ptrace_scope 0. sock_diag still shows its state and queues."
        let reader = ScriptedOptionReader([.failure(OptionInspectorError(message: message, errno: "EPERM"))])
        var panel = optionsPanel(reader)
        panel.apply(panel.command(for: .character("O")))
        // The row has two holders: the read tries each by its inode (one may have gone since).
        #expect(reader.targets == [.inode(100)])
        let lines = panelScreen(panel, width: 100, height: 24).lines
        #expect(lines[4].contains("inode 100: options not readable"))
        let text = lines[5...8].map { String($0.dropFirst(4).dropLast(4)).trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(text.hasPrefix("✗ " + message))
        #expect(lines.contains { $0.contains("the sock_diag details below still apply") })
        #expect(lines.contains { $0.hasPrefix("│ │ Kind        tcp ") }, "the details pane stays")
        #expect(panel.notice == nil, "not a popup or a notice")
    }

    @Test func valuesThatChangedSinceThePreviousReadAreHighlighted() throws {
        let reader = ScriptedOptionReader([
            .success(try curlReport()),
            .success(try curlReport(keepAlive: false, receiveBuffer: 65536))
        ])
        var panel = optionsPanel(reader)
        panel.press(.down)
        panel.apply(panel.command(for: .character("O")))
        #expect(panel.optionsView?.changed == [])
        #expect(!panelScreen(panel, width: 100, height: 24).lines[6].contains("~"))
        panel.apply(panel.command(for: .character("r")))
        #expect(panel.optionsView?.changed == ["SOL_SOCKET.SO_KEEPALIVE", "SOL_SOCKET.SO_RCVBUF"])
        let buffer = panelScreen(panel, width: 100, height: 24)
        let lines = buffer.lines
        #expect(panelScreen(panel, width: 130, height: 24).lines[4].contains("→ 127.0.0.1:8080 · read 2× · ~2 changed  "))
        #expect(lines[6].hasPrefix("│ │ ~ SO_KEEPALIVE    SOL_SOCKET  off                           Sends"))
        #expect(lines[7].hasPrefix("│ │ ~ SO_RCVBUF       SOL_SOCKET  131072 (kernel doubled 65536) Receive"))
        #expect(lines[10].hasPrefix("│ │   TCP_CONGESTION"))
        let warning = try #require(ThemeCatalog.builtInDefault[.warning].fg)
        #expect(buffer[6, 6].fg == warning && buffer[6, 7].fg == warning)
        #expect(buffer[6, 10].fg != warning)
        // A third read with nothing new clears the highlight.
        panel.apply(panel.command(for: .character("r")))
        #expect(panel.optionsView?.changed == [])
    }

    @Test func tcpInfoIsShownAsFieldsUnderItsRow() throws {
        var info = TCPInfo(bytes: Array(repeating: 0, count: 104))
        info.rtt = 50
        info.sendCongestionWindow = 10
        var report = try curlReport()
        report.options = [try reading("TCP_INFO", .tcpInfo(info)), try reading("TCP_NODELAY", .bool(true))]
        let reader = ScriptedOptionReader([.success(report)])
        var panel = optionsPanel(reader)
        panel.press(.down)
        panel.apply(panel.command(for: .character("O")))
        let lines = panelScreen(panel, width: 100, height: 30).lines
        let row = try #require(lines.firstIndex { $0.contains("TCP_INFO") })
        let fields = lines[(row + 1)...].prefix { !$0.contains("TCP_NODELAY") }.joined()
        #expect(fields.contains("rtt 50 µs"))
        #expect(fields.contains("snd_cwnd 10"))
        #expect(lines[row + 1].hasPrefix("│ │     state 0  ca_state 0"))
    }

    @Test func staleReadsAreDroppedAndTheViewReReadsAtTheInterval() throws {
        let reader = ScriptedOptionReader([.success(try curlReport()), .success(try curlReport(congestion: "bbr"))])
        var panel = optionsPanel(reader)
        panel.press(.down)
        let first = run(panel.command(for: .character("O")))
        let second = run(panel.command(for: .character("r")))
        #expect(panel.update(first[0]) == nil)
        #expect(panel.optionsView?.readCount == 0, "an answer to a superseded read is dropped")
        #expect(panel.runningJobs == 1)
        _ = panel.update(second[0])
        #expect(panel.optionsView?.readCount == 1 && panel.runningJobs == 0)
        // While the tab shows, each answer arms the next read at the refresh interval.
        var visible = optionsPanel(reader)
        visible.press(.down, .character("+"), .character("+"), .character("+"))
        #expect(visible.interval == 0.5)
        let start = visible.command(for: .character("O"))
        _ = visible.visibilityChanged(to: true)
        // The O read was superseded by the read on showing the tab; take the current one.
        _ = run(start)
        let shown = run(visible.readOptions())
        let timer = visible.update(shown[0])
        #expect(timer != nil, "the answer re-arms the timer")
        let due = run(timer)
        let next = visible.update(due[0])
        #expect(visible.runningJobs == 1)
        visible.apply(next)
        #expect((visible.optionsView?.readCount ?? 0) >= 2)
        // Closing drops what is in flight.
        let late = run(visible.readOptions())
        visible.press(.escape)
        #expect(visible.update(late[0]) == nil && visible.optionsView == nil)
        #expect(visible.helpEntries.contains { $0.keys == "Esc/O" })
    }

    @Test(.enabled(if: getuid() == 0, "pidfd_getfd needs ptrace permission (root in CI)"))
    func realReadOfASocketThisTestOwns() throws {
        let listener = try Socket()
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen()
        try listener.setsockopt(level: 6 /* IPPROTO_TCP */, name: 1 /* TCP_NODELAY */, value: 1)
        let port = Int(try listener.localAddress().port!)
        var panel = SocketsPanel(isRoot: true)
        panel.resize(to: Rect(x: 0, y: 0, width: 120, height: 40))
        panel.refreshAndWait()
        panel.press(.character("/"))
        // The listener itself: a TIME_WAIT row of another test that used the same port number has
        // no owner and no options.
        panel.type("sport:\(port) state:listen")
        panel.press(.enter)
        let entry = try #require(panel.selectedEntry)
        #expect(entry.local.port == port && entry.state == "LISTEN")
        panel.apply(panel.command(for: .character("O")))
        let view = try #require(panel.optionsView)
        if let error = view.error {
            Issue.record("read failed: \(error.message)")
            return
        }
        let report = try #require(view.report)
        #expect(report.pid == getpid())
        #expect(report.options.first { $0.cName == "TCP_NODELAY" }?.value == .bool(true))
        let lines = panelScreen(panel, width: 120, height: 40).lines
        #expect(lines.contains { $0.contains("SO_RCVBUF              SOL_SOCKET  ") })
        // TCP_NODELAY is further down: the view scrolls.
        let index = try #require(report.options.firstIndex { $0.cName == "TCP_NODELAY" })
        for _ in 0..<index { panel.press(.down) }
        #expect(panel.selectedEntry?.id == entry.id, "arrows scroll the view, not the table")
        let scrolled = panelScreen(panel, width: 120, height: 40).lines
        #expect(scrolled.contains { $0.contains("TCP_NODELAY            IPPROTO_TCP on ") })
        #expect(scrolled[4].contains("· read 1×"), "the heading stays while the rows scroll")
        #expect(lines.contains { $0.contains("127.0.0.1:\(port)") })
        try listener.close()
    }
}
