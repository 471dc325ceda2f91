#if canImport(Glibc)
    import Glibc
#endif
import Dispatch
import Synchronization

/// Writes whole frames to a descriptor, one at a time from any thread. A frame too large to
/// send becomes an error frame for its request; a failed write (the peer went away) closes it.
/// Once the peer speaks protocol 3 (``enableTableChunks()``), a socket table of more than
/// ``AgentProtocol/chunkRows`` rows, or one too large for a frame, goes out as `chunk` frames
/// and then its reply frame without those rows.
final class FrameWriter: AgentFrameSink {
    private let fd: Int32
    private let maxFrameSize: Int
    private let closed = Mutex(false)
    private let chunking = Atomic<Bool>(false)
    private let packing = Atomic<Bool>(false)
    /// Rows per chunk frame (``AgentProtocol/chunkRows``; tests make it smaller).
    private let chunkRows: Int
    /// Where a table's chunk frames are written while the next is encoded.
    private let writes = DispatchQueue(label: "socktui.agent-chunk-writes")

    init(fd: Int32, maxFrameSize: Int, chunkRows: Int = AgentProtocol.chunkRows) {
        self.fd = fd
        self.maxFrameSize = maxFrameSize
        self.chunkRows = max(1, chunkRows)
    }

    var isClosed: Bool { closed.withLock { $0 } }

    /// Stops writing (before the descriptor is closed, so a late frame never reaches a reused number).
    func close() { closed.withLock { $0 = true } }

    func enableTableChunks() { chunking.store(true, ordering: .relaxed) }

    /// From now on chunk frames carry `tcp_info` packed (protocol 5, ``TableChunk/packsTCPInfo``).
    func enablePackedTCPInfo() { packing.store(true, ordering: .relaxed) }

    /// Sends `frame`; false when the descriptor is closed or the write failed.
    @discardableResult
    func send(_ frame: AgentFrame) -> Bool {
        let chunks = chunking.load(ordering: .relaxed)
        if chunks, let table = frame.tableRows, table.lists.reduce(0, { $0 + $1.1.count }) > chunkRows {
            return sendChunked(table)
        }
        var bytes: [UInt8]
        do { bytes = try AgentFrameCodec.encode(frame, maxFrameSize: maxFrameSize) } catch {
            if chunks, error.code == .oversized, let table = frame.tableRows { return sendChunked(table) }
            guard let fallback = notSent(frame.requestID, error) else { return false }
            bytes = fallback
        }
        return write(bytes)
    }

    /// An error frame for request `id` saying why its reply was not sent.
    private func notSent(_ id: UInt64?, _ error: AgentError) -> [UInt8]? {
        try? AgentFrameCodec.encode(.error(AgentError(error.code, "reply not sent: \(error.message)", id: id)), maxFrameSize: maxFrameSize)
    }

    /// Writes one whole frame's bytes; false (and closed from now on) when the write failed.
    private func write(_ bytes: [UInt8]) -> Bool {
        closed.withLock { closed in
            guard !closed else { return false }
            guard bytes.withUnsafeBytes({ DescriptorIO.writeAll(fd, $0) }) else {
                closed = true
                return false
            }
            return true
        }
    }

