import ArgumentParser
import Foundation
import Inspect
import Synchronization

extension SocketsCommand {
    /// This host's table, or every `--host`'s queried in parallel and merged (each row with its
    /// host), through each host's engine client. Hosts that fail are named on stderr (exit status
    /// 1) after the rows of those that answered. `--repeat-count` refreshes over the open links,
    /// timing each from the requests to the last host's answer (the first includes starting ssh).
    /// One unfiltered `--json` table from remote hosts takes ``writeKeptJSON(_:query:)``.
    func runOnce(filter: SocketFilter, query: SocketQuery) throws {
        let clients = try remote.clients()
        defer { for client in clients { client.close() } }
        if remote.isRemote && global.json && repeatCount == 1 && filter.terms.isEmpty {
            return try writeKeptJSON(clients, query: query)
        }
        var mirrors = Array(repeating: SocketMirror(), count: clients.count)
        var results: [(host: String, result: Result<SocketSnapshot, AgentError>)] = []
        for index in 1...repeatCount {
            let started = DispatchTime.now().uptimeNanoseconds
            results = Self.refresh(clients, mirrors: &mirrors, query: query, remote: remote)
            guard repeatCount > 1 else { break }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
            let count = results.reduce(0) { total, host in
                if case .success(let snapshot) = host.result { total + snapshot.entries.count } else { total }
            }
            let hosts = remote.isRemote ? " from \(results.count) hosts" : ""
            Self.note("refresh \(index): \(DurationText.seconds(elapsed, fractionDigits: 4)) (\(count) sockets\(hosts))")
        }
        guard remote.isRemote else {
            switch results[0].result {
            case .success(let snapshot): return try printLocal(snapshot, filter: filter)
            case .failure(let error):
                Self.note(error.message)
                throw ExitCode(1)
            }
        }
        var rows: [HostTagged<SocketEntry>] = []
        var hosts: [RemoteHostSummary] = []
        var failed = false
        for (host, result) in results {
            switch result {
            case .success(let snapshot):
                rows += snapshot.entries.filter(filter.matches).map { HostTagged(host: host, value: $0) }
                hosts.append(RemoteHostSummary(host: host, snapshot: snapshot))
                for warning in snapshot.warnings { RemoteOptions.note("sockets", "\(host): \(warning)") }
            case .failure(let error):
                failed = true
                hosts.append(RemoteHostSummary(host: host, error: error.message))
                RemoteOptions.note("sockets", error.message)
            }
        }
        if global.json {
            try Self.writeJSONRows(rows, key: "sockets", in: { RemoteSocketsReport(hosts: hosts, sockets: $0) })
        } else {
            let table = [["Host"] + Self.header(processes: processes)] + rows.map { [$0.host] + Self.row($0.value, processes: processes) }
            StandardOutput.print(formatTable(table), terminator: "")
            if info {
                for row in rows where row.value.tcp?.info != nil {
                    StandardOutput.print("\(row.host) \(row.value.local) → \(row.value.remote): \(Self.tcpSummary(row.value.tcp!))")
                }
            }
        }
        if failed { throw ExitCode(1) }
    }

    /// Every host's table, asked for in parallel as the changes since the table its mirror
    /// holds (the whole table the first time, or when the agent's base differs).
    static func refresh(
        _ clients: [AgentClient], mirrors: inout [SocketMirror], query: SocketQuery,
        remote: RemoteOptions
    ) -> [(host: String, result: Result<SocketSnapshot, AgentError>)] {
        let held = mirrors.map(\.generation)
        let replies = remote.callAll(clients) { .socketChanges(query, since: held[$0]) }
        return replies.enumerated().map { index, reply in
            switch reply.result {
            case .success(.socketChanges(let changes)):
                if mirrors[index].apply(changes) { return (reply.host, .success(mirrors[index].snapshot)) }
                // Based on a table we do not hold (a concurrent request moved it on): ask for all of it.
                guard case .socketChanges(let full)? = try? clients[index].call(.socketChanges(query, since: nil)),
                    mirrors[index].apply(full)
                else {
                    return (reply.host, .failure(AgentError(.failed, "\(reply.host): the socket table could not be brought up to date")))
                }
                return (reply.host, .success(mirrors[index].snapshot))
            case .success(let other):
                return (reply.host, .failure(AgentError(.unexpected, "\(reply.host): unexpected reply \(other)")))
            case .failure(let error):
                return (reply.host, .failure(error))
            }
        }
    }

