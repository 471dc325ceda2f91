import Foundation
@testable import Inspect
import SocketKit
import Synchronization
import Testing
import SocktuiTestSupport
import TerminalUI
@testable import SocktuiApp

/// Renders the Tests panel alone into a buffer pre-filled with "x".
func panelScreen(_ panel: TestsPanel, width: Int = 80, height: Int = 20) -> [String] {
    var buffer = Buffer(area: Rect(x: 0, y: 0, width: width, height: height), filledWith: Cell(symbol: "x"))
    panel.render(in: buffer.area, into: &buffer, theme: ThemeCatalog.builtInDefault)
    return buffer.lines
}

extension TestsPanel {
    /// Feeds keys through `handleKey`; returns the commands asked for.
    @discardableResult
    mutating func press(_ keys: Key...) -> [Command<AppMessage>] {
        keys.compactMap { key in
            if case .handled(let command) = handleKey(key) { return command }
            return nil
        }
    }

    /// Replaces the focused text field's text (Ctrl-U clears, then typing edits it directly).
    mutating func fill(_ text: String) {
        press(.control("u"))
        for character in text { press(.character(character)) }
    }

    /// Moves the form focus to the field labelled `label`.
    mutating func focus(_ label: String) {
        for _ in form.state.fields.indices where form.focusedField?.label != label { press(.down) }
    }

    /// Delivers a scripted result to the newest run.
    mutating func finish(with result: ConnTestResult) {
        _ = update(.tests(.finished(TestFinished(generation: runs.last!.generation, result: result))))
    }
}

/// Starts a command and collects what it posts until `done` holds for a message (or 30 s pass,
/// a failsafe for a hung engine, not a timing assertion).
final class MessageCollector: Sendable {
    private let messages = Mutex<[TestsMessage]>([])
    private let arrived = DispatchSemaphore(value: 0)

    func start(_ command: Command<AppMessage>) {
        command.start { [self] message in
            guard case .tests(let message) = message else { return }
            messages.withLock { $0.append(message) }
            arrived.signal()
        }
    }

    /// Waits until some message satisfies `condition`; returns every message so far.
    func wait(until condition: (TestsMessage) -> Bool) -> [TestsMessage] {
        while true {
            let current = messages.withLock { $0 }
            if current.contains(where: condition) { return current }
            if arrived.wait(timeout: .now() + 30) == .timedOut { return current }
        }
    }

    /// Removes and returns the messages collected so far.
    func take() -> [TestsMessage] {
        messages.withLock { list in
            defer { list.removeAll() }; return list
        }
    }
}

func isFinished(_ message: TestsMessage) -> Bool { if case .finished = message { true } else { false } }
func isExported(_ message: TestsMessage) -> Bool { if case .exported = message { true } else { false } }

let refused = FailureReason(
    name: "ECONNREFUSED", code: 111, message: "Connection refused",
    explanation: FailureReason.explanation(for: Errno(rawValue: 111)))

@Suite struct TestsPanelTests {
    /// A loopback UDP port that was just bound and closed: nothing listens there.
    static func closedUDPPort() throws -> UInt16 {
        let closed = try Socket(family: .inet, type: .datagram)
        try closed.bind(host: "127.0.0.1", port: 0)
        let port = try #require(try closed.localAddress().port)
        try closed.close()
        return port
    }

