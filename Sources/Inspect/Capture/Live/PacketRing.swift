#if canImport(Glibc)
    import Glibc
#endif
import CSockShims
import SocketKit

extension BPFInstruction {
    /// `ret #k`: accept k bytes (0 drops the packet).
    static func accept(_ bytes: UInt32) -> Self { Self(code: 0x06, jumpTrue: 0, jumpFalse: 0, k: bytes) }
}

/// A packet in place in the capture ring: valid only during the `visit` call that receives it.
public struct RingPacket {
    /// When the kernel captured it.
    public let timestamp: PacketTimestamp
    /// Length on the wire (with the SLL2 header on `any`).
    public let originalLength: Int
    /// The captured bytes, starting with the link-layer header.
    public let bytes: UnsafeRawBufferPointer
    /// Incoming or outgoing.
    public let direction: PacketDirection
}

/// Which packets to keep, relative to this host.
public enum CaptureDirection: String, Hashable, Sendable, Codable, CaseIterable {
    /// Packets received by this host.
    case incoming = "in"
    /// Packets sent by this host.
    case outgoing = "out"
    /// Both (the default).
    case both
}

/// TPACKET_V3 ring geometry.
public struct RingConfiguration: Hashable, Sendable, Codable {
    /// Bytes per block (a multiple of the page size).
    public var blockSize: Int
    /// Number of blocks.
    public var blockCount: Int
    /// Milliseconds after which the kernel hands over a partly filled block.
    public var retireTimeoutMilliseconds: Int

    /// 32 blocks of 1 MiB with a 50 ms retire timeout: room for about a quarter second of a
    /// 1-million-packet-per-second flood of small packets, allocated once (the kernel zeroes
    /// the ring, so a larger default costs start-up time on every capture).
    public init(blockSize: Int = 1 << 20, blockCount: Int = 32, retireTimeoutMilliseconds: Int = 50) {
        self.blockSize = blockSize
        self.blockCount = blockCount
        self.retireTimeoutMilliseconds = retireTimeoutMilliseconds
    }

    enum CodingKeys: String, CodingKey {
        case blockSize = "block_size_bytes"
        case blockCount = "block_count"
        case retireTimeoutMilliseconds = "retire_timeout_ms"
    }
}

/// Packet counts from the kernel (`PACKET_STATISTICS`), accumulated since the ring opened.
public struct KernelCaptureStatistics: Hashable, Sendable, Codable {
    /// Packets that passed the filter (delivered to the ring or dropped for lack of room).
    public var received: UInt64 = 0
    /// Packets dropped because the ring was full.
    public var dropped: UInt64 = 0
    /// Times the kernel froze the queue (ring full with TPACKET_V3).
    public var frozenQueues: UInt64 = 0

    /// Creates zeroed counters.
    public init() {}
}

/// Why a live capture could not start, with what to do about it.
public struct CaptureError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// The message, naming the fix.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }

    static func wrap(_ error: any Error, _ step: String) -> CaptureError {
        if let socketError = error as? SocketError, [Errno.notPermitted, .permissionDenied].contains(socketError.code) {
            return CaptureError("capture needs CAP_NET_RAW: run with sudo or `setcap cap_net_raw,cap_net_admin+ep` on the socktui binary")
        }
        return CaptureError("\(step): \(error)")
    }
}

/// An AF_PACKET socket with a TPACKET_V3 memory-mapped receive ring: the kernel fills blocks of
/// packets, user space reads a whole block at once and hands it back, with no copy per packet
/// until a packet is kept.
///
/// On one interface the socket is `SOCK_RAW` and packets keep their link header; on `any` it is
/// `SOCK_DGRAM` and each packet gets a Linux cooked v2 (SLL2) header built from its
/// `sockaddr_ll`, as libpcap does. On loopback the kernel shows every packet twice (the
/// outgoing and the incoming copy); the ring's kernel filter drops the outgoing copy, so each
/// packet is seen once and never reaches user space twice.
///
/// On `any` the kernel sees packets from the network header on (`SOCK_DGRAM`), so a user filter
/// for it must be compiled for raw IP (`LinkType.raw`) with the snap length less the 20-byte
/// SLL2 header; link-level filters (`ether host`, `arp`) need a named interface.
public final class PacketRing {
    static let solPacket: Int32 = 263
    static let packetAddMembership: Int32 = 1
    static let packetRxRing: Int32 = 5
    static let packetStatistics: Int32 = 6
    static let packetVersion: Int32 = 10
    static let tpacketV3: Int32 = 2
    static let statusUser: UInt32 = 1
    static let statusKernel: UInt32 = 0
    static let headerSize = 48  // TPACKET_ALIGN(sizeof(struct tpacket3_hdr))

