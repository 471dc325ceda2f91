import Foundation
@testable import Inspect
import SocketKit
import Testing
import SocktuiTestSupport
import TerminalUI
@testable import SocktuiApp

/// The Tests panel's host selector (Ctrl-O): connection tests sent to a host's agent, with its
/// streamed progress, cancel, a link dropped mid-test and a stalled agent. Agents run on pipes
/// in this process (InProcessTransport) or as `socktui agent` child processes (to kill them).
@Suite struct TestsPanelHostsTests {
    /// An agent child process whose environment carries a tag, so the test can find (and stop
    /// or kill) exactly that process among its children.
    struct TaggedAgent {
        let tag = "socktui-tests-panel-\(UInt32.random(in: 0...UInt32.max))"
        let label: String

        var transport: ProcessTransport {
            ProcessTransport(label: label, arguments: ["/usr/bin/env", "SOCKTUI_TEST_TAG=\(tag)", TestBinary.socktui, "agent"])
        }

        /// The live agent processes started through this transport.
        var pids: [pid_t] {
            ProcessTree.descendants(of: getpid()).filter { pid in
                guard let environment = FileManager.default.contents(atPath: "/proc/\(pid)/environ") else { return false }
                return environment.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == "SOCKTUI_TEST_TAG=\(tag)" }
                    && (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.contains(") Z ") == false
            }
        }
    }

    /// The panel with the form set to `kind` (its index in the Test choice) and `port`.
    static func panel(hosts: [AgentClient], kind: Int = 0, port: Int) -> TestsPanel {
        var panel = TestsPanel(hosts: [AgentClient.local()] + hosts)
        panel.focus("Test")
        for _ in 0..<kind { panel.press(.right) }
        panel.focus("Port")
        panel.fill(String(port))
        return panel
    }

    @Test func ctrlOCyclesLocalAndEachHostAndShowsTheChoiceInTitleAndForm() {
        let alpha = AgentClient(transport: InProcessTransport(label: "alpha"))
        let beta = AgentClient(transport: InProcessTransport(label: "beta"))
        defer { alpha.close(); beta.close() }
        var panel = TestsPanel(hosts: [AgentClient.local(), alpha, beta])
        #expect(panel.hostLabel == "local")
        var lines = panelScreen(panel)
        #expect(lines[0].hasPrefix("┌ Tests · on local (Ctrl-O host) ─"))
        #expect(lines[1].hasPrefix("│  Run on      local  "))
        #expect(lines[2].contains("Test"))
        panel.press(.control("o"))
        #expect(panel.hostLabel == "alpha" && panel.statusHint == "tests now run on alpha (through its agent)")
        lines = panelScreen(panel)
        #expect(lines[0].hasPrefix("┌ Tests · on alpha (Ctrl-O host) ─"))
        #expect(lines[1].hasPrefix("│  Run on      alpha  "))
        panel.focus("Host")
        panel.press(.end)  // an edit clears the notice: the hint names the host
        #expect(panel.statusHint == "type to edit Host · Enter runs on alpha · Ctrl-O host · ↑↓ fields · Esc history · F1 help")
        // Ctrl-O works on a text field, and typing goes on into it.
        panel.press(.control("o"))
        #expect(panel.hostLabel == "beta")
        panel.press(.character("x"))
        #expect(panel.form.value("Host") == "127.0.0.1x")
        panel.press(.control("o"))
        #expect(panel.hostLabel == "local")

        var plain = TestsPanel()
        plain.press(.control("o"))
        #expect(plain.hostLabel == "local" && plain.statusHint.contains("socktui --host HOST"))
        #expect(panelScreen(plain)[0].hasPrefix("┌ Tests ─"))
        #expect(plain.helpEntries.contains { $0.keys == "Ctrl-O" })
    }

