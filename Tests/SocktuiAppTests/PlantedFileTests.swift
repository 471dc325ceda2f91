import Foundation
import Testing
import SocktuiTestSupport

/// An unprivileged user plants a symlink or a world-writable file where root's socktui would write
/// (issue #17 S1): root's capture refuses it, and root's file is untouched.
@Suite(.enabled(if: TestBinary.isRoot && TestBinary.have("setpriv"), "needs root (and setpriv) to act as another user"))
struct PlantedFileTests {
    /// A sticky, world-writable directory like /tmp, private to this test.
    static func sharedDirectory() throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        #expect(chmod(directory.url.path, 0o1777) == 0)
        return directory
    }

    /// Runs `arguments` as the unprivileged user nobody.
    static func asNobody(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        try runTool("/usr/bin/env", ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"] + arguments)
    }

    @Test func aSymlinkPlantedByAnotherUserIsRefusedAndRootsFileStays() throws {
        try #require(TestBinary.isBuilt)
        let directory = try Self.sharedDirectory()
        let secret = directory.path("root-secret")
        try "root only\n".write(toFile: secret, atomically: false, encoding: .utf8)
        #expect(chmod(secret, 0o600) == 0)
        let planted = directory.path("capture.pcap")
        let made = try Self.asNobody(["ln", "-s", secret, planted])
        try #require(made.status == 0, "nobody could not plant the link: \(made.err)")
        // Refused before capturing: were it not, the capture would wait for a packet, so it is ended
        // after a while rather than left to hang the suite.
        let capture = try ChildProcess([TestBinary.socktui, "capture", "-i", "lo", "-c", "1", "-w", planted, "udp", "port", "9"])
        let errors = LineReader(capture.stderr!)
        if !eventually(within: 30, { !capture.isRunning }) { capture.signal(SIGKILL) }
        let text = errors.waitForEnd(timeout: 10).joined(separator: "\n")
        #expect(capture.wait() == 64, "\(text)")
        #expect(text.contains("\(planted) exists: add --force to replace it"), "\(text)")
        #expect(try String(contentsOfFile: secret, encoding: .utf8) == "root only\n")
    }

    @Test func aWorldWritableFilePlantedByAnotherUserDoesNotReceiveRootsCapture() throws {
        try #require(TestBinary.isBuilt)
        let directory = try Self.sharedDirectory()
        let planted = directory.path("capture.pcapng")
        let made = try Self.asNobody(["sh", "-c", "umask 0; : > '\(planted)'"])
        try #require(made.status == 0, "\(made.err)")
        // Asked to replace it, root writes a new 0600 file over it: nobody cannot read the capture.
        let port = Int.random(in: 20_000...29_999)
        let sender = try PythonChild(
            """
            import socket, sys
            print("ready", flush=True)
            sys.stdin.readline()
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", \(port)))
            """)
        let capture = try ChildProcess([
            TestBinary.socktui, "capture", "-i", "lo", "-c", "1", "--pcapng", "--force", "-w", planted, "udp", "port", "\(port)"
        ])
        let errors = LineReader(capture.stderr!)
        try #require(errors.waitFor(timeout: 30) { $0.contains("capturing on") } != nil, "\(errors.text)")
        try sender.process.write("go\n")
        #expect(capture.wait() == 0, "\(errors.text)")
        var status = stat()
        #expect(lstat(planted, &status) == 0 && status.st_mode & 0o777 == 0o600 && status.st_uid == 0)
        let read = try Self.asNobody(["cat", planted])
        #expect(read.status != 0, "nobody could read root's capture")
    }
}
