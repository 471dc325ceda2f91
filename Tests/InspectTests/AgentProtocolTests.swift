import Foundation
import Synchronization
import Testing
import SocketKit
@testable import Inspect
#if canImport(Glibc)
    import Glibc
#endif

/// The agent protocol's frames: length prefix, size limit, classification of bad frames.
struct AgentFrameCodecTests {
    static func frame(_ json: String) -> [UInt8] {
        let body = Array(json.utf8)
        let length = UInt32(body.count)
        return [UInt8(length >> 24), UInt8((length >> 16) & 0xff), UInt8((length >> 8) & 0xff), UInt8(length & 0xff)] + body
    }

    @Test func everyFrameKindRoundTripsThroughTheCodec() throws {
        let frames: [AgentFrame] = [
            .hello(AgentServer.localHello()),
            .request(id: 1, request: .ping),
            .request(id: 2, request: .watchSockets(SocketQuery(kinds: [.tcp], listeningOnly: true), interval: 0.5)),
            .request(id: 3, request: .socketOptions(.descriptor(pid: 1, fd: 3))),
            .request(id: 7, request: .interfaces),
            .response(
                id: 7,
                reply: .interfaces([
                    NetworkInterface(name: "lo", index: 1, isUp: true, isRunning: true, isLoopback: true, addresses: ["127.0.0.1"])
                ])),
            .event(id: 4, reply: .captureChunk(CaptureChunk(pcapng: Data([1, 2, 3]), packets: 1, kernel: KernelCaptureStatistics()))),
            .response(id: 5, reply: .cancelled),
            .cancel(id: 6),
            .error(AgentError(.oversized, "too big", id: nil, frame: 9))
        ]
        for frame in frames {
            let bytes = try AgentFrameCodec.encode(frame)
            var decoder = FrameDecoder()
            decoder.append(bytes)
            guard case .frame(let body, let ordinal) = decoder.next() else {
                Issue.record("no frame out of \(bytes.count) bytes")
                continue
            }
            #expect(ordinal == 1)
            #expect(try AgentFrameCodec.decode(body) == frame)
            #expect(decoder.pendingBytes == 0)
        }
    }

    @Test func decoderReassemblesFramesFedOneByteAtATime() throws {
        let stream =
            try AgentFrameCodec.encode(.request(id: 7, request: .ping)) + AgentFrameCodec.encode(.cancel(id: 8))
            + AgentFrameCodec.encode(.request(id: 9, request: .resolve(.hostName)))
        var decoder = FrameDecoder()
        var frames: [AgentFrame] = []
        for byte in stream {
            decoder.append([byte])
            while case .frame(let body, _) = decoder.next() { frames.append(try AgentFrameCodec.decode(body)) }
        }
        #expect(frames == [.request(id: 7, request: .ping), .cancel(id: 8), .request(id: 9, request: .resolve(.hostName))])
        #expect(decoder.ordinal == 3)
    }

    @Test func oversizedLengthIsReportedAtOnceAndItsBodySkippedWithoutBuffering() throws {
        var decoder = FrameDecoder(maxFrameSize: 100)
        decoder.append([0, 0, 0x03, 0xe8] + Array(repeating: 0x41, count: 10))  // declares 1000 bytes
        #expect(decoder.next() == .oversized(length: 1000, ordinal: 1))
        #expect(decoder.isSkipping && decoder.pendingBytes == 0)
        decoder.append(Array(repeating: 0x41, count: 990) + Self.frame("{\"kind\":\"cancel\",\"id\":1}"))
        guard case .frame(let body, let ordinal) = decoder.next() else {
            Issue.record("the frame after the skipped body was lost")
            return
        }
        #expect(ordinal == 2)
        #expect(try AgentFrameCodec.decode(body) == .cancel(id: 1))
    }

    @Test func incompleteHeaderAndBodyWaitForMoreBytes() {
        var decoder = FrameDecoder()
        decoder.append([0, 0])
        #expect(decoder.next() == nil && decoder.pendingLength == nil && decoder.pendingBytes == 2)
        decoder.append([0, 5, 0x7b])
        #expect(decoder.next() == nil && decoder.pendingLength == 5)
    }

