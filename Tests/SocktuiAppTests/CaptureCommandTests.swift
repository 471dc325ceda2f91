import Foundation
import Testing
import SocktuiTestSupport
@testable import SocktuiApp

/// `socktui capture` as the real binary on `lo` (root only), read back by tshark and tcpdump.
@Suite(.serialized, .enabled(if: getuid() == 0, "live capture needs CAP_NET_RAW (run as root)"))
struct CaptureCommandTests {
    /// Starts `socktui capture ARGS`, waits until it reports the capture is running, runs
    /// `traffic`, and returns the exit status, stdout and stderr.
    static func capture(_ arguments: [String], traffic: () throws -> Void) throws -> (Int32, String, String) {
        let process = try ChildProcess([TestBinary.socktui, "capture"] + arguments)
        // The first stderr line says the ring is open and the filter attached.
        let errors = LineReader(process.stderr!)
        let output = LineReader(process.stdout!)
        let started = errors.waitFor(timeout: 20) { $0.contains("capturing on") }
        try #require(started != nil, "capture did not start: \(errors.text)")
        try traffic()
        let out = output.waitForEnd(timeout: 120)
        let err = errors.waitForEnd(timeout: 120)
        let status = process.wait()
        return (status, out.map { $0 + "\n" }.joined(), err.joined(separator: "\n"))
    }

    @Test func interruptFlushesThePartlyFilledBlockBeforeTheSummary() throws {
        let port = Self.freeUDPPort()
        let (status, out, err) = try Self.capture(["-i", "lo", "udp", "dst", "port", "\(port)"]) {
            try Self.sendDatagrams(7, to: port)
            // Stopped right after the traffic, as a user's Ctrl-C: nothing may be lost.
            let pid = try runTool("/usr/bin/env", ["pgrep", "-f", "capture -i lo udp dst port \(port)"])
            for line in pid.out.split(separator: "\n") { kill(pid_t(line)!, SIGINT) }
        }
        #expect(status == 0)
        #expect(out.split(separator: "\n").count == 7)
        #expect(err.contains("7 packets captured") && err.contains("7 packets received by filter"))
    }

    static func sendDatagrams(_ count: Int, to port: Int) throws {
        let script =
            "import socket,sys\ns=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\nfor i in range(\(count)): s.sendto(b'socktui %d' % i, ('127.0.0.1', \(port)))"
        let result = try runTool("/usr/bin/env", ["python3", "-c", script])
        try #require(result.status == 0, "\(result.err)")
    }

    static func freeUDPPort() -> Int { Int.random(in: 20_000...29_999) }

    @Test func capturePrintsOneSummaryLinePerMatchingPacketAndTheKernelCounts() throws {
        let port = Self.freeUDPPort()
        let (status, out, err) = try Self.capture(["-i", "lo", "-c", "5", "udp", "and", "dst", "port", "\(port)"]) {
            try Self.sendDatagrams(8, to: port)
        }
        #expect(status == 0)
        let lines = out.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines.allSatisfy { $0.contains("127.0.0.1 → 127.0.0.1 UDP") && $0.contains("→ \(port)") })
        #expect(err.contains("5 packets captured"))
        #expect(err.contains("packets dropped by kernel"))
    }

    @Test(.enabled(if: TestBinary.have("tshark", "tcpdump"), "needs tshark and tcpdump to read the file back"), arguments: [false, true])
    func capturedFilesAreReadByTsharkAndTcpdumpWithEqualCounts(pcapng: Bool) throws {
        let port = Self.freeUDPPort()
        let file = NSTemporaryDirectory() + "socktui-capture-\(getpid())-\(port).\(pcapng ? "pcapng" : "pcap")"
        defer { unlink(file) }
        let (status, _, _) = try Self.capture(
            ["-i", "lo", "-c", "12", "-w", file] + (pcapng ? ["--pcapng"] : []) + ["udp", "port", "\(port)"]
        ) {
            try Self.sendDatagrams(12, to: port)
        }
        #expect(status == 0)
        let tshark = try runTool("/usr/bin/env", ["tshark", "-r", file, "-T", "fields", "-e", "udp.dstport"])
        #expect(tshark.status == 0)
        #expect(!tshark.err.lowercased().contains("warning") && !tshark.err.contains("appears to be damaged"), "\(tshark.err)")
        #expect(tshark.out.split(separator: "\n") == Array(repeating: Substring("\(port)"), count: 12))
        let tcpdump = try runTool("/usr/bin/env", ["tcpdump", "-nn", "-r", file])
        #expect(tcpdump.status == 0)
        #expect(tcpdump.out.split(separator: "\n").count == 12)
    }

    @Test func badFiltersAndInterfacesExitWithAMessage() throws {
        let filter = try runTool(TestBinary.socktui, ["capture", "-i", "lo", "-c", "1", "tcp", "port", "banana"])
        #expect(filter.status == 2 && filter.err.contains("bad filter \"tcp port banana\""))
        let interface = try runTool(TestBinary.socktui, ["capture", "-i", "nosuchif0", "-c", "1"])
        #expect(interface.status == 1 && interface.err.contains("no such interface 'nosuchif0'"))
    }
}
