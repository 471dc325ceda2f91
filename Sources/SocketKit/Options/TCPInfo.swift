/// `struct tcp_info` from `TCP_INFO`, decoded at the kernel ABI offsets (linux/tcp.h), with named fields.
///
/// The struct has grown with the kernel (104 bytes in 2.6, 232 in 5.4, 248 in 6.7, 280 in 6.18). Decoding
/// is bounds-checked like `ss`'s `tcp_show_info`: a field the kernel did not return reads as zero, and
/// `contains(_:)` / `entries` tell present fields from missing ones; bytes past the known layout are
/// ignored. Times are in microseconds (`rtt`, `retransmitTimeout`) or milliseconds (`lastDataSent`), as
/// each field's doc says.
public struct TCPInfo: Hashable, Sendable, Codable, CustomStringConvertible {
    /// How many bytes the kernel returned; fields that end past it are zero.
    public var byteCount: Int
    /// `tcpi_state`: the connection state.
    public var state: TCPState
    /// `tcpi_ca_state`: congestion-avoidance state (0 Open, 1 Disorder, 2 CWR, 3 Recovery, 4 Loss).
    public var congestionState: UInt8
    /// `tcpi_retransmits`: Retransmit timeouts of the current unacknowledged data (the RTO backoff count).
    public var retransmits: UInt8
    /// `tcpi_probes`: Unanswered zero-window or keep-alive probes.
    public var probes: UInt8
    /// `tcpi_backoff`: Exponential backoff of the retransmit timer.
    public var backoff: UInt8
    /// `tcpi_options`: Negotiated options (TCPI_OPT_* bits); see `optionNames`.
    public var options: UInt8
    /// `tcpi_snd_wscale` (low 4 bits of byte 6): the shift the peer announced, applied to the windows it advertises.
    public var sendWindowScale: UInt8
    /// `tcpi_rcv_wscale` (high 4 bits of byte 6): the shift we announced, applied by the peer to our windows.
    public var receiveWindowScale: UInt8
    /// `tcpi_delivery_rate_app_limited` (bit 0 of byte 7): the delivery rate sample was application-limited.
    public var deliveryRateAppLimited: Bool
    /// `tcpi_fastopen_client_fail` (bits 1-2 of byte 7): why client Fast Open failed (0 = not tried or no failure).
    public var fastOpenClientFail: UInt8
    /// `tcpi_rto`: Retransmission timeout. Unit: µs.
    public var retransmitTimeout: UInt32
    /// `tcpi_ato`: Delayed-ACK timeout. Unit: µs.
    public var delayedAckTimeout: UInt32
    /// `tcpi_snd_mss`: Maximum segment size for sending. Unit: bytes.
    public var sendMSS: UInt32
    /// `tcpi_rcv_mss`: Estimated maximum segment size of the peer. Unit: bytes.
    public var receiveMSS: UInt32
    /// `tcpi_unacked`: Segments sent and not yet acknowledged (packets in flight; a listener: accept queue length).
    public var unacknowledged: UInt32
    /// `tcpi_sacked`: Segments selectively acknowledged (a listener: accept queue limit).
    public var selectivelyAcknowledged: UInt32
    /// `tcpi_lost`: Segments considered lost.
    public var lost: UInt32
    /// `tcpi_retrans`: Retransmitted segments still in flight.
    public var retransmitted: UInt32
    /// `tcpi_fackets`: Forward-acknowledged segments (unused since Linux 4.15, always 0).
    public var forwardAcknowledged: UInt32
    /// `tcpi_last_data_sent`: Time since data was last sent. Unit: ms.
    public var lastDataSent: UInt32
    /// `tcpi_last_ack_sent`: Time since an ACK was last sent (not tracked by Linux, always 0). Unit: ms.
    public var lastAckSent: UInt32
    /// `tcpi_last_data_recv`: Time since data was last received. Unit: ms.
    public var lastDataReceived: UInt32
    /// `tcpi_last_ack_recv`: Time since an ACK was last received. Unit: ms.
    public var lastAckReceived: UInt32
    /// `tcpi_pmtu`: Path MTU. Unit: bytes.
    public var pathMTU: UInt32
    /// `tcpi_rcv_ssthresh`: Receive window slow-start threshold (the window clamp being grown to). Unit: bytes.
    public var receiveSlowStartThreshold: UInt32
    /// `tcpi_rtt`: Smoothed round-trip time. Unit: µs.
    public var rtt: UInt32
    /// `tcpi_rttvar`: Round-trip time variation. Unit: µs.
    public var rttVariance: UInt32
    /// `tcpi_snd_ssthresh`: Slow-start threshold, in segments (2147483647 = not yet set).
    public var sendSlowStartThreshold: UInt32
    /// `tcpi_snd_cwnd`: Congestion window, in segments.
    public var sendCongestionWindow: UInt32
    /// `tcpi_advmss`: Maximum segment size advertised to the peer. Unit: bytes.
    public var advertisedMSS: UInt32
    /// `tcpi_reordering`: Reordering tolerance, in segments.
    public var reordering: UInt32
    /// `tcpi_rcv_rtt`: Round-trip time estimated by the receiver. Unit: µs.
    public var receiveRTT: UInt32
    /// `tcpi_rcv_space`: Receive buffer space the autotuner aims for. Unit: bytes.
    public var receiveSpace: UInt32
    /// `tcpi_total_retrans`: Segments retransmitted over the connection's life.
    public var totalRetransmits: UInt32
    /// `tcpi_pacing_rate`: Current pacing rate. Unit: bytes/s.
    public var pacingRate: UInt64
    /// `tcpi_max_pacing_rate`: Pacing rate cap (SO_MAX_PACING_RATE; all ones = unlimited). Unit: bytes/s.
    public var maxPacingRate: UInt64
    /// `tcpi_bytes_acked`: Bytes sent and acknowledged by the peer (RFC 4898 tcpEStatsAppHCThruOctetsAcked). Unit: bytes.
    public var bytesAcknowledged: UInt64
    /// `tcpi_bytes_received`: Bytes received and acknowledged (RFC 4898 tcpEStatsAppHCThruOctetsReceived). Unit: bytes.
    public var bytesReceived: UInt64
    /// `tcpi_segs_out`: Segments sent, including pure ACKs and retransmissions.
    public var segmentsOut: UInt32
    /// `tcpi_segs_in`: Segments received.
    public var segmentsIn: UInt32
    /// `tcpi_notsent_bytes`: Bytes queued and not yet sent. Unit: bytes.
    public var notSentBytes: UInt32
    /// `tcpi_min_rtt`: Minimum round-trip time seen (windowed). Unit: µs.
    public var minimumRTT: UInt32
    /// `tcpi_data_segs_in`: Segments received that carried data.
    public var dataSegmentsIn: UInt32
    /// `tcpi_data_segs_out`: Segments sent that carried data.
    public var dataSegmentsOut: UInt32
    /// `tcpi_delivery_rate`: Most recent delivery rate estimate. Unit: bytes/s.
    public var deliveryRate: UInt64
    /// `tcpi_busy_time`: Time spent with data in flight. Unit: µs.
    public var busyTime: UInt64
    /// `tcpi_rwnd_limited`: Time sending was limited by the peer's receive window. Unit: µs.
    public var receiveWindowLimited: UInt64
    /// `tcpi_sndbuf_limited`: Time sending was limited by the send buffer. Unit: µs.
    public var sendBufferLimited: UInt64
    /// `tcpi_delivered`: Segments delivered to the peer, including retransmissions.
    public var delivered: UInt32
    /// `tcpi_delivered_ce`: Delivered segments the peer reported as ECN CE-marked.
    public var deliveredCE: UInt32
    /// `tcpi_bytes_sent`: Bytes sent, including retransmissions (RFC 4898 tcpEStatsPerfHCDataOctetsOut). Unit: bytes.
    public var bytesSent: UInt64
    /// `tcpi_bytes_retrans`: Bytes retransmitted (RFC 4898 tcpEStatsPerfOctetsRetrans). Unit: bytes.
    public var bytesRetransmitted: UInt64
    /// `tcpi_dsack_dups`: Duplicate segments reported by D-SACK (RFC 4898 tcpEStatsStackDSACKDups).
    public var dsackDuplicates: UInt32
    /// `tcpi_reord_seen`: Reordering events seen.
    public var reorderingSeen: UInt32
    /// `tcpi_rcv_ooopack`: Out-of-order packets received.
    public var receiveOutOfOrderPackets: UInt32
    /// `tcpi_snd_wnd`: The peer's advertised receive window, after scaling. Unit: bytes.
    public var sendWindow: UInt32
    /// `tcpi_rcv_wnd`: The local advertised receive window, after scaling (Linux 6.2). Unit: bytes.
    public var receiveWindow: UInt32
    /// `tcpi_rehash`: Rehash attempts after PLB or timeouts (Linux 6.2).
    public var rehashCount: UInt32
    /// `tcpi_total_rto`: Retransmission timeouts, including SYN and recurring ones (Linux 6.7).
    public var totalRTOs: UInt16
    /// `tcpi_total_rto_recoveries`: Recoveries from retransmission timeouts (Linux 6.7).
    public var totalRTORecoveries: UInt16
    /// `tcpi_total_rto_time`: Time spent recovering from retransmission timeouts (Linux 6.7). Unit: ms.
    public var totalRTOTime: UInt32
    /// `tcpi_received_ce`: CE-marked segments received (AccECN, Linux 6.18).
    public var receivedCE: UInt32
    /// `tcpi_delivered_e1_bytes`: Bytes delivered with ECT(1), as AccECN reports (Linux 6.18). Unit: bytes.
    public var deliveredE1Bytes: UInt32
    /// `tcpi_delivered_e0_bytes`: Bytes delivered with ECT(0), as AccECN reports (Linux 6.18). Unit: bytes.
    public var deliveredE0Bytes: UInt32
    /// `tcpi_delivered_ce_bytes`: Bytes delivered CE-marked, as AccECN reports (Linux 6.18). Unit: bytes.
    public var deliveredCEBytes: UInt32
    /// `tcpi_received_e1_bytes`: Bytes received with ECT(1) (AccECN, Linux 6.18). Unit: bytes.
    public var receivedE1Bytes: UInt32
    /// `tcpi_received_e0_bytes`: Bytes received with ECT(0) (AccECN, Linux 6.18). Unit: bytes.
    public var receivedE0Bytes: UInt32
    /// `tcpi_received_ce_bytes`: Bytes received CE-marked (AccECN, Linux 6.18). Unit: bytes.
    public var receivedCEBytes: UInt32
    /// `tcpi_accecn_fail_mode`: AccECN failure mode bits (Linux 6.18).
    public var accECNFailMode: UInt16
    /// `tcpi_accecn_opt_seen`: Which AccECN option the peer sent (Linux 6.18).
    public var accECNOptionSeen: UInt16

