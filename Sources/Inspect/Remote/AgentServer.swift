#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import SocketKit
import Synchronization

/// Serves the engines over a pair of descriptors with the agent protocol (`socktui agent` runs
/// it on stdin/stdout under ssh). Frames are read on the caller's thread; every request runs on
/// a background queue or the engine's own thread, so a slow call never delays the next frame.
/// Bad frames are answered with `error` frames; the end of the input cancels every stream.
/// The agent never opens a listening socket.
public final class AgentServer: Sendable {
    /// Where frames come from (nil for an agent whose client hands it frames as values).
    private let input: Int32?
    private let output: any AgentFrameSink
    private let hello: AgentHello
    private let maxFrameSize: Int
    private let active = Mutex<[UInt64: ActiveRequest]>([:])
    private let inFlight = DispatchGroup()
    private let queue = DispatchQueue(label: "socktui.agent", qos: .userInitiated, attributes: .concurrent)
    private let table: any AgentSocketSource
    private let resolver: ResolverService
    private let tests = ConnTestService()
    /// The last table sent per query for `socketChanges`, with its generation.
    private let sentTables = Mutex<(next: UInt64, tables: [SocketQuery: (generation: UInt64, entries: [SocketEntry])])>((1, [:]))

    /// The ssh connection the agent is reached through (`SSH_CONNECTION`): left out of captures.
    private let sshConnection: OwnSSHConnection?

    /// Creates a server reading frames from `input` and writing frames to `output` (neither is
    /// closed by the server).
    /// - Parameter sshConnection: the ssh connection the frames travel on, whose packets a
    ///   capture leaves out unless asked for them (nil: none, as for an agent in this process).
    /// - Parameter resolver: answers lookups (the system resolver by default).
    /// - Parameter sockets: where socket tables come from (this host's by default).
    public init(
        input: Int32, output: Int32, hello: AgentHello = AgentServer.localHello(),
        maxFrameSize: Int = AgentProtocol.maxFrameSize, sshConnection: OwnSSHConnection? = nil,
        resolver: ResolverService = ResolverService(), sockets: any AgentSocketSource = SocketTable()
    ) {
        table = sockets
        self.sshConnection = sshConnection
        self.resolver = resolver
        self.input = input
        self.output = FrameWriter(fd: output, maxFrameSize: maxFrameSize)
        self.hello = hello
        self.maxFrameSize = maxFrameSize
    }

    /// Creates a server for a client in this process: it takes frames through
    /// ``receive(_:ordinal:)`` and sends its own to `sink` as values (``LocalTransport``).
    init(sink: any AgentFrameSink, resolver: ResolverService) {
        table = SocketTable()
        sshConnection = nil
        self.resolver = resolver
        input = nil
        output = sink
        hello = AgentServer.localHello()
        maxFrameSize = AgentProtocol.maxFrameSize
    }

    /// This host's hello: protocol versions, software version and capabilities.
    public static func localHello(software: String = "socktui") -> AgentHello {
        AgentHello(software: software, role: "agent", capabilities: localCapabilities())
    }

    /// Sends the hello, then serves frames until the input ends; cancels running streams and waits (a few seconds at most) for their last frames.
    public func run() {
        guard let input else { return }
        greet()
        var decoder = FrameDecoder(maxFrameSize: maxFrameSize)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            guard let count = DescriptorIO.read(input, into: &chunk), count > 0 else { break }
            chunk.withUnsafeBytes { decoder.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
            while let item = decoder.next() { handle(item) }
            if output.isClosed { break }
        }
        if decoder.pendingBytes > 0 && !decoder.isSkipping {
            let declared = decoder.pendingLength.map { " of a \($0)-byte frame" } ?? " of a frame header"
            output.send(
                .error(
                    AgentError(
                        .truncated, "input ended inside frame \(decoder.ordinal + 1): \(decoder.pendingBytes) bytes\(declared) received",
                        frame: decoder.ordinal + 1)))
        }
        stop()
    }

    /// Sends the agent's hello: the first frame of every link.
    func greet() { output.send(.hello(hello)) }

    /// As at the end of the input: cancels every stream, waits (a few seconds at most) for their
    /// last frames, then stops sending. A socket table refresh already running when its watch was
    /// cancelled still ends with an event; sent after this, it would reach a descriptor number
    /// the caller has closed and the process may have reused (found in a soak: a watch's late
    /// event written into another test's child pipe).
    func stop() {
        for request in active.withLock({ Array($0.values) }) { request.cancel() }
        _ = inFlight.wait(timeout: .now() + 5)
        output.close()
    }

