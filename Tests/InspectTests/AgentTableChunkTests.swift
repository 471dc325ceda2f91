import Foundation
import Synchronization
import Testing
import SocketFixtures
import SocketKit
import SocktuiTestSupport
@testable import Inspect

/// Socket tables larger than one frame travel as `chunk` frames (protocol 3, issue #20): a
/// 20,000-row table with tcp_info is about 35 MB of JSON, over the 16 MiB frame limit, and before
/// the agent answered it with "reply not sent: frame of … bytes exceeds the … limit".
@Suite struct AgentTableChunkTests {
    static let query = SocketQuery(kinds: [.tcp], processes: true, tcpInfo: true)

    @Test func aTwentyThousandRowTableWithTCPInfoComesThroughTheAgent() throws {
        let sockets = SyntheticSockets(rows: 20_000)
        let client = AgentClient(transport: InProcessTransport(label: "big", sockets: sockets))
        defer { client.close() }
        guard case .sockets(let table) = try client.call(.sockets(Self.query)) else {
            Issue.record("no table")
            return
        }
        #expect(table.entries.count == 20_000)
        #expect(table.entries == SyntheticSockets.table(rows: 20_000, round: 1))
        #expect(table.sources == ["tcp": "netlink"])
        // As `sockets --host` asks: the whole table as changes, then the changes since it (every
        // row's tcp_info moved: 20,000 changed rows, chunked too).
        var mirror = SocketMirror()
        guard case .socketChanges(let first) = try client.call(.socketChanges(Self.query, since: nil)), mirror.apply(first) else {
            Issue.record("no first changes")
            return
        }
        #expect(mirror.snapshot.entries == SyntheticSockets.table(rows: 20_000, round: 2))
        guard case .socketChanges(let next) = try client.call(.socketChanges(Self.query, since: mirror.generation)) else {
            Issue.record("no next changes")
            return
        }
        #expect(next.diff.changed.count == 20_000 && next.base == first.generation)
        let applied = mirror.apply(next)
        #expect(applied)
        #expect(mirror.snapshot.entries == SyntheticSockets.table(rows: 20_000, round: 3))
        #expect(try client.call(.ping) == .pong)
    }

    @Test func aWatchSendsEachLargeRefreshInChunks() throws {
        let sockets = SyntheticSockets(rows: 2_500)
        let client = AgentClient(transport: InProcessTransport(label: "big", sockets: sockets))
        defer { client.close() }
        let mirror = Mutex(SocketMirror())
        let refreshes = Mutex<[Int]>([])
        let watch = client.watch(.watchSockets(Self.query, interval: 0.1)) { reply in
            guard case .socketChanges(let changes) = reply else { return }
            mirror.withLock { mirror in
                let applied = mirror.apply(changes)
                refreshes.withLock { $0.append(applied ? mirror.snapshot.entries.count : -1) }
            }
        }
        #expect(eventually(within: 60) { refreshes.withLock { $0.count } >= 2 })
        watch.cancel()
        #expect(watch.waitForEnd(timeout: 30).map { (try? $0.get()) == .cancelled } == true)
        let (counts, rows) = (refreshes.withLock { $0 }, mirror.withLock { $0.snapshot.entries })
        #expect(counts.allSatisfy { $0 == 2_500 }, "\(counts)")
        #expect(rows == SyntheticSockets.table(rows: 2_500, round: counts.count))
    }

    @Test func theAgentsFramesStayWithinTheLimit() throws {
        let sockets = SyntheticSockets(rows: 20_000)
        var frames = try Self.exchange(sockets: sockets, clientVersion: AgentProtocol.version)
        try #require(!frames.isEmpty)
        let reply = frames.removeLast()
        #expect(frames.allSatisfy { $0.size <= AgentProtocol.maxFrameSize })
        let chunks = frames.compactMap { if case .chunk(let chunk) = $0.frame { chunk } else { nil } }
        #expect(chunks.count == 20 && chunks.count == frames.count)
        #expect(chunks.map(\.index) == Array(0..<20))
        #expect(chunks.map(\.last) == Array(repeating: false, count: 19) + [true])
        #expect(chunks.allSatisfy { $0.id == 1 && $0.list == .entries && $0.rows.count == AgentProtocol.chunkRows })
        #expect(chunks.flatMap(\.rows) == SyntheticSockets.table(rows: 20_000, round: 1))
        guard case .response(1, .sockets(let stripped)) = reply.frame else {
            Issue.record("not a table: \(reply.frame)")
            return
        }
        #expect(stripped.entries.isEmpty && stripped.sources == ["tcp": "netlink"])
    }

