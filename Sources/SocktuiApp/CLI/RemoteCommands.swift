import ArgumentParser
import Foundation
import Inspect
import Synchronization

extension ResolveCommand {
    /// `--host`: every call on every host (hosts in parallel), each report under its host.
    /// Exit status 1 when a host cannot be reached, else as without --host.
    func runRemote() throws {
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
            StandardOutput.print(try jsonText(reports))
        } else {
            for host in remote.hosts.compactMap({ try? RemoteHost(parsing: $0).label }) {
                let mine = reports.filter { $0.host == host }
                guard !mine.isEmpty else { continue }
                StandardOutput.print("\(host):")
                for report in mine { StandardOutput.print(TerminalSafe.escapedLines(Self.render(report.value)), terminator: "") }
            }
        }
        let failures = reports.compactMap { report in report.value.error.map { (report.host, $0) } }
        for (host, failure) in failures {
            RemoteOptions.note("resolve", "\(host): \(failure)\(failure.hint.isEmpty ? "" : " (\(failure.hint))")")
        }
        if unreachable { throw ExitCode(1) }
        if !failures.isEmpty { throw ExitCode(2) }
    }
}

extension SockoptCommand {
    /// `--host`: the options of a socket of a process on that host (one host: pids are per host).
    func remoteReport(_ target: OptionTarget) throws -> SocketOptionsReport {
        guard remote.hosts.count == 1 else { throw ValidationError("sockopt --host takes one host: a pid names a process of one host") }
        let client = try remote.clients()[0]
        defer { client.close() }
        let reply: AgentReply
        do { reply = try client.call(.socketOptions(target)) } catch {
            throw AgentError(.failed, error.message)
        }
        guard case .socketOptions(let report) = reply else { throw AgentError(.failed, "\(client.label): unexpected reply") }
        return report
    }
}

extension ConnectCommand {
    /// `--host`: the test runs on that host (one host), its progress streamed back; nil when
    /// the host cannot be reached (the reason is on stderr).
    /// A stop signal (`interruption`) cancels the remote test, which ends with what it measured.
    func runRemote(
        _ request: ConnTestRequest, json: Bool, interruption: InterruptibleRun?,
        output: (String) -> Void
    ) -> ConnTestResult? {
        guard remote.hosts.count == 1 else {
            RemoteOptions.note("connect", "connect --host takes one host (run one test per host)")
            return nil
        }
        let client: AgentClient
        do { client = try remote.clients()[0] } catch {
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
