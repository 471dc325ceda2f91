import SocketKit

/// Requests and reply views of the three sock_diag families socktui dumps. Every reply is
/// decoded through `ByteReader`, so a short or malformed message is a `NetlinkDecodeError`.
enum InetDiag {
    /// `struct inet_diag_req_v2` (56 bytes) asking for every state of one family/protocol,
    /// with the extensions socktui shows (tcp_info, congestion, socket memory).
    static func request(family: AddressFamily, protocolNumber: UInt8, withInfo: Bool) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(family.rawValue), protocolNumber]
        // idiag_ext bits are (1 << (attribute - 1)): INFO = 2, CONG = 4, SKMEMINFO = 7.
        let extensions: UInt8 = withInfo ? (1 << 1 | 1 << 3 | 1 << 6) : 0
        bytes.append(extensions)
        bytes.append(protocolNumber == 255 ? 255 : 0)  // sdiag_raw_protocol: IPPROTO_RAW matches all raw sockets
        bytes.appendLittleEndian(UInt32(0xffff_ffff))  // all states
        bytes += [UInt8](repeating: 0, count: 48)  // inet_diag_sockid: no filter
        return bytes
    }

    static let attributeInfo: UInt16 = 2
    static let attributeCongestion: UInt16 = 4
    static let attributeProtocol: UInt16 = 10

    /// Decodes one `struct inet_diag_msg` (72 bytes) and its attributes.
    static func entry(_ reader: ByteReader, kind: SocketKind) throws(NetlinkDecodeError) -> SocketEntry {
        try reader.require(0, 72, "inet_diag_msg")
        let family = AddressFamily(rawValue: Int32(try reader.u8(0)))
        let state = try reader.u8(1)
        let timer = try reader.u8(2)
        let sourcePort = Int(try reader.u16be(4))
        let destinationPort = Int(try reader.u16be(6))
        let source = try address(reader, offset: 8, family: family)
        let destination = try address(reader, offset: 24, family: family)
        let interface = try reader.u32le(40)
        let cookie = UInt64(try reader.u32le(44)) | UInt64(try reader.u32le(48)) << 32
        let expires = try reader.u32le(52)
        let receiveQueue = try reader.u32le(56)
        let sendQueue = try reader.u32le(60)
        let uid = try reader.u32le(64)
        let inode = try reader.u32le(68)
        // The three attributes read, found in one pass (no array of attributes per socket).
        var infoValue: ByteReader?, congestionValue: ByteReader?, protocolValue: ByteReader?
        try RouteAttributes.forEach(reader, from: 72) { type, value in
            switch type {
            case attributeInfo: if infoValue == nil { infoValue = value }
            case attributeCongestion: if congestionValue == nil { congestionValue = value }
            case attributeProtocol: if protocolValue == nil { protocolValue = value }
            default: break
            }
        }

        var protocolNumber: Int?
        if kind == .raw, let value = protocolValue, let number = try? value.u8(0) {
            protocolNumber = Int(number)
        }
        var tcp: TCPDetails?
        if kind == .tcp {
            let timerName: String? =
                switch timer {
                case 1: "on"
                case 2: "keepalive"
                case 3: "timewait"
                case 4: "persist"
                default: nil
                }
            let congestion = congestionValue.map { value in
                value.withUnsafeBytes { raw in String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self) }
            }
            let info = infoValue.map { value in value.withUnsafeBytes { TCPInfo(rawBytes: $0) } }
            tcp = TCPDetails(timer: timerName, timerExpiresMilliseconds: expires, congestionControl: congestion, info: info)
        }
        let stateName = kind == .tcp ? SocketStateName.name(state, kind: kind) : (state == 1 ? "ESTAB" : state == 10 ? "LISTEN" : "UNCONN")
        return SocketEntry(
            kind: kind, family: family, state: stateName,
            local: SocketEndpoint(address: source, port: sourcePort),
            remote: SocketEndpoint(address: destination, port: destinationPort),
            receiveQueue: receiveQueue, sendQueue: sendQueue, inode: inode, cookie: cookie, uid: uid,
            interfaceIndex: interface, protocolNumber: protocolNumber, tcp: tcp)
    }

    private static func address(_ reader: ByteReader, offset: Int, family: AddressFamily) throws(NetlinkDecodeError) -> String {
        if family == .inet6 {
            let bytes = try reader.slice(offset, 16, "inet_diag_sockid address")
            let address = IPv6Address(bytes: bytes)!
            return address.mappedIPv4.map { "::ffff:\($0)" } ?? address.description
        }
        // Network order: the first byte is the first octet (no array per address).
        return IPv4Address(try reader.u32be(offset, "inet_diag_sockid address")).description
    }
}

enum UnixDiag {
    static let showName: UInt32 = 0x01
    static let showPeer: UInt32 = 0x04
    static let showQueueLengths: UInt32 = 0x10
    static let showUID: UInt32 = 0x40

