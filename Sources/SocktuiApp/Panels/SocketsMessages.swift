import Inspect
import SocketKit
import TerminalUI

/// Background results for the Sockets panel (table refreshes); each carries the generation of the request
/// it answers, so the panel drops stale ones.
public enum SocketsMessage: Sendable {
    /// The refresh interval has passed since the last snapshot: time to take the next one.
    case refreshDue(Generation)
    /// A merged host's link status changed (dropped, back, needs a login): time to show it.
    case hostLinksChanged
    /// A snapshot was taken off the UI thread, with its diff and the updated TCP history.
    case refreshed(SocketsRefreshed)
    /// The refresh interval has passed since the options view's last read: time to read again.
    case optionsDue(Generation)
    /// The options of the socket in the options view were read, or why they could not be.
    case optionsRead(SocketsOptionsRead)
    /// An option of the options view's socket was set (after the user confirmed), or why not.
    case optionWritten(SocketsOptionWritten)
    /// A socket lab call finished.
    case labAnswered(LabAnswer)
    /// Time to read the lab echo server's counters again.
    case labEchoDue(Generation)
}

/// One finished set of an option of another process's socket.
public struct SocketsOptionWritten: Sendable {
    /// What was asked for.
    public var write: PendingOptionWrite
    /// The value read back, or why it was not set.
    public var result: Result<OptionReading, OptionInspectorError>
}

/// One finished socket lab call: the request and what it produced.
public struct LabAnswer: Sendable {
    /// The call.
    public var request: LabRequest
    /// Its result, or the errno it failed with.
    public var result: Result<LabResult, LabFailure>
    /// The echo polling generation, for echo status reads (stale polls are dropped).
    public var generation: Generation

    /// Creates an answer.
    public init(request: LabRequest, result: Result<LabResult, LabFailure>, generation: Generation = Generation()) {
        self.request = request
        self.result = result
        self.generation = generation
    }
}

/// One finished read of the options view.
public struct SocketsOptionsRead: Sendable {
    /// The read request this answers.
    public var generation: Generation
    /// The socket read.
    public var target: OptionTarget
    /// Its options, or why they could not be read.
    public var result: Result<SocketOptionsReport, OptionInspectorError>

    /// Creates an answer.
    public init(generation: Generation, target: OptionTarget, result: Result<SocketOptionsReport, OptionInspectorError>) {
        self.generation = generation
        self.target = target
        self.result = result
    }
}

/// One finished refresh of the socket table.
public struct SocketsRefreshed: Sendable {
    /// The refresh request this answers.
    public var generation: Generation
    /// The sockets found.
    public var snapshot: SocketSnapshot
    /// What changed since the snapshot the panel showed when the refresh started.
    public var diff: SocketDiff
    /// Ids of the sockets to highlight as new.
    public var addedIDs: Set<String>
    /// Ids of the sockets to highlight as changed: state, queues or owners differ. Changes only in
    /// `tcp_info` or timers are left out: they move on every refresh of every busy connection.
    public var changedIDs: Set<String>
    /// The per-socket rtt/cwnd history with this snapshot's samples appended.
    public var history: [String: SocketHistory]
    /// The table's rows for `settings`, computed off the UI thread.
    public var rows: [SocketsRow]
    /// The filter, sort and grouping `rows` were built with.
    public var settings: SocketsViewSettings
    /// Each entry's host, when the source merges hosts.
    public var hosts: [String]? = nil
    /// Each merged host's link status.
    public var links: [HostLink] = []
}

/// Recent TCP samples of one socket, oldest first, at most ``SocketHistory/limit`` each.
public struct SocketHistory: Hashable, Sendable {
    /// Samples kept per series.
    public static let limit = 60
    /// Smoothed round-trip times in microseconds.
    public var rtt: [UInt64] = []
    /// Congestion windows in segments.
    public var congestionWindow: [UInt64] = []

    /// Creates an empty history.
    public init() {}

    /// Appends one sample to each series, dropping the oldest beyond the limit.
    public mutating func append(rtt: UInt32, congestionWindow cwnd: UInt32) {
        self.rtt.append(UInt64(rtt))
        congestionWindow.append(UInt64(cwnd))
        if self.rtt.count > Self.limit { self.rtt.removeFirst(self.rtt.count - Self.limit) }
        if congestionWindow.count > Self.limit { congestionWindow.removeFirst(congestionWindow.count - Self.limit) }
    }

    /// The histories after `snapshot`: a sample appended for every TCP socket with `tcp_info`, and the
    /// histories of sockets that are gone dropped (so the map stays as large as the table).
    public static func updated(_ old: [String: SocketHistory], with entries: [SocketEntry]) -> [String: SocketHistory] {
        var new: [String: SocketHistory] = [:]
        new.reserveCapacity(old.count)
        for entry in entries {
            guard let info = entry.tcp?.info else { continue }
            var history = old[entry.id] ?? SocketHistory()
            history.append(rtt: info.rtt, congestionWindow: info.sendCongestionWindow)
            new[entry.id] = history
        }
        return new
    }
}

extension SocketsRefreshed {
    /// The ids of `diff.changed` whose state, queues or owners differ from `previous`.
    static func notableChanges(_ diff: SocketDiff, previous: [SocketEntry]) -> Set<String> {
        guard !diff.changed.isEmpty else { return [] }
        let before = Dictionary(previous.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return Set(diff.changed.filter { entry in
            guard let old = before[entry.id] else { return true }
            return old.state != entry.state || old.receiveQueue != entry.receiveQueue || old.sendQueue != entry.sendQueue
                || old.owners != entry.owners || old.remote != entry.remote
        }.map(\.id))
    }
}
