/// The header of one packet record in a capture file: where its bytes are and what they mean.
public struct PacketRecordHeader: Hashable, Sendable {
    /// Byte offset of the record (pcap) or block (pcapng) in the file.
    public var recordOffset: Int
    /// Byte offset of the packet data.
    public var dataOffset: Int
    /// Bytes captured.
    public var capturedLength: Int
    /// Length on the wire.
    public var originalLength: Int
    /// Capture time.
    public var timestamp: PacketTimestamp
    /// Index into the file's interface table.
    public var interfaceID: Int
    /// Direction from the pcapng `epb_flags` option, or unknown.
    public var direction: PacketDirection
}

/// One pcapng section's byte order and where its interfaces start in the file-wide table.
struct SectionInfo: Hashable, Sendable {
    var bigEndian: Bool
    var firstInterface: Int
}

/// An interface plus how its timestamps are encoded.
struct InterfaceInfo: Hashable, Sendable {
    var interface: CaptureInterface
    /// Timestamp ticks per second (pcap: 10^6 or 10^9; pcapng: from if_tsresol).
    var unitsPerSecond: UInt64
    /// pcapng if_tsoffset: seconds to add to every timestamp.
    var secondsOffset: Int64
}

/// A forward scan over a capture file's records: parses headers, follows pcapng sections and
/// interface blocks, skips unknown blocks, and stops with a `FileDamage` at the first record
/// that cannot be right. Copying a scanner forks the scan.
struct CaptureFileScanner: Sendable {
    let format: CaptureFileFormat
    private(set) var offset: Int
    private(set) var sections: [SectionInfo]
    private(set) var interfaces: [InterfaceInfo]
    private(set) var packetCount = 0
    private(set) var damage: FileDamage?
    private(set) var finished = false

    /// Parses the file header; throws when the file is not a capture file at all.
    init(_ bytes: UnsafeRawBufferPointer, path: String) throws(CaptureFileError) {
        guard bytes.count >= 4 else {
            throw CaptureFileError(
                path: path, message: bytes.isEmpty ? "the file is empty" : "only \(bytes.count) bytes: too short for a capture file header")
        }
        let magicLE = bytes.u32le(0)
        switch magicLE {
        case 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1:
            format = .pcap
            guard bytes.count >= 24 else {
                throw CaptureFileError(path: path, message: "truncated pcap file header: \(bytes.count) of 24 bytes")
            }
            let bigEndian = magicLE == 0xd4c3b2a1 || magicLE == 0x4d3cb2a1
            let nano = magicLE == 0xa1b23c4d || magicLE == 0x4d3cb2a1
            let major = bigEndian ? bytes.u16be(4) : bytes.u16le(4)
            if major != 2 {
                throw CaptureFileError(path: path, message: "pcap version \(major) is not supported (only 2.x)")
            }
            let snapLength = bigEndian ? bytes.u32be(16) : bytes.u32le(16)
            let rawLinkType = (bigEndian ? bytes.u32be(20) : bytes.u32le(20)) & 0xffff
            sections = [SectionInfo(bigEndian: bigEndian, firstInterface: 0)]
            interfaces = [
                InterfaceInfo(
                    interface: CaptureInterface(name: "", linkType: LinkType(rawValue: rawLinkType), snapLength: snapLength),
                    unitsPerSecond: nano ? 1_000_000_000 : 1_000_000, secondsOffset: 0)
            ]
            offset = 24
        case 0x0a0d0d0a:
            format = .pcapng
            guard bytes.count >= 28 else {
                throw CaptureFileError(path: path, message: "truncated pcapng section header: \(bytes.count) of at least 28 bytes")
            }
            let orderMagic = bytes.u32le(8)
            guard orderMagic == 0x1a2b3c4d || orderMagic == 0x4d3c2b1a else {
                throw CaptureFileError(
                    path: path, message: "pcapng byte-order magic is \(Format.hex(orderMagic, width: 8)), not 0x1a2b3c4d")
            }
            sections = []
            interfaces = []
            offset = 0
        default:
            let shown = (0..<min(bytes.count, 8)).map { Format.hexBytes(bytes, $0..<($0 + 1)) }.joined(separator: " ")
            throw CaptureFileError(path: path, message: "not a pcap or pcapng file: it starts with \(shown)")
        }
    }

    /// Moves the scan position back by `count` bytes, after the reader dropped that many bytes
    /// from the front of its buffer (streams keep only what is not yet scanned).
    mutating func rebase(droppingFirst count: Int) {
        offset -= count
    }

    /// After `next` stopped cleanly at the end of the bytes given (no damage), lets it go on when
    /// more bytes arrive (a stream).
    mutating func awaitMore() {
        if damage == nil { finished = false }
    }

    @inline(__always)
    private func u16(_ bytes: UnsafeRawBufferPointer, _ at: Int, _ big: Bool) -> UInt16 { big ? bytes.u16be(at) : bytes.u16le(at) }
    @inline(__always)
    private func u32(_ bytes: UnsafeRawBufferPointer, _ at: Int, _ big: Bool) -> UInt32 { big ? bytes.u32be(at) : bytes.u32le(at) }

