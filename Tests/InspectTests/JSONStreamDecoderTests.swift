import Foundation
import Testing
@testable import Inspect

/// `JSONStreamDecoder` reads back what `JSONStreamEncoder` writes, refuses what is not JSON before
/// making any value, and says which member failed.
struct JSONStreamDecoderTests {
    struct Keys: Codable, Equatable {
        var scopeID: UInt32
        var bytesAcknowledged: UInt64
        var elapsed: Double
        var name: String?
        var list: [Int8]
        var blob: Data
        var when: Date

        enum CodingKeys: String, CodingKey {
            case scopeID, bytesAcknowledged, name, list, blob, when
            case elapsed = "elapsed_ms"
        }
    }

    static let value = Keys(
        scopeID: 7, bytesAcknowledged: 1 << 40, elapsed: 1.5, name: "a \"b\"\n\u{1}é😀", list: [-128, 0, 127],
        blob: Data([0, 255, 1]), when: Date(timeIntervalSince1970: 1_765_100_000.25))

    @Test func whatTheEncoderWritesReadsBackAcronymsAndExplicitKeysIncluded() throws {
        let bytes = try JSONStreamEncoder().encode(Self.value)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("\"scope_id\":7") && text.contains("\"elapsed_ms\":1.5") && text.contains("\"bytes_acknowledged\""))
        #expect(try JSONStreamDecoder().decode(Keys.self, from: bytes) == Self.value)
        // Members in any order, with members it does not know.
        let shuffled =
            #"{"extra":[{"x":1}],"when":1765100000.25,"list":[-128,0,127],"blob":"AP8B","elapsed_ms":1.5,"bytes_acknowledged":1099511627776,"scope_id":7,"name":null}"#
        var expected = Self.value
        expected.name = nil
        #expect(try JSONStreamDecoder().decode(Keys.self, from: Array(shuffled.utf8)) == expected)
    }

    @Test func escapesAndSurrogatePairsDecode() throws {
        let json = #"["\u00e9\ud83d\ude00\n\t\"\\\/", "plain"]"#
        #expect(try JSONStreamDecoder().decode([String].self, from: Array(json.utf8)) == ["é😀\n\t\"\\/", "plain"])
    }

    @Test(arguments: [
        ("", "not valid JSON at byte 0"), ("{", "not valid JSON at byte 1"), ("[1,]", "not valid JSON at byte 3"),
        ("{\"a\":1}x", "text after the value"), ("01", "text after the value"), ("1.", "a fraction needs digits"),
        ("\"\\x\"", "unknown escape"), ("\"\\u12\"", "four hex digits"), ("\"a\u{1}\"", "control character"),
        ("nul", "expected null"), ("\"open", "unterminated string")
    ])
    func malformedDocumentsAreRefusedWithWhereAndWhy(json: String, message: String) {
        #expect {
            _ = try JSONStreamDecoder().decode([Int].self, from: Array(json.utf8))
        } throws: { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return false }
            return context.debugDescription.contains(message)
        }
    }

    @Test func nestingDeeperThanTheLimitIsRefusedBeforeDecoding() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect {
            _ = try JSONStreamDecoder(maxDepth: 128).decode([Int].self, from: Array(deep.utf8))
        } throws: { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return false }
            return context.debugDescription.contains("nested deeper than 128 levels")
        }
    }

    @Test func anInvalidSurrogateOrUTF8IsRefused() {
        for bytes in [Array(#"["\ud800"]"#.utf8), Array(#"["\udc00x"]"#.utf8), [0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d]] {
            #expect(throws: DecodingError.self) { _ = try JSONStreamDecoder().decode([String].self, from: bytes) }
        }
    }

    @Test func numbersOutOfTheFieldsRangeOrNotWholeAreRefusedNamingTheMember() throws {
        struct Small: Decodable { var id: UInt8 }
        for json in [#"{"id":256}"#, #"{"id":-1}"#, #"{"id":1.5}"#, #"{"id":"7"}"#, #"{"id":null}"#, #"{}"#] {
            #expect {
                _ = try JSONStreamDecoder().decode(Small.self, from: Array(json.utf8))
            } throws: { error in
                guard let error = error as? DecodingError else { return false }
                switch error {
                case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
                    return context.codingPath.map(\.stringValue) == ["id"]
                case .keyNotFound(let key, _): return key.stringValue == "id"
                @unknown default: return false
                }
            }
        }
        struct Whole: Decodable { var id: UInt64 }
        #expect(try JSONStreamDecoder().decode(Whole.self, from: Array(#"{"id":18446744073709551615}"#.utf8)).id == .max)
        #expect(try JSONStreamDecoder().decode(Whole.self, from: Array(#"{"id":1e3}"#.utf8)).id == 1000)
    }

    @Test func anErrorsPathNamesEveryLevel() {
        struct Inner: Decodable { var port: UInt16 }
        struct Outer: Decodable { var rows: [Inner] }
        #expect {
            _ = try JSONStreamDecoder().decode(Outer.self, from: Array(#"{"rows":[{"port":1},{"port":70000}]}"#.utf8))
        } throws: { error in
            guard case DecodingError.dataCorrupted(let context) = error else { return false }
            return context.codingPath.map(\.stringValue) == ["rows", "1", "port"]
        }
    }

    @Test func doublesReadExactly() throws {
        let values: [Double] = [0, 0.1, 1.5, -2.25, 1e-7, 123_456_789.123_456_78, 1e15 + 1, 9_007_199_254_740_993, 1e300, 5e-324, .pi]
        let bytes = try JSONStreamEncoder().encode(values)
        let back = try JSONStreamDecoder().decode([Double].self, from: bytes)
        #expect(back.map(\.bitPattern) == values.map(\.bitPattern))
    }

    /// A value with `count` camelCase members, keys made at run time (each a new `String`).
    struct ManyKeys: Codable, Equatable {
        var values: [Int]
        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
            init(_ index: Int) { stringValue = "memberNumber\(index)Here" }
        }
        init(values: [Int]) { self.values = values }
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            values = try (0..<600).map { try container.decode(Int.self, forKey: Key($0)) }
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: Key.self)
            for (index, value) in values.enumerated() { try container.encode(value, forKey: Key(index)) }
        }
    }

    /// Converted keys are kept in a table that never evicts and stops growing at half full: more
    /// distinct camelCase keys than it holds, and keys that share a slot, all still read back.
    @Test func moreConvertedKeysThanTheKeyTableHoldsStillDecode() throws {
        let value = [ManyKeys](repeating: ManyKeys(values: (0..<600).map { $0 * 7 }), count: 3)
        let bytes = try JSONStreamEncoder().encode(value)
        #expect(String(decoding: bytes, as: UTF8.self).contains("\"member_number599_here\":4193"))
        #expect(try JSONStreamDecoder().decode([ManyKeys].self, from: bytes) == value)
    }
}
