/// The transport layers: TCP with its options, UDP, ICMP and ICMPv6 with neighbour discovery options.
extension DissectorWalk {
    mutating func tcp(at offset: Int, _ extent: ByteExtent, network: NetworkHeader) throws(DecodeError) {
        let tcp = try TCPView(bytes, at: offset, within: extent)
        if columns {
            var info = TextBuilder()
            info.append(number: tcp.sourcePort)
            info.append(" → ")
            info.append(number: tcp.destinationPort)
            info.append(" [")
            TCPView.appendFlagNames(tcp.flags, to: &info)
            info.append("] Seq=")
            info.append(number: tcp.sequenceNumber)
            if tcp.flags & 0x010 != 0 { info.append(" Ack="); info.append(number: tcp.acknowledgmentNumber) }
            info.append(" Win=")
            info.append(number: tcp.window)
            info.append(" Len=")
            info.append(number: tcp.payloadLength)
            for entry in tcp.options {
                switch entry.option {
                case .maximumSegmentSize(let value): info.append(" MSS="); info.append(number: value)
                case .sackPermitted: info.append(" SACK_PERM")
                case .timestamps(let value, let echo):
                    info.append(" TSval="); info.append(number: value); info.append(" TSecr="); info.append(number: echo)
                case .windowScale(let shift): info.append(" WS="); info.append(number: 1 << min(Int(shift), 14))
                case .sack(let blocks):
                    for block in blocks {
                        info.append(" SLE="); info.append(number: block.leftEdge); info.append(" SRE=");
                        info.append(number: block.rightEdge)
                    }
                default: break
                }
            }
            info.withBytes { result.setColumn(.info, bytes: $0) }
        }
        let flagNames = detail ? TCPView.flagNames(tcp.flags) : []
        let node: FieldNode? =
            !detail
            ? nil
            : {
                typealias Field = TCPView.Field
                let headerEnd = tcp.payloadOffset
                let checksum = checksumText(tcp.checksum, offset..<extent.end, extent, network: network, protocolNumber: 6)
                var children = [
                    FieldNode("tcp.srcport", "Source Port", Format.decimal(tcp.sourcePort), range: tcp.range(of: Field.sourcePort)),
                    FieldNode(
                        "tcp.dstport", "Destination Port", Format.decimal(tcp.destinationPort), range: tcp.range(of: Field.destinationPort)),
                    FieldNode(
                        "tcp.seq_raw", "Sequence Number (raw)", Format.decimal(tcp.sequenceNumber),
                        range: tcp.range(of: Field.sequenceNumber)),
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
                            let set = tcp.flags & bit.mask != 0
                            return FieldNode(
                                "tcp.flags.\(bit.name)", bit.title, set ? "Set (1)" : "Not set (0)",
                                range: tcp.range(of: bit.mask > 0xff ? Field.dataOffset : 13..<14))
                        }),
                    FieldNode("tcp.len", "TCP Segment Len", Format.decimal(tcp.payloadLength), range: offset..<offset),
                    FieldNode("tcp.window_size_value", "Window", Format.decimal(tcp.window), range: tcp.range(of: Field.window)),
                    FieldNode("tcp.checksum", "Checksum", checksum, range: tcp.range(of: Field.checksum)),
                    FieldNode(
                        "tcp.urgent_pointer", "Urgent Pointer", Format.decimal(tcp.urgentPointer), range: tcp.range(of: Field.urgentPointer)
                    )
                ]
                if !tcp.options.isEmpty {
                    children.append(
                        FieldNode(
                            "tcp.options", "Options", "(\(tcp.optionsRange.count) bytes)", range: tcp.optionsRange,
                            children: tcp.options.map(Self.tcpOptionNode)))
                }
                if tcp.payloadLength > 0 {
                    children.append(
                        FieldNode(
                            "tcp.payload", "TCP payload", "\(tcp.payloadLength) bytes",
                            range: headerEnd..<max(headerEnd, extent.capturedEnd)))
                }
                // Built as bytes, made a `String` once (interpolation grows its buffer twice here).
                var summary = TextBuilder()
                summary.append("Src Port: ")
                summary.append(number: tcp.sourcePort)
                summary.append(", Dst Port: ")
                summary.append(number: tcp.destinationPort)
                summary.append(", Seq: ")
                summary.append(number: tcp.sequenceNumber)
                summary.append(", Len: ")
                summary.append(number: tcp.payloadLength)
                return FieldNode(
                    "tcp", "Transmission Control Protocol", summary.string, range: offset..<headerEnd, children: children)
            }()
        add(.tcp, at: offset, built: node)
        let payload = ByteExtent(end: extent.end, capturedEnd: extent.capturedEnd)
        let start = tcp.payloadOffset
        guard tcp.payloadLength > 0 else { return }
        if options.isDNSPort(tcp.sourcePort) || options.isDNSPort(tcp.destinationPort) {
            let prefix = DNSView.tcpLengthPrefixLength
            try payload.requireCaptured(.dns, start, prefix)
            let length = Int(bytes.u16be(start))
            try dns(at: start + prefix, payload.limited(to: start + prefix + length), overTCP: true)
        } else {
            try application(at: start, payload)
        }
    }

    static func tcpOptionNode(_ entry: TCPOptionField) -> FieldNode {
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
                "tcp.options.sack", "SACK", blocks.map { "\($0.leftEdge)-\($0.rightEdge)" }.joined(separator: " "), range: range)
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
