extension TCPAnalysis {
    /// Each display-filter field the analysis gives a packet, with its value when the packet has
    /// one (as tshark shows it: `tcp.window_size_scalefactor` not on a SYN, `tcp.analysis.ack_rtt`
    /// only when not 0, a flag as a label present or absent). ``LayerFieldPacket`` reads these
    /// without a field tree; the tree's nodes (``Dissector``) carry the same values.
    static let fieldValues: [String: @Sendable (TCPAnalysis) -> DisplayFilterValue?] = {
        var table: [String: @Sendable (TCPAnalysis) -> DisplayFilterValue?] = [
            "tcp.stream": { .unsigned(UInt64($0.stream)) },
            "tcp.seq": { .unsigned(UInt64($0.sequence)) },
            "tcp.nxtseq": { .unsigned(UInt64($0.nextSequence)) },
            "tcp.ack": { .unsigned(UInt64($0.acknowledgment)) },
            "tcp.window_size": { .unsigned(UInt64($0.window)) },
            "tcp.window_size_scalefactor": { $0.windowScaleFactor.map { .signed(Int64($0)) } },
            "tcp.time_relative": { .signed($0.timeRelative) },
            "tcp.time_delta": { .signed($0.timeDelta) },
            "tcp.analysis": { $0.hasAnalysis ? .bytes([]) : nil },
            "tcp.analysis.flags": { $0.flags.isEmpty ? nil : .bytes([]) },
            "tcp.analysis.acks_frame": { $0.acksFrame != 0 ? .unsigned(UInt64($0.acksFrame)) : nil },
            "tcp.analysis.ack_rtt": { $0.acksFrame != 0 && $0.ackRTT != 0 ? .signed($0.ackRTT) : nil },
            "tcp.analysis.initial_rtt": { $0.initialRTT.map { .signed($0) } },
            "tcp.analysis.bytes_in_flight": { $0.shownBytesInFlight.map { .unsigned(UInt64($0)) } },
            "tcp.analysis.push_bytes_sent": { $0.shownBytesInFlight != nil ? .unsigned(UInt64($0.pushBytesSent)) : nil },
            "tcp.analysis.duplicate_ack_num": { $0.duplicateACKNumber != 0 ? .unsigned(UInt64($0.duplicateACKNumber)) : nil },
            "tcp.analysis.duplicate_ack_frame": { $0.duplicateACKNumber != 0 ? .unsigned(UInt64($0.duplicateACKFrame)) : nil },
            "tcp.analysis.rto": { $0.shownRTO.map { .signed($0) } },
            "tcp.analysis.rto_frame": { $0.shownRTO != nil ? .unsigned(UInt64($0.rtoFrame)) : nil }
        ]
        for entry in TCPAnalysisFlags.described {
            let flag = entry.flag
            // Fast and spurious retransmissions are retransmissions too.
            let set: TCPAnalysisFlags = flag == .retransmission ? [.retransmission, .fastRetransmission, .spuriousRetransmission] : flag
            table["tcp.analysis.\(entry.field)"] = { $0.flags.isDisjoint(with: set) ? nil : .bytes([]) }
        }
        // Everything under `tcp.analysis` is there only with the tree Wireshark shows.
        for (name, value) in table where name.hasPrefix("tcp.analysis") {
            table[name] = { $0.hasAnalysis ? value($0) : nil }
        }
        return table
    }()

    /// Bytes in flight as tshark shows them: known and not 0.
    var shownBytesInFlight: UInt32? { bytesInFlight.flatMap { $0 != 0 ? $0 : nil } }

    /// The RTO as tshark shows it: on a plain retransmission, when not 0.
    var shownRTO: Int64? { flags.contains(.retransmission) ? rto.flatMap { $0 != 0 ? $0 : nil } : nil }
}