    /// `struct unix_diag_req` (24 bytes) for every state, with name, peer, queues and uid.
    static func request() -> [UInt8] {
        var bytes: [UInt8] = [UInt8(AddressFamily.unix.rawValue), 0, 0, 0]
        bytes.appendLittleEndian(UInt32(0xffff_ffff))
        bytes.appendLittleEndian(UInt32(0))  // udiag_ino
        bytes.appendLittleEndian(showName | showPeer | showQueueLengths | showUID)
        bytes.appendLittleEndian(UInt64.max)  // udiag_cookie: INET_DIAG_NOCOOKIE
        return bytes
    }

    /// Decodes `struct unix_diag_msg` (16 bytes) and its attributes.
    static func entry(_ reader: ByteReader) throws(NetlinkDecodeError) -> SocketEntry {
        try reader.require(0, 16, "unix_diag_msg")
        let type = try reader.u8(1)
        let state = try reader.u8(2)
        let inode = try reader.u32le(4)
        let cookie = UInt64(try reader.u32le(8)) | UInt64(try reader.u32le(12)) << 32
        let attributes = try RouteAttributes(reader, from: 16)
        var name = "*"
        if let value = attributes.first(0), value.count > 0 {
            let raw = try value.slice(0, value.count, "UNIX_DIAG_NAME")
            name =
                raw.first == 0
                ? "@" + String(decoding: raw.dropFirst().prefix { $0 != 0 }, as: UTF8.self)
                : String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        let peer = try attributes.first(2).map { value throws(NetlinkDecodeError) in try value.u32le(0, "UNIX_DIAG_PEER") }
        var receiveQueue: UInt32 = 0, sendQueue: UInt32 = 0
        if let value = attributes.first(4) {
            receiveQueue = try value.u32le(0, "unix_diag_rqlen.udiag_rqueue")
            sendQueue = try value.u32le(4, "unix_diag_rqlen.udiag_wqueue")
        }
        let uid = try attributes.first(7).map { value throws(NetlinkDecodeError) in try value.u32le(0, "UNIX_DIAG_UID") }
        let kind: SocketKind =
            switch Int32(type) {
            case SocketType.datagram.rawValue: .unixDatagram
            case SocketType.sequencedPacket.rawValue: .unixSequencedPacket
            default: .unixStream
            }
        return SocketEntry(
            kind: kind, family: .unix, state: SocketStateName.name(state, kind: kind),
            local: SocketEndpoint(address: name, port: nil),
            remote: SocketEndpoint(address: peer.map { $0 == 0 ? "*" : "peer:\($0)" } ?? "*", port: nil),
            receiveQueue: receiveQueue, sendQueue: sendQueue, inode: inode, cookie: cookie, uid: uid, peerInode: peer)
    }
}

enum PacketDiag {
    /// `struct packet_diag_req` (16 bytes) with PACKET_SHOW_INFO and uid.
    static func request() -> [UInt8] {
        var bytes: [UInt8] = [UInt8(AddressFamily.packet.rawValue), 0, 0, 0]
        bytes.appendLittleEndian(UInt32(0))  // pdiag_ino
        bytes.appendLittleEndian(UInt32(0x01))  // PACKET_SHOW_INFO
        bytes.appendLittleEndian(UInt64.max)
        return bytes
    }

    /// Decodes `struct packet_diag_msg` (16 bytes) and its attributes.
    static func entry(_ reader: ByteReader) throws(NetlinkDecodeError) -> SocketEntry {
        try reader.require(0, 16, "packet_diag_msg")
        let type = try reader.u8(1)
        let protocolNumber = Int(try reader.u16le(2))  // pdiag_num: the kernel converts it to host order
        let inode = try reader.u32le(4)
        let cookie = UInt64(try reader.u32le(8)) | UInt64(try reader.u32le(12)) << 32
        let attributes = try RouteAttributes(reader, from: 16)
        let interface =
            try attributes.first(0).map { value throws(NetlinkDecodeError) in try value.u32le(0, "packet_diag_info.pdi_index") } ?? 0
        let uid = try attributes.first(5).map { value throws(NetlinkDecodeError) in try value.u32le(0, "PACKET_DIAG_UID") }
        let name = interface == 0 ? "*" : (interfaceName(index: interface) ?? "#\(interface)")
        return SocketEntry(
            kind: Int32(type) == SocketType.datagram.rawValue ? .packetDatagram : .packetRaw, family: .packet, state: "UNCONN",
            local: SocketEndpoint(address: "\(name):\(etherTypeName(protocolNumber))", port: nil),
            remote: SocketEndpoint(address: "*", port: nil),
            receiveQueue: 0, sendQueue: 0, inode: inode, cookie: cookie, uid: uid, interfaceIndex: interface,
            protocolNumber: protocolNumber)
    }
}

/// `all` (ETH_P_ALL), `ip`, `ipv6`, `arp`, or `0x88cc`.
func etherTypeName(_ value: Int) -> String {
    switch value {
    case 0x0003: "all"
    case Int(EtherType.ipv4): "ip"
    case Int(EtherType.ipv6): "ipv6"
    case Int(EtherType.arp): "arp"
    case Int(EtherType.vlan): "vlan"
    default: "0x" + String(value, radix: 16)
    }
}
