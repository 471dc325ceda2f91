import ArgumentParser
import Foundation
import Inspect
import SocketKit
import Testing
import SocktuiTestSupport
@testable import SocktuiApp
#if canImport(Glibc)
    import Glibc
#endif

/// Parses a command line the way `socktui` does and runs it in-process, collecting its output.
private func runConnect(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let command = try #require(try SocktuiCommand.parseAsRoot(["connect"] + arguments) as? ConnectCommand)
    var output = ""
    let status = command.execute { output += $0 }
    return (status, output)
}

private func runScan(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let command = try #require(try SocktuiCommand.parseAsRoot(["scan"] + arguments) as? ScanCommand)
    var output = ""
    let status = try command.execute { output += $0 }
    return (status, output)
}

/// The validation message a bad command line gets, or nil when it parses.
private func usageError(_ arguments: [String]) -> String? {
    do {
        _ = try SocktuiCommand.parseAsRoot(arguments)
        return nil
    } catch {
        #expect(SocktuiCommand.exitCode(for: error) == .validationFailure)
        return SocktuiCommand.message(for: error)
    }
}

private func listener(_ host: String = "127.0.0.1") throws -> (Socket, String) {
    let socket = try Socket(family: host.contains(":") ? .inet6 : .inet, type: .stream)
    try socket.bind(host: host, port: 0)
    try socket.listen()
    return (socket, String(try socket.localAddress().port!))
}

private func boundButNotListening() throws -> (Socket, String) {
    let socket = try Socket(family: .inet, type: .stream)
    try socket.bind(host: "127.0.0.1", port: 0)
    return (socket, String(try socket.localAddress().port!))
}

@Suite("ConnectCommand: socktui connect and scan")
struct ConnectCommandTests {
    @Test func connectToAListenerPrintsTheTraceAndExitsZero() throws {
        let (server, port) = try listener()
        defer { try? server.close() }
        let (status, output) = try runConnect(["127.0.0.1", port])
        #expect(status == 0)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines.first?.hasPrefix("resolve 127.0.0.1 port \(port): 1 address in ") == true)
        #expect(lines.dropFirst(2).first?.hasPrefix("  #1  127.0.0.1:\(port)  connected in ") == true)
        #expect(lines.dropFirst(2).first?.contains("local 127.0.0.1:") == true)
        #expect(lines.last?.hasPrefix("connected to 127.0.0.1:\(port) in ") == true)
    }

    @Test func connectToAClosedPortExplainsTheRefusalAndExitsOne() throws {
        let (holder, port) = try boundButNotListening()
        defer { try? holder.close() }
        let (status, output) = try runConnect(["127.0.0.1", port, "--timeout", "2"])
        #expect(status == 1)
        #expect(output.contains("ECONNREFUSED after "))
        #expect(output.contains("→ the host answered with a reset: nothing listens on that port, or a firewall rejects the connection\n"))
        #expect(output.hasSuffix("no connection: 1 address tried, none accepted\n"))
    }

    @Test func connectJSONIsTheTraceWithSnakeCaseKeys() throws {
        let (holder, port) = try boundButNotListening()
        defer { try? holder.close() }
        let (status, output) = try runConnect(["127.0.0.1", port, "--json"])
        #expect(status == 1)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        let attempts = try #require(json["attempts"] as? [[String: Any]])
        let failure = try #require(attempts.first?["failure"] as? [String: Any])
        #expect(failure["name"] as? String == "ECONNREFUSED")
        #expect(failure["code"] as? Int == Int(ECONNREFUSED))
        #expect(attempts.first?["outcome"] as? String == "failed")
        #expect(attempts.first?["start_reason"] as? String == "first")
        #expect(json["resolve_ms"] is Double && attempts.first?["elapsed_ms"] is Double)
        #expect(json["winner"] == nil || json["winner"] is NSNull)
    }

    @Test func happyEyeballsTraceShowsWhyEachAttemptStarted() throws {
        let (server, port) = try listener("127.0.0.1")
        defer { try? server.close() }
        let dead = try Socket(family: .inet6, type: .stream)
        defer { try? dead.close() }
        try dead.bind(host: "::1", port: Int(port)!)
        // /etc/hosts may map localhost to 127.0.0.1 only, so the command's request is raced over
        // getaddrinfo's NULL host, which gives both ::1 and 127.0.0.1.
        let command = try #require(try SocktuiCommand.parseAsRoot(["connect", "localhost", port, "--happy-eyeballs"]) as? ConnectCommand)
        guard case .connect(var request) = command.request else { Issue.record("not a connect request"); return }
        #expect(request.strategy == .happyEyeballs)
        request.host = nil
        let trace = ConnectTracer.run(request)
        let text = ConnectCommand.render(trace)
        #expect(text.contains("started +"))
        #expect(text.contains("(first)  ECONNREFUSED"))
        #expect(text.contains("(previous failed)  connected in "))
    }

