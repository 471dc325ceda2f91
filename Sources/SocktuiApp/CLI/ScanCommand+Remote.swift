import ArgumentParser
import Foundation
import Inspect

extension ScanCommand {
    /// `--host`: the scan runs on each host (hosts in parallel) through its agent's
    /// connection-test service, as the Tests tab's remote scans do; each result under its host.
    /// Exit status 1 when a host cannot be reached, else the highest of the hosts' statuses.
    func runRemote(output: (String) -> Void) throws -> Int32 {
        let request = try self.request
        let clients = try remote.clients()
        defer { for client in clients { client.close() } }
        var reports: [HostTagged<ScanJSON>] = []
        var texts: [String] = []
        var status: Int32 = 0
        // A scan may take its timeout per port batch: the host limit starts after that.
        for (host, result) in remote.callAll(clients, .connTest(.scan(request))) {
            switch result {
            case .success(.testFinished(.scan(let scan))):
                reports.append(HostTagged(host: host, value: ScanJSON(scan, all: all)))
                texts.append("\(host): " + Self.render(scan, all: all))
                status = max(status, scan.address == nil ? 2 : ConnTestResult.scan(scan).succeeded ? 0 : 1)
            case .success(let other):
                RemoteOptions.note("scan", "\(host): unexpected reply \(other)")
                status = max(status, 1)
            case .failure(let error):
                RemoteOptions.note("scan", error.message)
                status = max(status, 1)
            }
        }
        if global.json {
            output(try snakeCaseJSON(reports) + "\n")
        } else {
            for text in texts { output(TerminalSafe.escapedLines(text)) }
        }
        return status
    }
}
