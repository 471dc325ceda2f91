import SocketKit
#if canImport(Glibc)
    import Glibc
#endif

/// How a connect trace tries the addresses a name resolves to.
public enum ConnectStrategy: String, Codable, Sendable, CaseIterable {
    /// One address at a time in getaddrinfo's order, each with its own timeout: the seed's
    /// `create_connection`.
    case sequential
    /// RFC 8305 Happy Eyeballs v2: IPv6 first, families interleaved, a new attempt every
    /// stagger delay (250 ms) or as soon as the previous one fails; the first success wins and
    /// the others are closed. Names are resolved by one getaddrinfo call (not separate AAAA and A
    /// queries), so RFC 8305's resolution delay does not apply.
    case happyEyeballs = "happy_eyeballs"
}

/// A TCP connect trace to run: which name, which port, how to try its addresses.
public struct ConnectRequest: Codable, Sendable, Hashable {
    /// Host name or numeric address; nil means the loopback addresses (getaddrinfo's NULL).
    public var host: String?
    /// TCP port, 1-65535.
    public var port: Int
    /// Seconds each attempt may take before it counts as timed out.
    public var timeout: Double
    /// Sequential (create_connection) or Happy Eyeballs.
    public var strategy: ConnectStrategy
    /// Restrict resolution to `AF_INET` or `AF_INET6` (default: any).
    public var family: AddressFamily
    /// Happy Eyeballs' "Connection Attempt Delay", in seconds (RFC 8305 recommends 0.25).
    public var staggerDelay: Double

    /// Creates a request.
    public init(
        host: String?, port: Int, timeout: Double = 5, strategy: ConnectStrategy = .sequential,
        family: AddressFamily = .unspecified, staggerDelay: Double = 0.25
    ) {
        self.host = host
        self.port = port
        self.timeout = timeout
        self.strategy = strategy
        self.family = family
        self.staggerDelay = staggerDelay
    }

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case host
        case port
        case timeout = "timeoutS"
        case strategy
        case family
        case staggerDelay = "staggerDelayS"
    }
}

/// Why an attempt was started when it was.
public enum AttemptStartReason: String, Codable, Sendable {
    /// The first address.
    case first
    /// The previous attempt failed (or, sequentially, timed out).
    case previousFailed = "previous_failed"
    /// Happy Eyeballs: the stagger delay passed with no success yet.
    case staggerElapsed = "stagger_elapsed"
}

/// How one attempt ended.
public enum AttemptOutcome: String, Codable, Sendable {
    /// The three-way handshake completed.
    case connected
    /// The connect failed with `failure`.
    case failed
    /// Closed unfinished: another attempt won, or the trace was cancelled.
    case abandoned
}

/// One connect attempt to one address.
public struct ConnectAttempt: Codable, Sendable, Hashable {
    /// Position in the trace (0-based, in start order).
    public var index: Int
    /// The address tried.
    public var address: Endpoint
    /// Why it started at that moment.
    public var startReason: AttemptStartReason
    /// When it started, in milliseconds since the trace began (resolution included).
    public var startedAtMilliseconds: Double
    /// How it ended.
    public var outcome: AttemptOutcome
    /// Time from connect(2) to the outcome, in milliseconds.
    public var elapsedMilliseconds: Double
    /// The error of a failed attempt.
    public var failure: FailureReason?
    /// Our side of a successful connection (getsockname).
    public var localAddress: Endpoint?
    /// The kernel's smoothed round-trip time for a successful connection (TCP_INFO tcpi_rtt), µs.
    public var rttMicroseconds: UInt32?

    /// Creates an attempt record.
    public init(
        index: Int, address: Endpoint, startReason: AttemptStartReason, startedAtMilliseconds: Double,
        outcome: AttemptOutcome, elapsedMilliseconds: Double, failure: FailureReason? = nil,
        localAddress: Endpoint? = nil, rttMicroseconds: UInt32? = nil
    ) {
        self.index = index
        self.address = address
        self.startReason = startReason
        self.startedAtMilliseconds = startedAtMilliseconds
        self.outcome = outcome
        self.elapsedMilliseconds = elapsedMilliseconds
        self.failure = failure
        self.localAddress = localAddress
        self.rttMicroseconds = rttMicroseconds
    }

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case index
        case address
        case startReason
        case startedAtMilliseconds = "startedAtMs"
        case outcome
        case elapsedMilliseconds = "elapsedMs"
        case failure
        case localAddress
        case rttMicroseconds = "rttUs"
    }
}