    // MARK: - A hostile or broken agent

    @Test func aMissingChunkFailsTheRequestAndTheLinkKeepsServing() throws {
        let agent = ScriptedAgent { id in
            [.chunk(.rows(id, 0, rows: 3)), .chunk(.rows(id, 2, last: true, rows: 3)), .response(id: id, reply: .sockets(.empty))]
        }
        defer { agent.client.close() }
        let error = try #require(Self.failure(agent))
        #expect(
            error.message == "hostile: the agent's socket table for request 1 was refused: chunk 2 came after chunk 0 (chunk 1 missing)")
        #expect(error.code == .invalid)
        #expect(try agent.client.call(.ping) == .pong)
    }

    @Test func aChunkAfterTheLastOneFailsTheRequest() throws {
        let agent = ScriptedAgent { id in
            [
                .chunk(.rows(id, 0, last: true, rows: 3)), .chunk(.rows(id, 1, rows: 3)), .chunk(.rows(id, 2, rows: 3)),
                .response(id: id, reply: .sockets(.empty))
            ]
        }
        defer { agent.client.close() }
        let error = try #require(Self.failure(agent))
        #expect(error.message == "hostile: the agent's socket table for request 1 was refused: chunk 1 came after the last chunk (0)")
        #expect(try agent.client.call(.ping) == .pong)
    }

    @Test func aReplyBeforeTheLastChunkFailsTheRequest() throws {
        let agent = ScriptedAgent { id in [.chunk(.rows(id, 0, rows: 3)), .response(id: id, reply: .sockets(.empty))] }
        defer { agent.client.close() }
        let error = try #require(Self.failure(agent))
        #expect(
            error.message
                == "hostile: the agent's socket table for request 1 was refused: its reply came after chunk 0 without the last chunk (chunks missing)"
        )
    }

    @Test func aChunkThatCannotBeReadLeavesAGapThatFailsTheRequest() throws {
        let agent = ScriptedAgent { id in
            [
                .raw(#"{"chunk":{"id":\#(id),"index":0,"last":false,"list":"bogus","rows":[]}}"#),
                .chunk(.rows(id, 1, last: true, rows: 3)), .response(id: id, reply: .sockets(.empty))
            ]
        }
        defer { agent.client.close() }
        let error = try #require(Self.failure(agent))
        #expect(error.message == "hostile: the agent's socket table for request 1 was refused: chunk 1 came first (chunk 0 missing)")
    }

    @Test func chunksBeforeAReplyWithoutATableFailTheRequest() throws {
        let agent = ScriptedAgent { id in [.chunk(.rows(id, 0, last: true, rows: 3)), .response(id: id, reply: .pong)] }
        defer { agent.client.close() }
        let error = try #require(Self.failure(agent))
        #expect(
            error.message
                == "hostile: the agent's socket table for request 1 was refused: chunks before a reply that carries no socket table")
    }

    @Test func moreRowsThanTheClientsLimitFailTheRequestAndStopTheAgentsStream() throws {
        let agent = ScriptedAgent(limits: TableChunkLimits(rows: 150, bytes: 1 << 30, chunks: 100)) { id in
            // An endless table: rows keep coming after the limit (dropped unheld), then a reply.
            (0..<50).map { .chunk(.rows(id, $0, rows: 100)) } + [.response(id: id, reply: .sockets(.empty))]
        }
        defer { agent.client.close() }
        let error = try #require(Self.failure(agent))
        #expect(
            error.message
                == "hostile: the agent's socket table for request 1 was refused: the table exceeds this client's limit of 150 rows")
        #expect(error.code == .oversized)
        #expect(eventually(within: 10) { agent.script.cancelled.withLock { $0 } == [1] })
        #expect(try agent.client.call(.ping) == .pong)
    }

    @Test func moreChunkBytesThanTheClientsLimitFailTheRequest() throws {
        let agent = ScriptedAgent(limits: TableChunkLimits(rows: 1 << 20, bytes: 20_000, chunks: 100)) { id in
            (0..<5).map { .chunk(.rows(id, $0, last: $0 == 4, rows: 5)) } + [.response(id: id, reply: .sockets(.empty))]
        }
        defer { agent.client.close() }
        let error = try #require(Self.failure(agent))
        #expect(
            error.message
                == "hostile: the agent's socket table for request 1 was refused: the table exceeds this client's limit of 20000 bytes of chunks"
        )
    }

    @Test func moreChunksThanTheClientsLimitFailTheRequest() throws {
        let agent = ScriptedAgent(limits: TableChunkLimits(rows: 1 << 20, bytes: 1 << 30, chunks: 3)) { id in
            (0..<5).map { .chunk(.rows(id, $0, last: $0 == 4, rows: 1)) } + [.response(id: id, reply: .sockets(.empty))]
        }
        defer { agent.client.close() }
        let error = try #require(Self.failure(agent))
        #expect(error.message == "hostile: the agent's socket table for request 1 was refused: more than 3 chunks for one reply")
    }

    @Test func theAssemblerHoldsNothingOnceARequestEndsOrFails() {
        var assembler = TableChunkAssembler(limits: TableChunkLimits(rows: 10, bytes: 1 << 20, chunks: 10), label: "h")
        guard case .held = assembler.accept(.chunk(.rows(1, 0, rows: 4)), size: 100) else { Issue.record("not held"); return }
        guard case .held = assembler.accept(.chunk(.rows(2, 0, rows: 4)), size: 100) else { Issue.record("not held"); return }
        #expect(assembler.heldRows == 8 && assembler.heldBytes == 200)
        // Over the limit counted across both requests: request 2 fails and its rows go.
        guard case .failed(2, _) = assembler.accept(.chunk(.rows(2, 1, rows: 4)), size: 100) else { Issue.record("not failed"); return }
        #expect(assembler.heldRows == 4 && assembler.heldBytes == 100)
        guard case .held = assembler.accept(.chunk(.rows(1, 1, last: true, rows: 2)), size: 50) else { Issue.record("not held"); return }
        guard case .deliver(.event(1, .sockets(let table))) = assembler.accept(.event(id: 1, reply: .sockets(.empty)), size: 10) else {
            Issue.record("not delivered")
            return
        }
        #expect(table.entries == SyntheticSockets.table(rows: 4, round: 0) + SyntheticSockets.table(rows: 2, round: 0))
        #expect(assembler.heldRows == 0 && assembler.heldBytes == 0)
    }

    // MARK: - Helpers

    /// The error `agent`'s client gets for a sockets request.
    static func failure(_ agent: ScriptedAgent) -> AgentError? {
        do {
            let reply = try agent.client.call(.sockets(query))
            Issue.record("answered: \(reply)")
            return nil
        } catch {
            return error
        }
    }

    /// The frames (and their body sizes) an agent sends for one `.sockets` request (id 1) after
    /// a client hello of `clientVersion`, up to and with the request's last frame.
    static func exchange(sockets: SyntheticSockets, clientVersion: Int) throws -> [(frame: AgentFrame, size: Int)] {
        let toAgent = try makePipe(), fromAgent = try makePipe()
        let server = AgentServer(input: toAgent.read, output: fromAgent.write, sockets: sockets)
        let done = DispatchSemaphore(value: 0)
        Thread {
            server.run()
            close(toAgent.read)
            close(fromAgent.write)
            done.signal()
        }.start()
        defer {
            close(fromAgent.read)
            done.wait()
        }
        var bytes = try AgentFrameCodec.encode(.hello(AgentHello(protocolVersion: clientVersion, software: "test", role: "client")))
        bytes += try AgentFrameCodec.encode(.request(id: 1, request: .sockets(query)))
        _ = bytes.withUnsafeBytes { DescriptorIO.writeAll(toAgent.write, $0) }
        defer { close(toAgent.write) }
        var decoder = FrameDecoder()
        var frames: [(frame: AgentFrame, size: Int)] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while let count = DescriptorIO.read(fromAgent.read, into: &buffer), count > 0 {
            decoder.append(Array(buffer[0..<count]))
            while case .frame(let body, _) = decoder.next() {
                let frame = try AgentFrameCodec.decode(body)
                if case .hello = frame { continue }
                frames.append((frame, body.count))
                switch frame {
                case .response, .error: return frames
                default: continue
                }
            }
        }
        return frames
    }
}

