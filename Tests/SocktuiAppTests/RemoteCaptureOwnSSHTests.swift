import Foundation
import Testing
import SocktuiTestSupport

/// A remote capture leaves out its own ssh connection (as sshdump does), with or without a filter of
/// the user's, unless --include-own-ssh asks for it.
@Suite(.serialized, .enabled(if: SSHTestFleet.available, "needs root, openssh-server, openssh-client, python3 and iproute2"))
struct RemoteCaptureOwnSSHTests {
    @Test func aRemoteCaptureOnTheLinkCarryingItsSSHGetsOnlyTheOtherTraffic() throws {
        let fleet = try SSHTestFleet(count: 1, label: "ownssh")
        let host = fleet.hosts[0]
        let port = Int.random(in: 20_000...29_999)
        // Other traffic on the namespace's lo, the link the ssh connection runs on, until the test ends.
        let sender = try PythonChild(
            """
            import socket, time
            receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            receiver.bind(("127.0.0.1", \(port)))
            receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", 0))
            print(s.getsockname()[1], flush=True)
            for i in range(3000):
                s.sendto(b"other %d" % i, ("127.0.0.1", \(port)))
                time.sleep(0.02)
            """, namespace: host.namespace)
        let source = try sender.number(0)
        for filter in [[], ["tcp", "or", "udp"]] {
            let result = try runTool(TestBinary.socktui, ["capture", "-i", "lo", "-c", "8"] + filter + fleet.remoteArguments([host]))
            #expect(result.status == 0, "\(result.err)")
            let lines = result.out.split(separator: "\n")
            #expect(lines.count == 8, "\(result.out)")
            #expect(
                lines.allSatisfy { $0.contains("UDP") && $0.contains("\(source) → \(port)") },
                "filter \(filter): packets other than the generated datagrams (its own ssh?):\n\(result.out)")
            #expect(result.err.contains("own ssh connection excluded"), "\(result.err)")
        }
        // Asked for, the ssh connection is there.
        let own = try runTool(
            TestBinary.socktui, ["capture", "-i", "lo", "-c", "3", "--include-own-ssh", "tcp", "port", "22"] + fleet.remoteArguments([host])
        )
        #expect(own.status == 0, "\(own.err)")
        let lines = own.out.split(separator: "\n")
        #expect(lines.count == 3 && lines.allSatisfy { $0.contains("TCP") && $0.contains("22") }, "\(own.out)")
    }
}
