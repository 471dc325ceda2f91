// Named typed options, one per row of SocketOptionCatalog that has a Swift name.
// Each is the same row as in the catalog (SocketOptionCatalog+Table.swift); keep them in step.

extension SocketOption where Value == Bool {
    // MARK: SOL_SOCKET — socket(7)

    /// Enables protocol debugging (turning it on needs CAP_NET_ADMIN).
    /// C: getsockopt(2)/setsockopt(2) `SO_DEBUG`, socket(7).
    public static var debug: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .socket, name: 1, cName: "SO_DEBUG", codec: .boolean, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "Enables protocol debugging (turning it on needs CAP_NET_ADMIN).")
    }

    /// Lets bind reuse a local address, such as one still in TIME_WAIT.
    /// C: getsockopt(2)/setsockopt(2) `SO_REUSEADDR`, socket(7).
    public static var reuseAddress: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .socket, name: 2, cName: "SO_REUSEADDR", codec: .boolean, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "Lets bind reuse a local address, such as one still in TIME_WAIT.")
    }

    /// Sends only to directly connected hosts, bypassing the routing table.
    /// C: getsockopt(2)/setsockopt(2) `SO_DONTROUTE`, socket(7).
    public static var dontRoute: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .socket, name: 5, cName: "SO_DONTROUTE", codec: .boolean, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "Sends only to directly connected hosts, bypassing the routing table.")
    }

    /// Allows datagrams to be sent to a broadcast address.
    /// C: getsockopt(2)/setsockopt(2) `SO_BROADCAST`, socket(7).
    public static var broadcast: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .socket, name: 6, cName: "SO_BROADCAST", codec: .boolean, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "Allows datagrams to be sent to a broadcast address.")
    }

    /// Sends keep-alive probes on an idle connection.
    /// C: getsockopt(2)/setsockopt(2) `SO_KEEPALIVE`, socket(7).
    public static var keepAlive: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .socket, name: 9, cName: "SO_KEEPALIVE", codec: .boolean, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "Sends keep-alive probes on an idle connection.")
    }

    /// Delivers out-of-band (urgent) data inline with normal data.
    /// C: getsockopt(2)/setsockopt(2) `SO_OOBINLINE`, socket(7).
    public static var outOfBandInline: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .socket, name: 10, cName: "SO_OOBINLINE", codec: .boolean, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "Delivers out-of-band (urgent) data inline with normal data.")
    }

    /// Disables UDP checksums on transmit.
    /// C: getsockopt(2)/setsockopt(2) `SO_NO_CHECK`, socket(7).
    public static var noChecksum: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .socket, name: 11, cName: "SO_NO_CHECK", codec: .boolean, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "Disables UDP checksums on transmit.")
    }

    /// Lets several sockets of the same user bind the same address and port.
    /// C: getsockopt(2)/setsockopt(2) `SO_REUSEPORT`, socket(7).
    public static var reusePort: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .socket, name: 15, cName: "SO_REUSEPORT", codec: .boolean, access: .readWrite,
            applicability: .internet, unit: nil,
            summary: "Lets several sockets of the same user bind the same address and port.")
    }

    /// Receives SCM_CREDENTIALS control messages with each message.
    /// C: getsockopt(2)/setsockopt(2) `SO_PASSCRED`, socket(7).
    public static var passCredentials: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .socket, name: 16, cName: "SO_PASSCRED", codec: .boolean, access: .readWrite,
            applicability: .local, unit: nil,
            summary: "Receives SCM_CREDENTIALS control messages with each message.")
    }

    /// Receives SCM_TIMESTAMP (timeval) control messages with each packet.
    /// C: getsockopt(2)/setsockopt(2) `SO_TIMESTAMP`, socket(7).
    public static var timestamp: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .socket, name: 29, cName: "SO_TIMESTAMP", codec: .boolean, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "Receives SCM_TIMESTAMP (timeval) control messages with each packet.")
    }

    /// Whether the socket is listening.
    /// Read-only. C: getsockopt(2) `SO_ACCEPTCONN`, socket(7).
    public static var acceptsConnections: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .socket, name: 30, cName: "SO_ACCEPTCONN", codec: .boolean, access: .readOnly,
            applicability: .anySocket, unit: nil,
            summary: "Whether the socket is listening.")
    }

    /// Receives SCM_TIMESTAMPNS (timespec) control messages with each packet.
    /// C: getsockopt(2)/setsockopt(2) `SO_TIMESTAMPNS`, socket(7).
    public static var timestampNanoseconds: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .socket, name: 35, cName: "SO_TIMESTAMPNS", codec: .boolean, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "Receives SCM_TIMESTAMPNS (timespec) control messages with each packet.")
    }

    /// Allows MSG_ZEROCOPY sends.
    /// C: getsockopt(2)/setsockopt(2) `SO_ZEROCOPY`, socket(7).
    public static var zeroCopy: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .socket, name: 60, cName: "SO_ZEROCOPY", codec: .boolean, access: .readWrite,
            applicability: .internet, unit: nil,
            summary: "Allows MSG_ZEROCOPY sends.")
    }

    /// Prefers busy polling over interrupt-driven receive (needs CAP_NET_ADMIN to enable).
    /// C: getsockopt(2)/setsockopt(2) `SO_PREFER_BUSY_POLL`, socket(7).
    public static var preferBusyPoll: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .socket, name: 69, cName: "SO_PREFER_BUSY_POLL", codec: .boolean, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "Prefers busy polling over interrupt-driven receive (needs CAP_NET_ADMIN to enable).")
    }

    // MARK: IPPROTO_IP — ip(7)

    /// The application supplies the IP header (raw sockets).
    /// C: getsockopt(2)/setsockopt(2) `IP_HDRINCL`, ip(7).
    public static var headerIncluded: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ip, name: 3, cName: "IP_HDRINCL", codec: .boolean, access: .readWrite,
            applicability: .internetRaw, unit: nil,
            summary: "The application supplies the IP header (raw sockets).")
    }

    /// Receives IP_PKTINFO control messages (interface, local and destination address).
    /// C: getsockopt(2)/setsockopt(2) `IP_PKTINFO`, ip(7).
    public static var packetInfo: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ip, name: 8, cName: "IP_PKTINFO", codec: .boolean, access: .readWrite,
            applicability: .internet, unit: nil,
            summary: "Receives IP_PKTINFO control messages (interface, local and destination address).")
    }

    /// Queues extended ICMP errors for recvmsg(MSG_ERRQUEUE).
    /// C: getsockopt(2)/setsockopt(2) `IP_RECVERR`, ip(7).
    public static var receiveErrors: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ip, name: 11, cName: "IP_RECVERR", codec: .boolean, access: .readWrite,
            applicability: .internet, unit: nil,
            summary: "Queues extended ICMP errors for recvmsg(MSG_ERRQUEUE).")
    }

    /// Receives the TTL of incoming packets as IP_TTL control messages.
    /// C: getsockopt(2)/setsockopt(2) `IP_RECVTTL`, ip(7).
    public static var receiveTimeToLive: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ip, name: 12, cName: "IP_RECVTTL", codec: .boolean, access: .readWrite,
            applicability: .internet, unit: nil,
            summary: "Receives the TTL of incoming packets as IP_TTL control messages.")
    }

    /// Receives the TOS byte of incoming packets as IP_TOS control messages.
    /// C: getsockopt(2)/setsockopt(2) `IP_RECVTOS`, ip(7).
    public static var receiveTypeOfService: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ip, name: 13, cName: "IP_RECVTOS", codec: .boolean, access: .readWrite,
            applicability: .internet, unit: nil,
            summary: "Receives the TOS byte of incoming packets as IP_TOS control messages.")
    }

    /// Allows binding to an address that is not (yet) local.
    /// C: getsockopt(2)/setsockopt(2) `IP_FREEBIND`, ip(7).
    public static var freeBind: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ip, name: 15, cName: "IP_FREEBIND", codec: .boolean, access: .readWrite,
            applicability: .internet, unit: nil,
            summary: "Allows binding to an address that is not (yet) local.")
    }

    /// Transparent proxying: bind to and accept for non-local addresses (needs CAP_NET_ADMIN).
    /// C: getsockopt(2)/setsockopt(2) `IP_TRANSPARENT`, ip(7).
    public static var transparent: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ip, name: 19, cName: "IP_TRANSPARENT", codec: .boolean, access: .readWrite,
            applicability: .internet, unit: nil,
            summary: "Transparent proxying: bind to and accept for non-local addresses (needs CAP_NET_ADMIN).")
    }

    /// Defers port allocation of bind(port 0) to connect, to share ephemeral ports.
    /// C: getsockopt(2)/setsockopt(2) `IP_BIND_ADDRESS_NO_PORT`, ip(7).
    public static var bindAddressNoPort: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ip, name: 24, cName: "IP_BIND_ADDRESS_NO_PORT", codec: .boolean, access: .readWrite,
            applicability: .internet, unit: nil,
            summary: "Defers port allocation of bind(port 0) to connect, to share ephemeral ports.")
    }

    /// Loops outgoing multicast back to local listeners.
    /// C: getsockopt(2)/setsockopt(2) `IP_MULTICAST_LOOP`, ip(7).
    public static var multicastLoop: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ip, name: 34, cName: "IP_MULTICAST_LOOP", codec: .boolean, access: .readWrite,
            applicability: .internet, unit: nil,
            summary: "Loops outgoing multicast back to local listeners.")
    }

    /// Receives multicast for every group joined on the host, not just this socket's.
    /// C: getsockopt(2)/setsockopt(2) `IP_MULTICAST_ALL`, ip(7).
    public static var multicastAll: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ip, name: 49, cName: "IP_MULTICAST_ALL", codec: .boolean, access: .readWrite,
            applicability: .internet, unit: nil,
            summary: "Receives multicast for every group joined on the host, not just this socket's.")
    }

    // MARK: IPPROTO_IPV6 — ipv6(7)

    /// Loops outgoing multicast back to local listeners.
    /// C: getsockopt(2)/setsockopt(2) `IPV6_MULTICAST_LOOP`, ipv6(7).
    public static var ipv6MulticastLoop: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ipv6, name: 19, cName: "IPV6_MULTICAST_LOOP", codec: .boolean, access: .readWrite,
            applicability: .ipv6, unit: nil,
            summary: "Loops outgoing multicast back to local listeners.")
    }

    /// Queues extended ICMPv6 errors for recvmsg(MSG_ERRQUEUE).
    /// C: getsockopt(2)/setsockopt(2) `IPV6_RECVERR`, ipv6(7).
    public static var ipv6ReceiveErrors: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ipv6, name: 25, cName: "IPV6_RECVERR", codec: .boolean, access: .readWrite,
            applicability: .ipv6, unit: nil,
            summary: "Queues extended ICMPv6 errors for recvmsg(MSG_ERRQUEUE).")
    }

    /// Restricts the socket to IPv6; off, it also serves IPv4 as v4-mapped addresses.
    /// C: getsockopt(2)/setsockopt(2) `IPV6_V6ONLY`, ipv6(7).
    public static var ipv6Only: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ipv6, name: 26, cName: "IPV6_V6ONLY", codec: .boolean, access: .readWrite,
            applicability: .ipv6, unit: nil,
            summary: "Restricts the socket to IPv6; off, it also serves IPv4 as v4-mapped addresses.")
    }

    /// Receives IPV6_PKTINFO control messages (interface and destination address).
    /// C: getsockopt(2)/setsockopt(2) `IPV6_RECVPKTINFO`, ipv6(7).
    public static var ipv6ReceivePacketInfo: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ipv6, name: 49, cName: "IPV6_RECVPKTINFO", codec: .boolean, access: .readWrite,
            applicability: .ipv6, unit: nil,
            summary: "Receives IPV6_PKTINFO control messages (interface and destination address).")
    }

    /// Receives the hop limit of incoming packets as IPV6_HOPLIMIT control messages.
    /// C: getsockopt(2)/setsockopt(2) `IPV6_RECVHOPLIMIT`, ipv6(7).
    public static var ipv6ReceiveHopLimit: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ipv6, name: 51, cName: "IPV6_RECVHOPLIMIT", codec: .boolean, access: .readWrite,
            applicability: .ipv6, unit: nil,
            summary: "Receives the hop limit of incoming packets as IPV6_HOPLIMIT control messages.")
    }

    /// Fails sends larger than the path MTU instead of fragmenting them.
    /// C: getsockopt(2)/setsockopt(2) `IPV6_DONTFRAG`, ipv6(7).
    public static var ipv6DontFragment: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ipv6, name: 62, cName: "IPV6_DONTFRAG", codec: .boolean, access: .readWrite,
            applicability: .ipv6, unit: nil,
            summary: "Fails sends larger than the path MTU instead of fragmenting them.")
    }

    /// Receives the traffic class of incoming packets as IPV6_TCLASS control messages.
    /// C: getsockopt(2)/setsockopt(2) `IPV6_RECVTCLASS`, ipv6(7).
    public static var ipv6ReceiveTrafficClass: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ipv6, name: 66, cName: "IPV6_RECVTCLASS", codec: .boolean, access: .readWrite,
            applicability: .ipv6, unit: nil,
            summary: "Receives the traffic class of incoming packets as IPV6_TCLASS control messages.")
    }

    /// Transparent proxying for IPv6 (needs CAP_NET_ADMIN).
    /// C: getsockopt(2)/setsockopt(2) `IPV6_TRANSPARENT`, ipv6(7).
    public static var ipv6Transparent: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ipv6, name: 75, cName: "IPV6_TRANSPARENT", codec: .boolean, access: .readWrite,
            applicability: .ipv6, unit: nil,
            summary: "Transparent proxying for IPv6 (needs CAP_NET_ADMIN).")
    }

    /// Allows binding to an IPv6 address that is not (yet) local.
    /// C: getsockopt(2)/setsockopt(2) `IPV6_FREEBIND`, ipv6(7).
    public static var ipv6FreeBind: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .ipv6, name: 78, cName: "IPV6_FREEBIND", codec: .boolean, access: .readWrite,
            applicability: .ipv6, unit: nil,
            summary: "Allows binding to an IPv6 address that is not (yet) local.")
    }

    // MARK: IPPROTO_TCP — tcp(7)

    /// Disables Nagle's algorithm: small segments go out at once.
    /// C: getsockopt(2)/setsockopt(2) `TCP_NODELAY`, tcp(7).
    public static var noDelay: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .tcp, name: 1, cName: "TCP_NODELAY", codec: .boolean, access: .readWrite,
            applicability: .tcp, unit: nil,
            summary: "Disables Nagle's algorithm: small segments go out at once.")
    }

    /// Holds back partial segments until uncorked (or 200 ms pass).
    /// C: getsockopt(2)/setsockopt(2) `TCP_CORK`, tcp(7).
    public static var cork: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .tcp, name: 3, cName: "TCP_CORK", codec: .boolean, access: .readWrite,
            applicability: .tcp, unit: nil,
            summary: "Holds back partial segments until uncorked (or 200 ms pass).")
    }

    /// Sends ACKs at once instead of delaying them (not permanent: the stack may reset it).
    /// C: getsockopt(2)/setsockopt(2) `TCP_QUICKACK`, tcp(7).
    public static var quickAck: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .tcp, name: 12, cName: "TCP_QUICKACK", codec: .boolean, access: .readWrite,
            applicability: .tcp, unit: nil,
            summary: "Sends ACKs at once instead of delaying them (not permanent: the stack may reset it).")
    }

    /// Client TCP Fast Open: connect returns at once and data goes in the SYN.
    /// C: getsockopt(2)/setsockopt(2) `TCP_FASTOPEN_CONNECT`, tcp(7).
    public static var fastOpenConnect: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .tcp, name: 30, cName: "TCP_FASTOPEN_CONNECT", codec: .boolean, access: .readWrite,
            applicability: .tcp, unit: nil,
            summary: "Client TCP Fast Open: connect returns at once and data goes in the SYN.")
    }

    /// Receives a TCP_CM_INQ control message with the bytes left to read.
    /// C: getsockopt(2)/setsockopt(2) `TCP_INQ`, tcp(7).
    public static var receiveQueueLength: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .tcp, name: 36, cName: "TCP_INQ", codec: .boolean, access: .readWrite,
            applicability: .tcp, unit: nil,
            summary: "Receives a TCP_CM_INQ control message with the bytes left to read.")
    }

    // MARK: IPPROTO_UDP — udp(7)

    /// Accumulates sends into one datagram until uncorked.
    /// C: getsockopt(2)/setsockopt(2) `UDP_CORK`, udp(7).
    public static var udpCork: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .udp, name: 1, cName: "UDP_CORK", codec: .boolean, access: .readWrite,
            applicability: .udp, unit: nil,
            summary: "Accumulates sends into one datagram until uncorked.")
    }

    /// Receives coalesced datagrams (generic receive offload) with a UDP_GRO control message.
    /// C: getsockopt(2)/setsockopt(2) `UDP_GRO`, udp(7).
    public static var udpGRO: SocketOption<Bool> {
        SocketOption<Bool>(
            level: .udp, name: 104, cName: "UDP_GRO", codec: .boolean, access: .readWrite,
            applicability: .udp, unit: nil,
            summary: "Receives coalesced datagrams (generic receive offload) with a UDP_GRO control message.")
    }
}

