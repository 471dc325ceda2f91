/// What the dissectors made of one packet: the layers decoded, the summary columns, the field tree
/// (when asked for) and the error that stopped decoding, if any.
public struct Dissection: Hashable, Sendable, Codable {
    /// Layers decoded, outermost first (a failing layer is not listed; see `error`).
    public var layers: [ProtocolLayer] = []
    /// Where each of `layers` starts in the captured bytes (compiled display filters read their
    /// fields from there, with no field tree).
    var layerOffsets: [Int] = []
    /// Source column: IP address, or MAC address below IP.
    public var source: String {
        get { column(.source) }
        set { setColumn(.source, newValue) }
    }
    /// Destination column.
    public var destination: String {
        get { column(.destination) }
        set { setColumn(.destination, newValue) }
    }
    /// Protocol column: the highest layer decoded (`TCP`, `DNS`, `TLS`), or the one that failed.
    public var protocolName = ""
    /// Info column, in tshark's style (`43512 → 80 [SYN] Seq=… Win=65495 Len=0 MSS=65495`).
    public var info: String {
        get { column(.info) }
        set { setColumn(.info, newValue) }
    }
    /// The field tree: one node per layer, starting with the frame. Empty unless detail was requested.
    public var fields: [FieldNode] = []
    /// Why decoding stopped early, or nil when every layer decoded.
    public var error: DecodeError?

    /// The text columns (source, destination, info) as UTF-8 written back to back: the dissectors
    /// write addresses and info text here as bytes, and `socktui read` copies them out without
    /// ever making a `String`. A column set twice leaves its old bytes unused until `removeAll`.
    private var columnBytes: [UInt8] = []
    private var columnRanges = (0..<0, 0..<0, 0..<0)

    /// The text columns kept as bytes.
    enum Column { case source, destination, info }

    /// Creates an empty dissection.
    public init() {}

    /// Empties the dissection, keeping the arrays' capacity for the next packet.
    mutating func removeAll() {
        layers.removeAll(keepingCapacity: true)
        layerOffsets.removeAll(keepingCapacity: true)
        protocolName = ""
        fields.removeAll(keepingCapacity: true)
        error = nil
        columnBytes.removeAll(keepingCapacity: true)
        columnRanges = (0..<0, 0..<0, 0..<0)
    }

    private func range(_ column: Column) -> Range<Int> {
        switch column {
        case .source: columnRanges.0
        case .destination: columnRanges.1
        case .info: columnRanges.2
        }
    }

    private mutating func setRange(_ column: Column, _ range: Range<Int>) {
        switch column {
        case .source: columnRanges.0 = range
        case .destination: columnRanges.1 = range
        case .info: columnRanges.2 = range
        }
    }

    /// Records a decoded layer and its offset.
    mutating func appendLayer(_ layer: ProtocolLayer, at offset: Int) {
        layers.append(layer)
        layerOffsets.append(offset)
    }

    /// Where the first `layer` starts, or nil.
    func offset(of layer: ProtocolLayer) -> Int? {
        guard let index = layers.firstIndex(of: layer), index < layerOffsets.count else { return nil }
        return layerOffsets[index]
    }

    /// A column's text.
    func column(_ column: Column) -> String {
        String(decoding: columnBytes[range(column)], as: UTF8.self)
    }

    /// Whether a column is empty (without making its `String`).
    func isEmpty(_ column: Column) -> Bool { range(column).isEmpty }

    /// Replaces a column's text.
    mutating func setColumn(_ column: Column, _ text: String) {
        var text = text
        text.withUTF8 { setColumn(column, bytes: $0) }
    }

    /// Replaces a column's text with UTF-8 bytes.
    mutating func setColumn(_ column: Column, bytes: UnsafeBufferPointer<UInt8>) {
        let start = columnBytes.count
        columnBytes.append(contentsOf: bytes)
        setRange(column, start..<columnBytes.count)
    }

