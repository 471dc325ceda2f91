#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import Testing
import SocktuiTestSupport
@testable import Inspect

/// A capture file that another program truncates while socktui reads it through its mapping
/// (issue #17 C5): damage, never SIGBUS. And files that cannot be mapped (pipes, devices): the
/// header is checked first, and what is read into memory is capped (H1).
@Suite struct CaptureFileShrinkTests {
    /// 1000-byte packets (1016-byte records after the 24-byte header), packet n filled with n % 256.
    static func writeFile(_ path: String, count: Int) throws {
        let writer = try PcapWriter(path: path, linkType: .ethernet)
        for n in 0..<count {
            try writer.write(
                CapturedPacket(
                    timestamp: PacketTimestamp(seconds: Int64(n), nanoseconds: 0),
                    data: [UInt8](repeating: UInt8(n % 256), count: 1000), linkType: .ethernet))
        }
        try writer.close()
    }

    @Test func anIndexThatMeetsTheShrunkEndStopsWithDamage() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shrinking.pcap")
        try Self.writeFile(path, count: 2000)
        let reader = try CaptureFileReader(path: path)
        #expect(reader.index(upTo: 10) == 10)
        // 100 KiB keeps packets 0-99 whole (24 + 100 × 1016 = 101624) and half of packet 100.
        #expect(truncate(path, 100 * 1024) == 0)
        #expect(reader.indexAll() == 100)
        #expect(reader.isFullyIndexed)
        let damage = try #require(reader.damage)
        #expect(damage.reason.hasPrefix("the file shrank to 102400 bytes while being read (it was \(24 + 2000 * 1016))"), "\(damage)")
        #expect(damage.packetsBefore == 100 && damage.offset == 101_624)
        #expect(reader.packet(at: 99)?.data == [UInt8](repeating: 99, count: 1000))
        #expect(reader.packet(at: 100) == nil)
    }

    @Test func aScanThatMeetsTheShrunkEndStopsWithDamage() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("scanned.pcap")
        try Self.writeFile(path, count: 2000)
        let reader = try CaptureFileReader(path: path)
        var seen: [UInt8] = []
        let result = reader.forEachPacket { record in
            if record.index == 5 { _ = truncate(path, 50 * 1024) }
            seen.append(record.bytes.first ?? 0)
            return true
        }
        let damage = try #require(result.damage)
        #expect(damage.reason.hasPrefix("the file shrank to 51200 bytes"), "\(damage)")
        #expect(damage.packetsBefore == 50)
        // Packets up to the new end are the file's. Past it, the rest of the last page reads as
        // zeros without a fault, so a few empty records may be handed out before the fault is
        // met: a caller drops every record from `packetsBefore` on (as `read` does).
        #expect(Array(seen.prefix(50)) == (0..<50).map { UInt8($0) })
        #expect(seen.count < 2000)
    }

    @Test func aFullyIndexedFileThatShrinksGivesNoPacketsPastItsNewEnd() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("indexed.pcap")
        try Self.writeFile(path, count: 300)
        let reader = try CaptureFileReader(path: path)
        #expect(reader.indexAll() == 300 && reader.damage == nil)
        #expect(truncate(path, 0) == 0)
        // What a browser's End key asks for: the last packets.
        #expect(reader.packets(in: 290..<300).isEmpty)
        #expect(reader.damage?.reason.hasPrefix("the file shrank to 0 bytes") == true)
        #expect(reader.damage?.packetsBefore == 0)
        #expect(reader.indexedCount == 0)
    }

    @Test func aPipeIsCheckedForTheFormatBeforeItIsRead() throws {
        let directory = try TemporaryDirectory()
        let fifo = directory.path("yes.fifo")
        try #require(mkfifo(fifo, 0o600) == 0)
        let writer = try ChildProcess(["/bin/sh", "-c", "yes > '\(fifo)'"])
        #expect(throws: CaptureFileError(path: fifo, message: "not a pcap or pcapng file: it starts with 79 0a 79 0a 79 0a 79 0a")) {
            try CaptureFileReader(path: fifo)
        }
        #expect(writer.wait() != 0)
    }

    @Test func aPipeLargerThanTheMemoryCapIsRefused() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path("big.pcap")
        try Self.writeFile(file, count: 200)
        let fifo = directory.path("big.fifo")
        try #require(mkfifo(fifo, 0o600) == 0)
        let writer = try ChildProcess(["/bin/sh", "-c", "cat '\(file)' > '\(fifo)'"])
        do {
            _ = try CaptureFileReader(path: fifo, memoryCap: 64 << 10)
            Issue.record("a 200 KB pipe was read whole under a 64 KiB cap")
        } catch {
            #expect(error.message.contains("save it to a file first"), "\(error)")
        }
        writer.wait()
        // Under the cap it is read whole.
        let fits = try ChildProcess(["/bin/sh", "-c", "cat '\(file)' > '\(fifo)'"])
        let reader = try CaptureFileReader(path: fifo, memoryCap: 1 << 20)
        #expect(fits.wait() == 0)
        #expect(reader.indexAll() == 200 && reader.damage == nil)
    }
}
