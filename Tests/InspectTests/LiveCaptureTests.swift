import Foundation
import Testing
@testable import Inspect
import SocketKit

/// Live AF_PACKET capture on `lo` (CI runs as root).
@Suite(.serialized, .enabled(if: getuid() == 0, "live capture needs CAP_NET_RAW (run as root)"))
struct LiveCaptureTests {
    /// UDP destination port of an Ethernet-framed IPv4 packet, or nil.
    static func udpPorts(_ packet: CapturedPacket) -> (source: Int, destination: Int)? {
        let bytes = packet.data
        guard bytes.count >= 14 + 20 + 8, bytes[12] == 0x08, bytes[13] == 0x00, bytes[14] >> 4 == 4, bytes[23] == 17 else { return nil }
        let udp = 14 + Int(bytes[14] & 0x0f) * 4
        guard bytes.count >= udp + 8 else { return nil }
        return (Int(bytes[udp]) << 8 | Int(bytes[udp + 1]), Int(bytes[udp + 2]) << 8 | Int(bytes[udp + 3]))
    }

    @Test func loopbackTrafficIsCapturedOnceWithEveryPacketAccountedFor() throws {
        let receiver = try Socket(family: .inet, type: .datagram)
        try receiver.bind(host: "127.0.0.1", port: 0)
        let port = Int(try receiver.localAddress().port!)
        let collected = PacketCollector()
        let capture = try LiveCapture(LiveCaptureOptions(interface: "lo")) { batch, _ in collected.add(batch) }
        #expect(capture.interface.linkType == .ethernet)
        let sender = try Socket(family: .inet, type: .datagram)
        for index in 0..<200 { _ = try sender.sendTo(Array("datagram \(index)".utf8), to: try receiver.localAddress()) }
        // Stop right after the traffic: the flush must still deliver the partly filled block.
        capture.stop()
        let summary = try #require(capture.wait())
        let ours = collected.packets.filter { Self.udpPorts($0)?.destination == port }
        #expect(ours.count == 200, "each datagram once: loopback's outgoing copy is dropped in the kernel")
        #expect(ours.allSatisfy { $0.direction == .incoming && $0.originalLength == $0.data.count })
        #expect(summary.unread == 0)
        #expect(summary.kernel.received >= 200)
        #expect(summary.delivered == UInt64(collected.packets.count))
        #expect(summary.kernel.dropped == 0)
    }

    @Test func countLimitStopsAfterExactlyThatManyPackets() throws {
        let receiver = try Socket(family: .inet, type: .datagram)
        try receiver.bind(host: "127.0.0.1", port: 0)
        let collected = PacketCollector()
        let capture = try LiveCapture(LiveCaptureOptions(interface: "lo", count: 5)) { batch, _ in collected.add(batch) }
        let sender = try Socket(family: .inet, type: .datagram)
        for _ in 0..<50 { _ = try sender.sendTo([1, 2, 3], to: try receiver.localAddress()) }
        let summary = try #require(capture.wait(timeout: 10))
        #expect(summary.reason == "count")
        #expect(collected.packets.count == 5 && summary.delivered == 5)
    }

    @Test func anyInterfaceGivesCookedHeadersWithTheInterfaceIndex() throws {
        let receiver = try Socket(family: .inet, type: .datagram)
        try receiver.bind(host: "127.0.0.1", port: 0)
        let port = UInt16(try receiver.localAddress().port!)
        let collected = PacketCollector()
        let capture = try LiveCapture(LiveCaptureOptions(interface: "any", snapLength: 64)) { batch, _ in collected.add(batch) }
        #expect(capture.interface.linkType == .linuxSLL2)
        let sender = try Socket(family: .inet, type: .datagram)
        _ = try sender.sendTo([UInt8](repeating: 9, count: 500), to: try receiver.localAddress())
        capture.stop()
        _ = capture.wait()
        let lo = UInt32(interfaceIndex(name: "lo")!)
        // SLL2: protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1) halen(1) addr(8), then IPv4.
        let ours = collected.packets.filter { packet in
            let d = packet.data
            guard d.count >= 20 + 28, d[0] == 0x08, d[1] == 0x00, d[20 + 9] == 17 else { return false }
            return UInt16(d[20 + 22]) << 8 | UInt16(d[20 + 23]) == port
        }
        try #require(ours.count == 1)
        let header = ours[0].data
        #expect(UInt32(header[4]) << 24 | UInt32(header[5]) << 16 | UInt32(header[6]) << 8 | UInt32(header[7]) == lo)
        #expect(ours[0].data.count == 64, "snap length cuts the packet")
        #expect(ours[0].originalLength == 20 + 20 + 8 + 500, "SLL2 header + IPv4 + UDP + payload")
    }

