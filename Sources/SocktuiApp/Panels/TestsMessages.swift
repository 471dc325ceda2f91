import Inspect
import TerminalUI

/// Background results for the Tests panel (test progress and results); each carries the generation of the request
/// it answers, so the panel drops stale ones.
public enum TestsMessage: Sendable {
    /// A running test reported progress.
    case progressed(TestProgressed)
    /// A test ended (finished, failed or cancelled) with its result.
    case finished(TestFinished)
    /// A result was written to a file, or could not be.
    case exported(ResultExported)
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