    /// Sends a table's rows as chunk frames of ``chunkRows`` rows (halved while a chunk's frame
    /// exceeds the limit), then its reply frame without them. Chunks are encoded two at a time on
    /// two threads, while the two before are being written (on `writes`), so the encoding goes on
    /// while the link drains. Other requests' frames may go out between the chunks. A single row
    /// too large for a frame ends the request with an error.
    private func sendChunked(_ table: (id: UInt64, lists: [(TableChunk.List, [SocketEntry])], stripped: AgentFrame)) -> Bool {
        let chunkRows = chunkRows
        let packs = packing.load(ordering: .relaxed)
        let slices: [(TableChunk.List, ArraySlice<SocketEntry>)] = table.lists.flatMap { list, rows in
            stride(from: 0, to: rows.count, by: chunkRows).map { (list, rows[$0..<min($0 + chunkRows, rows.count)]) }
        }
        var index = 0
        let writing = DispatchGroup()
        let written = Mutex(true)
        /// Waits for the write under way; false when it failed.
        func settle() -> Bool {
            writing.wait()
            return written.withLock { $0 }
        }
        var number = 0
        while number < slices.count {
            let pair = number..<min(number + 2, slices.count)
            number = pair.upperBound
            var encoded: [[UInt8]] = []
            // Each chunk of the pair as one frame, numbered in turn: what almost every table is.
            let (first, all) = (index, slices)
            let whole = concurrently(pair.count) { [self] offset in
                let (list, rows) = all[pair.lowerBound + offset]
                var chunk = TableChunk(
                    id: table.id, index: first + offset, last: pair.lowerBound + offset == all.count - 1, list: list, rows: Array(rows))
                chunk.packsTCPInfo = packs
                return try? AgentFrameCodec.encode(.chunk(chunk), maxFrameSize: maxFrameSize)
            }
            if whole.count == pair.count, whole.allSatisfy({ $0 != nil }) {
                encoded = whole.map { $0! }
                index += pair.count
            } else {
                // A chunk too large for a frame (or one that cannot be written): one at a time, halving.
                for slice in pair {
                    let (list, rows) = slices[slice]
                    switch encodeChunks(rows, id: table.id, list: list, last: slice == slices.count - 1, index: &index) {
                    case .success(let more): encoded += more
                    case .failure(let error):
                        guard settle() else { return false }
                        guard let frame = notSent(table.id, error), write(frame) else { return false }
                        return true
                    }
                }
            }
            guard settle() else { return false }
            let frames = encoded
            writing.enter()
            writes.async {
                let ok = frames.allSatisfy { self.write($0) }
                written.withLock { $0 = ok }
                writing.leave()
            }
        }
        guard settle() else { return false }
        return send(table.stripped)
    }

    /// `rows` as chunk frames numbered from `index` on: one, or more when a frame would exceed the
    /// limit (halved until each fits); a row too large for a frame alone is the failure.
    private func encodeChunks(
        _ rows: ArraySlice<SocketEntry>, id: UInt64, list: TableChunk.List, last: Bool, index: inout Int
    ) -> Result<[[UInt8]], AgentError> {
        var chunk = TableChunk(id: id, index: index, last: last, list: list, rows: Array(rows))
        chunk.packsTCPInfo = packing.load(ordering: .relaxed)
        do {
            let bytes = try AgentFrameCodec.encode(.chunk(chunk), maxFrameSize: maxFrameSize)
            index += 1
            return .success([bytes])
        } catch {
            guard error.code == .oversized, rows.count > 1 else {
                return .failure(AgentError(error.code, "row \(rows.startIndex) of the table: \(error.message)"))
            }
            let middle = rows.startIndex + rows.count / 2
            return encodeChunks(rows[..<middle], id: id, list: list, last: false, index: &index).flatMap { first in
                encodeChunks(rows[middle...], id: id, list: list, last: last, index: &index).map { first + $0 }
            }
        }
    }
}

/// Keeps a stream's events whole and before its final frame: an event is sent under the gate's
/// lock, and `end()` takes the lock (waiting for an event being sent) and lets no event through after.
final class StreamGate: Sendable {
    private let ended = Mutex(false)

    /// Runs `send` unless the stream has ended.
    func sendUnlessEnded(_ send: () -> Void) {
        ended.withLock { ended in if !ended { send() } }
    }

    /// Ends the stream: returns once no event is being sent, and none will be.
    func end() { ended.withLock { $0 = true } }
}

extension AgentFrame {
    /// The request a frame belongs to, when it names one.
    var requestID: UInt64? {
        switch self {
        case .event(let id, _), .response(let id, _), .request(let id, _), .cancel(let id): id
        case .chunk(let chunk): chunk.id
        case .error(let error): error.id
        case .hello: nil
        }
    }
}
