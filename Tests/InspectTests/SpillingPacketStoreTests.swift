import Foundation
import Testing
@testable import Inspect

@Suite struct SpillingPacketStoreTests {
    static func packet(_ index: Int, size: Int = 1000) -> CapturedPacket {
        CapturedPacket(
            timestamp: PacketTimestamp(seconds: 1_764_000_000 + Int64(index), nanoseconds: UInt32(index * 7)),
            data: (0..<size).map { UInt8(truncatingIfNeeded: $0 &+ index) }, originalLength: size + index % 3,
            linkType: .ethernet, interfaceID: 0, direction: index % 2 == 0 ? .incoming : .outgoing)
    }

    @Test func oldestPacketsSpillToDiskAndEveryPacketStaysReadable() throws {
        let store = try SpillingPacketStore(interfaces: [CaptureInterface(name: "lo", linkType: .ethernet)], memoryBudget: 1 << 16)
        var sent: [CapturedPacket] = []
        for batch in 0..<20 {
            let packets = (0..<25).map { Self.packet(batch * 25 + $0) }
            sent += packets
            let result = store.append(contentsOf: packets)
            #expect(result.accepted == 25 && !result.full && result.error == nil)
        }
        #expect(store.availablePacketCount == 500)
        #expect(store.spilledCount > 400, "a 64 KiB budget holds about 60 packets of 1 KB")
        #expect(store.memoryBytes <= 1 << 16)
        #expect(store.packets(in: 0..<500) == sent, "spilled and in-memory packets read back unchanged, in order")
        #expect(store.packets(in: 495..<600).count == 5, "ranges are clamped")
        #expect(store.rejectedCount == 0)
    }

    @Test func stopCapturePolicyRefusesWhatDoesNotFitAndSaysSo() throws {
        let store = try SpillingPacketStore(interfaces: [], memoryBudget: 1 << 16, policy: .stopCapture)
        let result = store.append(contentsOf: (0..<100).map { Self.packet($0) })
        #expect(result.full && result.accepted > 0 && result.accepted < 100)
        #expect(store.rejectedCount == 100 - result.accepted)
        #expect(store.availablePacketCount == result.accepted && store.spilledCount == 0)
        #expect(store.spillPath == nil)
    }

    @Test func concurrentReadsWhileAppendingSeeAConsistentPrefix() throws {
        let store = try SpillingPacketStore(interfaces: [], memoryBudget: 1 << 16)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            for batch in 0..<40 { store.append(contentsOf: (0..<10).map { Self.packet(batch * 10 + $0, size: 300) }) }
            done.signal()
        }
        var checks = 0
        while done.wait(timeout: .now()) == .timedOut {
            let count = store.availablePacketCount
            let read = store.packets(in: max(0, count - 5)..<count)
            for (offset, packet) in read.enumerated() {
                #expect(packet == Self.packet(count - read.count + offset, size: 300))
            }
            checks += 1
        }
        #expect(store.packets(in: 0..<400).count == 400)
        #expect(checks > 0)
    }
}