    /// Whether the server has stopped sending (after ``stop()``, or a failed write).
    var outputIsClosed: Bool { output.isClosed }

    /// Handles one frame.
    private func handle(_ item: FrameDecoder.Item) {
        switch item {
        case .oversized(let length, let ordinal):
            output.send(
                .error(
                    AgentError(
                        .oversized, "frame \(ordinal) declares \(length) bytes, over the \(maxFrameSize)-byte limit: its body is skipped",
                        frame: ordinal)))
        case .frame(let body, let ordinal):
            let frame: AgentFrame
            do { frame = try AgentFrameCodec.decode(body, ordinal: ordinal) } catch {
                output.send(.error(error))
                return
            }
            receive(frame, ordinal: ordinal)
        }
    }

    /// Handles the client's frame number `ordinal`.
    func receive(_ frame: AgentFrame, ordinal: Int) {
        switch frame {
        case .hello(let peer):
            let agreed = hello.agreedVersion(with: peer)
            if let agreed, agreed >= AgentProtocol.chunkVersion { output.enableTableChunks() }
            if let agreed, agreed >= AgentProtocol.packedTCPInfoVersion { output.enablePackedTCPInfo() }
            // No overlap: say so; the client hangs up (the agent keeps serving what it can).
            if agreed == nil {
                output.send(
                    .error(
                        AgentError(
                            .version,
                            "this agent speaks protocol versions \(hello.minimumVersion)-\(hello.protocolVersion), the client \(peer.minimumVersion)-\(peer.protocolVersion): install the same socktui version on both hosts",
                            frame: ordinal)))
            } else if hello.schema != peer.schema {
                output.send(
                    .error(
                        AgentError(
                            .version,
                            "this agent writes JSON schema \(hello.schema), the client \(peer.schema): install the same socktui version on both hosts",
                            frame: ordinal)))
            }
        case .request(let id, let request):
            start(request, id: id, ordinal: ordinal)
        case .cancel(let id):
            if let request = active.withLock({ $0[id] }) {
                request.cancel()
            } else {
                output.send(.error(AgentError(.noSuchRequest, "cancel: no request \(id) is running", id: id, frame: ordinal)))
            }
        case .event, .response, .error, .chunk:
            output.send(
                .error(
                    AgentError(
                        .unexpected, "frame \(ordinal) is a reply: an agent takes only hello, request and cancel frames", frame: ordinal
                    )))
        }
    }

    /// Registers `id` and starts the request; every path ends with `finish`.
    private func start(_ request: AgentRequest, id: UInt64, ordinal: Int) {
        let entry = ActiveRequest()
        let fresh = active.withLock { table in
            guard table[id] == nil else { return false }
            table[id] = entry
            return true
        }
        guard fresh else {
            output.send(
                .error(AgentError(.duplicateID, "request id \(id) is already running: use a new id per request", id: id, frame: ordinal)))
            return
        }
        inFlight.enter()
        let finish: @Sendable (AgentFrame) -> Void = { [self] frame in
            guard active.withLock({ $0.removeValue(forKey: id) }) != nil else { return }
            output.send(frame)
            inFlight.leave()
        }
        let fail: @Sendable (String) -> Void = { message in finish(.error(AgentError(.failed, message, id: id))) }
        do throws(AgentError) {
            try Self.check(request, id: id, frame: ordinal)
        } catch {
            return finish(.error(error))
        }
        switch request {
        case .ping:
            finish(.response(id: id, reply: .pong))
        case .resolve(let call):
            resolver.resolve(call) { finish(.response(id: id, reply: .resolved($0))) }
        case .sockets(let query):
            queue.async { [table] in finish(.response(id: id, reply: .sockets(table.snapshot(query)))) }
        case .socketChanges(let query, let since):
            queue.async { [self] in
                let snapshot = table.snapshot(query)
                let changes = sentTables.withLock { state in
                    let held = state.tables[query]
                    let base = held.flatMap { $0.generation == since ? $0 : nil }
                    let generation = state.next
                    state.next += 1
                    state.tables[query] = (generation, snapshot.entries)
                    return SocketChanges(generation: generation, base: base, snapshot: snapshot)
                }
                finish(.response(id: id, reply: .socketChanges(changes)))
            }
        case .watchSockets(let query, let interval):
            // Each refresh goes out as the changes since the previous one of this stream.
            // A refresh is sent whole (a large one as several chunk frames) before the stream's
            // final frame: the cancel waits for a refresh being sent, and none is sent after it.
            let generation = Atomic<UInt64>(0)
            let gate = StreamGate()
            let handle = table.refresh(query, every: interval) { [output] snapshot, diff in
                gate.sendUnlessEnded {
                    let next = generation.wrappingAdd(1, ordering: .relaxed).newValue
                    output.send(
                        .event(
                            id: id,
                            reply: .socketChanges(
                                SocketChanges(
                                    generation: next, base: next == 1 ? nil : next - 1,
                                    diff: diff, snapshot: snapshot))))
                }
            }
            entry.onCancel {
                handle.cancel()
                gate.end()
                finish(.response(id: id, reply: .cancelled))
            }
        case .socketOptions(let target):
            queue.async {
                do throws(OptionInspectorError) {
                    finish(.response(id: id, reply: .socketOptions(try OptionInspector.inspect(target))))
                } catch {
                    fail(error.message)
                }
            }
        case .connTest(let test):
            let handle = tests.start(
                test,
                progress: { [output] event in
                    output.send(.event(id: id, reply: .testProgress(event)))
                },
                completion: { result in
                    finish(.response(id: id, reply: .testFinished(result)))
                })
            entry.onCancel { handle.cancel() }
        case .capture(let options):
            startCapture(options, id: id, ordinal: ordinal, entry: entry, finish: finish)
        case .interfaces:
            queue.async { finish(.response(id: id, reply: .interfaces(NetworkInterface.list()))) }
        }
    }

