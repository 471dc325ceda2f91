import Dispatch
import Glibc
import Inspect
import SocketKit
import Synchronization
import Testing
import SocktuiTestSupport
import TerminalUI
@testable import SocktuiApp

/// A resolver that answers from a script: `example.test` has two addresses, `nosuch.test` does not
/// exist, `wait.test` blocks until the test opens the gate; everything else goes to the system resolver.
final class ScriptedResolver: ResolverBackend, Sendable {
    let gate = DispatchSemaphore(value: 0)
    let calls = Mutex<[ResolverRequest]>([])
    /// Calls now waiting at the gate.
    let blocked = Mutex(0)

    func perform(_ request: ResolverRequest) throws -> ResolverResult {
        calls.withLock { $0.append(request) }
        switch request {
        case .addressInfo(host: "example.test", _, _, _, _, let flags):
            return .addressInfo([
                AddressInfo(
                    family: .inet, type: .stream, protocol: 6, canonicalName: flags.contains(.canonicalName) ? "example.test" : "",
                    address: .ipv4(IPv4Address("192.0.2.7")!, port: 80)),
                AddressInfo(
                    family: .inet6, type: .datagram, protocol: 17, canonicalName: "",
                    address: .ipv6(IPv6Address("2001:db8::7")!, port: 80, flowInfo: 0, scopeID: 0))
            ])
        case .addressInfo(host: "nosuch.test", _, _, _, _, _):
            throw ResolverError(
                kind: "gaierror", code: -2, name: "EAI_NONAME", message: "Name or service not known",
                hint: AddressInfoErrorCode.hint(for: -2))
        case .addressInfo(host: "wait.test", _, _, _, _, _):
            blocked.withLock { $0 += 1 }
            // Bounded: a broken test fails after 30 s instead of hanging.
            _ = gate.wait(timeout: .now() + 30)
            blocked.withLock { $0 -= 1 }
            return .addressInfo([
                AddressInfo(
                    family: .inet, type: .stream, protocol: 6, canonicalName: "",
                    address: .ipv4(IPv4Address("192.0.2.9")!, port: 0))
            ])
        default:
            return try SystemResolver().perform(request)
        }
    }

    /// Waits (at most 10 s) until `count` calls are blocked at the gate.
    func waitUntilBlocked(_ count: Int) -> Bool {
        for _ in 0..<1000 {
            if blocked.withLock({ $0 }) >= count { return true }
            usleep(10_000)
        }
        return false
    }
}

/// The panel rendered alone into a sentinel-filled buffer.
func panelScreen(_ panel: ResolverPanel, width: Int = 80, height: Int = 22) -> [String] {
    var buffer = Buffer(area: Rect(x: 0, y: 0, width: width, height: height), filledWith: Cell(symbol: "x"))
    panel.render(in: buffer.area, into: &buffer, theme: ThemeCatalog.builtInDefault)
    return buffer.lines
}

extension ResolverPanel {
    /// Feeds keys; returns the commands the panel asked to start.
    @discardableResult
    mutating func keys(_ keys: Key...) -> [Command<AppMessage>] {
        var commands: [Command<AppMessage>] = []
        for key in keys {
            if case .handled(let command?) = handleKey(key) { commands.append(command) }
        }
        return commands
    }

    /// Types text into the focused field.
    mutating func type(_ text: String) { for character in text { keys(.character(character)) } }

    /// Runs each command to its answer and applies it.
    mutating func finish(_ commands: [Command<AppMessage>]) {
        for command in commands {
            if let message = answer(command) { _ = update(message) }
        }
    }
}

/// Starts `command` and waits (at most 10 s) for the one message it posts.
func answer(_ command: Command<AppMessage>) -> AppMessage? {
    let received = Mutex<AppMessage?>(nil)
    let done = DispatchSemaphore(value: 0)
    command.start { message in
        received.withLock { $0 = message }
        done.signal()
    }
    guard done.wait(timeout: .now() + 10) == .success else { return nil }
    return received.withLock { $0 }
}

