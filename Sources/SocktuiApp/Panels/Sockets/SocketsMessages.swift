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
    public var result: Result<LabResult, SocketLabError>
    /// The echo polling generation, for echo status reads (stale polls are dropped).
    public var generation: Generation

    /// Creates an answer.
    public init(request: LabRequest, result: Result<LabResult, SocketLabError>, generation: Generation = Generation()) {
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

extension SocketsRefreshed {
    /// The answer for `refresh` (taken under `generation`), with its rows under `settings`.
    init(generation: Generation, refresh: HostedSocketRefresh, settings: SocketsViewSettings) {
        self.init(
            generation: generation, snapshot: refresh.hosted.snapshot, diff: refresh.diff, addedIDs: refresh.addedIDs,
            changedIDs: refresh.changedIDs, history: refresh.history,
            rows: settings.rows(for: refresh.hosted.snapshot.entries, hosts: refresh.hosted.hosts), settings: settings,
            hosts: refresh.hosted.hosts, links: refresh.hosted.links)
    }
}