    private mutating func stop(_ reason: String, at position: Int) -> PacketRecordHeader? {
        damage = FileDamage(offset: position, reason: reason, packetsBefore: packetCount)
        finished = true
        return nil
    }

    /// The next packet record's header, or nil at the end of the file or at damage (see `damage`).
    mutating func next(_ bytes: UnsafeRawBufferPointer) -> PacketRecordHeader? {
        while !finished {
            if offset == bytes.count { finished = true; return nil }
            let result = format == .pcap ? nextPcap(bytes) : nextBlock(bytes)
            switch result {
            case .packet(let header):
                packetCount += 1
                return header
            case .skipped:
                continue
            case .damaged(let reason, let position):
                return stop(reason, at: position)
            }
        }
        return nil
    }

    enum Step {
        case packet(PacketRecordHeader)
        case skipped
        case damaged(String, Int)
    }

    private mutating func nextPcap(_ bytes: UnsafeRawBufferPointer) -> Step {
        let start = offset
        let big = sections[0].bigEndian
        if start + 16 > bytes.count {
            return .damaged("truncated record header: \(bytes.count - start) of 16 bytes", start)
        }
        let seconds = u32(bytes, start, big), fraction = u32(bytes, start + 4, big)
        let captured = Int(u32(bytes, start + 8, big)), original = Int(u32(bytes, start + 12, big))
        let limit = max(Int(interfaces[0].interface.snapLength), 262_144)
        if captured > max(limit, 1 << 26) {
            return .damaged(
                "record captured length \(captured) is implausible (snapshot length \(interfaces[0].interface.snapLength))", start)
        }
        if start + 16 + captured > bytes.count {
            return .damaged("truncated packet data: record needs \(captured) bytes, \(bytes.count - start - 16) left", start)
        }
        offset = start + 16 + captured
        let units = interfaces[0].unitsPerSecond
        // A fraction below one second (every well-formed record) needs no 64-bit division.
        let timestamp =
            fraction < units && (units == 1_000_000 || units == 1_000_000_000)
            ? PacketTimestamp(seconds: Int64(seconds), nanoseconds: units == 1_000_000 ? fraction * 1000 : fraction)
            : PacketTimestamp(ticks: UInt64(seconds) * units + UInt64(fraction), perSecond: units)
        return .packet(
            PacketRecordHeader(
                recordOffset: start, dataOffset: start + 16, capturedLength: captured,
                originalLength: max(original, captured), timestamp: timestamp,
                interfaceID: 0, direction: .unknown))
    }

