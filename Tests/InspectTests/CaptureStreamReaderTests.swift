import Foundation
import Testing
import SocktuiTestSupport
@testable import Inspect

/// The incremental pcap/pcapng reader behind `read -` and remote captures.
struct CaptureStreamReaderTests {
    static let packets = (0..<5).map { index in
        CapturedPacket(
            timestamp: PacketTimestamp(seconds: 1_764_000_000 + Int64(index), nanoseconds: UInt32(index) * 1000),
            data: Array(repeating: UInt8(index), count: 60 + index), linkType: .ethernet,
            direction: index % 2 == 0 ? .incoming : .outgoing)
    }

    static func pcapng() throws -> [UInt8] {
        let writer = try PcapNGWriter(memoryInterfaces: [CaptureInterface(name: "lo", linkType: .ethernet)])
        for packet in packets { try writer.write(packet) }
        try writer.close(statistics: [InterfaceStatistics(interfaceID: 0, received: 5, dropped: 0)])
        return writer.takeBytes()
    }

    static func pcap() throws -> [UInt8] {
        let path = NSTemporaryDirectory() + "socktui-stream-\(UInt32.random(in: 0...UInt32.max)).pcap"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try PcapWriter(path: path, linkType: .ethernet)
        for packet in packets { try writer.write(packet) }
        try writer.close()
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test(arguments: [1, 3, 7, 64, 100_000])
    func packetsComeOutAsSoonAsTheirRecordIsWholeInAnyChunking(chunk: Int) throws {
        for bytes in [try Self.pcapng(), try Self.pcap()] {
            var reader = CaptureStreamReader()
            var out: [CapturedPacket] = []
            var offset = 0
            while offset < bytes.count {
                reader.append(Array(bytes[offset..<min(offset + chunk, bytes.count)]))
                offset += chunk
                while let packet = try reader.next() { out.append(packet) }
            }
            #expect(out.count == 5, "every packet is out before the end is signalled")
            reader.finish()
            #expect(try reader.next() == nil && reader.isFinished && reader.damage == nil)
            #expect(out.map(\.data) == Self.packets.map(\.data))
            #expect(out.map(\.timestamp.seconds) == Self.packets.map(\.timestamp.seconds))
        }
    }

    @Test func aRecordCutOffByTheEndIsDamageOnlyOnceTheStreamEnds() throws {
        let bytes = try Self.pcap()
        var reader = CaptureStreamReader()
        reader.append(Array(bytes[0..<(bytes.count - 10)]))
        var count = 0
        while try reader.next() != nil { count += 1 }
        #expect(count == 4 && reader.damage == nil && !reader.isFinished)
        reader.finish()
        #expect(try reader.next() == nil)
        #expect(reader.damage?.packetsBefore == 4)
        #expect(reader.damage?.reason.hasPrefix("truncated") == true)
    }

    @Test func interfacesAreKnownOnceTheirBlocksArriveBeforeAnyPacket() throws {
        let writer = try PcapNGWriter(memoryInterfaces: [
            CaptureInterface(name: "lo", linkType: .ethernet), CaptureInterface(name: "any", linkType: .linuxSLL2)
        ])
        let header = writer.takeBytes()
        try writer.write(Self.packets[0])
        let packet = writer.takeBytes()
        var reader = CaptureStreamReader()
        reader.append(Array(header[0..<30]))
        #expect(try reader.next() == nil && reader.interfaces.isEmpty)
        reader.append(Array(header[30...]))
        #expect(try reader.next() == nil)
        #expect(reader.interfaces.map(\.name) == ["lo", "any"] && reader.interfaces.map(\.linkType) == [.ethernet, .linuxSLL2])
        #expect(!reader.isFinished && reader.damage == nil)
        reader.append(packet)
        #expect(try reader.next()?.data == Self.packets[0].data)
        reader.finish()
        #expect(try reader.next() == nil && reader.isFinished && reader.damage == nil)
    }

    @Test func aStreamThatIsNotACaptureIsRejected() {
        var reader = CaptureStreamReader(name: "<stdin>")
        reader.append(Array("not a capture at all, just text".utf8))
        #expect(throws: CaptureFileError.self) { try reader.next() }
        var empty = CaptureStreamReader()
        empty.finish()
        #expect(throws: CaptureFileError.self) { try empty.next() }
    }

    @Test func longStreamsKeepOnlyUnscannedBytes() throws {
        let writer = try PcapNGWriter(memoryInterfaces: [CaptureInterface(name: "lo", linkType: .ethernet)])
        var reader = CaptureStreamReader()
        reader.append(writer.takeBytes())
        var count = 0
        for index in 0..<3000 {
            try writer.write(
                CapturedPacket(
                    timestamp: PacketTimestamp(seconds: Int64(index), nanoseconds: 0), data: Array(repeating: 7, count: 200),
                    linkType: .ethernet))
            reader.append(writer.takeBytes())
            while try reader.next() != nil { count += 1 }
        }
        #expect(count == 3000)
        #expect(reader.packetCount == 3000)
    }
}
