/// Decodes captured packets layer by layer into a `Dissection`.
///
/// Never traps and never reads past the captured bytes: each layer is a validating `…View`, and
/// the first layer that fails ends decoding with a `DecodeError`, keeping every layer before it.
public enum Dissector {
    /// Dissects `bytes` of link type `linkType`; `originalLength` is the length on the wire
    /// (defaults to the captured length).
    public static func dissect(
        _ bytes: UnsafeRawBufferPointer, linkType: LinkType, originalLength: Int? = nil,
        options: DissectorOptions = DissectorOptions()
    ) -> Dissection {
        var result = Dissection()
        dissect(bytes, linkType: linkType, originalLength: originalLength, options: options, into: &result)
        return result
    }

    /// Dissects into `result`, replacing what it held but reusing its storage: the allocation-free
    /// path for loops over many packets (`socktui read`, the Capture panel's list).
    public static func dissect(
        _ bytes: UnsafeRawBufferPointer, linkType: LinkType, originalLength: Int? = nil,
        options: DissectorOptions = DissectorOptions(), into result: inout Dissection
    ) {
        result.removeAll()
        withUnsafePointer(to: options) { options in
            withUnsafeMutablePointer(to: &result) { result in
                var walk = Walk(bytes: bytes, options: options, result: result, wireLength: max(originalLength ?? bytes.count, bytes.count))
                walk.run(linkType)
            }
        }
    }

    /// Dissects a captured packet.
    public static func dissect(_ packet: CapturedPacket, options: DissectorOptions = DissectorOptions()) -> Dissection {
        packet.data.withUnsafeBytes {
            dissect($0, linkType: packet.linkType, originalLength: packet.originalLength, options: options)
        }
    }

    /// The name of an EtherType (`IPv4`, `ARP`), or its hex value.
    public static func etherTypeName(_ type: UInt16) -> String { EtherType.name(type) }

    /// The name of an IP protocol number (`TCP`, `UDP`), or the number.
    public static func ipProtocolName(_ number: UInt8) -> String {
        switch number {
        case 0: "IPv6 Hop-by-Hop Option"
        case 1: "ICMP"
        case 2: "IGMP"
        case 4: "IPIP"
        case 6: "TCP"
        case 17: "UDP"
        case 41: "IPv6"
        case 43: "IPv6 Routing"
        case 44: "IPv6 Fragment"
        case 47: "GRE"
        case 50: "ESP"
        case 51: "AH"
        case 58: "ICMPv6"
        case 59: "IPv6 No Next Header"
        case 60: "IPv6 Destination Options"
        case 132: "SCTP"
        default: "\(number)"
        }
    }
}

/// The network layer below a transport header, for pseudo-header checksums.
private enum NetworkHeader {
    case v4(IPv4View)
    case v6(IPv6View)

    func pseudoSum(length: Int, protocolNumber: UInt8) -> UInt32 {
        switch self {
        case .v4(let ip):
            onesComplementSum(ip.bytes, (ip.offset + 12)..<(ip.offset + 20), initial: UInt32(protocolNumber) + UInt32(length))
        case .v6(let ip):
            ip.pseudoHeaderSum(length: length, nextHeader: protocolNumber)
        }
    }
}

private struct Walk {
    let bytes: UnsafeRawBufferPointer
    /// Borrowed for the walk (a copy would retain and release its port set once per packet).
    let optionsPointer: UnsafePointer<DissectorOptions>
    var options: DissectorOptions { unsafeAddress { optionsPointer } }
    let wireLength: Int
    /// The caller's dissection, written in place (no copy in or out per packet).
    let resultPointer: UnsafeMutablePointer<Dissection>
    var result: Dissection {
        unsafeAddress { UnsafePointer(resultPointer) }
        nonmutating unsafeMutableAddress { resultPointer }
    }
    var detail: Bool { options.detail }

    init(bytes: UnsafeRawBufferPointer, options: UnsafePointer<DissectorOptions>, result: UnsafeMutablePointer<Dissection>, wireLength: Int)
    {
        self.bytes = bytes
        optionsPointer = options
        resultPointer = result
        self.wireLength = wireLength
    }

    var packetExtent: ByteExtent { ByteExtent(end: wireLength, capturedEnd: bytes.count) }

