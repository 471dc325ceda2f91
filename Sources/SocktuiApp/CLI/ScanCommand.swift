import ArgumentParser
import Foundation
import Inspect
import SocketKit

/// `socktui scan`: the Tests panel's port range check, headless (like `nmap -sT`).
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Check which TCP ports of one host accept connections (a connect scan, like nmap -sT).",
        discussion: HelpText.lines([
            HelpText.concat([
                "Resolves HOST once and scans its first address with non-blocking connects, up to ",
                "--concurrency in flight, at most --rate new connects per second. Each port ends up:"
            ]),
            "  open       the handshake completed: something listens",
            "  closed     a reset came back: nothing listens (or a firewall",
            "             rejects with a reset)",
            "  filtered   no answer within --timeout, or an ICMP unreachable:",
            "             a firewall drops or rejects the packets",
            HelpText.concat([
                "Only open and filtered ports are listed (--all lists every port), sorted by port. ",
                "Only scan hosts you are allowed to scan."
            ]),
            "",
            HelpText.concat([
                "PORTS: comma-separated ports and ranges within 1-65535, such as 22, 1-1024 or ",
                "1-1024,8080,9000-9100: at most 65535 ports. --concurrency is at most 4096."
            ]),
            "",
            "Examples:",
            "  socktui scan 127.0.0.1 1-1024",
            "  socktui scan localhost 22,80,443,8000-8100 --timeout 0.5",
            "  socktui scan 192.0.2.10 1-65535 --concurrency 2000 --rate 5000 --json",
            "  socktui scan 127.0.0.1 1-1024 --host web1 --host web2   # from each host",
            "",
            HelpText.concat([
                "JSON (--json): one document; \"ports\" holds open and filtered ports (every port with --all). ",
                "Schema socktui/1, described field by field in docs/json.md."
            ]),
            "",
            HelpText.concat([
                "Ctrl-C (SIGINT), SIGTERM or SIGHUP stops the scan: the ports finished so far are ",
                "printed, followed by `--- interrupted (SIGINT) after N of M ports ---`; JSON has ",
                "\"interrupted\": true. Another signal a second or more later ends socktui at once."
            ]),
            "",
            HelpText.concat([
                "Exit status: 0 when at least one port is open, 1 when none is, 2 when HOST does not ",
                "resolve, 64 on bad usage, 128 + the signal's number when a signal stopped it (130 ",
                "for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP)."
            ])
        ])
    )

    @Argument(help: "Host name or numeric address.")
    var host: String

    @Argument(help: "Ports and ranges, such as 1-1024,8080.")
    var ports: String

    @Option(help: "Connects in flight at once (1-\(PortScanRequest.maximumConcurrency)).")
    var concurrency: Int = 1024

    @Option(help: "New connects per second at most (default: no limit).")
    var rate: Double?

    @Option(help: "Seconds without an answer before a port counts as filtered.")
    var timeout: Double = 1

    @Flag(help: "List closed ports too.")
    var all = false

    @Flag(name: .customShort("4"), help: "Scan the host's IPv4 address.")
    var ipv4Only = false

    @Flag(name: .customShort("6"), help: "Scan the host's IPv6 address.")
    var ipv6Only = false

    @OptionGroup var global: GlobalOptions

    /// `--host`: scan from other hosts.
    @OptionGroup var remote: RemoteOptions

    var request: PortScanRequest {
        get throws {
            PortScanRequest(
                host: host, ports: try PortSet(parsing: ports), concurrency: concurrency, rate: rate,
                timeout: timeout, family: ipv4Only ? .inet : ipv6Only ? .inet6 : .unspecified)
        }
    }

    func validate() throws {
        if host.isEmpty { throw ValidationError("HOST is empty: give a name such as localhost or an address such as 127.0.0.1") }
        if ipv4Only && ipv6Only { throw ValidationError("-4 and -6 exclude each other") }
        do {
            try request.validate()
        } catch let error as InvalidArgumentError {
            throw ValidationError("\(error.argument == "ports" ? "PORTS" : "--\(error.argument)") \(error.rule)")
        }
    }

    func run() throws {
        // Before any thread starts: the stop signals go to the run's own thread.
        let interruption = InterruptibleRun()
        let status = try execute(interruption: interruption) { StandardOutput.write($0) }
        if status != 0 { throw ExitCode(status) }
    }

    /// Runs the scan, writing text (or JSON) through `output`; returns the exit status. With
    /// `interruption`, a stop signal ends the scan early: the ports finished so far are printed,
    /// marked interrupted, and the status is 128 + the signal's number.
    func execute(interruption: InterruptibleRun? = nil, output: (String) -> Void) throws -> Int32 {
        let request = try self.request
        let clients = try remote.clients()
        defer { for client in clients { client.close() } }
        var scans: [HostTagged<PortScanResult>] = []
        var status: Int32 = 0
        // A scan may take its timeout per port batch: a host's silence limit starts after that.
        for (host, result) in remote.callAll(clients, .connTest(.scan(request)), interruption: interruption) {
            switch result {
            case .success(.testFinished(.scan(let scan))):
                scans.append(HostTagged(host: host, value: scan))
                status = max(status, scan.address == nil ? 2 : ConnTestResult.scan(scan).succeeded ? 0 : 1)
            case .success(let other):
                RemoteOptions.note("scan", "\(host): unexpected reply \(other)")
                status = max(status, 1)
            case .failure(let error):
                RemoteOptions.note("scan", error.message)
                status = max(status, 1)
            }
        }
        let signal = interruption?.signal
        if remote.isRemote {
            // Each result under its host.
            if global.json {
                output(try jsonDocument(JSONResults(scans.map { HostTagged(host: $0.host, value: ScanJSON($0.value, all: all)) })))
            } else {
                for scan in scans { output(TerminalSafe.escapedLines("\(scan.host): " + Self.render(scan.value, all: all))) }
            }
        } else if let scan = scans.first?.value {
            if global.json {
                output(try jsonDocument(ScanJSON(scan, all: all), interrupted: signal != nil))
            } else {
                output(TerminalSafe.escapedLines(Self.render(scan, all: all)))
                if let signal { output(ConnectCommand.interruptionLine(.scan(scan), signal: signal)) }
            }
        }
        if let signal { return StopSignals.exitStatus(signal) }
        return status
    }

    static func render(_ scan: PortScanResult, all: Bool) -> String {
        let request = scan.request
        guard let address = scan.address else {
            let failure = scan.failure
            return "scan \(request.host): \(failure?.description ?? "failed")\n" + (failure.map { "  → \($0.explanation)\n" } ?? "")
        }
        var text = "scan \(request.host) (\(address.host)): \(scan.ports.count) of \(request.ports.ports.count) ports in "
        text += DurationText.milliseconds(scan.elapsedMilliseconds) + (scan.cancelled ? " (cancelled)" : "") + "\n"
        let shown = scan.ports.filter { all || $0.state != .closed }
        if !shown.isEmpty {
            text += formatTable(
                [["PORT", "STATE", "SERVICE", "REASON"]]
                    + shown.map { port in
                        [
                            String(port.port), port.state.rawValue, (try? serviceByPort(port.port, protocolName: "tcp")) ?? "",
                            port.reason ?? "syn-ack"
                        ]
                    }, indent: "  ")
        }
        text += "\(scan.openPorts.count) open, \(scan.closedCount) closed, \(scan.filteredPorts.count) filtered"
        text += all || scan.closedCount == 0 ? "\n" : " (closed ports not shown; --all lists them)\n"
        return text
    }
}

