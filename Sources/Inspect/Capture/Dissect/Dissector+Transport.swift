/// The transport layers: TCP with its options, UDP, ICMP and ICMPv6 with neighbour discovery options.
extension DissectorWalk {
    mutating func tcp(at offset: Int, _ extent: ByteExtent, network: NetworkHeader) throws(DecodeError) {
        let tcp = try TCPView(bytes, at: offset, within: extent)
        // The analysis describes the packet's first TCP header only (not one a tunnel carries).
        let analysis = tcpAnalysis
        tcpAnalysis = nil
        if columns { setTCPInfo(tcp, analysis: analysis) }
        let node: FieldNode? = detail ? tcpNode(tcp, at: offset, extent, network: network, analysis: analysis) : nil
        add(.tcp, at: offset, built: node)
        let payload = ByteExtent(end: extent.end, capturedEnd: extent.capturedEnd)
        let start = tcp.payloadOffset
        guard tcp.payloadLength > 0, !options.skipsApplication else { return }
        // As tshark by default: data sent again, or out of order, is not decoded again.
        if let analysis, !analysis.flags.isDisjoint(with: [.retransmission, .outOfOrder]) { return }
        if options.isDNSPort(tcp.sourcePort) || options.isDNSPort(tcp.destinationPort) {
            let prefix = DNSView.tcpLengthPrefixLength
            try payload.requireCaptured(.dns, start, prefix)
            let length = Int(bytes.u16be(start))
            try dns(at: start + prefix, payload.limited(to: start + prefix + length), overTCP: true)
        } else {
            try application(at: start, payload)
        }
    }

    /// One TCP option's node; SACK edges are shown less `sackBase` (relative, with analysis).
    static func tcpOptionNode(_ entry: TCPOptionField, sackBase: UInt32 = 0) -> FieldNode {
        let option = entry.option, range = entry.range
        switch option {
        case .endOfOptions: return FieldNode("tcp.option_kind", "End of Option List (EOL)", "", range: range)
        case .noOperation: return FieldNode("tcp.option_kind", "No-Operation (NOP)", "", range: range)
        case .maximumSegmentSize(let value): return FieldNode("tcp.options.mss_val", "Maximum segment size", "\(value) bytes", range: range)
        case .windowScale(let shift):
            return FieldNode("tcp.options.wscale.shift", "Window scale", "\(shift) (multiply by \(1 << min(Int(shift), 14)))", range: range)
        case .sackPermitted: return FieldNode("tcp.options.sack_perm", "SACK permitted", "", range: range)
        case .sack(let blocks):
            return FieldNode(
                "tcp.options.sack", "SACK", blocks.map { "\($0.leftEdge &- sackBase)-\($0.rightEdge &- sackBase)" }.joined(separator: " "),
                range: range)
        case .timestamps(let value, let echo):
            return FieldNode("tcp.options.timestamp.tsval", "Timestamps", "TSval \(value), TSecr \(echo)", range: range)
        case .unknown(let kind, let length): return FieldNode("tcp.option_kind", "Unknown option \(kind)", "\(length) bytes", range: range)
        }
    }

    mutating func udp(at offset: Int, _ extent: ByteExtent, network: NetworkHeader) throws(DecodeError) {
        let udp = try UDPView(bytes, at: offset, within: extent)
        let payloadLength = udp.length - UDPView.headerLength
        if columns {
            var info = TextBuilder()
            info.append(number: udp.sourcePort)
            info.append(" → ")
            info.append(number: udp.destinationPort)
            info.append(" Len=")
            info.append(number: payloadLength)
            info.withBytes { result.setColumn(.info, bytes: $0) }
        }
        let node: FieldNode? =
            !detail
            ? nil
            : {
                var checksum: String
                if udp.checksum == 0, case .v4 = network {
                    checksum = "0x0000 [zero-value ignored]"
                } else {
                    checksum = checksumText(
                        udp.checksum, offset..<(offset + udp.length), udp.payloadExtent, network: network, protocolNumber: 17)
                }
                typealias Field = UDPView.Field
                return FieldNode(
                    "udp", "User Datagram Protocol", "Src Port: \(udp.sourcePort), Dst Port: \(udp.destinationPort)",
                    range: udp.offset..<udp.payloadOffset,
                    children: [
                        FieldNode("udp.srcport", "Source Port", Format.decimal(udp.sourcePort), range: udp.range(of: Field.sourcePort)),
                        FieldNode(
                            "udp.dstport", "Destination Port", Format.decimal(udp.destinationPort),
                            range: udp.range(of: Field.destinationPort)),
                        FieldNode("udp.length", "Length", Format.decimal(udp.length), range: udp.range(of: Field.length)),
                        FieldNode("udp.checksum", "Checksum", checksum, range: udp.range(of: Field.checksum))
                    ])
            }()
        add(.udp, at: offset, built: node)
        guard payloadLength > 0 else { return }
        if options.isDNSPort(udp.sourcePort) || options.isDNSPort(udp.destinationPort) {
            try dns(at: udp.payloadOffset, udp.payloadExtent, overTCP: false)
        }
    }