    @Test func formStartsOnAConnectTraceAndExplainsHowToRun() {
        #expect(
            panelScreen(TestsPanel()) == [
                "┌ Tests ───────────────────────────────────────────────────────────────────────┐",
                "│▸ Test        ‹ connect ›      │ No result yet.                               │",
                "│  Host        127.0.0.1        │                                              │",
                "│  Port        80               │ Fill in the form (type into a field, ←/→     │",
                "│  Timeout s   5                │ picks the test) and press Enter to run it.   │",
                "│  Happy eyes  [ ]              │ Results explain every step: the addresses    │",
                "│  Export to   socktui.json     │ tried, their times, and what each error      │",
                "│History                        │ usually means.                               │",
                "│ no runs yet: Enter runs one   │                                              │",
                "│                               │                                              │",
                "│                               │                                              │",
                "│                               │                                              │",
                "│                               │                                              │",
                "│                               │                                              │",
                "│                               │                                              │",
                "│                               │                                              │",
                "│                               │                                              │",
                "│                               │                                              │",
                "│ Enter/r run · ←/→ change · ↑↓ fields · Esc history · x export · ? help       │",
                "└──────────────────────────────────────────────────────────────────────────────┘"
            ])
    }
}

extension TestsPanelTests {
    @Test func badInputIsMarkedInlineAndNothingRuns() {
        var panel = TestsPanel()
        panel.focus("Port")
        panel.fill("70000")
        panel.focus("Timeout s")
        panel.fill("0")
        #expect(panel.press(.function(5)).isEmpty)
        #expect(panel.runs.isEmpty && panel.runningJobs == 0)
        #expect(
            Array(panelScreen(panel, height: 12)) == [
                "┌ Tests ───────────────────────────────────────────────────────────────────────┐",
                "│  Test        ‹ connect ›      │ No result yet.                               │",
                "│  Host        127.0.0.1        │                                              │",
                "│  Port        70000            │ Fill in the form (type into a field, ←/→     │",
                "│              a port is 1-65535│ picks the test) and press Enter to run it.   │",
                "│▸ Timeout s   0                │ Results explain every step: the addresses    │",
                "│              seconds, more th…│ tried, their times, and what each error      │",
                "│History                        │ usually means.                               │",
                "│ no runs yet: Enter runs one   │                                              │",
                "│                               │                                              │",
                "│ not run: Port: a port is 1-65535 (and 1 more) — fix the marked field, then En│",
                "└──────────────────────────────────────────────────────────────────────────────┘"
            ])
    }

    @Test func choosingAnotherTestLaysOutItsFieldsAndKeepsTheTarget() {
        var panel = TestsPanel()
        panel.focus("Host")
        panel.fill("localhost")
        panel.focus("Test")
        panel.press(.right, .right, .right, .right)
        #expect(panel.form.kind == .scan)
        #expect(panel.form.state.fields.map(\.label) == ["Test", "Host", "Ports", "Concurrency", "Rate /s", "Timeout s", "Export to"])
        #expect(panel.form.value("Host") == "localhost")
        panel.focus("Concurrency")
        panel.fill("5000")
        panel.focus("Ports")
        panel.fill("10-5")
        #expect(panel.press(.function(5)).isEmpty)
        let lines = panelScreen(panel, height: 14)
        #expect(lines[5].hasPrefix("│  Concurrency 5000             │"))
        #expect(lines[6].hasPrefix("│              1-4096 connects …│"))
        #expect(
            panel.notice?.text
                == "not run: Ports: range '10-5' ends before it starts (and 1 more) — fix the marked field, then Enter runs it")
        panel.focus("Test")
        panel.press(.left)
        #expect(panel.form.kind == .echo)
        #expect(panel.form.value("Host") == "localhost")
    }
}

/// A trace as the engine would return it: `::1` refuses, `127.0.0.1` connects.
let scriptedTrace = ConnectTrace(
    request: ConnectRequest(host: "localhost", port: 8080, timeout: 5),
    resolveMilliseconds: 0.42,
    resolvedAddresses: [Endpoint(family: "AF_INET6", host: "::1", port: 8080), Endpoint(family: "AF_INET", host: "127.0.0.1", port: 8080)],
    resolveFailure: nil,
    attempts: [
        ConnectAttempt(
            index: 0, address: Endpoint(family: "AF_INET6", host: "::1", port: 8080), startReason: .first,
            startedAtMilliseconds: 0.5, outcome: .failed, elapsedMilliseconds: 0.08, failure: refused),
        ConnectAttempt(
            index: 1, address: Endpoint(family: "AF_INET", host: "127.0.0.1", port: 8080), startReason: .previousFailed,
            startedAtMilliseconds: 0.6, outcome: .connected, elapsedMilliseconds: 0.11,
            localAddress: Endpoint(family: "AF_INET", host: "127.0.0.1", port: 40312), rttMicroseconds: 52)
    ],
    winner: 1, totalMilliseconds: 0.75, cancelled: false)

