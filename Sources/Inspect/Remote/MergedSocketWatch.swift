import Dispatch
import Foundation
import Synchronization

/// One host's part of a merged socket table: its link status and the last table received (kept
/// while the host is disconnected, so its rows stay on screen marked by the status).
public struct HostSocketTable: Sendable {
    /// The host's label (the host column).
    public var host: String
    /// Connected, connecting, or why not.
    public var status: AgentStatus
    /// The last table received from the host (empty before the first).
    public var snapshot: SocketSnapshot
    /// Tables received so far.
    public var refreshes: Int

    /// Creates a host's part (tests; panels given tables by hand).
    public init(host: String, status: AgentStatus, snapshot: SocketSnapshot, refreshes: Int) {
        self.host = host
        self.status = status
        self.snapshot = snapshot
        self.refreshes = refreshes
    }
}

/// Socket tables of several hosts kept current side by side: each host streams its table's
/// changes on its own link and reconnects with backoff on its own, so a slow or dropped host never
/// delays the others. Every table change or status change calls `update` (on a client thread)
/// with all hosts' tables; a panel hops it to its loop and shows `merged` with a host column.
public final class MergedSocketWatch: Sendable {
    /// What `update` reports.
    public enum Change: Hashable, Sendable {
        /// Host `index` sent a new table.
        case refreshed(Int)
        /// Host `index`'s status changed.
        case status(Int)
    }

    private let state: Mutex<(tables: [HostSocketTable], mirrors: [SocketMirror], heard: [UInt64])>
    private let clients = Mutex<[AgentClient]>([])
    private let calls = Mutex<[AgentCall]>([])
    /// Set by `stop(timeout:)`: `update` is not called any more.
    private let stopping = Mutex(false)
    /// Checks for stalled hosts (dispatch sources are thread-safe; set once in `init`).
    private nonisolated(unsafe) let stallTimer: (any DispatchSourceTimer)?

    /// Starts watching `query` every `interval` seconds on each transport's host. A connected host
    /// that sends no table for `interval + stallLimit` seconds (its agent hung, or the link
    /// stalled without closing) is shown as "HOST: no table for N s …" and its link is closed and
    /// opened again; nil leaves stalled links alone.
    public init(
        transports: [any AgentTransport], query: SocketQuery, interval: Double, stallLimit: Double? = nil,
        update: @escaping @Sendable ([HostSocketTable], Change) -> Void
    ) {
        let empty = SocketSnapshot(entries: [], sources: [:], warnings: [], hiddenProcesses: 0, takenAt: 0, elapsed: 0)
        let now = DispatchTime.now().uptimeNanoseconds
        stallTimer = stallLimit == nil ? nil : DispatchSource.makeTimerSource(queue: DispatchQueue(label: "socktui.merged-watch.stalls"))
        state = Mutex(
            (
                transports.map { HostSocketTable(host: $0.label, status: .connecting, snapshot: empty, refreshes: 0) },
                Array(repeating: SocketMirror(), count: transports.count), Array(repeating: now, count: transports.count)
            ))
        for (index, transport) in transports.enumerated() {
            let client = AgentClient(transport: transport) { [weak self] status in
                guard let self, !stopping.withLock({ $0 }) else { return }
                let tables = state.withLock { state in
                    state.tables[index].status = status
                    state.heard[index] = DispatchTime.now().uptimeNanoseconds  // a new link gets a full limit
                    return state.tables
                }
                update(tables, .status(index))
            }
            clients.withLock { $0.append(client) }
            let call = client.watch(.watchSockets(query, interval: interval)) { [weak self] reply in
                guard let self, case .socketChanges(let changes) = reply else { return }
                let tables: [HostSocketTable]? = state.withLock { state in
                    state.heard[index] = DispatchTime.now().uptimeNanoseconds
                    guard state.mirrors[index].apply(changes) else { return nil }
                    state.tables[index].snapshot = state.mirrors[index].snapshot
                    state.tables[index].refreshes += 1
                    return state.tables
                }
                if let tables, !stopping.withLock({ $0 }) { update(tables, .refreshed(index)) }
            }
            calls.withLock { $0.append(call) }
        }
        if let stallLimit, let stallTimer { watchForStalls(stallTimer, limit: interval + stallLimit) }
    }

    /// Checks every second for connected hosts silent longer than `limit` seconds.
    private func watchForStalls(_ timer: any DispatchSourceTimer, limit: Double) {
        timer.schedule(deadline: .now() + 1, repeating: 1)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            let now = DispatchTime.now().uptimeNanoseconds
            let stalled = state.withLock { state in
                state.tables.indices.filter { index in
                    guard case .connected = state.tables[index].status else { return false }
                    return Double(now &- state.heard[index]) / 1e9 > limit
                }
            }
            let clients = clients.withLock { $0 }
            for index in stalled where index < clients.count {
                state.withLock { $0.heard[index] = now }
                let seconds = limit < 10 ? String(format: "%.1f", limit) : String(Int(limit.rounded()))
                clients[index].abandon(
                    "\(clients[index].label): no table for \(seconds) s (its agent hung or the link stalled); reconnecting")
            }
        }
        timer.resume()
    }

    /// Each host's client, in the order the transports were given: requests for one host's
    /// sockets (an options read) go through the link its table streams on.
    public var hostClients: [AgentClient] { clients.withLock { $0 } }

    /// Every host's table now.
    public var tables: [HostSocketTable] { state.withLock { $0.tables } }

    /// Every host's rows, host by host, each with its host's label.
    public static func merged(_ tables: [HostSocketTable]) -> [(host: String, entry: SocketEntry)] {
        tables.flatMap { table in table.snapshot.entries.map { (table.host, $0) } }
    }

    /// Stops every stream the way a user's Ctrl-C should: no more `update` calls from now on (the
    /// links closed here are not "disconnected"), each agent asked to end its stream, up to
    /// `timeout` seconds for their last frames, then the links closed. Returns, host by host,
    /// whether its agent ended the stream (false for a host that was down or whose link dropped).
    public func stop(timeout: Double) -> [Bool] {
        stopping.withLock { $0 = true }
        stallTimer?.cancel()
        let calls = calls.withLock { $0 }
        for call in calls { call.cancel() }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, timeout) * 1e9)
        let ended = calls.map { call in
            let left = Double(deadline &- min(deadline, DispatchTime.now().uptimeNanoseconds)) / 1e9
            if case .success(.cancelled)? = call.waitForEnd(timeout: left) { return true }
            return false
        }
        for client in clients.withLock({ $0 }) { client.close() }
        return ended
    }

    /// Stops every stream and closes the links.
    public func cancel() {
        stallTimer?.cancel()
        for call in calls.withLock({ $0 }) { call.cancel() }
        for client in clients.withLock({ $0 }) { client.close() }
    }
}
