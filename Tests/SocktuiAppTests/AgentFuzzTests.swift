import Foundation
import Inspect
import Synchronization
import Testing
import SocktuiTestSupport

/// Seeded mutation of the agent protocol into the real `socktui agent` process through pipes:
/// every frame is answered (an error frame naming it, or its request's reply), the process never
/// crashes, and it exits when its input ends. Run in a fresh network namespace (as root), so a
/// mutated request cannot reach any network.
@Suite(.serialized) struct AgentFuzzTests {
    /// A deterministic generator (SplitMix64), so a failure names a reproducible seed.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var value = state
            value = (value ^ (value >> 30)) &* 0xbf58_476d_1ce4_e5b9
            value = (value ^ (value >> 27)) &* 0x94d0_49bb_1331_11eb
            return value ^ (value >> 31)
        }
    }

    /// Valid frames to mutate: requests that touch no network.
    static let seeds: [String] = [
        #"{"kind":"request","id":1,"request":{"kind":"ping"}}"#,
        #"{"kind":"request","id":2,"request":{"kind":"sockets","query":{"kinds":["tcp","udp"],"listening_only":true,"processes":false,"tcp_info":false}}}"#,
        #"{"kind":"request","id":3,"request":{"kind":"socket_options","target":{"kind":"descriptor","pid":1,"fd":0}}}"#,
        #"{"kind":"request","id":4,"request":{"kind":"resolve","resolve":{"kind":"gethostname"}}}"#,
        #"{"kind":"request","id":5,"request":{"kind":"watch_sockets","query":{"kinds":["tcp"],"listening_only":true,"processes":false,"tcp_info":false},"interval_s":5}}"#,
        #"{"kind":"request","id":6,"request":{"kind":"interfaces"}}"#,
        #"{"kind":"cancel","id":5}"#,
        #"{"kind":"hello","hello":{"protocol_version":4,"minimum_version":4,"software":"socktui","role":"client"}}"#,
        #"{"kind":"response","id":1,"reply":{"kind":"pong"}}"#
    ]

    static func mutate(_ seed: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            switch Int.random(in: 0..<7, using: &random) {
            case 0 where !bytes.isEmpty: bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            case 1: bytes.insert(UInt8.random(in: 0...255, using: &random), at: Int.random(in: 0...bytes.count, using: &random))
            case 2 where !bytes.isEmpty: bytes.remove(at: Int.random(in: 0..<bytes.count, using: &random))
            case 3 where !bytes.isEmpty: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
            case 4:
                // Swap in a token that keeps the JSON well-formed but wrong.
                let tokens = ["null", "-1", "1e400", "\"\"", "[]", "{}", "true", "18446744073709551616", "\"\\u0000\""]
                if let digit = bytes.firstIndex(where: { (0x30...0x39).contains($0) }) {
                    bytes.replaceSubrange(digit...digit, with: Array(tokens.randomElement(using: &random)!.utf8))
                }
            case 5: bytes = (0..<Int.random(in: 0...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            default:
                let cut = Int.random(in: 0...bytes.count, using: &random)
                bytes = Array(bytes[..<cut] + bytes[cut...] + bytes[cut...])
            }
        }
        return bytes
    }

    static func framed(_ body: [UInt8]) -> [UInt8] {
        let length = UInt32(body.count)
        return [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)] + body
    }

    /// Runs `socktui agent` (in a new network namespace when root) with `input` on stdin, killing
    /// it after `limit` seconds; returns its exit status, whether it was killed, and its frames.
    static func runAgent(
        input: [UInt8], limit: Double = 120
    ) throws -> (status: Int32, signalled: Bool, killed: Bool, frames: [AgentFrame], trailing: Int) {
        let command = getuid() == 0 ? ["/usr/bin/unshare", "--net", "--", TestBinary.socktui, "agent"] : [TestBinary.socktui, "agent"]
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        let process = try ChildProcess(command, stdin: .pipe, stdout: .pipe, stderr: .null, environment: environment)
        let killed = Mutex(false)
        let watchdog = DispatchWorkItem {
            killed.withLock { $0 = true }
            process.signal(SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + limit, execute: watchdog)
        let (output, _) = try process.collect(input: input)
        let status = process.wait()
        watchdog.cancel()
        var decoder = FrameDecoder()
        decoder.append(output)
        var frames: [AgentFrame] = []
        while case .frame(let body, _) = decoder.next() {
            frames.append(try AgentFrameCodec.decode(body))
        }
        return (status, status >= 128, killed.withLock { $0 }, frames, decoder.pendingBytes)
    }

    @Test(arguments: [UInt64(11), 2026])
    func mutatedFramesAreEachAnsweredWithoutCrashOrHang(seed: UInt64) throws {
        var random = SeededGenerator(state: seed)
        let seeds = Self.seeds.map { Array($0.utf8) }
        var input: [UInt8] = []
        var expectations: [(ordinal: Int, frame: AgentFrame?)] = []
        let count = 2500
        for ordinal in 1...count {
            let body = Self.mutate(seeds.randomElement(using: &random)!, using: &random)
            input += Self.framed(body)
            expectations.append((ordinal, try? AgentFrameCodec.decode(body)))
        }
        input += Self.framed(Array(#"{"kind":"request","id":4242424242,"request":{"kind":"ping"}}"#.utf8))
        let run = try Self.runAgent(input: input)
        #expect(!run.killed, "seed \(seed): the agent hung (killed after the limit)")
        #expect(!run.signalled && run.status == 0, "seed \(seed): the agent crashed (status \(run.status))")
        #expect(run.trailing == 0, "seed \(seed): a partial frame at the end of the agent's output")
        guard case .hello = run.frames.first else {
            Issue.record("seed \(seed): no hello first")
            return
        }
        #expect(run.frames.contains(.response(id: 4242424242, reply: .pong)), "seed \(seed): the last ping was not answered")
        var erroredFrames = Set<Int>(), answeredIDs = Set<UInt64>()
        for frame in run.frames {
            switch frame {
            case .error(let error):
                if let frame = error.frame { erroredFrames.insert(frame) }
                if let id = error.id { answeredIDs.insert(id) }
                #expect(!error.message.isEmpty)
            case .response(let id, _), .event(let id, _): answeredIDs.insert(id)
            default: break
            }
        }
        var unanswered: [Int] = []
        var bad = 0
        for (ordinal, frame) in expectations {
            switch frame {
            case nil:
                bad += 1
                if !erroredFrames.contains(ordinal) { unanswered.append(ordinal) }
            case .request(let id, _), .cancel(let id):
                if !answeredIDs.contains(id) && !erroredFrames.contains(ordinal) { unanswered.append(ordinal) }
            case .hello:
                break  // a valid hello needs no answer (a version mismatch gets an error)
            case .event, .response, .error, .chunk:
                if !erroredFrames.contains(ordinal) { unanswered.append(ordinal) }
            }
        }
        #expect(bad > count / 2, "seed \(seed): the mutations should mostly break frames (\(bad) of \(count))")
        #expect(unanswered.isEmpty, "seed \(seed): frames without an answer: \(unanswered.prefix(20))")
    }

    @Test func corruptedLengthPrefixesEndInErrorsAndACleanExit() throws {
        var random = SeededGenerator(state: 77)
        for round in 0..<24 {
            var input = Self.framed(Array(#"{"kind":"request","id":1,"request":{"kind":"ping"}}"#.utf8))
            let header: [UInt8] = round % 3 == 0 ? [0xff, 0xff, 0xff, 0xff] : (0..<4).map { _ in UInt8.random(in: 0...255, using: &random) }
            input += header + (0..<Int.random(in: 0...200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            let run = try Self.runAgent(input: input, limit: 30)
            #expect(!run.killed && !run.signalled && run.status == 0, "round \(round): status \(run.status)")
            #expect(run.frames.contains(.response(id: 1, reply: .pong)))
            let errors = run.frames.compactMap { frame -> AgentError? in if case .error(let error) = frame { error } else { nil } }
            #expect(!errors.isEmpty, "round \(round): header \(header) got no error")
            #expect(errors.allSatisfy { $0.frame != nil && $0.frame! >= 2 })
        }
    }
}
