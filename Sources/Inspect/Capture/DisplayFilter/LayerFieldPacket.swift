/// A packet as a compiled display filter sees it when every field the filter names is a header
/// field at a fixed place: read straight from the packet's bytes at the offsets the summary
/// dissection recorded for its layers, through the dissectors' own views. No field tree, no text.
/// ``LayerFieldPacket/fields`` lists them; any other field takes ``FieldTreePacket``.
public struct LayerFieldPacket: DisplayFilterPacket {
    private let bytes: UnsafeRawBufferPointer
    private let dissection: UnsafePointer<Dissection>
    private let frame: Frame

    /// A packet of `bytes` (`wireLength` on the wire), dissected without detail into `dissection`;
    /// valid while both are. `number` is its 1-based place in the capture (`frame.number`), when
    /// known; `tcp` its TCP sequence analysis, when the caller ran it.
    public init(
        bytes: UnsafeRawBufferPointer, wireLength: Int, dissection: UnsafePointer<Dissection>, number: Int? = nil,
        tcp: TCPAnalysis? = nil
    ) {
        self.bytes = bytes
        self.dissection = dissection
        frame = Frame(wireLength: wireLength, number: number, tcp: tcp)
    }

    /// What a field reads of the frame besides its bytes.
    public struct Frame: Sendable {
        /// The packet's length on the wire.
        var wireLength: Int
        /// Its 1-based number in the capture, when known.
        var number: Int?
        /// Its TCP sequence analysis, when run.
        var tcp: TCPAnalysis?
    }

    /// How one field is read: the layer it lives in and its value from that layer's offset.
    public struct Reader: Sendable {
        let layers: [ProtocolLayer]
        let read: @Sendable (UnsafeRawBufferPointer, Int, Frame) -> DisplayFilterValue?
    }

