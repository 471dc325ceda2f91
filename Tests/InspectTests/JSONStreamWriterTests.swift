import Foundation
import Testing
@testable import Inspect

/// `JSONStreamWriter` (the encoder's state kept between values) and `JSONUTF8Text` (text given as
/// bytes): the same bytes as a fresh `JSONStreamEncoder` per value, and the same values as Foundation.
struct JSONStreamWriterTests {
    struct Failing: Encodable {
        struct BoomError: Error {}
        enum CodingKeys: String, CodingKey { case openedFirst, inner }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(1, forKey: .openedFirst)
            var inner = container.nestedUnkeyedContainer(forKey: .inner)
            try inner.encode("x")
            throw BoomError()
        }
    }

    static func summary(_ number: Int, info: String) -> PacketSummary {
        PacketSummary(
            number: number, timestamp: PacketTimestamp(seconds: 1_764_078_666 + Int64(number), nanoseconds: 123_456_789),
            source: "10.0.0.\(number)", destination: "::1", protocolName: "UDP", length: 60 + number, capturedLength: 60,
            info: info, interface: number % 2 == 0 ? "lo" : nil, direction: .incoming,
            error: number == 3 ? DecodeError(.udp, at: 34, .truncated(needed: 8, available: 2)) : nil,
            fields: number == 4
                ? [FieldNode("frame", "Frame", range: 0..<60, children: [FieldNode("udp.port", "Port", "9", range: 36..<38)])] : nil)
    }

    @Test func aReusedWriterWritesWhatAFreshEncoderWrites() throws {
        let writer = JSONStreamWriter(JSONStreamEncoder(keyStyle: .snakeCase))
        let fresh = JSONStreamEncoder(keyStyle: .snakeCase)
        var reused: [UInt8] = []
        var expected: [UInt8] = []
        for number in 1...6 {
            let value = Self.summary(number, info: "a \"quoted\" \u{1} info \(number) → ✓")
            try writer.encode(value, appendingTo: &reused)
            try fresh.encode(value, appendingTo: &expected)
            if number == 2 {
                // A value that throws halfway leaves its containers open: the next one starts clean.
                var scratch: [UInt8] = []
                #expect(throws: Failing.BoomError.self) { try writer.encode(Failing(), appendingTo: &scratch) }
                #expect(String(decoding: scratch, as: UTF8.self) == "{\"opened_first\":1,\"inner\":[\"x\"")
            }
        }
        #expect(reused == expected)
        #expect(String(decoding: reused, as: UTF8.self).contains("\"time\":\"2025-11-25T13:51:07.123456789Z\""))
    }

    @Test func bytesTextEncodesAsItsStringDoes() throws {
        struct Row: Encodable {
            var text: String
            enum CodingKeys: String, CodingKey { case asBytes, asString }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                var copy = text
                try copy.withUTF8 { try container.encode(JSONUTF8Text($0), forKey: .asBytes) }
                try container.encode(text, forKey: .asString)
            }
        }
        for text in ["", "plain", "quote \" backslash \\ tab \t nl \n nul \u{0} del \u{7f}", "→ ✓ 😀"] {
            let ours = try JSONStreamEncoder().encode(Row(text: text))
            let theirs = try JSONEncoder().encode(Row(text: text))
            for json in [Data(ours), theirs] {
                let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: String])
                #expect(object.values.allSatisfy { $0 == text } && object.count == 2, "\(String(decoding: json, as: UTF8.self))")
            }
        }
    }

    /// A string member written from a `String`, from bytes, and from bytes that need no escaping
    /// (copied unscanned): the same object, with every encoder; written in place into a buffer
    /// that already holds bytes (and grows meanwhile), the same bytes after them.
    @Test func stringMembersFromBytesAndStringsAreTheSame() throws {
        struct Row: JSONWritable {
            var text: String
            func encode(to encoder: any Encoder) throws { try encodeWritingJSON(to: encoder) }
            func writeJSON(to json: inout JSONObjectWriter) throws {
                var copy = text
                try json.write("string", text: text)
                try copy.withUTF8 { bytes in
                    try json.write("bytes", text: JSONUTF8Text(bytes))
                    try json.write("plain", text: JSONUTF8Text(needingNoEscaping: bytes))
                }
            }
        }
        let writer = JSONStreamWriter(JSONStreamEncoder())
        for text in ["", "a", "127.0.0.1", "41234 → 9 Len=64", "80 → 54847 [SYN, ACK] Seq=1 Ack=2 Win=3 Len=0 MSS=1460 → ✓ 😀"] {
            let expected =
                "{\"string\":\(String(reflecting: text)),\"bytes\":\(String(reflecting: text)),\"plain\":\(String(reflecting: text))}"
            #expect(String(decoding: try JSONStreamEncoder().encode(Row(text: text)), as: UTF8.self) == expected)
            let foundation = try #require(
                try JSONSerialization.jsonObject(with: JSONEncoder().encode(Row(text: text))) as? [String: String])
            #expect(foundation == ["string": text, "bytes": text, "plain": text])
            var buffer = ByteBuffer(capacity: 4)
            defer { buffer.deallocate() }
            buffer.append(contentsOf: Array("[1,".utf8))
            try writer.encode(Row(text: text), appendingTo: &buffer)
            #expect(String(decoding: buffer.bytes, as: UTF8.self) == "[1," + expected)
        }
    }
}
