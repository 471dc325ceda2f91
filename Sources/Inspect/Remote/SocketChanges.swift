/// A socket table sent as the changes since the table the client already holds: the agent's
/// answer to `socketChanges`, so a steady refresh of thousands of sockets costs a few bytes.
public struct SocketChanges: Hashable, Sendable, Codable {
    /// This table's generation, to name as `since` in the next request.
    public var generation: UInt64
    /// The generation the diff applies to; nil when `diff.added` is the whole table.
    public var base: UInt64?
    /// What changed since `base` (everything, as added, when `base` is nil).
    public var diff: SocketDiff
    /// The snapshot's sources, warnings, hidden-process count, time and cost (as `SocketSnapshot`).
    public var sources: [String: String]
    /// Warnings of the snapshot.
    public var warnings: [String]
    /// Processes whose descriptors could not be read.
    public var hiddenProcesses: Int
    /// When the snapshot was taken.
    public var takenAt: Double
    /// Seconds the snapshot took on the agent.
    public var elapsed: Double

    enum CodingKeys: String, CodingKey {
        case generation, base, diff, sources, warnings, hiddenProcesses
        case takenAt = "taken_at_s"
        case elapsed = "elapsed_s"
    }

    /// Creates changes from `snapshot` against `base` entries (nil: send the whole table).
    public init(generation: UInt64, base: (generation: UInt64, entries: [SocketEntry])?, snapshot: SocketSnapshot) {
        self.init(
            generation: generation, base: base?.generation,
            diff: SocketDiff(old: base?.entries ?? [], new: snapshot.entries), snapshot: snapshot)
    }

    /// Creates changes from a diff already computed against generation `base` (nil: the diff
    /// is against an empty table).
    public init(generation: UInt64, base: UInt64?, diff: SocketDiff, snapshot: SocketSnapshot) {
        self.generation = generation
        self.base = base
        self.diff = diff
        sources = snapshot.sources
        warnings = snapshot.warnings
        hiddenProcesses = snapshot.hiddenProcesses
        takenAt = snapshot.takenAt
        elapsed = snapshot.elapsed
    }
}

/// The client's copy of one host's table, kept current from `SocketChanges`.
public struct SocketMirror: Sendable {
    /// The generation held (nil before the first table).
    public private(set) var generation: UInt64?
    /// The table, in the agent's order for unchanged rows (new rows at the end).
    public private(set) var snapshot = SocketSnapshot(entries: [], sources: [:], warnings: [], hiddenProcesses: 0, takenAt: 0, elapsed: 0)

    /// An empty mirror.
    public init() {}

    /// Applies `changes`; false (and nothing applied) when they are based on a table this
    /// mirror does not hold, so the caller asks again with `since: generation`.
    @discardableResult
    public mutating func apply(_ changes: SocketChanges) -> Bool {
        var entries: [SocketEntry]
        if let base = changes.base {
            guard base == generation else { return false }
            if changes.diff.isEmpty {
                entries = snapshot.entries
            } else {
                let removed = Set(changes.diff.removed.map(\.key))
                let changed = Dictionary(changes.diff.changed.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
                entries = snapshot.entries.filter { !removed.contains($0.key) }.map { changed[$0.key] ?? $0 }
                entries += changes.diff.added
            }
        } else {
            entries = changes.diff.added
        }
        generation = changes.generation
        snapshot = SocketSnapshot(
            entries: entries, sources: changes.sources, warnings: changes.warnings,
            hiddenProcesses: changes.hiddenProcesses, takenAt: changes.takenAt, elapsed: changes.elapsed)
        return true
    }
}