    mutating func add(_ layer: ProtocolLayer, _ node: @autoclosure () -> FieldNode) {
        result.layers.append(layer)
        result.protocolName = layer.displayName
        if detail { result.fields.append(node()) }
    }

    /// Adds a layer whose node was built beforehand (nil in summary mode).
    mutating func add(_ layer: ProtocolLayer, built node: FieldNode?) {
        result.layers.append(layer)
        result.protocolName = layer.displayName
        if let node { result.fields.append(node) }
    }

    mutating func run(_ linkType: LinkType) {
        if detail {
            result.fields.append(
                FieldNode(
                    "frame", "Frame", "\(wireLength) bytes on wire, \(bytes.count) bytes captured", range: 0..<bytes.count,
                    children: [
                        FieldNode("frame.len", "Frame Length", "\(wireLength)", range: 0..<bytes.count),
                        FieldNode("frame.cap_len", "Capture Length", "\(bytes.count)", range: 0..<bytes.count),
                        FieldNode("frame.link_type", "Link Type", linkType.name, range: 0..<0)
                    ]))
        }
        do {
            try link(linkType)
        } catch {
            result.error = error
            result.protocolName = error.layer.displayName
            result.info = result.info.isEmpty ? error.description : result.info + " " + error.description
            if detail {
                let start = min(error.offset, bytes.count)
                result.fields.append(
                    FieldNode(
                        "_ws.malformed", "[Malformed Packet: \(error.layer.displayName)]", error.description,
                        range: start..<max(start, bytes.count)))
            }
        }
    }

    mutating func link(_ linkType: LinkType) throws(DecodeError) {
        let extent = packetExtent
        switch linkType {
        case .ethernet: try ethernet(at: 0, extent)
        case .linuxSLL: try sll(extent)
        case .linuxSLL2: try sll2(extent)
        case .null, .loop: try null(extent, networkOrder: linkType == .loop)
        case .raw:
            try extent.requireCaptured(.ipv4, 0, 1)
            if bytes[0] >> 4 == 6 { try ipv6(at: 0, extent) } else { try ipv4(at: 0, extent) }
        case .ipv4: try ipv4(at: 0, extent)
        case .ipv6: try ipv6(at: 0, extent)
        default:
            result.protocolName = linkType.name
            result.info = "Link type \(linkType.rawValue) not decoded"
        }
    }

    mutating func ethernet(at offset: Int, _ extent: ByteExtent) throws(DecodeError) {
        let eth = try EthernetView(bytes, at: offset, within: extent)
        // MAC addresses are the columns only when no network layer names addresses (ARP, LLDP).
        defer {
            if result.isEmpty(.source) {
                result.source = eth.source
                result.destination = eth.destination
            }
        }
        let node: FieldNode? =
            !detail
            ? nil
            : {
                var children = [
                    FieldNode("eth.dst", "Destination", eth.destination, range: offset..<(offset + 6)),
                    FieldNode("eth.src", "Source", eth.source, range: (offset + 6)..<(offset + 12))
                ]
                for index in 0..<eth.tagCount {
                    let range = eth.tagRange(index)
                    children.append(
                        FieldNode(
                            "vlan", "802.1Q Virtual LAN",
                            "PRI: \(eth.tagPriority(index)), DEI: \(eth.tagDropEligible(index) ? 1 : 0), ID: \(eth.tagID(index))",
                            range: range,
                            children: [
                                FieldNode(
                                    "vlan.tpid", "Tag Protocol Identifier", Format.hex(eth.tagProtocolID(index), width: 4),
                                    range: range.lowerBound..<(range.lowerBound + 2)),
                                FieldNode(
                                    "vlan.priority", "Priority", "\(eth.tagPriority(index))",
                                    range: (range.lowerBound + 2)..<(range.lowerBound + 3)),
                                FieldNode(
                                    "vlan.dei", "DEI", "\(eth.tagDropEligible(index) ? 1 : 0)",
                                    range: (range.lowerBound + 2)..<(range.lowerBound + 3)),
                                FieldNode("vlan.id", "ID", "\(eth.tagID(index))", range: (range.lowerBound + 2)..<range.upperBound)
                            ]))
                }
                children.append(
                    FieldNode(
                        "eth.type", "Type", "\(Dissector.etherTypeName(eth.etherType)) (\(Format.hex(eth.etherType, width: 4)))",
                        range: eth.etherTypeOffset..<(eth.etherTypeOffset + 2)))
                return FieldNode(
                    "eth", "Ethernet II", "Src: \(eth.source), Dst: \(eth.destination)", range: offset..<eth.payloadOffset,
                    children: children)
            }()
        add(.ethernet, built: node)
        if eth.tagCount > 0 { result.layers.append(.vlan) }
        if eth.etherType < EtherType.lengthLimit {
            result.protocolName = "LLC"
            result.info = "IEEE 802.3, length \(eth.etherType)"
            return
        }
        try etherType(eth.etherType, at: eth.payloadOffset, extent)
    }