    @Test(arguments: [
        ("not json", AgentErrorCode.malformed),
        ("", .malformed),
        ("[1,2]", .malformed),
        ("{\"request\":{},\"cancel\":{}}", .malformed),
        ("{\"kind\":\"launch\",\"id\":4}", .unknownFrame),
        ("{\"kind\":\"request\",\"id\":5,\"request\":{\"kind\":\"format\"}}", .unknownRequest),
        ("{\"kind\":\"request\",\"id\":\"six\",\"request\":{\"kind\":\"ping\"}}", .invalid),
        ("{\"kind\":\"request\",\"id\":7}", .invalid),
        ("{\"kind\":\"cancel\",\"id\":-1}", .invalid),
        ("{\"kind\":\"request\",\"id\":8,\"request\":{\"kind\":\"sockets\",\"query\":{\"kinds\":[\"bogus\"]}}}", .invalid)
    ])
    func badFrameBodiesAreClassified(json: String, code: AgentErrorCode) {
        do {
            let frame = try AgentFrameCodec.decode(Array(json.utf8), ordinal: 3)
            Issue.record("decoded \(frame) from \(json)")
        } catch {
            #expect(error.code == code, "\(json): \(error.message)")
            #expect(error.frame == 3)
            #expect(!error.message.isEmpty)
        }
    }

    @Test func errorsCarryTheIdWhenItCanBeRead() {
        #expect(
            throws: AgentError(
                .unknownRequest, "unknown request 'format': this agent serves \(AgentRequest.kinds.joined(separator: ", "))", id: 5,
                frame: nil)
        ) {
            try AgentFrameCodec.decode(Array("{\"kind\":\"request\",\"id\":5,\"request\":{\"kind\":\"format\"}}".utf8))
        }
    }

    @Test func helloVersionsAgreeOnlyWhenTheirRangesOverlap() {
        let ours = AgentHello(protocolVersion: 3, minimumVersion: 2, software: "a", role: "agent")
        #expect(ours.agreedVersion(with: AgentHello(protocolVersion: 5, minimumVersion: 3, software: "b", role: "client")) == 3)
        #expect(ours.agreedVersion(with: AgentHello(protocolVersion: 1, minimumVersion: 1, software: "b", role: "client")) == nil)
        #expect(ours.agreedVersion(with: AgentHello(protocolVersion: 9, minimumVersion: 4, software: "b", role: "client")) == nil)
    }

    @Test(arguments: [
        ("web1", RemoteHost(host: "web1")),
        ("root@web1", RemoteHost(user: "root", host: "web1")),
        ("ops@10.0.0.5:2222", RemoteHost(user: "ops", host: "10.0.0.5", port: 2222)),
        ("[::1]:22", RemoteHost(host: "::1", port: 22)),
        ("fe80::1", RemoteHost(host: "fe80::1"))
    ])
    func hostSpecificationsParse(text: String, expected: RemoteHost) throws {
        #expect(try RemoteHost(parsing: text) == expected)
    }

    @Test(arguments: ["", "@web1", "web1:0", "web1:99999", "[::1", "-oProxyCommand=x", "a b"])
    func badHostSpecificationsSayWhatIsWrong(text: String) {
        #expect(throws: RemoteHostError.self) { try RemoteHost(parsing: text) }
    }

    @Test func sshCommandLineUsesBatchModeAndTheUsersConfiguration() throws {
        let settings = SSHSettings(configFile: "/tmp/cfg", options: ["StrictHostKeyChecking=yes"], agentCommand: "/opt/socktui agent")
        let arguments = settings.arguments(for: try RemoteHost(parsing: "ops@web1:2222"))
        #expect(arguments.first == "ssh")
        #expect(arguments.suffix(3) == ["--", "web1", "/opt/socktui agent"])
        let joined = arguments.joined(separator: " ")
        #expect(
            joined.contains("-o BatchMode=yes") && joined.contains("-F /tmp/cfg") && joined.contains("-l ops") && joined.contains("-p 2222")
        )
        #expect(joined.contains("-o StrictHostKeyChecking=yes"))
        #expect(SSHSettings(interactive: true).arguments(for: RemoteHost(host: "h")).contains("BatchMode=no"))
    }

    @Test func sshFailuresBecomeInstructions() {
        let settings = SSHSettings()
        let host = RemoteHost(host: "web1")
        let missing = settings.explain(host: host, exitStatus: 127, stderr: "bash: line 1: socktui: command not found\n")
        #expect(missing.message.contains("socktui not found on web1") && missing.message.contains("--push"))
        let hostKey = settings.explain(
            host: host, exitStatus: 255, stderr: "No ED25519 host key is known for web1.\nHost key verification failed.\n")
        #expect(hostKey.needsLogin && hostKey.message.contains("needs interactive login"))
        let password = settings.explain(host: host, exitStatus: 255, stderr: "root@web1: Permission denied (publickey,password).\n")
        #expect(password.needsLogin)
        let refused = settings.explain(host: host, exitStatus: 255, stderr: "ssh: connect to host web1 port 22: Connection refused\n")
        #expect(refused.message == "web1: disconnected (ssh: connect to host web1 port 22: Connection refused)" && !refused.needsLogin)
    }
}

