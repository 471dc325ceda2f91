import Foundation
@testable import Inspect
import SocketKit
import Testing
import TerminalUI
@testable import SocktuiApp

/// What the Tests panel calls a result (issue #16): a scan with no open port and a silent UDP port
/// are answers, not failures.
@Suite struct TestsPanelVerdictTests {
    @Test func aScanWithNoOpenPortIsDoneNotFailed() throws {
        // Bound but not listening: connects to it are refused, the scan finds nothing open.
        let closed = try Socket(family: .inet, type: .stream)
        defer { try? closed.close() }
        try closed.bind(host: "127.0.0.1", port: 0)
        let port = try #require(try closed.localAddress().port)
        var panel = TestsPanel()
        panel.focus("Test")
        panel.press(.right, .right, .right, .right)
        #expect(panel.form.kind == .scan)
        panel.focus("Ports")
        panel.fill(String(port))
        try TestsPanelTests.runToEnd(&panel)
        let lines = panelScreen(panel, width: 140, height: 24)
        let text = lines.joined(separator: "\n")
        #expect(panel.notice?.text == "#1 scan done: 0 of 1 open")
        #expect(panel.notice?.kind != .error)
        #expect(lines.contains { $0.contains("#1 scan 127.0.0.1 \(port)  done: 0 of 1 open") })
        #expect(!text.contains("failed"))
        #expect(!text.contains("✗"))
    }

    @Test func aSilentUDPPortIsOpenOrFilteredNotFailed() throws {
        // A bound UDP socket that never answers: no reply and no ICMP error.
        let silent = try Socket(family: .inet, type: .datagram)
        defer { try? silent.close() }
        try silent.bind(host: "127.0.0.1", port: 0)
        let port = try #require(try silent.localAddress().port)
        var panel = TestsPanel()
        panel.focus("Test")
        panel.press(.right, .right)
        #expect(panel.form.kind == .udp)
        panel.focus("Port")
        panel.fill(String(port))
        panel.focus("Timeout s")
        panel.fill("0.2")
        try TestsPanelTests.runToEnd(&panel)
        let lines = panelScreen(panel, width: 140, height: 24)
        let text = lines.joined(separator: "\n")
        #expect(panel.notice?.text == "#1 udp done: open|filtered")
        #expect(panel.notice?.kind != .error)
        #expect(lines.contains { $0.contains("#1 udp 127.0.0.1:\(port)  done: open|filtered") })
        #expect(!text.contains("failed"))
    }
}

extension TestsPanelVerdictTests {
    @Test func aStoppedScanKeepsThePortsItChecked() throws {
        var panel = TestsPanel()
        panel.focus("Test")
        panel.press(.right, .right, .right, .right)
        #expect(panel.form.kind == .scan)
        panel.focus("Ports")
        panel.fill("3000-3400")
        panel.focus("Rate /s")
        panel.fill("40")
        let collector = MessageCollector()
        collector.start(try #require(panel.press(.function(5)).first))
        // Stop it once some ports are done.
        let progressed = collector.wait { message in
            if case .progressed(let progress) = message, case .scan(.progress(let done, _, _)) = progress.event { return done >= 2 }
            return false
        }
        for message in progressed { _ = panel.update(.tests(message)) }
        _ = collector.take()
        let stopping = panel.cancelShown()
        #expect(stopping)
        for message in collector.wait(until: isFinished) { _ = panel.update(.tests(message)) }
        guard case .scan(let scan)? = panel.runs.last?.result else { Issue.record("no scan result"); return }
        #expect(scan.cancelled && !scan.ports.isEmpty && scan.ports.count < 401)
        let lines = panelScreen(panel, width: 140, height: 30)
        #expect(lines.contains { $0.contains("#1 scan 127.0.0.1 3000-3400  cancelled") })
        #expect(lines.contains { $0.contains("127.0.0.1: \(scan.ports.count) of 401 ports in") && $0.contains("(cancelled)") })
        #expect(panel.statusHint == "#1 scan cancelled")
    }

    @Test func aStoppedEchoKeepsTheBytesItVerified() throws {
        let server = try EchoServer(host: "127.0.0.1", port: 0, mode: .echo)
        defer { server.stop() }
        var panel = TestsPanel()
        panel.focus("Test")
        panel.press(.right, .right, .right)
        #expect(panel.form.kind == .echo)
        panel.focus("Port")
        panel.fill(String(server.address.port ?? 0))
        panel.focus("Bytes")
        panel.fill(String(ConnTestRequest.mostBytes))
        let collector = MessageCollector()
        collector.start(try #require(panel.press(.function(5)).first))
        for message in collector.wait(until: { if case .progressed(let progress) = $0, case .echo = progress.event { true } else { false } }
        ) {
            _ = panel.update(.tests(message))
        }
        _ = collector.take()
        let stopping = panel.cancelShown()
        #expect(stopping)
        for message in collector.wait(until: isFinished) { _ = panel.update(.tests(message)) }
        guard case .echo(let echo)? = panel.runs.last?.result else { Issue.record("no echo result"); return }
        #expect(echo.cancelled && echo.bytesVerified > 0)
        let text = panelScreen(panel, width: 160, height: 30).joined(separator: "\n")
        #expect(text.contains("cancelled"))
        #expect(text.contains("echo: \(echo.bytesVerified) of \(ConnTestRequest.mostBytes) bytes came back intact"))
    }

    @Test func theFormRefusesAnEchoLargerThanTheEnginesTake() {
        // Every test runs through an agent, which refuses what ConnTestRequest.validate() does:
        // the form must not offer more (it allowed 1 TiB, the engines take 16 GiB).
        var panel = TestsPanel()
        panel.focus("Test")
        panel.press(.right, .right, .right)
        panel.focus("Bytes")
        panel.fill(String(ConnTestRequest.mostBytes + 1))
        #expect(panel.form.request == nil)
        _ = panel.runForm()
        #expect(panel.runs.isEmpty)
        #expect(panel.notice?.text.hasPrefix("not run: Bytes: 1-\(ConnTestRequest.mostBytes) bytes") == true)
    }
}