    /// The size of `struct tcp_info` this decoder knows (Linux 6.18).
    public static let knownByteCount = 280
    /// The buffer handed to getsockopt, leaving room for fields newer kernels add.
    static let maximumByteCount = 512

    /// An all-zero value with `byteCount` 0.
    public init() { self.init(bytes: []) }

    /// Decodes the bytes `getsockopt(TCP_INFO)` returned. Never reads past `bytes`: missing fields are zero.
    public init(bytes: [UInt8]) {
        func load<T: FixedWidthInteger>(_ offset: Int, _ type: T.Type) -> T { OptionBytes.load(bytes, at: offset, as: type) ?? 0 }
        byteCount = bytes.count
        state = TCPState(rawValue: load(0, UInt8.self))
        congestionState = load(1, UInt8.self)
        retransmits = load(2, UInt8.self)
        probes = load(3, UInt8.self)
        backoff = load(4, UInt8.self)
        options = load(5, UInt8.self)
        let scales: UInt8 = load(6, UInt8.self)
        sendWindowScale = scales & 0x0F
        receiveWindowScale = scales >> 4
        let flags: UInt8 = load(7, UInt8.self)
        deliveryRateAppLimited = flags & 0x01 != 0
        fastOpenClientFail = (flags >> 1) & 0x03
        retransmitTimeout = load(8, UInt32.self)
        delayedAckTimeout = load(12, UInt32.self)
        sendMSS = load(16, UInt32.self)
        receiveMSS = load(20, UInt32.self)
        unacknowledged = load(24, UInt32.self)
        selectivelyAcknowledged = load(28, UInt32.self)
        lost = load(32, UInt32.self)
        retransmitted = load(36, UInt32.self)
        forwardAcknowledged = load(40, UInt32.self)
        lastDataSent = load(44, UInt32.self)
        lastAckSent = load(48, UInt32.self)
        lastDataReceived = load(52, UInt32.self)
        lastAckReceived = load(56, UInt32.self)
        pathMTU = load(60, UInt32.self)
        receiveSlowStartThreshold = load(64, UInt32.self)
        rtt = load(68, UInt32.self)
        rttVariance = load(72, UInt32.self)
        sendSlowStartThreshold = load(76, UInt32.self)
        sendCongestionWindow = load(80, UInt32.self)
        advertisedMSS = load(84, UInt32.self)
        reordering = load(88, UInt32.self)
        receiveRTT = load(92, UInt32.self)
        receiveSpace = load(96, UInt32.self)
        totalRetransmits = load(100, UInt32.self)
        pacingRate = load(104, UInt64.self)
        maxPacingRate = load(112, UInt64.self)
        bytesAcknowledged = load(120, UInt64.self)
        bytesReceived = load(128, UInt64.self)
        segmentsOut = load(136, UInt32.self)
        segmentsIn = load(140, UInt32.self)
        notSentBytes = load(144, UInt32.self)
        minimumRTT = load(148, UInt32.self)
        dataSegmentsIn = load(152, UInt32.self)
        dataSegmentsOut = load(156, UInt32.self)
        deliveryRate = load(160, UInt64.self)
        busyTime = load(168, UInt64.self)
        receiveWindowLimited = load(176, UInt64.self)
        sendBufferLimited = load(184, UInt64.self)
        delivered = load(192, UInt32.self)
        deliveredCE = load(196, UInt32.self)
        bytesSent = load(200, UInt64.self)
        bytesRetransmitted = load(208, UInt64.self)
        dsackDuplicates = load(216, UInt32.self)
        reorderingSeen = load(220, UInt32.self)
        receiveOutOfOrderPackets = load(224, UInt32.self)
        sendWindow = load(228, UInt32.self)
        receiveWindow = load(232, UInt32.self)
        rehashCount = load(236, UInt32.self)
        totalRTOs = load(240, UInt16.self)
        totalRTORecoveries = load(242, UInt16.self)
        totalRTOTime = load(244, UInt32.self)
        receivedCE = load(248, UInt32.self)
        deliveredE1Bytes = load(252, UInt32.self)
        deliveredE0Bytes = load(256, UInt32.self)
        deliveredCEBytes = load(260, UInt32.self)
        receivedE1Bytes = load(264, UInt32.self)
        receivedE0Bytes = load(268, UInt32.self)
        receivedCEBytes = load(272, UInt32.self)
        accECNFailMode = load(276, UInt16.self)
        accECNOptionSeen = load(278, UInt16.self)
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
    public static let fields: [Field] = [
        Field(name: "state", offset: 0, size: 1, unit: nil),
        Field(name: "ca_state", offset: 1, size: 1, unit: nil),
        Field(name: "retransmits", offset: 2, size: 1, unit: nil),
        Field(name: "probes", offset: 3, size: 1, unit: nil),
        Field(name: "backoff", offset: 4, size: 1, unit: nil),
        Field(name: "options", offset: 5, size: 1, unit: nil),
        Field(name: "snd_wscale", offset: 6, size: 1, unit: nil),
        Field(name: "rcv_wscale", offset: 6, size: 1, unit: nil),
        Field(name: "delivery_rate_app_limited", offset: 7, size: 1, unit: nil),
        Field(name: "fastopen_client_fail", offset: 7, size: 1, unit: nil),
        Field(name: "rto", offset: 8, size: 4, unit: "µs"),
        Field(name: "ato", offset: 12, size: 4, unit: "µs"),
        Field(name: "snd_mss", offset: 16, size: 4, unit: "bytes"),
        Field(name: "rcv_mss", offset: 20, size: 4, unit: "bytes"),
        Field(name: "unacked", offset: 24, size: 4, unit: nil),
        Field(name: "sacked", offset: 28, size: 4, unit: nil),
        Field(name: "lost", offset: 32, size: 4, unit: nil),
        Field(name: "retrans", offset: 36, size: 4, unit: nil),
        Field(name: "fackets", offset: 40, size: 4, unit: nil),
        Field(name: "last_data_sent", offset: 44, size: 4, unit: "ms"),
        Field(name: "last_ack_sent", offset: 48, size: 4, unit: "ms"),
        Field(name: "last_data_recv", offset: 52, size: 4, unit: "ms"),
        Field(name: "last_ack_recv", offset: 56, size: 4, unit: "ms"),
        Field(name: "pmtu", offset: 60, size: 4, unit: "bytes"),
        Field(name: "rcv_ssthresh", offset: 64, size: 4, unit: "bytes"),
        Field(name: "rtt", offset: 68, size: 4, unit: "µs"),
        Field(name: "rttvar", offset: 72, size: 4, unit: "µs"),
        Field(name: "snd_ssthresh", offset: 76, size: 4, unit: nil),
        Field(name: "snd_cwnd", offset: 80, size: 4, unit: nil),
        Field(name: "advmss", offset: 84, size: 4, unit: "bytes"),
        Field(name: "reordering", offset: 88, size: 4, unit: nil),
        Field(name: "rcv_rtt", offset: 92, size: 4, unit: "µs"),
        Field(name: "rcv_space", offset: 96, size: 4, unit: "bytes"),
        Field(name: "total_retrans", offset: 100, size: 4, unit: nil),
        Field(name: "pacing_rate", offset: 104, size: 8, unit: "bytes/s"),
        Field(name: "max_pacing_rate", offset: 112, size: 8, unit: "bytes/s"),
        Field(name: "bytes_acked", offset: 120, size: 8, unit: "bytes"),
        Field(name: "bytes_received", offset: 128, size: 8, unit: "bytes"),
        Field(name: "segs_out", offset: 136, size: 4, unit: nil),
        Field(name: "segs_in", offset: 140, size: 4, unit: nil),
        Field(name: "notsent_bytes", offset: 144, size: 4, unit: "bytes"),
        Field(name: "min_rtt", offset: 148, size: 4, unit: "µs"),
        Field(name: "data_segs_in", offset: 152, size: 4, unit: nil),
        Field(name: "data_segs_out", offset: 156, size: 4, unit: nil),
        Field(name: "delivery_rate", offset: 160, size: 8, unit: "bytes/s"),
        Field(name: "busy_time", offset: 168, size: 8, unit: "µs"),
        Field(name: "rwnd_limited", offset: 176, size: 8, unit: "µs"),
        Field(name: "sndbuf_limited", offset: 184, size: 8, unit: "µs"),
        Field(name: "delivered", offset: 192, size: 4, unit: nil),
        Field(name: "delivered_ce", offset: 196, size: 4, unit: nil),
        Field(name: "bytes_sent", offset: 200, size: 8, unit: "bytes"),
        Field(name: "bytes_retrans", offset: 208, size: 8, unit: "bytes"),
        Field(name: "dsack_dups", offset: 216, size: 4, unit: nil),
        Field(name: "reord_seen", offset: 220, size: 4, unit: nil),
        Field(name: "rcv_ooopack", offset: 224, size: 4, unit: nil),
        Field(name: "snd_wnd", offset: 228, size: 4, unit: "bytes"),
        Field(name: "rcv_wnd", offset: 232, size: 4, unit: "bytes"),
        Field(name: "rehash", offset: 236, size: 4, unit: nil),
        Field(name: "total_rto", offset: 240, size: 2, unit: nil),
        Field(name: "total_rto_recoveries", offset: 242, size: 2, unit: nil),
        Field(name: "total_rto_time", offset: 244, size: 4, unit: "ms"),
        Field(name: "received_ce", offset: 248, size: 4, unit: nil),
        Field(name: "delivered_e1_bytes", offset: 252, size: 4, unit: "bytes"),
        Field(name: "delivered_e0_bytes", offset: 256, size: 4, unit: "bytes"),
        Field(name: "delivered_ce_bytes", offset: 260, size: 4, unit: "bytes"),
        Field(name: "received_e1_bytes", offset: 264, size: 4, unit: "bytes"),
        Field(name: "received_e0_bytes", offset: 268, size: 4, unit: "bytes"),
        Field(name: "received_ce_bytes", offset: 272, size: 4, unit: "bytes"),
        Field(name: "accecn_fail_mode", offset: 276, size: 2, unit: nil),
        Field(name: "accecn_opt_seen", offset: 278, size: 2, unit: nil),
    ]

    /// True when the kernel's answer covered `field`.
    public func contains(_ field: Field) -> Bool { field.offset + field.size <= byteCount }

    /// The value of `field` (zero when missing).
    public func value(of field: Field) -> UInt64 {
        switch field.name {
        case "state": UInt64(state.rawValue)
        case "ca_state": UInt64(congestionState)
        case "retransmits": UInt64(retransmits)
        case "probes": UInt64(probes)
        case "backoff": UInt64(backoff)
        case "options": UInt64(options)
        case "snd_wscale": UInt64(sendWindowScale)
        case "rcv_wscale": UInt64(receiveWindowScale)
        case "delivery_rate_app_limited": deliveryRateAppLimited ? 1 : 0
        case "fastopen_client_fail": UInt64(fastOpenClientFail)
        case "rto": UInt64(retransmitTimeout)
        case "ato": UInt64(delayedAckTimeout)
        case "snd_mss": UInt64(sendMSS)
        case "rcv_mss": UInt64(receiveMSS)
        case "unacked": UInt64(unacknowledged)
        case "sacked": UInt64(selectivelyAcknowledged)
        case "lost": UInt64(lost)
        case "retrans": UInt64(retransmitted)
        case "fackets": UInt64(forwardAcknowledged)
        case "last_data_sent": UInt64(lastDataSent)
        case "last_ack_sent": UInt64(lastAckSent)
        case "last_data_recv": UInt64(lastDataReceived)
        case "last_ack_recv": UInt64(lastAckReceived)
        case "pmtu": UInt64(pathMTU)
        case "rcv_ssthresh": UInt64(receiveSlowStartThreshold)
        case "rtt": UInt64(rtt)
        case "rttvar": UInt64(rttVariance)
        case "snd_ssthresh": UInt64(sendSlowStartThreshold)
        case "snd_cwnd": UInt64(sendCongestionWindow)
        case "advmss": UInt64(advertisedMSS)
        case "reordering": UInt64(reordering)
        case "rcv_rtt": UInt64(receiveRTT)
        case "rcv_space": UInt64(receiveSpace)
        case "total_retrans": UInt64(totalRetransmits)
        case "pacing_rate": UInt64(pacingRate)
        case "max_pacing_rate": UInt64(maxPacingRate)
        case "bytes_acked": UInt64(bytesAcknowledged)
        case "bytes_received": UInt64(bytesReceived)
        case "segs_out": UInt64(segmentsOut)
        case "segs_in": UInt64(segmentsIn)
        case "notsent_bytes": UInt64(notSentBytes)
        case "min_rtt": UInt64(minimumRTT)
        case "data_segs_in": UInt64(dataSegmentsIn)
        case "data_segs_out": UInt64(dataSegmentsOut)
        case "delivery_rate": UInt64(deliveryRate)
        case "busy_time": UInt64(busyTime)
        case "rwnd_limited": UInt64(receiveWindowLimited)
        case "sndbuf_limited": UInt64(sendBufferLimited)
        case "delivered": UInt64(delivered)
        case "delivered_ce": UInt64(deliveredCE)
        case "bytes_sent": UInt64(bytesSent)
        case "bytes_retrans": UInt64(bytesRetransmitted)
        case "dsack_dups": UInt64(dsackDuplicates)
        case "reord_seen": UInt64(reorderingSeen)
        case "rcv_ooopack": UInt64(receiveOutOfOrderPackets)
        case "snd_wnd": UInt64(sendWindow)
        case "rcv_wnd": UInt64(receiveWindow)
        case "rehash": UInt64(rehashCount)
        case "total_rto": UInt64(totalRTOs)
        case "total_rto_recoveries": UInt64(totalRTORecoveries)
        case "total_rto_time": UInt64(totalRTOTime)
        case "received_ce": UInt64(receivedCE)
        case "delivered_e1_bytes": UInt64(deliveredE1Bytes)
        case "delivered_e0_bytes": UInt64(deliveredE0Bytes)
        case "delivered_ce_bytes": UInt64(deliveredCEBytes)
        case "received_e1_bytes": UInt64(receivedE1Bytes)
        case "received_e0_bytes": UInt64(receivedE0Bytes)
        case "received_ce_bytes": UInt64(receivedCEBytes)
        case "accecn_fail_mode": UInt64(accECNFailMode)
        case "accecn_opt_seen": UInt64(accECNOptionSeen)
        default: 0
        }
    }

    /// The fields the kernel returned, with their values, in struct order: for generic display.
    public var entries: [(field: Field, value: UInt64)] {
        TCPInfo.fields.filter(contains).map { ($0, value(of: $0)) }
    }
}