@Suite struct ResolverPanelTests {
    let backend = ScriptedResolver()
    var panel: ResolverPanel { ResolverPanel(service: ResolverService(backend: backend)) }

    @Test func getaddrinfoFormShowsParametersAndEveryFlag() {
        #expect(
            panelScreen(panel, height: 14) == GoldenScreens.resolverForm80 + GoldenScreens.blankRows(2, width: 80) + [
                GoldenScreens.bottom(width: 80)
            ])
        #expect(panel.form.fields[panel.form.focus].label == "Call")  // the shell's letter keys still work
    }

    @Test func typingEditsTheHostAndEnterShowsDecodedResults() {
        var panel = self.panel
        panel.keys(.down)
        panel.type("example.test")
        panel.keys(.down, .down, .down, .down, .down, .down, .character(" "))  // AI_CANONNAME
        let commands = panel.keys(.enter)
        #expect(commands.count == 1)
        #expect(panel.runningJobs == 1)
        panel.finish(commands)
        #expect(panel.runningJobs == 0)
        var lines = panelScreen(panel, height: 16)
        // The summary line holds the time the call took, which varies.
        let summary = lines.remove(at: 10)
        #expect(summary.hasPrefix("│ 2 results  "))
        #expect(summary.contains(" ms  getaddrinfo(\"example.test\", None, AF_UNSPEC, 0, 0, AI_CA"))
        #expect(
            lines == [
                "┌ Resolver ────────────────────────────────────────────────────────────────────┐",
                "│ Call      ‹ getaddrinfo ›                             AI_PASSIVE       [ ]   │",
                "│ Host      example.test                                AI_CANONNAME     [x]   │",
                "│ Port                                                  AI_NUMERICHOST   [ ]   │",
                "│ Family    ‹ AF_UNSPEC ›                               AI_V4MAPPED      [ ]   │",
                "│ Socktype  ‹ 0 (any) ›                                 AI_ALL           [ ]   │",
                "│ Proto     ‹ 0 ›                                       AI_ADDRCONFIG    [ ]   │",
                "│                                                       AI_IDN           [ ]   │",
                "│                                                       AI_CANONIDN      [ ]   │",
                "│                                                       AI_NUMERICSERV   [ ]   │",
                "│ Family   Type        Proto       Sockaddr                  Canonname         │",
                "│ AF_INET  SOCK_STREAM IPPROTO_TCP ('192.0.2.7', 80)         example.test      │",
                "│ AF_INET6 SOCK_DGRAM  IPPROTO_UDP ('2001:db8::7', 80, 0, 0)                   │",
                "│                                                                              │",
                "└──────────────────────────────────────────────────────────────────────────────┘"
            ])
    }

    @Test func sockaddrsReadLikePythonsWithFlowInfoAndScopeID() {
        func text(_ address: SocketAddress) -> String {
            ResolverPanel.sockaddrText(
                ResolverReport.AddressRow(
                    AddressInfo(
                        family: address.family, type: .stream, protocol: 6,
                        canonicalName: "", address: address)))
        }
        #expect(text(.ipv4(IPv4Address("127.0.0.1")!, port: 80)) == "('127.0.0.1', 80)")
        #expect(text(.ipv6(IPv6Address("::1")!, port: 0)) == "('::1', 0, 0, 0)")
        // Interface 1 is the loopback device; Python shows its name after the address too.
        #expect(text(.ipv6(IPv6Address("fe80::1")!, port: 22, flowInfo: 5, scopeID: 1)) == "('fe80::1%lo', 22, 5, 1)")
    }

    @Test func errorsShowTheirCodeNameTextAndHint() {
        var panel = self.panel
        panel.keys(.down)
        panel.type("nosuch.test")
        panel.finish(panel.keys(.enter))
        let lines = panelScreen(panel)
        #expect(lines.contains { $0.contains("EAI_NONAME: Name or service not known") })
        #expect(lines.contains { $0.contains("hint: the name is unknown to DNS and /etc/hosts") })
        #expect(lines.contains { $0.hasPrefix("│ failed  ") && $0.contains(" ms  getaddrinfo(\"nosuch.test\", None, AF_UNSPEC, 0, 0, 0)") })
    }

    @Test func badPortShowsAMessageAndNothingIsSent() {
        var panel = self.panel
        panel.keys(.down)
        panel.type("localhost")
        panel.keys(.down)
        panel.type("99999")
        var lines = panelScreen(panel, height: 16)
        #expect(lines[3].hasPrefix("│ Port      99999 "))
        #expect(lines[4].hasPrefix("│           bad port '99999': ports are 0-65535 "))
        #expect(panel.keys(.enter).isEmpty)
        #expect(panel.history.isEmpty)
        #expect(backend.calls.withLock { $0.isEmpty })
        lines = panelScreen(panel, height: 16)
        #expect(lines.contains { $0.contains("not sent: fix the field marked in the form") })
        // Fixing the port clears the message.
        panel.keys(.backspace, .backspace, .backspace)
        #expect(!panelScreen(panel, height: 16).joined().contains("bad port"))
        #expect(panel.form.isValid)
    }

    @Test(arguments: [
        (ResolverCall.hostByName, "", "a host name is required, such as localhost"),
        (.hostByAddress, "", "an address is required, such as 127.0.0.1"),
        (.hostByAddress, "not-an-ip", "'not-an-ip' is not an IPv4 or IPv6 address"),
        (.nameInfo, "::1%", "'::1%' is not an IPv4 or IPv6 address"),
        (.serviceByName, "", "a service name is required, such as http"),
        (.serviceByPort, "70000", "bad port '70000': ports are 0-65535"),
        (.protocolByName, "", "a protocol name is required, such as tcp")
    ])
    func everyCallValidatesItsFirstField(call: ResolverCall, input: String, message: String) {
        var panel = self.panel
        while panel.call != call { panel.keys(.control("n")) }
        panel.type(input)
        #expect(panel.keys(.enter).isEmpty)
        #expect(panel.form.fields.contains { $0.message == message })
        #expect(panelScreen(panel).contains { $0.contains(message) })
        #expect(panel.history.isEmpty)
    }

    @Test func otherCallsShowFieldValueRows() {
        var panel = self.panel
        panel.keys(.control("n"))  // getnameinfo
        panel.type("127.0.0.1")
        panel.keys(.down, .control("u"))
        panel.type("22")
        panel.keys(.down, .character(" "), .down, .character(" "))  // NI_NUMERICHOST, NI_NUMERICSERV
        panel.finish(panel.keys(.enter))
        var lines = panelScreen(panel)
        #expect(lines.contains { $0.contains("getnameinfo((\"127.0.0.1\", 22), NI_NUMERICHOST|NI_NUMERICSERV)") })
        #expect(lines.contains { $0.hasPrefix("│ host             127.0.0.1 ") })
        #expect(lines.contains { $0.hasPrefix("│ service          22 ") })
        while panel.call != .protocolByName { panel.keys(.control("n")) }
        panel.type("udp")
        panel.finish(panel.keys(.enter))
        lines = panelScreen(panel)
        #expect(lines.contains { $0.hasPrefix("│ protocol number  17 ") })
    }

    @Test func hostServiceAndHostNameCallsShowTheirAnswers() throws {
        var panel = self.panel
        while panel.call != .hostByName { panel.keys(.control("n")) }
        panel.type("localhost")
        panel.finish(panel.keys(.enter))
        var lines = panelScreen(panel)
        #expect(lines.contains { $0.hasPrefix("│ name             localhost ") })
        #expect(lines.contains { $0.hasPrefix("│ address          127.0.0.1 ") })
        while panel.call != .serviceByName { panel.keys(.control("n")) }
        panel.type("http")
        panel.keys(.down, .right)  // Protocol: tcp
        panel.finish(panel.keys(.enter))
        lines = panelScreen(panel)
        #expect(lines.contains { $0.contains("getservbyname(\"http\", \"tcp\")") })
        #expect(lines.contains { $0.hasPrefix("│ port             80 ") })
        while panel.call != .serviceByPort { panel.keys(.control("n")) }
        panel.type("22")
        panel.finish(panel.keys(.enter))
        #expect(panelScreen(panel).contains { $0.hasPrefix("│ service          ssh ") })
        while panel.call != .hostName { panel.keys(.control("n")) }
        panel.finish(panel.keys(.enter))
        let name = try gethostname()
        #expect(panelScreen(panel).contains { $0.hasPrefix("│ name             \(name) ") })
    }

    @Test func aShortTerminalGivesTheResultsTheFormsRoomWhileBrowsingThem() {
        var panel = self.panel
        panel.keys(.down)
        panel.type("example.test")
        panel.finish(panel.keys(.enter))
        #expect(!panelScreen(panel, width: 60, height: 13).contains { $0.contains("192.0.2.7") })
        panel.keys(.escape)
        let lines = panelScreen(panel, width: 60, height: 13)
        #expect(lines[1].hasPrefix("│ 2 results  "))
        #expect(lines[2].hasPrefix("│ Family   Type        Proto       Sockaddr "))
        #expect(lines[3].hasPrefix("│ AF_INET  SOCK_STREAM IPPROTO_TCP ('192.0.2.7', 80) "))
        panel.keys(.escape)
        #expect(panelScreen(panel, width: 60, height: 13)[1].hasPrefix("│ Call "))
    }

    @Test func historyListsLookupsAndReRunsTheSelectedOne() {
        var panel = self.panel
        panel.keys(.down)
        panel.type("example.test")
        panel.finish(panel.keys(.enter))
        panel.keys(.control("u"))
        panel.type("nosuch.test")
        panel.finish(panel.keys(.enter))
        panel.keys(.escape, .character("h"))
        #expect(panel.focus == .history)
        let lines = panelScreen(panel)
        #expect(lines.contains { $0.hasPrefix("│ #    History: lookup") })
        #expect(lines.contains { $0.hasPrefix("│ #1   getaddrinfo(\"example.test\", None, AF_UNSPEC, 0,… 2 results, ") })
        #expect(lines.contains { $0.hasPrefix("│ #2   getaddrinfo(\"nosuch.test\", None, AF_UNSPEC, 0, … EAI_NONAME, ") })
        // Browsing shows each finished lookup's answer; Enter runs the selected one again.
        panel.keys(.up)
        #expect(
            panel.shown?.request
                == .addressInfo(host: "example.test", service: nil, family: .unspecified, type: nil, protocol: 0, flags: []))
        panel.finish(panel.keys(.enter))
        #expect(panel.history.count == 3)
        #expect(panel.history[2].request == panel.history[0].request)
        // `e` puts a lookup back in the form for editing.
        panel.keys(.character("e"))
        #expect(panel.focus == .form)
        #expect(panel.form.value(of: "Host") == "example.test")
    }

    @Test func historyKeepsTheNewestLookupsUpToItsLimit() {
        var panel = self.panel
        panel.keys(.down)
        panel.type("example.test")
        for _ in 0...ResolverPanel.historyLimit { panel.finish(panel.keys(.enter)) }
        #expect(panel.history.count == ResolverPanel.historyLimit)
        #expect(panel.history.first?.generation == Generation(2))
        #expect(panel.history.last?.generation == Generation(UInt64(ResolverPanel.historyLimit) + 1))
    }

    @Test func escAbandonsTheRunningLookupAndItsLateAnswerIsDropped() {
        var panel = self.panel
        panel.keys(.down)
        panel.type("wait.test")
        let commands = panel.keys(.enter)
        for command in commands { command.start { _ in } }
        #expect(backend.waitUntilBlocked(1))
        let message = Mutex<AppMessage?>(nil)
        #expect(panel.runningJobs == 1)
        #expect(panelScreen(panel).contains { $0.contains("running #1 (Esc abandons): getaddrinfo(\"wait.test\"") })
        panel.keys(.escape)
        #expect(panel.runningJobs == 0)
        #expect(panel.history.first?.state == .abandoned)
        #expect(panelScreen(panel).contains { $0.contains("abandoned getaddrinfo #1; its answer will be ignored") })
        // The call finishes anyway; its answer changes nothing.
        let outcome = ResolverOutcome(request: panel.history[0].request, result: .success(.addressInfo([])), elapsed: 1)
        message.withLock { $0 = .resolver(.lookupFinished(LookupFinished(generation: Generation(1), outcome: outcome))) }
        _ = panel.update(message.withLock { $0 }!)
        #expect(panel.shown == nil)
        #expect(panel.history.first?.state == .abandoned)
        backend.gate.signal()
    }

    @Test func severalLookupsRunAtOnceAndAnOlderAnswerDoesNotReplaceANewerOne() {
        var panel = self.panel
        panel.keys(.down)
        panel.type("wait.test")
        let slow = panel.keys(.enter)
        panel.keys(.control("u"))
        panel.type("example.test")
        let fast = panel.keys(.enter)
        #expect(panel.runningJobs == 2)
        for command in slow { command.start { _ in } }
        #expect(backend.waitUntilBlocked(1))
        panel.finish(fast)
        #expect(panel.runningJobs == 1)
        #expect(panel.shown?.request.summary.contains("example.test") == true)
        // The older lookup answers late: it goes to the history, the table keeps the newer answer.
        let old = ResolverOutcome(request: panel.history[0].request, result: .success(.addressInfo([])), elapsed: 2)
        _ = panel.update(.resolver(.lookupFinished(LookupFinished(generation: Generation(1), outcome: old))))
        #expect(panel.runningJobs == 0)
        #expect(panel.shown?.request.summary.contains("example.test") == true)
        #expect(panel.history[0].state == .finished(old))
        #expect(panelScreen(panel).contains { $0.contains("getaddrinfo #1 finished; it is in the history (h)") })
        backend.gate.signal()
    }

    @Test func converterShowsPackedBytesAsYouType() {
        var panel = self.panel
        while panel.call != .converter { panel.keys(.control("p")) }
        panel.keys(.down, .down)  // Input
        panel.type("127.0.0.1")
        var lines = panelScreen(panel)
        #expect(lines.contains { $0.hasPrefix("│ packed        7f 00 00 01 ") })
        // inet_pton with AF_INET6
        panel.keys(.control("u"), .up, .right, .up, .right, .right)
        #expect(panel.form.value(of: "Function") == "inet_pton")
        #expect(panel.form.value(of: "Family") == "AF_INET6")
        panel.keys(.down, .down)
        panel.type("::1")
        lines = panelScreen(panel)
        #expect(lines.contains { $0.hasPrefix("│ packed        00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 01 ") })
        #expect(lines.contains { $0.hasPrefix("│ length        16 bytes ") })
        // A bad address gets a message under the field and no rows.
        panel.type(":::")
        #expect(panel.form.fields.last?.message == "illegal IP address string passed to inet_pton: '::1:::'")
        #expect(!panelScreen(panel).contains { $0.hasPrefix("│ packed ") })
    }

    @Test(arguments: [
        ("inet_aton", AddressFamily.inet, "127.1", [("packed", "7f 00 00 01"), ("length", "4 bytes"), ("as text", "127.0.0.1")]),
        ("inet_ntoa", .inet, "c0a80001", [("text", "192.168.0.1"), ("packed", "c0 a8 00 01"), ("length", "4 bytes")]),
        (
            "inet_ntop", .inet6, "20010db8000000000000000000000001",
            [("text", "2001:db8::1"), ("packed", "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01"), ("length", "16 bytes")]
        ),
        (
            "htons", .inet, "80",
            [
                ("result", "20480 (0x5000)"), ("input bytes", "50 00  (in memory, this host's order)"),
                ("result bytes", "00 50  (in memory, this host's order)")
            ]
        ),
        (
            "ntohl", .inet, "0x0100007f",
            [
                ("result", "2130706433 (0x7f000001)"), ("input bytes", "7f 00 00 01  (in memory, this host's order)"),
                ("result bytes", "01 00 00 7f  (in memory, this host's order)")
            ]
        )
    ])
    func converterMatchesPythonsSocketFunctions(function: String, family: AddressFamily, input: String, rows: [(String, String)]) {
        let conversion = AddressConverter.convert(function: function, family: family, input: input)
        #expect(conversion.error == nil)
        #expect(conversion.rows.map(\.label) == rows.map(\.0))
        #expect(conversion.rows.map(\.value) == rows.map(\.1))
    }

    @Test func converterRejectsWhatDoesNotConvert() {
        #expect(AddressConverter.convert(function: "htons", family: .inet, input: "65536").error == "htons takes 0-65535, got 65536")
        #expect(
            AddressConverter.convert(function: "inet_ntoa", family: .inet, input: "7f0001").error?.hasPrefix("packed IP wrong length")
                == true)
        #expect(
            AddressConverter.convert(function: "inet_ntop", family: .inet, input: "xyz").error?.hasPrefix("'xyz' is not hex bytes") == true)
        #expect(AddressConverter.convert(function: "htonl", family: .inet, input: "ten").error?.hasPrefix("'ten' is not a number") == true)
        #expect(AddressConverter.convert(function: "inet_aton", family: .inet, input: "").rows.isEmpty)
    }

    @Test func connectionTestKeyAsksForATestAndCaptureKeyForACapture() throws {
        var panel = self.panel
        panel.keys(.escape, .character("c"))
        #expect(panel.notice?.text == "select a result row with an address first")
        panel.keys(.escape, .down)
        panel.type("example.test")
        panel.finish(panel.keys(.enter))
        panel.keys(.escape, .down)
        #expect(panel.focus == .results)
        #expect(panel.selectedAddress?.host == "2001:db8::7")
        let commands = panel.keys(.character("c"))
        #expect(panel.notice?.text == "connection test to [2001:db8::7]:80 sent to the Tests panel")
        let message = try #require(commands.first.flatMap(answer))
        guard case .pivot(.runTest(let request, _)) = message else {
            Issue.record("expected a connection test request, got \(message)")
            return
        }
        #expect(request == .connect(ConnectRequest(host: "2001:db8::7", port: 80)))
        let capture = panel.keys(.character("f")).first.flatMap(answer)
        #expect(panel.notice?.text == "capture filter `host 2001:db8::7` on any (filled in on the Capture tab)")
        guard case .pivot(.capture(let options, _)) = capture else {
            Issue.record("expected a capture pivot, got \(String(describing: capture))")
            return
        }
        #expect(options == LiveCaptureOptions(interface: "any", filter: "host 2001:db8::7"))
        #expect(panel.statusHint == panel.notice?.text)
    }

    @Test func connectionTestNeedsAPort() {
        var panel = self.panel
        panel.keys(.down)
        panel.type("127.0.0.1")
        panel.finish(panel.keys(.enter))
        panel.keys(.escape)
        #expect(panel.keys(.character("c")).isEmpty)
        #expect(panel.notice?.text == "no port in this result: give a port or service in the form to test a connection to 127.0.0.1")
    }

    @Test func theShellShowsTheTestsPanelWithTheRequestedTest() throws {
        var model = makeModel()
        model.resolver = panel
        model.press(.down)
        for character in "127.0.0.1" { model.press(.character(character)) }
        model.press(.down)
        for character in "9" { model.press(.character(character)) }
        for command in model.press(.enter) {
            if let message = answer(command) { _ = model.update(.message(message)) }
        }
        #expect(model.resolver.shown != nil)
        let commands = model.press(.escape, .character("c"))
        let message = try #require(commands.first.flatMap(answer))
        _ = model.update(.message(message))  // the test's own command is not started: nothing connects
        #expect(model.selectedTab == .tests)
        #expect(model.tests.runs.map(\.request) == [.connect(ConnectRequest(host: "127.0.0.1", port: 9))])
    }

    @Test func helpListsThePanelKeys() {
        var model = makeModel(width: 80, height: 40)
        model.resolver = panel
        model.press(.function(1))
        let lines = screen(model, width: 80, height: 40)
        #expect(lines.contains { $0.contains("Help: Resolver") })
        #expect(lines.contains { $0.contains("Ctrl-N/Ctrl-P") && $0.contains("next/previous call") })
        #expect(lines.contains { $0.contains("│   c                  results: connection test (Tests panel)") })
        #expect(lines.contains { $0.contains("│   f                  results: capture filter `host ADDR`") })
    }

    @Test(arguments: [(60, 13), (30, 6), (5, 3), (1, 1), (0, 0)])
    func smallAreasRenderInsideTheirBounds(width: Int, height: Int) {
        var panel = self.panel
        panel.keys(.down, .down)
        panel.type("99999")
        let lines = panelScreen(panel, width: width, height: height)
        #expect(lines.count == height)
        #expect(lines.allSatisfy { DisplayWidth.of($0) == width && !$0.contains("x") })
    }
}