    mutating func etherType(_ type: UInt16, at offset: Int, _ extent: ByteExtent) throws(DecodeError) {
        switch type {
        case EtherType.ipv4: try ipv4(at: offset, extent)
        case EtherType.ipv6: try ipv6(at: offset, extent)
        case EtherType.arp: try arp(at: offset, extent)
        default:
            result.protocolName = Dissector.etherTypeName(type)
            result.info = "Ethernet type \(Format.hex(type, width: 4)), \(extent.end - offset) bytes"
        }
    }

    mutating func sll(_ extent: ByteExtent) throws(DecodeError) {
        let sll = try SLLView(bytes, at: 0, within: extent)
        defer { if result.isEmpty(.source) { result.source = sll.address } }
        add(
            .sll,
            FieldNode(
                "sll", "Linux cooked capture v1", "", range: 0..<SLLView.headerLength,
                children: [
                    FieldNode("sll.pkttype", "Packet type", Self.packetTypeName(Int(sll.packetType)), range: 0..<2),
                    FieldNode("sll.hatype", "Link-layer address type", "\(sll.addressType)", range: 2..<4),
                    FieldNode("sll.halen", "Link-layer address length", "\(sll.addressLength)", range: 4..<6),
                    FieldNode("sll.src.eth", "Source", sll.address, range: 6..<14),
                    FieldNode(
                        "sll.etype", "Protocol", "\(Dissector.etherTypeName(sll.protocolType)) (\(Format.hex(sll.protocolType, width: 4)))",
                        range: 14..<16)
                ]))
        try etherType(sll.protocolType, at: sll.payloadOffset, extent)
    }

    mutating func sll2(_ extent: ByteExtent) throws(DecodeError) {
        let sll = try SLL2View(bytes, at: 0, within: extent)
        defer { if result.isEmpty(.source) { result.source = sll.address } }
        add(
            .sll2,
            FieldNode(
                "sll", "Linux cooked capture v2", "", range: 0..<SLL2View.headerLength,
                children: [
                    FieldNode(
                        "sll.etype", "Protocol", "\(Dissector.etherTypeName(sll.protocolType)) (\(Format.hex(sll.protocolType, width: 4)))",
                        range: 0..<2),
                    FieldNode("sll.ifindex", "Interface index", "\(sll.interfaceIndex)", range: 4..<8),
                    FieldNode("sll.hatype", "Link-layer address type", "\(sll.addressType)", range: 8..<10),
                    FieldNode("sll.pkttype", "Packet type", Self.packetTypeName(Int(sll.packetType)), range: 10..<11),
                    FieldNode("sll.halen", "Link-layer address length", "\(sll.addressLength)", range: 11..<12),
                    FieldNode("sll.src.eth", "Source", sll.address, range: 12..<20)
                ]))
        try etherType(sll.protocolType, at: sll.payloadOffset, extent)
    }

    static func packetTypeName(_ type: Int) -> String {
        switch type {
        case 0: "Unicast to us (0)"
        case 1: "Broadcast (1)"
        case 2: "Multicast (2)"
        case 3: "Unicast to another host (3)"
        case 4: "Sent by us (4)"
        default: "\(type)"
        }
    }

    mutating func null(_ extent: ByteExtent, networkOrder: Bool) throws(DecodeError) {
        let header = try NullView(bytes, at: 0, within: extent, networkOrder: networkOrder)
        add(
            .null,
            FieldNode(
                "null", "Null/Loopback", "", range: 0..<4,
                children: [
                    FieldNode(
                        "null.family", "Family",
                        header.family == 2 ? "IP (2)" : header.isIPv6 ? "IPv6 (\(header.family))" : "\(header.family)", range: 0..<4)
                ]))
        if header.family == 2 {
            try ipv4(at: header.payloadOffset, extent)
        } else if header.isIPv6 {
            try ipv6(at: header.payloadOffset, extent)
        } else {
            result.info = "Address family \(header.family) not decoded"
        }
    }

