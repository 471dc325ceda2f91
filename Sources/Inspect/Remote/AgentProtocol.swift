import Foundation

/// The version of the agent protocol this build speaks (`socktui agent` over ssh).
///
/// A frame is a 4-byte big-endian length followed by that many bytes of JSON encoding one
/// `AgentFrame`. Each side sends a `hello` first; requests carry ids chosen by the client, and
/// every request ends with exactly one `response` or `error` frame carrying its id, after any
/// number of `event` frames (streams). A `cancel` ends a stream early (its final frame still
/// comes). A frame the agent cannot use is answered by an `error` frame naming the problem
/// and the frame's ordinal; the connection stays usable.
///
/// Versions grow additively: a new request kind is listed in the agent's
/// `AgentCapabilities.services`, and a client asks for it only when the agent lists it (an older
/// agent answers an unknown kind with an `unknown-request` error, and the connection stays usable).
/// Version 2 added `interfaces`, and a capture's first `captureChunk` carrying only the pcapng
/// section header and interface description as soon as the capture is running. Version 3 added
/// `chunk` frames: a socket table of more than ``AgentProtocol/chunkRows`` rows goes out as its
/// rows in chunk frames, then its reply frame without them (see ``TableChunk``); an agent sends
/// them only to a client whose hello speaks version 3. Version 4 writes frames in socktui's one JSON
/// schema (docs/json.md): snake_case keys, and every frame and union a `{"kind": …}` object
/// instead of Swift's `{"case":{"_0":…}}`; it is the oldest version this build speaks, and an older
/// peer's hello (`{"hello":{…}}`) is read only to say which versions the two sides speak.
/// Version 5 packs `tcp_info` in chunk frames: a row's `tcp` carries `info_values`, the values
/// of `info` in ``SocketKit/TCPInfo/jsonMembers`` order, instead of the object with its keys (a
/// fifth of the bytes; 20,000 rows went from 40 MB to 14); an agent packs them only for a client
/// whose hello speaks version 5, and a client reads either.
public enum AgentProtocol {
    /// The protocol version of this build.
    public static let version = 5
    /// The oldest version this build still speaks (frames before 4 were written differently).
    public static let minimumVersion = 4
    /// The largest frame body either side accepts (16 MiB); larger frames are refused unread.
    public static let maxFrameSize = 16 << 20
    /// The largest pcapng chunk put into one capture event (well below `maxFrameSize` after base64).
    public static let maxCaptureChunk = 1 << 20
    /// Rows of a socket table per `chunk` frame (about 2 MB of JSON with tcp_info, 0.7 MB packed): a table with
    /// more rows goes out in chunks (protocol 3). A chunk that still exceeds the frame limit
    /// (rows with very many owners) is halved until it fits.
    public static let chunkRows = 1000
    /// The first protocol version with `chunk` frames.
    public static let chunkVersion = 3
    /// The first protocol version whose chunk frames carry `tcp_info` packed (`info_values`).
    public static let packedTCPInfoVersion = 5
    /// The JSON schema of the values frames carry (the same as every command's `--json`): a peer
    /// naming another schema is refused, whatever its protocol version. A hello without one (a
    /// build from before the field) means this first schema.
    public static let schema = "socktui/1"
}

/// What a side of the connection is and can do, exchanged first.
public struct AgentHello: Hashable, Sendable, Codable {
    /// The newest protocol version the sender speaks.
    public var protocolVersion: Int
    /// The oldest protocol version the sender speaks.
    public var minimumVersion: Int
    /// `socktui VERSION`.
    public var software: String
    /// `agent` or `client`.
    public var role: String
    /// The agent's capabilities (nil in a client's hello).
    public var capabilities: AgentCapabilities?
    /// The JSON schema of the values in the sender's frames (`socktui/1`; see `AgentProtocol.schema`).
    public var schema: String

    /// Creates a hello.
    public init(
        protocolVersion: Int = AgentProtocol.version, minimumVersion: Int = AgentProtocol.minimumVersion,
        software: String, role: String, capabilities: AgentCapabilities? = nil, schema: String = AgentProtocol.schema
    ) {
        self.protocolVersion = protocolVersion
        self.minimumVersion = minimumVersion
        self.software = software
        self.role = role
        self.capabilities = capabilities
        self.schema = schema
    }

