/// `struct tcp_info` from `TCP_INFO`, decoded at the kernel ABI offsets (linux/tcp.h), with named fields.
///
/// The struct has grown with the kernel (104 bytes in 2.6, 232 in 5.4, 248 in 6.7, 280 in 6.18). Decoding
/// is bounds-checked like `ss`'s `tcp_show_info`: a field the kernel did not return reads as zero, and
/// `contains(_:)` / `entries` tell present fields from missing ones; bytes past the known layout are
/// ignored. Times are in microseconds (`rtt`, `retransmitTimeout`) or milliseconds (`lastDataSent`), as
/// each field's doc says.
public struct TCPInfo: Hashable, Sendable, Codable, CustomStringConvertible {
    /// How many bytes the kernel returned; fields that end past it are zero.
    public var byteCount: Int = 0
    /// `tcpi_state`: the connection state.
    public var state: TCPState = TCPState(rawValue: 0)
    /// `tcpi_ca_state`: congestion-avoidance state (0 Open, 1 Disorder, 2 CWR, 3 Recovery, 4 Loss).
    public var congestionState: UInt8 = 0
    /// `tcpi_retransmits`: Retransmit timeouts of the current unacknowledged data (the RTO backoff count).
    public var retransmits: UInt8 = 0
    /// `tcpi_probes`: Unanswered zero-window or keep-alive probes.
    public var probes: UInt8 = 0
    /// `tcpi_backoff`: Exponential backoff of the retransmit timer.
    public var backoff: UInt8 = 0
    /// `tcpi_options`: Negotiated options (TCPI_OPT_* bits); see `optionNames`.
    public var options: UInt8 = 0
    /// `tcpi_snd_wscale` (low 4 bits of byte 6): the shift the peer announced, applied to the windows it advertises.
    public var sendWindowScale: UInt8 = 0
    /// `tcpi_rcv_wscale` (high 4 bits of byte 6): the shift we announced, applied by the peer to our windows.
    public var receiveWindowScale: UInt8 = 0
    /// `tcpi_delivery_rate_app_limited` (bit 0 of byte 7): the delivery rate sample was application-limited.
    public var deliveryRateAppLimited: Bool = false
    /// `tcpi_fastopen_client_fail` (bits 1-2 of byte 7): why client Fast Open failed (0 = not tried or no failure).
    public var fastOpenClientFail: UInt8 = 0
    /// `tcpi_rto`: Retransmission timeout. Unit: µs.
    public var retransmitTimeout: UInt32 = 0
    /// `tcpi_ato`: Delayed-ACK timeout. Unit: µs.
    public var delayedAckTimeout: UInt32 = 0
    /// `tcpi_snd_mss`: Maximum segment size for sending. Unit: bytes.
    public var sendMSS: UInt32 = 0
    /// `tcpi_rcv_mss`: Estimated maximum segment size of the peer. Unit: bytes.
    public var receiveMSS: UInt32 = 0
    /// `tcpi_unacked`: Segments sent and not yet acknowledged (packets in flight; a listener: accept queue length).
    public var unacknowledged: UInt32 = 0
    /// `tcpi_sacked`: Segments selectively acknowledged (a listener: accept queue limit).
    public var selectivelyAcknowledged: UInt32 = 0
    /// `tcpi_lost`: Segments considered lost.
    public var lost: UInt32 = 0
    /// `tcpi_retrans`: Retransmitted segments still in flight.
    public var retransmitted: UInt32 = 0
    /// `tcpi_fackets`: Forward-acknowledged segments (unused since Linux 4.15, always 0).
    public var forwardAcknowledged: UInt32 = 0
    /// `tcpi_last_data_sent`: Time since data was last sent. Unit: ms.
    public var lastDataSent: UInt32 = 0
    /// `tcpi_last_ack_sent`: Time since an ACK was last sent (not tracked by Linux, always 0). Unit: ms.
    public var lastAckSent: UInt32 = 0
    /// `tcpi_last_data_recv`: Time since data was last received. Unit: ms.
    public var lastDataReceived: UInt32 = 0
    /// `tcpi_last_ack_recv`: Time since an ACK was last received. Unit: ms.
    public var lastAckReceived: UInt32 = 0
    /// `tcpi_pmtu`: Path MTU. Unit: bytes.
    public var pathMTU: UInt32 = 0
    /// `tcpi_rcv_ssthresh`: Receive window slow-start threshold (the window clamp being grown to). Unit: bytes.
    public var receiveSlowStartThreshold: UInt32 = 0
    /// `tcpi_rtt`: Smoothed round-trip time. Unit: µs.
    public var rtt: UInt32 = 0
    /// `tcpi_rttvar`: Round-trip time variation. Unit: µs.
    public var rttVariance: UInt32 = 0
    /// `tcpi_snd_ssthresh`: Slow-start threshold, in segments (2147483647 = not yet set).
    public var sendSlowStartThreshold: UInt32 = 0
    /// `tcpi_snd_cwnd`: Congestion window, in segments.
    public var sendCongestionWindow: UInt32 = 0
    /// `tcpi_advmss`: Maximum segment size advertised to the peer. Unit: bytes.
    public var advertisedMSS: UInt32 = 0
    /// `tcpi_reordering`: Reordering tolerance, in segments.
    public var reordering: UInt32 = 0
    /// `tcpi_rcv_rtt`: Round-trip time estimated by the receiver. Unit: µs.
    public var receiveRTT: UInt32 = 0
    /// `tcpi_rcv_space`: Receive buffer space the autotuner aims for. Unit: bytes.
    public var receiveSpace: UInt32 = 0
    /// `tcpi_total_retrans`: Segments retransmitted over the connection's life.
    public var totalRetransmits: UInt32 = 0
    /// `tcpi_pacing_rate`: Current pacing rate. Unit: bytes/s.
    public var pacingRate: UInt64 = 0
    /// `tcpi_max_pacing_rate`: Pacing rate cap (SO_MAX_PACING_RATE; all ones = unlimited). Unit: bytes/s.
    public var maxPacingRate: UInt64 = 0
    /// `tcpi_bytes_acked`: Bytes sent and acknowledged by the peer (RFC 4898 tcpEStatsAppHCThruOctetsAcked). Unit: bytes.
    public var bytesAcknowledged: UInt64 = 0
    /// `tcpi_bytes_received`: Bytes received and acknowledged (RFC 4898 tcpEStatsAppHCThruOctetsReceived). Unit: bytes.
    public var bytesReceived: UInt64 = 0
    /// `tcpi_segs_out`: Segments sent, including pure ACKs and retransmissions.
    public var segmentsOut: UInt32 = 0
    /// `tcpi_segs_in`: Segments received.
    public var segmentsIn: UInt32 = 0
    /// `tcpi_notsent_bytes`: Bytes queued and not yet sent. Unit: bytes.
    public var notSentBytes: UInt32 = 0
    /// `tcpi_min_rtt`: Minimum round-trip time seen (windowed). Unit: µs.
    public var minimumRTT: UInt32 = 0
    /// `tcpi_data_segs_in`: Segments received that carried data.
    public var dataSegmentsIn: UInt32 = 0
    /// `tcpi_data_segs_out`: Segments sent that carried data.
    public var dataSegmentsOut: UInt32 = 0
    /// `tcpi_delivery_rate`: Most recent delivery rate estimate. Unit: bytes/s.
    public var deliveryRate: UInt64 = 0
    /// `tcpi_busy_time`: Time spent with data in flight. Unit: µs.
    public var busyTime: UInt64 = 0
    /// `tcpi_rwnd_limited`: Time sending was limited by the peer's receive window. Unit: µs.
    public var receiveWindowLimited: UInt64 = 0
    /// `tcpi_sndbuf_limited`: Time sending was limited by the send buffer. Unit: µs.
    public var sendBufferLimited: UInt64 = 0
    /// `tcpi_delivered`: Segments delivered to the peer, including retransmissions.
    public var delivered: UInt32 = 0
    /// `tcpi_delivered_ce`: Delivered segments the peer reported as ECN CE-marked.
    public var deliveredCE: UInt32 = 0
    /// `tcpi_bytes_sent`: Bytes sent, including retransmissions (RFC 4898 tcpEStatsPerfHCDataOctetsOut). Unit: bytes.
    public var bytesSent: UInt64 = 0
    /// `tcpi_bytes_retrans`: Bytes retransmitted (RFC 4898 tcpEStatsPerfOctetsRetrans). Unit: bytes.
    public var bytesRetransmitted: UInt64 = 0
    /// `tcpi_dsack_dups`: Duplicate segments reported by D-SACK (RFC 4898 tcpEStatsStackDSACKDups).
    public var dsackDuplicates: UInt32 = 0
    /// `tcpi_reord_seen`: Reordering events seen.
    public var reorderingSeen: UInt32 = 0
    /// `tcpi_rcv_ooopack`: Out-of-order packets received.
    public var receiveOutOfOrderPackets: UInt32 = 0
    /// `tcpi_snd_wnd`: The peer's advertised receive window, after scaling. Unit: bytes.
    public var sendWindow: UInt32 = 0
    /// `tcpi_rcv_wnd`: The local advertised receive window, after scaling (Linux 6.2). Unit: bytes.
    public var receiveWindow: UInt32 = 0
    /// `tcpi_rehash`: Rehash attempts after PLB or timeouts (Linux 6.2).
    public var rehashCount: UInt32 = 0
    /// `tcpi_total_rto`: Retransmission timeouts, including SYN and recurring ones (Linux 6.7).
    public var totalRTOs: UInt16 = 0
    /// `tcpi_total_rto_recoveries`: Recoveries from retransmission timeouts (Linux 6.7).
    public var totalRTORecoveries: UInt16 = 0
    /// `tcpi_total_rto_time`: Time spent recovering from retransmission timeouts (Linux 6.7). Unit: ms.
    public var totalRTOTime: UInt32 = 0
    /// `tcpi_received_ce`: CE-marked segments received (AccECN, Linux 6.18).
    public var receivedCE: UInt32 = 0
    /// `tcpi_delivered_e1_bytes`: Bytes delivered with ECT(1), as AccECN reports (Linux 6.18). Unit: bytes.
    public var deliveredE1Bytes: UInt32 = 0
    /// `tcpi_delivered_e0_bytes`: Bytes delivered with ECT(0), as AccECN reports (Linux 6.18). Unit: bytes.
    public var deliveredE0Bytes: UInt32 = 0
    /// `tcpi_delivered_ce_bytes`: Bytes delivered CE-marked, as AccECN reports (Linux 6.18). Unit: bytes.
    public var deliveredCEBytes: UInt32 = 0
    /// `tcpi_received_e1_bytes`: Bytes received with ECT(1) (AccECN, Linux 6.18). Unit: bytes.
    public var receivedE1Bytes: UInt32 = 0
    /// `tcpi_received_e0_bytes`: Bytes received with ECT(0) (AccECN, Linux 6.18). Unit: bytes.
    public var receivedE0Bytes: UInt32 = 0
    /// `tcpi_received_ce_bytes`: Bytes received CE-marked (AccECN, Linux 6.18). Unit: bytes.
    public var receivedCEBytes: UInt32 = 0
    /// `tcpi_accecn_fail_mode`: AccECN failure mode bits (Linux 6.18).
    public var accECNFailMode: UInt16 = 0
    /// `tcpi_accecn_opt_seen`: Which AccECN option the peer sent (Linux 6.18).
    public var accECNOptionSeen: UInt16 = 0