extension SocketOption where Value == Int {
    // MARK: SOL_SOCKET — socket(7)

    /// The socket type (SOCK_STREAM = 1, SOCK_DGRAM = 2, ...).
    /// Read-only. C: getsockopt(2) `SO_TYPE`, socket(7).
    public static var socketType: SocketOption<Int> {
        SocketOption<Int>(
            level: .socket, name: 3, cName: "SO_TYPE", codec: .integer, access: .readOnly,
            applicability: .anySocket, unit: nil,
            summary: "The socket type (SOCK_STREAM = 1, SOCK_DGRAM = 2, ...).")
    }

    /// The pending socket error (an errno); reading it clears it.
    /// Read-only. C: getsockopt(2) `SO_ERROR`, socket(7).
    public static var pendingError: SocketOption<Int> {
        SocketOption<Int>(
            level: .socket, name: 4, cName: "SO_ERROR", codec: .integer, access: .readOnly,
            applicability: .anySocket, unit: nil,
            summary: "The pending socket error (an errno); reading it clears it.")
    }

    /// Protocol-defined priority of outgoing packets (0-6 without CAP_NET_ADMIN).
    /// C: getsockopt(2)/setsockopt(2) `SO_PRIORITY`, socket(7).
    public static var priority: SocketOption<Int> {
        SocketOption<Int>(
            level: .socket, name: 12, cName: "SO_PRIORITY", codec: .integer, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "Protocol-defined priority of outgoing packets (0-6 without CAP_NET_ADMIN).")
    }

