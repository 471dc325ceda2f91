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

    /// The hand-written dotted-quad formatter agrees with inet_ntop on every octet width, and the
    /// byte initialisers take any collection.
    @Test func ipv4TextMatchesInetNtopForEveryOctet() throws {
        for octet in 0...255 {
            let bytes: [UInt8] = [UInt8(octet), UInt8(255 - octet), UInt8(octet / 2), UInt8(octet % 10)]
            let address = try #require(IPv4Address(bytes: bytes))
            #expect(address.description == (try inetNtop(.inet, bytes)))
            #expect(IPv4Address(address.description) == address)
        }
        #expect(IPv4Address.broadcast.description == "255.255.255.255" && IPv4Address.any.description == "0.0.0.0")
        #expect(
            IPv4Address(bytes: [1, 2, 3]) == nil && IPv4Address(bytes: ArraySlice([9, 1, 2, 3, 4]).dropFirst())?.description == "1.2.3.4")
        let v6 = try #require(IPv6Address(bytes: (1...16).map(UInt8.init)))
        #expect(v6.bytes == (1...16).map(UInt8.init) && IPv6Address(bytes: [UInt8](repeating: 0, count: 15)) == nil)
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
