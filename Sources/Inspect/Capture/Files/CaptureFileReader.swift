import Synchronization

/// Reads a pcap or pcapng file through a read-only memory mapping, indexing it lazily.
///
/// Opening reads only the file header, so the first packets of a 1 GB file are available at once:
/// `packet(at:)` indexes records up to the one asked for, and `indexAll()` the rest (the UI can
/// run it in the background). `forEachPacket` scans sequentially without building an index
/// (what `socktui read` does). A damaged record ends the file: every packet before it is kept and
/// `damage` says where and why. Safe to use from several threads.
public final class CaptureFileReader: Sendable {
    /// The path given to the init, or a name for in-memory bytes.
    public let path: String
    /// pcap or pcapng.
    public let format: CaptureFileFormat
    private let file: MappedFile
    private let state: Mutex<IndexState>
    /// The scanner positioned after the file header, copied by each sequential scan.
    private let initialScanner: CaptureFileScanner

    /// Compact index entry (32 bytes) so a million packets cost 32 MB.
    private struct Entry: Sendable {
        var dataOffset: Int
        var seconds: Int64
        var nanoseconds: UInt32
        var capturedLength: UInt32
        var originalLength: UInt32
        var interfaceAndDirection: UInt32
    }

    private struct IndexState: Sendable {
        var scanner: CaptureFileScanner
        var entries: [Entry] = []
    }

    /// Opens and maps `path` and reads its file header.
    /// - Throws: `CaptureFileError` when the file cannot be opened or is not a pcap/pcapng file.
    public convenience init(path: String) throws(CaptureFileError) {
        try self.init(file: try MappedFile(path: path), path: path)
    }

    /// Reads a capture file held in memory (tests, fuzzing, files received over a pipe).
    public convenience init(bytes: [UInt8], name: String = "<memory>") throws(CaptureFileError) {
        try self.init(file: MappedFile(copying: bytes), path: name)
    }

    private init(file: MappedFile, path: String) throws(CaptureFileError) {
        self.file = file
        self.path = path
        let scanner = try CaptureFileScanner(file.bytes, path: path)
        format = scanner.format
        initialScanner = scanner
        state = Mutex(IndexState(scanner: scanner))
    }

    /// True for a pcap file with nanosecond timestamps (magic 0xa1b23c4d).
    public var isNanosecondPcap: Bool {
        format == .pcap && initialScanner.interfaces.first?.unitsPerSecond == 1_000_000_000
    }

    /// Size of the file in bytes.
    public var fileSize: Int { file.bytes.count }

    /// The interfaces described so far (pcap: one; pcapng: one per IDB scanned).
    public var interfaces: [CaptureInterface] { state.withLock { $0.scanner.interfaces.map(\.interface) } }

    /// Packets indexed so far.
    public var indexedCount: Int { state.withLock { $0.entries.count } }

    /// True once the index reached the end of the file or its damage.
    public var isFullyIndexed: Bool { state.withLock { $0.scanner.finished } }

    /// Where the file is damaged, once the index has reached that point.
    public var damage: FileDamage? { state.withLock { $0.scanner.damage } }

    /// Indexes records until `count` packets are known or the file ends; returns the count known.
    @discardableResult
    public func index(upTo count: Int) -> Int {
        let bytes = file.bytes
        return state.withLock { state in
            while state.entries.count < count, let header = state.scanner.next(bytes) {
                state.entries.append(Entry(dataOffset: header.dataOffset, seconds: header.timestamp.seconds,
                                           nanoseconds: header.timestamp.nanoseconds, capturedLength: UInt32(header.capturedLength),
                                           originalLength: UInt32(clamping: header.originalLength),
                                           interfaceAndDirection: UInt32(header.interfaceID) << 2 | Self.code(header.direction)))
            }
            return state.entries.count
        }
    }

    /// Drops the file's pages in `range` (byte offsets) from the process's resident memory; they
    /// are read again from the page cache when next touched. A browser calls it behind its index
    /// and filter scans so that reading a file does not cost its size in RSS. Safe at any time,
    /// from any thread: the mapping is read-only.
    public func releaseMappedPages(_ range: Range<Int>) { file.releasePages(in: range) }

