import Dispatch

/// Rows of a socket-table reply too large for one frame (protocol 3). A 20,000-row table with
/// tcp_info is about 40 MB of JSON (14 MB with tcp_info packed, protocol 5), over
/// ``AgentProtocol/maxFrameSize``: the agent sends its rows
/// ahead of the reply in chunk frames, numbered from 0 for each reply, the last marked `last`;
/// then the `event` or `response` frame carries the reply with those rows left out, and the
/// client puts them back, in order, into the list each chunk names.
public struct TableChunk: Hashable, Sendable, Codable {
    /// Which list of the reply a chunk's rows belong to.
    public enum List: String, Hashable, Sendable, Codable {
        /// `sockets`: the snapshot's `entries`.
        case entries
        /// `socketChanges`: its diff's `added` rows.
        case added
        /// `socketChanges`: its diff's `removed` rows.
        case removed
        /// `socketChanges`: its diff's `changed` rows.
        case changed
    }

    /// The request whose next reply the rows belong to.
    public var id: UInt64
    /// The chunk's place in its reply's sequence, from 0.
    public var index: Int
    /// True on the reply's last chunk: its `event` or `response` frame comes next.
    public var last: Bool
    /// The list the rows are appended to.
    public var list: List
    /// The rows, in the table's order (empty when they were kept as ``json``).
    public var rows: [SocketEntry]
    /// On a client that asked to keep request `id`'s rows as the agent wrote them (see
    /// ``TableChunk/keepsRowsKey``): the rows' JSON, and ``rows`` empty. Never sent.
    public var json: JSONRows?
    /// Whether ``encode(to:)`` writes each row's `tcp_info` packed (`tcp.info_values`, protocol
    /// 5), as an agent does for a client that speaks it. How the rows are written, not what they
    /// are: decoding reads either form and leaves this false.
    public var packsTCPInfo = false

    /// Creates a chunk.
    public init(id: UInt64, index: Int, last: Bool, list: List, rows: [SocketEntry]) {
        self.id = id
        self.index = index
        self.last = last
        self.list = list
        self.rows = rows
    }

    /// The key of a decoding `userInfo` entry, a `@Sendable (UInt64) -> Bool`, that says of a
    /// request id whether its chunks' rows are kept as ``JSONRows`` instead of decoded.
    public static let keepsRowsKey = CodingUserInfoKey(rawValue: "socktui.keepsTableRows")!

    enum CodingKeys: String, CodingKey { case id, index, last, list, rows }

    /// Equal when the rows and where they go are: ``packsTCPInfo`` says only how they are written.
    public static func == (lhs: TableChunk, rhs: TableChunk) -> Bool {
        lhs.id == rhs.id && lhs.index == rhs.index && lhs.last == rhs.last && lhs.list == rhs.list && lhs.rows == rhs.rows
            && lhs.json == rhs.json
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(index)
        hasher.combine(last)
        hasher.combine(list)
        hasher.combine(rows)
        hasher.combine(json)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UInt64.self, forKey: .id)
        index = try container.decode(Int.self, forKey: .index)
        last = try container.decode(Bool.self, forKey: .last)
        list = try container.decode(List.self, forKey: .list)
        if let keeps = decoder.userInfo[Self.keepsRowsKey] as? @Sendable (UInt64) -> Bool, keeps(id) {
            rows = []
            json = try container.decode(JSONRows.self, forKey: .rows)
        } else {
            rows = try container.decode([SocketEntry].self, forKey: .rows)
        }
    }

    /// Writes the chunk (a chunk whose rows were kept as JSON cannot be sent again).
    public func encode(to encoder: any Encoder) throws {
        guard json == nil else {
            throw EncodingError.invalidValue(
                self, .init(codingPath: [], debugDescription: "a chunk whose rows were kept as JSON is not sent"))
        }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(index, forKey: .index)
        try container.encode(last, forKey: .last)
        try container.encode(list, forKey: .list)
        if packsTCPInfo {
            try container.encode(rows.map(PackedSocketRow.init), forKey: .rows)
        } else {
            try container.encode(rows, forKey: .rows)
        }
    }
}

/// How much of a chunked reply a client holds before the reply frame completes it: more is
/// refused, and the request fails, so a hostile or broken agent cannot make the client allocate
/// without bound (each frame is limited by ``AgentProtocol/maxFrameSize`` already).
public struct TableChunkLimits: Hashable, Sendable {
    /// Rows held, over every reply being assembled on one link.
    public var rows: Int
    /// Frame bytes of the chunks held, over every reply being assembled on one link.
    public var bytes: Int
    /// Chunk frames of one reply.
    public var chunks: Int

    /// Creates limits.
    public init(rows: Int, bytes: Int, chunks: Int) {
        self.rows = rows
        self.bytes = bytes
        self.chunks = chunks
    }

