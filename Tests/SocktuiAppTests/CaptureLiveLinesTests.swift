import Foundation
import Testing
import SocktuiTestSupport

/// `socktui capture`'s printed lines take the same fast path as `socktui read` (`QuickSummary` for
/// plain Ethernet/IPv4/UDP and TCP, the dissector otherwise): the lines printed live equal the
/// lines `read` prints for the same packets written to a file by a second capture at the same time
/// (but for the time column).
@Suite(.serialized, .enabled(if: getuid() == 0, "live capture needs CAP_NET_RAW (run as root)"))
struct CaptureLiveLinesTests {
    @Test func liveLinesEqualTheLinesReadPrintsForTheSamePackets() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("same.pcap")
        let port = CaptureCommandTests.freeUDPPort()
        // Plain UDP takes the quick path; UDP to LLMNR's port (a DNS port) goes through the dissector.
        let filter = ["udp", "and", "(dst", "port", "\(port)", "or", "dst", "port", "5355)"]
        let writer = try ChildProcess([TestBinary.socktui, "capture", "-i", "lo", "-c", "5", "-w", file, "--utc"] + filter)
        let writerErrors = LineReader(writer.stderr!)
        try #require(writerErrors.waitFor(timeout: 20) { $0.contains("capturing on") } != nil, "\(writerErrors.text)")
        let (status, printed, err) = try CaptureCommandTests.capture(["-i", "lo", "-c", "5", "--utc"] + filter) {
            try CaptureCommandTests.sendDatagrams(3, to: port)
            try CaptureCommandTests.sendDatagrams(2, to: 5355)
        }
        #expect(status == 0, "\(err)")
        #expect(writer.wait() == 0, "\(writerErrors.text)")
        let read = try runTool(TestBinary.socktui, ["read", file, "--utc"])
        #expect(read.status == 0, "\(read.err)")
        #expect(printed.split(separator: "\n").count == 5)
        // Each capture socket takes its own time stamp (they differ by a microsecond or two): the
        // lines are compared without it.
        func withoutTime(_ text: String) -> [String] {
            text.split(separator: "\n").map { line in
                line.split(separator: " ", omittingEmptySubsequences: false).enumerated().filter { $0.offset != 1 }.map(\.element).joined(
                    separator: " ")
            }
        }
        #expect(withoutTime(printed) == withoutTime(read.out))
    }
}
