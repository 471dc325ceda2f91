#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Synchronization

/// Where a host's agent connection stands, as a host column shows it.
public enum AgentStatus: Hashable, Sendable {
    /// Opening the link or waiting for the agent's hello.
    case connecting
    /// Handshake done; the agent's capabilities.
    case connected(AgentCapabilities?)
    /// The link ended or could not be opened: "HOST: disconnected (ssh: …)" or what to install.
    case disconnected(String)
    /// ssh wants a person (host key, password): the message says what to run.
    case needsLogin(String)

    /// A one-line description.
    public var message: String {
        switch self {
        case .connecting: "connecting"
        case .connected: "connected"
        case .disconnected(let message), .needsLogin(let message): message
        }
    }
}

/// One link's lifetime: the handshake, requests in flight by id, and the reader thread.
final class AgentConnection: Sendable {
    private struct Pending {
        var event: @Sendable (AgentReply) -> Void
        var completion: @Sendable (Result<AgentReply, AgentError>) -> Void
        /// Takes a `sockets` reply's rows kept as the agent's JSON, just before its completion.
        var keptRows: (@Sendable ([JSONRows]) -> Void)?
    }

    let link: any AgentLink
    private let writer: any AgentFrameChannel
    private let pending = Mutex<[UInt64: Pending]>([:])
    private let nextID = Atomic<UInt64>(1)
    private let hello = Mutex<AgentHello?>(nil)
    private let ended = Mutex<(message: String, needsLogin: Bool)?>(nil)
    /// A request could not be written: the link is broken even before its reader sees the end.
    private let writeFailed = Atomic<Bool>(false)
    private let helloArrived = DispatchSemaphore(value: 0)
    /// When the last frame (of any request) arrived, in uptime nanoseconds.
    private let lastFrame = Atomic<UInt64>(DispatchTime.now().uptimeNanoseconds)
    /// Chunked socket tables being put back together (only the reader thread uses it).
    private let chunks: Mutex<TableChunkAssembler>

    init(
        link: any AgentLink, transport: any AgentTransport, chunkLimits: TableChunkLimits = .standard,
        onEnd: @escaping @Sendable (AgentConnection, (message: String, needsLogin: Bool)) -> Void
    ) {
        self.link = link
        chunks = Mutex(TableChunkAssembler(limits: chunkLimits, label: transport.label))
        writer = link.channel()
        let thread = Thread { [self] in
            readFrames()
            writer.close()
            let (status, stderr) = link.ending()
            let explanation = transport.explain(status: status, stderr: stderr)
            ended.withLock { $0 = explanation }
            helloArrived.signal()
            let failed = pending.withLock { table in
                defer { table.removeAll() }
                return Array(table.values)
            }
            for request in failed { request.completion(.failure(AgentError(.failed, explanation.message))) }
            onEnd(self, explanation)
        }
        thread.name = "socktui.agent-client"
        thread.start()
    }

    /// Sends our hello and waits for the agent's.
    func handshake(timeout: Double, label: String) throws(AgentError) -> AgentHello {
        writer.send(.hello(AgentHello(software: "socktui", role: "client")))
        if helloArrived.wait(timeout: .now() + timeout) == .timedOut {
            close()
            _ = helloArrived.wait(timeout: .now() + 5)
            let why = ended.withLock { $0 }?.message ?? "\(label): disconnected"
            let seconds = timeout == timeout.rounded() ? "\(Int(timeout)) s" : "\(timeout) s"
            throw AgentError(
                .failed,
                "\(label): handshake timeout: no hello from the agent within \(seconds) of starting ssh (\(why); --host-timeout sets the limit)"
            )
        }
        if let hello = hello.withLock({ $0 }) {
            let ours = AgentHello(software: "socktui", role: "client")
            guard ours.agreedVersion(with: hello) != nil else {
                close()
                throw AgentError(
                    .version,
                    "\(label): its agent speaks protocol \(hello.minimumVersion)-\(hello.protocolVersion), this socktui \(ours.minimumVersion)-\(ours.protocolVersion): install the same socktui version on both hosts"
                )
            }
            guard hello.schema == ours.schema else {
                close()
                throw AgentError(
                    .version,
                    "\(label): its agent writes JSON schema \(hello.schema), this socktui \(ours.schema): install the same socktui version on both hosts"
                )
            }
            return hello
        }
        throw AgentError(.failed, ended.withLock { $0 }?.message ?? "\(label): disconnected")
    }

