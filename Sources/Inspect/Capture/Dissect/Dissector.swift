/// Decodes captured packets layer by layer into a `Dissection`.
///
/// Never traps and never reads past the captured bytes: each layer is a validating `…View`, and
/// the first layer that fails ends decoding with a `DecodeError`, keeping every layer before it.
public enum Dissector {
    /// Dissects `bytes` of link type `linkType`; `originalLength` is the length on the wire
    /// (defaults to the captured length).
    /// `tcp` is the packet's TCP sequence analysis (``TCPSequenceAnalyzer``), when the caller ran it.
    public static func dissect(
        _ bytes: UnsafeRawBufferPointer, linkType: LinkType, originalLength: Int? = nil,
        options: DissectorOptions = DissectorOptions(), tcp: TCPAnalysis? = nil
    ) -> Dissection {
        var result = Dissection()
        dissect(bytes, linkType: linkType, originalLength: originalLength, options: options, tcp: tcp, into: &result)
        return result
    }

    /// Dissects into `result`, replacing what it held but reusing its storage: the allocation-free
    /// path for loops over many packets (`socktui read`, the Capture panel's list).
    public static func dissect(
        _ bytes: UnsafeRawBufferPointer, linkType: LinkType, originalLength: Int? = nil,
        options: DissectorOptions = DissectorOptions(), tcp: TCPAnalysis? = nil, into result: inout Dissection
    ) {
        result.removeAll()
        withUnsafePointer(to: options) { options in
            withUnsafeMutablePointer(to: &result) { result in
                var walk = DissectorWalk(
                    bytes: bytes, options: options, result: result, wireLength: max(originalLength ?? bytes.count, bytes.count))
                walk.tcpAnalysis = tcp
                walk.run(linkType)
            }
        }
    }

    /// Dissects a captured packet.
    public static func dissect(
        _ packet: CapturedPacket, options: DissectorOptions = DissectorOptions(), tcp: TCPAnalysis? = nil
    )
        -> Dissection
    {
        packet.data.withUnsafeBytes {
            dissect($0, linkType: packet.linkType, originalLength: packet.originalLength, options: options, tcp: tcp)
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

extension Dissector {
    /// The network layer below a transport header, for pseudo-header checksums.
    enum NetworkHeader {
        case v4(IPv4View)
        case v6(IPv6View)

        func pseudoSum(length: Int, protocolNumber: UInt8) -> UInt32 {
            switch self {
            case .v4(let ip): ip.pseudoHeaderSum(length: length, protocolNumber: protocolNumber)
            case .v6(let ip): ip.pseudoHeaderSum(length: length, nextHeader: protocolNumber)
            }
        }
    }
}

/// One packet's decoding, layer by layer: this file holds the frame and the link-type switch; the
/// layers are in Dissector+Link, +Network, +Transport and +Application. Every field node's range is
/// its view's declared `Field` range placed at the header (`view.range(of: View.Field.x)`); only
/// variable-length parts (addresses, options, names) have computed ranges.
struct DissectorWalk {
    typealias NetworkHeader = Dissector.NetworkHeader

    let bytes: UnsafeRawBufferPointer
    /// Borrowed for the walk (a copy would retain and release its port set once per packet).
    let optionsPointer: UnsafePointer<DissectorOptions>
    var options: DissectorOptions { unsafeAddress { optionsPointer } }
    let wireLength: Int
    /// The packet's TCP sequence analysis, for its first TCP header (taken by it).
    var tcpAnalysis: TCPAnalysis?
    /// The caller's dissection, written in place (no copy in or out per packet).
    let resultPointer: UnsafeMutablePointer<Dissection>
    var result: Dissection {
        unsafeAddress { UnsafePointer(resultPointer) }
        nonmutating unsafeMutableAddress { resultPointer }
    }
    var detail: Bool { options.detail }
    var columns: Bool { options.columns }

    init(bytes: UnsafeRawBufferPointer, options: UnsafePointer<DissectorOptions>, result: UnsafeMutablePointer<Dissection>, wireLength: Int)
    {
        self.bytes = bytes
        optionsPointer = options
        resultPointer = result
        self.wireLength = wireLength
    }

    var packetExtent: ByteExtent { ByteExtent(end: wireLength, capturedEnd: bytes.count) }

    mutating func add(_ layer: ProtocolLayer, at offset: Int, _ node: @autoclosure () -> FieldNode) {
        result.appendLayer(layer, at: offset)
        result.protocolName = layer.displayName
        if detail { result.fields.append(node()) }
    }

    /// Adds a layer whose node was built beforehand (nil in summary mode).
    mutating func add(_ layer: ProtocolLayer, at offset: Int, built node: FieldNode?) {
        result.appendLayer(layer, at: offset)
        result.protocolName = layer.displayName
        if let node { result.fields.append(node) }
    }

    /// `74 bytes on wire, 74 bytes captured`, built as bytes and made a `String` once.
    private var frameSummary: String {
        var text = TextBuilder()
        text.append(number: wireLength)
        text.append(" bytes on wire, ")
        text.append(number: bytes.count)
        text.append(" bytes captured")
        return text.string
    }

    mutating func run(_ linkType: LinkType) {
        if detail {
            result.fields.append(
                FieldNode(
                    "frame", "Frame", frameSummary, range: 0..<bytes.count,
                    children: [
                        FieldNode("frame.len", "Frame Length", Format.decimal(wireLength), range: 0..<bytes.count),
                        FieldNode("frame.cap_len", "Capture Length", Format.decimal(bytes.count), range: 0..<bytes.count),
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
            // IPv4 and IPv6 both start with the version's four bits.
            try extent.requireCaptured(.ipv4, 0, IPv6View.Field.version.count)
            if bytes[IPv6View.Field.version.lowerBound] >> 4 == 6 { try ipv6(at: 0, extent) } else { try ipv4(at: 0, extent) }
        case .ipv4: try ipv4(at: 0, extent)
        case .ipv6: try ipv6(at: 0, extent)
        default:
            result.protocolName = linkType.name
            result.info = "Link type \(linkType.rawValue) not decoded"
        }
    }
}
