import SocketKit
#if canImport(Glibc)
    import Glibc
#endif

/// An echo round trip: send `totalBytes` in messages of `chunkSize` to an echo service and
/// check that every byte comes back, in order.
public struct EchoRequest: Codable, Sendable, Hashable {
    /// Host name or numeric address; nil means loopback.
    public var host: String?
    /// TCP port of the echo service.
    public var port: Int
    /// Bytes to send in all (at least 1).
    public var totalBytes: Int
    /// Bytes per message (at least 1): each message is sent, then read back in full before the
    /// next, so its round trip is one latency sample.
    public var chunkSize: Int
    /// Seconds for the connect and for each message's round trip.
    public var timeout: Double

    /// Creates a request.
    public init(host: String?, port: Int, totalBytes: Int, chunkSize: Int = 16384, timeout: Double = 5) {
        self.host = host
        self.port = port
        self.totalBytes = totalBytes
        self.chunkSize = chunkSize
        self.timeout = timeout
    }

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case host
        case port
        case totalBytes
        case chunkSize = "chunkSizeBytes"
        case timeout = "timeoutS"
    }
}

/// Progress of an echo round trip.
public struct EchoProgress: Codable, Sendable, Hashable {
    /// Bytes sent and verified so far.
    public var bytesVerified: Int
    /// Bytes to send in all.
    public var totalBytes: Int
    /// The last message's round trip, in milliseconds.
    public var lastMilliseconds: Double

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case bytesVerified
        case totalBytes
        case lastMilliseconds = "lastMs"
    }
}

/// The result of an echo round trip.
public struct EchoResult: Codable, Sendable, Hashable {
    /// What was asked.
    public var request: EchoRequest
    /// The connect that preceded the transfer.
    public var connect: ConnectTrace
    /// Bytes sent.
    public var bytesSent: Int
    /// Bytes that came back equal to what was sent, before any mismatch.
    public var bytesVerified: Int
    /// Offset of the first byte that came back wrong, if one did.
    public var firstMismatchOffset: Int?
    /// Messages completed.
    public var messages: Int
    /// Per-message round trip statistics.
    public var latency: LatencyStats?
    /// Bytes verified per second over the transfer (excluding the connect).
    public var bytesPerSecond: Double
    /// Transfer time in milliseconds.
    public var elapsedMilliseconds: Double
    /// Why the transfer stopped early.
    public var failure: FailureReason?
    /// True when the test was cancelled.
    public var cancelled: Bool

    /// True when every byte came back.
    public var succeeded: Bool { bytesVerified == request.totalBytes && failure == nil && !cancelled }

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case request
        case connect
        case bytesSent
        case bytesVerified
        case firstMismatchOffset
        case messages
        case latency
        case bytesPerSecond = "bytesPerS"
        case elapsedMilliseconds = "elapsedMs"
        case failure
        case cancelled
    }
}

/// Runs echo round trips.
public enum EchoRoundTrip {
    /// The test pattern: a byte sequence that does not repeat with a period dividing common
    /// chunk sizes, so a dropped, duplicated or reordered chunk shows up as a mismatch.
    static func patternByte(at offset: Int) -> UInt8 {
        UInt8(truncatingIfNeeded: (offset &* 2_654_435_761) >> 13 ^ offset)
    }

