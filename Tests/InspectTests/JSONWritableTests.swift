import Foundation
import Testing
@testable import Inspect

/// `JSONWritable`: a type's one `writeJSON(to:)` is what every encoder gets (spliced bytes for
/// `JSONStreamEncoder`, replayed members for Foundation's), and what is written decodes back.
struct JSONWritableTests {
    static let summaries = (1...6).map { JSONStreamWriterTests.summary($0, info: "info \($0) \"q\" \\ \u{1} → ✓") }

    @Test func packetSummariesRoundTripThroughBothEncoders() throws {
        for summary in Self.summaries {
            let ours = try JSONStreamEncoder.foundationCompatible.encode(summary)
            #expect(try JSONDecoder().decode(PacketSummary.self, from: Data(ours)) == summary)
            let theirs = try JSONEncoder().encode(summary)
            #expect(try JSONDecoder().decode(PacketSummary.self, from: theirs) == summary)
        }
    }

    @Test func foundationGetsTheSameMembersAsTheStreamEncoder() throws {
        for summary in Self.summaries {
            for (writer, keyStyle) in [(JSONStreamEncoder(keyStyle: .snakeCase), "snake"), (.foundationCompatible, "as written")] {
                let ours = try JSONSerialization.jsonObject(with: Data(try writer.encode(summary))) as? NSDictionary
                let theirs = try JSONSerialization.jsonObject(with: JSONEncoder().encode(summary)) as? NSDictionary
                #expect(ours != nil && ours == theirs, "\(keyStyle) \(summary.number)")
            }
        }
        let node = FieldNode("ip", "IPv4", "x", range: 14..<34, children: [FieldNode("ip.ttl", "TTL", "64", range: 22..<23)])
        let direct = try JSONStreamEncoder().encode(node)
        #expect(
            String(decoding: direct, as: UTF8.self)
                == #"{"key":"ip","label":"IPv4","value":"x","offset":14,"length":20,"children":[{"key":"ip.ttl","label":"TTL","value":"64","offset":22,"length":1,"children":[]}]}"#
        )
        #expect(try JSONDecoder().decode(FieldNode.self, from: JSONEncoder().encode(node)) == node)
        let stamp = PacketTimestamp(seconds: -5, nanoseconds: 999_999_999)
        #expect(String(decoding: try JSONStreamEncoder().encode(stamp), as: UTF8.self) == #"{"seconds":-5,"nanoseconds":999999999}"#)
        #expect(try JSONDecoder().decode(PacketTimestamp.self, from: JSONEncoder().encode(stamp)) == stamp)
    }

    /// Strings go through a word-at-a-time scan: a character to escape at any position of the
    /// first and later words is still escaped.
    @Test func everyPositionOfAnEscapedCharacterIsEscaped() throws {
        for special in ["\"", "\\", "\u{0}", "\n", "\u{1f}"] {
            // Past 24 bytes: strings up to 24 are checked and copied in one pass, longer ones scanned.
            for length in 0...32 {
                for position in 0...length {
                    var text = String(repeating: "a", count: length)
                    text.insert(contentsOf: special, at: text.index(text.startIndex, offsetBy: position))
                    let node = FieldNode("k", "l", text, range: 0..<0)
                    let object = try JSONSerialization.jsonObject(with: Data(try JSONStreamEncoder().encode(node))) as? [String: Any]
                    #expect(object?["value"] as? String == text, "\(length) \(position)")
                }
            }
        }
        let wide = FieldNode("k", "l", "→ ✓ 😀 é plain ascii and more", range: 0..<0)
        #expect(try JSONDecoder().decode(FieldNode.self, from: Data(JSONStreamEncoder().encode(wide))) == wide)
    }

    /// The direction is written from constant bytes: they must spell its raw value (what Codable
    /// decodes), in a summary written by either encoder.
    @Test func directionsAreWrittenAsTheirRawValues() throws {
        for direction in [PacketDirection.incoming, .outgoing, .unknown] {
            #expect(String(decoding: direction.jsonText.bytes, as: UTF8.self) == direction.rawValue)
            var summary = Self.summaries[0]
            summary.direction = direction
            for encoded in [Data(try JSONStreamEncoder().encode(summary)), try JSONEncoder().encode(summary)] {
                let object = try JSONSerialization.jsonObject(with: encoded) as? [String: Any]
                #expect(object?["direction"] as? String == direction.rawValue)
            }
        }
    }

    /// The word copy of keys and plain text copies every length exactly, writing nothing past it.
    @Test func shortCopiesCopyEveryLengthExactly() {
        let source = (0..<100).map { UInt8($0 + 1) }
        for count in 0...90 {
            var out = [UInt8](repeating: 0, count: 100)
            source.withUnsafeBufferPointer { from in
                out.withUnsafeMutableBufferPointer { JSONStreamState.copy(from.baseAddress!, to: $0.baseAddress!, count: count) }
            }
            #expect(Array(out[..<count]) == Array(source[..<count]) && out[count...].allSatisfy { $0 == 0 }, "\(count)")
        }
    }

    @Test func integersOfEveryWidthAsText() throws {
        // Every digit count (each power of ten and the number below it), both signs.
        var powers: [Int64] = []
        var power: Int64 = 1
        for _ in 0..<19 {
            powers += [power - 1, power, -power, 1 - power]
            if power <= Int64.max / 10 { power *= 10 }
        }
        for value: Int64 in [0, 1, 9, 10, 99, 100, -1, -10, 1_000_000_000_000_000_000, .max, .min] + powers {
            let stamp = PacketTimestamp(seconds: value, nanoseconds: 0)
            #expect(String(decoding: try JSONStreamEncoder().encode(stamp), as: UTF8.self) == "{\"seconds\":\(value),\"nanoseconds\":0}")
        }
    }
}
