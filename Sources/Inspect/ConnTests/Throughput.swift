import SocketKit
#if canImport(Glibc)
    import Glibc
#endif

/// A bulk TCP transfer to a sink (the built-in `EchoServer` in `.discard` mode, or any service
/// that reads and discards), for a duration or a byte count, whichever comes first.
public struct ThroughputRequest: Codable, Sendable, Hashable {
    /// Host name or numeric address; nil means loopback.
    public var host: String?
    /// TCP port of the sink.
    public var port: Int
    /// Seconds to send for (nil: until `byteCount`).
    public var duration: Double?
    /// Bytes to send (nil: until `duration`). At least one of the two must be set.
    public var byteCount: Int?
    /// Seconds between rate samples.
    public var sampleInterval: Double
    /// Bytes per send call.
    public var chunkSize: Int
    /// Seconds for the connect, and for the sink to acknowledge the end.
    public var timeout: Double

    /// Creates a request.
    public init(
        host: String?, port: Int, duration: Double? = 2, byteCount: Int? = nil, sampleInterval: Double = 0.25,
        chunkSize: Int = 128 * 1024, timeout: Double = 5
    ) {
        self.host = host
        self.port = port
        self.duration = duration
        self.byteCount = byteCount
        self.sampleInterval = sampleInterval
        self.chunkSize = chunkSize
        self.timeout = timeout
    }

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case host
        case port
        case duration = "durationS"
        case byteCount
        case sampleInterval = "sampleIntervalS"
        case chunkSize = "chunkSizeBytes"
        case timeout = "timeoutS"
    }
}

/// One rate sample.
public struct ThroughputSample: Codable, Sendable, Hashable {
    /// End of the sample, seconds since the transfer began.
    public var atSeconds: Double
    /// Bytes sent in the sample.
    public var bytes: Int
    /// Rate over the sample, bits per second.
    public var bitsPerSecond: Double

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case atSeconds = "atS"
        case bytes
        case bitsPerSecond = "bitsPerS"
    }
}

/// What ended a throughput test's sending.
public enum ThroughputEnd: String, Codable, Sendable, Hashable {
    /// The requested duration was reached.
    case duration
    /// Every requested byte was sent.
    case byteCount = "byte_count"
    /// The user stopped it (Esc, or the command's cancellation).
    case stopped
    /// The sink closed or reset the connection while data was still being sent (EPIPE, ECONNRESET).
    case sinkClosed = "sink_closed"
    /// A send failed for another reason (see the result's failure).
    case error
}

/// The result of a throughput test.
public struct ThroughputResult: Codable, Sendable, Hashable {
    /// What was asked.
    public var request: ThroughputRequest
    /// The connect that preceded the transfer.
    public var connect: ConnectTrace
    /// Bytes the sink received (sent, then acknowledged by its close).
    public var bytesSent: Int
    /// Transfer time in milliseconds: until the sink closed its end after reading everything,
    /// or until the transfer stopped (see ``end``).
    public var elapsedMilliseconds: Double
    /// Average rate, bits per second.
    public var bitsPerSecond: Double
    /// Periodic samples, for the rate graph.
    public var samples: [ThroughputSample]
    /// Why the transfer stopped early.
    public var failure: FailureReason?
    /// True when cancelled.
    public var cancelled: Bool
    /// What ended the sending; nil when the connect failed (or from an agent that does not say).
    public var end: ThroughputEnd? = nil
    /// Whether the sink closed its end after the last byte (it read everything); false when it
    /// did not within the timeout, nil when sending did not run to its end.
    public var sinkClosedAfterEnd: Bool? = nil

    /// True when the transfer ran to its end.
    public var succeeded: Bool { failure == nil && !cancelled && connect.succeeded }

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case request
        case connect
        case bytesSent
        case elapsedMilliseconds = "elapsedMs"
        case bitsPerSecond = "bitsPerS"
        case samples
        case failure
        case cancelled
        case end
        case sinkClosedAfterEnd
    }
}

