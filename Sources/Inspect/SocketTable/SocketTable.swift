import Dispatch
import Foundation
import SocketKit
import Synchronization

/// What to list: which kinds, whether only listeners, and what extra detail to gather.
public struct SocketQuery: Hashable, Sendable, Codable {
    /// Kinds of sockets to dump.
    public var kinds: Set<SocketKind>
    /// Only listening (TCP, UNIX) or unconnected (UDP, raw) sockets.
    public var listeningOnly: Bool
    /// Map sockets to owning processes (a /proc walk, cached between refreshes).
    public var processes: Bool
    /// Ask the kernel for tcp_info and congestion control.
    public var tcpInfo: Bool

    /// Creates a query; by default every kind, with processes and TCP info.
    public init(
        kinds: Set<SocketKind> = Set(SocketKind.allCases), listeningOnly: Bool = false,
        processes: Bool = true, tcpInfo: Bool = true
    ) {
        self.kinds = kinds
        self.listeningOnly = listeningOnly
        self.processes = processes
        self.tcpInfo = tcpInfo
    }
}

/// One refresh of the socket table.
public struct SocketSnapshot: Hashable, Sendable, Codable {
    /// The sockets, sorted by kind, then local port, then inode.
    public var entries: [SocketEntry]
    /// Where each kind came from: `netlink` (sock_diag) or `/proc/net/...` (fallback).
    public var sources: [String: String]
    /// Problems worth showing (a fallback used, a dump interrupted, lines skipped).
    public var warnings: [String]
    /// Processes whose sockets could not be attributed (other users' without root).
    public var hiddenProcesses: Int
    /// Seconds since 1970 when the snapshot was taken.
    public var takenAt: Double
    /// Seconds the refresh took.
    public var elapsed: Double

    /// Creates a snapshot (the table takes them; panels' tests script them).
    public init(
        entries: [SocketEntry], sources: [String: String], warnings: [String], hiddenProcesses: Int, takenAt: Double, elapsed: Double
    ) {
        self.entries = entries
        self.sources = sources
        self.warnings = warnings
        self.hiddenProcesses = hiddenProcesses
        self.takenAt = takenAt
        self.elapsed = elapsed
    }

    enum CodingKeys: String, CodingKey {
        case entries, sources, warnings, hiddenProcesses
        case takenAt = "taken_at_s"
        case elapsed = "elapsed_s"
    }
}

/// Changes between two snapshots, by socket identity.
public struct SocketDiff: Hashable, Sendable, Codable {
    /// Sockets present only in the new snapshot.
    public var added: [SocketEntry]
    /// Sockets present only in the old snapshot.
    public var removed: [SocketEntry]
    /// Sockets present in both whose state, queues, owners or TCP info differ (new values).
    public var changed: [SocketEntry]

    /// True when nothing changed.
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }

    /// Compares two entry lists by `SocketEntry.id`.
    public init(old: [SocketEntry], new: [SocketEntry]) {
        // Against an empty table everything is added: the new table itself, not a copy of each
        // row (a first refresh, and every table `socktui sockets` prints).
        if old.isEmpty {
            added = new
            removed = []
            changed = []
            return
        }
        // Old rows by key, as indices (no copies of the entries).
        var before: [SocketKey: Int] = [:]
        before.reserveCapacity(old.count)
        var duplicates = false
        for (index, entry) in old.enumerated() {
            if before[entry.key] == nil { before[entry.key] = index } else { duplicates = true }
        }
        var kept = [Bool](repeating: false, count: old.count)
        added = []
        changed = []
        for entry in new {
            guard let index = before[entry.key] else { added.append(entry); continue }
            kept[index] = true
            if old[index] != entry { changed.append(entry) }
        }
        // A key seen twice in `old` is removed only when the new table lacks it.
        removed = duplicates ? old.filter { !kept[before[$0.key]!] } : old.indices.filter { !kept[$0] }.map { old[$0] }
    }
}

/// The Sockets panel's engine: every socket on the host from netlink sock_diag (as `ss` does),
/// falling back to /proc/net per kind, with owners from a cached /proc walk.
public final class SocketTable: Sendable {
    private let owners: ProcessOwnerIndex
    private let queue = DispatchQueue(label: "socktui.sockets", qos: .userInitiated)
    private let procNet: String

    /// Creates a table reading `/proc` (override for tests).
    public init(procRoot: String = "/proc") {
        owners = ProcessOwnerIndex(procRoot: procRoot)
        procNet = procRoot + "/net"
    }

    /// The owner index (its walk count and hidden-process count are useful to show).
    public var ownerIndex: ProcessOwnerIndex { owners }

