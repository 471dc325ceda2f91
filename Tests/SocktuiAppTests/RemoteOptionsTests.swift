import Foundation
import Inspect
import Testing
@testable import SocktuiApp

/// `--host` calls across several hosts: parallel, and one stalled host never holds the others.
struct RemoteOptionsTests {
    /// A fake agent: says hello, then reads its input and never answers a request.
    static let stalledAgent = """
        import json, struct, sys
        hello = json.dumps({"kind": "hello", "hello": {"protocol_version": 4, "minimum_version": 4, "software": "stalled", "role": "agent"}}).encode()
        sys.stdout.buffer.write(struct.pack(">I", len(hello)) + hello)
        sys.stdout.flush()
        sys.stdin.buffer.read()
        """

    @Test func aHostThatDoesNotAnswerIsReportedWhileTheOthersAnswersComeBack() throws {
        let options = try RemoteOptions.parse(["--host-timeout", "1"])
        let fast = AgentClient(transport: InProcessTransport(label: "fast"))
        let stalled = AgentClient(transport: ProcessTransport(label: "stalled", arguments: ["python3", "-c", Self.stalledAgent]))
        defer {
            fast.close()
            stalled.close()
        }
        let results = options.callAll([fast, stalled], .ping)
        #expect(results.map(\.host) == ["fast", "stalled"])
        #expect(try results[0].result.get() == .pong)
        guard case .failure(let error) = results[1].result else {
            Issue.record("the stalled host answered: \(results[1].result)")
            return
        }
        #expect(
            error.message
                == "stalled: no answer within 1 s (the link stalled or its agent hung: closed it, the next request reconnects; --host-timeout sets the limit)"
        )
        // The stalled host's login worked (its hello came); the silent link was then closed.
        #expect(stalled.hello?.software == "stalled")
    }

    @Test func badHostOptionsAreRefusedWithTheReason() {
        #expect(throws: (any Error).self) { try RemoteOptions.parse(["--host", "a b"]) }
        #expect(throws: (any Error).self) { try RemoteOptions.parse(["--host", "web1", "--host", "web1"]) }
        #expect(throws: (any Error).self) { try RemoteOptions.parse(["--push"]) }
        #expect(throws: (any Error).self) { try RemoteOptions.parse(["--host", "web1", "--host-timeout", "0"]) }
        #expect(throws: Never.self) { try RemoteOptions.parse(["--host", "ops@web1:2222", "--host", "[::1]:22"]) }
    }
}
