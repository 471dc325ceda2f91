// The catalog: every option Linux supports at SOL_SOCKET, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_TCP and
// IPPROTO_UDP, from asm-generic/socket.h, linux/in.h, linux/in6.h, linux/tcp.h, linux/udp.h and glibc's
// bits/in.h and netinet/tcp.h. Rows with a Swift name use the named option (SocketOption+Named.swift).
//
// Left out on purpose (see `SocketOptionCatalog.notOptions`): names the headers define that are not
// options Linux accepts at these levels.

extension SocketOptionCatalog {
    static func makeTable() -> [AnySocketOption] {
        var rows: [AnySocketOption] = []
        rows.reserveCapacity(220)

        // MARK: SOL_SOCKET — socket(7)
        rows.append(AnySocketOption(SocketOption<Bool>.debug, swiftName: "debug"))
        rows.append(AnySocketOption(SocketOption<Bool>.reuseAddress, swiftName: "reuseAddress"))
        rows.append(AnySocketOption(SocketOption<Int>.socketType, swiftName: "socketType"))
        rows.append(AnySocketOption(SocketOption<Int>.pendingError, swiftName: "pendingError"))
        rows.append(AnySocketOption(SocketOption<Bool>.dontRoute, swiftName: "dontRoute"))
        rows.append(AnySocketOption(SocketOption<Bool>.broadcast, swiftName: "broadcast"))
        rows.append(AnySocketOption(SocketOption<BufferSize>.sendBufferSize, swiftName: "sendBufferSize"))
        rows.append(AnySocketOption(SocketOption<BufferSize>.receiveBufferSize, swiftName: "receiveBufferSize"))
        rows.append(AnySocketOption(SocketOption<Bool>.keepAlive, swiftName: "keepAlive"))
        rows.append(AnySocketOption(SocketOption<Bool>.outOfBandInline, swiftName: "outOfBandInline"))
        rows.append(AnySocketOption(SocketOption<Bool>.noChecksum, swiftName: "noChecksum"))
        rows.append(AnySocketOption(SocketOption<Int>.priority, swiftName: "priority"))
        rows.append(AnySocketOption(SocketOption<Linger>.linger, swiftName: "linger"))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .socket, name: 14, cName: "SO_BSDCOMPAT", codec: .boolean, access: .readWrite,
                applicability: .anySocket, unit: nil,
                summary: "Obsolete BSD compatibility flag; Linux ignores it and reads 0.")))
        rows.append(AnySocketOption(SocketOption<Bool>.reusePort, swiftName: "reusePort"))
        rows.append(AnySocketOption(SocketOption<Bool>.passCredentials, swiftName: "passCredentials"))
        rows.append(AnySocketOption(SocketOption<PeerCredentials>.peerCredentials, swiftName: "peerCredentials"))
        rows.append(AnySocketOption(SocketOption<Int>.receiveLowWatermark, swiftName: "receiveLowWatermark"))
        rows.append(AnySocketOption(SocketOption<Int>.sendLowWatermark, swiftName: "sendLowWatermark"))
        rows.append(AnySocketOption(SocketOption<Duration>.receiveTimeout, swiftName: "receiveTimeout", aliases: ["SO_RCVTIMEO_OLD"]))
        rows.append(AnySocketOption(SocketOption<Duration>.sendTimeout, swiftName: "sendTimeout", aliases: ["SO_SNDTIMEO_OLD"]))
        rows.append(AnySocketOption(SocketOption<String>.bindToDevice, swiftName: "bindToDevice"))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .socket, name: 26, cName: "SO_GET_FILTER", codec: .bpfInstructionCount, access: .readOnly,
                applicability: .anySocket, unit: nil,
                summary: "Instructions in the attached classic BPF filter (SO_ATTACH_FILTER sets one; it takes a pointer)."), aliases: ["SO_ATTACH_FILTER"]))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .socket, name: 27, cName: "SO_DETACH_FILTER", codec: .integer, access: .writeOnly,
                applicability: .anySocket, unit: nil,
                summary: "Removes the attached BPF filter or program (the value is ignored)."), aliases: ["SO_DETACH_BPF"]))
        rows.append(AnySocketOption(SocketOption<String>(
                level: .socket, name: 28, cName: "SO_PEERNAME", codec: .peerAddress, access: .readOnly,
                applicability: .anySocket, unit: nil,
                summary: "The connected peer's address, as getpeername(2) gives it.")))
        rows.append(AnySocketOption(SocketOption<Bool>.timestamp, swiftName: "timestamp", aliases: ["SO_TIMESTAMP_OLD"]))
        rows.append(AnySocketOption(SocketOption<Bool>.acceptsConnections, swiftName: "acceptsConnections"))
        rows.append(AnySocketOption(SocketOption<String>(
                level: .socket, name: 31, cName: "SO_PEERSEC", codec: .string(capacity: 4096), access: .readOnly,
                applicability: .local, unit: nil,
                summary: "The peer's security context (SELinux/AppArmor label).")))
        rows.append(AnySocketOption(SocketOption<BufferSize>(
                level: .socket, name: 32, cName: "SO_SNDBUFFORCE", codec: .bufferSize, access: .writeOnly,
                applicability: .anySocket, unit: .bytes,
                summary: "Like SO_SNDBUF, ignoring net.core.wmem_max (needs CAP_NET_ADMIN).")))
        rows.append(AnySocketOption(SocketOption<BufferSize>(
                level: .socket, name: 33, cName: "SO_RCVBUFFORCE", codec: .bufferSize, access: .writeOnly,
                applicability: .anySocket, unit: .bytes,
                summary: "Like SO_RCVBUF, ignoring net.core.rmem_max (needs CAP_NET_ADMIN).")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .socket, name: 34, cName: "SO_PASSSEC", codec: .boolean, access: .readWrite,
                applicability: .local, unit: nil,
                summary: "Receives SCM_SECURITY control messages with the sender's security context.")))
        rows.append(AnySocketOption(SocketOption<Bool>.timestampNanoseconds, swiftName: "timestampNanoseconds", aliases: ["SO_TIMESTAMPNS_OLD"]))
        rows.append(AnySocketOption(SocketOption<Int>.mark, swiftName: "mark"))
        rows.append(AnySocketOption(SocketOption<Int>.timestamping, swiftName: "timestamping", aliases: ["SO_TIMESTAMPING_OLD"]))
        rows.append(AnySocketOption(SocketOption<Int>.protocolNumber, swiftName: "protocolNumber"))
        rows.append(AnySocketOption(SocketOption<Int>.domain, swiftName: "domain"))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .socket, name: 40, cName: "SO_RXQ_OVFL", codec: .boolean, access: .readWrite,
                applicability: .anySocket, unit: nil,
                summary: "Receives a control message counting packets dropped since the last one.")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .socket, name: 41, cName: "SO_WIFI_STATUS", codec: .boolean, access: .readWrite,
                applicability: .anySocket, unit: nil,
                summary: "Receives 802.11 ACK status control messages for sent packets.")))
        rows.append(AnySocketOption(SocketOption<Int>.peekOffset, swiftName: "peekOffset"))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .socket, name: 43, cName: "SO_NOFCS", codec: .boolean, access: .readWrite,
                applicability: .anySocket, unit: nil,
                summary: "Sends frames without an Ethernet frame check sequence (packet sockets).")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .socket, name: 44, cName: "SO_LOCK_FILTER", codec: .boolean, access: .readWrite,
                applicability: .anySocket, unit: nil,
                summary: "Locks the attached filter so it cannot be changed or removed.")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .socket, name: 45, cName: "SO_SELECT_ERR_QUEUE", codec: .boolean, access: .readWrite,
                applicability: .anySocket, unit: nil,
                summary: "Reports error-queue events as POLLPRI as well as POLLERR.")))
        rows.append(AnySocketOption(SocketOption<Int>.busyPoll, swiftName: "busyPoll"))
        rows.append(AnySocketOption(SocketOption<UInt64>.maxPacingRate, swiftName: "maxPacingRate"))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .socket, name: 48, cName: "SO_BPF_EXTENSIONS", codec: .integer, access: .readOnly,
                applicability: .anySocket, unit: nil,
                summary: "Which classic BPF extensions the kernel supports (a bit mask).")))
        rows.append(AnySocketOption(SocketOption<Int>.incomingCPU, swiftName: "incomingCPU"))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .socket, name: 50, cName: "SO_ATTACH_BPF", codec: .integer, access: .writeOnly,
                applicability: .anySocket, unit: nil,
                summary: "Attaches an eBPF socket filter program, given its descriptor.")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .socket, name: 51, cName: "SO_ATTACH_REUSEPORT_CBPF", codec: .bytes(capacity: 16), access: .writeOnly,
                applicability: .internet, unit: nil,
                summary: "Attaches a classic BPF program that picks a socket in a SO_REUSEPORT group.")))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .socket, name: 52, cName: "SO_ATTACH_REUSEPORT_EBPF", codec: .integer, access: .writeOnly,
                applicability: .internet, unit: nil,
                summary: "Attaches an eBPF program, by descriptor, that picks a socket in a SO_REUSEPORT group.")))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .socket, name: 53, cName: "SO_CNX_ADVICE", codec: .integer, access: .writeOnly,
                applicability: .anySocket, unit: nil,
                summary: "Advises the kernel that the connection is unhealthy (1 = negative advice).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .socket, name: 55, cName: "SO_MEMINFO", codec: .bytes(capacity: 64), access: .readOnly,
                applicability: .anySocket, unit: nil,
                summary: "Socket memory counters (SK_MEMINFO_* array of u32).")))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .socket, name: 56, cName: "SO_INCOMING_NAPI_ID", codec: .integer, access: .readOnly,
                applicability: .anySocket, unit: nil,
                summary: "NAPI id of the device queue that received the last packet.")))
        rows.append(AnySocketOption(SocketOption<UInt64>.cookie, swiftName: "cookie"))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .socket, name: 59, cName: "SO_PEERGROUPS", codec: .bytes(capacity: 4096), access: .readOnly,
                applicability: .local, unit: nil,
                summary: "The connected peer's supplementary group ids (array of gid_t).")))
        rows.append(AnySocketOption(SocketOption<Bool>.zeroCopy, swiftName: "zeroCopy"))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .socket, name: 61, cName: "SO_TXTIME", codec: .bytes(capacity: 8), access: .readWrite,
                applicability: .anySocket, unit: nil,
                summary: "Clock and flags for SCM_TXTIME launch times (struct sock_txtime).")))
        rows.append(AnySocketOption(SocketOption<Int>.bindToInterfaceIndex, swiftName: "bindToInterfaceIndex"))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .socket, name: 63, cName: "SO_TIMESTAMP_NEW", codec: .boolean, access: .readWrite,
                applicability: .anySocket, unit: nil,
                summary: "Like SO_TIMESTAMP with 64-bit time control messages.")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .socket, name: 64, cName: "SO_TIMESTAMPNS_NEW", codec: .boolean, access: .readWrite,
                applicability: .anySocket, unit: nil,
                summary: "Like SO_TIMESTAMPNS with 64-bit time control messages.")))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .socket, name: 65, cName: "SO_TIMESTAMPING_NEW", codec: .integer, access: .readWrite,
                applicability: .anySocket, unit: nil,
                summary: "Like SO_TIMESTAMPING with 64-bit time control messages.")))
        rows.append(AnySocketOption(SocketOption<Duration>(
                level: .socket, name: 66, cName: "SO_RCVTIMEO_NEW", codec: .timeval, access: .readWrite,
                applicability: .anySocket, unit: nil,
                summary: "Receive timeout with a 64-bit timeval (same as SO_RCVTIMEO on 64-bit Linux).")))
        rows.append(AnySocketOption(SocketOption<Duration>(
                level: .socket, name: 67, cName: "SO_SNDTIMEO_NEW", codec: .timeval, access: .readWrite,
                applicability: .anySocket, unit: nil,
                summary: "Send timeout with a 64-bit timeval (same as SO_SNDTIMEO on 64-bit Linux).")))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .socket, name: 68, cName: "SO_DETACH_REUSEPORT_BPF", codec: .integer, access: .writeOnly,
                applicability: .internet, unit: nil,
                summary: "Removes the SO_REUSEPORT group selection program.")))
        rows.append(AnySocketOption(SocketOption<Bool>.preferBusyPoll, swiftName: "preferBusyPoll"))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .socket, name: 70, cName: "SO_BUSY_POLL_BUDGET", codec: .integer, access: .writeOnly,
                applicability: .anySocket, unit: nil,
                summary: "Packets handled per busy-poll run (raising it needs CAP_NET_ADMIN).")))
        rows.append(AnySocketOption(SocketOption<UInt64>.networkNamespaceCookie, swiftName: "networkNamespaceCookie"))
        rows.append(AnySocketOption(SocketOption<Int>.bufferLock, swiftName: "bufferLock"))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .socket, name: 73, cName: "SO_RESERVE_MEM", codec: .integer, access: .readWrite,
                applicability: .anySocket, unit: .bytes,
                summary: "Memory to reserve for the socket up front (needs memory cgroup accounting).")))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .socket, name: 74, cName: "SO_TXREHASH", codec: .integer, access: .readWrite,
                applicability: .tcp, unit: nil,
                summary: "Rehash the flow on retransmit timeouts: -1 = sysctl default, 0 = off, 1 = on.")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .socket, name: 75, cName: "SO_RCVMARK", codec: .boolean, access: .readWrite,
                applicability: .anySocket, unit: nil,
                summary: "Receives SO_MARK control messages with each packet's firewall mark.")))

        // MARK: IPPROTO_IP — ip(7)
        rows.append(AnySocketOption(SocketOption<Int>.typeOfService, swiftName: "typeOfService"))
        rows.append(AnySocketOption(SocketOption<Int>.timeToLive, swiftName: "timeToLive"))
        rows.append(AnySocketOption(SocketOption<Bool>.headerIncluded, swiftName: "headerIncluded"))
        rows.append(AnySocketOption(SocketOption<[UInt8]>.ipOptions, swiftName: "ipOptions"))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ip, name: 5, cName: "IP_ROUTER_ALERT", codec: .boolean, access: .readWrite,
                applicability: .internetRaw, unit: nil,
                summary: "Passes packets with the Router Alert option to this raw socket.")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ip, name: 6, cName: "IP_RECVOPTS", codec: .boolean, access: .readWrite,
                applicability: .internet, unit: nil,
                summary: "Receives the IP options of incoming packets as IP_OPTIONS control messages.")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ip, name: 7, cName: "IP_RETOPTS", codec: .boolean, access: .readWrite,
                applicability: .internet, unit: nil,
                summary: "Like IP_RECVOPTS, with timestamp and route options not filled in."), aliases: ["IP_RECVRETOPTS"]))
        rows.append(AnySocketOption(SocketOption<Bool>.packetInfo, swiftName: "packetInfo"))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ip, name: 9, cName: "IP_PKTOPTIONS", codec: .bytes(capacity: 1024), access: .readOnly,
                applicability: .tcp, unit: nil,
                summary: "Control messages latched from the last packet (TCP, with IP_PKTINFO and friends).")))
        rows.append(AnySocketOption(SocketOption<Int>.pathMTUDiscovery, swiftName: "pathMTUDiscovery", aliases: ["IP_PMTUDISC"]))
        rows.append(AnySocketOption(SocketOption<Bool>.receiveErrors, swiftName: "receiveErrors"))
        rows.append(AnySocketOption(SocketOption<Bool>.receiveTimeToLive, swiftName: "receiveTimeToLive"))
        rows.append(AnySocketOption(SocketOption<Bool>.receiveTypeOfService, swiftName: "receiveTypeOfService"))
        rows.append(AnySocketOption(SocketOption<Int>.mtu, swiftName: "mtu"))
        rows.append(AnySocketOption(SocketOption<Bool>.freeBind, swiftName: "freeBind"))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ip, name: 16, cName: "IP_IPSEC_POLICY", codec: .bytes(capacity: 1024), access: .writeOnly,
                applicability: .internet, unit: nil,
                summary: "Sets a per-socket IPsec policy (PF_KEY format; needs CAP_NET_ADMIN).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ip, name: 17, cName: "IP_XFRM_POLICY", codec: .bytes(capacity: 1024), access: .writeOnly,
                applicability: .internet, unit: nil,
                summary: "Sets a per-socket xfrm policy (netlink format; needs CAP_NET_ADMIN).")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ip, name: 18, cName: "IP_PASSSEC", codec: .boolean, access: .readWrite,
                applicability: .internet, unit: nil,
                summary: "Receives SCM_SECURITY control messages (labeled IPsec/CIPSO).")))
        rows.append(AnySocketOption(SocketOption<Bool>.transparent, swiftName: "transparent"))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ip, name: 20, cName: "IP_ORIGDSTADDR", codec: .boolean, access: .readWrite,
                applicability: .internet, unit: nil,
                summary: "Receives the original destination address as a control message (TPROXY)."), aliases: ["IP_RECVORIGDSTADDR"]))
        rows.append(AnySocketOption(SocketOption<Int>.minimumTimeToLive, swiftName: "minimumTimeToLive"))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ip, name: 22, cName: "IP_NODEFRAG", codec: .boolean, access: .readWrite,
                applicability: .internetRaw, unit: nil,
                summary: "Does not reassemble fragments before delivery (raw sockets).")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ip, name: 23, cName: "IP_CHECKSUM", codec: .boolean, access: .readWrite,
                applicability: .internet, unit: nil,
                summary: "Receives the packet checksum as an IP_CHECKSUM control message.")))
        rows.append(AnySocketOption(SocketOption<Bool>.bindAddressNoPort, swiftName: "bindAddressNoPort"))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ip, name: 25, cName: "IP_RECVFRAGSIZE", codec: .boolean, access: .readWrite,
                applicability: .internetDatagram, unit: nil,
                summary: "Receives the size of the largest fragment of reassembled packets.")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ip, name: 26, cName: "IP_RECVERR_RFC4884", codec: .boolean, access: .readWrite,
                applicability: .internet, unit: nil,
                summary: "Parses RFC 4884 ICMP extensions into the error queue.")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ip, name: 32, cName: "IP_MULTICAST_IF", codec: .bytes(capacity: 12), access: .readWrite,
                applicability: .internetDatagram, unit: nil,
                summary: "Local interface address for outgoing multicast (in_addr or ip_mreqn).")))
        rows.append(AnySocketOption(SocketOption<Int>.multicastTimeToLive, swiftName: "multicastTimeToLive"))
        rows.append(AnySocketOption(SocketOption<Bool>.multicastLoop, swiftName: "multicastLoop"))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ip, name: 35, cName: "IP_ADD_MEMBERSHIP", codec: .bytes(capacity: 12), access: .writeOnly,
                applicability: .internetDatagram, unit: nil,
                summary: "Joins a multicast group (struct ip_mreqn).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ip, name: 36, cName: "IP_DROP_MEMBERSHIP", codec: .bytes(capacity: 12), access: .writeOnly,
                applicability: .internetDatagram, unit: nil,
                summary: "Leaves a multicast group (struct ip_mreqn).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ip, name: 37, cName: "IP_UNBLOCK_SOURCE", codec: .bytes(capacity: 12), access: .writeOnly,
                applicability: .internetDatagram, unit: nil,
                summary: "Unblocks a multicast source (struct ip_mreq_source).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ip, name: 38, cName: "IP_BLOCK_SOURCE", codec: .bytes(capacity: 12), access: .writeOnly,
                applicability: .internetDatagram, unit: nil,
                summary: "Blocks a multicast source (struct ip_mreq_source).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ip, name: 39, cName: "IP_ADD_SOURCE_MEMBERSHIP", codec: .bytes(capacity: 12), access: .writeOnly,
                applicability: .internetDatagram, unit: nil,
                summary: "Joins a source-specific multicast group (struct ip_mreq_source).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ip, name: 40, cName: "IP_DROP_SOURCE_MEMBERSHIP", codec: .bytes(capacity: 12), access: .writeOnly,
                applicability: .internetDatagram, unit: nil,
                summary: "Leaves a source-specific multicast group (struct ip_mreq_source).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ip, name: 41, cName: "IP_MSFILTER", codec: .bytes(capacity: 1024), access: .readWrite,
                applicability: .internetDatagram, unit: nil,
                summary: "Multicast source filter (struct ip_msfilter; a get needs the group filled in).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ip, name: 42, cName: "MCAST_JOIN_GROUP", codec: .bytes(capacity: 136), access: .writeOnly,
                applicability: .internetDatagram, unit: nil,
                summary: "Joins a multicast group, protocol-independent (struct group_req).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ip, name: 43, cName: "MCAST_BLOCK_SOURCE", codec: .bytes(capacity: 264), access: .writeOnly,
                applicability: .internetDatagram, unit: nil,
                summary: "Blocks a multicast source (struct group_source_req).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ip, name: 44, cName: "MCAST_UNBLOCK_SOURCE", codec: .bytes(capacity: 264), access: .writeOnly,
                applicability: .internetDatagram, unit: nil,
                summary: "Unblocks a multicast source (struct group_source_req).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ip, name: 45, cName: "MCAST_LEAVE_GROUP", codec: .bytes(capacity: 136), access: .writeOnly,
                applicability: .internetDatagram, unit: nil,
                summary: "Leaves a multicast group (struct group_req).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ip, name: 46, cName: "MCAST_JOIN_SOURCE_GROUP", codec: .bytes(capacity: 264), access: .writeOnly,
                applicability: .internetDatagram, unit: nil,
                summary: "Joins a source-specific multicast group (struct group_source_req).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ip, name: 47, cName: "MCAST_LEAVE_SOURCE_GROUP", codec: .bytes(capacity: 264), access: .writeOnly,
                applicability: .internetDatagram, unit: nil,
                summary: "Leaves a source-specific multicast group (struct group_source_req).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ip, name: 48, cName: "MCAST_MSFILTER", codec: .bytes(capacity: 1024), access: .readWrite,
                applicability: .internetDatagram, unit: nil,
                summary: "Multicast source filter (struct group_filter; a get needs the group filled in).")))
        rows.append(AnySocketOption(SocketOption<Bool>.multicastAll, swiftName: "multicastAll"))
        rows.append(AnySocketOption(SocketOption<Int>.unicastInterface, swiftName: "unicastInterface"))
        rows.append(AnySocketOption(SocketOption<Int>.localPortRange, swiftName: "localPortRange"))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .ip, name: 52, cName: "IP_PROTOCOL", codec: .integer, access: .readOnly,
                applicability: .internetRaw, unit: nil,
                summary: "The protocol of a raw socket (on other sockets the kernel answers with the local port).")))

        // MARK: IPPROTO_IPV6 — ipv6(7)
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .ipv6, name: 1, cName: "IPV6_ADDRFORM", codec: .integer, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Converts a connected v4-mapped socket to AF_INET (set 2); reads the family.")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ipv6, name: 2, cName: "IPV6_2292PKTINFO", codec: .boolean, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "RFC 2292 form of IPV6_RECVPKTINFO.")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ipv6, name: 3, cName: "IPV6_2292HOPOPTS", codec: .boolean, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "RFC 2292 form of IPV6_RECVHOPOPTS.")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ipv6, name: 4, cName: "IPV6_2292DSTOPTS", codec: .boolean, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "RFC 2292 form of IPV6_RECVDSTOPTS.")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ipv6, name: 5, cName: "IPV6_2292RTHDR", codec: .boolean, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "RFC 2292 form of IPV6_RECVRTHDR.")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 6, cName: "IPV6_2292PKTOPTIONS", codec: .bytes(capacity: 1024), access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "RFC 2292 sticky options as control messages (TCP: latched from the last packet).")))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .ipv6, name: 7, cName: "IPV6_CHECKSUM", codec: .integer, access: .readWrite,
                applicability: .ipv6Raw, unit: nil,
                summary: "Offset of the checksum the kernel computes for a raw socket (-1 = none).")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ipv6, name: 8, cName: "IPV6_2292HOPLIMIT", codec: .boolean, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "RFC 2292 form of IPV6_RECVHOPLIMIT.")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 9, cName: "IPV6_NEXTHOP", codec: .bytes(capacity: 28), access: .writeOnly,
                applicability: .ipv6, unit: nil,
                summary: "Sticky next-hop address (sockaddr_in6; needs CAP_NET_RAW).")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ipv6, name: 11, cName: "IPV6_FLOWINFO", codec: .boolean, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Receives the flow label as an IPV6_FLOWINFO control message.")))
        rows.append(AnySocketOption(SocketOption<Int>.ipv6UnicastHops, swiftName: "ipv6UnicastHops"))
        rows.append(AnySocketOption(SocketOption<Int>.ipv6MulticastInterface, swiftName: "ipv6MulticastInterface"))
        rows.append(AnySocketOption(SocketOption<Int>.ipv6MulticastHops, swiftName: "ipv6MulticastHops"))
        rows.append(AnySocketOption(SocketOption<Bool>.ipv6MulticastLoop, swiftName: "ipv6MulticastLoop"))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 20, cName: "IPV6_ADD_MEMBERSHIP", codec: .bytes(capacity: 20), access: .writeOnly,
                applicability: .ipv6Datagram, unit: nil,
                summary: "Joins a multicast group (struct ipv6_mreq)."), aliases: ["IPV6_JOIN_GROUP"]))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 21, cName: "IPV6_DROP_MEMBERSHIP", codec: .bytes(capacity: 20), access: .writeOnly,
                applicability: .ipv6Datagram, unit: nil,
                summary: "Leaves a multicast group (struct ipv6_mreq)."), aliases: ["IPV6_LEAVE_GROUP"]))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .ipv6, name: 22, cName: "IPV6_ROUTER_ALERT", codec: .integer, access: .readWrite,
                applicability: .ipv6Raw, unit: nil,
                summary: "Passes packets with this Router Alert value to the raw socket (-1 = off).")))
        rows.append(AnySocketOption(SocketOption<Int>.ipv6PathMTUDiscovery, swiftName: "ipv6PathMTUDiscovery"))
        rows.append(AnySocketOption(SocketOption<Int>.ipv6MTU, swiftName: "ipv6MTU"))
        rows.append(AnySocketOption(SocketOption<Bool>.ipv6ReceiveErrors, swiftName: "ipv6ReceiveErrors"))
        rows.append(AnySocketOption(SocketOption<Bool>.ipv6Only, swiftName: "ipv6Only"))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 27, cName: "IPV6_JOIN_ANYCAST", codec: .bytes(capacity: 20), access: .writeOnly,
                applicability: .ipv6, unit: nil,
                summary: "Joins an anycast address (struct ipv6_mreq).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 28, cName: "IPV6_LEAVE_ANYCAST", codec: .bytes(capacity: 20), access: .writeOnly,
                applicability: .ipv6, unit: nil,
                summary: "Leaves an anycast address (struct ipv6_mreq).")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ipv6, name: 29, cName: "IPV6_MULTICAST_ALL", codec: .boolean, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Receives multicast for every group joined on the host, not just this socket's.")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ipv6, name: 30, cName: "IPV6_ROUTER_ALERT_ISOLATE", codec: .boolean, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Delivers Router Alert packets only from this socket's network namespace.")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ipv6, name: 31, cName: "IPV6_RECVERR_RFC4884", codec: .boolean, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Parses RFC 4884 ICMPv6 extensions into the error queue.")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 32, cName: "IPV6_FLOWLABEL_MGR", codec: .bytes(capacity: 32), access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Manages flow labels (struct in6_flowlabel_req; a get needs the label filled in).")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ipv6, name: 33, cName: "IPV6_FLOWINFO_SEND", codec: .boolean, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Sends the flow label given in the destination sockaddr_in6.")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 34, cName: "IPV6_IPSEC_POLICY", codec: .bytes(capacity: 1024), access: .writeOnly,
                applicability: .ipv6, unit: nil,
                summary: "Sets a per-socket IPsec policy (PF_KEY format; needs CAP_NET_ADMIN).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 35, cName: "IPV6_XFRM_POLICY", codec: .bytes(capacity: 1024), access: .writeOnly,
                applicability: .ipv6, unit: nil,
                summary: "Sets a per-socket xfrm policy (netlink format; needs CAP_NET_ADMIN).")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ipv6, name: 36, cName: "IPV6_HDRINCL", codec: .boolean, access: .readWrite,
                applicability: .ipv6Raw, unit: nil,
                summary: "The application supplies the IPv6 header (raw sockets).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 42, cName: "MCAST_JOIN_GROUP", codec: .bytes(capacity: 136), access: .writeOnly,
                applicability: .ipv6Datagram, unit: nil,
                summary: "Joins a multicast group, protocol-independent (struct group_req).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 43, cName: "MCAST_BLOCK_SOURCE", codec: .bytes(capacity: 264), access: .writeOnly,
                applicability: .ipv6Datagram, unit: nil,
                summary: "Blocks a multicast source (struct group_source_req).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 44, cName: "MCAST_UNBLOCK_SOURCE", codec: .bytes(capacity: 264), access: .writeOnly,
                applicability: .ipv6Datagram, unit: nil,
                summary: "Unblocks a multicast source (struct group_source_req).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 45, cName: "MCAST_LEAVE_GROUP", codec: .bytes(capacity: 136), access: .writeOnly,
                applicability: .ipv6Datagram, unit: nil,
                summary: "Leaves a multicast group (struct group_req).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 46, cName: "MCAST_JOIN_SOURCE_GROUP", codec: .bytes(capacity: 264), access: .writeOnly,
                applicability: .ipv6Datagram, unit: nil,
                summary: "Joins a source-specific multicast group (struct group_source_req).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 47, cName: "MCAST_LEAVE_SOURCE_GROUP", codec: .bytes(capacity: 264), access: .writeOnly,
                applicability: .ipv6Datagram, unit: nil,
                summary: "Leaves a source-specific multicast group (struct group_source_req).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 48, cName: "MCAST_MSFILTER", codec: .bytes(capacity: 1024), access: .readWrite,
                applicability: .ipv6Datagram, unit: nil,
                summary: "Multicast source filter (struct group_filter; a get needs the group filled in).")))
        rows.append(AnySocketOption(SocketOption<Bool>.ipv6ReceivePacketInfo, swiftName: "ipv6ReceivePacketInfo"))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 50, cName: "IPV6_PKTINFO", codec: .bytes(capacity: 20), access: .writeOnly,
                applicability: .ipv6, unit: nil,
                summary: "Sticky source address and interface for sending (struct in6_pktinfo).")))
        rows.append(AnySocketOption(SocketOption<Bool>.ipv6ReceiveHopLimit, swiftName: "ipv6ReceiveHopLimit"))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ipv6, name: 53, cName: "IPV6_RECVHOPOPTS", codec: .boolean, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Receives hop-by-hop options as control messages.")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 54, cName: "IPV6_HOPOPTS", codec: .bytes(capacity: 2048), access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Sticky hop-by-hop options header (setting it needs CAP_NET_RAW)."), aliases: ["IPV6_RXHOPOPTS"]))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 55, cName: "IPV6_RTHDRDSTOPTS", codec: .bytes(capacity: 2048), access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Sticky destination options header placed before a routing header.")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ipv6, name: 56, cName: "IPV6_RECVRTHDR", codec: .boolean, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Receives routing headers as control messages.")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 57, cName: "IPV6_RTHDR", codec: .bytes(capacity: 2048), access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Sticky routing header.")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ipv6, name: 58, cName: "IPV6_RECVDSTOPTS", codec: .boolean, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Receives destination options as control messages.")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 59, cName: "IPV6_DSTOPTS", codec: .bytes(capacity: 2048), access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Sticky destination options header."), aliases: ["IPV6_RXDSTOPTS"]))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ipv6, name: 60, cName: "IPV6_RECVPATHMTU", codec: .boolean, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Receives IPV6_PATHMTU control messages when the path MTU changes.")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .ipv6, name: 61, cName: "IPV6_PATHMTU", codec: .bytes(capacity: 32), access: .readOnly,
                applicability: .ipv6, unit: nil,
                summary: "Path MTU and destination of a connected socket (struct ip6_mtuinfo).")))
        rows.append(AnySocketOption(SocketOption<Bool>.ipv6DontFragment, swiftName: "ipv6DontFragment"))
        rows.append(AnySocketOption(SocketOption<Bool>.ipv6ReceiveTrafficClass, swiftName: "ipv6ReceiveTrafficClass"))
        rows.append(AnySocketOption(SocketOption<Int>.ipv6TrafficClass, swiftName: "ipv6TrafficClass"))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ipv6, name: 70, cName: "IPV6_AUTOFLOWLABEL", codec: .boolean, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Generates flow labels automatically from the flow hash.")))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .ipv6, name: 72, cName: "IPV6_ADDR_PREFERENCES", codec: .integer, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "RFC 5014 source address preferences (IPV6_PREFER_SRC_* flags).")))
        rows.append(AnySocketOption(SocketOption<Int>.ipv6MinimumHopCount, swiftName: "ipv6MinimumHopCount"))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ipv6, name: 74, cName: "IPV6_ORIGDSTADDR", codec: .boolean, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Receives the original destination address as a control message (TPROXY)."), aliases: ["IPV6_RECVORIGDSTADDR"]))
        rows.append(AnySocketOption(SocketOption<Bool>.ipv6Transparent, swiftName: "ipv6Transparent"))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .ipv6, name: 76, cName: "IPV6_UNICAST_IF", codec: .integer, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Interface index for outgoing unicast, in network byte order (0 = any).")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .ipv6, name: 77, cName: "IPV6_RECVFRAGSIZE", codec: .boolean, access: .readWrite,
                applicability: .ipv6, unit: nil,
                summary: "Receives the size of the largest fragment of reassembled packets.")))
        rows.append(AnySocketOption(SocketOption<Bool>.ipv6FreeBind, swiftName: "ipv6FreeBind"))

        // MARK: IPPROTO_TCP — tcp(7)
        rows.append(AnySocketOption(SocketOption<Bool>.noDelay, swiftName: "noDelay"))
        rows.append(AnySocketOption(SocketOption<Int>.maximumSegmentSize, swiftName: "maximumSegmentSize"))
        rows.append(AnySocketOption(SocketOption<Bool>.cork, swiftName: "cork"))
        rows.append(AnySocketOption(SocketOption<Int>.keepAliveIdle, swiftName: "keepAliveIdle"))
        rows.append(AnySocketOption(SocketOption<Int>.keepAliveInterval, swiftName: "keepAliveInterval"))
        rows.append(AnySocketOption(SocketOption<Int>.keepAliveCount, swiftName: "keepAliveCount"))
        rows.append(AnySocketOption(SocketOption<Int>.synRetries, swiftName: "synRetries"))
        rows.append(AnySocketOption(SocketOption<Int>.finWait2Timeout, swiftName: "finWait2Timeout"))
        rows.append(AnySocketOption(SocketOption<Int>.deferAccept, swiftName: "deferAccept"))
        rows.append(AnySocketOption(SocketOption<Int>.windowClamp, swiftName: "windowClamp"))
        rows.append(AnySocketOption(SocketOption<TCPInfo>.tcpInfo, swiftName: "tcpInfo"))
        rows.append(AnySocketOption(SocketOption<Bool>.quickAck, swiftName: "quickAck"))
        rows.append(AnySocketOption(SocketOption<String>.congestionControl, swiftName: "congestionControl"))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .tcp, name: 14, cName: "TCP_MD5SIG", codec: .bytes(capacity: 216), access: .writeOnly,
                applicability: .tcp, unit: nil,
                summary: "Adds or removes an RFC 2385 MD5 signature key for a peer (struct tcp_md5sig).")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .tcp, name: 16, cName: "TCP_THIN_LINEAR_TIMEOUTS", codec: .boolean, access: .readWrite,
                applicability: .tcp, unit: nil,
                summary: "Linear (not exponential) retransmit timeouts for thin streams.")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .tcp, name: 17, cName: "TCP_THIN_DUPACK", codec: .boolean, access: .readWrite,
                applicability: .tcp, unit: nil,
                summary: "Obsolete: fast retransmit after one duplicate ACK for thin streams (now a no-op).")))
        rows.append(AnySocketOption(SocketOption<Int>.userTimeout, swiftName: "userTimeout"))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .tcp, name: 19, cName: "TCP_REPAIR", codec: .integer, access: .readWrite,
                applicability: .tcp, unit: nil,
                summary: "Repair mode for checkpoint/restore (needs CAP_NET_ADMIN): 1 = on, 0 = off, -1 = off without window probe.")))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .tcp, name: 20, cName: "TCP_REPAIR_QUEUE", codec: .integer, access: .readWrite,
                applicability: .tcp, unit: nil,
                summary: "Selects the queue (1 = receive, 2 = send) that repair-mode reads and writes act on.")))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .tcp, name: 21, cName: "TCP_QUEUE_SEQ", codec: .unsignedInteger32, access: .readWrite,
                applicability: .tcp, unit: nil,
                summary: "Sequence number of the selected repair queue.")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .tcp, name: 22, cName: "TCP_REPAIR_OPTIONS", codec: .bytes(capacity: 64), access: .writeOnly,
                applicability: .tcp, unit: nil,
                summary: "Restores negotiated TCP options in repair mode (struct tcp_repair_opt array).")))
        rows.append(AnySocketOption(SocketOption<Int>.fastOpen, swiftName: "fastOpen"))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .tcp, name: 24, cName: "TCP_TIMESTAMP", codec: .unsignedInteger32, access: .readWrite,
                applicability: .tcp, unit: nil,
                summary: "The TCP timestamp clock of the socket (setting it needs repair mode).")))
        rows.append(AnySocketOption(SocketOption<Int>.notSentLowWatermark, swiftName: "notSentLowWatermark"))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .tcp, name: 26, cName: "TCP_CC_INFO", codec: .bytes(capacity: 64), access: .readOnly,
                applicability: .tcp, unit: nil,
                summary: "Congestion control specific state (union tcp_cc_info: vegas, dctcp, bbr).")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .tcp, name: 27, cName: "TCP_SAVE_SYN", codec: .boolean, access: .readWrite,
                applicability: .tcp, unit: nil,
                summary: "Keeps the headers of the SYN of accepted connections for TCP_SAVED_SYN.")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .tcp, name: 28, cName: "TCP_SAVED_SYN", codec: .bytes(capacity: 1024), access: .readOnly,
                applicability: .tcp, unit: nil,
                summary: "The saved SYN headers (reading releases them).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .tcp, name: 29, cName: "TCP_REPAIR_WINDOW", codec: .bytes(capacity: 20), access: .readWrite,
                applicability: .tcp, unit: nil,
                summary: "Window state in repair mode (struct tcp_repair_window).")))
        rows.append(AnySocketOption(SocketOption<Bool>.fastOpenConnect, swiftName: "fastOpenConnect"))
        rows.append(AnySocketOption(SocketOption<String>.upperLayerProtocol, swiftName: "upperLayerProtocol"))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .tcp, name: 32, cName: "TCP_MD5SIG_EXT", codec: .bytes(capacity: 216), access: .writeOnly,
                applicability: .tcp, unit: nil,
                summary: "TCP_MD5SIG with address prefix and interface (struct tcp_md5sig).")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .tcp, name: 33, cName: "TCP_FASTOPEN_KEY", codec: .bytes(capacity: 32), access: .readWrite,
                applicability: .tcp, unit: nil,
                summary: "TCP Fast Open cookie keys (16 or 32 bytes; setting needs CAP_NET_ADMIN).")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .tcp, name: 34, cName: "TCP_FASTOPEN_NO_COOKIE", codec: .boolean, access: .readWrite,
                applicability: .tcp, unit: nil,
                summary: "Allows Fast Open without a cookie.")))
        rows.append(AnySocketOption(SocketOption<[UInt8]>(
                level: .tcp, name: 35, cName: "TCP_ZEROCOPY_RECEIVE", codec: .bytes(capacity: 64), access: .readOnly,
                applicability: .tcp, unit: nil,
                summary: "Zero-copy receive into an mmap of the socket (the get takes a struct tcp_zerocopy_receive).")))
        rows.append(AnySocketOption(SocketOption<Bool>.receiveQueueLength, swiftName: "receiveQueueLength", aliases: ["TCP_CM_INQ"]))
        rows.append(AnySocketOption(SocketOption<Int>.transmitDelay, swiftName: "transmitDelay"))

        // MARK: IPPROTO_UDP — udp(7)
        rows.append(AnySocketOption(SocketOption<Bool>.udpCork, swiftName: "udpCork"))
        rows.append(AnySocketOption(SocketOption<Int>(
                level: .udp, name: 100, cName: "UDP_ENCAP", codec: .integer, access: .readWrite,
                applicability: .udp, unit: nil,
                summary: "Encapsulation type (UDP_ENCAP_ESPINUDP = 2, L2TP = 3, GTP = 4/5, RXRPC = 6).")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .udp, name: 101, cName: "UDP_NO_CHECK6_TX", codec: .boolean, access: .readWrite,
                applicability: .udp, unit: nil,
                summary: "Sends UDP over IPv6 with a zero checksum (RFC 6935).")))
        rows.append(AnySocketOption(SocketOption<Bool>(
                level: .udp, name: 102, cName: "UDP_NO_CHECK6_RX", codec: .boolean, access: .readWrite,
                applicability: .udp, unit: nil,
                summary: "Accepts UDP over IPv6 with a zero checksum.")))
        rows.append(AnySocketOption(SocketOption<Int>.udpSegment, swiftName: "udpSegment"))
        rows.append(AnySocketOption(SocketOption<Bool>.udpGRO, swiftName: "udpGRO"))
        return rows
    }
}
