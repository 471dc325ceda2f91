#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Inspect
import Testing
import SocktuiTestSupport

/// `socktui read --follow` (issue #17 W4 and messages): --stats beside --follow, and messages that
/// hid the path, the reason or the truth.
@Suite struct ReadFollowMessagesTests {
    static func read(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        try #require(TestBinary.isBuilt, "the socktui executable is built with the tests")
        return try runTool(TestBinary.socktui, ["read"] + arguments)
    }

    /// Ethernet / IPv4 `source` → `destination` / TCP `sourcePort` → `destinationPort` carrying
    /// `payload` (checksums left zero: `read` does not verify them unless asked).
    static func tcpFrame(
        _ source: [UInt8], _ destination: [UInt8], _ sourcePort: UInt16, _ destinationPort: UInt16,
        sequence: UInt32, flags: UInt8, _ payload: [UInt8] = []
    ) -> [UInt8] {
        let word = CaptureFixture.word
        let tcp =
            word(sourcePort) + word(destinationPort) + word(UInt16(sequence >> 16)) + word(UInt16(sequence & 0xffff))
            + [0, 0, 0, 0, 0x50, flags] + word(65535) + [0, 0, 0, 0] + payload
        var ip: [UInt8] = [0x45, 0] + word(UInt16(20 + tcp.count)) + [0, 1, 0x40, 0, 64, 6, 0, 0] + source + destination
        let sum = CaptureFixture.internetChecksum(ip)
        ip[10] = UInt8(sum >> 8)
        ip[11] = UInt8(sum & 0xff)
        return [2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00] + ip + tcp
    }

    // MARK: W4: --follow with --stats

    @Test func followWithStatsPrintsTheStreamThenTheStatistics() throws {
        let file = try CaptureFixture.write(rounds: 3)
        defer { unlink(file) }
        let text = try Self.read([file, "--follow", "tcp,0", "--stats", "phs"])
        #expect(text.status == 0, "\(text.err)")
        let transcript = try #require(text.out.range(of: "GET /r0 HTTP/1.1"), "\(text.out)")
        let hierarchy = try #require(text.out.range(of: "Protocol Hierarchy Statistics"), "\(text.out)")
        #expect(transcript.lowerBound < hierarchy.lowerBound)
        let json = try Self.read([file, "--follow", "tcp,0", "--stats", "phs", "--json"])
        #expect(json.status == 0, "\(json.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any], "\(json.out)")
        let follow = try #require(object["follow"] as? [String: Any])
        let statistics = try #require(object["statistics"] as? [String: Any])
        #expect(follow["transport"] as? String == "tcp" && follow["stream"] as? Int == 0)
        #expect(statistics["packets"] as? Int == 12 && statistics["protocol_hierarchy"] != nil)
    }

    // MARK: messages that name the path and the truth

    @Test func saveRawIntoAMissingDirectoryNamesThePathAndTheReason() throws {
        let file = try CaptureFixture.write(rounds: 3)
        defer { unlink(file) }
        let directory = try TemporaryDirectory()
        let missing = directory.path("nonexistent")
        let result = try Self.read([file, "--follow", "tcp,0", "--save-raw", "\(missing)/x"])
        #expect(result.status == 1)
        #expect(
            result.err
                == "socktui read: \(missing)/x.node0: cannot create: No such file or directory (the directory \(missing) does not exist)\n",
            "\(result.err)")
    }

    @Test(.enabled(if: getuid() == 0, "mounts a tmpfs")) func saveRawOnAFullDiskReportsTheErrorAndLeavesNoFile() throws {
        let directory = try TemporaryDirectory()
        let capture = directory.path("big.pcap")
        let client: [UInt8] = [10, 0, 0, 1], server: [UInt8] = [10, 0, 0, 2]
        // A small request from node 0 (fits the disk) and a 100 KB answer from node 1 (does not).
        var frames = [
            Self.tcpFrame(client, server, 50000, 80, sequence: 999, flags: 0x02),
            Self.tcpFrame(server, client, 80, 50000, sequence: 4999, flags: 0x12),
            Self.tcpFrame(client, server, 50000, 80, sequence: 1000, flags: 0x18, Array("GET / HTTP/1.1\r\n\r\n".utf8))
        ]
        for n in 0..<100 {
            frames.append(
                Self.tcpFrame(
                    server, client, 80, 50000, sequence: UInt32(5000 + n * 1000), flags: 0x18,
                    [UInt8](repeating: UInt8(ascii: "a"), count: 1000)))
        }
        let writer = try PcapWriter(path: capture, linkType: .ethernet)
        for (n, frame) in frames.enumerated() {
            try writer.write(
                CapturedPacket(
                    timestamp: PacketTimestamp(seconds: CaptureFixture.start, nanoseconds: UInt32(n) * 1000), data: frame,
                    linkType: .ethernet))
        }
        try writer.close()
        let disk = directory.path("full")
        try #require(mkdir(disk, 0o700) == 0)
        let mounted = try runTool("/bin/mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", disk])
        try #require(mounted.status == 0, "\(mounted.err)")
        defer { _ = try? runTool("/bin/umount", [disk]) }
        let result = try Self.read([capture, "--follow", "tcp,0", "--save-raw", "\(disk)/raw"])
        #expect(result.status == 1)
        #expect(result.err.contains("\(disk)/raw.node1") && result.err.contains("No space left on device"), "\(result.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: disk) == [], "no half-saved pair, no empty file")
    }

    @Test func followOfAFrameBeyondTheFileSaysThereIsNoSuchPacket() throws {
        let file = try CaptureFixture.write(rounds: 3)
        defer { unlink(file) }
        let result = try Self.read([file, "--follow", "tcp,frame=999999"])
        #expect(result.status == 4)
        #expect(result.err == "socktui read: there is no packet 999999: the capture has 12 packets\n", "\(result.err)")
        // A packet that exists but carries no TCP keeps its own message.
        let udp = try Self.read([file, "--follow", "tcp,frame=3"])
        #expect(udp.status == 4 && udp.err.contains("packet 3 is not part of a TCP stream"), "\(udp.err)")
    }
}
