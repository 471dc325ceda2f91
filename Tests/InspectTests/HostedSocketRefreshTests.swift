import Dispatch
import Foundation
import Testing
import SocktuiTestSupport
@testable import Inspect
import SocketKit

/// The socket table's refresh engine for one host or several (``HostedSocketRefresh``), the merged
/// source of several agents (``MergedSocketSource``) and its hosts' clients.
@Suite struct HostedSocketRefreshTests {
    static func entry(_ inode: UInt32, port: Int, state: String = "ESTAB", receiveQueue: UInt32 = 0, rtt: UInt32? = 100) -> SocketEntry {
        var tcp: TCPDetails?
        if let rtt {
            var info = TCPInfo()
            info.rtt = rtt
            info.sendCongestionWindow = 10
            tcp = TCPDetails(congestionControl: "cubic", info: info)
        }
        return SocketEntry(
            kind: .tcp, family: .inet, state: state, local: SocketEndpoint(address: "10.0.0.1", port: port),
            remote: SocketEndpoint(address: "10.0.0.2", port: 443), receiveQueue: receiveQueue, sendQueue: 0,
            inode: inode, cookie: UInt64(inode) + 1000, uid: 0, tcp: tcp)
    }

    static func snapshot(_ entries: [SocketEntry]) -> SocketSnapshot {
        SocketSnapshot(entries: entries, sources: ["tcp": "netlink"], warnings: [], hiddenProcesses: 0, takenAt: 0, elapsed: 0)
    }

    static func merged(_ tables: [(String, [SocketEntry])]) -> HostedSocketSnapshot {
        MergedSocketSource.merge(
            tables.map { HostSocketTable(host: $0.0, status: .connected(nil), snapshot: snapshot($0.1), refreshes: 1) })
    }

    @Test func aSingleTableIsOneHostWithoutLabelsAndItsIDsAreTheSocketsOwn() {
        let first = Self.entry(1, port: 40000), second = Self.entry(2, port: 40001)
        let start = HostedSocketRefresh(
            HostedSocketSnapshot(snapshot: Self.snapshot([first])), previous: nil, previousHosts: nil, history: [:])
        #expect(start.addedIDs.isEmpty && start.changedIDs.isEmpty, "the first table is not all new")
        #expect(Array(start.history.keys) == [first.id])
        var moved = first
        moved.receiveQueue = 5
        let next = HostedSocketRefresh(
            HostedSocketSnapshot(snapshot: Self.snapshot([moved, second])), previous: [first], previousHosts: nil,
            history: start.history)
        #expect(next.addedIDs == [second.id] && next.changedIDs == [first.id])
        #expect(next.history[first.id]?.rtt.count == 2 && next.history[second.id]?.rtt.count == 1)
        let gone = HostedSocketRefresh(
            HostedSocketSnapshot(snapshot: Self.snapshot([second])), previous: [moved, second], previousHosts: nil,
            history: next.history)
        #expect(gone.diff.removed.map(\.id) == [first.id] && Array(gone.history.keys) == [second.id])
        // The history helper is the same computation.
        #expect(SocketHistory.updated(next.history, with: [second]) == gone.history)
    }

    /// Two kernels can hand out the same cookie: ids, highlights and histories follow host and socket.
    @Test func sameSocketOnTwoHostsIsKeptApartAndAHostsFirstTableLaterIsNew() {
        let twin = Self.entry(500, port: 40000)
        let first = HostedSocketRefresh(Self.merged([("a", [twin]), ("b", [twin])]), previous: nil, previousHosts: nil, history: [:])
        #expect(first.addedIDs.isEmpty && Set(first.history.keys) == ["a|\(twin.id)", "b|\(twin.id)"])
        var moved = twin
        moved.receiveQueue = 99
        let second = HostedSocketRefresh(
            Self.merged([("a", [twin]), ("b", [moved]), ("c", [twin])]), previous: first.hosted.snapshot.entries,
            previousHosts: first.hosted.hosts, history: first.history)
        #expect(second.changedIDs == ["b|\(twin.id)"])
        #expect(second.addedIDs == ["c|\(twin.id)"])
        #expect(second.history["a|\(twin.id)"]?.rtt.count == 2 && second.history["c|\(twin.id)"]?.rtt.count == 1)
        #expect(second.hosted.hosts == ["a", "b", "c"] && second.hosted.links.map(\.rows) == [1, 1, 1])
    }

    @Test func aHostTryingAgainStaysShownAsDroppedUntilConnected() {
        let dropped = HostLink(host: "web1", status: .disconnected("web1: disconnected (ssh: reset)"), refreshes: 3, rows: 2)
        let retrying = HostLink(host: "web1", status: .connecting, refreshes: 3, rows: 2)
        #expect(HostLink.keepingProblems([retrying], previous: [dropped]) == [dropped])
        let back = HostLink(host: "web1", status: .connected(nil), refreshes: 4, rows: 2)
        #expect(HostLink.keepingProblems([back], previous: [dropped]) == [back])
        #expect(HostLink.keepingProblems([retrying], previous: []) == [retrying])
    }

    @Test func mergedSourceTellsItsObserverOfStatusChanges() {
        let source = MergedSocketSource(
            transports: [ProcessTransport(label: "gone", arguments: ["/nonexistent/socktui", "agent"])], interval: 1)
        defer { source.cancel() }
        let changed = DispatchSemaphore(value: 0)
        source.observeHosts { changed.signal() }
        // The host fails and retries with backoff: each attempt changes its status.
        #expect(changed.wait(timeout: .now() + 15) == .success)
        #expect(source.hostedSnapshot(SocketQuery()).links.first?.isConnected == false)
        #expect(source.hostClients.map(\.label) == ["gone"] && source.hostLabels == ["gone"])
    }

    /// Two in-process agents (the real protocol and engines, no ssh): each host's table comes through
    /// its agent, and a request about a row goes through the same host's client.
    @Test(.enabled(if: getuid() == 0, "pidfd_getfd needs ptrace permission (root in CI)"))
    func inProcessAgentsFeedTheMergedSourceAndAnswerOptionReadsThroughTheSameClients() throws {
        let listener = try Socket()
        defer { try? listener.close() }
        try listener.bind(host: "127.0.0.1", port: 0)
        try listener.listen()
        let source = MergedSocketSource(
            transports: [InProcessTransport(label: "one"), InProcessTransport(label: "two")],
            query: SocketQuery(kinds: [.tcp]), interval: 0.2)
        defer { source.cancel() }
        #expect(try #require(eventually(within: 20) { source.watch.tables.allSatisfy { $0.refreshes > 0 } }))
        let hosted = source.hostedSnapshot(SocketQuery())
        #expect(Set(hosted.hosts ?? []) == ["one", "two"] && hosted.links.allSatisfy(\.isConnected))
        let clients = source.hostClients
        #expect(clients.map(\.label) == ["one", "two"] && clients.allSatisfy(\.servesThisProcess))
        let report = try clients[1].socketOptions(.descriptor(pid: getpid(), fd: listener.fileDescriptor)).get()
        #expect(report.pid == getpid() && report.options.contains { $0.cName == "SO_RCVBUF" })
        guard case .failure(let error) = clients[1].socketOptions(.descriptor(pid: getpid(), fd: 9999)) else {
            Issue.record("fd 9999 read without an error")
            return
        }
        #expect(error.message.contains("9999"), "\(error.message)")
    }
}
