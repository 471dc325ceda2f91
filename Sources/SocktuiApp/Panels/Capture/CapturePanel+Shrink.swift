import Inspect
import TerminalUI

/// A capture file that shrank while the panel read it (another program truncated it; issue #17
/// C5): the packets past its new end are gone.
public struct CaptureSourceShrank: Sendable {
    /// The file that shrank, by its id in the panel's browser.
    public var source: CaptureSourceID
    /// Packets still whole in it.
    public var count: Int
    /// The damage, as shown.
    public var damage: String
}

extension CapturePanel {
    /// The message a job posts after reading from `source` when that read found it shrunk.
    static func shrinkMessage(_ shrink: CaptureShrink?, of source: CaptureSourceID) -> AppMessage? {
        guard let shrink else { return nil }
        return .capture(.sourceShrank(CaptureSourceShrank(source: source, count: shrink.count, damage: shrink.damage)))
    }

    /// Shows the damage and keeps only the packets that are still whole: the list ends at the
    /// last of them, a filter's matches past it are dropped, the index stops.
    mutating func applyShrink(_ shrank: CaptureSourceShrank) -> Command<AppMessage>? {
        guard sourceID == shrank.source, damage != shrank.damage || packetCount > shrank.count else { return nil }
        indexCancel?.cancel()
        indexCancel = nil
        packetCount = min(packetCount, shrank.count)
        isFullyIndexed = true
        indexFraction = 1
        damage = shrank.damage
        if let list = displayed { displayed = list.filter { Int($0) < shrank.count } }
        if let selected = tableState.selected { tableState.selected = rowCount == 0 ? nil : min(selected, rowCount - 1) }
        detail = nil
        resetRows()
        notice = StatusMessage("\(sourceName ?? "the file"): \(shrank.damage)", kind: .error)
        return .batch([requestRows(), requestDetail()])
    }
}