    /// Takes a snapshot on the calling thread.
    public func snapshot(_ query: SocketQuery = SocketQuery()) -> SocketSnapshot {
        let started = DispatchTime.now().uptimeNanoseconds
        var entries: [SocketEntry] = []
        var sources: [String: String] = [:]
        var warnings: [String] = []
        let client = try? SockDiagClient()
        if client == nil { warnings.append("netlink sock_diag unavailable: reading /proc/net") }
        // The first walk of /proc is certain: it runs on a second thread beside the dump (both
        // take about as long on a busy host, and ss does them one after the other).
        let earlyWalk = query.processes && owners.needsFirstWalk ? OwnerWalk(owners) : nil

        for kind in SocketKind.allCases.sorted() where query.kinds.contains(kind) {
            // Packet datagram and raw sockets come from one dump.
            if kind == .packetDatagram && query.kinds.contains(.packetRaw) { continue }
            let (found, source, problems) = collect(kind, client: client, tcpInfo: query.tcpInfo)
            if entries.isEmpty { entries = found } else { entries.append(contentsOf: found) }  // no copy of the first kind's rows
            sources[kind.rawValue] = source
            warnings += problems
        }
        // In place: no copy of a 20,000-row table when nothing is dropped.
        entries.removeAll { !query.kinds.contains($0.kind) }
        if query.listeningOnly {
            entries.removeAll { !($0.state == "LISTEN" || ($0.state == "UNCONN" && !$0.kind.isUnix)) }
        }
        var hidden = 0
        if query.processes {
            let map = owners.owners(of: entries.map(\.inode), walked: earlyWalk?.result())
            for index in entries.indices { entries[index].owners = map[entries[index].inode] ?? [] }
            hidden = owners.hiddenProcesses
        }
        // Kind, then local port, then inode: integer keys, so 20,000 rows sort in milliseconds.
        let rank = Dictionary(uniqueKeysWithValues: SocketKind.allCases.enumerated().map { ($1, UInt64($0)) })
        let keys = entries.map { (rank[$0.kind]! << 56) | (UInt64($0.local.port ?? 0) << 32) | UInt64($0.inode) }
        Self.permute(&entries, to: keys.indices.sorted { keys[$0] < keys[$1] })
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        return SocketSnapshot(
            entries: entries, sources: sources, warnings: warnings, hiddenProcesses: hidden,
            takenAt: Date().timeIntervalSince1970, elapsed: elapsed)
    }

    /// Rearranges `entries` so that position `i` holds what was at `order[i]` (a permutation of
    /// the indices), in place by swaps: no copy of each row (and of its strings' and arrays'
    /// references) into a second table.
    static func permute<T>(_ entries: inout [T], to order: [Int]) {
        precondition(order.count == entries.count)
        var placed = [Bool](repeating: false, count: order.count)
        entries.withUnsafeMutableBufferPointer { rows in
            for start in order.indices where !placed[start] {
                var position = start
                while true {
                    placed[position] = true
                    let source = order[position]
                    if source == start { break }
                    rows.swapAt(position, source)
                    position = source
                }
            }
        }
    }