    /// The byte offset just past packet `index`'s data (0-based), indexing up to it; nil past the end.
    /// With the file size it gives a scan's progress.
    public func endOffset(ofPacket index: Int) -> Int? {
        header(at: index).map { $0.dataOffset + $0.capturedLength }
    }

    /// Indexes the whole file; returns the packet count.
    @discardableResult
    public func indexAll() -> Int { index(upTo: .max) }

    private static func code(_ direction: PacketDirection) -> UInt32 {
        switch direction {
        case .unknown: 0
        case .incoming: 1
        case .outgoing: 2
        }
    }

    private static func direction(_ code: UInt32) -> PacketDirection {
        switch code & 3 {
        case 1: .incoming
        case 2: .outgoing
        default: .unknown
        }
    }

    /// The header of packet `index` (0-based), indexing up to it if needed; nil past the end.
    /// The index does not keep record offsets: `recordOffset` is -1 (scans report it).
    public func header(at index: Int) -> PacketRecordHeader? {
        guard index >= 0, self.index(upTo: index + 1) > index else { return nil }
        return state.withLock { state in
            let entry = state.entries[index]
            return PacketRecordHeader(recordOffset: -1, dataOffset: entry.dataOffset, capturedLength: Int(entry.capturedLength),
                                      originalLength: Int(entry.originalLength),
                                      timestamp: PacketTimestamp(seconds: entry.seconds, nanoseconds: entry.nanoseconds),
                                      interfaceID: Int(entry.interfaceAndDirection >> 2), direction: Self.direction(entry.interfaceAndDirection))
        }
    }

    /// Packet `index` (0-based) with its bytes copied out of the mapping; nil past the end.
    public func packet(at index: Int) -> CapturedPacket? {
        guard let header = header(at: index) else { return nil }
        let linkType = state.withLock { $0.scanner.interfaces[header.interfaceID].interface.linkType }
        let data = Array(file.bytes[header.dataOffset..<(header.dataOffset + header.capturedLength)])
        return CapturedPacket(timestamp: header.timestamp, data: data, originalLength: header.originalLength,
                              linkType: linkType, interfaceID: header.interfaceID, direction: header.direction)
    }

    /// Packets in `range` (clamped to the packets that exist).
    public func packets(in range: Range<Int>) -> [CapturedPacket] {
        var list: [CapturedPacket] = []
        for index in range {
            guard let packet = packet(at: index) else { break }
            list.append(packet)
        }
        return list
    }

    /// One record during a sequential scan: its header, the interface, and its bytes in place.
    public struct Record {
        /// 0-based packet index.
        public var index: Int
        /// The record header.
        public var header: PacketRecordHeader
        /// The interface the packet came from.
        public var interface: CaptureInterface
        /// The captured bytes in the file's mapping: valid while the reader lives.
        public var bytes: UnsafeRawBufferPointer
    }

    /// The outcome of a sequential scan.
    public struct ScanResult: Hashable, Sendable {
        /// Packets passed to the callback.
        public var count: Int
        /// Damage that ended the scan, if any.
        public var damage: FileDamage?
        /// True when the callback asked to stop.
        public var stopped: Bool
    }

    /// Scans every packet in order without indexing, passing bytes in place (no copy; a record's
    /// bytes stay valid while the reader lives, so records may be batched). Return false from `body` to stop.
    @discardableResult
    public func forEachPacket(_ body: (Record) throws -> Bool) rethrows -> ScanResult {
        let bytes = file.bytes
        var scanner = initialScanner
        var count = 0
        while let header = scanner.next(bytes) {
            let record = Record(index: count, header: header, interface: scanner.interfaces[header.interfaceID].interface,
                                bytes: UnsafeRawBufferPointer(rebasing: bytes[header.dataOffset..<(header.dataOffset + header.capturedLength)]))
            count += 1
            if try !body(record) { return ScanResult(count: count, damage: nil, stopped: true) }
        }
        return ScanResult(count: count, damage: scanner.damage, stopped: false)
    }
}