    /// Minimum number of bytes that makes a receive or poll return.
    /// Unit: bytes. C: getsockopt(2)/setsockopt(2) `SO_RCVLOWAT`, socket(7).
    public static var receiveLowWatermark: SocketOption<Int> {
        SocketOption<Int>(
            level: .socket, name: 18, cName: "SO_RCVLOWAT", codec: .integer, access: .readWrite,
            applicability: .anySocket, unit: .bytes,
            summary: "Minimum number of bytes that makes a receive or poll return.")
    }

    /// Minimum number of bytes for a send; fixed at 1 on Linux (not settable).
    /// Read-only. Unit: bytes. C: getsockopt(2) `SO_SNDLOWAT`, socket(7).
    public static var sendLowWatermark: SocketOption<Int> {
        SocketOption<Int>(
            level: .socket, name: 19, cName: "SO_SNDLOWAT", codec: .integer, access: .readOnly,
            applicability: .anySocket, unit: .bytes,
            summary: "Minimum number of bytes for a send; fixed at 1 on Linux (not settable).")
    }

    /// Firewall mark of outgoing packets, for policy routing (needs CAP_NET_ADMIN).
    /// C: getsockopt(2)/setsockopt(2) `SO_MARK`, socket(7).
    public static var mark: SocketOption<Int> {
        SocketOption<Int>(
            level: .socket, name: 36, cName: "SO_MARK", codec: .unsignedInteger32, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "Firewall mark of outgoing packets, for policy routing (needs CAP_NET_ADMIN).")
    }