/// The result of a connect trace: resolution, then every attempt in start order.
public struct ConnectTrace: Codable, Sendable, Hashable {
    /// What was asked.
    public var request: ConnectRequest
    /// getaddrinfo's time, in milliseconds.
    public var resolveMilliseconds: Double
    /// The addresses the name gave, in getaddrinfo's order (duplicates removed).
    public var resolvedAddresses: [Endpoint]
    /// Why resolution failed, if it did (no attempts follow).
    public var resolveFailure: FailureReason?
    /// Every attempt, in the order they started.
    public var attempts: [ConnectAttempt]
    /// The index of the attempt that connected, if any.
    public var winner: Int?
    /// Wall time of the whole trace, in milliseconds.
    public var totalMilliseconds: Double
    /// True when the trace was stopped before it finished.
    public var cancelled: Bool

    /// True when an attempt connected.
    public var succeeded: Bool { winner != nil }
    /// The attempt that connected.
    public var winningAttempt: ConnectAttempt? { winner.map { attempts[$0] } }

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case request
        case resolveMilliseconds = "resolveMs"
        case resolvedAddresses
        case resolveFailure
        case attempts
        case winner
        case totalMilliseconds = "totalMs"
        case cancelled
    }
}

/// Progress of a connect trace, in order.
public enum ConnectEvent: Sendable, Hashable {
    /// getaddrinfo returned.
    case resolved(addresses: [Endpoint], milliseconds: Double)
    /// getaddrinfo failed; the trace ends.
    case resolveFailed(FailureReason)
    /// An attempt began.
    case attemptStarted(index: Int, address: Endpoint, reason: AttemptStartReason)
    /// An attempt ended.
    case attemptFinished(ConnectAttempt)
}

/// Runs TCP connect traces: resolve, then connect with per-attempt timing and explained errors.
///
/// The trace runs on the caller's thread (call it from a background queue; `ConnTestService`
/// does). Connects are non-blocking and waited for with one `poll` over every attempt in flight,
/// so Happy Eyeballs races attempts without threads.
public enum ConnectTracer {
    /// Resolves and connects as `request` says, reporting each step to `progress`.
    /// Every socket it opens is closed before it returns.
    public static func run(
        _ request: ConnectRequest, cancellation: Cancellation = Cancellation(),
        progress: (ConnectEvent) -> Void = { _ in }
    ) -> ConnectTrace {
        let started = monotonicNanoseconds()
        let resolution = resolve(host: request.host, port: request.port, family: request.family, type: .stream)
        var trace = ConnectTrace(
            request: request, resolveMilliseconds: resolution.milliseconds,
            resolvedAddresses: resolution.addresses.map(Endpoint.init),
            resolveFailure: resolution.failure, attempts: [], winner: nil,
            totalMilliseconds: 0, cancelled: false)
        if let failure = resolution.failure {
            progress(.resolveFailed(failure))
        } else {
            progress(.resolved(addresses: trace.resolvedAddresses, milliseconds: resolution.milliseconds))
            let race = connect(
                to: resolution.addresses, request: request, traceStart: started,
                cancellation: cancellation, progress: progress)
            trace.attempts = race.attempts
            trace.winner = race.winner
            race.socket.map { try? $0.close() }
        }
        trace.cancelled = cancellation.isCancelled
        trace.totalMilliseconds = milliseconds(from: started, to: monotonicNanoseconds())
        return trace
    }

