#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import SocketKit

/// Buffered output to a file descriptor, shared by the pcap and pcapng writers.
struct OutputBuffer {
    let fd: Int32
    let path: String
    /// The file this buffer created (nil for a descriptor someone else owns).
    let file: SafeOutputFile?
    var buffer: [UInt8] = []
    var bytesWritten = 0

    /// A new file at `path`, or a replacement of the file there when `replacing` (see `SafeOutputFile`).
    init(path: String, replacing: Bool, mode: mode_t) throws(CaptureFileError) {
        let file = try SafeOutputFile(path: path, replacing: replacing, mode: mode)
        self.file = file
        fd = file.fd
        self.path = path
        buffer.reserveCapacity(1 << 18)
    }

    init(fileDescriptor: Int32, name: String) {
        fd = fileDescriptor
        path = name
        file = nil
        buffer.reserveCapacity(1 << 18)
    }

    /// In memory (descriptor -1): `flush` keeps the bytes until the owner takes them.
    init(memoryNamed name: String) {
        self.init(fileDescriptor: -1, name: name)
    }

    mutating func append(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }

    mutating func append(_ value: UInt16) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }

    /// Appends a 16-byte record header (four little-endian words) and the packet bytes; returns
    /// true when the buffer should be flushed.
    mutating func appendRecord(
        _ first: UInt32, _ second: UInt32, _ third: UInt32, _ fourth: UInt32,
        _ bytes: UnsafeRawBufferPointer
    ) -> Bool {
        let header = (first.littleEndian, second.littleEndian, third.littleEndian, fourth.littleEndian)
        withUnsafeBytes(of: header) { buffer.append(contentsOf: $0) }
        buffer.append(contentsOf: bytes)
        return buffer.count >= 1 << 18
    }

    mutating func pad(to multiple: Int) {
        while buffer.count % multiple != 0 { buffer.append(0) }
    }

    mutating func flushIfFull() throws(CaptureFileError) {
        if buffer.count >= 1 << 18 { try flush() }
    }

    mutating func flush() throws(CaptureFileError) {
        if fd < 0 { return }
        var start = 0
        while start < buffer.count {
            let written = syscall("write") { buffer.withUnsafeBytes { write(fd, $0.baseAddress! + start, $0.count - start) } }
            switch written {
            case .success(let count): start += count
            case .failure(let error): throw .system(path, "write", error.code.rawValue)
            }
        }
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    mutating func close() throws(CaptureFileError) {
        try flush()
        try file?.commit()
    }
}

/// Writes a classic pcap file (little-endian, microsecond or nanosecond magic), buffered.
///
/// One link type per file, as the format allows. Call `close()` to flush; a writer that is not
/// closed loses its buffered packets. Not thread-safe: one thread writes.
public final class PcapWriter {
    /// The link type of every packet in the file.
    public let linkType: LinkType
    /// The snapshot length recorded in the header; longer packets are cut to it.
    public let snapLength: UInt32
    /// Timestamp resolution.
    public let resolution: TimestampResolution
    // Written only by the one thread that owns the writer (documented above): the per-packet
    // dynamic exclusivity check is skipped on this hot path.
    @exclusivity(unchecked) private var output: OutputBuffer
    private var closed = false
    /// Packets written so far.
    @exclusivity(unchecked) public private(set) var packetCount = 0

    /// Creates `path` and writes the file header. An existing file is an error unless `replacing`,
    /// and is then replaced only when the writer is closed (see `SafeOutputFile`).
    public convenience init(
        path: String, linkType: LinkType, snapLength: UInt32 = 262_144,
        resolution: TimestampResolution = .microsecond, replacing: Bool = false, mode: mode_t = 0o600
    ) throws(CaptureFileError) {
        try self.init(
            output: OutputBuffer(path: path, replacing: replacing, mode: mode), linkType: linkType, snapLength: snapLength,
            resolution: resolution)
    }

    /// Writes to an open descriptor (standard output for `-w -`); the descriptor is not closed.
    public convenience init(
        fileDescriptor: Int32, linkType: LinkType, snapLength: UInt32 = 262_144,
        resolution: TimestampResolution = .microsecond
    ) throws(CaptureFileError) {
        try self.init(
            output: OutputBuffer(fileDescriptor: fileDescriptor, name: "fd \(fileDescriptor)"),
            linkType: linkType, snapLength: snapLength, resolution: resolution)
    }