    /// SOF_TIMESTAMPING_* flags for hardware and software packet timestamps.
    /// C: getsockopt(2)/setsockopt(2) `SO_TIMESTAMPING`, socket(7).
    public static var timestamping: SocketOption<Int> {
        SocketOption<Int>(
            level: .socket, name: 37, cName: "SO_TIMESTAMPING", codec: .integer, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "SOF_TIMESTAMPING_* flags for hardware and software packet timestamps.")
    }

    /// The protocol number given to socket(2) (IPPROTO_TCP = 6, ...).
    /// Read-only. C: getsockopt(2) `SO_PROTOCOL`, socket(7).
    public static var protocolNumber: SocketOption<Int> {
        SocketOption<Int>(
            level: .socket, name: 38, cName: "SO_PROTOCOL", codec: .integer, access: .readOnly,
            applicability: .anySocket, unit: nil,
            summary: "The protocol number given to socket(2) (IPPROTO_TCP = 6, ...).")
    }

    /// The address family (AF_INET = 2, AF_INET6 = 10, AF_UNIX = 1, ...).
    /// Read-only. C: getsockopt(2) `SO_DOMAIN`, socket(7).
    public static var domain: SocketOption<Int> {
        SocketOption<Int>(
            level: .socket, name: 39, cName: "SO_DOMAIN", codec: .integer, access: .readOnly,
            applicability: .anySocket, unit: nil,
            summary: "The address family (AF_INET = 2, AF_INET6 = 10, AF_UNIX = 1, ...).")
    }

    /// Offset for MSG_PEEK receives (-1 = disabled).
    /// Unit: bytes. C: getsockopt(2)/setsockopt(2) `SO_PEEK_OFF`, socket(7).
    public static var peekOffset: SocketOption<Int> {
        SocketOption<Int>(
            level: .socket, name: 42, cName: "SO_PEEK_OFF", codec: .integer, access: .readWrite,
            applicability: .anySocket, unit: .bytes,
            summary: "Offset for MSG_PEEK receives (-1 = disabled).")
    }

    /// Busy-polls the device queue on blocking receives (raising it needs CAP_NET_ADMIN).
    /// Unit: microseconds. C: getsockopt(2)/setsockopt(2) `SO_BUSY_POLL`, socket(7).
    public static var busyPoll: SocketOption<Int> {
        SocketOption<Int>(
            level: .socket, name: 46, cName: "SO_BUSY_POLL", codec: .integer, access: .readWrite,
            applicability: .anySocket, unit: .microseconds,
            summary: "Busy-polls the device queue on blocking receives (raising it needs CAP_NET_ADMIN).")
    }

    /// The CPU that handled the last received packet (-1 = none yet).
    /// C: getsockopt(2)/setsockopt(2) `SO_INCOMING_CPU`, socket(7).
    public static var incomingCPU: SocketOption<Int> {
        SocketOption<Int>(
            level: .socket, name: 49, cName: "SO_INCOMING_CPU", codec: .integer, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "The CPU that handled the last received packet (-1 = none yet).")
    }

    /// Restricts the socket to one network interface by index (0 unbinds).
    /// C: getsockopt(2)/setsockopt(2) `SO_BINDTOIFINDEX`, socket(7).
    public static var bindToInterfaceIndex: SocketOption<Int> {
        SocketOption<Int>(
            level: .socket, name: 62, cName: "SO_BINDTOIFINDEX", codec: .integer, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "Restricts the socket to one network interface by index (0 unbinds).")
    }

