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
