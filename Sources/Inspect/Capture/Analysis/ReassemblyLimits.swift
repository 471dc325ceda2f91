/// Bounds on the memory reassembly may hold, so a hostile capture (endless out-of-order segments,
/// fragments that never complete, giant fragment offsets) cannot make it grow without limit.
/// When a limit is hit the engine gives up on the data it was holding and counts it in
/// `ReassemblyCounters`, instead of growing.
public struct ReassemblyLimits: Hashable, Sendable, Codable {
    /// Bytes of out-of-order TCP data held per direction while waiting for a hole to fill; past it
    /// the hole is declared a gap and the held data is delivered.
    public var pendingBytesPerDirection: Int
    /// Out-of-order TCP segments held per direction.
    public var pendingSegmentsPerDirection: Int
    /// IP datagrams being reassembled at once; past it the oldest is dropped.
    public var pendingDatagrams: Int
    /// Bytes held in incomplete IP datagrams, all together; past it the oldest are dropped.
    public var pendingFragmentBytes: Int
    /// Fragments one datagram may have.
    public var fragmentsPerDatagram: Int

    /// Creates limits; the defaults hold at most about 4 MiB per TCP direction and 16 MiB of fragments.
    public init(
        pendingBytesPerDirection: Int = 4 << 20, pendingSegmentsPerDirection: Int = 8192,
        pendingDatagrams: Int = 1024, pendingFragmentBytes: Int = 16 << 20, fragmentsPerDatagram: Int = 1024
    ) {
        self.pendingBytesPerDirection = pendingBytesPerDirection
        self.pendingSegmentsPerDirection = pendingSegmentsPerDirection
        self.pendingDatagrams = pendingDatagrams
        self.pendingFragmentBytes = pendingFragmentBytes
        self.fragmentsPerDatagram = fragmentsPerDatagram
    }
}

/// What reassembly did and where it gave up: shown beside a stream or statistics so a partial
/// result never passes for a complete one.
public struct ReassemblyCounters: Hashable, Sendable, Codable {
    /// IP datagrams reassembled from fragments.
    public var datagramsReassembled = 0
    /// Fragments whose data overlapped data already held (kept: the first copy).
    public var overlappingFragments = 0
    /// Overlapping fragments whose bytes differed from the first copy (a evasion attempt or corruption).
    public var conflictingFragments = 0
    /// Fragments refused: past 65,535 bytes, cut short by the snapshot length, or beyond the per-datagram count.
    public var refusedFragments = 0
    /// Incomplete datagrams dropped to stay within `ReassemblyLimits`.
    public var droppedDatagrams = 0
    /// Incomplete datagrams left at the end of the capture.
    public var incompleteDatagrams = 0
    /// Times out-of-order TCP data was released with a gap because a limit was reached.
    public var tcpLimitFlushes = 0
    /// DNS-over-TCP messages reassembled from more than one segment.
    public var dnsMessagesReassembled = 0

    /// Creates zero counters.
    public init() {}

    /// True when a limit was hit or data was refused.
    public var hitLimits: Bool { refusedFragments > 0 || droppedDatagrams > 0 || tcpLimitFlushes > 0 }
}