/// The address a scan resolved its host to.
struct ScannedAddress: Encodable {
    var family: String
    var host: String
}

/// A scan result for JSON: derived lists, and closed ports left out unless `all`.
struct ScanJSON: Encodable {
    let scan: PortScanResult
    let all: Bool
    init(_ scan: PortScanResult, all: Bool) {
        self.scan = scan
        self.all = all
    }

    enum Keys: String, CodingKey {
        case request, address, failure, ports, elapsedMilliseconds = "elapsedMs", cancelled, openPorts, filteredPorts, closedCount
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(scan.request, forKey: .request)
        // The host's address: the ports are in "ports" (the resolver's placeholder port is not one).
        try container.encode(scan.address.map { ScannedAddress(family: $0.family, host: $0.host) }, forKey: .address)
        try container.encode(scan.failure, forKey: .failure)
        try container.encode(all ? scan.ports : scan.ports.filter { $0.state != .closed }, forKey: .ports)
        try container.encode(scan.elapsedMilliseconds, forKey: .elapsedMilliseconds)
        try container.encode(scan.cancelled, forKey: .cancelled)
        try container.encode(scan.openPorts, forKey: .openPorts)
        try container.encode(scan.filteredPorts, forKey: .filteredPorts)
        try container.encode(scan.closedCount, forKey: .closedCount)
    }
}
