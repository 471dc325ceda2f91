import Foundation
import SocketKit
import SocktuiTestSupport
import Synchronization
import Testing
@testable import Inspect

/// An agent served in this process, taken for another host's (as an ssh host's would be).
private struct OtherHostInProcess: AgentTransport {
    let agent: InProcessTransport
    init(label: String) { agent = InProcessTransport(label: label) }
    var label: String { agent.label }
    func open() throws(AgentError) -> any AgentLink { try agent.open() }
    func explain(status: Int32?, stderr: String) -> (message: String, needsLogin: Bool) { agent.explain(status: status, stderr: stderr) }
}

/// ``LiveCaptureSession/start(_:on:started:ended:failed:)``: one call for this host and another,
/// recording the same packets either way, and a browser reading the session's store by id.
@Suite(.serialized, .enabled(if: getuid() == 0, "live capture needs CAP_NET_RAW (run as root)"))
struct LiveCaptureSessionTests {
    final class Outcome: Sendable {
        let session = Mutex<LiveCaptureSession?>(nil)
        let summary = Mutex<CaptureSummary?>(nil)
        let failure = Mutex<String?>(nil)
    }

    /// Starts a capture of UDP to `port` on `lo` through `client`, sends three datagrams, stops it.
    func capture(on client: AgentClient) throws -> (session: LiveCaptureSession, summary: CaptureSummary) {
        let receiver = try Socket(family: .inet, type: .datagram)
        defer { try? receiver.close() }
        try receiver.bind(host: "127.0.0.1", port: 0)
        let port = Int(try #require(try receiver.localAddress().port))
        let outcome = Outcome()
        LiveCaptureSession.start(
            LiveCaptureOptions(interface: "lo", filter: "udp dst port \(port)"), on: client,
            started: { session in outcome.session.withLock { $0 = session } },
            ended: { summary in outcome.summary.withLock { $0 = summary } },
            failed: { message in outcome.failure.withLock { $0 = message } })
        try #require(eventually(within: 20) { outcome.session.withLock { $0 } != nil || outcome.failure.withLock { $0 } != nil })
        let session = try #require(outcome.session.withLock { $0 }, "\(outcome.failure.withLock { $0 } ?? "")")
        let sender = try Socket(family: .inet, type: .datagram)
        defer { try? sender.close() }
        for n in 0..<3 { _ = try sender.sendTo(Array("datagram \(n)".utf8), to: try receiver.localAddress()) }
        #expect(eventually(within: 20) { session.store.availablePacketCount >= 3 })
        session.control.stop(reason: nil)
        try #require(eventually(within: 20) { outcome.summary.withLock { $0 } != nil })
        return (session, try #require(outcome.summary.withLock { $0 }))
    }

    @Test func thisHostsClientRecordsFromTheRingAndAnotherHostsThroughItsAgent() throws {
        let local = AgentClient.local()
        let other = AgentClient(transport: OtherHostInProcess(label: "h1"))
        defer { local.close(); other.close() }
        #expect(LiveCaptureSession.runsHere(local) && !LiveCaptureSession.runsHere(other))
        for (client, origin) in [(local, CaptureOrigin.local), (other, .remote("h1"))] {
            let (session, summary) = try capture(on: client)
            #expect(session.origin == origin)
            #expect(session.store.availablePacketCount == 3 && summary.kernel.dropped == 0)
            // The browser reads the session's store by id, as the panel does.
            let browser = CaptureBrowser()
            let id = browser.register(session)
            guard case .rows(let rows, _) = browser.handle(.rows(id, indices: [0, 1, 2], previous: [nil, 0, 1], processes: false)) else {
                Issue.record("no rows"); continue
            }
            #expect(rows.map(\.protocolName) == ["UDP", "UDP", "UDP"] && rows.allSatisfy { $0.destination == "127.0.0.1" })
            #expect(browser.live(id) === session)
        }
    }

    @Test func aFilterTheKernelRejectsFailsWithASentenceForEitherHost() throws {
        let local = AgentClient.local()
        let other = AgentClient(transport: OtherHostInProcess(label: "h1"))
        defer { local.close(); other.close() }
        for client in [local, other] {
            let failure = Mutex<String?>(nil)
            LiveCaptureSession.start(
                LiveCaptureOptions(interface: "lo", filter: "tcp port"), on: client, started: { _ in }, ended: { _ in },
                failed: { message in failure.withLock { $0 = message } })
            #expect(eventually(within: 20) { failure.withLock { $0 } != nil })
            let message = failure.withLock { $0 } ?? ""
            #expect(message.contains("filter") || message.contains("syntax"), "\(message)")
            if client === other { #expect(message.hasPrefix("h1: ")) }
        }
    }
}
