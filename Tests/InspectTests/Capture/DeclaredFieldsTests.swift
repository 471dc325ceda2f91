import Foundation
import Testing
@testable import Inspect

/// The header views read through their declared field ranges (`IPv4View.Field.totalLength`), as
/// smoltcp's `field::` constants are used, never through bare offsets (issue #19 part 4).
@Suite struct DeclaredFieldsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// No `bytes[offset]`, `bytes[offset + 6]`, `u16be(offset + 4)`, `packet[23]` or `u16be(46)` in the
    /// views, the quick summary path and the reassembly prefilter.
    @Test(
        arguments: [
            "Dissect/IPViews.swift", "Dissect/LinkViews.swift", "Dissect/TransportViews.swift", "Dissect/ApplicationViews.swift",
            "Dissect/DNSView.swift", "QuickSummary.swift", "Analysis/ReassemblyPrefilter.swift"
        ] + dissectorFiles)
    func viewsReadNoBareOffsets(file: String) throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("Sources/Inspect/Capture/\(file)"), encoding: .utf8)
        let bare = /(bytes|packet)\[(offset( \+ \d+)?|\d+)\]|(u8|u16be|u32be|u16le|u32le)\((offset( \+ \d+)?|\d+)\)/
        let offenders = text.split(separator: "\n").enumerated().filter { $0.element.contains(bare) }.map {
            "\(file):\($0.offset + 1): \($0.element)"
        }
        #expect(offenders.isEmpty, "bare offsets: \(offenders)")
    }

    /// The dissector's files (Dissector.swift and its per-layer extensions).
    static var dissectorFiles: [String] {
        let directory = root.appendingPathComponent("Sources/Inspect/Capture/Dissect").path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasPrefix("Dissector") && $0.hasSuffix(".swift") }.sorted().map { "Dissect/" + $0 }
    }

    /// The field tree's ranges come from the views' declared fields (`ip.range(of: IPv4View.Field.source)`)
    /// or from computed extents, never from literal offsets: no `range: (offset + 6)..<(offset + 12)`,
    /// `range: 0..<2` or `(range.lowerBound + 2)..<` in the dissector.
    @Test(arguments: dissectorFiles)
    func treeRangesAreNoLiteralOffsets(file: String) throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("Sources/Inspect/Capture/\(file)"), encoding: .utf8)
        let literal = /range: .*\b(offset|position|lowerBound|upperBound|headerEnd|start) [+-] \d|range: \(?([1-9]\d*\.\.<|\d+\.\.<[1-9])/
        let offenders = text.split(separator: "\n").enumerated().filter { $0.element.contains(literal) }.map {
            "\(file):\($0.offset + 1): \($0.element)"
        }
        #expect(offenders.isEmpty, "literal offsets in field ranges: \(offenders)")
    }

    /// The dissector is split by layer into files of at most about 400 lines.
    @Test(arguments: dissectorFiles)
    func dissectorFilesStaySmall(file: String) throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent("Sources/Inspect/Capture/\(file)"), encoding: .utf8)
        #expect(text.split(separator: "\n", omittingEmptySubsequences: false).count <= 420, "\(file)")
    }

    /// Each accessor reads the bytes of its declared field.
    @Test func accessorsReadTheirDeclaredFields() throws {
        // Ethernet, IPv4 (TTL 64, protocol TCP, 10.0.0.1 → 10.0.0.2), TCP 1234 → 80, SYN, window 0xfaf0.
        let packet: [UInt8] = [
            0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00,
            0x45, 0x08, 0, 40, 0x12, 0x34, 0x40, 0x00, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
            0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xfa, 0xf0, 0, 0, 0, 0
        ]
        try packet.withUnsafeBytes { bytes in
            let extent = ByteExtent(end: bytes.count, capturedEnd: bytes.count)
            let eth = try EthernetView(bytes, at: 0, within: extent)
            #expect(eth.range(of: EthernetView.Field.etherType) == 12..<14 && eth.etherType == 0x0800)
            let ip = try IPv4View(bytes, at: eth.payloadOffset, within: extent)
            #expect(ip.range(of: IPv4View.Field.timeToLive) == 22..<23 && ip.timeToLive == 64)
            #expect(ip.protocolNumber == 6 && ip.dontFragment && !ip.moreFragments && ip.identification == 0x1234 && ip.dscp == 2)
            #expect(ip.source == "10.0.0.1" && ip.destination == "10.0.0.2")
            let tcp = try TCPView(bytes, at: ip.payloadOffset, within: ip.payloadExtent)
            #expect(tcp.sourcePort == 1234 && tcp.destinationPort == 80 && tcp.sequenceNumber == 1)
            #expect(tcp.headerLength == 20 && tcp.flags == 0x002 && tcp.window == 0xfaf0)
        }
    }
}