/// Runs throughput tests.
public enum ThroughputTest {
    /// Connects, sends until the duration or byte count is reached, then shuts down the write
    /// side and waits for the sink to close, so the time covers delivery and not only buffering.
    public static func run(
        _ request: ThroughputRequest, cancellation: Cancellation = Cancellation(),
        progress: (ThroughputSample) -> Void = { _ in }
    ) -> ThroughputResult {
        let connectRequest = ConnectRequest(host: request.host, port: request.port, timeout: request.timeout)
        let (trace, socket) = EchoRoundTrip.connectKeepingSocket(connectRequest, cancellation: cancellation)
        var result = ThroughputResult(
            request: request, connect: trace, bytesSent: 0, elapsedMilliseconds: 0,
            bitsPerSecond: 0, samples: [], failure: nil, cancelled: false)
        guard let socket else {
            result.failure = trace.resolveFailure ?? trace.attempts.last?.failure
            result.cancelled = cancellation.isCancelled
            return result
        }
        defer { try? socket.close() }
        let chunk = [UInt8](repeating: 0x5a, count: max(1, request.chunkSize))
        let started = monotonicNanoseconds()
        let endTime = request.duration.map { started + UInt64(max(0, $0) * 1e9) } ?? .max
        let limit = request.byteCount ?? .max
        let interval = UInt64(max(0.01, request.sampleInterval) * 1e9)
        var sampleStart = started
        var sampleBytes = 0
        func emitSample(at now: UInt64) {
            let seconds = Double(now - sampleStart) / 1e9
            let sample = ThroughputSample(
                atSeconds: Double(now - started) / 1e9, bytes: sampleBytes,
                bitsPerSecond: seconds > 0 ? Double(sampleBytes) * 8 / seconds : 0)
            result.samples.append(sample)
            progress(sample)
            sampleStart = now
            sampleBytes = 0
        }
        var sending = true
        do {
            try socket.setBlocking(false)
            while result.bytesSent < limit {
                if cancellation.isCancelled { result.end = .stopped; break }
                let now = monotonicNanoseconds()
                if now >= endTime { result.end = .duration; break }
                if now - sampleStart >= interval { emitSample(at: now) }
                let count = min(chunk.count, limit - result.bytesSent)
                if let sent = try EchoRoundTrip.wouldBlockAsNil({
                    try chunk.withUnsafeBytes { try socket.send(buffer: UnsafeRawBufferPointer(rebasing: $0[..<count])) }
                }) {
                    result.bytesSent += sent
                    sampleBytes += sent
                } else {
                    var descriptors = [pollfd(fd: socket.fileDescriptor, events: Int16(POLLOUT), revents: 0)]
                    _ = pollDescriptors(&descriptors, timeout: pollSlice)
                }
            }
            if result.end == nil { result.end = .byteCount }
            sending = false
            if sampleBytes > 0 { emitSample(at: monotonicNanoseconds()) }
            // The sink's close after our FIN means it has read everything.
            try socket.shutdown(.write)
            try socket.setTimeout(request.timeout)
            var drain = [UInt8](repeating: 0, count: 4096)
            while !cancellation.isCancelled, try drain.withUnsafeMutableBytes({ try socket.recvInto($0) }) > 0 {}
            if result.end != .stopped { result.sinkClosedAfterEnd = !cancellation.isCancelled }
        } catch {
            let failure = FailureReason(error)
            result.failure = failure
            if sending {
                result.end = failure.name == "EPIPE" || failure.name == "ECONNRESET" ? .sinkClosed : .error
            } else if result.end != .stopped {
                result.sinkClosedAfterEnd = false
            }
        }
        if cancellation.isCancelled { result.end = .stopped }
        result.elapsedMilliseconds = milliseconds(from: started, to: monotonicNanoseconds())
        result.bitsPerSecond = result.elapsedMilliseconds > 0 ? Double(result.bytesSent) * 8 / (result.elapsedMilliseconds / 1000) : 0
        result.cancelled = cancellation.isCancelled
        return result
    }
}