    /// Starts `request`; `completion` runs exactly once (on the reader thread, or at once when the
    /// link is gone). When the request cannot even be written (the agent died and this link has not
    /// seen its end yet), the link is marked broken and `unsent` runs instead, if given, so the
    /// caller can send it again on a new link: the agent never saw it.
    @discardableResult
    func start(
        _ request: AgentRequest, event: @escaping @Sendable (AgentReply) -> Void,
        completion: @escaping @Sendable (Result<AgentReply, AgentError>) -> Void,
        keptRows: (@Sendable ([JSONRows]) -> Void)? = nil,
        unsent: (@Sendable () -> Void)? = nil
    ) -> UInt64 {
        let id = nextID.wrappingAdd(1, ordering: .relaxed).oldValue
        let accepted = pending.withLock { table in
            guard ended.withLock({ $0 }) == nil else { return false }
            table[id] = Pending(event: event, completion: completion, keptRows: keptRows)
            return true
        }
        guard accepted else {
            // The link ended between the caller's look and now: a new link takes the request.
            if let unsent { unsent() } else { completion(.failure(AgentError(.failed, ended.withLock { $0 }?.message ?? "disconnected"))) }
            return id
        }
        if !writer.send(.request(id: id, request: request)) {
            writeFailed.store(true, ordering: .relaxed)
            // Nil when the reader saw the end meanwhile and failed the request itself.
            guard let lost = pending.withLock({ $0.removeValue(forKey: id) }) else { return id }
            if let unsent {
                close()
                unsent()
            } else {
                lost.completion(.failure(AgentError(.failed, ended.withLock { $0 }?.message ?? "disconnected: cannot write to the agent")))
            }
        }
        return id
    }

    /// Asks the agent to end request `id` (its final frame still comes).
    func cancel(_ id: UInt64) { writer.send(.cancel(id: id)) }

    /// Ends the link: pending requests fail with the link's ending.
    func close() {
        writer.close()
        link.close()
    }

    /// The link ended, or a write to it failed (its end is on the way).
    var isEnded: Bool { writeFailed.load(ordering: .relaxed) || ended.withLock { $0 } != nil }

    /// Seconds since the agent sent anything on this link.
    var secondsSinceLastFrame: Double {
        Double(DispatchTime.now().uptimeNanoseconds &- lastFrame.load(ordering: .relaxed)) / 1e9
    }

    private func readFrames() {
        let keeps: @Sendable (UInt64) -> Bool = { [self] id in pending.withLock { $0[id]?.keptRows != nil } }
        writer.receive(keepingRowsOf: keeps) { frame, size in
            lastFrame.store(DispatchTime.now().uptimeNanoseconds, ordering: .relaxed)
            // Chunks of a request that is no longer pending (it failed) are dropped unheld.
            if case .chunk(let chunk) = frame, pending.withLock({ $0[chunk.id] }) == nil { return }
            switch chunks.withLock({ $0.accept(frame, size: size) }) {
            case .deliver(let whole): dispatch(whole)
            case .deliverKept(let whole, let rows):
                if let id = whole.requestID { pending.withLock { $0[id] }?.keptRows?(rows) }
                dispatch(whole)
            case .held: break
            case .failed(let id, let error):
                // The request fails now; the agent is told first to stop a stream (a finished
                // request is answered with an error nobody waits for).
                let failed = pending.withLock { $0.removeValue(forKey: id) }
                writer.send(.cancel(id: id))
                failed?.completion(.failure(error))
            }
        }
    }