    private init(output: OutputBuffer, linkType: LinkType, snapLength: UInt32, resolution: TimestampResolution) throws(CaptureFileError) {
        self.output = output
        self.linkType = linkType
        self.snapLength = snapLength
        self.resolution = resolution
        self.output.append(resolution == .microsecond ? 0xa1b2c3d4 as UInt32 : 0xa1b23c4d)
        self.output.append(2 as UInt16)  // version major
        self.output.append(4 as UInt16)  // version minor
        self.output.append(0 as UInt32)  // thiszone (always 0)
        self.output.append(0 as UInt32)  // sigfigs (always 0)
        self.output.append(snapLength)
        self.output.append(linkType.rawValue)
        try self.output.flush()
    }

    deinit { if !closed { try? output.close() } }

    /// Appends a packet; its link type must be the file's.
    /// - Throws: `CaptureFileError` on a write failure or a different link type.
    public func write(_ packet: CapturedPacket) throws(CaptureFileError) {
        guard packet.linkType == linkType else {
            throw CaptureFileError(
                path: output.path,
                message: "a pcap file holds one link type (\(linkType.name)); this packet is \(packet.linkType.name): write pcapng instead")
        }
        let result: Result<Void, CaptureFileError> = packet.data.withUnsafeBytes { bytes in
            do throws(CaptureFileError) {
                return .success(try write(timestamp: packet.timestamp, originalLength: packet.originalLength, bytes: bytes))
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Appends a packet from bytes in place (the live ring's zero-copy path).
    public func write(timestamp: PacketTimestamp, originalLength: Int, bytes: UnsafeRawBufferPointer) throws(CaptureFileError) {
        precondition(!closed, "write after close")
        let captured = min(bytes.count, Int(snapLength))
        // One call into the buffer per packet: each access to a class's stored struct is an
        // exclusivity check, which used to cost more than the copy for small packets.
        let full = output.appendRecord(
            UInt32(truncatingIfNeeded: timestamp.seconds),
            resolution == .microsecond ? timestamp.nanoseconds / 1000 : timestamp.nanoseconds,
            UInt32(captured), UInt32(clamping: max(originalLength, captured)),
            UnsafeRawBufferPointer(rebasing: bytes[0..<captured]))
        packetCount += 1
        if full { try output.flush() }
    }

    /// Writes buffered packets to the file.
    public func flush() throws(CaptureFileError) { try output.flush() }

    /// Flushes and closes the file (a descriptor given to the init stays open).
    public func close() throws(CaptureFileError) {
        guard !closed else { return }
        closed = true
        try output.close()
    }
}

/// Counters for one interface, written as a pcapng Interface Statistics Block at close.
public struct InterfaceStatistics: Hashable, Sendable, Codable {
    /// The interface (index into the writer's interfaces).
    public var interfaceID: Int
    /// When the capture started.
    public var start: PacketTimestamp?
    /// When it ended.
    public var end: PacketTimestamp?
    /// Packets the kernel received (isb_ifrecv).
    public var received: UInt64?
    /// Packets dropped by the interface or kernel for lack of buffer space (isb_ifdrop).
    public var dropped: UInt64?
    /// Packets accepted by the filter (isb_filteraccept).
    public var accepted: UInt64?

    /// Creates statistics.
    public init(
        interfaceID: Int, start: PacketTimestamp? = nil, end: PacketTimestamp? = nil,
        received: UInt64? = nil, dropped: UInt64? = nil, accepted: UInt64? = nil
    ) {
        self.interfaceID = interfaceID
        self.start = start
        self.end = end
        self.received = received
        self.dropped = dropped
        self.accepted = accepted
    }
}

/// Writes a pcapng file: a Section Header Block, an Interface Description Block per interface
/// (nanosecond `if_tsresol`), an Enhanced Packet Block per packet (with the direction in
/// `epb_flags`), and Interface Statistics Blocks at close. Little-endian, buffered.
/// Not thread-safe: one thread writes.
public final class PcapNGWriter {
    /// The interfaces described so far, indexed by interface ID.
    public private(set) var interfaces: [CaptureInterface] = []
    private var output: OutputBuffer
    private var closed = false
    /// Packets written so far.
    public private(set) var packetCount = 0

    /// Creates `path`, writes the section header and an IDB for each of `interfaces`. An existing
    /// file is an error unless `replacing`, and is then replaced only when the writer is closed.
    public convenience init(
        path: String, interfaces: [CaptureInterface] = [], application: String = "socktui",
        replacing: Bool = false, mode: mode_t = 0o600
    ) throws(CaptureFileError) {
        try self.init(output: OutputBuffer(path: path, replacing: replacing, mode: mode), interfaces: interfaces, application: application)
    }

    /// Writes to an open descriptor, which is not closed.
    public convenience init(
        fileDescriptor: Int32, interfaces: [CaptureInterface] = [], application: String = "socktui"
    ) throws(CaptureFileError) {
        try self.init(
            output: OutputBuffer(fileDescriptor: fileDescriptor, name: "fd \(fileDescriptor)"), interfaces: interfaces,
            application: application)
    }

    /// Writes into memory: blocks accumulate until `takeBytes()` hands them out (the agent sends
    /// them as a stream).
    public convenience init(memoryInterfaces interfaces: [CaptureInterface], application: String = "socktui") throws(CaptureFileError) {
        try self.init(output: OutputBuffer(memoryNamed: "memory"), interfaces: interfaces, application: application)
    }

    /// Bytes of whole blocks written since the last `takeBytes()` (memory writers).
    public var bufferedByteCount: Int { output.buffer.count }

    /// Hands out the whole blocks written so far and forgets them (memory writers).
    public func takeBytes() -> [UInt8] {
        let bytes = output.buffer
        output.buffer.removeAll(keepingCapacity: true)
        return bytes
    }

    private init(output: OutputBuffer, interfaces: [CaptureInterface], application: String) throws(CaptureFileError) {
        self.output = output
        var options: [(UInt16, [UInt8])] = [(4, Array(application.utf8))]  // shb_userappl
        var name = utsname()
        if uname(&name) == 0 {
            let system = withUnsafeBytes(of: name.sysname) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            let release = withUnsafeBytes(of: name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            options.append((3, Array("\(system) \(release)".utf8)))  // shb_os
        }
        block(type: 0x0a0d0d0a, options: options) { output in
            output.append(0x1a2b3c4d as UInt32)  // byte-order magic
            output.append(1 as UInt16)  // major version
            output.append(0 as UInt16)  // minor version
            output.append(0xffff_ffff as UInt32)  // section length: unknown (-1)
            output.append(0xffff_ffff as UInt32)
        }
        for interface in interfaces { _ = addInterface(interface) }
        try self.output.flush()
    }

    deinit { if !closed { try? output.close() } }

    /// Appends one block: type, total length, `body`, options, total length.
    private func block(type: UInt32, options: [(UInt16, [UInt8])] = [], body: (inout OutputBuffer) -> Void) {
        let start = output.buffer.count
        output.append(type)
        output.append(0 as UInt32)  // total length, patched below
        body(&output)
        output.pad(to: 4)
        if !options.isEmpty {
            for (code, value) in options {
                output.append(code)
                output.append(UInt16(value.count))
                output.buffer.append(contentsOf: value)
                output.pad(to: 4)
            }
            output.append(0 as UInt32)  // opt_endofopt
        }
        let length = UInt32(output.buffer.count - start + 4)
        output.append(length)
        withUnsafeBytes(of: length.littleEndian) { raw in
            for index in 0..<4 { output.buffer[start + 4 + index] = raw[index] }
        }
    }

    /// Describes another interface (an IDB); returns its interface ID for `write`.
    @discardableResult
    public func addInterface(_ interface: CaptureInterface) -> Int {
        var options: [(UInt16, [UInt8])] = []
        if !interface.name.isEmpty { options.append((2, Array(interface.name.utf8))) }  // if_name
        options.append((9, [9]))  // if_tsresol: 10^-9
        block(type: 1, options: options) { output in
            output.append(UInt16(truncatingIfNeeded: interface.linkType.rawValue))
            output.append(0 as UInt16)
            output.append(interface.snapLength)
        }
        interfaces.append(interface)
        return interfaces.count - 1
    }

    /// Appends a packet to interface `packet.interfaceID`, which must have been added.
    public func write(_ packet: CapturedPacket) throws(CaptureFileError) {
        let result: Result<Void, CaptureFileError> = packet.data.withUnsafeBytes { bytes in
            do throws(CaptureFileError) {
                return .success(
                    try write(
                        interfaceID: packet.interfaceID, timestamp: packet.timestamp, originalLength: packet.originalLength,
                        direction: packet.direction, bytes: bytes))
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Appends a packet from bytes in place (the live ring's zero-copy path).
    public func write(
        interfaceID: Int, timestamp: PacketTimestamp, originalLength: Int, direction: PacketDirection = .unknown,
        bytes: UnsafeRawBufferPointer
    ) throws(CaptureFileError) {
        precondition(!closed, "write after close")
        guard interfaces.indices.contains(interfaceID) else {
            throw CaptureFileError(
                path: output.path, message: "packet names interface \(interfaceID), but only \(interfaces.count) were added")
        }
        let captured = min(bytes.count, Int(interfaces[interfaceID].snapLength == 0 ? UInt32.max : interfaces[interfaceID].snapLength))
        let ticks = UInt64(bitPattern: timestamp.seconds) &* 1_000_000_000 &+ UInt64(timestamp.nanoseconds)
        let flags: UInt32? =
            switch direction {
            case .incoming: 1
            case .outgoing: 2
            case .unknown: nil
            }
        let options: [(UInt16, [UInt8])] = flags.map { value in [(UInt16(2), withUnsafeBytes(of: value.littleEndian) { Array($0) })] } ?? []
        block(type: 6, options: options) { output in
            output.append(UInt32(interfaceID))
            output.append(UInt32(truncatingIfNeeded: ticks >> 32))
            output.append(UInt32(truncatingIfNeeded: ticks))
            output.append(UInt32(captured))
            output.append(UInt32(clamping: max(originalLength, captured)))
            output.buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[0..<captured]))
        }
        packetCount += 1
        try output.flushIfFull()
    }

    /// Writes buffered blocks to the file.
    public func flush() throws(CaptureFileError) { try output.flush() }

    /// Writes an Interface Statistics Block for each entry of `statistics`, flushes and closes.
    public func close(statistics: [InterfaceStatistics] = []) throws(CaptureFileError) {
        guard !closed else { return }
        for entry in statistics where interfaces.indices.contains(entry.interfaceID) {
            func u64(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.littleEndian) { Array($0) } }
            func time(_ stamp: PacketTimestamp) -> [UInt8] {
                let ticks = UInt64(bitPattern: stamp.seconds) &* 1_000_000_000 &+ UInt64(stamp.nanoseconds)
                return withUnsafeBytes(of: UInt32(truncatingIfNeeded: ticks >> 32).littleEndian) { Array($0) }
                    + withUnsafeBytes(of: UInt32(truncatingIfNeeded: ticks).littleEndian) { Array($0) }
            }
            var options: [(UInt16, [UInt8])] = []
            if let start = entry.start { options.append((2, time(start))) }  // isb_starttime
            if let end = entry.end { options.append((3, time(end))) }  // isb_endtime
            if let received = entry.received { options.append((4, u64(received))) }  // isb_ifrecv
            if let dropped = entry.dropped { options.append((5, u64(dropped))) }  // isb_ifdrop
            if let accepted = entry.accepted { options.append((6, u64(accepted))) }  // isb_filteraccept
            let stamp = entry.end ?? entry.start ?? PacketTimestamp(seconds: 0, nanoseconds: 0)
            let ticks = UInt64(bitPattern: stamp.seconds) &* 1_000_000_000 &+ UInt64(stamp.nanoseconds)
            block(type: 5, options: options) { output in
                output.append(UInt32(entry.interfaceID))
                output.append(UInt32(truncatingIfNeeded: ticks >> 32))
                output.append(UInt32(truncatingIfNeeded: ticks))
            }
        }
        closed = true
        try output.close()
    }
}
