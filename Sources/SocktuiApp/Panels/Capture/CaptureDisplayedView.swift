import Inspect

/// What the packet list shows of its source under a display filter: the filter, the packets it kept,
/// and how far through the source it has run.
///
/// The three belong together: the packets before ``filteredUpTo`` have been through ``filter`` and its
/// matches among them are ``indices``; a live capture's packets from there on are filtered as they
/// arrive and appended. A filter that fails or is cancelled puts back the whole view it replaced, so no
/// packet is filtered (and its match appended) twice.
struct CaptureDisplayedView: Hashable, Sendable {
    /// The display filter (empty: none).
    var filter = ""
    /// Packet indices the filter kept, ascending, or nil when no filter applies.
    var indices: [UInt32]?
    /// Packets already run through the filter.
    var filteredUpTo = 0
}
