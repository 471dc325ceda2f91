import SocketKit

/// The kind of a socket, named as `ss` names its Netid column.
public enum SocketKind: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case tcp, udp, raw
    case unixStream = "u_str", unixDatagram = "u_dgr", unixSequencedPacket = "u_seq"
    case packetRaw = "p_raw", packetDatagram = "p_dgr"

    /// True for the IP kinds (tcp, udp, raw).
    public var isInet: Bool { self == .tcp || self == .udp || self == .raw }
    /// True for AF_UNIX kinds.
    public var isUnix: Bool { rawValue.hasPrefix("u_") }
    /// True for AF_PACKET kinds.
    public var isPacket: Bool { rawValue.hasPrefix("p_") }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// One end of a socket: an address (numeric IP, AF_UNIX name, interface) and a port.
public struct SocketEndpoint: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Numeric address (`127.0.0.1`, `::1`, `*` for the wildcard), a UNIX path or `@abstract`
    /// name, or an interface name for packet sockets.
    public var address: String
    /// The port, for IP sockets; nil for others.
    public var port: Int?

    /// Creates an endpoint.
    public init(address: String, port: Int?) {
        self.address = address
        self.port = port
    }

    /// `127.0.0.1:80`, `[::1]:80`, `0.0.0.0:*` (port 0 of a wildcard), `/run/x.sock`, as ss prints them.
    public var description: String {
        guard let port else { return address }
        // A byte scan, not Foundation's `contains` (tens of thousands of rows per table).
        let host = address.utf8.contains(UInt8(ascii: ":")) ? "[" + address + "]" : address
        return host + ":" + (port == 0 && (address == "*" || address == "0.0.0.0" || address == "::") ? "*" : String(port))
    }
}

/// A process holding a socket descriptor.
public struct SocketOwner: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Process id.
    public var pid: Int32
    /// Command name (`/proc/PID/comm`).
    public var command: String
    /// The descriptor number in that process.
    public var fileDescriptor: Int32
    /// Real user id of the process.
    public var uid: UInt32

    /// Creates an owner record.
    public init(pid: Int32, command: String, fileDescriptor: Int32, uid: UInt32) {
        self.pid = pid
        self.command = command
        self.fileDescriptor = fileDescriptor
        self.uid = uid
    }

    /// `("nginx",pid=812,fd=6)` as ss prints it.
    public var description: String { "(\"\(command)\",pid=\(pid),fd=\(fileDescriptor))" }

    enum CodingKeys: String, CodingKey {
        case pid, command
        case fileDescriptor = "fd"
        case uid
    }
}

/// TCP details from sock_diag: timer, congestion control and the `tcp_info` users look at.
public struct TCPDetails: Hashable, Sendable, Codable {
    /// Active timer: `on` (retransmit), `keepalive`, `timewait`, `persist`, or nil.
    public var timer: String?
    /// Milliseconds until the timer fires.
    public var timerExpiresMilliseconds: UInt32
    /// Congestion control algorithm (`cubic`, `bbr`).
    public var congestionControl: String?
    /// The decoded `struct tcp_info`, when the kernel sent it.
    public var info: TCPInfo?

    /// Creates TCP details (the table builds them from sock_diag; panels' tests script them).
    public init(timer: String? = nil, timerExpiresMilliseconds: UInt32 = 0, congestionControl: String? = nil, info: TCPInfo? = nil) {
        self.timer = timer
        self.timerExpiresMilliseconds = timerExpiresMilliseconds
        self.congestionControl = congestionControl
        self.info = info
    }

    /// JSON (docs/json.md, `tcp` of a socket row): `timer`, `timer_expires_ms`, `congestion` and
    /// `info`, each present (`null` when unknown).
    enum CodingKeys: String, CodingKey {
        case timer
        case timerExpiresMilliseconds = "timer_expires_ms"
        case congestionControl = "congestion"
        case info
        case infoValues = "info_values"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            timer: try container.decodeIfPresent(String.self, forKey: .timer),
            timerExpiresMilliseconds: try container.decode(UInt32.self, forKey: .timerExpiresMilliseconds),
            congestionControl: try container.decodeIfPresent(String.self, forKey: .congestionControl),
            info: try Self.decodeInfo(from: container))
    }

    /// `info`, or `info_values` (its packed form, in an agent's table chunk), or nil.
    private static func decodeInfo(from container: KeyedDecodingContainer<CodingKeys>) throws -> TCPInfo? {
        if let info = try container.decodeIfPresent(TCPInfo.self, forKey: .info) { return info }
        guard let values = try container.decodeIfPresent([UInt64].self, forKey: .infoValues) else { return nil }
        guard let info = TCPInfo(packedJSONValues: values) else {
            throw DecodingError.dataCorruptedError(
                forKey: .infoValues, in: container,
                debugDescription:
                    "info_values: \(values.count) values, or one too large for its field (\(TCPInfo.jsonMembers.count) expected)")
        }
        return info
    }

}

/// A socket's identity across refreshes: its kind and the kernel's cookie (or inode).
public struct SocketKey: Hashable, Sendable {
    /// What kind of socket.
    public var kind: SocketKind
    /// The socket cookie, or the inode when the cookie is unknown.
    public var number: UInt64
}

/// One socket of the host, from sock_diag (or /proc/net when netlink is unavailable).
public struct SocketEntry: Hashable, Sendable, Codable, Identifiable {
    /// Stable identity across refreshes: kind plus the kernel's socket cookie (or inode).
    public var id: String { "\(kind.rawValue):\(cookie != 0 ? cookie : UInt64(inode))" }

