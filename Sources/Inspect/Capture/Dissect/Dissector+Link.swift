/// The link layers: Ethernet II with its VLAN tags, Linux cooked capture v1 and v2, BSD loopback, and ARP.
extension DissectorWalk {
    mutating func ethernet(at offset: Int, _ extent: ByteExtent) throws(DecodeError) {
        let eth = try EthernetView(bytes, at: offset, within: extent)
        // MAC addresses are the columns only when no network layer names addresses (ARP, LLDP).
        defer {
            if columns && result.isEmpty(.source) {
                result.source = eth.source
                result.destination = eth.destination
            }
        }
        let node: FieldNode? =
            !detail
            ? nil
            : {
                typealias Field = EthernetView.Field
                typealias Tag = EthernetView.TagField
                // Each address made once (17 bytes: a heap `String`), for its node and the summary.
                let source = eth.source, destination = eth.destination
                var children = [
                    FieldNode("eth.dst", "Destination", destination, range: eth.range(of: Field.destination)),
                    FieldNode("eth.src", "Source", source, range: eth.range(of: Field.source))
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
                                    range: eth.tagRange(index, of: Tag.protocolID)),
                                FieldNode(
                                    "vlan.priority", "Priority", "\(eth.tagPriority(index))",
                                    range: eth.tagRange(index, of: Tag.priorityAndDropEligible)),
                                FieldNode(
                                    "vlan.dei", "DEI", "\(eth.tagDropEligible(index) ? 1 : 0)",
                                    range: eth.tagRange(index, of: Tag.priorityAndDropEligible)),
                                FieldNode("vlan.id", "ID", "\(eth.tagID(index))", range: eth.tagRange(index, of: Tag.controlInformation))
                            ]))
                }
                children.append(
                    FieldNode(
                        "eth.type", "Type", "\(Dissector.etherTypeName(eth.etherType)) (\(Format.hex(eth.etherType, width: 4)))",
                        range: eth.etherTypeRange))
                return FieldNode(
                    "eth", "Ethernet II", "Src: \(source), Dst: \(destination)", range: offset..<eth.payloadOffset,
                    children: children)
            }()
        add(.ethernet, at: offset, built: node)
        if eth.tagCount > 0 { result.appendLayer(.vlan, at: offset) }
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
            .sll, at: 0,
            FieldNode(
                "sll", "Linux cooked capture v1", "", range: sll.offset..<sll.payloadOffset,
                children: [
                    FieldNode(
                        "sll.pkttype", "Packet type", Self.packetTypeName(Int(sll.packetType)),
                        range: sll.range(of: SLLView.Field.packetType)),
                    FieldNode(
                        "sll.hatype", "Link-layer address type", "\(sll.addressType)", range: sll.range(of: SLLView.Field.addressType)),
                    FieldNode(
                        "sll.halen", "Link-layer address length", "\(sll.addressLength)", range: sll.range(of: SLLView.Field.addressLength)),
                    FieldNode("sll.src.eth", "Source", sll.address, range: sll.range(of: SLLView.Field.address)),
                    FieldNode(
                        "sll.etype", "Protocol", "\(Dissector.etherTypeName(sll.protocolType)) (\(Format.hex(sll.protocolType, width: 4)))",
                        range: sll.range(of: SLLView.Field.protocolType))
                ]))
        try etherType(sll.protocolType, at: sll.payloadOffset, extent)
    }

    mutating func sll2(_ extent: ByteExtent) throws(DecodeError) {
        let sll = try SLL2View(bytes, at: 0, within: extent)
        defer { if result.isEmpty(.source) { result.source = sll.address } }
        add(
            .sll2, at: 0,
            FieldNode(
                "sll", "Linux cooked capture v2", "", range: sll.offset..<sll.payloadOffset,
                children: [
                    FieldNode(
                        "sll.etype", "Protocol", "\(Dissector.etherTypeName(sll.protocolType)) (\(Format.hex(sll.protocolType, width: 4)))",
                        range: sll.range(of: SLL2View.Field.protocolType)),
                    FieldNode(
                        "sll.ifindex", "Interface index", "\(sll.interfaceIndex)", range: sll.range(of: SLL2View.Field.interfaceIndex)),
                    FieldNode(
                        "sll.hatype", "Link-layer address type", "\(sll.addressType)", range: sll.range(of: SLL2View.Field.addressType)),
                    FieldNode(
                        "sll.pkttype", "Packet type", Self.packetTypeName(Int(sll.packetType)),
                        range: sll.range(of: SLL2View.Field.packetType)),
                    FieldNode(
                        "sll.halen", "Link-layer address length", "\(sll.addressLength)", range: sll.range(of: SLL2View.Field.addressLength)
                    ),
                    FieldNode("sll.src.eth", "Source", sll.address, range: sll.range(of: SLL2View.Field.address))
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
            .null, at: 0,
            FieldNode(
                "null", "Null/Loopback", "", range: header.offset..<header.payloadOffset,
                children: [
                    FieldNode(
                        "null.family", "Family",
                        header.family == 2 ? "IP (2)" : header.isIPv6 ? "IPv6 (\(header.family))" : "\(header.family)",
                        range: header.range(of: NullView.Field.family))
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
            .arp, at: offset,
            FieldNode(
                "arp", "Address Resolution Protocol",
                arp.operation == 1 ? "request" : arp.operation == 2 ? "reply" : "opcode \(arp.operation)",
                range: offset..<(offset + arp.length),
                children: [
                    FieldNode("arp.hw.type", "Hardware type", "\(arp.hardwareType)", range: arp.range(of: ARPView.Field.hardwareType)),
                    FieldNode(
                        "arp.proto.type", "Protocol type", Format.hex(arp.protocolType, width: 4),
                        range: arp.range(of: ARPView.Field.protocolType)),
                    FieldNode("arp.hw.size", "Hardware size", "\(arp.hardwareLength)", range: arp.range(of: ARPView.Field.hardwareLength)),
                    FieldNode(
                        "arp.proto.size", "Protocol size", "\(arp.protocolLength)", range: arp.range(of: ARPView.Field.protocolLength)),
                    FieldNode("arp.opcode", "Opcode", "\(arp.operation)", range: arp.range(of: ARPView.Field.operation)),
                    FieldNode("arp.src.hw_mac", "Sender MAC address", arp.hardwareText(sha), range: sha),
                    FieldNode("arp.src.proto_ipv4", "Sender IP address", senderIP, range: spa),
                    FieldNode("arp.dst.hw_mac", "Target MAC address", arp.hardwareText(tha), range: tha),
                    FieldNode("arp.dst.proto_ipv4", "Target IP address", targetIP, range: tpa)
                ]))
    }
}
