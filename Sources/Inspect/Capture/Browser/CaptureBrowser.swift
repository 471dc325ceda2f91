import Foundation
import Synchronization

/// The engine behind a packet browser: it holds the packet sources being browsed (capture files it
/// opened, live captures' stores registered with it) by ``CaptureSourceID`` and answers
/// ``CaptureBrowserRequest``s with ``CaptureBrowserReply``s, plain values both, so a browser on
/// another host could answer the same requests later.
///
/// `handle` blocks its caller (run it on a background queue): it indexes a file in chunks while
/// releasing the mapped pages it has scanned past (a million-packet file does not stay resident),
/// dissects rows and single packets, runs display filters in chunks, searches, saves, follows
/// streams and computes statistics. A stream request reports through `event` and ends with its
/// returned reply; its `cancel` flag ends it early.
public final class CaptureBrowser: Sendable {
    private struct Entry {
        var source: any PacketSource
        var live: LiveCaptureSession?
        var processes: ProcessMatcher?
        /// TCP sequence analysis of the source's packets, grown in order as requests need it.
        var tcp = TCPAnalysisTable()
    }
    private let entries = Mutex<[CaptureSourceID: Entry]>([:])
    private let nextID = Atomic<UInt64>(1)

    /// The file pages the index keeps mapped at the start (the first screen is drawn from them).
    static let keptPrefix = 1 << 20

    /// Creates a browser holding no source.
    public init() {}

    /// Holds `source` (a file reader or a store) for requests; returns its id.
    public func register(_ source: any PacketSource) -> CaptureSourceID {
        let id = CaptureSourceID(nextID.wrappingAdd(1, ordering: .relaxed).oldValue)
        entries.withLock { $0[id] = Entry(source: source) }
        return id
    }

    /// Holds a live capture and its store; returns the store's id.
    public func register(_ session: LiveCaptureSession) -> CaptureSourceID {
        let id = register(session.store)
        entries.withLock { $0[id]?.live = session }
        return id
    }

    /// Lets `matcher` fill the Process column of `id`'s rows (requests with `processes` set).
    public func attach(_ matcher: ProcessMatcher, to id: CaptureSourceID) {
        entries.withLock { $0[id]?.processes = matcher }
    }

    /// Stops holding `id` (jobs still running on it finish; new requests fail).
    public func close(_ id: CaptureSourceID) {
        _ = entries.withLock { $0.removeValue(forKey: id) }
    }

    /// The source held as `id`, for callers in this process (tests, the CLI); a panel asks with
    /// requests instead.
    public func source(_ id: CaptureSourceID) -> (any PacketSource)? { entries.withLock { $0[id]?.source } }

    /// The live capture held as `id`.
    public func live(_ id: CaptureSourceID) -> LiveCaptureSession? { entries.withLock { $0[id]?.live } }

    private func processes(_ id: CaptureSourceID) -> ProcessMatcher? { entries.withLock { $0[id]?.processes } }

    /// The TCP sequence analysis of `id`'s packets (relative numbers, flags), as far as it got.
    public func tcpAnalysis(_ id: CaptureSourceID) -> TCPAnalysisTable? { entries.withLock { $0[id]?.tcp } }