    /// The size of `struct tcp_info` this decoder knows (Linux 6.18).
    public static let knownByteCount = 280
    /// The buffer handed to getsockopt, leaving room for fields newer kernels add.
    static let maximumByteCount = 512

    /// An all-zero value with `byteCount` 0.
    public init() { self.init(bytes: []) }

    /// Decodes the bytes `getsockopt(TCP_INFO)` returned. Never reads past `bytes`: missing fields are zero.
    public init(bytes: [UInt8]) {
        self = bytes.withUnsafeBytes { TCPInfo(rawBytes: $0) }
    }

    /// As ``init(bytes:)``, over bytes in place (a sock_diag reply's attribute, not copied out).
    public init(rawBytes source: UnsafeRawBufferPointer) {
        byteCount = source.count
        // Each field's bytes straight into its stored property (a table of 20,000 sockets decodes
        // 1.5 million fields; a key-path write each cost a sixth of `socktui sockets -t -p -i`).
        withUnsafeMutableBytes(of: &self) { target in
            for row in TCPInfo.layout { row.decode(source, into: target) }
        }
    }

    /// One field of the C struct: its name, where it lies, and its unit.
    public struct Field: Hashable, Sendable, Codable {
        /// The C field name without the `tcpi_` prefix, as `ss` prints it (`rtt`, `snd_cwnd`).
        public let name: String
        /// Byte offset in the struct (bit fields share a byte).
        public let offset: Int
        /// Byte size (1 for bit fields).
        public let size: Int
        /// Unit for display, such as `µs` or `bytes`, or nil for counts.
        public let unit: String?
    }

    /// Every field this decoder knows, in struct order.
    public static let fields: [Field] = layout.map(\.field)

    /// The field called `name` (`"rtt"`, `"snd_cwnd"`: the C name without `tcpi_`), or nil.
    public static func field(named name: String) -> Field? { layoutByName[name]?.field }

    /// True when the kernel's answer covered `field`.
    public func contains(_ field: Field) -> Bool { field.offset + field.size <= byteCount }

    /// The value of `field` (zero when missing), found by its name.
    public func value(of field: Field) -> UInt64 {
        guard let row = TCPInfo.layoutByName[field.name] else { return 0 }
        return withUnsafeBytes(of: self) { row.value(in: $0) }
    }

    /// The fields the kernel returned, with their values, in struct order: for generic display.
    public var entries: [(field: Field, value: UInt64)] {
        TCPInfo.fields.filter(contains).map { ($0, value(of: $0)) }
    }
}
