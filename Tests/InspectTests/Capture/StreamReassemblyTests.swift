import Testing
@testable import Inspect

/// TCP reassembly by sequence numbers and IP fragment reassembly, on segments and fragments built
/// by hand: in order, out of order, retransmitted, overlapping, missing, wrapping around 2³², and
/// hostile (limits).
@Suite struct StreamReassemblyTests {
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// The stream bytes and the kinds, in delivery order.
    static func summary(_ events: [TCPDirectionReassembler.Event]) -> (String, [StreamSegmentKind]) {
        let delivered = events.filter { StreamSegment(sender: 0, packet: $0.packet, kind: $0.kind, bytes: []).isStreamData }
        return (String(decoding: delivered.flatMap(\.bytes), as: UTF8.self), events.map(\.kind))
    }

    @Test func synTakesOneSequenceNumberAndDataFollowsInOrder() {
        var direction = TCPDirectionReassembler()
        var events = direction.add(sequence: 1000, syn: true, fin: false, payload: [UInt8](), packet: 1)
        events += direction.add(sequence: 1001, syn: false, fin: false, payload: Self.bytes("hello "), packet: 3)
        events += direction.add(sequence: 1007, syn: false, fin: true, payload: Self.bytes("world"), packet: 4)
        let (text, kinds) = Self.summary(events)
        #expect(text == "hello world")
        #expect(kinds == [.data, .data])
        #expect(direction.initialSequence == 1000)
        // The FIN took one sequence number after the last byte.
        #expect(direction.nextSequence == 1013)
    }

    @Test func outOfOrderSegmentsAreDeliveredInSequenceOrder() {
        var direction = TCPDirectionReassembler()
        var events = direction.add(sequence: 1, syn: true, fin: false, payload: [UInt8](), packet: 1)
        events += direction.add(sequence: 8, syn: false, fin: false, payload: Self.bytes("CCC"), packet: 2)
        events += direction.add(sequence: 5, syn: false, fin: false, payload: Self.bytes("BBB"), packet: 3)
        #expect(events.isEmpty, "nothing is delivered while the first bytes are missing")
        events += direction.add(sequence: 2, syn: false, fin: false, payload: Self.bytes("AAA"), packet: 4)
        #expect(events.map(\.packet) == [4, 3, 2])
        #expect(Self.summary(events).0 == "AAABBBCCC")
    }

    @Test func retransmissionsAndPartialOverlapsAreMarked() {
        var direction = TCPDirectionReassembler()
        var events = direction.add(sequence: 100, syn: false, fin: false, payload: Self.bytes("abcdef"), packet: 1)
        events += direction.add(sequence: 100, syn: false, fin: false, payload: Self.bytes("abcdef"), packet: 2)
        events += direction.add(sequence: 104, syn: false, fin: false, payload: Self.bytes("efGHI"), packet: 3)
        let (text, kinds) = Self.summary(events)
        #expect(text == "abcdefGHI")
        #expect(kinds == [.data, .retransmission, .overlap(repeated: 2)])
        #expect(events[1].bytes == Self.bytes("abcdef"))
        #expect(events[2].bytes == Self.bytes("GHI"))
    }

    @Test func sequenceNumbersWrapAroundTwoToTheThirtyTwo() {
        var direction = TCPDirectionReassembler()
        let start: UInt32 = 0xffff_fffa
        var events = direction.add(sequence: start, syn: true, fin: false, payload: [UInt8](), packet: 1)
        // Out of order across the wrap: 0xfffffffb + 7 bytes of "hello, " wraps to sequence 2.
        events += direction.add(sequence: 2, syn: false, fin: false, payload: Self.bytes("world"), packet: 2)
        events += direction.add(sequence: start &+ 1, syn: false, fin: false, payload: Self.bytes("hello, "), packet: 3)
        #expect(Self.summary(events).0 == "hello, world")
        #expect(direction.nextSequence == 7)
    }

    @Test func dataNeverCapturedBecomesAGapWhenThePeerAcknowledgesPastIt() {
        var direction = TCPDirectionReassembler()
        var events = direction.add(sequence: 0, syn: true, fin: false, payload: [UInt8](), packet: 1)
        events += direction.add(sequence: 1, syn: false, fin: false, payload: Self.bytes("0123"), packet: 2)
        // Bytes 5..<15 were never captured; the peer acknowledges them, then the next segment comes.
        events += direction.acknowledged(15, packet: 3)
        events += direction.add(sequence: 15, syn: false, fin: false, payload: Self.bytes("tail"), packet: 4)
        #expect(events.map(\.kind) == [.data, .gap(missing: 10), .data])
        #expect(events[1].packet == 3)
    }

    @Test func heldDataIsReleasedWithAGapAtTheEnd() {
        var direction = TCPDirectionReassembler()
        var events = direction.add(sequence: 0, syn: true, fin: false, payload: [UInt8](), packet: 1)
        events += direction.add(sequence: 1, syn: false, fin: false, payload: Self.bytes("ab"), packet: 2)
        events += direction.add(sequence: 10, syn: false, fin: false, payload: Self.bytes("xyz"), packet: 3)
        events += direction.finish(packet: 3)
        #expect(events.map(\.kind) == [.data, .gap(missing: 7), .data])
        #expect(Self.summary(events).0 == "abxyz")
    }

