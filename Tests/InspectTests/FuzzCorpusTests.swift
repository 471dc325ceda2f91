import Foundation
import Testing
@testable import Inspect

/// Every input of the capture fuzzing corpus (`Fuzz/corpus/capture`: seeds and the crashes
/// libFuzzer found, kept as regressions) goes through the same paths as the fuzz target, in the
/// normal test run.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/capture")

    static var inputs: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).filter { $0.hasSuffix(".in") }.sorted()
    }

    @Test func corpusIsPresent() {
        #expect(Self.inputs.count >= 20)
        #expect(Self.inputs.contains { $0.hasPrefix("regression-") })
    }

    @Test(arguments: inputs)
    func corpusInputDecodesWithoutTrapping(_ name: String) throws {
        let data = try [UInt8](Data(contentsOf: Self.corpus.appendingPathComponent(name)))
        try #require(!data.isEmpty)
        let body = Array(data.dropFirst())
        let options = DissectorOptions(detail: true, verifyChecksums: true)  // the checksum code too
        // Every input is also split into agent frames, as the fuzz target does.
        var frames = FrameDecoder(maxFrameSize: 1 << 16)
        frames.append(body)
        while let item = frames.next() {
            if case .frame(let frame, let ordinal) = item { _ = try? AgentFrameCodec.decode(frame, ordinal: ordinal) }
        }
        if data[0] % 8 == 0 {
            let reader = try CaptureFileReader(bytes: body, name: name)
            var packets = 0
            var reassembling = ReassemblingDissector(options: options)
            _ = reader.forEachPacket { record in
                _ = Dissector.dissect(
                    record.bytes, linkType: record.interface.linkType,
                    originalLength: record.header.originalLength, options: options)
                _ = reassembling.dissect(
                    PacketReference(
                        index: record.index, timestamp: record.header.timestamp, originalLength: record.header.originalLength,
                        linkType: record.interface.linkType, bytes: record.bytes))
                packets += 1
                return true
            }
            #expect(packets > 0, "the seed capture files hold packets")
            // Read as a stream in small chunks (`read -`), the file gives the same packets.
            var stream = CaptureStreamReader(name: name)
            var streamed = 0
            for start in stride(from: 0, to: body.count, by: 7) {
                stream.append(Array(body[start..<min(start + 7, body.count)]))
                while try stream.next() != nil { streamed += 1 }
            }
            stream.finish()
            while try stream.next() != nil { streamed += 1 }
            #expect(streamed == packets)
            #expect(stream.damage == reader.damage)
            // The analyses the fuzz target runs: statistics and follow never trap either.
            let analyzer = CaptureAnalyzer(source: reader)
            let statistics = try analyzer.statistics(
                StatisticsRequest(protocolHierarchy: true, conversations: Set(ConversationLayer.allCases)))
            #expect(statistics.packets == packets)
            _ = try? analyzer.follow(FollowRequest(.tcp, .stream(0))).transcript(hex: true)
        } else {
            let linkTypes: [LinkType] = [.ethernet, .linuxSLL, .linuxSLL2, .null, .loop, .raw, .ipv4, .ipv6]
            let dissection = body.withUnsafeBytes {
                Dissector.dissect(
                    $0, linkType: linkTypes[Int(data[0]) % linkTypes.count], originalLength: body.count + Int(data[0] >> 4),
                    options: options)
            }
            #expect(!dissection.layers.isEmpty || dissection.error != nil)
        }
    }

    @Test func wrappedSACKEdgesDecodeInsteadOfTrapping() throws {
        // Found by libFuzzer: a SACK block whose left edge is above its right edge (sequence
        // numbers wrap) used to build an invalid ClosedRange.
        let data = try [UInt8](Data(contentsOf: Self.corpus.appendingPathComponent("regression-sack-wraparound.in")))
        let body = Array(data.dropFirst())
        let dissection = body.withUnsafeBytes { Dissector.dissect($0, linkType: .raw, options: DissectorOptions(detail: true)) }
        #expect(dissection.protocolName == "TCP" || dissection.error != nil)
    }
}
