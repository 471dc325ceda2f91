import Dispatch
import Foundation
@testable import Inspect
import SocketKit
import Testing
import TerminalUI
@testable import SocktuiApp

/// A throughput test says what ended it (issue #16: "until the sink closed its end" was said when
/// the sink never closed).
@Suite struct TestsPanelThroughputEndTests {
    @Test func throughputSaysTheDurationEndedIt() throws {
        let sink = try EchoServer(host: "127.0.0.1", port: 0, mode: .discard)
        defer { sink.stop() }
        var panel = TestsPanel()
        panel.focus("Test")
        panel.press(.left)
        #expect(panel.form.kind == .throughput)
        panel.focus("Port")
        panel.fill(String(sink.address.port ?? 0))
        panel.focus("Seconds")
        panel.fill("0.3")
        try TestsPanelTests.runToEnd(&panel)
        let text = panelScreen(panel, width: 160, height: 30).joined(separator: "\n")
        #expect(text.contains("throughput: "))
        #expect(text.contains("ended: the 0.3 s duration was reached; the sink then read everything and closed its end"))
        #expect(!text.contains("until the sink closed its end"))
    }

    @Test func throughputStoppedWithEscSaysSo() throws {
        let sink = try EchoServer(host: "127.0.0.1", port: 0, mode: .discard)
        defer { sink.stop() }
        var panel = TestsPanel()
        panel.focus("Test")
        panel.press(.left)
        panel.focus("Port")
        panel.fill(String(sink.address.port ?? 0))
        panel.focus("Seconds")
        panel.fill("60")
        let collector = MessageCollector()
        collector.start(try #require(panel.press(.function(5)).first))
        // Wait for the first rate sample, then stop it.
        for message in collector.wait(until: { if case .progressed = $0 { true } else { false } }) { _ = panel.update(.tests(message)) }
        _ = collector.take()
        let stopping = panel.cancelShown()
        #expect(stopping)
        for message in collector.wait(until: isFinished) { _ = panel.update(.tests(message)) }
        let text = panelScreen(panel, width: 160, height: 30).joined(separator: "\n")
        #expect(text.contains("ended: stopped by you (Esc)"))
        #expect(!text.contains("until the sink closed its end"))
        #expect(!text.contains("duration was reached"))
    }

    @Test func aSinkThatClosesMidTransferIsNamedAsWhatEndedIt() throws {
        // A "sink" that accepts and closes at once: the sends that follow fail with EPIPE or ECONNRESET.
        let listener = try Socket(family: .inet, type: .stream)
        defer { try? listener.close() }
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen()
        let port = try #require(try listener.localAddress().port)
        DispatchQueue.global().async {
            if let (connection, _) = try? listener.accept() { try? connection.close() }
        }
        let result = ThroughputTest.run(ThroughputRequest(host: "127.0.0.1", port: Int(port), duration: 30, timeout: 5))
        #expect(result.end == .sinkClosed)
        #expect(result.sinkClosedAfterEnd == nil)
        #expect(result.endingText(stopper: "you (Esc)") == "the sink closed the connection while data was still being sent")
        #expect(["EPIPE", "ECONNRESET"].contains(result.failure?.name ?? ""))
    }
}