/// An `AgentServer` on a thread, fed raw bytes through a pipe, its frames read back.
final class RawAgent {
    let toAgent: (read: Int32, write: Int32)
    let fromAgent: (read: Int32, write: Int32)
    let done = DispatchSemaphore(value: 0)

    init() throws {
        signal(SIGPIPE, SIG_IGN)
        toAgent = try makePipe()
        fromAgent = try makePipe()
        let server = AgentServer(input: toAgent.read, output: fromAgent.write)
        let fromWrite = fromAgent.write, toRead = toAgent.read
        let done = self.done
        Thread {
            server.run()
            close(fromWrite)
            close(toRead)
            done.signal()
        }.start()
    }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(toAgent.write, $0.baseAddress! + offset, $0.count - offset) }
            if count <= 0 { return }
            offset += count
        }
    }

    /// Ends the input and returns every frame the agent sent (the hello first).
    func finish() throws -> [AgentFrame] {
        close(toAgent.write)
        var decoder = FrameDecoder()
        var frames: [AgentFrame] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fromAgent.read, $0.baseAddress!, $0.count) }
            if count <= 0 { break }
            decoder.append(Array(chunk[0..<count]))
            while case .frame(let body, _) = decoder.next() { frames.append(try AgentFrameCodec.decode(body)) }
        }
        close(fromAgent.read)
        done.wait()
        return frames
    }
}

/// The agent server and client in one process (pipes, no ssh): every engine through the protocol.
@Suite(.serialized) struct AgentServerTests {
    @Test func badFramesAreEachAnsweredWithAnErrorNamingTheFrame() throws {
        let agent = try RawAgent()
        agent.send(AgentFrameCodecTests.frame("{\"kind\":\"request\",\"id\":1,\"request\":{\"kind\":\"ping\"}}"))
        agent.send(AgentFrameCodecTests.frame("garbage"))
        agent.send([0x7f, 0, 0, 0, 1, 2, 3])  // oversized: declares 2 GiB
        let frames = try agent.finish()
        guard case .hello(let hello) = frames.first else {
            Issue.record("no hello first: \(frames)")
            return
        }
        #expect(hello.role == "agent" && hello.capabilities?.services == AgentRequest.kinds)
        #expect(frames.contains(.response(id: 1, reply: .pong)))
        let errors = frames.compactMap { frame -> AgentError? in if case .error(let error) = frame { error } else { nil } }
        #expect(errors.map(\.code) == [.malformed, .oversized])
        #expect(errors.map(\.frame) == [2, 3])
    }

    @Test func truncatedLastFrameDuplicateIdsAndStrayCancelsAreErrors() throws {
        let agent = try RawAgent()
        agent.send(
            AgentFrameCodecTests.frame(
                "{\"kind\":\"request\",\"id\":4,\"request\":{\"kind\":\"watch_sockets\",\"query\":{\"kinds\":[\"tcp\"],\"listening_only\":true,\"processes\":false,\"tcp_info\":false},\"interval_s\":30}}"
            ))
        agent.send(AgentFrameCodecTests.frame("{\"kind\":\"request\",\"id\":4,\"request\":{\"kind\":\"ping\"}}"))
        agent.send(AgentFrameCodecTests.frame("{\"kind\":\"cancel\",\"id\":99}"))
        agent.send(AgentFrameCodecTests.frame("{\"kind\":\"response\",\"id\":1,\"reply\":{\"kind\":\"pong\"}}"))
        agent.send([0, 0, 0, 50, 0x7b])
        let frames = try agent.finish()
        let errors = frames.compactMap { frame -> AgentError? in if case .error(let error) = frame { error } else { nil } }
        #expect(errors.map(\.code) == [.duplicateID, .noSuchRequest, .unexpected, .truncated])
        #expect(errors.last?.frame == 5)
        // The end of the input cancelled the stream: its final frame came.
        #expect(frames.contains(.response(id: 4, reply: .cancelled)))
    }