    /// Replaces a column's text with the dotted quad at `bytes[at..<at + 4]` (caller checked the bounds).
    mutating func setIPv4Column(_ column: Column, _ bytes: UnsafeRawBufferPointer, _ at: Int) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 15) { buffer in
            let count = Format.writeIPv4(bytes, at, into: buffer)
            setColumn(column, bytes: UnsafeBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    /// Appends a column's UTF-8 bytes to `out`.
    func appendColumn(_ column: Column, to out: inout [UInt8]) {
        let range = range(column)
        columnBytes.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[range])) }
    }

    enum CodingKeys: String, CodingKey { case layers, source, destination, protocolName, info, fields, error }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        layers = try container.decode([ProtocolLayer].self, forKey: .layers)
        protocolName = try container.decode(String.self, forKey: .protocolName)
        fields = try container.decode([FieldNode].self, forKey: .fields)
        error = try container.decodeIfPresent(DecodeError.self, forKey: .error)
        source = try container.decode(String.self, forKey: .source)
        destination = try container.decode(String.self, forKey: .destination)
        info = try container.decode(String.self, forKey: .info)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(layers, forKey: .layers)
        try container.encode(source, forKey: .source)
        try container.encode(destination, forKey: .destination)
        try container.encode(protocolName, forKey: .protocolName)
        try container.encode(info, forKey: .info)
        try container.encode(fields, forKey: .fields)
        try container.encodeIfPresent(error, forKey: .error)
    }

    public static func == (lhs: Dissection, rhs: Dissection) -> Bool {
        lhs.layers == rhs.layers && lhs.protocolName == rhs.protocolName && lhs.fields == rhs.fields && lhs.error == rhs.error
            && lhs.columnBytes[lhs.columnRanges.0] == rhs.columnBytes[rhs.columnRanges.0]
            && lhs.columnBytes[lhs.columnRanges.1] == rhs.columnBytes[rhs.columnRanges.1]
            && lhs.columnBytes[lhs.columnRanges.2] == rhs.columnBytes[rhs.columnRanges.2]
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(layers)
        hasher.combine(protocolName)
        hasher.combine(fields)
        hasher.combine(error)
        for column in [Column.source, .destination, .info] {
            hasher.combine(range(column).count)
            for byte in columnBytes[range(column)] { hasher.combine(byte) }
        }
    }

    /// The first field with tshark name `key` (`ip.src`), depth first.
    public func field(_ key: String) -> FieldNode? {
        for node in fields { if let found = node.first(key) { return found } }
        return nil
    }

    /// Every field with tshark name `key`, in packet order.
    public func allFields(_ key: String) -> [FieldNode] {
        fields.flatMap(\.flattened).filter { $0.key == key }
    }
}

/// Settings for the dissectors.
public struct DissectorOptions: Hashable, Sendable {
    /// Build the field tree (`Dissection.fields`); summaries alone are cheaper.
    public var detail: Bool
    /// UDP and TCP ports whose payload is decoded as DNS.
    public var dnsPorts: Set<UInt16> { didSet { dnsPortList = dnsPorts.sorted() } }
    /// `dnsPorts` as a short sorted array: two lookups per packet cost less than hashing.
    private var dnsPortList: [UInt16]

    /// Check IPv4 header, TCP, UDP and ICMP checksums (`[correct]`, `[incorrect, should be …]`).
    /// Off by default, as in Wireshark: packets this host sends are captured before the NIC or the
    /// kernel fills their checksums (offload), so they would read as incorrect; they show `[unverified]`.
    public var verifyChecksums: Bool
    /// Build the text columns (source, destination, info). Off for a dissection made only to
    /// learn the layers and where they start (a display filter over header fields).
    public var columns = true
    /// Stop at the transport layer: a TCP segment that carries part of a message reassembly holds
    /// is not decoded as the start of one.
    public var skipsApplication = false

    /// Creates options; DNS is decoded on 53 (DNS), 5353 (mDNS) and 5355 (LLMNR) by default, and
    /// checksums are not verified.
    public init(detail: Bool = false, dnsPorts: Set<UInt16> = [53, 5353, 5355], verifyChecksums: Bool = false) {
        self.detail = detail
        self.verifyChecksums = verifyChecksums
        self.dnsPorts = dnsPorts
        dnsPortList = dnsPorts.sorted()
    }

    /// Whether `port` carries DNS.
    public func isDNSPort(_ port: UInt16) -> Bool {
        if dnsPortList.count > 16 { return dnsPorts.contains(port) }
        for candidate in dnsPortList where candidate >= port { return candidate == port }
        return false
    }
}

extension ProtocolLayer {
    /// The name shown in the Protocol column.
    public var displayName: String {
        switch self {
        case .null: "NULL"
        case .ethernet: "Ethernet"
        case .vlan: "VLAN"
        case .sll: "SLL"
        case .sll2: "SLL2"
        case .arp: "ARP"
        case .ipv4: "IPv4"
        case .ipv6: "IPv6"
        case .ipv6Extension: "IPv6"
        case .icmp: "ICMP"
        case .icmpv6: "ICMPv6"
        case .tcp: "TCP"
        case .udp: "UDP"
        case .dns: "DNS"
        case .http: "HTTP"
        case .tls: "TLS"
        }
    }
}