    /// Takes a snapshot on the table's background queue.
    public func snapshot(_ query: SocketQuery = SocketQuery()) async -> SocketSnapshot {
        await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: self.snapshot(query)) }
        }
    }

    /// Refreshes every `interval` seconds on the background queue, handing each snapshot and its
    /// diff from the previous one to `update`, until the returned handle is cancelled.
    public func refresh(
        _ query: SocketQuery, every interval: Double,
        update: @escaping @Sendable (SocketSnapshot, SocketDiff) -> Void
    ) -> RefreshHandle {
        let timer = DispatchSource.makeTimerSource(queue: queue)
        let previous = LockedEntries()
        timer.schedule(deadline: .now(), repeating: max(0.1, interval))
        timer.setEventHandler { [self] in
            let snapshot = self.snapshot(query)
            let diff = SocketDiff(old: previous.swap(snapshot.entries), new: snapshot.entries)
            update(snapshot, diff)
        }
        timer.resume()
        return RefreshHandle(timer: timer)
    }

    private func collect(_ kind: SocketKind, client: SockDiagClient?, tcpInfo: Bool) -> ([SocketEntry], String, [String]) {
        if let client {
            var lastError: (any Error)?
            for _ in 0..<3 {
                do {
                    return (try dump(kind, client: client, tcpInfo: tcpInfo), "netlink", [])
                } catch SockDiagError.interrupted {
                    lastError = SockDiagError.interrupted(request: kind.rawValue)
                    continue  // the table changed under the dump: take it again
                } catch {
                    lastError = error
                    break
                }
            }
            let (entries, source, warnings) = fallback(kind)
            return (
                entries, source, ["\(kind.rawValue): sock_diag failed (\(lastError.map { "\($0)" } ?? "?")); used \(source)"] + warnings
            )
        }
        return fallback(kind)
    }

    private func dump(_ kind: SocketKind, client: SockDiagClient, tcpInfo: Bool) throws -> [SocketEntry] {
        switch kind {
        case .tcp, .udp, .raw:
            let protocolNumber: UInt8 = kind == .tcp ? 6 : kind == .udp ? 17 : 255
            var entries: [SocketEntry] = []
            for family in [AddressFamily.inet, .inet6] {
                try client.dump(
                    InetDiag.request(family: family, protocolNumber: protocolNumber, withInfo: tcpInfo && kind == .tcp),
                    describing: "\(kind.rawValue)/\(family)"
                ) { reply in
                    entries.append(try decoded { () throws(NetlinkDecodeError) in try InetDiag.entry(reply, kind: kind) })
                }
            }
            return entries
        case .unixStream, .unixDatagram, .unixSequencedPacket:
            return try client.dump(UnixDiag.request(), describing: "unix").map { reply in
                try decoded { () throws(NetlinkDecodeError) in try UnixDiag.entry(reply) }
            }.filter { $0.kind == kind }
        case .packetRaw, .packetDatagram:
            return try client.dump(PacketDiag.request(), describing: "packet").map { reply in
                try decoded { () throws(NetlinkDecodeError) in try PacketDiag.entry(reply) }
            }
        }
    }

    private func decoded(_ body: () throws(NetlinkDecodeError) -> SocketEntry) throws -> SocketEntry {
        do { return try body() } catch { throw SockDiagError.malformed(error) }
    }

    private func fallback(_ kind: SocketKind) -> ([SocketEntry], String, [String]) {
        func read(_ name: String) -> String? { try? String(contentsOfFile: "\(procNet)/\(name)", encoding: .utf8) }
        var entries: [SocketEntry] = []
        var skipped = 0
        var files: [String] = []
        switch kind {
        case .tcp, .udp, .raw:
            for (suffix, family) in [("", AddressFamily.inet), ("6", .inet6)] {
                let file = kind.rawValue + suffix
                guard let text = read(file) else { continue }
                files.append("/proc/net/" + file)
                let parsed = ProcNetParser.inet(text, kind: kind, family: family)
                entries += parsed.entries
                skipped += parsed.skipped
            }
        case .unixStream, .unixDatagram, .unixSequencedPacket:
            if let text = read("unix") {
                files.append("/proc/net/unix")
                let parsed = ProcNetParser.unix(text)
                entries = parsed.entries.filter { $0.kind == kind }
                skipped = parsed.skipped
            }
        case .packetRaw, .packetDatagram:
            if let text = read("packet") {
                files.append("/proc/net/packet")
                let parsed = ProcNetParser.packet(text)
                entries = parsed.entries
                skipped = parsed.skipped
            }
        }
        let warnings = skipped > 0 ? ["\(skipped) malformed lines skipped in \(files.joined(separator: ", "))"] : []
        return (entries, files.isEmpty ? "unavailable" : files.joined(separator: ", "), warnings)
    }
}

/// A walk of /proc for owners on a thread of its own, joined by `result()`.
final class OwnerWalk: @unchecked Sendable {
    // Written once by the walking thread before it signals `done`; read after waiting for it.
    private var walked: ([UInt32: [SocketOwner]], Int) = ([:], 0)
    private let done = DispatchSemaphore(value: 0)

    init(_ index: ProcessOwnerIndex) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            walked = index.walk()
            done.signal()
        }
    }

    /// The walk's owners and hidden-process count, once it has finished.
    func result() -> ([UInt32: [SocketOwner]], Int) {
        done.wait()
        return walked
    }
}

/// Stops a periodic refresh (also when released).
public final class RefreshHandle: @unchecked Sendable {
    // DispatchSource's cancel is thread-safe; the reference itself never changes.
    private let timer: DispatchSourceTimer

    init(timer: DispatchSourceTimer) { self.timer = timer }

    /// Stops the refresh; an update already running finishes, no new one starts.
    public func cancel() { timer.cancel() }

    deinit { timer.cancel() }
}

final class LockedEntries: Sendable {
    private let entries = Mutex<[SocketEntry]>([])

    func swap(_ new: [SocketEntry]) -> [SocketEntry] {
        entries.withLock { old in
            defer { old = new }
            return old
        }
    }
}