    private enum CodingKeys: String, CodingKey { case protocolVersion, minimumVersion, software, role, capabilities, schema }

    /// Decodes a hello; one without `schema` (an older build's) speaks `socktui/1`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            protocolVersion: try container.decode(Int.self, forKey: .protocolVersion),
            minimumVersion: try container.decode(Int.self, forKey: .minimumVersion),
            software: try container.decode(String.self, forKey: .software), role: try container.decode(String.self, forKey: .role),
            capabilities: try container.decodeIfPresent(AgentCapabilities.self, forKey: .capabilities),
            schema: try container.decodeIfPresent(String.self, forKey: .schema) ?? "socktui/1")
    }

    /// The version both sides speak, or nil when their ranges do not overlap.
    public func agreedVersion(with other: AgentHello) -> Int? {
        let version = min(protocolVersion, other.protocolVersion)
        return version >= max(minimumVersion, other.minimumVersion) ? version : nil
    }
}

/// What the agent's host allows: privileges, kernel, and which requests it serves.
public struct AgentCapabilities: Hashable, Sendable, Codable {
    /// The host's name (`gethostname`).
    public var hostName: String
    /// Running as uid 0.
    public var root: Bool
    /// CAP_NET_RAW is effective (live capture possible).
    public var netRaw: Bool
    /// CAP_NET_ADMIN is effective (promiscuous mode, other processes' sockets).
    public var netAdmin: Bool
    /// `uname -r`.
    public var kernel: String
    /// `uname -m` (the binary's architecture, for `--push`).
    public var machine: String
    /// Kernel features found: `sock_diag`, `tpacket_v3`, `tcp_info`.
    public var kernelFeatures: [String]
    /// The request kinds this agent serves.
    public var services: [String]

    /// Creates capabilities.
    public init(
        hostName: String, root: Bool, netRaw: Bool, netAdmin: Bool, kernel: String, machine: String,
        kernelFeatures: [String], services: [String]
    ) {
        self.hostName = hostName
        self.root = root
        self.netRaw = netRaw
        self.netAdmin = netAdmin
        self.kernel = kernel
        self.machine = machine
        self.kernelFeatures = kernelFeatures
        self.services = services
    }
}

/// A request to an agent: one call into an engine, or a stream.
public enum AgentRequest: Hashable, Sendable {
    /// Answers `pong` (liveness, round-trip time).
    case ping
    /// One resolver call; answered by `resolved`.
    case resolve(ResolverRequest)
    /// One socket-table snapshot; answered by `sockets`.
    case sockets(SocketQuery)
    /// One snapshot sent as the changes since generation `since` of the same query on this
    /// connection (the whole table when the agent no longer holds it); answered by `socketChanges`.
    case socketChanges(SocketQuery, since: UInt64?)
    /// A snapshot every `interval` seconds as `socketChanges` events (the first the whole table,
    /// then the changes since the previous event), until cancelled (then `cancelled`).
    case watchSockets(SocketQuery, interval: Double)
    /// Every option of one socket; answered by `socketOptions`.
    case socketOptions(OptionTarget)
    /// A connection test run from the agent's host: `testProgress` events, then `testFinished`.
    case connTest(ConnTestRequest)
    /// A live capture on the agent's host (kernel filter there): `captureChunk` events carrying
    /// pcapng blocks and the kernel counters, then `captureEnded` (at its count, or when cancelled).
    case capture(LiveCaptureOptions)
    /// The host's network interfaces, as a capture form lists them; answered by `interfaces`
    /// (protocol 2: ask only when the agent's services list it).
    case interfaces

    /// The request's kind, as `AgentCapabilities.services` lists it.
    public var kind: String {
        switch self {
        case .ping: "ping"
        case .resolve: "resolve"
        case .sockets: "sockets"
        case .socketChanges: "socket_changes"
        case .watchSockets: "watch_sockets"
        case .socketOptions: "socket_options"
        case .connTest: "conn_test"
        case .capture: "capture"
        case .interfaces: "interfaces"
        }
    }

