import Foundation
import Testing
import SocktuiTestSupport
@testable import Inspect

/// pcap and pcapng writers and the mmap'd, lazily indexed reader: round trips, byte orders,
/// resolutions, interfaces, unknown blocks, and damaged files.
@Suite struct CaptureFileTests {
    /// Packets with distinct sizes and timestamps, including nanosecond digits a µs file must drop.
    static func samplePackets(count: Int, linkType: LinkType = .ethernet, interfaceID: Int = 0) -> [CapturedPacket] {
        (0..<count).map { index in
            let payload = Array(repeating: UInt8(truncatingIfNeeded: index), count: index % 7)
            return CapturedPacket(
                timestamp: PacketTimestamp(seconds: 1_764_000_000 + Int64(index), nanoseconds: UInt32(123_456_789 + index)),
                data: Fixtures.udpFrame(ports: (10_000 + UInt16(index), 53), payload), linkType: linkType,
                interfaceID: interfaceID, direction: index % 2 == 0 ? .incoming : .outgoing)
        }
    }

    @Test(arguments: TimestampResolution.allCases)
    func pcapRoundTripsPacketsAtItsResolution(resolution: TimestampResolution) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("round.pcap")
        let packets = Self.samplePackets(count: 25)
        let writer = try PcapWriter(path: path, linkType: .ethernet, resolution: resolution)
        for packet in packets { try writer.write(packet) }
        try writer.close()
        let reader = try CaptureFileReader(path: path)
        #expect(reader.format == .pcap)
        #expect(reader.isNanosecondPcap == (resolution == .nanosecond))
        #expect(reader.interfaces == [CaptureInterface(name: "", linkType: .ethernet, snapLength: 262_144)])
        #expect(reader.indexAll() == packets.count)
        #expect(reader.damage == nil)
        for (index, original) in packets.enumerated() {
            let read = try #require(reader.packet(at: index))
            #expect(read.data == original.data)
            #expect(read.originalLength == original.originalLength)
            #expect(read.linkType == .ethernet)
            #expect(read.direction == .unknown)
            let expected = resolution == .nanosecond ? original.timestamp.nanoseconds : original.timestamp.nanoseconds / 1000 * 1000
            #expect(read.timestamp == PacketTimestamp(seconds: original.timestamp.seconds, nanoseconds: expected))
        }
        #expect(reader.packet(at: packets.count) == nil)
    }

    @Test func snapLengthCutsPacketsAndKeepsTheirWireLength() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("snap.pcap")
        let writer = try PcapWriter(path: path, linkType: .ethernet, snapLength: 40)
        try writer.write(CapturedPacket(timestamp: PacketTimestamp(seconds: 1, nanoseconds: 0), data: Fixtures.tcpSyn, linkType: .ethernet))
        try writer.close()
        let packet = try #require(try CaptureFileReader(path: path).packet(at: 0))
        #expect(packet.data == Array(Fixtures.tcpSyn[0..<40]))
        #expect(packet.originalLength == 74 && packet.isTruncated)
        let result = Dissector.dissect(packet)
        #expect(result.error?.layer == .tcp)
        #expect(result.layers == [.ethernet, .ipv4])
    }

    @Test func pcapRejectsASecondLinkTypeWithAHint() throws {
        let directory = try TemporaryDirectory()
        let writer = try PcapWriter(path: directory.path("one.pcap"), linkType: .ethernet)
        #expect(throws: CaptureFileError.self) {
            try writer.write(CapturedPacket(timestamp: PacketTimestamp(seconds: 0, nanoseconds: 0), data: [0x45], linkType: .raw))
        }
        try writer.close()
    }

    @Test func bigEndianPcapFilesAreRead() throws {
        // Header written big-endian: magic a1b2c3d4 (µs), version 2.4, thiszone 0, sigfigs 0, snaplen 65535, link type 1.
        var file: [UInt8] = [0xa1, 0xb2, 0xc3, 0xd4, 0, 2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 1]
        // Record: ts 1000 s + 250000 µs, caplen 74, len 80, then the SYN.
        file += Fixtures.be32(1000) + Fixtures.be32(250_000) + Fixtures.be32(74) + Fixtures.be32(80) + Fixtures.tcpSyn
        let reader = try CaptureFileReader(bytes: file)
        let packet = try #require(reader.packet(at: 0))
        #expect(packet.timestamp == PacketTimestamp(seconds: 1000, nanoseconds: 250_000_000))
        #expect(packet.originalLength == 80 && packet.data == Fixtures.tcpSyn)
        #expect(reader.interfaces.first?.snapLength == 65_535)
        // The same with the nanosecond magic, big-endian.
        file[0...3] = [0xa1, 0xb2, 0x3c, 0x4d]
        #expect(try CaptureFileReader(bytes: file).packet(at: 0)?.timestamp == PacketTimestamp(seconds: 1000, nanoseconds: 250_000))
    }

    @Test func pcapngKeepsInterfacesLinkTypesAndDirections() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("multi.pcapng")
        let writer = try PcapNGWriter(path: path, interfaces: [CaptureInterface(name: "eth0", linkType: .ethernet)])
        let raw = writer.addInterface(CaptureInterface(name: "tun0", linkType: .raw, snapLength: 1500))
        var packets = Self.samplePackets(count: 6)
        let rawPacket = CapturedPacket(
            timestamp: PacketTimestamp(seconds: 5, nanoseconds: 1), data: Array(Fixtures.tcpSyn[14...]),
            linkType: .raw, interfaceID: raw, direction: .outgoing)
        packets.insert(rawPacket, at: 3)
        for packet in packets { try writer.write(packet) }
        try writer.close(statistics: [
            InterfaceStatistics(interfaceID: 0, received: 10, dropped: 2), InterfaceStatistics(interfaceID: raw, received: 1, dropped: 0)
        ])
        let reader = try CaptureFileReader(path: path)
        #expect(reader.format == .pcapng)
        #expect(reader.indexAll() == packets.count)
        #expect(reader.damage == nil)
        #expect(reader.interfaces.map(\.name) == ["eth0", "tun0"])
        #expect(reader.interfaces.map(\.linkType) == [.ethernet, .raw])
        #expect(reader.interfaces[1].snapLength == 1500)
        for (index, original) in packets.enumerated() {
            #expect(reader.packet(at: index) == original, "packet \(index)")
        }
        #expect(Dissector.dissect(try #require(reader.packet(at: 3))).layers == [.ipv4, .tcp])
    }

    /// A pcapng block: type, total length, body padded to 4, total length (little-endian unless `big`).
    static func block(_ type: UInt32, _ body: [UInt8], big: Bool = false) -> [UInt8] {
        let padded = body + Array(repeating: 0, count: (4 - body.count % 4) % 4)
        let length = UInt32(padded.count + 12)
        func u32(_ value: UInt32) -> [UInt8] { big ? Fixtures.be32(value) : Fixtures.be32(value).reversed() }
        return u32(type) + u32(length) + padded + u32(length)
    }

    static func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xff), UInt8(value >> 8)] }
    static func le32(_ value: UInt32) -> [UInt8] { Fixtures.be32(value).reversed() }

    @Test func pcapngResolutionsSectionsUnknownBlocksAndByteOrdersAreHonoured() throws {
        // Section 1, little-endian: SHB (magic, version 1.0, section length -1).
        var file = Self.block(0x0a0d0d0a, Self.le32(0x1a2b3c4d) + Self.le16(1) + Self.le16(0) + Array(repeating: 0xff, count: 8))
        // IDB: Ethernet, snaplen 0, options if_tsresol = 3 (milliseconds), end of options.
        file += Self.block(1, Self.le16(1) + Self.le16(0) + Self.le32(0) + Self.le16(9) + Self.le16(1) + [3, 0, 0, 0] + [0, 0, 0, 0])
        // A custom block (type 0x00000BAD) to skip.
        file += Self.block(0x0bad, Array("whatever".utf8))
        // EPB on interface 0: timestamp 1_500_250 ms = 1500.250 s, caplen 74, len 74.
        file += Self.block(6, Self.le32(0) + Self.le32(0) + Self.le32(1_500_250) + Self.le32(74) + Self.le32(74) + Fixtures.tcpSyn)
        // Simple Packet Block on interface 0: original length 74.
        file += Self.block(3, Self.le32(74) + Fixtures.tcpSyn)
        // Section 2, big-endian: SHB, IDB raw IP with if_tsresol 2^-10 (0x8a), EPB of 3 × 1024 + 512 ticks.
        file += Self.block(
            0x0a0d0d0a, Fixtures.be32(0x1a2b3c4d) + Fixtures.be16(1) + Fixtures.be16(0) + Array(repeating: 0xff, count: 8), big: true)
        file += Self.block(
            1, Fixtures.be16(101) + Fixtures.be16(0) + Fixtures.be32(0) + Fixtures.be16(9) + Fixtures.be16(1) + [0x8a, 0, 0, 0], big: true)
        let ip = Array(Fixtures.tcpSyn[14...])
        file += Self.block(
            6,
            Fixtures.be32(0) + Fixtures.be32(0) + Fixtures.be32(3 * 1024 + 512) + Fixtures.be32(UInt32(ip.count))
                + Fixtures.be32(UInt32(ip.count)) + ip, big: true)
        // An obsolete Packet Block (type 2) in section 2: interface 0, drops 0, timestamp 7 ticks.
        file += Self.block(
            2,
            Fixtures.be16(0) + Fixtures.be16(0) + Fixtures.be32(0) + Fixtures.be32(7) + Fixtures.be32(UInt32(ip.count))
                + Fixtures.be32(UInt32(ip.count)) + ip, big: true)
        let reader = try CaptureFileReader(bytes: file)
        #expect(reader.indexAll() == 4)
        #expect(reader.damage == nil)
        #expect(reader.interfaces.map(\.linkType) == [.ethernet, .raw])
        let first = try #require(reader.packet(at: 0)), simple = try #require(reader.packet(at: 1))
        let third = try #require(reader.packet(at: 2)), fourth = try #require(reader.packet(at: 3))
        #expect(first.timestamp == PacketTimestamp(seconds: 1500, nanoseconds: 250_000_000))
        #expect(first.data == Fixtures.tcpSyn && simple.data == Fixtures.tcpSyn)
        #expect(third.timestamp == PacketTimestamp(seconds: 3, nanoseconds: 500_000_000))
        #expect(third.interfaceID == 1 && third.linkType == .raw && third.data == ip)
        #expect(fourth.timestamp == PacketTimestamp(seconds: 0, nanoseconds: 6_835_937))  // 7/1024 s, truncated to ns
        #expect(Dissector.dissect(third).layers == [.ipv4, .tcp])
    }

    @Test(arguments: [(Int64(100), Int64(1100)), (Int64.max, Int64.max &+ 1000)])
    func pcapngTimestampOffsetsAreAddedWithoutTrapping(offset: Int64, expected: Int64) throws {
        // SHB; IDB (Ethernet) with if_tsoffset (code 14, 8 bytes) = `offset` seconds; EPB at 1000 s (µs ticks).
        var file = Self.block(0x0a0d0d0a, Self.le32(0x1a2b3c4d) + Self.le16(1) + Self.le16(0) + Array(repeating: 0xff, count: 8))
        // A little-endian int64.
        let offsetBytes = Self.le32(UInt32(truncatingIfNeeded: offset)) + Self.le32(UInt32(truncatingIfNeeded: offset >> 32))
        file += Self.block(1, Self.le16(1) + Self.le16(0) + Self.le32(0) + Self.le16(14) + Self.le16(8) + offsetBytes + [0, 0, 0, 0])
        let ticks: UInt64 = 1_000_000_000
        file += Self.block(
            6,
            Self.le32(0) + Self.le32(UInt32(ticks >> 32)) + Self.le32(UInt32(ticks & 0xffff_ffff)) + Self.le32(74) + Self.le32(74)
                + Fixtures.tcpSyn)
        let packet = try #require(try CaptureFileReader(bytes: file).packet(at: 0))
        #expect(packet.timestamp == PacketTimestamp(seconds: expected, nanoseconds: 0))
    }

    @Test(arguments: [CaptureFileFormat.pcap, .pcapng])
    func truncatedFilesKeepEveryPacketBeforeTheCut(format: CaptureFileFormat) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("cut")
        let packets = Self.samplePackets(count: 5)
        if format == .pcap {
            let writer = try PcapWriter(path: path, linkType: .ethernet)
            for packet in packets { try writer.write(packet) }
            try writer.close()
        } else {
            let writer = try PcapNGWriter(path: path, interfaces: [CaptureInterface(name: "lo", linkType: .ethernet)])
            for packet in packets { try writer.write(packet) }
            try writer.close()
        }
        let whole = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        let complete = try CaptureFileReader(bytes: whole)
        #expect(complete.indexAll() == 5)
        // Where the last record starts: scan for it.
        var lastRecord = 0
        complete.forEachPacket { record in
            lastRecord = record.header.recordOffset
            return true
        }
        for cut in (lastRecord + 1)..<whole.count {
            let reader = try CaptureFileReader(bytes: Array(whole[0..<cut]))
            #expect(reader.indexAll() == 4, "cut at \(cut)")
            let damage = try #require(reader.damage, "cut at \(cut)")
            #expect(damage.offset == lastRecord && damage.packetsBefore == 4, "cut at \(cut): \(damage)")
            #expect(reader.packet(at: 3)?.data == packets[3].data)
            // The sequential scan reports the same.
            let scan = reader.forEachPacket { _ in true }
            #expect(scan.count == 4 && scan.damage == damage)
        }
    }

    @Test func corruptRecordsEndTheFileWithTheirOffset() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("corrupt.pcapng")
        let writer = try PcapNGWriter(path: path, interfaces: [CaptureInterface(name: "lo", linkType: .ethernet)])
        for packet in Self.samplePackets(count: 3) { try writer.write(packet) }
        try writer.close()
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        var offsets: [Int] = []
        try CaptureFileReader(bytes: bytes).forEachPacket {
            offsets.append($0.header.recordOffset); return true
        }
        // Break the trailing length copy of the second EPB.
        let second = offsets[1]
        let length = Int(bytes[second + 4]) | Int(bytes[second + 5]) << 8
        bytes[second + length - 4] ^= 0x04
        let reader = try CaptureFileReader(bytes: bytes)
        #expect(reader.indexAll() == 1)
        #expect(reader.damage?.offset == second)
        #expect(reader.damage?.reason.contains("does not match its trailing copy") == true)
        // A pcap record claiming a 100 MB packet.
        var pcap: [UInt8] = [0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0] + Array(repeating: 0, count: 8) + [0xff, 0xff, 0, 0, 1, 0, 0, 0]
        pcap += Self.le32(1) + Self.le32(0) + Self.le32(74) + Self.le32(74) + Fixtures.tcpSyn
        pcap += Self.le32(2) + Self.le32(0) + Self.le32(100_000_000) + Self.le32(100_000_000) + Array(repeating: 0, count: 64)
        let bogus = try CaptureFileReader(bytes: pcap)
        #expect(bogus.indexAll() == 1)
        #expect(bogus.damage?.offset == 24 + 16 + 74)
        #expect(bogus.damage?.reason.contains("implausible") == true)
    }

    @Test func filesThatAreNotCapturesAreRejectedWithTheReason() throws {
        let directory = try TemporaryDirectory()
        func message(_ bytes: [UInt8]) -> String {
            do { _ = try CaptureFileReader(bytes: bytes, name: "f"); return "opened" } catch { return error.description }
        }
        #expect(message([]) == "f: the file is empty")
        #expect(message([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0]) == "f: not a pcap or pcapng file: it starts with 7f 45 4c 46 02 01 01 00")
        #expect(message([0xd4, 0xc3, 0xb2, 0xa1, 2, 0]) == "f: truncated pcap file header: 6 of 24 bytes")
        #expect(message([0xd4, 0xc3, 0xb2, 0xa1, 9, 0] + Array(repeating: 0, count: 18)) == "f: pcap version 9 is not supported (only 2.x)")
        #expect(
            throws: CaptureFileError(path: directory.path("missing.pcap"), message: "cannot open: No such file or directory", errno: ENOENT)
        ) {
            _ = try CaptureFileReader(path: directory.path("missing.pcap"))
        }
        #expect(throws: CaptureFileError(path: directory.url.path, message: "is a directory, not a capture file")) {
            _ = try CaptureFileReader(path: directory.url.path)
        }
    }

    @Test func openingIndexesNothingAndLookupsIndexOnlyAsFarAsNeeded() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("big.pcap")
        let writer = try PcapWriter(path: path, linkType: .ethernet)
        for packet in Self.samplePackets(count: 2000) { try writer.write(packet) }
        try writer.close()
        let reader = try CaptureFileReader(path: path)
        #expect(reader.indexedCount == 0 && !reader.isFullyIndexed)
        #expect(reader.packets(in: 0..<50).count == 50)
        #expect(reader.indexedCount == 50 && !reader.isFullyIndexed)
        #expect(reader.header(at: 99)?.timestamp.seconds == 1_764_000_099)
        #expect(reader.indexedCount == 100)
        #expect(reader.indexAll() == 2000 && reader.isFullyIndexed)
        #expect(reader.packets(in: 1990..<2500).count == 10)
    }

    @Test func readerIsSafeToShareAcrossTasks() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("shared.pcap")
        let writer = try PcapWriter(path: path, linkType: .ethernet)
        let packets = Self.samplePackets(count: 500)
        for packet in packets { try writer.write(packet) }
        try writer.close()
        let reader = try CaptureFileReader(path: path)
        let lengths = await withTaskGroup(of: Int.self) { group in
            for start in stride(from: 0, to: 500, by: 50) {
                group.addTask { reader.packets(in: start..<(start + 50)).reduce(0) { $0 + $1.data.count } }
            }
            return await group.reduce(0, +)
        }
        #expect(lengths == packets.reduce(0) { $0 + $1.data.count })
    }

    @Test func packetStoreHonoursItsBudgetAndReportsWhatItRefused() {
        let packets = Self.samplePackets(count: 10)
        let perPacket = packets[0].data.count + PacketStore.perPacketOverhead
        let store = PacketStore(interfaces: [CaptureInterface(name: "lo", linkType: .ethernet)], memoryBudget: perPacket * 3 + 10)
        let first = store.append(contentsOf: Array(packets[0..<2]))
        #expect(first == PacketStore.AppendResult(accepted: 2, full: false))
        let second = store.append(contentsOf: Array(packets[2..<10]))
        #expect(second.full && second.accepted >= 1)
        #expect(store.count == 2 + second.accepted)
        #expect(store.rejectedCount == 8 - second.accepted)
        #expect(store.packets(in: 0..<100).count == store.count)
        let summaries = store.summaries(in: 0..<2)
        #expect(summaries.map(\.number) == [1, 2])
        #expect(summaries[0].protocolName == "DNS" || summaries[0].protocolName == "UDP")
        #expect(summaries[0].interface == "lo")
    }
}