    /// Runs a live capture, sending pcapng blocks after each ring block (or whenever a chunk's
    /// worth has piled up) with the kernel counters, then the statistics block and the summary.
    private func startCapture(
        _ options: LiveCaptureOptions, id: UInt64, ordinal: Int, entry: ActiveRequest,
        finish: @escaping @Sendable (AgentFrame) -> Void
    ) {
        var options = options
        // The capture's own transport would fill it (and grow with it): left out, as sshdump does.
        // (The numbers were checked in `check` before the request started.)
        if !options.includeOwnSSH, let own = sshConnection { options.filter = own.excluded(from: options.filter) }
        let state: CaptureStreamState
        do {
            let interface = try LiveCapture.plannedInterface(options)
            state = CaptureStreamState(try PcapNGWriter(memoryInterfaces: [interface]))
        } catch {
            return finish(.error(AgentError(.failed, "capture: \(error)", id: id)))
        }
        let output = self.output
        // Encoding and writing run on their own queue, so the capture thread goes back to the
        // ring at once; at most 64 chunks wait (then the ring, and the kernel's drop counter,
        // absorb a link slower than the traffic).
        let sender = DispatchQueue(label: "socktui.agent.capture-send")
        let slots = DispatchSemaphore(value: 64)
        // The section header and interface description go out first, as soon as the ring is
        // open, so the client knows the link type before any packet: the sender waits (suspended)
        // until the capture started, and drops them if it failed to.
        let header = state.writer.takeBytes()
        let started = Atomic<Bool>(false)
        sender.suspend()
        sender.async {
            guard started.load(ordering: .acquiring), !header.isEmpty else { return }
            output.send(
                .event(id: id, reply: .captureChunk(CaptureChunk(pcapng: Data(header), packets: 0, kernel: KernelCaptureStatistics()))))
        }
        defer { sender.resume() }
        let emit: @Sendable (KernelCaptureStatistics) -> Void = { statistics in
            let bytes = state.writer.takeBytes()
            guard !bytes.isEmpty else { return }
            let chunk = CaptureChunk(pcapng: Data(bytes), packets: state.packets, kernel: statistics)
            state.packets = 0
            slots.wait()
            sender.async {
                output.send(.event(id: id, reply: .captureChunk(chunk)))
                slots.signal()
            }
        }
        do {
            let capture = try LiveCapture(
                options,
                visit: { packet, _ in
                    if state.first == nil { state.first = packet.timestamp }
                    state.last = packet.timestamp
                    try? state.writer.write(
                        interfaceID: 0, timestamp: packet.timestamp, originalLength: packet.originalLength,
                        direction: packet.direction, bytes: packet.bytes)
                    state.packets += 1
                    if state.writer.bufferedByteCount >= AgentProtocol.maxCaptureChunk { emit(state.statistics) }
                },
                blockDone: { statistics in
                    state.statistics = statistics
                    emit(statistics)
                },
                completion: { summary in
                    emit(summary.kernel)
                    try? state.writer.close(statistics: [
                        InterfaceStatistics(
                            interfaceID: 0, start: state.first, end: state.last, received: summary.kernel.received,
                            dropped: summary.kernel.dropped, accepted: summary.delivered)
                    ])
                    emit(summary.kernel)
                    sender.async { finish(.response(id: id, reply: .captureEnded(summary))) }
                })
            started.store(true, ordering: .releasing)
            entry.onCancel { capture.stop(reason: "cancelled") }
        } catch {
            finish(.error(AgentError(.failed, "capture: \(error)", id: id)))
        }
    }