    /// Every request kind this build knows.
    public static let kinds = [
        "ping", "resolve", "sockets", "socket_changes", "watch_sockets", "socket_options", "conn_test", "capture", "interfaces"
    ]
}

/// Part of a remote capture: pcapng bytes (the first chunk starts with the section header and
/// interface description) and the remote kernel's counters after them.
public struct CaptureChunk: Hashable, Sendable, Codable {
    /// Whole pcapng blocks.
    public var pcapng: Data
    /// Packets in `pcapng`.
    public var packets: Int
    /// The remote kernel's received/dropped counters.
    public var kernel: KernelCaptureStatistics

    /// Creates a chunk.
    public init(pcapng: Data, packets: Int, kernel: KernelCaptureStatistics) {
        self.pcapng = pcapng
        self.packets = packets
        self.kernel = kernel
    }
}

/// A reply or stream item from an agent.
public enum AgentReply: Hashable, Sendable {
    /// Answer to `ping`.
    case pong
    /// A resolver call's outcome (its failure included).
    case resolved(ResolverOutcome)
    /// A socket-table snapshot.
    case sockets(SocketSnapshot)
    /// A socket table as changes since a generation the client holds.
    case socketChanges(SocketChanges)
    /// One socket's options.
    case socketOptions(SocketOptionsReport)
    /// Progress of a connection test.
    case testProgress(ConnTestEvent)
    /// A connection test's result.
    case testFinished(ConnTestResult)
    /// Captured packets as pcapng blocks.
    case captureChunk(CaptureChunk)
    /// A capture's end, with the remote kernel's counters.
    case captureEnded(CaptureSummary)
    /// The host's network interfaces (answer to `interfaces`).
    case interfaces([NetworkInterface])
    /// A stream ended by `cancel`.
    case cancelled
}

/// Why a frame or request failed, as a stable code.
public enum AgentErrorCode: String, Hashable, Sendable, Codable {
    /// The frame is not JSON, or not an object.
    case malformed
    /// The length prefix exceeds `AgentProtocol.maxFrameSize`.
    case oversized
    /// The frame is truncated at the end of the input.
    case truncated
    /// The frame's kind is not one this side knows.
    case unknownFrame = "unknown-frame"
    /// The request's kind is not one this agent serves.
    case unknownRequest = "unknown-request"
    /// The frame's fields do not fit its kind.
    case invalid
    /// The peer's protocol versions do not overlap ours.
    case version
    /// A request reused the id of one still running.
    case duplicateID = "duplicate-id"
    /// A cancel named no running request.
    case noSuchRequest = "no-such-request"
    /// The engine failed (the message says how).
    case failed
    /// The frame was valid but makes no sense in this direction (a client sent a response).
    case unexpected
}

/// An error frame: what was wrong, and which request or incoming frame it answers.
public struct AgentError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The kind of problem.
    public var code: AgentErrorCode
    /// A sentence for the user.
    public var message: String
    /// The request this ends, when known.
    public var id: UInt64?
    /// The 1-based ordinal of the incoming frame that caused it (for frame-level errors).
    public var frame: Int?

    /// Creates an error.
    public init(_ code: AgentErrorCode, _ message: String, id: UInt64? = nil, frame: Int? = nil) {
        self.code = code
        self.message = message
        self.id = id
        self.frame = frame
    }

    public var description: String { message }
}

/// One frame of the agent protocol.
public enum AgentFrame: Hashable, Sendable {
    /// Versions and capabilities; each side sends one first.
    case hello(AgentHello)
    /// A client's request.
    case request(id: UInt64, request: AgentRequest)
    /// A stream item for request `id`; more frames follow.
    case event(id: UInt64, reply: AgentReply)
    /// The last frame for request `id`.
    case response(id: UInt64, reply: AgentReply)
    /// Asks the agent to end stream `id`.
    case cancel(id: UInt64)
    /// A problem; with an id it is the last frame of that request.
    case error(AgentError)
    /// Rows of the next `event` or `response` frame of request `chunk.id`, sent ahead of it
    /// because the whole table would make a frame too large (protocol 3; see ``TableChunk``).
    case chunk(TableChunk)

    /// The frame kinds, as the JSON's `"kind"`.
    public static let kinds = ["hello", "request", "event", "response", "cancel", "error", "chunk"]
}
