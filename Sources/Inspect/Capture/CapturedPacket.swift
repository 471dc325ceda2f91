/// A capture timestamp with nanosecond precision: seconds since the Unix epoch plus nanoseconds.
public struct PacketTimestamp: Hashable, Comparable, Sendable, Codable, JSONWritable {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public var seconds: Int64
    /// Nanoseconds within the second, 0..<1_000_000_000.
    public var nanoseconds: UInt32

    /// Creates a timestamp; `nanoseconds` must be below one second.
    public init(seconds: Int64, nanoseconds: UInt32) {
        precondition(nanoseconds < 1_000_000_000, "nanoseconds \(nanoseconds) is a second or more")
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    /// Creates a timestamp from a count of `units` per second since the epoch (pcapng's if_tsresol).
    public init(ticks: UInt64, perSecond units: UInt64) {
        let whole = ticks / units
        let fraction = ticks % units
        seconds = Int64(clamping: whole)
        // fraction < units, so the product fits for every resolution up to 10^-9 (or 2^-30);
        // finer resolutions are scaled down first.
        if units <= 1_000_000_000 {
            nanoseconds = UInt32(fraction * (1_000_000_000 / units) + (fraction * (1_000_000_000 % units)) / units)
        } else {
            nanoseconds = UInt32(
                fraction.multipliedFullWidth(by: 1_000_000_000).high == 0
                    ? fraction * 1_000_000_000 / units
                    : UInt64(Double(fraction) / Double(units) * 1e9))
        }
    }

    /// The timestamp as fractional seconds (loses precision beyond microseconds for present-day dates).
    public var timeInterval: Double { Double(seconds) + Double(nanoseconds) / 1e9 }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    public func encode(to encoder: any Encoder) throws { try encodeWritingJSON(to: encoder) }

    /// `{"seconds":…,"nanoseconds":…}` (its one encoding: `encode(to:)` writes the same).
    public func writeJSON(to json: inout JSONObjectWriter) throws {
        try json.write("seconds", seconds)
        try json.write("nanoseconds", nanoseconds)
    }
}

/// The direction of a packet relative to the capturing host, when the source knows it.
public enum PacketDirection: String, Hashable, Sendable, Codable {
    /// Received by this host.
    case incoming
    /// Sent by this host.
    case outgoing
    /// Not recorded (classic pcap, link types without a direction).
    case unknown
}

/// An interface a capture came from: one pcapng IDB, or the single link of a pcap file or live socket.
public struct CaptureInterface: Hashable, Sendable, Codable {
    /// Interface name (`lo`, `eth0`, `any`), or empty when the source does not say.
    public var name: String
    /// The kernel's interface index, when known (live capture, SLL2 headers).
    public var kernelIndex: Int32?
    /// The link-layer header type of its packets.
    public var linkType: LinkType
    /// The snapshot length: no packet holds more captured bytes than this.
    public var snapLength: UInt32

    /// Creates an interface description.
    public init(name: String, kernelIndex: Int32? = nil, linkType: LinkType, snapLength: UInt32 = 262_144) {
        self.name = name
        self.kernelIndex = kernelIndex
        self.linkType = linkType
        self.snapLength = snapLength
    }
}

/// One captured packet, as live capture produces it and capture files store it.
///
/// `data` holds the captured bytes (at most the snapshot length), `originalLength` the length the
/// packet had on the wire. `interfaceID` indexes the interface table of the source that produced the
/// packet (a pcapng file's IDBs in order, or a live capture's interfaces).
public struct CapturedPacket: Hashable, Sendable {
    /// When the packet was captured.
    public var timestamp: PacketTimestamp
    /// Length on the wire, which may exceed `data.count` when the snapshot length cut it.
    public var originalLength: Int
    /// The captured bytes, starting with the link-layer header of `linkType`.
    public var data: [UInt8]
    /// The link-layer header type of `data`.
    public var linkType: LinkType
    /// Index into the source's interface table.
    public var interfaceID: Int
    /// Incoming, outgoing or unknown.
    public var direction: PacketDirection

    /// Creates a packet; `originalLength` defaults to the captured length.
    public init(
        timestamp: PacketTimestamp, data: [UInt8], originalLength: Int? = nil, linkType: LinkType,
        interfaceID: Int = 0, direction: PacketDirection = .unknown
    ) {
        self.timestamp = timestamp
        self.data = data
        self.originalLength = max(originalLength ?? data.count, data.count)
        self.linkType = linkType
        self.interfaceID = interfaceID
        self.direction = direction
    }

    /// True when the snapshot length cut the packet short.
    public var isTruncated: Bool { data.count < originalLength }
}
