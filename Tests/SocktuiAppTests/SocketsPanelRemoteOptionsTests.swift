import Foundation
@testable import Inspect
import SocketKit
import Testing
import SocktuiTestSupport
import TerminalUI
@testable import SocktuiApp

/// `O` on a row of another host of the merged table (issue #18, "Remote options"): the options are
/// read through that host's agent client (the `socketOptions` request, as `sockopt --host`).
@Suite struct SocketsPanelRemoteOptionsTests {
    /// A listener of this process, as host `h1`'s table would list it (owner: this pid and fd).
    static func listenerRow(_ listener: Socket, port: Int) -> SocketEntry {
        socket(
            .tcp, "LISTEN", local: "127.0.0.1", port, inode: 900,
            owners: [SocketOwner(pid: getpid(), command: "tests", fileDescriptor: listener.fileDescriptor, uid: 0)])
    }

    @Test(.enabled(if: getuid() == 0, "pidfd_getfd needs ptrace permission (root in CI)"))
    func optionsOfAnotherHostsRowAreReadThroughItsAgentAndItsErrorsShownAsLocalOnes() throws {
        let listener = try Socket()
        defer { try? listener.close() }
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen()
        try listener.setsockopt(level: 6 /* IPPROTO_TCP */, name: 1 /* TCP_NODELAY */, value: 1)
        let port = Int(try listener.localAddress().port!)
        // h1's agent is a child process that starts once: when it is killed, the client's next link fails.
        let scratch = try TemporaryDirectory()
        let agent = TestsPanelHostsTests.TaggedAgent(label: "h1")
        let once =
            "mkdir \(scratch.url.path)/started 2>/dev/null || { echo 'h1 agent is gone' >&2; exit 1; }; "
            + "exec /usr/bin/env SOCKTUI_TEST_TAG=\(agent.tag) \(TestBinary.socktui) agent"
        let h1 = AgentClient(transport: ProcessTransport(label: "h1", arguments: ["/bin/sh", "-c", once]))
        let local = AgentClient.local()
        defer { h1.close(); local.close() }
        let source = ScriptedHostsSource([
            hostTable("local", SocketsPanelHostsTests.alpha), hostTable("h1", [Self.listenerRow(listener, port: port)])
        ])
        var panel = SocketsPanel(source: source, isRoot: true, hosts: [local, h1])
        panel.resize(to: Rect(x: 0, y: 0, width: 120, height: 40))
        panel.refreshAndWait()
        panel.press(.character("G"))  // h1's listener
        #expect(panel.selectedEntryHost == "h1")
        panel.apply(panel.command(for: .character("O")))
        #expect(panel.notice == nil)
        let view = try #require(panel.optionsView)
        #expect(view.error == nil, "read failed: \(view.error?.message ?? "")")
        #expect(view.report?.pid == getpid() && view.report?.fd == listener.fileDescriptor)
        #expect(view.report?.options.first { $0.cName == "TCP_NODELAY" }?.value == .bool(true))
        var lines = panelScreen(panel, width: 120, height: 40).lines
        let title = "Options of pid \(getpid()) fd \(listener.fileDescriptor) on h1 (Esc closes)"
        #expect(lines.contains { $0.contains(title) }, "\(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0.contains("SO_RCVBUF              SOL_SOCKET  ") })
        #expect(lines.contains { $0.contains("· read 1×") })
        // The agent protocol has no request that sets an option: W says so instead of setting it here.
        panel.press(.character("W"))
        #expect(panel.optionsView?.allowsWrites == false && panel.notice?.text == "h1's agent reads options but cannot set them")
        // The read went through h1's agent: with it gone, the next read fails with its link's message.
        let pids = agent.pids
        try #require(pids.count == 1, "h1's agent process: \(pids)")
        kill(pids[0], SIGKILL)
        try #require(eventually(within: 10) { agent.pids.isEmpty })
        // The client has seen its link end (a request written in the moment the agent was still
        // exiting would fail with that link's end, "exit status 137", instead of reconnecting).
        try #require(
            eventually(within: 10) {
                if case .disconnected = h1.status { return true }
                return false
            })
        panel.apply(panel.command(for: .character("r")))
        let failed = try #require(panel.optionsView?.error)
        #expect(failed.message.contains("h1") && failed.message.contains("h1 agent is gone"), "\(failed.message)")
        lines = panelScreen(panel, width: 120, height: 40).lines
        #expect(lines.contains { $0.contains("pid \(getpid()) fd \(listener.fileDescriptor): options not readable") })
        #expect(lines.contains { $0.contains("✗ h1: disconnected (h1 agent is gone)") }, "\(lines.joined(separator: "\n"))")
    }
}