extension TestsPanelTests {
    /// A panel that ran a connect trace to localhost:8080 (the command is not started).
    static func panelWithConnectRun() -> TestsPanel {
        var panel = TestsPanel()
        panel.focus("Host")
        panel.fill("localhost")
        panel.focus("Port")
        panel.fill("8080")
        let commands = panel.press(.function(5))
        #expect(commands.count == 1)
        return panel
    }

    @Test func connectTraceShowsEachAttemptWithItsTimeOrErrnoExplained() {
        var panel = Self.panelWithConnectRun()
        #expect(panel.runningJobs == 1)
        panel.finish(with: .connect(scriptedTrace))
        #expect(panel.runningJobs == 0)
        #expect(
            panelScreen(panel) == [
                "┌ Tests ───────────────────────────────────────────────────────────────────────┐",
                "│  Test        ‹ connect ›      │ #1 connect localhost:8080  ok                │",
                "│  Host        localhost        │ resolve localhost: 2 addresses in 0.42 ms:   │",
                "│▸ Port        8080             │   ::1, 127.0.0.1                             │",
                "│  Timeout s   5                │ connect (in order, timeout 5.00 s each):     │",
                "│  Happy eyes  [ ]              │ #1 [::1]:8080  ECONNREFUSED after 0.08       │",
                "│  Export to   socktui.json     │    ms: Connection refused                    │",
                "│History (1)                    │    → the host answered with a reset:         │",
                "│✓ #1 connect localhost:8080    │      nothing listens on that port, or a      │",
                "│                               │      firewall rejects the connection         │",
                "│                               │ #2 127.0.0.1:8080  connected in 0.11 ms      │",
                "│                               │    local 127.0.0.1:40312  rtt 0.05 ms        │",
                "│                               │ ✓ connected to 127.0.0.1:8080 in 0.11 ms     │",
                "│                               │   (total 0.75 ms)                            │",
                "│                               │                                              │",
                "│                               │                                              │",
                "│                               │                                              │",
                "│                               │                                              │",
                "│ #1 connect succeeded                                                         │",
                "└──────────────────────────────────────────────────────────────────────────────┘"
            ])
    }

    @Test func liveProgressShowsAttemptsAsTheyStartAndEnd() {
        var panel = Self.panelWithConnectRun()
        let generation = panel.runs[0].generation
        for event: ConnectEvent in [
            .resolved(addresses: scriptedTrace.resolvedAddresses, milliseconds: 0.42),
            .attemptStarted(index: 0, address: scriptedTrace.attempts[0].address, reason: .first),
            .attemptFinished(scriptedTrace.attempts[0]),
            .attemptStarted(index: 1, address: scriptedTrace.attempts[1].address, reason: .previousFailed)
        ] {
            _ = panel.update(.tests(.progressed(TestProgressed(generation: generation, event: .connect(event)))))
        }
        let lines = panelScreen(panel)
        #expect(lines[1].hasSuffix("│ #1 connect localhost:8080  running…          │"))
        #expect(lines.contains { $0.contains("#2 127.0.0.1:8080  trying…") })
    }

    @Test func probeSeriesShowsStatisticsSparklineAndHistogram() {
        var panel = TestsPanel()
        panel.focus("Test")
        panel.press(.right)
        panel.focus("Count")
        panel.fill("6")
        panel.press(.function(5))
        let request = ProbeRequest(connect: ConnectRequest(host: "127.0.0.1", port: 80, timeout: 2), count: 6, interval: 1)
        let times: [Double?] = [0.1, 0.2, 0.4, nil, 0.8, 0.1]
        let samples = times.enumerated().map { index, time in
            ProbeSample(
                sequence: index + 1, address: Endpoint(family: "AF_INET", host: "127.0.0.1", port: 80),
                milliseconds: time, failure: time == nil ? refused : nil)
        }
        panel.finish(
            with: .probes(
                ProbeSeriesResult(
                    request: request, resolveMilliseconds: 0.01, resolvedAddresses: [],
                    resolveFailure: nil, samples: samples,
                    statistics: LatencyStats(milliseconds: times.compactMap { $0 }), cancelled: false)))
        #expect(
            panelScreen(panel, height: 24) == [
                "┌ Tests ───────────────────────────────────────────────────────────────────────┐",
                "│  Test        ‹ probes ›       │ #1 probes 127.0.0.1:80 ×6  failed            │",
                "│  Host        127.0.0.1        │ 6 of 6 probes sent, 5 connected, 16.7%       │",
                "│  Port        80               │   loss                                       │",
                "│  Timeout s   2                │ min/avg/max 0.10 / 0.32 / 0.80 ms            │",
                "│▸ Count       6                │ median/p90/p99 0.20 / 0.80 / 0.80 ms         │",
                "│  Interval s  1                │ latency ▁▂▄ █▁ last 0.10 ms                  │",
                "│  Happy eyes  [ ]              │ histogram                                    │",
                "│  Export to   socktui.json     │  ≤0.14 ms ████████████████████ 2             │",
                "│History (1)                    │  ≤0.29 ms ██████████ 1                       │",
                "│✗ #1 probes 127.0.0.1:80 ×6    │  ≤0.57 ms ██████████ 1                       │",
                "│                               │  ≤1.15 ms ██████████ 1                       │",
                "│                               │ 1× ECONNREFUSED → the host answered with     │",
                "│                               │     a reset: nothing listens on that port,   │",
                "│                               │     or a firewall rejects the connection     │",
                "│                               │   next: check the port, and that the         │",
                "│                               │     service runs and listens on it (Sockets  │",
                "│                               │     tab: 2, filter state:listen)             │",
                "│                               │                                              │",
                "│                               │                                              │",
                "│                               │                                              │",
                "│                               │                                              │",
                "│ #1 probes failed                                                             │",
                "└──────────────────────────────────────────────────────────────────────────────┘"
            ])
    }

    @Test func scanTableListsPortsSortedByPortWithTheirStates() {
        var panel = TestsPanel()
        panel.focus("Test")
        panel.press(.left, .left)
        #expect(panel.form.kind == .scan)
        panel.focus("Ports")
        panel.fill("20-25")
        panel.press(.function(5))
        let request = PortScanRequest(host: "127.0.0.1", ports: try! PortSet(parsing: "20-25"))
        let ports = [
            PortResult(port: 20, state: .closed, reason: "ECONNREFUSED", milliseconds: 0.02),
            PortResult(port: 21, state: .filtered, reason: "ETIMEDOUT", milliseconds: 1000),
            PortResult(port: 22, state: .open, reason: nil, milliseconds: 0.03),
            PortResult(port: 23, state: .closed, reason: "ECONNREFUSED", milliseconds: 0.02),
            PortResult(port: 24, state: .closed, reason: "ECONNREFUSED", milliseconds: 0.02),
            PortResult(port: 25, state: .open, reason: nil, milliseconds: 0.04)
        ]
        panel.finish(
            with: .scan(
                PortScanResult(
                    request: request, address: Endpoint(family: "AF_INET", host: "127.0.0.1", port: 1),
                    failure: nil, ports: ports, elapsedMilliseconds: 1002, cancelled: false)))
        var lines = panelScreen(panel, height: 14)
        #expect(
            lines == [
                "┌ Tests ───────────────────────────────────────────────────────────────────────┐",
                "│  Test        ‹ scan ›         │ #1 scan 127.0.0.1 20-25  ok                  │",
                "│  Host        127.0.0.1        │ 127.0.0.1: 6 of 6 ports in 1.00 s            │",
                "│▸ Ports       20-25            │ 2 open, 3 closed, 1 filtered                 │",
                "│  Concurrency 1024             │ closed ports hidden: a lists them            │",
                "│  Rate /s                      │ PORT ▲ STATE    SERVICE REASON          TIME │",
                "│  Timeout s   1                │     21 filtered ftp     ETIMEDOUT     1.00 s │",
                "│  Export to   socktui.json     │     22 open     ssh     syn-ack      0.03 ms │",
                "│History (1)                    │     25 open     smtp    syn-ack      0.04 ms │",
                "│✓ #1 scan 127.0.0.1 20-25      │                                              │",
                "│                               │                                              │",
                "│                               │                                              │",
                "│ #1 scan succeeded                                                            │",
                "└──────────────────────────────────────────────────────────────────────────────┘"
            ])
        panel.focus("Test")
        panel.press(.character("a"))
        lines = panelScreen(panel, height: 14)
        #expect(lines[4].hasSuffix("│ PORT ▲ STATE    SERVICE REASON          TIME │"))
        #expect(
            lines[5...10].map { String($0.dropFirst(34).prefix(19)) } == [
                "    20 closed   ftp",
                "    21 filtered ftp",
                "    22 open     ssh",
                "    23 closed   tel",
                "    24 closed      ",
                "    25 open     smt"
            ])
    }
}

