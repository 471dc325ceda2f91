import Foundation
import Testing
@testable import Inspect

/// An agent answers requests whose numbers are out of range with an error naming the field and
/// its range, and keeps serving (issue #17 C4): before, a connect timeout of 1e300 or a 4 GiB ring
/// block trapped and ended every stream the agent served.
@Suite struct AgentLimitsTests {
    @Test func anAgentAnswersOutOfRangeTestsWithAnErrorAndKeepsServing() throws {
        let agent = try RawAgent()
        let hugeTimeout = ConnTestRequest.connect(ConnectRequest(host: "127.0.0.1", port: 9, timeout: 1e300))
        let hugeInterval = ConnTestRequest.probes(
            ProbeRequest(connect: ConnectRequest(host: "127.0.0.1", port: 9, timeout: 1), count: 3, interval: 1e300))
        agent.send(try AgentFrameCodec.encode(.request(id: 1, request: .connTest(hugeTimeout))))
        agent.send(try AgentFrameCodec.encode(.request(id: 2, request: .connTest(hugeInterval))))
        agent.send(
            try AgentFrameCodec.encode(
                .request(id: 3, request: .capture(LiveCaptureOptions(interface: "lo", ring: RingConfiguration(blockSize: 1 << 32))))))
        agent.send(
            try AgentFrameCodec.encode(
                .request(
                    id: 4, request: .capture(LiveCaptureOptions(interface: "lo", ring: RingConfiguration(retireTimeoutMilliseconds: -1))))))
        agent.send(try AgentFrameCodec.encode(.request(id: 5, request: .ping)))
        let frames = try agent.finish()
        let errors = frames.compactMap { frame -> AgentError? in if case .error(let error) = frame { error } else { nil } }
        #expect(errors.first { $0.id == 1 }?.message == "connection test: timeout must be more than 0 and at most 3600 seconds, got 1e+300")
        #expect(errors.first { $0.id == 1 }?.code == .invalid)
        #expect(errors.first { $0.id == 2 }?.message == "connection test: interval must be 0 and at most 3600 seconds, got 1e+300")
        #expect(
            errors.first { $0.id == 3 }?.message.contains(
                "ring.block_size_bytes must be a power of two from 4096 to 134217728 bytes, got 4294967296") == true,
            "\(errors.map(\.message))")
        #expect(
            errors.first { $0.id == 4 }?.message.contains("ring.retire_timeout_ms must be 1-60000 ms, got -1") == true,
            "\(errors.map(\.message))")
        #expect(frames.contains(.response(id: 5, reply: .pong)), "the agent stopped serving")
    }

    @Test func idsThatAreNoRequestIdSayWhatIsWrongWithTheId() throws {
        let agent = try RawAgent()
        for id in ["-1", "1.5", "18446744073709551616"] {
            agent.send(AgentFrameCodecTests.frame("{\"kind\":\"request\",\"id\":\(id),\"request\":{\"kind\":\"ping\"}}"))
        }
        agent.send(
            AgentFrameCodecTests.frame(
                "{\"kind\":\"request\",\"id\":7,\"request\":{\"kind\":\"conn_test\",\"test\":{\"kind\":\"connect\",\"connect\":{\"port\":-1}}}}"
            ))
        agent.send(AgentFrameCodecTests.frame("{\"kind\":\"request\",\"id\":8,\"request\":{\"kind\":\"ping\"}}"))
        let frames = try agent.finish()
        let errors = frames.compactMap { frame -> AgentError? in if case .error(let error) = frame { error } else { nil } }
        #expect(errors.count == 4, "\(errors)")
        for (index, id) in ["-1", "1.5", "18446744073709551616"].enumerated() {
            let error = errors.first { $0.frame == index + 1 }
            #expect(error?.code == .invalid)
            #expect(
                error?.message.hasPrefix("frame \(index + 1): id must be a whole number 0-18446744073709551615, got ") == true,
                "\(error?.message ?? "none")")
            #expect(error?.message.contains("not valid JSON") == false)
            _ = id
        }
        #expect(errors.allSatisfy { !$0.message.contains("not valid JSON") }, "\(errors.map(\.message))")
        #expect(frames.contains(.response(id: 8, reply: .pong)))
    }
}