extension TableChunk {
    /// Chunk `index` of request `id`: `rows` synthetic rows of the snapshot's entries.
    static func rows(_ id: UInt64, _ index: Int, last: Bool = false, rows: Int) -> TableChunk {
        TableChunk(id: id, index: index, last: last, list: .entries, rows: SyntheticSockets.table(rows: rows, round: 0))
    }
}

extension SocketSnapshot {
    static let empty = SocketSnapshot(entries: [], sources: [:], warnings: [], hiddenProcesses: 0, takenAt: 0, elapsed: 0)
}

/// An agent in this process that answers pings, and every other request with the frames
/// `script` gives for its id; it records the ids the client cancels. `client` talks to it.
final class ScriptedAgent: Sendable {
    enum Item {
        case chunk(TableChunk)
        case response(id: UInt64, reply: AgentReply)
        /// A frame body as written (JSON that may not decode).
        case raw(String)
    }

    /// What the agent answers and what it was told.
    final class Script: Sendable {
        let items: @Sendable (UInt64) -> [Item]
        let cancelled = Mutex<[UInt64]>([])
        init(_ items: @escaping @Sendable (UInt64) -> [Item]) { self.items = items }
    }

    struct Transport: AgentTransport {
        let label = "hostile"
        let script: Script

        func open() throws(AgentError) -> any AgentLink {
            let toAgent = try makePipe(), fromAgent = try makePipe()
            let script = script
            Thread {
                ScriptedAgent.serve(script, input: toAgent.read, output: fromAgent.write)
                close(toAgent.read)
                close(fromAgent.write)
            }.start()
            return PipeLink(readFD: fromAgent.read, writeFD: toAgent.write)
        }

