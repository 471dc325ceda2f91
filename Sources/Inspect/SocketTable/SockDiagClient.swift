import SocketKit
#if canImport(Glibc)
    import Glibc
#endif

/// Errors of a sock_diag dump.
public enum SockDiagError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The kernel answered NLMSG_ERROR (a diag module missing is usually `ENOENT`).
    case kernel(errno: Int32, name: String, request: String)
    /// The kernel set NLM_F_DUMP_INTR: the table changed during the dump.
    case interrupted(request: String)
    /// A reply did not decode.
    case malformed(NetlinkDecodeError)
    /// The netlink socket could not be used.
    case socket(String)

    public var description: String {
        switch self {
        case .kernel(_, let name, let request): "\(request): kernel answered \(name)"
        case .interrupted(let request): "\(request): dump interrupted (the table changed), refreshing"
        case .malformed(let failure): "malformed sock_diag reply: \(failure)"
        case .socket(let text): "netlink: \(text)"
        }
    }
}

/// A small state machine over one NETLINK_SOCK_DIAG socket: sends a dump request and collects
/// the payloads of every reply message until `NLMSG_DONE`, checking sequence and port id,
/// surfacing `NLMSG_ERROR` and `NLM_F_DUMP_INTR` (as iproute2's `rtnl_dump_filter_l` does).
final class SockDiagClient {
    static let sockDiagByFamily: UInt16 = 20
    private static let flagRequest: UInt16 = 0x1
    private static let flagDump: UInt16 = 0x300

    private let socket: Socket
    private var sequence: UInt32 = UInt32.random(in: 1...1_000_000)
    private var buffer = [UInt8](repeating: 0, count: 1 << 16)

    init() throws {
        do throws(any Error) {
            socket = try Socket(family: .netlink, type: .raw, protocol: 4 /* NETLINK_SOCK_DIAG */)
            try socket.setsockopt(level: SOL_SOCKET, name: SO_RCVBUF, value: 1 << 20)
            try socket.bind(.netlink(pid: 0, groups: 0))
        } catch {
            throw SockDiagError.socket("\(error)")
        }
    }

    /// Runs one dump and returns each reply's payload (the diag message and its attributes).
    func dump(_ payload: [UInt8], describing request: String) throws -> [ByteReader] {
        var replies: [ByteReader] = []
        try dump(payload, describing: request) { replies.append($0) }
        return replies
    }

    /// Runs one dump, handing each reply's payload to `visit` as it arrives (tables of tens of
    /// thousands of sockets are decoded without holding every datagram).
    func dump(_ payload: [UInt8], describing request: String, visit: (ByteReader) throws -> Void) throws {
        sequence &+= 1
        let message = NetlinkMessage.request(
            type: Self.sockDiagByFamily, flags: Self.flagRequest | Self.flagDump,
            sequence: sequence, payload: payload)
        do {
            _ = try socket.sendTo(message, to: .netlink(pid: 0, groups: 0))
        } catch {
            throw SockDiagError.socket("send: \(error)")
        }
        let localPort: UInt32
        if case .netlink(let pid, _)? = try? socket.localAddress() { localPort = pid } else { localPort = 0 }
        var interrupted = false
        while true {
            let datagram = try receiveDatagram()
            let messages: [NetlinkMessage]
            do { messages = try NetlinkMessage.parse(datagram) } catch { throw SockDiagError.malformed(error) }
            for message in messages {
                // Replies to someone else's request (or a stale one) are skipped.
                if message.sequence != sequence || (message.portID != localPort && message.portID != 0) { continue }
                if message.flags & NetlinkMessage.flagDumpInterrupted != 0 { interrupted = true }
                switch message.type {
                case NetlinkMessage.done:
                    if interrupted { throw SockDiagError.interrupted(request: request) }
                    return
                case NetlinkMessage.error:
                    let code = (try? message.payload.u32le(0, "nlmsgerr.error")).map { Int32(bitPattern: $0) } ?? -1
                    if code == 0 { continue }  // an ACK
                    let errno = Errno(rawValue: -code)
                    throw SockDiagError.kernel(errno: errno.rawValue, name: errno.name, request: request)
                default:
                    try visit(message.payload)
                }
            }
        }
    }

    /// Receives one datagram whole: peeks its true size first (`MSG_PEEK|MSG_TRUNC`).
    private func receiveDatagram() throws -> [UInt8] {
        do {
            while true {
                let size = try buffer.withUnsafeMutableBytes { try socket.recvInto($0, flags: [.peek, .truncate]) }
                if size > buffer.count {
                    buffer = [UInt8](repeating: 0, count: size.nextPowerOfTwo)
                    continue
                }
                let received = try buffer.withUnsafeMutableBytes { try socket.recvInto($0) }
                return Array(buffer.prefix(received))
            }
        } catch {
            throw SockDiagError.socket("recv: \(error)")
        }
    }
}

extension Int {
    var nextPowerOfTwo: Int { self <= 1 ? 1 : 1 << (Int.bitWidth - (self - 1).leadingZeroBitCount) }
}