    @Test func aProbeSeriesRunsThroughTheAgentWithLiveProgressAndTheHostInTheHistory() throws {
        let server = try EchoServer(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let agent = AgentClient(transport: InProcessTransport(label: "agent1"))
        defer { agent.close() }
        var panel = Self.panel(hosts: [agent], kind: 1, port: Int(server.address.port ?? 0))
        panel.focus("Count")
        panel.fill("3")
        panel.focus("Interval s")
        panel.fill("0.1")
        panel.press(.control("o"))
        let collector = MessageCollector()
        collector.start(try #require(panel.press(.function(5)).first))
        #expect(panel.runs.map(\.host) == ["agent1"])
        #expect(panel.notice?.text.hasPrefix("started #1 on agent1: probes 127.0.0.1:") == true)
        let messages = collector.wait(until: isFinished)
        // Progress came from the agent's stream, one event per probe, before the result.
        let probes = messages.filter { if case .progressed(let progressed) = $0, case .probe = progressed.event { true } else { false } }
        #expect(probes.count == 3)
        #expect(messages.last.map(isFinished) == true)
        for message in messages { _ = panel.update(.tests(message)) }
        #expect(agent.hello?.role == "agent")
        guard case .probes(let series)? = panel.runs[0].result else { Issue.record("no probe result: \(messages)"); return }
        #expect(series.received == 3 && !series.cancelled)
        #expect(panel.runs[0].live.probes.count == 3)
        let lines = panelScreen(panel, width: 100, height: 24)
        #expect(lines[1].hasPrefix("│  Run on      agent1 ✓ agent  "))
        #expect(lines.contains { $0.contains("#1 probes 127.0.0.1:\(server.address.port ?? 0) ×3 on agent1  ok") })
        #expect(lines.contains { $0.contains("✓ #1 agent1 probes 127.0.0.1:") })
        #expect(panel.statusHint == "#1 probes on agent1 succeeded")

        // Back on this host, the history runs the entry again on the host it ran on.
        panel.press(.control("o"))
        #expect(panel.hostLabel == "local")
        panel.press(.escape)  // nothing runs: Esc goes to the history
        let again = MessageCollector()
        again.start(try #require(panel.press(.function(5)).first))
        for message in again.wait(until: isFinished) { _ = panel.update(.tests(message)) }
        #expect(panel.runs.map(\.host) == ["agent1", "agent1"] && panel.hostLabel == "agent1")
        #expect(panel.runs[1].result?.succeeded == true)
    }

    @Test func escCancelsTheAgentRequestAndItsCancelledResultKeepsThePartialSeries() throws {
        let server = try EchoServer(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let agent = AgentClient(transport: InProcessTransport(label: "agent1"))
        defer { agent.close() }
        var panel = Self.panel(hosts: [agent], kind: 1, port: Int(server.address.port ?? 0))
        panel.focus("Count")
        panel.fill("1000")
        panel.press(.control("o"))
        let collector = MessageCollector()
        collector.start(try #require(panel.press(.function(5)).first))
        for message in collector.wait(until: { if case .progressed = $0 { true } else { false } }) { _ = panel.update(.tests(message)) }
        _ = collector.take()
        #expect(panel.runningJobs == 1)
        #expect(panel.press(.escape).isEmpty)
        #expect(panel.runs[0].cancelRequested)
        for message in collector.wait(until: isFinished) { _ = panel.update(.tests(message)) }
        #expect(panel.runningJobs == 0)
        guard case .probes(let series)? = panel.runs[0].result else { Issue.record("no probe result"); return }
        // The agent stopped the series (a second between probes: far fewer than 1000 sent).
        #expect(series.cancelled && series.received >= 1 && series.sent < 1000)
        #expect(panel.runs[0].linkFailure == nil)
        #expect(panelScreen(panel, width: 100, height: 24)[1].contains("×1000 on agent1  cancelled"))
    }

    @Test func aLinkDroppedMidTestShowsDisconnectedKeepsTheProgressAndTheNextTestReconnects() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestBinary.socktui), "socktui was not built")
        let server = try EchoServer(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let agent = TaggedAgent(label: "drop")
        let client = AgentClient(transport: agent.transport)
        defer { client.close() }
        var panel = Self.panel(hosts: [client], kind: 1, port: Int(server.address.port ?? 0))
        panel.focus("Count")
        panel.fill("1000")
        panel.press(.control("o"))
        let collector = MessageCollector()
        collector.start(try #require(panel.press(.function(5)).first))
        for message in collector.wait(until: { if case .progressed = $0 { true } else { false } }) { _ = panel.update(.tests(message)) }
        _ = collector.take()
        let pids = agent.pids
        try #require(pids.count == 1, "the agent process: \(pids)")
        kill(pids[0], SIGKILL)
        let messages = collector.wait { if case .linkFailed = $0 { true } else { false } }
        for message in messages { _ = panel.update(.tests(message)) }
        let run = panel.runs[0]
        #expect(run.linkFailure == "drop: disconnected (exit status 137)")
        #expect(run.result == nil && !run.isRunning && panel.runningJobs == 0)
        #expect(run.live.probes.count >= 1)
        let lines = panelScreen(panel, width: 100, height: 24)
        #expect(lines.contains { $0.contains("×1000 on drop  disconnected") })
        #expect(lines.contains { $0.contains("✗ drop: disconnected (exit status 137)") })
        #expect(lines.contains { $0.contains("probes sent") })
        #expect(lines.contains { $0.contains("✗ #1 drop probes") })
        #expect(panel.statusHint == "#1: drop: disconnected (exit status 137)")
        panel.focus("Test")
        #expect(panel.press(.character("x")).isEmpty)
        #expect(panel.statusHint.contains("ended without a result"))

        // The next test on the host opens a new link (a new agent process) and runs there.
        panel.focus("Test")
        panel.press(.left)
        let next = MessageCollector()
        next.start(try #require(panel.press(.function(5)).first))
        for message in next.wait(until: isFinished) { _ = panel.update(.tests(message)) }
        guard case .connect(let trace)? = panel.runs[1].result else { Issue.record("no connect result after the reconnect"); return }
        #expect(trace.succeeded && panel.runs[1].host == "drop")
        #expect(agent.pids.count == 1 && agent.pids != pids)
    }

    @Test func aStalledAgentIsReportedAfterTheTestsTimeoutPlusTheHostTimeout() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestBinary.socktui), "socktui was not built")
        let server = try EchoServer(host: "127.0.0.1", port: 0)
        defer { server.stop() }
        let agent = TaggedAgent(label: "stall")
        let client = AgentClient(transport: agent.transport, silenceLimit: 0.5)
        defer { client.close() }
        var panel = Self.panel(hosts: [client], port: Int(server.address.port ?? 0))
        panel.focus("Timeout s")
        panel.fill("0.5")
        panel.press(.control("o"))
        // A first test connects the link; then the agent is stopped (SIGSTOP) and the next one waits.
        let first = MessageCollector()
        first.start(try #require(panel.press(.function(5)).first))
        for message in first.wait(until: isFinished) { _ = panel.update(.tests(message)) }
        #expect(panel.runs[0].result?.succeeded == true)
        let pids = agent.pids
        try #require(pids.count == 1)
        kill(pids[0], SIGSTOP)
        defer { kill(pids[0], SIGCONT) }
        let second = MessageCollector()
        second.start(try #require(panel.press(.function(5)).first))
        for message in second.wait(until: { if case .linkFailed = $0 { true } else { false } }) { _ = panel.update(.tests(message)) }
        #expect(
            panel.runs[1].linkFailure
                == "stall: no answer within 1 s (the link stalled or its agent hung: closed it, the next request reconnects; --host-timeout sets the limit)"
        )
        #expect(!panel.runs[1].isRunning)
        // The link was closed: once the agent can act on that (it was stopped) it ends, and the
        // next test runs on a new link.
        kill(pids[0], SIGCONT)
        var status: AgentStatus = client.status
        for _ in 0..<600 {
            status = client.status
            if case .disconnected = status { break }
            usleep(50_000)
        }
        guard case .disconnected = status else { Issue.record("the stalled link did not end: \(status)"); return }
        let third = MessageCollector()
        third.start(try #require(panel.press(.function(5)).first))
        for message in third.wait(until: isFinished) { _ = panel.update(.tests(message)) }
        #expect(panel.runs[2].result?.succeeded == true)
        #expect(agent.pids.count == 1 && agent.pids != pids)
    }

    /// Runs the form's test to its end; returns the progress events that came before the result.
    static func runToEnd(_ panel: inout TestsPanel) throws -> [ConnTestEvent] {
        let collector = MessageCollector()
        collector.start(try #require(panel.press(.function(5)).first))
        var events: [ConnTestEvent] = []
        for message in collector.wait(until: isFinished) {
            if case .progressed(let progressed) = message { events.append(progressed.event) }
            _ = panel.update(.tests(message))
        }
        #expect(panel.runningJobs == 0)
        return events
    }

    @Test func echoUDPScanAndThroughputRunThroughTheAgentWithTheirProgress() throws {
        let echo = try EchoServer(host: "127.0.0.1", port: 0, mode: .echo)
        defer { echo.stop() }
        let sink = try EchoServer(host: "127.0.0.1", port: 0, mode: .discard)
        defer { sink.stop() }
        let agent = AgentClient(transport: InProcessTransport(label: "agent1"))
        defer { agent.close() }
        var panel = Self.panel(hosts: [agent], kind: 3, port: Int(echo.address.port ?? 0))
        panel.press(.control("o"))
        #expect(panel.form.kind == .echo)
        var events = try Self.runToEnd(&panel)
        #expect(events.contains { if case .echo = $0 { true } else { false } })
        var text = panelScreen(panel, width: 160, height: 30).joined(separator: "\n")
        #expect(text.contains("on agent1  ok"))
        #expect(text.contains("echo: 65536 of 65536 bytes came back intact in 16 messages"))

        // UDP to a port with no socket: the agent's kernel answers ICMP port unreachable.
        let closedPort = try TestsPanelTests.closedUDPPort()
        panel.focus("Test")
        panel.press(.left)
        #expect(panel.form.kind == .udp)
        panel.focus("Port")
        panel.fill(String(closedPort))
        _ = try Self.runToEnd(&panel)
        text = panelScreen(panel, width: 160, height: 30).joined(separator: "\n")
        #expect(text.contains("udp 127.0.0.1:\(closedPort): closed (ICMP port unreachable)"))

        // A scan of three ports, one open: its progress and open port come as events.
        let echoPort = Int(echo.address.port ?? 0)
        panel.focus("Test")
        panel.press(.right, .right)
        #expect(panel.form.kind == .scan)
        panel.focus("Ports")
        panel.fill("\(echoPort - 1)-\(echoPort + 1)")
        events = try Self.runToEnd(&panel)
        #expect(events.contains { $0 == .scan(.portOpen(echoPort)) })
        guard case .scan(let scan)? = panel.runs.last?.result else { Issue.record("no scan result"); return }
        #expect(scan.openPorts.contains(echoPort) && scan.ports.count == 3)

        panel.focus("Test")
        panel.press(.right)
        #expect(panel.form.kind == .throughput)
        panel.focus("Port")
        panel.fill(String(sink.address.port ?? 0))
        panel.focus("Seconds")
        panel.fill("0.5")
        events = try Self.runToEnd(&panel)
        #expect(events.contains { if case .throughput = $0 { true } else { false } })
        text = panelScreen(panel, width: 160, height: 30).joined(separator: "\n")
        #expect(text.contains("ended: the 0.5 s duration was reached; the sink then read everything and closed its end"))
        #expect(panel.runs.map(\.host) == ["agent1", "agent1", "agent1", "agent1"])
        #expect(panel.runs.allSatisfy { $0.result?.succeeded == true || TestKind($0.request) == .udp })
    }

    @Test func quietAllowanceFollowsEachKindsOwnTimeouts() {
        #expect(TestsPanel.quietSeconds(.connect(ConnectRequest(host: "h", port: 1, timeout: 7))) == 7)
        #expect(
            TestsPanel.quietSeconds(.probes(ProbeRequest(connect: ConnectRequest(host: "h", port: 1, timeout: 2), count: 3, interval: 1.5)))
                == 3.5)
        #expect(TestsPanel.quietSeconds(.udp(UDPProbeRequest(host: "h", port: 1, timeout: 4))) == 4)
    }
}

extension ResolverPanelHostsTests {
    @Test func aLookupOnAStalledAgentIsReportedAfterTheHostTimeout() throws {
        try #require(FileManager.default.isExecutableFile(atPath: TestBinary.socktui), "socktui was not built")
        let agent = TestsPanelHostsTests.TaggedAgent(label: "stall")
        let client = AgentClient(transport: agent.transport, silenceLimit: 0.5)
        defer { client.close() }
        try client.connect()
        let pids = agent.pids
        try #require(pids.count == 1)
        kill(pids[0], SIGSTOP)
        defer { kill(pids[0], SIGKILL) }
        var panel = ResolverPanel(hosts: [AgentClient.local(), client])
        _ = panel.handleKey(.control("o"))
        for message in run(panel.start(Self.numeric)) { _ = panel.update(message) }
        guard case .failure(let failure) = panel.shown?.result else {
            Issue.record("expected the host-timeout report, got \(String(describing: panel.shown))")
            return
        }
        #expect(
            failure.message
                == "stall: no answer within 0.5 s (the link stalled or its agent hung: closed it, the next request reconnects; --host-timeout sets the limit)"
        )
    }
}

extension TestsPanelHostsTests {
    @Test func aConnectionTestAskedFromARemoteLookupRunsOnTheHostThatResolvedIt() throws {
        let agent = AgentClient(transport: InProcessTransport(label: "agent1"))
        defer { agent.close() }
        var model = makeModel(width: 120, height: 30)
        model.resolver = ResolverPanel(hosts: [AgentClient.local(), agent])
        model.tests = TestsPanel(hosts: [AgentClient.local(), agent])
        _ = model.resolver.handleKey(.control("o"))
        for message in run(model.resolver.start(ResolverPanelHostsTests.numeric)) { _ = model.resolver.update(message) }
        #expect(model.resolver.shownHost == "agent1" && model.tests.hostLabel == "local")
        // A closed loopback port: refused wherever the test runs, so it ends at once.
        let closed = try Socket(family: .inet, type: .stream)
        defer { try? closed.close() }
        try closed.bind(host: "127.0.0.1", port: 0)
        let port = Int(try #require(try closed.localAddress().port))
        let asked = model.update(
            .message(.pivot(.runTest(.connect(ConnectRequest(host: "127.0.0.1", port: port)), host: model.resolver.shownHost))))
        let command = try #require(asked)
        #expect(model.selectedTab == .tests)
        #expect(model.tests.hostLabel == "agent1" && model.tests.runs.map(\.host) == ["agent1"])
        let collector = MessageCollector()
        collector.start(command)
        for message in collector.wait(until: isFinished) { _ = model.tests.update(.tests(message)) }
        #expect(model.tests.runs[0].result?.succeeded == false && model.tests.runs[0].linkFailure == nil)
    }
}
