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
    /// A panel hands work to another tab (the pivots its help lists); the shell routes it.
    case pivot(Pivot)
}

/// The tabs, in their order on the tab strip (the digit keys 1-4 choose them).
public enum AppTab: Int, CaseIterable, Sendable {
    case resolver, sockets, capture, tests
}

/// A hand-off from one panel to another, posted as a message: the one way panels pivot.
public enum Pivot: Hashable, Sendable {
    /// The Capture tab's live capture form, filled in with `options`, on `host` (the host of the
    /// socket or of the lookup; nil keeps the Capture panel's host). Enter starts it.
    case capture(LiveCaptureOptions, host: String?)
    /// The Tests tab's form, filled in with `request` (Enter runs it): the Sockets panel's `T`.
    case fillTest(ConnTestRequest)
    /// The Tests tab runs `request` at once, from `host` (where the address was resolved): the
    /// Resolver's `c`.
    case runTest(ConnTestRequest, host: String?)
}

/// The theme directories were read again.
public struct ThemesLoaded: Sendable {
    /// The reload request this answers.
    public var generation: Generation
    /// What was found.
    public var catalog: ThemeCatalog
}
