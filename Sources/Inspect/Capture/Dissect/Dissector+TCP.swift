/// The TCP header's Info column and field tree, with what sequence analysis adds when the caller
/// ran it (``TCPAnalysis``): relative numbers, the scaled window, the stream, its timing and the
/// `tcp.analysis` tree, as tshark shows them by default. Without an analysis (a packet decoded on
/// its own) the numbers are the header's.
extension DissectorWalk {
    /// Sets the Info column: `[TCP Retransmission] 443 → 51234 [PSH, ACK] Seq=1 Ack=518 Win=65536 Len=1448 …`.
    func setTCPInfo(_ tcp: TCPView, analysis: TCPAnalysis?) {
        var info = TextBuilder()
        if let analysis, !analysis.flags.isEmpty { info.append(analysis.infoPrefix) }
        info.append(number: tcp.sourcePort)
        info.append(" → ")
        info.append(number: tcp.destinationPort)
        info.append(" [")
        TCPView.appendFlagNames(tcp.flags, to: &info)
        info.append("] Seq=")
        info.append(number: analysis?.sequence ?? tcp.sequenceNumber)
        if tcp.flags & 0x010 != 0 {
            info.append(" Ack=")
            info.append(number: analysis?.acknowledgment ?? tcp.acknowledgmentNumber)
        }
        info.append(" Win=")
        info.append(number: analysis?.window ?? UInt32(tcp.window))
        if tcp.flags & 0x020 != 0 {
            info.append(" Urg=")
            info.append(number: tcp.urgentPointer)
        }
        info.append(" Len=")
        info.append(number: tcp.payloadLength)
        let sackBase = Self.sackBase(tcp, analysis)
        for entry in tcp.options {
            switch entry.option {
            case .maximumSegmentSize(let value): info.append(" MSS="); info.append(number: value)
            case .sackPermitted: info.append(" SACK_PERM")
            case .timestamps(let value, let echo):
                info.append(" TSval="); info.append(number: value); info.append(" TSecr="); info.append(number: echo)
            case .windowScale(let shift): info.append(" WS="); info.append(number: 1 << min(Int(shift), 14))
            case .sack(let blocks):
                for block in blocks {
                    info.append(" SLE="); info.append(number: block.leftEdge &- sackBase); info.append(" SRE=")
                    info.append(number: block.rightEdge &- sackBase)
                }
            default: break
            }
        }
        info.withBytes { result.setColumn(.info, bytes: $0) }
    }

    /// What SACK edges count from: the other side's base, which the relative ACK gives (0 without analysis).
    static func sackBase(_ tcp: TCPView, _ analysis: TCPAnalysis?) -> UInt32 {
        guard let analysis, analysis.hasAcknowledgment else { return 0 }
        return tcp.acknowledgmentNumber &- analysis.acknowledgment
    }

    /// The `tcp` node: header fields in tshark's order, with the analysis's where it ran.
    func tcpNode(_ tcp: TCPView, at offset: Int, _ extent: ByteExtent, network: NetworkHeader, analysis: TCPAnalysis?) -> FieldNode {
        typealias Field = TCPView.Field
        let headerEnd = tcp.payloadOffset
        let checksum = checksumText(tcp.checksum, offset..<extent.end, extent, network: network, protocolNumber: 6)
        let flagNames = TCPView.flagNames(tcp.flags)
        let here = offset..<offset
        var children = [
            FieldNode("tcp.srcport", "Source Port", Format.decimal(tcp.sourcePort), range: tcp.range(of: Field.sourcePort)),
            FieldNode("tcp.dstport", "Destination Port", Format.decimal(tcp.destinationPort), range: tcp.range(of: Field.destinationPort))
        ]
        if let analysis { children.append(FieldNode("tcp.stream", "[Stream index]", Format.decimal(analysis.stream), range: here)) }
        children.append(FieldNode("tcp.len", "[TCP Segment Len]", Format.decimal(tcp.payloadLength), range: here))
        if let analysis {
            children.append(
                FieldNode(
                    "tcp.seq", "Sequence Number", "\(analysis.sequence)    (relative sequence number)",
                    range: tcp.range(of: Field.sequenceNumber)))
        }
        children.append(
            FieldNode(
                "tcp.seq_raw", "Sequence Number (raw)", Format.decimal(tcp.sequenceNumber), range: tcp.range(of: Field.sequenceNumber)))
        if let analysis {
            children.append(
                FieldNode("tcp.nxtseq", "[Next Sequence Number]", "\(analysis.nextSequence)    (relative sequence number)", range: here))
            children.append(
                FieldNode(
                    "tcp.ack", "Acknowledgment Number",
                    analysis.hasAcknowledgment ? "\(analysis.acknowledgment)    (relative ack number)" : "\(analysis.acknowledgment)",
                    range: tcp.range(of: Field.acknowledgmentNumber)))
        }
        children += [
            FieldNode(
                "tcp.ack_raw", "Acknowledgment number (raw)", Format.decimal(tcp.acknowledgmentNumber),
                range: tcp.range(of: Field.acknowledgmentNumber)),
            FieldNode(
                "tcp.hdr_len", "Header Length", "\(tcp.headerLength) bytes (\(tcp.headerLength / 4))",
                range: tcp.range(of: Field.dataOffset)),
            FieldNode(
                "tcp.flags", "Flags", "\(Format.hex(tcp.flags, width: 4)) (\(flagNames.joined(separator: ", ")))",
                range: tcp.range(of: Field.dataOffsetAndFlags),
                children: TCPView.flagBits.map { bit in
                    FieldNode(
                        "tcp.flags.\(bit.name)", bit.title, tcp.flags & bit.mask != 0 ? "Set (1)" : "Not set (0)",
                        range: tcp.range(of: bit.mask > 0xff ? Field.dataOffset : 13..<14))
                }),
            FieldNode("tcp.window_size_value", "Window", Format.decimal(tcp.window), range: tcp.range(of: Field.window))
        ]
        if let analysis {
            children.append(FieldNode("tcp.window_size", "[Calculated window size]", Format.decimal(analysis.window), range: here))
            if let factor = analysis.windowScaleFactor {
                let text = factor == -1 ? "-1 (unknown)" : factor == -2 ? "-2 (no window scaling used)" : "\(factor)"
                children.append(FieldNode("tcp.window_size_scalefactor", "[Window size scaling factor]", text, range: here))
            }
        }
        children += [
            FieldNode("tcp.checksum", "Checksum", checksum, range: tcp.range(of: Field.checksum)),
            FieldNode("tcp.urgent_pointer", "Urgent Pointer", Format.decimal(tcp.urgentPointer), range: tcp.range(of: Field.urgentPointer))
        ]
        if !tcp.options.isEmpty {
            let sackBase = Self.sackBase(tcp, analysis)
            children.append(
                FieldNode(
                    "tcp.options", "Options", "(\(tcp.optionsRange.count) bytes)", range: tcp.optionsRange,
                    children: tcp.options.map { Self.tcpOptionNode($0, sackBase: sackBase) }))
        }
        if let analysis { children += Self.tcpAnalysisNodes(analysis, at: here) }
        if tcp.payloadLength > 0 {
            children.append(
                FieldNode("tcp.payload", "TCP payload", "\(tcp.payloadLength) bytes", range: headerEnd..<max(headerEnd, extent.capturedEnd))
            )
        }
        var summary = TextBuilder()
        summary.append("Src Port: ")
        summary.append(number: tcp.sourcePort)
        summary.append(", Dst Port: ")
        summary.append(number: tcp.destinationPort)
        summary.append(", Seq: ")
        summary.append(number: analysis?.sequence ?? tcp.sequenceNumber)
        if tcp.flags & 0x010 != 0 {
            summary.append(", Ack: ")
            summary.append(number: analysis?.acknowledgment ?? tcp.acknowledgmentNumber)
        }
        summary.append(", Len: ")
        summary.append(number: tcp.payloadLength)
        return FieldNode("tcp", "Transmission Control Protocol", summary.string, range: offset..<headerEnd, children: children)
    }

