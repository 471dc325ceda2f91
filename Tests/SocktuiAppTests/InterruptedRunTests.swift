import Foundation
import SocketKit
import Testing
import SocktuiTestSupport
#if canImport(Glibc)
    import Glibc
#endif

/// Ctrl-C, SIGTERM and SIGHUP on the long-running commands (issue #17 D3, D4): socktui stops
/// cleanly and prints what it measured, as ping and tcpdump do, instead of dying with nothing.
@Suite("Interrupted runs: connect, scan and capture stop cleanly on a signal")
struct InterruptedRunTests {
    /// Whether the process's main thread blocks `signal` (socktui blocks the stop signals before
    /// it starts working; a signal sent earlier would meet the default action).
    static func blocks(_ pid: pid_t, _ signal: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigBlk:") }),
            let mask = UInt64(line.dropFirst("SigBlk:".count).trimmingCharacters(in: .whitespaces), radix: 16)
        else { return false }
        return mask & (1 << UInt64(signal - 1)) != 0
    }

    /// Whether `signal` is pending for the process (sent, not yet taken by its sigwait thread).
    static func pending(_ pid: pid_t, _ signal: Int32) -> Bool {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return false }
        return status.split(separator: "\n").contains { line in
            guard line.hasPrefix("ShdPnd:") || line.hasPrefix("SigPnd:"),
                let mask = UInt64(line.drop { $0 != ":" }.dropFirst().trimmingCharacters(in: .whitespaces), radix: 16)
            else { return false }
            return mask & (1 << UInt64(signal - 1)) != 0
        }
    }

    /// Connections the listener on `port` received (its side of each, whatever its state now).
    static func connections(to port: Int) -> Int {
        (try? runTool("/usr/bin/env", ["ss", "-Htn", "sport = :\(port)"]).out.split(separator: "\n").count) ?? 0
    }

    /// A loopback listener that never accepts (the kernel completes each handshake from its backlog).
    static func listener() throws -> (Socket, Int) {
        let socket = try Socket(family: .inet, type: .stream)
        try socket.bind(host: "127.0.0.1", port: 0)
        try socket.listen(backlog: 4096)
        return (socket, Int(try socket.localAddress().port!))
    }

    @Test(arguments: [SIGINT, SIGHUP])
    func interruptedProbesPrintTheStatisticsSoFarAndExitWithTheSignalsStatus(signal: Int32) throws {
        try #require(TestBinary.isBuilt)
        let (server, port) = try Self.listener()
        defer { try? server.close() }
        let process = try ChildProcess([TestBinary.socktui, "connect", "127.0.0.1", "\(port)", "--count", "1000000", "--interval", "0.01"])
        let output = LineReader(process.stdout!)
        try #require(output.waitFor(timeout: 30) { $0.hasPrefix("probe 5:") } != nil, "no probes: \(output.text)")
        process.signal(signal)
        let lines = output.waitForEnd(timeout: 30)
        #expect(process.wait() == 128 + signal)
        let marker = try #require(
            lines.firstIndex { $0.hasPrefix("--- interrupted (\(signal == SIGINT ? "SIGINT" : "SIGHUP")) after ") },
            "no interruption line: \(lines)")
        #expect(lines[marker].hasSuffix(" of 1000000 probes ---"))
        let sent = lines.filter { $0.hasPrefix("probe ") }.count
        #expect(lines[marker] == "--- interrupted (\(signal == SIGINT ? "SIGINT" : "SIGHUP")) after \(sent) of 1000000 probes ---")
        #expect(lines.dropFirst(marker).contains { $0.hasPrefix("\(sent) probes, \(sent) connected, 0.0% loss") }, "\(lines)")
        #expect(lines.dropFirst(marker).contains { $0.contains("min") && $0.contains("median") && $0.contains("p99") })
    }

    /// `timeout`, `kill 0` and a terminal deliver one stop to the process and to its group: the
    /// same signal twice at once is one stop, not the "second signal" that ends at once.
    @Test func aStopDeliveredTwiceAtOnceStillPrintsTheStatistics() throws {
        try #require(TestBinary.isBuilt)
        let (server, port) = try Self.listener()
        defer { try? server.close() }
        let process = try ChildProcess([TestBinary.socktui, "connect", "127.0.0.1", "\(port)", "--count", "1000000", "--interval", "0.01"])
        let output = LineReader(process.stdout!)
        try #require(output.waitFor(timeout: 30) { $0.hasPrefix("probe 3:") } != nil, "no probes: \(output.text)")
        process.signal(SIGTERM)
        // The second copy after the first was taken (two pending copies of a signal merge into one).
        try #require(eventually(within: 30) { !Self.pending(process.pid, SIGTERM) })
        process.signal(SIGTERM)
        let lines = output.waitForEnd(timeout: 30)
        #expect(process.wait() == 143)
        #expect(lines.contains { $0.hasPrefix("--- interrupted (SIGTERM) after ") }, "\(lines)")
        #expect(lines.contains { $0.contains("probes,") && $0.contains("% loss") }, "\(lines)")
    }

    @Test func terminatedProbesWithJSONPrintACompleteDocumentMarkedInterrupted() throws {
        try #require(TestBinary.isBuilt)
        let (server, port) = try Self.listener()
        defer { try? server.close() }
        let process = try ChildProcess([
            TestBinary.socktui, "connect", "127.0.0.1", "\(port)", "--count", "1000000", "--interval", "0.01", "--json"
        ])
        let output = LineReader(process.stdout!)
        // JSON prints at the end only: wait until the signals are blocked, then until probes ran.
        try #require(eventually(within: 30) { Self.blocks(process.pid, SIGTERM) })
        try #require(eventually(within: 30) { Self.connections(to: port) >= 3 }, "no probes reached the listener")
        process.signal(SIGTERM)
        let text = output.waitForEnd(timeout: 30).joined(separator: "\n")
        #expect(process.wait() == 143)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON: \(text)")
        #expect(json["interrupted"] as? Bool == true)
        #expect(json["cancelled"] as? Bool == true)
        let sent = try #require(json["sent"] as? Int)
        #expect(sent >= 1)
        #expect((json["samples"] as? [Any])?.count == sent)
        #expect((json["statistics"] as? [String: Any])?["count"] as? Int == json["received"] as? Int)
    }

    @Test func aProbeSeriesThatEndsOnItsOwnIsNotMarkedInterrupted() throws {
        try #require(TestBinary.isBuilt)
        let (server, port) = try Self.listener()
        defer { try? server.close() }
        let result = try runTool(TestBinary.socktui, ["connect", "127.0.0.1", "\(port)", "--count", "2", "--interval", "0.01", "--json"])
        #expect(result.status == 0, "\(result.err)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any])
        #expect(json["interrupted"] as? Bool == false)
        #expect(json["sent"] as? Int == 2)
    }

    @Test(arguments: [false, true])
    func anInterruptedScanPrintsThePortsFinishedSoFar(json: Bool) throws {
        try #require(TestBinary.isBuilt)
        let (server, port) = try Self.listener()
        defer { try? server.close() }
        // From the listener's port up, 200 ports a second: the scan is still running when the
        // signal comes.
        let total = 65535 - port + 1
        try #require(total >= 500, "the listener's port \(port) is too close to 65535")
        let process = try ChildProcess(
            [TestBinary.socktui, "scan", "127.0.0.1", "\(port)-65535", "--concurrency", "1", "--rate", "200"]
                + (json ? ["--json"] : []))
        let output = LineReader(process.stdout!)
        try #require(eventually(within: 30) { Self.blocks(process.pid, SIGINT) })
        try #require(eventually(within: 30) { Self.connections(to: port) >= 1 }, "the scan did not reach the listener's port")
        process.signal(SIGINT)
        let lines = output.waitForEnd(timeout: 30)
        #expect(process.wait() == 130)
        if json {
            let document = try #require(
                try JSONSerialization.jsonObject(with: Data(lines.joined(separator: "\n").utf8)) as? [String: Any],
                "not JSON: \(lines)")
            #expect(document["interrupted"] as? Bool == true)
            #expect(document["cancelled"] as? Bool == true)
            #expect((document["open_ports"] as? [Int])?.contains(port) == true)
        } else {
            #expect(lines.contains { $0.hasPrefix("  \(port)") && $0.contains("open") }, "\(lines)")
            let last = try #require(lines.last)
            #expect(last.hasPrefix("--- interrupted (SIGINT) after ") && last.hasSuffix(" of \(total) ports ---"), "\(lines)")
        }
    }
}