    /// Answers `request`, blocking the caller; stream items go to `event`.
    public func handle(
        _ request: CaptureBrowserRequest, cancel: Cancellation = Cancellation(),
        event: (CaptureBrowserReply) -> Void = { _ in }
    ) -> CaptureBrowserReply {
        switch request {
        case .open(let path, let firstPackets):
            return open(path, firstPackets: firstPackets)
        case .index(let id, let chunk):
            guard let reader = source(id) as? CaptureFileReader else { return .failed("\(id) is not an open capture file") }
            return index(reader, chunk: max(1, chunk), cancel: cancel, event: event)
        case .rows(let id, let indices, let previous, let withProcesses):
            guard let source = source(id) else { return .failed("no \(id)") }
            let rows = CaptureBrowser.rows(
                source, indices: indices, previous: previous, processes: withProcesses ? processes(id) : nil, tcp: tcpAnalysis(id),
                cancel: cancel)
            return .rows(rows, shrank: CaptureBrowser.shrink(of: source))
        case .dissect(let id, let index, let verifyChecksums):
            guard let source = source(id) else { return .failed("no \(id)") }
            let packet = source.packets(in: index..<(index + 1)).first
            let table = tcpAnalysis(id)
            table?.extend(to: index + 1, from: source, cancel: cancel)
            return .detail(
                packet.map { CaptureBrowser.dissect($0, index: index, verifyChecksums: verifyChecksums, tcp: table?.analysis(at: index)) },
                shrank: CaptureBrowser.shrink(of: source))
        case .filter(let id, let expression, let range):
            guard let source = source(id) else { return .failed("no \(id)") }
            let started = ContinuousClock.now
            do throws(FilterError) {
                let outcome = try DisplayFilterScan.run(
                    expression, over: source, range: range, tcp: tcpAnalysis(id), cancel: cancel
                ) { matches, scanned in
                    event(.filterMatches(matches, scanned: scanned))
                }
                let seconds = (ContinuousClock.now - started).secondsValue
                return .filterFinished(scanned: outcome.scanned, cancelled: outcome.cancelled, seconds: seconds)
            } catch {
                return .failed(error.message)
            }
        case .info(let id):
            guard let source = source(id) else { return .failed("no \(id)") }
            return .info(CaptureSourceInfo(packetCount: source.availablePacketCount, linkType: source.interfaces.first?.linkType))
        case .search, .save, .follow, .statistics:
            return handleJob(request, cancel: cancel, event: event)
        }
    }

    private func open(_ path: String, firstPackets: Int) -> CaptureBrowserReply {
        do throws(CaptureFileError) {
            let reader = try CaptureFileReader(path: path)
            let count = reader.index(upTo: firstPackets)
            let id = register(reader)
            return .opened(
                CaptureFileInfo(
                    source: id, path: reader.path, format: reader.format, indexedCount: count,
                    linkType: reader.interfaces.first?.linkType ?? .ethernet))
        } catch {
            return .failed("\(error): give a pcap or pcapng file (socktui capture -w FILE writes one)")
        }
    }

    /// Indexes `reader` in chunks, reporting each, releasing the pages scanned past (all but the
    /// first ``keptPrefix`` bytes), until done or cancelled.
    private func index(
        _ reader: CaptureFileReader, chunk: Int, cancel: Cancellation,
        event: (CaptureBrowserReply) -> Void
    ) -> CaptureBrowserReply {
        var count = reader.index(upTo: 1)
        let first = count > 0 ? reader.header(at: 0)?.timestamp : nil
        var released = 0
        let size = max(1, reader.fileSize)
        var last = CaptureIndexProgress(count: count, fraction: 0, done: reader.isFullyIndexed, firstTimestamp: first)
        while !cancel.isCancelled {
            count = reader.index(upTo: count + chunk)
            let end = count > 0 ? (reader.endOffset(ofPacket: count - 1) ?? 0) : 0
            let start = max(released, CaptureBrowser.keptPrefix)
            if end > start { reader.releaseMappedPages(start..<end) }
            released = max(released, end)
            let done = reader.isFullyIndexed
            last = CaptureIndexProgress(
                count: count, fraction: done ? 1 : Double(end) / Double(size), done: done,
                damage: done ? reader.damage?.description : nil, firstTimestamp: first)
            if done { break }
            event(.indexed(last))
        }
        return .indexed(last)
    }

    /// The shrink a read from `source` found, if it is a file that shrank.
    static func shrink(of source: any PacketSource) -> CaptureShrink? {
        guard let reader = source as? CaptureFileReader, let damage = reader.shrinkDamage() else { return nil }
        return CaptureShrink(count: damage.packetsBefore, damage: damage.description)
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var secondsValue: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
