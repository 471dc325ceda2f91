#if canImport(Glibc)
    import Glibc
#endif
import SocketKit
import DequeModule
import Foundation
import Synchronization

/// What a capture store does when its memory budget is full.
public enum StoreOverflowPolicy: Hashable, Sendable, Codable {
    /// Move the oldest packets to a temporary pcap file in `directory`; every packet stays
    /// readable by its number.
    case spill(directory: String)
    /// Keep what fits and refuse the rest: the capture stops (the caller stops it on `full`).
    case stopCapture
}

/// A live capture's packet store with a memory budget that never loses a packet silently:
/// the newest packets stay in memory; when the budget is full, the oldest are moved to a
/// temporary pcap file (read back on demand with `pread`), or, with `.stopCapture`, `append`
/// reports `full` and the capture stops. The UI reads any packet by number while the capture
/// thread appends.
public final class SpillingPacketStore: PacketSource {
    private struct State {
        var memory = Deque<CapturedPacket>()
        var memoryBytes = 0
        var spilled = 0
        var offsets: [Int64] = []
        var spilledMeta: [(interfaceID: UInt16, direction: PacketDirection, linkType: LinkType)] = []
        var fileSize: Int64 = 0
        var rejected = 0
        var capturedBytes = 0
        var interfaces: [CaptureInterface]
        var writeError: String?
    }

    /// Bytes of memory packets may use (data plus `PacketStore.perPacketOverhead` each).
    public let memoryBudget: Int
    /// What happens when the budget is full.
    public let policy: StoreOverflowPolicy
    /// The spill file's path, when spilling.
    public let spillPath: String?
    private let state: Mutex<State>
    private let descriptor: Int32

