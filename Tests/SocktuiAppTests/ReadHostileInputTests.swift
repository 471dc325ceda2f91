#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Inspect
import Testing
import SocktuiTestSupport

/// `socktui read` (and `-r`) on input that fights back (issue #17 C5, H1): a file truncated while
/// it is read, devices and pipes that never end or are not captures.
@Suite struct ReadHostileInputTests {
    static func read(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
        try #require(TestBinary.isBuilt, "the socktui executable is built with the tests")
        return try runTool(TestBinary.socktui, ["read"] + arguments)
    }

    /// A pcap of `count` identical 142-byte UDP frames (158 bytes a record), one per millisecond.
    static func writeUniform(_ path: String, count: Int) throws -> Int {
        let frame = CaptureFixture.udp(from: 40000, [UInt8](repeating: UInt8(ascii: "u"), count: 100))
        let writer = try PcapWriter(path: path, linkType: .ethernet)
        for n in 0..<count {
            try writer.write(
                CapturedPacket(
                    timestamp: PacketTimestamp(seconds: CaptureFixture.start + Int64(n / 1000), nanoseconds: UInt32(n % 1000) * 1_000_000),
                    data: frame, linkType: .ethernet))
        }
        try writer.close()
        return 16 + frame.count
    }

    // MARK: C5: a file that shrinks while it is read

    @Test func aFileTruncatedWhileReadIsReportedAsDamageNotASignal() throws {
        try #require(TestBinary.isBuilt)
        let directory = try TemporaryDirectory()
        let path = directory.path("shrinking.pcap")
        let record = try Self.writeUniform(path, count: 30_000)
        let child = try ChildProcess([TestBinary.socktui, "read", path, "--detail", "--utc"])
        // Read only the first chunk: the reader then blocks on the full pipe, a few batches ahead
        // of what it printed, far from the middle of the file.
        var first: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !first.contains(UInt8(ascii: "\n")) {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(child.stdout!.fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            try #require(count > 0, "socktui read printed nothing")
            first += chunk[0..<count]
        }
        let size = 24 + 15_000 * record + record / 2  // half a record past packet 15000
        #expect(truncate(path, off_t(size)) == 0)
        let (rest, err) = try child.collect()
        let status = child.wait()
        let message = String(decoding: err, as: UTF8.self)
        #expect(status == 3, "exit status \(status) (\(status > 128 ? "signal \(status - 128)" : "no signal")): \(message)")
        #expect(message.contains(path) && message.contains("shrank to \(size) bytes while being read"), "\(message)")
        #expect(message.contains("after 15000 packets"), "\(message)")
        // Every packet printed is one that is still whole: none decoded from the zeros past the end.
        let summaries = String(decoding: first + rest, as: UTF8.self).split(separator: "\n").filter { $0.first?.isNumber == true }
        #expect(summaries.last?.hasPrefix("15000 ") == true, "\(summaries.last ?? "")")
        #expect(summaries.allSatisfy { $0.contains("UDP") })
    }

    // MARK: H1: the format is checked before the input is read, and pipes stream

    @Test func devZeroFailsAtOnceWithTheFormatError() throws {
        let result = try Self.read(["/dev/zero"])
        #expect(result.status == 1)
        #expect(
            result.err.contains("/dev/zero") && result.err.contains("not a pcap or pcapng file: it starts with 00 00 00 00"),
            "\(result.err)")
        let followed = try Self.read(["/dev/zero", "--stats", "phs"])
        #expect(followed.status == 1 && followed.err.contains("not a pcap or pcapng file"), "\(followed.err)")
        let browsed = try runTool(TestBinary.socktui, ["-r", "/dev/zero"])
        #expect(browsed.status != 0 && browsed.err.contains("not a pcap or pcapng file: it starts with 00 00 00 00"), "\(browsed.err)")
    }

    /// A FIFO in `directory` fed by `sh -c COMMAND > fifo`; the writer is returned to be waited for.
    static func fifo(_ directory: TemporaryDirectory, feeding command: String) throws -> (path: String, writer: ChildProcess) {
        let path = directory.path("input.fifo")
        try #require(mkfifo(path, 0o600) == 0)
        return (path, try ChildProcess(["/bin/sh", "-c", "\(command) > '\(path)'"]))
    }

    @Test func aPipeOfTextFailsAtOnceWithTheFormatError() throws {
        let directory = try TemporaryDirectory()
        let (path, writer) = try Self.fifo(directory, feeding: "yes")
        let result = try Self.read([path])
        #expect(result.status == 1)
        #expect(result.err.contains("not a pcap or pcapng file: it starts with 79 0a 79 0a"), "\(result.err)")
        // yes dies of the broken pipe once the reader is gone.
        #expect(writer.wait() != 0)
    }

    @Test func aCaptureThroughAPipePrintsWhatTheFilePrints() throws {
        let directory = try TemporaryDirectory()
        let file = try CaptureFixture.write(rounds: 3)
        defer { unlink(file) }
        let expected = try Self.read([file, "--utc"])
        #expect(expected.status == 0 && !expected.out.isEmpty)
        let (path, writer) = try Self.fifo(directory, feeding: "cat '\(file)'")
        let streamed = try Self.read([path, "--utc"])
        #expect(writer.wait() == 0)
        #expect(streamed.status == 0 && streamed.err.isEmpty, "\(streamed.err)")
        #expect(streamed.out == expected.out)
        // --stats needs the whole input: it is read into memory (within the cap), same tables.
        unlink(path)
        let statsExpected = try Self.read([file, "--stats", "phs"])
        let (again, statsWriter) = try Self.fifo(directory, feeding: "cat '\(file)'")
        let stats = try Self.read([again, "--stats", "phs"])
        #expect(statsWriter.wait() == 0)
        #expect(stats.status == 0 && stats.out == statsExpected.out && stats.out.contains("Protocol Hierarchy Statistics"))
    }
}