    /// This host's agent with frames passed as values (``LocalTransport``, what the app uses), or
    /// encoded on pipes (``InProcessTransport``, as a remote agent's travel).
    static func localTransport(_ framing: String, label: String = "local") -> any AgentTransport {
        framing == "values" ? LocalTransport(label: label) : InProcessTransport(label: label)
    }

    @Test(arguments: ["values", "bytes"])
    func clientRunsResolverSocketsOptionsAndConnectionTestsThroughTheProtocol(framing: String) throws {
        let client = AgentClient(transport: Self.localTransport(framing, label: "here"))
        defer { client.close() }
        let hello = try client.connect()
        #expect(hello.capabilities?.hostName == (try gethostname()))
        #expect(client.status == .connected(hello.capabilities))
        #expect(try client.call(.ping) == .pong)

        guard
            case .resolved(let outcome) = try client.call(
                .resolve(.addressInfo(host: "127.0.0.1", service: "80", family: .inet, type: .stream, protocol: 0, flags: [.numericHost]))),
            case .success(.addressInfo(let entries)) = outcome.result
        else {
            Issue.record("no resolver answer")
            return
        }
        #expect(entries.first?.address.description.contains("127.0.0.1") == true)

        let (listener, port) = try loopbackListener()
        defer { try? listener.close() }
        guard case .sockets(let snapshot) = try client.call(.sockets(SocketQuery(kinds: [.tcp], listeningOnly: true, processes: true)))
        else {
            Issue.record("no snapshot")
            return
        }
        let row = try #require(snapshot.entries.first { $0.local.port == port })
        #expect(row.owners.contains { $0.pid == getpid() && $0.fileDescriptor == listener.fileDescriptor })

        guard case .socketOptions(let report) = try client.call(.socketOptions(.descriptor(pid: getpid(), fd: listener.fileDescriptor)))
        else {
            Issue.record("no options")
            return
        }
        #expect(report.local?.contains("\(port)") == true)
        #expect(!report.options.isEmpty)
        #expect(throws: AgentError.self) { try client.call(.socketOptions(.descriptor(pid: getpid(), fd: 9999))) }

        let progress = EventLog<AgentReply>()
        guard
            case .testFinished(.connect(let trace)) = try client.call(
                .connTest(.connect(ConnectRequest(host: "127.0.0.1", port: port))), event: progress.append)
        else {
            Issue.record("no trace")
            return
        }
        #expect(trace.succeeded)
        #expect(!progress.events.isEmpty)
    }

