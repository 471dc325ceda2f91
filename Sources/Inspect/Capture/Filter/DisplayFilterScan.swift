import Dispatch
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

/// Runs a display filter (``PacketFilter``: Wireshark's language, or tcpdump's after `bpf:`, run
/// by libpcap's offline filter) over the packets of a ``PacketSource``, reporting the 0-based
/// indices of matching packets in chunks, so a browser can show progress, fill its list as matches
/// arrive and cancel.
///
/// Indices are `UInt32` (a million matches cost 4 MB). A file is scanned sequentially in place
/// (no copies, no index needed) and its pages are released behind the scan; other sources are read
/// in batches. Each link type in the source gets its own compiled program (`bpf:`).
public enum DisplayFilterScan {
    /// Scans the packets of `source` in `range` (all of them when nil; a file is scanned to its end).
    /// - Parameters:
    ///   - expression: the filter (``PacketFilter``'s text).
    ///   - chunk: packets between two reports.
    ///   - tcp: the source's TCP sequence analysis: packets are analysed in order into it as the
    ///     scan reaches them, and the filter reads what it found (`tcp.seq`, `tcp.analysis.*`).
    ///   - cancel: polled between packets.
    ///   - report: called on the calling thread with the matches of each chunk (ascending) and the
    ///     count of packets scanned so far.
    /// - Throws: `FilterError` when the expression does not compile (for a link type of the source).
    public static func run(
        _ expression: String, over source: any PacketSource, range: Range<Int>? = nil, chunk: Int = 50_000,
        tcp: TCPAnalysisTable? = nil, cancel: Cancellation,
        report: (_ matches: [UInt32], _ scanned: Int) -> Void
    ) throws(FilterError) -> DisplayFilterOutcome {
        let filter = try PacketFilter(expression)
        var matcher = filter.matcher()
        // The analysis is made in order only for a filter that reads it (rows grow the table themselves).
        let tcp = filter.readsTCPAnalysis ? tcp : nil
        // Compile for the link types known up front, so a bad expression fails before scanning.
        for interface in source.interfaces { try matcher.prepare(for: interface.linkType, snapLength: interface.snapLength) }
        var pending: [UInt32] = []
        var scanned = 0, matched = 0
        let chunk = max(1, chunk)

        if let reader = source as? CaptureFileReader, range == nil {
            // Records are read in order (in place, no copies) and evaluated a batch at a time on
            // two threads, each with its own matcher, while the next batch is read; matches stay
            // in packet order.
            let evaluator = try ParallelPacketFilter(expression, interfaces: source.interfaces)
            let batchSize = min(chunk, 8192)
            var batch: [ParallelPacketFilter.Item] = []
            batch.reserveCapacity(batchSize)
            var inFlight: ParallelPacketFilter.Evaluation?
            var failure: FilterError?
            var releasedUpTo = 0
            var reportedChunks = 0
            /// Waits for the batch being evaluated and takes its matches; false on an error.
            func finishInFlight() -> Bool {
                guard let evaluation = inFlight else { return true }
                inFlight = nil
                switch evaluation.wait() {
                case .success(let found):
                    pending += found
                    matched += found.count
                case .failure(let error):
                    failure = error
                    return false
                }
                scanned += evaluation.count
                if scanned / chunk > reportedChunks {
                    reportedChunks = scanned / chunk
                    report(pending, scanned)
                    pending.removeAll(keepingCapacity: true)
                    if evaluation.lastOffset > releasedUpTo {
                        reader.releaseMappedPages(releasedUpTo..<evaluation.lastOffset)
                        releasedUpTo = evaluation.lastOffset
                    }
                }
                return true
            }
            /// Takes the previous batch's matches, then starts on the one just read.
            func evaluate() -> Bool {
                guard finishInFlight() else { return false }
                guard !batch.isEmpty, !cancel.isCancelled else { return !cancel.isCancelled }
                inFlight = evaluator.begin(batch)
                batch.removeAll(keepingCapacity: true)
                return true
            }
            var result = reader.forEachPacket { record in
                if cancel.isCancelled { return false }
                batch.append(
                    ParallelPacketFilter.Item(
                        index: UInt32(truncatingIfNeeded: record.index), bytes: record.bytes, linkType: record.interface.linkType,
                        snapLength: record.interface.snapLength, originalLength: record.header.originalLength,
                        dataOffset: record.header.dataOffset, tcp: tcp?.offer(record.reference)))
                return batch.count < batchSize || evaluate()
            }
            if failure == nil && !cancel.isCancelled && !(evaluate() && finishInFlight()) { result.stopped = true }
            // A batch still being evaluated reads the mapping and the matchers: wait for it before leaving.
            if let evaluation = inFlight { _ = evaluation.wait() }
            if cancel.isCancelled { result.stopped = true }
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
            tcp?.extend(to: end, from: source, cancel: cancel)
            let packets = source.packets(in: start..<end)
            if packets.isEmpty { break }
            for (offset, packet) in packets.enumerated() {
                let matches = try packet.data.withUnsafeBytes { bytes in
                    Result { () throws(FilterError) -> Bool in
                        try matcher.matches(
                            bytes, linkType: packet.linkType, snapLength: 262_144, originalLength: packet.originalLength,
                            number: start + offset + 1, tcp: tcp?.analysis(at: start + offset))
                    }
                }.get()
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

/// A ``PacketFilter`` evaluated over a batch of packets on two threads, each half with its own
/// matcher (a matcher keeps per-link-type programs and a reused dissection, so it is not shared).
final class ParallelPacketFilter: @unchecked Sendable {
    /// One packet of a batch: its bytes in place (valid while the batch is evaluated).
    struct Item: @unchecked Sendable {
        var index: UInt32
        var bytes: UnsafeRawBufferPointer
        var linkType: LinkType
        var snapLength: UInt32
        var originalLength: Int
        var dataOffset: Int
        /// The packet's TCP sequence analysis, made in order before the batch went out.
        var tcp: TCPAnalysis?
    }

    /// One thread's matcher, in an object of its own: the two threads mutate different objects,
    /// never one array.
    private final class Box {
        var matcher: PacketFilterMatcher
        init(_ matcher: PacketFilterMatcher) { self.matcher = matcher }
    }

    /// Each thread's matcher, used by that thread alone during ``matches(_:)``.
    private let boxes: [Box]

    /// Compiles `expression` (for each of `interfaces`' link types, a `bpf:` one).
    /// - Throws: `FilterError` when it does not compile.
    init(_ expression: String, interfaces: [CaptureInterface]) throws(FilterError) {
        let filter = try PacketFilter(expression)
        var boxes: [Box] = []
        for _ in 0..<2 {
            var matcher = filter.matcher()
            for interface in interfaces { try matcher.prepare(for: interface.linkType, snapLength: interface.snapLength) }
            boxes.append(Box(matcher))
        }
        self.boxes = boxes
    }

    /// A batch being evaluated on other threads.
    final class Evaluation: @unchecked Sendable {
        /// Packets in the batch.
        let count: Int
        /// The file offset of the batch's last packet's data.
        let lastOffset: Int
        private let done = DispatchGroup()
        private var result: Result<[UInt32], FilterError> = .success([])

        init(_ batch: [Item], on filter: ParallelPacketFilter) {
            count = batch.count
            lastOffset = batch.last?.dataOffset ?? 0
            done.enter()
            DispatchQueue.global(qos: .userInitiated).async {
                self.result = filter.matches(batch)
                self.done.leave()
            }
        }

        /// The batch's matches, once evaluated (waits until then).
        func wait() -> Result<[UInt32], FilterError> {
            done.wait()
            return result
        }
    }

    /// Starts evaluating `batch` on other threads (one batch at a time: the matchers are its).
    func begin(_ batch: [Item]) -> Evaluation { Evaluation(batch, on: self) }

    /// The indices of `batch`'s packets that pass, in order; the first error a thread met instead.
    func matches(_ batch: [Item]) -> Result<[UInt32], FilterError> {
        let halves = batch.count < 64 ? [batch[...]] : [batch[..<(batch.count / 2)], batch[(batch.count / 2)...]]
        let results = concurrently(halves.count) { half in
            Result { () throws(FilterError) -> [UInt32] in
                var found: [UInt32] = []
                for item in halves[half] {
                    if try self.boxes[half].matcher.matches(
                        item.bytes, linkType: item.linkType, snapLength: item.snapLength, originalLength: item.originalLength,
                        number: Int(item.index) + 1, tcp: item.tcp)
                    {
                        found.append(item.index)
                    }
                }
                return found
            }
        }
        var all: [UInt32] = []
        for result in results {
            switch result {
            case .success(let found): all += found
            case .failure(let error): return .failure(error)
            }
        }
        return .success(all)
    }
}
