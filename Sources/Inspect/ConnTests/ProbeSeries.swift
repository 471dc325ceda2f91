import SocketKit

/// Repeated TCP connects to one target (like tcping): N probes at an interval.
public struct ProbeRequest: Codable, Sendable, Hashable {
    /// Host, port, per-probe timeout and strategy; each probe is one connect run over the
    /// addresses resolved once at the start.
    public var connect: ConnectRequest
    /// Number of probes (at least 1).
    public var count: Int
    /// Seconds from the start of one probe to the start of the next.
    public var interval: Double

    /// Creates a request.
    public init(connect: ConnectRequest, count: Int, interval: Double = 1) {
        self.connect = connect
        self.count = count
        self.interval = interval
    }

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case connect
        case count
        case interval = "intervalS"
    }
}

/// One probe of a series.
public struct ProbeSample: Codable, Sendable, Hashable {
    /// 1-based sequence number.
    public var sequence: Int
    /// The address that answered (or the last one tried).
    public var address: Endpoint?
    /// Time to connect, in milliseconds; nil when the probe failed.
    public var milliseconds: Double?
    /// Why it failed.
    public var failure: FailureReason?

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case sequence
        case address
        case milliseconds = "elapsedMs"
        case failure
    }
}

/// The result of a probe series.
public struct ProbeSeriesResult: Codable, Sendable, Hashable {
    /// What was asked.
    public var request: ProbeRequest
    /// getaddrinfo's time, in milliseconds.
    public var resolveMilliseconds: Double
    /// The addresses the name gave.
    public var resolvedAddresses: [Endpoint]
    /// Why resolution failed (no probes follow).
    public var resolveFailure: FailureReason?
    /// Every probe sent, in order.
    public var samples: [ProbeSample]
    /// Statistics over the successful probes; nil when none succeeded.
    public var statistics: LatencyStats?
    /// True when the series was stopped early.
    public var cancelled: Bool

    /// Probes sent.
    public var sent: Int { samples.count }
    /// Probes that connected.
    public var received: Int { samples.filter { $0.milliseconds != nil }.count }
    /// Share of probes lost, 0-100.
    public var lossPercent: Double { sent == 0 ? 0 : Double(sent - received) * 100 / Double(sent) }

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case request
        case resolveMilliseconds = "resolveMs"
        case resolvedAddresses
        case resolveFailure
        case samples
        case statistics
        case cancelled
    }
}

/// Runs probe series.
public enum ProbeSeries {
    /// Resolves once, then connects `count` times, reporting each probe to `progress`.
    public static func run(
        _ request: ProbeRequest, cancellation: Cancellation = Cancellation(),
        progress: (ProbeSample) -> Void = { _ in }
    ) -> ProbeSeriesResult {
        let connect = request.connect
        let resolution = resolve(host: connect.host, port: connect.port, family: connect.family, type: .stream)
        var result = ProbeSeriesResult(
            request: request, resolveMilliseconds: resolution.milliseconds,
            resolvedAddresses: resolution.addresses.map(Endpoint.init),
            resolveFailure: resolution.failure, samples: [], statistics: nil, cancelled: false)
        if resolution.failure == nil {
            let interval = UInt64(max(0, request.interval) * 1e9)
            var nextStart = monotonicNanoseconds()
            for sequence in 1...max(1, request.count) {
                if sequence > 1 {
                    let now = monotonicNanoseconds()
                    if nextStart > now && !waitCancellable(Double(nextStart - now) / 1e9, cancellation: cancellation) { break }
                }
                if cancellation.isCancelled { break }
                nextStart = monotonicNanoseconds() + interval
                let race = ConnectTracer.connect(to: resolution.addresses, request: connect, cancellation: cancellation)
                race.socket.map { try? $0.close() }
                if cancellation.isCancelled && race.winner == nil { break }
                let sample: ProbeSample
                if let winner = race.winner {
                    let attempt = race.attempts[winner]
                    sample = ProbeSample(
                        sequence: sequence, address: attempt.address,
                        milliseconds: attempt.elapsedMilliseconds, failure: nil)
                } else {
                    let last = race.attempts.last
                    sample = ProbeSample(
                        sequence: sequence, address: last?.address, milliseconds: nil,
                        failure: last?.failure ?? .timedOut(after: connect.timeout))
                }
                result.samples.append(sample)
                progress(sample)
            }
        }
        result.cancelled = cancellation.isCancelled
        result.statistics = LatencyStats(milliseconds: result.samples.compactMap(\.milliseconds))
        return result
    }
}