    @Test func socketChangesSendOnlyWhatChangedSinceTheMirrorsGeneration() throws {
        let client = AgentClient(transport: InProcessTransport())
        defer { client.close() }
        let query = SocketQuery(kinds: [.tcp], listeningOnly: true)
        var mirror = SocketMirror()
        guard case .socketChanges(let first) = try client.call(.socketChanges(query, since: nil)) else {
            Issue.record("no changes reply")
            return
        }
        #expect(first.base == nil)
        let appliedFirst = mirror.apply(first)
        #expect(appliedFirst)
        let (listener, port) = try loopbackListener()
        guard case .socketChanges(let second) = try client.call(.socketChanges(query, since: mirror.generation)) else {
            Issue.record("no changes reply")
            return
        }
        #expect(second.base == first.generation)
        #expect(second.diff.added.contains { $0.local.port == port })
        // Rows the mirror already holds unchanged are not sent again (other tests open and close
        // listeners meanwhile, so only this listener's row and theirs may appear).
        let unchanged = Set(mirror.snapshot.entries)
        #expect(second.diff.added.allSatisfy { !unchanged.contains($0) })
        #expect(second.diff.changed.allSatisfy { !unchanged.contains($0) })
        let appliedSecond = mirror.apply(second)
        #expect(appliedSecond)
        try listener.close()
        guard case .socketChanges(let third) = try client.call(.socketChanges(query, since: mirror.generation)) else {
            Issue.record("no changes reply")
            return
        }
        #expect(third.diff.removed.contains { $0.local.port == port })
        let appliedThird = mirror.apply(third)
        #expect(appliedThird)
        // The mirror equals a fresh full table. Other tests open and close sockets meanwhile: a full
        // table counts only when no change came between it and the mirror's catching up after it.
        var compared = false
        for _ in 0..<50 where !compared {
            guard case .sockets(let full) = try client.call(.sockets(query)),
                case .socketChanges(let catchUp) = try client.call(.socketChanges(query, since: mirror.generation))
            else {
                Issue.record("no snapshot or changes reply")
                return
            }
            let quiet = catchUp.diff.added.isEmpty && catchUp.diff.removed.isEmpty && catchUp.diff.changed.isEmpty
            let appliedCatchUp = mirror.apply(catchUp)
            #expect(appliedCatchUp)
            if quiet {
                #expect(Set(mirror.snapshot.entries.map(\.id)) == Set(full.entries.map(\.id)))
                compared = true
            }
        }
        #expect(compared, "the socket table never held still long enough to compare")
        // Changes based on a generation the mirror does not hold are refused, not applied.
        var stale = SocketMirror()
        let appliedStale = stale.apply(third)
        #expect(!appliedStale)
    }

    @Test(arguments: ["values", "bytes"])
    func watchStreamsSnapshotsUntilCancelled(framing: String) throws {
        let client = AgentClient(transport: Self.localTransport(framing))
        defer { client.close() }
        try client.connect()
        let snapshots = EventLog<AgentReply>()
        let two = DispatchSemaphore(value: 0)
        let call = client.watch(.watchSockets(SocketQuery(kinds: [.tcp]), interval: 0.1)) { reply in
            snapshots.append(reply)
            if snapshots.events.count == 2 { two.signal() }
        }
        two.wait()
        call.cancel()
        let changes = snapshots.events.compactMap { reply -> SocketChanges? in
            if case .socketChanges(let changes) = reply { changes } else { nil }
        }
        #expect(changes.count == snapshots.events.count)
        // The first event is the whole table, each later one the changes since the previous.
        #expect(changes.first?.base == nil)
        #expect(zip(changes, changes.dropFirst()).allSatisfy { $1.base == $0.generation })
        var mirror = SocketMirror()
        #expect(changes.allSatisfy { mirror.apply($0) })
        #expect(try client.call(.ping) == .pong)
    }

    /// Closing a link ends its agent as the end of a remote agent's input does: a running stream
    /// is cancelled and its last frame still arrives; a request after that opens a new link.
    @Test(arguments: ["values", "bytes"])
    func closingTheLinkCancelsItsStreamsWithTheirLastFrame(framing: String) throws {
        let client = AgentClient(transport: Self.localTransport(framing))
        defer { client.close() }
        try client.connect()
        let first = DispatchSemaphore(value: 0)
        let ended = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<AgentReply, AgentError>?>(nil)
        client.start(
            .watchSockets(SocketQuery(kinds: [.tcp]), interval: 0.1), event: { _ in first.signal() },
            completion: { result in
                outcome.withLock { $0 = result }
                ended.signal()
            })
        first.wait()
        client.close()
        ended.wait()
        let result = try #require(outcome.withLock { $0 })
        switch result {
        case .success(let reply): #expect(reply == .cancelled)
        case .failure(let error): Issue.record("the stream failed instead of ending: \(error.message)")
        }
        #expect(try client.call(.ping) == .pong)
    }