/// The whole app on the real event loop with a resolver that blocks: the loop keeps taking keys and
/// drawing frames while the call waits (no timing is measured; every wait is bounded).
@Suite struct ResolverEventLoopTests {
    /// Runs loop turns until `condition` holds, at most `turns` times (each turn wakes at least every
    /// 100 ms while a lookup runs, because the spinner ticks).
    func turn<P: Program, B: Backend>(_ loop: EventLoop<P, B>, until condition: () -> Bool, turns: Int = 300) -> Bool {
        for _ in 0..<turns {
            if condition() { return true }
            loop.runOnce()
        }
        return condition()
    }

    @Test func keysAreHandledAndFramesDrawnWhileALookupBlocks() {
        let resolver = ScriptedResolver()
        var model = makeModel(width: 80, height: 24)
        model.resolver = ResolverPanel(service: ResolverService(backend: resolver))
        let terminal = TestBackend(width: 80, height: 24)
        let loop = EventLoop(program: model, backend: terminal)
        let framesWhileBlocked = Mutex(0)
        loop.onFrame = { _ in
            if resolver.blocked.withLock({ $0 }) > 0 { framesWhileBlocked.withLock { $0 += 1 } }
        }
        defer { resolver.gate.signal() }

        terminal.send(.down)
        for character in "wait.test" { terminal.send(.character(character)) }
        terminal.send(.enter)
        loop.runOnce()
        #expect(resolver.waitUntilBlocked(1))
        #expect(loop.program.runningJobs == 1)

        // The call is stuck in the resolver; typing, a second lookup and help all still work.
        terminal.send(.control("u"))
        for character in "example.test" { terminal.send(.character(character)) }
        terminal.send(.enter)
        loop.runOnce()
        #expect(terminal.lines[3].hasPrefix("│ Host      example.test "))
        #expect(turn(loop, until: { loop.program.resolver.shown != nil }))
        #expect(resolver.blocked.withLock { $0 } == 1)
        #expect(turn(loop, until: { terminal.lines.contains { $0.hasPrefix("│ AF_INET  SOCK_STREAM IPPROTO_TCP ('192.0.2.7', 80) ") } }))
        #expect(terminal.lines[23].contains("1 running"))
        terminal.send(.function(1))
        loop.runOnce()
        #expect(terminal.lines.contains { $0.contains("Help: Resolver") })
        terminal.send(.escape)
        loop.runOnce()
        #expect(!terminal.lines.contains { $0.contains("Help: Resolver") })
        // At least one frame for each of the three key batches sent after the call blocked.
        #expect(framesWhileBlocked.withLock { $0 } >= 3)
        #expect(resolver.blocked.withLock { $0 } == 1)

        // Released, the older call answers: it goes to the history and the newer answer stays.
        resolver.gate.signal()
        #expect(turn(loop, until: { loop.program.runningJobs == 0 }))
        #expect(turn(loop, until: { terminal.lines.contains { $0.contains("getaddrinfo #1 finished; it is in the history (h)") } }))
        #expect(terminal.lines.contains { $0.hasPrefix("│ AF_INET  SOCK_STREAM IPPROTO_TCP ('192.0.2.7', 80) ") })
    }
}
