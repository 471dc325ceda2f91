import CSockShims
#if canImport(Glibc)
    import Glibc
#endif

/// A protocol family (`AF_INET`, `AF_INET6`, `AF_UNIX`, ...), the first argument of `Socket(family:type:protocol:)`.
public struct AddressFamily: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The C value.
    public let rawValue: Int32
    /// Wraps a C value.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `AF_UNSPEC`: any family (getaddrinfo).
    public static let unspecified = AddressFamily(rawValue: Int32(AF_UNSPEC))
    /// `AF_UNIX`: local sockets named by a path or an abstract name.
    public static let unix = AddressFamily(rawValue: Int32(AF_UNIX))
    /// `AF_INET`: IPv4.
    public static let inet = AddressFamily(rawValue: Int32(AF_INET))
    /// `AF_INET6`: IPv6.
    public static let inet6 = AddressFamily(rawValue: Int32(AF_INET6))
    /// `AF_NETLINK`: kernel/user messaging.
    public static let netlink = AddressFamily(rawValue: Int32(AF_NETLINK))
    /// `AF_PACKET`: link-layer packets.
    public static let packet = AddressFamily(rawValue: Int32(AF_PACKET))
    /// `AF_TIPC`: Transparent Inter-Process Communication (if the kernel has it).
    public static let tipc = AddressFamily(rawValue: Int32(AF_TIPC))

    /// The C name, such as `AF_INET6`.
    /// The common families by their usual names (the table's first name for 1 is `AF_FILE`, an
    /// alias of `AF_UNIX` nobody writes); the rest as the constant table names them.
    public var cName: String {
        switch rawValue {
        case Int32(AF_UNSPEC): "AF_UNSPEC"
        case Int32(AF_UNIX): "AF_UNIX"
        case Int32(AF_INET): "AF_INET"
        case Int32(AF_INET6): "AF_INET6"
        case Int32(AF_NETLINK): "AF_NETLINK"
        case Int32(AF_PACKET): "AF_PACKET"
        default: SocketConstants.names(in: "AF", of: Int64(rawValue)).first ?? "AF_\(rawValue)"
        }
    }
    public var description: String { cName }
}

/// A socket type (`SOCK_STREAM`, `SOCK_DGRAM`, ...), the second argument of `Socket(family:type:protocol:)`.
public struct SocketType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The C value (without `SOCK_NONBLOCK`/`SOCK_CLOEXEC`).
    public let rawValue: Int32
    /// Wraps a C value.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `SOCK_STREAM`: reliable byte stream (TCP).
    public static let stream = SocketType(rawValue: Int32(SOCK_STREAM.rawValue))
    /// `SOCK_DGRAM`: datagrams (UDP).
    public static let datagram = SocketType(rawValue: Int32(SOCK_DGRAM.rawValue))
    /// `SOCK_RAW`: raw network protocol access.
    public static let raw = SocketType(rawValue: Int32(SOCK_RAW.rawValue))
    /// `SOCK_RDM`: reliably delivered messages.
    public static let reliableDatagram = SocketType(rawValue: Int32(SOCK_RDM.rawValue))
    /// `SOCK_SEQPACKET`: sequenced, reliable, connection-based datagrams.
    public static let sequencedPacket = SocketType(rawValue: Int32(SOCK_SEQPACKET.rawValue))

    /// The C name, such as `SOCK_STREAM`.
    public var cName: String {
        SocketConstants.names(in: "SOCK", of: Int64(rawValue)).first ?? "SOCK_\(rawValue)"
    }
    public var description: String { cName }
}

/// An IP protocol number (`IPPROTO_TCP`, ...), the third argument of `Socket(family:type:protocol:)`.
public struct IPProtocol: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The C value.
    public let rawValue: Int32
    /// Wraps a C value.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// 0: the default protocol for the family and type.
    public static let `default` = IPProtocol(rawValue: 0)
    /// `IPPROTO_ICMP`.
    public static let icmp = IPProtocol(rawValue: 1)
    /// `IPPROTO_TCP`.
    public static let tcp = IPProtocol(rawValue: 6)
    /// `IPPROTO_UDP`.
    public static let udp = IPProtocol(rawValue: 17)
    /// `IPPROTO_IPV6`.
    public static let ipv6 = IPProtocol(rawValue: 41)
    /// `IPPROTO_ICMPV6`.
    public static let icmpv6 = IPProtocol(rawValue: 58)
    /// `IPPROTO_SCTP`.
    public static let sctp = IPProtocol(rawValue: 132)
    /// `IPPROTO_UDPLITE`.
    public static let udplite = IPProtocol(rawValue: 136)
    /// `IPPROTO_RAW`.
    public static let raw = IPProtocol(rawValue: 255)

    /// The C name, such as `IPPROTO_TCP` (`IPPROTO_IP` for 0).
    public var cName: String {
        SocketConstants.names(in: "IPPROTO", of: Int64(rawValue)).first ?? "\(rawValue)"
    }
    public var description: String { cName }
}

/// How `shutdown` closes a connection: `SHUT_RD`, `SHUT_WR` or `SHUT_RDWR`.
public enum ShutdownHow: Int32, Sendable, Codable, CaseIterable {
    /// `SHUT_RD`: no more receives.
    case read = 0
    /// `SHUT_WR`: no more sends (the peer sees end of file).
    case write = 1
    /// `SHUT_RDWR`: neither.
    case both = 2
}

/// Flags for send and receive calls (`MSG_*`).
public struct MessageFlags: OptionSet, Hashable, Sendable, Codable {
    /// The C bit mask.
    public let rawValue: Int32
    /// Wraps a C bit mask.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// `MSG_OOB`: out-of-band data.
    public static let outOfBand = MessageFlags(rawValue: 0x1)
    /// `MSG_PEEK`: look at data without removing it from the queue.
    public static let peek = MessageFlags(rawValue: 0x2)
    /// `MSG_DONTROUTE`: send to directly connected hosts only.
    public static let dontRoute = MessageFlags(rawValue: 0x4)
    /// `MSG_CTRUNC`: control data was truncated (returned by recvmsg).
    public static let controlTruncated = MessageFlags(rawValue: 0x8)
    /// `MSG_TRUNC`: return the real length of a datagram even when it was longer than the buffer.
    public static let truncate = MessageFlags(rawValue: 0x20)
    /// `MSG_DONTWAIT`: this call only is non-blocking.
    public static let dontWait = MessageFlags(rawValue: 0x40)
    /// `MSG_EOR`: end of record.
    public static let endOfRecord = MessageFlags(rawValue: 0x80)
    /// `MSG_WAITALL`: block until the full request is satisfied.
    public static let waitAll = MessageFlags(rawValue: 0x100)
    /// `MSG_CONFIRM`: the link layer made forward progress.
    public static let confirm = MessageFlags(rawValue: 0x800)
    /// `MSG_ERRQUEUE`: read the socket's error queue.
    public static let errorQueue = MessageFlags(rawValue: 0x2000)
    /// `MSG_NOSIGNAL`: no SIGPIPE on a broken stream (SocketKit always adds it to sends).
    public static let noSignal = MessageFlags(rawValue: 0x4000)
    /// `MSG_MORE`: more data follows.
    public static let more = MessageFlags(rawValue: 0x8000)
    /// `MSG_FASTOPEN`: send data in the SYN (TCP Fast Open).
    public static let fastOpen = MessageFlags(rawValue: 0x2000_0000)
    /// `MSG_CMSG_CLOEXEC`: set close-on-exec on received descriptors.
    public static let controlCloseOnExec = MessageFlags(rawValue: 0x4000_0000)
}
