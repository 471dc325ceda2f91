/// A packet source a ``CaptureBrowser`` holds (an open file or a live capture's store), by number.
public struct CaptureSourceID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The number, unique within its browser.
    public var rawValue: UInt64

    /// Creates an id.
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    public var description: String { "source \(rawValue)" }
}

/// A request to a ``CaptureBrowser``: plain values, so it could go to a browser on another host.
public enum CaptureBrowserRequest: Hashable, Sendable, Codable {
    /// Opens a pcap or pcapng file and indexes its first `firstPackets` packets; answered by `opened`.
    case open(path: String, firstPackets: Int)
    /// Indexes the rest of a file in chunks of `chunk` packets (a stream of `indexed` events, the
    /// last with `done` set), releasing the mapped pages it has scanned past.
    case index(CaptureSourceID, chunk: Int)
    /// Dissects the packets at `indices` into list rows; `previous[i]` is the packet displayed
    /// before `indices[i]` (its time gives the delta column). `processes` fills the Process column
    /// (a live capture with a process matcher attached). Answered by `rows`.
    case rows(CaptureSourceID, indices: [Int], previous: [Int?], processes: Bool)
    /// Dissects one packet with its field tree; answered by `detail`.
    case dissect(CaptureSourceID, index: Int, verifyChecksums: Bool)
    /// Runs a display filter (``PacketFilter``: Wireshark's language, or tcpdump's after `bpf:`) over `range` (all packets when nil): `filterMatches`
    /// events, then `filterFinished`.
    case filter(CaptureSourceID, expression: String, range: Range<Int>?)
    /// What a source holds now (its packet count, its first interface's link type); answered by `info`.
    case info(CaptureSourceID)
    /// Searches the displayed packets row by row from a row, wrapping around (see
    /// ``CaptureSearch``); answered by `searchFinished`, cancelled by the request's cancel flag.
    case search(CaptureSourceID, CaptureSearch)
    /// Writes packets to a pcap or pcapng file (see ``CaptureSave``): `saveProgress` events, then
    /// `saved`, or `failed` (also when cancelled: the file keeps what was written).
    case save(CaptureSourceID, CaptureSave)
    /// Follows one TCP or UDP stream, reassembled: `analysisProgress` events, then `followed`, or
    /// `analysisFailed` (`cancelled` when the cancel flag was set).
    case follow(CaptureSourceID, FollowRequest)
    /// Computes protocol hierarchy, conversation and endpoint statistics over every packet:
    /// `analysisProgress` events, then `statistics`, or `analysisFailed`.
    case statistics(CaptureSourceID, StatisticsRequest)
}

/// A reply or stream item from a ``CaptureBrowser``.
public enum CaptureBrowserReply: Hashable, Sendable, Codable {
    /// A file was opened.
    case opened(CaptureFileInfo)
    /// A file's index progressed (or finished).
    case indexed(CaptureIndexProgress)
    /// List rows; `shrank` when a read found the file shorter than indexed.
    case rows([PacketRow], shrank: CaptureShrink?)
    /// One packet dissected in detail; `shrank` as for rows.
    case detail(DissectedPacket?, shrank: CaptureShrink?)
    /// Matching packet indices found since the previous event (ascending) and packets examined so far.
    case filterMatches([UInt32], scanned: Int)
    /// The end of a filter run: packets examined, whether it was cancelled, seconds taken.
    case filterFinished(scanned: Int, cancelled: Bool, seconds: Double)
    /// The request failed: a sentence for the user.
    case failed(String)
    /// What a source holds now.
    case info(CaptureSourceInfo)
    /// The end of a search: the display row of the first match, or nil (none, or `cancelled`).
    case searchFinished(row: Int?, cancelled: Bool)
    /// A save wrote `written` of its `total` packets so far.
    case saveProgress(written: Int, total: Int)
    /// A save wrote its packets and closed the file.
    case saved(CaptureSaveSummary)
    /// A follow or statistics analysis read more packets.
    case analysisProgress(AnalysisProgress)
    /// The followed stream.
    case followed(FollowedStream)
    /// The statistics computed.
    case statistics(CaptureStatistics)
    /// A follow or statistics analysis produced no result: why.
    case analysisFailed(AnalysisError)
}

/// A capture file the browser opened.
public struct CaptureFileInfo: Hashable, Sendable, Codable {
    /// Its id for later requests.
    public var source: CaptureSourceID
    /// The path it was opened from.
    public var path: String
    /// pcap or pcapng.
    public var format: CaptureFileFormat
    /// Packets indexed so far.
    public var indexedCount: Int
    /// The link type of its first interface.
    public var linkType: LinkType