    /// The same identity as `id` as a plain value: cheap to hash where tables of thousands of
    /// rows are compared every refresh (diffs, mirrors).
    public var key: SocketKey { SocketKey(kind: kind, number: cookie != 0 ? cookie : UInt64(inode)) }

    /// What kind of socket this is.
    public var kind: SocketKind
    /// Address family (AF_INET, AF_INET6, AF_UNIX, AF_PACKET).
    public var family: AddressFamily
    /// State name as ss prints it (`ESTAB`, `LISTEN`, `UNCONN`, `TIME-WAIT`, ...).
    public var state: String
    /// Local end.
    public var local: SocketEndpoint
    /// Remote end (the wildcard address with port 0 for listeners and unconnected sockets).
    public var remote: SocketEndpoint
    /// Receive queue: bytes not yet read (listeners: connections waiting for accept).
    public var receiveQueue: UInt32
    /// Send queue: bytes not yet acknowledged (listeners: the backlog).
    public var sendQueue: UInt32
    /// The socket's inode (the `socket:[N]` of /proc/PID/fd).
    public var inode: UInt32
    /// The kernel's socket cookie (0 when unknown).
    public var cookie: UInt64
    /// Owning user id from the kernel.
    public var uid: UInt32?
    /// Bound interface index (0 = any).
    public var interfaceIndex: UInt32
    /// IP protocol number (raw sockets), or the Ethernet protocol (packet sockets).
    public var protocolNumber: Int?
    /// For UNIX sockets: the peer's inode.
    public var peerInode: UInt32?
    /// TCP details, for TCP sockets (boxed: `tcp_info` is large, and tables of 20,000 entries
    /// are copied, filtered and sorted).
    public var tcp: TCPDetails? {
        get { tcpBox?.value }
        set { tcpBox = newValue.map(TCPDetailsBox.init) }
    }
    private var tcpBox: TCPDetailsBox?
    /// Processes holding the socket (empty when unknown or not visible).
    public var owners: [SocketOwner]

    /// JSON (docs/json.md, a row of `socktui sockets --json` and of the agent's tables): every
    /// key present, `null` when unknown.
    enum CodingKeys: String, CodingKey {
        case kind, family, state, local, remote
        case receiveQueue = "recv_q"
        case sendQueue = "send_q"
        case inode, cookie, uid
        case interfaceIndex = "interface"
        case protocolNumber = "protocol"
        case peerInode = "peer_inode"
        case owners, tcp
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            kind: try container.decode(SocketKind.self, forKey: .kind), family: try container.decode(AddressFamily.self, forKey: .family),
            state: try container.decode(String.self, forKey: .state), local: try container.decode(SocketEndpoint.self, forKey: .local),
            remote: try container.decode(SocketEndpoint.self, forKey: .remote),
            receiveQueue: try container.decode(UInt32.self, forKey: .receiveQueue),
            sendQueue: try container.decode(UInt32.self, forKey: .sendQueue),
            inode: try container.decode(UInt32.self, forKey: .inode), cookie: try container.decode(UInt64.self, forKey: .cookie),
            uid: try container.decodeIfPresent(UInt32.self, forKey: .uid),
            interfaceIndex: try container.decode(UInt32.self, forKey: .interfaceIndex),
            protocolNumber: try container.decodeIfPresent(Int.self, forKey: .protocolNumber),
            peerInode: try container.decodeIfPresent(UInt32.self, forKey: .peerInode),
            tcp: try container.decodeIfPresent(TCPDetails.self, forKey: .tcp),
            owners: try container.decode([SocketOwner].self, forKey: .owners))
    }

    /// Creates an entry.
    public init(
        kind: SocketKind, family: AddressFamily, state: String, local: SocketEndpoint, remote: SocketEndpoint,
        receiveQueue: UInt32, sendQueue: UInt32, inode: UInt32, cookie: UInt64, uid: UInt32?,
        interfaceIndex: UInt32 = 0, protocolNumber: Int? = nil, peerInode: UInt32? = nil,
        tcp: TCPDetails? = nil, owners: [SocketOwner] = []
    ) {
        self.kind = kind
        self.family = family
        self.state = state
        self.local = local
        self.remote = remote
        self.receiveQueue = receiveQueue
        self.sendQueue = sendQueue
        self.inode = inode
        self.cookie = cookie
        self.uid = uid
        self.interfaceIndex = interfaceIndex
        self.protocolNumber = protocolNumber
        self.peerInode = peerInode
        self.tcpBox = tcp.map(TCPDetailsBox.init)
        self.owners = owners
    }
}

/// State names as `ss` prints them, by the kernel's TCP state number.
enum SocketStateName {
    static func name(_ state: UInt8, kind: SocketKind) -> String {
        switch state {
        case 1: "ESTAB"
        case 2: "SYN-SENT"
        case 3: "SYN-RECV"
        case 4: "FIN-WAIT-1"
        case 5: "FIN-WAIT-2"
        case 6: "TIME-WAIT"
        case 7: "UNCONN"
        case 8: "CLOSE-WAIT"
        case 9: "LAST-ACK"
        case 10: "LISTEN"
        case 11: "CLOSING"
        case 12: "NEW-SYN-RECV"
        default: "UNKNOWN(\(state))"
        }
    }
}

/// Immutable shared storage for `SocketEntry.tcp`.
final class TCPDetailsBox: Hashable, Sendable {
    let value: TCPDetails
    init(_ value: TCPDetails) { self.value = value }
    static func == (lhs: TCPDetailsBox, rhs: TCPDetailsBox) -> Bool { lhs === rhs || lhs.value == rhs.value }
    func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
