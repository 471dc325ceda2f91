import Foundation
@testable import Inspect
import SocketKit
import Testing
import TerminalUI
@testable import SocktuiApp

/// Errors in the Tests panel say what to do next.
@Suite struct TestsPanelNextStepTests {
    @Test func aRefusedConnectSaysWhatToCheckNext() throws {
        // Bound but not listening: the connect is refused.
        let closed = try Socket(family: .inet, type: .stream)
        defer { try? closed.close() }
        try closed.bind(host: "127.0.0.1", port: 0)
        let port = try #require(try closed.localAddress().port)
        var panel = TestsPanel()
        panel.focus("Port")
        panel.fill(String(port))
        try TestsPanelTests.runToEnd(&panel)
        let text = panelScreen(panel, width: 160, height: 30).joined(separator: "\n")
        #expect(text.contains("✗ no connection"))
        #expect(text.contains("next: check the port, and that the service runs and listens on it (Sockets tab: 2, filter state:listen)"))
    }

    @Test func anUnknownNameSaysToCheckItInTheResolver() {
        var panel = TestsPanel()
        panel.focus("Host")
        panel.fill("nosuch.invalid")
        _ = panel.press(.enter)
        let failure = FailureReason(
            name: "EAI_NONAME", code: -2, message: "Name or service not known", explanation: "the name did not resolve")
        panel.finish(
            with: .connect(
                ConnectTrace(
                    request: ConnectRequest(host: "nosuch.invalid", port: 80), resolveMilliseconds: 1,
                    resolvedAddresses: [], resolveFailure: failure, attempts: [], winner: nil,
                    totalMilliseconds: 1, cancelled: false)))
        let text = panelScreen(panel, width: 160, height: 30).joined(separator: "\n")
        #expect(text.contains("next: check the spelling of the name, or look it up in the Resolver tab (1)"))
    }

    @Test func aRefusedFormSaysHowToGoOn() {
        var panel = TestsPanel()
        panel.focus("Port")
        panel.fill("70000")
        #expect(panel.press(.enter).isEmpty)
        #expect(panel.notice?.text == "not run: Port: a port is 1-65535 — fix the marked field, then Enter runs it")
    }
}