    /// `--host --watch`: each host refreshes on its own; a line per host and refresh (JSON lines
    /// with --json), a line when a host's link drops or comes back. A dropped host reconnects with
    /// backoff; a slow one delays only its own lines, and one silent `--host-timeout` seconds
    /// beyond the interval is reported and reconnected. Runs until SIGINT, SIGTERM or SIGHUP, then
    /// ends each host's stream through its agent ("HOST: stopped after N refreshes") and exits 0.
    func watchRemote(filter: SocketFilter, query: SocketQuery, interval: Double) throws {
        CaptureCommand.blockStopSignals()
        let output = LineOutput()
        let json = global.json
        if json { StandardOutput.write(jsonLinesHeader("host_events")) }
        let watch = MergedSocketWatch(
            transports: try remote.transports(), query: query, interval: interval,
            stallLimit: remote.hostTimeout
        ) { tables, change in
            switch change {
            case .status(let index):
                let label = tables[index].host
                let message: String =
                    switch tables[index].status {
                    case .connecting: "\(label): connecting"
                    case .connected: "\(label): connected"
                    case .disconnected(let text), .needsLogin(let text): text
                    }
                if json {
                    output.write(jsonLine(HostStatusLine(host: label, status: message)))
                } else {
                    output.write(message)
                }
            case .refreshed(let index):
                let table = tables[index]
                let entries = table.snapshot.entries.filter(filter.matches)
                if json {
                    let refreshed = HostSnapshotLine(
                        host: table.host, refresh: table.refreshes, sockets: entries)
                    output.write(jsonLine(refreshed))
                } else {
                    output.write(
                        "\(table.host): refresh \(table.refreshes): \(entries.count) sockets (\(String(format: "%.1f ms", table.snapshot.elapsed * 1000)))"
                    )
                }
            }
        }
        var set = CaptureCommand.stopSignals
        var number: Int32 = 0
        sigwait(&set, &number)
        // A clean end: each agent ends its stream (the links stay up: ssh runs in its own process
        // group, out of the terminal's Ctrl-C), then "HOST: stopped" for each that did.
        let stopped = watch.stop(timeout: min(remote.hostTimeout, 5))
        for (table, clean) in zip(watch.tables, stopped) where clean {
            if json {
                output.write(jsonLine(HostStatusLine(host: table.host, status: "stopped")))
            } else {
                output.write("\(table.host): stopped after \(table.refreshes) refreshes")
            }
        }
    }
}

/// `value` as one compact JSON line (without its newline).
private func jsonLine(_ value: some Encodable) -> String {
    (try? jsonWriter.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? ""
}

/// Whole lines to stdout from any thread, each flushed at once (a pipe sees it immediately).
final class LineOutput: Sendable {
    private let lock = Mutex(())

    func write(_ line: String) {
        lock.withLock { _ in StandardOutput.write(line + "\n") }
    }
}

/// A host's entry in `sockets --host --json`.
struct RemoteHostSummary: Encodable {
    var host: String
    var error: String?
    var sources: [String: String]?
    var warnings: [String]?
    var hiddenProcesses: Int?

    init(host: String, snapshot: SocketSnapshot) {
        self.host = host
        sources = snapshot.sources
        warnings = snapshot.warnings
        hiddenProcesses = snapshot.hiddenProcesses
    }

    init(host: String, error: String) {
        self.host = host
        self.error = error
    }

    enum CodingKeys: String, CodingKey { case host, error, sources, warnings, hiddenProcesses = "hidden_processes" }
}

/// The document of `sockets --host --json`.
struct RemoteSocketsReport: Encodable {
    var hosts: [RemoteHostSummary]
    var sockets: [HostTagged<SocketEntry>]

    enum CodingKeys: String, CodingKey { case hosts, sockets }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(hosts, forKey: .hosts)
        try container.encode(sockets, forKey: .sockets)
    }
}

/// A `--watch --json` line for one refresh.
struct HostSnapshotLine: Encodable {
    var host: String
    var refresh: Int
    var sockets: [SocketEntry]
}

/// A `--watch --json` line for a status change.
struct HostStatusLine: Encodable {
    var host: String
    var status: String
}