/// SIGHUP (the terminal closed) during `capture -w` is a stop like Ctrl-C (issue #17 D4): the
/// ring is flushed, the file completed and the counters printed.
@Suite(.serialized, .enabled(if: getuid() == 0, "live capture needs CAP_NET_RAW (run as root)"))
struct CaptureHangupTests {
    @Test(arguments: [SIGHUP, SIGTERM, SIGINT])
    func aStopSignalDuringCaptureToAFileKeepsEveryPacketAndPrintsTheCounters(signal: Int32) throws {
        try #require(TestBinary.isBuilt)
        let directory = try TemporaryDirectory()
        let file = directory.path("hup.pcap")
        let port = CaptureCommandTests.freeUDPPort()
        let process = try ChildProcess([TestBinary.socktui, "capture", "-i", "lo", "-w", file, "udp", "dst", "port", "\(port)"])
        let errors = LineReader(process.stderr!)
        try #require(errors.waitFor(timeout: 30) { $0.contains("capturing on") } != nil, "capture did not start: \(errors.text)")
        try CaptureCommandTests.sendDatagrams(7, to: port)
        process.signal(signal)
        let text = errors.waitForEnd(timeout: 60).joined(separator: "\n")
        #expect(process.wait() == 0, "\(text)")
        #expect(text.contains("7 packets captured") && text.contains("7 packets received by filter"), "\(text)")
        let read = try runTool(TestBinary.socktui, ["read", file])
        #expect(read.status == 0, "\(read.err)")
        #expect(read.out.split(separator: "\n").count == 7)
    }
}