    /// Locks buffer sizes against autotuning: 1 = send, 2 = receive, 3 = both.
    /// C: getsockopt(2)/setsockopt(2) `SO_BUF_LOCK`, socket(7).
    public static var bufferLock: SocketOption<Int> {
        SocketOption<Int>(
            level: .socket, name: 72, cName: "SO_BUF_LOCK", codec: .integer, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "Locks buffer sizes against autotuning: 1 = send, 2 = receive, 3 = both.")
    }

    // MARK: IPPROTO_IP — ip(7)

    /// Type-of-service (DSCP/ECN) byte of outgoing packets.
    /// C: getsockopt(2)/setsockopt(2) `IP_TOS`, ip(7).
    public static var typeOfService: SocketOption<Int> {
        SocketOption<Int>(
            level: .ip, name: 1, cName: "IP_TOS", codec: .integer, access: .readWrite,
            applicability: .internet, unit: nil,
            summary: "Type-of-service (DSCP/ECN) byte of outgoing packets.")
    }

    /// Time-to-live of outgoing unicast packets (1-255; -1 restores the default).
    /// Unit: hops. C: getsockopt(2)/setsockopt(2) `IP_TTL`, ip(7).
    public static var timeToLive: SocketOption<Int> {
        SocketOption<Int>(
            level: .ip, name: 2, cName: "IP_TTL", codec: .integer, access: .readWrite,
            applicability: .internet, unit: .hops,
            summary: "Time-to-live of outgoing unicast packets (1-255; -1 restores the default).")
    }

    /// Path MTU discovery mode: 0 = dont, 1 = want, 2 = do, 3 = probe, 4 = interface, 5 = omit.
    /// C: getsockopt(2)/setsockopt(2) `IP_MTU_DISCOVER`, ip(7).
    public static var pathMTUDiscovery: SocketOption<Int> {
        SocketOption<Int>(
            level: .ip, name: 10, cName: "IP_MTU_DISCOVER", codec: .integer, access: .readWrite,
            applicability: .internet, unit: nil,
            summary: "Path MTU discovery mode: 0 = dont, 1 = want, 2 = do, 3 = probe, 4 = interface, 5 = omit.")
    }

    /// The path MTU of a connected socket (ENOTCONN otherwise).
    /// Read-only. Unit: bytes. C: getsockopt(2) `IP_MTU`, ip(7).
    public static var mtu: SocketOption<Int> {
        SocketOption<Int>(
            level: .ip, name: 14, cName: "IP_MTU", codec: .integer, access: .readOnly,
            applicability: .internet, unit: .bytes,
            summary: "The path MTU of a connected socket (ENOTCONN otherwise).")
    }

    /// Drops incoming packets with a smaller TTL (RFC 5082 GTSM); 0 = off.
    /// Unit: hops. C: getsockopt(2)/setsockopt(2) `IP_MINTTL`, ip(7).
    public static var minimumTimeToLive: SocketOption<Int> {
        SocketOption<Int>(
            level: .ip, name: 21, cName: "IP_MINTTL", codec: .integer, access: .readWrite,
            applicability: .internet, unit: .hops,
            summary: "Drops incoming packets with a smaller TTL (RFC 5082 GTSM); 0 = off.")
    }

    /// Time-to-live of outgoing multicast packets (default 1).
    /// Unit: hops. C: getsockopt(2)/setsockopt(2) `IP_MULTICAST_TTL`, ip(7).
    public static var multicastTimeToLive: SocketOption<Int> {
        SocketOption<Int>(
            level: .ip, name: 33, cName: "IP_MULTICAST_TTL", codec: .integer, access: .readWrite,
            applicability: .internetDatagram, unit: .hops,
            summary: "Time-to-live of outgoing multicast packets (default 1).")
    }

    /// Interface index for outgoing unicast, in network byte order (0 = any).
    /// C: getsockopt(2)/setsockopt(2) `IP_UNICAST_IF`, ip(7).
    public static var unicastInterface: SocketOption<Int> {
        SocketOption<Int>(
            level: .ip, name: 50, cName: "IP_UNICAST_IF", codec: .integer, access: .readWrite,
            applicability: .internet, unit: nil,
            summary: "Interface index for outgoing unicast, in network byte order (0 = any).")
    }

    /// Per-socket ephemeral port range: low | high << 16 (0 = the sysctl range).
    /// C: getsockopt(2)/setsockopt(2) `IP_LOCAL_PORT_RANGE`, ip(7).
    public static var localPortRange: SocketOption<Int> {
        SocketOption<Int>(
            level: .ip, name: 51, cName: "IP_LOCAL_PORT_RANGE", codec: .unsignedInteger32, access: .readWrite,
            applicability: .internet, unit: nil,
            summary: "Per-socket ephemeral port range: low | high << 16 (0 = the sysctl range).")
    }

    // MARK: IPPROTO_IPV6 — ipv6(7)

    /// Hop limit of outgoing unicast packets (-1 restores the default).
    /// Unit: hops. C: getsockopt(2)/setsockopt(2) `IPV6_UNICAST_HOPS`, ipv6(7).
    public static var ipv6UnicastHops: SocketOption<Int> {
        SocketOption<Int>(
            level: .ipv6, name: 16, cName: "IPV6_UNICAST_HOPS", codec: .integer, access: .readWrite,
            applicability: .ipv6, unit: .hops,
            summary: "Hop limit of outgoing unicast packets (-1 restores the default).")
    }

    /// Interface index for outgoing multicast (0 = default).
    /// C: getsockopt(2)/setsockopt(2) `IPV6_MULTICAST_IF`, ipv6(7).
    public static var ipv6MulticastInterface: SocketOption<Int> {
        SocketOption<Int>(
            level: .ipv6, name: 17, cName: "IPV6_MULTICAST_IF", codec: .integer, access: .readWrite,
            applicability: .ipv6Datagram, unit: nil,
            summary: "Interface index for outgoing multicast (0 = default).")
    }

