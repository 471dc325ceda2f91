/// Reads pcap or pcapng from a stream as it arrives (a pipe from `tcpdump -U -w -`, an agent's
/// capture chunks): bytes go in in any chunking, packets come out as soon as their record is
/// whole. The same bounds-checked scanner as `CaptureFileReader` parses every record; a record
/// cut off by the end of the bytes so far waits for more, and is damage only once the stream has
/// ended. Only unscanned bytes are kept. Not thread-safe: one thread feeds and reads.
public struct CaptureStreamReader: Sendable {
    /// A name for messages (`<stdin>`).
    public let name: String
    private var buffer: [UInt8] = []
    private var scanner: CaptureFileScanner?
    private var ended = false
    /// Why the stream stopped early (damage after the packets read so far), if it did.
    public private(set) var damage: FileDamage?
    /// Packets handed out so far.
    public private(set) var packetCount = 0
    private var dropped = 0

    /// Creates a reader; `name` appears in errors.
    public init(name: String = "<stream>") {
        self.name = name
    }

    /// pcap or pcapng, once the header has arrived.
    public var format: CaptureFileFormat? { scanner?.format }

    /// The interfaces described so far (one for pcap).
    public var interfaces: [CaptureInterface] { scanner?.interfaces.map(\.interface) ?? [] }

    /// True for a pcap stream with nanosecond timestamps.
    public var isNanosecondPcap: Bool { scanner?.format == .pcap && scanner?.interfaces.first?.unitsPerSecond == 1_000_000_000 }

    /// Adds bytes read from the stream.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    /// Adds bytes read from the stream.
    public mutating func append(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
    }

    /// Marks the end of the stream: a partial record left over becomes `damage`.
    public mutating func finish() {
        ended = true
    }

    /// True once the stream ended and every packet has been read, or damage stopped it.
    public var isFinished: Bool { damage != nil || (scanner?.finished ?? false) }

    /// The next whole packet, or nil until more bytes arrive (or at the end; see `isFinished`).
    /// - Throws: `CaptureFileError` when the stream does not start like a pcap or pcapng file.
    public mutating func next() throws(CaptureFileError) -> CapturedPacket? {
        try nextRecord { record in
            CapturedPacket(
                timestamp: record.header.timestamp, data: Array(record.bytes), originalLength: record.header.originalLength,
                linkType: record.interface.linkType, interfaceID: record.header.interfaceID, direction: record.header.direction)
        }
    }

    /// Calls `body` with the next whole record in place (its bytes valid only during the call;
    /// `index` counts from 0 in the stream) and returns its result, or nil until more bytes arrive.
    /// - Throws: `CaptureFileError` when the stream does not start like a pcap or pcapng file.
    public mutating func nextRecord<Result>(_ body: (CaptureFileReader.Record) -> Result) throws(CaptureFileError) -> Result? {
        if scanner == nil {
            guard buffer.count >= 4 || ended else { return nil }
            if buffer.count >= 4 {
                let magic = UInt32(buffer[0]) | UInt32(buffer[1]) << 8 | UInt32(buffer[2]) << 16 | UInt32(buffer[3]) << 24
                let needed = magic == 0x0a0d0d0a ? 28 : 24
                guard buffer.count >= needed || ended else { return nil }
            }
            let name = self.name
            let opened: Swift.Result<CaptureFileScanner, CaptureFileError> = buffer.withUnsafeBytes { bytes in
                do throws(CaptureFileError) { return .success(try CaptureFileScanner(bytes, path: name)) } catch { return .failure(error) }
            }
            scanner = try opened.get()
        }
        guard var scan = scanner, !scan.finished else { return nil }
        let (header, forked): (PacketRecordHeader?, CaptureFileScanner) = buffer.withUnsafeBytes { bytes in
            let header = scan.next(bytes)
            return (header, scan)
        }
        guard let header else {
            if let problem = forked.damage {
                // A record cut off by the end of what has arrived so far: wait for the rest.
                if !ended && problem.reason.hasPrefix("truncated") { return nil }
                damage = FileDamage(offset: problem.offset + dropped, reason: problem.reason, packetsBefore: problem.packetsBefore)
                scanner = forked
            } else if ended {
                scanner = forked
            } else {
                // Stopped cleanly at the end of what has arrived, after whole blocks that hold no
                // packet (an interface description): keep them read, so `interfaces` knows them.
                var kept = forked
                kept.awaitMore()
                scanner = kept
            }
            return nil
        }
        scanner = forked
        let interface =
            forked.interfaces.indices.contains(header.interfaceID)
            ? forked.interfaces[header.interfaceID].interface : CaptureInterface(name: "", linkType: .ethernet)
        let index = packetCount
        let result = buffer.withUnsafeBytes { bytes in
            body(
                CaptureFileReader.Record(
                    index: index, header: header, interface: interface,
                    bytes: UnsafeRawBufferPointer(rebasing: bytes[header.dataOffset..<(header.dataOffset + header.capturedLength)])))
        }
        packetCount += 1
        compact()
        return result
    }

    /// Drops scanned bytes once they are most of the buffer.
    private mutating func compact() {
        guard var scan = scanner, scan.offset >= 1 << 16, scan.offset * 2 >= buffer.count else { return }
        let count = scan.offset
        buffer.removeSubrange(0..<count)
        scan.rebase(droppingFirst: count)
        dropped += count
        scanner = scan
    }
}
