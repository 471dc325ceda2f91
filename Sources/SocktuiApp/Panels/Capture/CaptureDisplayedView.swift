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

extension CapturePanel {
    /// The display filter, its matches and its progress as one value (saved before a filter runs,
    /// restored when it fails or is cancelled).
    var displayedView: CaptureDisplayedView {
        get { CaptureDisplayedView(filter: appliedFilter, indices: displayed, filteredUpTo: filteredUpTo) }
        set {
            appliedFilter = newValue.filter
            displayed = newValue.indices
            filteredUpTo = newValue.filteredUpTo
        }
    }

    /// Adds a chunk of a running filter's results: its matches, and the packets it has now examined
    /// (`scanned` counts from the scan's first packet, `start`), so the view stays consistent after
    /// every chunk, whatever replaces or cancels the scan afterwards.
    mutating func appendFilterChunk(_ progress: CaptureFilterProgress) {
        displayed?.append(contentsOf: progress.matches)
        filteredUpTo = progress.start + progress.scanned
    }
}
