import Synchronization

/// The TCP sequence analysis of a browsed capture (a file or a live capture's store), kept per
/// packet so rows, details and display filters read the same ``TCPAnalysis`` as `socktui read`.
///
/// The analysis must see packets in order from the first, so the table grows from the start: a
/// caller asks for the packets up to the one it needs (``extend(to:from:cancel:)``), or offers
/// packets as a sequential scan reads them (``offer(_:)``). Only TCP segments take a record; other
/// packets cost 4 bytes. Safe to share between threads.
public final class TCPAnalysisTable: Sendable {
    private struct State: Sendable {
        var analyzer = TCPSequenceAnalyzer()
        /// Per packet analysed: its record's place in `records`, or -1 when it is not a TCP segment.
        var slots: [Int32] = []
        var records: [TCPAnalysis] = []
    }
    private let state = Mutex(State())

    /// Packets read between two takes of the lock while extending.
    public static let batchSize = 4096

    /// Creates an empty table.
    public init() {}

    /// Packets analysed so far (from the first).
    public var analyzedCount: Int { state.withLock { $0.slots.count } }

    /// Packet `index`'s analysis, when it was analysed and is a TCP segment.
    public func analysis(at index: Int) -> TCPAnalysis? {
        state.withLock { state in
            guard index >= 0, index < state.slots.count, state.slots[index] >= 0 else { return nil }
            return state.records[Int(state.slots[index])]
        }
    }

    /// The analysis of `packet`, analysing it when it is the next packet in order (a scan from the
    /// start); nil for a packet further on, not yet reachable in order.
    public func offer(_ packet: PacketReference) -> TCPAnalysis? {
        state.withLock { state in
            if packet.index == state.slots.count { Self.add(packet, to: &state) }
            guard packet.index >= 0, packet.index < state.slots.count, state.slots[packet.index] >= 0 else { return nil }
            return state.records[Int(state.slots[packet.index])]
        }
    }

    /// Analyses the packets of `source` up to `end` (exclusive, clamped to what it holds), in
    /// batches; stops early when `cancel` is set or the source returns fewer packets than asked.
    public func extend(to end: Int, from source: any PacketSource, cancel: Cancellation? = nil) {
        while true {
            let start = analyzedCount
            let stop = min(end, source.availablePacketCount, start + Self.batchSize)
            guard start < stop, cancel?.isCancelled != true else { return }
            let packets = source.packets(in: start..<stop)
            guard !packets.isEmpty else { return }
            state.withLock { state in
                // Another caller may have analysed some of these meanwhile: take up where it stopped.
                for (offset, packet) in packets.enumerated() where start + offset == state.slots.count {
                    packet.withReference(index: start + offset) { Self.add($0, to: &state) }
                }
            }
            if packets.count < stop - start { return }
        }
    }

    private static func add(_ packet: PacketReference, to state: inout State) {
        if let analysis = state.analyzer.analyze(packet) {
            state.slots.append(Int32(truncatingIfNeeded: state.records.count))
            state.records.append(analysis)
        } else {
            state.slots.append(-1)
        }
    }
}
