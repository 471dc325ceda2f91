import Foundation
import Testing
import SocketKit

/// Addresses travel in JSON (agent frames, `--json`) as their text, and bad text is refused by name.
@Suite struct TextCodableTests {
    struct Wrapper<Value: Codable>: Codable { var value: Value }

    @Test func addressesEncodeAsTheirTextAndDecodeBack() throws {
        let v4 = try #require(IPv4Address("192.0.2.7"))
        let v6 = try #require(IPv6Address("2001:db8::1"))
        #expect(String(decoding: try JSONEncoder().encode(Wrapper(value: v4)), as: UTF8.self) == #"{"value":"192.0.2.7"}"#)
        #expect(String(decoding: try JSONEncoder().encode(Wrapper(value: v6)), as: UTF8.self) == #"{"value":"2001:db8::1"}"#)
        #expect(try JSONDecoder().decode(Wrapper<IPv4Address>.self, from: Data(#"{"value":"192.0.2.7"}"#.utf8)).value == v4)
        #expect(try JSONDecoder().decode(Wrapper<IPv6Address>.self, from: Data(#"{"value":"2001:db8::1"}"#.utf8)).value == v6)
    }

    @Test func badTextNamesWhatWasExpected() {
        for (json, kind) in [(#"{"value":"300.1.1.1"}"#, "IPv4 address"), (#"{"value":"::g"}"#, "IPv6 address")] {
            do {
                if kind.hasPrefix("IPv4") {
                    _ = try JSONDecoder().decode(Wrapper<IPv4Address>.self, from: Data(json.utf8))
                } else {
                    _ = try JSONDecoder().decode(Wrapper<IPv6Address>.self, from: Data(json.utf8))
                }
                Issue.record("\(json) decoded")
            } catch let DecodingError.dataCorrupted(context) {
                #expect(context.debugDescription.hasPrefix("not an \(kind): "))
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}