    /// Once `run()` returns, its caller closes the output descriptor, and the number may be reused
    /// at once: a watch's refresh that was already running must not write there after that.
    @Test func anAgentSendsNothingAfterItsRunEnds() throws {
        let toAgent = try makePipe(), fromAgent = try makePipe()
        defer { for fd in [toAgent.read, fromAgent.read] { close(fd) } }
        let server = AgentServer(input: toAgent.read, output: fromAgent.write)
        let ended = DispatchSemaphore(value: 0)
        Thread {
            server.run()
            ended.signal()
        }.start()
        let writer = FrameWriter(fd: toAgent.write, maxFrameSize: AgentProtocol.maxFrameSize)
        #expect(writer.send(.request(id: 1, request: .watchSockets(SocketQuery(kinds: [.tcp]), interval: 0.1))))
        // The hello, then the watch's first event.
        var decoder = FrameDecoder()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var frames: [AgentFrame] = []
        while !frames.contains(where: { if case .event(id: 1, _) = $0 { true } else { false } }) {
            if case .error(let error)? = frames.last { throw error }
            let count = try #require(DescriptorIO.read(fromAgent.read, into: &chunk))
            try #require(count > 0, "the agent's output ended before the watch's first event")
            decoder.append(Array(chunk[0..<count]))
            while case .frame(let body, _) = decoder.next() { frames.append(try AgentFrameCodec.decode(body)) }
        }
        guard case .hello = frames.first else {
            Issue.record("the first frame is not the agent's hello: \(frames)")
            return
        }
        close(toAgent.write)
        // As a client does, keep reading until the link ends: the watch's last frames (a refresh
        // of a busy table, its end) can fill the pipe, and a writer blocked on it never returns.
        let drained = DispatchSemaphore(value: 0)
        let readEnd = fromAgent.read
        Thread {
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while let count = DescriptorIO.read(readEnd, into: &chunk), count > 0 {}
            drained.signal()
        }.start()
        ended.wait()
        #expect(server.outputIsClosed)
        close(fromAgent.write)
        drained.wait()
    }

    /// A transport whose links the test can cut, and refuse until restored: a host that drops.
    final class DroppableTransport: AgentTransport {
        let label: String
        private let inner: InProcessTransport
        private let state = Mutex<(links: [any AgentLink], refusing: Bool)>(([], false))

        init(label: String) {
            self.label = label
            inner = InProcessTransport(label: label)
        }

        func open() throws(AgentError) -> any AgentLink {
            if state.withLock({ $0.refusing }) { throw AgentError(.failed, "\(label): disconnected (refused)") }
            let link = try inner.open()
            state.withLock { $0.links.append(link) }
            return link
        }

        func explain(status: Int32?, stderr: String) -> (message: String, needsLogin: Bool) { ("\(label): disconnected (dropped)", false) }

        func drop() {
            let links = state.withLock { state in
                state.refusing = true
                return state.links
            }
            for link in links { link.close() }
        }

        func restore() { state.withLock { $0.refusing = false } }
    }

    /// An in-process agent whose output can be frozen: while frozen its frames are read but never
    /// passed on (a hung agent or a stalled link that stays open).
    final class StallingTransport: AgentTransport {
        final class Flag: Sendable { let value = Mutex(false) }
        let label: String
        let flag = Flag()

        init(label: String) { self.label = label }

        func open() throws(AgentError) -> any AgentLink {
            // The relay needs the encoded byte stream: an in-process agent behind pipes.
            let inner = try InProcessTransport(label: label).open() as! any AgentByteLink
            let toClient = try makePipe()
            let flag = self.flag
            Thread {
                var chunk = [UInt8](repeating: 0, count: 1 << 16)
                while true {
                    let count = chunk.withUnsafeMutableBytes { read(inner.readFD, $0.baseAddress!, $0.count) }
                    if count < 0 && errno == EINTR { continue }
                    if count <= 0 { break }
                    if flag.value.withLock({ $0 }) { continue }
                    var written = 0
                    while written < count {
                        let result = chunk.withUnsafeBytes { write(toClient.write, $0.baseAddress! + written, count - written) }
                        if result <= 0 { break }
                        written += result
                    }
                }
                // The relay owns only its own write end; `inner`'s descriptors stay with `inner`.
                Glibc.close(toClient.write)
            }.start()
            return RelayLink(inner: inner, readFD: toClient.read)
        }

        func explain(status: Int32?, stderr: String) -> (message: String, needsLogin: Bool) {
            ("\(label): disconnected (agent ended)", false)
        }
    }

    /// The client's side of a relayed agent: frames go straight to `inner`'s write end, and come
    /// back through the relay's pipe. Each descriptor has one owner: `inner` closes its own two (its
    /// `close()`/`ending()` are idempotent), this link closes only the relay pipe's read end.
    final class RelayLink: AgentByteLink {
        let inner: any AgentByteLink
        let readFD: Int32
        private let readOpen = Mutex(true)
        var writeFD: Int32 { inner.writeFD }