    @Test func repeatedProbesPrintEachProbeAndTheStatistics() throws {
        let (server, port) = try listener()
        defer { try? server.close() }
        let (status, output) = try runConnect(["127.0.0.1", port, "--count", "3", "--interval", "0"])
        #expect(status == 0)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines.prefix(3).enumerated().allSatisfy { $1.hasPrefix("probe \($0 + 1): connected to 127.0.0.1:\(port) in ") })
        #expect(lines.contains("3 probes, 3 connected, 0.0% loss"))
        #expect(lines.contains { $0.hasPrefix("  min ") && $0.contains("p99") })
    }

    @Test func udpProbeOfAClosedPortSaysClosed() throws {
        let socket = try Socket(family: .inet, type: .datagram)
        try socket.bind(host: "127.0.0.1", port: 0)
        let port = String(try socket.localAddress().port!)
        try socket.close()
        let (status, output) = try runConnect(["127.0.0.1", port, "--udp"])
        #expect(status == 1)
        #expect(output.hasPrefix("udp 127.0.0.1:\(port): closed (ICMP port unreachable) after "))
        #expect(output.contains("ICMP type 3 code 3 (port unreachable) from 127.0.0.1"))
    }

    @Test func echoToTheBuiltInServerVerifiesEveryByte() throws {
        let server = try EchoServer()
        defer { server.stop() }
        let (status, output) = try runConnect(["127.0.0.1", String(server.address.port!), "--echo", "100000", "--chunk", "4096"])
        #expect(status == 0)
        #expect(output.contains("echo: 100000 of 100000 bytes came back intact in 25 messages"))
        #expect(output.contains("per-message round trip:"))
    }

    @Test func throughputToTheBuiltInSinkReportsRateSamples() throws {
        let sink = try EchoServer(mode: .discard)
        defer { sink.stop() }
        let (status, output) = try runConnect(["127.0.0.1", String(sink.address.port!), "--throughput", "0.3"])
        #expect(status == 0)
        #expect(output.contains("bit/s\n"))
        let summary = try #require(output.split(separator: "\n").last { $0.hasPrefix("throughput: ") })
        #expect(summary.hasSuffix("(ended: the 0.3 s duration was reached; the sink then read everything and closed its end)"))
        #expect(sink.statistics.bytesReceived > 0)
    }

    @Test(arguments: [
        (["connect", "127.0.0.1", "80", "--echo", "10", "--throughput", "1"], "--echo and --throughput exclude each other"),
        (["connect", "127.0.0.1", "0"], "PORT must be 1-65535, got 0"),
        (["connect", "127.0.0.1", "80", "--udp", "--echo", "10"], "--udp and --echo exclude each other"),
        (["connect", "127.0.0.1", "80", "--udp", "--happy-eyeballs"], "does not apply to --udp"),
        (["connect", "127.0.0.1", "80", "--timeout", "0"], "--timeout must be more than 0 and at most 3600 seconds, got 0.0"),
        (["scan", "127.0.0.1", "1-70000"], "PORTS range '1-70000' spans 70000 ports; a scan covers at most 65535"),
        (["scan", "127.0.0.1", "1-10", "--concurrency", "5000"], "--concurrency must be 1-4096, got 5000"),
        (["scan", "127.0.0.1", "1-10", "--rate", "0"], "--rate must be a positive number")
    ])
    func badCommandLinesAreRefusedWithAClearMessage(arguments: [String], message: String) {
        let error = usageError(arguments)
        #expect(error?.contains(message) == true, "\(error ?? "parsed")")
    }

    @Test func helpFitsEightyColumnsWithoutRewrapping() {
        for command in [ConnectCommand.self, ScanCommand.self] as [any ParsableCommand.Type] {
            let help = SocktuiCommand.helpMessage(for: command, columns: 80)
            let discussion = help.components(separatedBy: "USAGE:").first ?? ""
            // A wrapped indented line would leave a fragment starting at column 0 mid-paragraph.
            let long = discussion.split(separator: "\n").filter { $0.count > 80 }
            #expect(long.isEmpty, "\(long)")
            #expect(!discussion.contains("\nfails,") && !discussion.contains("\nevery\n"))
        }
    }

    @Test func helpTeachesWithExamplesAndMeanings() {
        let connect = SocktuiCommand.helpMessage(for: ConnectCommand.self, columns: 100)
        #expect(connect.contains("socktui connect example.com 443 --happy-eyeballs"))
        #expect(connect.contains("ECONNREFUSED   the host answered with a reset"))
        #expect(connect.contains("UDP open|filtered  no answer"))
        #expect(connect.contains("Exit status: 0 when the target answered as asked"))
        let scan = SocktuiCommand.helpMessage(for: ScanCommand.self, columns: 100)
        #expect(scan.contains("socktui scan 127.0.0.1 1-1024"))
        #expect(scan.contains("filtered   no answer within --timeout"))
    }

