import Testing
@testable import Inspect

/// Hostile input for reassembly: overlapping and conflicting fragments, giant offsets, floods of
/// fragments and of out-of-order data, cut fragments and lying length prefixes. Each is refused or
/// capped and counted; nothing traps, reads past the bytes or grows without bound.
extension MalformedPacketTests {
    static let source = AnalysisFixtures.Side(ip: Fixtures.ipA, port: 5353)
    static let destination = AnalysisFixtures.Side(ip: Fixtures.ipB, port: 53)

    /// An IPv4 fragment frame carrying `data` at byte `offset` of datagram `id`.
    static func fragment(id: UInt16, offset: Int, more: Bool, _ data: [UInt8]) -> [UInt8] {
        Fixtures.ethernet(
            type: 0x0800,
            Fixtures.ipv4(
                Fixtures.ipA, Fixtures.ipB, protocol: 17, identification: id,
                flagsAndOffset: (more ? 0x2000 : 0) | UInt16(offset / 8 & 0x1fff), data))
    }

    /// Runs frames through the reassembling dissector (and the flow pass) as one capture.
    static func reassemble(
        _ frames: [[UInt8]], limits: ReassemblyLimits = ReassemblyLimits(),
        originalLengths: [Int?]? = nil
    ) -> ([AnalyzedPacket], ReassemblyCounters) {
        var dissector = ReassemblingDissector(options: DissectorOptions(detail: true), limits: limits)
        let packets = frames.enumerated().map { index, frame in
            frame.withUnsafeBytes { bytes in
                dissector.dissect(
                    PacketReference(
                        index: index, timestamp: PacketTimestamp(seconds: 0, nanoseconds: 0),
                        originalLength: originalLengths?[index] ?? frame.count, linkType: .ethernet, bytes: bytes))
            }
        }
        dissector.finish()
        return (packets, dissector.counters)
    }

    @Test func overlappingFragmentsWithConflictingBytesKeepTheFirstCopy() {
        let datagram = Fixtures.udp(Fixtures.ipA, Fixtures.ipB, ports: (5353, 53), Fixtures.dnsQuery("first.example"))
        // Fragment 2 rewrites bytes 8..<24 (the DNS header and the start of the name), then finishes the datagram.
        var forged = Array(datagram[8...])
        for index in 0..<16 { forged[index] = 0xee }
        let (packets, counters) = Self.reassemble([
            Self.fragment(id: 9, offset: 0, more: true, Array(datagram[0..<24])),
            Self.fragment(id: 9, offset: 8, more: false, forged)
        ])
        #expect(counters.overlappingFragments == 1 && counters.conflictingFragments == 1 && counters.datagramsReassembled == 1)
        #expect(packets[1].dissection.value("dns.qry.name") == "first.example")
        #expect(packets[1].reassembly?.bytes == datagram)
    }

    @Test func fragmentOffsetsPastTheIPLimitAreRefused() {
        // The largest offset (8191 × 8 = 65,528) with 100 bytes ends past 65,535; and a first
        // fragment that never gets its end.
        let (packets, counters) = Self.reassemble([
            Self.fragment(id: 3, offset: 0, more: true, [UInt8](repeating: 1, count: 64)),
            Self.fragment(id: 3, offset: 65_528, more: false, [UInt8](repeating: 2, count: 100))
        ])
        #expect(counters.refusedFragments == 1 && counters.datagramsReassembled == 0 && counters.incompleteDatagrams == 1)
        #expect(packets.allSatisfy { $0.reassembly == nil && $0.dissection.layers == [.ethernet, .ipv4] })
    }

    @Test func aFloodOfTinyFragmentsAndOfUnfinishedDatagramsStaysWithinTheLimits() {
        let limits = ReassemblyLimits(pendingDatagrams: 16, pendingFragmentBytes: 4096, fragmentsPerDatagram: 64)
        // 500 eight-byte fragments of one datagram (never finished), then 500 datagrams that never complete.
        var frames = (0..<500).map { Self.fragment(id: 1, offset: $0 * 8 + 8, more: true, [UInt8](repeating: 0, count: 8)) }
        frames += (0..<500).map { Self.fragment(id: UInt16(100 + $0), offset: 0, more: true, [UInt8](repeating: 0, count: 256)) }
        let (_, counters) = Self.reassemble(frames, limits: limits)
        #expect(counters.refusedFragments == 500 - 64)
        #expect(counters.droppedDatagrams >= 480)
        #expect(counters.hitLimits)
    }