    mutating func icmp(at offset: Int, _ extent: ByteExtent, layer: ProtocolLayer, network: NetworkHeader) throws(DecodeError) {
        let icmp = try ICMPView(bytes, at: offset, within: extent, layer: layer)
        let ndOptions = try icmp.neighborDiscoveryOptions()
        var info = icmp.typeName
        if icmp.isEcho { info += "  id=\(Format.hex(icmp.identifier, width: 4)), seq=\(icmp.sequence)" }
        if layer == .icmpv6, icmp.type == 135 || icmp.type == 136 || icmp.type == 137 {
            let target = icmp.targetAddress
            info += icmp.type == 135 ? " for \(target)" : icmp.type == 136 ? " \(target)" : " to \(target)"
            for option in ndOptions where (option.type == 1 || option.type == 2) && option.range.count >= 8 {
                info += (option.type == 1 ? " from " : " is at ") + Format.mac(bytes, option.range.lowerBound + 2)
            }
        }
        result.info = info
        let key = layer == .icmp ? "icmp" : "icmpv6"
        let node: FieldNode? =
            !detail
            ? nil
            : {
                let checksum = checksumText(
                    icmp.checksum, offset..<extent.end, extent, network: layer == .icmpv6 ? network : nil, protocolNumber: 58)
                typealias Field = ICMPView.Field
                var children = [
                    FieldNode("\(key).type", "Type", "\(icmp.type) (\(icmp.typeName))", range: icmp.range(of: Field.type)),
                    FieldNode("\(key).code", "Code", "\(icmp.code)", range: icmp.range(of: Field.code)),
                    FieldNode("\(key).checksum", "Checksum", checksum, range: icmp.range(of: Field.checksum))
                ]
                if icmp.isEcho {
                    children += [
                        FieldNode(
                            "\(key).ident", "Identifier", "\(icmp.identifier) (\(Format.hex(icmp.identifier, width: 4)))",
                            range: icmp.range(of: Field.echoIdentifier)),
                        FieldNode(
                            "\(key).seq", "Sequence Number", "\(icmp.sequence) (\(Format.hex(icmp.sequence, width: 4)))",
                            range: icmp.range(of: Field.echoSequence))
                    ]
                }
                if let start = icmp.neighborDiscoveryOptionsStart, start >= Field.targetAddress.upperBound {
                    children.append(
                        FieldNode(
                            "icmpv6.nd.ns.target_address", "Target Address", icmp.targetAddress, range: icmp.range(of: Field.targetAddress))
                    )
                }
                children += ndOptions.map { option in
                    let type = option.type, range = option.range
                    var value = ""
                    if (type == 1 || type == 2) && range.count >= 8 { value = Format.mac(bytes, range.lowerBound + 2) }
                    if type == 5 && range.count >= 8 { value = "\(bytes.u32be(range.lowerBound + 4))" }
                    if type == 3 && range.count >= 32 {
                        value = "\(Format.ipv6(bytes, range.lowerBound + 16))/\(bytes[range.lowerBound + 2])"
                    }
                    return FieldNode("icmpv6.opt", "ICMPv6 Option (\(ICMPView.neighborDiscoveryOptionName(type)))", value, range: range)
                }
                let name = layer == .icmp ? "Internet Control Message Protocol" : "Internet Control Message Protocol v6"
                return FieldNode(key, name, icmp.typeName, range: offset..<extent.capturedEnd, children: children)
            }()
        add(layer, at: offset, built: node)
    }
}
