/// A TCP connection state as the kernel numbers it (`include/net/tcp_states.h`): `tcpi_state`.
public struct TCPState: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The kernel's number.
    public let rawValue: UInt8
    /// Wraps a kernel number.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `TCP_ESTABLISHED`.
    public static let established = TCPState(rawValue: 1)
    /// `TCP_SYN_SENT`.
    public static let synSent = TCPState(rawValue: 2)
    /// `TCP_SYN_RECV`.
    public static let synReceived = TCPState(rawValue: 3)
    /// `TCP_FIN_WAIT1`.
    public static let finWait1 = TCPState(rawValue: 4)
    /// `TCP_FIN_WAIT2`.
    public static let finWait2 = TCPState(rawValue: 5)
    /// `TCP_TIME_WAIT`.
    public static let timeWait = TCPState(rawValue: 6)
    /// `TCP_CLOSE`: closed, or not yet connected.
    public static let close = TCPState(rawValue: 7)
    /// `TCP_CLOSE_WAIT`.
    public static let closeWait = TCPState(rawValue: 8)
    /// `TCP_LAST_ACK`.
    public static let lastAck = TCPState(rawValue: 9)
    /// `TCP_LISTEN`.
    public static let listen = TCPState(rawValue: 10)
    /// `TCP_CLOSING`.
    public static let closing = TCPState(rawValue: 11)
    /// `TCP_NEW_SYN_RECV`: a request socket.
    public static let newSynReceived = TCPState(rawValue: 12)
    /// `TCP_BOUND_INACTIVE`: bound, not listening or connected (Linux 6.5).
    public static let boundInactive = TCPState(rawValue: 13)

    private static let names = [
        "UNKNOWN", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE",
        "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING", "NEW_SYN_RECV", "BOUND_INACTIVE"
    ]

    /// The name `ss` shows, such as `ESTABLISHED`, or `state 42` when unknown.
    public var name: String {
        Int(rawValue) < TCPState.names.count && rawValue > 0 ? TCPState.names[Int(rawValue)] : "state \(rawValue)"
    }
    public var description: String { name }

    /// Encoded as its name (`"ESTABLISHED"`, `"state 42"` when unknown): enums are strings in
    /// socktui's JSON.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }

    /// Decodes a name as ``encode(to:)`` writes it, or the kernel's number.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(UInt8.self) {
            self.init(rawValue: number)
            return
        }
        let text = try container.decode(String.self)
        if let index = TCPState.names.firstIndex(of: text), index > 0 {
            self.init(rawValue: UInt8(index))
        } else if text.hasPrefix("state "), let number = UInt8(text.dropFirst(6)) {
            self.init(rawValue: number)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a TCP state: \(text)")
        }
    }
}

extension TCPInfo {
    /// The congestion-avoidance state's name: `Open`, `Disorder`, `CWR`, `Recovery` or `Loss`.
    public var congestionStateName: String {
        switch congestionState {
        case 0: "Open"
        case 1: "Disorder"
        case 2: "CWR"
        case 3: "Recovery"
        case 4: "Loss"
        default: "ca_state \(congestionState)"
        }
    }

    /// The negotiated options in `options` (`TCPI_OPT_*`), as `ss` names them: `ts`, `sack`, `wscale`, `ecn`,
    /// `ecnseen`, `fastopen`, `usec_ts`, `tfo_child`.
    public var optionNames: [String] {
        let names = ["ts", "sack", "wscale", "ecn", "ecnseen", "fastopen", "usec_ts", "tfo_child"]
        return names.indices.filter { options & (1 << $0) != 0 }.map { names[$0] }
    }

    /// An `ss -i` style line: `ESTABLISHED ts sack wscale:7,7 rto:204ms rtt:0.03/0.015ms mss:32768 cwnd:10
    /// bytes_sent:5 bytes_acked:5 bytes_received:5 retrans:0/0`. Fields the kernel did not return are left out.
    public var description: String {
        func milliseconds(_ microseconds: UInt32) -> String {
            let value = Double(microseconds) / 1000
            return value == value.rounded() ? String(Int(value)) : String(value)
        }
        var parts = [state.name]
        let present = Set(entries.map(\.field.name))
        guard present.contains("rto") else { return parts.joined(separator: " ") + " (\(byteCount) bytes)" }
        parts += optionNames.filter { $0 != "wscale" }
        if options & 4 != 0 { parts.append("wscale:\(sendWindowScale),\(receiveWindowScale)") }
        parts.append("rto:\(milliseconds(retransmitTimeout))ms")
        if present.contains("rttvar") { parts.append("rtt:\(milliseconds(rtt))/\(milliseconds(rttVariance))ms") }
        parts.append("mss:\(sendMSS)")
        if present.contains("snd_cwnd") { parts.append("cwnd:\(sendCongestionWindow)") }
        if present.contains("bytes_sent") { parts.append("bytes_sent:\(bytesSent)") }
        if present.contains("bytes_received") {
            parts.append("bytes_acked:\(bytesAcknowledged)")
            parts.append("bytes_received:\(bytesReceived)")
        }
        if present.contains("total_retrans") { parts.append("retrans:\(retransmitted)/\(totalRetransmits)") }
        return parts.joined(separator: " ")
    }
}