    /// Happy Eyeballs' address order (RFC 8305 section 4): IPv6 first, then alternate families,
    /// keeping getaddrinfo's order within each family.
    public static func interleaved(_ addresses: [SocketAddress]) -> [SocketAddress] {
        guard let firstFamily = addresses.first(where: { $0.family == .inet6 })?.family ?? addresses.first?.family else {
            return []
        }
        var preferred = addresses.filter { $0.family == firstFamily }[...]
        var others = addresses.filter { $0.family != firstFamily }[...]
        var result: [SocketAddress] = []
        while !preferred.isEmpty || !others.isEmpty {
            if let next = preferred.popFirst() { result.append(next) }
            if let next = others.popFirst() { result.append(next) }
        }
        return result
    }

    /// Connects to already-resolved addresses with the request's strategy and timeout.
    /// Returns every attempt and, on success, the connected socket (the caller closes it).
    public static func connect(
        to addresses: [SocketAddress], request: ConnectRequest, cancellation: Cancellation = Cancellation(),
        progress: (ConnectEvent) -> Void = { _ in }
    ) -> (attempts: [ConnectAttempt], winner: Int?, socket: Socket?) {
        connect(to: addresses, request: request, traceStart: monotonicNanoseconds(), cancellation: cancellation, progress: progress)
    }

    static func connect(
        to addresses: [SocketAddress], request: ConnectRequest, traceStart: UInt64,
        cancellation: Cancellation, progress: (ConnectEvent) -> Void
    ) -> (attempts: [ConnectAttempt], winner: Int?, socket: Socket?) {
        withoutActuallyEscaping(progress) { progress in
            var race = AttemptRace(request: request, traceStart: traceStart, progress: progress)
            race.queue = (request.strategy == .happyEyeballs ? interleaved(addresses) : addresses)[...]
            race.run(cancellation: cancellation)
            return (race.attempts, race.winner, race.winnerSocket)
        }
    }
}

/// The state of one run of attempts: those queued, those in flight, those finished.
private struct AttemptRace {
    struct InFlight {
        var index: Int
        var socket: Socket
        var started: UInt64
        var deadline: UInt64
    }

    let request: ConnectRequest
    let traceStart: UInt64
    let progress: (ConnectEvent) -> Void
    var queue: ArraySlice<SocketAddress> = []
    var inFlight: [InFlight] = []
    var attempts: [ConnectAttempt] = []
    var winner: Int?
    var winnerSocket: Socket?
    var nextStaggerStart: UInt64 = .max

    init(request: ConnectRequest, traceStart: UInt64, progress: @escaping (ConnectEvent) -> Void) {
        self.request = request
        self.traceStart = traceStart
        self.progress = progress
    }

    var timeoutNanoseconds: UInt64 { UInt64(max(0, request.timeout) * 1e9) }

    mutating func run(cancellation: Cancellation) {
        startNext(reason: .first)
        defer {
            // A connect that completed at once (startNext) can win while others are in flight.
            if winner != nil && !inFlight.isEmpty {
                abandonAll(
                    reason: FailureReason(
                        name: "ECANCELED", code: ECANCELED, message: "closed unfinished",
                        explanation: "another attempt connected first"))
            }
        }
        while winner == nil && (!inFlight.isEmpty || !queue.isEmpty) {
            if cancellation.isCancelled {
                abandonAll(reason: FailureReason(errno: .canceled))
                return
            }
            if inFlight.isEmpty {
                startNext(reason: .previousFailed)
                continue
            }
            let now = monotonicNanoseconds()
            var wake = inFlight.map(\.deadline).min()!
            if request.strategy == .happyEyeballs && !queue.isEmpty { wake = min(wake, nextStaggerStart) }
            let wait = min(Double(wake > now ? wake - now : 0) / 1e9, pollSlice)
            var descriptors = inFlight.map { pollfd(fd: $0.socket.fileDescriptor, events: Int16(POLLOUT), revents: 0) }
            _ = pollDescriptors(&descriptors, timeout: wait)
            let after = monotonicNanoseconds()
            // Walk backwards so finished entries can be removed in place.
            var failedCount = 0
            for position in inFlight.indices.reversed() {
                let entry = inFlight[position]
                if descriptors[position].revents != 0 {
                    let code = (try? entry.socket.getsockopt(level: SOL_SOCKET, name: SO_ERROR)) ?? EBADF
                    if code == EINPROGRESS || code == EALREADY { continue }
                    inFlight.remove(at: position)
                    if code == 0 {
                        succeed(entry, at: after)
                    } else {
                        fail(entry, FailureReason(errno: Errno(rawValue: code)), at: after)
                        failedCount += 1
                    }
                } else if after >= entry.deadline {
                    inFlight.remove(at: position)
                    fail(entry, .timedOut(after: request.timeout), at: after)
                    failedCount += 1
                }
            }
            if winner != nil { return }
            switch request.strategy {
            case .sequential:
                if inFlight.isEmpty && failedCount > 0 { startNext(reason: .previousFailed) }
            case .happyEyeballs:
                // RFC 8305 section 5: a failure starts the next attempt at once; otherwise the
                // next one waits for the stagger delay.
                if failedCount > 0 {
                    startNext(reason: .previousFailed)
                } else if monotonicNanoseconds() >= nextStaggerStart {
                    startNext(reason: .staggerElapsed)
                }
            }
        }
    }