extension TestsPanelTests {
    @Test func escStopsARunningProbeSeriesAndKeepsThePartialResult() throws {
        let server = try EchoServer(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        var panel = TestsPanel()
        panel.focus("Test")
        panel.press(.right)
        panel.focus("Port")
        panel.fill(String(server.address.port ?? 0))
        panel.focus("Count")
        panel.fill("1000")
        let collector = MessageCollector()
        collector.start(try #require(panel.press(.function(5)).first))
        // The first probe arrives; the other 999 are a second apart, so the series is still running.
        let first = collector.wait { if case .progressed = $0 { true } else { false } }
        for message in first { _ = panel.update(.tests(message)) }
        _ = collector.take()
        #expect(panel.runningJobs == 1)
        #expect(panel.press(.escape).isEmpty)
        #expect(panel.runs[0].cancelRequested && panel.runs[0].cancellation.isCancelled)
        #expect(panelScreen(panel)[1].contains("stopping…"))
        for message in collector.wait(until: isFinished) { _ = panel.update(.tests(message)) }
        #expect(panel.runningJobs == 0)
        guard case .probes(let series)? = panel.runs[0].result else { Issue.record("no probe result"); return }
        #expect(series.cancelled && series.received >= 1 && series.sent < 1000)
        let lines = panelScreen(panel)
        #expect(lines[1].contains("#1 probes 127.0.0.1:\(server.address.port ?? 0) ×1000  cancelled"))
        #expect(lines.contains { $0.contains("│⊘ #1 probes 127.0.0.1:") })
        // Esc with nothing running goes to the history, as the Resolver's goes to its results.
        panel.press(.escape)
        #expect(panel.focus == .history && panel.runs.count == 1)
    }

    @Test func historyRunsAnEntryAgainAndExportsItsResultAsJSON() throws {
        var panel = Self.panelWithConnectRun()
        panel.finish(with: .connect(scriptedTrace))
        panel.press(.escape)
        #expect(panel.focus == .history)
        let again = panel.press(.function(5))
        #expect(again.count == 1)
        #expect(panel.runs.count == 2 && panel.runs[1].request == panel.runs[0].request)
        #expect(panel.shownRun == panel.runs[1].generation)
        panel.finish(with: .connect(scriptedTrace))
        // Enter loads the selected entry into the form.
        panel.press(.down, .enter)
        #expect(panel.focus == .form && panel.form.value("Port") == "8080" && panel.form.value("Host") == "localhost")

        let path = NSTemporaryDirectory() + "socktui-tests-panel-\(getpid()).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        panel.focus("Export to")
        panel.fill(path)
        let collector = MessageCollector()
        panel.focus("Test")
        collector.start(try #require(panel.press(.character("x")).first))
        #expect(panel.runningJobs == 1)
        for message in collector.wait(until: isExported) { _ = panel.update(.tests(message)) }
        #expect(panel.runningJobs == 0)
        #expect(panel.notice?.text == "exported #1 to \(path)")
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["winner"] as? Int == 1)
        #expect(
            (object["attempts"] as? [[String: Any]])?.first?["failure"].flatMap { ($0 as? [String: Any])?["name"] as? String }
                == "ECONNREFUSED")
    }

    @Test func messagesOfUnknownRunsAreDropped() {
        var panel = Self.panelWithConnectRun()
        _ = panel.update(.tests(.finished(TestFinished(generation: Generation(7), result: .connect(scriptedTrace)))))
        #expect(panel.runs[0].isRunning)
        panel.finish(with: .connect(scriptedTrace))
        // A late event after the result changes nothing.
        _ = panel.update(
            .tests(
                .progressed(
                    TestProgressed(
                        generation: panel.runs[0].generation,
                        event: .probe(
                            ProbeSample(sequence: 1, address: nil, milliseconds: 1, failure: nil))))))
        #expect(panel.runs[0].live.probes.isEmpty)
    }

    @Test func typingIntoAFieldKeepsShellKeysOutWhileOtherwiseTheyPassThrough() {
        var model = makeModel()
        _ = model.perform(.selectTab(3))
        model.press(.down, .control("u"), .character("q"), .character("4"), .character("t"), .character("?"))
        #expect(!model.isFinished && model.overlay == nil)
        #expect(model.tests.form.value("Host") == "q4t?")
        // On the Test choice (not a text field) the shell's keys work again.
        model.press(.up, .character("?"))
        #expect(model.overlay == .help)
        #expect(model.helpOverlay.lines.contains { $0.plainText.contains("stop the running test shown") })
    }
}

extension TestsPanelTests {
    /// Runs the form's test to its end through the panel's command, applying every message.
    static func runToEnd(_ panel: inout TestsPanel) throws {
        let collector = MessageCollector()
        collector.start(try #require(panel.press(.function(5)).first))
        for message in collector.wait(until: isFinished) { _ = panel.update(.tests(message)) }
        #expect(panel.runningJobs == 0)
    }

    @Test func echoUDPAndThroughputRunOnLoopbackAndShowTheirFigures() throws {
        let echo = try EchoServer(host: "127.0.0.1", port: 0, mode: .echo)
        defer { echo.stop() }
        let sink = try EchoServer(host: "127.0.0.1", port: 0, mode: .discard)
        defer { sink.stop() }
        var panel = TestsPanel()
        panel.focus("Test")
        panel.press(.right, .right, .right)
        #expect(panel.form.kind == .echo)
        panel.focus("Port")
        panel.fill(String(echo.address.port ?? 0))
        try Self.runToEnd(&panel)
        var text = panelScreen(panel, width: 160, height: 30).joined(separator: "\n")
        #expect(text.contains("echo: 65536 of 65536 bytes came back intact in 16 messages"))
        #expect(text.contains("min/avg/max"))

        // UDP to a port with no socket: the kernel answers ICMP port unreachable.
        let closedPort = try TestsPanelTests.closedUDPPort()
        panel.focus("Test")
        panel.press(.left)
        #expect(panel.form.kind == .udp)
        panel.focus("Port")
        panel.fill(String(closedPort))
        try Self.runToEnd(&panel)
        text = panelScreen(panel, width: 160, height: 30).joined(separator: "\n")
        #expect(text.contains("udp 127.0.0.1:\(closedPort): closed (ICMP port unreachable)"))
        #expect(text.contains("→ nothing listens on that UDP port"))

        panel.focus("Test")
        panel.press(.right, .right, .right)
        #expect(panel.form.kind == .throughput)
        panel.focus("Port")
        panel.fill(String(sink.address.port ?? 0))
        panel.focus("Seconds")
        panel.fill("0.5")
        try Self.runToEnd(&panel)
        text = panelScreen(panel, width: 160, height: 30).joined(separator: "\n")
        #expect(text.contains("throughput: "))
        #expect(text.contains("ended: the 0.5 s duration was reached; the sink then read everything and closed its end"))
        #expect(text.contains("rate "))
        #expect(panel.history.map(\.request).map(TestKind.init) == [.throughput, .udp, .echo])
    }
}

extension TestsPanelTests {
    @Test func formScrollsToKeepTheFocusedFieldVisibleInASmallArea() {
        var panel = TestsPanel()
        panel.focus("Test")
        panel.press(.right)
        panel.focus("Export to")
        #expect(
            panelScreen(panel, width: 60, height: 9) == [
                "┌ Tests ───────────────────────────────────────────────────┐",
                "│  Interval s  1         │ No result yet.                  │",
                "│  Happy eyes  [ ]       │                                 │",
                "│▸ Export to   ktui.json │ Fill in the form (type into a   │",
                "│History                 │ field, ←/→ picks the test) and  │",
                "│ no runs yet: Enter runs│ press Enter to run it. Results  │",
                "│                        │ explain every step: the         │",
                "│ type to edit Export to · Enter runs · ↑↓ fields · Esc his│",
                "└──────────────────────────────────────────────────────────┘"
            ])
        panel.focus("Test")
        #expect(panelScreen(panel, width: 60, height: 9)[1].hasPrefix("│▸ Test        ‹ probes ›"))
    }
}

extension TestsPanelTests {
    @Test func pageKeysScrollTheResultWithinItsLength() {
        var panel = Self.panelWithConnectRun()
        panel.resize(to: Rect(x: 0, y: 0, width: 80, height: 10))
        panel.finish(with: .connect(scriptedTrace))
        #expect(panelScreen(panel, height: 10)[2] == "│  Host        localhost        │ resolve localhost: 2 addresses in 0.42 ms:   │")
        _ = panel.perform(.pageDown)
        _ = panel.perform(.pageDown)
        _ = panel.perform(.pageDown)
        let bottom = panel.resultScroll
        // 12 rows of result in a 6-row pane: the last page starts at row 6.
        #expect(bottom == 6)
        #expect(panelScreen(panel, height: 10)[7].hasSuffix("│   (total 0.75 ms)                            │"))
        _ = panel.perform(.pageUp)
        #expect(panel.resultScroll == 1)
        _ = panel.perform(.pageUp)
        #expect(panel.resultScroll == 0)
    }
}

extension TestsPanelTests {
    @Test func runningScanShowsCountsAndOpenPortsAsTheyAreFound() {
        var panel = TestsPanel()
        panel.focus("Test")
        panel.press(.left, .left)
        panel.press(.function(5))
        let generation = panel.runs[0].generation
        for event: PortScanEvent in [.portOpen(631), .portOpen(22), .progress(done: 512, total: 1024, open: 2)] {
            _ = panel.update(.tests(.progressed(TestProgressed(generation: generation, event: .scan(event)))))
        }
        let lines = panelScreen(panel, height: 8)
        #expect(lines[1].hasSuffix("│ #1 scan 127.0.0.1 1-1024  running…           │"))
        #expect(lines[2].hasSuffix("│ scanning 127.0.0.1: 512 of 1024 ports done   │"))
        #expect(lines[3].hasSuffix("│ open so far: 22, 631                         │"))
        #expect(panel.runningJobs == 1)
    }
}
