/// The network layers: IPv4 with its options, IPv6 with its extension headers; the dispatch to the
/// transport and the checksum texts.
extension DissectorWalk {
    mutating func ipv4(at offset: Int, _ extent: ByteExtent) throws(DecodeError) {
        let ip = try IPv4View(bytes, at: offset, within: extent)
        let options = try ip.options()
        typealias Field = IPv4View.Field
        if columns {
            result.setIPv4Column(.source, bytes, ip.start(of: Field.source))
            result.setIPv4Column(.destination, bytes, ip.start(of: Field.destination))
        }
        let node: FieldNode? =
            !detail
            ? nil
            : {
                let flags = (ip.reservedFlag ? 4 : 0) | (ip.dontFragment ? 2 : 0) | (ip.moreFragments ? 1 : 0)
                // Each address made once, for its node and the summary.
                let source = ip.source, destination = ip.destination
                var children = [
                    FieldNode("ip.version", "Version", "4", range: ip.range(of: Field.versionAndHeaderLength)),
                    FieldNode(
                        "ip.hdr_len", "Header Length", "\(ip.headerLength) bytes (\(ip.headerLength / 4))",
                        range: ip.range(of: Field.versionAndHeaderLength)),
                    FieldNode(
                        "ip.dsfield", "Differentiated Services Field", "DSCP: \(ip.dscp), ECN: \(ip.ecn)",
                        range: ip.range(of: Field.differentiatedServices)),
                    FieldNode("ip.len", "Total Length", Format.decimal(ip.totalLength), range: ip.range(of: Field.totalLength)),
                    FieldNode(
                        "ip.id", "Identification", "\(Format.hex(ip.identification, width: 4)) (\(ip.identification))",
                        range: ip.range(of: Field.identification)),
                    FieldNode(
                        "ip.flags", "Flags",
                        Format.hex(flags << 5, width: 2) + (ip.dontFragment ? ", Don't fragment" : "")
                            + (ip.moreFragments ? ", More fragments" : ""),
                        range: ip.range(of: Field.flags)),
                    FieldNode(
                        "ip.frag_offset", "Fragment Offset", Format.decimal(ip.fragmentOffset),
                        range: ip.range(of: Field.flagsAndFragmentOffset)),
                    FieldNode("ip.ttl", "Time to Live", Format.decimal(ip.timeToLive), range: ip.range(of: Field.timeToLive)),
                    FieldNode(
                        "ip.proto", "Protocol", "\(Dissector.ipProtocolName(ip.protocolNumber)) (\(ip.protocolNumber))",
                        range: ip.range(of: Field.protocolNumber)),
                    FieldNode("ip.checksum", "Header Checksum", headerChecksumText(ip), range: ip.range(of: Field.checksum)),
                    FieldNode("ip.src", "Source Address", source, range: ip.range(of: Field.source)),
                    FieldNode("ip.dst", "Destination Address", destination, range: ip.range(of: Field.destination))
                ]
                if !options.isEmpty {
                    children.append(
                        FieldNode(
                            "ip.options", "Options", "\(ip.optionsRange.count) bytes", range: ip.optionsRange,
                            children: options.map { FieldNode("ip.opt.type", "IP Option", IPv4View.optionName($0.type), range: $0.range) }))
                }
                return FieldNode(
                    "ip", "Internet Protocol Version 4", "Src: \(source), Dst: \(destination)",
                    range: ip.offset..<ip.payloadOffset, children: children)
            }()
        add(.ipv4, at: offset, built: node)
        if ip.fragmentOffset != 0 || ip.moreFragments {
            result.info =
                "Fragmented IP protocol (proto=\(Dissector.ipProtocolName(ip.protocolNumber)) \(ip.protocolNumber), off=\(ip.fragmentOffset), ID=\(Format.hex(ip.identification, width: 4)))"
            return
        }
        try transport(ip.protocolNumber, at: ip.payloadOffset, ip.payloadExtent, network: .v4(ip))
    }