    @Test func fragmentsCutByTheSnapshotLengthAndDisagreeingEndsAreNotReassembled() {
        let cut = Self.fragment(id: 5, offset: 0, more: true, [UInt8](repeating: 7, count: 64))
        let (_, counters) = Self.reassemble(
            [Array(cut[0..<60]), Self.fragment(id: 5, offset: 64, more: false, [1, 2, 3, 4])],
            originalLengths: [cut.count, nil])
        #expect(counters.refusedFragments == 1 && counters.datagramsReassembled == 0)
        // Two last fragments that end in different places: the datagram is dropped.
        let (_, disagreeing) = Self.reassemble([
            Self.fragment(id: 6, offset: 16, more: false, [UInt8](repeating: 0, count: 8)),
            Self.fragment(id: 6, offset: 16, more: false, [UInt8](repeating: 0, count: 16))
        ])
        #expect(disagreeing.conflictingFragments == 1 && disagreeing.droppedDatagrams == 1)
    }

    @Test func aReassembledDatagramWithALyingUDPLengthIsAnErrorNotATrap() throws {
        var datagram = Fixtures.udp(Fixtures.ipA, Fixtures.ipB, ports: (5353, 53), [UInt8](repeating: 0, count: 40))
        datagram[4] = 0xff; datagram[5] = 0xff  // UDP length 65535
        let (packets, counters) = Self.reassemble([
            Self.fragment(id: 8, offset: 0, more: true, Array(datagram[0..<24])),
            Self.fragment(id: 8, offset: 24, more: false, Array(datagram[24...]))
        ])
        #expect(counters.datagramsReassembled == 1)
        let error = try #require(packets[1].dissection.error)
        #expect(error.layer == .udp)
        if case .badLength(let field, let value) = error.kind {
            #expect(field == "length" && value == 65535)
        } else {
            Issue.record("\(error)")
        }
    }

    @Test func dnsOverTCPWithALyingLengthPrefixHoldsAtMostOneMessage() {
        let a = AnalysisFixtures.Side(ip: Fixtures.ipA, port: 40000), b = AnalysisFixtures.Side(ip: Fixtures.ipB, port: 53)
        // A length prefix of 65,535 and then 300 segments of garbage: never a whole message.
        var frames = [AnalysisFixtures.tcp(a, b, seq: 1, flags: AnalysisFixtures.pshAck, [0xff, 0xff])]
        for index in 0..<300 {
            frames.append(
                AnalysisFixtures.tcp(
                    a, b, seq: UInt32(3 + index * 200), flags: AnalysisFixtures.pshAck, [UInt8](repeating: 0xc0, count: 200)))
        }
        let (packets, _) = Self.reassemble(frames)
        // The first 327 segments (65,537 bytes) complete one message, garbage decoded as DNS: an error at worst.
        #expect(packets.filter { $0.reassembly != nil }.count <= 1)
        #expect(
            packets.dropLast().allSatisfy {
                $0.dissection.protocolName == "TCP" || $0.dissection.layers.contains(.dns) || $0.dissection.error != nil
            })
    }

    @Test func everyTruncationOfFragmentedAndSegmentedCapturesIsSafe() {
        let frames =
            AnalysisFixtures.ipv4Fragments(
                Self.source, Self.destination, id: 1, AnalysisFixtures.bigDNSResponse(id: 1, "cut.example", answers: 2), size: 128)
            + AnalysisFixtures.ipv6Fragments(
                Self.source.withIP(Fixtures.ip6A), Self.destination.withIP(Fixtures.ip6B), id: 2,
                AnalysisFixtures.bigDNSResponse(id: 2, "cut6.example", answers: 2), size: 128)
            + AnalysisFixtures.dnsOverTCP(query: "cut.example.org")
        for victim in frames.indices {
            for length in stride(from: 0, to: frames[victim].count, by: 7) {
                var cut = frames
                cut[victim] = Array(frames[victim][0..<length])
                let (packets, _) = Self.reassemble(cut)
                #expect(packets.count == frames.count)
            }
        }
    }
}

extension AnalysisFixtures.Side {
    /// The same port on another address.
    func withIP(_ ip: [UInt8]) -> Self { Self(ip: ip, port: port) }
}