        func explain(status: Int32?, stderr: String) -> (message: String, needsLogin: Bool) { ("hostile: disconnected", false) }
    }

    let script: Script
    let client: AgentClient

    init(limits: TableChunkLimits = .standard, script items: @escaping @Sendable (UInt64) -> [Item]) {
        script = Script(items)
        client = AgentClient(transport: Transport(script: script), chunkLimits: limits)
    }

    private static func serve(_ script: Script, input: Int32, output: Int32) {
        func send(_ body: [UInt8]) {
            let length = UInt32(body.count)
            let bytes = [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)] + body
            _ = bytes.withUnsafeBytes { DescriptorIO.writeAll(output, $0) }
        }
        func send(_ frame: AgentFrame) { send(Array((try? AgentFrameCodec.encode(frame))?.dropFirst(4) ?? [])) }
        send(.hello(AgentServer.localHello(software: "hostile")))
        var decoder = FrameDecoder()
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while let count = DescriptorIO.read(input, into: &buffer), count > 0 {
            decoder.append(Array(buffer[0..<count]))
            while case .frame(let body, _) = decoder.next() {
                switch try? AgentFrameCodec.decode(body) {
                case .request(let id, .ping): send(.response(id: id, reply: .pong))
                case .request(let id, _):
                    for item in script.items(id) {
                        switch item {
                        case .chunk(let chunk): send(.chunk(chunk))
                        case .response(let id, let reply): send(.response(id: id, reply: reply))
                        case .raw(let json): send(Array(json.utf8))
                        }
                    }
                case .cancel(let id): script.cancelled.withLock { $0.append(id) }
                default: break
                }
            }
        }
    }
}