    /// A client's limits: 1,048,576 rows, 1 GiB of chunk frames, 4096 chunks a reply (a
    /// 20,000-row table with tcp_info is 20 chunks, 14 MB packed or 40 MB with every key).
    public static let standard = TableChunkLimits(rows: 1 << 20, bytes: 1 << 30, chunks: 4096)
}

extension AgentFrame {
    /// The rows a reply frame could send ahead in chunks, list by list, and the frame without
    /// them; nil for a frame that carries no socket table.
    var tableRows: (id: UInt64, lists: [(TableChunk.List, [SocketEntry])], stripped: AgentFrame)? {
        let id: UInt64, reply: AgentReply, event: Bool
        switch self {
        case .event(let frameID, let frameReply): (id, reply, event) = (frameID, frameReply, true)
        case .response(let frameID, let frameReply): (id, reply, event) = (frameID, frameReply, false)
        default: return nil
        }
        let lists: [(TableChunk.List, [SocketEntry])]
        let stripped: AgentReply
        switch reply {
        case .sockets(var snapshot):
            lists = [(.entries, snapshot.entries)]
            snapshot.entries = []
            stripped = .sockets(snapshot)
        case .socketChanges(var changes):
            lists = [(.added, changes.diff.added), (.removed, changes.diff.removed), (.changed, changes.diff.changed)]
            changes.diff.added = []
            changes.diff.removed = []
            changes.diff.changed = []
            stripped = .socketChanges(changes)
        default: return nil
        }
        return (id, lists, event ? .event(id: id, reply: stripped) : .response(id: id, reply: stripped))
    }
}

/// Puts chunked replies back together on the client, one sequence per request, checking each
/// chunk's place and the ``TableChunkLimits`` as it arrives.
struct TableChunkAssembler {
    /// What to do with a frame.
    enum Outcome {
        /// Hand this frame on (a reply with its chunks' rows put back, or any other frame).
        case deliver(AgentFrame)
        /// Hand this `sockets` reply on with the rows its chunks carried as JSON (a request whose
        /// rows are kept, ``TableChunk/json``), in order before the reply's own `entries`.
        case deliverKept(AgentFrame, rows: [JSONRows])
        /// A chunk, held until its reply arrives.
        case held
        /// The request `id`'s reply cannot be assembled: it fails with `error` (its chunks are dropped).
        case failed(id: UInt64, error: AgentError)
    }

    private struct Sequence {
        var next = 0
        var ended = false
        var rows: [TableChunk.List: [SocketEntry]] = [:]
        /// Rows kept as JSON (only a `sockets` table's, list `entries`), chunk by chunk.
        var json: [JSONRows] = []
        var rowCount = 0
        var bytes = 0

        /// The rows chunked for `list`, then `rest` (the reply's own), moved out without a copy.
        mutating func take(_ list: TableChunk.List, before rest: [SocketEntry]) -> [SocketEntry] {
            guard var rows = self.rows.removeValue(forKey: list) else { return rest }
            rows.append(contentsOf: rest)
            return rows
        }
    }

    let limits: TableChunkLimits
    /// Prefixes every message (the host's label).
    let label: String
    private var open: [UInt64: Sequence] = [:]
    /// Rows and bytes held over every open sequence.
    private(set) var heldRows = 0
    private(set) var heldBytes = 0

    init(limits: TableChunkLimits = .standard, label: String) {
        self.limits = limits
        self.label = label
    }

    /// Takes the agent's next frame, `size` bytes encoded (0 for a frame passed as a value).
    mutating func accept(_ frame: AgentFrame, size: Int) -> Outcome {
        switch frame {
        case .chunk(let chunk): return accept(chunk, size: size)
        case .event(let id, let reply), .response(let id, let reply):
            guard var sequence = close(id) else { return .deliver(frame) }
            guard sequence.ended else {
                return fail(id, .invalid, "its reply came after chunk \(sequence.next - 1) without the last chunk (chunks missing)")
            }
            let merged: AgentReply
            switch reply {
            case .sockets(var snapshot):
                guard sequence.rows.keys.allSatisfy({ $0 == .entries }) else {
                    return fail(id, .invalid, "chunks of a socketChanges list (\(Self.names(sequence))) before a sockets reply")
                }
                snapshot.entries = sequence.take(.entries, before: snapshot.entries)
                if !sequence.json.isEmpty {
                    guard sequence.rows.isEmpty else { return fail(id, .invalid, "chunks of rows both kept as JSON and decoded") }
                    let reply: AgentFrame =
                        if case .event = frame { .event(id: id, reply: .sockets(snapshot)) } else {
                            .response(id: id, reply: .sockets(snapshot))
                        }
                    return .deliverKept(reply, rows: sequence.json)
                }
                merged = .sockets(snapshot)
            case .socketChanges(var changes):
                guard sequence.rows[.entries] == nil, sequence.json.isEmpty else {
                    return fail(id, .invalid, "chunks of a sockets table (entries) before a socketChanges reply")
                }
                changes.diff.added = sequence.take(.added, before: changes.diff.added)
                changes.diff.removed = sequence.take(.removed, before: changes.diff.removed)
                changes.diff.changed = sequence.take(.changed, before: changes.diff.changed)
                merged = .socketChanges(changes)
            default:
                return fail(id, .invalid, "chunks before a reply that carries no socket table")
            }
            if case .event = frame { return .deliver(.event(id: id, reply: merged)) }
            return .deliver(.response(id: id, reply: merged))
        case .error(let error):
            if let id = error.id { _ = close(id) }
            return .deliver(frame)
        case .hello, .request, .cancel:
            return .deliver(frame)
        }
    }