    /// Hop limit of outgoing multicast packets (-1 restores the default of 1).
    /// Unit: hops. C: getsockopt(2)/setsockopt(2) `IPV6_MULTICAST_HOPS`, ipv6(7).
    public static var ipv6MulticastHops: SocketOption<Int> {
        SocketOption<Int>(
            level: .ipv6, name: 18, cName: "IPV6_MULTICAST_HOPS", codec: .integer, access: .readWrite,
            applicability: .ipv6Datagram, unit: .hops,
            summary: "Hop limit of outgoing multicast packets (-1 restores the default of 1).")
    }

    /// Path MTU discovery mode: 0 = dont, 1 = want, 2 = do, 3 = probe, 4 = interface, 5 = omit.
    /// C: getsockopt(2)/setsockopt(2) `IPV6_MTU_DISCOVER`, ipv6(7).
    public static var ipv6PathMTUDiscovery: SocketOption<Int> {
        SocketOption<Int>(
            level: .ipv6, name: 23, cName: "IPV6_MTU_DISCOVER", codec: .integer, access: .readWrite,
            applicability: .ipv6, unit: nil,
            summary: "Path MTU discovery mode: 0 = dont, 1 = want, 2 = do, 3 = probe, 4 = interface, 5 = omit.")
    }

    /// Get: path MTU of a connected socket (ENOTCONN otherwise); set: MTU for sending (>= 1280).
    /// Unit: bytes. C: getsockopt(2)/setsockopt(2) `IPV6_MTU`, ipv6(7).
    public static var ipv6MTU: SocketOption<Int> {
        SocketOption<Int>(
            level: .ipv6, name: 24, cName: "IPV6_MTU", codec: .integer, access: .readWrite,
            applicability: .ipv6, unit: .bytes,
            summary: "Get: path MTU of a connected socket (ENOTCONN otherwise); set: MTU for sending (>= 1280).")
    }

    /// Traffic class (DSCP/ECN) of outgoing packets (-1 restores the default).
    /// C: getsockopt(2)/setsockopt(2) `IPV6_TCLASS`, ipv6(7).
    public static var ipv6TrafficClass: SocketOption<Int> {
        SocketOption<Int>(
            level: .ipv6, name: 67, cName: "IPV6_TCLASS", codec: .integer, access: .readWrite,
            applicability: .ipv6, unit: nil,
            summary: "Traffic class (DSCP/ECN) of outgoing packets (-1 restores the default).")
    }

    /// Drops incoming packets with a smaller hop limit (RFC 5082 GTSM); 0 = off.
    /// Unit: hops. C: getsockopt(2)/setsockopt(2) `IPV6_MINHOPCOUNT`, ipv6(7).
    public static var ipv6MinimumHopCount: SocketOption<Int> {
        SocketOption<Int>(
            level: .ipv6, name: 73, cName: "IPV6_MINHOPCOUNT", codec: .integer, access: .readWrite,
            applicability: .ipv6, unit: .hops,
            summary: "Drops incoming packets with a smaller hop limit (RFC 5082 GTSM); 0 = off.")
    }

    // MARK: IPPROTO_TCP — tcp(7)

    /// Maximum segment size; set before connect to lower the advertised MSS.
    /// Unit: bytes. C: getsockopt(2)/setsockopt(2) `TCP_MAXSEG`, tcp(7).
    public static var maximumSegmentSize: SocketOption<Int> {
        SocketOption<Int>(
            level: .tcp, name: 2, cName: "TCP_MAXSEG", codec: .integer, access: .readWrite,
            applicability: .tcp, unit: .bytes,
            summary: "Maximum segment size; set before connect to lower the advertised MSS.")
    }

    /// Idle time before the first keep-alive probe (with SO_KEEPALIVE).
    /// Unit: seconds. C: getsockopt(2)/setsockopt(2) `TCP_KEEPIDLE`, tcp(7).
    public static var keepAliveIdle: SocketOption<Int> {
        SocketOption<Int>(
            level: .tcp, name: 4, cName: "TCP_KEEPIDLE", codec: .integer, access: .readWrite,
            applicability: .tcp, unit: .seconds,
            summary: "Idle time before the first keep-alive probe (with SO_KEEPALIVE).")
    }

    /// Time between keep-alive probes.
    /// Unit: seconds. C: getsockopt(2)/setsockopt(2) `TCP_KEEPINTVL`, tcp(7).
    public static var keepAliveInterval: SocketOption<Int> {
        SocketOption<Int>(
            level: .tcp, name: 5, cName: "TCP_KEEPINTVL", codec: .integer, access: .readWrite,
            applicability: .tcp, unit: .seconds,
            summary: "Time between keep-alive probes.")
    }

    /// Unanswered keep-alive probes before the connection is dropped.
    /// C: getsockopt(2)/setsockopt(2) `TCP_KEEPCNT`, tcp(7).
    public static var keepAliveCount: SocketOption<Int> {
        SocketOption<Int>(
            level: .tcp, name: 6, cName: "TCP_KEEPCNT", codec: .integer, access: .readWrite,
            applicability: .tcp, unit: nil,
            summary: "Unanswered keep-alive probes before the connection is dropped.")
    }

    /// SYN retransmissions before connect gives up.
    /// C: getsockopt(2)/setsockopt(2) `TCP_SYNCNT`, tcp(7).
    public static var synRetries: SocketOption<Int> {
        SocketOption<Int>(
            level: .tcp, name: 7, cName: "TCP_SYNCNT", codec: .integer, access: .readWrite,
            applicability: .tcp, unit: nil,
            summary: "SYN retransmissions before connect gives up.")
    }

    /// Lifetime of orphaned FIN-WAIT-2 sockets (-1 = close at once).
    /// Unit: seconds. C: getsockopt(2)/setsockopt(2) `TCP_LINGER2`, tcp(7).
    public static var finWait2Timeout: SocketOption<Int> {
        SocketOption<Int>(
            level: .tcp, name: 8, cName: "TCP_LINGER2", codec: .integer, access: .readWrite,
            applicability: .tcp, unit: .seconds,
            summary: "Lifetime of orphaned FIN-WAIT-2 sockets (-1 = close at once).")
    }

