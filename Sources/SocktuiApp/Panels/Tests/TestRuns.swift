import Inspect
import TerminalUI

/// The Tests panel's runs, a child model: every test started with its live progress and result,
/// the generation counter that tags each run's messages, each run's cancel flag, and which run
/// the result pane shows. Messages for runs no longer kept (or already ended) are dropped.
struct TestRuns: Sendable {
    /// Every run, oldest first.
    private(set) var runs: [TestRun] = []
    /// The generation of the run whose result is shown.
    var shown: Generation?
    /// The most runs kept; the oldest finished one goes first.
    let limit: Int
    private var generation = Generation()

    /// An empty log keeping at most `limit` runs.
    init(limit: Int) { self.limit = limit }

    /// The run whose result is shown.
    var shownRun: TestRun? { shown.flatMap { generation in runs.first { $0.generation == generation } } }

    /// Records a new run of `request` on `host` as the next generation, with a cancel flag of its
    /// own, and shows it; its command takes the generation and the flag.
    mutating func begin(_ request: ConnTestRequest, host: String) -> TestRun {
        var run = TestRun(generation: generation.advance(), request: request, cancellation: Cancellation())
        run.host = host
        runs.append(run)
        if runs.count > limit, let oldest = runs.firstIndex(where: { !$0.isRunning }) { runs.remove(at: oldest) }
        shown = run.generation
        return run
    }

    /// Asks the shown run (or else the newest running one) to stop: its generation, nil when none runs.
    mutating func cancelShown() -> Generation? {
        let index = runs.firstIndex { $0.generation == shown && $0.isRunning } ?? runs.lastIndex { $0.isRunning }
        guard let index else { return nil }
        runs[index].cancellation.cancel()
        runs[index].cancelRequested = true
        return runs[index].generation
    }

    /// Folds progress into its run, if that is still running.
    mutating func apply(_ progressed: TestProgressed) {
        guard let index = running(progressed.generation) else { return }
        runs[index].live.apply(progressed.event, echoBitsPerSecond: progressed.echoBitsPerSecond)
    }

    /// Records a run's result; the run, nil when it is gone or had ended.
    mutating func finish(_ finished: TestFinished) -> TestRun? {
        guard let index = running(finished.generation) else { return nil }
        runs[index].result = finished.result
        return runs[index]
    }

    /// Ends a run whose host's link failed; false when it is gone or had ended.
    mutating func fail(_ failed: TestLinkFailed) -> Bool {
        guard let index = running(failed.generation) else { return false }
        runs[index].linkFailure = failed.message
        return true
    }

    private func running(_ generation: Generation) -> Int? {
        guard let index = runs.firstIndex(where: { $0.generation == generation }), runs[index].isRunning else { return nil }
        return index
    }
}

/// One run of a test: its request, live progress, and result once it ends.
public struct TestRun: Sendable {
    /// The run's generation: its messages carry it.
    public let generation: Generation
    /// What was asked (re-runnable: requests are plain Codable values).
    public let request: ConnTestRequest
    /// The flag Esc sets; the engine checks it between system calls.
    let cancellation: Cancellation
    /// Progress received so far.
    public internal(set) var live = LiveProgress()
    /// The result, once the run ended.
    public internal(set) var result: ConnTestResult?
    /// Whether Esc was pressed for this run.
    public internal(set) var cancelRequested = false
    /// The host that ran it: `local`, or the `--host` label whose agent ran it.
    public internal(set) var host = "local"
    /// Why the run ended without a result: its host's link dropped or stalled ("HOST:
    /// disconnected (ssh: …)"); the progress received until then stays in ``live``.
    public internal(set) var linkFailure: String?

    /// True until the result (or a link failure) arrives.
    public var isRunning: Bool { result == nil && linkFailure == nil }
}

/// What a running test has reported so far, folded from its ``ConnTestEvent``s.
public struct LiveProgress: Sendable {
    /// The addresses the name gave (connect traces, and the connects of echo and throughput).
    public var resolvedAddresses: [Endpoint]?
    /// getaddrinfo's time.
    public var resolveMilliseconds: Double?
    /// Why resolution failed.
    public var resolveFailure: FailureReason?
    /// Attempts started, updated as they finish.
    public var attempts: [ConnectAttempt] = []
    /// Indices of attempts that finished.
    public var finishedAttempts: Set<Int> = []
    /// Probe samples, in order.
    public var probes: [ProbeSample] = []
    /// The latest echo progress.
    public var echo: EchoProgress?
    /// Echo rates measured between updates, bits per second.
    public var echoRates: [Double] = []
    /// Scan progress: ports done, ports in all.
    public var scanDone = 0
    /// Ports to scan.
    public var scanTotal = 0
    /// Open ports found so far.
    public var openPorts: [Int] = []
    /// Throughput samples.
    public var throughput: [ThroughputSample] = []

    /// Folds one event in.
    mutating func apply(_ event: ConnTestEvent, echoBitsPerSecond: Double?) {
        switch event {
        case .connect(.resolved(let addresses, let milliseconds)):
            resolvedAddresses = addresses
            resolveMilliseconds = milliseconds
        case .connect(.resolveFailed(let failure)):
            resolveFailure = failure
        case .connect(.attemptStarted(let index, let address, let reason)):
            guard index == attempts.count else { return }
            attempts.append(
                ConnectAttempt(
                    index: index, address: address, startReason: reason, startedAtMilliseconds: 0,
                    outcome: .abandoned, elapsedMilliseconds: 0))
        case .connect(.attemptFinished(let attempt)):
            if attempts.indices.contains(attempt.index) {
                attempts[attempt.index] = attempt
            } else if attempt.index == attempts.count {
                attempts.append(attempt)
            }
            finishedAttempts.insert(attempt.index)
        case .probe(let sample):
            probes.append(sample)
        case .echo(let progress):
            echo = progress
            if let echoBitsPerSecond { echoRates.append(echoBitsPerSecond) }
        case .scan(.portOpen(let port)):
            openPorts.append(port)
        case .scan(.progress(let done, let total, _)):
            scanDone = done
            scanTotal = total
        case .throughput(let sample):
            throughput.append(sample)
        }
    }
}