    /// Drops what is held for `id` (its request ended or failed).
    mutating func discard(_ id: UInt64) { _ = close(id) }

    private mutating func accept(_ chunk: TableChunk, size: Int) -> Outcome {
        // Taken out while it grows, so its row arrays are appended to in place, not copied.
        var sequence = open.removeValue(forKey: chunk.id) ?? Sequence()
        func refuse(_ code: AgentErrorCode, _ why: String) -> Outcome {
            heldRows -= sequence.rowCount
            heldBytes -= sequence.bytes
            return fail(chunk.id, code, why)
        }
        if sequence.ended {
            return refuse(.invalid, "chunk \(chunk.index) came after the last chunk (\(sequence.next - 1))")
        }
        guard chunk.index == sequence.next else {
            let missing = chunk.index > sequence.next ? " (chunk \(sequence.next) missing)" : ""
            let after = sequence.next == 0 ? "first" : "after chunk \(sequence.next - 1)"
            return refuse(.invalid, "chunk \(chunk.index) came \(after)\(missing)")
        }
        guard chunk.index < limits.chunks else {
            return refuse(.oversized, "more than \(limits.chunks) chunks for one reply")
        }
        let count = chunk.json?.count ?? chunk.rows.count
        if chunk.json != nil, chunk.list != .entries {
            return refuse(.invalid, "chunk \(chunk.index) keeps rows of list \(chunk.list.rawValue) as JSON (only a sockets table's are)")
        }
        guard heldRows + count <= limits.rows else {
            return refuse(.oversized, "the table exceeds this client's limit of \(limits.rows) rows")
        }
        guard heldBytes + size <= limits.bytes else {
            return refuse(.oversized, "the table exceeds this client's limit of \(limits.bytes) bytes of chunks")
        }
        sequence.next += 1
        sequence.ended = chunk.last
        if let json = chunk.json {
            sequence.json.append(json)
        } else {
            sequence.rows[chunk.list, default: []].append(contentsOf: chunk.rows)
        }
        sequence.rowCount += count
        sequence.bytes += size
        heldRows += count
        heldBytes += size
        open[chunk.id] = sequence
        return .held
    }

    /// Removes `id`'s sequence and what it held from the totals.
    private mutating func close(_ id: UInt64) -> Sequence? {
        guard let sequence = open.removeValue(forKey: id) else { return nil }
        heldRows -= sequence.rowCount
        heldBytes -= sequence.bytes
        return sequence
    }

    /// The failure of `id`'s reply (its sequence already removed).
    private func fail(_ id: UInt64, _ code: AgentErrorCode, _ why: String) -> Outcome {
        return .failed(id: id, error: AgentError(code, "\(label): the agent's socket table for request \(id) was refused: \(why)", id: id))
    }

    private static func names(_ sequence: Sequence) -> String {
        sequence.rows.keys.map(\.rawValue).sorted().joined(separator: ", ")
    }
}

/// Where an agent's socket tables come from: this host's ``SocketTable``, or a scripted source
/// (tests and benchmarks of tables larger than the host holds).
public protocol AgentSocketSource: Sendable {
    /// One snapshot, taken on the calling thread.
    func snapshot(_ query: SocketQuery) -> SocketSnapshot
    /// A snapshot every `interval` seconds, each with its diff from the previous one, until the
    /// handle is cancelled.
    func refresh(
        _ query: SocketQuery, every interval: Double, update: @escaping @Sendable (SocketSnapshot, SocketDiff) -> Void
    )
        -> RefreshHandle
}

extension SocketTable: AgentSocketSource {}

extension AgentSocketSource {
    /// Snapshots on a timer of a serial queue of their own, diffed against the one before.
    public func refresh(
        _ query: SocketQuery, every interval: Double, update: @escaping @Sendable (SocketSnapshot, SocketDiff) -> Void
    ) -> RefreshHandle {
        let timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "socktui.agent-sockets"))
        let previous = LockedEntries()
        timer.schedule(deadline: .now(), repeating: max(0.1, interval))
        timer.setEventHandler {
            let snapshot = self.snapshot(query)
            update(snapshot, SocketDiff(old: previous.swap(snapshot.entries), new: snapshot.entries))
        }
        timer.resume()
        return RefreshHandle(timer: timer)
    }
}
