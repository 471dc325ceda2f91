import Synchronization

/// Where the UI reads packets from: a live capture's `PacketStore` or a `CaptureFileReader`.
/// A virtual list asks only for the rows it shows.
public protocol PacketSource: AnyObject, Sendable {
    /// Packets available now (a file indexes lazily; a capture grows).
    var availablePacketCount: Int { get }
    /// The interfaces packets refer to by `interfaceID`.
    var interfaces: [CaptureInterface] { get }
    /// The packets in `range`, clamped to those available.
    func packets(in range: Range<Int>) -> [CapturedPacket]
}

/// Packets kept in memory within a byte budget, appended by a capture thread in batches and read
/// by the UI at the same time.
///
/// `append` never drops silently: it accepts packets while they fit in the budget and reports how
/// many it took, so the capture can spill the rest to a file or stop, as the user chose.
public final class PacketStore: PacketSource {
    private struct State {
        var packets: [CapturedPacket] = []
        var interfaces: [CaptureInterface]
        var bytesUsed = 0
        var rejected = 0
    }

    /// Approximate bookkeeping cost of one stored packet beyond its bytes.
    public static let perPacketOverhead = 64
    /// The memory budget in bytes (packet data plus `perPacketOverhead` each).
    public let memoryBudget: Int
    private let state: Mutex<State>

    /// Creates an empty store.
    public init(interfaces: [CaptureInterface] = [], memoryBudget: Int = 256 << 20) {
        self.memoryBudget = memoryBudget
        state = Mutex(State(interfaces: interfaces))
    }

    /// The result of `append`.
    public struct AppendResult: Hashable, Sendable {
        /// Packets stored from the front of the batch.
        public var accepted: Int
        /// True when the budget is exhausted and the rest of the batch was not stored.
        public var full: Bool
    }

    /// Stores packets from the front of `batch` while they fit in the budget.
    @discardableResult
    public func append(contentsOf batch: [CapturedPacket]) -> AppendResult {
        state.withLock { state in
            var accepted = 0
            for packet in batch {
                let cost = packet.data.count + Self.perPacketOverhead
                if state.bytesUsed + cost > memoryBudget { break }
                state.packets.append(packet)
                state.bytesUsed += cost
                accepted += 1
            }
            state.rejected += batch.count - accepted
            return AppendResult(accepted: accepted, full: accepted < batch.count)
        }
    }

    /// Adds an interface; returns its ID for `CapturedPacket.interfaceID`.
    @discardableResult
    public func addInterface(_ interface: CaptureInterface) -> Int {
        state.withLock { state in
            state.interfaces.append(interface)
            return state.interfaces.count - 1
        }
    }

    /// Packets stored.
    public var count: Int { state.withLock { $0.packets.count } }
    /// Bytes of the budget in use.
    public var bytesUsed: Int { state.withLock { $0.bytesUsed } }
    /// Packets `append` could not store.
    public var rejectedCount: Int { state.withLock { $0.rejected } }

    public var availablePacketCount: Int { count }
    public var interfaces: [CaptureInterface] { state.withLock { $0.interfaces } }

    public func packets(in range: Range<Int>) -> [CapturedPacket] {
        state.withLock { state in
            let clamped = range.clamped(to: 0..<state.packets.count)
            return Array(state.packets[clamped])
        }
    }

    /// Packet `index`, or nil past the end.
    public func packet(at index: Int) -> CapturedPacket? {
        state.withLock { $0.packets.indices.contains(index) ? $0.packets[index] : nil }
    }

    /// Summaries of the packets in `range`, dissected now (1-based numbers).
    public func summaries(in range: Range<Int>, options: DissectorOptions = DissectorOptions()) -> [PacketSummary] {
        let names = interfaces.map(\.name)
        let clamped = range.clamped(to: 0..<count)
        return zip(clamped, packets(in: clamped)).map { index, packet in
            PacketSummary(
                number: index + 1, timestamp: packet.timestamp, length: packet.originalLength, capturedLength: packet.data.count,
                interface: names.indices.contains(packet.interfaceID) ? names[packet.interfaceID] : nil,
                direction: packet.direction, dissection: Dissector.dissect(packet, options: options))
        }
    }
}

extension CaptureFileReader: PacketSource {
    /// Packets indexed so far (the file may hold more; see `isFullyIndexed`).
    public var availablePacketCount: Int { indexedCount }
}