    /// The socket (exposed for options and statistics).
    public let socket: Socket
    /// The interface the ring captures on.
    public let interface: CaptureInterface
    private let configuration: RingConfiguration
    private let ring: UnsafeMutableRawPointer
    private let ringSize: Int
    private var currentBlock = 0
    private let snapLength: Int
    private let loopbackIndex: UInt32?
    private let cooked: Bool
    private var totals = KernelCaptureStatistics()
    /// Where `any` captures assemble SLL2 header + packet (the ring holds no link header).
    private let cookedScratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 262_144 + 20, alignment: 8)

    /// Opens a ring on `interfaceName` (`any` for all interfaces).
    /// - Throws: `CaptureError` naming the fix (privileges, unknown interface, ring too large).
    public init(
        interfaceName: String, snapLength: Int = 262_144, promiscuous: Bool = false,
        direction: CaptureDirection = .both, filter: [BPFInstruction]? = nil,
        configuration: RingConfiguration = RingConfiguration()
    ) throws {
        guard (1...262_144).contains(snapLength) else { throw CaptureError("snap length must be 1-262144, got \(snapLength)") }
        // Before the kernel is asked: a size it cannot take, or one that would take most of the memory.
        try configuration.validate(.request)
        cooked = interfaceName == "any"
        let index: UInt32
        if cooked {
            index = 0
        } else {
            guard let found = SocketKit.interfaceIndex(name: interfaceName) else {
                throw CaptureError("no such interface '\(interfaceName)' (see `ip link`)")
            }
            index = found
        }
        self.snapLength = snapLength
        self.configuration = configuration
        loopbackIndex = SocketKit.interfaceIndex(name: "lo")
        do {
            // Protocol 0: the socket receives nothing until `bind` names ETH_P_ALL and the
            // interface, so no packet reaches its plain queue (counted, never read) before the
            // filter and the ring are in place.
            socket = try Socket(family: .packet, type: cooked ? .datagram : .raw, protocol: 0)
        } catch {
            throw CaptureError.wrap(error, "socket(AF_PACKET)")
        }
        let linkType: LinkType = cooked ? .linuxSLL2 : Self.linkType(interfaceIndex: index)
        interface = CaptureInterface(name: interfaceName, kernelIndex: Int32(index), linkType: linkType, snapLength: UInt32(snapLength))
        do {
            // The filter goes on before the bind so no unfiltered packet is queued.
            try socket.setsockopt(
                level: SOL_SOCKET, name: SO_ATTACH_FILTER_CONSTANT,
                program: Self.kernelProgram(
                    filter, direction: direction, loopbackIndex: loopbackIndex,
                    snapLength: cooked ? max(1, snapLength - 20) : snapLength))
            try socket.setsockopt(level: Self.solPacket, name: Self.packetVersion, value: Self.tpacketV3)
            var request: [UInt8] = []
            request.appendLittleEndian(UInt32(configuration.blockSize))  // tp_block_size
            request.appendLittleEndian(UInt32(configuration.blockCount))  // tp_block_nr
            request.appendLittleEndian(UInt32(min(configuration.blockSize, 1 << 16)))  // tp_frame_size (unused by V3)
            request.appendLittleEndian(UInt32(configuration.blockSize / min(configuration.blockSize, 1 << 16) * configuration.blockCount))
            request.appendLittleEndian(UInt32(configuration.retireTimeoutMilliseconds))  // tp_retire_blk_tov
            request.appendLittleEndian(UInt32(0))  // tp_sizeof_priv
            request.appendLittleEndian(UInt32(0))  // tp_feature_req_word
            try socket.setsockopt(level: Self.solPacket, name: Self.packetRxRing, bytes: request)
        } catch {
            throw CaptureError.wrap(error, "setting up the TPACKET_V3 ring")
        }
        ringSize = configuration.blockSize * configuration.blockCount
        guard let mapped = mmap(nil, ringSize, PROT_READ | PROT_WRITE, MAP_SHARED, socket.fileDescriptor, 0),
            mapped != MAP_FAILED
        else {
            let code = Errno.current
            throw CaptureError("mmap of a \(ringSize >> 20) MiB capture ring failed (\(code)); use fewer or smaller blocks")
        }
        ring = mapped
        do {
            if promiscuous && index != 0 {
                var membership: [UInt8] = []
                membership.appendLittleEndian(Int32(index))  // mr_ifindex
                membership.appendLittleEndian(UInt16(1))  // mr_type PACKET_MR_PROMISC
                membership.appendLittleEndian(UInt16(0))  // mr_alen
                membership += [UInt8](repeating: 0, count: 8)  // mr_address
                try socket.setsockopt(level: Self.solPacket, name: Self.packetAddMembership, bytes: membership)
            }
            try socket.bind(
                .packet(
                    PacketAddress(
                        interface: cooked ? "" : interfaceName, protocolNumber: 0x0003,
                        interfaceIndex: Int(index))))
        } catch {
            munmap(ring, ringSize)
            throw CaptureError.wrap(error, "binding to \(interfaceName)")
        }
    }

    deinit {
        munmap(ring, ringSize)
        cookedScratch.deallocate()
    }

    /// The ARP hardware type of an interface as a link type (loopback and Ethernet are both
    /// Ethernet-framed on Linux; others are reported as raw IP).
    static func linkType(interfaceIndex: UInt32) -> LinkType {
        guard let name = interfaceName(index: interfaceIndex),
            let text = try? String(contentsOfFile: "/sys/class/net/\(name)/type", encoding: .utf8),
            let type = Int(text.filter { $0.isNumber })
        else { return .ethernet }
        switch type {
        case 1, 772: return .ethernet  // ARPHRD_ETHER, ARPHRD_LOOPBACK
        case 65534, 776, 778: return .raw  // ARPHRD_NONE (tun), SIT, IPGRE
        default: return .ethernet
        }
    }

    /// The program attached in the kernel: drop loopback's outgoing copies, apply the direction,
    /// then the user's filter (or accept `snapLength` bytes of everything).
    static func kernelProgram(
        _ filter: [BPFInstruction]?, direction: CaptureDirection,
        loopbackIndex: UInt32?, snapLength: Int
    ) -> [BPFInstruction] {
        let pkttype: UInt32 = 0xffff_f000 &+ 4  // SKF_AD_OFF + SKF_AD_PKTTYPE
        let ifindex: UInt32 = 0xffff_f000 &+ 8  // SKF_AD_OFF + SKF_AD_IFINDEX
        let ldB: UInt16 = 0x30, ldW: UInt16 = 0x20, jeq: UInt16 = 0x15
        var prefix: [BPFInstruction] = []
        let user = filter ?? [.accept(UInt32(snapLength))]
        switch direction {
        case .both:
            if let loopbackIndex {
                // if pkttype == OUTGOING && ifindex == lo: drop
                prefix += [
                    BPFInstruction(code: ldB, jumpTrue: 0, jumpFalse: 0, k: pkttype),
                    BPFInstruction(code: jeq, jumpTrue: 0, jumpFalse: 3, k: 4),
                    BPFInstruction(code: ldW, jumpTrue: 0, jumpFalse: 0, k: ifindex),
                    BPFInstruction(code: jeq, jumpTrue: 0, jumpFalse: 1, k: loopbackIndex),
                    .accept(0)
                ]
            }
        case .incoming:
            prefix += [
                BPFInstruction(code: ldB, jumpTrue: 0, jumpFalse: 0, k: pkttype),
                BPFInstruction(code: jeq, jumpTrue: 0, jumpFalse: 1, k: 4),
                .accept(0)
            ]
        case .outgoing:
            // Loopback's incoming copy of an outgoing packet is the same packet: keep only OUTGOING.
            prefix += [
                BPFInstruction(code: ldB, jumpTrue: 0, jumpFalse: 0, k: pkttype),
                BPFInstruction(code: jeq, jumpTrue: 1, jumpFalse: 0, k: 4),
                .accept(0)
            ]
        }
        // The user's program reads the packet from offset 0 and its jumps are relative, so it
        // runs unchanged after the prefix falls through.
        return prefix + user
    }

    /// Waits up to `timeoutMilliseconds` for a retired block and returns copies of its packets
    /// (empty on timeout). The block is handed back to the kernel before returning.
    public func nextBatch(timeoutMilliseconds: Int32) throws -> [CapturedPacket] {
        var packets: [CapturedPacket] = []
        _ = try nextBlock(timeoutMilliseconds: timeoutMilliseconds) { packet in
            packets.append(
                CapturedPacket(
                    timestamp: packet.timestamp, data: Array(packet.bytes),
                    originalLength: packet.originalLength, linkType: interface.linkType,
                    interfaceID: 0, direction: packet.direction))
        }
        return packets
    }

    /// Waits up to `timeoutMilliseconds` for a retired block and calls `visit` for each of its
    /// packets in place, with no copy; returns how many there were (0 on timeout). A
    /// `RingPacket`'s bytes are valid only during its `visit` call: the block goes back to the
    /// kernel when this returns.
    public func nextBlock(timeoutMilliseconds: Int32, _ visit: (RingPacket) throws -> Void) throws -> Int {
        let block = ring + currentBlock * configuration.blockSize
        if Self.blockStatus(block) & Self.statusUser == 0 {
            var descriptor = pollfd(fd: socket.fileDescriptor, events: Int16(POLLIN | POLLERR), revents: 0)
            // EINTR counts as a timeout: the caller loops and re-checks its stop flag.
            let ready = syscall("poll", retryOnInterrupt: false) { poll(&descriptor, 1, timeoutMilliseconds) }
            if case .failure(let error) = ready, error.code != .interrupted { throw CaptureError("poll: \(error.code)") }
            if Self.blockStatus(block) & Self.statusUser == 0 { return 0 }
        }
        // Hand the block back even when `visit` throws; the release store orders our reads
        // before the kernel's reuse.
        defer {
            Self.setBlockStatus(block, Self.statusKernel)
            currentBlock = (currentBlock + 1) % configuration.blockCount
        }
        return try walkBlock(block, visit)
    }

    private static func blockStatus(_ block: UnsafeMutableRawPointer) -> UInt32 {
        csock_load_acquire_u32((block + 8).assumingMemoryBound(to: UInt32.self))
    }

    private static func setBlockStatus(_ block: UnsafeMutableRawPointer, _ value: UInt32) {
        csock_store_release_u32((block + 8).assumingMemoryBound(to: UInt32.self), value)
    }

    /// Walks one retired block, bounds-checking every offset against the block size.
    private func walkBlock(_ block: UnsafeMutableRawPointer, _ visit: (RingPacket) throws -> Void) rethrows -> Int {
        let size = configuration.blockSize
        let count = Int(block.load(fromByteOffset: 12, as: UInt32.self))
        var offset = Int(block.load(fromByteOffset: 16, as: UInt32.self))
        var visited = 0
        for _ in 0..<count {
            guard offset >= 48, offset + Self.headerSize + 20 <= size else { break }
            let header = block + offset
            let next = Int(header.load(fromByteOffset: 0, as: UInt32.self))
            let seconds = header.load(fromByteOffset: 4, as: UInt32.self)
            let nanoseconds = header.load(fromByteOffset: 8, as: UInt32.self)
            let captured = Int(header.load(fromByteOffset: 12, as: UInt32.self))
            let wire = Int(header.load(fromByteOffset: 16, as: UInt32.self))
            let mac = Int(header.load(fromByteOffset: 24, as: UInt16.self))
            let network = Int(header.load(fromByteOffset: 26, as: UInt16.self))
            let link = header + Self.headerSize  // struct sockaddr_ll
            let pkttype = link.load(fromByteOffset: 10, as: UInt8.self)
            let start = cooked ? network : mac
            if start >= 0, captured >= 0, offset + start + captured <= size, nanoseconds < 1_000_000_000 {
                let timestamp = PacketTimestamp(seconds: Int64(seconds), nanoseconds: nanoseconds)
                let direction: PacketDirection = pkttype == 4 ? .outgoing : .incoming
                if cooked {
                    // SLL2: protocol, reserved, ifindex, hatype, pkttype, halen, 8-byte address.
                    let out = cookedScratch
                    out.storeBytes(of: link.load(fromByteOffset: 2, as: UInt16.self), toByteOffset: 0, as: UInt16.self)
                    out.storeBytes(of: 0, toByteOffset: 2, as: UInt16.self)
                    out.storeBytes(of: link.load(fromByteOffset: 4, as: Int32.self).bigEndian, toByteOffset: 4, as: Int32.self)
                    out.storeBytes(of: link.load(fromByteOffset: 8, as: UInt16.self).bigEndian, toByteOffset: 8, as: UInt16.self)
                    out[10] = pkttype
                    let addressLength = min(Int(link.load(fromByteOffset: 11, as: UInt8.self)), 8)
                    out[11] = UInt8(addressLength)
                    for byte in 0..<8 { out[12 + byte] = byte < addressLength ? link.load(fromByteOffset: 12 + byte, as: UInt8.self) : 0 }
                    let payload = min(captured, out.count - 20)
                    (out.baseAddress! + 20).copyMemory(from: header + start, byteCount: payload)
                    try visit(
                        RingPacket(
                            timestamp: timestamp, originalLength: wire + 20,
                            bytes: UnsafeRawBufferPointer(rebasing: out[0..<(20 + payload)]), direction: direction))
                } else {
                    try visit(
                        RingPacket(
                            timestamp: timestamp, originalLength: wire,
                            bytes: UnsafeRawBufferPointer(start: header + start, count: captured), direction: direction))
                }
                visited += 1
            }
            if next == 0 { break }
            offset += next
        }
        return visited
    }

    /// Kernel counters accumulated since the ring opened (`PACKET_STATISTICS` resets on read).
    public func statistics() -> KernelCaptureStatistics {
        if let bytes = try? socket.getsockopt(level: Self.solPacket, name: Self.packetStatistics, bufferLength: 12), bytes.count >= 12 {
            let reader = ByteReader(bytes)
            totals.received += UInt64((try? reader.u32le(0)) ?? 0)
            totals.dropped += UInt64((try? reader.u32le(4)) ?? 0)
            totals.frozenQueues += UInt64((try? reader.u32le(8)) ?? 0)
        }
        return totals
    }
}

/// SO_ATTACH_FILTER.
let SO_ATTACH_FILTER_CONSTANT: Int32 = 26

extension Socket {
    /// Attaches a classic BPF program (`SO_ATTACH_FILTER` with a `struct sock_fprog`).
    func setsockopt(level: Int32, name: Int32, program: [BPFInstruction]) throws {
        guard !program.isEmpty, program.count <= 4096 else {
            throw InvalidArgumentError(argument: "filter", rule: "a BPF program has 1-4096 instructions, got \(program.count)")
        }
        var raw: [UInt64] = program.map { instruction in
            UInt64(instruction.code) | UInt64(instruction.jumpTrue) << 16 | UInt64(instruction.jumpFalse) << 24 | UInt64(instruction.k)
                << 32
        }
        try raw.withUnsafeMutableBytes { instructions in
            var fprog: [UInt8] = []
            fprog.appendLittleEndian(UInt16(program.count))
            fprog += [0, 0, 0, 0, 0, 0]
            fprog.appendLittleEndian(UInt64(UInt(bitPattern: instructions.baseAddress)))
            try setsockopt(level: level, name: name, bytes: fprog)
        }
    }
}