    /// Wakes a listener only when data arrives (rounded to SYN-ACK retransmits).
    /// Unit: seconds. C: getsockopt(2)/setsockopt(2) `TCP_DEFER_ACCEPT`, tcp(7).
    public static var deferAccept: SocketOption<Int> {
        SocketOption<Int>(
            level: .tcp, name: 9, cName: "TCP_DEFER_ACCEPT", codec: .integer, access: .readWrite,
            applicability: .tcp, unit: .seconds,
            summary: "Wakes a listener only when data arrives (rounded to SYN-ACK retransmits).")
    }

    /// Upper bound on the advertised receive window.
    /// Unit: bytes. C: getsockopt(2)/setsockopt(2) `TCP_WINDOW_CLAMP`, tcp(7).
    public static var windowClamp: SocketOption<Int> {
        SocketOption<Int>(
            level: .tcp, name: 10, cName: "TCP_WINDOW_CLAMP", codec: .integer, access: .readWrite,
            applicability: .tcp, unit: .bytes,
            summary: "Upper bound on the advertised receive window.")
    }

    /// How long sent data may stay unacknowledged before the connection is dropped (0 = default).
    /// Unit: milliseconds. C: getsockopt(2)/setsockopt(2) `TCP_USER_TIMEOUT`, tcp(7).
    public static var userTimeout: SocketOption<Int> {
        SocketOption<Int>(
            level: .tcp, name: 18, cName: "TCP_USER_TIMEOUT", codec: .integer, access: .readWrite,
            applicability: .tcp, unit: .milliseconds,
            summary: "How long sent data may stay unacknowledged before the connection is dropped (0 = default).")
    }

    /// TCP Fast Open on a listener: the queue length of pending TFO requests (0 = off).
    /// C: getsockopt(2)/setsockopt(2) `TCP_FASTOPEN`, tcp(7).
    public static var fastOpen: SocketOption<Int> {
        SocketOption<Int>(
            level: .tcp, name: 23, cName: "TCP_FASTOPEN", codec: .integer, access: .readWrite,
            applicability: .tcp, unit: nil,
            summary: "TCP Fast Open on a listener: the queue length of pending TFO requests (0 = off).")
    }

    /// Unsent bytes below which the socket counts as writable (0 = sysctl default).
    /// Unit: bytes. C: getsockopt(2)/setsockopt(2) `TCP_NOTSENT_LOWAT`, tcp(7).
    public static var notSentLowWatermark: SocketOption<Int> {
        SocketOption<Int>(
            level: .tcp, name: 25, cName: "TCP_NOTSENT_LOWAT", codec: .integer, access: .readWrite,
            applicability: .tcp, unit: .bytes,
            summary: "Unsent bytes below which the socket counts as writable (0 = sysctl default).")
    }

    /// Delays outgoing packets, to emulate a longer path (needs CAP_NET_ADMIN).
    /// Unit: microseconds. C: getsockopt(2)/setsockopt(2) `TCP_TX_DELAY`, tcp(7).
    public static var transmitDelay: SocketOption<Int> {
        SocketOption<Int>(
            level: .tcp, name: 37, cName: "TCP_TX_DELAY", codec: .integer, access: .readWrite,
            applicability: .tcp, unit: .microseconds,
            summary: "Delays outgoing packets, to emulate a longer path (needs CAP_NET_ADMIN).")
    }

    // MARK: IPPROTO_UDP — udp(7)

    /// Segment size for UDP generic segmentation offload of large sends (0 = off).
    /// Unit: bytes. C: getsockopt(2)/setsockopt(2) `UDP_SEGMENT`, udp(7).
    public static var udpSegment: SocketOption<Int> {
        SocketOption<Int>(
            level: .udp, name: 103, cName: "UDP_SEGMENT", codec: .integer, access: .readWrite,
            applicability: .udp, unit: .bytes,
            summary: "Segment size for UDP generic segmentation offload of large sends (0 = off).")
    }
}

extension SocketOption where Value == UInt64 {
    // MARK: SOL_SOCKET — socket(7)

    /// Cap on the pacing rate of the fq qdisc and TCP (all ones = unlimited).
    /// Unit: bytesPerSecond. C: getsockopt(2)/setsockopt(2) `SO_MAX_PACING_RATE`, socket(7).
    public static var maxPacingRate: SocketOption<UInt64> {
        SocketOption<UInt64>(
            level: .socket, name: 47, cName: "SO_MAX_PACING_RATE", codec: .unsignedInteger64, access: .readWrite,
            applicability: .anySocket, unit: .bytesPerSecond,
            summary: "Cap on the pacing rate of the fq qdisc and TCP (all ones = unlimited).")
    }

    /// Unique 64-bit id of the socket, as sock_diag and BPF report it.
    /// Read-only. C: getsockopt(2) `SO_COOKIE`, socket(7).
    public static var cookie: SocketOption<UInt64> {
        SocketOption<UInt64>(
            level: .socket, name: 57, cName: "SO_COOKIE", codec: .unsignedInteger64, access: .readOnly,
            applicability: .anySocket, unit: nil,
            summary: "Unique 64-bit id of the socket, as sock_diag and BPF report it.")
    }

    /// Unique 64-bit id of the socket's network namespace.
    /// Read-only. C: getsockopt(2) `SO_NETNS_COOKIE`, socket(7).
    public static var networkNamespaceCookie: SocketOption<UInt64> {
        SocketOption<UInt64>(
            level: .socket, name: 71, cName: "SO_NETNS_COOKIE", codec: .unsignedInteger64, access: .readOnly,
            applicability: .anySocket, unit: nil,
            summary: "Unique 64-bit id of the socket's network namespace.")
    }
}

extension SocketOption where Value == BufferSize {
    // MARK: SOL_SOCKET — socket(7)

