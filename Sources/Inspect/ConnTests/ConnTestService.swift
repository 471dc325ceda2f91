import Dispatch

/// A connection test to run: one of the engines' requests.
public enum ConnTestRequest: Sendable, Hashable {
    /// A TCP connect trace.
    case connect(ConnectRequest)
    /// Repeated TCP connects with statistics.
    case probes(ProbeRequest)
    /// A UDP probe.
    case udp(UDPProbeRequest)
    /// An echo round trip.
    case echo(EchoRequest)
    /// A TCP port range check.
    case scan(PortScanRequest)
    /// A bulk transfer to a sink.
    case throughput(ThroughputRequest)
}

/// Live progress of a running test; every case is a plain value, as the UI loop receives it.
public enum ConnTestEvent: Sendable, Hashable {
    /// Connect trace progress (also sent by echo and throughput tests' connects).
    case connect(ConnectEvent)
    /// One probe of a series finished.
    case probe(ProbeSample)
    /// Echo progress.
    case echo(EchoProgress)
    /// Scan progress.
    case scan(PortScanEvent)
    /// A throughput rate sample.
    case throughput(ThroughputSample)
}

/// The outcome of a test.
public enum ConnTestResult: Sendable, Hashable {
    /// A connect trace's result.
    case connect(ConnectTrace)
    /// A probe series' samples and statistics.
    case probes(ProbeSeriesResult)
    /// A UDP probe's verdict.
    case udp(UDPProbeResult)
    /// An echo round trip's verification and latency.
    case echo(EchoResult)
    /// A scan's per-port states.
    case scan(PortScanResult)
    /// A transfer's rate samples.
    case throughput(ThroughputResult)

    /// True when the target answered as asked: a connect succeeded, every probe connected, a
    /// UDP reply came back, every echoed byte matched, a scan found an open port, a transfer
    /// ran to its end.
    public var succeeded: Bool {
        switch self {
        case .connect(let trace): trace.succeeded && !trace.cancelled
        case .probes(let series): series.sent > 0 && series.received == series.sent && !series.cancelled
        case .udp(let probe): probe.verdict == .open
        case .echo(let echo): echo.succeeded
        case .scan(let scan): scan.failure == nil && !scan.cancelled && !scan.openPorts.isEmpty
        case .throughput(let transfer): transfer.succeeded
        }
    }
}

/// A running test: cancel it, or wait for it.
public final class ConnTestHandle: Sendable {
    /// The flag the engine checks.
    public let cancellation = Cancellation()
    private let done = DispatchSemaphore(value: 0)

    init() {}

    /// Stops the test soon (within about 20 ms); its completion still runs, with the partial
    /// result marked cancelled.
    public func cancel() { cancellation.cancel() }

    /// Blocks until the completion handler has run (for tests and the headless commands).
    public func wait() {
        done.wait()
        done.signal()
    }

    func finish() { done.signal() }
}

/// Runs connection tests on a concurrent background queue, several side by side, each
/// cancelable, with progress events and a completion carrying the result. Handlers run on the
/// service's queue; a UI hops them to its own loop.
public final class ConnTestService: Sendable {
    private let queue = DispatchQueue(label: "socktui.conntests", qos: .userInitiated, attributes: .concurrent)

    /// Creates a service.
    public init() {}

    /// Starts `request` in the background.
    @discardableResult
    public func start(
        _ request: ConnTestRequest,
        progress: @escaping @Sendable (ConnTestEvent) -> Void = { _ in },
        completion: @escaping @Sendable (ConnTestResult) -> Void
    ) -> ConnTestHandle {
        let handle = ConnTestHandle()
        queue.async {
            completion(Self.run(request, cancellation: handle.cancellation, progress: progress))
            handle.finish()
        }
        return handle
    }

    /// Runs `request` and returns its result (suspends without blocking the caller's thread).
    public func run(_ request: ConnTestRequest, progress: @escaping @Sendable (ConnTestEvent) -> Void = { _ in }) async -> ConnTestResult {
        await withCheckedContinuation { continuation in
            start(request, progress: progress) { continuation.resume(returning: $0) }
        }
    }

    /// Runs `request` on the current thread.
    public static func run(
        _ request: ConnTestRequest, cancellation: Cancellation = Cancellation(),
        progress: (ConnTestEvent) -> Void = { _ in }
    ) -> ConnTestResult {
        switch request {
        case .connect(let connect):
            .connect(ConnectTracer.run(connect, cancellation: cancellation) { progress(.connect($0)) })
        case .probes(let probes):
            .probes(ProbeSeries.run(probes, cancellation: cancellation) { progress(.probe($0)) })
        case .udp(let udp):
            .udp(UDPProber.run(udp, cancellation: cancellation))
        case .echo(let echo):
            .echo(EchoRoundTrip.run(echo, cancellation: cancellation) { progress(.echo($0)) })
        case .scan(let scan):
            .scan(PortScanner.run(scan, cancellation: cancellation) { progress(.scan($0)) })
        case .throughput(let throughput):
            .throughput(ThroughputTest.run(throughput, cancellation: cancellation) { progress(.throughput($0)) })
        }
    }
}