    private mutating func nextBlock(_ bytes: UnsafeRawBufferPointer) -> Step {
        let start = offset
        if start + 12 > bytes.count {
            return .damaged("truncated block header: \(bytes.count - start) of at least 12 bytes", start)
        }
        let rawType = bytes.u32le(start)
        if rawType == 0x0a0d0d0a {
            // A Section Header Block: its byte-order magic decides how to read everything in it.
            let orderMagic = bytes.u32le(start + 8)
            guard orderMagic == 0x1a2b3c4d || orderMagic == 0x4d3c2b1a else {
                return .damaged("section header byte-order magic \(Format.hex(orderMagic, width: 8)) is invalid", start)
            }
            let big = orderMagic == 0x4d3c2b1a
            let length = Int(u32(bytes, start + 4, big))
            if let problem = blockProblem(bytes, start, length, big, minimum: 28) { return .damaged(problem, start) }
            let major = u16(bytes, start + 12, big)
            if major != 1 { return .damaged("pcapng section version \(major) is not supported (only 1.x)", start) }
            sections.append(SectionInfo(bigEndian: big, firstInterface: interfaces.count))
            offset = start + length
            return .skipped
        }
        guard let section = sections.last else {
            return .damaged("the file does not start with a section header block", start)
        }
        let big = section.bigEndian
        let type = u32(bytes, start, big)
        let length = Int(u32(bytes, start + 4, big))
        if let problem = blockProblem(bytes, start, length, big, minimum: 12) { return .damaged(problem, start) }
        offset = start + length
        let bodyEnd = start + length - 4
        switch type {
        case 1:  // Interface Description Block
            guard length >= 20 else { return .damaged("interface description block is \(length) bytes, shorter than 20", start) }
            var info = InterfaceInfo(
                interface: CaptureInterface(
                    name: "", linkType: LinkType(rawValue: UInt32(u16(bytes, start + 8, big))),
                    snapLength: u32(bytes, start + 12, big)),
                unitsPerSecond: 1_000_000, secondsOffset: 0)
            var problem: String?
            forEachOption(bytes, from: start + 16, to: bodyEnd, big) { code, value in
                switch code {
                case 2: info.interface.name = String(decoding: bytes[value], as: UTF8.self).trimmingNulls()
                case 9:
                    guard value.count >= 1 else { return }
                    let resolution = bytes[value.lowerBound]
                    let exponent = Int(resolution & 0x7f)
                    if resolution & 0x80 != 0 {
                        if exponent > 63 { problem = "if_tsresol 2^-\(exponent) is out of range"; return }
                        info.unitsPerSecond = 1 << UInt64(exponent)
                    } else {
                        if exponent > 19 { problem = "if_tsresol 10^-\(exponent) is out of range"; return }
                        info.unitsPerSecond = (0..<exponent).reduce(1) { value, _ in value * 10 }
                    }
                case 14:
                    guard value.count >= 8 else { return }
                    let high = UInt64(u32(bytes, value.lowerBound, big)), low = UInt64(u32(bytes, value.lowerBound + 4, big))
                    info.secondsOffset = Int64(bitPattern: big ? high << 32 | low : low << 32 | high)
                default: break
                }
            }
            if let problem { return .damaged(problem, start) }
            interfaces.append(info)
            return .skipped
        case 6, 2:  // Enhanced Packet Block, obsolete Packet Block
            guard length >= 32 else { return .damaged("packet block is \(length) bytes, shorter than 32", start) }
            let localInterface = type == 6 ? Int(u32(bytes, start + 8, big)) : Int(u16(bytes, start + 8, big))
            let interface = section.firstInterface + localInterface
            guard localInterface < interfaces.count - section.firstInterface else {
                return .damaged(
                    "packet block names interface \(localInterface), but the section describes \(interfaces.count - section.firstInterface)",
                    start)
            }
            let high = UInt64(u32(bytes, start + 12, big)), low = UInt64(u32(bytes, start + 16, big))
            let captured = Int(u32(bytes, start + 20, big)), original = Int(u32(bytes, start + 24, big))
            let dataStart = start + 28
            if dataStart + captured > bodyEnd {
                return .damaged("packet block captured length \(captured) runs past the block's end (\(bodyEnd - dataStart) bytes)", start)
            }
            var direction = PacketDirection.unknown
            if type == 6 {
                forEachOption(bytes, from: dataStart + (captured + 3) & ~3, to: bodyEnd, big) { code, value in
                    if code == 2 && value.count >= 4 {
                        switch u32(bytes, value.lowerBound, big) & 3 {
                        case 1: direction = .incoming
                        case 2: direction = .outgoing
                        default: break
                        }
                    }
                }
            }
            let info = interfaces[interface]
            var timestamp = PacketTimestamp(ticks: high << 32 | low, perSecond: info.unitsPerSecond)
            timestamp.seconds = timestamp.seconds &+ info.secondsOffset  // a hostile if_tsoffset must not trap
            return .packet(
                PacketRecordHeader(
                    recordOffset: start, dataOffset: dataStart, capturedLength: captured,
                    originalLength: max(original, captured), timestamp: timestamp,
                    interfaceID: interface, direction: direction))
        case 3:  // Simple Packet Block: interface 0 of the section, no timestamp
            guard length >= 16 else { return .damaged("simple packet block is \(length) bytes, shorter than 16", start) }
            guard interfaces.count > section.firstInterface else {
                return .damaged("simple packet block before any interface description", start)
            }
            let info = interfaces[section.firstInterface]
            let original = Int(u32(bytes, start + 8, big))
            var captured = min(original, bodyEnd - (start + 12))
            if info.interface.snapLength > 0 { captured = min(captured, Int(info.interface.snapLength)) }
            return .packet(
                PacketRecordHeader(
                    recordOffset: start, dataOffset: start + 12, capturedLength: captured,
                    originalLength: max(original, captured), timestamp: PacketTimestamp(seconds: 0, nanoseconds: 0),
                    interfaceID: section.firstInterface, direction: .unknown))
        default:
            // Name resolution, interface statistics, decryption secrets, custom blocks: not packets.
            return .skipped
        }
    }

    /// Why a block's framing is wrong, or nil when its lengths agree and fit in the file.
    private func blockProblem(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ length: Int, _ big: Bool, minimum: Int) -> String? {
        if length < minimum { return "block total length \(length) is shorter than \(minimum)" }
        if length % 4 != 0 { return "block total length \(length) is not a multiple of 4" }
        if start + length > bytes.count { return "truncated block: its length is \(length) bytes, \(bytes.count - start) left in the file" }
        let trailer = Int(u32(bytes, start + length - 4, big))
        if trailer != length { return "block total length \(length) does not match its trailing copy \(trailer)" }
        return nil
    }

    /// Calls `body` with each option's code and value range, stopping at opt_endofopt or the end.
    private func forEachOption(_ bytes: UnsafeRawBufferPointer, from: Int, to end: Int, _ big: Bool, _ body: (UInt16, Range<Int>) -> Void) {
        var position = from
        while position + 4 <= end {
            let code = u16(bytes, position, big), length = Int(u16(bytes, position + 2, big))
            if code == 0 { return }
            let value = (position + 4)..<(position + 4 + length)
            if value.upperBound > end { return }
            body(code, value)
            position = value.lowerBound + (length + 3) & ~3
        }
    }
}

private extension String {
    func trimmingNulls() -> String {
        var text = self
        while text.last == "\0" { text.removeLast() }
        return text
    }
}
