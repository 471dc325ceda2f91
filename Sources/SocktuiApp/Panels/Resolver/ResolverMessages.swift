import Inspect
import TerminalUI

/// Background results for the Resolver panel (lookups finished); each carries the generation of the request
/// it answers, so the panel drops stale ones.
public enum ResolverMessage: Sendable {
    /// A lookup came back from ``ResolverService`` (with a result or a failure).
    case lookupFinished(LookupFinished)
}

/// A resolver call came back: the lookup it answers and what the call returned.
public struct LookupFinished: Sendable {
    /// The lookup this answers; an abandoned lookup's answer is dropped.
    public var generation: Generation
    /// The request, its result or failure, and how long it took.
    public var outcome: ResolverOutcome

    /// Creates the message.
    public init(generation: Generation, outcome: ResolverOutcome) {
        self.generation = generation
        self.outcome = outcome
    }
}
