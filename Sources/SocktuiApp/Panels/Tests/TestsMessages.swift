import Dispatch
import Inspect
import TerminalUI

/// Background results for the Tests panel (test progress and results); each carries the generation of the request
/// it answers, so the panel drops stale ones.
public enum TestsMessage: Sendable {
    /// A running test reported progress.
    case progressed(TestProgressed)
    /// A test ended (finished, failed or cancelled) with its result.
    case finished(TestFinished)
    /// A remote test ended without a result: its host's link dropped or stalled.
    case linkFailed(TestLinkFailed)
    /// A result was written to a file, or could not be.
    case exported(ResultExported)
}

/// The run tagged `generation` lost its host's agent before the result came.
public struct TestLinkFailed: Sendable {
    /// The run it belongs to.
    public var generation: Generation
    /// The host whose link failed.
    public var host: String
    /// What happened, as the link reports it: "HOST: disconnected (ssh: …)", "HOST: needs
    /// interactive login (…)", or that the agent stopped answering.
    public var message: String

    /// Creates the message.
    public init(generation: Generation, host: String, message: String) {
        self.generation = generation
        self.host = host
        self.message = message
    }
}

/// Thins a test's echo progress to one update per 50 ms, each with the rate since the previous
/// one (measured where the events arrive, since the panel's `update` reads no clock); other
/// events pass unchanged. Local and remote runs use the same meter.
struct EchoRateMeter: Sendable {
    private var last: (nanoseconds: UInt64, bytes: Int)?

    /// The message for `event` of run `generation`, or nil when an echo update is dropped.
    mutating func message(
        for event: ConnTestEvent, generation: Generation,
        now: UInt64 = DispatchTime.now().uptimeNanoseconds
    ) -> TestProgressed? {
        guard case .echo(let progress) = event else { return TestProgressed(generation: generation, event: event) }
        let previous = last ?? (now, 0)
        if last != nil, now - previous.nanoseconds < 50_000_000 { return nil }
        let seconds = Double(now - previous.nanoseconds) / 1e9
        let rate = last == nil || seconds <= 0 ? nil : Double(progress.bytesVerified - previous.bytes) * 8 / seconds
        last = (now, progress.bytesVerified)
        return TestProgressed(generation: generation, event: event, echoBitsPerSecond: rate)
    }
}

/// One progress event of the run tagged `generation`.
public struct TestProgressed: Sendable {
    /// The run it belongs to.
    public var generation: Generation
    /// The engine's event.
    public var event: ConnTestEvent
    /// For echo progress: the rate since the previous echo update, in bits per second (measured
    /// off the loop, since the panel's `update` reads no clock).
    public var echoBitsPerSecond: Double?

    /// Creates the message.
    public init(generation: Generation, event: ConnTestEvent, echoBitsPerSecond: Double? = nil) {
        self.generation = generation
        self.event = event
        self.echoBitsPerSecond = echoBitsPerSecond
    }
}

/// The result of the run tagged `generation`.
public struct TestFinished: Sendable {
    /// The run it belongs to.
    public var generation: Generation
    /// What the engine returned (marked cancelled when the run was stopped).
    public var result: ConnTestResult

    /// Creates the message.
    public init(generation: Generation, result: ConnTestResult) {
        self.generation = generation
        self.result = result
    }
}

/// The outcome of writing a run's result as JSON.
public struct ResultExported: Sendable {
    /// The run whose result was written.
    public var generation: Generation
    /// The file, made absolute.
    public var path: String
    /// Why the write failed; nil when it worked.
    public var failure: String?

    /// Creates the message.
    public init(generation: Generation, path: String, failure: String? = nil) {
        self.generation = generation
        self.path = path
        self.failure = failure
    }
}
