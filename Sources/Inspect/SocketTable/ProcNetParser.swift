import SocketKit

/// Parses the text tables of `/proc/net/{tcp,tcp6,udp,udp6,raw,raw6,unix,packet}`: the fallback
/// when a sock_diag family is unavailable (no `*_diag` module). Malformed lines are skipped and
/// counted, never trusted.
enum ProcNetParser {
    /// Parses `/proc/net/tcp`-style text for `kind` and `family`.
    static func inet(_ text: String, kind: SocketKind, family: AddressFamily) -> (entries: [SocketEntry], skipped: Int) {
        var entries: [SocketEntry] = []
        var skipped = 0
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 10,
                let local = endpoint(fields[1], family: family), let remote = endpoint(fields[2], family: family),
                let state = UInt8(fields[3], radix: 16)
            else { skipped += 1; continue }
            let queues = fields[4].split(separator: ":")
            let timer = fields[5].split(separator: ":")
            guard queues.count == 2, let sendQueue = UInt32(queues[0], radix: 16), let receiveQueue = UInt32(queues[1], radix: 16),
                let uid = UInt32(fields[7]), let inode = UInt32(fields[9])
            else { skipped += 1; continue }
            var tcp: TCPDetails?
            if kind == .tcp {
                let timerCode = timer.first.flatMap { UInt8($0, radix: 16) } ?? 0
                let jiffies = timer.count == 2 ? UInt32(timer[1], radix: 16) ?? 0 : 0
                tcp = TCPDetails(
                    timer: [1: "on", 2: "keepalive", 3: "timewait", 4: "persist"][timerCode],
                    timerExpiresMilliseconds: jiffies * 10, congestionControl: nil, info: nil)
            }
            let listening = state == 10
            let stateName = kind == .tcp ? SocketStateName.name(state, kind: kind) : (state == 1 ? "ESTAB" : "UNCONN")
            entries.append(
                SocketEntry(
                    kind: kind, family: family, state: stateName, local: local,
                    remote: remote,
                    receiveQueue: receiveQueue, sendQueue: listening ? 0 : sendQueue, inode: inode, cookie: 0, uid: uid, tcp: tcp))
        }
        return (entries, skipped)
    }

    /// `0100007F:1F90` → 127.0.0.1:8080; IPv6 is four host-order 32-bit words.
    static func endpoint(_ field: Substring, family: AddressFamily) -> SocketEndpoint? {
        let parts = field.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1], radix: 16) else { return nil }
        let hex = Array(parts[0].utf8)
        let wordCount = family == .inet6 ? 4 : 1
        guard hex.count == wordCount * 8 else { return nil }
        var bytes: [UInt8] = []
        for word in 0..<wordCount {
            guard let value = UInt32(String(decoding: hex[(word * 8)..<(word * 8 + 8)], as: UTF8.self), radix: 16) else { return nil }
            bytes += [UInt8(value & 0xff), UInt8(value >> 8 & 0xff), UInt8(value >> 16 & 0xff), UInt8(value >> 24)]
        }
        let address = family == .inet6 ? IPv6Address(bytes: bytes)!.description : IPv4Address(bytes: bytes)!.description
        return SocketEndpoint(address: address, port: Int(port))
    }

    /// Parses `/proc/net/unix`.
    static func unix(_ text: String) -> (entries: [SocketEntry], skipped: Int) {
        var entries: [SocketEntry] = []
        var skipped = 0
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", maxSplits: 7, omittingEmptySubsequences: true)
            guard fields.count >= 7, let flags = UInt32(fields[3], radix: 16), let type = UInt32(fields[4], radix: 16),
                let state = UInt8(fields[5], radix: 16), let inode = UInt32(fields[6])
            else { skipped += 1; continue }
            let path = fields.count > 7 ? String(fields[7]) : "*"
            let kind: SocketKind = type == 2 ? .unixDatagram : type == 5 ? .unixSequencedPacket : .unixStream
            // St is socket_state: 1 unconnected, 3 connected; flag 0x10000 is __SO_ACCEPTCON (listening).
            let stateName = flags & 0x10000 != 0 ? "LISTEN" : state == 3 ? "ESTAB" : "UNCONN"
            entries.append(
                SocketEntry(
                    kind: kind, family: .unix, state: stateName,
                    local: SocketEndpoint(address: path.first == "@" || path.first == "/" ? path : "*", port: nil),
                    remote: SocketEndpoint(address: "*", port: nil),
                    receiveQueue: 0, sendQueue: 0, inode: inode, cookie: 0, uid: nil))
        }
        return (entries, skipped)
    }

    /// Parses `/proc/net/packet`.
    static func packet(_ text: String) -> (entries: [SocketEntry], skipped: Int) {
        var entries: [SocketEntry] = []
        var skipped = 0
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 9, let type = Int32(fields[2]), let proto = Int(fields[3], radix: 16),
                let interface = UInt32(fields[4]), let uid = UInt32(fields[7]), let inode = UInt32(fields[8])
            else { skipped += 1; continue }
            let name = interface == 0 ? "*" : (interfaceName(index: interface) ?? "#\(interface)")
            entries.append(
                SocketEntry(
                    kind: type == SocketType.datagram.rawValue ? .packetDatagram : .packetRaw, family: .packet, state: "UNCONN",
                    local: SocketEndpoint(address: "\(name):\(etherTypeName(proto))", port: nil),
                    remote: SocketEndpoint(address: "*", port: nil), receiveQueue: 0, sendQueue: 0, inode: inode, cookie: 0,
                    uid: uid, interfaceIndex: interface, protocolNumber: proto))
        }
        return (entries, skipped)
    }
}
