import Foundation
import Testing
import SocktuiTestSupport
#if canImport(Glibc)
    import Glibc
#endif

/// A refused capture leaves the user's file as it was and says what to do (issue #17 D1), and the
/// option forms tcpdump users type (`-c1`, `-ilo`) are accepted.
@Suite("Capture command line: refusals leave files alone; joined short options")
struct CaptureCommandLineTests {
    /// The entries of `directory`, sorted.
    static func entries(_ directory: TemporaryDirectory) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.url.path).sorted()
    }

    @Test(.enabled(if: TestBinary.isRoot, "checks a real user database lookup as root"))
    func anUnknownDropPrivilegesUserIsOneLineAndLeavesTheFile() throws {
        try #require(TestBinary.isBuilt)
        let directory = try TemporaryDirectory()
        let file = directory.path("k.pcap")
        try "precious\n".write(toFile: file, atomically: false, encoding: .utf8)
        let result = try runTool(
            TestBinary.socktui,
            [
                "capture", "-i", "lo", "-c", "1", "-w", file, "--force",
                "--drop-privileges", "socktui-nosuchuser"
            ])
        #expect(result.status == 64)
        #expect(result.err == "socktui capture: --drop-privileges: no such user 'socktui-nosuchuser'\n", "\(result.err)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "precious\n")
        #expect(try Self.entries(directory) == ["k.pcap"])
    }

    @Test(.enabled(if: TestBinary.isRoot && TestBinary.have("setpriv"), "needs root (and setpriv) to act as another user"))
    func aCaptureRefusedCapNetRawLeavesTheUsersFileAndNoTemporaryFile() throws {
        try #require(TestBinary.isBuilt)
        let directory = try PlantedFileTests.sharedDirectory()
        let file = directory.path("k.pcap")
        let made = try PlantedFileTests.asNobody(["sh", "-c", "echo mine > '\(file)'"])
        try #require(made.status == 0, "\(made.err)")
        let result = try PlantedFileTests.asNobody([TestBinary.socktui, "capture", "-i", "lo", "-c", "1", "-w", file, "--force"])
        #expect(result.status == 1)
        #expect(result.err.contains("CAP_NET_RAW") && result.err.contains("sudo") && result.err.contains("setcap"), "\(result.err)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "mine\n")
        #expect(try Self.entries(directory) == ["k.pcap"], "a file was left beside k.pcap")
    }

    @Test func readTakesAJoinedCount() throws {
        try #require(TestBinary.isBuilt)
        let path = try CaptureFixture.write()
        defer { unlink(path) }
        let joined = try runTool(TestBinary.socktui, ["read", path, "-c2"])
        #expect(joined.status == 0, "\(joined.err)")
        let separate = try runTool(TestBinary.socktui, ["read", path, "-c", "2"])
        #expect(joined.out == separate.out)
        #expect(joined.out.split(separator: "\n", omittingEmptySubsequences: true).count == 2)
    }

    @Test(.enabled(if: TestBinary.isRoot, "live capture needs CAP_NET_RAW (run as root)"))
    func captureTakesJoinedCountInterfaceSnapLengthAndFile() throws {
        try #require(TestBinary.isBuilt)
        let directory = try TemporaryDirectory()
        let file = directory.path("joined.pcap")
        let port = CaptureCommandTests.freeUDPPort()
        let process = try ChildProcess([TestBinary.socktui, "capture", "-ilo", "-c1", "-s96", "-w\(file)", "udp", "dst", "port", "\(port)"])
        let errors = LineReader(process.stderr!)
        try #require(errors.waitFor(timeout: 30) { $0.contains("capturing on") } != nil, "capture did not start: \(errors.text)")
        #expect(errors.lines.first { $0.contains("capturing on") }?.contains("capturing on lo (EN10MB), snap 96") == true, "\(errors.text)")
        try CaptureCommandTests.sendDatagrams(3, to: port)
        #expect(process.wait() == 0, "\(errors.waitForEnd(timeout: 10))")
        #expect(errors.waitForEnd(timeout: 10).contains("1 packets captured"))
        let read = try runTool(TestBinary.socktui, ["read", file])
        #expect(read.status == 0 && read.out.split(separator: "\n").count == 1, "\(read.err)")
    }
}
