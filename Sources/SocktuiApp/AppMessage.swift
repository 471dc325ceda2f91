import Inspect
import TerminalUI

/// Messages background work sends to the UI loop; each is a past-tense fact.
///
/// Later panels add their engine results here (`LookupFinished`, `PacketsArrived`, …); every message
/// that answers a request carries the request's generation so stale answers are dropped.
public enum AppMessage: Sendable {
    /// Theme files were re-read from disk (Ctrl-R).
    case themesLoaded(ThemesLoaded)
    /// A message for the Resolver panel (defined beside it).
    case resolver(ResolverMessage)
    /// A message for the Sockets panel.
    case sockets(SocketsMessage)
    /// A message for the Capture panel.
    case capture(CaptureMessage)
    /// A message for the Tests panel.
    case tests(TestsMessage)
    /// A panel asked for a connection test (the Resolver's `c` on a result row): the shell shows the
    /// Tests panel and starts the test there.
    case connectionTestRequested(ConnTestRequest)
}

/// The theme directories were read again.
public struct ThemesLoaded: Sendable {
    /// The reload request this answers.
    public var generation: Generation
    /// What was found.
    public var catalog: ThemeCatalog
}