    private func dispatch(_ frame: AgentFrame) {
        switch frame {
        case .hello(let agent):
            hello.withLock { $0 = agent }
            helloArrived.signal()
        case .event(let id, let reply):
            pending.withLock { $0[id] }?.event(reply)
        case .response(let id, let reply):
            pending.withLock { $0.removeValue(forKey: id) }?.completion(.success(reply))
        case .error(let error):
            if let id = error.id { pending.withLock { $0.removeValue(forKey: id) }?.completion(.failure(error)) }
        case .request, .cancel, .chunk:
            break
        }
    }
}

/// A client of one host's agent: opens the link on first use, runs requests on it, reports its
/// status, and reconnects with backoff for `watch` streams. Every call returns at once or runs on
/// its own threads; callbacks run on the client's threads (a UI hops them to its loop).
public final class AgentClient: Sendable {
    /// How the agent is reached.
    public let transport: any AgentTransport
    private let connection = Mutex<AgentConnection?>(nil)
    private let currentStatus = Mutex<AgentStatus>(.disconnected("not connected"))
    private let agentHello = Mutex<AgentHello?>(nil)
    private let connecting = Mutex(())
    /// Why the live link is being closed by `abandon(_:)`: its ending reports this, not ssh's.
    private let abandonReason = Mutex<String?>(nil)
    private let statusChanged: @Sendable (AgentStatus) -> Void
    /// Seconds to wait for the agent's hello.
    public let handshakeTimeout: Double
    /// Seconds a request may go without a frame from this host's agent once its link is up,
    /// before it fails as not answering (`--host-timeout`); nil: no limit. Applies to
    /// ``start(_:silence:event:completion:)`` and ``call(_:silence:event:)`` with the default
    /// ``SilenceLimit/client``; see ``SilenceLimit`` for what happens then.
    public let silenceLimit: Double?
    /// How much of a socket table sent in chunks this client holds before refusing it.
    public let chunkLimits: TableChunkLimits

    /// A link's write end can close under us when ssh dies: that must be an EPIPE error, not
    /// the process-killing SIGPIPE (as SwiftNIO does, the signal is ignored process-wide once).
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    /// Creates a client; `statusChanged` is told of every status change. Ignores SIGPIPE in
    /// this process (writes to a dead link fail with EPIPE instead).
    /// `handshakeTimeout` defaults to the transport's (`--host-timeout` for ssh hosts);
    /// `silenceLimit` is ``silenceLimit`` (none by default); `chunkLimits` bound a chunked table.
    public init(
        transport: any AgentTransport, handshakeTimeout: Double? = nil, silenceLimit: Double? = nil,
        chunkLimits: TableChunkLimits = .standard, statusChanged: @escaping @Sendable (AgentStatus) -> Void = { _ in }
    ) {
        Self.ignoreBrokenPipes
        self.chunkLimits = chunkLimits
        self.transport = transport
        self.handshakeTimeout = handshakeTimeout ?? transport.handshakeTimeout
        self.silenceLimit = silenceLimit
        self.statusChanged = statusChanged
    }

    /// Closes the link when the last reference goes (an in-process agent's thread ends, an
    /// ssh child is terminated).
    deinit { connection.withLock { $0 }?.close() }

    /// The host's name in host columns.
    public var label: String { transport.label }

    /// The current status.
    public var status: AgentStatus { currentStatus.withLock { $0 } }

    /// The agent's hello, once connected.
    public var hello: AgentHello? { agentHello.withLock { $0 } }

    private func setStatus(_ status: AgentStatus) {
        let changed = currentStatus.withLock { current in
            defer { current = status }
            return current != status
        }
        if changed { statusChanged(status) }
    }

    /// Connects (or returns the live connection's hello), blocking the calling thread.
    /// - Throws: `AgentError` with the message the status shows.
    @discardableResult
    public func connect() throws(AgentError) -> AgentHello {
        try liveConnection().1
    }

