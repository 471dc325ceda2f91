/// What one piece of a followed stream is.
public enum StreamSegmentKind: Hashable, Sendable, Codable {
    /// New bytes, in stream order.
    case data
    /// A segment whose bytes were all delivered before (they are shown, not part of the stream).
    case retransmission
    /// A segment that partly repeated earlier bytes: `repeated` bytes were dropped, the rest delivered.
    case overlap(repeated: Int)
    /// Bytes the capture never saw (`missing` of them): not captured, or given up on at a limit.
    case gap(missing: Int)
}

/// One direction's reassembly by sequence numbers: delivers bytes in stream order whatever order
/// segments arrive in, marking retransmissions, partial overlaps and gaps.
///
/// Sequence numbers are unwrapped into a 64-bit stream offset, so a stream crossing 2³² works. The
/// stream starts at the SYN's sequence number + 1, or at the first segment seen when the capture
/// began mid-stream. Out-of-order data waits (within `ReassemblyLimits`) for the hole before it to
/// fill; a hole is declared a gap when the peer acknowledges past it, when a limit is reached, or
/// at `finish()`.
public struct TCPDirectionReassembler: Sendable {
    /// One delivered piece: its kind, the packet it came from and its bytes (empty for a gap).
    public struct Event: Hashable, Sendable {
        /// What the piece is.
        public var kind: StreamSegmentKind
        /// 1-based packet number (for a gap: the packet that revealed it).
        public var packet: Int
        /// The bytes (new bytes for data and overlap; the repeated bytes for a retransmission).
        public var bytes: [UInt8]
    }

    private struct Held: Sendable {
        var offset: Int64
        var bytes: [UInt8]
        var packet: Int
    }

    /// The limits in force.
    public let limits: ReassemblyLimits
    /// Next expected sequence number, once known.
    public private(set) var nextSequence: UInt32?
    /// Stream offset of `nextSequence` (bytes delivered or declared missing, plus SYN/FIN).
    private var nextOffset: Int64 = 0
    /// The initial sequence number from the SYN, if seen.
    public private(set) var initialSequence: UInt32?
    private var finOffset: Int64?
    private var held: [Held] = []
    private var heldBytes = 0
    /// Times held data was released with a gap because a limit was reached.
    public private(set) var limitFlushes = 0

    /// Creates a reassembler for one direction.
    public init(limits: ReassemblyLimits = ReassemblyLimits()) {
        self.limits = limits
    }

    /// Adds a segment: its sequence number, SYN and FIN flags and payload, from packet `packet`.
    /// Returns the pieces it delivers, in order.
    public mutating func add(sequence: UInt32, syn: Bool, fin: Bool, payload: some Collection<UInt8>, packet: Int) -> [Event] {
        var sequence = sequence
        if syn {
            if initialSequence == nil { initialSequence = sequence }
            if nextSequence == nil { nextSequence = sequence &+ 1 }
            sequence &+= 1
        }
        guard let next = nextSequence else {
            nextSequence = sequence
            return add(sequence: sequence, syn: false, fin: fin, payload: payload, packet: packet)
        }
        let offset = nextOffset + Int64(Int32(bitPattern: sequence &- next))
        if fin, offset + Int64(payload.count) >= nextOffset { finOffset = offset + Int64(payload.count) }
        var events: [Event] = []
        if !payload.isEmpty {
            let end = offset + Int64(payload.count)
            if end <= nextOffset {
                events.append(Event(kind: .retransmission, packet: packet, bytes: Array(payload)))
            } else if offset <= nextOffset {
                let repeated = Int(nextOffset - offset)
                deliver(
                    Array(payload.dropFirst(repeated)), kind: repeated > 0 ? .overlap(repeated: repeated) : .data, packet: packet,
                    into: &events)
                drain(into: &events)
            } else {
                hold(Held(offset: offset, bytes: Array(payload), packet: packet), into: &events)
            }
        }
        consumeFIN()
        return events
    }

    /// The peer acknowledged up to `acknowledgment` (from packet `packet`): data before it that was
    /// never seen is declared a gap, and held data after it is delivered.
    public mutating func acknowledged(_ acknowledgment: UInt32, packet: Int) -> [Event] {
        guard let next = nextSequence else { return [] }
        let ahead = Int64(Int32(bitPattern: acknowledgment &- next))
        // Only a plausible distance counts; a wild value is ignored rather than trusted.
        guard ahead > 0, ahead < 1 << 30 else { return [] }
        var events: [Event] = []
        let target = nextOffset + ahead - (finOffset.map { $0 < nextOffset + ahead ? 1 : 0 } ?? 0)
        let firstHeld = held.first?.offset ?? target
        let missing = min(target, firstHeld) - nextOffset
        if missing > 0 {
            advance(by: missing)
            events.append(Event(kind: .gap(missing: Int(missing)), packet: packet, bytes: []))
            drain(into: &events)
            consumeFIN()
        }
        return events
    }

    /// Releases everything held, with gaps before it (call at the end of the capture).
    public mutating func finish(packet: Int) -> [Event] {
        var events: [Event] = []
        releaseHeld(into: &events, packet: packet)
        return events
    }

    private mutating func hold(_ segment: Held, into events: inout [Event]) {
        let index = held.firstIndex { $0.offset > segment.offset } ?? held.count
        held.insert(segment, at: index)
        heldBytes += segment.bytes.count
        if heldBytes > limits.pendingBytesPerDirection || held.count > limits.pendingSegmentsPerDirection {
            limitFlushes += 1
            releaseHeld(into: &events, packet: segment.packet)
        }
    }

    private mutating func releaseHeld(into events: inout [Event], packet: Int) {
        while let first = held.first {
            if first.offset > nextOffset {
                let missing = first.offset - nextOffset
                advance(by: missing)
                events.append(Event(kind: .gap(missing: Int(missing)), packet: first.packet, bytes: []))
            }
            drain(into: &events)
        }
        consumeFIN()
    }

    /// Delivers held segments that now start at or before the next expected byte.
    private mutating func drain(into events: inout [Event]) {
        while let first = held.first, first.offset <= nextOffset {
            held.removeFirst()
            heldBytes -= first.bytes.count
            let end = first.offset + Int64(first.bytes.count)
            if end <= nextOffset {
                events.append(Event(kind: .retransmission, packet: first.packet, bytes: first.bytes))
            } else {
                let repeated = Int(nextOffset - first.offset)
                deliver(
                    Array(first.bytes.dropFirst(repeated)), kind: repeated > 0 ? .overlap(repeated: repeated) : .data,
                    packet: first.packet, into: &events)
            }
        }
    }

    private mutating func deliver(_ bytes: [UInt8], kind: StreamSegmentKind, packet: Int, into events: inout [Event]) {
        advance(by: Int64(bytes.count))
        events.append(Event(kind: kind, packet: packet, bytes: bytes))
    }

    private mutating func advance(by count: Int64) {
        nextOffset += count
        nextSequence = nextSequence.map { $0 &+ UInt32(truncatingIfNeeded: count) }
    }

    /// A FIN takes one sequence number once every byte before it is delivered.
    private mutating func consumeFIN() {
        if let fin = finOffset, fin == nextOffset {
            advance(by: 1)
            finOffset = nil
        }
    }
}