    /// The fields read this way.
    static let fields: [String: Reader] = {
        var table: [String: Reader] = [:]
        func field(_ name: String, _ layer: ProtocolLayer, _ read: @escaping @Sendable (UnsafeRawBufferPointer, Int) -> DisplayFilterValue?)
        {
            table[name] = Reader(layers: [layer]) { bytes, offset, _ in read(bytes, offset) }
        }
        func number(_ name: String, _ layer: ProtocolLayer, _ range: Range<Int>) {
            field(name, layer) { bytes, offset in
                guard offset + range.upperBound <= bytes.count else { return nil }
                var value: UInt64 = 0
                for index in range { value = value << 8 | UInt64(bytes[offset + index]) }
                return .unsigned(value)
            }
        }
        func raw(_ name: String, _ layer: ProtocolLayer, _ range: Range<Int>) {
            field(name, layer) { bytes, offset in
                guard offset + range.upperBound <= bytes.count else { return nil }
                return .bytes(Array(bytes[(offset + range.lowerBound)..<(offset + range.upperBound)]))
            }
        }
        table["frame.len"] = Reader(layers: []) { _, _, frame in .unsigned(UInt64(frame.wireLength)) }
        table["frame.number"] = Reader(layers: []) { _, _, frame in frame.number.map { .unsigned(UInt64($0)) } }
        table["frame.cap_len"] = Reader(layers: []) { bytes, _, _ in .unsigned(UInt64(bytes.count)) }
        raw("eth.dst", .ethernet, EthernetView.Field.destination)
        raw("eth.src", .ethernet, EthernetView.Field.source)
        field("eth.type", .ethernet) { bytes, offset in
            guard let eth = try? EthernetView(bytes, at: offset, within: ByteExtent(end: bytes.count, capturedEnd: bytes.count)) else {
                return nil
            }
            return .unsigned(UInt64(eth.etherType))
        }
        typealias IP = IPv4View.Field
        field("ip.version", .ipv4) { _, _ in .unsigned(4) }
        field("ip.hdr_len", .ipv4) { bytes, offset in
            offset < bytes.count ? .unsigned(UInt64(bytes[offset] & 0x0f) * 4) : nil
        }
        number("ip.len", .ipv4, IP.totalLength)
        number("ip.id", .ipv4, IP.identification)
        number("ip.ttl", .ipv4, IP.timeToLive)
        number("ip.proto", .ipv4, IP.protocolNumber)
        number("ip.checksum", .ipv4, IP.checksum)
        for (name, range) in [("ip.src", IP.source), ("ip.dst", IP.destination)] {
            field(name, .ipv4) { bytes, offset in
                guard offset + range.upperBound <= bytes.count else { return nil }
                var value: UInt32 = 0
                for index in range { value = value << 8 | UInt32(bytes[offset + index]) }
                return .ipv4(value)
            }
        }
        typealias IP6 = IPv6View.Field
        field("ipv6.version", .ipv6) { _, _ in .unsigned(6) }
        number("ipv6.plen", .ipv6, IP6.payloadLength)
        number("ipv6.hlim", .ipv6, IP6.hopLimit)
        raw("ipv6.src", .ipv6, IP6.source)
        raw("ipv6.dst", .ipv6, IP6.destination)
        typealias TCP = TCPView.Field
        number("tcp.srcport", .tcp, TCP.sourcePort)
        number("tcp.dstport", .tcp, TCP.destinationPort)
        number("tcp.seq_raw", .tcp, TCP.sequenceNumber)
        number("tcp.ack_raw", .tcp, TCP.acknowledgmentNumber)
        field("tcp.hdr_len", .tcp) { bytes, offset in
            offset + 12 < bytes.count ? .unsigned(UInt64(bytes[offset + 12] >> 4) * 4) : nil
        }
        /// The 12 flag bits after the data offset, when captured.
        @Sendable func tcpFlags(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt16? {
            offset + 13 < bytes.count ? bytes.u16be(offset + 12) & 0x0fff : nil
        }
        field("tcp.flags", .tcp) { bytes, offset in tcpFlags(bytes, offset).map { .unsigned(UInt64($0)) } }
        for bit in TCPView.flagBits {
            field("tcp.flags.\(bit.name)", .tcp) { bytes, offset in tcpFlags(bytes, offset).map { .unsigned($0 & bit.mask != 0 ? 1 : 0) } }
        }
        number("tcp.window_size_value", .tcp, TCP.window)
        number("tcp.checksum", .tcp, TCP.checksum)
        number("tcp.urgent_pointer", .tcp, TCP.urgentPointer)
        // What sequence analysis found, for the packet's TCP layer.
        for (name, value) in TCPAnalysis.fieldValues {
            table[name] = Reader(layers: [.tcp]) { _, _, frame in frame.tcp.flatMap(value) }
        }
        typealias UDP = UDPView.Field
        number("udp.srcport", .udp, UDP.sourcePort)
        number("udp.dstport", .udp, UDP.destinationPort)
        number("udp.length", .udp, UDP.length)
        number("udp.checksum", .udp, UDP.checksum)
        typealias ICMP = ICMPView.Field
        for (key, layer) in [("icmp", ProtocolLayer.icmp), ("icmpv6", .icmpv6)] {
            number("\(key).type", layer, ICMP.type)
            number("\(key).code", layer, ICMP.code)
            number("\(key).checksum", layer, ICMP.checksum)
        }
        // Protocols: present when their layer was decoded.
        let protocols: [(String, [ProtocolLayer])] = [
            ("eth", [.ethernet]), ("vlan", [.vlan]), ("sll", [.sll, .sll2]), ("arp", [.arp]), ("ip", [.ipv4]), ("ipv6", [.ipv6]),
            ("icmp", [.icmp]), ("icmpv6", [.icmpv6]), ("tcp", [.tcp]), ("udp", [.udp]), ("dns", [.dns]), ("http", [.http]),
            ("tls", [.tls])
        ]
        for (name, layers) in protocols { table[name] = Reader(layers: layers) { _, _, _ in .bytes([]) } }
        table["frame"] = Reader(layers: []) { _, _, _ in .bytes([]) }
        return table
    }()

    public func occurrences(of name: String) -> [DisplayFilterOccurrence] {
        guard let reader = Self.fields[name], let value = read(reader) else { return [] }
        return [DisplayFilterOccurrence(value, raw: [])]
    }

    public func containsOccurrence(of field: DisplayFilterFieldRef, where body: (DisplayFilterOccurrence) -> Bool) -> Bool {
        guard let reader = field.header else { return occurrences(of: field.name).contains(where: body) }
        guard let value = read(reader) else { return false }
        return body(DisplayFilterOccurrence(value, raw: []))
    }

    /// The field's one value in this packet: from the first of its layers the dissection found.
    private func read(_ reader: Reader) -> DisplayFilterValue? {
        guard !reader.layers.isEmpty else { return reader.read(bytes, 0, frame) }
        for layer in reader.layers {
            guard let offset = dissection.pointee.offset(of: layer) else { continue }
            return reader.read(bytes, offset, frame)
        }
        return nil
    }
}