    /// Creates the description of an opened file.
    public init(source: CaptureSourceID, path: String, format: CaptureFileFormat, indexedCount: Int, linkType: LinkType) {
        self.source = source
        self.path = path
        self.format = format
        self.indexedCount = indexedCount
        self.linkType = linkType
    }
}

/// Progress of a file's background index.
public struct CaptureIndexProgress: Hashable, Sendable, Codable {
    /// Packets indexed so far.
    public var count: Int
    /// Share of the file's bytes indexed, 0...1.
    public var fraction: Double
    /// True once the index reached the end of the file (or its damage).
    public var done: Bool
    /// Where the file is damaged, once reached.
    public var damage: String?
    /// Timestamp of the first packet, once known.
    public var firstTimestamp: PacketTimestamp?

    /// Creates a progress report.
    public init(count: Int, fraction: Double, done: Bool, damage: String? = nil, firstTimestamp: PacketTimestamp? = nil) {
        self.count = count
        self.fraction = fraction
        self.done = done
        self.damage = damage
        self.firstTimestamp = firstTimestamp
    }
}

/// A file found shorter than it was indexed (truncated while browsed).
public struct CaptureShrink: Hashable, Sendable, Codable {
    /// Packets still readable.
    public var count: Int
    /// Where and how it shrank.
    public var damage: String

    /// Creates a shrink report.
    public init(count: Int, damage: String) {
        self.count = count
        self.damage = damage
    }
}

/// Why a packet row stands out, as Wireshark's colouring rules single rows out.
public enum PacketRowMark: String, Hashable, Sendable, Codable {
    /// Wireshark's "Bad TCP": an analysis flag other than a window update or a keep-alive.
    case badTCP = "bad-tcp"
}

/// One row of the packet list, dissected off the UI thread.
public struct PacketRow: Hashable, Sendable, Codable {
    /// 0-based index of the packet in its source.
    public var index: Int
    /// Capture time.
    public var timestamp: PacketTimestamp
    /// Capture time of the previous displayed packet (for the delta time column).
    public var previous: PacketTimestamp?
    /// Source column.
    public var source: String
    /// Destination column.
    public var destination: String
    /// Protocol column.
    public var protocolName: String
    /// Length on the wire.
    public var length: Int
    /// Info column.
    public var info: String
    /// The processes owning the packet's sockets (`curl(412) → nginx(88)`), for a live capture; empty
    /// when unknown or for a file.
    public var process = ""
    /// How the row stands out, when it does (a TCP segment the sequence analysis flags as trouble).
    public var mark: PacketRowMark?

    /// Creates a row.
    public init(
        index: Int, timestamp: PacketTimestamp, previous: PacketTimestamp? = nil, source: String, destination: String,
        protocolName: String, length: Int, info: String, process: String = ""
    ) {
        self.index = index
        self.timestamp = timestamp
        self.previous = previous
        self.source = source
        self.destination = destination
        self.protocolName = protocolName
        self.length = length
        self.info = info
        self.process = process
    }
}

/// One node of a dissected packet's field tree; its id is a key path (`ip/ttl`, `tcp/options/mss#1`),
/// stable between packets of the same shape.
public struct DissectedField: Hashable, Sendable, Codable {
    /// The key path.
    public var id: String
    /// `Label: value`.
    public var label: String
    /// The nodes under it.
    public var children: [DissectedField]

    /// Creates a node.
    public init(id: String, label: String, children: [DissectedField] = []) {
        self.id = id
        self.label = label
        self.children = children
    }
}

/// A packet in detail: its bytes, its field tree with byte ranges, its conversation.
public struct DissectedPacket: Hashable, Sendable, Codable {
    /// 0-based index of the packet in its source.
    public var index: Int
    /// The captured bytes.
    public var bytes: [UInt8]
    /// The field tree (an `error` node last when decoding stopped early).
    public var fields: [DissectedField]
    /// The bytes each node covers, by node id.
    public var ranges: [String: Range<Int>]
    /// Why decoding stopped early, if it did.
    public var error: DecodeError?
    /// A tcpdump filter matching the packet's conversation (both directions), when it has one.
    public var conversationFilter: String?

    /// Creates a dissected packet.
    public init(
        index: Int, bytes: [UInt8], fields: [DissectedField], ranges: [String: Range<Int>], error: DecodeError? = nil,
        conversationFilter: String? = nil
    ) {
        self.index = index
        self.bytes = bytes
        self.fields = fields
        self.ranges = ranges
        self.error = error
        self.conversationFilter = conversationFilter
    }
}