    @Test func aFloodOfOutOfOrderSegmentsIsCappedAndReported() {
        // A hostile capture: every segment leaves a hole, so nothing can be delivered in order.
        var direction = TCPDirectionReassembler(limits: ReassemblyLimits(pendingBytesPerDirection: 1000, pendingSegmentsPerDirection: 50))
        _ = direction.add(sequence: 0, syn: true, fin: false, payload: [UInt8](), packet: 1)
        var delivered = 0
        for index in 0..<500 {
            let events = direction.add(
                sequence: UInt32(10 + index * 20), syn: false, fin: false, payload: [UInt8](repeating: 1, count: 10), packet: index + 2)
            delivered += events.filter { $0.kind == .data }.count
        }
        #expect(direction.limitFlushes >= 9)
        #expect(delivered + direction.finish(packet: 502).filter { $0.kind == .data }.count == 500)
    }

    // MARK: IP fragments

    static func network(id: UInt32 = 7, offset: Int, more: Bool, ipv6: Bool = false) -> PacketFlow.Network {
        let source = IPAddress(ipv6 ? "fe80::1" : "10.0.0.1")!, destination = IPAddress(ipv6 ? "fe80::2" : "10.0.0.2")!
        return PacketFlow.Network(
            source: source, destination: destination, protocolNumber: 17, headerOffset: 0, payloadOffset: 0,
            payloadExtent: ByteExtent(end: 0, capturedEnd: 0),
            fragment: PacketFlow.Fragment(identification: id, offset: offset, moreFragments: more, protocolNumber: 17))
    }

    static func add(
        _ reassembler: inout IPFragmentReassembler, _ network: PacketFlow.Network, _ data: [UInt8], packet: Int
    ) -> IPFragmentReassembler.Datagram? {
        data.withUnsafeBytes { reassembler.add(network, data: $0, claimedLength: data.count, packet: packet) }
    }

    @Test(arguments: [false, true])
    func fragmentsInAnyOrderCompleteOnTheLastHoleFilled(ipv6: Bool) throws {
        let payload = (0..<40).map { UInt8($0) }
        var reassembler = IPFragmentReassembler()
        #expect(Self.add(&reassembler, Self.network(offset: 32, more: false, ipv6: ipv6), Array(payload[32...]), packet: 1) == nil)
        #expect(Self.add(&reassembler, Self.network(offset: 0, more: true, ipv6: ipv6), Array(payload[0..<16]), packet: 2) == nil)
        let datagram = try #require(
            Self.add(&reassembler, Self.network(offset: 16, more: true, ipv6: ipv6), Array(payload[16..<32]), packet: 3))
        #expect(datagram.payload == payload)
        #expect(datagram.packets == [1, 2, 3])
        #expect(reassembler.counters.datagramsReassembled == 1 && reassembler.pendingCount == 0)
    }

    @Test func overlappingFragmentsKeepTheFirstCopyAndConflictsAreCounted() throws {
        var reassembler = IPFragmentReassembler()
        _ = Self.add(&reassembler, Self.network(offset: 0, more: true), [UInt8](repeating: 0xaa, count: 16), packet: 1)
        // Overlaps bytes 8..<16 with different data (a classic evasion trick), and adds 16..<24.
        let datagram = try #require(
            Self.add(&reassembler, Self.network(offset: 8, more: false), [UInt8](repeating: 0xbb, count: 16), packet: 2))
        #expect(datagram.payload == [UInt8](repeating: 0xaa, count: 16) + [UInt8](repeating: 0xbb, count: 8))
        #expect(reassembler.counters.overlappingFragments == 1 && reassembler.counters.conflictingFragments == 1)
    }

    @Test func fragmentsPastSixtyFiveThousandBytesAreRefused() {
        var reassembler = IPFragmentReassembler()
        // Offset 65,528 (the largest 13-bit offset × 8) plus 100 bytes runs past the IP limit.
        #expect(Self.add(&reassembler, Self.network(offset: 65_528, more: false), [UInt8](repeating: 0, count: 100), packet: 1) == nil)
        #expect(reassembler.counters.refusedFragments == 1 && reassembler.pendingCount == 0)
    }

    @Test func incompleteDatagramsAreDroppedOldestFirstAtTheMemoryLimit() {
        var reassembler = IPFragmentReassembler(limits: ReassemblyLimits(pendingDatagrams: 4, pendingFragmentBytes: 1000))
        for id in 0..<100 {
            _ = Self.add(
                &reassembler, Self.network(id: UInt32(id), offset: 0, more: true), [UInt8](repeating: 0, count: 200), packet: id + 1)
        }
        #expect(reassembler.pendingCount <= 4)
        #expect(reassembler.counters.droppedDatagrams >= 95)
        reassembler.finish()
        #expect(reassembler.counters.incompleteDatagrams >= 1 && reassembler.pendingCount == 0)
    }
}