    mutating func arp(at offset: Int, _ extent: ByteExtent) throws(DecodeError) {
        let arp = try ARPView(bytes, at: offset, within: extent)
        let (sha, spa, tha, tpa) = arp.addressRanges
        let senderIP = arp.protocolText(spa), targetIP = arp.protocolText(tpa)
        switch arp.operation {
        case 1: result.info = senderIP == targetIP ? "ARP Announcement for \(senderIP)" : "Who has \(targetIP)? Tell \(senderIP)"
        case 2: result.info = "\(senderIP) is at \(arp.hardwareText(sha))"
        default: result.info = "ARP operation \(arp.operation)"
        }
        add(
            .arp,
            FieldNode(
                "arp", "Address Resolution Protocol",
                arp.operation == 1 ? "request" : arp.operation == 2 ? "reply" : "opcode \(arp.operation)",
                range: offset..<(offset + arp.length),
                children: [
                    FieldNode("arp.hw.type", "Hardware type", "\(arp.hardwareType)", range: offset..<(offset + 2)),
                    FieldNode(
                        "arp.proto.type", "Protocol type", Format.hex(arp.protocolType, width: 4), range: (offset + 2)..<(offset + 4)),
                    FieldNode("arp.hw.size", "Hardware size", "\(arp.hardwareLength)", range: (offset + 4)..<(offset + 5)),
                    FieldNode("arp.proto.size", "Protocol size", "\(arp.protocolLength)", range: (offset + 5)..<(offset + 6)),
                    FieldNode("arp.opcode", "Opcode", "\(arp.operation)", range: (offset + 6)..<(offset + 8)),
                    FieldNode("arp.src.hw_mac", "Sender MAC address", arp.hardwareText(sha), range: sha),
                    FieldNode("arp.src.proto_ipv4", "Sender IP address", senderIP, range: spa),
                    FieldNode("arp.dst.hw_mac", "Target MAC address", arp.hardwareText(tha), range: tha),
                    FieldNode("arp.dst.proto_ipv4", "Target IP address", targetIP, range: tpa)
                ]))
    }

    // MARK: Network layer

    mutating func ipv4(at offset: Int, _ extent: ByteExtent) throws(DecodeError) {
        let ip = try IPv4View(bytes, at: offset, within: extent)
        let options = try ip.options()
        result.setIPv4Column(.source, bytes, offset + 12)
        result.setIPv4Column(.destination, bytes, offset + 16)
        let node: FieldNode? =
            !detail
            ? nil
            : {
                let flags = (ip.reservedFlag ? 4 : 0) | (ip.dontFragment ? 2 : 0) | (ip.moreFragments ? 1 : 0)
                var children = [
                    FieldNode("ip.version", "Version", "4", range: offset..<(offset + 1)),
                    FieldNode(
                        "ip.hdr_len", "Header Length", "\(ip.headerLength) bytes (\(ip.headerLength / 4))", range: offset..<(offset + 1)),
                    FieldNode(
                        "ip.dsfield", "Differentiated Services Field", "DSCP: \(ip.dscp), ECN: \(ip.ecn)",
                        range: (offset + 1)..<(offset + 2)),
                    FieldNode("ip.len", "Total Length", "\(ip.totalLength)", range: (offset + 2)..<(offset + 4)),
                    FieldNode(
                        "ip.id", "Identification", "\(Format.hex(ip.identification, width: 4)) (\(ip.identification))",
                        range: (offset + 4)..<(offset + 6)),
                    FieldNode(
                        "ip.flags", "Flags",
                        Format.hex(flags << 5, width: 2) + (ip.dontFragment ? ", Don't fragment" : "")
                            + (ip.moreFragments ? ", More fragments" : ""),
                        range: (offset + 6)..<(offset + 7)),
                    FieldNode("ip.frag_offset", "Fragment Offset", "\(ip.fragmentOffset)", range: (offset + 6)..<(offset + 8)),
                    FieldNode("ip.ttl", "Time to Live", "\(ip.timeToLive)", range: (offset + 8)..<(offset + 9)),
                    FieldNode(
                        "ip.proto", "Protocol", "\(Dissector.ipProtocolName(ip.protocolNumber)) (\(ip.protocolNumber))",
                        range: (offset + 9)..<(offset + 10)),
                    FieldNode("ip.checksum", "Header Checksum", headerChecksumText(ip), range: (offset + 10)..<(offset + 12)),
                    FieldNode("ip.src", "Source Address", ip.source, range: (offset + 12)..<(offset + 16)),
                    FieldNode("ip.dst", "Destination Address", ip.destination, range: (offset + 16)..<(offset + 20))
                ]
                if !options.isEmpty {
                    children.append(
                        FieldNode(
                            "ip.options", "Options", "\(ip.headerLength - 20) bytes", range: (offset + 20)..<(offset + ip.headerLength),
                            children: options.map { FieldNode("ip.opt.type", "IP Option", IPv4View.optionName($0.type), range: $0.range) }))
                }
                return FieldNode(
                    "ip", "Internet Protocol Version 4", "Src: \(ip.source), Dst: \(ip.destination)",
                    range: offset..<(offset + ip.headerLength), children: children)
            }()
        add(.ipv4, built: node)
        if ip.fragmentOffset != 0 || ip.moreFragments {
            result.info =
                "Fragmented IP protocol (proto=\(Dissector.ipProtocolName(ip.protocolNumber)) \(ip.protocolNumber), off=\(ip.fragmentOffset), ID=\(Format.hex(ip.identification, width: 4)))"
            return
        }
        try transport(ip.protocolNumber, at: ip.payloadOffset, ip.payloadExtent, network: .v4(ip))
    }