    @Test func kernelProgramDropsLoopbackOutgoingCopiesAndKeepsTheUserFilterUnchanged() {
        let user = [BPFInstruction(code: 0x06, jumpTrue: 0, jumpFalse: 0, k: 96)]
        let program = PacketRing.kernelProgram(user, direction: .both, loopbackIndex: 1, snapLength: 100)
        #expect(program.count == 6 && program.last == user[0])
        #expect(program[1] == BPFInstruction(code: 0x15, jumpTrue: 0, jumpFalse: 3, k: 4), "pkttype == PACKET_OUTGOING")
        #expect(program[4] == BPFInstruction(code: 0x06, jumpTrue: 0, jumpFalse: 0, k: 0), "drop")
        #expect(PacketRing.kernelProgram(nil, direction: .incoming, loopbackIndex: nil, snapLength: 100).last?.k == 100)
    }

    @Test func badRingSettingsAndInterfacesAreClearErrors() {
        #expect(throws: CaptureError.self) { try PacketRing(interfaceName: "nosuchif0") }
        #expect(throws: CaptureError.self) { try PacketRing(interfaceName: "lo", snapLength: 0) }
        #expect(throws: CaptureError.self) { try PacketRing(interfaceName: "lo", configuration: RingConfiguration(blockSize: 5000)) }
    }
}

final class PacketCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [CapturedPacket] = []
    func add(_ batch: [CapturedPacket]) { lock.lock(); items += batch; lock.unlock() }
    var packets: [CapturedPacket] { lock.lock(); defer { lock.unlock() }; return items }
}

/// Recording a live capture into a store with a memory budget (root only).
@Suite(.serialized, .enabled(if: getuid() == 0, "live capture needs CAP_NET_RAW (run as root)"))
struct LiveRecordingTests {
    @Test func aFullStoreWithStopPolicyStopsTheCaptureAndSaysWhy() throws {
        let receiver = try Socket(family: .inet, type: .datagram)
        try receiver.bind(host: "127.0.0.1", port: 0)
        let port = Int(try receiver.localAddress().port!)
        let interface = try LiveCapture.plannedInterface(LiveCaptureOptions(interface: "lo"))
        let store = try SpillingPacketStore(interfaces: [interface], memoryBudget: 1 << 16, policy: .stopCapture)
        let capture = try LiveCapture.recording(LiveCaptureOptions(interface: "lo", filter: "udp dst port \(port)"), into: store)
        let sender = try Socket(family: .inet, type: .datagram)
        let payload = [UInt8](repeating: 1, count: 1000)
        for _ in 0..<200 { _ = try sender.sendTo(payload, to: try receiver.localAddress()) }
        let summary = try #require(capture.wait(timeout: 10))
        #expect(summary.reason.contains("memory budget of 64 KiB full"))
        #expect(store.availablePacketCount > 0 && store.availablePacketCount < 200)
        #expect(store.rejectedCount > 0, "what did not fit is counted, not silently lost")
    }

    @Test func spillingKeepsEveryCapturedPacket() throws {
        let receiver = try Socket(family: .inet, type: .datagram)
        try receiver.bind(host: "127.0.0.1", port: 0)
        let port = Int(try receiver.localAddress().port!)
        let interface = try LiveCapture.plannedInterface(LiveCaptureOptions(interface: "lo"))
        let store = try SpillingPacketStore(interfaces: [interface], memoryBudget: 1 << 16)
        let capture = try LiveCapture.recording(LiveCaptureOptions(interface: "lo", filter: "udp dst port \(port)"), into: store)
        let sender = try Socket(family: .inet, type: .datagram)
        for index in 0..<300 {
            _ = try sender.sendTo(Array("datagram \(index) ".utf8) + [UInt8](repeating: 2, count: 900), to: try receiver.localAddress())
        }
        capture.stop()
        let summary = try #require(capture.wait(timeout: 10))
        #expect(summary.unread == 0 && summary.delivered == 300)
        #expect(store.availablePacketCount == 300 && store.spilledCount > 200)
        let first = try #require(store.packets(in: 0..<1).first)
        #expect(String(decoding: first.data[42..<53], as: UTF8.self) == "datagram 0 ", "the oldest, spilled packet reads back")
    }
}