    private func liveConnection() throws(AgentError) -> (AgentConnection, AgentHello) {
        let result: Result<(AgentConnection, AgentHello), AgentError> = connecting.withLock { _ in
            if let live = connection.withLock({ $0 }), !live.isEnded, let hello = agentHello.withLock({ $0 }) {
                return .success((live, hello))
            }
            setStatus(.connecting)
            do throws(AgentError) {
                let link = try transport.open()
                let fresh = AgentConnection(link: link, transport: transport, chunkLimits: chunkLimits) { [weak self] ended, ending in
                    // A link replaced already (its write failed and a new one opened) says nothing.
                    guard let self, connection.withLock({ $0 == nil || $0 === ended }) else { return }
                    let reason = abandonReason.withLock { reason in
                        defer { reason = nil }; return reason
                    }
                    setStatus(ending.needsLogin ? .needsLogin(ending.message) : .disconnected(reason ?? ending.message))
                }
                let hello = try fresh.handshake(timeout: handshakeTimeout, label: label)
                connection.withLock { $0 = fresh }
                agentHello.withLock { $0 = hello }
                setStatus(.connected(hello.capabilities))
                return .success((fresh, hello))
            } catch {
                if case .connecting = status { setStatus(.disconnected(error.message)) }
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Starts `request` on a background thread (connecting first when needed): `event` for each
    /// stream item, then `completion` exactly once. With a `silence` limit (by default the
    /// client's ``silenceLimit``), a request that hears nothing from the agent for that long
    /// once its link is up fails as not answering (see ``SilenceLimit``).
    ///
    /// With `keptRows`, a `sockets` table's rows that the agent sends in chunks are not decoded:
    /// `keptRows` gets them as the agent's JSON (checked JSON objects, ``JSONRows``) just before
    /// `completion`, whose snapshot then holds only the rows the reply frame carried itself (on a
    /// link that passes frames as values, all of them, and `keptRows` is not called).
    @discardableResult
    public func start(
        _ request: AgentRequest, silence: SilenceLimit = .client, event: @escaping @Sendable (AgentReply) -> Void = { _ in },
        keptRows: (@Sendable ([JSONRows]) -> Void)? = nil,
        completion: @escaping @Sendable (Result<AgentReply, AgentError>) -> Void
    ) -> AgentCall {
        let call = AgentCall()
        guard let limit = silence.seconds(client: silenceLimit) else {
            begin(request, call: call, event: event, keptRows: keptRows, completion: completion)
            return call
        }
        let watch = SilenceWatch()
        begin(
            request, call: call,
            event: { reply in
                watch.heard()
                event(reply)
            },
            keptRows: keptRows,
            completion: { result in
                if watch.end() { completion(result) }
            }, written: watch.started(on:))
        Thread { [self] in
            guard let link = watch.waitForSilence(of: call, limit: limit) else { return }
            call.cancel()
            // Nothing at all on the link for as long: it (or the agent) is stalled, and closing it
            // makes the next request open a new one (watches reconnect with backoff).
            let stalled = link.secondsSinceLastFrame >= limit
            let why =
                stalled
                ? "the link stalled or its agent hung: closed it, the next request reconnects"
                : "its agent is busy with it"
            let message = "\(label): no answer within \(DurationText.seconds(limit)) (\(why); --host-timeout sets the limit)"
            if watch.end() { completion(.failure(AgentError(.failed, message))) }
            if stalled { abandon(message, link: link) }
        }.start()
        return call
    }

    /// Writes `request` on the live link, or connects first on a thread of its own; `written`
    /// learns the link it went out on.
    private func begin(
        _ request: AgentRequest, call: AgentCall, event: @escaping @Sendable (AgentReply) -> Void,
        keptRows: (@Sendable ([JSONRows]) -> Void)? = nil,
        completion: @escaping @Sendable (Result<AgentReply, AgentError>) -> Void,
        written: @escaping @Sendable (AgentConnection) -> Void = { _ in }
    ) {
        // On a live link the request is written at once, so requests go out in call order.
        if let live = connection.withLock({ $0 }), !live.isEnded {
            written(live)
            // Written to a link whose agent has just died: sent again once, on a new link.
            let id = live.start(request, event: event, completion: completion, keptRows: keptRows) { [self] in
                begin(request, call: call, event: event, keptRows: keptRows, completion: completion, written: written)
            }
            call.onCancel { live.cancel(id) }
            return
        }
        Thread { [self] in
            let live: AgentConnection
            do throws(AgentError) { live = try liveConnection().0 } catch {
                return completion(.failure(error))
            }
            written(live)
            let id = live.start(request, event: event, completion: completion, keptRows: keptRows)
            call.onCancel { live.cancel(id) }
        }.start()
    }

    /// Runs `request` to its end and returns the final reply, blocking the calling thread (the
    /// headless commands); `event` sees stream items; `silence` as for ``start(_:silence:event:completion:)``.
    /// - Throws: `AgentError` from the agent or the link, or for a request that stayed silent too long.
    public func call(
        _ request: AgentRequest, silence: SilenceLimit = .client,
        event: @escaping @Sendable (AgentReply) -> Void = { _ in }
    ) throws(AgentError) -> AgentReply {
        let result = Mutex<Result<AgentReply, AgentError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        start(request, silence: silence, event: event) { outcome in
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }

    /// Keeps `request` (a stream) running across disconnects: when the link drops, `status` shows
    /// why and the client reconnects after 0.5, 1, 2 … 10 s and starts the stream again.
    /// Events keep flowing from each new link; cancelling the call stops it all.
    public func watch(_ request: AgentRequest, event: @escaping @Sendable (AgentReply) -> Void) -> AgentCall {
        let call = AgentCall()
        let wake = DispatchSemaphore(value: 0)
        call.onCancel { wake.signal() }
        Thread { [self] in
            var backoff = 0.5
            var last: Result<AgentReply, AgentError>?
            while !call.isCancelled {
                let ended = DispatchSemaphore(value: 0)
                let live: AgentConnection
                do { live = try liveConnection().0 } catch {
                    _ = wake.wait(timeout: .now() + backoff)
                    backoff = min(backoff * 2, 10)
                    continue
                }
                backoff = 0.5
                let outcome = Mutex<Result<AgentReply, AgentError>?>(nil)
                let id = live.start(
                    request, event: { reply in event(reply) },
                    completion: { result in
                        outcome.withLock { $0 = result }
                        ended.signal()
                    })
                let cancelled = Mutex(false)
                call.onCancel {
                    cancelled.withLock { $0 = true }
                    live.cancel(id)
                    wake.signal()
                }
                ended.wait()
                if cancelled.withLock({ $0 }) {
                    last = outcome.withLock { $0 }
                    break
                }
                _ = wake.wait(timeout: .now() + backoff)
            }
            call.finish(last ?? .failure(AgentError(.failed, "\(label): not connected")))
        }.start()
        return call
    }

    /// Closes the link (the agent sees its input end and stops every stream).
    public func close() {
        connection.withLock { $0 }?.close()
    }

    /// Closes a live link that stopped answering, its status showing `reason` (not the
    /// transport's ending); pending requests fail, `watch` streams reconnect with backoff and
    /// other calls open a new link.
    public func abandon(_ reason: String) {
        guard let live = connection.withLock({ $0 }) else { return }
        abandon(reason, link: live)
    }

    /// Closes `link` if it is still the live one, its status showing `reason`.
    private func abandon(_ reason: String, link: AgentConnection) {
        guard connection.withLock({ $0 === link }), !link.isEnded else { return }
        abandonReason.withLock { $0 = reason }
        link.close()
    }
}

extension AgentClient {
    /// A client for this host: the engines served in this process (``LocalTransport``), reached
    /// with the same requests and replies as a remote host's agent (passed as values, not
    /// encoded), so a panel or command cannot tell this host from another.
    /// `resolver` answers its lookups (tests give a scripted one).
    public static func local(label: String = "local", resolver: ResolverService = ResolverService()) -> AgentClient {
        AgentClient(transport: LocalTransport(label: label, resolver: resolver))
    }
}