        init(inner: any AgentByteLink, readFD: Int32) {
            self.inner = inner
            self.readFD = readFD
        }

        func close() { inner.close() }

        func ending() -> (status: Int32?, stderr: String) {
            let ended = inner.ending()
            if readOpen.withLock({ open in
                defer { open = false }; return open
            }) {
                Glibc.close(readFD)
            }
            return ended
        }
    }

    /// Waits (without a time assertion) until `predicate` holds for the latest update.
    final class Updates: Sendable {
        private let latest = Mutex<[HostSocketTable]>([])
        private let arrived = DispatchSemaphore(value: 0)

        func post(_ tables: [HostSocketTable]) {
            latest.withLock { $0 = tables }
            arrived.signal()
        }

        /// The tables once they satisfy `predicate`; nil when no update came for a minute (a
        /// guard against hanging the suite, not a measure of speed).
        func wait(until predicate: ([HostSocketTable]) -> Bool) -> [HostSocketTable]? {
            while true {
                let tables = latest.withLock { $0 }
                if !tables.isEmpty && predicate(tables) { return tables }
                if arrived.wait(timeout: .now() + 60) == .timedOut { return nil }
            }
        }
    }

    @Test func mergedWatchKeepsADroppedHostsRowsWhileTheOtherRefreshesAndReconnectsIt() throws {
        let (listener, port) = try loopbackListener()
        defer { try? listener.close() }
        let flaky = DroppableTransport(label: "flaky")
        let updates = Updates()
        let watch = MergedSocketWatch(
            transports: [InProcessTransport(label: "steady"), flaky],
            query: SocketQuery(kinds: [.tcp], listeningOnly: true), interval: 0.1
        ) { tables, _ in
            updates.post(tables)
        }
        defer { watch.cancel() }
        let connected = try #require(updates.wait { $0[0].refreshes >= 1 && $0[1].refreshes >= 1 })
        #expect(MergedSocketWatch.merged(connected).contains { $0.host == "flaky" && $0.entry.local.port == port })
        #expect(MergedSocketWatch.merged(connected).contains { $0.host == "steady" && $0.entry.local.port == port })

        flaky.drop()
        let dropped = try #require(
            updates.wait { tables in
                if case .disconnected = tables[1].status { true } else { false }
            })
        let steadyAtDrop = dropped[0].refreshes
        #expect(dropped[1].status.message.hasPrefix("flaky: disconnected ("))
        // The dropped host's last table stays; the steady host keeps refreshing meanwhile.
        let later = try #require(updates.wait { $0[0].refreshes >= steadyAtDrop + 3 })
        #expect(later[1].snapshot.entries.contains { $0.local.port == port })
        if case .connected = later[1].status { Issue.record("the dropped host cannot be connected while refused") }

        flaky.restore()
        let flakyAtRestore = later[1].refreshes
        let back = try #require(
            updates.wait { tables in
                if case .connected = tables[1].status { tables[1].refreshes > flakyAtRestore } else { false }
            })
        #expect(back[1].snapshot.entries.contains { $0.local.port == port })
    }

    @Test func aHostThatStopsSendingTablesIsReportedAndReconnectedWhileTheOtherRefreshes() throws {
        let stalling = StallingTransport(label: "stuck")
        let updates = Updates()
        let watch = MergedSocketWatch(
            transports: [InProcessTransport(label: "steady"), stalling],
            query: SocketQuery(kinds: [.tcp], listeningOnly: true), interval: 0.1, stallLimit: 0.5
        ) { tables, _ in
            updates.post(tables)
        }
        defer { watch.cancel() }
        _ = try #require(updates.wait { $0[0].refreshes >= 1 && $0[1].refreshes >= 1 })
        stalling.flag.value.withLock { $0 = true }
        let stalled = try #require(
            updates.wait { tables in
                if case .disconnected = tables[1].status { true } else { false }
            })
        #expect(stalled[1].status.message == "stuck: no table for 0.6 s (its agent hung or the link stalled); reconnecting")
        let stuckAtStall = stalled[1].refreshes
        let steadyAtStall = stalled[0].refreshes
        // The other host went on meanwhile; once the link answers again the host is back.
        stalling.flag.value.withLock { $0 = false }
        let back = try #require(
            updates.wait { tables in
                if case .connected = tables[1].status {
                    tables[1].refreshes > stuckAtStall && tables[0].refreshes > steadyAtStall
                } else {
                    false
                }
            })
        #expect(back[1].refreshes > stuckAtStall)
    }

    @Test func aLinkThatEndsFailsItsRequestsWithTheHostsName() throws {
        let client = AgentClient(
            transport: ProcessTransport(
                label: "gone", arguments: ["/bin/sh", "-c", "echo 'ssh: connect to host gone port 22: Connection refused' >&2; exit 255"]))
        #expect(throws: AgentError.self) { try client.connect() }
        #expect(client.status == .disconnected("gone: disconnected (ssh: connect to host gone port 22: Connection refused)"))
        #expect(throws: AgentError.self) { try client.call(.ping) }
    }
}

