import ArgumentParser
import Foundation
import Inspect
import Synchronization

extension ResolveCommand {
    /// Every call on this host, or on every `--host` (hosts in parallel, each report under its
    /// host), through the host's engine client. Exit status 1 when a host cannot be reached, 2
    /// when a lookup failed.
    func run() throws {
        let clients = try remote.clients()
        defer { for client in clients { client.close() } }
        var reports: [HostTagged<ResolverReport>] = []
        var unreachable = false
        for request in try requests() {
            for (host, result) in remote.callAll(clients, .resolve(request)) {
                switch result {
                case .success(.resolved(let outcome)): reports.append(HostTagged(host: host, value: ResolverReport(outcome)))
                case .success(let other): RemoteOptions.note("resolve", "\(host): unexpected reply \(other)"); unreachable = true
                case .failure(let error): RemoteOptions.note("resolve", error.message); unreachable = true
                }
            }
        }
        if global.json {
            StandardOutput.write(
                try remote.isRemote ? jsonDocument(JSONResults(reports)) : jsonDocument(JSONResults(reports.map(\.value))))
        } else if remote.isRemote {
            for client in clients {
                let mine = reports.filter { $0.host == client.label }
                guard !mine.isEmpty else { continue }
                StandardOutput.print("\(client.label):")
                for report in mine { StandardOutput.print(TerminalSafe.escapedLines(Self.render(report.value)), terminator: "") }
            }
        } else {
            for report in reports { StandardOutput.print(TerminalSafe.escapedLines(Self.render(report.value)), terminator: "") }
        }
        for report in reports {
            guard let failure = report.value.error else { continue }
            let place = remote.isRemote ? "\(report.host): " : ""
            RemoteOptions.note("resolve", "\(place)\(failure)\(failure.hint.isEmpty ? "" : " (\(failure.hint))")")
        }
        if unreachable { throw ExitCode(1) }
        if reports.contains(where: { $0.value.error != nil }) { throw ExitCode(2) }
    }
}

extension SockoptCommand {
    /// The options of a socket of a process on this host or on `--host` (one host: pids are per
    /// host), read by that host's engine client.
    func report(_ target: OptionTarget) throws -> SocketOptionsReport {
        let client = try remote.client(for: "sockopt", "a pid names a process of one host")
        defer { client.close() }
        guard case .socketOptions(let report) = try client.call(.socketOptions(target)) else {
            throw AgentError(.failed, "\(client.label): unexpected reply")
        }
        return report
    }
}

extension ConnectCommand {
    /// The test runs on this host or on `--host` (one host) through that host's engine client,
    /// its progress streamed back (probes print one line each, as ping does; the rest print when
    /// done); nil when the host cannot be reached (the reason is on stderr).
    /// A stop signal (`interruption`) cancels the test, which ends with what it measured.
    func runTest(
        _ request: ConnTestRequest, json: Bool, interruption: InterruptibleRun?,
        output: (String) -> Void
    ) -> ConnTestResult? {
        let client: AgentClient
        do { client = try remote.client(for: "connect", "run one test per host") } catch {
            RemoteOptions.note("connect", "\(error)")
            return nil
        }
        defer { client.close() }
        // Events arrive on the client's thread; lines are written here, on the caller's, in order.
        let queue = Mutex<(lines: [String], result: Result<AgentReply, AgentError>?)>(([], nil))
        let wake = DispatchSemaphore(value: 0)
        let call = client.start(
            .connTest(request),
            event: { reply in
                if !json, case .testProgress(.probe(let sample)) = reply {
                    queue.withLock { $0.lines.append(Self.render(sample)) }
                    wake.signal()
                }
            },
            completion: { result in
                queue.withLock { $0.result = result }
                wake.signal()
            })
        interruption?.onStop { call.cancel() }
        while true {
            wake.wait()
            let (lines, result) = queue.withLock { state in
                defer { state.lines.removeAll() }
                return (state.lines, state.result)
            }
            for line in lines { output(line) }
            guard let result else { continue }
            switch result {
            case .success(.testFinished(let finished)): return finished
            case .success(let other):
                RemoteOptions.note("connect", "\(client.label): unexpected reply \(other)")
            case .failure(let error):
                RemoteOptions.note("connect", error.message)
            }
            return nil
        }
    }
}