    /// Connects, sends every message and checks its echo.
    public static func run(
        _ request: EchoRequest, cancellation: Cancellation = Cancellation(),
        progress: (EchoProgress) -> Void = { _ in }
    ) -> EchoResult {
        let connectRequest = ConnectRequest(host: request.host, port: request.port, timeout: request.timeout)
        let (trace, socket) = connectKeepingSocket(connectRequest, cancellation: cancellation)
        var result = EchoResult(
            request: request, connect: trace, bytesSent: 0, bytesVerified: 0, messages: 0,
            latency: nil, bytesPerSecond: 0, elapsedMilliseconds: 0, cancelled: false)
        guard let socket else {
            result.failure = trace.resolveFailure ?? trace.attempts.last?.failure
            result.cancelled = cancellation.isCancelled
            return result
        }
        defer { try? socket.close() }
        try? socket.setsockopt(level: Int32(IPPROTO_TCP), name: TCP_NODELAY, value: 1)
        try? socket.setBlocking(false)
        let chunkSize = max(1, request.chunkSize)
        var samples: [Double] = []
        var message = [UInt8](repeating: 0, count: chunkSize)
        var echoed = [UInt8](repeating: 0, count: chunkSize)
        let started = monotonicNanoseconds()
        var closedByPeer = false
        transfer: while result.bytesSent < request.totalBytes {
            let count = min(chunkSize, request.totalBytes - result.bytesSent)
            let base = result.bytesSent
            for index in 0..<count { message[index] = patternByte(at: base + index) }
            let messageStart = monotonicNanoseconds()
            let deadline = messageStart + UInt64(request.timeout * 1e9)
            do {
                var sent = 0
                var received = 0
                // Send and receive interleaved, so a message larger than the socket buffers
                // cannot deadlock against a server that echoes as it reads.
                while received < count {
                    if cancellation.isCancelled { break transfer }
                    if monotonicNanoseconds() >= deadline { throw SocketTimeoutError(function: "recv", seconds: request.timeout) }
                    if sent < count,
                        let wrote = try wouldBlockAsNil({
                            try message.withUnsafeBytes { try socket.send(buffer: UnsafeRawBufferPointer(rebasing: $0[sent..<count])) }
                        })
                    {
                        sent += wrote
                        result.bytesSent += wrote
                    }
                    var descriptors = [
                        pollfd(
                            fd: socket.fileDescriptor,
                            events: Int16(sent < count ? POLLIN | POLLOUT : POLLIN), revents: 0)
                    ]
                    _ = pollDescriptors(&descriptors, timeout: pollSlice)
                    guard descriptors[0].revents & Int16(POLLIN | POLLERR | POLLHUP) != 0 else { continue }
                    guard
                        let got = try wouldBlockAsNil({
                            try echoed.withUnsafeMutableBytes {
                                try socket.recvInto(UnsafeMutableRawBufferPointer(rebasing: $0[received..<count]))
                            }
                        })
                    else { continue }
                    if got == 0 {
                        closedByPeer = true
                        throw SocketError(.connectionReset, function: "recv", detail: "(the echo service closed the connection)")
                    }
                    for index in received..<(received + got) where echoed[index] != message[index] {
                        result.firstMismatchOffset = base + index
                        result.bytesVerified = base + index
                        result.failure = FailureReason(
                            name: "EBADMSG", code: EBADMSG, message: "byte \(base + index) came back different",
                            explanation: "the service is not an echo service, or it corrupted or reordered the data")
                        break transfer
                    }
                    received += got
                }
            } catch {
                result.failure = FailureReason(error)
                if closedByPeer {
                    result.failure?.explanation = "connected, then the peer closed the connection (FIN) before echoing everything"
                } else {
                    result.failure = Self.afterConnect(FailureReason(error), answered: result.bytesVerified > 0)
                }
                break transfer
            }
            let elapsed = milliseconds(from: messageStart, to: monotonicNanoseconds())
            samples.append(elapsed)
            result.messages += 1
            result.bytesVerified = base + count
            progress(EchoProgress(bytesVerified: result.bytesVerified, totalBytes: request.totalBytes, lastMilliseconds: elapsed))
        }
        result.elapsedMilliseconds = milliseconds(from: started, to: monotonicNanoseconds())
        result.bytesPerSecond = result.elapsedMilliseconds > 0 ? Double(result.bytesVerified) / (result.elapsedMilliseconds / 1000) : 0
        result.latency = LatencyStats(milliseconds: samples)
        result.cancelled = cancellation.isCancelled
        return result
    }

    /// A failure on an established connection, explained as such: a reset here came after the
    /// handshake, not during it (the connect's explanation of ECONNRESET).
    static func afterConnect(_ failure: FailureReason, answered: Bool) -> FailureReason {
        var failure = failure
        switch failure.code {
        case ECONNRESET, EPIPE:
            failure.explanation =
                answered
                ? "connected, then the peer reset the connection in the middle of the transfer"
                : "connected, then the peer reset the connection before answering (it accepted and closed with RST)"
        default: break
        }
        return failure
    }

    /// Runs a non-blocking call; nil when it would block.
    static func wouldBlockAsNil<T>(_ body: () throws -> T) throws -> T? {
        do { return try body() } catch let error as SocketError where error.isWouldBlock { return nil }
    }

    /// A sequential connect trace that hands back the connected socket.
    static func connectKeepingSocket(_ request: ConnectRequest, cancellation: Cancellation) -> (ConnectTrace, Socket?) {
        let started = monotonicNanoseconds()
        let resolution = resolve(host: request.host, port: request.port, family: request.family, type: .stream)
        var trace = ConnectTrace(
            request: request, resolveMilliseconds: resolution.milliseconds,
            resolvedAddresses: resolution.addresses.map(Endpoint.init), resolveFailure: resolution.failure,
            attempts: [], winner: nil, totalMilliseconds: 0, cancelled: false)
        var socket: Socket?
        if resolution.failure == nil {
            let race = ConnectTracer.connect(
                to: resolution.addresses, request: request, traceStart: started, cancellation: cancellation, progress: { _ in })
            trace.attempts = race.attempts
            trace.winner = race.winner
            socket = race.socket
        }
        trace.cancelled = cancellation.isCancelled
        trace.totalMilliseconds = milliseconds(from: started, to: monotonicNanoseconds())
        return (trace, socket)
    }
}
