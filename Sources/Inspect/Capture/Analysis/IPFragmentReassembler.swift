/// Reassembles IPv4 fragments (RFC 791) and IPv6 fragment-header fragments (RFC 8200 §4.5) into
/// datagrams, completing each on whichever fragment fills its last hole, as tshark does.
///
/// Bounded: a datagram may not extend past 65,535 bytes, may have at most
/// `ReassemblyLimits.fragmentsPerDatagram` fragments, and incomplete datagrams together hold at
/// most `pendingFragmentBytes` (the oldest are dropped first). Overlapping fragments keep the first
/// copy of each byte and are counted, with a separate count when their bytes differ.
public struct IPFragmentReassembler: Sendable {
    /// A datagram's identity: both addresses, the identification and the protocol.
    struct Key: Hashable, Sendable {
        var source: IPAddress
        var destination: IPAddress
        var identification: UInt32
        var protocolNumber: UInt8
    }

    struct Piece: Sendable {
        var offset: Int
        var bytes: [UInt8]
        var end: Int { offset + bytes.count }
    }

    struct Pending: Sendable {
        var pieces: [Piece] = []
        var totalLength: Int?
        var packets: [Int] = []
        var bytes = 0
        var order: Int
    }

    /// A datagram completed by the last fragment added.
    public struct Datagram: Hashable, Sendable {
        /// The upper-layer protocol of the payload.
        public var protocolNumber: UInt8
        /// The reassembled payload (what follows the IP header, or the IPv6 fragment header).
        public var payload: [UInt8]
        /// Packet numbers of the fragments, in the order they arrived.
        public var packets: [Int]
    }

    /// The largest datagram payload IP can carry.
    public static let maximumLength = 65_535

    /// The limits in force.
    public let limits: ReassemblyLimits
    /// What happened so far.
    public private(set) var counters = ReassemblyCounters()
    private var pending: [Key: Pending] = [:]
    private var heldBytes = 0
    private var arrivals = 0

    /// Creates an empty reassembler.
    public init(limits: ReassemblyLimits = ReassemblyLimits()) {
        self.limits = limits
    }

    /// Datagrams still waiting for fragments.
    public var pendingCount: Int { pending.count }

    /// Adds the fragment that `flow` describes, whose data is `data` (the bytes after the IP
    /// header or fragment header), from packet `packet`; returns the datagram it completes, if any.
    /// `claimedLength` is the data length the header claims: a fragment cut by the snapshot
    /// length cannot be reassembled and is refused.
    public mutating func add(_ network: PacketFlow.Network, data: UnsafeRawBufferPointer, claimedLength: Int, packet: Int) -> Datagram? {
        guard let fragment = network.fragment else { return nil }
        let key = Key(
            source: network.source, destination: network.destination, identification: fragment.identification,
            protocolNumber: fragment.protocolNumber)
        let end = fragment.offset + claimedLength
        guard data.count == claimedLength, end <= Self.maximumLength,
            fragment.moreFragments ? claimedLength > 0 : true
        else {
            counters.refusedFragments += 1
            return nil
        }
        arrivals += 1
        var entry = pending[key] ?? Pending(order: arrivals)
        if entry.pieces.count >= limits.fragmentsPerDatagram {
            counters.refusedFragments += 1
            return nil
        }
        if !fragment.moreFragments {
            if let total = entry.totalLength, total != end {
                // Two different ends: the datagram cannot be trusted.
                counters.conflictingFragments += 1
                drop(key)
                return nil
            }
            entry.totalLength = end
        }
        let added = insert(Piece(offset: fragment.offset, bytes: Array(data)), into: &entry)
        entry.packets.append(packet)
        entry.bytes += added
        heldBytes += added
        pending[key] = entry
        if let total = entry.totalLength, Self.covers(entry.pieces, total) {
            pending[key] = nil
            heldBytes -= entry.bytes
            counters.datagramsReassembled += 1
            var payload = [UInt8](repeating: 0, count: total)
            for piece in entry.pieces where piece.offset < total {
                let stop = min(piece.end, total)
                payload.replaceSubrange(piece.offset..<stop, with: piece.bytes[0..<(stop - piece.offset)])
            }
            return Datagram(protocolNumber: key.protocolNumber, payload: payload, packets: entry.packets)
        }
        enforceLimits()
        return nil
    }

    /// Counts the datagrams still incomplete (call at the end of a capture).
    public mutating func finish() {
        counters.incompleteDatagrams += pending.count
        pending.removeAll()
        heldBytes = 0
    }

    /// Inserts the parts of `piece` not already held; returns the bytes added.
    private mutating func insert(_ piece: Piece, into entry: inout Pending) -> Int {
        var parts = [piece]
        var overlapped = false, conflicted = false
        for held in entry.pieces {
            var next: [Piece] = []
            for part in parts {
                let start = max(part.offset, held.offset), stop = min(part.end, held.end)
                guard start < stop else { next.append(part); continue }
                overlapped = true
                if part.bytes[(start - part.offset)..<(stop - part.offset)] != held.bytes[(start - held.offset)..<(stop - held.offset)] {
                    conflicted = true
                }
                if part.offset < start { next.append(Piece(offset: part.offset, bytes: Array(part.bytes[0..<(start - part.offset)]))) }
                if stop < part.end { next.append(Piece(offset: stop, bytes: Array(part.bytes[(stop - part.offset)...]))) }
            }
            parts = next
        }
        if overlapped { counters.overlappingFragments += 1 }
        if conflicted { counters.conflictingFragments += 1 }
        entry.pieces += parts.filter { !$0.bytes.isEmpty }
        entry.pieces.sort { $0.offset < $1.offset }
        return parts.reduce(0) { $0 + $1.bytes.count }
    }

    private static func covers(_ pieces: [Piece], _ total: Int) -> Bool {
        var reached = 0
        for piece in pieces {
            if piece.offset > reached { return false }
            reached = max(reached, piece.end)
            if reached >= total { return true }
        }
        return reached >= total
    }

    private mutating func drop(_ key: Key) {
        if let entry = pending.removeValue(forKey: key) { heldBytes -= entry.bytes }
        counters.droppedDatagrams += 1
    }

    private mutating func enforceLimits() {
        while pending.count > limits.pendingDatagrams || heldBytes > limits.pendingFragmentBytes,
            let oldest = pending.min(by: { $0.value.order < $1.value.order })?.key
        {
            drop(oldest)
        }
    }
}
