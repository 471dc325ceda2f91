/// What TCP sequence analysis found in one segment, as Wireshark's `tcp.analysis.*` expert flags.
public struct TCPAnalysisFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// `tcp.analysis.retransmission`: data (or SYN/FIN) sent again, not advancing the sequence.
    public static let retransmission = TCPAnalysisFlags(rawValue: 1 << 0)
    /// `tcp.analysis.fast_retransmission`: a retransmission answering two or more duplicate ACKs.
    public static let fastRetransmission = TCPAnalysisFlags(rawValue: 1 << 1)
    /// `tcp.analysis.spurious_retransmission`: data the receiver had already acknowledged.
    public static let spuriousRetransmission = TCPAnalysisFlags(rawValue: 1 << 2)
    /// `tcp.analysis.out_of_order`: an earlier segment arriving soon after a later one.
    public static let outOfOrder = TCPAnalysisFlags(rawValue: 1 << 3)
    /// `tcp.analysis.lost_segment`: a gap before this segment (one was not captured).
    public static let lostSegment = TCPAnalysisFlags(rawValue: 1 << 4)
    /// `tcp.analysis.ack_lost_segment`: acknowledges data that was never captured.
    public static let ackLostSegment = TCPAnalysisFlags(rawValue: 1 << 5)
    /// `tcp.analysis.window_update`: an empty segment only changing the window.
    public static let windowUpdate = TCPAnalysisFlags(rawValue: 1 << 6)
    /// `tcp.analysis.window_full`: fills the window the receiver last advertised.
    public static let windowFull = TCPAnalysisFlags(rawValue: 1 << 7)
    /// `tcp.analysis.keep_alive`: a keep-alive probe.
    public static let keepAlive = TCPAnalysisFlags(rawValue: 1 << 8)
    /// `tcp.analysis.keep_alive_ack`: the answer to one.
    public static let keepAliveACK = TCPAnalysisFlags(rawValue: 1 << 9)
    /// `tcp.analysis.duplicate_ack`: repeats the previous ACK (with its number and frame).
    public static let duplicateACK = TCPAnalysisFlags(rawValue: 1 << 10)
    /// `tcp.analysis.zero_window`: advertises a zero window.
    public static let zeroWindow = TCPAnalysisFlags(rawValue: 1 << 11)
    /// `tcp.analysis.zero_window_probe`: one byte sent into a zero window.
    public static let zeroWindowProbe = TCPAnalysisFlags(rawValue: 1 << 12)
    /// `tcp.analysis.zero_window_probe_ack`: the answer to one.
    public static let zeroWindowProbeACK = TCPAnalysisFlags(rawValue: 1 << 13)
    /// `tcp.analysis.reused_ports`: a SYN starting a new stream on an earlier stream's ports.
    public static let reusedPorts = TCPAnalysisFlags(rawValue: 1 << 14)

    /// Each flag with its `tcp.analysis.` field name, its Info-column tag and whether it marks a
    /// problem (Wireshark's "Bad TCP" colouring rule: every flag but window updates and
    /// keep-alives), in the order Wireshark's tags read from the left of the Info column.
    public static let described: [(flag: TCPAnalysisFlags, field: String, tag: String, problem: Bool)] = [
        (.zeroWindowProbeACK, "zero_window_probe_ack", "TCP ZeroWindowProbeAck", true),
        (.zeroWindow, "zero_window", "TCP ZeroWindow", true),
        (.zeroWindowProbe, "zero_window_probe", "TCP ZeroWindowProbe", true),
        (.duplicateACK, "duplicate_ack", "TCP Dup ACK", true),
        (.keepAliveACK, "keep_alive_ack", "TCP Keep-Alive ACK", false),
        (.keepAlive, "keep_alive", "TCP Keep-Alive", false),
        (.windowFull, "window_full", "TCP Window Full", true),
        (.windowUpdate, "window_update", "TCP Window Update", false),
        (.ackLostSegment, "ack_lost_segment", "TCP ACKed unseen segment", true),
        (.lostSegment, "lost_segment", "TCP Previous segment not captured", true),
        (.outOfOrder, "out_of_order", "TCP Out-Of-Order", true),
        (.spuriousRetransmission, "spurious_retransmission", "TCP Spurious Retransmission", true),
        (.fastRetransmission, "fast_retransmission", "TCP Fast Retransmission", true),
        (.retransmission, "retransmission", "TCP Retransmission", true),
        (.reusedPorts, "reused_ports", "TCP Port numbers reused", true)
    ]
}

