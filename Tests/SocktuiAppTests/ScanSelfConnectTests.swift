import Foundation
import Testing
import SocktuiTestSupport
#if canImport(Glibc)
    import Glibc
#endif

/// A loopback connect whose ephemeral source port equals its destination port meets its own SYN
/// and completes (TCP simultaneous open) with nothing listening: the scan must not call such a
/// port open (issue #17 W1). Reproduced in a namespace of the test's own whose ephemeral range
/// is the scanned range.
@Suite("Scan: a probe that connects to itself is not an open port")
struct ScanSelfConnectTests {
    @Test(.enabled(if: TestBinary.isRoot && PythonChild.available, "creating a network namespace needs root (and python3)"))
    func selfConnectsInTheEphemeralRangeAreNotReportedOpen() throws {
        try #require(TestBinary.isBuilt)
        // socktui-t-PID-TAG-N, the shape SSHTestFleet.removeLeftovers knows (kept while this process lives).
        let namespace = "socktui-t-\(getpid())-selfconnect-0"
        func inside(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
            try runTool("/usr/bin/env", ["ip", "netns", "exec", namespace] + arguments)
        }
        _ = try? runTool("/usr/bin/env", ["ip", "netns", "del", namespace])
        try #require(try runTool("/usr/bin/env", ["ip", "netns", "add", namespace]).status == 0, "ip netns add failed")
        defer { _ = try? runTool("/usr/bin/env", ["ip", "netns", "del", namespace]) }
        try #require(try runTool("/usr/bin/env", ["ip", "-n", namespace, "link", "set", "lo", "up"]).status == 0)
        try #require(try inside(["sysctl", "-w", "net.ipv4.ip_local_port_range=40000 40009"]).status == 0)
        // One real listener in the range: it must be found open every time.
        let listener = try PythonChild(
            """
            import socket, sys
            s = socket.socket(); s.bind(("127.0.0.1", 40004)); s.listen(64)
            print("ready", flush=True)
            sys.stdin.read()
            """, namespace: namespace)
        defer { withExtendedLifetime(listener) {} }
        var falseOpens: [[Int]] = []
        for _ in 0..<6 {
            let result = try inside([
                TestBinary.socktui, "scan", "127.0.0.1", "40000-40009", "--concurrency", "1", "--timeout", "5", "--json"
            ])
            #expect(result.status == 0, "\(result.err)")
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any], "not JSON: \(result.out)")
            let open = try #require(json["open_ports"] as? [Int])
            #expect(open.contains(40004), "the listener was not found: \(open)")
            let wrong = open.filter { $0 != 40004 }
            if wrong.isEmpty {
                #expect(json["closed_count"] as? Int == 9)
            } else {
                falseOpens.append(wrong)
            }
        }
        #expect(falseOpens.isEmpty, "ports reported open with nothing listening: \(falseOpens)")
    }
}
