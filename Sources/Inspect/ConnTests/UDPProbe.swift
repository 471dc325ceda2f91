import CSockShims
import SocketKit
#if canImport(Glibc)
    import Glibc
#endif

/// A UDP probe: send one datagram, then wait for a reply or an ICMP error.
public struct UDPProbeRequest: Codable, Sendable, Hashable {
    /// Host name or numeric address; nil means loopback.
    public var host: String?
    /// UDP port, 1-65535.
    public var port: Int
    /// Seconds to wait for an answer after sending.
    public var timeout: Double
    /// The datagram to send.
    public var payload: [UInt8]
    /// Restrict resolution to one family.
    public var family: AddressFamily

    /// Creates a request.
    public init(
        host: String?, port: Int, timeout: Double = 2, payload: [UInt8] = Array("socktui probe\n".utf8),
        family: AddressFamily = .unspecified
    ) {
        self.host = host
        self.port = port
        self.timeout = timeout
        self.payload = payload
        self.family = family
    }

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case host
        case port
        case timeout = "timeoutS"
        case payload
        case family
    }
}

/// What a UDP probe concluded.
public enum UDPProbeVerdict: String, Codable, Sendable {
    /// A datagram came back.
    case open
    /// ICMP port unreachable (or ECONNREFUSED on the connected socket): nothing listens there.
    case closed
    /// Another ICMP error: a router or firewall refused the packet.
    case unreachable
    /// No answer: either something listens and stays silent, or a firewall drops the packets.
    case openOrFiltered = "open|filtered"
    /// The probe could not be sent (resolution failed, send failed, cancelled).
    case error
}

/// An ICMP error read from a socket's error queue (`struct sock_extended_err`).
public struct ICMPErrorMessage: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The errno the kernel mapped it to (`ECONNREFUSED` for port unreachable).
    public var errno: String
    /// `SO_EE_ORIGIN_ICMP` (2) or `SO_EE_ORIGIN_ICMP6` (3); 1 is local.
    public var origin: UInt8
    /// ICMP type (3 = destination unreachable; ICMPv6: 1).
    public var type: UInt8
    /// ICMP code (3 = port unreachable; ICMPv6: 4).
    public var code: UInt8
    /// Who sent the ICMP error, when the kernel included its address.
    public var offender: String?

    /// True for ICMP port unreachable (v4 3/3, v6 1/4).
    public var isPortUnreachable: Bool {
        (origin == 2 && type == 3 && code == 3) || (origin == 3 && type == 1 && code == 4)
    }

    /// `ICMP type 3 code 3 (port unreachable) from 127.0.0.1`.
    public var description: String {
        var text = "ICMP\(origin == 3 ? "v6" : "") type \(type) code \(code)"
        if let name = Self.names[[origin, type, code]] { text += " (\(name))" }
        if let offender { text += " from \(offender)" }
        return text
    }

    static let names: [[UInt8]: String] = [
        [2, 3, 0]: "net unreachable", [2, 3, 1]: "host unreachable", [2, 3, 2]: "protocol unreachable",
        [2, 3, 3]: "port unreachable", [2, 3, 4]: "fragmentation needed", [2, 3, 9]: "net prohibited",
        [2, 3, 10]: "host prohibited", [2, 3, 13]: "administratively prohibited",
        [3, 1, 0]: "no route", [3, 1, 1]: "administratively prohibited", [3, 1, 3]: "address unreachable",
        [3, 1, 4]: "port unreachable", [3, 1, 5]: "source address failed policy", [3, 1, 6]: "reject route"
    ]

    /// Parses one `IP_RECVERR`/`IPV6_RECVERR` control message payload: a 16-byte
    /// `sock_extended_err` (ee_errno u32, ee_origin u8, ee_type u8, ee_code u8, ee_pad u8,
    /// ee_info u32, ee_data u32) followed by the offender's sockaddr (`SO_EE_OFFENDER`).
    /// Returns nil when the payload is shorter than the struct; a truncated offender is left out.
    public init?(controlData bytes: [UInt8]) {
        guard bytes.count >= 16 else { return nil }
        let number = Int32(bitPattern: UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24)
        errno = Errno(rawValue: number).name
        origin = bytes[4]
        type = bytes[5]
        code = bytes[6]
        offender = nil
        let rest = Array(bytes[16...])
        if rest.count >= 2 {
            let family = Int32(UInt16(rest[0]) | UInt16(rest[1]) << 8)
            let needed = family == AF_INET ? MemoryLayout<sockaddr_in>.size : family == AF_INET6 ? MemoryLayout<sockaddr_in6>.size : Int.max
            if rest.count >= needed {
                offender = rest.withUnsafeBytes { raw in
                    (try? SocketAddress(storage: raw.baseAddress!, length: needed))?.host
                }
            }
        }
    }
}