    /// `[Timestamps]` and `[SEQ/ACK analysis]`, as tshark's tree shows them.
    static func tcpAnalysisNodes(_ analysis: TCPAnalysis, at here: Range<Int>) -> [FieldNode] {
        func seconds(_ nanoseconds: Int64) -> String { Format.seconds(nanoseconds) + " seconds" }
        var nodes = [
            FieldNode(
                "tcp.timestamps", "[Timestamps]", range: here,
                children: [
                    FieldNode(
                        "tcp.time_relative", "[Time since first frame in this TCP stream]", seconds(analysis.timeRelative), range: here),
                    FieldNode("tcp.time_delta", "[Time since previous frame in this TCP stream]", seconds(analysis.timeDelta), range: here)
                ])
        ]
        guard analysis.hasAnalysis else { return nodes }
        var children: [FieldNode] = []
        if analysis.acksFrame != 0 {
            children.append(
                FieldNode("tcp.analysis.acks_frame", "[This is an ACK to the segment in frame]", "\(analysis.acksFrame)", range: here))
            if analysis.ackRTT != 0 {
                children.append(
                    FieldNode("tcp.analysis.ack_rtt", "[The RTT to ACK the segment was]", seconds(analysis.ackRTT), range: here))
            }
        }
        if let initial = analysis.initialRTT {
            children.append(FieldNode("tcp.analysis.initial_rtt", "[iRTT]", seconds(initial), range: here))
        }
        if let inFlight = analysis.shownBytesInFlight {
            children.append(FieldNode("tcp.analysis.bytes_in_flight", "[Bytes in flight]", "\(inFlight)", range: here))
            children.append(
                FieldNode("tcp.analysis.push_bytes_sent", "[Bytes sent since last PSH flag]", "\(analysis.pushBytesSent)", range: here))
        }
        if !analysis.flags.isEmpty {
            var flags: [FieldNode] = []
            for entry in TCPAnalysisFlags.described.reversed() where analysis.flags.contains(entry.flag) {
                flags.append(FieldNode("tcp.analysis.\(entry.field)", "[\(entry.tag)]", range: here))
                // Fast and spurious retransmissions are retransmissions too.
                if entry.flag == .fastRetransmission || entry.flag == .spuriousRetransmission {
                    flags.append(FieldNode("tcp.analysis.retransmission", "[This frame is a (suspected) retransmission]", range: here))
                }
                if entry.flag == .retransmission, let rto = analysis.shownRTO {
                    flags.append(FieldNode("tcp.analysis.rto", "[The RTO for this segment was]", seconds(rto), range: here))
                    flags.append(
                        FieldNode("tcp.analysis.rto_frame", "[RTO based on delta from frame]", "\(analysis.rtoFrame)", range: here))
                }
            }
            children.append(FieldNode("tcp.analysis.flags", "[TCP Analysis Flags]", range: here, children: flags))
        }
        if analysis.duplicateACKNumber != 0 {
            children.append(FieldNode("tcp.analysis.duplicate_ack_num", "[Duplicate ACK #]", "\(analysis.duplicateACKNumber)", range: here))
            children.append(
                FieldNode(
                    "tcp.analysis.duplicate_ack_frame", "[Duplicate to the ACK in frame]", "\(analysis.duplicateACKFrame)", range: here))
        }
        nodes.append(FieldNode("tcp.analysis", "[SEQ/ACK analysis]", range: here, children: children))
        return nodes
    }
}