    mutating func ipv6(at offset: Int, _ extent: ByteExtent) throws(DecodeError) {
        let ip = try IPv6View(bytes, at: offset, within: extent)
        result.source = ip.source
        result.destination = ip.destination
        add(
            .ipv6,
            FieldNode(
                "ipv6", "Internet Protocol Version 6", "Src: \(ip.source), Dst: \(ip.destination)", range: offset..<(offset + 40),
                children: [
                    FieldNode("ipv6.version", "Version", "6", range: offset..<(offset + 1)),
                    FieldNode("ipv6.tclass", "Traffic Class", Format.hex(ip.trafficClass, width: 2), range: offset..<(offset + 2)),
                    FieldNode("ipv6.flow", "Flow Label", Format.hex(ip.flowLabel, width: 5), range: (offset + 1)..<(offset + 4)),
                    FieldNode("ipv6.plen", "Payload Length", "\(ip.payloadLength)", range: (offset + 4)..<(offset + 6)),
                    FieldNode(
                        "ipv6.nxt", "Next Header", "\(Dissector.ipProtocolName(ip.nextHeader)) (\(ip.nextHeader))",
                        range: (offset + 6)..<(offset + 7)),
                    FieldNode("ipv6.hlim", "Hop Limit", "\(ip.hopLimit)", range: (offset + 7)..<(offset + 8)),
                    FieldNode("ipv6.src", "Source Address", ip.source, range: (offset + 8)..<(offset + 24)),
                    FieldNode("ipv6.dst", "Destination Address", ip.destination, range: (offset + 24)..<(offset + 40))
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
            result.layers.append(.ipv6Extension)
            if detail {
                var children = [
                    FieldNode(
                        "ipv6.nxt", "Next Header", "\(Dissector.ipProtocolName(header.nextHeader)) (\(header.nextHeader))",
                        range: position..<(position + 1))
                ]
                if next == 44 {
                    children += [
                        FieldNode("ipv6.fragment.offset", "Offset", "\(header.fragmentOffset)", range: (position + 2)..<(position + 4)),
                        FieldNode(
                            "ipv6.fragment.more", "More Fragments", header.moreFragments ? "Yes" : "No",
                            range: (position + 3)..<(position + 4)),
                        FieldNode(
                            "ipv6.fragment.id", "Identification", Format.hex(header.fragmentIdentification, width: 8),
                            range: (position + 4)..<(position + 8))
                    ]
                } else {
                    children.append(
                        FieldNode("ipv6.opt.length", "Length", "\(header.length) bytes", range: (position + 1)..<(position + 2)))
                    if next == 43 {
                        children += [
                            FieldNode("ipv6.routing.type", "Type", "\(header.routing.type)", range: (position + 2)..<(position + 3)),
                            FieldNode(
                                "ipv6.routing.segleft", "Segments Left", "\(header.routing.segmentsLeft)",
                                range: (position + 3)..<(position + 4))
                        ]
                    }
                    children += headerOptions.map {
                        FieldNode("ipv6.opt.type", "Option", IPv6ExtensionView.optionName($0.type), range: $0.range)
                    }
                }
                let key = next == 0 ? "ipv6.hopopts" : next == 43 ? "ipv6.routing" : next == 44 ? "ipv6.fragment" : "ipv6.dstopts"
                result.fields.append(
                    FieldNode(key, "IPv6 \(header.name)", "", range: position..<(position + header.length), children: children))
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

    // MARK: Transport layer

    mutating func tcp(at offset: Int, _ extent: ByteExtent, network: NetworkHeader) throws(DecodeError) {
        let tcp = try TCPView(bytes, at: offset, within: extent)
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
                    info.append(" SLE="); info.append(number: block.leftEdge); info.append(" SRE="); info.append(number: block.rightEdge)
                }
            default: break
            }
        }
        info.withBytes { result.setColumn(.info, bytes: $0) }
        let flagNames = detail ? TCPView.flagNames(tcp.flags) : []
        let node: FieldNode? =
            !detail
            ? nil
            : {
                let headerEnd = offset + tcp.headerLength
                let checksum = checksumText(tcp.checksum, offset..<extent.end, extent, network: network, protocolNumber: 6)
                var children = [
                    FieldNode("tcp.srcport", "Source Port", "\(tcp.sourcePort)", range: offset..<(offset + 2)),
                    FieldNode("tcp.dstport", "Destination Port", "\(tcp.destinationPort)", range: (offset + 2)..<(offset + 4)),
                    FieldNode("tcp.seq_raw", "Sequence Number (raw)", "\(tcp.sequenceNumber)", range: (offset + 4)..<(offset + 8)),
                    FieldNode(
                        "tcp.ack_raw", "Acknowledgment number (raw)", "\(tcp.acknowledgmentNumber)", range: (offset + 8)..<(offset + 12)),
                    FieldNode(
                        "tcp.hdr_len", "Header Length", "\(tcp.headerLength) bytes (\(tcp.headerLength / 4))",
                        range: (offset + 12)..<(offset + 13)),
                    FieldNode(
                        "tcp.flags", "Flags", "\(Format.hex(tcp.flags, width: 4)) (\(flagNames.joined(separator: ", ")))",
                        range: (offset + 12)..<(offset + 14)),
                    FieldNode("tcp.window_size_value", "Window", "\(tcp.window)", range: (offset + 14)..<(offset + 16)),
                    FieldNode("tcp.checksum", "Checksum", checksum, range: (offset + 16)..<(offset + 18)),
                    FieldNode("tcp.urgent_pointer", "Urgent Pointer", "\(tcp.urgentPointer)", range: (offset + 18)..<(offset + 20))
                ]
                if !tcp.options.isEmpty {
                    children.append(
                        FieldNode(
                            "tcp.options", "Options", "(\(tcp.headerLength - 20) bytes)", range: (offset + 20)..<headerEnd,
                            children: tcp.options.map(Self.tcpOptionNode)))
                }
                if tcp.payloadLength > 0 {
                    children.append(
                        FieldNode(
                            "tcp.payload", "TCP payload", "\(tcp.payloadLength) bytes",
                            range: headerEnd..<max(headerEnd, extent.capturedEnd)))
                }
                return FieldNode(
                    "tcp", "Transmission Control Protocol",
                    "Src Port: \(tcp.sourcePort), Dst Port: \(tcp.destinationPort), Seq: \(tcp.sequenceNumber), Len: \(tcp.payloadLength)",
                    range: offset..<headerEnd, children: children)
            }()
        add(.tcp, built: node)
        let payload = ByteExtent(end: extent.end, capturedEnd: extent.capturedEnd)
        let start = tcp.payloadOffset
        guard tcp.payloadLength > 0 else { return }
        if options.isDNSPort(tcp.sourcePort) || options.isDNSPort(tcp.destinationPort) {
            try payload.requireCaptured(.dns, start, 2)
            let length = Int(bytes.u16be(start))
            try dns(at: start + 2, payload.limited(to: start + 2 + length), overTCP: true)
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
        var info = TextBuilder()
        info.append(number: udp.sourcePort)
        info.append(" → ")
        info.append(number: udp.destinationPort)
        info.append(" Len=")
        info.append(number: payloadLength)
        info.withBytes { result.setColumn(.info, bytes: $0) }
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
                return FieldNode(
                    "udp", "User Datagram Protocol", "Src Port: \(udp.sourcePort), Dst Port: \(udp.destinationPort)",
                    range: offset..<(offset + 8),
                    children: [
                        FieldNode("udp.srcport", "Source Port", "\(udp.sourcePort)", range: offset..<(offset + 2)),
                        FieldNode("udp.dstport", "Destination Port", "\(udp.destinationPort)", range: (offset + 2)..<(offset + 4)),
                        FieldNode("udp.length", "Length", "\(udp.length)", range: (offset + 4)..<(offset + 6)),
                        FieldNode("udp.checksum", "Checksum", checksum, range: (offset + 6)..<(offset + 8))
                    ])
            }()
        add(.udp, built: node)
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
            let target = Format.ipv6(bytes, offset + 8)
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
                var children = [
                    FieldNode("\(key).type", "Type", "\(icmp.type) (\(icmp.typeName))", range: offset..<(offset + 1)),
                    FieldNode("\(key).code", "Code", "\(icmp.code)", range: (offset + 1)..<(offset + 2)),
                    FieldNode("\(key).checksum", "Checksum", checksum, range: (offset + 2)..<(offset + 4))
                ]
                if icmp.isEcho {
                    children += [
                        FieldNode(
                            "\(key).ident", "Identifier", "\(icmp.identifier) (\(Format.hex(icmp.identifier, width: 4)))",
                            range: (offset + 4)..<(offset + 6)),
                        FieldNode(
                            "\(key).seq", "Sequence Number", "\(icmp.sequence) (\(Format.hex(icmp.sequence, width: 4)))",
                            range: (offset + 6)..<(offset + 8))
                    ]
                }
                if let start = icmp.neighborDiscoveryOptionsStart, start >= 24 {
                    children.append(
                        FieldNode(
                            "icmpv6.nd.ns.target_address", "Target Address", Format.ipv6(bytes, offset + 8),
                            range: (offset + 8)..<(offset + 24)))
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
        add(layer, built: node)
    }

    // MARK: Application layer

    mutating func application(at offset: Int, _ extent: ByteExtent) throws(DecodeError) {
        if let http = HTTPView(bytes, at: offset, within: extent) {
            result.info = http.firstLine
            add(
                .http,
                FieldNode(
                    "http", "Hypertext Transfer Protocol", "", range: http.lineRange,
                    children: [
                        FieldNode(
                            http.isRequest ? "http.request.line" : "http.response.line", http.isRequest ? "Request line" : "Status line",
                            http.firstLine, range: http.lineRange)
                    ]))
        } else if TLSView.looksLikeTLS(bytes, at: offset, within: extent) {
            let tls = try TLSView(bytes, at: offset, within: extent)
            result.info = tls.info
            let node: FieldNode? =
                !detail
                ? nil
                : {
                    var children = [
                        FieldNode("tls.record.content_type", "Content Type", "\(tls.contentType)", range: offset..<(offset + 1)),
                        FieldNode("tls.record.version", "Version", Format.hex(tls.version, width: 4), range: (offset + 1)..<(offset + 3)),
                        FieldNode("tls.record.length", "Length", "\(tls.length)", range: (offset + 3)..<(offset + 5))
                    ]
                    if let type = tls.handshakeType {
                        children.append(
                            FieldNode(
                                "tls.handshake.type", "Handshake Type", type == 1 ? "Client Hello (1)" : "\(type)",
                                range: (offset + 5)..<(offset + 6)))
                    }
                    if let (name, range) = tls.serverName {
                        children.append(FieldNode("tls.handshake.extensions_server_name", "Server Name", name, range: range))
                    }
                    return FieldNode("tls", "Transport Layer Security", tls.info, range: offset..<extent.capturedEnd, children: children)
                }()
            add(.tls, built: node)
        }
    }

    mutating func dns(at offset: Int, _ extent: ByteExtent, overTCP: Bool) throws(DecodeError) {
        let dns = try DNSView(bytes, at: offset, within: extent, overTCP: overTCP)
        result.info = dns.info
        let node: FieldNode? =
            !detail
            ? nil
            : {
                var children = [
                    FieldNode("dns.id", "Transaction ID", Format.hex(dns.identifier, width: 4), range: offset..<(offset + 2)),
                    FieldNode(
                        "dns.flags", "Flags",
                        Format.hex(dns.flags, width: 4)
                            + (dns.isResponse
                                ? " Standard query response, \(DNSView.responseCodeName(dns.responseCode))" : " Standard query"),
                        range: (offset + 2)..<(offset + 4)),
                    FieldNode("dns.count.queries", "Questions", "\(dns.questions.count)", range: (offset + 4)..<(offset + 6)),
                    FieldNode("dns.count.answers", "Answer RRs", "\(bytes.u16be(offset + 6))", range: (offset + 6)..<(offset + 8)),
                    FieldNode("dns.count.auth_rr", "Authority RRs", "\(bytes.u16be(offset + 8))", range: (offset + 8)..<(offset + 10)),
                    FieldNode("dns.count.add_rr", "Additional RRs", "\(bytes.u16be(offset + 10))", range: (offset + 10)..<(offset + 12))
                ]
                if !dns.questions.isEmpty {
                    children.append(
                        FieldNode(
                            "dns.queries", "Queries", "",
                            range: dns.questions[0].range.lowerBound..<dns.questions[dns.questions.count - 1].range.upperBound,
                            children: dns.questions.map { question in
                                FieldNode(
                                    "dns.qry", "\(question.name): type \(DNSView.typeName(question.type)), class \(question.recordClass)",
                                    "", range: question.range,
                                    children: [
                                        FieldNode("dns.qry.name", "Name", question.name, range: question.nameRange),
                                        FieldNode(
                                            "dns.qry.type", "Type", "\(DNSView.typeName(question.type)) (\(question.type))",
                                            range: question.nameRange.upperBound..<(question.nameRange.upperBound + 2)),
                                        FieldNode(
                                            "dns.qry.class", "Class", Format.hex(question.recordClass, width: 4),
                                            range: (question.nameRange.upperBound + 2)..<question.range.upperBound)
                                    ])
                            }))
                }
                for section in [DNSView.Record.Section.answer, .authority, .additional] {
                    let records = dns.records.filter { $0.section == section }
                    guard let first = records.first, let last = records.last else { continue }
                    let title = section == .answer ? "Answers" : section == .authority ? "Authoritative nameservers" : "Additional records"
                    children.append(
                        FieldNode(
                            "dns.\(section.rawValue)s", title, "", range: first.range.lowerBound..<last.range.upperBound,
                            children: records.map { record in
                                FieldNode(
                                    "dns.resp", "\(record.name): type \(DNSView.typeName(record.type)), class \(record.recordClass)",
                                    record.data, range: record.range,
                                    children: [
                                        FieldNode(
                                            "dns.resp.name", "Name", record.name,
                                            range: record.range.lowerBound..<(record.dataRange.lowerBound - 10)),
                                        FieldNode(
                                            "dns.resp.type", "Type", "\(DNSView.typeName(record.type)) (\(record.type))",
                                            range: (record.dataRange.lowerBound - 10)..<(record.dataRange.lowerBound - 8)),
                                        FieldNode(
                                            "dns.resp.ttl", "Time to live", "\(record.ttl)",
                                            range: (record.dataRange.lowerBound - 6)..<(record.dataRange.lowerBound - 2)),
                                        FieldNode(
                                            "dns.resp.len", "Data length", "\(record.dataRange.count)",
                                            range: (record.dataRange.lowerBound - 2)..<record.dataRange.lowerBound),
                                        FieldNode("dns.resp.data", DNSView.typeName(record.type), record.data, range: record.dataRange)
                                    ])
                            }))
                }
                return FieldNode(
                    "dns", "Domain Name System", dns.isResponse ? "response" : "query",
                    range: (overTCP ? offset - 2 : offset)..<extent.capturedEnd, children: children)
            }()
        add(.dns, built: node)
    }
}