    /// Send buffer size; the kernel doubles the requested value (capped by net.core.wmem_max).
    /// Unit: bytes. C: getsockopt(2)/setsockopt(2) `SO_SNDBUF`, socket(7).
    public static var sendBufferSize: SocketOption<BufferSize> {
        SocketOption<BufferSize>(
            level: .socket, name: 7, cName: "SO_SNDBUF", codec: .bufferSize, access: .readWrite,
            applicability: .anySocket, unit: .bytes,
            summary: "Send buffer size; the kernel doubles the requested value (capped by net.core.wmem_max).")
    }

    /// Receive buffer size; the kernel doubles the requested value (capped by net.core.rmem_max).
    /// Unit: bytes. C: getsockopt(2)/setsockopt(2) `SO_RCVBUF`, socket(7).
    public static var receiveBufferSize: SocketOption<BufferSize> {
        SocketOption<BufferSize>(
            level: .socket, name: 8, cName: "SO_RCVBUF", codec: .bufferSize, access: .readWrite,
            applicability: .anySocket, unit: .bytes,
            summary: "Receive buffer size; the kernel doubles the requested value (capped by net.core.rmem_max).")
    }
}

extension SocketOption where Value == Duration {
    // MARK: SOL_SOCKET — socket(7)

    /// Timeout for blocking receives (0 = none); kept in jiffies, so rounded.
    /// C: getsockopt(2)/setsockopt(2) `SO_RCVTIMEO`, socket(7).
    public static var receiveTimeout: SocketOption<Duration> {
        SocketOption<Duration>(
            level: .socket, name: 20, cName: "SO_RCVTIMEO", codec: .timeval, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "Timeout for blocking receives (0 = none); kept in jiffies, so rounded.")
    }

    /// Timeout for blocking sends (0 = none); kept in jiffies, so rounded.
    /// C: getsockopt(2)/setsockopt(2) `SO_SNDTIMEO`, socket(7).
    public static var sendTimeout: SocketOption<Duration> {
        SocketOption<Duration>(
            level: .socket, name: 21, cName: "SO_SNDTIMEO", codec: .timeval, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "Timeout for blocking sends (0 = none); kept in jiffies, so rounded.")
    }
}

extension SocketOption where Value == Linger {
    // MARK: SOL_SOCKET — socket(7)

    /// Whether close waits (up to the given seconds) for unsent data to go out.
    /// C: getsockopt(2)/setsockopt(2) `SO_LINGER`, socket(7).
    public static var linger: SocketOption<Linger> {
        SocketOption<Linger>(
            level: .socket, name: 13, cName: "SO_LINGER", codec: .linger, access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "Whether close waits (up to the given seconds) for unsent data to go out.")
    }
}

extension SocketOption where Value == String {
    // MARK: SOL_SOCKET — socket(7)

    /// Restricts the socket to one network interface by name ("" unbinds).
    /// C: getsockopt(2)/setsockopt(2) `SO_BINDTODEVICE`, socket(7).
    public static var bindToDevice: SocketOption<String> {
        SocketOption<String>(
            level: .socket, name: 25, cName: "SO_BINDTODEVICE", codec: .string(capacity: 16), access: .readWrite,
            applicability: .anySocket, unit: nil,
            summary: "Restricts the socket to one network interface by name (\"\" unbinds).")
    }

    // MARK: IPPROTO_TCP — tcp(7)

    /// Congestion control algorithm (cubic, reno, bbr ...; see tcp_available_congestion_control).
    /// C: getsockopt(2)/setsockopt(2) `TCP_CONGESTION`, tcp(7).
    public static var congestionControl: SocketOption<String> {
        SocketOption<String>(
            level: .tcp, name: 13, cName: "TCP_CONGESTION", codec: .string(capacity: 16), access: .readWrite,
            applicability: .tcp, unit: nil,
            summary: "Congestion control algorithm (cubic, reno, bbr ...; see tcp_available_congestion_control).")
    }

    /// Upper layer protocol attached to the connection, such as "tls".
    /// C: getsockopt(2)/setsockopt(2) `TCP_ULP`, tcp(7).
    public static var upperLayerProtocol: SocketOption<String> {
        SocketOption<String>(
            level: .tcp, name: 31, cName: "TCP_ULP", codec: .string(capacity: 16), access: .readWrite,
            applicability: .tcp, unit: nil,
            summary: "Upper layer protocol attached to the connection, such as \"tls\".")
    }
}

extension SocketOption where Value == [UInt8] {
    // MARK: IPPROTO_IP — ip(7)

    /// IP options sent with every packet (at most 40 bytes).
    /// C: getsockopt(2)/setsockopt(2) `IP_OPTIONS`, ip(7).
    public static var ipOptions: SocketOption<[UInt8]> {
        SocketOption<[UInt8]>(
            level: .ip, name: 4, cName: "IP_OPTIONS", codec: .bytes(capacity: 40), access: .readWrite,
            applicability: .internet, unit: nil,
            summary: "IP options sent with every packet (at most 40 bytes).")
    }
}

extension SocketOption where Value == PeerCredentials {
    // MARK: SOL_SOCKET — socket(7)

    /// Process, user and group of the connected peer (as of connect or socketpair).
    /// Read-only. C: getsockopt(2) `SO_PEERCRED`, socket(7).
    public static var peerCredentials: SocketOption<PeerCredentials> {
        SocketOption<PeerCredentials>(
            level: .socket, name: 17, cName: "SO_PEERCRED", codec: .credentials, access: .readOnly,
            applicability: .local, unit: nil,
            summary: "Process, user and group of the connected peer (as of connect or socketpair).")
    }
}

extension SocketOption where Value == TCPInfo {
    // MARK: IPPROTO_TCP — tcp(7)

    /// Connection state and statistics (struct tcp_info: RTT, cwnd, retransmits, bytes ...).
    /// Read-only. C: getsockopt(2) `TCP_INFO`, tcp(7).
    public static var tcpInfo: SocketOption<TCPInfo> {
        SocketOption<TCPInfo>(
            level: .tcp, name: 11, cName: "TCP_INFO", codec: .tcpInfo, access: .readOnly,
            applicability: .tcp, unit: nil,
            summary: "Connection state and statistics (struct tcp_info: RTT, cwnd, retransmits, bytes ...).")
    }
}