/// The result of a UDP probe.
public struct UDPProbeResult: Codable, Sendable, Hashable {
    /// What was asked.
    public var request: UDPProbeRequest
    /// The address probed.
    public var address: Endpoint?
    /// The verdict.
    public var verdict: UDPProbeVerdict
    /// The verdict in a few words: `open (14-byte reply)`, `closed (ICMP port unreachable)`,
    /// `open|filtered (no answer in 2 s)`.
    public var summary: String
    /// What the verdict usually means, in plain words.
    public var explanation: String = ""
    /// The reply's bytes (for `open`).
    public var reply: [UInt8]?
    /// Who sent the reply.
    public var replyFrom: Endpoint?
    /// Time from send to the reply or ICMP error, in milliseconds.
    public var milliseconds: Double?
    /// The ICMP error read from the error queue.
    public var icmp: ICMPErrorMessage?
    /// The failure, for `error` and `closed` without an error-queue entry.
    public var failure: FailureReason?

    /// JSON keys: units in the names (docs/json.md).
    enum CodingKeys: String, CodingKey {
        case request
        case address
        case verdict
        case summary
        case explanation
        case reply
        case replyFrom
        case milliseconds = "elapsedMs"
        case icmp
        case failure
    }
}

/// Runs UDP probes.
///
/// The socket is connected (so the kernel matches ICMP errors to it) and has `IP_RECVERR`/
/// `IPV6_RECVERR` on, so an ICMP error is queued with its type, code and sender and `poll`
/// reports `POLLERR`; the probe reads it with `recvmsg(MSG_ERRQUEUE)`.
public enum UDPProber {
    /// Sends the datagram and waits up to the timeout.
    public static func run(_ request: UDPProbeRequest, cancellation: Cancellation = Cancellation()) -> UDPProbeResult {
        var result = UDPProbeResult(request: request, address: nil, verdict: .error, summary: "")
        let resolution = resolve(host: request.host, port: request.port, family: request.family, type: .datagram)
        guard let address = resolution.addresses.first else {
            let failure = resolution.failure ?? FailureReason(name: "EAI_NONAME", code: EAI_NONAME, message: "no address", explanation: "")
            result.failure = failure
            result.summary = "error (\(failure))"
            return result
        }
        result.address = Endpoint(address)
        do {
            let socket = try Socket(family: address.family, type: .datagram)
            defer { try? socket.close() }
            if address.family == .inet6 {
                try socket.setsockopt(level: Int32(IPPROTO_IPV6), name: IPV6_RECVERR, value: 1)
            } else {
                try socket.setsockopt(level: Int32(IPPROTO_IP), name: IP_RECVERR, value: 1)
            }
            try socket.connect(address)
            try socket.setBlocking(false)
            let sent = monotonicNanoseconds()
            _ = try socket.send(request.payload)
            let deadline = sent + UInt64(max(0, request.timeout) * 1e9)
            while true {
                if cancellation.isCancelled {
                    result.failure = FailureReason(errno: .canceled)
                    result.summary = "cancelled"
                    return result
                }
                let now = monotonicNanoseconds()
                if now >= deadline {
                    result.verdict = .openOrFiltered
                    result.summary = "open|filtered (no answer in \(DurationText.short(request.timeout)))"
                    result.explanation = "something may listen and stay silent, or a firewall drops the datagrams"
                    return result
                }
                var descriptors = [pollfd(fd: socket.fileDescriptor, events: Int16(POLLIN), revents: 0)]
                _ = pollDescriptors(&descriptors, timeout: min(Double(deadline - now) / 1e9, pollSlice))
                let events = descriptors[0].revents
                if events & Int16(POLLERR) != 0, let icmp = readErrorQueue(socket.fileDescriptor) {
                    result.milliseconds = milliseconds(from: sent, to: monotonicNanoseconds())
                    result.icmp = icmp
                    if icmp.isPortUnreachable {
                        result.verdict = .closed
                        result.summary = "closed (ICMP port unreachable)"
                        result.explanation = "nothing listens on that UDP port"
                    } else {
                        result.verdict = .unreachable
                        result.summary = "unreachable (\(icmp))"
                        result.explanation = "a router or firewall refused the datagram"
                    }
                    return result
                }
                if events & Int16(POLLIN | POLLERR) != 0 {
                    do {
                        var buffer = [UInt8](repeating: 0, count: 65536)
                        let (count, from) = try buffer.withUnsafeMutableBytes { try socket.recvFromInto($0) }
                        result.milliseconds = milliseconds(from: sent, to: monotonicNanoseconds())
                        result.reply = Array(buffer.prefix(count))
                        result.replyFrom = from.map(Endpoint.init)
                        result.verdict = .open
                        result.summary = "open (\(count)-byte reply)"
                        result.explanation = "a service answered on that UDP port"
                        return result
                    } catch let error as SocketError where error.isWouldBlock {
                        continue
                    } catch let error as SocketError where error.code == .connectionRefused {
                        result.milliseconds = milliseconds(from: sent, to: monotonicNanoseconds())
                        result.failure = FailureReason(errno: error.code)
                        result.verdict = .closed
                        result.summary = "closed (ICMP port unreachable)"
                        result.explanation = "nothing listens on that UDP port"
                        return result
                    }
                }
            }
        } catch {
            let failure = FailureReason(error)
            result.failure = failure
            result.summary = "error (\(failure))"
            return result
        }
    }