    /// Creates an empty store.
    /// - Throws: `CaptureFileError` when the spill file cannot be created.
    public init(
        interfaces: [CaptureInterface], memoryBudget: Int = 256 << 20,
        policy: StoreOverflowPolicy = .spill(directory: NSTemporaryDirectory())
    ) throws(CaptureFileError) {
        self.memoryBudget = max(memoryBudget, 1 << 16)
        self.policy = policy
        var header: [UInt8] = []
        if case .spill(let directory) = policy {
            var template =
                Array((directory.hasSuffix("/") ? directory : directory + "/").utf8CString.dropLast())
                + Array("socktui-spill-XXXXXX.pcap".utf8CString)
            let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 5) }
            let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            if fd < 0 { throw .system(path, "create", errno) }
            _ = unlink(path)  // the file lives as long as the store: nothing is left behind
            descriptor = fd
            spillPath = path
            // pcap header, nanosecond timestamps, the first interface's link type.
            func word(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { header.append(contentsOf: $0) } }
            word(0xa1b2_3c4d); header += [2, 0, 4, 0]; word(0); word(0); word(262_144)
            word(interfaces.first?.linkType.rawValue ?? LinkType.ethernet.rawValue)
        } else {
            descriptor = -1
            spillPath = nil
        }
        state = Mutex(State(interfaces: interfaces))
        if !header.isEmpty {
            let written = header.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
            if written != header.count { throw .system(spillPath ?? "spill", "write", errno) }
            state.withLock { $0.fileSize = Int64(header.count) }
        }
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// The result of `append`.
    public struct AppendResult: Hashable, Sendable {
        /// Packets stored (in memory or spilled).
        public var accepted: Int
        /// True when the budget is full and, with `.stopCapture`, the rest was refused.
        public var full: Bool
        /// A spill write failure, which stops the capture like `.stopCapture` does.
        public var error: String?
    }

    /// Stores a batch from the capture thread.
    @discardableResult
    public func append(contentsOf batch: [CapturedPacket]) -> AppendResult {
        state.withLock { state in
            var accepted = 0
            for packet in batch {
                let cost = packet.data.count + PacketStore.perPacketOverhead
                while state.memoryBytes + cost > memoryBudget, !state.memory.isEmpty, descriptor >= 0, state.writeError == nil {
                    spillOldest(&state)
                }
                if state.memoryBytes + cost > memoryBudget && (descriptor < 0 || state.writeError != nil) { break }
                state.memory.append(packet)
                state.memoryBytes += cost
                state.capturedBytes += packet.data.count
                accepted += 1
            }
            state.rejected += batch.count - accepted
            return AppendResult(accepted: accepted, full: accepted < batch.count, error: state.writeError)
        }
    }

    /// Moves the oldest in-memory packet to the spill file.
    private func spillOldest(_ state: inout State) {
        guard let packet = state.memory.first else { return }
        var record: [UInt8] = []
        record.reserveCapacity(16 + packet.data.count)
        for value in [
            UInt32(truncatingIfNeeded: packet.timestamp.seconds), packet.timestamp.nanoseconds,
            UInt32(packet.data.count), UInt32(clamping: packet.originalLength)
        ] {
            withUnsafeBytes(of: value.littleEndian) { record.append(contentsOf: $0) }
        }
        record += packet.data
        let offset = state.fileSize
        var done = 0
        while done < record.count {
            let result = syscall("pwrite") {
                record.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + done, $0.count - done, off_t(offset) + off_t(done)) }
            }
            switch result {
            case .success(let written): done += written
            case .failure(let error):
                state.writeError = "spill file \(spillPath ?? ""): \(error.code.message)"
                return
            }
        }
        state.memory.removeFirst()
        state.memoryBytes -= packet.data.count + PacketStore.perPacketOverhead
        state.offsets.append(offset)
        state.spilledMeta.append((UInt16(clamping: packet.interfaceID), packet.direction, packet.linkType))
        state.fileSize += Int64(record.count)
        state.spilled += 1
    }

    /// All packets stored, in memory and spilled.
    public var availablePacketCount: Int { state.withLock { $0.spilled + $0.memory.count } }
    /// Packets moved to the spill file.
    public var spilledCount: Int { state.withLock { $0.spilled } }
    /// Captured bytes of every packet stored so far (in memory and spilled), for rate displays.
    public var capturedBytes: Int { state.withLock { $0.capturedBytes } }
    /// Bytes of the budget in use.
    public var memoryBytes: Int { state.withLock { $0.memoryBytes } }
    /// Packets refused (only with `.stopCapture`, or after a spill write failed).
    public var rejectedCount: Int { state.withLock { $0.rejected } }
    /// The interfaces packets refer to.
    public var interfaces: [CaptureInterface] { state.withLock { $0.interfaces } }

    /// Replaces the interfaces (a stream that describes more of them as it goes); packets keep
    /// their interface ids.
    public func updateInterfaces(_ interfaces: [CaptureInterface]) { state.withLock { $0.interfaces = interfaces } }

    /// The packets in `range`, from memory or read back from the spill file.
    public func packets(in range: Range<Int>) -> [CapturedPacket] {
        state.withLock { state in
            let total = state.spilled + state.memory.count
            let clamped = max(0, range.lowerBound)..<min(total, max(range.lowerBound, range.upperBound))
            return clamped.compactMap { index in
                index >= state.spilled ? state.memory[index - state.spilled] : readSpilled(index, state)
            }
        }
    }

    /// Reads spilled packet `index` back (bounds-checked against what was written).
    private func readSpilled(_ index: Int, _ state: State) -> CapturedPacket? {
        let offset = state.offsets[index]
        var header = [UInt8](repeating: 0, count: 16)
        guard header.withUnsafeMutableBytes({ pread(descriptor, $0.baseAddress, 16, off_t(offset)) }) == 16 else { return nil }
        let reader = ByteReader(header)
        guard let seconds = try? reader.u32le(0), let nanoseconds = try? reader.u32le(4), let captured = try? reader.u32le(8),
            let original = try? reader.u32le(12), nanoseconds < 1_000_000_000,
            offset + 16 + Int64(captured) <= state.fileSize
        else { return nil }
        var data = [UInt8](repeating: 0, count: Int(captured))
        guard data.withUnsafeMutableBytes({ pread(descriptor, $0.baseAddress, Int(captured), off_t(offset + 16)) }) == Int(captured) else {
            return nil
        }
        let meta = state.spilledMeta[index]
        return CapturedPacket(
            timestamp: PacketTimestamp(seconds: Int64(seconds), nanoseconds: nanoseconds), data: data,
            originalLength: Int(original), linkType: meta.linkType, interfaceID: Int(meta.interfaceID),
            direction: meta.direction)
    }
}