    /// Checks every number of a request before any engine sees it (no I/O: the fuzz target
    /// FuzzAgentFrames calls it on every decoded request): a watch interval, a connection test's
    /// timeouts, ports and counts, a capture's snap length, count and ring.
    /// - Throws: `AgentError(.invalid)` naming the field and its range, for request `id` (from incoming `frame`).
    public static func check(
        _ request: AgentRequest, id: UInt64, frame: Int? = nil,
        memoryCap: Int = RingConfiguration.memoryCap()
    ) throws(AgentError) {
        switch request {
        case .watchSockets(_, let interval):
            guard interval.isFinite, interval >= 0.1, interval <= 86_400 else {
                throw AgentError(.invalid, "watchSockets: interval must be 0.1-86400 seconds, got \(interval)", id: id, frame: frame)
            }
        case .connTest(let test):
            do throws(InvalidArgumentError) {
                try test.validate()
            } catch {
                throw AgentError(.invalid, "connection test: \(error.argument) \(error.rule)", id: id, frame: frame)
            }
        case .capture(let options):
            guard (1...262_144).contains(options.snapLength) else {
                throw AgentError(.invalid, "capture: snap_length_bytes must be 1-262144, got \(options.snapLength)", id: id, frame: frame)
            }
            if let count = options.count, count < 1 {
                throw AgentError(.invalid, "capture: count must be at least 1, got \(count)", id: id, frame: frame)
            }
            do throws(CaptureError) {
                try options.ring.validate(.request, memoryCap: memoryCap)
            } catch {
                throw AgentError(.invalid, "capture: \(error.message)", id: id, frame: frame)
            }
        case .ping, .resolve, .sockets, .socketChanges, .socketOptions, .interfaces:
            break
        }
    }

    /// Capabilities of this process on this host.
    public static func localCapabilities() -> AgentCapabilities {
        var name = utsname()
        _ = uname(&name)
        func field<T>(_ value: T) -> String {
            withUnsafeBytes(of: value) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let effective = effectiveCapabilities()
        var features = ["tcp_info"]
        if (try? SockDiagClient()) != nil { features.append("sock_diag") }
        if effective & (1 << 13) != 0 { features.append("tpacket_v3") }
        return AgentCapabilities(
            hostName: (try? gethostname()) ?? field(name.nodename), root: getuid() == 0,
            netRaw: effective & (1 << 13) != 0, netAdmin: effective & (1 << 12) != 0,
            kernel: field(name.release), machine: field(name.machine),
            kernelFeatures: features, services: AgentRequest.kinds)
    }

    /// The `CapEff` mask of /proc/self/status (0 when unreadable).
    static func effectiveCapabilities(status path: String = "/proc/self/status") -> UInt64 {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("CapEff:") {
            return UInt64(line.dropFirst("CapEff:".count).trimmingCharacters(in: .whitespaces), radix: 16) ?? 0
        }
        return 0
    }
}

/// A running request's cancel action (set once the engine has started).
final class ActiveRequest: Sendable {
    private let action = Mutex<(@Sendable () -> Void)?>(nil)
    private let requested = Mutex(false)

    /// Sets the cancel action; runs it at once when a cancel came first.
    func onCancel(_ body: @escaping @Sendable () -> Void) {
        let early = requested.withLock { $0 }
        action.withLock { $0 = body }
        if early { body() }
    }

    /// Runs the cancel action (once set).
    func cancel() {
        requested.withLock { $0 = true }
        action.withLock { $0 }?()
    }
}

/// The capture thread's writer and counters (only that thread touches them).
final class CaptureStreamState: @unchecked Sendable {
    let writer: PcapNGWriter
    var packets = 0
    var first: PacketTimestamp?
    var last: PacketTimestamp?
    var statistics = KernelCaptureStatistics()
    init(_ writer: PcapNGWriter) { self.writer = writer }
}