    /// Reads one entry from the error queue and parses its `IP_RECVERR`/`IPV6_RECVERR` message.
    static func readErrorQueue(_ descriptor: Int32) -> ICMPErrorMessage? {
        var data = [UInt8](repeating: 0, count: 512)
        var control = [UInt8](repeating: 0, count: 512)
        var found: ICMPErrorMessage?
        data.withUnsafeMutableBytes { dataBuffer in
            control.withUnsafeMutableBytes { controlBuffer in
                var vector = iovec(iov_base: dataBuffer.baseAddress, iov_len: dataBuffer.count)
                withUnsafeMutablePointer(to: &vector) { vectorPointer in
                    var message = msghdr()
                    message.msg_iov = vectorPointer
                    message.msg_iovlen = 1
                    message.msg_control = controlBuffer.baseAddress
                    message.msg_controllen = controlBuffer.count
                    let received = syscall("recvmsg") {
                        recvmsg(descriptor, &message, Int32(MSG_ERRQUEUE) | Int32(MSG_DONTWAIT))
                    }
                    guard case .success = received else { return }
                    let controlEnd = controlBuffer.baseAddress! + Int(message.msg_controllen)
                    var header = csock_cmsg_firsthdr(&message)
                    while let current = header {
                        let level = current.pointee.cmsg_level, type = current.pointee.cmsg_type
                        if (level == IPPROTO_IP && type == IP_RECVERR) || (level == IPPROTO_IPV6 && type == IPV6_RECVERR) {
                            let payload = UnsafeRawPointer(csock_cmsg_data(current)!)
                            // Bound the payload by both cmsg_len and the bytes the kernel wrote.
                            let declared = Int(current.pointee.cmsg_len) - (payload - UnsafeRawPointer(current))
                            let available = UnsafeRawPointer(controlEnd) - payload
                            let length = max(0, min(declared, available))
                            found = ICMPErrorMessage(controlData: Array(UnsafeRawBufferPointer(start: payload, count: length)))
                            if found != nil { return }
                        }
                        header = csock_cmsg_nxthdr(&message, current)
                    }
                }
            }
        }
        return found
    }
}