/// A remote-style capture through the protocol on `lo` (root only).
@Suite(.serialized, .enabled(if: getuid() == 0, "live capture needs CAP_NET_RAW (run as root)"))
struct AgentCaptureTests {
    @Test func captureStreamsPcapngBlocksWithTheKernelCountersAndEndsAtItsCount() throws {
        let receiver = try Socket(family: .inet, type: .datagram)
        try receiver.bind(host: "127.0.0.1", port: 0)
        let port = Int(try receiver.localAddress().port!)
        let client = AgentClient(transport: InProcessTransport())
        defer { client.close() }
        try client.connect()
        let chunks = EventLog<CaptureChunk>()
        let ended = Mutex<Result<AgentReply, AgentError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        client.start(
            .capture(LiveCaptureOptions(interface: "lo", filter: "udp and dst port \(port)", count: 5)),
            event: { reply in
                if case .captureChunk(let chunk) = reply { chunks.append(chunk) }
            },
            completion: { result in
                ended.withLock { $0 = result }
                done.signal()
            })
        // Frames are handled in order and the ring opens while the capture frame is handled:
        // once the ping is answered, the filter is in place.
        #expect(try client.call(.ping) == .pong)
        let sender = try Socket(family: .inet, type: .datagram)
        for index in 0..<8 { _ = try sender.sendTo(Array("agent \(index)".utf8), to: try receiver.localAddress()) }
        done.wait()
        guard case .success(.captureEnded(let summary)) = ended.withLock({ $0 }) else {
            Issue.record("capture did not end with a summary: \(String(describing: ended.withLock { $0 }))")
            return
        }
        #expect(summary.delivered == 5 && summary.reason == "count")
        let file = chunks.events.reduce(Data()) { $0 + $1.pcapng }
        let reader = try CaptureFileReader(bytes: Array(file))
        #expect(reader.format == .pcapng)
        let packets = reader.packets(in: 0..<reader.indexAll())
        #expect(packets.count == 5)
        #expect(packets.allSatisfy { LiveCaptureTests.udpPorts($0)?.destination == port })
        #expect(chunks.events.map(\.packets).reduce(0, +) == 5)
        #expect(chunks.events.last?.kernel.received ?? 0 >= 5)
        // Protocol 2: the first chunk is the section header and interface description alone,
        // sent once the ring is open, so a client knows the link type before any packet.
        let first = try #require(chunks.events.first)
        #expect(first.packets == 0)
        var stream = CaptureStreamReader()
        stream.append(Array(first.pcapng))
        #expect(try stream.next() == nil)
        #expect(stream.interfaces.map(\.name) == ["lo"] && stream.interfaces.first?.linkType == .ethernet)
    }

    @Test func interfacesAreListedThroughTheAgentAndAnnouncedInItsServices() throws {
        let client = AgentClient(transport: InProcessTransport())
        defer { client.close() }
        let hello = try client.connect()
        #expect(AgentProtocol.version == 5 && AgentProtocol.minimumVersion == 4)
        #expect(hello.protocolVersion == 5 && hello.capabilities?.services.contains("interfaces") == true)
        guard case .interfaces(let list) = try client.call(.interfaces) else {
            Issue.record("no interface list")
            return
        }
        #expect(list == NetworkInterface.list())
        #expect(list.contains { $0.name == "lo" && $0.isLoopback })
    }
}