    @Test func scanOfLoopbackPortsTheTestHoldsListsTheOpenOnes() throws {
        let (first, firstPort) = try listener()
        defer { try? first.close() }
        let (dead, deadPort) = try boundButNotListening()
        defer { try? dead.close() }
        let (status, output) = try runScan(["127.0.0.1", "\(firstPort),\(deadPort)", "--all"])
        #expect(status == 0)
        #expect(output.contains("\n  \(firstPort)"))
        #expect(output.contains("open"))
        #expect(output.contains("ECONNREFUSED"))
        #expect(output.hasSuffix("1 open, 1 closed, 0 filtered\n"))
    }
}

/// Runs a program to completion; returns its status and standard output.
@discardableResult
private func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let result = try runTool("/usr/bin/env", arguments)
    return (result.status, result.out)
}

/// The `socktui` binary built beside this test bundle.
private func socktuiBinary() -> String { TestBinary.socktui }

/// Opens the test's listeners inside the namespace, then runs the scan there and relays its
/// output and status. Listeners exist before the scan starts, so no readiness wait is needed.
private let namespaceScanScript = """
    import socket, subprocess, sys
    binary, spec = sys.argv[1], sys.argv[2]
    held = []
    for port in (22, 80, 1999, 2000):
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port)); s.listen(16); held.append(s)
    bound = socket.socket(); bound.bind(("127.0.0.1", 443)); held.append(bound)   # bound, not listening: closed
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); udp.bind(("127.0.0.1", 53)); held.append(udp)
    done = subprocess.run([binary, "scan", "127.0.0.1", spec, "--json"], stdout=subprocess.PIPE)
    sys.stdout.write(done.stdout.decode())
    sys.exit(done.returncode)
    """

@Suite("ConnectCommand: scans inside a network namespace")
struct ConnectCommandNamespaceTests {
    @Test(.enabled(if: getuid() == 0, "creating a network namespace needs root"))
    func scanOfPorts1To2000FindsExactlyTheTestsListeners() throws {
        let binary = socktuiBinary()
        try #require(FileManager.default.isExecutableFile(atPath: binary), "socktui is not built at \(binary)")
        let namespace = "socktui-conntest-\(getpid())"
        try #require(try run(["ip", "netns", "add", namespace]).status == 0, "ip netns add failed")
        defer { _ = try? run(["ip", "netns", "delete", namespace]) }
        try #require(try run(["ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up"]).status == 0)
        let (status, output) = try run(["ip", "netns", "exec", namespace, "python3", "-c", namespaceScanScript, binary, "1-2000"])
        #expect(status == 0, "socktui scan exited \(status): \(output)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(json["open_ports"] as? [Int] == [22, 80, 1999, 2000])
        #expect(json["filtered_ports"] as? [Int] == [])
        #expect(json["closed_count"] as? Int == 1996)
        #expect((json["address"] as? [String: Any])?["host"] as? String == "127.0.0.1")
    }

    /// Runs `socktui connect ... --json` inside `namespace` and returns the first attempt's failure.
    private func failureInside(_ namespace: String, _ arguments: [String]) throws -> (status: Int32, failure: [String: Any]) {
        let (status, output) = try run(["ip", "netns", "exec", namespace, socktuiBinary(), "connect"] + arguments + ["--json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "not JSON: \(output)")
        let attempts = try #require(json["attempts"] as? [[String: Any]])
        return (status, try #require(attempts.first?["failure"] as? [String: Any]))
    }

    @Test(.enabled(if: getuid() == 0, "creating a network namespace needs root"))
    func routingFailuresAreExplainedInsideANamespace() throws {
        try #require(FileManager.default.isExecutableFile(atPath: socktuiBinary()), "socktui is not built")
        let namespace = "socktui-connerr-\(getpid())"
        try #require(try run(["ip", "netns", "add", namespace]).status == 0, "ip netns add failed")
        defer { _ = try? run(["ip", "netns", "delete", namespace]) }
        try #require(try run(["ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up"]).status == 0)

        // Only lo is up: no route to a TEST-NET-2 address.
        let noRoute = try failureInside(namespace, ["198.51.100.7", "80", "--timeout", "2"])
        #expect(noRoute.status == 1)
        #expect(noRoute.failure["name"] as? String == "ENETUNREACH")
        #expect((noRoute.failure["explanation"] as? String)?.contains("no route to that network") == true)

        // An unreachable route: the kernel answers as a router's ICMP host-unreachable would.
        try #require(try run(["ip", "netns", "exec", namespace, "ip", "route", "add", "unreachable", "198.51.100.0/24"]).status == 0)
        let unreachable = try failureInside(namespace, ["198.51.100.7", "80", "--timeout", "2"])
        #expect(unreachable.failure["name"] as? String == "EHOSTUNREACH")
        #expect((unreachable.failure["explanation"] as? String)?.contains("no route to the host") == true)
    }
}