/// One TCP segment's place in its stream, computed in capture order by ``TCPSequenceAnalyzer`` as
/// Wireshark computes it: relative sequence numbers, the scaled window, the stream's timing and the
/// analysis flags. A plain value (no references), so a listing can carry one per packet.
public struct TCPAnalysis: Hashable, Sendable {
    /// `tcp.stream`.
    public var stream: UInt32 = 0
    /// `tcp.seq`: the sequence number relative to the direction's first.
    public var sequence: UInt32 = 0
    /// `tcp.ack`: the acknowledgment number relative to the other direction's first (0 without ACK).
    public var acknowledgment: UInt32 = 0
    /// `tcp.nxtseq`: the relative sequence number after this segment (its length, plus one for SYN
    /// or FIN).
    public var nextSequence: UInt32 = 0
    /// Whether the ACK flag was set (then `tcp.ack` is shown).
    public var hasAcknowledgment = false
    /// `tcp.window_size`: the window scaled by the shift the handshake agreed (the raw window when
    /// the shift is unknown, and always in a SYN).
    public var window: UInt32 = 0
    /// `tcp.window_size_scalefactor`: the multiplier (1 << shift), -1 when the handshake was not
    /// seen, -2 when either side did not offer scaling; nil in a SYN (Wireshark shows none there).
    public var windowScaleFactor: Int32? = nil
    /// `tcp.time_relative`, nanoseconds since the stream's first segment.
    public var timeRelative: Int64 = 0
    /// `tcp.time_delta`, nanoseconds since the stream's previous segment.
    public var timeDelta: Int64 = 0
    /// The analysis flags.
    public var flags: TCPAnalysisFlags = []
    /// Whether Wireshark shows a `tcp.analysis` tree for the segment (flags, an acknowledged
    /// segment, bytes in flight, or an ACK beyond what was seen).
    public var hasAnalysis = false
    /// `tcp.analysis.duplicate_ack_num` (with ``TCPAnalysisFlags/duplicateACK``).
    public var duplicateACKNumber: UInt32 = 0
    /// `tcp.analysis.duplicate_ack_frame`: the frame whose ACK this repeats.
    public var duplicateACKFrame: UInt32 = 0
    /// `tcp.analysis.acks_frame`: the segment this ACK acknowledges (0 when none).
    public var acksFrame: UInt32 = 0
    /// `tcp.analysis.ack_rtt`, nanoseconds from that segment to this ACK (shown when not 0).
    public var ackRTT: Int64 = 0
    /// `tcp.analysis.bytes_in_flight`, when known (data segments).
    public var bytesInFlight: UInt32? = nil
    /// `tcp.analysis.push_bytes_sent` (shown with ``bytesInFlight``).
    public var pushBytesSent: UInt32 = 0
    /// `tcp.analysis.initial_rtt`, nanoseconds from SYN to the handshake's ACK, once seen.
    public var initialRTT: Int64? = nil
    /// `tcp.analysis.rto`, nanoseconds since the segment this retransmits was first sent.
    public var rto: Int64? = nil
    /// `tcp.analysis.rto_frame`: that segment.
    public var rtoFrame: UInt32 = 0

    /// What reassembly needs of the segment, kept by the analyzer so it need not read the
    /// packet's headers again (not shown): the side that sent it, its raw sequence number and
    /// flags, its ports and where its payload lies (`payloadCaptured` of `payloadLength` bytes).
    var fromFirst = false
    var rawSequence: UInt32 = 0
    var headerFlags: UInt16 = 0
    var sourcePort: UInt16 = 0
    var destinationPort: UInt16 = 0
    var payloadStart: Int32 = 0
    var payloadCaptured: Int32 = 0
    var payloadLength: Int32 = 0

    /// Creates an empty record.
    public init() {}

    /// Whether any flag marks a problem (Wireshark's "Bad TCP" rows).
    public var isProblem: Bool {
        TCPAnalysisFlags.described.contains { $0.problem && flags.contains($0.flag) }
    }

    /// The Info column's tags, as Wireshark puts them before the rest (`[TCP Retransmission] `,
    /// `[TCP Dup ACK 12#1] `): each ends with a space; empty without flags.
    public var infoPrefix: String {
        guard !flags.isEmpty else { return "" }
        var text = ""
        for entry in TCPAnalysisFlags.described where flags.contains(entry.flag) {
            text += entry.flag == .duplicateACK ? "[TCP Dup ACK \(duplicateACKFrame)#\(duplicateACKNumber)] " : "[\(entry.tag)] "
        }
        return text
    }
}
