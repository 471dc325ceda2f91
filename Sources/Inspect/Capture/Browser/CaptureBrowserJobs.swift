import Foundation

/// What a source held by a ``CaptureBrowser`` holds now.
public struct CaptureSourceInfo: Hashable, Sendable, Codable {
    /// Packets available now (a file indexed so far, a live capture's store so far).
    public var packetCount: Int
    /// The link type of its first interface, when it has one.
    public var linkType: LinkType?

    /// Creates a description of a source.
    public init(packetCount: Int, linkType: LinkType?) {
        self.packetCount = packetCount
        self.linkType = linkType
    }
}

/// What a search looks for in a packet.
public enum CaptureSearchTarget: Hashable, Sendable, Codable {
    /// These bytes anywhere in the captured data (a string's UTF-8, or hex bytes).
    case bytes([UInt8])
    /// Packets a display filter accepts (``PacketFilter``'s text: the conversation of the selected packet).
    case filter(String)

    /// The bytes a search text stands for: `0x…` or hex pairs separated by spaces or colons are bytes,
    /// anything else the text's UTF-8. Nil for an empty text or malformed hex after `0x`.
    public init?(text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { return nil }
        guard trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") else {
            self = .bytes(Array(trimmed.utf8))
            return
        }
        let digits = trimmed.dropFirst(2).filter { $0 != " " && $0 != ":" }
        guard !digits.isEmpty, digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        var iterator = digits.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let byte = UInt8(String([high, low]), radix: 16) else { return nil }
            bytes.append(byte)
        }
        self = .bytes(bytes)
    }
}

/// A search through the packets a list displays: row by row after (or before) `fromRow`, wrapping
/// around, up to the row before it; the first row whose packet matches `target` is the answer.
public struct CaptureSearch: Hashable, Sendable, Codable {
    /// What to look for.
    public var target: CaptureSearchTarget
    /// The packet index of each displayed row (under a display filter); nil when row n is packet n.
    public var displayed: [UInt32]?
    /// Rows displayed.
    public var rowCount: Int
    /// The row the search starts from (itself not searched).
    public var fromRow: Int
    /// True to search down the rows, false up.
    public var forward: Bool

    /// Creates a search.
    public init(target: CaptureSearchTarget, displayed: [UInt32]?, rowCount: Int, fromRow: Int, forward: Bool) {
        self.target = target
        self.displayed = displayed
        self.rowCount = rowCount
        self.fromRow = fromRow
        self.forward = forward
    }
}

/// The packets a save writes.
public enum CapturePacketSelection: Hashable, Sendable, Codable {
    /// The packets at these indices (those a display filter kept), in this order.
    case indices([UInt32])
    /// The packets in this range (all packets: `0..<count`).
    case range(Range<Int>)

    /// Packets selected.
    public var count: Int {
        switch self {
        case .indices(let indices): indices.count
        case .range(let range): range.count
        }
    }
}

/// A save of packets to a capture file.
public struct CaptureSave: Hashable, Sendable, Codable {
    /// The file to write.
    public var path: String
    /// pcap (one link type) or pcapng.
    public var format: CaptureFileFormat
    /// The packets to write.
    public var packets: CapturePacketSelection
    /// True to replace an existing file (else an existing file fails the save).
    public var replacing: Bool

    /// Creates a save.
    public init(path: String, format: CaptureFileFormat, packets: CapturePacketSelection, replacing: Bool = false) {
        self.path = path
        self.format = format
        self.packets = packets
        self.replacing = replacing
    }
}

/// A finished save.
public struct CaptureSaveSummary: Hashable, Sendable, Codable {
    /// The file written.
    public var path: String
    /// Packets written.
    public var written: Int

    /// Creates a summary.
    public init(path: String, written: Int) {
        self.path = path
        self.written = written
    }
}
