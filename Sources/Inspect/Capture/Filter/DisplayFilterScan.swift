import Synchronization

/// How a display-filter scan ended.
public struct DisplayFilterOutcome: Hashable, Sendable {
    /// Packets examined.
    public var scanned: Int
    /// Packets that matched.
    public var matched: Int
    /// True when the scan stopped because its ``Cancellation`` was set.
    public var cancelled: Bool
}

/// Runs a tcpdump-syntax filter (libpcap's offline filter) over the packets of a ``PacketSource``,
/// reporting the 0-based indices of matching packets in chunks, so a browser can show progress,
/// fill its list as matches arrive and cancel.
///
/// Indices are `UInt32` (a million matches cost 4 MB). A file is scanned sequentially in place
/// (no copies, no index needed) and its pages are released behind the scan; other sources are read
/// in batches. Each link type in the source gets its own compiled program.
public enum DisplayFilterScan {
    /// Scans the packets of `source` in `range` (all of them when nil; a file is scanned to its end).
    /// - Parameters:
    ///   - expression: the filter, in tcpdump syntax.
    ///   - chunk: packets between two reports.
    ///   - cancel: polled between packets.
    ///   - report: called on the calling thread with the matches of each chunk (ascending) and the
    ///     count of packets scanned so far.
    /// - Throws: `FilterError` when libpcap rejects the expression for a link type of the source.
    public static func run(
        _ expression: String, over source: any PacketSource, range: Range<Int>? = nil, chunk: Int = 50_000,
        cancel: Cancellation,
        report: (_ matches: [UInt32], _ scanned: Int) -> Void
    ) throws(FilterError) -> DisplayFilterOutcome {
        var matchers: [LinkType: BPFMatcher] = [:]
        func matcher(for linkType: LinkType, snapLength: UInt32) throws(FilterError) -> BPFMatcher {
            if let found = matchers[linkType] { return found }
            let made = try FilterCompiler.compile(expression, linkType: linkType, snapLength: snapLength).makeMatcher()
            matchers[linkType] = made
            return made
        }
        // Compile for the link types known up front, so a bad expression fails before scanning.
        for interface in source.interfaces { _ = try matcher(for: interface.linkType, snapLength: interface.snapLength) }
        var pending: [UInt32] = []
        var scanned = 0, matched = 0
        let chunk = max(1, chunk)

        if let reader = source as? CaptureFileReader, range == nil {
            var failure: FilterError?
            var releasedUpTo = 0
            let result = reader.forEachPacket { record in
                if cancel.isCancelled { return false }
                let program: BPFMatcher
                do throws(FilterError) {
                    program = try matcher(for: record.interface.linkType, snapLength: record.interface.snapLength)
                } catch {
                    failure = error
                    return false
                }
                if program.matches(record.bytes, originalLength: record.header.originalLength) {
                    pending.append(UInt32(truncatingIfNeeded: record.index))
                    matched += 1
                }
                scanned += 1
                if scanned % chunk == 0 {
                    report(pending, scanned)
                    pending.removeAll(keepingCapacity: true)
                    if record.header.dataOffset > releasedUpTo {
                        reader.releaseMappedPages(releasedUpTo..<record.header.dataOffset)
                        releasedUpTo = record.header.dataOffset
                    }
                }
                return true
            }
            if reader.fileSize > releasedUpTo { reader.releaseMappedPages(releasedUpTo..<reader.fileSize) }
            if let failure { throw failure }
            report(pending, scanned)
            return DisplayFilterOutcome(scanned: scanned, matched: matched, cancelled: result.stopped)
        }

        let all = range ?? 0..<source.availablePacketCount
        var start = all.lowerBound
        let batch = 4096
        while start < all.upperBound {
            if cancel.isCancelled {
                report(pending, scanned); return DisplayFilterOutcome(scanned: scanned, matched: matched, cancelled: true)
            }
            let end = min(all.upperBound, start + batch)
            let packets = source.packets(in: start..<end)
            if packets.isEmpty { break }
            for (offset, packet) in packets.enumerated() {
                let program = try matcher(for: packet.linkType, snapLength: 262_144)
                let matches = packet.data.withUnsafeBytes { program.matches($0, originalLength: packet.originalLength) }
                if matches {
                    pending.append(UInt32(truncatingIfNeeded: start + offset))
                    matched += 1
                }
            }
            scanned += packets.count
            start += packets.count
            if pending.count >= chunk || scanned % chunk < batch {
                report(pending, scanned)
                pending.removeAll(keepingCapacity: true)
            }
        }
        report(pending, scanned)
        return DisplayFilterOutcome(scanned: scanned, matched: matched, cancelled: false)
    }
}