    mutating func ipv6(at offset: Int, _ extent: ByteExtent) throws(DecodeError) {
        let ip = try IPv6View(bytes, at: offset, within: extent)
        typealias Field = IPv6View.Field
        if columns {
            result.source = ip.source
            result.destination = ip.destination
        }
        add(
            .ipv6, at: offset,
            FieldNode(
                "ipv6", "Internet Protocol Version 6", "Src: \(ip.source), Dst: \(ip.destination)",
                range: ip.offset..<ip.payloadOffset,
                children: [
                    FieldNode("ipv6.version", "Version", "6", range: ip.range(of: Field.version)),
                    FieldNode(
                        "ipv6.tclass", "Traffic Class", Format.hex(ip.trafficClass, width: 2), range: ip.range(of: Field.trafficClass)),
                    FieldNode("ipv6.flow", "Flow Label", Format.hex(ip.flowLabel, width: 5), range: ip.range(of: Field.flowLabel)),
                    FieldNode("ipv6.plen", "Payload Length", Format.decimal(ip.payloadLength), range: ip.range(of: Field.payloadLength)),
                    FieldNode(
                        "ipv6.nxt", "Next Header", "\(Dissector.ipProtocolName(ip.nextHeader)) (\(ip.nextHeader))",
                        range: ip.range(of: Field.nextHeader)),
                    FieldNode("ipv6.hlim", "Hop Limit", Format.decimal(ip.hopLimit), range: ip.range(of: Field.hopLimit)),
                    FieldNode("ipv6.src", "Source Address", ip.source, range: ip.range(of: Field.source)),
                    FieldNode("ipv6.dst", "Destination Address", ip.destination, range: ip.range(of: Field.destination))
                ]))
        var next = ip.nextHeader
        var position = ip.payloadOffset
        let payload = ip.payloadExtent
        var headers = 0
        while IPv6ExtensionView.types.contains(next) {
            headers += 1
            if headers > 16 { throw DecodeError(.ipv6Extension, at: position, .badValue(field: "extension header count", value: headers)) }
            let header = try IPv6ExtensionView(bytes, at: position, type: next, within: payload)
            let headerOptions = try header.options()
            result.appendLayer(.ipv6Extension, at: position)
            if detail {
                typealias Extension = IPv6ExtensionView.Field
                var children = [
                    FieldNode(
                        "ipv6.nxt", "Next Header", "\(Dissector.ipProtocolName(header.nextHeader)) (\(header.nextHeader))",
                        range: header.range(of: Extension.nextHeader))
                ]
                if next == 44 {
                    children += [
                        FieldNode(
                            "ipv6.fragment.offset", "Offset", "\(header.fragmentOffset)",
                            range: header.range(of: Extension.fragmentOffsetAndFlags)),
                        FieldNode(
                            "ipv6.fragment.more", "More Fragments", header.moreFragments ? "Yes" : "No",
                            range: header.range(of: Extension.fragmentMoreFlag)),
                        FieldNode(
                            "ipv6.fragment.id", "Identification", Format.hex(header.fragmentIdentification, width: 8),
                            range: header.range(of: Extension.fragmentIdentification))
                    ]
                } else {
                    children.append(
                        FieldNode(
                            "ipv6.opt.length", "Length", "\(header.length) bytes", range: header.range(of: Extension.headerExtensionLength))
                    )
                    if next == 43 {
                        children += [
                            FieldNode(
                                "ipv6.routing.type", "Type", "\(header.routing.type)", range: header.range(of: Extension.routingType)),
                            FieldNode(
                                "ipv6.routing.segleft", "Segments Left", "\(header.routing.segmentsLeft)",
                                range: header.range(of: Extension.segmentsLeft))
                        ]
                    }
                    children += headerOptions.map {
                        FieldNode("ipv6.opt.type", "Option", IPv6ExtensionView.optionName($0.type), range: $0.range)
                    }
                }
                let key = next == 0 ? "ipv6.hopopts" : next == 43 ? "ipv6.routing" : next == 44 ? "ipv6.fragment" : "ipv6.dstopts"
                result.fields.append(
                    FieldNode(key, "IPv6 \(header.name)", "", range: header.offset..<(header.offset + header.length), children: children))
            }
            if next == 44 && (header.fragmentOffset != 0 || header.moreFragments) {
                result.info =
                    "IPv6 fragment (off=\(header.fragmentOffset) more=\(header.moreFragments ? "y" : "n") ident=\(Format.hex(header.fragmentIdentification, width: 8)) nxt=\(header.nextHeader))"
                return
            }
            next = header.nextHeader
            position += header.length
        }
        try transport(next, at: position, payload, network: .v6(ip))
    }

    mutating func transport(_ number: UInt8, at offset: Int, _ extent: ByteExtent, network: NetworkHeader) throws(DecodeError) {
        switch number {
        case 6: try tcp(at: offset, extent, network: network)
        case 17: try udp(at: offset, extent, network: network)
        case 1: try icmp(at: offset, extent, layer: .icmp, network: network)
        case 58: try icmp(at: offset, extent, layer: .icmpv6, network: network)
        case 59: result.info = "No next header"
        default:
            result.protocolName = Dissector.ipProtocolName(number)
            result.info = "IP protocol \(number), \(extent.end - offset) bytes"
        }
    }

    /// The IPv4 header checksum's text: unverified unless asked, else correct or incorrect with the right value.
    func headerChecksumText(_ ip: IPv4View) -> String {
        let hex = Format.hex(ip.checksum, width: 4)
        guard options.verifyChecksums else { return hex + " [unverified]" }
        let computed = ip.computedChecksum
        return hex + (computed == ip.checksum ? " [correct]" : " [incorrect, should be \(Format.hex(computed, width: 4))]")
    }

    /// The checksum text: unverified unless asked (or when bytes are missing), else correct or
    /// incorrect with the right value.
    func checksumText(
        _ carried: UInt16, _ range: Range<Int>, _ extent: ByteExtent, network: NetworkHeader?, protocolNumber: UInt8
    ) -> String {
        let hex = Format.hex(carried, width: 4)
        guard options.verifyChecksums, extent.capturedEnd == extent.end else { return hex + " [unverified]" }
        let initial = network?.pseudoSum(length: range.count, protocolNumber: protocolNumber) ?? 0
        let sum = onesComplementSum(bytes, range, initial: initial)
        if sum == 0xffff { return hex + " [correct]" }
        // What the field should hold: the checksum over everything but the field itself.
        let without = onesComplementSum(bytes, range, initial: initial &+ UInt32(~carried))
        return hex + " [incorrect, should be \(Format.hex(~UInt16(truncatingIfNeeded: without), width: 4))]"
    }
}
