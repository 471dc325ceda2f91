import Foundation
import Synchronization
import Testing
import SocktuiTestSupport
@testable import Inspect

/// The client's silence limit (`--host-timeout` once a link is up): a request its agent never
/// answers fails with an error naming the host and the limit; a stalled link is closed (the next
/// request reconnects), an agent busy with one request while the link carries other frames is not.
struct AgentSilenceTests {
    /// A fake agent: says hello, then reads its input and never answers a request.
    static let silentAgent = """
        import json, struct, sys
        hello = json.dumps({"kind": "hello", "hello": {"protocol_version": 4, "minimum_version": 4, "software": "silent", "role": "agent"}}).encode()
        sys.stdout.buffer.write(struct.pack(">I", len(hello)) + hello)
        sys.stdout.flush()
        sys.stdin.buffer.read()
        """

    @Test func aRequestTheAgentNeverAnswersFailsNamingTheHostAndTheLimitAndTheLinkIsClosed() throws {
        let client = AgentClient(
            transport: ProcessTransport(label: "mute", arguments: ["python3", "-c", Self.silentAgent]),
            silenceLimit: 0.5)
        defer { client.close() }
        let error = try #require(Self.failure { try client.call(.ping) })
        #expect(
            error.message
                == "mute: no answer within 0.5 s (the link stalled or its agent hung: closed it, the next request reconnects; --host-timeout sets the limit)"
        )
        // Nothing came on the link at all: it was closed, and its status says why.
        #expect(eventually(within: 10) { if case .disconnected = client.status { true } else { false } })
        #expect(client.status.message.hasPrefix("mute: no answer within 0.5 s"))
    }

    @Test func aPerCallLimitAppliesOnAClientWithoutOne() throws {
        let client = AgentClient(transport: ProcessTransport(label: "mute", arguments: ["python3", "-c", Self.silentAgent]))
        defer { client.close() }
        let error = try #require(Self.failure { try client.call(.ping, silence: .seconds(0.25)) })
        #expect(error.message.hasPrefix("mute: no answer within 0.25 s ("))
    }

    @Test func anAgentBusyWithOneRequestFailsItButKeepsALinkThatCarriesOtherFrames() throws {
        let gate = DispatchSemaphore(value: 0)
        let service = ResolverService(backend: GateResolver(gate: gate))
        defer { gate.signal() }
        let client = AgentClient(transport: InProcessTransport(label: "busy", resolver: service), silenceLimit: 5)
        defer { client.close() }
        // A socket watch keeps frames coming on the link while the lookup hangs in its resolver.
        let watch = client.watch(.watchSockets(SocketQuery(kinds: [.tcp], listeningOnly: true), interval: 0.05)) { _ in }
        defer { watch.cancel() }
        let error = try #require(
            Self.failure {
                try client.call(.resolve(.hostByName("hang.invalid")))
            })
        #expect(error.message == "busy: no answer within 5 s (its agent is busy with it; --host-timeout sets the limit)")
        guard case .connected = client.status else { Issue.record("the busy link was closed: \(client.status)"); return }
        #expect(try client.call(.ping, silence: .none) == .pong)
    }

    /// Blocks every lookup until `gate` is signalled.
    struct GateResolver: ResolverBackend {
        let gate: DispatchSemaphore
        func perform(_ request: ResolverRequest) throws -> ResolverResult {
            gate.wait()
            gate.signal()
            return .name("late")
        }
    }

    /// The error `body` throws (recorded as an issue when it answers instead).
    static func failure(_ body: () throws -> AgentReply) -> AgentError? {
        do {
            let reply = try body()
            Issue.record("answered: \(reply)")
            return nil
        } catch {
            return error as? AgentError
        }
    }

}
