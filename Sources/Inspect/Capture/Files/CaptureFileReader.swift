import CSockShims
import Synchronization

/// Reads a pcap or pcapng file through a read-only memory mapping, indexing it lazily.
///
/// Opening reads only the file header, so the first packets of a 1 GB file are available at once:
/// `packet(at:)` indexes records up to the one asked for, and `indexAll()` the rest (the UI can
/// run it in the background). `forEachPacket` scans sequentially without building an index
/// (what `socktui read` does). A damaged record ends the file: every packet before it is kept and
/// `damage` says where and why. A file that shrinks while it is read (another process truncates
/// it) is damage too: the mapping is guarded (see `MappedFile`), the packets past the new end are
/// dropped and `damage` says "the file shrank to N bytes while being read". Safe to use from
/// several threads.
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
        /// Set once the index noticed that the file shrank; its entries end before the new end.
        var shrink: FileDamage?
    }
    /// The damage a shrink caused, measured once.
    private let shrinkReport = Mutex<FileDamage?>(nil)

    /// Opens and maps `path` and reads its file header.
    /// - Throws: `CaptureFileError` when the file cannot be opened or is not a pcap/pcapng file.
    public convenience init(path: String) throws(CaptureFileError) {
        try self.init(file: try MappedFile(path: path), path: path)
    }

    /// Opens `path`, reading at most `memoryCap` bytes into memory when it cannot be mapped (a pipe).
    convenience init(path: String, memoryCap: Int) throws(CaptureFileError) {
        try self.init(file: try MappedFile(path: path, memoryCap: memoryCap), path: path)
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
    public var isFullyIndexed: Bool { state.withLock { $0.shrink != nil || $0.scanner.finished } }

    /// Where the file is damaged, once the index has reached that point (or once any read found
    /// that the file shrank).
    public var damage: FileDamage? {
        if let shrink = shrinkDamage() { return shrink }
        return state.withLock { $0.scanner.damage }
    }

    /// Puts the guard that turns a shrinking file's SIGBUS into damage back in front of any SIGBUS
    /// handler installed since a file was opened. The terminal UI installs one ("restore the
    /// terminal, re-raise") after `socktui -r FILE` opened its file: call this after it.
    public static func reinstallShrinkGuard() { csock_sigbus_guard_install() }

    /// True once a read found that the file shrank while being read (cheap: one atomic load).
    public var hasShrunk: Bool { file.hasShrunk }

    /// When the file shrank while being read: where the packets that are still whole end, and how
    /// many there are ("the file shrank to N bytes while being read"); nil while it has not.
    /// Measured once, by scanning what is left of the file.
    public func shrinkDamage() -> FileDamage? {
        guard file.hasShrunk else { return nil }
        return shrinkReport.withLock { report in
            if let report { return report }
            let bytes = file.bytes
            let size = file.currentSize ?? 0
            let limit = min(size, bytes.count)
            var scanner = initialScanner
            let prefix = UnsafeRawBufferPointer(rebasing: bytes[0..<max(limit, 0)])
            // The pages before the new end are still the file's; a further shrink reads zeros.
            while scanner.next(prefix) != nil {}
            let reason =
                size < bytes.count
                ? "the file shrank to \(size) bytes while being read (it was \(bytes.count)): it was truncated or rewritten by another program"
                : "part of the file could not be read while being read (it was truncated and written again, or the disk failed)"
            let damage = FileDamage(offset: scanner.damage?.offset ?? limit, reason: reason, packetsBefore: scanner.packetCount)
            report = damage
            return damage
        }
    }

    /// Drops what the index holds past the end of a shrunk file and records the damage.
    private func applyShrink(_ state: inout IndexState) {
        guard state.shrink == nil, let damage = shrinkDamage() else { return }
        if state.entries.count > damage.packetsBefore { state.entries.removeSubrange(damage.packetsBefore...) }
        state.shrink = damage
    }

    /// Indexes records until `count` packets are known or the file ends; returns the count known.
    @discardableResult
    public func index(upTo count: Int) -> Int {
        let bytes = file.bytes
        return state.withLock { state in
            if state.shrink != nil { return state.entries.count }
            while state.entries.count < count, let header = state.scanner.next(bytes) {
                // The header may have been read from the zeros that replaced a vanished page.
                if file.hasShrunk { break }
                state.entries.append(
                    Entry(
                        dataOffset: header.dataOffset, seconds: header.timestamp.seconds,
                        nanoseconds: header.timestamp.nanoseconds, capturedLength: UInt32(header.capturedLength),
                        originalLength: UInt32(clamping: header.originalLength),
                        interfaceAndDirection: UInt32(header.interfaceID) << 2 | Self.code(header.direction)))
            }
            if file.hasShrunk { applyShrink(&state) }
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
        return state.withLock { state -> PacketRecordHeader? in
            // A shrink noticed by another thread since may have dropped it.
            guard index < state.entries.count else { return nil }
            let entry = state.entries[index]
            return PacketRecordHeader(
                recordOffset: -1, dataOffset: entry.dataOffset, capturedLength: Int(entry.capturedLength),
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
        if file.hasShrunk {
            // The copy may hold zeros from past the new end: keep only packets that are still whole.
            state.withLock { applyShrink(&$0) }
            if let damage = shrinkDamage(), index >= damage.packetsBefore { return nil }
        }
        return CapturedPacket(
            timestamp: header.timestamp, data: data, originalLength: header.originalLength,
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

        /// The record as the analysis passes take a packet.
        public var reference: PacketReference {
            PacketReference(
                index: index, timestamp: header.timestamp, originalLength: header.originalLength, linkType: interface.linkType, bytes: bytes
            )
        }
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
    ///
    /// When the file shrinks during the scan, the result's damage says so, and records from its
    /// `packetsBefore` on may have been passed with zeros for bytes (the rest of the last page past
    /// the new end reads as zeros before any fault): drop them. Bytes of earlier records handed out
    /// before the shrink may turn to zeros too: check `hasShrunk` before trusting what was decoded.
    @discardableResult
    public func forEachPacket(_ body: (Record) throws -> Bool) rethrows -> ScanResult {
        let bytes = file.bytes
        var scanner = initialScanner
        var count = 0
        while let header = scanner.next(bytes) {
            // The header may have been read from the zeros that replaced a vanished page.
            if file.hasShrunk { return ScanResult(count: count, damage: shrinkDamage(), stopped: false) }
            let record = Record(
                index: count, header: header, interface: scanner.interfaces[header.interfaceID].interface,
                bytes: UnsafeRawBufferPointer(rebasing: bytes[header.dataOffset..<(header.dataOffset + header.capturedLength)]))
            count += 1
            if try !body(record) { return ScanResult(count: count, damage: nil, stopped: true) }
        }
        return ScanResult(count: count, damage: shrinkDamage() ?? scanner.damage, stopped: false)
    }
}
