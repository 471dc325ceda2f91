import Inspect
import TerminalUI

/// Background results for the Capture panel; each carries the generation of the source (or of the
/// request) it answers, so the panel drops stale ones.
public enum CaptureMessage: Sendable {
    /// A capture file was opened (its header read and its first packets indexed).
    case opened(CaptureOpened)
    /// A file could not be opened, or a live capture could not start.
    case sourceFailed(Generation, String)
    /// The background index of a file reached `count` packets.
    case indexed(CaptureIndexed)
    /// Rows of the packet list were dissected.
    case rowsLoaded(Generation, [PacketRow])
    /// The selected packet was dissected in detail.
    case detailLoaded(Generation, PacketDetail)
    /// A display-filter scan found more matches (or finished, or failed).
    case filterProgress(CaptureFilterProgress)
    /// The filter typed in a prompt was checked by libpcap: its error, or nil when it compiles.
    case filterChecked(Generation, String?)
    /// A search (string, bytes, conversation) ended: the display row found, or nil.
    case searchFinished(Generation, CaptureSearchResult)
    /// The interfaces a live capture can use on `host` (its client's label) were listed,
    /// or could not be (`error`: the link's message, an agent too old to list them).
    case interfacesListed([NetworkInterface], host: String, error: String? = nil)
    /// A live capture could not start (privileges, interface, filter).
    case liveFailed(Generation, String)
    /// A live capture is running into its store (held by the panel's browser engine).
    case liveStarted(Generation, LiveCaptureStarted)
    /// The store of a running live capture was sampled.
    case liveSampled(Generation, LiveSample)
    /// A live capture ended.
    case liveEnded(Generation, CaptureSummary)
    /// A save made progress or ended.
    case saveProgress(CaptureSaveProgress)
    /// The follow analysis read more packets.
    case followProgress(Generation, AnalysisProgress)
    /// The follow analysis ended: the stream, or why there is none.
    case followFinished(Generation, Result<FollowedStream, AnalysisError>)
    /// The statistics analysis read more packets.
    case statisticsProgress(Generation, AnalysisProgress)
    /// The statistics analysis ended.
    case statisticsFinished(Generation, Result<CaptureStatistics, AnalysisError>)
    /// The follow view's lines were formatted for a width (and the mode asked for).
    case followLinesBuilt(Generation, width: Int, [FollowLine])
    /// A followed stream was saved (or the save failed): the message to show.
    case streamSaved(Generation, text: String, failed: Bool)
    /// A read found that the file being browsed shrank (see ``CaptureSourceShrank``).
    case sourceShrank(CaptureSourceShrank)
}

/// A capture file the browser opened, ready to browse.
public struct CaptureOpened: Sendable {
    /// The source generation this answers.
    public var generation: Generation
    /// The file, as the browser engine holds it.
    public var file: CaptureFileInfo
}

/// Progress of a file's background index.
public struct CaptureIndexed: Sendable {
    /// The source generation.
    public var generation: Generation
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
}

/// The selected packet in detail: its bytes and its field tree as tree nodes with byte ranges.
public struct PacketDetail: Sendable {
    /// 0-based index of the packet in its source.
    public var index: Int
    /// The captured bytes.
    public var bytes: [UInt8]
    /// The field tree (node ids are key paths, so expansion carries over between packets).
    public var nodes: [TreeNode]
    /// The bytes each node covers, by node id.
    public var ranges: [String: Range<Int>]
    /// Why decoding stopped early, if it did.
    public var error: DecodeError?
    /// A Wireshark display filter matching the packet's conversation (both directions), when it has one.
    public var conversationFilter: String?

    /// The detail of a packet the browser engine dissected, its fields as tree nodes.
    init(_ packet: DissectedPacket) {
        func nodes(_ fields: [DissectedField]) -> [TreeNode] {
            fields.map { TreeNode(id: $0.id, label: $0.label, children: nodes($0.children)) }
        }
        self.init(
            index: packet.index, bytes: packet.bytes, nodes: nodes(packet.fields), ranges: packet.ranges, error: packet.error,
            conversationFilter: packet.conversationFilter)
    }

    /// Creates a detail.
    public init(
        index: Int, bytes: [UInt8], nodes: [TreeNode], ranges: [String: Range<Int>], error: DecodeError? = nil,
        conversationFilter: String? = nil
    ) {
        self.index = index
        self.bytes = bytes
        self.nodes = nodes
        self.ranges = ranges
        self.error = error
        self.conversationFilter = conversationFilter
    }
}

/// A chunk of display-filter results.
public struct CaptureFilterProgress: Sendable {
    /// The filter request this answers.
    public var generation: Generation
    /// Indices of matching packets found since the previous chunk, ascending.
    public var matches: [UInt32]
    /// Packets examined so far.
    public var scanned: Int
    /// Set on the last chunk.
    public var finished: Bool
    /// Set when the scan was cancelled.
    public var cancelled: Bool = false
    /// libpcap's error when the expression does not compile.
    public var error: String?
    /// Seconds the whole scan took (on the last chunk).
    public var seconds: Double?
    /// The first packet the scan covers (`scanned` counts from it): 0, or where a live capture's
    /// newer packets begin.
    public var start = 0
}

/// The outcome of a search.
public struct CaptureSearchResult: Sendable {
    /// The display row of the packet found, or nil.
    public var row: Int?
    /// What was searched for, for the message.
    public var what: String
}

/// A live capture that started: the browser engine holds it (its store is the source `source`).
public struct LiveCaptureStarted: Hashable, Sendable {
    /// The capture's id in the panel's browser.
    public var source: CaptureSourceID
    /// The interface captured (the stream's first for a pipe).
    public var interface: String
    /// What was asked for.
    public var options: LiveCaptureOptions
    /// Where the packets come from.
    public var origin: CaptureOrigin
}

/// Progress of a save.
public struct CaptureSaveProgress: Sendable {
    /// The save request this answers.
    public var generation: Generation
    /// Packets written so far.
    public var written: Int
    /// Packets to write.
    public var total: Int
    /// Set when done (or failed).
    public var finished: Bool
    /// Why the save failed.
    public var error: String?
    /// Where it went.
    public var path: String
}