    /// Starts the next queued address; an attempt that fails at once is recorded and the one
    /// after it is started in its place.
    mutating func startNext(reason: AttemptStartReason) {
        var reason = reason
        while let address = queue.popFirst() {
            let index = attempts.count
            let endpoint = Endpoint(address)
            let started = monotonicNanoseconds()
            attempts.append(
                ConnectAttempt(
                    index: index, address: endpoint, startReason: reason,
                    startedAtMilliseconds: milliseconds(from: traceStart, to: started),
                    outcome: .abandoned, elapsedMilliseconds: 0))
            progress(.attemptStarted(index: index, address: endpoint, reason: reason))
            let entry: InFlight
            do {
                let socket = try Socket(family: address.family, type: .stream)
                entry = InFlight(index: index, socket: socket, started: started, deadline: started + timeoutNanoseconds)
                try socket.setBlocking(false)
                let code = try socket.connectEx(address)
                if code == 0 {
                    succeed(entry, at: monotonicNanoseconds())
                    return
                }
                if code != EINPROGRESS {
                    fail(entry, FailureReason(errno: Errno(rawValue: code)), at: monotonicNanoseconds())
                    reason = .previousFailed
                    continue
                }
            } catch {
                record(index: index, started: started, outcome: .failed, failure: FailureReason(error), at: monotonicNanoseconds())
                reason = .previousFailed
                continue
            }
            inFlight.append(entry)
            nextStaggerStart = started + UInt64(max(0, request.staggerDelay) * 1e9)
            return
        }
    }

    mutating func succeed(_ entry: InFlight, at time: UInt64) {
        let local = (try? entry.socket.localAddress()).map(Endpoint.init)
        let rtt = try? entry.socket.get(.tcpInfo).rtt
        record(
            index: entry.index, started: entry.started, outcome: .connected, failure: nil, at: time,
            local: local, rtt: rtt)
        try? entry.socket.setBlocking(true)
        winner = entry.index
        winnerSocket = entry.socket
    }

    mutating func fail(_ entry: InFlight, _ failure: FailureReason, at time: UInt64) {
        try? entry.socket.close()
        record(index: entry.index, started: entry.started, outcome: .failed, failure: failure, at: time)
    }

    mutating func abandonAll(reason: FailureReason) {
        let now = monotonicNanoseconds()
        for entry in inFlight {
            try? entry.socket.close()
            record(index: entry.index, started: entry.started, outcome: .abandoned, failure: reason, at: now)
        }
        inFlight.removeAll()
    }

    mutating func record(
        index: Int, started: UInt64, outcome: AttemptOutcome, failure: FailureReason?, at time: UInt64,
        local: Endpoint? = nil, rtt: UInt32? = nil
    ) {
        attempts[index].outcome = outcome
        attempts[index].elapsedMilliseconds = milliseconds(from: started, to: time)
        attempts[index].failure = failure
        attempts[index].localAddress = local
        attempts[index].rttMicroseconds = rtt
        progress(.attemptFinished(attempts[index]))
    }
}
